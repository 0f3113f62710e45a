/**
 * The commit phase: TEST_ONLY, EBUSY and flip tracking, blocking commits, nothing changes on
 * failure, async flips (uapi 3.44–3.51, 4.15).
 */
import { describe, expect, it } from 'vitest';
import { ProcessFds, SwTimeline } from '../../../src/uapi/index.js';
import {
  commit, decodeVblankEvents, F, fillEventSpace, FRAME_NS, flipReq, light, makeFb, MODE_1024x768, modesetReq, openAtomic, ownDevice,
  planeOn, rawAtomic, readRaw, req, rig, snapshot, T0, type Rig,
} from './helpers.js';

function overlayOn(r: Rig, fb: number) {
  return planeOn(req(), r.t.overlay!.id, r.t.crtc.id, fb, 64, 64);
}

describe('uapi 3.44: TEST_ONLY', () => {
  it('runs every check but changes nothing, sends no event, never answers EBUSY and leaves OUT_FENCE_PTR at -1', async () => {
    // uapi 3.44
    const r = await rig();
    const before0 = snapshot(r.card);
    expect(commit(r.card, modesetReq(r), F.TEST_ONLY | F.ALLOW_MODESET)).toBe('no error');
    expect(commit(r.card, modesetReq(r), F.TEST_ONLY)).toBe('EINVAL'); // the checks do run (3.43)
    expect(snapshot(r.card)).toBe(before0);
    light(r);
    readRaw(r.card);
    expect(commit(r.card, flipReq(r, r.fb2), F.NONBLOCK | F.PAGE_FLIP_EVENT, 1n)).toBe('no error'); // pending flip
    const small = makeFb(r.card);
    const before = snapshot(r.card);
    const q = overlayOn(r, small).add(r.t.primary.id, 'FB_ID', r.fb).add(r.t.crtc.id, 'GAMMA_LUT', r.card.createPropertyBlob(new Uint8Array(2048)));
    r.card.addOutFence(q, r.t.crtc.id);
    expect(commit(r.card, q, F.TEST_ONLY | F.NONBLOCK)).toBe('no error'); // not EBUSY
    expect(commit(r.card, q, F.TEST_ONLY)).toBe('no error');
    expect(commit(r.card, req([r.t.crtc.id, 'ACTIVE', 0]), F.TEST_ONLY | F.NONBLOCK | F.ALLOW_MODESET)).toBe('no error');
    expect(q.outFence(r.t.crtc.id)).toBe(-1);
    expect((r.card.fd.fds as ProcessFds).size).toBe(0);
    const after = snapshot(r.card);
    r.dev.clock.advance(FRAME_NS);
    expect(after).toBe(before);
    expect(decodeVblankEvents(readRaw(r.card)).map((e) => e.userData)).toEqual([1n]); // only the real flip's event
  });
});

