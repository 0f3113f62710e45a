/** Plane properties and the IN_FORMATS blob (uapi 2.16–2.18). */
import { describe, expect, it } from 'vitest';
import type { Card } from '../../src/client/card.js';
import { ClientCap, ObjectType, PlaneType, PropFlag } from '../../src/uapi/drm-mode.js';
import { Fourcc } from '../../src/uapi/fourcc.js';
import { createCustomDevice, createTestDevice, PLANE_FORMATS } from './test-driver.js';
import { propNames, propValues, U64_ALL_ONES } from './helpers.js';

const { RANGE, IMMUTABLE, ENUM, BLOB, OBJECT, SIGNED_RANGE, ATOMIC } = PropFlag;

function prop(card: Card, planeId: number, name: string) {
  const p = card.findProperty(planeId, ObjectType.PLANE, name);
  if (!p) throw new Error(`no ${name} on plane ${planeId}`);
  return { flags: p.info.flags >>> 0, values: p.info.values, enums: p.info.enums, value: p.value };
}

describe('uapi 2.16: plane properties', () => {
  it('"type" comes first: an immutable enum with the plane type as value', async () => {
    // uapi 2.16
    const t = await createTestDevice();
    const card = t.open();
    card.setClientCap(ClientCap.ATOMIC, 1);
    for (const [plane, type] of [[t.primary, 1n], [t.overlay!, 0n], [t.cursor!, 2n]] as const) {
      expect(propNames(card, plane.id, ObjectType.PLANE)[0]).toBe('type');
      expect(prop(card, plane.id, 'type')).toEqual({
        flags: ENUM | IMMUTABLE, values: [0n, 1n, 2n], value: type,
        enums: [{ name: 'Overlay', value: 0n }, { name: 'Primary', value: 1n }, { name: 'Cursor', value: 2n }],
      });
    }
    expect([PlaneType.OVERLAY, PlaneType.PRIMARY, PlaneType.CURSOR]).toEqual([0, 1, 2]);
  });

  it('atomic drivers attach FB_ID, IN_FENCE_FD, CRTC_ID, CRTC_*, SRC_* with their types and initial values', async () => {
    // uapi 2.16
    const t = await createTestDevice();
    const card = t.open();
    card.setClientCap(ClientCap.ATOMIC, 1);
    const id = t.overlay!.id;
    expect(propNames(card, id, ObjectType.PLANE)).toEqual(['type', 'FB_ID', 'IN_FENCE_FD', 'CRTC_ID', 'CRTC_X', 'CRTC_Y', 'CRTC_W', 'CRTC_H', 'SRC_X', 'SRC_Y', 'SRC_W', 'SRC_H', 'IN_FORMATS']);
    const p = (n: string) => { const x = prop(card, id, n); return [x.flags, x.values, x.value]; };
    expect(p('FB_ID')).toEqual([(OBJECT | ATOMIC) >>> 0, [0xfbfbfbfbn], 0n]);
    expect(p('IN_FENCE_FD')).toEqual([(SIGNED_RANGE | ATOMIC) >>> 0, [U64_ALL_ONES, 0x7fffffffn], U64_ALL_ONES]);
    expect(p('CRTC_ID')).toEqual([(OBJECT | ATOMIC) >>> 0, [0xccccccccn], 0n]);
    for (const n of ['CRTC_X', 'CRTC_Y']) expect(p(n)).toEqual([(SIGNED_RANGE | ATOMIC) >>> 0, [0xffffffff80000000n, 0x7fffffffn], 0n]);
    for (const n of ['CRTC_W', 'CRTC_H']) expect(p(n)).toEqual([(RANGE | ATOMIC) >>> 0, [0n, 0x7fffffffn], 0n]);
    for (const n of ['SRC_X', 'SRC_Y', 'SRC_W', 'SRC_H']) expect(p(n)).toEqual([(RANGE | ATOMIC) >>> 0, [0n, 0xffffffffn], 0n]);
  });

  it('the plane properties are the shared standard ones', async () => {
    // uapi 2.16 (drm_mode_create_standard_properties: one property object for all planes)
    const t = await createTestDevice();
    const card = t.open();
    card.setClientCap(ClientCap.ATOMIC, 1);
    const ids = (plane: { id: number }) => card.getObjectProperties(plane.id, ObjectType.PLANE).props.slice(0, 12);
    const std = t.device.drm.std;
    const expected = [std.type, std.FB_ID, std.IN_FENCE_FD, std.CRTC_ID, std.CRTC_X, std.CRTC_Y, std.CRTC_W, std.CRTC_H, std.SRC_X, std.SRC_Y, std.SRC_W, std.SRC_H].map((p) => p.id);
    expect(ids(t.primary)).toEqual(expected);
    expect(ids(t.overlay!)).toEqual(expected);
    expect(expected).toEqual([8, 17, 18, 20, 13, 14, 15, 16, 9, 10, 11, 12]);
  });
});

