/**
 * The ioctl surface: what an open DRM file description looks like from userspace. The client
 * reaches the device only through this interface (DESIGN.md §1), so the same client can later
 * talk to a device over a socket.
 *
 * Calls that the kernel may sleep in (a blocking commit, WAIT_VBLANK, a blocking read()) return a
 * Promise when they really have to wait; everything else completes synchronously.
 */
import type { IoctlArgs, IoctlName } from './ioctl.js';
import type { UserMemory } from './user-memory.js';
import type { FdTable } from './sync-file.js';

export const POLLIN = 0x1;
export const POLLRDNORM = 0x40;

export interface OpenFlags {
  /** O_NONBLOCK: read() answers EAGAIN instead of waiting (uapi 4.12). */
  nonblock?: boolean;
  /** O_EXCL: refused with EBUSY (uapi 6.2). */
  excl?: boolean;
  /** O_CLOEXEC: accepted, no effect here. */
  cloexec?: boolean;
  /** The opener has CAP_SYS_ADMIN (root): ROOT_ONLY ioctls, SET_MASTER rules (uapi 6.1, 6.6). */
  capSysAdmin?: boolean;
  /** Process id and name of the opener (SET_MASTER's same-process rule 6.6; the 'X' quirk 1.12). */
  pid?: number;
  comm?: string;
  /** Where pointer-valued properties and bigint user pointers resolve. */
  memory?: UserMemory;
  /** The opener's fd table for sync files (default: one shared process table). */
  fds?: FdTable;
}

export interface DrmFd {
  /** Run an ioctl: fields left out are zero; output fields are written back into `arg`. Throws DrmError. */
  ioctl<K extends IoctlName>(name: K, arg: Partial<IoctlArgs[K]>): void | Promise<void>;
  /** read(2): whole events only; 0 if the first event does not fit; EAGAIN if none and non-blocking. */
  read(buf: Uint8Array): number | Promise<number>;
  /** poll(2): POLLIN|POLLRDNORM when an event is queued (uapi 4.13). */
  poll(): number;
  /** Resolves when poll() would report POLLIN (or the file is closed). */
  readable(): Promise<void>;
  /** mmap(2) of a dumb buffer at the offset MAP_DUMB returned. */
  mmap(offset: bigint, length: number): Uint8Array;
  /** close(2). Idempotent. */
  close(): void;
  readonly closed: boolean;
  readonly memory: UserMemory;
  /** The process's fd table: out-fence fds are installed here, IN_FENCE_FD is looked up here. */
  readonly fds: FdTable;
}
