/**
 * VKMS's blend (vkms_composer.c pre_mul_blend_channel / pre_mul_alpha_blend): premultiplied
 * "over" in 16 bits, output alpha 0xffff,
 *   c = (u16) DIV_ROUND_CLOSEST((u32)(s.c·0xffff + o.c·(0xffff − s.a)), 0xffff)
 * where the u32 sum wraps (possible only when s.c > s.a) and so does the rounding add.
 */
import type { Line } from './formats-read.js';

const TWO32 = 4294967296;

/**
 * The core of pre_mul_blend_channel with inv = 0xffff − alpha precomputed: (s·0xffff + d·inv +
 * 0x7fff) mod 2^32 / 0xffff, not yet masked (the Uint16Array store truncates).
 */
function over(s: number, d: number, inv: number): number {
  let t = s * 65535 + d * inv;
  if (t >= TWO32) t -= TWO32;
  t += 32767;
  if (t >= TWO32) t -= TWO32;
  return (t / 65535) | 0;
}

/** pre_mul_blend_channel(src, dst, alpha). */
export function blendChannel(src: number, dst: number, alpha: number): number {
  return over(src, dst, 65535 - alpha) & 0xffff;
}

/**
 * pre_mul_alpha_blend over pixels [x0, x0+n) of `stage` into `out`. Opaque source pixels copy;
 * pixels that are all zero (transparent black) leave `out` as it is; both are exact.
 */
export function blendSpan16(stage: Uint16Array, out: Uint16Array, x0: number, n: number): void {
  for (let k = x0 * 4, end = (x0 + n) * 4; k < end; k += 4) {
    const a = stage[k]!;
    const sr = stage[k + 1]!, sg = stage[k + 2]!, sb = stage[k + 3]!;
    out[k] = 0xffff;
    if (a === 0xffff) {
      out[k + 1] = sr; out[k + 2] = sg; out[k + 3] = sb;
      continue;
    }
    if (a === 0 && (sr | sg | sb) === 0) continue;
    const inv = 65535 - a;
    out[k + 1] = over(sr, out[k + 1]!, inv);
    out[k + 2] = over(sg, out[k + 2]!, inv);
    out[k + 3] = over(sb, out[k + 3]!, inv);
  }
}

/**
 * With 8-bit inputs (s.c = C·257, s.a = A·257, o.c = O·257) the blend sum is 66049·X with
 * X = 255·C + (255 − A)·O, so the result is a function of X alone: BLEND8[X] (16-bit result) and
 * BLEND8_OUT8[X] = DIV_ROUND_CLOSEST(BLEND8[X], 257) (the 8-bit writeback value). X ≤ 130050
 * (C > A included: the wrap is in the table).
 */
export const BLEND8_MAX_X = 255 * 255 * 2;
export const BLEND8 = new Uint16Array(BLEND8_MAX_X + 1);
export const BLEND8_OUT8 = new Uint8Array(BLEND8_MAX_X + 1);
/** Both at once: BLEND8[X] | BLEND8_OUT8[X] << 16 (one load per channel in the fused kernels). */
export const BLEND8_BOTH = new Int32Array(BLEND8_MAX_X + 1);
for (let x = 0; x <= BLEND8_MAX_X; x++) {
  let t = (66049 * x) % TWO32;
  t = (t + 32767) % TWO32;
  const v = Math.floor(t / 65535) & 0xffff;
  BLEND8[x] = v;
  BLEND8_OUT8[x] = Math.floor((v + 128) / 257);
  BLEND8_BOTH[x] = v | (BLEND8_OUT8[x]! << 16);
}

/**
 * Fused read + blend for a translucent 8888 plane read through 32-bit loads (any direction),
 * over output pixels that all hold 8-bit values ×257 ("clean"): one table lookup per channel.
 * `rs/gs/bs/as` are the bit shifts of the channels in the source word.
 */
