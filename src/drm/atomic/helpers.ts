/**
 * The atomic check helpers a driver composes its atomic_check from (≈ drm_atomic_helper.c):
 * check_modeset (routing, encoders, modes), check_planes, check_plane_state, and
 * drm_atomic_helper_check itself (uapi 3.29–3.42, 3.57).
 */
import { fail } from '../../uapi/errno.js';
import type { Connector, ConnectorState, Crtc, CrtcState, Encoder, PlaneState, Rect } from '../types.js';
import { modeEqual } from '../modes.js';
import { calcScaleChecked, rectClipScaled, rectEquals, rectRotate, rectRotateInv } from './rect.js';
import { setCrtcForConnector, setModePropForCrtc } from './set-prop.js';
import {
  connectorsInState, crtcsInState, getConnectorState, getCrtcState, getPlaneState, needsModeset, planesInState,
  type AtomicState,
} from './state.js';
import { blobPut } from '../blob.js';

/** DRM_PLANE_NO_SCALING: 1.0 in 16.16. */
export const NO_SCALING = 1 << 16;

/** What a driver callback receives besides its object and state. */
export interface AtomicCheckContext {
  readonly state: AtomicState;
  /** The driver-facing device view (the driver API types it). */
  readonly device: unknown;
}

const i32 = (v: number) => v | 0;

/** drm_plane_state_src / drm_plane_state_dest. */
export function planeSrcRect(s: PlaneState): Rect {
  return { x1: i32(s.src_x), y1: i32(s.src_y), x2: i32(s.src_x + s.src_w), y2: i32(s.src_y + s.src_h) };
}
export function planeDstRect(s: PlaneState): Rect {
  return { x1: s.crtc_x, y1: s.crtc_y, x2: i32(s.crtc_x + s.crtc_w), y2: i32(s.crtc_y + s.crtc_h) };
}

export interface PlaneCheckParams {
  minScale: number;
  maxScale: number;
  canPosition: boolean;
  canUpdateDisabled: boolean;
}

/**
 * drm_atomic_helper_check_plane_state: computes src/dst/visible; ERANGE for disallowed scaling,
 * EINVAL for a disabled CRTC (unless allowed) or a partial primary (unless can_position).
 */
export function checkPlaneState(ps: PlaneState, cs: CrtcState | null, p: PlaneCheckParams): void {
  const fb = ps.fb;
  ps.src = planeSrcRect(ps);
  ps.dst = planeDstRect(ps);
  if (!fb || !ps.crtc || !cs) {
    ps.visible = false;
    return;
  }
  if (!cs.enable && !p.canUpdateDisabled) fail('EINVAL', `plane ${ps.plane.id}: cannot update a plane of a disabled CRTC`); // uapi 3.38
  const w = i32(fb.width << 16), h = i32(fb.height << 16);
  rectRotate(ps.src, w, h, ps.rotation);
  const hscale = calcScaleChecked(ps.src.x2 - ps.src.x1, ps.dst.x2 - ps.dst.x1, p.minScale, p.maxScale);
  const vscale = calcScaleChecked(ps.src.y2 - ps.src.y1, ps.dst.y2 - ps.dst.y1, p.minScale, p.maxScale);
  if (hscale < 0 || vscale < 0) fail('ERANGE', `plane ${ps.plane.id}: invalid scaling (src ${ps.src_w / 65536}x${ps.src_h / 65536}, dst ${ps.crtc_w}x${ps.crtc_h})`); // uapi 3.39, 3.58
  const clip: Rect = { x1: 0, y1: 0, x2: 0, y2: 0 };
  if (cs.enable) {
    clip.x2 = cs.mode.hdisplay;
    clip.y2 = cs.mode.vdisplay;
  }
  ps.visible = rectClipScaled(ps.src, ps.dst, clip); // uapi 3.40
  rectRotateInv(ps.src, w, h, ps.rotation);
  if (!ps.visible) return;
  if (!p.canPosition && !rectEquals(ps.dst, clip)) fail('EINVAL', `plane ${ps.plane.id} must cover the entire CRTC`); // uapi 3.41
}

/** drm_atomic_helper_check_crtc_primary_plane (uapi 3.42). */
export function checkCrtcPrimaryPlane(state: AtomicState, crtc: Crtc, cs: CrtcState): void {
  if (!cs.enable) return;
  for (const plane of state.dev.planes) {
    if (cs.plane_mask & (1 << plane.index) && plane.type === 1) return;
  }
  fail('EINVAL', `CRTC ${crtc.id} is enabled without a primary plane`);
}

/** drm_connector_get_single_encoder / best_encoder. */
function bestEncoder(conn: Connector): Encoder | null {
  return conn.possibleEncoders[0] ?? null;
}

