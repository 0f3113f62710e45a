/**
 * drm_atomic_helper_commit and its tail (uapi 3.44–3.50): setup (EBUSY for a nonblocking commit
 * that overtakes an unfinished flip), in-fence waits, the state swap (point of no return), then
 * disables → planes → enables → fake vblank → hw_done, flip_done, cleanup.
 *
 * Everything that need not wait runs synchronously. Waiting on vblank uses the device clock
 * (manual: virtual time advances; realtime: a Promise); waiting on fences is always a Promise.
 */
import { fail } from '../../uapi/errno.js';
import { internalEvent } from '../events.js';
import { armVblankEvent, calcTimestampingConstants, sendVblankEventNow, vblankGet, vblankOff, vblankOn } from '../vblank.js';
import type { Connector, Crtc, CrtcCommit, CrtcState } from '../types.js';
import { atomicCheckOnly } from './check.js';
import { connectorsInState, crtcsInState, discardNewStates, needsModeset, planesInState, releaseOldStates, swapColoropStates, type AtomicState } from './state.js';

type MaybePromise<T> = T | Promise<T>;
export function andThen<T, R>(v: MaybePromise<T>, f: (t: T) => MaybePromise<R>): MaybePromise<R> {
  return v instanceof Promise ? v.then(f) : f(v);
}

const FLIP_TIMEOUT_NS = 10_000_000_000n; // wait_for_completion_timeout(…, 10*HZ)

function newCommit(crtc: Crtc | null): CrtcCommit {
  return { crtc, flipDone: false, hwDone: false, cleanupDone: false, onFlipDone: [] };
}

export function completeFlip(c: CrtcCommit): void {
  if (c.flipDone) return;
  c.flipDone = true;
  for (const f of c.onFlipDone.splice(0)) f();
}

/** drm_atomic_helper_setup_commit (uapi 3.45–3.47). */
function setupCommit(state: AtomicState, nonblock: boolean): void {
  for (const crtc of crtcsInState(state)) {
    const e = state.crtcs.get(crtc)!;
    // stall_checks: a nonblocking commit may not overtake the previous one's flip
    const last = crtc.commits[0];
    if (last && !last.flipDone && nonblock) fail('EBUSY', `CRTC ${crtc.id} is busy with a previous commit`);
    const commit = newCommit(crtc);
    e.commit = commit;
    if (!e.old.active && !e.new.active) { completeFlip(commit); continue; } // uapi 3.47
    if (state.legacyCursorUpdate) { completeFlip(commit); continue; }
    if (!e.new.event) e.new.event = internalEvent(); // the flip is tracked even without a user event (3.46)
    e.new.event.completions.push(() => completeFlip(commit));
  }
  for (const conn of connectorsInState(state)) {
    const e = state.connectors.get(conn)!;
    if (nonblock && e.old.commit && !e.old.commit.flipDone) fail('EBUSY', `connector ${conn.id} is busy with a previous commit`);
    e.new.commit = commitFor(state, e.new.crtc ?? e.old.crtc);
  }
  for (const plane of planesInState(state)) {
    const e = state.planes.get(plane)!;
    if (nonblock && e.old.commit && !e.old.commit.flipDone) fail('EBUSY', `plane ${plane.id} is busy with a previous commit`);
    e.new.commit = commitFor(state, e.new.crtc ?? e.old.crtc);
  }
}

/** crtc_or_fake_commit. */
function commitFor(state: AtomicState, crtc: Crtc | null): CrtcCommit {
  if (crtc) return state.crtcs.get(crtc)!.commit!;
  if (!state.fakeCommit) state.fakeCommit = newCommit(null);
  return state.fakeCommit;
}

/** drm_atomic_helper_swap_state: from here on the commit cannot fail (uapi 3.50). */
function swapState(state: AtomicState): void {
  for (const crtc of crtcsInState(state)) {
    const e = state.crtcs.get(crtc)!;
    crtc.state = e.new;
    e.new.commit = e.commit;
    if (e.commit) crtc.commits.unshift(e.commit);
  }
  for (const conn of connectorsInState(state)) conn.state = state.connectors.get(conn)!.new;
  for (const plane of planesInState(state)) plane.state = state.planes.get(plane)!.new;
  swapColoropStates(state);
}

function ctxOf(state: AtomicState) {
  return { state, device: state.dev.owner };
}

