/** Object model: one IDR, standard properties first, type codes, lookups, indices, connector names (uapi 1.1–1.10). */
import { describe, expect, it } from 'vitest';
import { createFauxDevice } from '../../src/drm/driver/bus.js';
import { Registration, UnregisteredDevice } from '../../src/drm/driver/registration.js';
import type { Connector } from '../../src/drm/types.js';
import { ConnectorType, EncoderType, ObjectType, PlaneType } from '../../src/uapi/drm-mode.js';
import type { IoctlArgs } from '../../src/uapi/ioctl.js';
import { createCustomDevice, createTestDevice, PLANE_FORMATS, testDriver, type TestTypes } from './test-driver.js';
import { expectErrno, makeFb } from './helpers.js';

/** The 6.11 standard property list, in creation order (uapi 1.6). */
const STANDARD_PROPS = [
  'EDID', 'DPMS', 'PATH', 'TILE', 'link-status', 'non-desktop', 'HDR_OUTPUT_METADATA', 'type', 'SRC_X', 'SRC_Y',
  'SRC_W', 'SRC_H', 'CRTC_X', 'CRTC_Y', 'CRTC_W', 'CRTC_H', 'FB_ID', 'IN_FENCE_FD', 'OUT_FENCE_PTR', 'CRTC_ID',
  'FB_DAMAGE_CLIPS', 'ACTIVE', 'MODE_ID', 'VRR_ENABLED', 'DEGAMMA_LUT', 'DEGAMMA_LUT_SIZE', 'CTM', 'GAMMA_LUT',
  'GAMMA_LUT_SIZE', 'IN_FORMATS', 'SIZE_HINTS',
];

describe('uapi 1.6: standard properties', () => {
  it('hold IDs 1..31 in the kernel order, before any KMS object', async () => {
    // uapi 1.6, 1.1
    const t = await createTestDevice();
    const card = t.open();
    const names = STANDARD_PROPS.map((_, i) => card.getProperty(i + 1).name);
    expect(names).toEqual(STANDARD_PROPS);
    expect(t.primary.id).toBe(32); // the first KMS object comes right after
  });

  it('are there even on a device with no KMS objects', async () => {
    // uapi 1.6
    const t = await createCustomDevice(() => null);
    const card = t.open();
    expect(STANDARD_PROPS.map((_, i) => card.getProperty(i + 1).name)).toEqual(STANDARD_PROPS);
    expectErrno(() => card.getProperty(32), 'ENOENT');
  });
});

describe('uapi 1.1: one IDR for all object types, lowest free ≥ 1', () => {
  it('numbers the test driver objects in creation order', async () => {
    // uapi 1.1: plane, its IN_FORMATS blob, the rotation property, next plane ...
    const t = await createTestDevice();
    const wb = t.writeback!;
    const card = t.open();
    const inFormats = (planeId: number) => card.findProperty(planeId, ObjectType.PLANE, 'IN_FORMATS')!.value;
    expect(t.primary.id).toBe(32);
    expect(inFormats(32)).toBe(33n);
    expect(card.findProperty(32, ObjectType.PLANE, 'rotation')!.id).toBe(34);
    expect(t.overlay!.id).toBe(35);
    expect(inFormats(35)).toBe(36n);
    expect(t.cursor!.id).toBe(37);
    expect(inFormats(37)).toBe(38n);
    expect(t.crtc.id).toBe(39);
    expect(t.encoder.id).toBe(40);
    expect(t.connector.id).toBe(41);
    // drm_writeback_connector_init: encoder, the three properties, the formats blob, the connector
    expect(wb.writeback!.encoder.id).toBe(42);
    expect(['WRITEBACK_FB_ID', 'WRITEBACK_PIXEL_FORMATS', 'WRITEBACK_OUT_FENCE_PTR'].map((_, i) => card.getProperty(43 + i).name))
      .toEqual(['WRITEBACK_FB_ID', 'WRITEBACK_PIXEL_FORMATS', 'WRITEBACK_OUT_FENCE_PTR']);
    expect(wb.writeback!.formatsBlob.id).toBe(46);
    expect(wb.id).toBe(47);
    // userspace objects continue the same sequence
    expect(card.createPropertyBlob(new Uint8Array([1]))).toBe(48);
    expect(makeFb(card)).toBe(49);
  });
});

