/**
 * The DRM core's object model (≈ include/drm/drm_mode_object.h, drm_plane.h, drm_crtc.h,
 * drm_connector.h, drm_encoder.h, drm_framebuffer.h, drm_property.h). Plain data; the functions
 * that act on it live beside it, one file per object kind.
 */
import type { ModeObjectTypeCode, PlaneTypeCode, ConnectorStatusCode } from '../uapi/drm-mode.js';
import type { FormatInfo } from '../uapi/fourcc.js';
import type { ModeInfo } from '../uapi/ioctl-structs.js';
import type { DrmFile } from './file.js';

export interface ModeObject {
  id: number;
  readonly objType: ModeObjectTypeCode;
  /** Attached properties in attach order (uapi 2.6), with their stored values. */
  readonly props: PropAttachment[];
}

export interface PropAttachment {
  readonly prop: Property;
  /** Stored value: the value of immutable/legacy properties; the initial value for state-backed ones. */
  value: bigint;
}

export interface PropEnum { readonly value: bigint; readonly name: string }

export interface Property extends ModeObject {
  readonly objType: 0xb0b0b0b0;
  readonly name: string;
  readonly flags: number;
  /** RANGE/SIGNED_RANGE: [min,max]; ENUM/BITMASK: enum values (bitmask: bit indices); OBJECT: [type]. */
  readonly values: bigint[];
  readonly enums: PropEnum[];
}

export interface Blob extends ModeObject {
  readonly objType: 0xbbbbbbbb;
  readonly data: Uint8Array;
  /** File that created it through CREATEPROPBLOB (uapi 2.49), or null for kernel blobs. */
  owner: DrmFile | null;
  refs: number;
}

export interface GemObject {
  readonly size: number;
  /** The backing memory; mmap and the compositor see the same bytes. */
  readonly bytes: Uint8Array;
  /** Fake mmap offset MAP_DUMB hands out (uapi 5.25). */
  mmapOffset: bigint;
  /** Handles + framebuffers holding it. */
  refs: number;
  flinkName: number;
  readonly dumb: { width: number; height: number; bpp: number; pitch: number } | null;
}

export interface Framebuffer extends ModeObject {
  readonly objType: 0xfbfbfbfb;
  readonly format: FormatInfo;
  readonly width: number;
  readonly height: number;
  readonly pitches: readonly number[];
  readonly offsets: readonly number[];
  readonly modifier: bigint;
  readonly flags: number;
  readonly objs: readonly (GemObject | null)[];
  /** File that created it (GETRESOURCES lists, RMFB removes only own FBs); null once closed. */
  owner: DrmFile | null;
  /** Internal FBs (legacy cursor) are not listed anywhere. */
  readonly internal: boolean;
  refs: number;
  /** The FB is unregistered: its ID is kept until the last reference goes (uapi 5.14). */
  removed: boolean;
}

/** A rectangle; for plane src it is 16.16 fixed point (drm_rect). */
export interface Rect { x1: number; y1: number; x2: number; y2: number }

export interface PlaneState {
  readonly plane: Plane;
  crtc: Crtc | null;
  fb: Framebuffer | null;
  fence: InFence | null;
  crtc_x: number; crtc_y: number; crtc_w: number; crtc_h: number;
  src_x: number; src_y: number; src_w: number; src_h: number;
  alpha: number;
  pixel_blend_mode: number;
  rotation: number;
  zpos: number;
  normalized_zpos: number;
  color_encoding: number;
  color_range: number;
  fb_damage_clips: Blob | null;
  /** COLOR_PIPELINE: the first colorop of the selected pipeline; null/absent = Bypass (drm_plane_state.color_pipeline). */
  color_pipeline?: Colorop | null;
  /** Set by the plane check helper: clipped src (16.16) and dst, visibility (uapi 3.39–3.40). */
  src: Rect;
  dst: Rect;
  visible: boolean;
  /** The commit that last changed this plane (EBUSY tracking). */
  commit: CrtcCommit | null;
  /** Driver-private state, cloned on duplicate. */
  priv: unknown;
}

export interface CrtcState {
  readonly crtc: Crtc;
  enable: boolean;
  active: boolean;
  planes_changed: boolean;
  mode_changed: boolean;
  active_changed: boolean;
  connectors_changed: boolean;
  zpos_changed: boolean;
  color_mgmt_changed: boolean;
  no_vblank: boolean;
  plane_mask: number;
  connector_mask: number;
  encoder_mask: number;
  mode: ModeInfo;
  adjusted_mode: ModeInfo;
  mode_blob: Blob | null;
  degamma_lut: Blob | null;
  ctm: Blob | null;
  gamma_lut: Blob | null;
  background_color: bigint;
  vrr_enabled: boolean;
  self_refresh_active: boolean;
  async_flip: boolean;
  /** The flip-complete event requested for this CRTC in this commit. */
  event: PendingEvent | null;
  commit: CrtcCommit | null;
  priv: unknown;
}

