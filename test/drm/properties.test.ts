/** GETPROPERTY, flag bits, value encoding, enumeration, values, OBJ_GETPROPERTIES (uapi 2.1–2.8). */
import { describe, expect, it } from 'vitest';
import { createBlob, blobGet } from '../../src/drm/blob.js';
import { ClientCap, ConnectorType, EncoderType, ObjectType, PlaneType, PropFlag, Rotation } from '../../src/uapi/drm-mode.js';
import type { IoctlArgs } from '../../src/uapi/ioctl.js';
import { createCustomDevice, createTestDevice, PLANE_FORMATS } from './test-driver.js';
import { expectErrno, makeFb, propNames, propValues, sentinelU32, U64_ALL_ONES } from './helpers.js';

const S = 0xdeadbeef;
const { RANGE, IMMUTABLE, ENUM, BLOB, BITMASK, OBJECT, SIGNED_RANGE, ATOMIC } = PropFlag;

/** Decode a drm_mode_property_enum array (u64 value + char name[32]). */
function decodeEnums(buf: Uint8Array, n: number): { value: bigint; name: string; tailZero: boolean }[] {
  const v = new DataView(buf.buffer, buf.byteOffset);
  return Array.from({ length: n }, (_, i) => {
    const name = buf.subarray(40 * i + 8, 40 * i + 40);
    const len = name.indexOf(0);
    return {
      value: v.getBigUint64(40 * i, true),
      name: String.fromCharCode(...name.subarray(0, len)),
      tailZero: name.subarray(len).every((b) => b === 0),
    };
  });
}

describe('uapi 2.1: GETPROPERTY lookup', () => {
  it('answers ENOENT for unknown IDs and for objects that are not properties', async () => {
    // uapi 2.1
    const t = await createTestDevice();
    const card = t.open();
    const fb = makeFb(card);
    for (const id of [0, 9999, t.primary.id, t.crtc.id, t.connector.id, t.encoder.id, 33, fb]) {
      expectErrno(() => card.getProperty(id), 'ENOENT');
    }
  });
});

