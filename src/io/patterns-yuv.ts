/**
 * modetest's patterns for YUV formats (fill_smpte_yuv_planar/packed, fill_tiles_yuv_planar/packed),
 * BT.601 limited range with modetest's integer formula.
 *
 * One deliberate difference: modetest derives the chroma line stride from the luma pitch
 * (`stride * chroma_stride / xsub`), which is right for the buffers modetest allocates itself.
 * Here each chroma plane uses its own `pitches[i]`, which gives the same bytes for such buffers
 * and the right ones for any other layout.
 */
import { YUV_CY, YUV_YC, YUV_YCbCr, YUV_YCrCb, type YuvLayout } from './pattern-formats.js';
import { idiv, tilesRgb, yuv601, type Yuv } from './pattern-pixels.js';
import { SMPTE_BOTTOM, SMPTE_MIDDLE, SMPTE_TOP, bandLimits, smpteIndex, type Band, type Rgba8 } from './smpte.js';

/** Where the samples of one component live: byte (x, row) is data[offset + row*pitch + x*step]. */
interface Samples {
  readonly data: Uint8Array;
  readonly offset: number;
  readonly pitch: number;
}

export interface YuvTarget {
  readonly width: number;
  readonly height: number;
  readonly pitches: readonly number[];
  readonly offsets: readonly number[];
  readonly data: readonly Uint8Array[];
}

const toYuv = (t: readonly Rgba8[]): Yuv[] => t.map((c) => yuv601(c[0], c[1], c[2]));
const TOP = toYuv(SMPTE_TOP);
const MIDDLE = toYuv(SMPTE_MIDDLE);
const BOTTOM = toYuv(SMPTE_BOTTOM);

function smpteYuv(band: Band, x: number, width: number): Yuv {
  const t = band === 0 ? TOP : band === 1 ? MIDDLE : BOTTOM;
  return t[smpteIndex(band, x, width)]!;
}

export function planes(l: YuvLayout, t: YuvTarget): { y: Samples; u: Samples; v: Samples } {
  const plane = (i: number, extra = 0): Samples => ({ data: t.data[i]!, offset: t.offsets[i]! + extra, pitch: t.pitches[i]! });
  const y = plane(0);
  if (l.layout === 'semiplanar') {
    return { y, u: plane(1, l.order & YUV_YCbCr ? 0 : 1), v: plane(1, l.order & YUV_YCrCb ? 0 : 1) };
  }
  // planar: YUV has U in plane 1, YVU has V in plane 1
  return l.order & YUV_YCrCb ? { y, u: plane(2), v: plane(1) } : { y, u: plane(1), v: plane(2) };
}

/** SMPTE bars for the semi-planar (NVxx) and planar (YUV/YVU) formats. */
export function smpteYuvPlanar(l: YuvLayout, t: YuvTarget): void {
  const { width, height } = t;
  const { y: ys, u, v } = planes(l, t);
  const cs = l.chromaStride;
  // Luma: one row per band, copied.
  const [mid, bot] = bandLimits(height);
  const row = new Uint8Array(width);
  let band = -1;
  for (let y = 0; y < height; y++) {
    const b: Band = y < mid ? 0 : y < bot ? 1 : 2;
    if (b !== band) {
      band = b;
      for (let x = 0; x < width; x++) row[x] = smpteYuv(b, x, width).y;
    }
    ys.data.set(row, ys.offset + y * ys.pitch);
  }
  // Chroma: height/ysub rows (the last row of an odd-height 4:2:0 buffer is not drawn, as in modetest),
  // bands computed on that row count, each sample taking the colour of its first luma column.
  const rows = idiv(height, l.ysub);
  const [cmid, cbot] = bandLimits(rows);
  for (let cy = 0; cy < rows; cy++) {
    const b: Band = cy < cmid ? 0 : cy < cbot ? 1 : 2;
    const ub = u.offset + cy * u.pitch;
    const vb = v.offset + cy * v.pitch;
    for (let x = 0; x < width; x += l.xsub) {
      const c = smpteYuv(b, x, width);
      const i = (x / l.xsub) * cs;
      u.data[ub + i] = c.u;
      v.data[vb + i] = c.v;
    }
  }
}