const encoderCrtcOk = (e: Encoder, c: Crtc) => (e.possibleCrtcs & (1 << c.index)) !== 0;

/** set_best_encoder: keeps the CRTCs' encoder_mask right. */
function setBestEncoder(state: AtomicState, cs: ConnectorState, enc: Encoder | null): void {
  if (cs.best_encoder) {
    const crtc = cs.connector.state.crtc;
    if (crtc) {
      const s = state.crtcs.get(crtc)?.new;
      if (s) s.encoder_mask &= ~(1 << cs.best_encoder.index);
    }
  }
  if (enc && cs.crtc) {
    const s = state.crtcs.get(cs.crtc)?.new;
    if (s) s.encoder_mask |= 1 << enc.index;
  }
  cs.best_encoder = enc;
}

/** handle_conflicting_encoders: atomic never steals an encoder (uapi 3.32); legacy SETCRTC does. */
export function handleConflictingEncoders(state: AtomicState, disableConflicting: boolean): void {
  let mask = 0;
  for (const conn of connectorsInState(state)) {
    const cs = state.connectors.get(conn)!.new;
    if (!cs.crtc) continue;
    const enc = bestEncoder(conn);
    if (!enc) continue;
    if (mask & (1 << enc.index)) fail('EINVAL', `encoder ${enc.id} on connector ${conn.id} already assigned`);
    mask |= 1 << enc.index;
  }
  if (!mask) return;
  for (const conn of state.dev.liveConnectors()) {
    if (state.connectors.has(conn)) continue;
    const enc = conn.state.best_encoder;
    if (!enc || !(mask & (1 << enc.index))) continue;
    if (!disableConflicting) fail('EINVAL', `encoder ${enc.id} is in use by connector ${conn.id}, which is not in this commit`);
    const cs = getConnectorState(state, conn);
    const crtcState = cs.crtc ? getCrtcState(state, cs.crtc) : null;
    setCrtcForConnector(state, cs, null);
    if (crtcState && !crtcState.connector_mask) {
      setModePropForCrtc(state, crtcState, null);
      crtcState.active = false;
    }
  }
}

/** update_connector_routing (uapi 3.33, 3.34). */
function updateConnectorRouting(state: AtomicState, conn: Connector, old: ConnectorState, cs: ConnectorState, addedByUser: boolean): void {
  if (old.crtc !== cs.crtc) {
    if (old.crtc) getCrtcState(state, old.crtc).connectors_changed = true;
    if (cs.crtc) getCrtcState(state, cs.crtc).connectors_changed = true;
  }
  if (!cs.crtc) {
    setBestEncoder(state, cs, null);
    return;
  }
  const crtcState = getCrtcState(state, cs.crtc);
  if (!state.duplicated && conn.removed && addedByUser && crtcState.active)
    fail('EINVAL', `connector ${conn.id} is not registered (hot-removed)`);
  const enc = bestEncoder(conn);
  if (!enc) fail('EINVAL', `no suitable encoder for connector ${conn.id}`);
  if (!encoderCrtcOk(enc, cs.crtc)) fail('EINVAL', `encoder ${enc.id} cannot drive CRTC ${cs.crtc.id}`);
  if (enc === cs.best_encoder) {
    setBestEncoder(state, cs, enc);
    return;
  }
  // steal_encoder: a connector in this commit still holding it gives it up
  for (const [other, e] of state.connectors) {
    if (other !== conn && e.new.best_encoder === enc && e.new.crtc !== cs.crtc) {
      const oldCrtc = e.old.crtc;
      if (oldCrtc) getCrtcState(state, oldCrtc).encoder_mask &= ~(1 << enc.index);
      e.new.best_encoder = null;
    }
  }
  setBestEncoder(state, cs, enc);
  crtcState.connectors_changed = true;
}

/** drm_atomic_add_affected_connectors. */
export function addAffectedConnectors(state: AtomicState, crtc: Crtc): void {
  const cs = getCrtcState(state, crtc);
  for (const conn of state.dev.connectors) if (cs.connector_mask & (1 << conn.index)) getConnectorState(state, conn);
}

/** drm_atomic_add_affected_planes: the planes on the CRTC before this commit. */
export function addAffectedPlanes(state: AtomicState, crtc: Crtc): void {
  const old = state.crtcs.get(crtc)?.old ?? crtc.state;
  for (const plane of state.dev.planes) if (old.plane_mask & (1 << plane.index)) getPlaneState(state, plane);
}

/** drm_atomic_check_valid_clones (uapi 3.57). */
function checkValidClones(state: AtomicState, crtc: Crtc, cs: CrtcState): void {
  const encs = state.dev.encoders.filter((e) => cs.encoder_mask & (1 << e.index));
  for (const e of encs) {
    if (!e.possibleClones) continue; // possible_clones 0 is not checked
    if ((cs.encoder_mask & e.possibleClones) !== cs.encoder_mask) fail('EINVAL', `CRTC ${crtc.id}: encoders ${encs.map((x) => x.id).join(',')} cannot be cloned`);
  }
}

