/** Legacy PAGE_FLIP on an atomic driver (uapi 3.56, 4.2, 4.4, 4.9, 4.15, 8.12). */
import { describe, expect, it } from 'vitest';
import { AtomicRequest } from '../../../src/client/atomic.js';
import { AtomicFlag, Cap, ClientCap, PageFlip } from '../../../src/uapi/drm-mode.js';
import { Fourcc } from '../../../src/uapi/fourcc.js';
import type { IoctlArgs } from '../../../src/uapi/ioctl.js';
import { createTestDevice } from '../test-driver.js';
import { createLegacyDevice, fbOf, fillEventSpace, FRAME_1024, io, ioErr, lease, light, seqOf, setCrtc, tv } from './util.js';

type Flip = Partial<IoctlArgs['MODE_PAGE_FLIP']>;

describe('uapi 3.56: PAGE_FLIP argument checks, in order', () => {
  it('unknown flags → EINVAL before everything else', async () => {
    // uapi 3.56
    const t = await createTestDevice();
    const card = t.open();
    expect(ioErr(card, 'MODE_PAGE_FLIP', { crtc_id: 9999, fb_id: 9999, flags: 0x10 })).toBe('EINVAL');
    expect(ioErr(card, 'MODE_PAGE_FLIP', { crtc_id: 9999, fb_id: 9999, flags: 0x80000000 })).toBe('EINVAL');
  });

  it('sequence ≠ 0 without a TARGET flag → EINVAL; both TARGET flags → EINVAL; ASYNC without the cap → EINVAL', async () => {
    // uapi 3.56: all before the CRTC lookup
    const t = await createTestDevice();
    const card = t.open();
    expect(card.getCap(Cap.ASYNC_PAGE_FLIP)).toBe(0n);
    const f = (a: Flip) => ioErr(card, 'MODE_PAGE_FLIP', { crtc_id: 9999, fb_id: 9999, ...a });
    expect(f({ flags: PageFlip.EVENT, sequence: 1 })).toBe('EINVAL');
    expect(f({ flags: PageFlip.TARGET_ABSOLUTE | PageFlip.TARGET_RELATIVE })).toBe('EINVAL');
    expect(f({ flags: PageFlip.ASYNC })).toBe('EINVAL');
    expect(f({ flags: PageFlip.EVENT })).toBe('ENOENT');
  });

  it('unknown CRTC → ENOENT; primary not leased → EACCES (before the TARGET support check)', async () => {
    // uapi 3.56
    const t = await createTestDevice();
    const owner = t.open();
    expect(ioErr(owner, 'MODE_PAGE_FLIP', { crtc_id: 9999, fb_id: 1, flags: PageFlip.TARGET_RELATIVE })).toBe('ENOENT');
    expect(ioErr(owner, 'MODE_PAGE_FLIP', { crtc_id: t.primary.id, fb_id: 1 })).toBe('ENOENT');
    owner.setClientCap(ClientCap.UNIVERSAL_PLANES, 1);
    const { lessee } = lease(owner, [t.crtc.id, t.connector.id, t.overlay!.id]);
    expect(ioErr(lessee, 'MODE_PAGE_FLIP', { crtc_id: t.crtc.id, fb_id: 9999, flags: PageFlip.TARGET_RELATIVE })).toBe('EACCES');
    expect(ioErr(lessee, 'MODE_PAGE_FLIP', { crtc_id: t.crtc.id, fb_id: 9999 })).toBe('EACCES');
  });

  it('TARGET flags on a driver without page_flip_target (VKMS) → EINVAL, before the FB checks', async () => {
    // uapi 3.56, 8.12
    const t = await createTestDevice();
    const card = t.open();
    expect(card.getCap(Cap.PAGE_FLIP_TARGET)).toBe(0n);
    light(card, t.crtc, t.connector);
    const fb = fbOf(card, 1024, 768);
    expect(ioErr(card, 'MODE_PAGE_FLIP', { crtc_id: t.crtc.id, fb_id: fb, flags: PageFlip.TARGET_RELATIVE, sequence: 1 })).toBe('EINVAL');
    expect(ioErr(card, 'MODE_PAGE_FLIP', { crtc_id: t.crtc.id, fb_id: fb, flags: PageFlip.TARGET_ABSOLUTE })).toBe('EINVAL');
    expect(ioErr(card, 'MODE_PAGE_FLIP', { crtc_id: t.crtc.id, fb_id: 9999, flags: PageFlip.TARGET_ABSOLUTE })).toBe('EINVAL');
  });

  it('no FB on the primary plane → EBUSY, before the FB lookup', async () => {
    // uapi 3.56
    const t = await createTestDevice();
    const card = t.open();
    expect(ioErr(card, 'MODE_PAGE_FLIP', { crtc_id: t.crtc.id, fb_id: 9999, flags: PageFlip.EVENT })).toBe('EBUSY');
    light(card, t.crtc, t.connector);
    setCrtc(card, t.crtc.id, { mode: null }); // disabling the CRTC also takes the FB off the primary
    const fb = fbOf(card, 1024, 768);
    expect(ioErr(card, 'MODE_PAGE_FLIP', { crtc_id: t.crtc.id, fb_id: fb })).toBe('EBUSY');
  });

  it('unknown FB → ENOENT; current src rect outside the new FB → ENOSPC; other fourcc → EINVAL', async () => {
    // uapi 3.56
    const t = await createTestDevice();
    const card = t.open();
    light(card, t.crtc, t.connector);
    const f = (fb: number) => ioErr(card, 'MODE_PAGE_FLIP', { crtc_id: t.crtc.id, fb_id: fb, flags: PageFlip.EVENT });
    expect(f(9999)).toBe('ENOENT');
    expect(f(t.crtc.id)).toBe('ENOENT');
    expect(f(fbOf(card, 800, 600))).toBe('ENOSPC');
    expect(f(fbOf(card, 800, 600, Fourcc.ARGB8888))).toBe('ENOSPC'); // the size check comes first
    expect(f(fbOf(card, 1024, 768, Fourcc.ARGB8888))).toBe('EINVAL');
    expect(card.readEvents()).toEqual([]);
    // a bigger FB of the same format is fine
    expect(f(fbOf(card, 1100, 800))).toBe('ok');
  });

  it('event space exhausted → ENOMEM, before the inactive-CRTC check; failures give the reservation back', async () => {
    // uapi 3.56, 4.9, 4.15
    const t = await createTestDevice();
    const card = t.open();
    card.setClientCap(ClientCap.ATOMIC, 1);
    const fb = light(card, t.crtc, t.connector);
    fillEventSpace(card);
    expect(ioErr(card, 'WAIT_VBLANK', { type: 0x1 | 0x4000000, sequence: 5 })).toBe('ENOMEM');
    expect(ioErr(card, 'MODE_PAGE_FLIP', { crtc_id: t.crtc.id, fb_id: fb, flags: PageFlip.EVENT })).toBe('ENOMEM');
    // ACTIVE=0 keeps MODE_ID and the primary's FB; the vblank-off flushes the 128 events to the queue
    await card.atomicCommit(new AtomicRequest().add(t.crtc.id, 'ACTIVE', 0), AtomicFlag.ALLOW_MODESET);
    expect(ioErr(card, 'MODE_PAGE_FLIP', { crtc_id: t.crtc.id, fb_id: fb, flags: PageFlip.EVENT })).toBe('ENOMEM');
    expect(ioErr(card, 'MODE_PAGE_FLIP', { crtc_id: t.crtc.id, fb_id: fb, flags: 0 })).toBe('EINVAL');
    expect(card.readEvents()).toHaveLength(128);
    for (let i = 0; i < 3; i++) expect(ioErr(card, 'MODE_PAGE_FLIP', { crtc_id: t.crtc.id, fb_id: fb, flags: PageFlip.EVENT })).toBe('EINVAL');
    // the three failed flips returned their 32 bytes each: all 128 slots are free again
    await card.atomicCommit(new AtomicRequest().add(t.crtc.id, 'ACTIVE', 1), AtomicFlag.ALLOW_MODESET);
    fillEventSpace(card);
    expect(ioErr(card, 'WAIT_VBLANK', { type: 0x1 | 0x4000000, sequence: 5 })).toBe('ENOMEM');
  });
});

