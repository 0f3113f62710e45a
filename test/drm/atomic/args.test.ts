/**
 * ATOMIC ioctl argument handling and the pre-check order (uapi 1.30, 3.1–3.8).
 */
import { describe, expect, it } from 'vitest';
import { ClientCap } from '../../../src/uapi/index.js';
import { createTestDevice } from '../test-driver.js';
import { atomicArg, errnoOf, F, openAtomic, rawAtomic, rig, snapshot } from './helpers.js';

describe('uapi 1.30: ATOMIC needs DRIVER_ATOMIC and the ATOMIC client cap', () => {
  it('answers EOPNOTSUPP on a driver without DRIVER_ATOMIC, even with bad flags and reserved set', async () => {
    // uapi 1.30, 3.5 (EOPNOTSUPP precedes every argument check)
    const t = await createTestDevice({ features: { atomic: false } });
    const card = t.open();
    expect(errnoOf(() => card.setClientCap(ClientCap.ATOMIC, 1))).toBe('EOPNOTSUPP'); // uapi 1.12
    expect(rawAtomic(card, { objs: [], counts: [], props: [], values: [] })).toBe('EOPNOTSUPP');
    expect(rawAtomic(card, { objs: [], counts: [], props: [], values: [], flags: 0x800, reserved: 1n })).toBe('EOPNOTSUPP');
  });

  it('answers EINVAL when the file has not set (or has cleared) the ATOMIC cap', async () => {
    // uapi 1.30
    const t = await createTestDevice();
    const card = t.open();
    expect(rawAtomic(card, { objs: [], counts: [], props: [], values: [] })).toBe('EINVAL');
    card.setClientCap(ClientCap.ATOMIC, 1);
    expect(rawAtomic(card, { objs: [], counts: [], props: [], values: [] })).toBe('no error');
    card.setClientCap(ClientCap.ATOMIC, 0);
    expect(rawAtomic(card, { objs: [], counts: [], props: [], values: [] })).toBe('EINVAL');
  });
});

describe('uapi 3.1: flags', () => {
  it('rejects every bit outside EVENT|ASYNC|TEST_ONLY|NONBLOCK|ALLOW_MODESET with EINVAL', async () => {
    // uapi 3.1
    const r = await rig();
    for (const bit of [0x4, 0x8, 0x10, 0x80, 0x800, 0x1000, 0x10000, 0x80000000]) {
      expect(rawAtomic(r.card, { objs: [], counts: [], props: [], values: [], flags: bit }), `flag 0x${bit.toString(16)}`).toBe('EINVAL');
      expect(rawAtomic(r.card, { objs: [], counts: [], props: [], values: [], flags: bit | F.TEST_ONLY }), `flag 0x${bit.toString(16)}|TEST_ONLY`).toBe('EINVAL');
    }
  });

  it('accepts TEST_ONLY, NONBLOCK and ALLOW_MODESET (alone and combined) on an empty commit', async () => {
    // uapi 3.1, 3.4, 3.8
    const r = await rig();
    for (const f of [F.TEST_ONLY, F.NONBLOCK, F.ALLOW_MODESET, F.TEST_ONLY | F.NONBLOCK, F.TEST_ONLY | F.ALLOW_MODESET, F.TEST_ONLY | F.NONBLOCK | F.ALLOW_MODESET, F.NONBLOCK | F.ALLOW_MODESET]) {
      expect(rawAtomic(r.card, { objs: [], counts: [], props: [], values: [], flags: f }), `flags 0x${f.toString(16)}`).toBe('no error');
    }
  });
});

describe('uapi 3.2: reserved', () => {
  it('answers EINVAL for any nonzero reserved value', async () => {
    // uapi 3.2
    const r = await rig();
    for (const v of [1n, 0x100000000n, 0x8000000000000000n]) expect(rawAtomic(r.card, { objs: [], counts: [], props: [], values: [], reserved: v })).toBe('EINVAL');
  });
});

describe('uapi 3.3: PAGE_FLIP_ASYNC', () => {
  it('is EINVAL on a driver without mode_config.async_page_flip (VKMS), accepted with it', async () => {
    // uapi 3.3
    const r = await rig();
    expect(rawAtomic(r.card, { objs: [], counts: [], props: [], values: [], flags: F.PAGE_FLIP_ASYNC })).toBe('EINVAL');
    expect(rawAtomic(r.card, { objs: [], counts: [], props: [], values: [], flags: F.PAGE_FLIP_ASYNC | F.TEST_ONLY })).toBe('EINVAL');
    const a = await rig({ modeConfig: { asyncPageFlip: true } });
    expect(rawAtomic(a.card, { objs: [], counts: [], props: [], values: [], flags: F.PAGE_FLIP_ASYNC })).toBe('no error');
  });
});

