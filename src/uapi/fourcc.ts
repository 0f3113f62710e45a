/**
 * DRM fourcc codes and the core format table (≈ include/uapi/drm/drm_fourcc.h and
 * drivers/gpu/drm/drm_fourcc.c). The table carries what the core needs for framebuffer checks
 * (uapi 5.4–5.8): depth, planes, bytes per block, block size, chroma subsampling, alpha, YUV.
 */

/** fourcc_code('A','R','2','4') — little-endian packing of four ASCII characters. */
export function fourccCode(s: string): number {
  if (s.length !== 4) throw new RangeError(`fourcc must have 4 characters: ${JSON.stringify(s)}`);
  return (s.charCodeAt(0) | (s.charCodeAt(1) << 8) | (s.charCodeAt(2) << 16) | (s.charCodeAt(3) << 24)) >>> 0;
}

/** The 4 characters of a fourcc code (drm_get_format_info's %p4cc without the endianness suffix). */
export function fourccString(code: number): string {
  return String.fromCharCode(code & 0xff, (code >>> 8) & 0xff, (code >>> 16) & 0xff, (code >>> 24) & 0xff);
}

export const DRM_FORMAT_BIG_ENDIAN = 0x80000000;
export const DRM_FORMAT_INVALID = 0;

/** Every DRM_FORMAT_* this project knows, by its kernel name (without the DRM_FORMAT_ prefix). */
export const Fourcc = {
  C1: fourccCode('C1  '), C2: fourccCode('C2  '), C4: fourccCode('C4  '), C8: fourccCode('C8  '),
  D1: fourccCode('D1  '), D2: fourccCode('D2  '), D4: fourccCode('D4  '), D8: fourccCode('D8  '),
  R1: fourccCode('R1  '), R2: fourccCode('R2  '), R4: fourccCode('R4  '), R8: fourccCode('R8  '),
  R10: fourccCode('R10 '), R12: fourccCode('R12 '), R16: fourccCode('R16 '),
  RG88: fourccCode('RG88'), GR88: fourccCode('GR88'), RG1616: fourccCode('RG32'), GR1616: fourccCode('GR32'),
  RGB332: fourccCode('RGB8'), BGR233: fourccCode('BGR8'),
  XRGB4444: fourccCode('XR12'), XBGR4444: fourccCode('XB12'), RGBX4444: fourccCode('RX12'), BGRX4444: fourccCode('BX12'),
  ARGB4444: fourccCode('AR12'), ABGR4444: fourccCode('AB12'), RGBA4444: fourccCode('RA12'), BGRA4444: fourccCode('BA12'),
  XRGB1555: fourccCode('XR15'), XBGR1555: fourccCode('XB15'), RGBX5551: fourccCode('RX15'), BGRX5551: fourccCode('BX15'),
  ARGB1555: fourccCode('AR15'), ABGR1555: fourccCode('AB15'), RGBA5551: fourccCode('RA15'), BGRA5551: fourccCode('BA15'),
  RGB565: fourccCode('RG16'), BGR565: fourccCode('BG16'),
  RGB888: fourccCode('RG24'), BGR888: fourccCode('BG24'),
  XRGB8888: fourccCode('XR24'), XBGR8888: fourccCode('XB24'), RGBX8888: fourccCode('RX24'), BGRX8888: fourccCode('BX24'),
  ARGB8888: fourccCode('AR24'), ABGR8888: fourccCode('AB24'), RGBA8888: fourccCode('RA24'), BGRA8888: fourccCode('BA24'),
  XRGB2101010: fourccCode('XR30'), XBGR2101010: fourccCode('XB30'), RGBX1010102: fourccCode('RX30'), BGRX1010102: fourccCode('BX30'),
  ARGB2101010: fourccCode('AR30'), ABGR2101010: fourccCode('AB30'), RGBA1010102: fourccCode('RA30'), BGRA1010102: fourccCode('BA30'),
  XRGB16161616: fourccCode('XR48'), XBGR16161616: fourccCode('XB48'), ARGB16161616: fourccCode('AR48'), ABGR16161616: fourccCode('AB48'),
  XRGB16161616F: fourccCode('XR4H'), XBGR16161616F: fourccCode('XB4H'), ARGB16161616F: fourccCode('AR4H'), ABGR16161616F: fourccCode('AB4H'),
  YUYV: fourccCode('YUYV'), YVYU: fourccCode('YVYU'), UYVY: fourccCode('UYVY'), VYUY: fourccCode('VYUY'),
  AYUV: fourccCode('AYUV'), XYUV8888: fourccCode('XYUV'), VUY888: fourccCode('VU24'),
  Y210: fourccCode('Y210'), Y212: fourccCode('Y212'), Y216: fourccCode('Y216'),
  Y410: fourccCode('Y410'), Y412: fourccCode('Y412'), Y416: fourccCode('Y416'),
  XVYU2101010: fourccCode('XV30'), XVYU12_16161616: fourccCode('XV36'), XVYU16161616: fourccCode('XV48'),
  NV12: fourccCode('NV12'), NV21: fourccCode('NV21'), NV16: fourccCode('NV16'), NV61: fourccCode('NV61'),
  NV24: fourccCode('NV24'), NV42: fourccCode('NV42'),
  P010: fourccCode('P010'), P012: fourccCode('P012'), P016: fourccCode('P016'), P210: fourccCode('P210'),
  YUV410: fourccCode('YUV9'), YVU410: fourccCode('YVU9'), YUV411: fourccCode('YU11'), YVU411: fourccCode('YV11'),
  YUV420: fourccCode('YU12'), YVU420: fourccCode('YV12'), YUV422: fourccCode('YU16'), YVU422: fourccCode('YV16'),
  YUV444: fourccCode('YU24'), YVU444: fourccCode('YV24'),
} as const;
export type FourccName = keyof typeof Fourcc;

