/**
 * Ioctl structs ⇄ their x86_64 bytes, field by field from LAYOUTS. This is what a bridge to C
 * programs needs: the argument block a program passes to ioctl(2) becomes the struct object the
 * DrmFd surface takes, and the struct the device fills in becomes bytes again.
 *
 * Pointer fields decode to bigint addresses (0n = NULL), resolved later through the file's
 * UserMemory, exactly like the kernel resolves __user pointers.
 */
import { MODEINFO_SIZE } from './drm-mode.js';
import type { IoctlArgs, IoctlName } from './ioctl.js';
import { LAYOUTS, coerceField, type Field } from './ioctl-layout.js';
import type { ModeInfo } from './ioctl-structs.js';
import { decodeModeInfo, encodeModeInfo } from './modeinfo.js';

function view(b: Uint8Array): DataView {
  return new DataView(b.buffer, b.byteOffset, b.byteLength);
}

/** Read one field from a struct's bytes (the bytes must cover the field). */
export function decodeField(bytes: Uint8Array, f: Field): unknown {
  const v = view(bytes);
  const o = f.offset;
  switch (f.kind) {
    case 'u32': return v.getUint32(o, true);
    case 's32': return v.getInt32(o, true);
    case 'u64': case 'usize': case 'ptr': return v.getBigUint64(o, true);
    case 's64': return v.getBigInt64(o, true);
    case 'str32': {
      let s = '';
      for (let i = 0; i < 32; i++) {
        const c = bytes[o + i]!;
        if (c === 0) break;
        s += String.fromCharCode(c);
      }
      return s;
    }
    case 'mode': return decodeModeInfo(bytes, o);
    case 'u32x4': return [0, 1, 2, 3].map((i) => v.getUint32(o + 4 * i, true));
    case 'u64x4': return [0, 1, 2, 3].map((i) => v.getBigUint64(o + 8 * i, true));
  }
}

/** Write one field into a struct's bytes, converted like a C assignment to the field's type. */
export function encodeField(bytes: Uint8Array, f: Field, value: unknown): void {
  const v = view(bytes);
  const o = f.offset;
  const x = coerceField(f.kind, value);
  switch (f.kind) {
    case 'u32': v.setUint32(o, x as number, true); return;
    case 's32': v.setInt32(o, x as number, true); return;
    case 'u64': case 'usize': v.setBigUint64(o, x as bigint, true); return;
    case 'ptr':
      // a typed array is not an address a C program can hold: leave the field alone
      if (typeof x === 'bigint') v.setBigUint64(o, x, true);
      return;
    case 's64': v.setBigInt64(o, x as bigint, true); return;
    case 'str32': {
      // strscpy_pad: at most 31 bytes, NUL padded
      const s = x as string;
      for (let i = 0; i < 32; i++) bytes[o + i] = i < s.length && i < 31 ? s.charCodeAt(i) & 0xff : 0;
      return;
    }
    case 'mode': encodeModeInfo(x as ModeInfo, bytes as Uint8Array<ArrayBuffer>, o); return;
    case 'u32x4': (x as number[]).forEach((n, i) => v.setUint32(o + 4 * i, n, true)); return;
    case 'u64x4': (x as bigint[]).forEach((n, i) => v.setBigUint64(o + 8 * i, n, true)); return;
  }
}

function fieldEnd(f: Field): number {
  switch (f.kind) {
    case 'u32': case 's32': return f.offset + 4;
    case 'u64': case 's64': case 'usize': case 'ptr': return f.offset + 8;
    case 'str32': return f.offset + 32;
    case 'mode': return f.offset + MODEINFO_SIZE;
    case 'u32x4': return f.offset + 16;
    case 'u64x4': return f.offset + 32;
  }
}

/** sizeof the struct on x86_64. */
export function ioctlStructSize(name: IoctlName): number {
  return LAYOUTS[name].size;
}

/**
 * Decode the kernel's copy of an argument block. Bytes past the end of `bytes` read as zero, as
 * drm_ioctl zero-fills a short copy-in (uapi 0.3).
 */
export function decodeIoctlStruct<K extends IoctlName>(name: K, bytes: Uint8Array): IoctlArgs[K] {
  const layout = LAYOUTS[name];
  let b = bytes;
  if (b.byteLength < layout.size) {
    b = new Uint8Array(layout.size);
    b.set(bytes);
  }
  const out: Record<string, unknown> = {};
  for (const f of layout.fields) out[f.name] = decodeField(b, f);
  return out as unknown as IoctlArgs[K];
}

function sameValue(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((x, i) => x === b[i]);
  if (a && b && typeof a === 'object' && typeof b === 'object') {
    const ka = Object.keys(a), kb = Object.keys(b);
    return ka.length === kb.length && ka.every((k) => (a as Record<string, unknown>)[k] === (b as Record<string, unknown>)[k]);
  }
  return false;
}

/**
 * Encode a struct into `into` (which must be at least the struct's size; bytes past the struct are
 * left alone). With `before` (the decoded input), only fields whose value changed are written, so
 * the bytes of untouched fields stay exactly what the caller passed — the kernel copies its
 * kdata buffer back, not a re-encoding of it.
 */
export function encodeIoctlStruct<K extends IoctlName>(name: K, arg: Partial<IoctlArgs[K]>, into: Uint8Array, before?: IoctlArgs[K]): Uint8Array {
  const layout = LAYOUTS[name];
  if (into.byteLength < layout.size) throw new RangeError(`${name}: need ${layout.size} bytes, got ${into.byteLength}`);
  const a = arg as Record<string, unknown>;
  const prev = before as Record<string, unknown> | undefined;
  for (const f of layout.fields) {
    if (fieldEnd(f) > into.byteLength) continue;
    const value = a[f.name];
    if (prev && sameValue(value, prev[f.name])) continue;
    encodeField(into, f, value);
  }
  return into;
}