describe('uapi 3.4: TEST_ONLY with PAGE_FLIP_EVENT', () => {
  it('is EINVAL, with or without objects', async () => {
    // uapi 3.4
    const r = await rig();
    expect(rawAtomic(r.card, { objs: [], counts: [], props: [], values: [], flags: F.TEST_ONLY | F.PAGE_FLIP_EVENT })).toBe('EINVAL');
    expect(rawAtomic(r.card, { objs: [r.t.crtc.id], counts: [1], props: [r.ids.crtc.ACTIVE!], values: [0], flags: F.TEST_ONLY | F.PAGE_FLIP_EVENT })).toBe('EINVAL');
  });
});

describe('uapi 3.5: pre-check order (the earlier check wins)', () => {
  it('ENODEV after unplug beats the master check and every argument check', async () => {
    // uapi 3.5 (0.1, 7.1)
    const t = await createTestDevice();
    const master = openAtomic(t);
    const other = t.open(); // not master, no ATOMIC cap
    await t.unbind();
    const bad = { objs: [], counts: [], props: [], values: [], flags: 0x800, reserved: 1n };
    expect(rawAtomic(other, bad)).toBe('ENODEV');
    expect(rawAtomic(master, bad)).toBe('ENODEV');
  });

  it('EACCES for a non-master beats EOPNOTSUPP, the cap check and the flag checks; TEST_ONLY is no exception', async () => {
    // uapi 3.5, 6.3
    const t = await createTestDevice();
    const master = openAtomic(t);
    const other = t.open();
    expect(rawAtomic(other, { objs: [], counts: [], props: [], values: [], flags: F.TEST_ONLY })).toBe('EACCES'); // no cap either
    other.setClientCap(ClientCap.ATOMIC, 1);
    expect(rawAtomic(other, { objs: [], counts: [], props: [], values: [], flags: F.TEST_ONLY })).toBe('EACCES');
    expect(rawAtomic(other, { objs: [], counts: [], props: [], values: [], flags: 0x800 | F.TEST_ONLY | F.PAGE_FLIP_EVENT, reserved: 1n })).toBe('EACCES');
    expect(rawAtomic(master, { objs: [], counts: [], props: [], values: [], flags: F.TEST_ONLY })).toBe('no error');
    const na = await createTestDevice({ features: { atomic: false } });
    na.open(); // master
    const naOther = na.open();
    expect(rawAtomic(naOther, { objs: [], counts: [], props: [], values: [] })).toBe('EACCES');
  });

  it('the argument checks all run before any object is looked up or any pointer is read', async () => {
    // uapi 3.5, 3.6, 3.9: each of these has an unknown object AND unreadable arrays; the pre-check decides
    const r = await rig();
    const unknown = { objs: [9999], counts: [1], props: [1], values: [0] };
    const fault = { ...atomicArg({ objs: [], counts: [], props: [], values: [] }), count_objs: 1, objs_ptr: 0n };
    expect(rawAtomic(r.card, unknown)).toBe('ENOENT');
    expect(errnoOf(() => r.card.fd.ioctl('MODE_ATOMIC', { ...fault }))).toBe('EFAULT');
    for (const flags of [0x800, F.PAGE_FLIP_ASYNC, F.TEST_ONLY | F.PAGE_FLIP_EVENT]) {
      expect(rawAtomic(r.card, { ...unknown, flags }), `flags 0x${flags.toString(16)}`).toBe('EINVAL');
      expect(errnoOf(() => r.card.fd.ioctl('MODE_ATOMIC', { ...fault, flags })), `flags 0x${flags.toString(16)} + EFAULT`).toBe('EINVAL');
    }
    expect(rawAtomic(r.card, { ...unknown, reserved: 1n })).toBe('EINVAL');
    expect(errnoOf(() => r.card.fd.ioctl('MODE_ATOMIC', { ...fault, reserved: 1n }))).toBe('EINVAL');
    const noCap = r.t.open();
    expect(rawAtomic(noCap, unknown)).toBe('EACCES'); // not master: EACCES first
    r.card.setClientCap(ClientCap.ATOMIC, 0);
    expect(rawAtomic(r.card, unknown)).toBe('EINVAL'); // the cap check precedes object lookup
  });
});

