import { describe, expect, it } from 'vitest';
import { Fourcc } from '../../src/uapi/fourcc.js';
import { allocFramebuffer, fillPattern, patternSupportsFormat, type FramebufferView } from '../../src/io/index.js';
import { halfOf, le16, le32, smpteRgba, tilesAlpha, tilesRgb } from './modetest-ref.js';

type Px = [number, number, number, number];

/** Byte decoders per DRM fourcc definition (little-endian words), written from drm_fourcc.h. */
const decode: Record<string, (d: Uint8Array, at: number) => Px> = {
  XRGB8888: (d, i) => [d[i + 2]!, d[i + 1]!, d[i]!, d[i + 3]!], // [31:0] x:R:G:B → B G R x
  ARGB8888: (d, i) => [d[i + 2]!, d[i + 1]!, d[i]!, d[i + 3]!],
  ABGR8888: (d, i) => [d[i]!, d[i + 1]!, d[i + 2]!, d[i + 3]!], // R G B A
  XBGR8888: (d, i) => [d[i]!, d[i + 1]!, d[i + 2]!, d[i + 3]!],
  RGBA8888: (d, i) => [d[i + 3]!, d[i + 2]!, d[i + 1]!, d[i]!], // A B G R
  BGRA8888: (d, i) => [d[i + 1]!, d[i + 2]!, d[i + 3]!, d[i]!], // A R G B
  RGB888: (d, i) => [d[i + 2]!, d[i + 1]!, d[i]!, 0], // B G R
  BGR888: (d, i) => [d[i]!, d[i + 1]!, d[i + 2]!, 0], // R G B
  RGB565: (d, i) => { const v = le16(d, i); return [v >> 11, (v >> 5) & 63, v & 31, 0]; },
  BGR565: (d, i) => { const v = le16(d, i); return [v & 31, (v >> 5) & 63, v >> 11, 0]; },
  XRGB2101010: (d, i) => { const v = le32(d, i); return [(v >>> 20) & 1023, (v >>> 10) & 1023, v & 1023, v >>> 30]; },
  ARGB2101010: (d, i) => { const v = le32(d, i); return [(v >>> 20) & 1023, (v >>> 10) & 1023, v & 1023, v >>> 30]; },
  ABGR2101010: (d, i) => { const v = le32(d, i); return [v & 1023, (v >>> 10) & 1023, (v >>> 20) & 1023, v >>> 30]; },
  RGBA1010102: (d, i) => { const v = le32(d, i); return [(v >>> 22) & 1023, (v >>> 12) & 1023, (v >>> 2) & 1023, v & 3]; },
  // 64-bit: [63:0] A:R:G:B 16 each → u16 B, G, R, A
  ARGB16161616: (d, i) => [le16(d, i + 4), le16(d, i + 2), le16(d, i), le16(d, i + 6)],
  XRGB16161616: (d, i) => [le16(d, i + 4), le16(d, i + 2), le16(d, i), le16(d, i + 6)],
  ABGR16161616: (d, i) => [le16(d, i), le16(d, i + 2), le16(d, i + 4), le16(d, i + 6)],
  ARGB16161616F: (d, i) => [le16(d, i + 4), le16(d, i + 2), le16(d, i), le16(d, i + 6)],
  XBGR16161616F: (d, i) => [le16(d, i), le16(d, i + 2), le16(d, i + 4), le16(d, i + 6)],
};
const cppOf: Record<string, number> = {
  RGB888: 3, BGR888: 3, RGB565: 2, BGR565: 2,
  ARGB16161616: 8, XRGB16161616: 8, ABGR16161616: 8, ARGB16161616F: 8, XBGR16161616F: 8,
};