describe('uapi 2.2: GETPROPERTY fields', () => {
  it('returns the name and flags', async () => {
    // uapi 2.2
    const t = await createTestDevice();
    const card = t.open();
    const a: Partial<IoctlArgs['MODE_GETPROPERTY']> = { prop_id: t.device.drm.std.HDR_OUTPUT_METADATA.id, name: 'garbage' };
    card.fd.ioctl('MODE_GETPROPERTY', a);
    expect(a.name).toBe('HDR_OUTPUT_METADATA');
    expect(a.flags).toBe(BLOB);
  });

  it('partial-copies values and enum entries, and sets both counts for an ENUM', async () => {
    // uapi 2.2
    const t = await createTestDevice();
    const card = t.open();
    const values = new BigUint64Array(3).fill(7n);
    const enums = new Uint8Array(40 * 2).fill(0xaa);
    const a: Partial<IoctlArgs['MODE_GETPROPERTY']> = { prop_id: t.device.drm.std.DPMS.id, count_values: 2, values_ptr: values, count_enum_blobs: 1, enum_blob_ptr: enums };
    card.fd.ioctl('MODE_GETPROPERTY', a);
    expect([...values]).toEqual([0n, 1n, 7n]);
    expect(a.count_values).toBe(4);
    expect(decodeEnums(enums, 1)).toEqual([{ value: 0n, name: 'On', tailZero: true }]); // name NUL-padded to 32
    expect(enums.subarray(40).every((b) => b === 0xaa)).toBe(true);
    expect(a.count_enum_blobs).toBe(4);
    const all = new Uint8Array(40 * 4);
    card.fd.ioctl('MODE_GETPROPERTY', { prop_id: t.device.drm.std.DPMS.id, count_enum_blobs: 4, enum_blob_ptr: all });
    expect(decodeEnums(all, 4)).toEqual([
      { value: 0n, name: 'On', tailZero: true }, { value: 1n, name: 'Standby', tailZero: true },
      { value: 2n, name: 'Suspend', tailZero: true }, { value: 3n, name: 'Off', tailZero: true },
    ]);
  });

  it('leaves count_enum_blobs untouched for RANGE, SIGNED_RANGE and OBJECT, forces 0 for BLOB', async () => {
    // uapi 2.2
    const t = await createTestDevice();
    const card = t.open();
    const std = t.device.drm.std;
    for (const p of [std.SRC_X, std.CRTC_X, std.FB_ID, std.ACTIVE]) {
      const a: Partial<IoctlArgs['MODE_GETPROPERTY']> = { prop_id: p.id, count_enum_blobs: 9 };
      card.fd.ioctl('MODE_GETPROPERTY', a);
      expect([p.name, a.count_enum_blobs]).toEqual([p.name, 9]);
    }
    for (const p of [std.MODE_ID, std.IN_FORMATS, std.EDID]) {
      const a: Partial<IoctlArgs['MODE_GETPROPERTY']> = { prop_id: p.id, count_enum_blobs: 9, count_values: 3 };
      card.fd.ioctl('MODE_GETPROPERTY', a);
      expect([p.name, a.count_enum_blobs, a.count_values]).toEqual([p.name, 0, 0]);
    }
  });

  it('faults on a NULL pointer only when something is to be copied', async () => {
    // uapi 2.2 (put_user)
    const t = await createTestDevice();
    const card = t.open();
    const std = t.device.drm.std;
    expectErrno(() => card.fd.ioctl('MODE_GETPROPERTY', { prop_id: std.SRC_X.id, count_values: 1 }), 'EFAULT');
    expectErrno(() => card.fd.ioctl('MODE_GETPROPERTY', { prop_id: std.DPMS.id, count_enum_blobs: 1 }), 'EFAULT');
    const a: Partial<IoctlArgs['MODE_GETPROPERTY']> = { prop_id: std.MODE_ID.id, count_values: 5 };
    card.fd.ioctl('MODE_GETPROPERTY', a); // a BLOB property has no values
    expect(a.count_values).toBe(0);
  });
});

