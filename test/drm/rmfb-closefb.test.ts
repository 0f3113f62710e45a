/**
 * RMFB, CLOSEFB and FB cleanup on close (uapi 5.11–5.16). Most tests make a plane "show" an FB by
 * setting its state through the internal API (the plane state holds a reference, as
 * drm_atomic_set_fb_for_plane does); the last group lights the FB with real atomic commits.
 */
import { beforeEach, describe, expect, it } from 'vitest';
import { AtomicRequest } from '../../src/client/atomic.js';
import type { Card } from '../../src/client/card.js';
import { AtomicFlag, ClientCap, ObjectType } from '../../src/uapi/drm-mode.js';
import { DrmError } from '../../src/uapi/errno.js';
import { fbGet, fbPut } from '../../src/drm/framebuffer.js';
import type { Framebuffer, Plane } from '../../src/drm/types.js';
import { Fourcc } from '../../src/uapi/fourcc.js';
import { createOwnDevice, expectErrno, fileOf, raw } from './core-helpers.js';
import { createTestDevice, MODE_1024x768, type TestDevice } from './test-driver.js';

describe('RMFB / CLOSEFB / close (uapi 5.11–5.16)', () => {
  let t: TestDevice;
  let a: Card;
  let b: Card;
  let ha: number;
  let hb: number;

  const addFb = (card: Card, handle: number): number => card.addFB2(64, 64, Fourcc.XRGB8888, [handle], [256], [0]);
  const fbObj = (id: number): Framebuffer => t.device.drm.fb(id)!;
  /** Put `fb` on `plane` of the CRTC, the way a commit would (the state holds a reference). */
  const show = (plane: Plane, id: number): void => {
    plane.state.fb = fbGet(fbObj(id));
    plane.state.crtc = t.crtc;
    plane.state.visible = true;
  };
  const getfb = (card: Card, id: number) => raw(card, 'MODE_GETFB', { fb_id: id });

  beforeEach(async () => {
    t = await createTestDevice();
    a = t.open();
    b = t.open();
    ha = a.createDumb(64, 64, 32).handle;
    hb = b.createDumb(64, 64, 32).handle;
  });

  describe('RMFB ownership (5.11)', () => {
    it('unknown IDs, IDs of other object types and 0 → ENOENT', () => {
      // uapi 5.11 (and 1.4: type mismatch is ENOENT)
      expectErrno(() => a.rmFB(12345), 'ENOENT');
      expectErrno(() => a.rmFB(0), 'ENOENT');
      expectErrno(() => a.rmFB(t.crtc.id), 'ENOENT');
      expectErrno(() => a.rmFB(t.primary.id), 'ENOENT');
    });

    it('an FB of another file → ENOENT, and it survives', () => {
      // uapi 5.11
      const id = addFb(b, hb);
      expectErrno(() => a.rmFB(id), 'ENOENT');
      expect(fbObj(id)).toBeDefined();
      expect(b.getResources().fbs).toEqual([id]);
      b.rmFB(id);
      expect(t.device.drm.fb(id)).toBeUndefined();
    });

    it('RMFB of an unused FB frees it and its GEM reference at once', () => {
      // uapi 5.11, 5.14
      const obj = fileOf(a).handles.get(ha)!;
      expect(obj.refs).toBe(1);
      const id = addFb(a, ha);
      expect(obj.refs).toBe(2);
      a.rmFB(id);
      expect(obj.refs).toBe(1);
      expectErrno(() => getfb(a, id), 'ENOENT');
      expect(a.getResources().fbs).toEqual([]);
      expectErrno(() => a.rmFB(id), 'ENOENT');
    });
  });

  describe('RMFB of a scanned-out FB (5.12)', () => {
    it('disables every plane showing it before returning', () => {
      // uapi 5.12
      const id = addFb(a, ha);
      const other = addFb(a, ha);
      show(t.primary, id);
      show(t.overlay!, id);
      show(t.cursor!, other);
      expect(fbObj(id).refs).toBe(3);
      expect(a.getPlane(t.primary.id)).toMatchObject({ fbId: id, crtcId: t.crtc.id });
      expect(b.getPlane(t.overlay!.id)).toMatchObject({ fbId: id, crtcId: t.crtc.id });

      a.rmFB(id);

      for (const p of [t.primary, t.overlay!]) {
        expect(p.state.fb).toBeNull();
        expect(p.state.crtc).toBeNull();
        expect(a.getPlane(p.id)).toMatchObject({ fbId: 0, crtcId: 0 });
      }
      // a plane showing another FB is left alone
      expect(t.cursor!.state.fb).toBe(fbObj(other));
      expect(t.cursor!.state.crtc).toBe(t.crtc);
      expect(a.getPlane(t.cursor!.id)).toMatchObject({ fbId: other, crtcId: t.crtc.id });
      // the last reference is gone: the FB is freed
      expectErrno(() => getfb(a, id), 'ENOENT');
      expect(fileOf(a).handles.get(ha)!.refs).toBe(2); // the handle + the FB `other`
      // no event is generated
      expect(fileOf(a).events).toEqual([]);
      expect(a.fd.poll()).toBe(0);
    });
  });

  describe('ID lifetime (5.14)', () => {
    it('a removed FB keeps its ID while referenced; the ID is reused once freed', () => {
      // uapi 5.14, 1.2
      const id = addFb(a, ha);
      const fb = fbObj(id);
      fbGet(fb); // e.g. a commit still holding it
      a.rmFB(id);
      expect(fb.refs).toBe(1);
      // still found by ID while referenced
      const g = getfb(a, id);
      expect([g.width, g.height, g.pitch, g.bpp, g.depth]).toEqual([64, 64, 256, 32, 24]);
      expect(a.getFB2(id).pixelFormat).toBe(Fourcc.XRGB8888);
      // but no longer owned by anyone
      expect(a.getResources().fbs).toEqual([]);
      expectErrno(() => a.rmFB(id), 'ENOENT');
      expectErrno(() => a.closeFB(id), 'ENOENT');
      // its ID is not handed out again yet
      const blob = a.createPropertyBlob(new Uint8Array(4));
      const next = addFb(a, ha);
      expect(blob).not.toBe(id);
      expect(next).not.toBe(id);
      // last reference dropped: gone, and the ID is the lowest free again
      fbPut(t.device.drm, fb);
      expectErrno(() => getfb(a, id), 'ENOENT');
      expect(addFb(a, ha)).toBe(id);
    });
  });

  describe('CLOSEFB (5.15)', () => {
    it('pad ≠ 0 → EINVAL, checked before the lookup', () => {
      // uapi 5.15
      const id = addFb(a, ha);
      expectErrno(() => raw(a, 'MODE_CLOSEFB', { fb_id: id, pad: 1 }), 'EINVAL');
      expectErrno(() => raw(a, 'MODE_CLOSEFB', { fb_id: 9999, pad: 1 }), 'EINVAL');
      expect(a.getResources().fbs).toEqual([id]);
    });

    it('unknown or not owned → ENOENT', () => {
      // uapi 5.15
      const id = addFb(b, hb);
      expectErrno(() => a.closeFB(9999), 'ENOENT');
      expectErrno(() => a.closeFB(t.crtc.id), 'ENOENT');
      expectErrno(() => a.closeFB(id), 'ENOENT');
      expect(b.getResources().fbs).toEqual([id]);
    });

    it('leaves the file\'s list but keeps the planes scanning out', () => {
      // uapi 5.15
      const id = addFb(a, ha);
      show(t.primary, id);
      a.closeFB(id);
      expect(t.primary.state.fb).toBe(fbObj(id));
      expect(t.primary.state.crtc).toBe(t.crtc);
      expect(a.getPlane(t.primary.id)).toMatchObject({ fbId: id, crtcId: t.crtc.id });
      expect(a.getResources().fbs).toEqual([]);
      expect(getfb(a, id).width).toBe(64);
      expectErrno(() => a.rmFB(id), 'ENOENT');
      expectErrno(() => a.closeFB(id), 'ENOENT');
      // closing the file does not touch it either (it is no longer the file's)
      a.close();
      expect(t.primary.state.fb).toBe(fbObj(id));
      expect(b.getPlane(t.primary.id)).toMatchObject({ fbId: id, crtcId: t.crtc.id });
      // the plane lets go: freed
      const fb = t.primary.state.fb!;
      t.primary.state.fb = null;
      t.primary.state.crtc = null;
      fbPut(t.device.drm, fb);
      expectErrno(() => getfb(b, id), 'ENOENT');
    });

    it('an unused FB is freed at once', () => {
      // uapi 5.15, 5.14
      const id = addFb(a, ha);
      a.closeFB(id);
      expectErrno(() => getfb(a, id), 'ENOENT');
      expect(fileOf(a).handles.get(ha)!.refs).toBe(1);
    });
  });

  describe('closing a file (5.16)', () => {
    it('removes its FBs as RMFB does: planes showing them are disabled', () => {
      // uapi 5.16
      const shown = addFb(b, hb);
      const unused = addFb(b, hb);
      const mine = addFb(a, ha);
      show(t.primary, shown);
      show(t.overlay!, mine);
      b.close();
      expect(t.primary.state.fb).toBeNull();
      expect(t.primary.state.crtc).toBeNull();
      expect(a.getPlane(t.primary.id)).toMatchObject({ fbId: 0, crtcId: 0 });
      expectErrno(() => getfb(a, shown), 'ENOENT');
      expectErrno(() => getfb(a, unused), 'ENOENT');
      // another file's FB and its plane are untouched
      expect(t.overlay!.state.fb).toBe(fbObj(mine));
      expect(a.getPlane(t.overlay!.id)).toMatchObject({ fbId: mine, crtcId: t.crtc.id });
      expect(a.getResources().fbs).toEqual([mine]);
    });
  });
});

