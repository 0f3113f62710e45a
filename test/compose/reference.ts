/**
 * A straightforward reference of VKMS's composer, written from the kernel code (vkms_composer.c,
 * vkms_formats.c, drm_fixed.h, drm_rect.c) and the documented extensions, without any code from
 * src/compose. Slow on purpose: bigint fixed point, one pixel at a time, a stage buffer and an
 * output buffer per line as in the kernel.
 */
import { Fourcc, formatInfo } from '../../src/uapi/fourcc.js';

// ---------------------------------------------------------------------------------------------
// drm_fixed.h
const S64 = (v: bigint): bigint => BigInt.asIntN(64, v);
export function msbset(a: bigint): number {
  a = S64(a);
  const x = a < 0n ? -a - 1n : a;
  if (x < 2n) return 0;
  return Math.min(62, x.toString(2).length - 1);
}
export function fixpMul(a: bigint, b: bigint): bigint {
  a = S64(a); b = S64(b);
  let shift = msbset(a) + msbset(b);
  if (shift > 61) {
    shift = shift - 61;
    a = a >> BigInt((shift >> 1) + (shift & 1));
    b = b >> BigInt(shift >> 1);
  } else shift = 0;
  const result = S64(a * b);
  if (shift > 32) return S64(result << BigInt(shift - 32));
  if (shift < 32) return result >> BigInt(32 - shift);
  return result;
}
export function fixpDiv(a: bigint, b: bigint): bigint {
  a = S64(a); b = S64(b);
  const shift = 62 - msbset(a);
  a = S64(a << BigInt(shift));
  if (shift < 32) b = b >> BigInt(32 - shift);
  const result = S64(a / b); // div64_s64 truncates
  if (shift > 32) return result >> BigInt(shift - 32);
  return result;
}
export const int2fixp = (a: number): bigint => BigInt(a) << 32n;
export const fixp2int = (a: bigint): number => Number(BigInt.asIntN(32, S64(a) >> 32n));
export const fixp2intRound = (a: bigint): number => fixp2int(S64(a) + (1n << 32n) / 2n);
export const fixp2intCeil = (a: bigint): number => (a >= 0n ? fixp2int(a + (1n << 32n) - 1n) : fixp2int(a - (1n << 32n) + 1n));
export const sm2fixp = (a: bigint): bigint => ((a & (1n << 63n)) !== 0n ? -(a & ((1n << 63n) - 1n)) : a);

// ---------------------------------------------------------------------------------------------
// CRC: bit by bit
export function crc32leRef(crc: number, buf: Uint8Array): number {
  let c = crc >>> 0;
  for (let i = 0; i < buf.length; i++) {
    c ^= buf[i]!;
    for (let k = 0; k < 8; k++) c = c & 1 ? (c >>> 1) ^ 0xedb88320 : c >>> 1;
  }
  return c >>> 0;
}

// ---------------------------------------------------------------------------------------------
// blend
export function blendRef(src: number, dst: number, alpha: number): number {
  const sum = (src * 0xffff + dst * (0xffff - alpha)) % 2 ** 32;
  const q = Math.floor(((sum + 0x7fff) % 2 ** 32) / 0xffff);
  return q % 2 ** 16;
}

// ---------------------------------------------------------------------------------------------
// LUT (apply_lut_to_channel_value)
export function lutRatio(len: number): bigint {
  return fixpDiv(int2fixp(len - 1), int2fixp(0xffff));
}
export function lerpRef(a: number, b: number, t: bigint): number {
  const d = fixpMul(int2fixp(b) - int2fixp(a), t);
  return fixp2intRound(int2fixp(a) + d) & 0xffff;
}
/** lut: drm_color_lut entries (4 u16 each). */
export function applyLutRef(lut: Uint16Array, ratio: bigint, v: number, channel: number): number {
  const len = lut.length / 4;
  const idx = fixpMul(int2fixp(v & 0xffff), ratio);
  const fl = fixp2int(idx);
  const lo = lut[fl * 4 + channel]!;
  const hi = fl === len - 1 ? lo : lut[fixp2intCeil(idx) * 4 + channel]!;
  return lerpRef(lo, hi, idx & ((1n << 32n) - 1n));
}

