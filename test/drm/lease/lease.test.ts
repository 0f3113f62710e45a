/** Leases: CREATE_LEASE, the lessee's view, LIST_LESSEES, GET_LEASE, REVOKE_LEASE (uapi 6.11–6.22). */
import { describe, expect, it } from 'vitest';
import { AtomicRequest } from '../../../src/client/atomic.js';
import { ClientCap, ObjectType } from '../../../src/uapi/drm-mode.js';
import { Fourcc } from '../../../src/uapi/fourcc.js';
import { createTestDevice, MODE_1024x768 } from '../test-driver.js';
import {
  createLease, fbOf, getLease, io, ioErr, lease, light, listLessees, O_CLOEXEC, O_NONBLOCK, setCrtc, setCrtcArg,
} from '../legacy/util.js';

const sorted = (ids: number[]) => [...ids].sort((a, b) => a - b);
const leaseErr = (card: Parameters<typeof createLease>[0], ids: number[], flags = 0) =>
  ioErr(card, 'MODE_CREATE_LEASE', { object_ids: Uint32Array.from(ids.length ? ids : [0]), object_count: ids.length, flags });

describe('uapi 6.11: CREATE_LEASE flags and sub-leases', () => {
  it('flags other than O_CLOEXEC|O_NONBLOCK → EINVAL, before the objects are looked at', async () => {
    // uapi 6.11
    const t = await createTestDevice();
    const card = t.open();
    const ok = [t.crtc.id, t.connector.id];
    for (const f of [1, 0o100, 0o1000, 0o40000, 0o20000000, 0x80000000]) expect(leaseErr(card, [9999], f), `flags 0o${f.toString(8)}`).toBe('EINVAL');
    expect(leaseErr(card, ok, O_CLOEXEC | O_NONBLOCK)).toBe('ok');
    expect(leaseErr(card, [t.crtcs[0]!.id], O_CLOEXEC | 1)).toBe('EINVAL');
  });

  it('the new file takes its O_NONBLOCK from the lessor\'s open file, not from the lease flags', async () => {
    // uapi 6.11, 6.17 (drm_mode_create_lease_ioctl: get_unused_fd_flags only applies O_CLOEXEC;
    // file_clone_open reopens with the lessor file's f_flags)
    const t = await createTestDevice({ crtcs: 2 });
    const blocking = t.open();
    const a = lease(blocking, [t.crtc.id, t.connector.id], O_NONBLOCK).lessee;
    const r = a.fd.read(new Uint8Array(64));
    expect(r).toBeInstanceOf(Promise); // would block: nothing queued
    a.close();
    await r;
    blocking.close();
    const nb = t.open({ nonblock: true });
    const b = lease(nb, [t.crtcs[1]!.id, t.connector.id], 0).lessee;
    expect(() => b.fd.read(new Uint8Array(64))).toThrow(expect.objectContaining({ code: 'EAGAIN' }));
  });

  it('a lessee cannot create a lease (no sub-leases) → EINVAL', async () => {
    // uapi 6.11
    const t = await createTestDevice();
    const owner = t.open();
    const { lessee } = lease(owner, [t.crtc.id, t.connector.id]);
    expect(leaseErr(lessee, [t.crtc.id, t.connector.id])).toBe('EINVAL');
    expect(leaseErr(lessee, [])).toBe('EINVAL');
  });
});

