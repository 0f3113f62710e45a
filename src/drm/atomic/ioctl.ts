/**
 * DRM_IOCTL_MODE_ATOMIC (≈ drm_mode_atomic_ioctl, prepare_signaling, complete_signaling;
 * uapi 1.30, 3.1–3.16, 3.44, 3.50, 4.4, 4.15).
 */
import { fail } from '../../uapi/errno.js';
import { ATOMIC_FLAGS_ALL, AtomicFlag, OBJECT_COLOROP, ObjectType } from '../../uapi/drm-mode.js';
import type * as S from '../../uapi/ioctl-structs.js';
import { Fence } from '../../uapi/sync-file.js';
import type { DrmDevice } from '../device.js';
import { reserveVblankEvent, internalEvent } from '../events.js';
import type { DrmFile } from '../file.js';
import { getU32s, getU64s } from '../ioctl/user-copy.js';
import { putS32 } from './user-ptr.js';
import { atomicCommit, atomicTestOnly } from './commit.js';
import { atomicSetProperty, findPropOnObject } from './set-prop.js';
import { crtcsInState, connectorsInState, discardNewStates, createAtomicState, type AtomicState } from './state.js';
import { withModesetLock } from './lock.js';
import { filePlaneColorPipeline } from '../colorop.js';

interface OutFenceSlot { ptr: S.UserPtr; fence: Fence; fd: number }

/** prepare_signaling: events and out-fences, before any check (uapi 3.16, 2.38). */
function prepareSignaling(state: AtomicState, file: DrmFile, flags: number, userData: bigint, slots: OutFenceSlot[]): void {
  if (flags & AtomicFlag.TEST_ONLY) return;
  let c = 0;
  for (const crtc of crtcsInState(state)) {
    const e = state.crtcs.get(crtc)!;
    if (flags & AtomicFlag.PAGE_FLIP_EVENT) {
      e.new.event = reserveVblankEvent(file, 2, crtc.id, userData); // ENOMEM when the space is gone (4.9)
    } else if (e.outFencePtr) {
      e.new.event = internalEvent();
    }
    if (e.outFencePtr) {
      const fence = new Fence(`crtc-${crtc.id}`);
      const fd = file.fds.install(fence);
      slots.push({ ptr: e.outFencePtr, fence, fd });
      putS32(file, e.outFencePtr, fd);
      e.new.event!.fence = fence;
    }
    c++;
  }
  for (const conn of connectorsInState(state)) {
    const e = state.connectors.get(conn)!;
    if (!e.new.writeback_job || !e.outFencePtr) continue;
    const fence = new Fence(`writeback-${conn.id}`);
    const fd = file.fds.install(fence);
    slots.push({ ptr: e.outFencePtr, fence, fd });
    putS32(file, e.outFencePtr, fd);
    e.new.writeback_job.outFence = fence;
  }
  if (c === 0 && flags & AtomicFlag.PAGE_FLIP_EVENT) fail('EINVAL', 'PAGE_FLIP_EVENT needs at least one CRTC in the commit');
}

/** complete_signaling: on failure cancel the reservations and write -1 back (uapi 3.50, 4.15). */
function completeSignaling(state: AtomicState, file: DrmFile, slots: OutFenceSlot[], ok: boolean): void {
  if (ok) return;
  for (const e of state.crtcs.values()) {
    const ev = e.new.event;
    if (ev && !ev.delivered && (ev.file || ev.fence)) {
      ev.cancel();
      e.new.event = null;
    }
  }
  for (const s of slots) {
    file.fds.close(s.fd);
    try { putS32(file, s.ptr, -1); } catch { /* the kernel only logs this */ }
  }
}

export function atomicIoctl(dev: DrmDevice, file: DrmFile, a: S.DrmModeAtomic): void | Promise<void> {
  if (!dev.features.atomic) fail('EOPNOTSUPP', 'driver is not atomic');
  if (!file.atomic) fail('EINVAL', 'the ATOMIC client cap is not set');
  if (a.flags & ~ATOMIC_FLAGS_ALL) fail('EINVAL', `unknown flags 0x${(a.flags & ~ATOMIC_FLAGS_ALL).toString(16)}`);
  if (a.reserved) fail('EINVAL', 'reserved must be 0');
  if (a.flags & AtomicFlag.PAGE_FLIP_ASYNC && !dev.config.asyncPageFlip) fail('EINVAL', 'driver does not support async page flips');
  if (a.flags & AtomicFlag.TEST_ONLY && a.flags & AtomicFlag.PAGE_FLIP_EVENT) fail('EINVAL', 'TEST_ONLY and PAGE_FLIP_EVENT cannot be combined');
  return withModesetLock(dev, () => runAtomic(dev, file, a));
}