export function blendU8x4OverClean(src: Int32Array, w0: number, wstep: number, n: number, rs: number, gs: number,
  bs: number, as: number, out: Line, x0: number): void {
  const o = out.i32;
  for (let i = 0, w = w0, k = x0 * 2; i < n; i++, w += wstep, k += 2) {
    const p = src[w]!;
    const A = (p >>> as) & 0xff;
    const R = (p >>> rs) & 0xff, G = (p >>> gs) & 0xff, B = (p >>> bs) & 0xff;
    if (A === 255) {
      o[k] = Math.imul(R, 0x01010000) | 0xffff;
      o[k + 1] = (G * 257) | Math.imul(B, 0x01010000);
      continue;
    }
    if (p === 0) continue;
    const inv = 255 - A;
    const w1 = o[k]!, w2 = o[k + 1]!;
    o[k] = (BLEND8[R * 255 + (w1 >>> 24) * inv]! << 16) | 0xffff;
    o[k + 1] = BLEND8[G * 255 + ((w2 >>> 8) & 0xff) * inv]! | (BLEND8[B * 255 + (w2 >>> 24) * inv]! << 16);
  }
}

/**
 * blendU8x4OverClean that also writes each result to an XRGB8888-ordered writeback row (`wb`,
 * from word `d0`): VKMS's DIV_ROUND_CLOSEST(c, 257) of the 16-bit result, straight from the table.
 */
export function blendU8x4OverCleanWb(src: Int32Array, w0: number, wstep: number, n: number, rs: number, gs: number,
  bs: number, as: number, out: Line, x0: number, wb: Int32Array, d0: number): void {
  const o = out.i32;
  const T = BLEND8_BOTH;
  for (let i = 0, w = w0, k = x0 * 2, d = d0; i < n; i++, w += wstep, k += 2, d++) {
    const p = src[w]!;
    const A = (p >>> as) & 0xff;
    const R = (p >>> rs) & 0xff, G = (p >>> gs) & 0xff, B = (p >>> bs) & 0xff;
    if (A === 255) {
      o[k] = Math.imul(R, 0x01010000) | 0xffff;
      o[k + 1] = (G * 257) | Math.imul(B, 0x01010000);
      wb[d] = (R << 16) | (G << 8) | B | 0xff000000;
      continue;
    }
    const w1 = o[k]!, w2 = o[k + 1]!;
    if (p === 0) {
      wb[d] = ((w1 >>> 24) << 16) | (w2 & 0xff00) | (w2 >>> 24) | 0xff000000;
      continue;
    }
    const inv = 255 - A;
    const tr = T[R * 255 + (w1 >>> 24) * inv]!;
    const tg = T[G * 255 + ((w2 >>> 8) & 0xff) * inv]!;
    const tb = T[B * 255 + (w2 >>> 24) * inv]!;
    o[k] = (tr << 16) | 0xffff;
    o[k + 1] = (tg & 0xffff) | (tb << 16);
    wb[d] = ((tr >>> 16) << 16) | ((tg >>> 16) << 8) | (tb >>> 16) | 0xff000000;
  }
}

/**
 * Two 8888 planes in one pass: an opaque one (`q`, channels at shifts qr/qg/qb) under a
 * translucent one (`t`, shifts tr/tg/tb/ta), where nothing else covers the pixels. The opaque
 * pixel is byte·257, so the blend is BLEND8 of the bytes: the same values as reading `q` into the
 * line and blending `t` over it. Writes the 16-bit line and, when `wb` is given, the XRGB8888
 * writeback words.
 */
export function blend2(srcQ: Int32Array, wq0: number, stepQ: number, qr: number, qg: number, qb: number,
  srcT: Int32Array, wt0: number, stepT: number, tr: number, tg: number, tb: number, ta: number,
  n: number, out: Line, x0: number): void {
  const o = out.i32;
  const T = BLEND8_BOTH;
  for (let i = 0, wq = wq0, wt = wt0, k = x0 * 2; i < n; i++, wq += stepQ, wt += stepT, k += 2) {
    const pt = srcT[wt]!;
    const A = (pt >>> ta) & 0xff;
    let R: number, G: number, B: number;
    if (A === 255) {
      R = (pt >>> tr) & 0xff; G = (pt >>> tg) & 0xff; B = (pt >>> tb) & 0xff;
    } else {
      const pq = srcQ[wq]!;
      const inv = 255 - A;
      if (pt === 0) {
        R = (pq >>> qr) & 0xff; G = (pq >>> qg) & 0xff; B = (pq >>> qb) & 0xff;
      } else {
        const r = T[((pt >>> tr) & 0xff) * 255 + ((pq >>> qr) & 0xff) * inv]! & 0xffff;
        const g = T[((pt >>> tg) & 0xff) * 255 + ((pq >>> qg) & 0xff) * inv]! & 0xffff;
        const b = T[((pt >>> tb) & 0xff) * 255 + ((pq >>> qb) & 0xff) * inv]! & 0xffff;
        o[k] = (r << 16) | 0xffff;
        o[k + 1] = g | (b << 16);
        continue;
      }
    }
    o[k] = Math.imul(R, 0x01010000) | 0xffff;
    o[k + 1] = (G * 257) | Math.imul(B, 0x01010000);
  }
}

