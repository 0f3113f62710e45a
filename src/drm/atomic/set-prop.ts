/**
 * Writing a property into an atomic state (≈ drm_atomic_uapi.c: drm_atomic_set_property and the
 * per-object setters). Value validation first (uapi 2.9–2.15), then the object's own rules.
 */
import { DrmError, fail } from '../../uapi/errno.js';
import { COLOR_CTM_SIZE, COLOR_LUT_ENTRY_SIZE, MODEINFO_SIZE, MODE_RECT_SIZE, OBJECT_COLOROP, ObjectType, Rotation } from '../../uapi/drm-mode.js';
import type { UserPtr } from '../../uapi/ioctl-structs.js';
import { blobGet, blobPut } from '../blob.js';
import { fbGet, fbPut } from '../framebuffer.js';
import { decodeModeInfo, modeFromUser } from '../modes.js';
import { findAttachment, u64ToI64, validatePropertyValue } from '../property.js';
import { propertyValue } from '../prop-values.js';
import { zeroMode } from '../../uapi/ioctl-layout.js';
import { Fence } from '../../uapi/sync-file.js';
import { putS32 } from './user-ptr.js';
import type { Blob, Colorop, Connector, ConnectorState, Crtc, CrtcState, Framebuffer, ModeObject, Plane, PlaneState, Property } from '../types.js';
import { coloropForPipeline, coloropSetProperty } from '../colorop.js';
import { getColoropState, getConnectorState, getCrtcState, getPlaneState, type AtomicState } from './state.js';

/** drm_atomic_set_crtc_for_plane: keeps both CRTCs' plane_mask right (uapi 3.15). */
export function setCrtcForPlane(state: AtomicState, ps: PlaneState, crtc: Crtc | null): void {
  if (ps.crtc === crtc) return;
  if (ps.crtc) getCrtcState(state, ps.crtc).plane_mask &= ~(1 << ps.plane.index);
  ps.crtc = crtc;
  if (crtc) getCrtcState(state, crtc).plane_mask |= 1 << ps.plane.index;
}

export function setFbForPlane(state: AtomicState, ps: PlaneState, fb: Framebuffer | null): void {
  if (ps.fb === fb) return;
  fbGet(fb);
  fbPut(state.dev, ps.fb);
  ps.fb = fb;
}

/** drm_atomic_set_crtc_for_connector. */
export function setCrtcForConnector(state: AtomicState, cs: ConnectorState, crtc: Crtc | null): void {
  if (cs.crtc === crtc) return;
  if (cs.crtc) getCrtcState(state, cs.crtc).connector_mask &= ~(1 << cs.connector.index);
  cs.crtc = null;
  if (crtc) {
    getCrtcState(state, crtc).connector_mask |= 1 << cs.connector.index;
    cs.crtc = crtc;
  }
}

/** drm_atomic_set_mode_prop_for_crtc (uapi 2.34). */
export function setModePropForCrtc(state: AtomicState, cs: CrtcState, blob: Blob | null): void {
  if (blob === cs.mode_blob) return;
  blobPut(state.dev, cs.mode_blob);
  cs.mode_blob = null;
  cs.mode = zeroMode();
  if (blob) {
    if (blob.data.length !== MODEINFO_SIZE) fail('EINVAL', `MODE_ID blob ${blob.id} is ${blob.data.length} bytes, not ${MODEINFO_SIZE}`);
    try {
      cs.mode = modeFromUser(decodeModeInfo(blob.data));
    } catch (e) {
      // any drm_mode_convert_umode failure (incl. its ERANGE) is EINVAL here
      fail('EINVAL', `MODE_ID blob ${blob.id}: ${e instanceof DrmError ? e.reason : String(e)}`);
    }
    cs.mode_blob = blobGet(blob);
    cs.enable = true;
  } else cs.enable = false;
}

/** drm_atomic_replace_property_blob_from_id: size rules for LUT/CTM/damage blobs (uapi 2.27, 2.31, 2.32). */
function replaceBlobFromId(state: AtomicState, cur: Blob | null, id: bigint, expectedSize: number, elemSize: number, what: string): { blob: Blob | null; replaced: boolean } {
  let next: Blob | null = null;
  if (id !== 0n) {
    next = state.dev.blob(Number(id & 0xffffffffn)) ?? null;
    if (!next) fail('EINVAL', `${what}: no blob ${id}`);
    if (expectedSize > 0 && next.data.length !== expectedSize) fail('EINVAL', `${what}: blob is ${next.data.length} bytes, must be ${expectedSize}`);
    if (elemSize > 0 && next.data.length % elemSize !== 0) fail('EINVAL', `${what}: blob length ${next.data.length} is not a multiple of ${elemSize}`);
  }
  if (next === cur) return { blob: cur, replaced: false };
  blobGet(next);
  blobPut(state.dev, cur);
  return { blob: next, replaced: true };
}