describe('uapi 3.6: the four arrays', () => {
  it('consumes props_ptr/prop_values_ptr sequentially across objects, using count_props_ptr per object', async () => {
    // uapi 3.6
    const r = await rig();
    const t = r.t;
    const x = r.ids.plane.CRTC_X!, y = r.ids.plane.CRTC_Y!, w = r.ids.plane.CRTC_W!;
    expect(rawAtomic(r.card, { objs: [t.overlay!.id, t.primary.id, t.cursor!.id], counts: [2, 0, 1], props: [x, y, w], values: [5, 6, 7] })).toBe('no error');
    const get = (id: number, prop: number) => { const p = r.card.getObjectProperties(id); return p.propValues[p.props.indexOf(prop)]; };
    expect([get(t.overlay!.id, x), get(t.overlay!.id, y), get(t.overlay!.id, w)]).toEqual([5n, 6n, 0n]);
    expect([get(t.primary.id, x), get(t.primary.id, y), get(t.primary.id, w)]).toEqual([0n, 0n, 0n]);
    expect([get(t.cursor!.id, x), get(t.cursor!.id, y), get(t.cursor!.id, w)]).toEqual([0n, 0n, 7n]);
  });

  it('answers EFAULT for each unreadable array and leaves the state unchanged', async () => {
    // uapi 3.6, 3.50
    const r = await rig();
    const x = r.ids.plane.CRTC_X!;
    const good = { objs: [r.t.overlay!.id, r.t.cursor!.id], counts: [1, 1], props: [x, x], values: [5, 6] };
    const before = snapshot(r.card);
    const base = atomicArg(good);
    const cases: [string, object][] = [
      ['objs_ptr NULL', { objs_ptr: 0n }],
      ['objs_ptr short', { objs_ptr: Uint32Array.from([r.t.overlay!.id]) }],
      ['count_props_ptr NULL', { count_props_ptr: 0n }],
      ['count_props_ptr short', { count_props_ptr: Uint32Array.from([1]) }],
      ['props_ptr short', { props_ptr: Uint32Array.from([x]) }],
      ['prop_values_ptr short', { prop_values_ptr: BigUint64Array.from([5n]) }],
      ['prop_values_ptr unmapped', { prop_values_ptr: 0xdead0000n }],
    ];
    for (const [what, patch] of cases) {
      expect(errnoOf(() => r.card.fd.ioctl('MODE_ATOMIC', { ...base, ...patch })), what).toBe('EFAULT');
      expect(snapshot(r.card), what).toBe(before);
    }
    expect(rawAtomic(r.card, good)).toBe('no error');
    expect(snapshot(r.card)).not.toBe(before);
  });
});

describe('uapi 3.7: duplicates apply in array order, last write wins', () => {
  it('applies an object listed twice and a property written twice in order', async () => {
    // uapi 3.7
    const r = await rig();
    const o = r.t.overlay!.id, x = r.ids.plane.CRTC_X!, y = r.ids.plane.CRTC_Y!;
    expect(rawAtomic(r.card, { objs: [o, o], counts: [2, 1], props: [x, y, x], values: [1, 9, 2] })).toBe('no error');
    expect(rawAtomic(r.card, { objs: [o], counts: [3], props: [y, y, y], values: [3, 4, 8] })).toBe('no error');
    const p = r.card.getObjectProperties(o);
    expect([p.propValues[p.props.indexOf(x)], p.propValues[p.props.indexOf(y)]]).toEqual([2n, 8n]);
  });
});

describe('uapi 3.8: the empty commit', () => {
  it('succeeds with count_objs 0 (blocking, NONBLOCK, TEST_ONLY) and changes nothing', async () => {
    // uapi 3.8
    const r = await rig();
    const before = snapshot(r.card);
    for (const flags of [0, F.NONBLOCK, F.TEST_ONLY, F.ALLOW_MODESET]) expect(rawAtomic(r.card, { objs: [], counts: [], props: [], values: [], flags })).toBe('no error');
    // a count_objs of 0 ignores the (NULL) array pointers
    expect(errnoOf(() => r.card.fd.ioctl('MODE_ATOMIC', { flags: 0, count_objs: 0, objs_ptr: 0n, count_props_ptr: 0n, props_ptr: 0n, prop_values_ptr: 0n }))).toBe('no error');
    expect(snapshot(r.card)).toBe(before);
  });

  it('but with PAGE_FLIP_EVENT an empty commit has no CRTC and is EINVAL', async () => {
    // uapi 3.8, 3.16
    const r = await rig();
    expect(rawAtomic(r.card, { objs: [], counts: [], props: [], values: [], flags: F.PAGE_FLIP_EVENT })).toBe('EINVAL');
    expect(rawAtomic(r.card, { objs: [], counts: [], props: [], values: [], flags: F.PAGE_FLIP_EVENT | F.NONBLOCK })).toBe('EINVAL');
  });
});
