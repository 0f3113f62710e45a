/**
 * Vblank (≈ drm_vblank.c + the vblank timer VKMS drives it with): a per-CRTC 64-bit counter and
 * timestamp advanced by a timer at the mode's frame period while the CRTC is on; events armed
 * for a target count (uapi 4.5–4.7, 8.x).
 */
import { ModeFlag } from '../uapi/drm-mode.js';
import type { ModeInfo } from '../uapi/ioctl-structs.js';
import type { Timer } from './clock.js';
import type { DrmDevice } from './device.js';
import type { Crtc, PendingEvent } from './types.js';

export interface VblankEventEntry {
  target: bigint;
  ev: PendingEvent;
}

export interface VblankCrtc {
  /** drm_crtc_vblank_on/off state: drm_vblank_get fails while false (uapi 8.3). */
  enabled: boolean;
  count: bigint;
  /** CLOCK_MONOTONIC ns of the last vblank. */
  time: bigint;
  framedurNs: bigint;
  timer: Timer | null;
  /** Scheduled time of the next tick. */
  next: bigint;
  events: VblankEventEntry[];
}

const vblanks = new WeakMap<Crtc, VblankCrtc>();

export function vblankOf(crtc: Crtc): VblankCrtc {
  let v = vblanks.get(crtc);
  if (!v) {
    v = { enabled: false, count: 0n, time: 0n, framedurNs: 0n, timer: null, next: 0n, events: [] };
    vblanks.set(crtc, v);
  }
  return v;
}

/** drm_calc_timestamping_constants: frame duration from the mode's timings. */
export function calcTimestampingConstants(crtc: Crtc, mode: ModeInfo): void {
  const v = vblankOf(crtc);
  if (mode.clock <= 0 || mode.htotal === 0 || mode.vtotal === 0) {
    v.framedurNs = 0n;
    return;
  }
  let dur = (BigInt(mode.htotal) * BigInt(mode.vtotal) * 1_000_000n) / BigInt(mode.clock);
  if (mode.flags & ModeFlag.INTERLACE) dur /= 2n; // field duration
  v.framedurNs = dur;
}

/** How many frames passed between `from` and `to` (DIV_ROUND_CLOSEST on the timestamps). */
function framesBetween(v: VblankCrtc, from: bigint, to: bigint): bigint {
  if (v.framedurNs <= 0n || to <= from) return 0n;
  return (to - from + v.framedurNs / 2n) / v.framedurNs;
}

function store(v: VblankCrtc, diff: bigint, t: bigint): void {
  v.count += diff;
  v.time = t;
}

/** Deliver every armed event whose target has been reached (drm_handle_vblank_events). */
function handleEvents(v: VblankCrtc, all = false): void {
  if (v.events.length === 0) return;
  const keep: VblankEventEntry[] = [];
  const due: VblankEventEntry[] = [];
  for (const e of v.events) (all || v.count >= e.target ? due : keep).push(e);
  v.events = keep;
  for (const e of due) e.ev.deliver(v.count, v.time);
}

function schedule(dev: DrmDevice, crtc: Crtc, v: VblankCrtc): void {
  v.timer = dev.clock.at(v.next, () => tick(dev, crtc, v));
}

/** One vblank: the timer fired (drm_crtc_handle_vblank, then the driver's per-frame work). */
function tick(dev: DrmDevice, crtc: Crtc, v: VblankCrtc): void {
  if (!v.enabled) return;
  const now = dev.clock.now();
  let t = v.next;
  // a late timer (realtime) jumps over the frames it missed, like hrtimer_forward_now
  while (t + v.framedurNs <= now && v.framedurNs > 0n) t += v.framedurNs;
  store(v, framesBetween(v, v.time, t) || 1n, t);
  v.next = t + v.framedurNs;
  handleEvents(v);
  crtc.funcs.vblankTick?.(crtc, v.count, v.time);
  if (v.enabled && v.framedurNs > 0n) schedule(dev, crtc, v);
  dev.clock.wake();
}

/**
 * drm_crtc_vblank_on → drm_reset_vblank_timestamp: the counter goes up by exactly 1 so userspace
 * never sees the same count before and after a modeset; the timestamp becomes now and the timer
 * starts one frame later. (The timestamp-based catch-up of uapi 8.8 is for the vblank interrupt
 * coming back while the CRTC stayed on; here the timer runs for as long as the CRTC is on.)
 */
export function vblankOn(dev: DrmDevice, crtc: Crtc): void {
  if (!dev.features.vblank) return;
  const v = vblankOf(crtc);
  if (v.enabled) return;
  const now = dev.clock.now();
  store(v, 1n, now);
  v.enabled = true;
  if (v.framedurNs > 0n) {
    v.next = now + v.framedurNs;
    schedule(dev, crtc, v);
  }
}

/** drm_crtc_vblank_off: pending events go out now with the current count (uapi 4.7). */
export function vblankOff(dev: DrmDevice, crtc: Crtc): void {
  const v = vblankOf(crtc);
  if (!v.enabled) {
    handleEvents(v, true);
    return;
  }
  v.enabled = false;
  dev.clock.cancel(v.timer);
  v.timer = null;
  handleEvents(v, true);
  dev.clock.wake();
}

/** drm_crtc_vblank_get: false when vblank cannot be enabled (device without vblank, CRTC off). */
export function vblankGet(dev: DrmDevice, crtc: Crtc): boolean {
  return dev.features.vblank && vblankOf(crtc).enabled;
}

/** drm_crtc_arm_vblank_event: the event goes out at the next vblank (count + 1, uapi 4.6). */
export function armVblankEvent(crtc: Crtc, ev: PendingEvent, target?: bigint): void {
  const v = vblankOf(crtc);
  v.events.push({ target: target ?? v.count + 1n, ev });
}

/** drm_crtc_send_vblank_event: now, with the last count/timestamp, or 0 and now without vblank (uapi 4.5). */
export function sendVblankEventNow(dev: DrmDevice, crtc: Crtc, ev: PendingEvent): void {
  if (!dev.features.vblank) ev.deliver(0n, dev.clock.now());
  else {
    const v = vblankOf(crtc);
    ev.deliver(v.count, v.time);
  }
  dev.clock.wake();
}

/** Stop every CRTC's timer (unplug). */
export function stopVblanks(dev: DrmDevice): void {
  for (const c of dev.crtcs) {
    const v = vblankOf(c);
    dev.clock.cancel(v.timer);
    v.timer = null;
    v.enabled = false;
  }
}
