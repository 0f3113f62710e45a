/**
 * Object and property lookup while parsing the ATOMIC arrays, implicit CRTCs and event
 * reservation (uapi 3.9–3.16).
 */
import { describe, expect, it } from 'vitest';
import { Card } from '../../../src/client/card.js';
import { attachProperty, createRange } from '../../../src/drm/property.js';
import { ClientCap, type DrmFd } from '../../../src/uapi/index.js';
import {
  commit, darken, decodeVblankEvents, F, FRAME_NS, fillEventSpace, flipReq, light, makeFb, MODE_1024x768, modesetReq, openAtomic,
  ownDevice, rawAtomic, readRaw, req, rig, snapshot, U64_MAX, type Rig,
} from './helpers.js';

/** A lessee holding the test CRTC, its connector and primary plane (uapi 6.17). */
function lease(r: Rig, ids: number[]): Card {
  const a = { object_ids: Uint32Array.from(ids), object_count: ids.length, flags: 0, lessee_id: 0, fd: -1 };
  r.card.ioctl('MODE_CREATE_LEASE', a);
  const lessee = new Card(r.card.fd.fds.get(a.fd) as DrmFd);
  lessee.setClientCap(ClientCap.ATOMIC, 1);
  return lessee;
}

describe('uapi 3.9: objects that cannot be named', () => {
  it('answers ENOENT for unknown IDs and for encoders, FBs, blobs and properties', async () => {
    // uapi 3.9
    const r = await rig();
    const active = r.ids.crtc.ACTIVE!;
    for (const [what, id] of [['unknown', 9999], ['zero', 0], ['encoder', r.t.encoder.id], ['fb', r.fb], ['blob', r.mode], ['property', active]] as const) {
      expect(rawAtomic(r.card, { objs: [id], counts: [1], props: [active], values: [0] }), what).toBe('ENOENT');
      expect(rawAtomic(r.card, { objs: [id], counts: [0], props: [], values: [] }), `${what} with no properties`).toBe('ENOENT');
    }
  });

  it('answers ENOENT for CRTCs, planes and connectors outside the caller\'s lease', async () => {
    // uapi 3.9, 6.18
    const r = await rig({ crtcs: 2 });
    const lessee = lease(r, [r.t.crtc.id, r.t.connector.id, r.t.primary.id]);
    const crtc1 = r.t.crtcs[1]!;
    expect(rawAtomic(lessee, { objs: [crtc1.id], counts: [1], props: [r.ids.crtc.ACTIVE!], values: [0] })).toBe('ENOENT');
    expect(rawAtomic(lessee, { objs: [r.t.overlay!.id], counts: [1], props: [r.ids.plane.CRTC_X!], values: [0] })).toBe('ENOENT');
    expect(rawAtomic(lessee, { objs: [r.t.writeback!.id], counts: [0], props: [], values: [] })).toBe('ENOENT');
    expect(rawAtomic(lessee, { objs: [r.t.primary.id], counts: [1], props: [r.ids.plane.CRTC_X!], values: [3] })).toBe('no error');
  });

  it('stops at the first failing entry: a bad value before an unknown object is EINVAL, after it ENOENT', async () => {
    // uapi 3.9, 3.11, 3.6 (sequential processing)
    const r = await rig();
    const active = r.ids.crtc.ACTIVE!;
    expect(rawAtomic(r.card, { objs: [r.t.crtc.id, 9999], counts: [1, 1], props: [active, active], values: [2, 0] })).toBe('EINVAL');
    expect(rawAtomic(r.card, { objs: [9999, r.t.crtc.id], counts: [1, 1], props: [active, active], values: [0, 2] })).toBe('ENOENT');
  });
});

describe('uapi 3.10: properties not attached to the object', () => {
  it('answers ENOENT for unknown property IDs and for real properties of other objects', async () => {
    // uapi 3.10, 2.26, 2.30
    const r = await rig();
    const t = r.t, P = r.ids.plane, C = r.ids.crtc, K = r.ids.conn;
    const dev = r.dev;
    const cases: [string, number, number][] = [
      ['unknown property', t.primary.id, 9999],
      ['an object id as property', t.primary.id, t.crtc.id],
      ['MODE_ID on a plane', t.primary.id, C.MODE_ID!],
      ['ACTIVE on a connector', t.connector.id, C.ACTIVE!],
      ['FB_ID on a CRTC', t.crtc.id, P.FB_ID!],
      ['CRTC_X on a connector', t.connector.id, P.CRTC_X!],
      ['DPMS on a plane', t.primary.id, K.DPMS!],
      ['rotation on the overlay (only the primary has it)', t.overlay!.id, P.rotation!],
      ['FB_DAMAGE_CLIPS where not enabled', t.primary.id, dev.std.FB_DAMAGE_CLIPS.id],
      ['DEGAMMA_LUT where not enabled', t.crtc.id, dev.std.DEGAMMA_LUT.id],
      ['CTM where not enabled', t.crtc.id, dev.std.CTM.id],
      ['WRITEBACK_FB_ID on a normal connector', t.connector.id, dev.std.WRITEBACK_FB_ID!.id],
    ];
    for (const [what, obj, prop] of cases) expect(rawAtomic(r.card, { objs: [obj], counts: [1], props: [prop], values: [0] }), what).toBe('ENOENT');
  });
});

