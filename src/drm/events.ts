/**
 * Per-file event queue (≈ drm_file.c event part): 4096 bytes of space, reserved when an event is
 * requested and returned when read() dequeues it (uapi 4.8–4.15).
 */
import { fail } from '../uapi/errno.js';
import { encodeVblankEvent, encodeCrtcSequenceEvent, DrmEventType } from '../uapi/events.js';
import type { DrmFile } from './file.js';
import type { PendingEvent } from './types.js';

export const EVENT_SPACE = 4096;

/** drm_event_reserve_init: ENOMEM when the file's space is exhausted (uapi 4.9). */
function reserve(file: DrmFile, length: number): void {
  if (file.eventSpace < length) fail('ENOMEM', `event space exhausted (${file.eventSpace} of ${EVENT_SPACE} bytes left, ${length} needed)`);
  file.eventSpace -= length;
}

function makePending(file: DrmFile, length: number, encode: (seq: bigint, ns: bigint) => Uint8Array): PendingEvent {
  reserve(file, length);
  const ev: PendingEvent = {
    file, length, delivered: false, completions: [], fence: null,
    deliver(seq, ns) {
      if (ev.delivered) return;
      ev.delivered = true;
      file.pending.delete(ev);
      // a closed file orphans its pending events (uapi 4.14): nothing is queued
      if (ev.file && !ev.file.closed) ev.file.queueEvent(encode(seq, ns));
      finishEvent(ev, ns);
    },
    cancel() {
      if (ev.delivered) return;
      ev.delivered = true;
      file.pending.delete(ev);
      if (ev.file && !ev.file.closed) ev.file.eventSpace += length;
    },
  };
  file.pending.add(ev);
  return ev;
}

/** The completion side of delivering an event: signal its fence, complete flip_done. */
export function finishEvent(ev: PendingEvent, ns: bigint): void {
  ev.fence?.signal(ns);
  for (const c of ev.completions.splice(0)) c();
}

/** A kernel-internal event with no file (drm_atomic_helper_setup_commit's commit->event). */
export function internalEvent(): PendingEvent {
  const ev: PendingEvent = {
    file: null, length: 0, delivered: false, completions: [], fence: null,
    deliver(_seq, ns) {
      if (ev.delivered) return;
      ev.delivered = true;
      finishEvent(ev, ns);
    },
    cancel() {
      ev.delivered = true;
    },
  };
  return ev;
}

function nsToTimeval(ns: bigint): { tv_sec: number; tv_usec: number } {
  const us = ns / 1000n;
  return { tv_sec: Number(us / 1000000n), tv_usec: Number(us % 1000000n) };
}

/** A FLIP_COMPLETE (or VBLANK) event for `crtcId`, reserved now, filled at delivery (uapi 4.2, 4.5). */
export function reserveVblankEvent(file: DrmFile, type: 1 | 2, crtcId: number, userData: bigint): PendingEvent {
  return makePending(file, 32, (seq, ns) =>
    encodeVblankEvent({ type, user_data: userData, crtc_id: crtcId, sequence: Number(BigInt.asUintN(32, seq)), ...nsToTimeval(ns) }));
}

/** A CRTC_SEQUENCE event (uapi 4.3). */
export function reserveSequenceEvent(file: DrmFile, userData: bigint): PendingEvent {
  return makePending(file, 32, (seq, ns) => encodeCrtcSequenceEvent({ type: DrmEventType.CRTC_SEQUENCE, user_data: userData, sequence: seq, time_ns: ns }));
}
