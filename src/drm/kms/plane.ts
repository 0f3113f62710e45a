/** Planes (≈ drm_plane.c init + drm_blend.c / drm_color_mgmt.c optional properties). */
import { BlendMode, ObjectType, PlaneType, Rotation, type PlaneTypeCode } from '../../uapi/drm-mode.js';
import { DRM_FORMAT_MOD_LINEAR } from '../../uapi/fourcc.js';
import { createBlob } from '../blob.js';
import type { DrmDevice } from '../device.js';
import { attachProperty, createBitmask, createEnum, createRange } from '../property.js';
import type { Plane, PlaneFuncs } from '../types.js';
import { resetPlaneState } from './state.js';

export interface PlaneInit {
  type: PlaneTypeCode;
  /** Bitmask of CRTC indices; 0 lets CRTC init claim primary/cursor planes (uapi 1.10). */
  possibleCrtcs: number;
  formats: readonly number[];
  /** null = the default LINEAR list (uapi 2.17). */
  modifiers?: readonly bigint[] | null;
  funcs?: PlaneFuncs;
  name?: string;
}

/** IN_FORMATS blob (uapi 2.18). */
export function inFormatsBlobData(formats: readonly number[], modifiers: readonly bigint[]): Uint8Array {
  const fmtOff = 24;
  const modOff = Math.ceil((fmtOff + 4 * formats.length) / 8) * 8;
  const size = modOff + 24 * modifiers.length;
  const b = new Uint8Array(size);
  const v = new DataView(b.buffer);
  v.setUint32(0, 1, true); // version = FORMAT_BLOB_CURRENT
  v.setUint32(4, 0, true);
  v.setUint32(8, formats.length, true);
  v.setUint32(12, fmtOff, true);
  v.setUint32(16, modifiers.length, true);
  v.setUint32(20, modOff, true);
  formats.forEach((f, i) => v.setUint32(fmtOff + 4 * i, f >>> 0, true));
  modifiers.forEach((m, j) => {
    const o = modOff + 24 * j;
    // without format_mod_supported every format pairs with every modifier; 64 formats per entry
    let mask = 0n;
    for (let i = 0; i < Math.min(formats.length, 64); i++) mask |= 1n << BigInt(i);
    v.setBigUint64(o, mask, true);
    v.setUint32(o + 8, 0, true);
    v.setUint32(o + 12, 0, true);
    v.setBigUint64(o + 16, m, true);
  });
  return b;
}

/** __drm_universal_plane_init: object, then type + atomic properties, then IN_FORMATS (uapi 2.16, 2.17). */
export function initPlane(dev: DrmDevice, init: PlaneInit): Plane {
  if (dev.planes.length >= 32) throw new Error('at most 32 planes per device (uapi 1.8)');
  const modifiers = init.modifiers ?? (dev.config.fbModifiersNotSupported ? [] : [DRM_FORMAT_MOD_LINEAR]);
  const plane = {
    id: 0, objType: ObjectType.PLANE, props: [], index: dev.planes.length, type: init.type,
    name: init.name ?? `plane-${dev.planes.length}`, possibleCrtcs: init.possibleCrtcs,
    formats: init.formats.map((f) => f >>> 0), modifiers: [...modifiers], funcs: init.funcs ?? {},
    optProps: {}, cursorPos: { x: 0, y: 0 },
  } as unknown as Plane;
  dev.addObject(plane);
  plane.state = resetPlaneState(plane);
  dev.planes.push(plane);
  const s = dev.std;
  attachProperty(plane, s.type, BigInt(init.type));
  if (dev.features.atomic) {
    attachProperty(plane, s.FB_ID, 0n);
    attachProperty(plane, s.IN_FENCE_FD, 0xffffffffffffffffn);
    attachProperty(plane, s.CRTC_ID, 0n);
    for (const p of [s.CRTC_X, s.CRTC_Y, s.CRTC_W, s.CRTC_H, s.SRC_X, s.SRC_Y, s.SRC_W, s.SRC_H]) attachProperty(plane, p, 0n);
  }
  if (modifiers.length > 0) {
    const blob = createBlob(dev, inFormatsBlobData(plane.formats, modifiers));
    attachProperty(plane, s.IN_FORMATS, BigInt(blob.id));
  }
  return plane;
}