/** Send or arm a CRTC's event the way VKMS's atomic_flush does (uapi 4.6). */
export function crtcHandleEvent(state: AtomicState, crtc: Crtc, cs: CrtcState): void {
  const ev = cs.event;
  if (!ev) return;
  cs.event = null;
  if (!vblankGet(state.dev, crtc)) sendVblankEventNow(state.dev, crtc, ev);
  else armVblankEvent(crtc, ev);
}

/** drm_atomic_helper_commit_modeset_disables. */
export function commitModesetDisables(state: AtomicState): void {
  const dev = state.dev;
  for (const crtc of crtcsInState(state)) {
    const { old, new: cs } = state.crtcs.get(crtc)!;
    if (!needsModeset(cs) || !old.active) continue;
    if (crtc.funcs.atomicDisable) crtc.funcs.atomicDisable(crtc, cs, old, ctxOf(state));
    else vblankOff(dev, crtc);
  }
  // drm_atomic_helper_calc_timestamping_constants
  for (const crtc of crtcsInState(state)) {
    const cs = state.crtcs.get(crtc)!.new;
    if (cs.enable) calcTimestampingConstants(crtc, cs.adjusted_mode.clock ? cs.adjusted_mode : cs.mode);
  }
}

/** drm_atomic_helper_commit_planes(…, 0): begin, plane updates/disables, flush. */
export function commitPlanes(state: AtomicState): void {
  const ctx = ctxOf(state);
  for (const crtc of crtcsInState(state)) {
    const e = state.crtcs.get(crtc)!;
    crtc.funcs.atomicBegin?.(crtc, e.new, e.old, ctx);
  }
  for (const plane of planesInState(state)) {
    const { old, new: ps } = state.planes.get(plane)!;
    const disabling = old.crtc !== null && ps.crtc === null;
    if (disabling && plane.funcs.atomicDisable) plane.funcs.atomicDisable(plane, ps, old, ctx);
    else if (ps.crtc || disabling) plane.funcs.atomicUpdate?.(plane, ps, old, ctx);
  }
  for (const crtc of crtcsInState(state)) {
    const e = state.crtcs.get(crtc)!;
    if (crtc.funcs.atomicFlush) crtc.funcs.atomicFlush(crtc, e.new, e.old, ctx);
    else crtcHandleEvent(state, crtc, e.new);
  }
}

/** drm_atomic_helper_commit_modeset_enables (+ commit_writebacks). */
export function commitModesetEnables(state: AtomicState): void {
  const dev = state.dev, ctx = ctxOf(state);
  for (const crtc of crtcsInState(state)) {
    const { old, new: cs } = state.crtcs.get(crtc)!;
    if (!needsModeset(cs) || !cs.active || !cs.enable) continue;
    if (crtc.funcs.atomicEnable) crtc.funcs.atomicEnable(crtc, cs, old, ctx);
    else vblankOn(dev, crtc);
  }
  for (const conn of connectorsInState(state)) {
    const cs = state.connectors.get(conn)!.new;
    if (cs.writeback_job?.fb) conn.funcs.atomicCommit?.(conn, cs, ctx);
  }
}

/** drm_atomic_helper_fake_vblank: CRTCs without vblank send their event now. */
export function fakeVblank(state: AtomicState): void {
  for (const crtc of crtcsInState(state)) {
    const cs = state.crtcs.get(crtc)!.new;
    if (!cs.no_vblank || !cs.event) continue;
    const ev = cs.event;
    cs.event = null;
    sendVblankEventNow(state.dev, crtc, ev);
  }
}

/** drm_atomic_helper_commit_hw_done. */
export function commitHwDone(state: AtomicState): void {
  for (const e of state.crtcs.values()) {
    const c = e.commit;
    if (!c) continue;
    // the backend must have consumed every event by now: an unconsumed one completes here
    if (e.new.event) {
      state.dev.log.atomic.warn({ crtc: e.new.crtc.id }, 'event not consumed by the driver; sending it now');
      sendVblankEventNow(state.dev, e.new.crtc, e.new.event);
      e.new.event = null;
    }
    c.hwDone = true;
  }
  if (state.fakeCommit) {
    state.fakeCommit.hwDone = true;
    completeFlip(state.fakeCommit);
  }
}

/** The default commit tail (drm_atomic_helper_commit_tail; VKMS's adds fake_vblank before hw_done). */
export function defaultCommitTail(state: AtomicState): void {
  commitModesetDisables(state);
  commitPlanes(state);
  commitModesetEnables(state);
  fakeVblank(state);
  commitHwDone(state);
}

