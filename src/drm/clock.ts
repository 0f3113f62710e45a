/**
 * The device clock (DESIGN.md §4): CLOCK_MONOTONIC-style nanoseconds and timers.
 * - realtime: the host's CLOCK_MONOTONIC itself (process.hrtime), so event and WAIT_VBLANK
 *   timestamps compare with what clock_gettime(CLOCK_MONOTONIC) gives a program
 *   (DRM_CAP_TIMESTAMP_MONOTONIC = 1); timers are real (unref'd, so they never keep Node alive).
 * - manual: virtual time that moves only when advanced; a blocking wait "sleeps" by advancing
 *   virtual time to the next timer until its condition holds. Deterministic, no real timers.
 * - immediate: real time, and the device has no vblank (flips complete at once).
 */
export type ClockMode = 'realtime' | 'manual' | 'immediate';

export interface Timer {
  readonly at: bigint;
  cancelled: boolean;
}

interface TimerEntry extends Timer {
  seq: number;
  cb: () => void;
  handle?: ReturnType<typeof setTimeout>;
}

export class DeviceClock {
  readonly mode: ClockMode;
  private virtual = 0n;
  private timers: TimerEntry[] = [];
  private seq = 0;
  private wakers = new Set<() => void>();
  /** Work blocked on something time cannot resolve (a fence): manual waits must not advance time meanwhile. */
  private asyncPending = 0;
  /** Waiters keeping the process alive (real timers are unref'd otherwise). */
  private alive = 0;
  private aliveHandle: ReturnType<typeof setInterval> | null = null;

  /** `startNs`: where manual (virtual) time starts. */
  constructor(mode: ClockMode, startNs = 1_000_000_000n) {
    this.mode = mode;
    this.virtual = startNs;
  }

  now(): bigint {
    // uv_hrtime is clock_gettime(CLOCK_MONOTONIC) on Linux
    return this.mode === 'manual' ? this.virtual : process.hrtime.bigint();
  }

  /** Run `cb` at absolute time `at` (ns). */
  at(at: bigint, cb: () => void): Timer {
    const t: TimerEntry = { at, cb, seq: this.seq++, cancelled: false };
    if (this.mode === 'manual') {
      this.timers.push(t);
      this.timers.sort((a, b) => (a.at < b.at ? -1 : a.at > b.at ? 1 : a.seq - b.seq));
    } else {
      // setTimeout truncates fractional ms and may fire early: round up, and re-arm if still
      // early, so nothing happens before its time (a vblank stamped in the future would not be
      // CLOCK_MONOTONIC-consistent)
      const arm = () => {
        const ms = Math.max(0, Math.ceil(Number(at - this.now()) / 1e6));
        t.handle = setTimeout(() => {
          if (t.cancelled) return;
          if (this.now() < at) return arm();
          t.cancelled = true;
          cb();
          this.wake();
        }, ms);
        t.handle.unref?.();
      };
      arm();
    }
    return t;
  }

  cancel(t: Timer | null | undefined): void {
    if (!t || t.cancelled) return;
    t.cancelled = true;
    const e = t as TimerEntry;
    if (e.handle) clearTimeout(e.handle);
    if (this.mode === 'manual') this.timers = this.timers.filter((x) => x !== e);
  }

  /** Virtual time only: move time forward by `ns`, firing every timer due on the way. */
  advance(ns: bigint | number): void {
    this.advanceTo(this.now() + BigInt(ns));
  }

  advanceTo(t: bigint): void {
    if (this.mode !== 'manual') throw new Error(`advance() needs the manual clock (this device uses ${this.mode})`);
    for (;;) {
      const next = this.timers[0];
      if (!next || next.at > t) break;
      this.timers.shift();
      if (next.at > this.virtual) this.virtual = next.at;
      next.cancelled = true;
      next.cb();
    }
    if (t > this.virtual) this.virtual = t;
    this.wake();
  }

  /** Fire the next pending timer (manual); false when none is pending. */
  step(): boolean {
    const next = this.timers[0];
    if (!next) return false;
    this.advanceTo(next.at);
    return true;
  }

  /** Time of the next pending timer (manual), if any. */
  nextTimer(): bigint | undefined {
    return this.timers[0]?.at;
  }

  /**
   * Sleep until `cond()` holds or `timeoutNs` passes. Manual: advances virtual time timer by
   * timer, synchronously. Otherwise: a Promise woken whenever a timer fires or `wake()` is called.
   * Resolves to whether the condition was met.
   */
  waitFor(cond: () => boolean, timeoutNs: bigint): boolean | Promise<boolean> {
    if (cond()) return true;
    const deadline = this.now() + timeoutNs;
    if (this.mode === 'manual') return this.manualWait(cond, deadline);
    const release = this.keepAlive();
    return new Promise((resolve) => {
      const timer = this.at(deadline, () => finish());
      const check = () => { if (cond()) finish(); };
      const finish = () => {
        this.wakers.delete(check);
        this.cancel(timer);
        release();
        resolve(cond());
      };
      this.wakers.add(check);
    });
  }

  private manualWait(cond: () => boolean, deadline: bigint): boolean | Promise<boolean> {
    while (!cond()) {
      if (this.asyncPending > 0) {
        // something else must happen first (a fence): wait for it without moving time
        return new Promise<void>((resolve) => {
          const w = () => {
            if (this.asyncPending !== 0 && !cond()) return;
            this.wakers.delete(w);
            // resume only after the released work's continuations (promise jobs) have run: a
            // fenced commit must get to arm its flip before this waiter lets time move on
            setImmediate(resolve);
          };
          this.wakers.add(w);
        }).then(() => this.manualWait(cond, deadline));
      }
      const next = this.timers[0];
      if (!next || next.at > deadline) {
        this.advanceTo(deadline);
        return cond();
      }
      this.advanceTo(next.at);
    }
    return true;
  }

  /**
   * Keep the process alive while someone waits for the device (a blocking read, a vblank wait):
   * the real timers are unref'd, so without a waiter an idle device never holds Node open.
   * Returns the release function.
   */
  keepAlive(): () => void {
    if (this.mode === 'manual') return () => undefined;
    if (this.alive++ === 0) this.aliveHandle = setInterval(() => undefined, 1 << 30);
    let done = false;
    return () => {
      if (done) return;
      done = true;
      if (--this.alive === 0 && this.aliveHandle) {
        clearInterval(this.aliveHandle);
        this.aliveHandle = null;
      }
    };
  }

  /** Mark work that only an outside event can finish; returns the release function. */
  holdAsync(): () => void {
    this.asyncPending++;
    let done = false;
    return () => {
      if (done) return;
      done = true;
      this.asyncPending--;
      this.wake();
    };
  }

  /** Something a waiter may be waiting for happened (an event, a fence). */
  wake(): void {
    for (const w of [...this.wakers]) w();
  }

  /** Stop every timer (unplug). */
  stopAll(): void {
    for (const t of this.timers) t.cancelled = true;
    this.timers = [];
  }
}