/** Light `crtc` with `fb` (1024x768) on `planes` through a real blocking atomic commit. */
async function light(card: Card, crtc: number, connector: number, planes: number[], fb: number, flags = AtomicFlag.ALLOW_MODESET): Promise<void> {
  card.setClientCap(ClientCap.ATOMIC, 1);
  const req = new AtomicRequest()
    .add(crtc, 'MODE_ID', card.createModeBlob(MODE_1024x768)).add(crtc, 'ACTIVE', 1)
    .add(connector, 'CRTC_ID', crtc);
  for (const p of planes) {
    req.add(p, 'FB_ID', fb).add(p, 'CRTC_ID', crtc)
      .add(p, 'SRC_W', 1024 << 16).add(p, 'SRC_H', 768 << 16).add(p, 'CRTC_W', 1024).add(p, 'CRTC_H', 768);
  }
  await card.atomicCommit(req, flags);
}

const prop = (card: Card, obj: number, type: number, name: string): bigint => card.findProperty(obj, type, name)!.value;

describe('RMFB / close with FBs lit by real atomic commits (uapi 5.12, 5.13, 5.16)', () => {
  it('RMFB disables the planes by an internal commit, without an event; the CRTC stays active', async () => {
    // uapi 5.12, 5.13 (plane-only disable accepted)
    const t = await createTestDevice();
    const a = t.open();
    const d = a.createDumb(1024, 768, 32);
    const fb = a.addFB2(1024, 768, Fourcc.XRGB8888, [d.handle], [d.pitch], [0]);
    const keep = a.addFB2(1024, 768, Fourcc.XRGB8888, [d.handle], [d.pitch], [0]);
    await light(a, t.crtc.id, t.connector.id, [t.primary.id, t.overlay!.id], fb);
    expect(a.getPlane(t.primary.id)).toMatchObject({ fbId: fb, crtcId: t.crtc.id });
    expect(a.getPlane(t.overlay!.id)).toMatchObject({ fbId: fb, crtcId: t.crtc.id });
    a.rmFB(fb);
    for (const p of [t.primary.id, t.overlay!.id]) {
      expect(a.getPlane(p)).toMatchObject({ fbId: 0, crtcId: 0 });
      expect(prop(a, p, ObjectType.PLANE, 'FB_ID')).toBe(0n);
      expect(prop(a, p, ObjectType.PLANE, 'CRTC_ID')).toBe(0n);
    }
    const crtc = a.getCrtc(t.crtc.id);
    expect(crtc.modeValid).toBe(true);
    expect(crtc.bufferId).toBe(0);
    expect(prop(a, t.crtc.id, ObjectType.CRTC, 'ACTIVE')).toBe(1n);
    expect(prop(a, t.connector.id, ObjectType.CONNECTOR, 'CRTC_ID')).toBe(BigInt(t.crtc.id));
    expectErrno(() => raw(a, 'MODE_GETFB', { fb_id: fb }), 'ENOENT');
    t.device.drm.clock.advance(50_000_000n);
    expect(a.readEvents()).toEqual([]);
    expect(a.getResources().fbs).toEqual([keep]);
  });

  it('on a realtime clock RMFB waits for the plane-disable commit: when it returns the planes are off and the ID is gone', async () => {
    // uapi 5.12 ("before RMFB returns"), 5.14: the blocking internal commit waits for its vblank here
    const t = await createTestDevice({ clock: 'realtime' });
    try {
      const a = t.open();
      const d = a.createDumb(1024, 768, 32);
      const fb = a.addFB2(1024, 768, Fourcc.XRGB8888, [d.handle], [d.pitch], [0]);
      await light(a, t.crtc.id, t.connector.id, [t.primary.id], fb);
      let returned = false;
      const rm = a.rmFBAsync(fb).then(() => { returned = true; });
      expect(returned).toBe(false); // not before the commit's vblank
      await rm;
      expect(a.getPlane(t.primary.id)).toMatchObject({ fbId: 0, crtcId: 0 });
      expectErrno(() => raw(a, 'MODE_GETFB', { fb_id: fb }), 'ENOENT');
      // errors are still synchronous
      expectErrno(() => a.rmFB(fb), 'ENOENT');
      await expect(a.rmFBAsync(fb)).rejects.toMatchObject({ code: 'ENOENT' });
    } finally {
      await t.unbind(); // the realtime vblank timer stops with the device
    }
  });

  it('closing the owner of a lit FB disables its planes', async () => {
    // uapi 5.16
    const t = await createTestDevice();
    const a = t.open();
    const b = t.open();
    const d = b.createDumb(1024, 768, 32);
    const fb = b.addFB2(1024, 768, Fourcc.XRGB8888, [d.handle], [d.pitch], [0]);
    await light(a, t.crtc.id, t.connector.id, [t.primary.id], fb); // FBs are global: the master shows b's FB
    expect(a.getPlane(t.primary.id)).toMatchObject({ fbId: fb, crtcId: t.crtc.id });
    b.close();
    expect(a.getPlane(t.primary.id)).toMatchObject({ fbId: 0, crtcId: 0 });
    expect(a.getCrtc(t.crtc.id).modeValid).toBe(true);
    expectErrno(() => raw(a, 'MODE_GETFB', { fb_id: fb }), 'ENOENT');
  });

  it('a driver that needs a primary plane: the retry also turns the CRTC off', async () => {
    // uapi 5.13: drm_atomic_helper_check_crtc_primary_plane-like CRTC check
    let primaryIndex = -1;
    const od = await createOwnDevice({
      crtcFuncs: {
        atomicCheck(_crtc, cs) {
          if (cs.enable && !(cs.plane_mask & (1 << primaryIndex))) throw new DrmError('EINVAL', 'primary plane missing');
        },
      },
    });
    primaryIndex = od.primary.index;
    const a = od.open();
    const d = a.createDumb(1024, 768, 32);
    const fb = a.addFB2(1024, 768, Fourcc.XRGB8888, [d.handle], [d.pitch], [0]);
    await light(a, od.crtc.id, od.connector.id, [od.primary.id], fb);
    expect(a.getCrtc(od.crtc.id).modeValid).toBe(true);
    a.rmFB(fb);
    expect(a.getPlane(od.primary.id)).toMatchObject({ fbId: 0, crtcId: 0 });
    const crtc = a.getCrtc(od.crtc.id);
    expect(crtc.modeValid).toBe(false);
    expect(prop(a, od.crtc.id, ObjectType.CRTC, 'ACTIVE')).toBe(0n);
    expect(prop(a, od.crtc.id, ObjectType.CRTC, 'MODE_ID')).toBe(0n);
    expect(prop(a, od.connector.id, ObjectType.CONNECTOR, 'CRTC_ID')).toBe(0n);
    od.device.drm.clock.advance(50_000_000n);
    expect(a.readEvents()).toEqual([]);
  });
});