export const ROTATION_NAMES = [
  { bit: 0, name: 'rotate-0' }, { bit: 1, name: 'rotate-90' }, { bit: 2, name: 'rotate-180' },
  { bit: 3, name: 'rotate-270' }, { bit: 4, name: 'reflect-x' }, { bit: 5, name: 'reflect-y' },
];

/** drm_plane_create_rotation_property (uapi 2.22). */
export function createRotationProperty(dev: DrmDevice, plane: Plane, initial: number, supported: number): void {
  const p = createBitmask(dev, 0, 'rotation', ROTATION_NAMES, BigInt(supported));
  attachProperty(plane, p, BigInt(initial));
  plane.state.rotation = initial;
  plane.optProps.rotation = p;
}

/** drm_plane_create_alpha_property (uapi 2.20). */
export function createAlphaProperty(dev: DrmDevice, plane: Plane): void {
  const p = createRange(dev, 0, 'alpha', 0n, 0xffffn);
  attachProperty(plane, p, 0xffffn);
  plane.state.alpha = 0xffff;
  plane.optProps.alpha = p;
}

/** drm_plane_create_blend_mode_property (uapi 2.21): listed None, Pre-multiplied, Coverage. */
export function createBlendModeProperty(dev: DrmDevice, plane: Plane, supported: number): void {
  const all = [{ value: BlendMode.NONE, name: 'None' }, { value: BlendMode.PREMULTI, name: 'Pre-multiplied' }, { value: BlendMode.COVERAGE, name: 'Coverage' }];
  if (!(supported & (1 << BlendMode.PREMULTI))) throw new Error('pixel blend mode: Pre-multiplied is mandatory');
  const p = createEnum(dev, 0, 'pixel blend mode', all.filter((e) => supported & (1 << e.value)));
  attachProperty(plane, p, BigInt(BlendMode.PREMULTI));
  plane.optProps['pixel blend mode'] = p;
}

/** drm_plane_create_zpos_property / _immutable_property (uapi 2.24). */
export function createZposProperty(dev: DrmDevice, plane: Plane, zpos: number, min: number, max: number, immutable = false): void {
  const p = immutable ? createRange(dev, 4 /* IMMUTABLE */, 'zpos', BigInt(zpos), BigInt(zpos)) : createRange(dev, 0, 'zpos', BigInt(min), BigInt(max));
  attachProperty(plane, p, BigInt(zpos));
  plane.state.zpos = zpos;
  plane.optProps.zpos = p;
}

export const COLOR_ENCODING_NAMES = ['ITU-R BT.601 YCbCr', 'ITU-R BT.709 YCbCr', 'ITU-R BT.2020 YCbCr'];
export const COLOR_RANGE_NAMES = ['YCbCr limited range', 'YCbCr full range'];

/** drm_plane_create_color_properties (uapi 2.25): bit masks of supported encodings/ranges. */
export function createColorProperties(dev: DrmDevice, plane: Plane, encodings: number, ranges: number, defEnc: number, defRange: number): void {
  const enc = createEnum(dev, 0, 'COLOR_ENCODING', COLOR_ENCODING_NAMES.map((name, value) => ({ value, name })).filter((e) => encodings & (1 << e.value)));
  attachProperty(plane, enc, BigInt(defEnc));
  const rng = createEnum(dev, 0, 'COLOR_RANGE', COLOR_RANGE_NAMES.map((name, value) => ({ value, name })).filter((e) => ranges & (1 << e.value)));
  attachProperty(plane, rng, BigInt(defRange));
  plane.state.color_encoding = defEnc;
  plane.state.color_range = defRange;
  plane.optProps.COLOR_ENCODING = enc;
  plane.optProps.COLOR_RANGE = rng;
}

/** drm_plane_enable_fb_damage_clips (uapi 2.26). */
export function enableFbDamageClips(dev: DrmDevice, plane: Plane): void {
  attachProperty(plane, dev.std.FB_DAMAGE_CLIPS, 0n);
  plane.optProps.FB_DAMAGE_CLIPS = dev.std.FB_DAMAGE_CLIPS;
}

export const isCursorPlane = (p: Plane) => p.type === PlaneType.CURSOR;
export const isPrimaryPlane = (p: Plane) => p.type === PlaneType.PRIMARY;
export { Rotation };