describe('uapi 6.12–6.16: the object list', () => {
  it('unknown ID → ENOENT; an object that is not a CRTC, connector or plane → EINVAL; checked in list order, before validation', async () => {
    // uapi 6.12
    const t = await createTestDevice();
    const card = t.open();
    const fb = fbOf(card, 64, 64);
    const blob = card.createPropertyBlob(new Uint8Array(4));
    const prop = card.getObjectProperties(t.crtc.id).props[0]!;
    const ok = [t.crtc.id, t.connector.id];
    expect(leaseErr(card, [9999])).toBe('ENOENT'); // validation alone would say EINVAL
    expect(leaseErr(card, [...ok, 9999])).toBe('ENOENT');
    for (const bad of [t.encoder.id, fb, blob, prop]) {
      expect(leaseErr(card, [...ok, bad]), `object ${bad}`).toBe('EINVAL');
    }
    expect(leaseErr(card, [t.encoder.id, 9999, ...ok])).toBe('EINVAL');
    expect(leaseErr(card, [9999, t.encoder.id, ...ok])).toBe('ENOENT');
    // the writeback connector is found by ID whatever the client caps (no GETRESOURCES filter here)
    expect(leaseErr(card, [t.crtc.id, t.writeback!.id])).toBe('ok');
  });

  it('validation: a CRTC and a connector are needed; a universal-planes lessor also needs a plane', async () => {
    // uapi 6.13
    const t = await createTestDevice();
    const card = t.open();
    expect(leaseErr(card, [t.crtc.id])).toBe('EINVAL');
    expect(leaseErr(card, [t.connector.id])).toBe('EINVAL');
    expect(leaseErr(card, [t.primary.id, t.connector.id])).toBe('EINVAL');
    expect(leaseErr(card, [t.crtc.id, t.crtc.id])).toBe('EINVAL'); // validation comes before the duplicate check
    card.setClientCap(ClientCap.UNIVERSAL_PLANES, 1);
    expect(leaseErr(card, [t.crtc.id, t.connector.id])).toBe('EINVAL');
    expect(leaseErr(card, [t.crtc.id, t.connector.id, t.overlay!.id])).toBe('ok');
  });

  it('a lessor without UNIVERSAL_PLANES leases each CRTC\'s primary and cursor implicitly', async () => {
    // uapi 6.14
    const t = await createTestDevice({ crtcs: 2 });
    const card = t.open();
    const c1 = t.crtcs[1]!;
    const a = lease(card, [t.crtc.id, t.connector.id]).lessee;
    expect(getLease(a)).toEqual(sorted([t.crtc.id, t.connector.id, t.primary.id, t.cursor!.id]));
    const b = lease(card, [c1.id, t.writeback!.id]).lessee; // CRTC 1 has no cursor
    expect(getLease(b)).toEqual(sorted([c1.id, t.writeback!.id, c1.primary!.id]));
    // with UNIVERSAL_PLANES only what is listed
    io(card, 'MODE_REVOKE_LEASE', { lessee_id: 1 });
    card.setClientCap(ClientCap.UNIVERSAL_PLANES, 1);
    const c = lease(card, [t.crtc.id, t.connector.id, t.overlay!.id]).lessee;
    expect(getLease(c)).toEqual(sorted([t.crtc.id, t.connector.id, t.overlay!.id]));
  });

  it('an object listed twice, or a plane that was added implicitly and is listed too → ENOSPC', async () => {
    // uapi 6.15
    const t = await createTestDevice();
    const card = t.open();
    expect(leaseErr(card, [t.crtc.id, t.connector.id, t.crtc.id])).toBe('ENOSPC');
    expect(leaseErr(card, [t.crtc.id, t.connector.id, t.connector.id])).toBe('ENOSPC');
    expect(leaseErr(card, [t.crtc.id, t.connector.id, t.primary.id])).toBe('ENOSPC');
    expect(leaseErr(card, [t.cursor!.id, t.crtc.id, t.connector.id])).toBe('ENOSPC');
    expect(leaseErr(card, [t.crtc.id, t.connector.id, t.overlay!.id])).toBe('ok');
    card.setClientCap(ClientCap.UNIVERSAL_PLANES, 1);
    expect(leaseErr(card, [t.crtcs[0]!.id, t.writeback!.id, t.primary.id, t.primary.id])).toBe('ENOSPC');
  });

  it('an object already leased to another lessee → EBUSY (after the list checks); free again after a revoke', async () => {
    // uapi 6.16
    const t = await createTestDevice({ crtcs: 2 });
    const card = t.open();
    const c1 = t.crtcs[1]!;
    const first = lease(card, [t.crtc.id, t.connector.id]);
    expect(leaseErr(card, [t.crtc.id, t.writeback!.id])).toBe('EBUSY');
    expect(leaseErr(card, [c1.id, t.connector.id])).toBe('EBUSY');
    expect(leaseErr(card, [c1.id, t.writeback!.id, t.overlay!.id, t.cursor!.id])).toBe('EBUSY'); // the implicitly leased cursor
    expect(leaseErr(card, [t.crtc.id, t.connector.id, t.crtc.id])).toBe('ENOSPC');
    expect(leaseErr(card, [c1.id, t.writeback!.id])).toBe('ok');
    io(card, 'MODE_REVOKE_LEASE', { lessee_id: first.lesseeId });
    expect(leaseErr(card, [t.crtc.id, t.connector.id])).toBe('ok');
  });
});

