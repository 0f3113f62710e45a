/**
 * Line readers: a run of framebuffer pixels → ARGB16161616 (a, r, g, b u16 per pixel), following
 * vkms_formats.c: the start pixel (x, y) is found with packed_pixels_addr, then each next pixel is
 * one step (get_block_step_bytes) away in the read direction; chroma advances every hsub (vsub)
 * pixels with the phase of get_subsampling_offset, i.e. nearest sample.
 *
 * Two quirks of VKMS are kept: every step of a vertical read is pitch × block *width* (this only
 * matters for R1/R2/R4, which then skip rows), and the 16-bit samples of P010/P012 are used
 * unmasked.
 */
import { fixp2intRoundBig, fixpDivBig, fixpMulBig, int2fixpBig } from './fixed.js';
import {
  K_1010102, K_565, K_F16, K_R8, K_RX, K_U16X4, K_U8X3, K_U8X4, K_YUV16_SEMI, K_YUV8_PLANAR, K_YUV8_SEMI,
  type ReadFormat,
} from './formats.js';
import { yuv16ToArgb, yuvConversion, type YuvConversion } from './yuv.js';

/** enum pixel_read_direction. */
export const DIR_L2R = 0;
export const DIR_R2L = 1;
export const DIR_T2B = 2;
export const DIR_B2T = 3;

/** A line buffer of ARGB16161616 pixels, with two views of the same memory. */
export interface Line {
  readonly u16: Uint16Array;
  readonly i32: Int32Array;
  readonly u8: Uint8Array;
}

export function makeLine(width: number, shared = false): Line {
  const bytes = Math.max(1, width) * 8;
  const buf = shared ? new SharedArrayBuffer(bytes) : new ArrayBuffer(bytes);
  return { u16: new Uint16Array(buf), i32: new Int32Array(buf), u8: new Uint8Array(buf) };
}

/** A framebuffer prepared for reading (what vkms_frame_info + the plane's conversion matrix hold). */
export interface ReadSource {
  fmt: ReadFormat;
  width: number;
  height: number;
  d0: Uint8Array;
  d1: Uint8Array;
  d2: Uint8Array;
  o0: number;
  o1: number;
  o2: number;
  p0: number;
  p1: number;
  p2: number;
  /** Int32 view of d0 when its start is 4-byte aligned. */
  i32: Int32Array | null;
  yuv: YuvConversion | null;
}

const EMPTY = new Uint8Array(0);
const i32Views = new WeakMap<Uint8Array, Int32Array | null>();

/** An Int32Array over the same bytes (cached), or null when the start is not 4-byte aligned. */
export function int32View(d: Uint8Array): Int32Array | null {
  let v = i32Views.get(d);
  if (v === undefined) {
    v = d.byteOffset % 4 === 0 ? new Int32Array(d.buffer, d.byteOffset, d.length >> 2) : null;
    i32Views.set(d, v);
  }
  return v;
}

export interface FbLike {
  width: number;
  height: number;
  pitches: readonly number[];
  offsets: readonly number[];
  data: readonly Uint8Array[];
}

/** Fill (or create) a ReadSource for `fb` in format `fmt`. */
export function prepareSource(fmt: ReadFormat, fb: FbLike, encoding: number, range: number, into?: ReadSource): ReadSource {
  const d0 = fb.data[0] ?? EMPTY;
  const s: ReadSource = into ?? {
    fmt, width: 0, height: 0, d0, d1: d0, d2: d0, o0: 0, o1: 0, o2: 0, p0: 0, p1: 0, p2: 0, i32: null, yuv: null,
  };
  s.fmt = fmt;
  s.width = fb.width;
  s.height = fb.height;
  s.d0 = d0;
  s.d1 = fb.data[1] ?? d0;
  s.d2 = fb.data[2] ?? s.d1;
  s.o0 = fb.offsets[0] ?? 0;
  s.o1 = fb.offsets[1] ?? 0;
  s.o2 = fb.offsets[2] ?? 0;
  s.p0 = fb.pitches[0] ?? 0;
  s.p1 = fb.pitches[1] ?? 0;
  s.p2 = fb.pitches[2] ?? 0;
  s.i32 = int32View(d0);
  s.yuv = fmt.info.isYuv ? yuvConversion(encoding, range, fmt.swap) : null;
  return s;
}

