/**
 * The standard properties every device creates first, in the kernel's order (uapi 1.6):
 * drm_connector_create_standard_properties, then drm_mode_create_standard_properties.
 */
import { ObjectType, PropFlag } from '../uapi/drm-mode.js';
import type { DrmDevice } from './device.js';
import {
  INT_MAX, INT_MIN, U32_MAX, U64_MAX, createBlobProp, createBool, createEnum, createObjectProp, createRange, createSignedRange,
} from './property.js';
import type { Property } from './types.js';

const { ATOMIC, IMMUTABLE } = PropFlag;

export const DPMS_ENUM = [{ value: 0, name: 'On' }, { value: 1, name: 'Standby' }, { value: 2, name: 'Suspend' }, { value: 3, name: 'Off' }];
export const LINK_STATUS_ENUM = [{ value: 0, name: 'Good' }, { value: 1, name: 'Bad' }];
export const PLANE_TYPE_ENUM = [{ value: 0, name: 'Overlay' }, { value: 1, name: 'Primary' }, { value: 2, name: 'Cursor' }];

export interface StandardProperties {
  EDID: Property; DPMS: Property; PATH: Property; TILE: Property; 'link-status': Property;
  'non-desktop': Property; HDR_OUTPUT_METADATA: Property;
  type: Property; SRC_X: Property; SRC_Y: Property; SRC_W: Property; SRC_H: Property;
  CRTC_X: Property; CRTC_Y: Property; CRTC_W: Property; CRTC_H: Property; FB_ID: Property;
  IN_FENCE_FD: Property; OUT_FENCE_PTR: Property; CRTC_ID: Property; FB_DAMAGE_CLIPS: Property;
  ACTIVE: Property; MODE_ID: Property; VRR_ENABLED: Property; DEGAMMA_LUT: Property;
  DEGAMMA_LUT_SIZE: Property; CTM: Property; GAMMA_LUT: Property; GAMMA_LUT_SIZE: Property;
  IN_FORMATS: Property; SIZE_HINTS: Property;
  /** Created on the first writeback connector (uapi 2.45). */
  WRITEBACK_FB_ID?: Property; WRITEBACK_PIXEL_FORMATS?: Property; WRITEBACK_OUT_FENCE_PTR?: Property;
}

export function createStandardProperties(dev: DrmDevice): StandardProperties {
  const p: Partial<StandardProperties> = {};
  // drm_connector_create_standard_properties
  p.EDID = createBlobProp(dev, IMMUTABLE, 'EDID');
  p.DPMS = createEnum(dev, 0, 'DPMS', DPMS_ENUM);
  p.PATH = createBlobProp(dev, IMMUTABLE, 'PATH');
  p.TILE = createBlobProp(dev, IMMUTABLE, 'TILE');
  p['link-status'] = createEnum(dev, 0, 'link-status', LINK_STATUS_ENUM);
  p['non-desktop'] = createBool(dev, IMMUTABLE, 'non-desktop');
  p.HDR_OUTPUT_METADATA = createBlobProp(dev, 0, 'HDR_OUTPUT_METADATA');
  // drm_mode_create_standard_properties
  p.type = createEnum(dev, IMMUTABLE, 'type', PLANE_TYPE_ENUM);
  p.SRC_X = createRange(dev, ATOMIC, 'SRC_X', 0n, U32_MAX);
  p.SRC_Y = createRange(dev, ATOMIC, 'SRC_Y', 0n, U32_MAX);
  p.SRC_W = createRange(dev, ATOMIC, 'SRC_W', 0n, U32_MAX);
  p.SRC_H = createRange(dev, ATOMIC, 'SRC_H', 0n, U32_MAX);
  p.CRTC_X = createSignedRange(dev, ATOMIC, 'CRTC_X', INT_MIN, INT_MAX);
  p.CRTC_Y = createSignedRange(dev, ATOMIC, 'CRTC_Y', INT_MIN, INT_MAX);
  p.CRTC_W = createRange(dev, ATOMIC, 'CRTC_W', 0n, INT_MAX);
  p.CRTC_H = createRange(dev, ATOMIC, 'CRTC_H', 0n, INT_MAX);
  p.FB_ID = createObjectProp(dev, ATOMIC, 'FB_ID', ObjectType.FB);
  p.IN_FENCE_FD = createSignedRange(dev, ATOMIC, 'IN_FENCE_FD', -1n, INT_MAX);
  p.OUT_FENCE_PTR = createRange(dev, ATOMIC, 'OUT_FENCE_PTR', 0n, U64_MAX);
  p.CRTC_ID = createObjectProp(dev, ATOMIC, 'CRTC_ID', ObjectType.CRTC);
  p.FB_DAMAGE_CLIPS = createBlobProp(dev, ATOMIC, 'FB_DAMAGE_CLIPS');
  p.ACTIVE = createBool(dev, ATOMIC, 'ACTIVE');
  p.MODE_ID = createBlobProp(dev, ATOMIC, 'MODE_ID');
  p.VRR_ENABLED = createBool(dev, 0, 'VRR_ENABLED');
  p.DEGAMMA_LUT = createBlobProp(dev, 0, 'DEGAMMA_LUT');
  p.DEGAMMA_LUT_SIZE = createRange(dev, IMMUTABLE, 'DEGAMMA_LUT_SIZE', 0n, U32_MAX);
  p.CTM = createBlobProp(dev, 0, 'CTM');
  p.GAMMA_LUT = createBlobProp(dev, 0, 'GAMMA_LUT');
  p.GAMMA_LUT_SIZE = createRange(dev, IMMUTABLE, 'GAMMA_LUT_SIZE', 0n, U32_MAX);
  p.IN_FORMATS = createBlobProp(dev, IMMUTABLE, 'IN_FORMATS');
  p.SIZE_HINTS = createBlobProp(dev, IMMUTABLE, 'SIZE_HINTS');
  return p as StandardProperties;
}
