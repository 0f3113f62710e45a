/** Linux errno numbers the DRM uapi can return (asm-generic/errno-base.h, errno.h). */
export const Errno = {
  EPERM: 1, ENOENT: 2, EINTR: 4, EIO: 5, ENXIO: 6, E2BIG: 7, EBADF: 9, EAGAIN: 11, ENOMEM: 12,
  EACCES: 13, EFAULT: 14, EBUSY: 16, EEXIST: 17, ENODEV: 19, EINVAL: 22, ENOTTY: 25, ENOSPC: 28,
  ERANGE: 34, EDEADLK: 35, ENOSYS: 38, EOVERFLOW: 75, EOPNOTSUPP: 95, ETIMEDOUT: 110,
} as const;
export type ErrnoName = keyof typeof Errno;

const names = new Map<number, ErrnoName>(Object.entries(Errno).map(([k, v]) => [v, k as ErrnoName]));
export function errnoName(errno: number): ErrnoName | undefined {
  return names.get(errno);
}

const messages: Record<ErrnoName, string> = {
  EPERM: 'Operation not permitted', ENOENT: 'No such file or directory', EINTR: 'Interrupted system call',
  EIO: 'Input/output error', ENXIO: 'No such device or address', E2BIG: 'Argument list too long',
  EBADF: 'Bad file descriptor', EAGAIN: 'Resource temporarily unavailable', ENOMEM: 'Cannot allocate memory',
  EACCES: 'Permission denied', EFAULT: 'Bad address', EBUSY: 'Device or resource busy', EEXIST: 'File exists',
  ENODEV: 'No such device', EINVAL: 'Invalid argument', ENOTTY: 'Inappropriate ioctl for device',
  ENOSPC: 'No space left on device', ERANGE: 'Numerical result out of range',
  EDEADLK: 'Resource deadlock avoided', ENOSYS: 'Function not implemented',
  EOVERFLOW: 'Value too large for defined data type', EOPNOTSUPP: 'Operation not supported',
  ETIMEDOUT: 'Connection timed out',
};

/**
 * The error every device entry point throws: like a failed ioctl, it carries the errno (numeric and
 * Node-style code), the ioctl name, and a sentence saying which check failed.
 */
export class DrmError extends Error {
  readonly code: ErrnoName;
  readonly errno: number;
  readonly ioctl: string | undefined;
  readonly reason: string;
  constructor(code: ErrnoName, reason: string, ioctl?: string) {
    super(`${ioctl ? ioctl + ': ' : ''}${code} (${messages[code]}): ${reason}`);
    this.name = 'DrmError';
    this.code = code;
    this.errno = Errno[code];
    this.ioctl = ioctl;
    this.reason = reason;
  }
}

/** Throw a DrmError; the ioctl name is filled in by the dispatcher. */
export function fail(code: ErrnoName, reason: string): never {
  throw new DrmError(code, reason);
}

export function isDrmError(e: unknown, code?: ErrnoName): e is DrmError {
  return e instanceof DrmError && (code === undefined || e.code === code);
}