describe('uapi 6.17: the lessee file and its id', () => {
  it('lessee_id is the lowest free id ≥ 1; a revoked lessee keeps its id until its file is closed', async () => {
    // uapi 6.17
    const t = await createTestDevice({ crtcs: 3 });
    const card = t.open();
    const [c0, c1, c2] = t.crtcs as [typeof t.crtc, typeof t.crtc, typeof t.crtc];
    const l1 = lease(card, [c0.id, t.connector.id]);
    const l2 = lease(card, [c1.id, t.writeback!.id]);
    const l3 = lease(card, []); // an empty lease is allowed
    expect([l1.lesseeId, l2.lesseeId, l3.lesseeId]).toEqual([1, 2, 3]);
    expect(new Set([l1.fd, l2.fd, l3.fd]).size).toBe(3);
    io(card, 'MODE_REVOKE_LEASE', { lessee_id: 2 });
    l1.lessee.close();
    const l4 = lease(card, [c2.id, t.connector.id]);
    expect(l4.lesseeId).toBe(1);
    l2.lessee.close();
    expect(lease(card, [c0.id, t.writeback!.id]).lesseeId).toBe(2);
    expect(lease(card, []).lesseeId).toBe(4);
  });

  it('the lessee file is master: master ioctls work on its objects, even with the lessor\'s FB', async () => {
    // uapi 6.17, 3.13
    const t = await createTestDevice({ crtcs: 2 });
    const owner = t.open();
    const fb = fbOf(owner, 1024, 768);
    const c1 = t.crtcs[1]!;
    const { lessee } = lease(owner, [c1.id, t.connector.id]);
    setCrtc(lessee, c1.id, { fb, mode: MODE_1024x768, connectors: [t.connector.id] });
    expect(owner.getCrtc(c1.id)).toMatchObject({ modeValid: true, bufferId: fb });
    expect(lessee.getCrtc(c1.id)).toMatchObject({ modeValid: true, bufferId: fb });
    // SET/DROP_MASTER: the lessee file was never master by opening (was_master unset), so the
    // permission rule refuses it first (uapi 6.6, 6.8)
    expect(ioErr(lessee, 'SET_MASTER', {})).toBe('EACCES');
    expect(ioErr(lessee, 'DROP_MASTER', {})).toBe('EACCES');
  });
});