// --- conversion tables --------------------------------------------------------------------------

/** argb_u16_from_RGB565: drm_fixp2int_round(drm_fixp_mul(v, 65535/31 or 65535/63)). */
export const RGB565_R5 = new Uint16Array(32);
export const RGB565_G6 = new Uint16Array(64);
{
  const rb = fixpDivBig(int2fixpBig(65535), int2fixpBig(31));
  const g = fixpDivBig(int2fixpBig(65535), int2fixpBig(63));
  for (let v = 0; v < 32; v++) RGB565_R5[v] = fixp2intRoundBig(fixpMulBig(int2fixpBig(v), rb));
  for (let v = 0; v < 64; v++) RGB565_G6[v] = fixp2intRoundBig(fixpMulBig(int2fixpBig(v), g));
}

/** 10-bit → 16-bit for the 2101010 formats (beyond VKMS): DIV_ROUND_CLOSEST(v·65535, 1023). */
export const TEN_TO_16 = new Uint16Array(1024);
for (let v = 0; v < 1024; v++) TEN_TO_16[v] = Math.floor((v * 65535 + 511) / 1023);

/** IEEE half → 16-bit unorm for the FP16 formats (beyond VKMS): clamp to [0, 1], round(v·65535). */
export const HALF_TO_16 = new Uint16Array(65536);
for (let h = 0; h < 65536; h++) {
  const e = (h >> 10) & 31;
  const f = h & 1023;
  let v = e === 0 ? f * 2 ** -24 : e === 31 ? (f ? NaN : Infinity) : (1 + f / 1024) * 2 ** (e - 15);
  if (h & 0x8000) v = -v;
  HALF_TO_16[h] = v > 0 ? (v >= 1 ? 65535 : Math.round(v * 65535)) : 0;
}

const clamp16 = (v: number): number => (v < 0 ? 0 : v > 0xffff ? 0xffff : v);

// --- addressing -----------------------------------------------------------------------------------

/** get_block_step_bytes. */
function stepBytes(s: ReadSource, plane: number, dir: number): number {
  const info = s.fmt.info;
  const pitch = plane === 0 ? s.p0 : plane === 1 ? s.p1 : s.p2;
  switch (dir) {
    case DIR_L2R: return info.charPerBlock[plane]!;
    case DIR_R2L: return -info.charPerBlock[plane]!;
    case DIR_T2B: return pitch * info.blockW[plane]!;
    default: return -pitch * info.blockW[plane]!;
  }
}

/** How many times the chroma pointer has advanced before pixel i (get_subsampling_offset phase). */
function chromaAdvances(dir: number, xs: number, ys: number, sub: number, i: number): number {
  const off = dir === DIR_L2R ? xs : dir === DIR_R2L ? -xs - 1 : dir === DIR_T2B ? ys : -ys - 1;
  return Math.floor((off + i) / sub) - Math.floor(off / sub);
}

const subOffset = (dir: number, xs: number, ys: number): number =>
  dir === DIR_L2R ? xs : dir === DIR_R2L ? -xs - 1 : dir === DIR_T2B ? ys : -ys - 1;

const inRange = (d: Uint8Array, first: number, step: number, n: number, size: number): boolean => {
  const last = first + (n - 1) * step;
  return (first < last ? first : last) >= 0 && (first > last ? first : last) + size <= d.length;
};

// --- the reader ------------------------------------------------------------------------------------

/**
 * Read pixels i0 .. i0+n-1 of the line that starts at (xs, ys) and runs in direction `dir`
 * (VKMS's pixel_read_line with x_start/y_start already moved to the far end for R2L/B2T), into
 * `out` from pixel `outPx` on. Reads that would leave the buffer go through a checked path that
 * reads missing bytes as 0 (VKMS would read whatever memory is there).
 */
