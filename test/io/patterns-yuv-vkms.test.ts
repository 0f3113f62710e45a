/**
 * 'vkms' mode of the YUV patterns: a YUV framebuffer drawn with the inverse of VKMS's read matrix,
 * composed by the compositor with the plane's COLOR_ENCODING / COLOR_RANGE, must show the colours
 * of the RGB pattern.
 *
 * Expected values: the RGB pattern from conventions.md §3 (modetest-ref.ts, independent of src/io),
 * and the colour maths below, written from the Kr/Kb constants the VKMS matrices come from
 * (colour.matrix_YCbCr with bits=8: full range Y·1, chroma 2(1−K); limited range Y·256/219,
 * chroma ·256/224, y_offset 16) — not from the code under test, which inverts the compositor's
 * 32.32 matrix numerically.
 *
 * Pixels whose subsampling block has a single colour must read back (round(v16/257)) within ±2 of
 * the RGB pattern. Pixels at a colour edge inside a block cannot: VKMS gives them the chroma of
 * the block's top-left pixel (nearest sampling), so they are compared, with the same ±2, with the
 * unquantised model "own luma + top-left chroma".
 *
 * Measured worst error (8-bit units, over every format, size and pattern below; asserted at the
 * end of each encoding/range block so a regression shows):
 *   single-colour blocks, 8-bit formats: 1 for each of BT.601/709/2020 × limited/full (the 8-bit
 *     YCbCr grid cannot hit every RGB colour: 35–72% of those pixels are off by 1 (in one or more channels)
 *     depending on encoding/range; trying the 26 neighbouring codes instead of the rounded one
 *     fixes < 1% of random colours, so 1 is the quantisation limit, not a rounding defect);
 *   single-colour blocks, P010/P012/P016: 0 for all six (every pixel reads back exactly);
 *   edge pixels against the unquantised model: BT.601 1.62 / 1.11, BT.709 1.41 / 1.41,
 *     BT.2020 1.61 / 1.55 (limited / full).
 */
import { describe, expect, it } from 'vitest';
import { Composer } from '../../src/compose/index.js';
import { Fourcc } from '../../src/uapi/fourcc.js';
import { allocFramebuffer, fillPattern, patternSupportsFormat, type FramebufferView } from '../../src/io/index.js';
import { smpteRgba, tilesRgb, yuv601 } from './modetest-ref.js';

type Rgb = readonly [number, number, number];

// ---- colour maths (BT.601 / BT.709 / BT.2020 Kr, Kb) ----

const K: Record<number, { kr: number; kb: number }> = {
  0: { kr: 0.299, kb: 0.114 },
  1: { kr: 0.2126, kb: 0.0722 },
  2: { kr: 0.2627, kb: 0.0593 },
};

interface Model {
  /** rgb8 = fwd · [Y − yOff, U − 128, V − 128] (row-major). */
  fwd: number[];
  yOff: number;
  /** unquantised 8-bit Y, U, V of an RGB colour */
  toYuv(c: Rgb): [number, number, number];
}

function model(encoding: number, range: number): Model {
  const { kr, kb } = K[encoding]!;
  const kg = 1 - kr - kb;
  const limited = range === 0;
  const ys = limited ? 256 / 219 : 1;
  const cs = limited ? 256 / 224 : 1;
  const yOff = limited ? 16 : 0;
  // full-range YCbCr -> RGB: R = Y + 2(1−Kr)·Cr, B = Y + 2(1−Kb)·Cb, G = (Y − Kr·R − Kb·B)/Kg
  const rv = 2 * (1 - kr);
  const bu = 2 * (1 - kb);
  const fwd = [
    ys, 0, cs * rv,
    ys, -cs * (kb * bu) / kg, -cs * (kr * rv) / kg,
    ys, cs * bu, 0,
  ];
  return {
    fwd, yOff,
    toYuv([r, g, b]) {
      const y = kr * r + kg * g + kb * b;
      return [yOff + y / ys, 128 + (b - y) / bu / cs, 128 + (r - y) / rv / cs];
    },
  };
}

