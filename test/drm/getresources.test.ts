/** GETRESOURCES and GETPLANERESOURCES (uapi 1.17–1.21). */
import { describe, expect, it } from 'vitest';
import { ClientCap } from '../../src/uapi/drm-mode.js';
import type { IoctlArgs } from '../../src/uapi/ioctl.js';
import type { LocalUserMemory } from '../../src/uapi/user-memory.js';
import { createTestDevice } from './test-driver.js';
import { expectErrno, makeFb, sentinelU32 } from './helpers.js';

const S = 0xdeadbeef;

describe('uapi 1.17: the FB list', () => {
  it('lists only this file\'s FBs, most recently created first', async () => {
    // uapi 1.17
    const t = await createTestDevice();
    const a = t.open();
    const b = t.open();
    const fa1 = makeFb(a);
    const fb1 = makeFb(b);
    const fa2 = makeFb(a);
    const fa3 = makeFb(a);
    expect(a.getResources().fbs).toEqual([fa3, fa2, fa1]);
    expect(b.getResources().fbs).toEqual([fb1]);
    a.rmFB(fa2);
    expect(a.getResources().fbs).toEqual([fa3, fa1]);
    a.closeFB(fa3); // no longer owned by the file
    expect(a.getResources().fbs).toEqual([fa1]);
    const c = t.open();
    expect(c.getResources().fbs).toEqual([]);
  });
});

describe('uapi 1.18: partial copy', () => {
  it('copies the first count_X IDs and sets count_X to the total', async () => {
    // uapi 1.18
    const t = await createTestDevice();
    const card = t.open();
    const fbs = [makeFb(card), makeFb(card), makeFb(card)]; // listed newest first
    const fbBuf = sentinelU32(3), encBuf = sentinelU32(2), crtcBuf = sentinelU32(1), connBuf = sentinelU32(1);
    const a: Partial<IoctlArgs['MODE_GETRESOURCES']> = {
      count_fbs: 2, fb_id_ptr: fbBuf, count_encoders: 1, encoder_id_ptr: encBuf,
      count_crtcs: 0, crtc_id_ptr: crtcBuf, count_connectors: 0, connector_id_ptr: connBuf,
    };
    card.fd.ioctl('MODE_GETRESOURCES', a);
    expect([...fbBuf]).toEqual([fbs[2], fbs[1], S]);
    expect([...encBuf]).toEqual([t.encoder.id, S]);
    expect([...crtcBuf]).toEqual([S]);
    expect([...connBuf]).toEqual([S]);
    expect([a.count_fbs, a.count_crtcs, a.count_encoders, a.count_connectors]).toEqual([3, 1, 2, 1]);
  });

  it('never writes past the real total when count_X is larger', async () => {
    // uapi 1.18
    const t = await createTestDevice();
    const card = t.open();
    const encBuf = sentinelU32(4);
    const a: Partial<IoctlArgs['MODE_GETRESOURCES']> = { count_encoders: 4, encoder_id_ptr: encBuf };
    card.fd.ioctl('MODE_GETRESOURCES', a);
    expect([...encBuf]).toEqual([t.encoder.id, t.writeback!.writeback!.encoder.id, S, S]);
    expect(a.count_encoders).toBe(2);
  });

  it('writes through a user address as well as through a buffer', async () => {
    // uapi 1.18: pointer fields may be addresses in the file's user memory
    const t = await createTestDevice();
    const card = t.open();
    const buf = sentinelU32(3);
    const addr = (card.fd.memory as LocalUserMemory).map(buf);
    const a: Partial<IoctlArgs['MODE_GETRESOURCES']> = { count_encoders: 1, encoder_id_ptr: addr + 4n };
    card.fd.ioctl('MODE_GETRESOURCES', a);
    expect([...buf]).toEqual([S, t.encoder.id, S]);
    // an address outside every mapping faults
    expectErrno(() => card.fd.ioctl('MODE_GETRESOURCES', { count_encoders: 2, encoder_id_ptr: addr + 8n }), 'EFAULT');
    expectErrno(() => card.fd.ioctl('MODE_GETRESOURCES', { count_crtcs: 1, crtc_id_ptr: 0x1234n }), 'EFAULT');
  });

  it('answers EFAULT when a count is nonzero and its pointer NULL (only if there is something to copy)', async () => {
    // uapi 1.18 (put_user to NULL)
    const t = await createTestDevice();
    const card = t.open();
    expectErrno(() => card.fd.ioctl('MODE_GETRESOURCES', { count_crtcs: 1 }), 'EFAULT');
    expectErrno(() => card.fd.ioctl('MODE_GETRESOURCES', { count_encoders: 1 }), 'EFAULT');
    expectErrno(() => card.fd.ioctl('MODE_GETRESOURCES', { count_connectors: 1 }), 'EFAULT');
    // no FBs: nothing is copied, no fault
    const a: Partial<IoctlArgs['MODE_GETRESOURCES']> = { count_fbs: 10 };
    card.fd.ioctl('MODE_GETRESOURCES', a);
    expect(a.count_fbs).toBe(0);
    makeFb(card);
    expectErrno(() => card.fd.ioctl('MODE_GETRESOURCES', { count_fbs: 10 }), 'EFAULT');
    // a buffer too short for the requested count faults too
    expectErrno(() => card.fd.ioctl('MODE_GETRESOURCES', { count_encoders: 2, encoder_id_ptr: new Uint32Array(1) }), 'EFAULT');
  });

  it('libdrm\'s two-call dance through the Card', async () => {
    // uapi 1.18
    const t = await createTestDevice();
    const card = t.open();
    const fb = makeFb(card);
    expect(card.getResources()).toEqual({
      fbs: [fb], crtcs: [t.crtc.id], connectors: [t.connector.id],
      encoders: [t.encoder.id, t.writeback!.writeback!.encoder.id],
      minWidth: 10, maxWidth: 8192, minHeight: 10, maxHeight: 8192,
    });
  });
});

