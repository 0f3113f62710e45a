/** GETFB and GETFB2 (uapi 5.17, 5.18). */
import { beforeEach, describe, expect, it } from 'vitest';
import type { Card } from '../../src/client/card.js';
import { FbFlag } from '../../src/uapi/drm-mode.js';
import { Fourcc } from '../../src/uapi/fourcc.js';
import { createOwnDevice, expectErrno, fileOf, raw } from './core-helpers.js';
import { createTestDevice, type TestDevice } from './test-driver.js';

describe('GETFB / GETFB2 (uapi 5.17, 5.18)', () => {
  let t: TestDevice;
  let a: Card; // master
  let b: Card; // not master, not root
  let ha: number;
  let hb: number;
  let xrgb: number; // a's XRGB8888 64x64
  let nv12: number; // a's NV12 64x64, both planes in one buffer
  let hnv: number;

  beforeEach(async () => {
    t = await createTestDevice();
    a = t.open();
    b = t.open();
    ha = a.createDumb(64, 64, 32).handle;
    hb = b.createDumb(64, 64, 32).handle;
    hnv = a.createDumb(64, 96, 8).handle;
    expect([ha, hb, hnv]).toEqual([1, 1, 2]);
    xrgb = a.addFB2(64, 64, Fourcc.XRGB8888, [ha], [256], [0]);
    nv12 = a.addFB2(64, 64, Fourcc.NV12, [hnv, hnv], [64, 64], [0, 4096]);
  });

  const getfb = (card: Card, id: number, handle = 0) => raw(card, 'MODE_GETFB', { fb_id: id, handle });
  const getfb2 = (card: Card, id: number) =>
    raw(card, 'MODE_GETFB2', { fb_id: id, handles: [7, 7, 7, 7], pitches: [9, 9, 9, 9], offsets: [5, 5, 5, 5], modifier: [3n, 3n, 3n, 3n], flags: 0xff });

  describe('GETFB (5.17)', () => {
    it('unknown ID or another object type → ENOENT', () => {
      // uapi 5.17
      expectErrno(() => getfb(a, 9999), 'ENOENT');
      expectErrno(() => getfb(a, 0), 'ENOENT');
      expectErrno(() => getfb(a, t.crtc.id), 'ENOENT');
    });

    it('multi-planar FB → EINVAL', () => {
      // uapi 5.17
      expectErrno(() => getfb(a, nv12), 'EINVAL');
      expectErrno(() => getfb(b, nv12), 'EINVAL');
    });

    it('returns width, height, depth, bpp, pitch', () => {
      // uapi 5.17
      const g = getfb(b, xrgb);
      expect(g).toMatchObject({ fb_id: xrgb, width: 64, height: 64, depth: 24, bpp: 32, pitch: 256 });
      const rgb565 = a.addFB2(32, 16, Fourcc.RGB565, [ha], [100], [0]);
      expect(getfb(b, rgb565)).toMatchObject({ width: 32, height: 16, depth: 16, bpp: 16, pitch: 100 });
      const argb = a.addFB2(16, 32, Fourcc.ARGB8888, [ha], [64], [0]);
      expect(getfb(b, argb)).toMatchObject({ width: 16, height: 32, depth: 32, bpp: 32, pitch: 64 });
    });

    it('handle 0 for a non-master, whoever owns the FB', () => {
      // uapi 5.17
      expect(getfb(b, xrgb, 77).handle).toBe(0);
      const own = b.addFB2(64, 64, Fourcc.XRGB8888, [hb], [256], [0]);
      expect(getfb(b, own, 77).handle).toBe(0);
      expect(fileOf(b).handles.ids()).toEqual([1]);
    });

    it('a NEW handle in the caller\'s file for the current master', () => {
      // uapi 5.17, 5.24
      const obj = fileOf(a).handles.get(ha)!;
      const h1 = getfb(a, xrgb).handle!;
      const h2 = getfb(a, xrgb).handle!;
      expect([h1, h2]).toEqual([3, 4]);
      expect(fileOf(a).handles.get(h1)).toBe(obj);
      expect(fileOf(a).handles.get(h2)).toBe(obj);
      // the new handle maps the same memory
      const off1 = raw(a, 'MODE_MAP_DUMB', { handle: ha }).offset!;
      const off2 = raw(a, 'MODE_MAP_DUMB', { handle: h1 }).offset!;
      expect(off2).toBe(off1);
      // an FB of another file: the handle lands in the master's table
      const theirs = b.addFB2(64, 64, Fourcc.XRGB8888, [hb], [256], [0]);
      const h3 = getfb(a, theirs).handle!;
      expect(h3).toBe(5);
      expect(fileOf(a).handles.get(h3)).toBe(fileOf(b).handles.get(hb));
    });

    it('CAP_SYS_ADMIN gets a handle without being master', () => {
      // uapi 5.17
      const root = t.open({ capSysAdmin: true });
      expect(fileOf(root).isMaster).toBe(false);
      const h = getfb(root, xrgb).handle!;
      expect(h).toBe(1);
      expect(fileOf(root).handles.get(1)).toBe(fileOf(a).handles.get(ha));
    });

    it('a master that dropped master gets 0', () => {
      // uapi 5.17, 6.5
      a.dropMaster();
      expect(getfb(a, xrgb).handle).toBe(0);
    });
  });

  describe('GETFB2 (5.18)', () => {
    it('unknown ID → ENOENT', () => {
      // uapi 5.18
      expectErrno(() => getfb2(a, 9999), 'ENOENT');
      expectErrno(() => getfb2(a, t.primary.id), 'ENOENT');
    });

    it('single plane: MODIFIERS flag, per-plane fields, unused planes zeroed', () => {
      // uapi 5.18
      expect(getfb2(b, xrgb)).toMatchObject({
        fb_id: xrgb, width: 64, height: 64, pixel_format: Fourcc.XRGB8888, flags: FbFlag.MODIFIERS,
        handles: [0, 0, 0, 0], pitches: [256, 0, 0, 0], offsets: [0, 0, 0, 0], modifier: [0n, 0n, 0n, 0n],
      });
      const m = getfb2(a, xrgb);
      expect(m.handles).toEqual([3, 0, 0, 0]);
      expect(fileOf(a).handles.get(3)).toBe(fileOf(a).handles.get(ha));
    });

    it('NV12 in one buffer: same object ⇒ same (new) handle for the master, 0 for others', () => {
      // uapi 5.18
      expect(getfb2(b, nv12)).toMatchObject({
        width: 64, height: 64, pixel_format: Fourcc.NV12, flags: FbFlag.MODIFIERS,
        handles: [0, 0, 0, 0], pitches: [64, 64, 0, 0], offsets: [0, 4096, 0, 0], modifier: [0n, 0n, 0n, 0n],
      });
      const m = getfb2(a, nv12);
      expect(m.handles).toEqual([3, 3, 0, 0]);
      expect(fileOf(a).handles.get(3)).toBe(fileOf(a).handles.get(hnv));
      expect(fileOf(a).handles.ids()).toEqual([1, 2, 3]);
    });

    it('NV12 in two buffers: two handles', () => {
      // uapi 5.18
      const y = a.createDumb(64, 64, 8).handle;
      const uv = a.createDumb(32, 32, 16).handle;
      expect([y, uv]).toEqual([3, 4]);
      const id = a.addFB2(64, 64, Fourcc.NV12, [y, uv], [64, 64], [0, 0]);
      const m = getfb2(a, id);
      expect(m.handles).toEqual([5, 6, 0, 0]);
      expect(fileOf(a).handles.get(5)).toBe(fileOf(a).handles.get(y));
      expect(fileOf(a).handles.get(6)).toBe(fileOf(a).handles.get(uv));
      expect(m.pitches).toEqual([64, 64, 0, 0]);
    });

    it('CAP_SYS_ADMIN non-master gets handles', () => {
      // uapi 5.18
      const root = t.open({ capSysAdmin: true });
      expect(getfb2(root, nv12).handles).toEqual([1, 1, 0, 0]);
    });
  });
});

