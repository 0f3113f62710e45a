/**
 * The kernel's 32.32 fixed point (include/drm/drm_fixed.h), reproduced exactly.
 *
 * The bigint functions follow the C code step by step (s64 wrap included) and are used where speed
 * does not matter (table set-up, rare fall-backs). The number functions compute the same values for
 * the operand shapes the composer meets, using the closed forms derived in the comments; they are
 * exact because every intermediate stays below 2^53.
 */

const MASK64 = (1n << 64n) - 1n;
const S64 = (v: bigint): bigint => BigInt.asIntN(64, v);

/** drm_fixp_msbset: highest bit in 62..1 that differs from the sign bit, or 0. */
export function msbsetBig(a: bigint): number {
  a = S64(a);
  const x = a < 0n ? ~a : a; // bits that differ from the sign bit
  for (let s = 62; s > 0; s--) if ((x >> BigInt(s)) & 1n) return s;
  return 0;
}

/** drm_fixp_mul (pre-shifts its operands so the s64 product does not overflow, dropping low bits). */
export function fixpMulBig(a: bigint, b: bigint): bigint {
  a = S64(a);
  b = S64(b);
  let shift = msbsetBig(a) + msbsetBig(b);
  if (shift > 61) {
    shift -= 61;
    a >>= BigInt((shift >> 1) + (shift & 1));
    b >>= BigInt(shift >> 1);
  } else shift = 0;
  const result = S64(a * b);
  if (shift > 32) return S64(result << BigInt(shift - 32));
  if (shift < 32) return result >> BigInt(32 - shift);
  return result;
}

/** div64_s64: truncating division. */
function div64(a: bigint, b: bigint): bigint {
  return S64(a / b);
}

/** drm_fixp_div. */
export function fixpDivBig(a: bigint, b: bigint): bigint {
  a = S64(a);
  b = S64(b);
  const shift = 62 - msbsetBig(a);
  a = S64(a << BigInt(shift));
  if (shift < 32) b >>= BigInt(32 - shift);
  const result = div64(a, b);
  if (shift > 32) return result >> BigInt(shift - 32);
  return result;
}

/** drm_int2fixp. */
export const int2fixpBig = (a: number): bigint => BigInt(a | 0) << 32n;

/** drm_fixp2int (the s64 >> 32, then the C conversion to int). */
export const fixp2intBig = (a: bigint): number => Number(BigInt.asIntN(32, S64(a) >> 32n));

/** drm_fixp2int_round (a + 0.5, then >> 32: the fixed version, DRM_FIXED_ONE / 2). */
export const fixp2intRoundBig = (a: bigint): number => fixp2intBig(S64(a) + (1n << 31n));

/** drm_fixp2int_ceil. */
export const fixp2intCeilBig = (a: bigint): number => {
  a = S64(a);
  return a >= 0n ? fixp2intBig(a + ((1n << 32n) - 1n)) : fixp2intBig(a - ((1n << 32n) - 1n));
};

/** drm_sm2fixp: S31.32 sign-magnitude (as stored in drm_color_ctm_3x4) to two's complement. */
export function sm2fixpBig(v: bigint): bigint {
  v &= MASK64;
  if (v & (1n << 63n)) return -(v & ((1n << 63n) - 1n));
  return v;
}

/** msbset of (c << 32) for an int c, without bigints. */
export function msbsetOfIntFixp(c: number): number {
  if (c > 0) return 63 - Math.clz32(c);
  if (c === 0) return 0;
  const m = -c - 1; // ~(c << 32) = (-c - 1) << 32 | 0xffffffff
  return m === 0 ? 31 : 63 - Math.clz32(m);
}

/**
 * A multiplier m (s64) prepared for fast exact `drm_fixp_mul(m, c << 32)` with an int c.
 *
 * With s = msb(m) + msb(c << 32) - 61 (0 if negative) and h = s >> 1, the kernel computes
 * ((m >> (h + (s & 1))) * ((c << 32) >> h)) >> (32 - s), which (for s <= 32) equals exactly
 * (m >> (h + (s & 1))) * c * 2^(s - h): the right shift only removes factors of two that the
 * left operand carries. `shifted[k]` holds m >> k as a double when it is exact (else NaN).
 */
export interface FixpMultiplier {
  readonly m: bigint;
  readonly msb: number;
  readonly shifted: Float64Array;
}

export function prepareMultiplier(m: bigint): FixpMultiplier {
  m = S64(m);
  const shifted = new Float64Array(64);
  for (let k = 0; k < 64; k++) {
    const v = m >> BigInt(k);
    shifted[k] = v >= -(1n << 53n) && v <= 1n << 53n ? Number(v) : NaN;
  }
  return { m, msb: msbsetBig(m), shifted };
}

const TWO53 = 9007199254740992;

/**
 * drm_fixp_mul(m, c << 32) as an exact double, or NaN when the value is not provably exact
 * (callers then fall back to fixpMulBig).
 */
export function fixpMulInt(mp: FixpMultiplier, c: number): number {
  if (c === 0) return 0;
  let s = mp.msb + msbsetOfIntFixp(c) - 61;
  if (s <= 0) s = 0;
  else if (s > 32) return NaN;
  const h = s >> 1;
  const a = mp.shifted[h + (s & 1)]!;
  const p = a * c;
  if (!(p <= TWO53 && p >= -TWO53)) return NaN; // also catches NaN
  return p * 2 ** (s - h);
}

/** drm_fixp2int_round of an exact double holding an s64 value (|v| < 2^53). */
export function fixp2intRoundNum(v: number): number {
  return Math.floor((v + 2147483648) / 4294967296) | 0;
}
