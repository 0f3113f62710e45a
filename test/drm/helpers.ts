/** Small helpers shared by the DRM core conformance tests. */
import { expect } from 'vitest';
import type { Card } from '../../src/client/card.js';
import { DrmError, type ErrnoName } from '../../src/uapi/errno.js';
import { Fourcc } from '../../src/uapi/fourcc.js';

/** Run `fn` and return the errno code it failed with, or 'no error'. Async results are awaited. */
export function errnoOf(fn: () => unknown): ErrnoName | 'no error' | 'not a DrmError' {
  try {
    const r = fn();
    if (r instanceof Promise) throw new Error('errnoOf: use errnoOfAsync for async calls');
    return 'no error';
  } catch (e) {
    if (e instanceof DrmError) return e.code;
    return 'not a DrmError';
  }
}

/** Assert that `fn` fails with exactly this errno. */
export function expectErrno(fn: () => unknown, code: ErrnoName): void {
  expect(errnoOf(fn)).toBe(code);
}

/** A dumb buffer + XRGB8888 framebuffer owned by `card`; returns the FB id. */
export function makeFb(card: Card, width = 64, height = 64): number {
  const d = card.createDumb(width, height, 32);
  return card.addFB2(width, height, Fourcc.XRGB8888, [d.handle, 0, 0, 0], [d.pitch, 0, 0, 0], [0, 0, 0, 0]);
}

/** Names of the properties attached to an object, in enumeration order, as `card` sees them. */
export function propNames(card: Card, objId: number, objType: number): string[] {
  return card.getObjectProperties(objId, objType).props.map((id) => card.getProperty(id).name);
}

/** Name → value of an object's properties as `card` sees them. */
export function propValues(card: Card, objId: number, objType: number): Record<string, bigint> {
  const { props, propValues } = card.getObjectProperties(objId, objType);
  const out: Record<string, bigint> = {};
  props.forEach((id, i) => { out[card.getProperty(id).name] = propValues[i]!; });
  return out;
}

/** A u32 array pre-filled with a sentinel, to see exactly which slots the kernel wrote. */
export function sentinelU32(n: number, fill = 0xdeadbeef): Uint32Array {
  return new Uint32Array(n).fill(fill);
}

export const U64_ALL_ONES = 0xffffffffffffffffn;