// ---------------------------------------------------------------------------------------------
// formats
export type Px = [number, number, number, number]; // a, r, g, b

const L2R = 0, R2L = 1, T2B = 2, B2T = 3;
export const DIRS = { L2R, R2L, T2B, B2T };

export interface RefFb {
  format: number; width: number; height: number; pitches: number[]; offsets: number[]; data: Uint8Array[];
}

const YUV_M: Record<string, { m: number[][]; off: number }> = {
  '0/1': { m: [[4294967296, 0, 6021544149], [4294967296, -1478054095, -3067191994], [4294967296, 7610682049, 0]], off: 0 },
  '0/0': { m: [[5020601039, 0, 6881764740], [5020601039, -1689204679, -3505362278], [5020601039, 8697922339, 0]], off: 16 },
  '1/1': { m: [[4294967296, 0, 6763714498], [4294967296, -804551626, -2010578443], [4294967296, 7969741314, 0]], off: 0 },
  '1/0': { m: [[5020601039, 0, 7729959424], [5020601039, -919487572, -2297803934], [5020601039, 9108275786, 0]], off: 16 },
  '2/1': { m: [[4294967296, 0, 6333358775], [4294967296, -706750298, -2453942994], [4294967296, 8080551471, 0]], off: 0 },
  '2/0': { m: [[5020601039, 0, 7238124312], [5020601039, -807714626, -2804506279], [5020601039, 9234915964, 0]], off: 16 },
};
const SWAP_UV = new Set([Fourcc.YVU420, Fourcc.YVU422, Fourcc.YVU444, Fourcc.NV21, Fourcc.NV61, Fourcc.NV42]);

export function yuvMatrix(format: number, enc: number, range: number): { m: bigint[][]; off: number } {
  const d = YUV_M[`${enc}/${range === 0 ? 0 : 1}`] ?? { m: [[4294967296, 0, 0], [0, 4294967296, 0], [0, 0, 4294967296]], off: 0 };
  const m = d.m.map((r) => r.map((v) => BigInt(v)));
  if (SWAP_UV.has(format)) for (const r of m) { const t = r[1]!; r[1] = r[2]!; r[2] = t; }
  return { m, off: d.off };
}

/** argb_u16_from_yuv161616. */
export function yuvRef(mat: { m: bigint[][]; off: number }, y: number, c1: number, c2: number): Px {
  const fy = int2fixp(y - mat.off * 257), f1 = int2fixp(c1 - 128 * 257), f2 = int2fixp(c2 - 128 * 257);
  const ch = (r: number): number => {
    const v = fixp2intRound(fixpMul(mat.m[r]![0]!, fy) + fixpMul(mat.m[r]![1]!, f1) + fixpMul(mat.m[r]![2]!, f2));
    return Math.min(0xffff, Math.max(0, v));
  };
  return [0xffff, ch(0), ch(1), ch(2)];
}

export function rgb565Ref(v: number, swap: boolean): Px {
  const rb = fixpDiv(int2fixp(65535), int2fixp(31));
  const g = fixpDiv(int2fixp(65535), int2fixp(63));
  const r = fixp2intRound(fixpMul(int2fixp((v >> 11) & 0x1f), rb));
  const gg = fixp2intRound(fixpMul(int2fixp((v >> 5) & 0x3f), g));
  const b = fixp2intRound(fixpMul(int2fixp(v & 0x1f), rb));
  return swap ? [0xffff, b, gg, r] : [0xffff, r, gg, b];
}