describe('uapi 2.3: flag bits', () => {
  it('uses the drm_mode.h values', () => {
    // uapi 2.3
    expect([RANGE, IMMUTABLE, ENUM, BLOB, BITMASK, OBJECT, SIGNED_RANGE, ATOMIC]).toEqual([2, 4, 8, 16, 32, 64, 128, 0x80000000]);
  });

  it('gives every standard, plane and writeback property its kernel flags', async () => {
    // uapi 2.3
    const t = await createTestDevice();
    const card = t.open();
    const expected: Record<string, number> = {
      EDID: BLOB | IMMUTABLE, DPMS: ENUM, PATH: BLOB | IMMUTABLE, TILE: BLOB | IMMUTABLE, 'link-status': ENUM,
      'non-desktop': RANGE | IMMUTABLE, HDR_OUTPUT_METADATA: BLOB, type: ENUM | IMMUTABLE,
      SRC_X: RANGE | ATOMIC, SRC_Y: RANGE | ATOMIC, SRC_W: RANGE | ATOMIC, SRC_H: RANGE | ATOMIC,
      CRTC_X: SIGNED_RANGE | ATOMIC, CRTC_Y: SIGNED_RANGE | ATOMIC, CRTC_W: RANGE | ATOMIC, CRTC_H: RANGE | ATOMIC,
      FB_ID: OBJECT | ATOMIC, IN_FENCE_FD: SIGNED_RANGE | ATOMIC, OUT_FENCE_PTR: RANGE | ATOMIC, CRTC_ID: OBJECT | ATOMIC,
      FB_DAMAGE_CLIPS: BLOB | ATOMIC, ACTIVE: RANGE | ATOMIC, MODE_ID: BLOB | ATOMIC, VRR_ENABLED: RANGE,
      DEGAMMA_LUT: BLOB, DEGAMMA_LUT_SIZE: RANGE | IMMUTABLE, CTM: BLOB, GAMMA_LUT: BLOB, GAMMA_LUT_SIZE: RANGE | IMMUTABLE,
      IN_FORMATS: BLOB | IMMUTABLE, SIZE_HINTS: BLOB | IMMUTABLE, rotation: BITMASK,
      WRITEBACK_FB_ID: OBJECT | ATOMIC, WRITEBACK_PIXEL_FORMATS: BLOB | ATOMIC | IMMUTABLE, WRITEBACK_OUT_FENCE_PTR: RANGE | ATOMIC,
    };
    const got: Record<string, number> = {};
    for (const p of t.device.drm.properties) {
      const info = card.getProperty(p.id);
      got[info.name] = info.flags >>> 0;
    }
    expect(got).toEqual(Object.fromEntries(Object.entries(expected).map(([k, v]) => [k, v >>> 0])));
  });

  it('each property has exactly one legacy type or one extended type, and no other bits', async () => {
    // uapi 2.3 (drm_property_flags_valid)
    const t = await createTestDevice();
    const card = t.open();
    for (const p of t.device.drm.properties) {
      const f = card.getProperty(p.id).flags >>> 0;
      const legacy = f & PropFlag.LEGACY_TYPE, ext = f & PropFlag.EXTENDED_TYPE;
      expect([p.name, f & ~(PropFlag.LEGACY_TYPE | PropFlag.EXTENDED_TYPE | IMMUTABLE | ATOMIC)]).toEqual([p.name, 0]);
      expect([p.name, !legacy !== !ext]).toEqual([p.name, true]);
      if (legacy) expect([p.name, legacy & (legacy - 1)]).toEqual([p.name, 0]);
      if (ext) expect([p.name, [OBJECT, SIGNED_RANGE].includes(ext)]).toEqual([p.name, true]);
    }
  });

  it('refuses to create a property with no type, two types or unknown flags', async () => {
    // uapi 2.3 (drm_property_create returns NULL for invalid flags)
    const { createBlobProp, createEnum, createObjectProp, createRange } = await import('../../src/drm/property.js');
    const t = await createTestDevice();
    const dev = t.device.drm;
    const n = dev.properties.length;
    expect(() => createRange(dev, ENUM, 'bad1', 0n, 1n)).toThrow();
    expect(() => createObjectProp(dev, RANGE, 'bad2', ObjectType.FB)).toThrow();
    expect(() => createBlobProp(dev, PropFlag.PENDING, 'bad3')).toThrow();
    expect(() => createEnum(dev, 1 << 10, 'bad4', [{ value: 0, name: 'x' }])).toThrow();
    expect(dev.properties.length).toBe(n);
  });
});