export function readSpan(s: ReadSource, xs: number, ys: number, dir: number, i0: number, n: number,
  out: Line, outPx: number, forceChecked = false): void {
  if (n <= 0) return;
  const fmt = s.fmt;
  const kind = fmt.kind;
  if (kind === K_YUV8_SEMI || kind === K_YUV16_SEMI || kind === K_YUV8_PLANAR) {
    readYuv(s, xs, ys, dir, i0, n, out.u16, outPx, forceChecked);
    return;
  }
  if (kind === K_RX) {
    readRx(s, xs, ys, dir, i0, n, out.u16, outPx, forceChecked);
    return;
  }
  const cpp = fmt.info.charPerBlock[0]!;
  const step = stepBytes(s, 0, dir);
  const a0 = s.o0 + ys * s.p0 + xs * cpp + i0 * step;
  if (forceChecked || !inRange(s.d0, a0, step, n, cpp)) {
    readPackedChecked(s, a0, step, n, out.u16, outPx);
    return;
  }
  const d = s.d0;
  const o = out.u16;
  switch (kind) {
    case K_U8X4: {
      const i32 = s.i32;
      if (i32 !== null && (a0 & 3) === 0 && (step & 3) === 0) {
        readU8x4Aligned(fmt, i32, a0 >> 2, step >> 2, n, out.i32, outPx);
        return;
      }
      const ao = fmt.ao, ro = fmt.ro, go = fmt.go, bo = fmt.bo;
      for (let i = 0, a = a0, k = outPx * 4; i < n; i++, a += step, k += 4) {
        o[k] = ao < 0 ? 0xffff : d[a + ao]! * 257;
        o[k + 1] = d[a + ro]! * 257;
        o[k + 2] = d[a + go]! * 257;
        o[k + 3] = d[a + bo]! * 257;
      }
      return;
    }
    case K_U8X3: {
      const ro = fmt.ro, go = fmt.go, bo = fmt.bo;
      for (let i = 0, a = a0, k = outPx * 4; i < n; i++, a += step, k += 4) {
        o[k] = 0xffff;
        o[k + 1] = d[a + ro]! * 257;
        o[k + 2] = d[a + go]! * 257;
        o[k + 3] = d[a + bo]! * 257;
      }
      return;
    }
    case K_U16X4: {
      const ao = fmt.ao * 2, ro = fmt.ro * 2, go = fmt.go * 2, bo = fmt.bo * 2;
      for (let i = 0, a = a0, k = outPx * 4; i < n; i++, a += step, k += 4) {
        o[k] = ao < 0 ? 0xffff : d[a + ao]! | (d[a + ao + 1]! << 8);
        o[k + 1] = d[a + ro]! | (d[a + ro + 1]! << 8);
        o[k + 2] = d[a + go]! | (d[a + go + 1]! << 8);
        o[k + 3] = d[a + bo]! | (d[a + bo + 1]! << 8);
      }
      return;
    }
    case K_565: {
      const swap = fmt.swap;
      for (let i = 0, a = a0, k = outPx * 4; i < n; i++, a += step, k += 4) {
        const v = d[a]! | (d[a + 1]! << 8);
        const r = RGB565_R5[v >> 11]!, g = RGB565_G6[(v >> 5) & 63]!, b = RGB565_R5[v & 31]!;
        o[k] = 0xffff;
        o[k + 1] = swap ? b : r; // BGR565: argb_u16_from_RGB565 then swap(r, b)
        o[k + 2] = g;
        o[k + 3] = swap ? r : b;
      }
      return;
    }
    case K_R8: {
      for (let i = 0, a = a0, k = outPx * 4; i < n; i++, a += step, k += 4) {
        const v = d[a]! * 257;
        o[k] = 0xffff;
        o[k + 1] = v;
        o[k + 2] = v;
        o[k + 3] = v;
      }
      return;
    }
    case K_1010102: {
      const ao = fmt.ao, ro = fmt.ro, go = fmt.go, bo = fmt.bo;
      for (let i = 0, a = a0, k = outPx * 4; i < n; i++, a += step, k += 4) {
        const v = d[a]! | (d[a + 1]! << 8) | (d[a + 2]! << 16) | (d[a + 3]! << 24);
        o[k] = ao < 0 ? 0xffff : ((v >>> ao) & 3) * 0x5555;
        o[k + 1] = TEN_TO_16[(v >>> ro) & 1023]!;
        o[k + 2] = TEN_TO_16[(v >>> go) & 1023]!;
        o[k + 3] = TEN_TO_16[(v >>> bo) & 1023]!;
      }
      return;
    }
    case K_F16: {
      const ao = fmt.ao * 2, ro = fmt.ro * 2, go = fmt.go * 2, bo = fmt.bo * 2;
      for (let i = 0, a = a0, k = outPx * 4; i < n; i++, a += step, k += 4) {
        o[k] = ao < 0 ? 0xffff : HALF_TO_16[d[a + ao]! | (d[a + ao + 1]! << 8)]!;
        o[k + 1] = HALF_TO_16[d[a + ro]! | (d[a + ro + 1]! << 8)]!;
        o[k + 2] = HALF_TO_16[d[a + go]! | (d[a + go + 1]! << 8)]!;
        o[k + 3] = HALF_TO_16[d[a + bo]! | (d[a + bo + 1]! << 8)]!;
      }
      return;
    }
    default:
      throw new Error(`compose: no reader for kind ${kind}`);
  }
}

