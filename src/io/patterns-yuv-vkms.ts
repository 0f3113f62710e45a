/**
 * The YUV patterns in `'vkms'` mode: the RGB colour of each pixel (the same colour the pattern has
 * in an RGB format), turned into YCbCr with the exact inverse of the matrix VKMS reads the plane
 * with (COLOR_ENCODING × COLOR_RANGE), so that VKMS composes the YUV framebuffer into the colours of
 * the RGB pattern, as closely as the sample quantisation allows.
 *
 * The inverse: VKMS computes, in 16-bit units (8-bit samples ×257),
 *   [R, G, B] = M · [Y − y_offset·257, U − 128·257, V − 128·257]
 * with M the 32.32 matrix of vkms_formats.c (taken here from the compositor, src/compose/yuv.ts, so
 * it is the very matrix the composer uses). We invert M numerically (doubles, cofactors; the result
 * is exact to ~1e-15 relative) and solve for [R, G, B] = rgb8·257:
 *   Y16 = (M⁻¹·rgb16)₀ + y_offset·257,  U16 = (M⁻¹·rgb16)₁ + 32896,  V16 = (M⁻¹·rgb16)₂ + 32896.
 * 8-bit samples are Y16/257 (= (M⁻¹·rgb8)₀ + y_offset) rounded to nearest (half up) and clamped to
 * 0..255; the P010/P012/P016 samples, which VKMS uses as they are, are Y16 rounded to the nearest
 * value the format can hold (a multiple of 2^(16−bits)) and clamped to 0..0xffff.
 *
 * Note that VKMS's limited-range matrices (colour.matrix_YCbCr with bits=8) scale Y by 256/219 and
 * chroma by 256/224 (not the textbook 255/219, 255/224): the inverse of THOSE is used, so limited
 * white (255) becomes Y = 234, not 235.
 *
 * Chroma: VKMS reads the chroma sample x/hsub for pixel x and y/vsub for line y (nearest, no
 * filter), so each hsub×vsub block's chroma is computed from the colour of its top-left pixel;
 * luma is per pixel. Packed YUYV & co. (not VKMS plane formats) use the same rule with 2×1 blocks.
 */
import { Fourcc } from '../uapi/fourcc.js';
import { COLOR_ENCODING_BT2020, COLOR_ENCODING_BT601, COLOR_RANGE_FULL, COLOR_RANGE_LIMITED, yuvConversion } from '../compose/yuv.js';
import type { YuvLayout } from './pattern-formats.js';
import { tilesRgb } from './pattern-pixels.js';
import { packedOrder, planes, type YuvTarget } from './patterns-yuv.js';
import { bandLimits, smpteColour, type Band } from './smpte.js';

/** A 3×3 matrix, row-major. */
type Mat3 = readonly number[];

function invert3(m: Mat3): number[] {
  const [a, b, c, d, e, f, g, h, i] = m as [number, number, number, number, number, number, number, number, number];
  const A = e * i - f * h;
  const B = -(d * i - f * g);
  const C = d * h - e * g;
  const det = a * A + b * B + c * C;
  if (det === 0) throw new Error('patterns: singular YUV matrix');
  return [
    A / det, -(b * i - c * h) / det, (b * f - c * e) / det,
    B / det, (a * i - c * g) / det, -(a * f - c * d) / det,
    C / det, -(a * h - b * g) / det, (a * e - b * d) / det,
  ];
}

/** Turns 8-bit RGB into the samples VKMS reads back as that RGB. */
export interface VkmsYuvEncoder {
  /** COLOR_ENCODING and COLOR_RANGE it was made for. */
  readonly encoding: number;
  readonly range: number;
  /** Bits per sample: 8 (stored as bytes), or 10/12/16 (P010/P012/P016: u16 with the value in the top bits). */
  readonly bits: number;
  /** M⁻¹ (row-major), acting on 16-bit RGB and giving offset-free 16-bit Y, U, V. */
  readonly inverse: readonly number[];
  /** 16-bit offsets added back: y_offset·257, 128·257, 128·257. */
  readonly offsets: readonly [number, number, number];
  /** Writes the Y, U, V samples for 0xRRGGBB into `out[0..2]` (8-bit values, or the u16 the P01x formats store). */
  encode(rgb: number, out: Uint16Array | number[]): void;
}

