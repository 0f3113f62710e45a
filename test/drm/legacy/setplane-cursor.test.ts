/** Legacy SETPLANE (uapi 3.54) and CURSOR/CURSOR2 (uapi 3.55, 3.47) on an atomic driver. */
import { describe, expect, it } from 'vitest';
import { AtomicRequest } from '../../../src/client/atomic.js';
import { AtomicFlag, ClientCap, CursorFlag, ObjectType, PageFlip } from '../../../src/uapi/drm-mode.js';
import { Fourcc } from '../../../src/uapi/fourcc.js';
import type { IoctlArgs } from '../../../src/uapi/ioctl.js';
import { createTestDevice } from '../test-driver.js';
import { atomicObserver, fbOf, INT_MAX, io, ioErr, lease, light, props } from './util.js';

type SetPlane = Partial<IoctlArgs['MODE_SETPLANE']>;
const full64 = { crtc_x: 0, crtc_y: 0, crtc_w: 64, crtc_h: 64, src_x: 0, src_y: 0, src_w: 64 << 16, src_h: 64 << 16 };
const U64 = (v: number) => BigInt.asUintN(64, BigInt(v));

describe('uapi 3.54: SETPLANE', () => {
  it('unknown plane → ENOENT first; then unknown FB → ENOENT; then unknown CRTC → ENOENT', async () => {
    // uapi 3.54
    const t = await createTestDevice();
    const card = t.open();
    const fb = fbOf(card, 64, 64);
    const sp = (a: SetPlane) => ioErr(card, 'MODE_SETPLANE', { ...full64, ...a });
    expect(sp({ plane_id: 9999, fb_id: 9999, crtc_id: 9999 })).toBe('ENOENT');
    expect(sp({ plane_id: t.crtc.id, fb_id: fb, crtc_id: t.crtc.id })).toBe('ENOENT'); // a CRTC id is not a plane
    expect(sp({ plane_id: t.overlay!.id, fb_id: 9999, crtc_id: t.crtc.id })).toBe('ENOENT');
    expect(sp({ plane_id: t.overlay!.id, fb_id: fb, crtc_id: 9999 })).toBe('ENOENT');
    // the checks below would fail too: the lookups come first
    expect(sp({ plane_id: t.overlay!.id, fb_id: fb, crtc_id: 9999, crtc_w: 0x80000000 })).toBe('ENOENT');
    // a lessee cannot see planes outside its lease
    const { lessee } = lease(card, [t.crtc.id, t.connector.id]); // implicit primary + cursor, not the overlay
    expect(ioErr(lessee, 'MODE_SETPLANE', { ...full64, plane_id: t.overlay!.id, fb_id: fb, crtc_id: t.crtc.id })).toBe('ENOENT');
  });

  it('fb_id = 0 disables the plane without looking at the CRTC', async () => {
    // uapi 3.54
    const t = await createTestDevice();
    const card = t.open();
    const fb = fbOf(card, 64, 64);
    io(card, 'MODE_SETPLANE', { ...full64, plane_id: t.overlay!.id, fb_id: fb, crtc_id: t.crtc.id, crtc_x: 5 });
    expect(card.getPlane(t.overlay!.id)).toMatchObject({ fbId: fb, crtcId: t.crtc.id });
    io(card, 'MODE_SETPLANE', { plane_id: t.overlay!.id, fb_id: 0, crtc_id: 9999, crtc_w: 0x80000000 });
    expect(card.getPlane(t.overlay!.id)).toMatchObject({ fbId: 0, crtcId: 0 });
    const obs = atomicObserver(() => t.open());
    expect(props(obs, t.overlay!.id, ObjectType.PLANE)).toMatchObject({
      FB_ID: 0n, CRTC_ID: 0n, CRTC_X: 0n, CRTC_Y: 0n, CRTC_W: 0n, CRTC_H: 0n, SRC_X: 0n, SRC_Y: 0n, SRC_W: 0n, SRC_H: 0n,
    });
  });

  it('CRTC not in possible_crtcs → EINVAL, before the coordinate checks', async () => {
    // uapi 3.54: the overlay only works on CRTC index 0
    const t = await createTestDevice({ crtcs: 2 });
    const card = t.open();
    const fb = fbOf(card, 64, 64);
    const c1 = t.crtcs[1]!;
    expect(ioErr(card, 'MODE_SETPLANE', { ...full64, plane_id: t.overlay!.id, fb_id: fb, crtc_id: c1.id })).toBe('EINVAL');
    expect(ioErr(card, 'MODE_SETPLANE', { ...full64, plane_id: t.overlay!.id, fb_id: fb, crtc_id: c1.id, crtc_w: 0x80000000, src_w: 100 << 16 })).toBe('EINVAL');
  });

  it('FB format not supported by the plane → EINVAL, before the coordinate checks', async () => {
    // uapi 3.54: the cursor plane only does ARGB8888
    const t = await createTestDevice();
    const card = t.open();
    const xrgb = fbOf(card, 64, 64);
    expect(ioErr(card, 'MODE_SETPLANE', { ...full64, plane_id: t.cursor!.id, fb_id: xrgb, crtc_id: t.crtc.id })).toBe('EINVAL');
    expect(ioErr(card, 'MODE_SETPLANE', { ...full64, plane_id: t.cursor!.id, fb_id: xrgb, crtc_id: t.crtc.id, crtc_w: 0x80000000 })).toBe('EINVAL');
    const argb = fbOf(card, 64, 64, Fourcc.ARGB8888);
    expect(ioErr(card, 'MODE_SETPLANE', { ...full64, plane_id: t.cursor!.id, fb_id: argb, crtc_id: t.crtc.id })).toBe('ok');
  });

  it('CRTC coordinates overflowing INT_MAX → ERANGE, before the source check', async () => {
    // uapi 3.54
    const t = await createTestDevice();
    const card = t.open();
    const fb = fbOf(card, 64, 64);
    const sp = (a: SetPlane) => ioErr(card, 'MODE_SETPLANE', { ...full64, plane_id: t.overlay!.id, fb_id: fb, crtc_id: t.crtc.id, ...a });
    expect(sp({ crtc_w: 0x80000000 })).toBe('ERANGE');
    expect(sp({ crtc_h: 0x80000000 })).toBe('ERANGE');
    expect(sp({ crtc_x: 1, crtc_w: INT_MAX })).toBe('ERANGE');
    expect(sp({ crtc_y: 1, crtc_h: INT_MAX })).toBe('ERANGE');
    expect(sp({ crtc_w: 0x80000000, src_w: 65 << 16 })).toBe('ERANGE');
    // crtc_x is signed: a negative position does not overflow
    expect(sp({ crtc_x: -10, crtc_y: -20 })).toBe('ok');
  });

  it('source rectangle outside the FB → ENOSPC', async () => {
    // uapi 3.54
    const t = await createTestDevice();
    const card = t.open();
    const fb = fbOf(card, 64, 64);
    const sp = (a: SetPlane) => ioErr(card, 'MODE_SETPLANE', { ...full64, plane_id: t.overlay!.id, fb_id: fb, crtc_id: t.crtc.id, ...a });
    expect(sp({ src_w: 65 << 16 })).toBe('ENOSPC');
    expect(sp({ src_x: 1 << 16 })).toBe('ENOSPC');
    expect(sp({ src_h: (64 << 16) + 1 })).toBe('ENOSPC');
    expect(sp({ src_y: 1 })).toBe('ENOSPC');
  });

  it('success: a blocking commit whose state GETPLANE and the plane properties show', async () => {
    // uapi 3.54
    const t = await createTestDevice();
    const card = t.open();
    light(card, t.crtc, t.connector);
    const fb = fbOf(card, 64, 64);
    io(card, 'MODE_SETPLANE', { plane_id: t.overlay!.id, fb_id: fb, crtc_id: t.crtc.id, crtc_x: -8, crtc_y: 100, crtc_w: 32, crtc_h: 32, src_x: 16 << 16, src_y: 8 << 16, src_w: 32 << 16, src_h: 32 << 16 });
    expect(card.getPlane(t.overlay!.id)).toMatchObject({ fbId: fb, crtcId: t.crtc.id });
    const obs = atomicObserver(() => t.open());
    expect(props(obs, t.overlay!.id, ObjectType.PLANE)).toMatchObject({
      FB_ID: BigInt(fb), CRTC_ID: BigInt(t.crtc.id), CRTC_X: U64(-8), CRTC_Y: 100n, CRTC_W: 32n, CRTC_H: 32n,
      SRC_X: 16n << 16n, SRC_Y: 8n << 16n, SRC_W: 32n << 16n, SRC_H: 32n << 16n,
    });
  });
});

