/**
 * vkms-ts additions on top of vkms_atomic_check: fault injection (the next N commits of a kind fail
 * with a chosen errno, state untouched) and atomic-check policies (a restriction a real driver could
 * have, e.g. "at most 2 visible planes", applied to real and TEST_ONLY commits alike).
 */
import { describe, expect, it } from 'vitest';
import type { Card } from '../../src/client/index.js';
import { Fourcc } from '../../src/uapi/index.js';
import type { VkmsDevice } from '../../src/vkms/index.js';
import { addPlane, AtomicFlag, AtomicRequest, createFb, errnoOf, findMode, modesetReq, openVkms, planeOff, type Fb } from './helpers.js';

const { ALLOW_MODESET, TEST_ONLY } = AtomicFlag;

async function lit() {
  const o = await openVkms({ profile: 'latest', enable_overlay: true });
  const { vk, card } = o;
  const crtc = vk.ids.crtcs.crtc0!, conn = vk.ids.connectors.connector0!;
  const mode = findMode(card, conn, 640, 480);
  const fbA = createFb(card, 640, 480, Fourcc.XRGB8888), fbB = createFb(card, 640, 480, Fourcc.XRGB8888);
  card.atomicCommitSync(addPlane(modesetReq(card, crtc, conn, mode), crtc, { plane: vk.ids.planes.primary!, fb: fbA }), ALLOW_MODESET);
  return { ...o, crtc, conn, mode, fbA, fbB };
}

const flip = (vk: VkmsDevice, fb: Fb) => new AtomicRequest().add(vk.ids.planes.primary!, 'FB_ID', fb.id);
const pageFlip = (card: Card, crtc: number, fb: Fb) => card.ioctl('MODE_PAGE_FLIP', { crtc_id: crtc, fb_id: fb.id, flags: 0, sequence: 0, user_data: 0n });

describe('fault injection', () => {
  it("inject('atomic', 'EBUSY', 2): the next two ATOMIC commits fail, the third succeeds; failures change nothing", async () => {
    const { vk, card, fbA, fbB } = await lit();
    vk.faults.inject('atomic', 'EBUSY', 2);
    expect(vk.faults.pending).toBe(2);
    expect(errnoOf(() => card.atomicCommitSync(flip(vk, fbB)))).toBe('EBUSY');
    expect(card.getPlane(vk.ids.planes.primary!).fbId).toBe(fbA.id);
    expect(vk.faults.pending).toBe(1);
    expect(errnoOf(() => card.atomicCommitSync(flip(vk, fbB)))).toBe('EBUSY');
    expect(card.getPlane(vk.ids.planes.primary!).fbId).toBe(fbA.id);
    expect(vk.faults.pending).toBe(0);
    expect(errnoOf(() => card.atomicCommitSync(flip(vk, fbB)))).toBe('ok');
    expect(card.getPlane(vk.ids.planes.primary!).fbId).toBe(fbB.id);
    vk.vblank('crtc0', 1);
    await vk.unplug();
  });

  it('a failed modeset leaves the CRTC as it was', async () => {
    const { vk, card } = await openVkms();
    const crtc = vk.ids.crtcs.crtc0!, conn = vk.ids.connectors.connector0!;
    const mode = findMode(card, conn);
    const fb = createFb(card, mode.hdisplay, mode.vdisplay, Fourcc.XRGB8888);
    vk.faults.inject('atomic', 'ENOMEM');
    const req = () => addPlane(modesetReq(card, crtc, conn, mode), crtc, { plane: vk.ids.planes.primary!, fb });
    expect(errnoOf(() => card.atomicCommitSync(req(), ALLOW_MODESET))).toBe('ENOMEM');
    expect(card.getCrtc(crtc).modeValid).toBe(false);
    expect(card.getConnector(conn).encoderId).toBe(0);
    expect(card.getPlane(vk.ids.planes.primary!).fbId).toBe(0);
    expect(() => vk.vblank('crtc0', 1)).toThrow();
    card.atomicCommitSync(req(), ALLOW_MODESET);
    expect(card.getCrtc(crtc).modeValid).toBe(true);
    await vk.unplug();
  });

  it("'page_flip' only affects PAGE_FLIP; 'any' affects the next commit of any kind", async () => {
    const { vk, card, crtc, fbA, fbB } = await lit();
    vk.faults.inject('page_flip', 'EIO', 1);
    // ATOMIC commits pass and leave the fault queued
    expect(errnoOf(() => card.atomicCommitSync(flip(vk, fbB)))).toBe('ok');
    vk.vblank('crtc0', 1);
    expect(errnoOf(() => card.atomicCommitSync(flip(vk, fbA), TEST_ONLY))).toBe('ok');
    expect(vk.faults.pending).toBe(1);
    expect(errnoOf(() => pageFlip(card, crtc, fbA))).toBe('EIO');
    expect(card.getPlane(vk.ids.planes.primary!).fbId).toBe(fbB.id);
    expect(vk.faults.pending).toBe(0);
    expect(errnoOf(() => pageFlip(card, crtc, fbA))).toBe('ok');
    vk.vblank('crtc0', 1);
    expect(card.getPlane(vk.ids.planes.primary!).fbId).toBe(fbA.id);
    // 'any': the next commit, whichever ioctl it comes from
    vk.faults.inject('any', 'ENOSPC', 2);
    expect(errnoOf(() => pageFlip(card, crtc, fbB))).toBe('ENOSPC');
    expect(errnoOf(() => card.atomicCommitSync(flip(vk, fbB)))).toBe('ENOSPC');
    expect(errnoOf(() => card.atomicCommitSync(flip(vk, fbB)))).toBe('ok');
    // clear() drops what is queued
    vk.faults.inject('atomic', 'EBUSY', 5);
    vk.faults.clear();
    expect(vk.faults.pending).toBe(0);
    vk.vblank('crtc0', 1);
    expect(errnoOf(() => card.atomicCommitSync(flip(vk, fbA)))).toBe('ok');
    await vk.unplug();
  });

  it('an unknown errno name (or kind of commit) is a clear error and queues nothing', async () => {
    const { vk } = await openVkms();
    expect(() => vk.faults.inject('atomic', 'EWHATEVER')).toThrow(/EWHATEVER/);
    expect(() => vk.faults.inject('atomic', 'ebusy')).toThrow(/ebusy/);
    expect(() => vk.faults.inject('pageflip' as 'page_flip', 'EBUSY')).toThrow(/pageflip/);
    expect(() => vk.faults.inject('atomic', 'toString')).toThrow(/toString/);
    expect(() => vk.faults.inject('atomic', 'EBUSY', -1)).toThrow(RangeError);
    expect(vk.faults.pending).toBe(0);
    await vk.unplug();
  });
});