describe('uapi 2.4: values encoding', () => {
  it('RANGE, SIGNED_RANGE and bool values', async () => {
    // uapi 2.4
    const t = await createTestDevice();
    const card = t.open();
    const std = t.device.drm.std;
    const values = (p: { id: number }) => card.getProperty(p.id).values;
    expect(values(std.SRC_X)).toEqual([0n, 0xffffffffn]);
    expect(values(std.CRTC_W)).toEqual([0n, 0x7fffffffn]);
    expect(values(std.CRTC_X)).toEqual([0xffffffff80000000n, 0x7fffffffn]); // INT_MIN sign-extended
    expect(values(std.IN_FENCE_FD)).toEqual([U64_ALL_ONES, 0x7fffffffn]); // -1 sign-extended
    expect(values(std.OUT_FENCE_PTR)).toEqual([0n, U64_ALL_ONES]);
    expect(values(std.ACTIVE)).toEqual([0n, 1n]);
    expect(values(std.VRR_ENABLED)).toEqual([0n, 1n]);
    expect(values(std['non-desktop'])).toEqual([0n, 1n]);
    expect(values(std.GAMMA_LUT_SIZE)).toEqual([0n, 0xffffffffn]);
  });

  it('ENUM values and entries', async () => {
    // uapi 2.4
    const t = await createTestDevice();
    const card = t.open();
    const std = t.device.drm.std;
    expect(card.getProperty(std.DPMS.id)).toMatchObject({ values: [0n, 1n, 2n, 3n], enums: [{ name: 'On', value: 0n }, { name: 'Standby', value: 1n }, { name: 'Suspend', value: 2n }, { name: 'Off', value: 3n }] });
    expect(card.getProperty(std['link-status'].id)).toMatchObject({ values: [0n, 1n], enums: [{ name: 'Good', value: 0n }, { name: 'Bad', value: 1n }] });
    expect(card.getProperty(std.type.id)).toMatchObject({ values: [0n, 1n, 2n], enums: [{ name: 'Overlay', value: 0n }, { name: 'Primary', value: 1n }, { name: 'Cursor', value: 2n }] });
  });

  it('BITMASK values are bit indices (rotation)', async () => {
    // uapi 2.4, 2.22
    const t = await createTestDevice();
    const card = t.open();
    const rot = card.findProperty(t.primary.id, ObjectType.PLANE, 'rotation')!;
    expect(rot.info.values).toEqual([0n, 1n, 2n, 3n, 4n, 5n]);
    expect(rot.info.enums).toEqual([
      { name: 'rotate-0', value: 0n }, { name: 'rotate-90', value: 1n }, { name: 'rotate-180', value: 2n },
      { name: 'rotate-270', value: 3n }, { name: 'reflect-x', value: 4n }, { name: 'reflect-y', value: 5n },
    ]);
    expect(rot.value).toBe(BigInt(Rotation.ROTATE_0)); // the value itself is a mask
  });

  it('BITMASK lists only the supported bits', async () => {
    // uapi 2.4, 2.22
    const t = await createCustomDevice((u) => {
      const p = u.createPlane({ type: PlaneType.PRIMARY, possibleCrtcs: 0, formats: PLANE_FORMATS });
      u.addRotationProperty(p, Rotation.ROTATE_180, Rotation.ROTATE_0 | Rotation.ROTATE_180 | Rotation.REFLECT_X);
      u.createCrtc({ primary: p, cursor: null });
      return p;
    });
    const card = t.open();
    const rot = card.findProperty(t.objs.id, ObjectType.PLANE, 'rotation')!;
    expect(rot.info.values).toEqual([0n, 2n, 4n]);
    expect(rot.info.enums).toEqual([{ name: 'rotate-0', value: 0n }, { name: 'rotate-180', value: 2n }, { name: 'reflect-x', value: 4n }]);
    expect(rot.info.flags).toBe(BITMASK);
    expect(rot.value).toBe(4n);
  });

  it('OBJECT values[0] is the object type; BLOB has no values', async () => {
    // uapi 2.4
    const t = await createTestDevice();
    const card = t.open();
    const std = t.device.drm.std;
    expect(card.getProperty(std.FB_ID.id).values).toEqual([BigInt(ObjectType.FB)]);
    expect(card.getProperty(std.CRTC_ID.id).values).toEqual([BigInt(ObjectType.CRTC)]);
    expect(card.getProperty(std.WRITEBACK_FB_ID!.id).values).toEqual([BigInt(ObjectType.FB)]);
    expect(card.getProperty(std.MODE_ID.id).values).toEqual([]);
  });
});