describe('uapi 6.18, 6.19: what a lessee sees', () => {
  it('GETRESOURCES / GETPLANERESOURCES list only leased CRTCs, connectors and planes; encoders all; FBs its own', async () => {
    // uapi 6.19, 1.19, 1.21
    const t = await createTestDevice({ crtcs: 2 });
    const owner = t.open();
    fbOf(owner, 64, 64);
    const c1 = t.crtcs[1]!;
    const { lessee } = lease(owner, [c1.id, t.connector.id]);
    const r = lessee.getResources();
    expect(r.crtcs).toEqual([c1.id]);
    expect(r.connectors).toEqual([t.connector.id]);
    expect(r.encoders).toEqual(owner.getResources().encoders);
    expect(r.fbs).toEqual([]);
    const mine = fbOf(lessee, 64, 64);
    expect(lessee.getResources().fbs).toEqual([mine]);
    // the lessee file does not inherit the lessor's client caps
    expect(lessee.getPlaneResources()).toEqual([]); // no leased overlay
    lessee.setClientCap(ClientCap.UNIVERSAL_PLANES, 1);
    expect(lessee.getPlaneResources()).toEqual([c1.primary!.id]);
  });

  it('unleased CRTCs, connectors and planes → ENOENT in every lookup; encoders, FBs, properties and blobs are visible', async () => {
    // uapi 6.18
    const t = await createTestDevice({ crtcs: 2 });
    const owner = t.open();
    const fb = fbOf(owner, 1024, 768);
    const blob = owner.createPropertyBlob(Uint8Array.of(1, 2, 3, 4));
    const c1 = t.crtcs[1]!;
    const { lessee } = lease(owner, [c1.id, t.connector.id]);
    expect(ioErr(lessee, 'MODE_GETCRTC', { crtc_id: t.crtc.id })).toBe('ENOENT');
    expect(ioErr(lessee, 'MODE_GETPLANE', { plane_id: t.primary.id })).toBe('ENOENT');
    expect(ioErr(lessee, 'MODE_GETPLANE', { plane_id: t.overlay!.id })).toBe('ENOENT');
    expect(ioErr(lessee, 'MODE_GETCONNECTOR', { connector_id: t.writeback!.id })).toBe('ENOENT');
    expect(ioErr(lessee, 'MODE_OBJ_GETPROPERTIES', { obj_id: t.crtc.id, obj_type: ObjectType.ANY })).toBe('ENOENT');
    const lut = new Uint16Array(256);
    expect(ioErr(lessee, 'MODE_GETGAMMA', { crtc_id: t.crtc.id, gamma_size: 256, red: lut, green: lut, blue: lut })).toBe('ENOENT');
    expect(ioErr(lessee, 'MODE_CURSOR', { flags: 2, crtc_id: t.crtc.id })).toBe('ENOENT');
    expect(ioErr(lessee, 'CRTC_QUEUE_SEQUENCE', { crtc_id: t.crtc.id })).toBe('ENOENT');
    expect(ioErr(lessee, 'MODE_SETCRTC', setCrtcArg(t.crtc.id, { fb, mode: MODE_1024x768, connectors: [t.connector.id] }))).toBe('ENOENT');
    expect(ioErr(lessee, 'MODE_SETCRTC', setCrtcArg(c1.id, { fb, mode: MODE_1024x768, connectors: [t.writeback!.id] }))).toBe('ENOENT');
    lessee.setClientCap(ClientCap.ATOMIC, 1);
    expect(() => lessee.atomicCommitSync(new AtomicRequest().add(t.crtc.id, owner.propertyId(t.crtc.id, 'VRR_ENABLED'), 0))).toThrow(expect.objectContaining({ code: 'ENOENT' }));
    // never filtered
    expect(lessee.getEncoder(t.encoder.id).encoderId).toBe(t.encoder.id);
    expect(lessee.getFB2(fb)).toMatchObject({ width: 1024, height: 768, pixelFormat: Fourcc.XRGB8888 });
    const p = owner.getObjectProperties(t.crtc.id).props[0]!;
    expect(lessee.getProperty(p).name).toBe(owner.getProperty(p).name);
    expect(lessee.getPropertyBlob(blob)).toEqual(Uint8Array.of(1, 2, 3, 4));
    // and the leased ones work
    expect(lessee.getCrtc(c1.id).crtcId).toBe(c1.id);
    expect(lessee.getPlane(c1.primary!.id).planeId).toBe(c1.primary!.id);
    expect(lessee.getConnector(t.connector.id).connectorId).toBe(t.connector.id);
  });

  it('possible_crtcs are renumbered to lease-relative CRTC indices', async () => {
    // uapi 6.19, 1.23, 1.28
    const t = await createTestDevice({ crtcs: 2 });
    const owner = t.open();
    const c1 = t.crtcs[1]!;
    const { lessee } = lease(owner, [c1.id, t.connector.id]);
    expect(owner.getEncoder(t.encoder.id).possibleCrtcs).toBe(0b11);
    expect(lessee.getEncoder(t.encoder.id).possibleCrtcs).toBe(0b01);
    const wbEnc = t.writeback!.writeback!.encoder.id;
    expect(owner.getEncoder(wbEnc).possibleCrtcs).toBe(0b01);
    expect(lessee.getEncoder(wbEnc).possibleCrtcs).toBe(0); // only CRTC 0, not leased
    expect(owner.getPlane(c1.primary!.id).possibleCrtcs).toBe(0b10);
    expect(lessee.getPlane(c1.primary!.id).possibleCrtcs).toBe(0b01);
  });
});

