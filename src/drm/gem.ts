/** GEM objects and dumb buffers (≈ drm_gem.c, drm_dumb_buffers.c, drm_gem_shmem_helper.c). */
import { fail } from '../uapi/errno.js';
import type { DrmDevice } from './device.js';
import type { DrmFile } from './file.js';
import type { GemObject } from './types.js';

export const PAGE_SIZE = 4096;
const U32 = 0xffffffffn;
/** Largest buffer this emulator will back with memory; larger dumb buffers fail with ENOMEM. */
export const MAX_GEM_SIZE = 1 << 30;

export function pageAlign(n: bigint): bigint {
  return (n + BigInt(PAGE_SIZE - 1)) & ~BigInt(PAGE_SIZE - 1);
}

export function createGemObject(size: number, dumb: GemObject['dumb'] = null): GemObject {
  if (size > MAX_GEM_SIZE) fail('ENOMEM', `buffer of ${size} bytes is larger than this emulator backs (${MAX_GEM_SIZE})`);
  // SharedArrayBuffer so worker threads can compose straight from the buffer
  const bytes = new Uint8Array(new SharedArrayBuffer(size));
  return { size, bytes, mmapOffset: 0n, refs: 0, flinkName: 0, dumb };
}

/** drm_gem_handle_create: lowest free handle ≥ 1 in this file (uapi 5.24). */
export function handleCreate(file: DrmFile, obj: GemObject): number {
  obj.refs++;
  return file.handles.alloc(obj);
}

export function gemLookup(file: DrmFile, handle: number): GemObject | undefined {
  return handle === 0 ? undefined : file.handles.get(handle);
}

export function gemPut(obj: GemObject | null): void {
  if (obj) obj.refs--;
}

/** drm_gem_handle_delete: EINVAL for an unknown handle (uapi 5.26); FBs keep their reference (5.27). */
export function handleDelete(file: DrmFile, handle: number): void {
  const obj = gemLookup(file, handle);
  if (!obj) fail('EINVAL', `no GEM handle ${handle} in this file`);
  file.handles.remove(handle);
  gemPut(obj);
}

/**
 * drm_mode_create_dumb + drm_gem_shmem_dumb_create (uapi 5.21–5.23): checks in the kernel's order,
 * then pitch = ceil(width*bpp/8), size = PAGE_ALIGN(pitch*height) in 32-bit arithmetic.
 */
export function createDumb(dev: DrmDevice, file: DrmFile, width: number, height: number, bpp: number): { handle: number; pitch: number; size: bigint } {
  if (!dev.features.dumb) fail('ENOSYS', 'driver has no dumb_create');
  if (!width || !height || !bpp) fail('EINVAL', `width (${width}), height (${height}) and bpp (${bpp}) must be nonzero`);
  if (BigInt(bpp) > U32 - 8n) fail('EINVAL', `bpp ${bpp} too large`);
  const cpp = BigInt(Math.ceil(bpp / 8));
  if (cpp > U32 / BigInt(width)) fail('EINVAL', `width ${width} × ${cpp} bytes overflows 32 bits`);
  const stride = cpp * BigInt(width);
  if (BigInt(height) > U32 / stride) fail('EINVAL', `height ${height} × stride ${stride} overflows 32 bits`);
  const size32 = BigInt(height) * stride;
  if ((pageAlign(size32) & U32) === 0n) fail('EINVAL', 'size wraps to 0 when page aligned');
  const pitch = Number(BigInt.asUintN(32, (BigInt(width) * BigInt(bpp) + 7n) / 8n));
  const size = pageAlign(BigInt.asUintN(32, BigInt(pitch) * BigInt(height)));
  const obj = createGemObject(Number(size), { width, height, bpp, pitch });
  return { handle: handleCreate(file, obj), pitch, size };
}

/** drm_gem_dumb_map_offset (uapi 5.25): the fake offset to mmap() on the DRM fd. */
export function mapDumb(dev: DrmDevice, file: DrmFile, handle: number): bigint {
  if (!dev.features.dumb) fail('ENOSYS', 'driver has no dumb_create');
  const obj = gemLookup(file, handle);
  if (!obj) fail('ENOENT', `no GEM handle ${handle} in this file`);
  return gemMmapOffset(dev, obj);
}

/** drm_gem_create_mmap_offset: the object's fake offset, allocated on first use. */
export function gemMmapOffset(dev: DrmDevice, obj: GemObject): bigint {
  if (obj.mmapOffset === 0n) {
    obj.mmapOffset = dev.nextMmapPage * BigInt(PAGE_SIZE);
    dev.nextMmapPage += BigInt(Math.ceil(obj.size / PAGE_SIZE));
    dev.mmapOffsets.set(obj.mmapOffset, obj);
  }
  return obj.mmapOffset;
}