/** Modifiers (fourcc_mod_code): only what a software device meets. */
export const DRM_FORMAT_MOD_LINEAR = 0n;
export const DRM_FORMAT_MOD_INVALID = 0x00ffffffffffffffn;

/** One entry of the core format table (struct drm_format_info). */
export interface FormatInfo {
  readonly format: number;
  readonly name: FourccName;
  /** Legacy depth (0 where the kernel has none). */
  readonly depth: number;
  readonly numPlanes: number;
  /** Bytes per block, per plane (cpp when the block is 1x1). */
  readonly charPerBlock: readonly [number, number, number];
  readonly blockW: readonly [number, number, number];
  readonly blockH: readonly [number, number, number];
  readonly hsub: number;
  readonly vsub: number;
  readonly hasAlpha: boolean;
  readonly isYuv: boolean;
  readonly isColorIndexed: boolean;
}

type Spec = {
  depth?: number; planes?: number; cpp: number[]; bw?: number[]; bh?: number[];
  hsub?: number; vsub?: number; alpha?: boolean; yuv?: boolean; indexed?: boolean;
};

function entry(name: FourccName, s: Spec): FormatInfo {
  const planes = s.planes ?? s.cpp.length;
  const pad = (a: number[] | undefined, d: number): [number, number, number] => {
    const r: [number, number, number] = [0, 0, 0];
    for (let i = 0; i < planes; i++) r[i] = a?.[i] ?? d;
    return r;
  };
  return Object.freeze({
    format: Fourcc[name], name, depth: s.depth ?? 0, numPlanes: planes,
    charPerBlock: pad(s.cpp, 0), blockW: pad(s.bw, 1), blockH: pad(s.bh, 1),
    hsub: s.hsub ?? 1, vsub: s.vsub ?? 1,
    hasAlpha: s.alpha ?? false, isYuv: s.yuv ?? false, isColorIndexed: s.indexed ?? false,
  });
}

