/** PRIME: GEM handles ⇄ dma-buf fds (≈ drm_prime.c). One dma-buf per GEM object; imports of it reuse the file's handle. */
import { fail } from '../../uapi/errno.js';
import type * as S from '../../uapi/ioctl-structs.js';
import type { DrmDevice } from '../device.js';
import type { DrmFile } from '../file.js';
import { gemLookup, handleCreate } from '../gem.js';
import type { GemObject } from '../types.js';

const DRM_CLOEXEC = 0o2000000, DRM_RDWR = 0o2;

/** A dma-buf exported from a GEM object (what the fd refers to). */
export class DmaBuf {
  constructor(readonly dev: DrmDevice, readonly obj: GemObject) {}
  get size(): number {
    return this.obj.size;
  }
}

const exported = new WeakMap<GemObject, DmaBuf>();

/** DRM_IOCTL_PRIME_HANDLE_TO_FD (drm_gem_prime_handle_to_fd). */
export function primeHandleToFd(dev: DrmDevice, file: DrmFile, a: S.DrmPrimeHandle): void {
  if (!dev.features.gem) fail('EOPNOTSUPP', 'driver has no DRIVER_GEM');
  if (a.flags & ~(DRM_CLOEXEC | DRM_RDWR)) fail('EINVAL', `flags 0x${a.flags.toString(16)} outside DRM_CLOEXEC | DRM_RDWR`);
  const obj = gemLookup(file, a.handle);
  if (!obj) fail('ENOENT', `no GEM handle ${a.handle}`);
  let buf = exported.get(obj);
  if (!buf) exported.set(obj, (buf = new DmaBuf(dev, obj)));
  // dma_buf_fd(dmabuf, flags): get_unused_fd_flags honours DRM_CLOEXEC (= O_CLOEXEC)
  a.fd = file.fds.install(buf, a.flags & (DRM_CLOEXEC | DRM_RDWR));
}

/** DRM_IOCTL_PRIME_FD_TO_HANDLE (drm_gem_prime_fd_to_handle): this file's handle for the buffer. */
export function primeFdToHandle(dev: DrmDevice, file: DrmFile, a: S.DrmPrimeHandle): void {
  if (!dev.features.gem) fail('EOPNOTSUPP', 'driver has no DRIVER_GEM');
  const buf = file.fds.get(a.fd);
  if (!buf) fail('EBADF', `fd ${a.fd} is not open`);
  if (!(buf instanceof DmaBuf)) fail('EINVAL', `fd ${a.fd} is not a dma-buf`);
  if (buf.dev !== dev) fail('EINVAL', 'importing a dma-buf of another device is not supported');
  // drm_prime_lookup_buf_handle: an object already in this file keeps its handle
  for (const h of file.handles.ids()) {
    if (file.handles.get(h) === buf.obj) {
      a.handle = h;
      return;
    }
  }
  a.handle = handleCreate(file, buf.obj);
}