describe('uapi 2.5: ATOMIC properties are hidden from non-atomic clients', () => {
  it('skips and does not count them in OBJ_GETPROPERTIES and GETCONNECTOR', async () => {
    // uapi 2.5
    const t = await createTestDevice();
    const legacy = t.open();
    const atomic = t.open();
    atomic.setClientCap(ClientCap.ATOMIC, 1);
    expect(propNames(legacy, t.primary.id, ObjectType.PLANE)).toEqual(['type', 'IN_FORMATS', 'rotation']);
    expect(propNames(legacy, t.crtc.id, ObjectType.CRTC)).toEqual(['VRR_ENABLED', 'GAMMA_LUT', 'GAMMA_LUT_SIZE']);
    expect(propNames(legacy, t.connector.id, ObjectType.CONNECTOR)).toEqual(['DPMS', 'link-status', 'non-desktop', 'TILE']);
    expect(propNames(legacy, t.writeback!.id, ObjectType.CONNECTOR)).toEqual(['DPMS', 'link-status', 'non-desktop', 'TILE']);
    const a: Partial<IoctlArgs['MODE_OBJ_GETPROPERTIES']> = { obj_id: t.primary.id, obj_type: ObjectType.PLANE };
    legacy.fd.ioctl('MODE_OBJ_GETPROPERTIES', a);
    expect(a.count_props).toBe(3);
    const c: Partial<IoctlArgs['MODE_GETCONNECTOR']> = { connector_id: t.connector.id };
    legacy.fd.ioctl('MODE_GETCONNECTOR', c);
    expect(c.count_props).toBe(4);
    const b: Partial<IoctlArgs['MODE_OBJ_GETPROPERTIES']> = { obj_id: t.primary.id, obj_type: ObjectType.PLANE };
    atomic.fd.ioctl('MODE_OBJ_GETPROPERTIES', b);
    expect(b.count_props).toBe(14);
    // ATOMIC=0 hides them again
    atomic.setClientCap(ClientCap.ATOMIC, 0);
    expect(propNames(atomic, t.primary.id, ObjectType.PLANE)).toEqual(['type', 'IN_FORMATS', 'rotation']);
  });

  it('partial copy skips hidden properties before counting', async () => {
    // uapi 2.5 + 1.18-style partial copy
    const t = await createTestDevice();
    const legacy = t.open();
    const props = sentinelU32(3);
    const values = new BigUint64Array(3).fill(9n);
    const a: Partial<IoctlArgs['MODE_OBJ_GETPROPERTIES']> = { obj_id: t.primary.id, obj_type: ObjectType.PLANE, count_props: 2, props_ptr: props, prop_values_ptr: values };
    legacy.fd.ioctl('MODE_OBJ_GETPROPERTIES', a);
    expect([...props]).toEqual([t.device.drm.std.type.id, t.device.drm.std.IN_FORMATS.id, S]);
    expect([...values]).toEqual([1n, 33n, 9n]);
    expect(a.count_props).toBe(3);
    expectErrno(() => legacy.fd.ioctl('MODE_OBJ_GETPROPERTIES', { obj_id: t.primary.id, obj_type: ObjectType.PLANE, count_props: 1 }), 'EFAULT');
  });
});