function planeSetProperty(state: AtomicState, plane: Plane, s: PlaneState, prop: Property, val: bigint): void {
  const dev = state.dev, p = dev.std, file = state.file;
  if (prop === p.FB_ID) return setFbForPlane(state, s, val ? dev.fb(Number(val & 0xffffffffn)) ?? null : null);
  if (prop === p.IN_FENCE_FD) {
    // a second write in the same commit, even -1, is refused (uapi 2.28)
    if (s.fence) fail('EINVAL', 'IN_FENCE_FD was already set in this commit');
    if (u64ToI64(val) === -1n) return;
    const fence = file ? file.fds.get(Number(u64ToI64(val))) : undefined;
    if (!(fence instanceof Fence)) fail('EINVAL', `IN_FENCE_FD ${u64ToI64(val)} is not a sync file`);
    s.fence = fence;
    return;
  }
  if (prop === p.CRTC_ID) {
    const crtc = val ? dev.crtc(Number(val & 0xffffffffn), file ?? undefined) : null;
    if (val && !crtc) fail('EACCES', `CRTC ${val} is not leased to this file`); // uapi 3.12
    return setCrtcForPlane(state, s, crtc ?? null);
  }
  if (prop === p.CRTC_X) { s.crtc_x = Number(u64ToI64(val)); return; }
  if (prop === p.CRTC_Y) { s.crtc_y = Number(u64ToI64(val)); return; }
  if (prop === p.CRTC_W) { s.crtc_w = Number(val); return; }
  if (prop === p.CRTC_H) { s.crtc_h = Number(val); return; }
  if (prop === p.SRC_X) { s.src_x = Number(val); return; }
  if (prop === p.SRC_Y) { s.src_y = Number(val); return; }
  if (prop === p.SRC_W) { s.src_w = Number(val); return; }
  if (prop === p.SRC_H) { s.src_h = Number(val); return; }
  const o = plane.optProps;
  if (prop === o.alpha) { s.alpha = Number(val); return; }
  if (prop === o['pixel blend mode']) { s.pixel_blend_mode = Number(val); return; }
  if (prop === o.rotation) {
    const r = Number(val) & Rotation.ROTATE_MASK;
    // exactly one rotation bit (uapi 2.23)
    if (r === 0 || (r & (r - 1)) !== 0) fail('EINVAL', `rotation 0x${val.toString(16)} must have exactly one rotate bit`);
    s.rotation = Number(val);
    return;
  }
  if (prop === o.zpos) { s.zpos = Number(val); return; }
  if (prop === o.COLOR_ENCODING) { s.color_encoding = Number(val); return; }
  if (prop === o.COLOR_RANGE) { s.color_range = Number(val); return; }
  if (prop === o.COLOR_PIPELINE) { s.color_pipeline = coloropForPipeline(dev, file, val); return; } // EACCES if not found
  if (prop === p.FB_DAMAGE_CLIPS) {
    s.fb_damage_clips = replaceBlobFromId(state, s.fb_damage_clips, val, -1, MODE_RECT_SIZE, 'FB_DAMAGE_CLIPS').blob;
    return;
  }
  if (plane.funcs.atomicSetProperty) return plane.funcs.atomicSetProperty(plane, s, prop, val);
  fail('EINVAL', `property ${prop.name} cannot be set on plane ${plane.id}`); // uapi 3.14
}

function crtcSetProperty(state: AtomicState, crtc: Crtc, s: CrtcState, prop: Property, val: bigint): void {
  const dev = state.dev, p = dev.std;
  if (prop === p.ACTIVE) { s.active = val !== 0n; return; }
  if (prop === p.MODE_ID) return setModePropForCrtc(state, s, dev.blob(Number(val & 0xffffffffn)) ?? null);
  if (prop === p.VRR_ENABLED) { s.vrr_enabled = val !== 0n; return; }
  if (prop === p.DEGAMMA_LUT) {
    const r = replaceBlobFromId(state, s.degamma_lut, val, -1, COLOR_LUT_ENTRY_SIZE, 'DEGAMMA_LUT');
    s.degamma_lut = r.blob; s.color_mgmt_changed ||= r.replaced; return;
  }
  if (prop === p.CTM) {
    const r = replaceBlobFromId(state, s.ctm, val, COLOR_CTM_SIZE, -1, 'CTM');
    s.ctm = r.blob; s.color_mgmt_changed ||= r.replaced; return;
  }
  if (prop === p.GAMMA_LUT) {
    const r = replaceBlobFromId(state, s.gamma_lut, val, -1, COLOR_LUT_ENTRY_SIZE, 'GAMMA_LUT');
    s.gamma_lut = r.blob; s.color_mgmt_changed ||= r.replaced; return;
  }
  if (prop === p.OUT_FENCE_PTR) {
    if (val === 0n) return;
    // -1 is written at once (uapi 2.38)
    if (state.file) putS32(state.file, val, -1);
    state.crtcs.get(crtc)!.outFencePtr = val;
    return;
  }
  if (prop === crtc.optProps.BACKGROUND_COLOR) { s.background_color = val; return; }
  if (crtc.funcs.atomicSetProperty) return crtc.funcs.atomicSetProperty(crtc, s, prop, val);
  fail('EINVAL', `property ${prop.name} cannot be set on CRTC ${crtc.id}`);
}