/** 8888 formats through 32-bit loads: a, r, g, b at byte positions ao/ro/go/bo of each word. */
export function readU8x4Aligned(fmt: ReadFormat, src: Int32Array, w0: number, wstep: number, n: number,
  out: Int32Array, outPx: number): void {
  const rs = fmt.ro * 8, gs = fmt.go * 8, bs = fmt.bo * 8;
  if (fmt.ao < 0 && rs === 16 && gs === 8 && bs === 0) wordsXrgb(src, w0, wstep, n, out, outPx * 2);
  else if (fmt.ao < 0) wordsOpaque(src, w0, wstep, n, rs, gs, bs, out, outPx * 2);
  else wordsAlpha(src, w0, wstep, n, rs, gs, bs, fmt.ao * 8, out, outPx * 2);
}

// One small function per loop: V8 compiles these tight loops much better than one function
// holding all three.
function wordsXrgb(src: Int32Array, w0: number, wstep: number, n: number, out: Int32Array, k: number): void {
  // R·257 << 16 is (p & 0xff0000)·0x101; G·257 is the G byte twice. Two pixels per turn.
  let i = 0, w = w0;
  for (; i + 1 < n; i += 2, w += 2 * wstep, k += 4) {
    const p = src[w]!, q = src[w + wstep]!;
    out[k] = Math.imul(p & 0xff0000, 0x101) | 0xffff;
    out[k + 1] = (p & 0xff00) | ((p >>> 8) & 0xff) | Math.imul(p & 0xff, 0x01010000);
    out[k + 2] = Math.imul(q & 0xff0000, 0x101) | 0xffff;
    out[k + 3] = (q & 0xff00) | ((q >>> 8) & 0xff) | Math.imul(q & 0xff, 0x01010000);
  }
  if (i < n) {
    const p = src[w]!;
    out[k] = Math.imul(p & 0xff0000, 0x101) | 0xffff;
    out[k + 1] = (p & 0xff00) | ((p >>> 8) & 0xff) | Math.imul(p & 0xff, 0x01010000);
  }
}

function wordsOpaque(src: Int32Array, w0: number, wstep: number, n: number, rs: number, gs: number, bs: number,
  out: Int32Array, k: number): void {
  for (let i = 0, w = w0; i < n; i++, w += wstep, k += 2) {
    const p = src[w]!;
    out[k] = Math.imul((p >>> rs) & 0xff, 0x01010000) | 0xffff;
    out[k + 1] = (((p >>> gs) & 0xff) * 257) | Math.imul((p >>> bs) & 0xff, 0x01010000);
  }
}

function wordsAlpha(src: Int32Array, w0: number, wstep: number, n: number, rs: number, gs: number, bs: number,
  as: number, out: Int32Array, k: number): void {
  for (let i = 0, w = w0; i < n; i++, w += wstep, k += 2) {
    const p = src[w]!;
    out[k] = Math.imul((p >>> rs) & 0xff, 0x01010000) | (((p >>> as) & 0xff) * 257);
    out[k + 1] = (((p >>> gs) & 0xff) * 257) | Math.imul((p >>> bs) & 0xff, 0x01010000);
  }
}