/** How modetest turns an 8-bit colour into each format's components (bit replication). */
const expand: Record<string, (c: Px) => Px> = {
  XRGB8888: ([r, g, b]) => [r, g, b, 0],
  ARGB8888: (c) => c,
  ABGR8888: (c) => c,
  XBGR8888: ([r, g, b]) => [r, g, b, 0],
  RGBA8888: (c) => c,
  BGRA8888: (c) => c,
  RGB888: ([r, g, b]) => [r, g, b, 0],
  BGR888: ([r, g, b]) => [r, g, b, 0],
  RGB565: ([r, g, b]) => [r >> 3, g >> 2, b >> 3, 0],
  BGR565: ([r, g, b]) => [r >> 3, g >> 2, b >> 3, 0],
  XRGB2101010: ([r, g, b]) => [(r << 2) | (r >> 6), (g << 2) | (g >> 6), (b << 2) | (b >> 6), 0],
  ARGB2101010: ([r, g, b, a]) => [(r << 2) | (r >> 6), (g << 2) | (g >> 6), (b << 2) | (b >> 6), a >> 6],
  ABGR2101010: ([r, g, b, a]) => [(r << 2) | (r >> 6), (g << 2) | (g >> 6), (b << 2) | (b >> 6), a >> 6],
  RGBA1010102: ([r, g, b, a]) => [(r << 2) | (r >> 6), (g << 2) | (g >> 6), (b << 2) | (b >> 6), a >> 6],
  ARGB16161616: ([r, g, b, a]) => [r * 257, g * 257, b * 257, a * 257],
  XRGB16161616: ([r, g, b]) => [r * 257, g * 257, b * 257, 0],
  ABGR16161616: ([r, g, b, a]) => [r * 257, g * 257, b * 257, a * 257],
  ARGB16161616F: ([r, g, b, a]) => [halfOf(r << 8), halfOf(g << 8), halfOf(b << 8), halfOf(a << 8)],
  XBGR16161616F: ([r, g, b]) => [halfOf(r << 8), halfOf(g << 8), halfOf(b << 8), 0],
};

function fb(name: keyof typeof Fourcc, w: number, h: number, pad = 0, offset = 0): FramebufferView {
  const cpp = cppOf[name] ?? 4;
  const pitch = w * cpp + pad;
  const data = new Uint8Array(offset + pitch * h).fill(0xaa);
  return { format: Fourcc[name], width: w, height: h, pitches: [pitch], offsets: [offset], data: [data] };
}

function pixel(f: FramebufferView, name: string, x: number, y: number): Px {
  const cpp = cppOf[name] ?? 4;
  return decode[name]!(f.data[0]!, f.offsets[0]! + y * f.pitches[0]! + x * cpp);
}

describe('smpte (RGB)', () => {
  it('XRGB8888 1400x900: bars, middle row and bottom blocks at known coordinates', () => {
    const f = fb('XRGB8888', 1400, 900);
    fillPattern('smpte', f);
    // conventions.md §3 with w=1400, h=900: top rows 0..599, middle 600..699, bottom 700..899
    const cases: [number, number, Px][] = [
      [0, 0, [192, 192, 192, 0]], [199, 599, [192, 192, 192, 0]], [200, 0, [192, 192, 0, 0]],
      [400, 300, [0, 192, 192, 0]], [600, 10, [0, 192, 0, 0]], [800, 10, [192, 0, 192, 0]],
      [1000, 10, [192, 0, 0, 0]], [1399, 599, [0, 0, 192, 0]],
      [0, 600, [0, 0, 192, 0]], [200, 699, [19, 19, 19, 0]], [1399, 650, [192, 192, 192, 0]],
      [0, 700, [0, 33, 76, 0]], [250, 899, [255, 255, 255, 0]], [500, 800, [50, 0, 106, 0]],
      [999, 800, [19, 19, 19, 0]], [1000, 800, [9, 9, 9, 0]], [1066, 800, [9, 9, 9, 0]],
      [1067, 800, [19, 19, 19, 0]], [1134, 800, [29, 29, 29, 0]], [1199, 800, [29, 29, 29, 0]],
      [1200, 800, [19, 19, 19, 0]], [1399, 899, [19, 19, 19, 0]],
    ];
    for (const [x, y, want] of cases) expect(pixel(f, 'XRGB8888', x, y), `(${x},${y})`).toEqual(want);
  });

  const formats = Object.keys(expand);
  it.each(formats)('%s 1024x768 with padded pitch and offset: every pixel as conventions.md §3', (name) => {
    const w = 1024;
    const h = 768;
    const f = fb(name as keyof typeof Fourcc, w, h, 24, 40);
    fillPattern('smpte', f);
    const exp = expand[name]!;
    for (let y = 0; y < h; y += 7) {
      for (let x = 0; x < w; x++) {
        const got = pixel(f, name, x, y);
        const want = exp(smpteRgba(x, y, w, h));
        if (got.some((v, i) => v !== want[i])) expect(got, `(${x},${y})`).toEqual(want);
      }
    }
    // the padding and the bytes before the offset are not touched
    const d = f.data[0]!;
    const cpp = cppOf[name] ?? 4;
    expect(d.subarray(0, 40).every((b) => b === 0xaa)).toBe(true);
    for (let y = 0; y < h; y++) {
      const padStart = 40 + y * f.pitches[0]! + w * cpp;
      expect(d.subarray(padStart, padStart + 24).every((b) => b === 0xaa)).toBe(true);
    }
  });

  it('ARGB8888 middle band has alpha 127, top and bottom 255', () => {
    const f = fb('ARGB8888', 700, 90);
    fillPattern('smpte', f);
    expect(pixel(f, 'ARGB8888', 0, 59)[3]).toBe(255);
    expect(pixel(f, 'ARGB8888', 0, 60)[3]).toBe(127);
    expect(pixel(f, 'ARGB8888', 0, 69)[3]).toBe(127);
    expect(pixel(f, 'ARGB8888', 0, 70)[3]).toBe(255);
  });

  it('half-float grey is 0x3a00 (0.75) and alpha 1.0 is 0x3bf8 (0xff00/65536 rounded to zero)', () => {
    const f = fb('ARGB16161616F', 7, 9);
    fillPattern('smpte', f);
    expect(pixel(f, 'ARGB16161616F', 0, 0)).toEqual([0x3a00, 0x3a00, 0x3a00, 0x3bf8]);
  });

  it('narrow buffers (width < 7, where width/7 = 0) do not divide by zero', () => {
    // w = 4: w·5/7 = 2, w·6/7 = 3 → x 0,1 in the 4 blocks (x·4/2 = 0, 2), x = 2 in the 3-block part
    // whose divisor width/7 is 0 (modetest divides by zero there; we take its first block, 3.5%),
    // x = 3 black.
    const f = fb('XRGB8888', 4, 9);
    fillPattern('smpte', f);
    expect([0, 1, 2, 3].map((x) => pixel(f, 'XRGB8888', x, 8))).toEqual([
      [0, 33, 76, 0], [50, 0, 106, 0], [9, 9, 9, 0], [19, 19, 19, 0],
    ]);
    expect(pixel(f, 'XRGB8888', 3, 0)).toEqual([192, 0, 0, 0]); // top: 3·7/4 = 5 → red
  });
});