/** The core table, in drm_fourcc.c's order of kinds (indexed, red-only, RGB, YUV). */
export const FORMAT_TABLE: readonly FormatInfo[] = [
  entry('C1', { depth: 1, cpp: [1], bw: [8], indexed: true }),
  entry('C2', { depth: 2, cpp: [1], bw: [4], indexed: true }),
  entry('C4', { depth: 4, cpp: [1], bw: [2], indexed: true }),
  entry('C8', { depth: 8, cpp: [1], indexed: true }),
  entry('D1', { depth: 1, cpp: [1], bw: [8] }),
  entry('D2', { depth: 2, cpp: [1], bw: [4] }),
  entry('D4', { depth: 4, cpp: [1], bw: [2] }),
  entry('D8', { depth: 8, cpp: [1] }),
  entry('R1', { depth: 1, cpp: [1], bw: [8] }),
  entry('R2', { depth: 2, cpp: [1], bw: [4] }),
  entry('R4', { depth: 4, cpp: [1], bw: [2] }),
  entry('R8', { depth: 8, cpp: [1] }),
  entry('R10', { depth: 10, cpp: [2] }),
  entry('R12', { depth: 12, cpp: [2] }),
  entry('R16', { depth: 16, cpp: [2] }),
  entry('RG88', { depth: 16, cpp: [2] }),
  entry('GR88', { depth: 16, cpp: [2] }),
  entry('RG1616', { depth: 32, cpp: [4] }),
  entry('GR1616', { depth: 32, cpp: [4] }),
  entry('RGB332', { depth: 8, cpp: [1] }),
  entry('BGR233', { depth: 8, cpp: [1] }),
  entry('XRGB4444', { cpp: [2] }),
  entry('XBGR4444', { cpp: [2] }),
  entry('RGBX4444', { cpp: [2] }),
  entry('BGRX4444', { cpp: [2] }),
  entry('ARGB4444', { cpp: [2], alpha: true }),
  entry('ABGR4444', { cpp: [2], alpha: true }),
  entry('RGBA4444', { cpp: [2], alpha: true }),
  entry('BGRA4444', { cpp: [2], alpha: true }),
  entry('XRGB1555', { depth: 15, cpp: [2] }),
  entry('XBGR1555', { depth: 15, cpp: [2] }),
  entry('RGBX5551', { depth: 15, cpp: [2] }),
  entry('BGRX5551', { depth: 15, cpp: [2] }),
  entry('ARGB1555', { depth: 15, cpp: [2], alpha: true }),
  entry('ABGR1555', { depth: 15, cpp: [2], alpha: true }),
  entry('RGBA5551', { depth: 15, cpp: [2], alpha: true }),
  entry('BGRA5551', { depth: 15, cpp: [2], alpha: true }),
  entry('RGB565', { depth: 16, cpp: [2] }),
  entry('BGR565', { depth: 16, cpp: [2] }),
  entry('RGB888', { depth: 24, cpp: [3] }),
  entry('BGR888', { depth: 24, cpp: [3] }),
  entry('XRGB8888', { depth: 24, cpp: [4] }),
  entry('XBGR8888', { depth: 24, cpp: [4] }),
  entry('RGBX8888', { depth: 24, cpp: [4] }),
  entry('BGRX8888', { depth: 24, cpp: [4] }),
  entry('ARGB8888', { depth: 32, cpp: [4], alpha: true }),
  entry('ABGR8888', { depth: 32, cpp: [4], alpha: true }),
  entry('RGBA8888', { depth: 32, cpp: [4], alpha: true }),
  entry('BGRA8888', { depth: 32, cpp: [4], alpha: true }),
  entry('XRGB2101010', { depth: 30, cpp: [4] }),
  entry('XBGR2101010', { depth: 30, cpp: [4] }),
  entry('RGBX1010102', { depth: 30, cpp: [4] }),
  entry('BGRX1010102', { depth: 30, cpp: [4] }),
  entry('ARGB2101010', { depth: 30, cpp: [4], alpha: true }),
  entry('ABGR2101010', { depth: 30, cpp: [4], alpha: true }),
  entry('RGBA1010102', { depth: 30, cpp: [4], alpha: true }),
  entry('BGRA1010102', { depth: 30, cpp: [4], alpha: true }),
  entry('XRGB16161616', { cpp: [8] }),
  entry('XBGR16161616', { cpp: [8] }),
  entry('ARGB16161616', { cpp: [8], alpha: true }),
  entry('ABGR16161616', { cpp: [8], alpha: true }),
  entry('XRGB16161616F', { cpp: [8] }),
  entry('XBGR16161616F', { cpp: [8] }),
  entry('ARGB16161616F', { cpp: [8], alpha: true }),
  entry('ABGR16161616F', { cpp: [8], alpha: true }),
  entry('YUYV', { cpp: [2], hsub: 2, yuv: true }),
  entry('YVYU', { cpp: [2], hsub: 2, yuv: true }),
  entry('UYVY', { cpp: [2], hsub: 2, yuv: true }),
  entry('VYUY', { cpp: [2], hsub: 2, yuv: true }),
  entry('XYUV8888', { cpp: [4], yuv: true }),
  entry('VUY888', { cpp: [3], yuv: true }),
  entry('AYUV', { cpp: [4], alpha: true, yuv: true }),
  entry('Y210', { cpp: [4], hsub: 2, yuv: true }),
  entry('Y212', { cpp: [4], hsub: 2, yuv: true }),
  entry('Y216', { cpp: [4], hsub: 2, yuv: true }),
  entry('Y410', { cpp: [4], alpha: true, yuv: true }),
  entry('Y412', { cpp: [8], alpha: true, yuv: true }),
  entry('Y416', { cpp: [8], alpha: true, yuv: true }),
  entry('XVYU2101010', { cpp: [4], yuv: true }),
  entry('XVYU12_16161616', { cpp: [8], yuv: true }),
  entry('XVYU16161616', { cpp: [8], yuv: true }),
  entry('NV12', { cpp: [1, 2], hsub: 2, vsub: 2, yuv: true }),
  entry('NV21', { cpp: [1, 2], hsub: 2, vsub: 2, yuv: true }),
  entry('NV16', { cpp: [1, 2], hsub: 2, vsub: 1, yuv: true }),
  entry('NV61', { cpp: [1, 2], hsub: 2, vsub: 1, yuv: true }),
  entry('NV24', { cpp: [1, 2], yuv: true }),
  entry('NV42', { cpp: [1, 2], yuv: true }),
  entry('P010', { cpp: [2, 4], hsub: 2, vsub: 2, yuv: true }),
  entry('P012', { cpp: [2, 4], hsub: 2, vsub: 2, yuv: true }),
  entry('P016', { cpp: [2, 4], hsub: 2, vsub: 2, yuv: true }),
  entry('P210', { cpp: [2, 4], hsub: 2, vsub: 1, yuv: true }),
  entry('YUV410', { cpp: [1, 1, 1], hsub: 4, vsub: 4, yuv: true }),
  entry('YVU410', { cpp: [1, 1, 1], hsub: 4, vsub: 4, yuv: true }),
  entry('YUV411', { cpp: [1, 1, 1], hsub: 4, vsub: 1, yuv: true }),
  entry('YVU411', { cpp: [1, 1, 1], hsub: 4, vsub: 1, yuv: true }),
  entry('YUV420', { cpp: [1, 1, 1], hsub: 2, vsub: 2, yuv: true }),
  entry('YVU420', { cpp: [1, 1, 1], hsub: 2, vsub: 2, yuv: true }),
  entry('YUV422', { cpp: [1, 1, 1], hsub: 2, vsub: 1, yuv: true }),
  entry('YVU422', { cpp: [1, 1, 1], hsub: 2, vsub: 1, yuv: true }),
  entry('YUV444', { cpp: [1, 1, 1], yuv: true }),
  entry('YVU444', { cpp: [1, 1, 1], yuv: true }),
];

