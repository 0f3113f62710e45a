/**
 * The pixel layouts modetest's pattern code works from (facts of libdrm tests/util/format.c:
 * per RGB format the (length, offset) of each component inside the little-endian pixel word;
 * per YUV format the component order, subsampling and chroma stride).
 *
 * Extension, not in modetest: the UNORM 16-bit-per-channel formats (XRGB16161616 & co.), which
 * VKMS supports. They get the same treatment as every other RGB format (the 8-bit colour is
 * widened by bit replication, i.e. ×0x101), as modetest would do were they in its table.
 */
import { Fourcc } from '../uapi/fourcc.js';

/** (length in bits, offset of the lowest bit) of one component; length 0 = absent. */
export type Component = readonly [length: number, offset: number];

export interface RgbLayout {
  readonly kind: 'rgb';
  /** bytes per pixel: 2, 3, 4 or 8 */
  readonly cpp: 2 | 3 | 4 | 8;
  readonly r: Component;
  readonly g: Component;
  readonly b: Component;
  readonly a: Component;
  /** Components are IEEE half floats (the 16161616F formats). */
  readonly float: boolean;
}

/** modetest's enum util_yuv_order flags. */
export const YUV_YCbCr = 1;
export const YUV_YCrCb = 2;
export const YUV_YC = 4;
export const YUV_CY = 8;

export interface YuvLayout {
  readonly kind: 'yuv';
  /** packed = YUYV family (1 plane), semiplanar = NVxx (2 planes), planar = YUV/YVU (3 planes) */
  readonly layout: 'packed' | 'semiplanar' | 'planar';
  readonly order: number;
  readonly xsub: number;
  readonly ysub: number;
  /** bytes between two chroma samples of one component in its plane */
  readonly chromaStride: number;
}

export type PatternLayout = RgbLayout | YuvLayout;

const rgb = (
  cpp: RgbLayout['cpp'], rl: number, ro: number, gl: number, go: number, bl: number, bo: number,
  al: number, ao: number, float = false,
): RgbLayout => ({ kind: 'rgb', cpp, r: [rl, ro], g: [gl, go], b: [bl, bo], a: [al, ao], float });

const yuv = (layout: YuvLayout['layout'], order: number, xsub: number, ysub: number, cs: number): YuvLayout =>
  ({ kind: 'yuv', layout, order, xsub, ysub, chromaStride: cs });