describe('uapi 3.56, 4.4: PAGE_FLIP completion', () => {
  it('the FLIP_COMPLETE event carries user_data, the CRTC id, the next vblank count and time', async () => {
    // uapi 3.56, 4.2, 4.4, 4.5
    const t = await createTestDevice();
    const card = t.open();
    light(card, t.crtc, t.connector);
    const s0 = seqOf(card, t.crtc.id);
    const fb2 = fbOf(card, 1024, 768);
    io(card, 'MODE_PAGE_FLIP', { crtc_id: t.crtc.id, fb_id: fb2, flags: PageFlip.EVENT, user_data: 0xfeedface12345678n });
    // the state is swapped at once (nonblocking commit), the event waits for the vblank
    expect(card.getCrtc(t.crtc.id).bufferId).toBe(fb2);
    expect(card.readEvents()).toEqual([]);
    // a second flip before the vblank → EBUSY
    expect(ioErr(card, 'MODE_PAGE_FLIP', { crtc_id: t.crtc.id, fb_id: fb2, flags: PageFlip.EVENT, user_data: 2n })).toBe('EBUSY');
    expect(ioErr(card, 'MODE_PAGE_FLIP', { crtc_id: t.crtc.id, fb_id: fb2, flags: 0 })).toBe('EBUSY');
    t.device.drm.clock.advance(FRAME_1024 - 1n);
    expect(card.readEvents()).toEqual([]);
    t.device.drm.clock.advance(1n);
    expect(card.readEvents()).toEqual([{
      type: 2, user_data: 0xfeedface12345678n, crtc_id: t.crtc.id,
      sequence: Number(s0.sequence + 1n), ...tv(s0.ns + FRAME_1024),
    }]);
    // the flip is done: the next one is accepted
    expect(ioErr(card, 'MODE_PAGE_FLIP', { crtc_id: t.crtc.id, fb_id: fb2, flags: 0 })).toBe('ok');
  });

  it('the event bytes follow struct drm_event_vblank', async () => {
    // uapi 4.2
    const t = await createTestDevice();
    const card = t.open();
    const fb = light(card, t.crtc, t.connector);
    const s0 = seqOf(card, t.crtc.id);
    io(card, 'MODE_PAGE_FLIP', { crtc_id: t.crtc.id, fb_id: fb, flags: PageFlip.EVENT, user_data: 0x0102030405060708n });
    t.device.drm.clock.advance(FRAME_1024);
    const buf = new Uint8Array(64);
    expect(card.fd.read(buf)).toBe(32);
    const v = new DataView(buf.buffer);
    const when = tv(s0.ns + FRAME_1024);
    expect([v.getUint32(0, true), v.getUint32(4, true), v.getBigUint64(8, true), v.getUint32(16, true), v.getUint32(20, true), v.getUint32(24, true), v.getUint32(28, true)])
      .toEqual([2, 32, 0x0102030405060708n, when.tv_sec, when.tv_usec, Number(s0.sequence + 1n), t.crtc.id]);
  });
});

