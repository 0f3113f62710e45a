/** The libdrm-like Card over the core: two-call dances, decoding, findProperty, number → bigint. */
import { describe, expect, it } from 'vitest';
import { Card } from '../../src/client/card.js';
import { Cap, ClientCap, ConnectorStatus, ObjectType, PropFlag, Rotation } from '../../src/uapi/drm-mode.js';
import type { DrmFd } from '../../src/uapi/fd.js';
import type { IoctlArgs, IoctlName } from '../../src/uapi/ioctl.js';
import { copyInStruct } from '../../src/uapi/ioctl-layout.js';
import { createTestDevice, MODE_1024x768, MODE_640x480, MODE_800x600, PLANE_FORMATS } from './test-driver.js';
import { expectErrno, makeFb, U64_ALL_ONES } from './helpers.js';

/** A DrmFd that runs `hook` once, right after the first call of `name` returns (state changes between libdrm's two calls). */
function racingFd(fd: DrmFd, name: IoctlName, hook: () => void): DrmFd & { calls: number } {
  let fired = false;
  const proxy = Object.create(fd) as DrmFd & { calls: number };
  proxy.calls = 0;
  proxy.ioctl = ((n: IoctlName, arg: Partial<IoctlArgs[IoctlName]>) => {
    const r = fd.ioctl(n, arg as never);
    if (n === name) {
      proxy.calls++;
      if (!fired) { fired = true; hook(); }
    }
    return r;
  }) as DrmFd['ioctl'];
  return proxy;
}

describe('Card: two-call dances (uapi 1.18, 1.21, 1.23, 1.24, 2.2, 2.50)', () => {
  it('getResources retries when a list grows between the count and the copy', async () => {
    // uapi 1.18 (libdrm drmModeGetResources retry loop)
    const t = await createTestDevice();
    const base = t.open();
    const fb1 = makeFb(base);
    let fb2 = 0;
    const card = new Card(racingFd(base.fd, 'MODE_GETRESOURCES', () => { fb2 = makeFb(base); }));
    const r = card.getResources();
    expect(r.fbs).toEqual([fb2, fb1]);
    expect((card.fd as unknown as { calls: number }).calls).toBe(4); // count, copy (too small), count, copy
  });

  it('getConnector decodes modes, props and encoders; getConnectorCurrent never probes', async () => {
    // uapi 1.24, 1.25
    const t = await createTestDevice();
    const card = t.open();
    const cur = card.getConnectorCurrent(t.connector.id);
    expect([cur.connection, cur.modes]).toEqual([ConnectorStatus.unknown, []]);
    const c = card.getConnector(t.connector.id);
    expect(c.modes).toEqual([{ ...MODE_1024x768, vrefresh: 60 }, { ...MODE_800x600, vrefresh: 60 }, { ...MODE_640x480, vrefresh: 60 }]);
    expect(c.encoders).toEqual([t.encoder.id]);
    expect(c.props.length).toBe(4);
    const again = card.getConnectorCurrent(t.connector.id); // more than its one-mode stack buffer: second call
    expect(again.modes.map((m) => m.name)).toEqual(['1024x768', '800x600', '640x480']);
    expect(again.connection).toBe(ConnectorStatus.connected);
  });

  it('getConnectorCurrent with exactly one cached mode uses the first call\'s buffer', async () => {
    // uapi 1.24 (all-or-nothing: count 1 ≥ 1 copies)
    const t = await createTestDevice({ modes: [MODE_800x600] });
    const card = t.open();
    card.getConnector(t.connector.id);
    expect(card.getConnectorCurrent(t.connector.id).modes).toEqual([{ ...MODE_800x600, vrefresh: 60 }]);
  });

  it('getPlane returns every format', async () => {
    // uapi 1.23
    const t = await createTestDevice();
    const card = t.open();
    expect(card.getPlane(t.overlay!.id).formats).toEqual(PLANE_FORMATS);
  });

  it('getProperty decodes ranges, enums, bitmasks and blobs', async () => {
    // uapi 2.2, 2.4
    const t = await createTestDevice();
    const card = t.open();
    const std = t.device.drm.std;
    expect(card.getProperty(std.CRTC_X.id)).toEqual({ propId: std.CRTC_X.id, flags: (PropFlag.SIGNED_RANGE | PropFlag.ATOMIC) >>> 0, name: 'CRTC_X', values: [0xffffffff80000000n, 0x7fffffffn], enums: [] });
    expect(card.getProperty(std['link-status'].id)).toEqual({ propId: std['link-status'].id, flags: PropFlag.ENUM, name: 'link-status', values: [0n, 1n], enums: [{ value: 0n, name: 'Good' }, { value: 1n, name: 'Bad' }] });
    expect(card.getProperty(std.EDID.id)).toEqual({ propId: std.EDID.id, flags: PropFlag.BLOB | PropFlag.IMMUTABLE, name: 'EDID', values: [], enums: [] });
  });

  it('getPropertyBlob and createPropertyBlob round-trip; destroy works', async () => {
    // uapi 2.48, 2.50
    const t = await createTestDevice();
    const card = t.open();
    const data = new Uint8Array(300).map((_, i) => i & 0xff);
    const id = card.createPropertyBlob(data);
    expect(card.getPropertyBlob(id)).toEqual(data);
    card.destroyPropertyBlob(id);
    expectErrno(() => card.getPropertyBlob(id), 'ENOENT');
  });
});