describe('uapi 3.45, 3.46: EBUSY for a NONBLOCK commit that overtakes an unfinished flip', () => {
  it('is EBUSY on the CRTC whether or not the pending commit asked for an event, until the flip completes', async () => {
    // uapi 3.45, 3.46
    const r = await rig();
    light(r);
    for (const flags of [F.NONBLOCK, F.NONBLOCK | F.PAGE_FLIP_EVENT]) {
      expect(commit(r.card, flipReq(r, r.fb2), flags)).toBe('no error');
      const before = snapshot(r.card);
      expect(commit(r.card, flipReq(r, r.fb), F.NONBLOCK)).toBe('EBUSY');
      expect(commit(r.card, flipReq(r, r.fb), F.NONBLOCK | F.PAGE_FLIP_EVENT)).toBe('EBUSY');
      expect(commit(r.card, req([r.t.crtc.id, 'VRR_ENABLED', 1]), F.NONBLOCK)).toBe('EBUSY');
      expect(snapshot(r.card)).toBe(before);
      r.dev.clock.advance(FRAME_NS - 1n);
      expect(commit(r.card, flipReq(r, r.fb), F.NONBLOCK | F.TEST_ONLY)).toBe('no error');
      expect(commit(r.card, flipReq(r, r.fb), F.NONBLOCK)).toBe('EBUSY');
      r.dev.clock.advance(1n);
      expect(commit(r.card, flipReq(r, r.fb), F.NONBLOCK)).toBe('no error');
      r.dev.clock.advance(FRAME_NS);
    }
    readRaw(r.card);
  });

  it('is EBUSY for a plane whose previous commit has not flipped, even when no CRTC is in the new commit', async () => {
    // uapi 3.45 (plane)
    const r = await rig();
    light(r);
    expect(commit(r.card, overlayOn(r, makeFb(r.card)), 0)).toBe('no error');
    // switch the overlay off without an event: its commit stays pending on the (still active) CRTC
    expect(commit(r.card, req([r.t.overlay!.id, 'FB_ID', 0], [r.t.overlay!.id, 'CRTC_ID', 0]), F.NONBLOCK)).toBe('no error');
    expect(commit(r.card, req([r.t.overlay!.id, 'CRTC_X', 5]), F.NONBLOCK)).toBe('EBUSY'); // no CRTC involved: the plane itself
    expect(commit(r.card, req([r.t.cursor!.id, 'CRTC_X', 5]), F.NONBLOCK)).toBe('no error'); // another plane is free
    // blocking: waits (3.48) for the disabling commit's flip at the second vblank (the first one
    // completed the blocking commit that put the overlay on)
    expect(commit(r.card, req([r.t.overlay!.id, 'CRTC_X', 5]), 0)).toBe('no error');
    expect(r.dev.clock.now()).toBe(T0 + 2n * FRAME_NS);
  });

  it('is EBUSY for a connector whose previous commit has not flipped', async () => {
    // uapi 3.45 (connector). A driver whose CRTC keeps its vblank running when disabled, so that the
    // disabling commit's flip completes at the next vblank rather than at once.
    const d = await ownDevice({ crtcFuncs: { atomicDisable: () => undefined } });
    const card = openAtomic(d);
    const clock = d.device.drm.clock;
    const [crtc, k, primary] = [d.objs.crtcs[0]!.id, d.objs.connectors[0]!.id, d.objs.primaries[0]!.id];
    const fb = makeFb(card, 1024, 768);
    const mode = card.createModeBlob(MODE_1024x768);
    expect(commit(card, planeOn(req([crtc, 'MODE_ID', mode], [crtc, 'ACTIVE', 1], [k, 'CRTC_ID', crtc]), primary, crtc, fb), F.ALLOW_MODESET)).toBe('no error');
    const off = req([crtc, 'MODE_ID', 0], [crtc, 'ACTIVE', 0], [k, 'CRTC_ID', 0], [primary, 'FB_ID', 0], [primary, 'CRTC_ID', 0]);
    expect(commit(card, off, F.NONBLOCK | F.ALLOW_MODESET)).toBe('no error');
    expect(commit(card, req([k, 'CRTC_ID', 0]), F.NONBLOCK)).toBe('EBUSY');
    expect(commit(card, req([primary, 'CRTC_X', 0]), F.NONBLOCK)).toBe('EBUSY');
    clock.advance(FRAME_NS);
    expect(commit(card, req([k, 'CRTC_ID', 0]), F.NONBLOCK)).toBe('no error');
  });
});

describe('uapi 3.47: CRTCs that stay off are never busy', () => {
  it('completes the flip of a commit on an inactive CRTC at once', async () => {
    // uapi 3.47
    const r = await rig();
    const c = r.t.crtc.id;
    for (let i = 0; i < 3; i++) expect(commit(r.card, req([c, 'VRR_ENABLED', i & 1]), F.NONBLOCK)).toBe('no error');
    // enabled but not active, with a plane on it (the test driver allows that)
    expect(commit(r.card, req([c, 'MODE_ID', r.mode], [r.t.connector.id, 'CRTC_ID', c]), F.ALLOW_MODESET | F.NONBLOCK)).toBe('no error');
    const small = makeFb(r.card);
    for (let i = 0; i < 3; i++) expect(commit(r.card, overlayOn(r, small).add(r.t.overlay!.id, 'CRTC_X', i), F.NONBLOCK)).toBe('no error');
    expect(r.dev.clock.now()).toBe(T0);
  });
});

describe('uapi 3.48, 3.49: blocking commits', () => {
  it('never answer EBUSY: they wait for the pending flip, then for their own, and return with the event queued', async () => {
    // uapi 3.48, 3.49
    const r = await rig();
    light(r);
    readRaw(r.card);
    expect(commit(r.card, flipReq(r, r.fb2), F.NONBLOCK | F.PAGE_FLIP_EVENT, 1n)).toBe('no error');
    expect(commit(r.card, flipReq(r, r.fb), F.PAGE_FLIP_EVENT, 2n)).toBe('no error');
    // the pending flip completed at the next vblank, this one at the one after
    expect(r.dev.clock.now()).toBe(T0 + 2n * FRAME_NS);
    const ev = decodeVblankEvents(readRaw(r.card));
    expect(ev.map((e) => e.userData)).toEqual([1n, 2n]);
    expect(ev[1]!.seq - ev[0]!.seq).toBe(1);
    // a blocking commit on an idle CRTC returns at its flip with the event already readable
    expect(commit(r.card, flipReq(r, r.fb2), F.PAGE_FLIP_EVENT, 3n)).toBe('no error');
    expect(r.dev.clock.now()).toBe(T0 + 3n * FRAME_NS);
    expect(decodeVblankEvents(readRaw(r.card)).map((e) => e.userData)).toEqual([3n]);
  });
});