/** fwd applied to unquantised samples, clamped like VKMS (to 0..255 in 8-bit units). */
function decode(m: Model, y: number, u: number, v: number): [number, number, number] {
  const a = [y - m.yOff, u - 128, v - 128];
  const out: number[] = [];
  for (let k = 0; k < 3; k++) {
    const s = m.fwd[3 * k]! * a[0]! + m.fwd[3 * k + 1]! * a[1]! + m.fwd[3 * k + 2]! * a[2]!;
    out.push(Math.min(255, Math.max(0, s)));
  }
  return out as [number, number, number];
}

// ---- formats ----

interface Fmt {
  name: string;
  fourcc: number;
  hsub: number;
  vsub: number;
  /** packed 4:2:2 (YUYV & co.): VKMS does not read it; see repackTo444 */
  packed?: readonly string[];
  /** P010/P012/P016 */
  bits?: number;
}

const FORMATS: Fmt[] = [
  { name: 'NV12', fourcc: Fourcc.NV12, hsub: 2, vsub: 2 },
  { name: 'NV21', fourcc: Fourcc.NV21, hsub: 2, vsub: 2 },
  { name: 'NV16', fourcc: Fourcc.NV16, hsub: 2, vsub: 1 },
  { name: 'NV61', fourcc: Fourcc.NV61, hsub: 2, vsub: 1 },
  { name: 'NV24', fourcc: Fourcc.NV24, hsub: 1, vsub: 1 },
  { name: 'NV42', fourcc: Fourcc.NV42, hsub: 1, vsub: 1 },
  { name: 'YUV420', fourcc: Fourcc.YUV420, hsub: 2, vsub: 2 },
  { name: 'YVU420', fourcc: Fourcc.YVU420, hsub: 2, vsub: 2 },
  { name: 'YUV422', fourcc: Fourcc.YUV422, hsub: 2, vsub: 1 },
  { name: 'YVU422', fourcc: Fourcc.YVU422, hsub: 2, vsub: 1 },
  { name: 'YUV444', fourcc: Fourcc.YUV444, hsub: 1, vsub: 1 },
  { name: 'YVU444', fourcc: Fourcc.YVU444, hsub: 1, vsub: 1 },
  { name: 'P010', fourcc: Fourcc.P010, hsub: 2, vsub: 2, bits: 10 },
  { name: 'P012', fourcc: Fourcc.P012, hsub: 2, vsub: 2, bits: 12 },
  { name: 'P016', fourcc: Fourcc.P016, hsub: 2, vsub: 2, bits: 16 },
  // byte order of a 2-pixel group (drm_fourcc.h)
  { name: 'YUYV', fourcc: Fourcc.YUYV, hsub: 2, vsub: 1, packed: ['Y0', 'U', 'Y1', 'V'] },
  { name: 'YVYU', fourcc: Fourcc.YVYU, hsub: 2, vsub: 1, packed: ['Y0', 'V', 'Y1', 'U'] },
  { name: 'UYVY', fourcc: Fourcc.UYVY, hsub: 2, vsub: 1, packed: ['U', 'Y0', 'V', 'Y1'] },
  { name: 'VYUY', fourcc: Fourcc.VYUY, hsub: 2, vsub: 1, packed: ['V', 'Y0', 'U', 'Y1'] },
];

