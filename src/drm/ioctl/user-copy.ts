/** copy_to_user / copy_from_user / put_user over UserPtr: EFAULT when the memory is not there. */
import { fail } from '../../uapi/errno.js';
import type { UserPtr } from '../../uapi/ioctl-structs.js';
import { userBytes } from '../../uapi/user-memory.js';
import type { DrmFile } from '../file.js';

export function copyToUser(file: DrmFile, ptr: UserPtr, data: Uint8Array): void {
  if (data.length === 0) return;
  const dst = userBytes(file.memory, ptr, data.length);
  if (!dst) fail('EFAULT', `cannot write ${data.length} bytes to user pointer`);
  dst.set(data);
}

export function copyFromUser(file: DrmFile, ptr: UserPtr, len: number): Uint8Array {
  if (len === 0) return new Uint8Array(0);
  const src = userBytes(file.memory, ptr, len);
  if (!src) fail('EFAULT', `cannot read ${len} bytes from user pointer`);
  return src.slice();
}

/** put_user of the first `n` u32 values (partial copy, uapi 1.18). */
export function putU32s(file: DrmFile, ptr: UserPtr, values: readonly number[], n = values.length): void {
  if (n <= 0) return;
  const b = new Uint8Array(4 * n);
  const v = new DataView(b.buffer);
  for (let i = 0; i < n; i++) v.setUint32(4 * i, values[i]! >>> 0, true);
  copyToUser(file, ptr, b);
}

export function putU64s(file: DrmFile, ptr: UserPtr, values: readonly bigint[], n = values.length): void {
  if (n <= 0) return;
  const b = new Uint8Array(8 * n);
  const v = new DataView(b.buffer);
  for (let i = 0; i < n; i++) v.setBigUint64(8 * i, BigInt.asUintN(64, values[i]!), true);
  copyToUser(file, ptr, b);
}

export function getU32s(file: DrmFile, ptr: UserPtr, n: number): number[] {
  const b = copyFromUser(file, ptr, 4 * n);
  const v = new DataView(b.buffer);
  return Array.from({ length: n }, (_, i) => v.getUint32(4 * i, true));
}

export function getU64s(file: DrmFile, ptr: UserPtr, n: number): bigint[] {
  const b = copyFromUser(file, ptr, 8 * n);
  const v = new DataView(b.buffer);
  return Array.from({ length: n }, (_, i) => v.getBigUint64(8 * i, true));
}

export function getU16s(file: DrmFile, ptr: UserPtr, n: number): Uint16Array {
  const b = copyFromUser(file, ptr, 2 * n);
  const v = new DataView(b.buffer);
  return Uint16Array.from({ length: n }, (_, i) => v.getUint16(2 * i, true));
}

export function putU16s(file: DrmFile, ptr: UserPtr, values: ArrayLike<number>): void {
  const b = new Uint8Array(2 * values.length);
  const v = new DataView(b.buffer);
  for (let i = 0; i < values.length; i++) v.setUint16(2 * i, values[i]!, true);
  copyToUser(file, ptr, b);
}

/** strscpy_pad into a char[len] field. */
export function padName(s: string, len = 32): string {
  return s.slice(0, len - 1);
}