/** drm_atomic_helper_check_modeset (uapi 3.29–3.36). */
export function checkModeset(state: AtomicState, ctx: AtomicCheckContext): void {
  const dev = state.dev;
  for (const crtc of crtcsInState(state)) {
    const { old, new: cs } = state.crtcs.get(crtc)!;
    if (!modeEqual(old.mode, cs.mode)) cs.mode_changed = true;
    if (old.enable !== cs.enable) {
      cs.mode_changed = true;
      cs.connectors_changed = true;
    }
    if (old.active !== cs.active) cs.active_changed = true;
    if (cs.enable !== (cs.connector_mask !== 0)) fail('EINVAL', `CRTC ${crtc.id}: enabled/connectors mismatch (${cs.enable ? 1 : 0}/${cs.connector_mask ? 1 : 0})`); // uapi 3.31
    cs.no_vblank = !dev.features.vblank;
  }
  handleConflictingEncoders(state, false);
  const userConnectors = new Set(state.connectors.keys());
  const checked = new Set<Connector>();
  for (const conn of connectorsInState(state)) {
    const { old, new: cs } = state.connectors.get(conn)!;
    updateConnectorRouting(state, conn, old, cs, userConnectors.has(conn));
    if (old.crtc && old.link_status !== cs.link_status) getCrtcState(state, old.crtc).connectors_changed = true;
    conn.funcs.atomicCheck?.(conn, cs, ctx);
    checked.add(conn);
  }
  for (const crtc of crtcsInState(state)) {
    if (!needsModeset(state.crtcs.get(crtc)!.new)) continue;
    addAffectedConnectors(state, crtc);
    addAffectedPlanes(state, crtc);
  }
  for (const conn of connectorsInState(state)) {
    if (checked.has(conn)) continue;
    conn.funcs.atomicCheck?.(conn, state.connectors.get(conn)!.new, ctx);
  }
  // mode_valid: encoders and CRTCs on a changed path (uapi 3.35)
  for (const conn of connectorsInState(state)) {
    const cs = state.connectors.get(conn)!.new;
    if (!cs.crtc || !cs.best_encoder) continue;
    const crtcState = state.crtcs.get(cs.crtc)?.new;
    if (!crtcState || (!crtcState.mode_changed && !crtcState.connectors_changed)) continue;
    const enc = cs.best_encoder;
    if (enc.funcs.modeValid && !enc.funcs.modeValid(enc, crtcState.mode)) fail('EINVAL', `encoder ${enc.id} rejects mode ${crtcState.mode.name}`);
    if (cs.crtc.funcs.modeValid && !cs.crtc.funcs.modeValid(cs.crtc, crtcState.mode)) fail('EINVAL', `CRTC ${cs.crtc.id} rejects mode ${crtcState.mode.name}`);
  }
  // mode_fixup: adjusted_mode starts as the requested mode
  for (const crtc of crtcsInState(state)) {
    const cs = state.crtcs.get(crtc)!.new;
    if (!cs.enable || (!cs.mode_changed && !cs.connectors_changed)) continue;
    cs.adjusted_mode = { ...cs.mode };
  }
  for (const crtc of crtcsInState(state)) checkValidClones(state, crtc, state.crtcs.get(crtc)!.new);
}

/** drm_atomic_helper_check_planes: plane checks (with damage dropping), then CRTC checks. */
export function checkPlanes(state: AtomicState, ctx: AtomicCheckContext): void {
  for (const plane of planesInState(state)) {
    const { old, new: ps } = state.planes.get(plane)!;
    if (ps.crtc) getCrtcState(state, ps.crtc).planes_changed = true;
    if (old.crtc) getCrtcState(state, old.crtc).planes_changed = true;
    // drm_atomic_helper_check_plane_damage (uapi 3.37)
    if (ps.crtc && needsModeset(getCrtcState(state, ps.crtc)) && ps.fb_damage_clips) {
      blobPut(state.dev, ps.fb_damage_clips);
      ps.fb_damage_clips = null;
    }
    plane.funcs.atomicCheck?.(plane, ps, ctx);
  }
  for (const crtc of crtcsInState(state)) crtc.funcs.atomicCheck?.(crtc, state.crtcs.get(crtc)!.new, ctx);
}

/** drm_atomic_helper_check: the default mode-config atomic_check. */
export function helperCheck(state: AtomicState, ctx: AtomicCheckContext): void {
  checkModeset(state, ctx);
  checkPlanes(state, ctx);
}
