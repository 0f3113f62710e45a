/** WAIT_VBLANK, CRTC_GET_SEQUENCE, CRTC_QUEUE_SEQUENCE (≈ drm_vblank.c ioctls, uapi 8.1–8.11). */
import { fail } from '../../uapi/errno.js';
import { CrtcSequence, VBlank } from '../../uapi/drm-mode.js';
import type * as S from '../../uapi/ioctl-structs.js';
import type { DrmDevice } from '../device.js';
import { reserveSequenceEvent, reserveVblankEvent } from '../events.js';
import type { DrmFile } from '../file.js';
import type { Crtc } from '../types.js';
import { armVblankEvent, vblankGet, vblankOf } from '../vblank.js';

const WAIT_TIMEOUT_NS = 3_000_000_000n;
/** _DRM_VBLANK_FLAGS_MASK: EVENT|SIGNAL|SECONDARY|NEXTONMISS (drm.h; _DRM_VBLANK_FLIP is not in it). */
const FLAGS_MASK = VBlank.EVENT | VBlank.SIGNAL | VBlank.SECONDARY | VBlank.NEXTONMISS;
const U64 = (v: bigint) => BigInt.asUintN(64, v);

/** drm_vblank_passed: (seq - ref) mod 2^64 ≤ 2^23 (uapi 8.5). */
export function vblankPassed(seq: bigint, ref: bigint): boolean {
  return U64(seq - ref) <= 1n << 23n;
}

/** widen_32_to_64: the 64-bit count nearest `cur` whose low 32 bits are `x` (uapi 8.4). */
function widen(x: number, cur: bigint): bigint {
  return U64(cur + BigInt.asIntN(32, BigInt(x) - cur));
}

function reply(dev: DrmDevice, crtc: Crtc, a: S.DrmWaitVblank): void {
  const v = vblankOf(crtc);
  const us = v.time / 1000n;
  a.sequence = Number(BigInt.asUintN(32, v.count));
  a.tval_sec = Number(BigInt.asUintN(32, us / 1_000_000n));
  a.tval_usec = Number(us % 1_000_000n);
  void dev;
}

/** DRM_IOCTL_WAIT_VBLANK (uapi 8.1–8.7). */
export function waitVblank(dev: DrmDevice, file: DrmFile, a: S.DrmWaitVblank): void | Promise<void> {
  if (!dev.features.vblank) fail('EOPNOTSUPP', 'device has no vblank support');
  if (a.type & VBlank.SIGNAL) fail('EINVAL', '_DRM_VBLANK_SIGNAL is not supported');
  if (a.type & ~(VBlank.TYPES_MASK | FLAGS_MASK | VBlank.HIGH_CRTC_MASK)) fail('EINVAL', `unknown type bits 0x${a.type.toString(16)}`);
  const flags = a.type & FLAGS_MASK;
  const high = a.type & VBlank.HIGH_CRTC_MASK;
  let index = high ? high >>> VBlank.HIGH_CRTC_SHIFT : flags & VBlank.SECONDARY ? 1 : 0;
  // the index counts only the caller's leased CRTCs (uapi 8.2)
  let pipe = 0;
  for (const c of dev.crtcs) {
    if (file.leaseHolds(c)) {
      if (index === 0) break;
      index--;
    }
    pipe++;
  }
  if (pipe >= dev.crtcs.length) fail('EINVAL', 'CRTC index out of range');
  const crtc = dev.crtcs[pipe]!;
  if (!vblankGet(dev, crtc)) fail('EINVAL', `vblank of CRTC ${crtc.id} is off`); // uapi 8.3
  const v = vblankOf(crtc);
  const seq = v.count;
  let req: bigint;
  if (a.type & VBlank.RELATIVE) {
    req = U64(seq + BigInt(a.sequence));
    a.sequence = Number(BigInt.asUintN(32, req));
    a.type &= ~VBlank.RELATIVE;
  } else req = widen(a.sequence, seq);
  if (flags & VBlank.NEXTONMISS && vblankPassed(seq, req)) {
    req = seq + 1n;
    a.type &= ~VBlank.NEXTONMISS;
    a.sequence = Number(BigInt.asUintN(32, req));
  }
  if (flags & VBlank.EVENT) {
    const ev = reserveVblankEvent(file, 1, crtc.id, a.signal);
    if (vblankPassed(seq, req)) {
      ev.deliver(v.count, v.time);
      a.sequence = Number(BigInt.asUintN(32, seq));
    } else {
      armVblankEvent(crtc, ev, req);
      a.sequence = Number(BigInt.asUintN(32, req));
    }
    return;
  }
  if (req === seq) return reply(dev, crtc, a);
  const r = dev.clock.waitFor(() => vblankPassed(v.count, req) || !v.enabled, WAIT_TIMEOUT_NS);
  const finish = (ok: boolean) => {
    reply(dev, crtc, a); // filled on a timeout too (only EINTR skips it)
    if (!ok) fail('EBUSY', 'timed out waiting for vblank'); // 3 s (uapi 8.6)
  };
  if (r instanceof Promise) return r.then(finish);
  finish(r);
}

/** DRM_IOCTL_CRTC_GET_SEQUENCE (uapi 8.10). */
export function crtcGetSequence(dev: DrmDevice, file: DrmFile, a: S.DrmCrtcGetSequence): void {
  if (!dev.features.modeset || !dev.features.vblank) fail('EOPNOTSUPP', 'device has no vblank support');
  const crtc = dev.crtc(a.crtc_id, file);
  if (!crtc) fail('ENOENT', `no CRTC ${a.crtc_id}`);
  if (!vblankGet(dev, crtc)) fail('EINVAL', `vblank of CRTC ${crtc.id} is off`);
  a.active = crtc.state.enable ? 1 : 0; // enable (MODE_ID set), not ACTIVE
  const v = vblankOf(crtc);
  a.sequence = v.count;
  a.sequence_ns = v.time;
}

/** DRM_IOCTL_CRTC_QUEUE_SEQUENCE (uapi 8.11). */
export function crtcQueueSequence(dev: DrmDevice, file: DrmFile, a: S.DrmCrtcQueueSequence): void {
  if (!dev.features.modeset || !dev.features.vblank) fail('EOPNOTSUPP', 'device has no vblank support');
  const crtc = dev.crtc(a.crtc_id, file);
  if (!crtc) fail('ENOENT', `no CRTC ${a.crtc_id}`);
  if (a.flags & ~(CrtcSequence.RELATIVE | CrtcSequence.NEXT_ON_MISS)) fail('EINVAL', `unknown flags 0x${a.flags.toString(16)}`);
  if (!vblankGet(dev, crtc)) fail('EINVAL', `vblank of CRTC ${crtc.id} is off`);
  const v = vblankOf(crtc);
  const seq = v.count;
  let req = a.sequence;
  if (a.flags & CrtcSequence.RELATIVE) req = U64(req + seq);
  if (a.flags & CrtcSequence.NEXT_ON_MISS && vblankPassed(seq, req)) req = seq + 1n;
  const ev = reserveSequenceEvent(file, a.user_data);
  if (vblankPassed(seq, req)) {
    ev.deliver(seq, v.time);
    a.sequence = seq;
  } else {
    armVblankEvent(crtc, ev, req);
    a.sequence = req;
  }
}
