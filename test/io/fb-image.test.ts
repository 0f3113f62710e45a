import pngjs from 'pngjs';
import { describe, expect, it } from 'vitest';
import { Fourcc } from '../../src/uapi/fourcc.js';
import {
  allocFramebuffer, argb16ToImage, argb16ToPng, builtinLineReader, createImage, framebufferToImage, framebufferToPng,
  putArgb16Line, type FramebufferView, type LineReader,
} from '../../src/io/index.js';

const { PNG } = pngjs;

function fbWith(format: number, w: number, h: number, bytes: number[], pitch: number): FramebufferView {
  const data = new Uint8Array(pitch * h + 3);
  data.set(bytes, 3);
  return { format, width: w, height: h, pitches: [pitch], offsets: [3], data: [data] };
}

describe('framebufferToImage with the built-in readers', () => {
  it('ARGB8888 bytes B,G,R,A → RGBA, at 8 and 16 bits, with a padded pitch', () => {
    const f = fbWith(Fourcc.ARGB8888, 2, 2, [10, 20, 30, 40, 1, 2, 3, 4, /* pad */ 9, 9, 9, 9, 50, 60, 70, 80, 255, 254, 253, 252], 12);
    const img8 = framebufferToImage(f);
    expect(img8.depth).toBe(8);
    expect(Array.from(img8.data)).toEqual([30, 20, 10, 40, 3, 2, 1, 4, 70, 60, 50, 80, 253, 254, 255, 252]);
    const img16 = framebufferToImage(f, { depth: 16 });
    expect(Array.from(img16.data)).toEqual([30, 20, 10, 40, 3, 2, 1, 4, 70, 60, 50, 80, 253, 254, 255, 252].map((v) => v * 257));
  });

  it('byte orders of the other 8-bit formats; X channels read as opaque', () => {
    const px = [11, 22, 33, 44];
    const cases: [keyof typeof Fourcc, number[]][] = [
      ['XRGB8888', [33, 22, 11, 255]], ['ABGR8888', [11, 22, 33, 44]], ['XBGR8888', [11, 22, 33, 255]],
      ['BGRA8888', [22, 33, 44, 11]], ['RGBA8888', [44, 33, 22, 11]], ['BGRX8888', [22, 33, 44, 255]],
      ['RGBX8888', [44, 33, 22, 255]],
    ];
    for (const [name, want] of cases) {
      expect(Array.from(framebufferToImage(fbWith(Fourcc[name], 1, 1, px, 4)).data), name).toEqual(want);
    }
    expect(Array.from(framebufferToImage(fbWith(Fourcc.RGB888, 1, 1, [1, 2, 3], 3)).data)).toEqual([3, 2, 1, 255]);
    expect(Array.from(framebufferToImage(fbWith(Fourcc.BGR888, 1, 1, [1, 2, 3], 3)).data)).toEqual([1, 2, 3, 255]);
  });

  it('16161616 formats read as little-endian u16', () => {
    // ARGB16161616: [63:0] A:R:G:B → u16 B, G, R, A
    const bytes = [0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08];
    expect(Array.from(framebufferToImage(fbWith(Fourcc.ARGB16161616, 1, 1, bytes, 8), { depth: 16 }).data)).toEqual([0x0605, 0x0403, 0x0201, 0x0807]);
    expect(Array.from(framebufferToImage(fbWith(Fourcc.XBGR16161616, 1, 1, bytes, 8), { depth: 16 }).data)).toEqual([0x0201, 0x0403, 0x0605, 0xffff]);
  });

  it('RGB565 reads as VKMS does: c16 = floor((2·k·65535 + n) / 2n)', () => {
    const f = allocFramebuffer(Fourcc.RGB565, 64, 1);
    for (let k = 0; k < 64; k++) {
      const v = ((k & 31) << 11) | (k << 5) | (31 - (k & 31));
      f.data[0]![2 * k] = v & 0xff;
      f.data[0]![2 * k + 1] = v >> 8;
    }
    const img = framebufferToImage(f, { depth: 16 });
    const c5 = (k: number): number => Math.floor((2 * k * 65535 + 31) / 62);
    const c6 = (k: number): number => Math.floor((2 * k * 65535 + 63) / 126);
    for (let k = 0; k < 64; k++) {
      expect(Array.from(img.data.subarray(4 * k, 4 * k + 4))).toEqual([c5(k & 31), c6(k), c5(31 - (k & 31)), 65535]);
    }
    const bgr = { ...f, format: Fourcc.BGR565 };
    expect(Array.from(framebufferToImage(bgr, { depth: 16 }).data.subarray(4, 8))).toEqual([c5(30), c6(1), c5(1), 65535]);
  });

  it("alpha 'opaque' forces alpha, 'straight' un-premultiplies", () => {
    const f = fbWith(Fourcc.ARGB8888, 2, 1, [0, 32, 64, 128, 7, 7, 7, 0], 8);
    expect(Array.from(framebufferToImage(f, { alpha: 'opaque' }).data)).toEqual([64, 32, 0, 255, 7, 7, 7, 255]);
    // 64/128 → 127.5 → 128 (rounded at 16 bits, then DIV_ROUND_CLOSEST to 8), 32/128 → 64; alpha 0 → black
    expect(Array.from(framebufferToImage(f, { alpha: 'straight' }).data)).toEqual([128, 64, 0, 128, 0, 0, 0, 0]);
  });

  it('formats without a built-in reader need opts.reader, which plugs in like compose/ readers', () => {
    const nv = allocFramebuffer(Fourcc.NV12, 4, 2);
    expect(builtinLineReader(Fourcc.NV12)).toBeUndefined();
    expect(() => framebufferToImage(nv)).toThrow("no built-in line reader for NV12 (0x3231564e); pass opts.reader (e.g. compose/'s format reader)");
    const seen: number[] = [];
    const reader: LineReader = (fb, y, out) => {
      seen.push(y);
      for (let x = 0; x < fb.width; x++) out.set([0xffff, 257 * (x + 1), 257 * y, 0], 4 * x);
    };
    const img = framebufferToImage(nv, { reader });
    expect(seen).toEqual([0, 1]);
    expect(Array.from(img.data.subarray(4 * 5, 4 * 6))).toEqual([2, 1, 0, 255]); // (1, 1)
  });

  it('framebufferToPng encodes what framebufferToImage reads', () => {
    const f = fbWith(Fourcc.XRGB8888, 2, 1, [1, 2, 3, 0, 4, 5, 6, 0], 8);
    const png = PNG.sync.read(framebufferToPng(f));
    expect(Array.from(png.data)).toEqual([3, 2, 1, 255, 6, 5, 4, 255]);
    const png16 = PNG.sync.read(framebufferToPng(f, { depth: 16 }), { skipRescale: true }) as unknown as { data: Uint16Array };
    expect(Array.from(png16.data)).toEqual([3, 2, 1, 255, 6, 5, 4, 255].map((v) => v * 257));
  });
});

