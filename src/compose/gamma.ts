/**
 * VKMS's 1D LUT lookup (vkms_composer.c apply_lut_to_channel_value, get_lut_index, lerp_u16), used
 * for the CRTC GAMMA_LUT and the colour pipeline's curves, turned into one 65536-entry table per
 * channel. Exactness: with ratio = drm_fixp_div((len−1) << 32, 0xffff << 32) the index is
 * drm_fixp_mul(v << 32, ratio); writing s = msb(v<<32) + msb(ratio) − 61 and h = s >> 1, the
 * kernel's pre-shifted product equals v · (ratio >> h) · 2^h exactly when 0 < s ≤ 32 (and v·ratio
 * when s ≤ 0). The lerp term drm_fixp_mul((b − a) << 32, t) likewise equals
 * (b − a) · (t >> h) · 2^h. Every value stays below 2^53.
 */
import { fixpDivBig, int2fixpBig, msbsetBig, msbsetOfIntFixp } from './fixed.js';

/** channel_value2index_ratio for a LUT of `len` entries. */
export function lutIndexRatio(len: number): number {
  return Number(fixpDivBig(int2fixpBig(len - 1), int2fixpBig(0xffff)));
}

const msb32 = (t: number): number => (t >= 2 ? 31 - Math.clz32(t) : 0);

/** drm_fixp_mul(v << 32, ratio) for 0 ≤ v ≤ 0xffff. */
export function lutIndex(v: number, ratio: number, ratioMsb: number): number {
  if (v === 0) return 0;
  let s = msbsetOfIntFixp(v) + ratioMsb - 61;
  if (s <= 0) return v * ratio;
  if (s > 32) throw new RangeError('compose: LUT index ratio out of range');
  const h = s >> 1;
  return v * Math.floor(ratio / 2 ** h) * 2 ** h;
}

/** lerp_u16(a, b, t): drm_fixp2int_round(a + drm_fixp_mul((b − a) << 32, t)), as u16. */
export function lerpU16(a: number, b: number, t: number): number {
  const d = b - a;
  let delta: number;
  if (d === 0 || t === 0) delta = 0;
  else {
    const s = msbsetOfIntFixp(d) + msb32(t) - 61;
    if (s <= 0) delta = d * t;
    else {
      const h = s >> 1;
      delta = d * Math.floor(t / 2 ** h) * 2 ** h;
    }
  }
  return Math.floor((a * 4294967296 + delta + 2147483648) / 4294967296) & 0xffff;
}

/**
 * The table of apply_lut_to_channel_value for one channel: `lut` holds drm_color_lut entries
 * (r, g, b, reserved u16 each), `channel` is 0 (red), 1 (green) or 2 (blue).
 */
export function buildLutTable(lut: Uint16Array, len: number, channel: number, ratio: number,
  out: Uint16Array = new Uint16Array(65536)): Uint16Array {
  const rmsb = msbsetBig(BigInt(ratio));
  for (let v = 0; v < 65536; v++) {
    const idx = lutIndex(v, ratio, rmsb);
    const i = Math.floor(idx / 4294967296);
    const t = idx - i * 4294967296;
    const lo = lut[i * 4 + channel]!;
    // drm_fixp2int_ceil(idx) is i + 1 when there is a fraction; the last entry has no neighbour.
    const hi = i === len - 1 || t === 0 ? lo : lut[(i + 1) * 4 + channel]!;
    out[v] = lerpU16(lo, hi, t);
  }
  return out;
}

/** Per-channel tables of a CRTC gamma LUT (null when there is none or it is empty). */
export interface GammaTables {
  readonly r: Uint16Array;
  readonly g: Uint16Array;
  readonly b: Uint16Array;
}

/** Build the three channel tables of a GAMMA_LUT blob (4 u16 per entry), or null. */
export function buildGammaTables(lut: Uint16Array | null | undefined, into?: GammaTables): GammaTables | null {
  if (lut === null || lut === undefined) return null;
  const len = lut.length >> 2;
  if (len === 0) return null;
  const ratio = lutIndexRatio(len);
  const t = into ?? { r: new Uint16Array(65536), g: new Uint16Array(65536), b: new Uint16Array(65536) };
  buildLutTable(lut, len, 0, ratio, t.r);
  buildLutTable(lut, len, 1, ratio, t.g);
  buildLutTable(lut, len, 2, ratio, t.b);
  return t;
}

/** apply_lut over pixels [x0, x0+n) of a line (alpha untouched). */
export function applyGamma(t: GammaTables, line: Uint16Array, x0: number, n: number): void {
  const r = t.r, g = t.g, b = t.b;
  for (let k = x0 * 4 + 1, end = (x0 + n) * 4; k < end; k += 4) {
    line[k] = r[line[k]!]!;
    line[k + 1] = g[line[k + 1]!]!;
    line[k + 2] = b[line[k + 2]!]!;
  }
}
