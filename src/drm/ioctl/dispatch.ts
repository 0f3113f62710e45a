/**
 * drm_ioctl: unplug check, permission check, copy-in (zero-filled, C-converted), handler, copy-out
 * even on failure (uapi 0.1–0.5). Errors carry the ioctl name.
 */
import { DrmError, fail } from '../../uapi/errno.js';
import { IOCTLS, IoctlFlag, type IoctlName } from '../../uapi/ioctl.js';
import { copyInStruct } from '../../uapi/ioctl-layout.js';
import type { DrmDevice } from '../device.js';
import { DrmFile, setFileHooks } from '../file.js';
import { isCurrentMaster } from '../master.js';
import { releaseFile } from '../release.js';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Handler = (dev: DrmDevice, file: DrmFile, arg: any) => void | Promise<void>;
const handlers = new Map<IoctlName, Handler>();

/** Register the handler of an ioctl (each ioctl module registers its own). */
export function registerIoctl(name: IoctlName, h: Handler): void {
  handlers.set(name, h);
}

/** drm_ioctl_permit (uapi 0.5); no render nodes here. */
function permit(dev: DrmDevice, file: DrmFile, flags: number): void {
  if (flags & IoctlFlag.ROOT_ONLY && !file.capSysAdmin) fail('EACCES', 'needs CAP_SYS_ADMIN');
  if (flags & IoctlFlag.AUTH && !file.authenticated) fail('EACCES', 'file is not authenticated');
  if (flags & IoctlFlag.MASTER && !isCurrentMaster(dev, file)) fail('EACCES', 'file is not the current DRM master');
}

function named(e: unknown, name: string): unknown {
  if (e instanceof DrmError && e.ioctl === undefined) return new DrmError(e.code, e.reason, name);
  return e;
}

export function dispatch(file: DrmFile, name: IoctlName, userArg: Record<string, unknown>): void | Promise<void> {
  const dev = file.dev;
  const tag = `DRM_IOCTL_${name}`;
  try {
    if (dev.unplugged) fail('ENODEV', 'device is unplugged');
    const def = IOCTLS[name];
    const h = handlers.get(name);
    if (!def || !h) fail('EINVAL', `unknown ioctl ${String(name)}`);
    permit(dev, file, def.flags);
    const k = copyInStruct(name, userArg as never) as unknown as Record<string, unknown>;
    const copyOut = () => { if (userArg && typeof userArg === 'object') Object.assign(userArg, k); };
    // the ioctl runs inside drm_dev_enter/exit: unplug waits for it
    const exit = dev.guard ? dev.guard() : () => undefined;
    if (!exit) fail('ENODEV', 'device is unplugged');
    let r: void | Promise<void>;
    try {
      r = h(dev, file, k);
    } catch (e) {
      exit();
      copyOut(); // uapi 0.4: the struct is copied back even when the handler fails
      throw e;
    }
    if (r instanceof Promise) {
      return r.then(() => { exit(); copyOut(); }, (e) => {
        exit();
        copyOut();
        throw named(e, tag);
      });
    }
    exit();
    copyOut();
  } catch (e) {
    throw named(e, tag);
  }
}

setFileHooks({
  dispatch,
  release: (file) => releaseFile(file.dev, file),
});