describe('uapi 1.2: freed FB and blob IDs are reused, lowest first', () => {
  it('gives a freed FB ID to the next blob and a freed blob ID to the next FB', async () => {
    // uapi 1.2
    const t = await createTestDevice();
    const card = t.open();
    const fb = makeFb(card);
    expect(fb).toBe(48);
    const blob = card.createPropertyBlob(new Uint8Array(4));
    expect(blob).toBe(49);
    card.rmFB(fb);
    expect(card.createPropertyBlob(new Uint8Array(4))).toBe(48); // FB's ID → blob
    card.destroyPropertyBlob(blob);
    expect(makeFb(card)).toBe(49); // blob's ID → FB
    expect(card.createPropertyBlob(new Uint8Array(4))).toBe(50);
  });

  it('is lowest-free, not cyclic', async () => {
    // uapi 1.2
    const t = await createTestDevice();
    const card = t.open();
    const ids = [1, 2, 3, 4, 5].map(() => card.createPropertyBlob(new Uint8Array(1)));
    expect(ids).toEqual([48, 49, 50, 51, 52]);
    card.destroyPropertyBlob(51);
    card.destroyPropertyBlob(49);
    card.destroyPropertyBlob(52);
    expect(card.createPropertyBlob(new Uint8Array(1))).toBe(49);
    expect(card.createPropertyBlob(new Uint8Array(1))).toBe(51);
    expect(card.createPropertyBlob(new Uint8Array(1))).toBe(52);
    expect(card.createPropertyBlob(new Uint8Array(1))).toBe(53);
    // free the highest ones: the next allocation goes back down
    card.destroyPropertyBlob(53);
    card.destroyPropertyBlob(52);
    expect(makeFb(card)).toBe(52);
  });

  it('reuses the IDs of a closed file\'s FBs and blobs', async () => {
    // uapi 1.2 (drm_release frees the file's FBs and blobs)
    const t = await createTestDevice();
    t.open();
    const a = t.open();
    expect(makeFb(a)).toBe(48);
    expect(a.createPropertyBlob(new Uint8Array(2))).toBe(49);
    a.close();
    const b = t.open();
    expect(b.createPropertyBlob(new Uint8Array(2))).toBe(48);
    expect(makeFb(b)).toBe(49);
  });
});

describe('uapi 1.3: object type codes', () => {
  it('uses the drm_mode.h values', async () => {
    // uapi 1.3
    expect(ObjectType).toEqual({
      ANY: 0, CRTC: 0xcccccccc, CONNECTOR: 0xc0c0c0c0, ENCODER: 0xe0e0e0e0, MODE: 0xdededede,
      PROPERTY: 0xb0b0b0b0, FB: 0xfbfbfbfb, BLOB: 0xbbbbbbbb, PLANE: 0xeeeeeeee,
    });
    const t = await createTestDevice();
    const card = t.open();
    const fb = makeFb(card);
    const dev = t.device.drm;
    expect(dev.lookup(t.crtc.id, ObjectType.ANY)!.objType).toBe(0xcccccccc);
    expect(dev.lookup(t.connector.id, ObjectType.ANY)!.objType).toBe(0xc0c0c0c0);
    expect(dev.lookup(t.encoder.id, ObjectType.ANY)!.objType).toBe(0xe0e0e0e0);
    expect(dev.lookup(1, ObjectType.ANY)!.objType).toBe(0xb0b0b0b0);
    expect(dev.lookup(fb, ObjectType.ANY)!.objType).toBe(0xfbfbfbfb);
    expect(dev.lookup(33, ObjectType.ANY)!.objType).toBe(0xbbbbbbbb);
    expect(dev.lookup(t.primary.id, ObjectType.ANY)!.objType).toBe(0xeeeeeeee);
    // OBJECT properties carry the type code as values[0] (uapi 2.4)
    expect(card.getProperty(dev.std.FB_ID.id).values).toEqual([0xfbfbfbfbn]);
    expect(card.getProperty(dev.std.CRTC_ID.id).values).toEqual([0xccccccccn]);
  });
});

