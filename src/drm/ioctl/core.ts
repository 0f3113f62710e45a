/** VERSION, caps, client caps, SET_VERSION, magic/auth, SET/DROP_MASTER (≈ drm_ioctl.c, drm_auth.c). */
import { fail } from '../../uapi/errno.js';
import { CLIENT_CAP_PLANE_COLOR_PIPELINE, Cap, ClientCap, PRIME_CAP_EXPORT, PRIME_CAP_IMPORT } from '../../uapi/drm-mode.js';
import type * as S from '../../uapi/ioctl-structs.js';
import type { DrmDevice } from '../device.js';
import type { DrmFile } from '../file.js';
import { createMaster, isCurrentMaster } from '../master.js';
import { setPlaneColorPipelineCap } from '../colorop.js';
import { copyToUser } from './user-copy.js';

/** drm_copy_field: copy up to *len bytes, report the full length. */
function copyField(file: DrmFile, ptr: S.UserPtr, len: bigint, value: string): bigint {
  const bytes = new TextEncoder().encode(value);
  const n = Math.min(bytes.length, Number(len > 0xffffffffn ? 0xffffffffn : len));
  if (n > 0) copyToUser(file, ptr, bytes.subarray(0, n));
  return BigInt(bytes.length);
}

export function version(dev: DrmDevice, file: DrmFile, a: S.DrmVersion & Record<string, unknown>): void {
  a.version_major = dev.info.major;
  a.version_minor = dev.info.minor;
  a.version_patchlevel = dev.info.patchlevel;
  (a as Record<string, unknown>).name_len = copyField(file, a.name, BigInt(a.name_len), dev.info.name);
  // driver date is deprecated; userspace expects a non-empty string
  (a as Record<string, unknown>).date_len = copyField(file, a.date, BigInt(a.date_len), dev.info.date || '0');
  (a as Record<string, unknown>).desc_len = copyField(file, a.desc, BigInt(a.desc_len), dev.info.desc);
}

/** drm_getcap (uapi 1.16). */
export function getCap(dev: DrmDevice, _file: DrmFile, a: S.DrmGetCap): void {
  a.value = 0n;
  const c = a.capability;
  switch (c) {
    case BigInt(Cap.TIMESTAMP_MONOTONIC): a.value = 1n; return;
    case BigInt(Cap.PRIME): a.value = BigInt(PRIME_CAP_IMPORT | PRIME_CAP_EXPORT); return;
    case BigInt(Cap.SYNCOBJ): case BigInt(Cap.SYNCOBJ_TIMELINE): a.value = 0n; return;
  }
  if (!dev.features.modeset) fail('EOPNOTSUPP', 'capability needs a modeset driver');
  const cfg = dev.config;
  switch (c) {
    case BigInt(Cap.DUMB_BUFFER): a.value = dev.features.dumb ? 1n : 0n; return;
    case BigInt(Cap.VBLANK_HIGH_CRTC): a.value = 1n; return;
    case BigInt(Cap.DUMB_PREFERRED_DEPTH): a.value = BigInt(cfg.preferredDepth); return;
    case BigInt(Cap.DUMB_PREFER_SHADOW): a.value = BigInt(cfg.preferShadow); return;
    case BigInt(Cap.ASYNC_PAGE_FLIP): a.value = cfg.asyncPageFlip ? 1n : 0n; return;
    // 1 unless some CRTC lacks page_flip_target: vacuously 1 without CRTCs
    case BigInt(Cap.PAGE_FLIP_TARGET): a.value = cfg.pageFlipTarget || dev.crtcs.length === 0 ? 1n : 0n; return;
    case BigInt(Cap.CURSOR_WIDTH): a.value = BigInt(cfg.cursorWidth || 64); return;
    case BigInt(Cap.CURSOR_HEIGHT): a.value = BigInt(cfg.cursorHeight || 64); return;
    case BigInt(Cap.ADDFB2_MODIFIERS): a.value = cfg.fbModifiersNotSupported ? 0n : 1n; return;
    case BigInt(Cap.CRTC_IN_VBLANK_EVENT): a.value = 1n; return;
    case BigInt(Cap.ATOMIC_ASYNC_PAGE_FLIP): a.value = dev.features.atomic && cfg.asyncPageFlip ? 1n : 0n; return;
  }
  fail('EINVAL', `unknown capability ${c}`);
}

