/**
 * One open() of the device (≈ struct drm_file): client caps, master/auth state, the per-file GEM
 * handle table, FB and blob lists, and the event queue. It is the DrmFd userspace holds.
 */
import { DrmError, fail } from '../uapi/errno.js';
import { ObjectType } from '../uapi/drm-mode.js';
import { POLLIN, POLLRDNORM, type DrmFd, type OpenFlags } from '../uapi/fd.js';
import type { IoctlArgs, IoctlName } from '../uapi/ioctl.js';
import { LocalUserMemory, type UserMemory } from '../uapi/user-memory.js';
import { processFds, type FdTable } from '../uapi/sync-file.js';
import type { DrmDevice } from './device.js';
import { EVENT_SPACE } from './events.js';
import { Idr } from './idr.js';
import type { DrmMaster } from './master.js';
import type { AnyObject, Blob, Framebuffer, GemObject, PendingEvent } from './types.js';

export interface FileHooks {
  /** Run an ioctl for this file (the dispatcher, set by the ioctl layer). */
  dispatch(file: DrmFile, name: IoctlName, arg: Record<string, unknown>): void | Promise<void>;
  /** drm_release: FBs, blobs, handles, master, leases. */
  release(file: DrmFile): void;
}

let hooks: FileHooks | undefined;
export function setFileHooks(h: FileHooks): void {
  hooks = h;
}

export class DrmFile implements DrmFd {
  readonly dev: DrmDevice;
  readonly memory: UserMemory;
  readonly fds: FdTable;
  readonly pid: number;
  readonly comm: string;
  readonly capSysAdmin: boolean;
  readonly nonblock: boolean;
  /** Client caps (uapi 1.11–1.15). */
  stereoAllowed = false;
  universalPlanes = false;
  atomic = false;
  aspectRatioAllowed = false;
  writebackConnectors = false;
  supportsVirtualizedCursorPlane = false;
  /** Master state (uapi 6.1–6.10). */
  isMaster = false;
  wasMaster = false;
  authenticated: boolean;
  master: DrmMaster | null = null;
  magic = 0;
  /** GEM handles, lowest free first (uapi 5.24). */
  readonly handles = new Idr<GemObject>();
  /** FBs created by this file, most recent first (uapi 1.17). */
  readonly fbs: Framebuffer[] = [];
  readonly blobs: Blob[] = [];
  /** Events ready for read(), and the space left (uapi 4.9). */
  readonly events: Uint8Array[] = [];
  eventSpace = EVENT_SPACE;
  readonly pending = new Set<PendingEvent>();
  private waiters: (() => void)[] = [];
  closed = false;

  constructor(dev: DrmDevice, flags: OpenFlags) {
    this.dev = dev;
    this.memory = flags.memory ?? new LocalUserMemory();
    this.fds = flags.fds ?? processFds;
    this.pid = flags.pid ?? process.pid;
    this.comm = flags.comm ?? 'node';
    this.capSysAdmin = flags.capSysAdmin ?? false;
    this.nonblock = flags.nonblock ?? false;
    // drm_file_alloc: authenticated = capable(CAP_SYS_ADMIN) (uapi 6.1)
    this.authenticated = this.capSysAdmin;
  }

  ioctl<K extends IoctlName>(name: K, arg: Partial<IoctlArgs[K]>): void | Promise<void> {
    if (this.closed) fail('EBADF', 'file is closed');
    if (!hooks) throw new Error('ioctl layer not loaded');
    return hooks.dispatch(this, name, arg as Record<string, unknown>);
  }

  /** drm_read (uapi 4.10–4.12). Works after unplug (7.4). */
  read(buf: Uint8Array): number | Promise<number> {
    if (this.closed) fail('EBADF', 'file is closed');
    if (this.events.length === 0) {
      if (this.nonblock) throw new DrmError('EAGAIN', 'no event queued', 'read');
      return this.readable().then(() => (this.closed ? 0 : this.read(buf)));
    }
    let n = 0;
    while (this.events.length > 0) {
      const e = this.events[0]!;
      if (e.length > buf.length - n) break; // never split an event; 0 if the first does not fit (4.11)
      buf.set(e, n);
      n += e.length;
      this.events.shift();
      this.eventSpace += e.length;
    }
    return n;
  }

  poll(): number {
    return this.events.length > 0 ? POLLIN | POLLRDNORM : 0;
  }

  readable(): Promise<void> {
    if (this.events.length > 0 || this.closed) return Promise.resolve();
    // a process blocked waiting for an event stays alive (real clock)
    const release = this.dev.clock.keepAlive();
    return new Promise((resolve) => this.waiters.push(() => { release(); resolve(); }));
  }

  mmap(offset: bigint, length: number): Uint8Array {
    if (this.closed) fail('EBADF', 'file is closed');
    if (this.dev.unplugged) throw new DrmError('ENODEV', 'device unplugged', 'mmap'); // uapi 7.3
    // drm_gem_mmap: an exact offset+size lookup (EINVAL), then the file must hold a handle (EACCES)
    const obj = this.dev.mmapOffsets.get(offset);
    if (!obj || length > Math.ceil(obj.size / 4096) * 4096) throw new DrmError('EINVAL', `no object mapped at offset 0x${offset.toString(16)} for ${length} bytes`, 'mmap');
    if (!this.handles.values().includes(obj)) throw new DrmError('EACCES', 'this file has no handle to the object at that offset', 'mmap');
    return obj.bytes.subarray(0, Math.min(length, obj.size));
  }

  close(): void {
    if (this.closed) return;
    hooks?.release(this);
    this.closed = true;
    this.events.length = 0;
    for (const w of this.waiters.splice(0)) w();
  }

  /** Append a delivered event (uapi 4.8). */
  queueEvent(bytes: Uint8Array): void {
    this.events.push(bytes);
    for (const w of this.waiters.splice(0)) w();
  }

  /** _drm_lease_held: CRTCs, connectors and planes outside a lessee's lease are invisible (uapi 6.18). */
  leaseHolds(obj: AnyObject): boolean {
    if (obj.objType !== ObjectType.CRTC && obj.objType !== ObjectType.CONNECTOR && obj.objType !== ObjectType.PLANE) return true;
    if (!this.master || !this.master.lessor) return true;
    return this.master.leases.has(obj.id);
  }
}