describe('uapi 8.12: PAGE_FLIP targets on a driver with page_flip_target', () => {
  it('ABSOLUTE beyond current+1 → EINVAL; RELATIVE other than 0/1 → EINVAL; others accepted', async () => {
    // uapi 8.12, 1.16
    const d = await createLegacyDevice({ modeConfig: { pageFlipTarget: true } });
    const card = d.open();
    expect(card.getCap(Cap.PAGE_FLIP_TARGET)).toBe(1n);
    const { crtc, connector } = d.objs;
    const fb = light(card, crtc, connector);
    const clock = d.device.drm.clock;
    const cur = () => Number(BigInt.asUintN(32, seqOf(card, crtc.id).sequence));
    const flip = (flags: number, sequence: number) => ioErr(card, 'MODE_PAGE_FLIP', { crtc_id: crtc.id, fb_id: fb, flags, sequence });
    expect(flip(PageFlip.TARGET_ABSOLUTE, cur() + 2)).toBe('EINVAL');
    expect(flip(PageFlip.TARGET_ABSOLUTE, cur() + 100)).toBe('EINVAL');
    expect(flip(PageFlip.TARGET_RELATIVE, 2)).toBe('EINVAL');
    expect(flip(PageFlip.TARGET_RELATIVE, 0xffffffff)).toBe('EINVAL');
    expect(flip(PageFlip.TARGET_ABSOLUTE, cur() + 1)).toBe('ok');
    clock.advance(FRAME_1024);
    expect(flip(PageFlip.TARGET_ABSOLUTE, cur())).toBe('ok');
    clock.advance(FRAME_1024);
    expect(flip(PageFlip.TARGET_ABSOLUTE, cur() - 5)).toBe('ok'); // (int)(target - current) ≤ 1
    clock.advance(FRAME_1024);
    expect(flip(PageFlip.TARGET_RELATIVE, 1)).toBe('ok');
    clock.advance(FRAME_1024);
    expect(flip(PageFlip.TARGET_RELATIVE | PageFlip.EVENT, 0)).toBe('ok');
  });

  it('a page_flip_target driver takes a vblank reference first: CRTC off → EINVAL (not EBUSY)', async () => {
    // uapi 8.12 (drm_mode_page_flip_ioctl: drm_crtc_vblank_get before the FB checks)
    const d = await createLegacyDevice({ modeConfig: { pageFlipTarget: true } });
    const card = d.open();
    expect(ioErr(card, 'MODE_PAGE_FLIP', { crtc_id: d.objs.crtc.id, fb_id: 9999, flags: 0 })).toBe('EINVAL');
    expect(ioErr(card, 'MODE_PAGE_FLIP', { crtc_id: d.objs.crtc.id, fb_id: 9999, flags: PageFlip.TARGET_RELATIVE, sequence: 1 })).toBe('EINVAL');
  });
});