function connectorSetProperty(state: AtomicState, conn: Connector, s: ConnectorState, prop: Property, val: bigint): void {
  const dev = state.dev, p = dev.std, file = state.file;
  if (prop === p.CRTC_ID) {
    const crtc = val ? dev.crtc(Number(val & 0xffffffffn), file ?? undefined) : null;
    if (val && !crtc) fail('EACCES', `CRTC ${val} is not leased to this file`); // uapi 3.12
    return setCrtcForConnector(state, s, crtc ?? null);
  }
  if (prop === p.DPMS) fail('EINVAL', 'DPMS cannot be set through the atomic ioctl'); // uapi 2.41
  if (prop === p['link-status']) {
    // never downgrade Good to Bad on userspace's request (uapi 2.44)
    if (s.link_status !== 0) s.link_status = Number(val);
    return;
  }
  if (conn.writeback && prop === p.WRITEBACK_FB_ID) {
    const fb = val ? dev.fb(Number(val & 0xffffffffn)) ?? null : null;
    const job = (s.writeback_job ??= { fb: null, outFence: null });
    if (job.fb !== fb) {
      fbGet(fb);
      fbPut(dev, job.fb);
      job.fb = fb;
    }
    return;
  }
  if (conn.writeback && prop === p.WRITEBACK_OUT_FENCE_PTR) {
    if (val === 0n) return;
    if (state.file) putS32(state.file, val, -1); // uapi 2.47
    state.connectors.get(conn)!.outFencePtr = val;
    return;
  }
  if (conn.funcs.atomicSetProperty) return conn.funcs.atomicSetProperty(conn, s, prop, val);
  fail('EINVAL', `property ${prop.name} cannot be set on connector ${conn.id}`);
}

/**
 * drm_atomic_set_property: validate, then route to the object's setter. With asyncFlip only
 * FB_ID, IN_FENCE_FD and FB_DAMAGE_CLIPS of primary planes may change (uapi 3.51).
 */
export function atomicSetProperty(state: AtomicState, obj: ModeObject, prop: Property, val: bigint): void {
  validatePropertyValue(state.dev, prop, val);
  const p = state.dev.std;
  // drm_atomic_check_prop_changes: an async flip may only change the flip's own properties
  const asyncRefuses = (always: boolean) => {
    if (!state.asyncFlip || !always) return false;
    if (propertyValue(state.dev, obj, prop) !== val) fail('EINVAL', `async flip cannot change ${prop.name}`);
    return true;
  };
  if (obj.objType === ObjectType.PLANE) {
    const plane = obj as Plane;
    const s = getPlaneState(state, plane);
    if (asyncRefuses((prop !== p.FB_ID && prop !== p.IN_FENCE_FD && prop !== p.FB_DAMAGE_CLIPS) || plane.type !== 1)) return;
    return planeSetProperty(state, plane, s, prop, val);
  }
  if (obj.objType === ObjectType.CRTC) {
    const crtc = obj as Crtc;
    const s = getCrtcState(state, crtc);
    if (asyncRefuses(true)) return;
    return crtcSetProperty(state, crtc, s, prop, val);
  }
  if (obj.objType === ObjectType.CONNECTOR) {
    const conn = obj as Connector;
    const s = getConnectorState(state, conn);
    if (asyncRefuses(true)) return;
    return connectorSetProperty(state, conn, s, prop, val);
  }
  if (obj.objType === OBJECT_COLOROP) {
    // no async-flip restriction and no client-cap check here in the kernel either
    const op = obj as Colorop;
    return coloropSetProperty(state.dev, op, getColoropState(state, op), prop, val);
  }
  fail('EINVAL', `object ${obj.id} has no atomic properties`);
}

/** drm_mode_obj_find_prop_id: the property if attached to the object. */
export function findPropOnObject(obj: ModeObject, propId: number): Property | undefined {
  return obj.props.find((a) => a.prop.id === propId)?.prop;
}

export { findAttachment };
export type { UserPtr };