/** Every plane in one buffer, padded pitches and offsets, pre-filled with 0xaa. */
function makeFb(f: Fmt, w: number, h: number): FramebufferView {
  const bps = f.bits ? 2 : 1;
  if (f.packed) {
    const pitch = 2 * w + 6;
    return { format: f.fourcc, width: w, height: h, pitches: [pitch], offsets: [4], data: [new Uint8Array(4 + pitch * h).fill(0xaa)] };
  }
  const cw = Math.ceil(w / f.hsub);
  const ch = Math.ceil(h / f.vsub);
  const semi = f.bits !== undefined || f.name.startsWith('NV');
  const p0 = w * bps + 8;
  const pc = (semi ? 2 * cw : cw) * bps + 4;
  const o1 = 16 + p0 * h;
  const o2 = o1 + pc * ch + 12;
  const bo = new Uint8Array(o2 + (semi ? 0 : pc * ch) + 8).fill(0xaa);
  const n = semi ? 2 : 3;
  return {
    format: f.fourcc, width: w, height: h,
    pitches: [p0, pc, pc].slice(0, n), offsets: [16, o1, o2].slice(0, n), data: [bo, bo, bo].slice(0, n),
  };
}

/**
 * VKMS has no packed YUV plane format: to let the compositor read a YUYV-family buffer the way
 * VKMS reads any 4:2:2 buffer (nearest chroma), its samples are moved, unchanged, into a YUV444
 * buffer (each pixel its own Y, the U/V of its pair).
 */
function repackTo444(f: Fmt, fb: FramebufferView): FramebufferView {
  const { width: w, height: h } = fb;
  const out = allocFramebuffer(Fourcc.YUV444, w, h);
  const d = fb.data[0]!;
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x += 2) {
      const at = fb.offsets[0]! + y * fb.pitches[0]! + 2 * x;
      const g = Object.fromEntries(f.packed!.map((k, i) => [k, d[at + i]!]));
      for (const [dx, Y] of [[0, g.Y0!], [1, g.Y1!]] as const) {
        out.data[0]![y * out.pitches[0]! + x + dx] = Y;
        out.data[1]![y * out.pitches[1]! + x + dx] = g.U!;
        out.data[2]![y * out.pitches[2]! + x + dx] = g.V!;
      }
    }
  }
  return out;
}

/** Composes `fb` as the one full-screen plane and returns the 8-bit RGB read back, row-major. */
function composeRgb8(fb: FramebufferView, encoding: number, range: number): Uint8Array {
  const { width: w, height: h } = fb;
  const out = new Uint8Array(w * h * 3);
  new Composer().compose(
    {
      width: w, height: h, background: null, gammaLut: null,
      planes: [{
        fb, src: { x1: 0, y1: 0, x2: w << 16, y2: h << 16 }, dst: { x1: 0, y1: 0, x2: w, y2: h },
        colorEncoding: encoding, colorRange: range,
      }],
    },
    {
      lineSink: (y, line) => {
        for (let x = 0; x < w; x++) {
          for (let c = 0; c < 3; c++) out[(y * w + x) * 3 + c] = Math.round(line[4 * x + 1 + c]! / 257);
        }
      },
    },
  );
  return out;
}

type PatternRgb = (x: number, y: number, w: number, h: number) => Rgb;
const PATTERNS: Record<'smpte' | 'tiles', PatternRgb> = {
  smpte: (x, y, w, h) => smpteRgba(x, y, w, h).slice(0, 3) as unknown as Rgb,
  tiles: (x, y, w) => tilesRgb(x, y, w),
};
/** Sizes: odd sizes (partial chroma blocks, band edges on odd rows), and tiles wide enough for
 *  many `rem` colours (carries between channels) and tall enough for the `quot` term. */
const SIZES: Record<'smpte' | 'tiles', [number, number][]> = {
  smpte: [[70, 18], [33, 17], [640, 45]],
  tiles: [[1030, 24], [6, 700], [131, 67]],
};

/** Worst error (8-bit units) and pixel counts: single-colour blocks of 8-bit formats, of P01x, edges. */
interface Errors { uniform8: number; uniform16: number; edge: number; uniformPixels: number; edgePixels: number }