describe('uapi 1.4: lookups with the wrong type', () => {
  it('answer ENOENT in every getter', async () => {
    // uapi 1.4
    const t = await createTestDevice();
    const card = t.open();
    const blobId = card.createPropertyBlob(new Uint8Array(4));
    const fb = makeFb(card);
    expectErrno(() => card.getCrtc(t.primary.id), 'ENOENT');
    expectErrno(() => card.getPlane(t.crtc.id), 'ENOENT');
    expectErrno(() => card.getEncoder(t.connector.id), 'ENOENT');
    expectErrno(() => card.getConnector(t.encoder.id), 'ENOENT');
    expectErrno(() => card.getProperty(blobId), 'ENOENT');
    expectErrno(() => card.getPropertyBlob(1), 'ENOENT');
    expectErrno(() => card.fd.ioctl('MODE_GETFB', { fb_id: blobId }), 'ENOENT');
    expectErrno(() => card.fd.ioctl('MODE_GETCRTC', { crtc_id: fb }), 'ENOENT');
    expectErrno(() => card.getObjectProperties(t.primary.id, ObjectType.CRTC), 'ENOENT');
    expectErrno(() => card.getObjectProperties(t.crtc.id, ObjectType.CONNECTOR), 'ENOENT');
    // and unknown IDs too
    expectErrno(() => card.getCrtc(0), 'ENOENT');
    expectErrno(() => card.getCrtc(1000), 'ENOENT');
    // with the right type (or ANY) the same IDs are found
    expect(card.getObjectProperties(t.primary.id, ObjectType.PLANE).props.length).toBeGreaterThan(0);
    expect(card.getObjectProperties(t.primary.id, ObjectType.ANY).props.length).toBeGreaterThan(0);
    expect(t.device.drm.lookup(t.primary.id, ObjectType.CRTC)).toBeUndefined();
  });
});

describe('uapi 1.5: there are no MODE objects', () => {
  it('answers ENOENT for any lookup with type MODE', async () => {
    // uapi 1.5
    const t = await createTestDevice();
    const card = t.open();
    card.createPropertyBlob(new Uint8Array(4));
    makeFb(card);
    const dev = t.device.drm;
    for (let id = 1; id <= 49; id++) {
      expect(dev.lookup(id, ObjectType.MODE)).toBeUndefined();
      expect(dev.lookup(id, ObjectType.ANY)?.objType).not.toBe(ObjectType.MODE);
    }
    expectErrno(() => card.getObjectProperties(t.crtc.id, ObjectType.MODE), 'ENOENT');
    expectErrno(() => card.getObjectProperties(t.connector.id, ObjectType.MODE), 'ENOENT');
  });
});

describe('uapi 1.7: connectors are invisible until registered', () => {
  it('reserves the ID at init, lookups succeed only after registration', async () => {
    // uapi 1.7
    const seen: { id: number; before: unknown; reserved: boolean; next: number; after: unknown; conn: Connector | null } = { id: 0, before: 1, reserved: false, next: 0, after: null, conn: null };
    await createFauxDevice('reg-test', {
      probe(parent) {
        const u = UnregisteredDevice.create<TestTypes>(parent, testDriver, { label: 'x' });
        const enc = u.createEncoder({ type: EncoderType.VIRTUAL, possibleCrtcs: 0 });
        const conn = u.createConnector({ type: ConnectorType.HDMIA, encoders: [enc] });
        seen.conn = conn;
        seen.id = conn.id;
        seen.before = u.drm.lookup(conn.id, ObjectType.CONNECTOR) ?? u.drm.lookup(conn.id, ObjectType.ANY);
        seen.reserved = u.drm.idr.has(conn.id);
        // the reserved ID is not handed out again
        seen.next = u.createEncoder({ type: EncoderType.VIRTUAL, possibleCrtcs: 0 }).id;
        Registration.newForeignOwned(u, parent, { regs: [] });
        seen.after = u.drm.lookup(conn.id, ObjectType.CONNECTOR);
      },
    });
    expect(seen.id).toBe(33);
    expect(seen.before).toBeUndefined();
    expect(seen.reserved).toBe(true);
    expect(seen.next).toBe(34);
    expect(seen.after).toBe(seen.conn);
  });
});

