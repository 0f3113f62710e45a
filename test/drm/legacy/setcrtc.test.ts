/**
 * Legacy SETCRTC on an atomic driver: the errnos in drm_mode_setcrtc's order (uapi 3.52) and the
 * resulting state (uapi 3.53).
 */
import { describe, expect, it } from 'vitest';
import { encodeModeInfo } from '../../../src/uapi/modeinfo.js';
import { ClientCap, ModeFlag, ObjectType } from '../../../src/uapi/drm-mode.js';
import { Fourcc } from '../../../src/uapi/fourcc.js';
import { createTestDevice, MODE_1024x768, MODE_800x600 } from '../test-driver.js';
import {
  atomicObserver, createLegacyDevice, fbOf, io, ioErr, lease, light, MODE_1024x768_OUT, props, setCrtc, setCrtcArg,
} from './util.js';

describe('uapi 3.52: SETCRTC errnos, in the kernel order', () => {
  it('x or y ≥ 65536 → ERANGE, before the CRTC lookup', async () => {
    // uapi 3.52
    const t = await createTestDevice();
    const card = t.open();
    const fb = fbOf(card, 1024, 768);
    const ok = { fb, mode: MODE_1024x768, connectors: [t.connector.id] };
    expect(ioErr(card, 'MODE_SETCRTC', setCrtcArg(t.crtc.id, { ...ok, x: 0x10000 }))).toBe('ERANGE');
    expect(ioErr(card, 'MODE_SETCRTC', setCrtcArg(t.crtc.id, { ...ok, y: 0x10000 }))).toBe('ERANGE');
    expect(ioErr(card, 'MODE_SETCRTC', setCrtcArg(9999, { ...ok, x: 0x10000 }))).toBe('ERANGE');
    // the check is on the raw value even without a mode
    expect(ioErr(card, 'MODE_SETCRTC', setCrtcArg(t.crtc.id, { x: 0xffffffff }))).toBe('ERANGE');
  });

  it('unknown CRTC (or a non-CRTC id) → ENOENT, before the FB checks', async () => {
    // uapi 3.52
    const t = await createTestDevice();
    const card = t.open();
    // fb_id -1 without a current FB would be EINVAL: the CRTC lookup comes first
    expect(ioErr(card, 'MODE_SETCRTC', setCrtcArg(9999, { fb: 0xffffffff, mode: MODE_1024x768, connectors: [t.connector.id] }))).toBe('ENOENT');
    expect(ioErr(card, 'MODE_SETCRTC', setCrtcArg(t.primary.id, { fb: 0xffffffff, mode: MODE_1024x768, connectors: [t.connector.id] }))).toBe('ENOENT');
  });

  it('primary plane not leased → EACCES when mode_valid, but disabling is allowed', async () => {
    // uapi 3.52
    const t = await createTestDevice();
    const owner = t.open();
    owner.setClientCap(ClientCap.UNIVERSAL_PLANES, 1);
    // a universal-planes lessor leases the CRTC and connector with the overlay, not the primary
    const { lessee } = lease(owner, [t.crtc.id, t.connector.id, t.overlay!.id]);
    // unknown FB would be ENOENT: the lease check comes first
    expect(ioErr(lessee, 'MODE_SETCRTC', setCrtcArg(t.crtc.id, { fb: 9999, mode: MODE_1024x768, connectors: [t.connector.id] }))).toBe('EACCES');
    expect(ioErr(lessee, 'MODE_SETCRTC', setCrtcArg(t.crtc.id, { mode: null }))).toBe('ok');
  });

  it('fb_id = -1 without a current FB → EINVAL; with one it reuses it', async () => {
    // uapi 3.52
    const t = await createTestDevice();
    const card = t.open();
    expect(ioErr(card, 'MODE_SETCRTC', setCrtcArg(t.crtc.id, { fb: 0xffffffff, mode: MODE_1024x768, connectors: [t.connector.id] }))).toBe('EINVAL');
    const fb = light(card, t.crtc, t.connector);
    setCrtc(card, t.crtc.id, { fb: 0xffffffff, mode: MODE_800x600, connectors: [t.connector.id] });
    const c = card.getCrtc(t.crtc.id);
    expect(c.bufferId).toBe(fb);
    expect(c.mode.hdisplay).toBe(800);
  });

  it('unknown FB → ENOENT, before the aspect-ratio check', async () => {
    // uapi 3.52
    const t = await createTestDevice();
    const card = t.open();
    expect(ioErr(card, 'MODE_SETCRTC', setCrtcArg(t.crtc.id, { fb: 9999, mode: MODE_1024x768, connectors: [t.connector.id] }))).toBe('ENOENT');
    const ar = { ...MODE_1024x768, flags: MODE_1024x768.flags | ModeFlag.PIC_AR_4_3 };
    expect(ioErr(card, 'MODE_SETCRTC', setCrtcArg(t.crtc.id, { fb: 9999, mode: ar, connectors: [t.connector.id] }))).toBe('ENOENT');
    // a plane id is not an FB
    expect(ioErr(card, 'MODE_SETCRTC', setCrtcArg(t.crtc.id, { fb: t.primary.id, mode: MODE_1024x768, connectors: [t.connector.id] }))).toBe('ENOENT');
  });

  it('PIC_AR flags without the ASPECT_RATIO cap → EINVAL, before the mode is converted (not ERANGE)', async () => {
    // uapi 3.52
    const t = await createTestDevice();
    const card = t.open();
    const fb = fbOf(card, 1024, 768);
    const ar = { ...MODE_1024x768, flags: MODE_1024x768.flags | ModeFlag.PIC_AR_16_9 };
    expect(ioErr(card, 'MODE_SETCRTC', setCrtcArg(t.crtc.id, { fb, mode: ar, connectors: [t.connector.id] }))).toBe('EINVAL');
    // clock > INT_MAX would be ERANGE: the aspect-ratio check comes first
    expect(ioErr(card, 'MODE_SETCRTC', setCrtcArg(t.crtc.id, { fb, mode: { ...ar, clock: 0x80000000 }, connectors: [t.connector.id] }))).toBe('EINVAL');
    // with the cap the same mode is accepted
    card.setClientCap(ClientCap.ASPECT_RATIO, 1);
    expect(ioErr(card, 'MODE_SETCRTC', setCrtcArg(t.crtc.id, { fb, mode: ar, connectors: [t.connector.id] }))).toBe('ok');
    // ... but not an unknown aspect-ratio value
    const bad = { ...MODE_1024x768, flags: MODE_1024x768.flags | (7 << 19) };
    expect(ioErr(card, 'MODE_SETCRTC', setCrtcArg(t.crtc.id, { fb, mode: bad, connectors: [t.connector.id] }))).toBe('EINVAL');
  });

  it('bad mode: clock or vrefresh > INT_MAX → ERANGE; invalid timings → EINVAL; before the format check', async () => {
    // uapi 3.52, 2.35
    const d = await createLegacyDevice();
    const card = d.open();
    const conns = [d.objs.connector.id];
    // an RGB565 FB (the primary only does XRGB8888): a format error would be EINVAL
    const fb = fbOf(card, 1024, 768, Fourcc.RGB565);
    const set = (mode: typeof MODE_1024x768) => ioErr(card, 'MODE_SETCRTC', setCrtcArg(d.objs.crtc.id, { fb, mode, connectors: conns }));
    expect(set({ ...MODE_1024x768, clock: 0x80000000 })).toBe('ERANGE');
    expect(set({ ...MODE_1024x768, vrefresh: 0x80000000 })).toBe('ERANGE');
    expect(set({ ...MODE_1024x768, clock: 0 })).toBe('EINVAL');
    expect(set({ ...MODE_1024x768, hsync_start: 1000 })).toBe('EINVAL');
    expect(set({ ...MODE_1024x768, vtotal: 770 })).toBe('EINVAL');
    expect(set({ ...MODE_1024x768, hdisplay: 0 })).toBe('EINVAL');
  });

  it('FB format not supported by the primary plane → EINVAL, before the viewport check', async () => {
    // uapi 3.52
    const d = await createLegacyDevice();
    const card = d.open();
    const conns = [d.objs.connector.id];
    const small565 = fbOf(card, 64, 64, Fourcc.RGB565); // also too small: ENOSPC would follow
    expect(ioErr(card, 'MODE_SETCRTC', setCrtcArg(d.objs.crtc.id, { fb: small565, mode: MODE_1024x768, connectors: conns }))).toBe('EINVAL');
    const xrgb = fbOf(card, 1024, 768);
    expect(ioErr(card, 'MODE_SETCRTC', setCrtcArg(d.objs.crtc.id, { fb: xrgb, mode: MODE_1024x768, connectors: conns }))).toBe('ok');
  });

  it('viewport (x, y, hdisplay, vdisplay) outside the FB → ENOSPC, before the connector checks', async () => {
    // uapi 3.52
    const t = await createTestDevice();
    const card = t.open();
    const fb = fbOf(card, 1100, 800);
    const conns = [t.connector.id];
    const set = (x: number, y: number, count?: number) => ioErr(card, 'MODE_SETCRTC', setCrtcArg(t.crtc.id, { fb, mode: MODE_1024x768, connectors: conns, x, y, count }));
    expect(set(77, 0)).toBe('ENOSPC'); // 77 + 1024 > 1100
    expect(set(0, 33)).toBe('ENOSPC'); // 33 + 768 > 800
    expect(set(77, 0, 0)).toBe('ENOSPC'); // a mode without connectors would be EINVAL
    expect(set(76, 32)).toBe('ok'); // exactly fits
    const small = fbOf(card, 800, 600);
    expect(ioErr(card, 'MODE_SETCRTC', setCrtcArg(t.crtc.id, { fb: small, mode: MODE_1024x768, connectors: conns }))).toBe('ENOSPC');
  });

  it('the viewport check swaps hdisplay/vdisplay when the primary plane is rotated by 90/270', async () => {
    // uapi 3.52, 3.53 (drm_crtc_check_viewport, __drm_atomic_helper_set_config)
    const t = await createTestDevice();
    const card = t.open();
    const rotation = card.findProperty(t.primary.id, ObjectType.PLANE, 'rotation')!.id;
    io(card, 'MODE_OBJ_SETPROPERTY', { obj_id: t.primary.id, obj_type: ObjectType.PLANE, prop_id: rotation, value: 2n }); // rotate-90
    const landscape = fbOf(card, 1024, 768);
    const portrait = fbOf(card, 768, 1024);
    const conns = [t.connector.id];
    expect(ioErr(card, 'MODE_SETCRTC', setCrtcArg(t.crtc.id, { fb: landscape, mode: MODE_1024x768, connectors: conns }))).toBe('ENOSPC');
    expect(ioErr(card, 'MODE_SETCRTC', setCrtcArg(t.crtc.id, { fb: portrait, mode: MODE_1024x768, connectors: conns }))).toBe('ok');
    const obs = atomicObserver(() => t.open());
    expect(props(obs, t.primary.id, ObjectType.PLANE)).toMatchObject({ CRTC_W: 1024n, CRTC_H: 768n, SRC_W: 768n << 16n, SRC_H: 1024n << 16n });
  });

  it('a mode with count_connectors = 0 → EINVAL', async () => {
    // uapi 3.52
    const t = await createTestDevice();
    const card = t.open();
    const fb = fbOf(card, 1024, 768);
    expect(ioErr(card, 'MODE_SETCRTC', setCrtcArg(t.crtc.id, { fb, mode: MODE_1024x768, connectors: [] }))).toBe('EINVAL');
  });

  it('connectors without a mode → EINVAL, even when the connector id is unknown', async () => {
    // uapi 3.52
    const t = await createTestDevice();
    const card = t.open();
    expect(ioErr(card, 'MODE_SETCRTC', setCrtcArg(t.crtc.id, { mode: null, connectors: [t.connector.id] }))).toBe('EINVAL');
    expect(ioErr(card, 'MODE_SETCRTC', setCrtcArg(t.crtc.id, { mode: null, connectors: [9999] }))).toBe('EINVAL');
  });

  it('count_connectors > number of connectors → EINVAL, before any connector is looked up', async () => {
    // uapi 3.52: the test driver has 2 connectors (Virtual + Writeback)
    const t = await createTestDevice();
    const card = t.open();
    const fb = fbOf(card, 1024, 768);
    expect(ioErr(card, 'MODE_SETCRTC', setCrtcArg(t.crtc.id, { fb, mode: MODE_1024x768, connectors: [9999, 9998, 9997] }))).toBe('EINVAL');
  });

  it('unknown connector (or a non-connector id) → ENOENT', async () => {
    // uapi 3.52
    const t = await createTestDevice();
    const card = t.open();
    const fb = fbOf(card, 1024, 768);
    expect(ioErr(card, 'MODE_SETCRTC', setCrtcArg(t.crtc.id, { fb, mode: MODE_1024x768, connectors: [9999] }))).toBe('ENOENT');
    expect(ioErr(card, 'MODE_SETCRTC', setCrtcArg(t.crtc.id, { fb, mode: MODE_1024x768, connectors: [t.connector.id, 9999] }))).toBe('ENOENT');
    expect(ioErr(card, 'MODE_SETCRTC', setCrtcArg(t.crtc.id, { fb, mode: MODE_1024x768, connectors: [t.encoder.id] }))).toBe('ENOENT');
  });

  it('a failed SETCRTC changes nothing', async () => {
    // uapi 3.52, 3.50
    const t = await createTestDevice();
    const card = t.open();
    const fb = light(card, t.crtc, t.connector);
    const other = fbOf(card, 1024, 768);
    expect(ioErr(card, 'MODE_SETCRTC', setCrtcArg(t.crtc.id, { fb: other, mode: MODE_1024x768, connectors: [9999] }))).toBe('ENOENT');
    const c = card.getCrtc(t.crtc.id);
    expect(c.bufferId).toBe(fb);
    expect(c.modeValid).toBe(true);
  });
});

