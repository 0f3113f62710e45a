/** Property blobs (≈ drm_property.c blob part): refcounted, optionally owned by a file (uapi 2.48–2.51). */
import { ObjectType } from '../uapi/drm-mode.js';
import type { DrmDevice } from './device.js';
import type { DrmFile } from './file.js';
import type { Blob } from './types.js';

/** drm_property_create_blob: a new blob holding one reference. */
export function createBlob(dev: DrmDevice, data: Uint8Array, owner: DrmFile | null = null): Blob {
  const blob: Blob = { id: 0, objType: ObjectType.BLOB, props: [], data: data.slice(), owner, refs: 1 };
  dev.addObject(blob);
  if (owner) owner.blobs.push(blob);
  return blob;
}

export function blobGet<T extends Blob | null>(blob: T): T {
  if (blob) blob.refs++;
  return blob;
}

/** drm_property_blob_put: at zero the ID is freed and may be reused (uapi 1.2). */
export function blobPut(dev: DrmDevice, blob: Blob | null): void {
  if (!blob) return;
  if (--blob.refs === 0) dev.freeObject(blob);
}

/** Swap a state's blob reference (drm_property_replace_blob). */
export function replaceBlob(dev: DrmDevice, old: Blob | null, next: Blob | null): Blob | null {
  if (old === next) return old;
  blobGet(next);
  blobPut(dev, old);
  return next;
}

/** Replace the contents of a kernel-owned property blob (drm_property_replace_global_blob). */
export function replaceGlobalBlob(dev: DrmDevice, old: Blob | null, data: Uint8Array | null): Blob | null {
  const next = data ? createBlob(dev, data) : null;
  blobPut(dev, old);
  return next;
}