describe('uapi 3.11: values that fail property validation', () => {
  it('answers EINVAL (never ENOENT) for unknown or mistyped object and blob references and out-of-range values', async () => {
    // uapi 3.11, 2.9–2.15
    const r = await rig();
    const t = r.t, P = r.ids.plane, C = r.ids.crtc, K = r.ids.conn;
    const bad: [string, number, number, bigint | number][] = [
      ['FB_ID unknown', t.primary.id, P.FB_ID!, 9999],
      ['FB_ID naming a CRTC', t.primary.id, P.FB_ID!, t.crtc.id],
      ['plane CRTC_ID unknown', t.primary.id, P.CRTC_ID!, 9999],
      ['plane CRTC_ID naming a plane', t.primary.id, P.CRTC_ID!, t.overlay!.id],
      ['connector CRTC_ID naming an encoder', t.connector.id, K.CRTC_ID!, t.encoder.id],
      ['MODE_ID unknown blob', t.crtc.id, C.MODE_ID!, 9999],
      ['MODE_ID naming an FB', t.crtc.id, C.MODE_ID!, r.fb],
      ['GAMMA_LUT unknown blob', t.crtc.id, C.GAMMA_LUT!, 9999],
      ['ACTIVE 2', t.crtc.id, C.ACTIVE!, 2],
      ['VRR_ENABLED 2', t.crtc.id, C.VRR_ENABLED!, 2],
      ['CRTC_X 0xffffffff (not sign-extended)', t.primary.id, P.CRTC_X!, 0xffffffffn],
      ['CRTC_X below INT_MIN', t.primary.id, P.CRTC_X!, -0x80000001n],
      ['CRTC_W above INT_MAX', t.primary.id, P.CRTC_W!, 0x80000000n],
      ['SRC_W above UINT_MAX', t.primary.id, P.SRC_W!, 0x100000000n],
      ['IN_FENCE_FD -2', t.primary.id, P.IN_FENCE_FD!, -2n],
      ['IN_FENCE_FD above INT_MAX', t.primary.id, P.IN_FENCE_FD!, 0x80000000n],
      ['link-status 2', t.connector.id, K['link-status']!, 2],
      ['rotation bit 6', t.primary.id, P.rotation!, 1 << 6],
      ['immutable type', t.primary.id, P.type!, 1],
      ['immutable IN_FORMATS', t.primary.id, P.IN_FORMATS!, 0],
      ['immutable GAMMA_LUT_SIZE', t.crtc.id, C.GAMMA_LUT_SIZE!, 256],
      ['immutable non-desktop', t.connector.id, K['non-desktop']!, 0],
    ];
    const before = snapshot(r.card);
    for (const [what, obj, prop, v] of bad) expect(rawAtomic(r.card, { objs: [obj], counts: [1], props: [prop], values: [v] }), what).toBe('EINVAL');
    expect(snapshot(r.card)).toBe(before);
    // the boundaries themselves are fine
    const ok: [string, number, number, bigint | number][] = [
      ['CRTC_X -1 sign-extended', t.primary.id, P.CRTC_X!, -1n],
      ['CRTC_X INT_MIN', t.primary.id, P.CRTC_X!, -0x80000000n],
      ['CRTC_W INT_MAX', t.primary.id, P.CRTC_W!, 0x7fffffff],
      ['SRC_W UINT_MAX', t.primary.id, P.SRC_W!, 0xffffffff],
      ['IN_FENCE_FD -1', t.primary.id, P.IN_FENCE_FD!, U64_MAX],
      ['OUT_FENCE_PTR 0', t.crtc.id, C.OUT_FENCE_PTR!, 0],
    ];
    for (const [what, obj, prop, v] of ok) expect(rawAtomic(r.card, { objs: [obj], counts: [1], props: [prop], values: [v] }), what).toBe('no error');
  });
});

