/**
 * Framebuffers (≈ drm_framebuffer.c + drm_gem_framebuffer_helper.c): ADDFB2's checks in the
 * kernel's order (uapi 5.1–5.9), references, removal (5.11–5.16).
 */
import { fail } from '../uapi/errno.js';
import { FbFlag, ObjectType } from '../uapi/drm-mode.js';
import { DRM_FORMAT_MOD_LINEAR, formatInfo, minPitch, planeHeight, planeWidth } from '../uapi/fourcc.js';
import type { DrmDevice } from './device.js';
import type { DrmFile } from './file.js';
import { gemLookup, gemPut } from './gem.js';
import type { Framebuffer, GemObject, Plane } from './types.js';

export interface FbCmd2 {
  width: number; height: number; pixel_format: number; flags: number;
  handles: number[]; pitches: number[]; offsets: number[]; modifier: bigint[];
}

const UINT_MAX = 0xffffffff;

/** drm_plane_has_format (uapi 3.20). */
export function planeHasFormat(plane: Plane, format: number, modifier: bigint): boolean {
  if (!plane.formats.includes(format >>> 0)) return false;
  if (plane.modifiers.length === 0) return true;
  return plane.modifiers.includes(modifier);
}

/** drm_internal_framebuffer_create + framebuffer_check + drm_gem_fb_init_with_funcs. */
export function createFramebuffer(dev: DrmDevice, file: DrmFile | null, r: FbCmd2, internal = false, gemOverride?: GemObject[]): Framebuffer {
  const cfg = dev.config;
  if (r.flags & ~(FbFlag.INTERLACED | FbFlag.MODIFIERS)) fail('EINVAL', `bad framebuffer flags 0x${r.flags.toString(16)}`);
  if (cfg.minWidth > r.width || r.width > cfg.maxWidth) fail('EINVAL', `width ${r.width} outside [${cfg.minWidth}, ${cfg.maxWidth}]`);
  if (cfg.minHeight > r.height || r.height > cfg.maxHeight) fail('EINVAL', `height ${r.height} outside [${cfg.minHeight}, ${cfg.maxHeight}]`);
  if (r.flags & FbFlag.MODIFIERS && cfg.fbModifiersNotSupported) fail('EINVAL', 'driver does not support modifiers');
  // framebuffer_check (uapi 5.4–5.6)
  const info = formatInfo(r.pixel_format);
  if (!info) fail('EINVAL', `unknown pixel format 0x${(r.pixel_format >>> 0).toString(16)}`);
  if (r.width === 0) fail('EINVAL', 'width is 0');
  if (r.height === 0) fail('EINVAL', 'height is 0');
  for (let i = 0; i < info.numPlanes; i++) {
    const w = planeWidth(info, r.width, i), h = planeHeight(info, r.height, i);
    const block = info.charPerBlock[i];
    const mp = minPitch(info, i, w);
    if (!block && r.modifier[i] === DRM_FORMAT_MOD_LINEAR) fail('EINVAL', `format ${info.name} requires a non-linear modifier`);
    if (!r.handles[i]) fail('EINVAL', `no buffer object handle for plane ${i}`);
    if (mp > UINT_MAX) fail('ERANGE', `min pitch of plane ${i} exceeds UINT_MAX`);
    if (h * r.pitches[i]! + r.offsets[i]! > UINT_MAX) fail('ERANGE', `plane ${i}: height*pitch+offset exceeds UINT_MAX`);
    if (block && r.pitches[i]! < mp) fail('EINVAL', `bad pitch ${r.pitches[i]} for plane ${i} (min ${mp})`);
    if (r.modifier[i] && !(r.flags & FbFlag.MODIFIERS)) fail('EINVAL', `modifier on plane ${i} without DRM_MODE_FB_MODIFIERS`);
    if (r.flags & FbFlag.MODIFIERS && r.modifier[i] !== r.modifier[0]) fail('EINVAL', `modifier of plane ${i} differs from plane 0`);
  }
  for (let i = info.numPlanes; i < 4; i++) {
    if (r.modifier[i]) fail('EINVAL', `non-zero modifier for unused plane ${i}`);
    if (!(r.flags & FbFlag.MODIFIERS)) continue; // pre-modifier userspace did not clear the rest
    if (r.handles[i]) fail('EINVAL', `buffer object handle for unused plane ${i}`);
    if (r.pitches[i]) fail('EINVAL', `non-zero pitch for unused plane ${i}`);
    if (r.offsets[i]) fail('EINVAL', `non-zero offset for unused plane ${i}`);
  }
  // drm_gem_fb_create_with_funcs (uapi 5.8)
  const modifier = r.modifier[0] ?? 0n;
  if (dev.features.atomic && !dev.planes.some((p) => planeHasFormat(p, r.pixel_format, modifier)))
    fail('EINVAL', `no plane supports format ${info.name} with modifier 0x${modifier.toString(16)}`);
  const objs: GemObject[] = [];
  for (let i = 0; i < info.numPlanes; i++) {
    const w = Math.floor(r.width / (i ? info.hsub : 1)), h = Math.floor(r.height / (i ? info.vsub : 1));
    const obj = gemOverride?.[i] ?? (file ? gemLookup(file, r.handles[i]!) : undefined);
    if (!obj) fail('ENOENT', `plane ${i}: no GEM handle ${r.handles[i]} in this file`);
    const minSize = ((h - 1) * r.pitches[i]! + minPitch(info, i, w) + r.offsets[i]!) >>> 0;
    if (obj.size < minSize) fail('EINVAL', `plane ${i}: buffer of ${obj.size} bytes is smaller than the ${minSize} the framebuffer needs`);
    objs.push(obj);
  }
  for (const o of objs) o.refs++;
  const fb: Framebuffer = {
    id: 0, objType: ObjectType.FB, props: [], format: info, width: r.width, height: r.height,
    pitches: r.pitches.slice(0, 4), offsets: r.offsets.slice(0, 4), modifier: r.flags & FbFlag.MODIFIERS ? modifier : DRM_FORMAT_MOD_LINEAR,
    flags: r.flags, objs, owner: file, internal, refs: 1, removed: false,
  };
  dev.addObject(fb);
  if (file && !internal) file.fbs.unshift(fb); // list_add at head: newest first (uapi 1.17)
  return fb;
}

export function fbGet<T extends Framebuffer | null>(fb: T): T {
  if (fb) fb.refs++;
  return fb;
}

/** drm_framebuffer_put: at zero the ID is freed (uapi 5.14) and the GEM references dropped. */
export function fbPut(dev: DrmDevice, fb: Framebuffer | null): void {
  if (!fb) return;
  if (--fb.refs > 0) return;
  dev.freeObject(fb);
  for (const o of fb.objs) gemPut(o);
}

/** Find an FB in this file's list (RMFB/CLOSEFB ownership, uapi 5.11, 5.15). */
export function fileOwnsFb(file: DrmFile, fb: Framebuffer): boolean {
  return file.fbs.includes(fb);
}

export function detachFromFile(file: DrmFile, fb: Framebuffer): void {
  const i = file.fbs.indexOf(fb);
  if (i >= 0) file.fbs.splice(i, 1);
  fb.owner = null;
}
