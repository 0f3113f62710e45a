/**
 * Pixel formats the composer reads and writes: one descriptor per fourcc, derived from the core
 * table in ../uapi/fourcc.ts plus what the readers need (channel positions, kind of conversion).
 */
import { Fourcc, VKMS_PLANE_FORMATS, formatInfo, type FormatInfo } from '../uapi/fourcc.js';

if (new Uint8Array(new Uint16Array([1]).buffer)[0] !== 1) {
  throw new Error('compose: the line buffers assume a little-endian host (pixel_argb_u16 layout)');
}

/** How a format is converted to ARGB16161616 (one reader per kind). */
export const K_U8X4 = 0; // 4 bytes per pixel, one byte per channel
export const K_U8X3 = 1; // 3 bytes per pixel
export const K_U16X4 = 2; // 4 little-endian u16 per pixel
export const K_565 = 3; // RGB565 / BGR565
export const K_YUV8_SEMI = 4; // NV12 and friends
export const K_YUV16_SEMI = 5; // P010 / P012 / P016
export const K_YUV8_PLANAR = 6; // YUV420 and friends
export const K_RX = 7; // R1 / R2 / R4
export const K_R8 = 8;
export const K_1010102 = 9; // 10-bit packed RGB (beyond VKMS)
export const K_F16 = 10; // half-float ARGB (beyond VKMS)

export interface ReadFormat {
  readonly fourcc: number;
  readonly info: FormatInfo;
  readonly kind: number;
  /** Channel positions: byte index (U8X*), u16 index (U16X4, F16) or bit shift (1010102); -1 = none. */
  readonly ao: number;
  readonly ro: number;
  readonly go: number;
  readonly bo: number;
  /** RGB565 with red and blue swapped (BGR565); YUV with U and V swapped (YVU, NV21/61/42). */
  readonly swap: boolean;
  /** Bits per pixel for R1/R2/R4. */
  readonly bpp: number;
  /** Every pixel reads with alpha 0xffff. */
  readonly opaque: boolean;
  /** Every channel reads as a multiple of 257 (an 8-bit value ×257). */
  readonly clean8: boolean;
  /** One of the 33 formats of mainline VKMS. */
  readonly vkms: boolean;
}

const table = new Map<number, ReadFormat>();

function def(name: keyof typeof Fourcc, kind: number, o: Partial<Omit<ReadFormat, 'fourcc' | 'info' | 'kind'>>): void {
  const fourcc = Fourcc[name];
  const info = formatInfo(fourcc);
  if (info === undefined) throw new Error(`compose: ${name} missing from the core format table`);
  table.set(fourcc, Object.freeze({
    fourcc, info, kind, ao: o.ao ?? -1, ro: o.ro ?? 0, go: o.go ?? 0, bo: o.bo ?? 0, swap: o.swap ?? false,
    bpp: o.bpp ?? 0, opaque: o.opaque ?? !info.hasAlpha, clean8: o.clean8 ?? false,
    vkms: VKMS_PLANE_FORMATS.includes(fourcc),
  }));
}