export interface WritebackJob {
  fb: Framebuffer | null;
  outFence: OutFence | null;
}

export interface ConnectorState {
  readonly connector: Connector;
  crtc: Crtc | null;
  best_encoder: Encoder | null;
  link_status: number;
  writeback_job: WritebackJob | null;
  commit: CrtcCommit | null;
  priv: unknown;
}

/**
 * A pending DRM event (drm_pending_event): bytes reserved in a file's event space (uapi 4.9), or a
 * kernel-internal event with no file. Delivering it completes the commit's flip_done and signals
 * its out-fence.
 */
export interface PendingEvent {
  file: DrmFile | null;
  readonly length: number;
  /** Fill and queue the event: for vblank/flip events the sequence and timestamp. */
  deliver(sequence: bigint, timeNs: bigint): void;
  /** Give the space back without delivering (uapi 4.15). */
  cancel(): void;
  delivered: boolean;
  /** Run at delivery (flip_done completion). */
  completions: (() => void)[];
  /** Out-fence signalled at delivery (OUT_FENCE_PTR). */
  fence: OutFence | null;
}

/** drm_crtc_commit: the stages of one commit on one CRTC (uapi 3.45–3.49). */
export interface CrtcCommit {
  readonly crtc: Crtc | null;
  flipDone: boolean;
  hwDone: boolean;
  cleanupDone: boolean;
  readonly onFlipDone: (() => void)[];
}

/** A fence a commit waits for (IN_FENCE_FD). */
import type { InFence, OutFence } from './sync-file.js';
export type { InFence, OutFence };

export interface PlaneFuncs {
  /** Driver-private properties (drm_plane_funcs.atomic_set_property). */
  atomicSetProperty?(plane: Plane, state: PlaneState, prop: Property, value: bigint): void;
  atomicCheck?(plane: Plane, newState: PlaneState, ctx: unknown): void;
  atomicUpdate?(plane: Plane, newState: PlaneState, oldState: PlaneState, ctx: unknown): void;
  atomicDisable?(plane: Plane, newState: PlaneState, oldState: PlaneState, ctx: unknown): void;
  duplicatePriv?(priv: unknown): unknown;
}
export interface CrtcFuncs {
  atomicSetProperty?(crtc: Crtc, state: CrtcState, prop: Property, value: bigint): void;
  atomicCheck?(crtc: Crtc, newState: CrtcState, ctx: unknown): void;
  atomicBegin?(crtc: Crtc, newState: CrtcState, oldState: CrtcState, ctx: unknown): void;
  atomicFlush?(crtc: Crtc, newState: CrtcState, oldState: CrtcState, ctx: unknown): void;
  atomicEnable?(crtc: Crtc, newState: CrtcState, oldState: CrtcState, ctx: unknown): void;
  atomicDisable?(crtc: Crtc, newState: CrtcState, oldState: CrtcState, ctx: unknown): void;
  modeValid?(crtc: Crtc, mode: ModeInfo): boolean;
  duplicatePriv?(priv: unknown): unknown;
  /** The CRTC implements gamma_set (drm_crtc_legacy_gamma_set); without it SETGAMMA is ENOSYS. */
  legacyGammaSet?: boolean;
  /** Runs at each vblank after events were sent (VKMS composes here). */
  vblankTick?(crtc: Crtc, count: bigint, timeNs: bigint): void;
}
export interface ConnectorFuncs {
  atomicSetProperty?(connector: Connector, state: ConnectorState, prop: Property, value: bigint): void;
  /** drm_connector_funcs.detect: the status after a probe. Default: connected. */
  detect?(connector: Connector, force: boolean): ConnectorStatusCode;
  /** drm_connector_helper_funcs.get_modes: the probed modes. */
  getModes?(connector: Connector): ModeInfo[];
  modeValid?(connector: Connector, mode: ModeInfo): boolean;
  atomicCheck?(connector: Connector, newState: ConnectorState, ctx: unknown): void;
  /** Writeback connectors: queue the job (drm_connector_helper_funcs.atomic_commit). */
  atomicCommit?(connector: Connector, newState: ConnectorState, ctx: unknown): void;
  duplicatePriv?(priv: unknown): unknown;
}
export interface EncoderFuncs {
  modeValid?(encoder: Encoder, mode: ModeInfo): boolean;
}

