/**
 * compose/ — VKMS's composer as pure functions over typed arrays (≈ vkms_composer.c,
 * vkms_formats.c), bit-exact with the kernel, plus plane features VKMS lacks.
 *
 * Usage (one Composer per CRTC; the driver calls it on each vblank that needs a frame):
 *
 *   const composer = new Composer();
 *   const { crc } = composer.compose(
 *     { width, height, planes: [primary, cursor], background: null, gammaLut: null },
 *     { crc: true, writeback: { format, data, pitch, offset: 0, width, height } },
 *     damage);   // optional: CRTC rects whose fb contents changed since the last call
 *
 * Per plane the driver passes what drm_atomic_helper_check_plane_state computed: `src` (16.16,
 * clipped), `dst` (CRTC pixels, clipped), `rotation`, COLOR_ENCODING / COLOR_RANGE, and the
 * framebuffer (format, size, pitches, offsets, per-plane bytes). Planes come bottom to top.
 *
 * Exact with VKMS (mainline ≈6.19/7.0): the 33 plane formats, rotation/reflection via the read
 * direction, the premultiplied blend with its u16/u32 wrap, background, GAMMA_LUT, the colour
 * pipeline, the 6 writeback formats, crc32_le over the 16-bit lines.
 * Beyond VKMS (used only when asked): plane `alpha`, `blendMode` ('coverage', 'none'), scaling
 * (`scalingFilter` 'nearest' or 'bilinear'), the 2101010 and FP16 formats, BACKGROUND_COLOR.
 *
 * Outputs: the frame CRC (crc32_le(0, …), VKMS's "auto" CRC source), writeback rows, and a line
 * sink receiving each finished ARGB16161616 line. Without CRC and sink, with an 8-bit writeback,
 * an 8-bit path writes the same bytes faster.
 */
export { Composer, COMPOSE_MAX_SIZE, validateFrame, type ComposerOptions } from './composer.js';
export { ParallelComposer, type ParallelComposerOptions } from './parallel.js';
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