describe('uapi 3.50: nothing changes on failure', () => {
  it('leaves every GET* result byte-identical and writes -1 to every out-fence pointer, whatever the stage of the failure', async () => {
    // uapi 3.50, 4.15
    const r = await rig();
    const wb = r.t.writeback!.id;
    // the writeback connector lit alone on the CRTC (3.57), so writeback out-fences can be asked for
    const lit = planeOn(req([r.t.crtc.id, 'MODE_ID', r.mode], [r.t.crtc.id, 'ACTIVE', 1], [wb, 'CRTC_ID', r.t.crtc.id]), r.t.primary.id, r.t.crtc.id, r.fb);
    expect(commit(r.card, lit, F.ALLOW_MODESET)).toBe('no error');
    readRaw(r.card);
    const fds = r.card.fd.fds as ProcessFds;
    const wfb = makeFb(r.card, 1024, 768);
    // parsing stops at the first bad entry: pointers before it got -1, pointers after it are untouched
    const untouched = 0x7eadbeef; // what the client put in the cell
    const q0 = req([r.t.primary.id, 'FB_ID', r.fb2], [wb, 'WRITEBACK_FB_ID', wfb], [wb, 'WRITEBACK_PIXEL_FORMATS', 0]);
    r.card.addOutFence(q0, r.t.crtc.id);
    r.card.addOutFence(q0, wb, 'WRITEBACK_OUT_FENCE_PTR');
    const before0 = snapshot(r.card);
    expect(commit(r.card, q0, F.PAGE_FLIP_EVENT)).toBe('EINVAL');
    expect(snapshot(r.card)).toBe(before0);
    expect(r.card.propertyId(wb, 'WRITEBACK_PIXEL_FORMATS')).toBeLessThan(r.card.propertyId(wb, 'WRITEBACK_OUT_FENCE_PTR')); // sorted order
    expect([q0.outFence(r.t.crtc.id), q0.outFence(wb)]).toEqual([-1, untouched]);
    const failing: [string, () => ReturnType<typeof req>, number, string][] = [
      ['parse: immutable property', () => req([r.t.primary.id, 'type', 1]), 0, 'EINVAL'],
      ['core plane check', () => req([r.t.primary.id, 'SRC_X', 1]), 0, 'ENOSPC'],
      ['core CRTC check', () => req([r.t.crtc.id, 'MODE_ID', 0]), F.ALLOW_MODESET, 'EINVAL'],
      ['helper routing', () => req([wb, 'CRTC_ID', 0]), F.ALLOW_MODESET, 'EINVAL'],
      ['modeset permission', () => req([r.t.crtc.id, 'ACTIVE', 0]), 0, 'EINVAL'],
      ['writeback check', () => req([wb, 'CRTC_ID', 0], [r.t.crtc.id, 'ACTIVE', 0]), F.ALLOW_MODESET, 'EINVAL'],
    ];
    for (const [what, make, flags, want] of failing) {
      const q = make().add(r.t.primary.id, 'FB_ID', r.fb2).add(wb, 'WRITEBACK_FB_ID', wfb);
      r.card.addOutFence(q, r.t.crtc.id);
      r.card.addOutFence(q, wb, 'WRITEBACK_OUT_FENCE_PTR');
      const before = snapshot(r.card);
      expect(commit(r.card, q, flags | F.PAGE_FLIP_EVENT), what).toBe(want);
      expect(snapshot(r.card), what).toBe(before);
      const parsed = what.startsWith('parse') ? [untouched, untouched] : [-1, -1]; // the primary (lowest id) failed first
      expect([q.outFence(r.t.crtc.id), q.outFence(wb)], what).toEqual(parsed);
      expect(fds.size, what).toBe(0);
    }
    // EBUSY (after the fds were handed out) and ENOMEM (while handing them out) as well
    expect(commit(r.card, flipReq(r, r.fb2), F.NONBLOCK)).toBe('no error');
    const busy = flipReq(r, r.fb).add(wb, 'WRITEBACK_FB_ID', wfb);
    r.card.addOutFence(busy, r.t.crtc.id);
    r.card.addOutFence(busy, wb, 'WRITEBACK_OUT_FENCE_PTR');
    let before = snapshot(r.card);
    expect(commit(r.card, busy, F.NONBLOCK | F.PAGE_FLIP_EVENT)).toBe('EBUSY');
    expect(snapshot(r.card)).toBe(before);
    expect([busy.outFence(r.t.crtc.id), busy.outFence(wb), fds.size]).toEqual([-1, -1, 0]);
    r.dev.clock.advance(FRAME_NS);
    fillEventSpace(r.card, r.t.crtc.id, 0);
    const full = flipReq(r, r.fb);
    r.card.addOutFence(full, r.t.crtc.id);
    before = snapshot(r.card);
    expect(commit(r.card, full, F.NONBLOCK | F.PAGE_FLIP_EVENT)).toBe('ENOMEM');
    expect(snapshot(r.card)).toBe(before);
    expect([full.outFence(r.t.crtc.id), fds.size]).toEqual([-1, 0]);
    expect(readRaw(r.card).length).toBe(0); // none of the failed commits delivered an event
  });

  it('gives the reserved event space back (uapi 4.15)', async () => {
    // uapi 4.15, 4.9
    const r = await rig();
    light(r);
    readRaw(r.card);
    fillEventSpace(r.card, r.t.crtc.id, 32); // room for exactly one more event
    for (let i = 0; i < 5; i++) expect(commit(r.card, flipReq(r, r.fb2).add(r.t.primary.id, 'SRC_X', 1), F.PAGE_FLIP_EVENT | F.NONBLOCK)).toBe('ENOSPC');
    expect(commit(r.card, flipReq(r, r.fb2), F.PAGE_FLIP_EVENT | F.NONBLOCK, 42n)).toBe('no error');
    expect(commit(r.card, req([r.t.crtc.id, 'VRR_ENABLED', 1]), F.PAGE_FLIP_EVENT | F.TEST_ONLY)).toBe('EINVAL');
    r.dev.clock.advance(FRAME_NS);
    expect(decodeVblankEvents(readRaw(r.card)).map((e) => e.userData)).toEqual([42n]);
  });
});