describe('uapi 2.17: IN_FORMATS', () => {
  it('is an immutable, non-atomic blob attached after the atomic properties', async () => {
    // uapi 2.17
    const t = await createTestDevice();
    const legacy = t.open();
    const p = prop(legacy, t.primary.id, 'IN_FORMATS');
    expect(p.flags).toBe(BLOB | IMMUTABLE);
    expect(p.value).toBe(33n);
    expect(propNames(legacy, t.overlay!.id, ObjectType.PLANE)).toEqual(['type', 'IN_FORMATS']); // visible without ATOMIC
    // each plane has its own blob
    const v = [t.primary, t.overlay!, t.cursor!].map((pl) => propValues(legacy, pl.id, ObjectType.PLANE).IN_FORMATS);
    expect(v).toEqual([33n, 36n, 38n]);
  });

  it('is absent when the driver has no modifiers (fb_modifiers_not_supported) or passes an empty list', async () => {
    // uapi 2.17
    const t = await createTestDevice({ modeConfig: { fbModifiersNotSupported: true } });
    const card = t.open();
    card.setClientCap(ClientCap.ATOMIC, 1);
    expect(propNames(card, t.primary.id, ObjectType.PLANE)).toEqual(['type', 'FB_ID', 'IN_FENCE_FD', 'CRTC_ID', 'CRTC_X', 'CRTC_Y', 'CRTC_W', 'CRTC_H', 'SRC_X', 'SRC_Y', 'SRC_W', 'SRC_H', 'rotation']);
    expect(t.overlay!.id).toBe(t.primary.id + 2); // no blob allocated between planes (rotation took +1)
    const t2 = await createCustomDevice((u) => {
      const p = u.createPlane({ type: PlaneType.PRIMARY, possibleCrtcs: 0, formats: PLANE_FORMATS, modifiers: [] });
      u.createCrtc({ primary: p, cursor: null });
      return p;
    });
    expect(propNames(t2.open(), t2.objs.id, ObjectType.PLANE)).toEqual(['type']);
  });
});

describe('uapi 2.18: IN_FORMATS blob layout', () => {
  /** Read the blob through GETPROPBLOB and decode the header and tables by hand. */
  function decode(bytes: Uint8Array) {
    const v = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    const u32 = (o: number) => v.getUint32(o, true);
    const u64 = (o: number) => v.getBigUint64(o, true);
    const header = { version: u32(0), flags: u32(4), count_formats: u32(8), formats_offset: u32(12), count_modifiers: u32(16), modifiers_offset: u32(20) };
    const formats = Array.from({ length: header.count_formats }, (_, i) => u32(header.formats_offset + 4 * i));
    const modifiers = Array.from({ length: header.count_modifiers }, (_, i) => {
      const o = header.modifiers_offset + 24 * i;
      return { formats: u64(o), offset: u32(o + 8), pad: u32(o + 12), modifier: u64(o + 16) };
    });
    return { header, formats, modifiers, size: bytes.byteLength };
  }

  it('primary plane: 4 formats, LINEAR', async () => {
    // uapi 2.18
    const t = await createTestDevice();
    const card = t.open();
    const bytes = card.getPropertyBlob(33);
    const d = decode(bytes);
    expect(d.header).toEqual({ version: 1, flags: 0, count_formats: 4, formats_offset: 24, count_modifiers: 1, modifiers_offset: 40 });
    expect(d.formats).toEqual(PLANE_FORMATS);
    expect(d.modifiers).toEqual([{ formats: 0xfn, offset: 0, pad: 0, modifier: 0n }]);
    expect(d.size).toBe(24 + 16 + 24);
  });

  it('an odd format count pads the format table to 8 bytes with zeros', async () => {
    // uapi 2.18: modifiers_offset = ALIGN(24 + 4*count_formats, 8)
    const t = await createTestDevice();
    const bytes = t.open().getPropertyBlob(38); // cursor plane: ARGB8888 only
    const d = decode(bytes);
    expect(d.header).toEqual({ version: 1, flags: 0, count_formats: 1, formats_offset: 24, count_modifiers: 1, modifiers_offset: 32 });
    expect(d.formats).toEqual([Fourcc.ARGB8888]);
    expect([...bytes.subarray(28, 32)]).toEqual([0, 0, 0, 0]);
    expect(d.modifiers).toEqual([{ formats: 0x1n, offset: 0, pad: 0, modifier: 0n }]);
    expect(d.size).toBe(56);
  });

  it('several modifiers: one 24-byte entry each, every format valid with every modifier', async () => {
    // uapi 2.18
    const X_TILED = 0x0100000000000001n; // I915_FORMAT_MOD_X_TILED
    const t = await createCustomDevice((u) => {
      const p = u.createPlane({ type: PlaneType.PRIMARY, possibleCrtcs: 0, formats: [Fourcc.XRGB8888, Fourcc.ARGB8888, Fourcc.NV12], modifiers: [0n, X_TILED] });
      u.createCrtc({ primary: p, cursor: null });
      return p;
    });
    const card = t.open();
    const id = Number(card.findProperty(t.objs.id, ObjectType.PLANE, 'IN_FORMATS')!.value);
    const d = decode(card.getPropertyBlob(id));
    expect(d.header).toEqual({ version: 1, flags: 0, count_formats: 3, formats_offset: 24, count_modifiers: 2, modifiers_offset: 40 });
    expect(d.formats).toEqual([Fourcc.XRGB8888, Fourcc.ARGB8888, Fourcc.NV12]);
    expect(d.modifiers).toEqual([
      { formats: 0x7n, offset: 0, pad: 0, modifier: 0n },
      { formats: 0x7n, offset: 0, pad: 0, modifier: X_TILED },
    ]);
    expect(d.size).toBe(24 + 16 + 48);
  });
});