describe('uapi 1.8: indices follow creation order', () => {
  it('indexes planes, CRTCs, encoders and connectors 0, 1, 2 ... per kind', async () => {
    // uapi 1.8
    const t = await createTestDevice({ crtcs: 3 });
    expect([t.primary.index, t.overlay!.index, t.cursor!.index]).toEqual([0, 1, 2]);
    expect(t.crtcs.map((c) => c.index)).toEqual([0, 1, 2]);
    expect(t.crtcs.map((c) => c.primary!.index)).toEqual([0, 3, 4]);
    expect([t.encoder.index, t.writeback!.writeback!.encoder.index]).toEqual([0, 1]);
    expect([t.connector.index, t.writeback!.index]).toEqual([0, 1]);
    // the encoder's possible_crtcs covers the three CRTC bits
    const card = t.open();
    expect(card.getEncoder(t.encoder.id).possibleCrtcs).toBe(0b111);
    expect(card.getResources().crtcs).toEqual(t.crtcs.map((c) => c.id));
  });

  it('allows at most 32 planes and 32 CRTCs', async () => {
    // uapi 1.8
    await expect(createCustomDevice((u) => {
      for (let i = 0; i < 33; i++) u.createPlane({ type: PlaneType.OVERLAY, possibleCrtcs: 1, formats: PLANE_FORMATS });
    })).rejects.toThrow();
    const t = await createCustomDevice((u) => {
      const planes = Array.from({ length: 32 }, () => u.createPlane({ type: PlaneType.PRIMARY, possibleCrtcs: 0, formats: PLANE_FORMATS }));
      const crtcs = planes.map((p) => u.createCrtc({ primary: p, cursor: null }));
      let threw = false;
      try { u.createCrtc({ primary: null, cursor: null }); } catch { threw = true; }
      return { crtcs, threw };
    });
    expect(t.objs.crtcs.map((c) => c.index)).toEqual(Array.from({ length: 32 }, (_, i) => i));
    expect(t.objs.threw).toBe(true);
    expect(t.open().getPlane(t.objs.crtcs[31]!.primary!.id).possibleCrtcs).toBe(0x80000000); // bit 31, as u32
  });

  it('allows at most 32 connectors, indexed in creation order', async () => {
    // uapi 1.8
    await expect(createCustomDevice((u) => {
      for (let i = 0; i < 33; i++) u.createConnector({ type: ConnectorType.VIRTUAL });
    })).rejects.toThrow();
    const t = await createCustomDevice((u) => Array.from({ length: 32 }, () => u.createConnector({ type: ConnectorType.VIRTUAL })));
    expect(t.objs.map((c) => c.index)).toEqual(Array.from({ length: 32 }, (_, i) => i));
    expect(t.objs[31]!.name).toBe('Virtual-32');
  });
});