/** blend2 that also writes the XRGB8888 writeback words (from word d0). */
export function blend2Wb(srcQ: Int32Array, wq0: number, stepQ: number, qr: number, qg: number, qb: number,
  srcT: Int32Array, wt0: number, stepT: number, tr: number, tg: number, tb: number, ta: number,
  n: number, out: Line, x0: number, wb: Int32Array, d0: number): void {
  const o = out.i32;
  const T = BLEND8_BOTH;
  for (let i = 0, wq = wq0, wt = wt0, k = x0 * 2, d = d0; i < n; i++, wq += stepQ, wt += stepT, k += 2, d++) {
    const pt = srcT[wt]!;
    const A = (pt >>> ta) & 0xff;
    let R: number, G: number, B: number;
    if (A === 255) {
      R = (pt >>> tr) & 0xff; G = (pt >>> tg) & 0xff; B = (pt >>> tb) & 0xff;
    } else {
      const pq = srcQ[wq]!;
      const inv = 255 - A;
      if (pt === 0) {
        R = (pq >>> qr) & 0xff; G = (pq >>> qg) & 0xff; B = (pq >>> qb) & 0xff;
      } else {
        const r = T[((pt >>> tr) & 0xff) * 255 + ((pq >>> qr) & 0xff) * inv]!;
        const g = T[((pt >>> tg) & 0xff) * 255 + ((pq >>> qg) & 0xff) * inv]!;
        const b = T[((pt >>> tb) & 0xff) * 255 + ((pq >>> qb) & 0xff) * inv]!;
        o[k] = (r << 16) | 0xffff;
        o[k + 1] = (g & 0xffff) | (b << 16);
        wb[d] = ((r >>> 16) << 16) | ((g >>> 16) << 8) | (b >>> 16) | 0xff000000;
        continue;
      }
    }
    o[k] = Math.imul(R, 0x01010000) | 0xffff;
    o[k + 1] = (G * 257) | Math.imul(B, 0x01010000);
    wb[d] = (R << 16) | (G << 8) | B | 0xff000000;
  }
}

/** blend2 for the 8-bit path: only the XRGB8888 writeback words. */
export function blend2Out8(srcQ: Int32Array, wq0: number, stepQ: number, qr: number, qg: number, qb: number,
  srcT: Int32Array, wt0: number, stepT: number, tr: number, tg: number, tb: number, ta: number,
  n: number, wb: Int32Array, d0: number): void {
  const T = BLEND8_OUT8;
  for (let i = 0, wq = wq0, wt = wt0, d = d0; i < n; i++, wq += stepQ, wt += stepT, d++) {
    const pt = srcT[wt]!;
    const A = (pt >>> ta) & 0xff;
    if (A === 255) {
      wb[d] = (((pt >>> tr) & 0xff) << 16) | (((pt >>> tg) & 0xff) << 8) | ((pt >>> tb) & 0xff) | 0xff000000;
      continue;
    }
    const pq = srcQ[wq]!;
    if (pt === 0) {
      wb[d] = (((pq >>> qr) & 0xff) << 16) | (((pq >>> qg) & 0xff) << 8) | ((pq >>> qb) & 0xff) | 0xff000000;
      continue;
    }
    const inv = 255 - A;
    wb[d] = (T[((pt >>> tr) & 0xff) * 255 + ((pq >>> qr) & 0xff) * inv]! << 16) |
      (T[((pt >>> tg) & 0xff) * 255 + ((pq >>> qg) & 0xff) * inv]! << 8) |
      T[((pt >>> tb) & 0xff) * 255 + ((pq >>> qb) & 0xff) * inv]! | 0xff000000;
  }
}