function allFlipsDone(state: AtomicState): boolean {
  for (const e of state.crtcs.values()) if (e.commit && !e.commit.flipDone) return false;
  return true;
}

/** drm_atomic_helper_commit_cleanup_done + dropping the old states. */
function cleanupDone(state: AtomicState): void {
  for (const [crtc, e] of state.crtcs) {
    const c = e.commit;
    if (!c) continue;
    c.cleanupDone = true;
    crtc.commits = crtc.commits.filter((x) => x !== c);
  }
  if (state.fakeCommit) state.fakeCommit.cleanupDone = true;
  releaseOldStates(state);
  state.dev.reapConnectors();
  state.dev.clock.wake();
}

/** Wait until `cond` holds on the device clock, or time out like wait_for_completion_timeout. */
function waitOn(state: AtomicState, cond: () => boolean, what: string): MaybePromise<void> {
  return andThen(state.dev.clock.waitFor(cond, FLIP_TIMEOUT_NS), (ok) => {
    if (!ok) state.dev.log.atomic.error(`${what} timed out`);
  });
}

/** drm_atomic_helper_wait_for_dependencies: the previous commits on these objects must be done. */
function waitForDependencies(state: AtomicState): MaybePromise<void> {
  const prev: CrtcCommit[] = [];
  for (const e of state.crtcs.values()) if (e.old.commit) prev.push(e.old.commit);
  for (const e of state.planes.values()) if (e.old.commit) prev.push(e.old.commit);
  for (const e of state.connectors.values()) if (e.old.commit) prev.push(e.old.commit);
  if (prev.every((c) => c.hwDone && c.flipDone)) return;
  return waitOn(state, () => prev.every((c) => c.hwDone && c.flipDone), 'waiting for the previous commit');
}

/** drm_atomic_helper_wait_for_fences: every plane's IN_FENCE_FD must signal first. */
function waitForFences(state: AtomicState): MaybePromise<void> {
  const fences = [...state.planes.values()].map((e) => e.new.fence).filter((f) => f && !f.signaled);
  if (fences.length === 0) return;
  const release = state.dev.clock.holdAsync();
  return Promise.all(fences.map((f) => f!.wait())).then(release, release);
}

function runTail(state: AtomicState, nonblock: boolean): MaybePromise<void> {
  return andThen(nonblock ? waitForFences(state) : undefined, () =>
    andThen(waitForDependencies(state), () => {
      (state.dev.atomicCommitTail ?? defaultCommitTail)(state);
      if (nonblock) {
        // the commit work holds a drm_dev_enter section until it is cleaned up
        const exit = state.dev.guard?.() ?? (() => undefined);
        let done = false;
        const finish = () => {
          if (done || !allFlipsDone(state)) return;
          done = true;
          cleanupDone(state);
          exit();
        };
        for (const e of state.crtcs.values()) if (e.commit && !e.commit.flipDone) e.commit.onFlipDone.push(finish);
        finish();
        return;
      }
      // drm_atomic_helper_wait_for_flip_done: a blocking commit returns with its flip done (uapi 3.49)
      return andThen(allFlipsDone(state) ? undefined : waitOn(state, () => allFlipsDone(state), 'flip_done'), () => cleanupDone(state));
    }));
}

/**
 * drm_atomic_commit / drm_atomic_nonblocking_commit: check, then commit. On any error before the
 * swap nothing changes (uapi 3.50). A blocking commit's result may be a Promise (it waited).
 */
export function atomicCommit(state: AtomicState, nonblock: boolean): MaybePromise<void> {
  try {
    atomicCheckOnly(state);
    setupCommit(state, nonblock);
  } catch (e) {
    discardNewStates(state);
    throw e;
  }
  const swapAndRun = (): MaybePromise<void> => {
    swapState(state);
    if (!nonblock) return runTail(state, false);
    const r = runTail(state, true);
    if (r instanceof Promise) r.catch((err) => state.dev.log.atomic.error({ err }, 'nonblocking commit failed'));
  };
  if (nonblock) return swapAndRun();
  // a blocking commit waits for its fences before the swap
  const f = waitForFences(state);
  return andThen(f, swapAndRun);
}

/** drm_atomic_check_only for TEST_ONLY: every check, nothing committed (uapi 3.44). */
export function atomicTestOnly(state: AtomicState): void {
  try {
    atomicCheckOnly(state);
  } finally {
    discardNewStates(state);
  }
}

export type { Connector };