function check(f: Fmt, pattern: 'smpte' | 'tiles', w: number, h: number, encoding: number, range: number, e: Errors): void {
  const fb = makeFb(f, w, h);
  fillPattern(pattern, fb, { colorEncoding: encoding, colorRange: range });
  const got = composeRgb8(f.packed ? repackTo444(f, fb) : fb, encoding, range);
  const m = model(encoding, range);
  const rgb = PATTERNS[pattern];
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const own = rgb(x, y, w, h);
      const tl = rgb(x - (x % f.hsub), y - (y % f.vsub), w, h);
      const k = (y * w + x) * 3;
      const px = [got[k]!, got[k + 1]!, got[k + 2]!];
      const uniform = own[0] === tl[0] && own[1] === tl[1] && own[2] === tl[2];
      let want: readonly number[];
      if (uniform) want = own;
      else {
        const [Y] = m.toYuv(own);
        const [, U, V] = m.toYuv(tl);
        want = decode(m, Y, U, V);
      }
      const err = Math.max(...px.map((v, c) => Math.abs(v - want[c]!)));
      if (uniform) {
        if (f.bits) e.uniform16 = Math.max(e.uniform16, err);
        else e.uniform8 = Math.max(e.uniform8, err);
        e.uniformPixels++;
      } else {
        e.edge = Math.max(e.edge, err);
        e.edgePixels++;
      }
      if (err > 2) {
        expect(px, `${f.name} ${pattern} ${w}x${h} enc ${encoding} range ${range} (${x},${y}) ${uniform ? 'rgb' : 'edge model'}`)
          .toEqual(want.map((v) => Math.round(v)));
      }
    }
  }
}

const COMBOS: [number, number][] = [[0, 0], [0, 1], [1, 0], [1, 1], [2, 0], [2, 1]];
const ENC = ['BT.601', 'BT.709', 'BT.2020'];
const RANGE = ['limited', 'full'];

describe("YUV patterns, 'vkms' mode: composed by VKMS, they show the RGB pattern", () => {
  it('the test model matches the 32.32 BT.601 matrices of vkms-semantics.md §2.11', () => {
    const spec: Record<number, number[]> = {
      1: [4294967296, 0, 6021544149, 4294967296, -1478054095, -3067191994, 4294967296, 7610682049, 0],
      0: [5020601039, 0, 6881764740, 5020601039, -1689204679, -3505362278, 5020601039, 8697922339, 0],
    };
    for (const range of [0, 1]) {
      const fwd = model(0, range).fwd.map((v) => v * 2 ** 32);
      fwd.forEach((v, i) => expect(Math.abs(v - spec[range]![i]!), `range ${range} [${i}]`).toBeLessThan(8)); // ≤ 2e-9 relative
    }
  });

  for (const [encoding, range] of COMBOS) {
    describe(`${ENC[encoding]} ${RANGE[range]}`, () => {
      const e: Errors = { uniform8: 0, uniform16: 0, edge: 0, uniformPixels: 0, edgePixels: 0 };
      for (const f of FORMATS) {
        it(`${f.name}: smpte and tiles, every pixel`, () => {
          for (const pattern of ['smpte', 'tiles'] as const) {
            for (const [w, h] of SIZES[pattern]) check(f, pattern, f.packed && w % 2 ? w + 1 : w, h, encoding, range, e);
          }
        });
      }
      it('worst error: ≤ 1 (8-bit samples) and 0 (P01x) where a block has one colour, < 2 at edges', () => {
        expect(e.uniformPixels).toBeGreaterThan(1_000_000);
        expect(e.edgePixels).toBeGreaterThan(10_000);
        expect(e.uniform8).toBeLessThanOrEqual(1);
        expect(e.uniform16).toBe(0);
        expect(e.edge).toBeLessThan(2);
      });
    });
  }
});