const table = new Map<number, PatternLayout>([
  // YUV packed
  [Fourcc.UYVY, yuv('packed', YUV_YCbCr | YUV_CY, 2, 2, 2)],
  [Fourcc.VYUY, yuv('packed', YUV_YCrCb | YUV_CY, 2, 2, 2)],
  [Fourcc.YUYV, yuv('packed', YUV_YCbCr | YUV_YC, 2, 2, 2)],
  [Fourcc.YVYU, yuv('packed', YUV_YCrCb | YUV_YC, 2, 2, 2)],
  // YUV semi-planar
  [Fourcc.NV12, yuv('semiplanar', YUV_YCbCr, 2, 2, 2)],
  [Fourcc.NV21, yuv('semiplanar', YUV_YCrCb, 2, 2, 2)],
  [Fourcc.NV16, yuv('semiplanar', YUV_YCbCr, 2, 1, 2)],
  [Fourcc.NV61, yuv('semiplanar', YUV_YCrCb, 2, 1, 2)],
  [Fourcc.NV24, yuv('semiplanar', YUV_YCbCr, 1, 1, 2)],
  [Fourcc.NV42, yuv('semiplanar', YUV_YCrCb, 1, 1, 2)],
  // YUV planar
  [Fourcc.YUV420, yuv('planar', YUV_YCbCr, 2, 2, 1)],
  [Fourcc.YVU420, yuv('planar', YUV_YCrCb, 2, 2, 1)],
  [Fourcc.YUV422, yuv('planar', YUV_YCbCr, 2, 1, 1)],
  [Fourcc.YVU422, yuv('planar', YUV_YCrCb, 2, 1, 1)],
  [Fourcc.YUV444, yuv('planar', YUV_YCbCr, 1, 1, 1)],
  [Fourcc.YVU444, yuv('planar', YUV_YCrCb, 1, 1, 1)],
  // RGB16
  [Fourcc.ARGB4444, rgb(2, 4, 8, 4, 4, 4, 0, 4, 12)],
  [Fourcc.XRGB4444, rgb(2, 4, 8, 4, 4, 4, 0, 0, 0)],
  [Fourcc.ABGR4444, rgb(2, 4, 0, 4, 4, 4, 8, 4, 12)],
  [Fourcc.XBGR4444, rgb(2, 4, 0, 4, 4, 4, 8, 0, 0)],
  [Fourcc.RGBA4444, rgb(2, 4, 12, 4, 8, 4, 4, 4, 0)],
  [Fourcc.RGBX4444, rgb(2, 4, 12, 4, 8, 4, 4, 0, 0)],
  [Fourcc.BGRA4444, rgb(2, 4, 4, 4, 8, 4, 12, 4, 0)],
  [Fourcc.BGRX4444, rgb(2, 4, 4, 4, 8, 4, 12, 0, 0)],
  [Fourcc.ARGB1555, rgb(2, 5, 10, 5, 5, 5, 0, 1, 15)],
  [Fourcc.XRGB1555, rgb(2, 5, 10, 5, 5, 5, 0, 0, 0)],
  [Fourcc.ABGR1555, rgb(2, 5, 0, 5, 5, 5, 10, 1, 15)],
  [Fourcc.XBGR1555, rgb(2, 5, 0, 5, 5, 5, 10, 0, 0)],
  [Fourcc.RGBA5551, rgb(2, 5, 11, 5, 6, 5, 1, 1, 0)],
  [Fourcc.RGBX5551, rgb(2, 5, 11, 5, 6, 5, 1, 0, 0)],
  [Fourcc.BGRA5551, rgb(2, 5, 1, 5, 6, 5, 11, 1, 0)],
  [Fourcc.BGRX5551, rgb(2, 5, 1, 5, 6, 5, 11, 0, 0)],
  [Fourcc.RGB565, rgb(2, 5, 11, 6, 5, 5, 0, 0, 0)],
  [Fourcc.BGR565, rgb(2, 5, 0, 6, 5, 5, 11, 0, 0)],
  // RGB24
  [Fourcc.BGR888, rgb(3, 8, 0, 8, 8, 8, 16, 0, 0)],
  [Fourcc.RGB888, rgb(3, 8, 16, 8, 8, 8, 0, 0, 0)],
  // RGB32
  [Fourcc.ARGB8888, rgb(4, 8, 16, 8, 8, 8, 0, 8, 24)],
  [Fourcc.XRGB8888, rgb(4, 8, 16, 8, 8, 8, 0, 0, 0)],
  [Fourcc.ABGR8888, rgb(4, 8, 0, 8, 8, 8, 16, 8, 24)],
  [Fourcc.XBGR8888, rgb(4, 8, 0, 8, 8, 8, 16, 0, 0)],
  [Fourcc.RGBA8888, rgb(4, 8, 24, 8, 16, 8, 8, 8, 0)],
  [Fourcc.RGBX8888, rgb(4, 8, 24, 8, 16, 8, 8, 0, 0)],
  [Fourcc.BGRA8888, rgb(4, 8, 8, 8, 16, 8, 24, 8, 0)],
  [Fourcc.BGRX8888, rgb(4, 8, 8, 8, 16, 8, 24, 0, 0)],
  [Fourcc.ARGB2101010, rgb(4, 10, 20, 10, 10, 10, 0, 2, 30)],
  [Fourcc.XRGB2101010, rgb(4, 10, 20, 10, 10, 10, 0, 0, 0)],
  [Fourcc.ABGR2101010, rgb(4, 10, 0, 10, 10, 10, 20, 2, 30)],
  [Fourcc.XBGR2101010, rgb(4, 10, 0, 10, 10, 10, 20, 0, 0)],
  [Fourcc.RGBA1010102, rgb(4, 10, 22, 10, 12, 10, 2, 2, 0)],
  [Fourcc.RGBX1010102, rgb(4, 10, 22, 10, 12, 10, 2, 0, 0)],
  [Fourcc.BGRA1010102, rgb(4, 10, 2, 10, 12, 10, 22, 2, 0)],
  [Fourcc.BGRX1010102, rgb(4, 10, 2, 10, 12, 10, 22, 0, 0)],
  // RGB64, half float (modetest)
  [Fourcc.XRGB16161616F, rgb(8, 16, 32, 16, 16, 16, 0, 0, 0, true)],
  [Fourcc.XBGR16161616F, rgb(8, 16, 0, 16, 16, 16, 32, 0, 0, true)],
  [Fourcc.ARGB16161616F, rgb(8, 16, 32, 16, 16, 16, 0, 16, 48, true)],
  [Fourcc.ABGR16161616F, rgb(8, 16, 0, 16, 16, 16, 32, 16, 48, true)],
  // RGB64, UNORM (extension: not in modetest's table)
  [Fourcc.XRGB16161616, rgb(8, 16, 32, 16, 16, 16, 0, 0, 0)],
  [Fourcc.XBGR16161616, rgb(8, 16, 0, 16, 16, 16, 32, 0, 0)],
  [Fourcc.ARGB16161616, rgb(8, 16, 32, 16, 16, 16, 0, 16, 48)],
  [Fourcc.ABGR16161616, rgb(8, 16, 0, 16, 16, 16, 32, 16, 48)],
]);

/** The layout modetest uses for `format`, or undefined if modetest cannot draw it. */
export function patternLayout(format: number): PatternLayout | undefined {
  return table.get(format >>> 0);
}

/** Every format the pattern code knows, in table order. */
export const PATTERN_FORMATS: readonly number[] = [...table.keys()];

/** True for the 16-bit UNORM formats that are this project's extension of modetest's table. */
export function isUnorm16Extension(format: number): boolean {
  const f = format >>> 0;
  return f === Fourcc.XRGB16161616 || f === Fourcc.XBGR16161616 || f === Fourcc.ARGB16161616 || f === Fourcc.ABGR16161616;
}