describe('uapi 1.7 / 3.34: a hot-removed connector', () => {
  it('that nothing routes is freed at once: lookups fail, it is unlisted, its ID is reusable (uapi 1.2)', async () => {
    const { unregisterConnector } = await import('../../src/drm/kms/connector.js');
    const t = await createTestDevice();
    const card = t.open();
    const dev = t.device.drm;
    const id = t.connector.id;
    unregisterConnector(dev, t.connector);
    expectErrno(() => card.getConnector(id), 'ENOENT');
    expect(card.getResources().connectors).toEqual([]);
    expect(dev.lookup(id, ObjectType.ANY)).toBeUndefined();
    // the lowest free ID is the connector's again
    expect(card.createPropertyBlob(new Uint8Array(1))).toBe(id);
  });
});

describe('uapi 1.9: connector type ids and names', () => {
  it('numbers connectors per type from 1 and names them <Type>-<n>', async () => {
    // uapi 1.9
    const t = await createCustomDevice((u) => {
      const enc = u.createEncoder({ type: EncoderType.TMDS, possibleCrtcs: 0 });
      const types = [ConnectorType.HDMIA, ConnectorType.DisplayPort, ConnectorType.HDMIA, ConnectorType.VGA, ConnectorType.HDMIA,
        ConnectorType.DisplayPort, ConnectorType.DVII, ConnectorType['9PinDIN'], ConnectorType.eDP, ConnectorType.Unknown];
      return types.map((type) => u.createConnector({ type, encoders: [enc] }));
    });
    const conns = t.objs;
    expect(conns.map((c) => c.name)).toEqual(['HDMI-A-1', 'DP-1', 'HDMI-A-2', 'VGA-1', 'HDMI-A-3', 'DP-2', 'DVI-I-1', 'DIN-1', 'eDP-1', 'Unknown-1']);
    const card = t.open();
    const info = conns.map((c) => card.getConnector(c.id));
    expect(info.map((i) => [i.connectorType, i.connectorTypeId])).toEqual([
      [11, 1], [10, 1], [11, 2], [1, 1], [11, 3], [10, 2], [2, 1], [9, 1], [14, 1], [0, 1],
    ]);
  });

  it('names the test driver connectors Virtual-1 and Writeback-1', async () => {
    // uapi 1.9
    const t = await createTestDevice();
    expect(t.connector.name).toBe('Virtual-1');
    expect(t.writeback!.name).toBe('Writeback-1');
    const card = t.open();
    const c = card.getConnector(t.writeback!.id);
    expect([c.connectorType, c.connectorTypeId]).toEqual([18, 1]);
  });
});

describe('uapi 1.10: primary and cursor planes are claimed by their CRTC', () => {
  it('sets possible_crtcs of a primary/cursor plane created with 0 to the CRTC bit', async () => {
    // uapi 1.10
    const t = await createTestDevice({ crtcs: 2 });
    const card = t.open();
    expect(card.getPlane(t.primary.id).possibleCrtcs).toBe(1);
    expect(card.getPlane(t.cursor!.id).possibleCrtcs).toBe(1);
    expect(card.getPlane(t.crtcs[1]!.primary!.id).possibleCrtcs).toBe(2);
    expect(card.getPlane(t.overlay!.id).possibleCrtcs).toBe(1); // given explicitly
  });

  it('leaves a nonzero possible_crtcs alone', async () => {
    // uapi 1.10
    const t = await createCustomDevice((u) => {
      const p0 = u.createPlane({ type: PlaneType.PRIMARY, possibleCrtcs: 0, formats: PLANE_FORMATS });
      const p1 = u.createPlane({ type: PlaneType.PRIMARY, possibleCrtcs: 0b11, formats: PLANE_FORMATS });
      const c0 = u.createCrtc({ primary: p0, cursor: null });
      const c1 = u.createCrtc({ primary: p1, cursor: null });
      return { p0, p1, c0, c1 };
    });
    const card = t.open();
    const planes: Partial<IoctlArgs['MODE_GETPLANE']>[] = [t.objs.p0, t.objs.p1].map((p) => ({ plane_id: p.id }));
    for (const a of planes) card.fd.ioctl('MODE_GETPLANE', a);
    expect(planes.map((a) => a.possible_crtcs)).toEqual([0b01, 0b11]);
  });
});