describe("YUV patterns, 'vkms' mode: samples", () => {
  const sample = (fb: FramebufferView, plane: number, at: number): number => fb.data[plane]![fb.offsets[plane]! + at]!;

  it('grey 192 (first SMPTE bar): full range Y = 192, limited Y = 16 + 192·219/256 = 180; U = V = 128', () => {
    for (const [range, Y] of [[1, 192], [0, 180]] as const) {
      for (const encoding of [0, 1, 2]) {
        const fb = allocFramebuffer(Fourcc.NV12, 70, 18);
        fillPattern('smpte', fb, { colorEncoding: encoding, colorRange: range });
        expect([sample(fb, 0, 0), sample(fb, 1, 0), sample(fb, 1, 1)]).toEqual([Y, 128, 128]);
      }
    }
  });

  it('BT.601 full, yellow (192,192,0): the rounded inverse (independent formula)', () => {
    const fb = allocFramebuffer(Fourcc.YUV444, 70, 18);
    fillPattern('smpte', fb);
    const [Y, U, V] = model(0, 1).toYuv([192, 192, 0]).map(Math.round);
    // Y = 0.886·192 = 170.11, U = 128 − 170.11/1.772 = 32.0, V = 128 + 21.89/1.402 = 143.6
    expect([Y, U, V]).toEqual([170, 32, 144]);
    expect([sample(fb, 0, 10), sample(fb, 1, 10), sample(fb, 2, 10)]).toEqual([Y, U, V]);
  });

  it('chroma comes from the top-left pixel of each block, luma from each pixel', () => {
    // tiles of width 130: the colour changes along the diagonal x + y = 64, inside 2x2 blocks
    const w = 130;
    const h = 4;
    const fb = allocFramebuffer(Fourcc.NV12, w, h);
    fillPattern('tiles', fb, { colorEncoding: 1, colorRange: 0 });
    const m = model(1, 0);
    for (let y = 0; y < h; y++) {
      for (let x = 0; x < w; x++) {
        const [Y] = m.toYuv(tilesRgb(x, y, w));
        expect(sample(fb, 0, y * fb.pitches[0]! + x), `Y(${x},${y})`).toBe(Math.round(Y));
      }
    }
    for (let cy = 0; cy < h / 2; cy++) {
      for (let cx = 0; cx < w / 2; cx++) {
        const [, U, V] = m.toYuv(tilesRgb(2 * cx, 2 * cy, w));
        const at = cy * fb.pitches[1]! + 2 * cx;
        expect([sample(fb, 1, at), sample(fb, 1, at + 1)], `UV(${cx},${cy})`).toEqual([Math.round(U), Math.round(V)]);
      }
    }
  });

  it('P010 holds the 10-bit value in the top bits (low 6 bits zero); P016 uses all 16', () => {
    const m = model(2, 0);
    const [Y, U, V] = m.toYuv([0, 192, 0]); // green bar, BT.2020 limited, in 8-bit units
    for (const [fmt, bits] of [[Fourcc.P010, 10], [Fourcc.P016, 16]] as const) {
      const fb = allocFramebuffer(fmt, 70, 18);
      fillPattern('smpte', fb, { colorEncoding: 2, colorRange: 0 });
      const u16 = (plane: number, at: number): number => sample(fb, plane, at) | (sample(fb, plane, at + 1) << 8);
      const x = 30; // bar 3 (green) of 70 columns
      const q = (v8: number): number => Math.round((v8 * 257) / 2 ** (16 - bits)) * 2 ** (16 - bits);
      expect([u16(0, 2 * x), u16(1, 2 * x), u16(1, 2 * x + 2)]).toEqual([q(Y), q(U), q(V)]);
      if (bits === 10) expect(u16(0, 2 * x) & 0x3f).toBe(0);
    }
  });

  it('plain is the grey 0x77 of an XRGB8888 plain buffer, on every plane', () => {
    for (const [encoding, range] of COMBOS) {
      const fb = allocFramebuffer(Fourcc.YUV420, 9, 5);
      fillPattern('plain', fb, { colorEncoding: encoding, colorRange: range });
      const got = composeRgb8(fb, encoding, range);
      expect(got.every((v) => v === 0x77)).toBe(true);
    }
  });
});

