import { describe, expect, it } from 'vitest';
import { Fourcc, fourccString, formatInfo } from '../../src/uapi/fourcc.js';
import { READABLE_FORMATS, WRITEBACK_FORMATS, isSupportedPlaneFormat, readFormat } from '../../src/compose/formats.js';
import { DIR_B2T, DIR_L2R, DIR_R2L, DIR_T2B, makeLine, prepareSource, readSpan } from '../../src/compose/formats-read.js';
import { RGB565_W5, RGB565_W6, rgb565WriteBig, writeSpan } from '../../src/compose/formats-write.js';
import { readLineRef, writePixelRef, type Px, type RefFb } from './reference.js';
import { int, randomFb, rng } from './helpers.js';

const DIRS = [DIR_L2R, DIR_R2L, DIR_T2B, DIR_B2T];

function readAll(fb: RefFb, enc: number, range: number, xs: number, ys: number, dir: number, n: number, checked = false, i0 = 0): Px[] {
  const src = prepareSource(readFormat(fb.format)!, fb, enc, range);
  const line = makeLine(n + 3);
  line.u16.fill(0xabcd);
  readSpan(src, xs, ys, dir, i0, n, line, 2, checked);
  const out: Px[] = [];
  for (let i = 0; i < n; i++) out.push([line.u16[(i + 2) * 4]!, line.u16[(i + 2) * 4 + 1]!, line.u16[(i + 2) * 4 + 2]!, line.u16[(i + 2) * 4 + 3]!]);
  // nothing outside the span is touched
  expect(line.u16[7]).toBe(0xabcd);
  expect(line.u16[(n + 2) * 4]).toBe(0xabcd);
  return out;
}

describe('format table', () => {
  it('covers the 33 VKMS plane formats and the 6 writeback formats', () => {
    expect(READABLE_FORMATS.filter(isSupportedPlaneFormat)).toHaveLength(33);
    expect(WRITEBACK_FORMATS.map(fourccString)).toEqual(['AR24', 'XR24', 'AB24', 'XR48', 'AR48', 'RG16']);
  });
});

describe('line readers', () => {
  for (const format of READABLE_FORMATS) {
    it(`${fourccString(format)} matches the reference in every direction`, () => {
      const r = rng(format);
      const info = formatInfo(format)!;
      const encs = info.isYuv ? [[0, 0], [0, 1], [1, 0], [1, 1], [2, 0], [2, 1]] : [[0, 1]];
      for (let rep = 0; rep < 3; rep++) {
        const w = int(r, 9, 37), h = int(r, 7, 29);
        const fb = randomFb(r, format, w, h, { pad: int(r, 0, 9), offset: int(r, 0, 3) * 4 + int(r, 0, 1) * (rep === 2 ? 1 : 0), separate: rep === 1 });
        for (const [enc, range] of encs) {
          for (const dir of DIRS) {
            for (let k = 0; k < 4; k++) {
              const horizontal = dir === DIR_L2R || dir === DIR_R2L;
              const len = horizontal ? w : h;
              const start = int(r, 0, len - 1);
              const n = dir === DIR_L2R || dir === DIR_T2B ? int(r, 1, len - start) : int(r, 1, start + 1);
              const xs = horizontal ? start : int(r, 0, w - 1);
              const ys = horizontal ? int(r, 0, h - 1) : start;
              const want = readLineRef(fb, enc!, range!, xs, ys, dir, n);
              expect(readAll(fb, enc!, range!, xs, ys, dir, n)).toEqual(want);
              expect(readAll(fb, enc!, range!, xs, ys, dir, n, true)).toEqual(want);
              // a sub-span from pixel i0 on is the same pixels
              const i0 = int(r, 0, n - 1);
              expect(readAll(fb, enc!, range!, xs, ys, dir, n - i0, false, i0)).toEqual(want.slice(i0));
            }
          }
        }
      }
    });
  }

  it('RGB565 reads every value as VKMS does (round half up of v·65535/31 or /63)', () => {
    const fb: RefFb = { format: Fourcc.RGB565, width: 65536, height: 1, pitches: [131072], offsets: [0], data: [new Uint8Array(131072)] };
    for (let v = 0; v < 65536; v++) { fb.data[0]![v * 2] = v & 255; fb.data[0]![v * 2 + 1] = v >> 8; }
    const got = readAll(fb, 0, 1, 0, 0, DIR_L2R, 65536);
    let bad = 0;
    for (let v = 0; v < 65536; v++) {
      const r5 = v >> 11, g6 = (v >> 5) & 63, b5 = v & 31;
      const f = (k: number, n: number): number => Math.floor((2 * k * 65535 + n) / (2 * n)); // §2.13
      const px = got[v]!;
      if (px[0] !== 0xffff || px[1] !== f(r5, 31) || px[2] !== f(g6, 63) || px[3] !== f(b5, 31)) bad++;
    }
    expect(bad).toBe(0);
  });

  it('R1 read vertically steps pitch × 8 bytes, as VKMS does', () => {
    const fb: RefFb = { format: Fourcc.R1, width: 8, height: 32, pitches: [1], offsets: [0], data: [new Uint8Array(32)] };
    fb.data[0]![0] = 0x80; fb.data[0]![8] = 0x80; fb.data[0]![16] = 0x00; fb.data[0]![24] = 0x80;
    expect(readAll(fb, 0, 1, 0, 0, DIR_T2B, 4).map((p) => p[1])).toEqual([0xffff, 0xffff, 0, 0xffff]);
  });

  it('reads outside the buffer as zero instead of failing', () => {
    const fb: RefFb = { format: Fourcc.XRGB8888, width: 4, height: 2, pitches: [16], offsets: [0], data: [new Uint8Array(32).fill(0x10)] };
    const got = readAll(fb, 0, 1, 0, 1, DIR_T2B, 4);
    expect(got[0]).toEqual([0xffff, 0x1010, 0x1010, 0x1010]);
    expect(got[2]).toEqual([0xffff, 0, 0, 0]);
  });
});