/**
 * readU8x4Aligned for an opaque 8888 plane that also writes the XRGB8888 writeback word of each
 * pixel (`wb` from word `d0`): byte·257 written back is the byte itself.
 */
export function readU8x4AlignedWb(fmt: ReadFormat, src: Int32Array, w0: number, wstep: number, n: number,
  out: Int32Array, outPx: number, wb: Int32Array, d0: number): void {
  const rs = fmt.ro * 8, gs = fmt.go * 8, bs = fmt.bo * 8;
  if (rs === 16 && gs === 8 && bs === 0) wordsXrgbWb(src, w0, wstep, n, out, outPx * 2, wb, d0);
  else wordsOpaqueWb(src, w0, wstep, n, rs, gs, bs, out, outPx * 2, wb, d0);
}

function wordsXrgbWb(src: Int32Array, w0: number, wstep: number, n: number, out: Int32Array, k: number,
  wb: Int32Array, d0: number): void {
  let i = 0, w = w0, d = d0;
  for (; i + 1 < n; i += 2, w += 2 * wstep, k += 4, d += 2) {
    const p = src[w]!, q = src[w + wstep]!;
    out[k] = Math.imul(p & 0xff0000, 0x101) | 0xffff;
    out[k + 1] = (p & 0xff00) | ((p >>> 8) & 0xff) | Math.imul(p & 0xff, 0x01010000);
    out[k + 2] = Math.imul(q & 0xff0000, 0x101) | 0xffff;
    out[k + 3] = (q & 0xff00) | ((q >>> 8) & 0xff) | Math.imul(q & 0xff, 0x01010000);
    wb[d] = p | 0xff000000;
    wb[d + 1] = q | 0xff000000;
  }
  if (i < n) {
    const p = src[w]!;
    out[k] = Math.imul(p & 0xff0000, 0x101) | 0xffff;
    out[k + 1] = (p & 0xff00) | ((p >>> 8) & 0xff) | Math.imul(p & 0xff, 0x01010000);
    wb[d] = p | 0xff000000;
  }
}

function wordsOpaqueWb(src: Int32Array, w0: number, wstep: number, n: number, rs: number, gs: number, bs: number,
  out: Int32Array, k: number, wb: Int32Array, d0: number): void {
  for (let i = 0, w = w0, d = d0; i < n; i++, w += wstep, k += 2, d++) {
    const p = src[w]!;
    const R = (p >>> rs) & 0xff, G = (p >>> gs) & 0xff, B = (p >>> bs) & 0xff;
    out[k] = Math.imul(R, 0x01010000) | 0xffff;
    out[k + 1] = (G * 257) | Math.imul(B, 0x01010000);
    wb[d] = (R << 16) | (G << 8) | B | 0xff000000;
  }
}

const rd = (d: Uint8Array, i: number): number => (i >= 0 && i < d.length ? d[i]! : 0);
const rd16 = (d: Uint8Array, i: number): number => rd(d, i) | (rd(d, i + 1) << 8);