const byCode = new Map<number, FormatInfo>(FORMAT_TABLE.map((f) => [f.format, f]));

/** drm_format_info(): the table entry, or undefined for a code the core does not know (uapi 5.4). */
export function formatInfo(format: number): FormatInfo | undefined {
  return byCode.get(format >>> 0);
}

/** Width of plane `plane` of a buffer `width` pixels wide (drm_format_info_plane_width). */
export function planeWidth(info: FormatInfo, width: number, plane: number): number {
  if (plane >= info.numPlanes) return 0;
  return plane === 0 ? width : Math.ceil(width / info.hsub);
}

/** Height of plane `plane` (drm_format_info_plane_height). */
export function planeHeight(info: FormatInfo, height: number, plane: number): number {
  if (plane >= info.numPlanes) return 0;
  return plane === 0 ? height : Math.ceil(height / info.vsub);
}

/** drm_format_info_min_pitch: bytes a line of `width` pixels of plane `plane` needs (uapi 5.5). */
export function minPitch(info: FormatInfo, plane: number, width: number): number {
  if (plane >= info.numPlanes) return 0;
  const per = info.blockW[plane] * info.blockH[plane];
  return Math.ceil((width * info.charPerBlock[plane]) / per);
}

/** drm_format_info_bpp: bits per pixel of plane `plane`. */
export function bitsPerPixel(info: FormatInfo, plane: number): number {
  if (plane >= info.numPlanes) return 0;
  return (info.charPerBlock[plane] * 8) / (info.blockW[plane] * info.blockH[plane]);
}

