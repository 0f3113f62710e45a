/** GETPROPERTY, GETPROPBLOB, CREATEPROPBLOB, DESTROYPROPBLOB (≈ drm_property.c, uapi 2.1–2.2, 2.48–2.51). */
import { fail } from '../../uapi/errno.js';
import { PROPERTY_ENUM_SIZE, PropFlag } from '../../uapi/drm-mode.js';
import type * as S from '../../uapi/ioctl-structs.js';
import { blobPut, createBlob } from '../blob.js';
import type { DrmDevice } from '../device.js';
import type { DrmFile } from '../file.js';
import { propType } from '../property.js';
import { copyFromUser, copyToUser, padName, putU64s } from './user-copy.js';

export function getProperty(dev: DrmDevice, file: DrmFile, a: S.DrmModeGetProperty): void {
  if (!dev.features.modeset) fail('EOPNOTSUPP', 'driver has no DRIVER_MODESET');
  const p = dev.property(a.prop_id);
  if (!p) fail('ENOENT', `no property ${a.prop_id}`);
  a.name = padName(p.name);
  a.flags = p.flags;
  putU64s(file, a.values_ptr, p.values, Math.min(a.count_values, p.values.length));
  a.count_values = p.values.length;
  const t = propType(p);
  if (t === PropFlag.ENUM || t === PropFlag.BITMASK) {
    const n = Math.min(a.count_enum_blobs, p.enums.length);
    if (n > 0) {
      const buf = new Uint8Array(PROPERTY_ENUM_SIZE * n);
      const v = new DataView(buf.buffer);
      for (let i = 0; i < n; i++) {
        const e = p.enums[i]!;
        v.setBigUint64(i * PROPERTY_ENUM_SIZE, e.value, true);
        const name = padName(e.name);
        for (let j = 0; j < name.length; j++) buf[i * PROPERTY_ENUM_SIZE + 8 + j] = name.charCodeAt(j) & 0xff;
      }
      copyToUser(file, a.enum_blob_ptr, buf);
    }
    a.count_enum_blobs = p.enums.length;
  }
  if (t === PropFlag.BLOB) a.count_enum_blobs = 0; // uapi 2.2
}

/** drm_mode_getblob_ioctl: data copied only when length matches exactly (uapi 2.50). */
export function getPropBlob(dev: DrmDevice, file: DrmFile, a: S.DrmModeGetBlob): void {
  if (!dev.features.modeset) fail('EOPNOTSUPP', 'driver has no DRIVER_MODESET');
  const blob = dev.blob(a.blob_id);
  if (!blob) fail('ENOENT', `no blob ${a.blob_id}`);
  if (a.length === blob.data.length) copyToUser(file, a.data, blob.data);
  a.length = blob.data.length;
}

const BLOB_HEADER = 88; // sizeof(struct drm_property_blob) on x86_64

/** drm_mode_createblob_ioctl (uapi 2.48). */
export function createPropBlob(dev: DrmDevice, file: DrmFile, a: S.DrmModeCreateBlob): void {
  if (!dev.features.modeset) fail('EOPNOTSUPP', 'driver has no DRIVER_MODESET');
  if (a.length === 0 || a.length > 0x7fffffff - BLOB_HEADER) fail('EINVAL', `blob length ${a.length} is 0 or too large`);
  const data = copyFromUser(file, a.data, a.length);
  const blob = createBlob(dev, data, file);
  a.blob_id = blob.id;
}

/** drm_mode_destroyblob_ioctl (uapi 2.49, 2.51). */
export function destroyPropBlob(dev: DrmDevice, file: DrmFile, a: S.DrmModeDestroyBlob): void {
  if (!dev.features.modeset) fail('EOPNOTSUPP', 'driver has no DRIVER_MODESET');
  const blob = dev.blob(a.blob_id);
  if (!blob) fail('ENOENT', `no blob ${a.blob_id}`);
  const i = file.blobs.indexOf(blob);
  if (blob.owner !== file || i < 0) fail('EPERM', `blob ${a.blob_id} was not created by this file`);
  file.blobs.splice(i, 1);
  blobPut(dev, blob); // state that still references it keeps it alive (uapi 2.51)
}