export interface Plane extends ModeObject {
  readonly objType: 0xeeeeeeee;
  readonly index: number;
  readonly type: PlaneTypeCode;
  readonly name: string;
  possibleCrtcs: number;
  readonly formats: readonly number[];
  readonly modifiers: readonly bigint[];
  state: PlaneState;
  readonly funcs: PlaneFuncs;
  /** Optional properties the driver attached, by kind. */
  readonly optProps: Partial<Record<'rotation' | 'alpha' | 'pixel blend mode' | 'zpos' | 'COLOR_ENCODING' | 'COLOR_RANGE' | 'FB_DAMAGE_CLIPS' | 'COLOR_PIPELINE', Property>>;
  /** For the legacy cursor ioctl: last position (uapi 3.55). */
  cursorPos: { x: number; y: number };
}

export interface Crtc extends ModeObject {
  readonly objType: 0xcccccccc;
  readonly index: number;
  readonly name: string;
  readonly primary: Plane | null;
  readonly cursor: Plane | null;
  state: CrtcState;
  /** Legacy gamma table size and contents (r, g, b arrays; uapi 2.39). */
  gammaSize: number;
  gammaStore: Uint16Array;
  readonly funcs: CrtcFuncs;
  /** Commits on this CRTC, most recent first, until cleaned up (crtc->commit_list). */
  commits: CrtcCommit[];
  readonly optProps: Partial<Record<'BACKGROUND_COLOR' | 'DEGAMMA_LUT' | 'DEGAMMA_LUT_SIZE' | 'CTM' | 'GAMMA_LUT' | 'GAMMA_LUT_SIZE', Property>>;
}

export interface Encoder extends ModeObject {
  readonly objType: 0xe0e0e0e0;
  readonly index: number;
  readonly type: number;
  readonly name: string;
  possibleCrtcs: number;
  possibleClones: number;
  readonly funcs: EncoderFuncs;
}

export interface DisplayInfo {
  mm_width: number;
  mm_height: number;
  subpixel: number;
  non_desktop: boolean;
}

export interface WritebackInfo {
  readonly formats: readonly number[];
  readonly encoder: Encoder;
  readonly formatsBlob: Blob;
}

export interface Connector extends ModeObject {
  readonly objType: 0xc0c0c0c0;
  readonly index: number;
  readonly type: number;
  readonly typeId: number;
  readonly name: string;
  status: ConnectorStatusCode;
  /** The mode list after the last probe (fill_modes). */
  modes: ModeInfo[];
  displayInfo: DisplayInfo;
  readonly possibleEncoders: Encoder[];
  state: ConnectorState;
  /** Legacy DPMS value (connector->dpms). */
  dpms: number;
  /** Lookups fail until registered (uapi 1.7); false again once hot-removed. */
  registered: boolean;
  /** Hot-removed (DRM_CONNECTOR_UNREGISTERED, as opposed to still initializing): uapi 3.34. */
  removed: boolean;
  readonly funcs: ConnectorFuncs;
  readonly writeback: WritebackInfo | null;
  edidBlob: Blob | null;
}

/** The per-commit state of a colorop (struct drm_colorop_state). */
export interface ColoropState {
  readonly colorop: Colorop;
  /** BYPASS; reset to true even for ops without a BYPASS property (__drm_colorop_state_reset). */
  bypass: boolean;
  /** CURVE_1D_TYPE (enum drm_colorop_curve_1d_type). */
  curve_1d_type: number;
  /** MULTIPLIER (S31.32). */
  multiplier: bigint;
  /** DATA blob (a drm_color_ctm_3x4 for 3x4 Matrix ops). */
  data: Blob | null;
}

/** The properties a colorop carries; each colorop has its own property objects (drm_plane_colorop_init). */
export interface ColoropProps {
  readonly TYPE: Property;
  readonly BYPASS: Property | null;
  readonly NEXT: Property;
  CURVE_1D_TYPE: Property | null;
  DATA: Property | null;
  MULTIPLIER: Property | null;
}

/** A colour operation of a plane's pipeline (struct drm_colorop, DRM_MODE_OBJECT_COLOROP). */
export interface Colorop extends ModeObject {
  readonly objType: 0xfafafafa;
  /** Position in the device's colorop list (drm_colorop_index). */
  readonly index: number;
  /** enum drm_colorop_type. */
  readonly type: number;
  readonly plane: Plane;
  /** The next op of the pipeline (NEXT), or null at its end. */
  next: Colorop | null;
  /** The current (committed) state. */
  state: ColoropState;
  readonly opProps: ColoropProps;
}

export type KmsObject = Plane | Crtc | Encoder | Connector;
export type AnyObject = KmsObject | Property | Blob | Framebuffer | Colorop;
