/** put_user of an s32 through a pointer-valued property (OUT_FENCE_PTR, uapi 2.38, 2.47). */
import { fail } from '../../uapi/errno.js';
import type { UserPtr } from '../../uapi/ioctl-structs.js';
import { userBytes } from '../../uapi/user-memory.js';
import type { DrmFile } from '../file.js';

export function putS32(file: DrmFile, ptr: UserPtr, value: number): void {
  const b = userBytes(file.memory, ptr, 4);
  if (!b) fail('EFAULT', 'out-fence pointer is not writable');
  new DataView(b.buffer, b.byteOffset, 4).setInt32(0, value, true);
}