/** Packed 1x1-block formats, byte by byte with bounds checks. */
function readPackedChecked(s: ReadSource, a0: number, step: number, n: number, o: Uint16Array, outPx: number): void {
  const fmt = s.fmt, d = s.d0;
  for (let i = 0, a = a0, k = outPx * 4; i < n; i++, a += step, k += 4) {
    let A = 0xffff, R = 0, G = 0, B = 0;
    switch (fmt.kind) {
      case K_U8X4:
      case K_U8X3:
        if (fmt.ao >= 0) A = rd(d, a + fmt.ao) * 257;
        R = rd(d, a + fmt.ro) * 257; G = rd(d, a + fmt.go) * 257; B = rd(d, a + fmt.bo) * 257;
        break;
      case K_U16X4:
        if (fmt.ao >= 0) A = rd16(d, a + fmt.ao * 2);
        R = rd16(d, a + fmt.ro * 2); G = rd16(d, a + fmt.go * 2); B = rd16(d, a + fmt.bo * 2);
        break;
      case K_565: {
        const v = rd16(d, a);
        R = RGB565_R5[v >> 11]!; G = RGB565_G6[(v >> 5) & 63]!; B = RGB565_R5[v & 31]!;
        if (fmt.swap) { const t = R; R = B; B = t; }
        break;
      }
      case K_R8:
        R = G = B = rd(d, a) * 257;
        break;
      case K_1010102: {
        const v = (rd16(d, a) | (rd16(d, a + 2) << 16)) >>> 0;
        if (fmt.ao >= 0) A = ((v >>> fmt.ao) & 3) * 0x5555;
        R = TEN_TO_16[(v >>> fmt.ro) & 1023]!; G = TEN_TO_16[(v >>> fmt.go) & 1023]!; B = TEN_TO_16[(v >>> fmt.bo) & 1023]!;
        break;
      }
      case K_F16:
        if (fmt.ao >= 0) A = HALF_TO_16[rd16(d, a + fmt.ao * 2)]!;
        R = HALF_TO_16[rd16(d, a + fmt.ro * 2)]!; G = HALF_TO_16[rd16(d, a + fmt.go * 2)]!; B = HALF_TO_16[rd16(d, a + fmt.bo * 2)]!;
        break;
    }
    o[k] = A; o[k + 1] = R; o[k + 2] = G; o[k + 3] = B;
  }
}

/** Rx_read_line: R1/R2/R4, leftmost pixel in the most significant bits, value × (0xffff / mask). */
function readRx(s: ReadSource, xs: number, ys: number, dir: number, i0: number, n: number,
  o: Uint16Array, outPx: number, forceChecked: boolean): void {
  const bpp = s.fmt.bpp;
  const ppb = 8 / bpp;
  const mask = (1 << bpp) - 1;
  const lum = Math.floor(0xffff / mask);
  const d = s.d0;
  const row = s.o0 + ys * s.p0;
  if (dir === DIR_L2R || dir === DIR_R2L) {
    const dx = dir === DIR_L2R ? 1 : -1;
    const xFirst = xs + dx * i0;
    const xLast = xFirst + dx * (n - 1);
    const lo = row + Math.floor(Math.min(xFirst, xLast) / ppb);
    const hi = row + Math.floor(Math.max(xFirst, xLast) / ppb);
    const safe = !forceChecked && lo >= 0 && hi < d.length && Math.min(xFirst, xLast) >= 0;
    for (let i = 0, x = xFirst, k = outPx * 4; i < n; i++, x += dx, k += 4) {
      const byte = safe ? d[row + ((x / ppb) | 0)]! : rd(d, row + Math.floor(x / ppb));
      const v = ((byte >> ((8 - bpp) - (x - Math.floor(x / ppb) * ppb) * bpp)) & mask) * lum;
      o[k] = 0xffff; o[k + 1] = v; o[k + 2] = v; o[k + 3] = v;
    }
  } else {
    // Vertical: fixed bit position, each step pitch × block width bytes (VKMS's step).
    const step = stepBytes(s, 0, dir);
    const a0 = row + Math.floor(xs / ppb) + i0 * step;
    const shift = (8 - bpp) - (xs % ppb) * bpp;
    const safe = !forceChecked && inRange(d, a0, step, n, 1);
    for (let i = 0, a = a0, k = outPx * 4; i < n; i++, a += step, k += 4) {
      const v = (((safe ? d[a]! : rd(d, a)) >> shift) & mask) * lum;
      o[k] = 0xffff; o[k + 1] = v; o[k + 2] = v; o[k + 3] = v;
    }
  }
}

