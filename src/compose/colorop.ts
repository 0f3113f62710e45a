/**
 * The per-plane colour pipeline of VKMS (vkms_composer.c pre_blend_color_transform, apply_colorop,
 * apply_3x4_matrix): each converted pixel is widened to s32, every op not in bypass is applied in
 * order, and r, g, b are clamped to 0..0xffff only at the end (alpha is never changed).
 * - 1D curve: apply_lut_to_channel_value with the sRGB EOTF / inverse EOTF table; its argument is
 *   a u16, so a value that left 0..0xffff wraps.
 * - CTM 3x4: 12 S31.32 sign-magnitude entries (drm_sm2fixp); r' = m0·r + m1·g + m2·b + m3 with
 *   drm_fixp_mul, rounded with drm_fixp2int_round (likewise g' from m4..m7, b' from m8..m11).
 */
import {
  fixp2intBig, fixpMulBig, fixpMulInt, int2fixpBig, prepareMultiplier, sm2fixpBig, type FixpMultiplier,
} from './fixed.js';
import { buildLutTable } from './gamma.js';
import { CURVE_INDEX_RATIO, SRGB_EOTF_LUT, SRGB_INV_EOTF_LUT } from './luts.js';

/** One op of a plane's COLOR_PIPELINE, as the colorop states describe it. */
export type ColorOp =
  | { readonly type: '1d-curve'; readonly curve: 'srgb-eotf' | 'srgb-inv-eotf'; readonly bypass?: boolean }
  /** `matrix`: the 12 u64 of struct drm_color_ctm_3x4 (S31.32 sign-magnitude), or null (no blob: no-op). */
  | { readonly type: 'ctm-3x4'; readonly matrix: readonly bigint[] | null; readonly bypass?: boolean };

interface PreparedCurve { kind: 0; table: Uint16Array }
interface PreparedCtm { kind: 1; mul: FixpMultiplier[]; off: bigint[]; offNum: Float64Array }
type PreparedOp = PreparedCurve | PreparedCtm;

export interface PreparedPipeline {
  readonly ops: readonly PreparedOp[];
}

let eotfTable: Uint16Array | null = null;
let invEotfTable: Uint16Array | null = null;

/** The sRGB curve as a 65536-entry table (the three channels of VKMS's LUTs are equal). */
export function curveTable(curve: 'srgb-eotf' | 'srgb-inv-eotf'): Uint16Array {
  if (curve === 'srgb-eotf') return (eotfTable ??= buildLutTable(expand(SRGB_EOTF_LUT), 256, 0, CURVE_INDEX_RATIO));
  return (invEotfTable ??= buildLutTable(expand(SRGB_INV_EOTF_LUT), 256, 0, CURVE_INDEX_RATIO));
}

function expand(values: Uint16Array): Uint16Array {
  const lut = new Uint16Array(values.length * 4);
  for (let i = 0; i < values.length; i++) lut[i * 4] = lut[i * 4 + 1] = lut[i * 4 + 2] = values[i]!;
  return lut;
}

/** Prepare a pipeline (null when every op is bypassed or there is none). */
export function preparePipeline(ops: readonly ColorOp[] | null | undefined): PreparedPipeline | null {
  if (ops === null || ops === undefined) return null;
  const out: PreparedOp[] = [];
  for (const op of ops) {
    if (op.bypass) continue;
    if (op.type === '1d-curve') {
      if (op.curve !== 'srgb-eotf' && op.curve !== 'srgb-inv-eotf') continue; // VKMS warns, does nothing
      out.push({ kind: 0, table: curveTable(op.curve) });
    } else if (op.type === 'ctm-3x4') {
      if (op.matrix === null) continue;
      if (op.matrix.length !== 12) throw new RangeError('compose: a CTM 3x4 needs 12 entries');
      const m = op.matrix.map(sm2fixpBig);
      const mul = [0, 1, 2, 4, 5, 6, 8, 9, 10].map((i) => prepareMultiplier(m[i]!));
      const off = [m[3]!, m[7]!, m[11]!];
      const offNum = Float64Array.from(off, (v) => (v >= -(1n << 53n) && v <= 1n << 53n ? Number(v) : NaN));
      out.push({ kind: 1, mul, off, offNum });
    }
  }
  // Even an empty pipeline clamps (a no-op on u16 values), so it needs no work at all.
  return out.length === 0 ? null : { ops: out };
}

const TWO53 = 9007199254740992;

/** One output channel of apply_3x4_matrix, exactly: doubles when provably exact, else bigints. */
function ctmRow(op: PreparedCtm, row: number, r: number, g: number, b: number): number {
  const m = op.mul;
  const o = op.offNum[row]!;
  const v = fixpMulInt(m[row * 3]!, r) + fixpMulInt(m[row * 3 + 1]!, g) + fixpMulInt(m[row * 3 + 2]!, b) + o;
  if (v <= TWO53 && v >= -TWO53) return Math.floor((v + 2147483648) / 4294967296) | 0; // NaN fails the test
  const sum = fixpMulBig(m[row * 3]!.m, int2fixpBig(r)) + fixpMulBig(m[row * 3 + 1]!.m, int2fixpBig(g)) +
    fixpMulBig(m[row * 3 + 2]!.m, int2fixpBig(b)) + op.off[row]!;
  return fixp2intBig(BigInt.asIntN(64, sum) + (1n << 31n));
}

/** pre_blend_color_transform over pixels [x0, x0+n) of a line. */
export function applyPipeline(p: PreparedPipeline, line: Uint16Array, x0: number, n: number): void {
  const ops = p.ops;
  for (let k = x0 * 4, end = (x0 + n) * 4; k < end; k += 4) {
    let r = line[k + 1]!, g = line[k + 2]!, b = line[k + 3]!;
    for (let i = 0; i < ops.length; i++) {
      const op = ops[i]!;
      if (op.kind === 0) {
        const t = op.table;
        r = t[r & 0xffff]!;
        g = t[g & 0xffff]!;
        b = t[b & 0xffff]!;
      } else {
        const nr = ctmRow(op, 0, r, g, b);
        const ng = ctmRow(op, 1, r, g, b);
        b = ctmRow(op, 2, r, g, b);
        r = nr;
        g = ng;
      }
    }
    line[k + 1] = r < 0 ? 0 : r > 0xffff ? 0xffff : r;
    line[k + 2] = g < 0 ? 0 : g > 0xffff ? 0xffff : g;
    line[k + 3] = b < 0 ? 0 : b > 0xffff ? 0xffff : b;
  }
}