function runAtomic(dev: DrmDevice, file: DrmFile, a: S.DrmModeAtomic): void | Promise<void> {
  const state = createAtomicState(dev, file);
  state.origin = 'atomic';
  state.allowModeset = (a.flags & AtomicFlag.ALLOW_MODESET) !== 0;
  state.asyncFlip = (a.flags & AtomicFlag.PAGE_FLIP_ASYNC) !== 0;
  state.planeColorPipeline = filePlaneColorPipeline(file);
  const slots: OutFenceSlot[] = [];
  let handedOff = false; // atomicCommit/atomicTestOnly discard the new states on their own failures
  try {
    let copied = 0;
    const objsAt = userArray(file, a.objs_ptr, 4), countsAt = userArray(file, a.count_props_ptr, 4);
    const propsAt = userArray(file, a.props_ptr, 4), valuesAt = userArray(file, a.prop_values_ptr, 8);
    for (let i = 0; i < a.count_objs; i++) {
      const objId = Number(objsAt(i));
      const obj = dev.lookup(objId, ObjectType.ANY, file);
      if (!obj) fail('ENOENT', `object ${objId} does not exist or is not leased`); // uapi 3.9
      if (obj.objType !== ObjectType.CRTC && obj.objType !== ObjectType.PLANE && obj.objType !== ObjectType.CONNECTOR && obj.objType !== OBJECT_COLOROP)
        fail('ENOENT', `object ${objId} has no properties`);
      const count = Number(countsAt(i));
      for (let j = 0; j < count; j++) {
        const propId = Number(propsAt(copied));
        const prop = findPropOnObject(obj, propId);
        if (!prop) fail('ENOENT', `property ${propId} is not attached to object ${objId}`); // uapi 3.10
        const value = valuesAt(copied) as bigint;
        atomicSetProperty(state, obj, prop, value);
        copied++;
      }
    }
    prepareSignaling(state, file, a.flags, a.user_data, slots);
    handedOff = true;
    if (a.flags & AtomicFlag.TEST_ONLY) return atomicTestOnly(state);
    return atomicCommit(state, (a.flags & AtomicFlag.NONBLOCK) !== 0);
  } catch (e) {
    completeSignaling(state, file, slots, false);
    if (!handedOff) discardNewStates(state);
    throw e;
  }
}

/**
 * get_user of element `i` of a user array of u32 (elem 4) or u64 (elem 8): read one element at a
 * time, so EFAULT comes at the first unreadable element, after the earlier ones took effect (uapi
 * 3.6). A typed array is viewed once instead of being copied per element.
 */
function userArray(file: DrmFile, p: S.UserPtr, elem: 4 | 8): (i: number) => number | bigint {
  if (ArrayBuffer.isView(p)) {
    const v = new DataView(p.buffer, p.byteOffset, p.byteLength);
    return (i) => {
      if (elem * (i + 1) > v.byteLength) fail('EFAULT', `cannot read element ${i} of a ${v.byteLength}-byte user array`);
      return elem === 4 ? v.getUint32(4 * i, true) : v.getBigUint64(8 * i, true);
    };
  }
  return (i) => (elem === 4 ? getU32s(file, offsetPtr(p, 4 * i), 1)[0]! : getU64s(file, offsetPtr(p, 8 * i), 1)[0]!);
}

/** A pointer advanced by `bytes` (typed arrays are viewed at an offset). */
function offsetPtr(p: S.UserPtr, bytes: number): S.UserPtr {
  if (ArrayBuffer.isView(p)) {
    if (bytes > p.byteLength) return new Uint8Array(0);
    return new Uint8Array(p.buffer, p.byteOffset + bytes, p.byteLength - bytes);
  }
  return p === 0n ? 0n : p + BigInt(bytes);
}