function halfToUnorm(h: number): number {
  const s = h >> 15, e = (h >> 10) & 31, f = h & 1023;
  let v: number;
  if (e === 0) v = f / 1024 * 2 ** -14;
  else if (e === 31) v = f === 0 ? Infinity : NaN;
  else v = 2 ** (e - 15) * (1 + f / 1024);
  if (s) v = -v;
  if (!(v > 0)) return 0;
  if (v >= 1) return 65535;
  return Math.round(v * 65535);
}

const u8 = (fb: RefFb, plane: number, addr: number): number => {
  const d = fb.data[plane] ?? fb.data[0]!;
  return addr >= 0 && addr < d.length ? d[addr]! : 0;
};
const u16le = (fb: RefFb, plane: number, addr: number): number => u8(fb, plane, addr) | (u8(fb, plane, addr + 1) << 8);

/** Bytes of one pixel of a 1x1-block single-plane format → ARGB16161616. */
function packedPixel(fb: RefFb, a: number): Px {
  const f = fb.format;
  const b = (i: number): number => u8(fb, 0, a + i);
  const w = (i: number): number => u16le(fb, 0, a + 2 * i);
  switch (f) {
    case Fourcc.ARGB8888: return [b(3) * 257, b(2) * 257, b(1) * 257, b(0) * 257];
    case Fourcc.ABGR8888: return [b(3) * 257, b(0) * 257, b(1) * 257, b(2) * 257];
    case Fourcc.BGRA8888: return [b(0) * 257, b(1) * 257, b(2) * 257, b(3) * 257];
    case Fourcc.RGBA8888: return [b(0) * 257, b(3) * 257, b(2) * 257, b(1) * 257];
    case Fourcc.XRGB8888: return [0xffff, b(2) * 257, b(1) * 257, b(0) * 257];
    case Fourcc.XBGR8888: return [0xffff, b(0) * 257, b(1) * 257, b(2) * 257];
    case Fourcc.RGB888: return [0xffff, b(2) * 257, b(1) * 257, b(0) * 257];
    case Fourcc.BGR888: return [0xffff, b(0) * 257, b(1) * 257, b(2) * 257];
    case Fourcc.ARGB16161616: return [w(3), w(2), w(1), w(0)];
    case Fourcc.ABGR16161616: return [w(3), w(0), w(1), w(2)];
    case Fourcc.XRGB16161616: return [0xffff, w(2), w(1), w(0)];
    case Fourcc.XBGR16161616: return [0xffff, w(0), w(1), w(2)];
    case Fourcc.RGB565: return rgb565Ref(w(0), false);
    case Fourcc.BGR565: return rgb565Ref(w(0), true);
    case Fourcc.R8: return [0xffff, b(0) * 257, b(0) * 257, b(0) * 257];
    case Fourcc.XRGB16161616F: return [0xffff, halfToUnorm(w(2)), halfToUnorm(w(1)), halfToUnorm(w(0))];
    case Fourcc.XBGR16161616F: return [0xffff, halfToUnorm(w(0)), halfToUnorm(w(1)), halfToUnorm(w(2))];
    case Fourcc.ARGB16161616F: return [halfToUnorm(w(3)), halfToUnorm(w(2)), halfToUnorm(w(1)), halfToUnorm(w(0))];
    case Fourcc.ABGR16161616F: return [halfToUnorm(w(3)), halfToUnorm(w(0)), halfToUnorm(w(1)), halfToUnorm(w(2))];
    default: {
      // 10-bit packed: fields from the u32, 10-bit → round(v·65535/1023), 2-bit alpha × 0x5555
      const v = (w(0) | (w(1) << 16)) >>> 0;
      const ten = (x: number): number => Math.round(x * 65535 / 1023);
      const f10 = (sh: number): number => ten(Math.floor(v / 2 ** sh) % 1024);
      const a2 = (sh: number): number => (Math.floor(v / 2 ** sh) % 4) * 0x5555;
      switch (f) {
        case Fourcc.XRGB2101010: return [0xffff, f10(20), f10(10), f10(0)];
        case Fourcc.XBGR2101010: return [0xffff, f10(0), f10(10), f10(20)];
        case Fourcc.RGBX1010102: return [0xffff, f10(22), f10(12), f10(2)];
        case Fourcc.BGRX1010102: return [0xffff, f10(2), f10(12), f10(22)];
        case Fourcc.ARGB2101010: return [a2(30), f10(20), f10(10), f10(0)];
        case Fourcc.ABGR2101010: return [a2(30), f10(0), f10(10), f10(20)];
        case Fourcc.RGBA1010102: return [a2(0), f10(22), f10(12), f10(2)];
        case Fourcc.BGRA1010102: return [a2(0), f10(2), f10(12), f10(22)];
      }
      throw new Error(`reference: no reader for ${f.toString(16)}`);
    }
  }
}