describe('uapi 6.21: LIST_LESSEES and GET_LEASE', () => {
  it('LIST_LESSEES: pad ≠ 0 → EINVAL; unrevoked non-empty leases only; partial copy', async () => {
    // uapi 6.21
    const t = await createTestDevice({ crtcs: 3 });
    const owner = t.open();
    const [c0, c1, c2] = t.crtcs as [typeof t.crtc, typeof t.crtc, typeof t.crtc];
    expect(ioErr(owner, 'MODE_LIST_LESSEES', { pad: 1 })).toBe('EINVAL');
    expect(listLessees(owner)).toEqual([]);
    const a = lease(owner, [c0.id, t.connector.id]);
    lease(owner, []); // empty: not listed
    const b = lease(owner, [c1.id, t.writeback!.id]);
    expect(leaseErr(owner, [c2.id])).toBe('EINVAL'); // a failed CREATE_LEASE leaves no lessee behind
    expect(listLessees(owner)).toEqual([a.lesseeId, b.lesseeId]);
    const buf = Uint32Array.of(0xdeadbeef, 0xdeadbeef);
    const r = io(owner, 'MODE_LIST_LESSEES', { count_lessees: 1, lessees_ptr: buf });
    expect(r.count_lessees).toBe(2);
    expect([...buf]).toEqual([a.lesseeId, 0xdeadbeef]);
    io(owner, 'MODE_REVOKE_LEASE', { lessee_id: a.lesseeId });
    expect(listLessees(owner)).toEqual([b.lesseeId]);
    expect(listLessees(b.lessee)).toEqual([]); // a lessee has no lessees
    expect(ioErr(b.lessee, 'MODE_LIST_LESSEES', { pad: 7 })).toBe('EINVAL');
  });

  it('GET_LEASE: pad ≠ 0 → EINVAL; a lessee gets its IDs ascending; partial copy', async () => {
    // uapi 6.21
    const t = await createTestDevice();
    const owner = t.open();
    const { lessee } = lease(owner, [t.connector.id, t.crtc.id]);
    expect(ioErr(lessee, 'MODE_GET_LEASE', { pad: 1 })).toBe('EINVAL');
    expect(ioErr(owner, 'MODE_GET_LEASE', { pad: 1 })).toBe('EINVAL');
    const all = sorted([t.crtc.id, t.connector.id, t.primary.id, t.cursor!.id]);
    expect(getLease(lessee)).toEqual(all);
    const buf = new Uint32Array(4).fill(0xdeadbeef);
    const r = io(lessee, 'MODE_GET_LEASE', { count_objects: 2, objects_ptr: buf });
    expect(r.count_objects).toBe(4);
    expect([...buf]).toEqual([all[0], all[1], 0xdeadbeef, 0xdeadbeef]);
    expect(io(lessee, 'MODE_GET_LEASE', { count_objects: 0 }).count_objects).toBe(4);
  });

  it('GET_LEASE by the owner lists every registered object ID of the device (properties, blobs, FBs included)', async () => {
    // uapi 6.21, 1.1
    const t = await createTestDevice();
    const owner = t.open();
    owner.setClientCap(ClientCap.ATOMIC, 1);
    const fb = fbOf(owner, 64, 64);
    const blob = owner.createPropertyBlob(Uint8Array.of(9));
    const ids = getLease(owner);
    // nothing was ever freed: the IDR holds 1..N without gaps, N = the last object created
    expect(ids).toEqual(Array.from({ length: blob }, (_, i) => i + 1));
    const known = [t.crtc.id, t.primary.id, t.overlay!.id, t.cursor!.id, t.encoder.id, t.connector.id, t.writeback!.id, fb, blob];
    for (const o of [t.crtc.id, t.primary.id, t.connector.id]) known.push(...owner.getObjectProperties(o).props);
    for (const id of known) expect(ids).toContain(id);
  });
});