describe('uapi 3.12: CRTC_ID outside the lease', () => {
  it('answers EACCES when a lessee points a plane or connector at an existing CRTC it does not lease', async () => {
    // uapi 3.12
    const r = await rig({ crtcs: 2 });
    const lessee = lease(r, [r.t.crtc.id, r.t.connector.id, r.t.primary.id]);
    const other = r.t.crtcs[1]!.id;
    expect(rawAtomic(lessee, { objs: [r.t.primary.id], counts: [1], props: [r.ids.plane.CRTC_ID!], values: [other] })).toBe('EACCES');
    expect(rawAtomic(lessee, { objs: [r.t.connector.id], counts: [1], props: [r.ids.conn.CRTC_ID!], values: [other] })).toBe('EACCES');
    // an ID that is no CRTC at all fails value validation first (EINVAL), lease or not
    expect(rawAtomic(lessee, { objs: [r.t.primary.id], counts: [1], props: [r.ids.plane.CRTC_ID!], values: [9999] })).toBe('EINVAL');
    // the leased CRTC is fine
    const fb = makeFb(lessee, 1024, 768);
    const q = modesetReq({ ...r, card: lessee, fb });
    expect(commit(lessee, q, F.ALLOW_MODESET)).toBe('no error');
    expect(r.card.getCrtc(r.t.crtc.id).bufferId).toBe(fb);
  });
});

describe('uapi 3.13: FBs of other clients', () => {
  it('accepts FB_ID naming an FB created by another file', async () => {
    // uapi 3.13
    const r = await rig();
    const other = r.t.open();
    const fb = makeFb(other, 1024, 768);
    expect(r.card.getResources().fbs).not.toContain(fb); // not ours (uapi 1.17)
    expect(commit(r.card, modesetReq({ ...r, fb }), F.ALLOW_MODESET)).toBe('no error');
    expect(r.card.getPlane(r.t.primary.id).fbId).toBe(fb);
  });
});

describe('uapi 3.14: a property the core and the driver do not know', () => {
  it('is EINVAL without the object\'s atomic_set_property, and routed to it when present', async () => {
    // uapi 3.14
    let seen: bigint | undefined;
    for (const withSetter of [false, true]) {
      const d = await ownDevice({
        planeFuncs: withSetter ? { atomicSetProperty: (_p, _s, _prop, v) => { seen = v; } } : {},
        extra: (u, o) => attachProperty(o.primaries[0]!, createRange(u.drm, 0, 'driver-knob', 0n, 10n), 0n),
      });
      const card = openAtomic(d);
      const knob = card.propertyId(d.objs.primaries[0]!.id, 'driver-knob');
      const e = rawAtomic(card, { objs: [d.objs.primaries[0]!.id], counts: [1], props: [knob], values: [7] });
      expect(e).toBe(withSetter ? 'no error' : 'EINVAL');
      // value validation (2.10) still runs before the driver sees anything
      expect(rawAtomic(card, { objs: [d.objs.primaries[0]!.id], counts: [1], props: [knob], values: [11] })).toBe('EINVAL');
    }
    expect(seen).toBe(7n);
  });
});

describe('uapi 3.15: touching a bound plane or connector pulls its CRTC in', () => {
  it('shows in EBUSY: a plane or connector on a CRTC with a pending flip is busy, an unbound plane is not', async () => {
    // uapi 3.15, 3.45
    const r = await rig();
    light(r);
    expect(commit(r.card, planeOnOverlay(r), F.ALLOW_MODESET)).toBe('no error'); // blocking: done
    expect(commit(r.card, flipReq(r, r.fb2), F.NONBLOCK)).toBe('no error'); // pending until the next vblank
    expect(commit(r.card, req([r.t.overlay!.id, 'CRTC_X', 1]), F.NONBLOCK)).toBe('EBUSY');
    expect(commit(r.card, req([r.t.connector.id, 'CRTC_ID', r.t.crtc.id]), F.NONBLOCK)).toBe('EBUSY');
    expect(commit(r.card, req([r.t.cursor!.id, 'CRTC_X', 1]), F.NONBLOCK)).toBe('no error'); // unbound: no CRTC
    r.dev.clock.advance(FRAME_NS);
    expect(commit(r.card, req([r.t.overlay!.id, 'CRTC_X', 1]), F.NONBLOCK)).toBe('no error');
  });

  it('shows in events: an implicit CRTC gets its FLIP_COMPLETE; moving a connector adds both CRTCs', async () => {
    // uapi 3.15, 3.16, 4.9
    const r = await rig({ crtcs: 2 });
    light(r);
    readRaw(r.card);
    expect(commit(r.card, req([r.t.connector.id, 'CRTC_ID', r.t.crtc.id]), F.NONBLOCK | F.PAGE_FLIP_EVENT, 5n)).toBe('no error');
    r.dev.clock.advance(FRAME_NS);
    const ev = decodeVblankEvents(readRaw(r.card));
    expect(ev.map((e) => [e.type, e.crtcId, e.userData])).toEqual([[2, r.t.crtc.id, 5n]]);
    // room for one event only: moving the connector to CRTC 1 needs two (old and new CRTC)
    fillEventSpace(r.card, r.t.crtc.id, 32);
    expect(commit(r.card, req([r.t.connector.id, 'CRTC_ID', r.t.crtcs[1]!.id]), F.PAGE_FLIP_EVENT | F.ALLOW_MODESET)).toBe('ENOMEM');
    expect(commit(r.card, req([r.t.connector.id, 'CRTC_ID', r.t.crtc.id]), F.PAGE_FLIP_EVENT | F.NONBLOCK, 6n)).toBe('no error');
  });
});

