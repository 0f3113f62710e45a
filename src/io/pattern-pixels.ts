/**
 * Colour packing as modetest does it (libdrm tests/util/pattern.c): 8-bit and 10-bit colour
 * values spread into a format's components by bit replication, half floats with round-to-zero,
 * and BT.601 limited-range YCbCr with modetest's integer formula.
 */
import type { Component, RgbLayout } from './pattern-formats.js';

/** shiftcolor8: an 8-bit value widened by replication to 16 bits, then cut to `len` bits. */
export function expand8(v: number, len: number): number {
  if (len === 0) return 0;
  v &= 0xff;
  return ((v << 8) | v) >>> (16 - len);
}

/** shiftcolor10: a 10-bit value widened by replication to 16 bits, then cut to `len` bits. */
export function expand10(v: number, len: number): number {
  if (len === 0) return 0;
  v &= 0x3ff;
  return ((v << 6) | (v >> 4)) >>> (16 - len);
}

/** uint16_div_64k_to_half: v/65536 as an IEEE half, rounding toward zero. */
export function u16ToHalf(v: number): number {
  v &= 0xffff;
  if (v < 4) return v << 8;
  const n = Math.clz32(v) - 16;
  const m = ((v << (n + 1)) & 0xffff) >>> 6;
  const e = 14 - n;
  return (e << 10) | m;
}

/** A packed pixel: the low and high 32 bits of the little-endian pixel word. */
export interface Packed {
  lo: number;
  hi: number;
}

function place(out: Packed, c: Component, value: number): void {
  const [len, off] = c;
  if (len === 0) return;
  if (off < 32) out.lo = (out.lo | (value << off)) >>> 0;
  else out.hi = (out.hi | (value << (off - 32))) >>> 0;
}

/** MAKE_RGBA (integer formats) / MAKE_RGBA8FP16 (half-float formats): 8-bit r, g, b, a. */
export function packRgba8(l: RgbLayout, r: number, g: number, b: number, a: number): Packed {
  const out: Packed = { lo: 0, hi: 0 };
  if (l.float) {
    place(out, l.r, l.r[0] ? u16ToHalf((r & 0xff) << 8) >>> (16 - l.r[0]) : 0);
    place(out, l.g, l.g[0] ? u16ToHalf((g & 0xff) << 8) >>> (16 - l.g[0]) : 0);
    place(out, l.b, l.b[0] ? u16ToHalf((b & 0xff) << 8) >>> (16 - l.b[0]) : 0);
    place(out, l.a, l.a[0] ? u16ToHalf((a & 0xff) << 8) >>> (16 - l.a[0]) : 0);
  } else {
    place(out, l.r, expand8(r, l.r[0]));
    place(out, l.g, expand8(g, l.g[0]));
    place(out, l.b, expand8(b, l.b[0]));
    place(out, l.a, expand8(a, l.a[0]));
  }
  return out;
}

/** MAKE_RGBA10 (integer formats) / MAKE_RGBA10FP16 (half-float formats): 10-bit r, g, b, a. */
export function packRgba10(l: RgbLayout, r: number, g: number, b: number, a: number): Packed {
  const out: Packed = { lo: 0, hi: 0 };
  if (l.float) {
    place(out, l.r, l.r[0] ? u16ToHalf((r & 0x3ff) << 6) >>> (16 - l.r[0]) : 0);
    place(out, l.g, l.g[0] ? u16ToHalf((g & 0x3ff) << 6) >>> (16 - l.g[0]) : 0);
    place(out, l.b, l.b[0] ? u16ToHalf((b & 0x3ff) << 6) >>> (16 - l.b[0]) : 0);
    place(out, l.a, l.a[0] ? u16ToHalf((a & 0x3ff) << 6) >>> (16 - l.a[0]) : 0);
  } else {
    place(out, l.r, expand10(r, l.r[0]));
    place(out, l.g, expand10(g, l.g[0]));
    place(out, l.b, expand10(b, l.b[0]));
    place(out, l.a, expand10(a, l.a[0]));
  }
  return out;
}

/** The `cpp` bytes of a packed pixel, little-endian. */
export function packedBytes(p: Packed, cpp: number): Uint8Array {
  const out = new Uint8Array(cpp);
  writePacked(out, 0, p, cpp);
  return out;
}

/** Writes the `cpp` little-endian bytes of a packed pixel at `at`. */
export function writePacked(dst: Uint8Array, at: number, p: Packed, cpp: number): void {
  const lo = p.lo;
  dst[at] = lo & 0xff;
  dst[at + 1] = (lo >>> 8) & 0xff;
  if (cpp === 2) return;
  dst[at + 2] = (lo >>> 16) & 0xff;
  if (cpp === 3) return;
  dst[at + 3] = lo >>> 24;
  if (cpp === 4) return;
  const hi = p.hi;
  dst[at + 4] = hi & 0xff;
  dst[at + 5] = (hi >>> 8) & 0xff;
  dst[at + 6] = (hi >>> 16) & 0xff;
  dst[at + 7] = hi >>> 24;
}

export interface Yuv {
  readonly y: number;
  readonly u: number;
  readonly v: number;
}

/** MAKE_YUV_601: BT.601 limited range, modetest's integer rounding; values stored as bytes. */
export function yuv601(r: number, g: number, b: number): Yuv {
  return {
    y: ((((66 * r + 129 * g + 25 * b + 128) >> 8) + 16) & 0xff),
    u: ((((-38 * r - 74 * g + 112 * b + 128) >> 8) + 128) & 0xff),
    v: ((((112 * r - 94 * g - 18 * b + 128) >> 8) + 128) & 0xff),
  };
}

/** The RGB of modetest's `tiles` pattern at (x, y) for a buffer `width` pixels wide, as 0xRRGGBB. */
export function tilesRgb(x: number, y: number, width: number): number {
  const s = x + y;
  const quot = Math.floor(s / width);
  const rem = s - quot * width;
  return ((Math.imul(0x00130502, quot >> 6) >>> 0) + (Math.imul(0x000a1120, rem >> 6) >>> 0)) >>> 0;
}

/** Integer division of non-negative numbers, as C's unsigned `/`. */
export function idiv(a: number, b: number): number {
  return Math.floor(a / b);
}