describe('tiles (RGB)', () => {
  it.each([
    ['XRGB8888', 300, 200], ['ARGB8888', 10, 700], ['ABGR8888', 700, 10], ['RGB565', 130, 70], ['BGR888', 66, 66],
    ['ARGB2101010', 129, 65], ['ARGB16161616', 131, 67], ['ARGB16161616F', 65, 65],
  ] as const)('%s %dx%d: every pixel = 0x130502·(quot>>6) + 0x0a1120·(rem>>6), α 127 top-left', (name, w, h) => {
    const f = fb(name, w, h);
    fillPattern('tiles', f);
    const cpp = cppOf[name] ?? 4;
    for (let y = 0; y < h; y++) {
      for (let x = 0; x < w; x++) {
        const [r, g, b] = tilesRgb(x, y, w);
        // 16-bit formats: α 255 everywhere (they have none here); 24-bit: none; 32/64-bit: quadrant.
        const a = cpp === 2 ? 255 : cpp === 3 ? 0 : tilesAlpha(x, y, w, h);
        const want = expand[name]!([r, g, b, a]);
        const got = pixel(f, name, x, y);
        if (got.some((v, i) => v !== want[i])) expect(got, `(${x},${y})`).toEqual(want);
      }
    }
  });

  it('uses both terms of the formula (quot>>6 needs x+y >= 64·width)', () => {
    const f = fb('XRGB8888', 10, 700);
    fillPattern('tiles', f);
    // (0, 640): quot = 64 → 0x130502; rem = 0
    expect(pixel(f, 'XRGB8888', 0, 640)).toEqual([0x13, 0x05, 0x02, 0]);
    const g = fb('XRGB8888', 200, 1);
    fillPattern('tiles', g);
    // (64, 0): rem>>6 = 1 → 0x0a1120
    expect(pixel(g, 'XRGB8888', 64, 0)).toEqual([0x0a, 0x11, 0x20, 0]);
  });
});

