/**
 * The modeset locks, coarsely: an atomic ioctl holds them until it returns (a blocking commit
 * waiting for its flip keeps them). While one is held asynchronously, later commits queue behind
 * it; synchronous ones run at once.
 */
import type { DrmDevice } from '../device.js';

const held = new WeakMap<DrmDevice, Promise<void>>();

export function withModesetLock<R>(dev: DrmDevice, fn: () => R | Promise<R>): R | Promise<R> {
  const prev = held.get(dev);
  if (prev) return hold(dev, prev.then(fn));
  const r = fn();
  return r instanceof Promise ? hold(dev, r) : r;
}

function hold<R>(dev: DrmDevice, p: Promise<R>): Promise<R> {
  const gate = p.then(() => undefined, () => undefined);
  held.set(dev, gate);
  void gate.then(() => { if (held.get(dev) === gate) held.delete(dev); });
  return p;
}
