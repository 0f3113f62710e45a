/** Dumb buffers, GEM handles and framebuffer ioctls (≈ drm_dumb_buffers.c, drm_gem.c, drm_framebuffer.c). */
import { fail } from '../../uapi/errno.js';
import { DirtyFlag, FB_DIRTY_MAX_CLIPS, FbFlag } from '../../uapi/drm-mode.js';
import { DRM_FORMAT_INVALID, bitsPerPixel, legacyFbFormat } from '../../uapi/fourcc.js';
import type * as S from '../../uapi/ioctl-structs.js';
import { isNullPtr } from '../../uapi/user-memory.js';
import type { DrmDevice } from '../device.js';
import type { DrmFile } from '../file.js';
import { createFramebuffer, detachFromFile, fbPut, fileOwnsFb } from '../framebuffer.js';
import { createDumb, gemLookup, handleCreate, handleDelete, mapDumb } from '../gem.js';
import { isCurrentMaster } from '../master.js';
import { removeFb } from '../fb-remove.js';
import { copyFromUser } from './user-copy.js';

function needModeset(dev: DrmDevice): void {
  if (!dev.features.modeset) fail('EOPNOTSUPP', 'driver has no DRIVER_MODESET');
}

export function createDumbIoctl(dev: DrmDevice, file: DrmFile, a: S.DrmModeCreateDumb): void {
  // handle, pitch and size are outputs: zeroed before the driver runs (uapi 5.22)
  a.handle = 0; a.pitch = 0; a.size = 0n;
  const r = createDumb(dev, file, a.width, a.height, a.bpp);
  a.handle = r.handle; a.pitch = r.pitch; a.size = r.size;
}

export function mapDumbIoctl(dev: DrmDevice, file: DrmFile, a: S.DrmModeMapDumb): void {
  a.offset = mapDumb(dev, file, a.handle);
}

export function destroyDumbIoctl(dev: DrmDevice, file: DrmFile, a: S.DrmModeDestroyDumb): void {
  if (!dev.features.dumb) fail('ENOSYS', 'driver has no dumb_create');
  handleDelete(file, a.handle);
}

export function gemClose(dev: DrmDevice, file: DrmFile, a: S.DrmGemClose): void {
  if (!dev.features.gem) fail('EOPNOTSUPP', 'driver has no DRIVER_GEM');
  handleDelete(file, a.handle);
}

/** drm_gem_flink_ioctl: a global name, lowest free ≥ 1, stable per object. */
export function gemFlink(dev: DrmDevice, file: DrmFile, a: S.DrmGemFlink): void {
  if (!dev.features.gem) fail('EOPNOTSUPP', 'driver has no DRIVER_GEM');
  const obj = gemLookup(file, a.handle);
  if (!obj) fail('ENOENT', `no GEM handle ${a.handle}`);
  if (!obj.flinkName) obj.flinkName = flinkNames(dev).alloc(obj);
  a.name = obj.flinkName;
}

export function gemOpen(dev: DrmDevice, file: DrmFile, a: S.DrmGemOpen): void {
  if (!dev.features.gem) fail('EOPNOTSUPP', 'driver has no DRIVER_GEM');
  const obj = flinkNames(dev).get(a.name);
  if (!obj) fail('ENOENT', `no GEM object named ${a.name}`);
  a.handle = handleCreate(file, obj);
  a.size = BigInt(obj.size);
}

import { Idr } from '../idr.js';
import type { GemObject } from '../types.js';
const names = new WeakMap<DrmDevice, Idr<GemObject>>();
function flinkNames(dev: DrmDevice): Idr<GemObject> {
  let n = names.get(dev);
  if (!n) names.set(dev, (n = new Idr()));
  return n;
}

/** drm_mode_addfb2 (uapi 5.1–5.9). */
export function addFb2(dev: DrmDevice, file: DrmFile, a: S.DrmModeFbCmd2): void {
  needModeset(dev);
  const fb = createFramebuffer(dev, file, a);
  a.fb_id = fb.id;
}

/** drm_mode_addfb: legacy (bpp, depth) → fourcc, then ADDFB2 with flags 0 (uapi 5.10). */
export function addFb(dev: DrmDevice, file: DrmFile, a: S.DrmModeFbCmd): void {
  needModeset(dev);
  const format = legacyFbFormat(a.bpp, a.depth);
  if (format === DRM_FORMAT_INVALID) fail('EINVAL', `unsupported legacy bpp ${a.bpp} / depth ${a.depth}`);
  const fb = createFramebuffer(dev, file, {
    width: a.width, height: a.height, pixel_format: format, flags: 0,
    handles: [a.handle, 0, 0, 0], pitches: [a.pitch, 0, 0, 0], offsets: [0, 0, 0, 0], modifier: [0n, 0n, 0n, 0n],
  });
  a.fb_id = fb.id;
}