describe('uapi 3.55: CURSOR / CURSOR2', () => {
  it('flags 0 or outside BO|MOVE → EINVAL, before the CRTC lookup', async () => {
    // uapi 3.55
    const t = await createTestDevice();
    const card = t.open();
    expect(ioErr(card, 'MODE_CURSOR', { flags: 0, crtc_id: t.crtc.id })).toBe('EINVAL');
    expect(ioErr(card, 'MODE_CURSOR', { flags: 4, crtc_id: t.crtc.id })).toBe('EINVAL');
    expect(ioErr(card, 'MODE_CURSOR', { flags: CursorFlag.MOVE | 4, crtc_id: t.crtc.id })).toBe('EINVAL');
    expect(ioErr(card, 'MODE_CURSOR', { flags: 0, crtc_id: 9999 })).toBe('EINVAL');
    expect(ioErr(card, 'MODE_CURSOR2', { flags: 8, crtc_id: 9999 })).toBe('EINVAL');
  });

  it('unknown CRTC → ENOENT; a CRTC without a cursor plane: BO → ENXIO, MOVE alone → EFAULT', async () => {
    // uapi 3.55 (drm_mode_cursor_common's legacy path: no cursor_set → ENXIO, no cursor_move → EFAULT)
    const t = await createTestDevice({ crtcs: 2 });
    const card = t.open();
    expect(ioErr(card, 'MODE_CURSOR', { flags: CursorFlag.BO, crtc_id: 9999 })).toBe('ENOENT');
    expect(ioErr(card, 'MODE_CURSOR', { flags: CursorFlag.MOVE, crtc_id: t.primary.id })).toBe('ENOENT');
    const c1 = t.crtcs[1]!;
    expect(ioErr(card, 'MODE_CURSOR', { flags: CursorFlag.BO, crtc_id: c1.id })).toBe('ENXIO');
    expect(ioErr(card, 'MODE_CURSOR', { flags: CursorFlag.BO | CursorFlag.MOVE, crtc_id: c1.id })).toBe('ENXIO');
    expect(ioErr(card, 'MODE_CURSOR', { flags: CursorFlag.MOVE, crtc_id: c1.id })).toBe('EFAULT');
  });

  it('cursor plane not leased → EACCES, before the BO is looked at', async () => {
    // uapi 3.55
    const t = await createTestDevice();
    const owner = t.open();
    owner.setClientCap(ClientCap.UNIVERSAL_PLANES, 1);
    const { lessee } = lease(owner, [t.crtc.id, t.connector.id, t.primary.id]);
    expect(ioErr(lessee, 'MODE_CURSOR', { flags: CursorFlag.BO, crtc_id: t.crtc.id, handle: 9999, width: 64, height: 64 })).toBe('EACCES');
    expect(ioErr(lessee, 'MODE_CURSOR', { flags: CursorFlag.MOVE, crtc_id: t.crtc.id })).toBe('EACCES');
  });

  it('BO with a dumb handle shows an internal ARGB8888 FB (pitch width*4) that GETRESOURCES does not list', async () => {
    // uapi 3.55
    const t = await createTestDevice();
    const card = t.open();
    const own = fbOf(card, 64, 64);
    const d = card.createDumb(64, 64, 32);
    io(card, 'MODE_CURSOR', { flags: CursorFlag.BO, crtc_id: t.crtc.id, handle: d.handle, width: 64, height: 64 });
    const p = card.getPlane(t.cursor!.id);
    expect(p.crtcId).toBe(t.crtc.id);
    expect(p.fbId).not.toBe(0);
    expect(p.fbId).not.toBe(own);
    expect(card.getResources().fbs).toEqual([own]);
    const info = card.getFB2(p.fbId);
    expect(info).toMatchObject({ width: 64, height: 64, pixelFormat: Fourcc.ARGB8888 });
    expect(info.pitches[0]).toBe(256);
    const obs = atomicObserver(() => t.open());
    expect(props(obs, t.cursor!.id, ObjectType.PLANE)).toMatchObject({
      FB_ID: BigInt(p.fbId), CRTC_X: 0n, CRTC_Y: 0n, CRTC_W: 64n, CRTC_H: 64n, SRC_X: 0n, SRC_Y: 0n, SRC_W: 64n << 16n, SRC_H: 64n << 16n,
    });
  });

  it('the internal cursor FB goes away with its last use: its ID becomes free again', async () => {
    // uapi 3.55, 5.14, 1.2
    const t = await createTestDevice();
    const card = t.open();
    const d = card.createDumb(64, 64, 32);
    io(card, 'MODE_CURSOR', { flags: CursorFlag.BO, crtc_id: t.crtc.id, handle: d.handle, width: 64, height: 64 });
    const internal = card.getPlane(t.cursor!.id).fbId;
    io(card, 'MODE_CURSOR', { flags: CursorFlag.BO, crtc_id: t.crtc.id, handle: 0 });
    expect(ioErr(card, 'MODE_GETFB2', { fb_id: internal })).toBe('ENOENT');
    // the lowest free ID is reused by the next object of any type
    expect(card.createPropertyBlob(Uint8Array.of(1))).toBe(internal);
  });

  it('BO: bad handle → ENOENT; FB size rules apply (width below min, buffer too small → EINVAL)', async () => {
    // uapi 3.55, 5.2, 5.8
    const t = await createTestDevice();
    const card = t.open();
    const d = card.createDumb(64, 64, 32);
    const cur = (a: Partial<IoctlArgs['MODE_CURSOR']>) => ioErr(card, 'MODE_CURSOR', { flags: CursorFlag.BO, crtc_id: t.crtc.id, ...a });
    expect(cur({ handle: d.handle + 100, width: 64, height: 64 })).toBe('ENOENT');
    expect(cur({ handle: d.handle, width: 8, height: 64 })).toBe('EINVAL'); // min_width 10
    expect(cur({ handle: d.handle, width: 64, height: 128 })).toBe('EINVAL'); // 128*256 > 16384
    expect(card.getPlane(t.cursor!.id).fbId).toBe(0);
  });

  it('BO with handle 0 disables the cursor', async () => {
    // uapi 3.55
    const t = await createTestDevice();
    const card = t.open();
    const d = card.createDumb(64, 64, 32);
    io(card, 'MODE_CURSOR', { flags: CursorFlag.BO, crtc_id: t.crtc.id, handle: d.handle, width: 64, height: 64 });
    expect(card.getPlane(t.cursor!.id).fbId).not.toBe(0);
    io(card, 'MODE_CURSOR', { flags: CursorFlag.BO, crtc_id: t.crtc.id, handle: 0, width: 64, height: 64 });
    expect(card.getPlane(t.cursor!.id)).toMatchObject({ fbId: 0, crtcId: 0 });
  });

  it('MOVE keeps the FB; without MOVE the last position is reused', async () => {
    // uapi 3.55
    const t = await createTestDevice();
    const card = t.open();
    light(card, t.crtc, t.connector);
    const obs = atomicObserver(() => t.open());
    const d = card.createDumb(64, 64, 32);
    io(card, 'MODE_CURSOR', { flags: CursorFlag.BO, crtc_id: t.crtc.id, handle: d.handle, width: 64, height: 64 });
    const fb = card.getPlane(t.cursor!.id).fbId;
    io(card, 'MODE_CURSOR', { flags: CursorFlag.MOVE, crtc_id: t.crtc.id, x: 100, y: -20 });
    expect(card.getPlane(t.cursor!.id).fbId).toBe(fb);
    expect(props(obs, t.cursor!.id, ObjectType.PLANE)).toMatchObject({ CRTC_X: 100n, CRTC_Y: U64(-20), CRTC_W: 64n, CRTC_H: 64n });
    // a new BO without MOVE lands at the remembered position
    const d2 = card.createDumb(32, 32, 32);
    io(card, 'MODE_CURSOR2', { flags: CursorFlag.BO, crtc_id: t.crtc.id, handle: d2.handle, width: 32, height: 32, hot_x: 3, hot_y: 4 });
    const fb2 = card.getPlane(t.cursor!.id).fbId;
    expect(fb2).not.toBe(0);
    expect(props(obs, t.cursor!.id, ObjectType.PLANE)).toMatchObject({ FB_ID: BigInt(fb2), CRTC_X: 100n, CRTC_Y: U64(-20), CRTC_W: 32n, CRTC_H: 32n });
    // BO|MOVE does both in one call
    io(card, 'MODE_CURSOR', { flags: CursorFlag.BO | CursorFlag.MOVE, crtc_id: t.crtc.id, handle: d.handle, width: 64, height: 64, x: 7, y: 9 });
    expect(props(obs, t.cursor!.id, ObjectType.PLANE)).toMatchObject({ CRTC_X: 7n, CRTC_Y: 9n, CRTC_W: 64n });
    // a failed BO does not move the cursor
    expect(ioErr(card, 'MODE_CURSOR', { flags: CursorFlag.BO | CursorFlag.MOVE, crtc_id: t.crtc.id, handle: 9999, width: 64, height: 64, x: 50, y: 50 })).toBe('ENOENT');
    io(card, 'MODE_CURSOR', { flags: CursorFlag.BO, crtc_id: t.crtc.id, handle: d.handle, width: 64, height: 64 });
    expect(props(obs, t.cursor!.id, ObjectType.PLANE)).toMatchObject({ CRTC_X: 7n, CRTC_Y: 9n });
  });

  it('legacy cursor updates complete at once and never make a following flip EBUSY (uapi 3.47)', async () => {
    // uapi 3.55, 3.47
    const t = await createTestDevice();
    const card = t.open();
    light(card, t.crtc, t.connector);
    const clock = t.device.drm.clock;
    clock.advance(FRAME_HALF);
    const now = clock.now();
    const d = card.createDumb(64, 64, 32);
    io(card, 'MODE_CURSOR', { flags: CursorFlag.BO | CursorFlag.MOVE, crtc_id: t.crtc.id, handle: d.handle, width: 64, height: 64, x: 1, y: 1 });
    io(card, 'MODE_CURSOR', { flags: CursorFlag.MOVE, crtc_id: t.crtc.id, x: 2, y: 2 });
    expect(clock.now()).toBe(now); // no vblank wait
    // a nonblocking flip right after is not EBUSY
    const fb = fbOf(card, 1024, 768);
    io(card, 'MODE_PAGE_FLIP', { crtc_id: t.crtc.id, fb_id: fb, flags: PageFlip.EVENT });
    // contrast: a nonblocking atomic commit leaves a pending flip behind
    card.setClientCap(ClientCap.ATOMIC, 1);
    clock.advance(FRAME_HALF * 2n);
    card.readEvents();
    card.atomicCommitSync(new AtomicRequest().add(t.primary.id, 'FB_ID', fb), AtomicFlag.NONBLOCK);
    expect(ioErr(card, 'MODE_PAGE_FLIP', { crtc_id: t.crtc.id, fb_id: fb, flags: 0 })).toBe('EBUSY');
  });
});

const FRAME_HALF = 8_332_800n;
