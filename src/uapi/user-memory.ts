/**
 * User memory: what copy_from_user/copy_to_user reach. A pointer in an ioctl struct is either a
 * typed array handed in directly, or an address in the file's UserMemory (0n = NULL ⇒ EFAULT).
 */
import type { UserPtr } from './ioctl-structs.js';

export interface UserMemory {
  /** A view of [addr, addr+len), or undefined if any byte is unmapped (EFAULT). */
  view(addr: bigint, len: number): Uint8Array | undefined;
}

/** A process-local address space: typed arrays mapped at fake addresses, nothing else. */
export class LocalUserMemory implements UserMemory {
  private regions: { base: bigint; bytes: Uint8Array }[] = [];
  private next = 0x10000n;

  /** Map a buffer and return its address (for pointer-valued properties like OUT_FENCE_PTR). */
  map(buf: ArrayBufferView): bigint {
    const bytes = new Uint8Array(buf.buffer, buf.byteOffset, buf.byteLength);
    const base = this.next;
    this.regions.push({ base, bytes });
    this.next += (BigInt(bytes.byteLength) + 0xfffn) & ~0xfffn;
    this.next += 0x1000n; // a guard page between regions
    return base;
  }

  unmap(addr: bigint): void {
    this.regions = this.regions.filter((r) => r.base !== addr);
  }

  view(addr: bigint, len: number): Uint8Array | undefined {
    if (addr === 0n) return undefined;
    for (const r of this.regions) {
      if (addr >= r.base && addr + BigInt(len) <= r.base + BigInt(r.bytes.byteLength)) {
        const off = Number(addr - r.base);
        return r.bytes.subarray(off, off + len);
      }
    }
    return undefined;
  }
}

/** Resolve a user pointer to `len` writable/readable bytes, or undefined (⇒ EFAULT). */
export function userBytes(mem: UserMemory | undefined, ptr: UserPtr, len: number): Uint8Array | undefined {
  if (ArrayBuffer.isView(ptr)) {
    if (ptr.byteLength < len) return undefined;
    return new Uint8Array(ptr.buffer, ptr.byteOffset, len);
  }
  if (ptr === 0n || !mem) return undefined;
  return mem.view(ptr, len);
}

/** True for the NULL pointer. */
export function isNullPtr(ptr: UserPtr): boolean {
  return !ArrayBuffer.isView(ptr) && ptr === 0n;
}