describe('framebuffer ioctls on a driver without DRIVER_MODESET', () => {
  it('EOPNOTSUPP for ADDFB/ADDFB2/RMFB/CLOSEFB/GETFB/DIRTYFB, but EINVAL for GETFB2', async () => {
    // uapi 5.17, 5.18 (drm_mode_getfb2_ioctl returns -EINVAL for !DRIVER_MODESET)
    const d = await createOwnDevice({ features: { modeset: false, atomic: false } });
    const a = d.open();
    const h = a.createDumb(64, 64, 32).handle; // dumb buffers need only dumb_create
    expectErrno(() => raw(a, 'MODE_ADDFB', { width: 64, height: 64, bpp: 32, depth: 24, pitch: 256, handle: h }), 'EOPNOTSUPP');
    expectErrno(() => raw(a, 'MODE_ADDFB2', { width: 64, height: 64, pixel_format: Fourcc.XRGB8888, handles: [h, 0, 0, 0], pitches: [256, 0, 0, 0] }), 'EOPNOTSUPP');
    expectErrno(() => raw(a, 'MODE_RMFB', { fb_id: 1 }), 'EOPNOTSUPP');
    expectErrno(() => raw(a, 'MODE_CLOSEFB', { fb_id: 1 }), 'EOPNOTSUPP');
    expectErrno(() => raw(a, 'MODE_GETFB', { fb_id: 1 }), 'EOPNOTSUPP');
    expectErrno(() => raw(a, 'MODE_DIRTYFB', { fb_id: 1 }), 'EOPNOTSUPP');
    expectErrno(() => raw(a, 'MODE_GETFB2', { fb_id: 1 }), 'EINVAL');
  });
});