describe('uapi 1.19: sizes come from the mode config', () => {
  it('reports min/max width/height', async () => {
    // uapi 1.19
    const t = await createTestDevice({ modeConfig: { minWidth: 1, maxWidth: 4096, minHeight: 2, maxHeight: 2160 } });
    const a: Partial<IoctlArgs['MODE_GETRESOURCES']> = {};
    t.open().fd.ioctl('MODE_GETRESOURCES', a);
    expect([a.min_width, a.max_width, a.min_height, a.max_height]).toEqual([1, 4096, 2, 2160]);
  });

  it('lists every CRTC and every encoder in creation order', async () => {
    // uapi 1.19 (no lease: nothing filtered)
    const t = await createTestDevice({ crtcs: 3 });
    const r = t.open().getResources();
    expect(r.crtcs).toEqual(t.crtcs.map((c) => c.id));
    expect(r.encoders).toEqual([t.encoder.id, t.writeback!.writeback!.encoder.id]);
  });
});

describe('uapi 1.20: writeback connectors need the client cap', () => {
  it('hides writeback connectors without WRITEBACK_CONNECTORS but keeps them reachable by ID', async () => {
    // uapi 1.20
    const t = await createTestDevice();
    const card = t.open();
    expect(card.getResources().connectors).toEqual([t.connector.id]);
    card.setClientCap(ClientCap.ATOMIC, 1);
    expect(card.getResources().connectors).toEqual([t.connector.id]); // ATOMIC alone is not enough
    const wb = card.getConnector(t.writeback!.id);
    expect(wb.connectorType).toBe(18);
    const other = t.open();
    expect(other.getConnector(t.writeback!.id).connectorId).toBe(t.writeback!.id);
    card.setClientCap(ClientCap.WRITEBACK_CONNECTORS, 1);
    expect(card.getResources().connectors).toEqual([t.connector.id, t.writeback!.id]);
    // the encoder of the writeback connector is listed either way
    expect(other.getResources().encoders).toContain(t.writeback!.writeback!.encoder.id);
  });
});

describe('uapi 1.21: GETPLANERESOURCES', () => {
  it('lists only overlay planes without UNIVERSAL_PLANES, all planes with it', async () => {
    // uapi 1.21
    const t = await createTestDevice({ crtcs: 2 });
    const card = t.open();
    expect(card.getPlaneResources()).toEqual([t.overlay!.id]);
    card.setClientCap(ClientCap.UNIVERSAL_PLANES, 1);
    expect(card.getPlaneResources()).toEqual([t.primary.id, t.overlay!.id, t.cursor!.id, t.crtcs[1]!.primary!.id]);
    const atomic = t.open();
    atomic.setClientCap(ClientCap.ATOMIC, 1);
    expect(atomic.getPlaneResources()).toEqual([t.primary.id, t.overlay!.id, t.cursor!.id, t.crtcs[1]!.primary!.id]);
  });

  it('lists nothing on a device without overlays for a legacy client', async () => {
    // uapi 1.21
    const t = await createTestDevice({ overlay: false });
    const a: Partial<IoctlArgs['MODE_GETPLANERESOURCES']> = { count_planes: 5 };
    t.open().fd.ioctl('MODE_GETPLANERESOURCES', a); // NULL pointer is fine: nothing to copy
    expect(a.count_planes).toBe(0);
  });

  it('partial-copies like GETRESOURCES', async () => {
    // uapi 1.21 + 1.18
    const t = await createTestDevice();
    const card = t.open();
    card.setClientCap(ClientCap.UNIVERSAL_PLANES, 1);
    const buf = sentinelU32(3);
    const a: Partial<IoctlArgs['MODE_GETPLANERESOURCES']> = { count_planes: 2, plane_id_ptr: buf };
    card.fd.ioctl('MODE_GETPLANERESOURCES', a);
    expect([...buf]).toEqual([t.primary.id, t.overlay!.id, S]);
    expect(a.count_planes).toBe(3);
    expectErrno(() => card.fd.ioctl('MODE_GETPLANERESOURCES', { count_planes: 1 }), 'EFAULT');
  });
});