describe('plain, gradient, black-white (RGB)', () => {
  it('plain fills plane 0 with 0x77, half floats with 0x38', () => {
    const f = fb('XRGB8888', 33, 5, 4, 8);
    fillPattern('plain', f);
    const d = f.data[0]!;
    expect(d.subarray(0, 8).every((b) => b === 0xaa)).toBe(true);
    expect(d.subarray(8, 8 + f.pitches[0]! * 5).every((b) => b === 0x77)).toBe(true);
    const h = fb('XBGR16161616F', 3, 3);
    fillPattern('plain', h);
    expect(h.data[0]!.every((b) => b === 0x38)).toBe(true);
  });

  it('gradient XRGB2101010 2101x4: 2-pixel stripes of j & 0x3ff on top, j & 0x3fc below; last odd column untouched', () => {
    const w = 2101;
    const f = fb('XRGB2101010', w, 4);
    fillPattern('gradient', f);
    for (const y of [0, 1, 2, 3]) {
      for (let x = 0; x < w - 1; x++) {
        const j = x >> 1;
        const v = y < 2 ? j & 0x3ff : j & 0x3fc;
        const got = pixel(f, 'XRGB2101010', x, y);
        if (got[0] !== v || got[1] !== v || got[2] !== v || got[3] !== 0) expect(got, `(${x},${y})`).toEqual([v, v, v, 0]);
      }
      expect(le32(f.data[0]!, y * f.pitches[0]! + (w - 1) * 4)).toBe(0xaaaaaaaa);
    }
  });

  it('gradient ARGB8888: the 10-bit value cut to 8 bits (v >> 2), alpha 0', () => {
    const f = fb('ARGB8888', 8, 2);
    fillPattern('gradient', f);
    expect(pixel(f, 'ARGB8888', 6, 0)).toEqual([0, 0, 0, 0]); // j = 3 → 3 >> 2 = 0
    const g = fb('ARGB8888', 2050, 2);
    fillPattern('gradient', g);
    expect(pixel(g, 'ARGB8888', 2 * 1000, 0)).toEqual([250, 250, 250, 0]); // j = 1000
    expect(pixel(g, 'ARGB8888', 2 * 1024, 1)).toEqual([0, 0, 0, 0]); // j = 1024 wraps (& 0x3fc)
  });

  it('black-white: odd pixel index "white" = MAKE_RGBA10(255,...) = 63 in 8-bit, 255 in 10-bit', () => {
    const f = fb('ARGB8888', 3, 2); // odd width: indices 0..5 alternate across rows
    fillPattern('black-white', f);
    const seq = [0, 1, 2].map((x) => pixel(f, 'ARGB8888', x, 0)).concat([0, 1, 2].map((x) => pixel(f, 'ARGB8888', x, 1)));
    expect(seq).toEqual([
      [0, 0, 0, 63], [63, 63, 63, 63], [0, 0, 0, 63],
      [63, 63, 63, 63], [0, 0, 0, 63], [63, 63, 63, 63],
    ]);
    const t = fb('XRGB2101010', 2, 1);
    fillPattern('black-white', t);
    expect(pixel(t, 'XRGB2101010', 1, 0)).toEqual([255, 255, 255, 0]);
    const h = fb('ARGB16161616F', 2, 1);
    fillPattern('black-white', h);
    expect(pixel(h, 'ARGB16161616F', 1, 0)).toEqual([halfOf(255 << 6), halfOf(255 << 6), halfOf(255 << 6), halfOf(255 << 6)]);
  });
});

describe('pattern errors', () => {
  it('rejects a pattern/format pair modetest does not draw, naming both', () => {
    const f = allocFramebuffer(Fourcc.RGB565, 8, 8);
    expect(patternSupportsFormat('gradient', Fourcc.RGB565)).toBe(false);
    expect(() => fillPattern('gradient', f)).toThrow(/pattern 'gradient' is not drawn by modetest in format RGB565/);
    expect(() => fillPattern('smpte', allocFramebuffer(Fourcc.R8, 8, 8))).toThrow(/format R8 .* has no modetest pattern support/);
    expect(() => fillPattern('noise' as never, f)).toThrow(/pattern="noise" is not one of/);
  });

  it('names the bad field of a malformed target', () => {
    const base = { format: Fourcc.XRGB8888, width: 1024, height: 2, pitches: [4096], offsets: [0], data: [new Uint8Array(8192)] };
    expect(() => fillPattern('smpte', { ...base, pitches: [100] })).toThrow('pitches[0]=100 is smaller than 4*width=4096');
    expect(() => fillPattern('smpte', { ...base, width: 0 })).toThrow('width=0 must be a positive integer');
    expect(() => fillPattern('smpte', { ...base, data: [new Uint8Array(8000)] })).toThrow(/plane 0 needs bytes up to 8192 .* data\[0\] has 8000/);
    expect(() => fillPattern('smpte', { ...base, offsets: [-1] })).toThrow('offsets[0]=-1 must be a non-negative integer');
    expect(() => fillPattern('smpte', { ...base, format: 0x12345678 })).toThrow(/format .*0x12345678.* is not a known DRM format/);
    const nv = { format: Fourcc.NV12, width: 1024, height: 2, pitches: [1024, 10], offsets: [0, 2048], data: [new Uint8Array(4096), new Uint8Array(4096)] };
    expect(() => fillPattern('smpte', nv)).toThrow('pitches[1]=10 is smaller than 2*ceil(width/2)=1024');
    expect(() => fillPattern('smpte', { ...nv, pitches: [1024] })).toThrow('pitches must have 2 entries for NV12, got 1');
  });
});