/** Byte positions of Y and of U/V inside a YUYV-family 2-pixel group. */
export function packedOrder(l: YuvLayout): { y: number; u: number; v: number } {
  const yOff = l.order & YUV_YC ? 0 : 1;
  const cOff = l.order & YUV_CY ? 0 : 1;
  return { y: yOff, u: cOff + (l.order & YUV_YCrCb ? 2 : 0), v: cOff + (l.order & YUV_YCbCr ? 2 : 0) };
}

/** SMPTE bars for YUYV, YVYU, UYVY, VYUY: each pixel its luma, each pair the chroma of its first pixel. */
export function smpteYuvPacked(l: YuvLayout, t: YuvTarget): void {
  const { width, height } = t;
  const data = t.data[0]!;
  const pitch = t.pitches[0]!;
  const o = packedOrder(l);
  const [mid, bot] = bandLimits(height);
  const row = new Uint8Array(width * 2);
  let band = -1;
  for (let y = 0; y < height; y++) {
    const b: Band = y < mid ? 0 : y < bot ? 1 : 2;
    if (b !== band) {
      band = b;
      for (let x = 0; x < width; x++) row[2 * x + o.y] = smpteYuv(b, x, width).y;
      for (let x = 0; x < width; x += 2) {
        const c = smpteYuv(b, x, width);
        row[2 * x + o.u] = c.u;
        row[2 * x + o.v] = c.v;
      }
    }
    data.set(row, t.offsets[0]! + y * pitch);
  }
}

function tilesYuv(x: number, y: number, width: number, cache: Map<number, Yuv>): Yuv {
  const rgb = tilesRgb(x, y, width);
  let c = cache.get(rgb);
  if (!c) {
    c = yuv601((rgb >>> 16) & 0xff, (rgb >>> 8) & 0xff, rgb & 0xff);
    cache.set(rgb, c);
  }
  return c;
}

/**
 * Tiles for the semi-planar and planar formats. modetest writes the chroma of every pixel, so a
 * chroma sample ends up with the colour of the LAST luma pixel it covers (right column, bottom row).
 */
export function tilesYuvPlanar(l: YuvLayout, t: YuvTarget): void {
  const { width, height } = t;
  const { y: ys, u, v } = planes(l, t);
  const cs = l.chromaStride;
  const cache = new Map<number, Yuv>();
  for (let y = 0; y < height; y++) {
    const yb = ys.offset + y * ys.pitch;
    const cy = idiv(y, l.ysub);
    const ub = u.offset + cy * u.pitch;
    const vb = v.offset + cy * v.pitch;
    for (let x = 0; x < width; x++) {
      const c = tilesYuv(x, y, width, cache);
      ys.data[yb + x] = c.y;
      const i = idiv(x, l.xsub) * cs;
      u.data[ub + i] = c.u;
      v.data[vb + i] = c.v;
    }
  }
}

/** Tiles for YUYV & co.: both pixels of a pair get the luma AND chroma of the first one. */
export function tilesYuvPacked(l: YuvLayout, t: YuvTarget): void {
  const { width, height } = t;
  const data = t.data[0]!;
  const pitch = t.pitches[0]!;
  const o = packedOrder(l);
  const cache = new Map<number, Yuv>();
  for (let y = 0; y < height; y++) {
    const base = t.offsets[0]! + y * pitch;
    for (let x = 0; x < width; x += 2) {
      const c = tilesYuv(x, y, width, cache);
      data[base + 2 * x + o.y] = c.y;
      data[base + 2 * x + 2 + o.y] = c.y;
      data[base + 2 * x + o.u] = c.u;
      data[base + 2 * x + o.v] = c.v;
    }
  }
}
