/** GET_CAP (uapi 1.16). */
import { describe, expect, it } from 'vitest';
import { Cap } from '../../src/uapi/drm-mode.js';
import type { IoctlArgs } from '../../src/uapi/ioctl.js';
import { createCustomDevice, createTestDevice } from './test-driver.js';
import { expectErrno } from './helpers.js';

describe('uapi 1.16: GET_CAP', () => {
  it('reports the test driver values', async () => {
    // uapi 1.16 (test driver: dumb_create, cursor 512x512, preferred_depth 0, no async flip, no page_flip_target)
    const t = await createTestDevice();
    const card = t.open();
    const get = (c: number) => card.getCap(c);
    expect(get(Cap.DUMB_BUFFER)).toBe(1n);
    expect(get(Cap.VBLANK_HIGH_CRTC)).toBe(1n);
    expect(get(Cap.DUMB_PREFERRED_DEPTH)).toBe(0n);
    expect(get(Cap.DUMB_PREFER_SHADOW)).toBe(0n);
    expect(get(Cap.PRIME)).toBe(3n);
    expect(get(Cap.TIMESTAMP_MONOTONIC)).toBe(1n);
    expect(get(Cap.ASYNC_PAGE_FLIP)).toBe(0n);
    expect(get(Cap.CURSOR_WIDTH)).toBe(512n);
    expect(get(Cap.CURSOR_HEIGHT)).toBe(512n);
    expect(get(Cap.ADDFB2_MODIFIERS)).toBe(1n);
    expect(get(Cap.PAGE_FLIP_TARGET)).toBe(0n);
    expect(get(Cap.CRTC_IN_VBLANK_EVENT)).toBe(1n);
    expect(get(Cap.SYNCOBJ)).toBe(0n);
    expect(get(Cap.SYNCOBJ_TIMELINE)).toBe(0n);
    expect(get(Cap.ATOMIC_ASYNC_PAGE_FLIP)).toBe(0n);
  });

  it('follows the mode config', async () => {
    // uapi 1.16
    const t = await createTestDevice({
      modeConfig: { cursorWidth: 0, cursorHeight: 256, preferredDepth: 24, preferShadow: 1, asyncPageFlip: true, fbModifiersNotSupported: true, pageFlipTarget: true },
      features: { dumb: false },
    });
    const card = t.open();
    expect(card.getCap(Cap.CURSOR_WIDTH)).toBe(64n); // 0 ⇒ the core's default 64
    expect(card.getCap(Cap.CURSOR_HEIGHT)).toBe(256n);
    expect(card.getCap(Cap.DUMB_PREFERRED_DEPTH)).toBe(24n);
    expect(card.getCap(Cap.DUMB_PREFER_SHADOW)).toBe(1n);
    expect(card.getCap(Cap.ASYNC_PAGE_FLIP)).toBe(1n);
    expect(card.getCap(Cap.ATOMIC_ASYNC_PAGE_FLIP)).toBe(1n);
    expect(card.getCap(Cap.ADDFB2_MODIFIERS)).toBe(0n);
    expect(card.getCap(Cap.PAGE_FLIP_TARGET)).toBe(1n);
    expect(card.getCap(Cap.DUMB_BUFFER)).toBe(0n);
  });

  it('PAGE_FLIP_TARGET is 1 on a device without CRTCs (no CRTC lacks page_flip_target)', async () => {
    // uapi 1.16: value = 1, cleared by any CRTC without page_flip_target
    const t = await createCustomDevice(() => null);
    expect(t.open().getCap(Cap.PAGE_FLIP_TARGET)).toBe(1n);
  });

  it('ATOMIC_ASYNC_PAGE_FLIP needs an atomic driver', async () => {
    // uapi 1.16: atomic && async_page_flip
    const t = await createTestDevice({ features: { atomic: false }, writeback: false, modeConfig: { asyncPageFlip: true } });
    const card = t.open();
    expect(card.getCap(Cap.ASYNC_PAGE_FLIP)).toBe(1n);
    expect(card.getCap(Cap.ATOMIC_ASYNC_PAGE_FLIP)).toBe(0n);
  });

  it('refuses unknown capabilities with EINVAL and value 0', async () => {
    // uapi 1.16 (+ 0.4: value was zeroed before the switch)
    const t = await createTestDevice();
    const card = t.open();
    for (const cap of [0n, 0xan, 0xbn, 0xfn, 0x16n, 0x100n, 0x100000006n, 0xffffffffffffffffn]) {
      const a: Partial<IoctlArgs['GET_CAP']> = { capability: cap, value: 77n };
      expectErrno(() => card.fd.ioctl('GET_CAP', a), 'EINVAL');
      expect(a.value).toBe(0n);
    }
  });

  it('answers only the render-safe caps on a driver without DRIVER_MODESET', async () => {
    // uapi 1.16: the first switch (TIMESTAMP_MONOTONIC, PRIME, SYNCOBJ*) works; the rest are EOPNOTSUPP
    const t = await createCustomDevice(() => null, { features: { modeset: false, atomic: false } });
    const card = t.open();
    expect(card.getCap(Cap.TIMESTAMP_MONOTONIC)).toBe(1n);
    expect(card.getCap(Cap.PRIME)).toBe(3n);
    expect(card.getCap(Cap.SYNCOBJ)).toBe(0n);
    expectErrno(() => card.getCap(Cap.DUMB_BUFFER), 'EOPNOTSUPP');
    expectErrno(() => card.getCap(Cap.CURSOR_WIDTH), 'EOPNOTSUPP');
    expectErrno(() => card.getCap(0x16), 'EOPNOTSUPP');
  });
});