describe('uapi 6.22: REVOKE_LEASE', () => {
  it('unknown lessee → ENOENT; a lessee not leased by the caller → EACCES', async () => {
    // uapi 6.22
    const t = await createTestDevice({ crtcs: 2 });
    const owner = t.open();
    const a = lease(owner, [t.crtc.id, t.connector.id]);
    const b = lease(owner, [t.crtcs[1]!.id, t.writeback!.id]);
    expect(ioErr(owner, 'MODE_REVOKE_LEASE', { lessee_id: 99 })).toBe('ENOENT');
    expect(ioErr(owner, 'MODE_REVOKE_LEASE', { lessee_id: 0 })).toBe('ENOENT');
    expect(ioErr(a.lessee, 'MODE_REVOKE_LEASE', { lessee_id: b.lesseeId })).toBe('EACCES');
    expect(ioErr(a.lessee, 'MODE_REVOKE_LEASE', { lessee_id: a.lesseeId })).toBe('EACCES');
    expect(ioErr(a.lessee, 'MODE_REVOKE_LEASE', { lessee_id: 99 })).toBe('ENOENT');
    expect(getLease(b.lessee)).toHaveLength(3);
  });

  it('after a revoke the lessee sees nothing and is not listed; the display state is unchanged', async () => {
    // uapi 6.22
    const t = await createTestDevice();
    const owner = t.open();
    const { lessee, lesseeId } = lease(owner, [t.crtc.id, t.connector.id]);
    const fb = fbOf(lessee, 1024, 768);
    light(lessee, t.crtc, t.connector, fb);
    io(owner, 'MODE_REVOKE_LEASE', { lessee_id: lesseeId });
    expect(getLease(lessee)).toEqual([]);
    expect(listLessees(owner)).toEqual([]);
    const r = lessee.getResources();
    expect(r.crtcs).toEqual([]);
    expect(r.connectors).toEqual([]);
    expect(ioErr(lessee, 'MODE_GETCRTC', { crtc_id: t.crtc.id })).toBe('ENOENT');
    expect(ioErr(lessee, 'MODE_SETCRTC', setCrtcArg(t.crtc.id, { mode: null }))).toBe('ENOENT');
    expect(ioErr(lessee, 'MODE_PAGE_FLIP', { crtc_id: t.crtc.id, fb_id: fb })).toBe('ENOENT');
    // the CRTC stays lit with the lessee's FB
    expect(owner.getCrtc(t.crtc.id)).toMatchObject({ modeValid: true, bufferId: fb });
    expect(owner.getConnector(t.connector.id).encoderId).toBe(t.encoder.id);
    // revoking again is fine (the lessee still exists, with an empty lease)
    expect(ioErr(owner, 'MODE_REVOKE_LEASE', { lessee_id: lesseeId })).toBe('ok');
    // and the objects can be leased again
    expect(lease(owner, [t.crtc.id, t.connector.id]).lesseeId).toBe(lesseeId + 1);
  });
});

describe('uapi 6.20: lessees follow their lessor\'s master status', () => {
  it('when the lessor drops master its lessees get EACCES on master ioctls; it comes back with SET_MASTER', async () => {
    // uapi 6.20, 6.5
    const t = await createTestDevice();
    const owner = t.open();
    const { lessee } = lease(owner, [t.crtc.id, t.connector.id]);
    const fb = fbOf(lessee, 1024, 768);
    owner.dropMaster();
    expect(ioErr(lessee, 'MODE_SETCRTC', setCrtcArg(t.crtc.id, { fb, mode: MODE_1024x768, connectors: [t.connector.id] }))).toBe('EACCES');
    expect(ioErr(lessee, 'MODE_GET_LEASE', {})).toBe('EACCES');
    expect(ioErr(lessee, 'MODE_CREATE_LEASE', { object_count: 0 })).toBe('EACCES');
    // non-master ioctls still work, lease-filtered
    expect(lessee.getResources().crtcs).toEqual([t.crtc.id]);
    // a new opener becomes master (the device has none): the lessee stays locked out
    const other = t.open();
    expect(ioErr(lessee, 'MODE_GET_LEASE', {})).toBe('EACCES');
    other.dropMaster();
    owner.setMaster();
    expect(ioErr(lessee, 'MODE_SETCRTC', setCrtcArg(t.crtc.id, { fb, mode: MODE_1024x768, connectors: [t.connector.id] }))).toBe('ok');
    expect(getLease(lessee)).toHaveLength(4);
  });
});

