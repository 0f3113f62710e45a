/** Atomic state objects: reset (drm_atomic_helper_*_reset) and duplicate (…_duplicate_state). */
import { BlendMode, Rotation } from '../../uapi/drm-mode.js';
import { zeroMode } from '../../uapi/ioctl-layout.js';
import type { Connector, ConnectorState, Crtc, CrtcState, Plane, PlaneState } from '../types.js';

export function resetPlaneState(plane: Plane, defaults: Partial<PlaneState> = {}): PlaneState {
  return {
    plane, crtc: null, fb: null, fence: null,
    crtc_x: 0, crtc_y: 0, crtc_w: 0, crtc_h: 0, src_x: 0, src_y: 0, src_w: 0, src_h: 0,
    alpha: 0xffff, pixel_blend_mode: BlendMode.PREMULTI, rotation: Rotation.ROTATE_0,
    zpos: 0, normalized_zpos: 0, color_encoding: 0, color_range: 0, fb_damage_clips: null,
    src: { x1: 0, y1: 0, x2: 0, y2: 0 }, dst: { x1: 0, y1: 0, x2: 0, y2: 0 }, visible: false, commit: null, priv: undefined,
    ...defaults,
  };
}

export function resetCrtcState(crtc: Crtc): CrtcState {
  return {
    crtc, enable: false, active: false, planes_changed: false, mode_changed: false, active_changed: false,
    connectors_changed: false, zpos_changed: false, color_mgmt_changed: false, no_vblank: false,
    plane_mask: 0, connector_mask: 0, encoder_mask: 0, mode: zeroMode(), adjusted_mode: zeroMode(),
    mode_blob: null, degamma_lut: null, ctm: null, gamma_lut: null, background_color: 0xffff000000000000n,
    vrr_enabled: false, self_refresh_active: false, async_flip: false, event: null, commit: null, priv: undefined,
  };
}

export function resetConnectorState(connector: Connector): ConnectorState {
  return { connector, crtc: null, best_encoder: null, link_status: 0, writeback_job: null, commit: null, priv: undefined };
}

const clonePriv = (priv: unknown, dup?: (p: unknown) => unknown): unknown =>
  dup ? dup(priv) : priv && typeof priv === 'object' ? structuredClone(priv) : priv;

/** __drm_atomic_helper_plane_duplicate_state: references are shared (the commit takes its own). */
export function duplicatePlaneState(s: PlaneState): PlaneState {
  return { ...s, src: { ...s.src }, dst: { ...s.dst }, fence: null, commit: null, priv: clonePriv(s.priv, s.plane.funcs.duplicatePriv) };
}

/** __drm_atomic_helper_crtc_duplicate_state: the *_changed flags and the event start cleared. */
export function duplicateCrtcState(s: CrtcState): CrtcState {
  return {
    ...s, mode: { ...s.mode }, adjusted_mode: { ...s.adjusted_mode },
    planes_changed: false, mode_changed: false, active_changed: false, connectors_changed: false,
    zpos_changed: false, color_mgmt_changed: false, no_vblank: false, event: null, commit: null, async_flip: false,
    priv: clonePriv(s.priv, s.crtc.funcs.duplicatePriv),
  };
}

export function duplicateConnectorState(s: ConnectorState): ConnectorState {
  return { ...s, writeback_job: null, commit: null, priv: clonePriv(s.priv, s.connector.funcs.duplicatePriv) };
}