describe('ARGB16161616 intermediate → image / PNG', () => {
  const line = new Uint16Array([0xffff, 0x7f80, 0x8000, 385, 0x8000, 386, 0, 65535]); // a, r, g, b × 2 pixels

  it('8-bit output rounds as VKMS writeback: DIV_ROUND_CLOSEST(c, 257)', () => {
    const img = argb16ToImage({ width: 2, height: 1, data: line });
    const r = (c: number): number => Math.floor((c + 128) / 257);
    expect(Array.from(img.data)).toEqual([r(0x7f80), r(0x8000), r(385), 255, r(386), r(0), r(65535), r(0x8000)]);
    expect(Array.from(img.data)).toEqual([127, 128, 1, 255, 2, 0, 255, 128]);
  });

  it('16-bit output keeps the values; PNG of both depths; stride between lines', () => {
    const frame = new Uint16Array(2 * 12);
    frame.set(line, 0);
    frame.set(line, 12); // stride 12 u16 for 2 pixels (4 padding values)
    const img = argb16ToImage({ width: 2, height: 2, data: frame, stride: 12 }, { depth: 16 });
    expect(Array.from(img.data)).toEqual([0x7f80, 0x8000, 385, 0xffff, 386, 0, 65535, 0x8000, 0x7f80, 0x8000, 385, 0xffff, 386, 0, 65535, 0x8000]);
    const png16 = PNG.sync.read(argb16ToPng({ width: 2, height: 2, data: frame, stride: 12 }, { depth: 16 }), { skipRescale: true }) as unknown as { data: Uint16Array };
    expect(Array.from(png16.data)).toEqual(Array.from(img.data));
    const png8 = PNG.sync.read(argb16ToPng({ width: 2, height: 1, data: line }));
    expect(Array.from(png8.data)).toEqual([127, 128, 1, 255, 2, 0, 255, 128]);
  });

  it('putArgb16Line fills an image one compositor line at a time', () => {
    const img = createImage(2, 2, 8);
    putArgb16Line(img, 1, line, 'opaque');
    expect(Array.from(img.data)).toEqual([0, 0, 0, 0, 0, 0, 0, 0, 127, 128, 1, 255, 2, 0, 255, 255]);
  });

  it('names the bad field', () => {
    expect(() => argb16ToImage({ width: 2, height: 2, data: line })).toThrow('data has 8 values, 16 needed for 2x2 with stride 8');
    expect(() => argb16ToImage({ width: 2, height: 1, data: line, stride: 4 })).toThrow('stride=4 is smaller than 4*width=8');
  });
});
