// The device clock (DESIGN.md §4): realtime timers never run before their time, so vblank
// timestamps are never ahead of CLOCK_MONOTONIC "now" (uapi 8.9).
import { describe, expect, it } from 'vitest';
import { DeviceClock } from '../../src/drm/clock.js';

describe('DeviceClock', () => {
  it('realtime: a timer at a fractional-millisecond deadline never fires early', async () => {
    const clock = new DeviceClock('realtime');
    const release = clock.keepAlive();
    const start = clock.now();
    const early: bigint[] = [];
    await Promise.all(Array.from({ length: 12 }, (_, k) => new Promise<void>((resolve) => {
      const at = start + BigInt(Math.round((k + 1) * 1.37e6)); // 1.37 ms steps: never whole ms
      clock.at(at, () => {
        const now = clock.now();
        if (now < at) early.push(at - now);
        resolve();
      });
    })));
    release();
    expect(early).toEqual([]);
  });

  it('manual: time moves only when advanced, timers fire in deadline order', () => {
    const clock = new DeviceClock('manual');
    const t0 = clock.now();
    const order: number[] = [];
    clock.at(t0 + 30n, () => order.push(3));
    clock.at(t0 + 10n, () => order.push(1));
    clock.at(t0 + 20n, () => order.push(2));
    expect(clock.now()).toBe(t0);
    clock.advance(25n);
    expect(order).toEqual([1, 2]);
    expect(clock.now()).toBe(t0 + 25n);
    expect(clock.step()).toBe(true);
    expect(order).toEqual([1, 2, 3]);
    expect(clock.now()).toBe(t0 + 30n);
    expect(clock.step()).toBe(false);
  });
});