/** pixel_read_line of VKMS (and of the extra formats), start already at the far end for R2L/B2T. */
export function readLineRef(fb: RefFb, enc: number, range: number, xStart: number, yStart: number, dir: number,
  count: number): Px[] {
  const info = formatInfo(fb.format)!;
  const bw = (p: number): number => info.blockW[p]!;
  const bh = (p: number): number => info.blockH[p]!;
  // packed_pixels_offset
  const offset = (x: number, y: number, p: number): { off: number; remX: number } => {
    const blockX = Math.trunc(x / bw(p)), blockY = Math.trunc(y / bh(p));
    return { off: fb.offsets[p]! + blockY * fb.pitches[p]! * bh(p) + blockX * info.charPerBlock[p]!, remX: x % bw(p) };
  };
  // get_block_step_bytes
  const step = (p: number): number => {
    switch (dir) {
      case L2R: return info.charPerBlock[p]!;
      case R2L: return -info.charPerBlock[p]!;
      case T2B: return fb.pitches[p]! * bw(p);
      default: return -fb.pitches[p]! * bw(p);
    }
  };
  const out: Px[] = [];
  const f = fb.format;
  if (f === Fourcc.R1 || f === Fourcc.R2 || f === Fourcc.R4) {
    const bpp = f === Fourcc.R1 ? 1 : f === Fourcc.R2 ? 2 : 4;
    let { off, remX } = offset(xStart, yStart, 0);
    let bitOffset = (8 - bpp) - remX * bpp;
    const st = step(0);
    const mask = (1 << bpp) - 1;
    const lum = Math.trunc(0xffff / mask);
    if (dir === L2R || dir === R2L) {
      const restart = dir === L2R ? 8 - bpp : 0;
      const stepBit = dir === L2R ? -bpp : bpp;
      for (let i = 0; i < count; i++) {
        const v = ((u8(fb, 0, off) >> bitOffset) & mask) * lum;
        out.push([0xffff, v, v, v]);
        bitOffset += stepBit;
        if (bitOffset < 0 || bitOffset >= 8) { bitOffset = restart; off += st; }
      }
    } else {
      for (let i = 0; i < count; i++) {
        const v = ((u8(fb, 0, off) >> bitOffset) & mask) * lum;
        out.push([0xffff, v, v, v]);
        off += st;
      }
    }
    return out;
  }
  if (info.isYuv) {
    const mat = yuvMatrix(f, enc, range);
    const sub = dir === L2R || dir === R2L ? info.hsub : info.vsub;
    const subOff = dir === B2T ? -yStart - 1 : dir === T2B ? yStart : dir === R2L ? -xStart - 1 : xStart;
    let p0 = offset(xStart, yStart, 0).off;
    let p1 = offset(Math.trunc(xStart / info.hsub), Math.trunc(yStart / info.vsub), 1).off;
    let p2 = info.numPlanes > 2 ? offset(Math.trunc(xStart / info.hsub), Math.trunc(yStart / info.vsub), 2).off : 0;
    const s0 = step(0), s1 = step(1), s2 = info.numPlanes > 2 ? step(2) : 0;
    const p16 = f === Fourcc.P010 || f === Fourcc.P012 || f === Fourcc.P016;
    for (let i = 0; i < count; i++) {
      if (p16) out.push(yuvRef(mat, u16le(fb, 0, p0), u16le(fb, 1, p1), u16le(fb, 1, p1 + 2)));
      else if (info.numPlanes === 2) out.push(yuvRef(mat, u8(fb, 0, p0) * 257, u8(fb, 1, p1) * 257, u8(fb, 1, p1 + 1) * 257));
      else out.push(yuvRef(mat, u8(fb, 0, p0) * 257, u8(fb, 1, p1) * 257, u8(fb, 2, p2) * 257));
      p0 += s0;
      if ((i + subOff + 1) % sub === 0) { p1 += s1; p2 += s2; }
    }
    return out;
  }
  let p = offset(xStart, yStart, 0).off;
  const st = step(0);
  for (let i = 0; i < count; i++) {
    out.push(packedPixel(fb, p));
    p += st;
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// writeback (argb_u16_to_*)
const div257 = (c: number): number => Math.floor((c + 128) / 257);
export function writePixelRef(format: number, px: Px): number[] {
  const [a, r, g, b] = px;
  switch (format) {
    case Fourcc.ARGB8888: return [div257(b), div257(g), div257(r), div257(a)];
    case Fourcc.XRGB8888: return [div257(b), div257(g), div257(r), 0xff];
    case Fourcc.ABGR8888: return [div257(r), div257(g), div257(b), div257(a)];
    case Fourcc.ARGB16161616: return [b & 255, b >> 8, g & 255, g >> 8, r & 255, r >> 8, a & 255, a >> 8];
    case Fourcc.XRGB16161616: return [b & 255, b >> 8, g & 255, g >> 8, r & 255, r >> 8, 255, 255];
    case Fourcc.RGB565: {
      const rb = fixpDiv(int2fixp(65535), int2fixp(31));
      const gr = fixpDiv(int2fixp(65535), int2fixp(63));
      const R = fixp2int(fixpDiv(int2fixp(r), rb)) & 0xffff;
      const G = fixp2int(fixpDiv(int2fixp(g), gr)) & 0xffff;
      const B = fixp2int(fixpDiv(int2fixp(b), rb)) & 0xffff;
      const v = ((R << 11) | (G << 5) | B) & 0xffff;
      return [v & 255, v >> 8];
    }
  }
  throw new Error('reference: bad writeback format');
}

// ---------------------------------------------------------------------------------------------
// colour pipeline
export type RefColorOp =
  | { type: '1d-curve'; curve: 'srgb-eotf' | 'srgb-inv-eotf'; bypass?: boolean }
  | { type: 'ctm-3x4'; matrix: readonly bigint[] | null; bypass?: boolean };

export function pipelineRef(ops: readonly RefColorOp[], px: Px, curves: { eotf: Uint16Array; inv: Uint16Array }): Px {
  let r = px[1], g = px[2], b = px[3];
  const ratio = 0xff00ffn;
  for (const op of ops) {
    if (op.bypass) continue;
    if (op.type === '1d-curve') {
      const lut = op.curve === 'srgb-eotf' ? curves.eotf : curves.inv;
      r = applyLutRef(lut, ratio, r & 0xffff, 0);
      g = applyLutRef(lut, ratio, g & 0xffff, 1);
      b = applyLutRef(lut, ratio, b & 0xffff, 2);
    } else if (op.matrix) {
      const m = op.matrix.map(sm2fixp);
      const R = int2fixp(r), G = int2fixp(g), B = int2fixp(b);
      const row = (k: number): number =>
        fixp2intRound(S64(fixpMul(m[k]!, R) + fixpMul(m[k + 1]!, G) + fixpMul(m[k + 2]!, B) + m[k + 3]!));
      const nr = row(0), ng = row(4), nb = row(8);
      r = nr; g = ng; b = nb;
    }
  }
  const c = (v: number): number => Math.min(0xffff, Math.max(0, v));
  return [px[0], c(r), c(g), c(b)];
}

// ---------------------------------------------------------------------------------------------
// the composer
export interface RefRect { x1: number; y1: number; x2: number; y2: number }
export interface RefPlane {
  fb: RefFb; src: RefRect; dst: RefRect; rotation?: number; colorEncoding?: number; colorRange?: number;
  alpha?: number; blendMode?: 'premultiplied' | 'coverage' | 'none'; colorPipeline?: RefColorOp[] | null;
  scalingFilter?: 'nearest' | 'bilinear';
}
export interface RefFrame {
  width: number; height: number; planes: RefPlane[];
  background?: bigint | [number, number, number, number] | null; gammaLut?: Uint16Array | null;
}
export interface RefWb { format: number; width: number; height: number; pitch: number; offset: number; size: number }

const ROT0 = 1, ROT90 = 2, ROT180 = 4, ROT270 = 8, RX = 16, RY = 32;

/** drm_rect_rotate_inv. */
export function rotateInvRef(r: RefRect, width: number, height: number, rotation: number): RefRect {
  let t = { ...r };
  switch (rotation & 15) {
    case ROT90: t = { x1: width - r.y2, x2: width - r.y1, y1: r.x1, y2: r.x2 }; break;
    case ROT180: t = { x1: width - r.x2, x2: width - r.x1, y1: height - r.y2, y2: height - r.y1 }; break;
    case ROT270: t = { x1: r.y1, x2: r.y2, y1: height - r.x2, y2: height - r.x1 }; break;
  }
  const u = { ...t };
  if (rotation & RX) { u.x1 = width - t.x2; u.x2 = width - t.x1; }
  if (rotation & RY) { u.y1 = height - t.y2; u.y2 = height - t.y1; }
  return u;
}

export function directionRef(rotation: number): number {
  const a = rotateInvRef({ x1: 0, y1: 0, x2: 0, y2: 0 }, 1, 1, rotation);
  const b = rotateInvRef({ x1: 1, y1: 0, x2: 1, y2: 0 }, 1, 1, rotation);
  const x = b.x1 - a.x1, y = b.y1 - a.y1;
  if (x === 1 && y === 0) return L2R;
  if (x === -1 && y === 0) return R2L;
  if (y === 1 && x === 0) return T2B;
  if (y === -1 && x === 0) return B2T;
  return L2R;
}

const mulRound = (x: number, y: number): number => Math.floor((x * y + 32767) / 65535);

/** The documented extension formulas (plane alpha, blend mode). */
function alphaModeRef(px: Px, pa: number, mode: string): Px {
  const [a, r, g, b] = px;
  let na: number, f: number;
  if (mode === 'none') { na = pa; f = pa; }
  else if (mode === 'coverage') { na = mulRound(a, pa); f = na; }
  else { na = mulRound(a, pa); f = pa; }
  return [na, mulRound(r, f), mulRound(g, f), mulRound(b, f)];
}

/** The documented scaling: sample point, nearest or bilinear. Pixel of CRTC (x, y). */
function scaledPixelRef(p: RefPlane, x: number, y: number): Px {
  const rot = p.rotation ?? ROT0;
  const swap = (rot & 15) === ROT90 || (rot & 15) === ROT270;
  const W16 = p.src.x2 - p.src.x1, H16 = p.src.y2 - p.src.y1;
  const RW = swap ? H16 : W16, RH = swap ? W16 : H16;
  const dw = p.dst.x2 - p.dst.x1, dh = p.dst.y2 - p.dst.y1;
  const u = Math.floor(((x - p.dst.x1) * 2 + 1) * RW / (2 * dw));
  const v = Math.floor(((y - p.dst.y1) * 2 + 1) * RH / (2 * dh));
  let px: number, py: number;
  switch (rot & 15) {
    case ROT90: px = W16 - v; py = u; break;
    case ROT180: px = W16 - u; py = H16 - v; break;
    case ROT270: px = v; py = H16 - u; break;
    default: px = u; py = v;
  }
  if (rot & RX) px = W16 - px;
  if (rot & RY) py = H16 - py;
  px += p.src.x1; py += p.src.y1;
  const sx = p.src.x1 >> 16, sy = p.src.y1 >> 16;
  const sw = (p.src.x2 - p.src.x1) >> 16, sh = (p.src.y2 - p.src.y1) >> 16;
  const cx = (c: number): number => Math.min(Math.min(sx + sw, p.fb.width) - 1, Math.max(sx, c));
  const cy = (c: number): number => Math.min(Math.min(sy + sh, p.fb.height) - 1, Math.max(sy, c));
  const one = (X: number, Y: number): Px => readLineRef(p.fb, p.colorEncoding ?? 0, p.colorRange ?? 1, X, Y, L2R, 1)[0]!;
  if (p.scalingFilter !== 'bilinear') return one(cx(Math.floor(px / 65536)), cy(Math.floor(py / 65536)));
  const tx = px - 32768, ty = py - 32768;
  const x0 = Math.floor(tx / 65536), y0 = Math.floor(ty / 65536);
  const wx = tx - x0 * 65536, wy = ty - y0 * 65536;
  const p00 = one(cx(x0), cy(y0)), p10 = one(cx(x0 + 1), cy(y0)), p01 = one(cx(x0), cy(y0 + 1)), p11 = one(cx(x0 + 1), cy(y0 + 1));
  // interpolate along the line direction first (x for rotation 0/180, y for 90/270), as documented
  const res: Px = [0, 0, 0, 0];
  for (let c = 0; c < 4; c++) {
    let v2: number;
    if (!swap) {
      const top = p00[c]! * (65536 - wx) + p10[c]! * wx;
      const bot = p01[c]! * (65536 - wx) + p11[c]! * wx;
      v2 = top * (65536 - wy) + bot * wy;
    } else {
      const left = p00[c]! * (65536 - wy) + p01[c]! * wy;
      const right = p10[c]! * (65536 - wy) + p11[c]! * wy;
      v2 = left * (65536 - wx) + right * wx;
    }
    res[c] = Math.floor((v2 + 2 ** 31) / 2 ** 32);
  }
  return res;
}

export interface RefResult { crc: number; lines: Uint16Array[]; wb: Uint8Array | null }

export function composeRef(frame: RefFrame, wb: RefWb | null, curves: { eotf: Uint16Array; inv: Uint16Array }): RefResult {
  const W = frame.width, H = frame.height;
  const bg = frame.background;
  const bgPx: Px = typeof bg === 'bigint'
    ? [0xffff, Number((bg >> 32n) & 0xffffn), Number((bg >> 16n) & 0xffffn), Number(bg & 0xffffn)]
    : bg ? [0xffff, bg[1], bg[2], bg[3]] : [0xffff, 0, 0, 0];
  const lut = frame.gammaLut && frame.gammaLut.length >= 4 ? frame.gammaLut : null;
  const ratio = lut ? lutRatio(lut.length / 4) : 0n;
  const wbBytes = wb ? new Uint8Array(wb.size) : null;
  const lines: Uint16Array[] = [];
  let crc = 0;
  const stage: Px[] = Array.from({ length: W }, () => [0, 0, 0, 0] as Px);
  for (let y = 0; y < H; y++) {
    const out: Px[] = Array.from({ length: W }, () => [...bgPx] as Px);
    for (const p of frame.planes) {
      if (y < p.dst.y1 || y >= p.dst.y2) continue;
      const rot = p.rotation ?? ROT0;
      const swap = (rot & 15) === ROT90 || (rot & 15) === ROT270;
      const srcI = { x1: p.src.x1 >> 16, y1: p.src.y1 >> 16, w: (p.src.x2 - p.src.x1) >> 16, h: (p.src.y2 - p.src.y1) >> 16 };
      const dw = p.dst.x2 - p.dst.x1, dh = p.dst.y2 - p.dst.y1;
      const scaled = (swap ? srcI.h : srcI.w) !== dw || (swap ? srcI.w : srcI.h) !== dh;
      let dstStart: number, count: number;
      if (scaled) {
        dstStart = Math.max(0, p.dst.x1);
        count = Math.min(W, p.dst.x2) - dstStart;
        if (count <= 0 || srcI.w <= 0 || srcI.h <= 0) continue;
        for (let i = 0; i < count; i++) stage[dstStart + i] = scaledPixelRef(p, dstStart + i, y);
      } else {
        // blend_line
        const line = { x1: Math.max(p.dst.x1, 0), y1: y, x2: Math.min(p.dst.x1 + dw, W), y2: y + 1 };
        if (line.x2 <= line.x1) continue;
        let s = { x1: line.x1 - p.dst.x1, y1: line.y1 - p.dst.y1, x2: line.x2 - p.dst.x1, y2: line.y2 - p.dst.y1 };
        s = rotateInvRef(s, srcI.w, srcI.h, rot);
        s = { x1: s.x1 + srcI.x1, y1: s.y1 + srcI.y1, x2: s.x2 + srcI.x1, y2: s.y2 + srcI.y1 };
        const dir = directionRef(rot);
        let xs = s.x1, ys = s.y1;
        dstStart = p.dst.x1;
        if (dir === L2R || dir === R2L) {
          count = s.x2 - s.x1;
          if (xs < 0) { count += xs; dstStart -= xs; xs = 0; }
          if (xs + count > p.fb.width) count = Math.max(0, p.fb.width - xs);
        } else {
          count = s.y2 - s.y1;
          if (ys < 0) { count += ys; dstStart -= ys; ys = 0; }
          if (ys + count > p.fb.height) count = Math.max(0, p.fb.height - ys);
        }
        if (count <= 0) continue;
        if (dir === R2L) xs += count - 1;
        else if (dir === B2T) ys += count - 1;
        const px = readLineRef(p.fb, p.colorEncoding ?? 0, p.colorRange ?? 1, xs, ys, dir, count);
        for (let i = 0; i < count; i++) stage[dstStart + i] = px[i]!;
      }
      for (let i = dstStart; i < dstStart + count; i++) {
        let s = stage[i]!;
        if (p.colorPipeline && p.colorPipeline.length) s = pipelineRef(p.colorPipeline, s, curves);
        const pa = p.alpha ?? 0xffff, mode = p.blendMode ?? 'premultiplied';
        if (pa !== 0xffff || mode !== 'premultiplied') s = alphaModeRef(s, pa, mode);
        const o = out[i]!;
        out[i] = [0xffff, blendRef(s[1], o[1], s[0]), blendRef(s[2], o[2], s[0]), blendRef(s[3], o[3], s[0])];
      }
    }
    if (lut) {
      for (const o of out) {
        o[1] = applyLutRef(lut, ratio, o[1], 0);
        o[2] = applyLutRef(lut, ratio, o[2], 1);
        o[3] = applyLutRef(lut, ratio, o[3], 2);
      }
    }
    const lineU16 = new Uint16Array(W * 4);
    out.forEach((o, i) => lineU16.set(o, i * 4));
    lines.push(lineU16);
    crc = crc32leRef(crc, new Uint8Array(lineU16.buffer));
    if (wb && wbBytes && y < wb.height) {
      const cpp = wb.format === Fourcc.RGB565 ? 2 : wb.format === Fourcc.ARGB16161616 || wb.format === Fourcc.XRGB16161616 ? 8 : 4;
      for (let x = 0; x < Math.min(W, wb.width); x++) {
        const bytes = writePixelRef(wb.format, out[x]!);
        wbBytes.set(bytes, wb.offset + y * wb.pitch + x * cpp);
      }
    }
  }
  return { crc, lines, wb: wbBytes };
}
