/**
 * Reading property values (≈ __drm_object_property_get_value and drm_atomic_*_get_property):
 * on atomic drivers mutable properties come from the current state, immutable ones from the
 * stored value (uapi 2.7, 2.19, 2.37, 2.43, 2.46).
 */
import { OBJECT_COLOROP, ObjectType, PropFlag } from '../uapi/drm-mode.js';
import type { DrmDevice } from './device.js';
import { findAttachment, i64ToU64 } from './property.js';
import { coloropPropertyValue } from './colorop.js';
import type { Colorop, Connector, Crtc, ModeObject, Plane, Property } from './types.js';

const id = (o: { id: number } | null | undefined) => BigInt(o?.id ?? 0);

function planeValue(dev: DrmDevice, plane: Plane, prop: Property): bigint | undefined {
  const s = plane.state, p = dev.std;
  switch (prop) {
    case p.FB_ID: return id(s.fb);
    case p.IN_FENCE_FD: return i64ToU64(-1n);
    case p.CRTC_ID: return id(s.crtc);
    case p.CRTC_X: return i64ToU64(BigInt(s.crtc_x));
    case p.CRTC_Y: return i64ToU64(BigInt(s.crtc_y));
    case p.CRTC_W: return BigInt(s.crtc_w);
    case p.CRTC_H: return BigInt(s.crtc_h);
    case p.SRC_X: return BigInt(s.src_x);
    case p.SRC_Y: return BigInt(s.src_y);
    case p.SRC_W: return BigInt(s.src_w);
    case p.SRC_H: return BigInt(s.src_h);
    case p.FB_DAMAGE_CLIPS: return id(s.fb_damage_clips);
  }
  const o = plane.optProps;
  if (prop === o.rotation) return BigInt(s.rotation);
  if (prop === o.alpha) return BigInt(s.alpha);
  if (prop === o['pixel blend mode']) return BigInt(s.pixel_blend_mode);
  if (prop === o.zpos) return BigInt(s.zpos);
  if (prop === o.COLOR_ENCODING) return BigInt(s.color_encoding);
  if (prop === o.COLOR_RANGE) return BigInt(s.color_range);
  if (prop === o.COLOR_PIPELINE) return id(s.color_pipeline);
  return undefined;
}

function crtcValue(dev: DrmDevice, crtc: Crtc, prop: Property): bigint | undefined {
  const s = crtc.state, p = dev.std;
  switch (prop) {
    case p.ACTIVE: return s.active || s.self_refresh_active ? 1n : 0n;
    case p.MODE_ID: return id(s.mode_blob);
    case p.OUT_FENCE_PTR: return 0n;
    case p.VRR_ENABLED: return s.vrr_enabled ? 1n : 0n;
    case p.DEGAMMA_LUT: return id(s.degamma_lut);
    case p.CTM: return id(s.ctm);
    case p.GAMMA_LUT: return id(s.gamma_lut);
  }
  if (prop === crtc.optProps.BACKGROUND_COLOR) return s.background_color;
  return undefined;
}

function connectorValue(dev: DrmDevice, conn: Connector, prop: Property): bigint | undefined {
  const s = conn.state, p = dev.std;
  switch (prop) {
    case p.CRTC_ID: return id(s.crtc);
    case p.DPMS: return s.crtc?.state.self_refresh_active ? 0n : BigInt(conn.dpms); // On while self-refresh is active
    case p['link-status']: return BigInt(s.link_status);
    case p.WRITEBACK_FB_ID: return 0n; // one-shot (uapi 2.46)
    case p.WRITEBACK_OUT_FENCE_PTR: return 0n;
  }
  return undefined;
}

/** The value userspace reads for `prop` on `obj` (the property must be attached). */
export function propertyValue(dev: DrmDevice, obj: ModeObject, prop: Property): bigint {
  const att = findAttachment(obj, prop);
  if (!att) throw new Error(`property ${prop.name} is not attached to object ${obj.id}`);
  if (!dev.features.atomic || prop.flags & PropFlag.IMMUTABLE) return att.value;
  let v: bigint | undefined;
  if (obj.objType === ObjectType.PLANE) v = planeValue(dev, obj as Plane, prop);
  else if (obj.objType === ObjectType.CRTC) v = crtcValue(dev, obj as Crtc, prop);
  else if (obj.objType === ObjectType.CONNECTOR) v = connectorValue(dev, obj as Connector, prop);
  else if (obj.objType === OBJECT_COLOROP) v = coloropPropertyValue(obj as Colorop, prop);
  // driver-private properties keep their value in the attachment
  return v ?? att.value;
}