describe('uapi 2.6: enumeration follows attach order', () => {
  it('plane properties', async () => {
    // uapi 2.6, 2.16, 2.17
    const t = await createTestDevice();
    const card = t.open();
    card.setClientCap(ClientCap.ATOMIC, 1);
    const base = ['type', 'FB_ID', 'IN_FENCE_FD', 'CRTC_ID', 'CRTC_X', 'CRTC_Y', 'CRTC_W', 'CRTC_H', 'SRC_X', 'SRC_Y', 'SRC_W', 'SRC_H', 'IN_FORMATS'];
    expect(propNames(card, t.primary.id, ObjectType.PLANE)).toEqual([...base, 'rotation']);
    expect(propNames(card, t.overlay!.id, ObjectType.PLANE)).toEqual(base);
    expect(propNames(card, t.cursor!.id, ObjectType.PLANE)).toEqual(base);
  });

  it('plane properties with the optional ones, in the order the driver added them', async () => {
    // uapi 2.6
    const t = await createCustomDevice((u) => {
      const p = u.createPlane({ type: PlaneType.PRIMARY, possibleCrtcs: 0, formats: PLANE_FORMATS });
      u.addZposProperty(p, 0, 0, 3);
      u.addAlphaProperty(p);
      u.addColorProperties(p, 0b111, 0b11, 0, 1);
      u.addRotationProperty(p, Rotation.ROTATE_0, 0x3f);
      u.addBlendModeProperty(p, 0b111);
      u.enableFbDamageClips(p);
      u.createCrtc({ primary: p, cursor: null });
      return p;
    });
    const card = t.open();
    card.setClientCap(ClientCap.ATOMIC, 1);
    expect(propNames(card, t.objs.id, ObjectType.PLANE).slice(13)).toEqual(['zpos', 'alpha', 'COLOR_ENCODING', 'COLOR_RANGE', 'rotation', 'pixel blend mode', 'FB_DAMAGE_CLIPS']);
  });

  it('CRTC properties', async () => {
    // uapi 2.6, 2.29, 2.30
    const t = await createTestDevice();
    const card = t.open();
    card.setClientCap(ClientCap.ATOMIC, 1);
    expect(propNames(card, t.crtc.id, ObjectType.CRTC)).toEqual(['ACTIVE', 'MODE_ID', 'OUT_FENCE_PTR', 'VRR_ENABLED', 'GAMMA_LUT', 'GAMMA_LUT_SIZE']);
    const t2 = await createCustomDevice((u) => {
      const p = u.createPlane({ type: PlaneType.PRIMARY, possibleCrtcs: 0, formats: PLANE_FORMATS });
      const c = u.createCrtc({ primary: p, cursor: null });
      u.enableColorMgmt(c, 33, true, 1024);
      return c;
    });
    const c2 = t2.open();
    c2.setClientCap(ClientCap.ATOMIC, 1);
    expect(propNames(c2, t2.objs.id, ObjectType.CRTC)).toEqual(['ACTIVE', 'MODE_ID', 'OUT_FENCE_PTR', 'VRR_ENABLED', 'DEGAMMA_LUT', 'DEGAMMA_LUT_SIZE', 'CTM', 'GAMMA_LUT', 'GAMMA_LUT_SIZE']);
    const v = propValues(c2, t2.objs.id, ObjectType.CRTC);
    expect([v.DEGAMMA_LUT_SIZE, v.GAMMA_LUT_SIZE]).toEqual([33n, 1024n]);
  });

  it('connector properties: EDID only on real connectors; writeback adds its three', async () => {
    // uapi 2.6, 2.40, 2.45
    const t = await createTestDevice();
    const card = t.open();
    card.setClientCap(ClientCap.ATOMIC, 1);
    expect(propNames(card, t.connector.id, ObjectType.CONNECTOR)).toEqual(['DPMS', 'link-status', 'non-desktop', 'TILE', 'CRTC_ID']);
    expect(propNames(card, t.writeback!.id, ObjectType.CONNECTOR)).toEqual([
      'DPMS', 'link-status', 'non-desktop', 'TILE', 'CRTC_ID', 'WRITEBACK_OUT_FENCE_PTR', 'WRITEBACK_FB_ID', 'WRITEBACK_PIXEL_FORMATS',
    ]);
    const t2 = await createCustomDevice((u) => {
      const e = u.createEncoder({ type: EncoderType.TMDS, possibleCrtcs: 0 });
      return u.createConnector({ type: ConnectorType.HDMIA, encoders: [e] });
    });
    const c2 = t2.open();
    c2.setClientCap(ClientCap.ATOMIC, 1);
    expect(propNames(c2, t2.objs.id, ObjectType.CONNECTOR)).toEqual(['EDID', 'DPMS', 'link-status', 'non-desktop', 'TILE', 'CRTC_ID']);
  });

  it('a non-atomic driver attaches no atomic properties', async () => {
    // uapi 2.6, 2.16, 2.29, 2.40 ("atomic drivers then attach ...")
    const t = await createTestDevice({ features: { atomic: false }, writeback: false });
    const card = t.open();
    card.setClientCap(ClientCap.UNIVERSAL_PLANES, 1);
    expect(propNames(card, t.primary.id, ObjectType.PLANE)).toEqual(['type', 'IN_FORMATS', 'rotation']);
    expect(propNames(card, t.crtc.id, ObjectType.CRTC)).toEqual(['GAMMA_LUT', 'GAMMA_LUT_SIZE']);
    expect(propNames(card, t.connector.id, ObjectType.CONNECTOR)).toEqual(['DPMS', 'link-status', 'non-desktop', 'TILE']);
  });
});

