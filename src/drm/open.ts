/** open() of the device node (≈ drm_open_helper + drm_master_open, uapi 6.1, 6.2, 7.2). */
import { DrmError } from '../uapi/errno.js';
import type { OpenFlags } from '../uapi/fd.js';
import type { DrmDevice } from './device.js';
import { DrmFile } from './file.js';
import { newSetMaster } from './ioctl/core.js';
import './ioctl/index.js';

export function openDevice(dev: DrmDevice, flags: OpenFlags = {}): DrmFile {
  if (dev.unplugged) throw new DrmError('ENODEV', 'device is unplugged', 'open');
  if (!dev.registered) throw new DrmError('ENODEV', 'device is not registered with userspace yet', 'open');
  if (flags.excl) throw new DrmError('EBUSY', 'O_EXCL is not allowed on DRM nodes', 'open');
  const file = new DrmFile(dev, flags);
  // the first opener of a device without master becomes master (6.1)
  if (!dev.master) newSetMaster(dev, file);
  else file.master = dev.master;
  dev.files.add(file);
  return file;
}
