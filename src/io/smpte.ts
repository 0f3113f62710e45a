/**
 * Geometry and colours of modetest's SMPTE colour bars (libdrm tests/util/pattern.c,
 * conventions.md §3), shared by the RGB and the YUV fillers.
 */
import { idiv } from './pattern-pixels.js';

/** [r, g, b, a], 8-bit */
export type Rgba8 = readonly [number, number, number, number];

export const SMPTE_TOP: readonly Rgba8[] = [
  [192, 192, 192, 255], // grey
  [192, 192, 0, 255], // yellow
  [0, 192, 192, 255], // cyan
  [0, 192, 0, 255], // green
  [192, 0, 192, 255], // magenta
  [192, 0, 0, 255], // red
  [0, 0, 192, 255], // blue
];

export const SMPTE_MIDDLE: readonly Rgba8[] = [
  [0, 0, 192, 127], // blue
  [19, 19, 19, 127], // black
  [192, 0, 192, 127], // magenta
  [19, 19, 19, 127], // black
  [0, 192, 192, 127], // cyan
  [19, 19, 19, 127], // black
  [192, 192, 192, 127], // grey
];

export const SMPTE_BOTTOM: readonly Rgba8[] = [
  [0, 33, 76, 255], // in-phase
  [255, 255, 255, 255], // super white
  [50, 0, 106, 255], // quadrature
  [19, 19, 19, 255], // black
  [9, 9, 9, 255], // 3.5%
  [19, 19, 19, 255], // 7.5%
  [29, 29, 29, 255], // 11.5%
  [19, 19, 19, 255], // black
];

/** Which SMPTE band a row belongs to, given the number of rows of the plane being drawn. */
export type Band = 0 | 1 | 2;

/** First row of the middle band and of the bottom band for a plane of `rows` rows. */
export function bandLimits(rows: number): [middle: number, bottom: number] {
  return [idiv(rows * 6, 9), idiv(rows * 7, 9)];
}

/**
 * The colour index (into the band's table) at column x of a buffer `width` pixels wide.
 * The bottom band: 4 blocks over the first 5/7, 3 blocks over the next 1/7, then black.
 * (modetest divides by width/7 in the middle part; when that is 0 the part is at most one
 * pixel wide and we use its first block instead of dividing by zero.)
 */
export function smpteIndex(band: Band, x: number, width: number): number {
  if (band !== 2) return idiv(x * 7, width);
  const w57 = idiv(width * 5, 7);
  if (x < w57) return idiv(x * 4, w57);
  if (x < idiv(width * 6, 7)) {
    const w7 = idiv(width, 7);
    return w7 === 0 ? 4 : idiv((x - w57) * 3, w7) + 4;
  }
  return 7;
}

export function smpteColour(band: Band, x: number, width: number): Rgba8 {
  const table = band === 0 ? SMPTE_TOP : band === 1 ? SMPTE_MIDDLE : SMPTE_BOTTOM;
  return table[smpteIndex(band, x, width)]!;
}