// Byte positions inside the little-endian pixel (vkms_formats.c READ_LINE_ARGB8888 arguments).
def('ARGB8888', K_U8X4, { ao: 3, ro: 2, go: 1, bo: 0, clean8: true });
def('ABGR8888', K_U8X4, { ao: 3, ro: 0, go: 1, bo: 2, clean8: true });
def('BGRA8888', K_U8X4, { ao: 0, ro: 1, go: 2, bo: 3, clean8: true });
def('RGBA8888', K_U8X4, { ao: 0, ro: 3, go: 2, bo: 1, clean8: true });
def('XRGB8888', K_U8X4, { ro: 2, go: 1, bo: 0, clean8: true });
def('XBGR8888', K_U8X4, { ro: 0, go: 1, bo: 2, clean8: true });
def('RGB888', K_U8X3, { ro: 2, go: 1, bo: 0, clean8: true });
def('BGR888', K_U8X3, { ro: 0, go: 1, bo: 2, clean8: true });
def('XRGB16161616', K_U16X4, { ro: 2, go: 1, bo: 0 });
def('XBGR16161616', K_U16X4, { ro: 0, go: 1, bo: 2 });
def('ARGB16161616', K_U16X4, { ao: 3, ro: 2, go: 1, bo: 0 });
def('ABGR16161616', K_U16X4, { ao: 3, ro: 0, go: 1, bo: 2 });
def('RGB565', K_565, {});
def('BGR565', K_565, { swap: true });
def('NV12', K_YUV8_SEMI, {});
def('NV16', K_YUV8_SEMI, {});
def('NV24', K_YUV8_SEMI, {});
def('NV21', K_YUV8_SEMI, { swap: true });
def('NV61', K_YUV8_SEMI, { swap: true });
def('NV42', K_YUV8_SEMI, { swap: true });
def('YUV420', K_YUV8_PLANAR, {});
def('YUV422', K_YUV8_PLANAR, {});
def('YUV444', K_YUV8_PLANAR, {});
def('YVU420', K_YUV8_PLANAR, { swap: true });
def('YVU422', K_YUV8_PLANAR, { swap: true });
def('YVU444', K_YUV8_PLANAR, { swap: true });
def('P010', K_YUV16_SEMI, {});
def('P012', K_YUV16_SEMI, {});
def('P016', K_YUV16_SEMI, {});
def('R1', K_RX, { bpp: 1, clean8: true });
def('R2', K_RX, { bpp: 2, clean8: true });
def('R4', K_RX, { bpp: 4, clean8: true });
def('R8', K_R8, { clean8: true });
// Beyond VKMS. 2101010: bit shifts of each field in the little-endian u32.
def('XRGB2101010', K_1010102, { ro: 20, go: 10, bo: 0 });
def('XBGR2101010', K_1010102, { ro: 0, go: 10, bo: 20 });
def('RGBX1010102', K_1010102, { ro: 22, go: 12, bo: 2 });
def('BGRX1010102', K_1010102, { ro: 2, go: 12, bo: 22 });
def('ARGB2101010', K_1010102, { ao: 30, ro: 20, go: 10, bo: 0 });
def('ABGR2101010', K_1010102, { ao: 30, ro: 0, go: 10, bo: 20 });
def('RGBA1010102', K_1010102, { ao: 0, ro: 22, go: 12, bo: 2 });
def('BGRA1010102', K_1010102, { ao: 0, ro: 2, go: 12, bo: 22 });
def('XRGB16161616F', K_F16, { ro: 2, go: 1, bo: 0 });
def('XBGR16161616F', K_F16, { ro: 0, go: 1, bo: 2 });
def('ARGB16161616F', K_F16, { ao: 3, ro: 2, go: 1, bo: 0 });
def('ABGR16161616F', K_F16, { ao: 3, ro: 0, go: 1, bo: 2 });

/** The reader descriptor of a plane format, or undefined when the composer cannot read it. */
export function readFormat(fourcc: number): ReadFormat | undefined {
  return table.get(fourcc >>> 0);
}

/** True for the 33 formats VKMS accepts on its planes (VKMS_PLANE_FORMATS). */
export function isSupportedPlaneFormat(fourcc: number): boolean {
  return VKMS_PLANE_FORMATS.includes(fourcc >>> 0);
}

/** True for every format the composer can read: VKMS's 33 plus the 2101010 and FP16 families. */
export function isReadableFormat(fourcc: number): boolean {
  return table.has(fourcc >>> 0);
}

/** Every format the composer can read, VKMS's first (in IN_FORMATS order). */
export const READABLE_FORMATS: readonly number[] = Object.freeze([
  ...VKMS_PLANE_FORMATS,
  ...[...table.keys()].filter((f) => !VKMS_PLANE_FORMATS.includes(f)),
]);

/** The 6 writeback formats of VKMS (vkms_wb_formats in vkms_writeback.c), in its order. */
export const WRITEBACK_FORMATS: readonly number[] = Object.freeze([
  Fourcc.ARGB8888, Fourcc.XRGB8888, Fourcc.ABGR8888, Fourcc.XRGB16161616, Fourcc.ARGB16161616, Fourcc.RGB565,
]);

export function isWritebackFormat(fourcc: number): boolean {
  return WRITEBACK_FORMATS.includes(fourcc >>> 0);
}