/** The semi-planar and planar YUV readers (READ_LINE_YUV_SEMIPLANAR, planar_yuv_read_line). */
function readYuv(s: ReadSource, xs: number, ys: number, dir: number, i0: number, n: number,
  o: Uint16Array, outPx: number, forceChecked: boolean): void {
  const fmt = s.fmt;
  const info = fmt.info;
  const cv = s.yuv ?? yuvConversion(0, 1, fmt.swap);
  const horizontal = dir === DIR_L2R || dir === DIR_R2L;
  const sub = horizontal ? info.hsub : info.vsub;
  const off = subOffset(dir, xs, ys);
  const adv0 = chromaAdvances(dir, xs, ys, sub, i0);
  const advN = chromaAdvances(dir, xs, ys, sub, i0 + n - 1) - adv0;
  const cx = Math.floor(xs / info.hsub);
  const cy = Math.floor(ys / info.vsub);
  const cpp0 = info.charPerBlock[0]!;
  const cpp1 = info.charPerBlock[1]!;
  const stepY = stepBytes(s, 0, dir);
  const step1 = stepBytes(s, 1, dir);
  const aY = s.o0 + ys * s.p0 + xs * cpp0 + i0 * stepY;
  const a1 = s.o1 + cy * s.p1 + cx * cpp1 + adv0 * step1;
  const dY = s.d0, d1 = s.d1;
  const kind = fmt.kind;
  if (kind === K_YUV8_PLANAR) {
    const step2 = stepBytes(s, 2, dir);
    const a2 = s.o2 + cy * s.p2 + cx * info.charPerBlock[2]! + adv0 * step2;
    const d2 = s.d2;
    const safe = !forceChecked && inRange(dY, aY, stepY, n, 1) && inRange(d1, a1, step1, advN + 1, 1) &&
      inRange(d2, a2, step2, advN + 1, 1);
    const t = cv.term8;
    for (let i = i0, y = aY, c1 = a1, c2 = a2, k = outPx * 4; i < i0 + n; i++, y += stepY, k += 4) {
      const Y = safe ? dY[y]! : rd(dY, y);
      const U = safe ? d1[c1]! : rd(d1, c1);
      const V = safe ? d2[c2]! : rd(d2, c2);
      o[k] = 0xffff;
      o[k + 1] = clamp16(Math.floor((t[Y]! + t[256 + U]! + t[512 + V]! + 2147483648) / 4294967296));
      o[k + 2] = clamp16(Math.floor((t[768 + Y]! + t[1024 + U]! + t[1280 + V]! + 2147483648) / 4294967296));
      o[k + 3] = clamp16(Math.floor((t[1536 + Y]! + t[1792 + U]! + t[2048 + V]! + 2147483648) / 4294967296));
      if ((i + off + 1) % sub === 0) { c1 += step1; c2 += step2; }
    }
    return;
  }
  if (kind === K_YUV8_SEMI) {
    const safe = !forceChecked && inRange(dY, aY, stepY, n, 1) && inRange(d1, a1, step1, advN + 1, 2);
    const t = cv.term8;
    for (let i = i0, y = aY, c = a1, k = outPx * 4; i < i0 + n; i++, y += stepY, k += 4) {
      const Y = safe ? dY[y]! : rd(dY, y);
      const U = safe ? d1[c]! : rd(d1, c);
      const V = safe ? d1[c + 1]! : rd(d1, c + 1);
      o[k] = 0xffff;
      o[k + 1] = clamp16(Math.floor((t[Y]! + t[256 + U]! + t[512 + V]! + 2147483648) / 4294967296));
      o[k + 2] = clamp16(Math.floor((t[768 + Y]! + t[1024 + U]! + t[1280 + V]! + 2147483648) / 4294967296));
      o[k + 3] = clamp16(Math.floor((t[1536 + Y]! + t[1792 + U]! + t[2048 + V]! + 2147483648) / 4294967296));
      if ((i + off + 1) % sub === 0) c += step1;
    }
    return;
  }
  // P010 / P012 / P016: u16 samples used as they are.
  const safe = !forceChecked && inRange(dY, aY, stepY, n, 2) && inRange(d1, a1, step1, advN + 1, 4);
  for (let i = i0, y = aY, c = a1, k = outPx * 4; i < i0 + n; i++, y += stepY, k += 4) {
    const Y = safe ? dY[y]! | (dY[y + 1]! << 8) : rd16(dY, y);
    const U = safe ? d1[c]! | (d1[c + 1]! << 8) : rd16(d1, c);
    const V = safe ? d1[c + 2]! | (d1[c + 3]! << 8) : rd16(d1, c + 2);
    yuv16ToArgb(cv, Y, U, V, o, k);
    if ((i + off + 1) % sub === 0) c += step1;
  }
}
