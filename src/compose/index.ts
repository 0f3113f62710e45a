/**
 * compose/ — VKMS's composer as pure functions over typed arrays (≈ vkms_composer.c,
 * vkms_formats.c), bit-exact with the kernel, plus plane features VKMS lacks. Imports only
 * ../uapi/ (and node: built-ins).
 *
 * ## Use (one Composer per CRTC; the driver calls it on each vblank that needs a frame)
 *
 *   const composer = new Composer();
 *   const { crc } = composer.compose(
 *     { width, height, planes: [primary, cursor], background: null, gammaLut: null },
 *     { crc: true, writeback: { format, data, pitch, offset: 0, width, height } },
 *     damage);   // optional: CRTC rects whose framebuffer contents changed since the last call
 *
 * Per plane (bottom to top) the driver passes what drm_atomic_helper_check_plane_state computed:
 * `src` (16.16, clipped; VKMS uses its integer part), `dst` (CRTC pixels, clipped), `rotation`
 * (DRM_MODE_ROTATE_* | DRM_MODE_REFLECT_*), `colorEncoding` / `colorRange` (YUV), and the
 * framebuffer: fourcc, size, pitches[], offsets[] and the bytes of each format plane (see
 * ComposeFb). The result object is reused by the next call.
 *
 * ## Exact with VKMS (mainline ≈6.19/7.0; test/compose proves it against a reference written
 *    from the kernel code)
 * - the 33 plane formats (VKMS_PLANE_FORMATS): ×257 widening, RGB565 rounding, YUV 32.32
 *   matrices (BT.601/709/2020 × limited/full) with drm_fixp_mul, nearest chroma;
 * - rotation / reflection through the read direction (blend_line, clamp_line_coordinates);
 * - the premultiplied blend with its u16 truncation and u32 wrap; output alpha 0xffff;
 * - background (BACKGROUND_COLOR, alpha forced to 0xffff), GAMMA_LUT with 32.32 interpolation,
 *   the per-plane colour pipeline (sRGB curves, 3x4 S31.32 matrices, clamp at the end);
 * - the CRC: crc32_le(0, …) over every finished 16-bit line (VKMS's "auto" source);
 * - the 6 writeback formats (WRITEBACK_FORMATS) with VKMS's rounding.
 *
 * ## Beyond VKMS (only when asked)
 * Plane `alpha` and `blendMode` ('coverage', 'none'; drm_blend.c formulas, see blend.ts),
 * scaling (`scalingFilter` 'nearest' or 'bilinear', see Composer.readScaled), the 2101010 and
 * FP16 formats (formats.ts), zpos (the caller orders the planes).
 *
 * ## Speed
 * Same bytes, less work: opaque spans copy, transparent black skips, planes under an opaque
 * plane are not read; the hot 8888 kernels run as WebAssembly (SIMD when available; assembled in
 * wasm.ts, JavaScript fall-backs in blend.ts / formats-read.ts); with damage, unchanged lines keep
 * their CRC (combined with crc32Combine) and writeback row; without CRC and line sink an 8-bit
 * path writes only the writeback. Optional: a PixelHeap lets planes and writeback buffers live in
 * the kernels' memory (no per-line copies), and ParallelComposer splits the lines over worker
 * threads (SharedArrayBuffer memory).
 */
export {
  Composer, COMPOSE_MAX_SIZE, validateFrame, type ComposerOptions, type HeapLike,
} from './composer.js';
export { ParallelComposer, type ParallelComposerOptions } from './parallel.js';
export { PixelHeap, allocPixelBuffer, freePixelBuffer, pixelHeap } from './heap.js';
export type {
  BackgroundColor, BlendMode, ComposeFb, ComposeFrame, ComposeOutputs, ComposePlane, ComposeRect, ComposeResult,
  ComposeWriteback, ScalingFilter,
} from './types.js';
export type { ColorOp } from './colorop.js';
export { applyPipeline, preparePipeline, type PreparedPipeline } from './colorop.js';
export { crc32le, crc32Combine, CrcShifter } from './crc.js';
export {
  isReadableFormat, isSupportedPlaneFormat, isWritebackFormat, readFormat, READABLE_FORMATS, WRITEBACK_FORMATS,
  type ReadFormat,
} from './formats.js';
export {
  DIR_B2T, DIR_L2R, DIR_R2L, DIR_T2B, makeLine, prepareSource, readSpan, type FbLike, type Line, type ReadSource,
} from './formats-read.js';
export { writeSpan, writebackCpp } from './formats-write.js';
export { argb16ToRgba8, fbToRgba8, readFramebufferToArgb16, type ReadOptions } from './convert.js';
export { blendChannel, blendSpan16 } from './blend.js';
export { applyGamma, buildGammaTables, type GammaTables } from './gamma.js';
export {
  DRM_MODE_REFLECT_MASK, DRM_MODE_REFLECT_X, DRM_MODE_REFLECT_Y, DRM_MODE_ROTATE_0, DRM_MODE_ROTATE_180,
  DRM_MODE_ROTATE_270, DRM_MODE_ROTATE_90, DRM_MODE_ROTATE_MASK, directionForRotation,
} from './rotation.js';
export {
  COLOR_ENCODING_BT2020, COLOR_ENCODING_BT601, COLOR_ENCODING_BT709, COLOR_RANGE_FULL, COLOR_RANGE_LIMITED,
} from './yuv.js';
