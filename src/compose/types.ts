/**
 * The plain data the composer works on. A driver builds one ComposeFrame per vblank from its
 * atomic state (what drm_atomic_helper_check_plane_state computed) and hands it to a Composer.
 */
import type { ColorOp } from './colorop.js';

/** A rectangle, x2/y2 exclusive (struct drm_rect). */
export interface ComposeRect {
  readonly x1: number;
  readonly y1: number;
  readonly x2: number;
  readonly y2: number;
}

/** A framebuffer: format, size and, per format plane, pitch, offset and the bytes they index. */
export interface ComposeFb {
  /** DRM_FORMAT_* fourcc. */
  readonly format: number;
  readonly width: number;
  readonly height: number;
  readonly pitches: readonly number[];
  readonly offsets: readonly number[];
  /**
   * Bytes that offsets[i] indexes for format plane i (a missing entry means data[0]). VKMS itself
   * reads every plane from the first GEM object's mapping; a driver that wants that exact behaviour
   * for multi-object framebuffers passes data[0] for every plane.
   */
  readonly data: readonly Uint8Array[];
}

export type BlendMode = 'premultiplied' | 'coverage' | 'none';
export type ScalingFilter = 'nearest' | 'bilinear';

/** A visible plane, as the atomic helpers left it. */
export interface ComposePlane {
  readonly fb: ComposeFb;
  /** Source rectangle in 16.16 fixed point (clipped). VKMS uses its integer part. */
  readonly src: ComposeRect;
  /** Destination rectangle in CRTC pixels (clipped to the CRTC). */
  readonly dst: ComposeRect;
  /** DRM_MODE_ROTATE_* | DRM_MODE_REFLECT_* (default DRM_MODE_ROTATE_0). */
  readonly rotation?: number;
  /** COLOR_ENCODING: 0 BT.601 (default), 1 BT.709, 2 BT.2020. */
  readonly colorEncoding?: number;
  /** COLOR_RANGE: 0 limited, 1 full (default). */
  readonly colorRange?: number;
  /** Beyond VKMS: plane-wide alpha 0..0xffff (default 0xffff). */
  readonly alpha?: number;
  /** Beyond VKMS: pixel blend mode (default 'premultiplied', the only one VKMS has). */
  readonly blendMode?: BlendMode;
  /** The plane's COLOR_PIPELINE ops in order (VKMS with enable_plane_pipeline). */
  readonly colorPipeline?: readonly ColorOp[] | null;
  /** Beyond VKMS: filter when the source size differs from the destination size (default 'nearest'). */
  readonly scalingFilter?: ScalingFilter;
}

/** ARGB with 16 bits per channel: a bigint as DRM_ARGB64 (a:r:g:b, 16 bits each, a on top), or [a, r, g, b]. */
export type BackgroundColor = bigint | readonly [number, number, number, number];

export interface ComposeFrame {
  /** hdisplay x vdisplay. */
  readonly width: number;
  readonly height: number;
  /** Visible planes, bottom to top (the caller orders them: plane index order in VKMS, or zpos). */
  readonly planes: readonly ComposePlane[];
  /** CRTC BACKGROUND_COLOR; alpha is ignored and forced to 0xffff as VKMS does. Default opaque black. */
  readonly background?: BackgroundColor | null;
  /** CRTC GAMMA_LUT blob contents: struct drm_color_lut {red, green, blue, reserved} u16 per entry. */
  readonly gammaLut?: Uint16Array | null;
}

/** A writeback job's framebuffer (single plane). */
export interface ComposeWriteback {
  /** One of WRITEBACK_FORMATS. */
  readonly format: number;
  readonly data: Uint8Array;
  readonly pitch: number;
  readonly offset?: number;
  readonly width: number;
  readonly height: number;
}

export interface ComposeOutputs {
  /** Compute the CRC (crc32_le over every finished line). */
  readonly crc?: boolean;
  readonly writeback?: ComposeWriteback | null;
  /**
   * Called with each composed line (after gamma), in ARGB16161616 (a, r, g, b u16 per pixel). The
   * array is the composer's own buffer: copy what you keep. With damage, only recomposed lines
   * are delivered.
   */
  readonly lineSink?: ((y: number, line: Uint16Array) => void) | null;
}

/** The result of one compose() call. The object is reused by the next call. */
export interface ComposeResult {
  /** crc32_le(0, frame) when outputs.crc was set, else 0. */
  crc: number;
  /** How many lines were composed (the others were unchanged and reused). */
  composedLines: number;
  /** Whether the 8-bit output path was used (no CRC, no line sink, 8-bit writeback). */
  path8: boolean;
}