/** drm_mode_legacy_fb_format: (bpp, depth) of legacy ADDFB → fourcc, or INVALID (uapi 5.10). */
export function legacyFbFormat(bpp: number, depth: number): number {
  switch (bpp) {
    case 1: return depth === 1 ? Fourcc.C1 : DRM_FORMAT_INVALID;
    case 2: return depth === 2 ? Fourcc.C2 : DRM_FORMAT_INVALID;
    case 4: return depth === 4 ? Fourcc.C4 : DRM_FORMAT_INVALID;
    case 8: return depth === 8 ? Fourcc.C8 : DRM_FORMAT_INVALID;
    case 16:
      if (depth === 15) return Fourcc.XRGB1555;
      if (depth === 16) return Fourcc.RGB565;
      return DRM_FORMAT_INVALID;
    case 24: return depth === 24 ? Fourcc.RGB888 : DRM_FORMAT_INVALID;
    case 32:
      if (depth === 24) return Fourcc.XRGB8888;
      if (depth === 30) return Fourcc.XRGB2101010;
      if (depth === 32) return Fourcc.ARGB8888;
      return DRM_FORMAT_INVALID;
    default: return DRM_FORMAT_INVALID;
  }
}

/** The 33 plane formats of mainline VKMS, in vkms_formats[] order (= IN_FORMATS order). */
export const VKMS_PLANE_FORMATS: readonly number[] = [
  Fourcc.ARGB8888, Fourcc.ABGR8888, Fourcc.BGRA8888, Fourcc.RGBA8888, Fourcc.XRGB8888, Fourcc.XBGR8888,
  Fourcc.RGB888, Fourcc.BGR888, Fourcc.XRGB16161616, Fourcc.XBGR16161616, Fourcc.ARGB16161616,
  Fourcc.ABGR16161616, Fourcc.RGB565, Fourcc.BGR565, Fourcc.NV12, Fourcc.NV16, Fourcc.NV24, Fourcc.NV21,
  Fourcc.NV61, Fourcc.NV42, Fourcc.YUV420, Fourcc.YUV422, Fourcc.YUV444, Fourcc.YVU420, Fourcc.YVU422,
  Fourcc.YVU444, Fourcc.P010, Fourcc.P012, Fourcc.P016, Fourcc.R1, Fourcc.R2, Fourcc.R4, Fourcc.R8,
];