/** drm_setclientcap (uapi 1.11–1.15). */
export function setClientCap(dev: DrmDevice, file: DrmFile, a: S.DrmSetClientCap): void {
  if (!dev.features.modeset) fail('EOPNOTSUPP', 'client caps need a modeset driver');
  const v = a.value;
  switch (a.capability) {
    case BigInt(ClientCap.STEREO_3D):
      if (v > 1n) fail('EINVAL', `STEREO_3D value ${v} > 1`);
      file.stereoAllowed = v === 1n; return;
    case BigInt(ClientCap.UNIVERSAL_PLANES):
      if (v > 1n) fail('EINVAL', `UNIVERSAL_PLANES value ${v} > 1`);
      file.universalPlanes = v === 1n; return;
    case BigInt(ClientCap.ATOMIC):
      if (!dev.features.atomic) fail('EOPNOTSUPP', 'driver is not atomic');
      // the modesetting DDX has a broken idea of atomic
      if (file.comm.startsWith('X') && v === 1n) fail('EOPNOTSUPP', 'broken atomic modeset userspace detected, disabling atomic');
      if (v > 2n) fail('EINVAL', `ATOMIC value ${v} > 2`);
      file.atomic = v !== 0n;
      file.universalPlanes = v !== 0n;
      file.aspectRatioAllowed = v !== 0n;
      return;
    case BigInt(ClientCap.ASPECT_RATIO):
      if (v > 1n) fail('EINVAL', `ASPECT_RATIO value ${v} > 1`);
      file.aspectRatioAllowed = v === 1n; return;
    case BigInt(ClientCap.WRITEBACK_CONNECTORS):
      if (!file.atomic) fail('EINVAL', 'WRITEBACK_CONNECTORS needs the ATOMIC client cap first');
      if (v > 1n) fail('EINVAL', `WRITEBACK_CONNECTORS value ${v} > 1`);
      file.writebackConnectors = v === 1n; return;
    case BigInt(ClientCap.CURSOR_PLANE_HOTSPOT):
      if (!dev.features.cursorHotspot) fail('EOPNOTSUPP', 'driver has no DRIVER_CURSOR_HOTSPOT');
      if (!file.atomic) fail('EINVAL', 'CURSOR_PLANE_HOTSPOT needs the ATOMIC client cap first');
      if (v > 1n) fail('EINVAL', `CURSOR_PLANE_HOTSPOT value ${v} > 1`);
      file.supportsVirtualizedCursorPlane = v === 1n; return;
    case BigInt(CLIENT_CAP_PLANE_COLOR_PIPELINE):
      setPlaneColorPipelineCap(file, v); return;
  }
  fail('EINVAL', `unknown client capability ${a.capability}`);
}

const DRM_IF_MAJOR = 1, DRM_IF_MINOR = 4;
/** drm_setversion (master only). */
export function setVersion(dev: DrmDevice, file: DrmFile, a: S.DrmSetVersion): void {
  let err: [string, string] | null = null;
  if (a.drm_di_major !== -1) {
    if (a.drm_di_major !== DRM_IF_MAJOR || a.drm_di_minor < 0 || a.drm_di_minor > DRM_IF_MINOR) err = ['EINVAL', `interface version ${a.drm_di_major}.${a.drm_di_minor} not supported`];
    else if (a.drm_di_minor >= 1 && file.master) {
      const m = file.master as { unique?: boolean };
      if (m.unique) err = ['EBUSY', 'bus id already set for this master'];
      else m.unique = true;
    }
  }
  if (!err && a.drm_dd_major !== -1) {
    if (a.drm_dd_major !== dev.info.major || a.drm_dd_minor < 0 || a.drm_dd_minor > dev.info.minor) err = ['EINVAL', `driver version ${a.drm_dd_major}.${a.drm_dd_minor} not supported`];
  }
  a.drm_di_major = DRM_IF_MAJOR;
  a.drm_di_minor = DRM_IF_MINOR;
  a.drm_dd_major = dev.info.major;
  a.drm_dd_minor = dev.info.minor;
  if (err) fail(err[0] as 'EINVAL', err[1]);
}

/** drm_getmagic (uapi 6.10): lowest free in the master's magic table, stable per file. */
export function getMagic(_dev: DrmDevice, file: DrmFile, a: S.DrmAuth): void {
  if (!file.magic && file.master) file.magic = file.master.magicMap.alloc(file);
  a.magic = file.magic;
}

/** drm_authmagic: the magic is consumed (its slot stays reserved) and its file authenticated. */
export function authMagic(_dev: DrmDevice, file: DrmFile, a: S.DrmAuth): void {
  const target = file.master?.magicMap.get(a.magic);
  if (!target) fail('EINVAL', `unknown or consumed magic ${a.magic}`);
  target.authenticated = true;
  file.master!.magicMap.replace(a.magic, null);
}

/** drm_master_check_perm (uapi 6.6). */
function checkMasterPerm(file: DrmFile): void {
  if (file.wasMaster) return; // the opening process is the caller here
  if (!file.capSysAdmin) fail('EACCES', 'file was never master and caller lacks CAP_SYS_ADMIN');
}

/** drm_new_set_master: a fresh master object for this file. */
export function newSetMaster(dev: DrmDevice, file: DrmFile): void {
  file.master = createMaster();
  file.isMaster = true;
  file.authenticated = true;
  dev.master = file.master;
  file.wasMaster = true;
}

/** drm_setmaster_ioctl (uapi 6.7). */
export function setMaster(dev: DrmDevice, file: DrmFile): void {
  checkMasterPerm(file);
  if (isCurrentMaster(dev, file)) return;
  if (dev.master) fail('EBUSY', 'another file is master');
  if (!file.master) fail('EINVAL', 'file has no master');
  if (!file.isMaster) return newSetMaster(dev, file);
  if (file.master.lessor) fail('EINVAL', `lessee ${file.master.lesseeId} cannot become master`);
  dev.master = file.master;
  file.wasMaster = true;
}

/** drm_dropmaster_ioctl (uapi 6.8). */
export function dropMaster(dev: DrmDevice, file: DrmFile): void {
  checkMasterPerm(file);
  if (!isCurrentMaster(dev, file)) fail('EINVAL', 'caller is not the current master');
  if (!dev.master) fail('EINVAL', 'device has no master');
  if (file.master!.lessor) fail('EINVAL', 'a lessee cannot drop master');
  dev.master = null;
}