describe('YUV pattern options', () => {
  const bytes = (fb: FramebufferView): number[] => [...fb.data[0]!];
  const makeNv12 = (): FramebufferView => makeFb(FORMATS[0]!, 70, 18);

  it("the default is 'vkms', BT.601, full range", () => {
    const a = makeNv12();
    const b = makeNv12();
    fillPattern('smpte', a);
    fillPattern('smpte', b, { yuv: 'vkms', colorEncoding: 0, colorRange: 1 });
    expect(bytes(a)).toEqual(bytes(b));
    const c = makeNv12();
    fillPattern('smpte', c, { yuv: 'modetest' });
    expect(bytes(a)).not.toEqual(bytes(c));
  });

  it("'modetest' is modetest's MAKE_YUV_601 and ignores the colour properties", () => {
    const a = makeNv12();
    fillPattern('smpte', a, { yuv: 'modetest' });
    const s = (at: number): number => a.data[0]![at]!;
    // grey 192 and yellow in BT.601 limited range, modetest's integer formula
    expect([s(16), s(a.offsets[1]!), s(a.offsets[1]! + 1)]).toEqual(yuv601(192, 192, 192));
    expect([s(16 + 10), s(a.offsets[1]! + 10), s(a.offsets[1]! + 11)]).toEqual(yuv601(192, 192, 0));
    const b = makeNv12();
    fillPattern('smpte', b, { yuv: 'modetest', colorEncoding: 2, colorRange: 0 });
    expect(bytes(a)).toEqual(bytes(b));
    // plain: only plane 0, as modetest's memset
    const p = makeNv12();
    fillPattern('plain', p, { yuv: 'modetest' });
    expect(p.data[0]!.subarray(p.offsets[1]!).every((v) => v === 0xaa)).toBe(true);
  });

  it('RGB formats are the same in both modes', () => {
    for (const pattern of ['smpte', 'tiles', 'plain'] as const) {
      const a = allocFramebuffer(Fourcc.XRGB8888, 33, 17);
      const b = allocFramebuffer(Fourcc.XRGB8888, 33, 17);
      fillPattern(pattern, a);
      fillPattern(pattern, b, { yuv: 'modetest', colorEncoding: 1, colorRange: 0 });
      expect(bytes(a)).toEqual(bytes(b));
    }
  });

  it("P010/P012/P016 are drawn in 'vkms' mode only (modetest has no such formats)", () => {
    for (const fmt of [Fourcc.P010, Fourcc.P012, Fourcc.P016]) {
      expect(patternSupportsFormat('smpte', fmt)).toBe(true);
      expect(patternSupportsFormat('tiles', fmt, { yuv: 'vkms' })).toBe(true);
      expect(patternSupportsFormat('gradient', fmt)).toBe(false);
      expect(patternSupportsFormat('smpte', fmt, { yuv: 'modetest' })).toBe(false);
      expect(() => fillPattern('smpte', allocFramebuffer(fmt, 8, 8), { yuv: 'modetest' })).toThrow(/has no modetest pattern support/);
      expect(() => fillPattern('black-white', allocFramebuffer(fmt, 8, 8))).toThrow(/only smpte, tiles and plain/);
    }
  });

  it('bad options are refused', () => {
    const fb = makeNv12();
    expect(() => fillPattern('smpte', fb, { yuv: 'bt601' as never })).toThrow(/yuv="bt601" must be 'vkms' or 'modetest'/);
    expect(() => fillPattern('smpte', fb, { colorEncoding: 3 })).toThrow(/colorEncoding=3 must be/);
    expect(() => fillPattern('smpte', fb, { colorRange: 2 })).toThrow(/colorRange=2 must be/);
    expect(() => fillPattern('gradient', fb)).toThrow(/pattern 'gradient' is not drawn/);
  });
});