describe('uapi 2.7: values come from the current state', () => {
  it('plane properties read the plane state; IN_FENCE_FD reads -1', async () => {
    // uapi 2.7, 2.19
    const t = await createTestDevice();
    const card = t.open();
    card.setClientCap(ClientCap.ATOMIC, 1);
    expect(propValues(card, t.primary.id, ObjectType.PLANE)).toEqual({
      type: 1n, FB_ID: 0n, IN_FENCE_FD: U64_ALL_ONES, CRTC_ID: 0n, CRTC_X: 0n, CRTC_Y: 0n, CRTC_W: 0n, CRTC_H: 0n,
      SRC_X: 0n, SRC_Y: 0n, SRC_W: 0n, SRC_H: 0n, IN_FORMATS: 33n, rotation: 1n,
    });
    const fb = makeFb(card);
    const s = t.primary.state;
    Object.assign(s, { fb: t.device.drm.fb(fb)!, crtc: t.crtc, crtc_x: -5, crtc_y: -2147483648, crtc_w: 100, crtc_h: 0x7fffffff, src_x: 0x10000, src_y: 0x8000, src_w: 0xffffffff, src_h: 64 << 16, rotation: Rotation.ROTATE_90 | Rotation.REFLECT_X });
    expect(propValues(card, t.primary.id, ObjectType.PLANE)).toEqual({
      type: 1n, FB_ID: BigInt(fb), IN_FENCE_FD: U64_ALL_ONES, CRTC_ID: BigInt(t.crtc.id),
      CRTC_X: 0xfffffffffffffffbn, CRTC_Y: 0xffffffff80000000n, CRTC_W: 100n, CRTC_H: 0x7fffffffn,
      SRC_X: 0x10000n, SRC_Y: 0x8000n, SRC_W: 0xffffffffn, SRC_H: 0x400000n, IN_FORMATS: 33n, rotation: 0x12n,
    });
    // the other planes report their own type
    expect(propValues(card, t.overlay!.id, ObjectType.PLANE).type).toBe(0n);
    expect(propValues(card, t.cursor!.id, ObjectType.PLANE).type).toBe(2n);
  });

  it('CRTC properties read the CRTC state', async () => {
    // uapi 2.7, 2.37
    const t = await createTestDevice();
    const card = t.open();
    card.setClientCap(ClientCap.ATOMIC, 1);
    expect(propValues(card, t.crtc.id, ObjectType.CRTC)).toEqual({ ACTIVE: 0n, MODE_ID: 0n, OUT_FENCE_PTR: 0n, VRR_ENABLED: 0n, GAMMA_LUT: 0n, GAMMA_LUT_SIZE: 256n });
    const dev = t.device.drm;
    const mode = createBlob(dev, new Uint8Array(68));
    const lut = createBlob(dev, new Uint8Array(8 * 256));
    Object.assign(t.crtc.state, { active: true, mode_blob: mode, gamma_lut: lut, vrr_enabled: true });
    expect(propValues(card, t.crtc.id, ObjectType.CRTC)).toEqual({ ACTIVE: 1n, MODE_ID: BigInt(mode.id), OUT_FENCE_PTR: 0n, VRR_ENABLED: 1n, GAMMA_LUT: BigInt(lut.id), GAMMA_LUT_SIZE: 256n });
    // ACTIVE reads active || self_refresh_active
    Object.assign(t.crtc.state, { active: false, self_refresh_active: true });
    expect(propValues(card, t.crtc.id, ObjectType.CRTC).ACTIVE).toBe(1n);
  });

  it('connector properties read the connector state; writeback one-shot properties read 0', async () => {
    // uapi 2.7, 2.43, 2.46
    const t = await createTestDevice();
    const card = t.open();
    card.setClientCap(ClientCap.ATOMIC, 1);
    t.connector.state.crtc = t.crtc;
    t.connector.state.link_status = 1;
    t.connector.dpms = 3;
    expect(propValues(card, t.connector.id, ObjectType.CONNECTOR)).toEqual({ DPMS: 3n, 'link-status': 1n, 'non-desktop': 0n, TILE: 0n, CRTC_ID: BigInt(t.crtc.id) });
    // DPMS reads On while the connector's CRTC is in self-refresh (uapi 2.43)
    t.crtc.state.self_refresh_active = true;
    expect(propValues(card, t.connector.id, ObjectType.CONNECTOR).DPMS).toBe(0n);
    t.crtc.state.self_refresh_active = false;
    expect(propValues(card, t.writeback!.id, ObjectType.CONNECTOR)).toEqual({
      DPMS: 0n, 'link-status': 0n, 'non-desktop': 0n, TILE: 0n, CRTC_ID: 0n,
      WRITEBACK_OUT_FENCE_PTR: 0n, WRITEBACK_FB_ID: 0n, WRITEBACK_PIXEL_FORMATS: BigInt(t.writeback!.writeback!.formatsBlob.id),
    });
  });

  it('on a non-atomic driver every value is the stored one', async () => {
    // uapi 2.7 (only atomic drivers read the state)
    const t = await createTestDevice({ features: { atomic: false }, writeback: false });
    const card = t.open();
    card.setClientCap(ClientCap.UNIVERSAL_PLANES, 1);
    t.primary.state.rotation = Rotation.ROTATE_270;
    expect(propValues(card, t.primary.id, ObjectType.PLANE)).toEqual({ type: 1n, IN_FORMATS: 33n, rotation: 1n });
  });
});