describe('Card: findProperty by name (uapi 2.5, 2.6)', () => {
  it('finds a property and its current value on the object', async () => {
    // uapi 2.6, 2.7
    const t = await createTestDevice();
    const card = t.open();
    const rot = card.findProperty(t.primary.id, ObjectType.PLANE, 'rotation');
    expect(rot?.id).toBe(34);
    expect(rot?.value).toBe(BigInt(Rotation.ROTATE_0));
    expect(rot?.info.name).toBe('rotation');
    expect(card.findProperty(t.primary.id, ObjectType.PLANE, 'no-such-prop')).toBeUndefined();
    expect(card.findProperty(t.overlay!.id, ObjectType.PLANE, 'rotation')).toBeUndefined(); // not attached there
  });

  it('does not find ATOMIC properties without the ATOMIC cap', async () => {
    // uapi 2.5
    const t = await createTestDevice();
    const card = t.open();
    expect(card.findProperty(t.primary.id, ObjectType.PLANE, 'CRTC_X')).toBeUndefined();
    card.setClientCap(ClientCap.ATOMIC, 1);
    expect(card.findProperty(t.primary.id, ObjectType.PLANE, 'CRTC_X')?.id).toBe(t.device.drm.std.CRTC_X.id);
  });

  it('fails like the ioctl for a wrong object', async () => {
    // uapi 2.8
    const t = await createTestDevice();
    const card = t.open();
    expectErrno(() => card.findProperty(t.encoder.id, ObjectType.ENCODER, 'x'), 'EINVAL');
    expectErrno(() => card.findProperty(t.crtc.id, ObjectType.PLANE, 'x'), 'ENOENT');
  });
});

describe('Card: number → bigint conversions (uapi 2.11)', () => {
  it('numbers and bigints give the same u64 to the kernel; -1 becomes 0xffffffffffffffff', async () => {
    // uapi 2.11, 1.11, 1.16
    const t = await createTestDevice();
    const card = t.open();
    expect(card.getCap(Cap.CURSOR_WIDTH)).toBe(512n);
    expect(card.getCap(BigInt(Cap.CURSOR_WIDTH))).toBe(512n);
    card.setClientCap(ClientCap.UNIVERSAL_PLANES, 1);
    card.setClientCap(BigInt(ClientCap.UNIVERSAL_PLANES), 0n);
    // -1 reaches the kernel as all ones (a u64), not as 0xffffffff or an error in the client
    expectErrno(() => card.setClientCap(ClientCap.ATOMIC, -1), 'EINVAL');
    expectErrno(() => card.getCap(-1), 'EINVAL');
    expect(copyInStruct('SET_CLIENT_CAP', { capability: -1n, value: -1n })).toEqual({ capability: U64_ALL_ONES, value: U64_ALL_ONES });
    expect(copyInStruct('MODE_OBJ_SETPROPERTY', { value: -1n, prop_id: 13, obj_id: 32, obj_type: ObjectType.PLANE }).value).toBe(0xffffffffffffffffn);
    expect(copyInStruct('MODE_OBJ_SETPROPERTY', { value: 0xffffffffn }).value).toBe(0xffffffffn); // not sign-extended
  });

  it('signed property values read back as u64 bit patterns', async () => {
    // uapi 2.11, 2.4
    const t = await createTestDevice();
    const card = t.open();
    card.setClientCap(ClientCap.ATOMIC, 1);
    t.primary.state.crtc_x = -1;
    t.primary.state.crtc_y = -300;
    const x = card.findProperty(t.primary.id, ObjectType.PLANE, 'CRTC_X')!.value;
    const y = card.findProperty(t.primary.id, ObjectType.PLANE, 'CRTC_Y')!.value;
    expect(x).toBe(0xffffffffffffffffn);
    expect(BigInt.asIntN(64, y)).toBe(-300n);
  });
});
