/**
 * Lease filtering in the read-side getters (uapi 1.19, 1.21, 1.23, 1.28, 1.29, 2.8). The lease
 * ioctls are not part of the core yet, so the lessee master is set up directly the way
 * drm_lease_create leaves it: a master whose lessor is the device master, holding a set of IDs.
 */
import { describe, expect, it } from 'vitest';
import type { Card } from '../../src/client/card.js';
import type { DrmFile } from '../../src/drm/file.js';
import { createMaster } from '../../src/drm/master.js';
import { ClientCap, ObjectType } from '../../src/uapi/drm-mode.js';
import { createTestDevice } from './test-driver.js';
import { expectErrno, makeFb } from './helpers.js';

function makeLessee(card: Card, lessorFile: Card, ids: number[]): void {
  const f = card.fd as DrmFile;
  const lessor = (lessorFile.fd as DrmFile).master!;
  const m = createMaster(lessor);
  m.lesseeId = lessor.lesseeIdr.alloc(m);
  for (const id of ids) m.leases.add(id);
  f.master = m;
  f.isMaster = true;
  f.authenticated = true;
}

async function leased() {
  const t = await createTestDevice({ crtcs: 3 });
  const owner = t.open();
  const lessee = t.open();
  const [c0, c1, c2] = t.crtcs as [typeof t.crtc, typeof t.crtc, typeof t.crtc];
  // lease CRTCs 1 and 2, their primaries, the Virtual connector
  makeLessee(lessee, owner, [c1.id, c2.id, c1.primary!.id, c2.primary!.id, t.connector.id]);
  return { t, owner, lessee, c0, c1, c2 };
}

describe('uapi 1.19: GETRESOURCES under a lease', () => {
  it('lists only leased CRTCs and connectors; every encoder', async () => {
    // uapi 1.19
    const { t, owner, lessee, c1, c2 } = await leased();
    const r = lessee.getResources();
    expect(r.crtcs).toEqual([c1.id, c2.id]);
    expect(r.connectors).toEqual([t.connector.id]);
    expect(r.encoders).toEqual([t.encoder.id, t.writeback!.writeback!.encoder.id]);
    expect(owner.getResources().crtcs).toEqual(t.crtcs.map((c) => c.id));
    // the lessee's own FBs are still listed (FBs are never leased)
    const fb = makeFb(lessee);
    expect(lessee.getResources().fbs).toEqual([fb]);
  });
});

describe('uapi 1.21: GETPLANERESOURCES under a lease', () => {
  it('lists only leased planes', async () => {
    // uapi 1.21
    const { lessee, c1, c2 } = await leased();
    lessee.setClientCap(ClientCap.UNIVERSAL_PLANES, 1);
    expect(lessee.getPlaneResources()).toEqual([c1.primary!.id, c2.primary!.id]);
  });
});

describe('uapi 1.23 / 1.28: possible_crtcs renumbered to lease-relative indices', () => {
  it('GETPLANE and GETENCODER remap the CRTC bits; crtc_id is 0 for an unleased CRTC', async () => {
    // uapi 1.23, 1.28
    const { t, lessee, c0, c1, c2 } = await leased();
    expect(lessee.getPlane(c2.primary!.id).possibleCrtcs).toBe(0b10); // CRTC index 2 → lease index 1
    expect(lessee.getPlane(c1.primary!.id).possibleCrtcs).toBe(0b01);
    expect(lessee.getEncoder(t.encoder.id).possibleCrtcs).toBe(0b11); // 0b111 → the two leased ones
    // state pointing at an unleased CRTC reads as 0
    c1.primary!.state.crtc = c0;
    expect(lessee.getPlane(c1.primary!.id).crtcId).toBe(0);
    c1.primary!.state.crtc = c1;
    expect(lessee.getPlane(c1.primary!.id).crtcId).toBe(c1.id);
    t.connector.state.best_encoder = t.encoder;
    t.connector.state.crtc = c0;
    expect(lessee.getEncoder(t.encoder.id).crtcId).toBe(0);
    t.connector.state.crtc = c2;
    expect(lessee.getEncoder(t.encoder.id).crtcId).toBe(c2.id);
  });
});

describe('uapi 1.29 / 2.8: unleased objects are not found', () => {
  it('GETCRTC, GETPLANE, GETCONNECTOR and OBJ_GETPROPERTIES answer ENOENT outside the lease', async () => {
    // uapi 1.29, 1.23, 1.24, 2.8
    const { t, lessee, c0, c1 } = await leased();
    expectErrno(() => lessee.getCrtc(c0.id), 'ENOENT');
    expect(lessee.getCrtc(c1.id).crtcId).toBe(c1.id);
    expectErrno(() => lessee.getPlane(t.primary.id), 'ENOENT');
    expectErrno(() => lessee.getPlane(t.overlay!.id), 'ENOENT');
    expectErrno(() => lessee.getConnector(t.writeback!.id), 'ENOENT');
    expectErrno(() => lessee.getObjectProperties(c0.id, ObjectType.CRTC), 'ENOENT');
    expectErrno(() => lessee.getObjectProperties(t.primary.id, ObjectType.ANY), 'ENOENT');
    expect(lessee.getObjectProperties(c1.id, ObjectType.CRTC).props.length).toBe(1); // VRR_ENABLED (non-atomic client)
    // encoders, properties and blobs are never lease-filtered
    expect(lessee.getEncoder(t.encoder.id).encoderId).toBe(t.encoder.id);
    expect(lessee.getProperty(1).name).toBe('EDID');
    expect(lessee.getPropertyBlob(33).length).toBe(64);
  });
});