describe('uapi 3.53: SETCRTC success', () => {
  it('GETCRTC shows the mode, the primary shows the FB, the connector is routed', async () => {
    // uapi 3.53
    const t = await createTestDevice();
    const card = t.open();
    const fb = fbOf(card, 1100, 800);
    setCrtc(card, t.crtc.id, { fb, mode: MODE_1024x768, connectors: [t.connector.id], x: 50, y: 20 });
    const g = io(card, 'MODE_GETCRTC', { crtc_id: t.crtc.id });
    expect(g.mode_valid).toBe(1);
    expect(g.fb_id).toBe(fb);
    expect(g.x).toBe(50);
    expect(g.y).toBe(20);
    expect(g.mode).toEqual(MODE_1024x768_OUT);
    const p = card.getPlane(t.primary.id);
    expect(p.fbId).toBe(fb);
    expect(p.crtcId).toBe(t.crtc.id);
    expect(card.getConnector(t.connector.id).encoderId).toBe(t.encoder.id);
    expect(card.getEncoder(t.encoder.id).crtcId).toBe(t.crtc.id);
    // the primary plane state: full-screen destination, source at (x, y)
    const obs = atomicObserver(() => t.open());
    const pp = props(obs, t.primary.id, ObjectType.PLANE);
    expect(pp).toMatchObject({
      FB_ID: BigInt(fb), CRTC_ID: BigInt(t.crtc.id), CRTC_X: 0n, CRTC_Y: 0n, CRTC_W: 1024n, CRTC_H: 768n,
      SRC_X: 50n << 16n, SRC_Y: 20n << 16n, SRC_W: 1024n << 16n, SRC_H: 768n << 16n,
    });
    expect(props(obs, t.crtc.id, ObjectType.CRTC).ACTIVE).toBe(1n);
  });

  it('MODE_ID is a kernel-created blob holding the mode, readable by anyone, owned by no file', async () => {
    // uapi 3.53, 2.49, 2.50
    const t = await createTestDevice();
    const card = t.open();
    light(card, t.crtc, t.connector);
    const obs = atomicObserver(() => t.open());
    const blobId = Number(props(obs, t.crtc.id, ObjectType.CRTC).MODE_ID);
    expect(blobId).toBeGreaterThan(0);
    expect(obs.getPropertyBlob(blobId)).toEqual(encodeModeInfo(MODE_1024x768_OUT));
    expect(ioErr(card, 'MODE_DESTROYPROPBLOB', { blob_id: blobId })).toBe('EPERM');
    // the same mode again keeps the blob (drm_atomic_set_mode_for_crtc: no change)
    light(card, t.crtc, t.connector, card.getCrtc(t.crtc.id).bufferId);
    expect(Number(props(obs, t.crtc.id, ObjectType.CRTC).MODE_ID)).toBe(blobId);
    // another mode: a new blob with the new mode
    setCrtc(card, t.crtc.id, { fb: 0xffffffff, mode: MODE_800x600, connectors: [t.connector.id] });
    const id2 = Number(props(obs, t.crtc.id, ObjectType.CRTC).MODE_ID);
    expect(obs.getPropertyBlob(id2)).toEqual(encodeModeInfo({ ...MODE_800x600, vrefresh: 60 }));
  });

  it('stealing a connector from another CRTC disables that CRTC', async () => {
    // uapi 3.53
    const t = await createTestDevice({ crtcs: 2 });
    const card = t.open();
    const [c0, c1] = t.crtcs as [typeof t.crtc, typeof t.crtc];
    const fb0 = light(card, c0, t.connector);
    const fb1 = light(card, c1, t.connector);
    const g0 = card.getCrtc(c0.id);
    expect(g0.modeValid).toBe(false);
    // update_output_state only clears MODE_ID/ACTIVE there: the old primary keeps its FB
    expect(g0.bufferId).toBe(fb0);
    const g1 = card.getCrtc(c1.id);
    expect(g1.modeValid).toBe(true);
    expect(g1.bufferId).toBe(fb1);
    expect(card.getEncoder(t.encoder.id).crtcId).toBe(c1.id);
    expect(card.getConnector(t.connector.id).encoderId).toBe(t.encoder.id);
    const obs = atomicObserver(() => t.open());
    expect(props(obs, c0.id, ObjectType.CRTC)).toMatchObject({ ACTIVE: 0n, MODE_ID: 0n });
    expect(props(obs, c1.id, ObjectType.CRTC).ACTIVE).toBe(1n);
    expect(props(obs, t.connector.id, ObjectType.CONNECTOR).CRTC_ID).toBe(BigInt(c1.id));
  });

  it('mode_valid = 0 disables the CRTC and its primary plane only: overlays stay', async () => {
    // uapi 3.53
    const t = await createTestDevice();
    const card = t.open();
    light(card, t.crtc, t.connector);
    const ofb = fbOf(card, 64, 64);
    io(card, 'MODE_SETPLANE', {
      plane_id: t.overlay!.id, crtc_id: t.crtc.id, fb_id: ofb, crtc_x: 10, crtc_y: 10, crtc_w: 64, crtc_h: 64,
      src_x: 0, src_y: 0, src_w: 64 << 16, src_h: 64 << 16,
    });
    setCrtc(card, t.crtc.id, { mode: null });
    const g = io(card, 'MODE_GETCRTC', { crtc_id: t.crtc.id });
    expect(g.mode_valid).toBe(0);
    expect(g.fb_id).toBe(0);
    expect(card.getPlane(t.primary.id)).toMatchObject({ fbId: 0, crtcId: 0 });
    expect(card.getPlane(t.overlay!.id)).toMatchObject({ fbId: ofb, crtcId: t.crtc.id });
    expect(card.getConnector(t.connector.id).encoderId).toBe(0);
    expect(card.getEncoder(t.encoder.id).crtcId).toBe(0);
    const obs = atomicObserver(() => t.open());
    expect(props(obs, t.crtc.id, ObjectType.CRTC)).toMatchObject({ ACTIVE: 0n, MODE_ID: 0n });
  });
});