describe('uapi 2.8: OBJ_GETPROPERTIES errors', () => {
  it('ENOENT for unknown IDs and type mismatches, EINVAL for objects without properties', async () => {
    // uapi 2.8
    const t = await createTestDevice();
    const card = t.open();
    const fb = makeFb(card);
    const blob = card.createPropertyBlob(new Uint8Array(4));
    const get = (obj_id: number, obj_type: number) => () => card.fd.ioctl('MODE_OBJ_GETPROPERTIES', { obj_id, obj_type });
    expectErrno(get(0, ObjectType.ANY), 'ENOENT');
    expectErrno(get(9999, ObjectType.ANY), 'ENOENT');
    expectErrno(get(t.crtc.id, ObjectType.PLANE), 'ENOENT');
    expectErrno(get(t.primary.id, ObjectType.CONNECTOR), 'ENOENT');
    expectErrno(get(t.encoder.id, ObjectType.CRTC), 'ENOENT');
    expectErrno(get(t.crtc.id, ObjectType.MODE), 'ENOENT');
    expectErrno(get(t.crtc.id, 0x12345678), 'ENOENT');
    for (const [id, type] of [[t.encoder.id, ObjectType.ENCODER], [fb, ObjectType.FB], [blob, ObjectType.BLOB], [1, ObjectType.PROPERTY]] as const) {
      expectErrno(get(id, type), 'EINVAL');
      expectErrno(get(id, ObjectType.ANY), 'EINVAL');
    }
    expectErrno(get(33, ObjectType.BLOB), 'EINVAL'); // a kernel blob
    expect(card.getObjectProperties(t.crtc.id, ObjectType.ANY).props.length).toBe(3);
    expect(card.getObjectProperties(t.connector.id, ObjectType.CONNECTOR).props.length).toBe(4);
  });

  it('a blob kept alive by a reference still has no properties', async () => {
    // uapi 2.8
    const t = await createTestDevice();
    const card = t.open();
    const id = card.createPropertyBlob(new Uint8Array(68));
    t.crtc.state.mode_blob = blobGet(t.device.drm.blob(id)!);
    card.destroyPropertyBlob(id);
    expectErrno(() => card.fd.ioctl('MODE_OBJ_GETPROPERTIES', { obj_id: id, obj_type: ObjectType.BLOB }), 'EINVAL');
  });
});
