/**
 * Ioctl argument structs, field for field as include/uapi/drm/drm.h and drm_mode.h declare them
 * (the kernel's snake_case names, so a DRM developer recognises them and a binary bridge can map
 * them mechanically). 32-bit fields are numbers, 64-bit fields bigint. Pointer fields are UserPtr:
 * 0n is NULL; a bigint is an address in the file's UserMemory; a typed array is memory handed in
 * directly. Fields left out are zero, as the kernel zero-fills a short struct (uapi 0.3).
 */

/** A user pointer: 0n = NULL, another bigint = address in the file's UserMemory, or a buffer. */
export type UserPtr = bigint | ArrayBufferView;

/** struct drm_mode_modeinfo, decoded. */
export interface ModeInfo {
  clock: number;
  hdisplay: number; hsync_start: number; hsync_end: number; htotal: number; hskew: number;
  vdisplay: number; vsync_start: number; vsync_end: number; vtotal: number; vscan: number;
  vrefresh: number;
  flags: number;
  type: number;
  name: string;
}

export interface DrmVersion {
  version_major: number; version_minor: number; version_patchlevel: number;
  name_len: number; name: UserPtr; date_len: number; date: UserPtr; desc_len: number; desc: UserPtr;
}
export interface DrmGetCap { capability: bigint; value: bigint }
export interface DrmSetClientCap { capability: bigint; value: bigint }
export interface DrmAuth { magic: number }
export interface DrmSetVersion { drm_di_major: number; drm_di_minor: number; drm_dd_major: number; drm_dd_minor: number }
export interface DrmGemClose { handle: number; pad: number }
export interface DrmGemFlink { handle: number; name: number }
export interface DrmGemOpen { name: number; handle: number; size: bigint }
export interface DrmPrimeHandle { handle: number; flags: number; fd: number }

export interface DrmModeCardRes {
  fb_id_ptr: UserPtr; crtc_id_ptr: UserPtr; connector_id_ptr: UserPtr; encoder_id_ptr: UserPtr;
  count_fbs: number; count_crtcs: number; count_connectors: number; count_encoders: number;
  min_width: number; max_width: number; min_height: number; max_height: number;
}
export interface DrmModeCrtc {
  set_connectors_ptr: UserPtr; count_connectors: number;
  crtc_id: number; fb_id: number; x: number; y: number; gamma_size: number; mode_valid: number;
  mode: ModeInfo;
}
export interface DrmModeGetEncoder {
  encoder_id: number; encoder_type: number; crtc_id: number; possible_crtcs: number; possible_clones: number;
}
export interface DrmModeGetConnector {
  encoders_ptr: UserPtr; modes_ptr: UserPtr; props_ptr: UserPtr; prop_values_ptr: UserPtr;
  count_modes: number; count_props: number; count_encoders: number;
  encoder_id: number; connector_id: number; connector_type: number; connector_type_id: number;
  connection: number; mm_width: number; mm_height: number; subpixel: number; pad: number;
}
export interface DrmModeGetPlaneRes { plane_id_ptr: UserPtr; count_planes: number }
export interface DrmModeGetPlane {
  plane_id: number; crtc_id: number; fb_id: number; possible_crtcs: number; gamma_size: number;
  count_format_types: number; format_type_ptr: UserPtr;
}
export interface DrmModeSetPlane {
  plane_id: number; crtc_id: number; fb_id: number; flags: number;
  crtc_x: number; crtc_y: number; crtc_w: number; crtc_h: number;
  src_x: number; src_y: number; src_h: number; src_w: number;
}
export interface DrmModeGetProperty {
  values_ptr: UserPtr; enum_blob_ptr: UserPtr; prop_id: number; flags: number; name: string;
  count_values: number; count_enum_blobs: number;
}
export interface DrmModeConnectorSetProperty { value: bigint; prop_id: number; connector_id: number }
export interface DrmModeObjGetProperties {
  props_ptr: UserPtr; prop_values_ptr: UserPtr; count_props: number; obj_id: number; obj_type: number;
}
export interface DrmModeObjSetProperty { value: bigint; prop_id: number; obj_id: number; obj_type: number }
export interface DrmModeGetBlob { blob_id: number; length: number; data: UserPtr }
export interface DrmModeCreateBlob { data: UserPtr; length: number; blob_id: number }
export interface DrmModeDestroyBlob { blob_id: number }
export interface DrmModeFbCmd {
  fb_id: number; width: number; height: number; pitch: number; bpp: number; depth: number; handle: number;
}
export interface DrmModeFbCmd2 {
  fb_id: number; width: number; height: number; pixel_format: number; flags: number;
  handles: number[]; pitches: number[]; offsets: number[]; modifier: bigint[];
}
/** RMFB's argument is a bare unsigned int; here it is boxed. */
export interface DrmModeRmFb { fb_id: number }
export interface DrmModeCloseFb { fb_id: number; pad: number }
export interface DrmModeFbDirtyCmd { fb_id: number; flags: number; color: number; num_clips: number; clips_ptr: UserPtr }
export interface DrmModeCreateDumb {
  height: number; width: number; bpp: number; flags: number; handle: number; pitch: number; size: bigint;
}
export interface DrmModeMapDumb { handle: number; pad: number; offset: bigint }
export interface DrmModeDestroyDumb { handle: number }
export interface DrmModeCursor {
  flags: number; crtc_id: number; x: number; y: number; width: number; height: number; handle: number;
}
export interface DrmModeCursor2 extends DrmModeCursor { hot_x: number; hot_y: number }
export interface DrmModeCrtcLut { crtc_id: number; gamma_size: number; red: UserPtr; green: UserPtr; blue: UserPtr }
export interface DrmModeCrtcPageFlip {
  crtc_id: number; fb_id: number; flags: number; sequence: number; user_data: bigint;
}
export interface DrmModeAtomic {
  flags: number; count_objs: number; objs_ptr: UserPtr; count_props_ptr: UserPtr;
  props_ptr: UserPtr; prop_values_ptr: UserPtr; reserved: bigint; user_data: bigint;
}
/** union drm_wait_vblank: request {type, sequence, signal} / reply {type, sequence, tval_sec, tval_usec}. */
export interface DrmWaitVblank {
  type: number; sequence: number; signal: bigint; tval_sec: number; tval_usec: number;
}
export interface DrmCrtcGetSequence { crtc_id: number; active: number; sequence: bigint; sequence_ns: bigint }
export interface DrmCrtcQueueSequence { crtc_id: number; flags: number; sequence: bigint; user_data: bigint }
export interface DrmModeCreateLease {
  object_ids: UserPtr; object_count: number; flags: number; lessee_id: number; fd: number;
}
export interface DrmModeListLessees { count_lessees: number; pad: number; lessees_ptr: UserPtr }
export interface DrmModeGetLease { count_objects: number; pad: number; objects_ptr: UserPtr }
export interface DrmModeRevokeLease { lessee_id: number }