/** drm_mode_rmfb (uapi 5.11–5.14). */
export function rmFb(dev: DrmDevice, file: DrmFile, a: S.DrmModeRmFb): void | Promise<void> {
  needModeset(dev);
  const fb = dev.fb(a.fb_id);
  if (!fb || !fileOwnsFb(file, fb)) fail('ENOENT', `no framebuffer ${a.fb_id} owned by this file`);
  detachFromFile(file, fb);
  // the planes showing it are off before RMFB returns (uapi 5.12): wait for that commit
  return removeFb(dev, fb);
}

/** drm_mode_closefb_ioctl (uapi 5.15): no plane is disabled. */
export function closeFb(dev: DrmDevice, file: DrmFile, a: S.DrmModeCloseFb): void {
  needModeset(dev);
  if (a.pad) fail('EINVAL', 'pad must be 0');
  const fb = dev.fb(a.fb_id);
  if (!fb || !fileOwnsFb(file, fb)) fail('ENOENT', `no framebuffer ${a.fb_id} owned by this file`);
  detachFromFile(file, fb);
  fbPut(dev, fb);
}

/** drm_mode_getfb (uapi 5.17). */
export function getFb(dev: DrmDevice, file: DrmFile, a: S.DrmModeFbCmd): void {
  needModeset(dev);
  const fb = dev.fb(a.fb_id);
  if (!fb) fail('ENOENT', `no framebuffer ${a.fb_id}`);
  if (fb.format.numPlanes > 1) fail('EINVAL', `framebuffer ${a.fb_id} is multi-planar: use GETFB2`);
  a.height = fb.height;
  a.width = fb.width;
  a.depth = fb.format.depth;
  a.bpp = bitsPerPixel(fb.format, 0);
  a.pitch = fb.pitches[0]!;
  a.handle = (isCurrentMaster(dev, file) || file.capSysAdmin) && fb.objs[0] ? handleCreate(file, fb.objs[0]) : 0;
}

/** drm_mode_getfb2_ioctl (uapi 5.18). */
export function getFb2(dev: DrmDevice, file: DrmFile, a: S.DrmModeFbCmd2): void {
  // unlike its siblings (EOPNOTSUPP), drm_mode_getfb2_ioctl answers EINVAL without DRIVER_MODESET
  if (!dev.features.modeset) fail('EINVAL', 'driver has no DRIVER_MODESET');
  const fb = dev.fb(a.fb_id);
  if (!fb) fail('ENOENT', `no framebuffer ${a.fb_id}`);
  a.height = fb.height;
  a.width = fb.width;
  a.pixel_format = fb.format.format;
  a.flags = dev.config.fbModifiersNotSupported ? 0 : FbFlag.MODIFIERS;
  a.handles = [0, 0, 0, 0]; a.pitches = [0, 0, 0, 0]; a.offsets = [0, 0, 0, 0]; a.modifier = [0n, 0n, 0n, 0n];
  for (let i = 0; i < fb.format.numPlanes; i++) {
    a.pitches[i] = fb.pitches[i]!;
    a.offsets[i] = fb.offsets[i]!;
    if (!dev.config.fbModifiersNotSupported) a.modifier[i] = fb.modifier;
  }
  if (!isCurrentMaster(dev, file) && !file.capSysAdmin) return;
  for (let i = 0; i < fb.format.numPlanes; i++) {
    // the same object on several planes gets the same handle
    const j = fb.objs.slice(0, i).indexOf(fb.objs[i]!);
    a.handles[i] = j >= 0 ? a.handles[j]! : handleCreate(file, fb.objs[i]!);
  }
}

/** drm_mode_dirtyfb_ioctl (uapi 5.19). */
export function dirtyFb(dev: DrmDevice, file: DrmFile, a: S.DrmModeFbDirtyCmd): void {
  needModeset(dev);
  const fb = dev.fb(a.fb_id);
  if (!fb) fail('ENOENT', `no framebuffer ${a.fb_id}`);
  const n = a.num_clips | 0;
  if (!n !== isNullPtr(a.clips_ptr)) fail('EINVAL', 'num_clips and clips_ptr must both be zero or both be set');
  const flags = a.flags & (DirtyFlag.ANNOTATE_COPY | DirtyFlag.ANNOTATE_FILL);
  if (flags & DirtyFlag.ANNOTATE_COPY && n % 2) fail('EINVAL', 'ANNOTATE_COPY needs clips in pairs');
  if (n) {
    if (n < 0 || n > FB_DIRTY_MAX_CLIPS) fail('EINVAL', `num_clips ${a.num_clips} outside 1..${FB_DIRTY_MAX_CLIPS}`);
    copyFromUser(file, a.clips_ptr, n * 8);
  }
  const dirty = dev.fbDirty;
  if (!dirty) fail('ENOSYS', 'framebuffer has no dirty callback');
  dirty(fb, flags, a.color, n);
}