const encoders = new Map<string, VkmsYuvEncoder>();

/**
 * The encoder for COLOR_ENCODING `encoding` (0 BT.601, 1 BT.709, 2 BT.2020) and COLOR_RANGE
 * `range` (0 limited, 1 full), with samples of `bits` bits (8, 10, 12 or 16).
 */
export function vkmsYuvEncoder(encoding: number, range: number, bits = 8): VkmsYuvEncoder {
  const key = `${encoding}/${range}/${bits}`;
  const hit = encoders.get(key);
  if (hit) return hit;
  const cv = yuvConversion(encoding, range, false);
  const M = cv.mul.map((m) => Number(m.m) / 2 ** 32);
  const inv = invert3(M);
  const offsets: [number, number, number] = [cv.yOffset * 257, 128 * 257, 128 * 257];
  const shift = 16 - bits; // P01x: the sample holds `bits` bits in the top of a u16
  const step = 2 ** shift;
  const max = (2 ** bits - 1) * step;
  const cache = new Map<number, [number, number, number]>();
  const enc: VkmsYuvEncoder = {
    encoding, range, bits, inverse: inv, offsets,
    encode(rgb, out) {
      let s = cache.get(rgb);
      if (!s) {
        const r = ((rgb >>> 16) & 0xff) * 257;
        const g = ((rgb >>> 8) & 0xff) * 257;
        const b = (rgb & 0xff) * 257;
        s = [0, 0, 0];
        for (let k = 0; k < 3; k++) {
          const v16 = inv[3 * k]! * r + inv[3 * k + 1]! * g + inv[3 * k + 2]! * b + offsets[k]!;
          if (bits === 8) {
            const v = Math.round(v16 / 257);
            s[k] = v < 0 ? 0 : v > 255 ? 255 : v;
          } else {
            const v = Math.round(v16 / step) * step;
            s[k] = v < 0 ? 0 : v > max ? max : v;
          }
        }
        cache.set(rgb, s);
      }
      out[0] = s[0];
      out[1] = s[1];
      out[2] = s[2];
    },
  };
  encoders.set(key, enc);
  return enc;
}

/** The 16-bit semi-planar formats VKMS reads (drawn only in 'vkms' mode): bits per sample. */
const P01X = new Map<number, number>([[Fourcc.P010, 10], [Fourcc.P012, 12], [Fourcc.P016, 16]]);

/** Bits per sample of P010 / P012 / P016, or undefined for any other format. */
export function p01xBits(format: number): number | undefined {
  return P01X.get(format >>> 0);
}

/** Where one component's samples live: sample i of row r is at data[offset + r*pitch + i*step]. */
interface Dest {
  readonly data: Uint8Array;
  readonly offset: number;
  readonly pitch: number;
  readonly step: number;
}

/** The geometry 'vkms' mode writes: luma per pixel, chroma per hsub×vsub block, bytes per sample. */
interface VkmsYuvGeometry {
  readonly y: Dest;
  readonly u: Dest;
  readonly v: Dest;
  readonly hsub: number;
  readonly vsub: number;
  /** 1 (8-bit samples) or 2 (u16 little-endian). */
  readonly bytes: 1 | 2;
}

function geometry8(l: YuvLayout, t: YuvTarget): VkmsYuvGeometry {
  if (l.layout === 'packed') {
    const o = packedOrder(l);
    const d = t.data[0]!;
    const p = t.pitches[0]!;
    const at = t.offsets[0]!;
    return {
      y: { data: d, offset: at + o.y, pitch: p, step: 2 },
      u: { data: d, offset: at + o.u, pitch: p, step: 4 },
      v: { data: d, offset: at + o.v, pitch: p, step: 4 },
      hsub: 2, vsub: 1, bytes: 1,
    };
  }
  const s = planes(l, t);
  const dest = (x: typeof s.y, step: number): Dest => ({ data: x.data, offset: x.offset, pitch: x.pitch, step });
  return {
    y: dest(s.y, 1), u: dest(s.u, l.chromaStride), v: dest(s.v, l.chromaStride),
    hsub: l.xsub, vsub: l.ysub, bytes: 1,
  };
}