describe('uapi 3.16: one event per CRTC', () => {
  it('queues one FLIP_COMPLETE for every CRTC in the commit, explicit or implicit, with the same user_data', async () => {
    // uapi 3.16, 4.4
    const d = await ownDevice({ crtcs: 2, connectors: 2 });
    const card = openAtomic(d);
    const fb = makeFb(card, 1024, 768);
    const mode = card.createModeBlob(MODE_1024x768);
    const c0 = d.objs.crtcs[0]!, c1 = d.objs.crtcs[1]!;
    const q = req();
    d.objs.crtcs.forEach((c, i) => {
      q.add(c.id, 'MODE_ID', mode).add(c.id, 'ACTIVE', 1).add(d.objs.connectors[i]!.id, 'CRTC_ID', c.id);
      q.add(d.objs.primaries[i]!.id, 'FB_ID', fb).add(d.objs.primaries[i]!.id, 'CRTC_ID', c.id)
        .add(d.objs.primaries[i]!.id, 'SRC_W', 1024 << 16).add(d.objs.primaries[i]!.id, 'SRC_H', 768 << 16)
        .add(d.objs.primaries[i]!.id, 'CRTC_W', 1024).add(d.objs.primaries[i]!.id, 'CRTC_H', 768);
    });
    expect(commit(card, q, F.ALLOW_MODESET | F.PAGE_FLIP_EVENT, 0x77n)).toBe('no error');
    expect(decodeVblankEvents(readRaw(card)).map((e) => [e.crtcId, e.userData])).toEqual([[c0.id, 0x77n], [c1.id, 0x77n]]);
    // planes only: their CRTCs are implicit
    expect(commit(card, req([d.objs.primaries[0]!.id, 'FB_ID', fb], [d.objs.primaries[1]!.id, 'FB_ID', fb]), F.NONBLOCK | F.PAGE_FLIP_EVENT, 0x78n)).toBe('no error');
    d.device.drm.clock.advance(FRAME_NS);
    expect(decodeVblankEvents(readRaw(card)).map((e) => [e.crtcId, e.userData]).sort()).toEqual([[c0.id, 0x78n], [c1.id, 0x78n]].sort());
  });

  it('is EINVAL when the commit has no CRTC at all', async () => {
    // uapi 3.16
    const r = await rig();
    light(r);
    expect(commit(r.card, req([r.t.cursor!.id, 'CRTC_X', 3]), F.PAGE_FLIP_EVENT)).toBe('EINVAL');
    expect(commit(r.card, req([r.t.writeback!.id, 'CRTC_ID', 0]), F.PAGE_FLIP_EVENT | F.NONBLOCK)).toBe('EINVAL');
    expect(commit(r.card, req([r.t.cursor!.id, 'CRTC_X', 3]), 0)).toBe('no error');
  });

  it('is ENOMEM when the file\'s event space is exhausted, and changes nothing', async () => {
    // uapi 3.16, 4.9, 3.50
    const r = await rig();
    light(r);
    readRaw(r.card);
    fillEventSpace(r.card, r.t.crtc.id, 0);
    const before = snapshot(r.card);
    expect(commit(r.card, flipReq(r, r.fb2), F.PAGE_FLIP_EVENT | F.NONBLOCK)).toBe('ENOMEM');
    expect(commit(r.card, flipReq(r, r.fb2), F.PAGE_FLIP_EVENT)).toBe('ENOMEM');
    expect(snapshot(r.card)).toBe(before);
    expect(commit(r.card, flipReq(r, r.fb2), F.NONBLOCK)).toBe('no error'); // no event, no space needed
    darken(r);
  });
});

function planeOnOverlay(r: Rig) {
  return req([r.t.overlay!.id, 'FB_ID', r.fb], [r.t.overlay!.id, 'CRTC_ID', r.t.crtc.id],
    [r.t.overlay!.id, 'SRC_W', 64 << 16], [r.t.overlay!.id, 'SRC_H', 64 << 16], [r.t.overlay!.id, 'CRTC_W', 64], [r.t.overlay!.id, 'CRTC_H', 64]);
}

