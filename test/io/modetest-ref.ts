/**
 * Expected values for the pattern tests, written here from conventions.md §3 and the formulas
 * of libdrm tests/util/pattern.c — deliberately independent of src/io (no imports from it).
 */

/** conventions.md §3: SMPTE colour bars, [r, g, b, alpha] in 8 bits. */
export function smpteRgba(x: number, y: number, w: number, h: number): [number, number, number, number] {
  const top = [[192, 192, 192], [192, 192, 0], [0, 192, 192], [0, 192, 0], [192, 0, 192], [192, 0, 0], [0, 0, 192]];
  const middle = [[0, 0, 192], [19, 19, 19], [192, 0, 192], [19, 19, 19], [0, 192, 192], [19, 19, 19], [192, 192, 192]];
  const bottom = [[0, 33, 76], [255, 255, 255], [50, 0, 106], [19, 19, 19], [9, 9, 9], [19, 19, 19], [29, 29, 29], [19, 19, 19]];
  if (y < Math.floor((h * 6) / 9)) return [...(top[Math.floor((x * 7) / w)] as [number, number, number]), 255];
  if (y < Math.floor((h * 7) / 9)) return [...(middle[Math.floor((x * 7) / w)] as [number, number, number]), 127];
  const w57 = Math.floor((w * 5) / 7);
  let i: number;
  if (x < w57) i = Math.floor((x * 4) / w57);
  else if (x < Math.floor((w * 6) / 7)) i = Math.floor(((x - w57) * 3) / Math.floor(w / 7)) + 4;
  else i = 7;
  return [...(bottom[i] as [number, number, number]), 255];
}

/** conventions.md §3: tiles, rgb = 0x00130502·(quot>>6) + 0x000a1120·(rem>>6) of div(x+y, width). */
export function tilesRgb(x: number, y: number, w: number): [number, number, number] {
  const quot = Math.floor((x + y) / w);
  const rem = (x + y) % w;
  const v = (0x00130502 * (quot >> 6) + 0x000a1120 * (rem >> 6)) % 2 ** 32;
  return [Math.floor(v / 65536) % 256, Math.floor(v / 256) % 256, v % 256];
}

/** α of tiles in 32/64-bit formats: 127 in the top-left quadrant. */
export function tilesAlpha(x: number, y: number, w: number, h: number): number {
  return y < Math.floor(h / 2) && x < Math.floor(w / 2) ? 127 : 255;
}

/** pattern.c MAKE_YUV_601 (BT.601 limited range, integer maths with arithmetic shifts). */
export function yuv601(r: number, g: number, b: number): [number, number, number] {
  const Y = Math.floor((66 * r + 129 * g + 25 * b + 128) / 256) + 16;
  const U = Math.floor((-38 * r - 74 * g + 112 * b + 128) / 256) + 128;
  const V = Math.floor((112 * r - 94 * g - 18 * b + 128) / 256) + 128;
  return [Y, U, V];
}

/** pattern.c uint16_div_64k_to_half, written as "v/65536 in IEEE half, round toward zero". */
export function halfOf(v16: number): number {
  if (v16 === 0) return 0;
  const value = v16 / 65536;
  let e = Math.floor(Math.log2(value));
  if (e < -14) return Math.floor(value / 2 ** -24); // subnormal
  const mant = Math.floor((value / 2 ** e - 1) * 1024);
  return ((e + 15) << 10) | mant;
}

/** Little-endian readers. */
export const le16 = (d: Uint8Array, at: number): number => d[at]! | (d[at + 1]! << 8);
export const le32 = (d: Uint8Array, at: number): number => (d[at]! | (d[at + 1]! << 8) | (d[at + 2]! << 16) | (d[at + 3]! << 24)) >>> 0;