function geometryP01x(t: YuvTarget): VkmsYuvGeometry {
  const plane = (i: number, extra: number, step: number): Dest =>
    ({ data: t.data[i]!, offset: t.offsets[i]! + extra, pitch: t.pitches[i]!, step });
  // P01x: plane 0 u16 Y; plane 1 u16 pairs Cb, Cr; 4:2:0.
  return { y: plane(0, 0, 2), u: plane(1, 0, 4), v: plane(1, 2, 4), hsub: 2, vsub: 2, bytes: 2 };
}

/** Which RGB colour each pixel of a row has: fills `out[x]` with 0xRRGGBB for row y. */
export type RowColours = (y: number, out: Uint32Array) => void;

/** SMPTE bars in RGB (conventions.md §3), row by row. */
export function smpteRows(width: number, height: number): RowColours {
  const [mid, bot] = bandLimits(height);
  const rows: Uint32Array[] = ([0, 1, 2] as Band[]).map((b) => {
    const r = new Uint32Array(width);
    for (let x = 0; x < width; x++) {
      const c = smpteColour(b, x, width);
      r[x] = ((c[0] << 16) | (c[1] << 8) | c[2]) >>> 0;
    }
    return r;
  });
  return (y, out) => out.set(rows[y < mid ? 0 : y < bot ? 1 : 2]!);
}

/** Tiles in RGB, row by row. */
export function tilesRows(width: number): RowColours {
  return (y, out) => {
    for (let x = 0; x < width; x++) out[x] = tilesRgb(x, y, width) & 0xffffff;
  };
}

/** One colour everywhere (used for `plain`: the grey 0x777777 an XRGB8888 plain buffer shows). */
export function solidRows(rgb: number): RowColours {
  return (_y, out) => out.fill(rgb >>> 0);
}

function put(d: Dest, bytes: 1 | 2, row: number, i: number, v: number): void {
  const at = d.offset + row * d.pitch + i * d.step;
  if (bytes === 1) d.data[at] = v;
  else {
    d.data[at] = v & 0xff;
    d.data[at + 1] = v >>> 8;
  }
}

/**
 * Draws the colours `rows` gives into a YUV target (an 8-bit YUV layout of modetest's table, or
 * P010/P012/P016 when `layout` is undefined), through `encoder`'s inverse VKMS matrix.
 */
export function fillYuvVkms(layout: YuvLayout | undefined, t: YuvTarget, rows: RowColours, encoder: VkmsYuvEncoder): void {
  const g = layout ? geometry8(layout, t) : geometryP01x(t);
  const { width, height } = t;
  const colours = new Uint32Array(width);
  const s = [0, 0, 0];
  const cw = Math.ceil(width / g.hsub);
  for (let y = 0; y < height; y++) {
    rows(y, colours);
    for (let x = 0; x < width; x++) {
      encoder.encode(colours[x]!, s);
      put(g.y, g.bytes, y, x, s[0]!);
    }
    if (y % g.vsub !== 0) continue; // chroma row y/vsub, from the block's top line
    const cy = y / g.vsub;
    for (let cx = 0; cx < cw; cx++) {
      encoder.encode(colours[cx * g.hsub]!, s);
      put(g.u, g.bytes, cy, cx, s[1]!);
      put(g.v, g.bytes, cy, cx, s[2]!);
    }
  }
}

/** Checks and defaults the colour properties of 'vkms' mode. */
export function checkColorProps(encoding: unknown, range: unknown): { encoding: number; range: number } {
  const e = encoding ?? COLOR_ENCODING_BT601;
  const r = range ?? COLOR_RANGE_FULL;
  if (typeof e !== 'number' || !Number.isInteger(e) || e < COLOR_ENCODING_BT601 || e > COLOR_ENCODING_BT2020) {
    throw new RangeError(`fillPattern: colorEncoding=${String(e)} must be 0 (BT.601), 1 (BT.709) or 2 (BT.2020)`);
  }
  if (r !== COLOR_RANGE_LIMITED && r !== COLOR_RANGE_FULL) {
    throw new RangeError(`fillPattern: colorRange=${String(r)} must be 0 (limited) or 1 (full)`);
  }
  return { encoding: e, range: r };
}