describe('writeback writers', () => {
  it('RGB565 quotients equal drm_fixp2int(drm_fixp_div(c, ratio)) for every u16', () => {
    let bad = 0;
    for (let c = 0; c < 65536; c++) {
      if (RGB565_W5[c] !== rgb565WriteBig(c, false) || RGB565_W6[c] !== rgb565WriteBig(c, true)) bad++;
    }
    expect(bad).toBe(0);
    // §2.13: k = floor(n·c16 / 65535)
    for (let c = 0; c < 65536; c += 7) {
      expect(RGB565_W5[c]).toBe(Math.floor(31 * c / 65535));
      expect(RGB565_W6[c]).toBe(Math.floor(63 * c / 65535));
    }
  });

  for (const format of WRITEBACK_FORMATS) {
    it(`${fourccString(format)} writes random lines like argb_u16_to_*`, () => {
      const r = rng(format ^ 0x55);
      const n = 3000;
      const line = makeLine(n);
      for (let i = 0; i < n * 4; i++) line.u16[i] = r() < 0.2 ? (r() < 0.5 ? 0 : 0xffff) : Math.floor(r() * 65536);
      for (const at of [0, 4, 6]) {
        const cpp = format === Fourcc.RGB565 ? 2 : format === Fourcc.ARGB16161616 || format === Fourcc.XRGB16161616 ? 8 : 4;
        const dst = new Uint8Array(at + n * cpp + 5).fill(0x5a);
        expect(writeSpan(format, line, 0, n, dst, at)).toBe(true);
        const want = new Uint8Array(dst.length).fill(0x5a);
        for (let i = 0; i < n; i++) {
          const px: Px = [line.u16[i * 4]!, line.u16[i * 4 + 1]!, line.u16[i * 4 + 2]!, line.u16[i * 4 + 3]!];
          want.set(writePixelRef(format, px), at + i * cpp);
        }
        expect(Buffer.from(dst).equals(Buffer.from(want))).toBe(true);
      }
    });
  }

  it('rejects formats VKMS cannot write back', () => {
    expect(writeSpan(Fourcc.XRGB2101010, makeLine(1), 0, 1, new Uint8Array(4), 0)).toBe(false);
  });
});

describe('whole-framebuffer conversions', () => {
  it('readFramebufferToArgb16 / fbToRgba8 equal the reference reader, row by row', async () => {
    const { readFramebufferToArgb16, fbToRgba8 } = await import('../../src/compose/convert.js');
    const r = rng(77);
    for (const format of [Fourcc.NV12, Fourcc.ARGB8888, Fourcc.RGB565, Fourcc.R1]) {
      const fb = randomFb(r, format, 13, 9, { pad: 3 });
      const a16 = readFramebufferToArgb16(fb, undefined, { colorEncoding: 1, colorRange: 0 });
      const rgba = fbToRgba8(fb, { colorEncoding: 1, colorRange: 0 });
      for (let y = 0; y < 9; y++) {
        const want = readLineRef(fb, 1, 0, 0, y, DIR_L2R, 13);
        for (let x = 0; x < 13; x++) {
          const k = (y * 13 + x) * 4;
          expect([a16[k], a16[k + 1], a16[k + 2], a16[k + 3]]).toEqual(want[x]);
          const d = (c: number): number => Math.floor((c + 128) / 257);
          expect([...rgba.data.subarray(k, k + 4)]).toEqual([d(want[x]![1]), d(want[x]![2]), d(want[x]![3]), d(want[x]![0])]);
        }
      }
      const sub = readFramebufferToArgb16(fb, { x1: 2, y1: 3, x2: 7, y2: 5 });
      expect(sub.length).toBe(5 * 2 * 4);
      expect([...sub.subarray(0, 4)]).toEqual(readLineRef(fb, 0, 1, 2, 3, DIR_L2R, 1)[0]);
      expect(() => readFramebufferToArgb16(fb, { x1: 0, y1: 0, x2: 14, y2: 1 })).toThrow(/not inside/);
    }
  });
});