/** The same source over arbitrary 16-bit output pixels (the exact 16-bit blend). */
export function blendU8x4Over16(src: Int32Array, w0: number, wstep: number, n: number, rs: number, gs: number,
  bs: number, as: number, out: Line, x0: number): void {
  const o = out.u16;
  for (let i = 0, w = w0, k = x0 * 4; i < n; i++, w += wstep, k += 4) {
    const p = src[w]!;
    const A = (p >>> as) & 0xff;
    const sr = ((p >>> rs) & 0xff) * 257, sg = ((p >>> gs) & 0xff) * 257, sb = ((p >>> bs) & 0xff) * 257;
    if (A === 255) {
      o[k + 1] = sr; o[k + 2] = sg; o[k + 3] = sb;
      continue;
    }
    if (p === 0) continue;
    const inv = 65535 - A * 257;
    o[k + 1] = over(sr, o[k + 1]!, inv);
    o[k + 2] = over(sg, o[k + 2]!, inv);
    o[k + 3] = over(sb, o[k + 3]!, inv);
  }
}

/**
 * The same source, output straight to 8-bit (XRGB8888-ordered words) over 8-bit output words
 * (the 8-bit path): BLEND8_OUT8 gives VKMS's writeback byte directly.
 */
export function blendU8x4OverOut8(src: Int32Array, w0: number, wstep: number, n: number, rs: number, gs: number,
  bs: number, as: number, dst: Int32Array, d0: number): void {
  for (let i = 0, w = w0, k = d0; i < n; i++, w += wstep, k++) {
    const p = src[w]!;
    const A = (p >>> as) & 0xff;
    if (A === 255) {
      dst[k] = ((p >>> rs) & 0xff) << 16 | ((p >>> gs) & 0xff) << 8 | ((p >>> bs) & 0xff) | 0xff000000;
      continue;
    }
    if (p === 0) continue;
    const inv = 255 - A;
    const q = dst[k]!;
    dst[k] = (BLEND8_OUT8[((p >>> rs) & 0xff) * 255 + ((q >>> 16) & 0xff) * inv]! << 16) |
      (BLEND8_OUT8[((p >>> gs) & 0xff) * 255 + ((q >>> 8) & 0xff) * inv]! << 8) |
      BLEND8_OUT8[((p >>> bs) & 0xff) * 255 + (q & 0xff) * inv]! | 0xff000000;
  }
}

/**
 * Plane-wide alpha and pixel blend mode (beyond VKMS), applied to the converted pixels before
 * VKMS's premultiplied blend, with DIV_ROUND_CLOSEST(x·y, 0xffff) as the product (pa = alpha):
 *   premultiplied: c' = c·pa, a' = a·pa
 *   coverage:      a' = a·pa, c' = c·a'
 *   none:          a' = pa,   c' = c·pa
 * so that out = c' + (1 − a')·bg is drm_blend.c's formula. pa = 0xffff with premultiplied is the
 * identity (VKMS).
 */
export const MODE_PREMULTIPLIED = 0;
export const MODE_COVERAGE = 1;
export const MODE_NONE = 2;

const mul16 = (x: number, y: number): number => ((x * y + 32767) / 65535) | 0;

export function applyAlphaMode(stage: Uint16Array, x0: number, n: number, planeAlpha: number, mode: number): void {
  for (let k = x0 * 4, end = (x0 + n) * 4; k < end; k += 4) {
    let a: number, f: number;
    if (mode === MODE_NONE) {
      a = planeAlpha;
      f = planeAlpha;
    } else if (mode === MODE_COVERAGE) {
      a = mul16(stage[k]!, planeAlpha);
      f = a;
    } else {
      a = mul16(stage[k]!, planeAlpha);
      f = planeAlpha;
    }
    stage[k] = a;
    stage[k + 1] = mul16(stage[k + 1]!, f);
    stage[k + 2] = mul16(stage[k + 2]!, f);
    stage[k + 3] = mul16(stage[k + 3]!, f);
  }
}
