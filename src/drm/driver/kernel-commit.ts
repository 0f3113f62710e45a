/**
 * Kernel-side modesetting for drivers (≈ drm_client / fbdev lighting a mode): build an atomic
 * state by property name, commit it, and allocate framebuffers that belong to no file. Works in
 * the Initialized context, so a driver can light its boot configuration before registration.
 */
import { fail } from '../../uapi/errno.js';
import { formatInfo, minPitch, planeHeight, planeWidth } from '../../uapi/fourcc.js';
import type { ModeInfo } from '../../uapi/ioctl-structs.js';
import { atomicCommit } from '../atomic/commit.js';
import { atomicSetProperty } from '../atomic/set-prop.js';
import { createAtomicState, discardNewStates, type AtomicState } from '../atomic/state.js';
import { blobPut, createBlob } from '../blob.js';
import type { DrmDevice } from '../device.js';
import { createFramebuffer } from '../framebuffer.js';
import { createGemObject } from '../gem.js';
import { encodeModeInfo, modeToUser } from '../modes.js';
import type { Connector, Crtc, Framebuffer, ModeObject, Plane } from '../types.js';

export interface KernelCommit {
  readonly state: AtomicState;
  /** Write a property by name, through the same setters as the ATOMIC ioctl. */
  set(obj: Plane | Crtc | Connector, prop: string, value: number | bigint): KernelCommit;
  /** MODE_ID from a mode (a kernel-owned blob). */
  setMode(crtc: Crtc, mode: ModeInfo | null): KernelCommit;
}

export interface KernelCommitOptions {
  /** Default true: kernel clients may modeset. */
  allowModeset?: boolean;
  nonblock?: boolean;
}

function propByName(obj: ModeObject, name: string) {
  const a = obj.props.find((x) => x.prop.name === name);
  if (!a) fail('EINVAL', `object ${obj.id} has no property "${name}"`);
  return a.prop;
}

export function kernelCommit(core: DrmDevice, build: (c: KernelCommit) => void, opts: KernelCommitOptions = {}): void | Promise<void> {
  const state = createAtomicState(core, null);
  state.allowModeset = opts.allowModeset ?? true;
  const c: KernelCommit = {
    state,
    set(obj, prop, value) {
      atomicSetProperty(state, obj, propByName(obj, prop), BigInt.asUintN(64, BigInt(value)));
      return c;
    },
    setMode(crtc, mode) {
      if (!mode) return c.set(crtc, 'MODE_ID', 0);
      const blob = createBlob(core, encodeModeInfo(modeToUser(mode)));
      try {
        c.set(crtc, 'MODE_ID', blob.id);
      } finally {
        blobPut(core, blob); // the state holds its own reference
      }
      return c;
    },
  };
  try {
    build(c);
  } catch (e) {
    discardNewStates(state);
    throw e;
  }
  return atomicCommit(state, opts.nonblock ?? false);
}

export interface KernelFramebuffer {
  fb: Framebuffer;
  /** The buffer's memory (all format planes, at `offsets`). */
  bytes: Uint8Array;
  pitches: number[];
  offsets: number[];
}

/** A framebuffer owned by the kernel (drm_client_framebuffer_create): listed in no file. */
export function createKernelFramebuffer(core: DrmDevice, format: number, width: number, height: number): KernelFramebuffer {
  const info = formatInfo(format);
  if (!info) fail('EINVAL', `unknown format 0x${(format >>> 0).toString(16)}`);
  const pitches: number[] = [0, 0, 0, 0], offsets: number[] = [0, 0, 0, 0];
  let size = 0;
  for (let i = 0; i < info.numPlanes; i++) {
    pitches[i] = minPitch(info, i, planeWidth(info, width, i));
    offsets[i] = size;
    size += pitches[i]! * planeHeight(info, height, i);
  }
  const obj = createGemObject(Math.max(size, 1));
  const fb = createFramebuffer(core, null, {
    width, height, pixel_format: format, flags: 0, handles: [1, info.numPlanes > 1 ? 1 : 0, info.numPlanes > 2 ? 1 : 0, 0],
    pitches, offsets, modifier: [0n, 0n, 0n, 0n],
  }, true, Array(info.numPlanes).fill(obj));
  return { fb, bytes: obj.bytes, pitches, offsets };
}