describe('uapi 3.51: PAGE_FLIP_ASYNC on a driver that supports it', () => {
  it('lets only FB_ID, IN_FENCE_FD and FB_DAMAGE_CLIPS of primary planes change; other values must stay as they are', async () => {
    // uapi 3.51, 3.3
    const r = await rig({ modeConfig: { asyncPageFlip: true } });
    light(r);
    expect(commit(r.card, overlayOn(r, makeFb(r.card)), 0)).toBe('no error');
    const A = F.PAGE_FLIP_ASYNC | F.NONBLOCK;
    const t = r.t, P = r.ids.plane, C = r.ids.crtc, K = r.ids.conn;
    const before = snapshot(r.card);
    const changes: [string, number, number, bigint | number][] = [
      ['primary CRTC_X', t.primary.id, P.CRTC_X!, 1],
      ['primary CRTC_ID', t.primary.id, P.CRTC_ID!, 0],
      ['primary rotation', t.primary.id, P.rotation!, 2],
      ['overlay FB_ID', t.overlay!.id, P.FB_ID!, r.fb2],
      ['CRTC ACTIVE', t.crtc.id, C.ACTIVE!, 0],
      ['CRTC VRR_ENABLED', t.crtc.id, C.VRR_ENABLED!, 1],
      ['CRTC MODE_ID', t.crtc.id, C.MODE_ID!, r.card.createModeBlob(MODE_1024x768)],
      ['CRTC OUT_FENCE_PTR', t.crtc.id, C.OUT_FENCE_PTR!, 0x10000],
      ['connector CRTC_ID', t.connector.id, K.CRTC_ID!, 0],
    ];
    for (const [what, obj, prop, v] of changes) expect(rawAtomic(r.card, { objs: [obj], counts: [1], props: [prop], values: [v], flags: A }), what).toBe('EINVAL');
    expect(snapshot(r.card)).toBe(before);
    const same: [string, number, number, bigint | number][] = [
      ['primary CRTC_X', t.primary.id, P.CRTC_X!, 0],
      ['primary CRTC_ID', t.primary.id, P.CRTC_ID!, t.crtc.id],
      ['CRTC ACTIVE', t.crtc.id, C.ACTIVE!, 1],
      ['CRTC MODE_ID', t.crtc.id, C.MODE_ID!, r.mode],
      ['CRTC OUT_FENCE_PTR 0', t.crtc.id, C.OUT_FENCE_PTR!, 0],
      ['connector CRTC_ID', t.connector.id, K.CRTC_ID!, t.crtc.id],
      ['overlay IN_FENCE_FD -1 (reads -1)', t.overlay!.id, P.IN_FENCE_FD!, -1n],
    ];
    for (const [what, obj, prop, v] of same) {
      expect(rawAtomic(r.card, { objs: [obj], counts: [1], props: [prop], values: [v], flags: A | F.TEST_ONLY }), what).toBe('no error');
    }
    const fd = r.card.fd.fds.install(new SwTimeline().createFence(0));
    expect(rawAtomic(r.card, { objs: [t.primary.id], counts: [2], props: [P.FB_ID!, P.IN_FENCE_FD!], values: [r.fb2, fd], flags: A })).toBe('no error');
    expect(r.card.getPlane(t.primary.id).fbId).toBe(r.fb2);
  });
});