describe('atomic-check policies', () => {
  it('"at most 2 visible planes": EINVAL for 3 (TEST_ONLY too), also when the third is added alone; removing it lifts it', async () => {
    const { vk, card, crtc, fbA } = await lit();
    const P = vk.ids.planes;
    const views: number[] = [];
    const remove = vk.policies.add((v) => {
      views.push(v.planes.length);
      return v.planes.length > 2 ? 'EINVAL' : undefined;
    });
    const ov = createFb(card, 100, 100, Fourcc.ARGB8888), cur = createFb(card, 64, 64, Fourcc.ARGB8888);
    const three = () => {
      const r = new AtomicRequest();
      addPlane(r, crtc, { plane: P.primary!, fb: fbA });
      addPlane(r, crtc, { plane: P.overlay0!, fb: ov, x: 10, y: 10 });
      return addPlane(r, crtc, { plane: P.cursor!, fb: cur, x: 50, y: 50 });
    };
    expect(errnoOf(() => card.atomicCommitSync(three(), TEST_ONLY))).toBe('EINVAL');
    expect(errnoOf(() => card.atomicCommitSync(three()))).toBe('EINVAL');
    expect(card.getPlane(P.overlay0!).fbId).toBe(0);
    expect(card.getPlane(P.cursor!).fbId).toBe(0);
    // two are fine
    card.atomicCommitSync(addPlane(new AtomicRequest(), crtc, { plane: P.overlay0!, fb: ov }));
    // the third alone: the CRTC's other planes are part of the check
    expect(errnoOf(() => card.atomicCommitSync(addPlane(new AtomicRequest(), crtc, { plane: P.cursor!, fb: cur }), TEST_ONLY))).toBe('EINVAL');
    // an invisible third plane does not count
    expect(errnoOf(() => card.atomicCommitSync(addPlane(new AtomicRequest(), crtc, { plane: P.cursor!, fb: cur, x: 5000, y: 5000 }), TEST_ONLY))).toBe('ok');
    // swapping one for another keeps 2
    const swap = planeOff(new AtomicRequest(), P.overlay0!);
    addPlane(swap, crtc, { plane: P.cursor!, fb: cur });
    expect(errnoOf(() => card.atomicCommitSync(swap))).toBe('ok');
    expect(views.every((n) => n <= 3)).toBe(true);
    remove();
    expect(errnoOf(() => card.atomicCommitSync(three(), TEST_ONLY))).toBe('ok');
    expect(errnoOf(() => card.atomicCommitSync(three()))).toBe('ok');
    expect(card.getPlane(P.overlay0!).fbId).toBe(ov.id);
    // removing twice is harmless
    remove();
    vk.vblank('crtc0', 1);
    await vk.unplug();
  });

  it('a policy sees the origin and the CRTCs, and any errno it returns is the result', async () => {
    const { vk, card, crtc, fbB } = await lit();
    const origins: string[] = [];
    const off = vk.policies.add((v) => {
      origins.push(v.origin);
      const c = v.crtcs.find((x) => x.id === crtc);
      if (c && c.active && c.width > 600 && v.origin === 'page_flip') return 'ERANGE';
      return undefined;
    });
    expect(errnoOf(() => card.atomicCommitSync(flip(vk, fbB)))).toBe('ok');
    vk.vblank('crtc0', 1);
    expect(errnoOf(() => pageFlip(card, crtc, fbB))).toBe('ERANGE');
    expect(origins).toEqual(['atomic', 'page_flip']);
    off();
    expect(errnoOf(() => pageFlip(card, crtc, fbB))).toBe('ok');
    await vk.unplug();
  });
});
