/**
 * Legacy property and gamma paths on an atomic driver: GETGAMMA/SETGAMMA (uapi 2.39), DPMS
 * (uapi 2.42), OBJ_SETPROPERTY/SETPROPERTY errnos (uapi 2.52) and their modeset-allowed commit
 * (uapi 2.53).
 */
import { describe, expect, it } from 'vitest';
import { AtomicRequest } from '../../../src/client/atomic.js';
import { AtomicFlag, ClientCap, Dpms, ObjectType } from '../../../src/uapi/drm-mode.js';
import { encodeModeInfo } from '../../../src/uapi/modeinfo.js';
import { createTestDevice, MODE_800x600 } from '../test-driver.js';
import { atomicObserver, createLegacyDevice, fbOf, io, ioErr, lease, light, props, propId, seqOf } from './util.js';

function lut(n: number, f: (i: number, c: number) => number): [Uint16Array, Uint16Array, Uint16Array] {
  return [0, 1, 2].map((c) => Uint16Array.from({ length: n }, (_, i) => f(i, c) & 0xffff)) as [Uint16Array, Uint16Array, Uint16Array];
}

describe('uapi 2.39: legacy gamma', () => {
  it('GETGAMMA: unknown CRTC → ENOENT; size ≠ gamma_size → EINVAL; the initial table is linear (i << 8)', async () => {
    // uapi 2.39
    const t = await createTestDevice();
    const card = t.open();
    const [r, g, b] = lut(256, () => 0xabcd);
    expect(ioErr(card, 'MODE_GETGAMMA', { crtc_id: 9999, gamma_size: 256, red: r, green: g, blue: b })).toBe('ENOENT');
    expect(ioErr(card, 'MODE_GETGAMMA', { crtc_id: t.crtc.id, gamma_size: 255, red: r, green: g, blue: b })).toBe('EINVAL');
    expect(ioErr(card, 'MODE_GETGAMMA', { crtc_id: t.crtc.id, gamma_size: 257, red: r, green: g, blue: b })).toBe('EINVAL');
    expect(card.getCrtc(t.crtc.id).gammaSize).toBe(256);
    io(card, 'MODE_GETGAMMA', { crtc_id: t.crtc.id, gamma_size: 256, red: r, green: g, blue: b });
    const linear = Uint16Array.from({ length: 256 }, (_, i) => i << 8);
    expect(r).toEqual(linear);
    expect(g).toEqual(linear);
    expect(b).toEqual(linear);
  });

  it('SETGAMMA on a CRTC without gamma_set → ENOSYS, before the size check', async () => {
    // uapi 2.39
    const t = await createTestDevice();
    const card = t.open();
    const [r, g, b] = lut(256, (i) => i);
    expect(ioErr(card, 'MODE_SETGAMMA', { crtc_id: 9999, gamma_size: 256, red: r, green: g, blue: b })).toBe('ENOENT');
    expect(ioErr(card, 'MODE_SETGAMMA', { crtc_id: t.crtc.id, gamma_size: 256, red: r, green: g, blue: b })).toBe('ENOSYS');
    expect(ioErr(card, 'MODE_SETGAMMA', { crtc_id: t.crtc.id, gamma_size: 3, red: r, green: g, blue: b })).toBe('ENOSYS');
  });

  it('SETGAMMA: size mismatch → EINVAL; otherwise GETGAMMA returns the table and GAMMA_LUT holds it', async () => {
    // uapi 2.39, 2.30
    const d = await createLegacyDevice();
    const card = d.open();
    const { crtc, connector } = d.objs;
    light(card, crtc, connector);
    const [r, g, b] = lut(256, (i, c) => i * 3 + c * 1000 + 7);
    expect(ioErr(card, 'MODE_SETGAMMA', { crtc_id: crtc.id, gamma_size: 255, red: r, green: g, blue: b })).toBe('EINVAL');
    expect(props(card, crtc.id, ObjectType.CRTC).GAMMA_LUT).toBe(0n);
    io(card, 'MODE_SETGAMMA', { crtc_id: crtc.id, gamma_size: 256, red: r, green: g, blue: b });
    const out = lut(256, () => 0);
    io(card, 'MODE_GETGAMMA', { crtc_id: crtc.id, gamma_size: 256, red: out[0], green: out[1], blue: out[2] });
    expect(out).toEqual([r, g, b]);
    // a legacy (non-atomic) client sees GAMMA_LUT: it is not ATOMIC-flagged
    const blobId = Number(props(card, crtc.id, ObjectType.CRTC).GAMMA_LUT);
    expect(blobId).toBeGreaterThan(0);
    const data = card.getPropertyBlob(blobId);
    const want = new Uint8Array(256 * 8);
    const v = new DataView(want.buffer);
    for (let i = 0; i < 256; i++) { v.setUint16(8 * i, r[i]!, true); v.setUint16(8 * i + 2, g[i]!, true); v.setUint16(8 * i + 4, b[i]!, true); }
    expect(data).toEqual(want);
    // kernel-created: no file owns it
    expect(ioErr(card, 'MODE_DESTROYPROPBLOB', { blob_id: blobId })).toBe('EPERM');
  });

  it('SETGAMMA uses DEGAMMA_LUT when the CRTC only has that; ENODEV when it has neither', async () => {
    // uapi 2.39 (drm_crtc_legacy_gamma_set)
    const d = await createLegacyDevice();
    const card = d.open();
    const [r, g, b] = lut(256, (i) => 0xffff - i);
    io(card, 'MODE_SETGAMMA', { crtc_id: d.objs.degammaCrtc.id, gamma_size: 256, red: r, green: g, blue: b });
    const p = props(card, d.objs.degammaCrtc.id, ObjectType.CRTC);
    expect(p.GAMMA_LUT).toBeUndefined();
    expect(p.DEGAMMA_LUT).toBeGreaterThan(0n);
    expect(card.getPropertyBlob(Number(p.DEGAMMA_LUT)).subarray(0, 8)).toEqual(Uint8Array.from([0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0, 0]));
    expect(ioErr(card, 'MODE_SETGAMMA', { crtc_id: d.objs.bareCrtc.id, gamma_size: 256, red: r, green: g, blue: b })).toBe('ENODEV');
    // the legacy table was stored before gamma_set ran (drm_mode_gamma_set_ioctl)
    const out = lut(256, () => 0);
    io(card, 'MODE_GETGAMMA', { crtc_id: d.objs.bareCrtc.id, gamma_size: 256, red: out[0], green: out[1], blue: out[2] });
    expect(out).toEqual([r, g, b]);
  });
});

describe('uapi 2.42: legacy DPMS on an atomic driver', () => {
  it('non-On values are stored as Off and turn the CRTC off; On turns it back on; MODE_ID stays', async () => {
    // uapi 2.42, 2.43, 8.10
    const t = await createTestDevice();
    const card = t.open();
    const fb = light(card, t.crtc, t.connector);
    const dpms = propId(card, t.connector.id, 'DPMS');
    const obs = atomicObserver(() => t.open());
    for (const value of [Dpms.Standby, Dpms.Suspend, Dpms.Off, 7]) {
      io(card, 'MODE_SETPROPERTY', { connector_id: t.connector.id, prop_id: dpms, value: BigInt(value) });
      expect(props(card, t.connector.id, ObjectType.CONNECTOR).DPMS).toBe(3n);
      expect(props(obs, t.crtc.id, ObjectType.CRTC).ACTIVE).toBe(0n);
      const g = card.getCrtc(t.crtc.id);
      expect(g.modeValid).toBe(true); // enable (MODE_ID) is untouched
      expect(g.bufferId).toBe(fb);
      expect(ioErr(card, 'CRTC_GET_SEQUENCE', { crtc_id: t.crtc.id })).toBe('EINVAL');
      io(card, 'MODE_OBJ_SETPROPERTY', { obj_id: t.connector.id, obj_type: ObjectType.CONNECTOR, prop_id: dpms, value: BigInt(Dpms.On) });
      expect(props(card, t.connector.id, ObjectType.CONNECTOR).DPMS).toBe(0n);
      expect(props(obs, t.crtc.id, ObjectType.CRTC).ACTIVE).toBe(1n);
      expect(seqOf(card, t.crtc.id).active).toBe(1);
    }
  });

  it('a connector on no CRTC just stores the value', async () => {
    // uapi 2.42
    const t = await createTestDevice();
    const card = t.open();
    const dpms = propId(card, t.connector.id, 'DPMS');
    io(card, 'MODE_SETPROPERTY', { connector_id: t.connector.id, prop_id: dpms, value: 2n });
    expect(props(card, t.connector.id, ObjectType.CONNECTOR).DPMS).toBe(3n);
    expect(card.getCrtc(t.crtc.id).modeValid).toBe(false);
  });

  it('the old value is restored when the commit fails', async () => {
    // uapi 2.42
    const d = await createLegacyDevice();
    const card = d.open();
    const { crtc, connector } = d.objs;
    light(card, crtc, connector);
    const dpms = propId(card, connector.id, 'DPMS');
    d.ctl.failCrtcCheck = true;
    expect(ioErr(card, 'MODE_SETPROPERTY', { connector_id: connector.id, prop_id: dpms, value: BigInt(Dpms.Off) })).toBe('EINVAL');
    d.ctl.failCrtcCheck = false;
    expect(props(card, connector.id, ObjectType.CONNECTOR).DPMS).toBe(0n);
    const obs = atomicObserver(() => d.open());
    expect(props(obs, crtc.id, ObjectType.CRTC).ACTIVE).toBe(1n);
    // and it still works afterwards
    io(card, 'MODE_SETPROPERTY', { connector_id: connector.id, prop_id: dpms, value: BigInt(Dpms.Off) });
    expect(props(obs, crtc.id, ObjectType.CRTC).ACTIVE).toBe(0n);
  });

  it('DPMS on a non-connector object → EINVAL (the property is not attached there)', async () => {
    // uapi 2.42, 2.52
    const t = await createTestDevice();
    const card = t.open();
    const dpms = propId(card, t.connector.id, 'DPMS');
    expect(ioErr(card, 'MODE_OBJ_SETPROPERTY', { obj_id: t.crtc.id, obj_type: ObjectType.CRTC, prop_id: dpms, value: 0n })).toBe('EINVAL');
  });
});

describe('uapi 2.52: OBJ_SETPROPERTY / SETPROPERTY errnos', () => {
  it('unknown object or wrong type → ENOENT; object without properties → EINVAL; property not attached → EINVAL (ATOMIC: ENOENT)', async () => {
    // uapi 2.52, 3.10
    const t = await createTestDevice();
    const card = t.open();
    const fb = fbOf(card, 64, 64);
    const gammaLut = propId(card, t.crtc.id, 'GAMMA_LUT');
    const rotation = propId(card, t.primary.id, 'rotation');
    const set = (obj_id: number, obj_type: number, prop_id: number, value = 0n) => ioErr(card, 'MODE_OBJ_SETPROPERTY', { obj_id, obj_type, prop_id, value });
    expect(set(9999, ObjectType.ANY, rotation)).toBe('ENOENT');
    expect(set(t.crtc.id, ObjectType.CONNECTOR, gammaLut)).toBe('ENOENT');
    expect(set(t.crtc.id, ObjectType.MODE, gammaLut)).toBe('ENOENT');
    expect(set(t.encoder.id, ObjectType.ENCODER, rotation)).toBe('EINVAL');
    expect(set(fb, ObjectType.FB, rotation)).toBe('EINVAL');
    expect(set(rotation, ObjectType.PROPERTY, rotation)).toBe('EINVAL');
    expect(set(t.primary.id, ObjectType.PLANE, gammaLut)).toBe('EINVAL'); // a real property, attached elsewhere
    expect(set(t.primary.id, ObjectType.PLANE, 9999)).toBe('EINVAL');
    expect(ioErr(card, 'MODE_SETPROPERTY', { connector_id: t.crtc.id, prop_id: propId(card, t.connector.id, 'DPMS'), value: 0n })).toBe('ENOENT');
    expect(ioErr(card, 'MODE_SETPROPERTY', { connector_id: t.connector.id, prop_id: rotation, value: 1n })).toBe('EINVAL');
    // the ATOMIC ioctl answers ENOENT for the same unattached property
    card.setClientCap(ClientCap.ATOMIC, 1);
    const err = ioErr(card, 'MODE_ATOMIC', {
      count_objs: 1, objs_ptr: Uint32Array.of(t.primary.id), count_props_ptr: Uint32Array.of(1),
      props_ptr: Uint32Array.of(gammaLut), prop_values_ptr: BigUint64Array.of(0n),
    });
    expect(err).toBe('ENOENT');
  });

  it('an invalid value → EINVAL and nothing changes', async () => {
    // uapi 2.52, 2.10, 2.12, 2.23
    const t = await createTestDevice();
    const card = t.open();
    light(card, t.crtc, t.connector);
    const set = (obj_id: number, name: string, value: bigint) => ioErr(card, 'MODE_OBJ_SETPROPERTY', { obj_id, obj_type: ObjectType.ANY, prop_id: propId(card, obj_id, name), value });
    expect(set(t.primary.id, 'rotation', 0n)).toBe('EINVAL');
    expect(set(t.primary.id, 'rotation', 1n << 7n)).toBe('EINVAL');
    expect(set(t.connector.id, 'link-status', 5n)).toBe('EINVAL');
    expect(set(t.crtc.id, 'VRR_ENABLED', 2n)).toBe('EINVAL');
    expect(set(t.crtc.id, 'GAMMA_LUT', 9999n)).toBe('EINVAL');
    expect(props(card, t.primary.id, ObjectType.PLANE).rotation).toBe(1n);
  });

  it('objects outside the caller\'s lease → ENOENT', async () => {
    // uapi 2.52, 6.18
    const t = await createTestDevice({ crtcs: 2 });
    const owner = t.open();
    const { lessee } = lease(owner, [t.crtcs[1]!.id, t.connector.id]);
    const rotation = propId(owner, t.primary.id, 'rotation');
    expect(ioErr(lessee, 'MODE_OBJ_SETPROPERTY', { obj_id: t.primary.id, obj_type: ObjectType.PLANE, prop_id: rotation, value: 1n })).toBe('ENOENT');
    expect(ioErr(lessee, 'MODE_OBJ_SETPROPERTY', { obj_id: t.crtc.id, obj_type: ObjectType.ANY, prop_id: propId(owner, t.crtc.id, 'VRR_ENABLED'), value: 0n })).toBe('ENOENT');
  });
});

describe('uapi 2.53: OBJ_SETPROPERTY commits with modeset allowed', () => {
  it('ACTIVE and MODE_ID change through OBJ_SETPROPERTY without ALLOW_MODESET', async () => {
    // uapi 2.53
    const t = await createTestDevice();
    const card = t.open();
    light(card, t.crtc, t.connector);
    card.setClientCap(ClientCap.ATOMIC, 1);
    const active = propId(card, t.crtc.id, 'ACTIVE');
    const modeId = propId(card, t.crtc.id, 'MODE_ID');
    // the ATOMIC ioctl refuses the same change without ALLOW_MODESET
    expect(() => card.atomicCommitSync(new AtomicRequest().add(t.crtc.id, 'ACTIVE', 0))).toThrow(expect.objectContaining({ code: 'EINVAL' }));
    io(card, 'MODE_OBJ_SETPROPERTY', { obj_id: t.crtc.id, obj_type: ObjectType.CRTC, prop_id: active, value: 0n });
    expect(props(card, t.crtc.id, ObjectType.CRTC).ACTIVE).toBe(0n);
    expect(ioErr(card, 'CRTC_GET_SEQUENCE', { crtc_id: t.crtc.id })).toBe('EINVAL');
    io(card, 'MODE_OBJ_SETPROPERTY', { obj_id: t.crtc.id, obj_type: ObjectType.CRTC, prop_id: active, value: 1n });
    expect(props(card, t.crtc.id, ObjectType.CRTC).ACTIVE).toBe(1n);
    const blob = card.createModeBlob(MODE_800x600);
    io(card, 'MODE_OBJ_SETPROPERTY', { obj_id: t.crtc.id, obj_type: ObjectType.CRTC, prop_id: modeId, value: BigInt(blob) });
    const g = card.getCrtc(t.crtc.id);
    expect(g.modeValid).toBe(true);
    expect(g.mode).toEqual({ ...MODE_800x600, vrefresh: 60 });
    expect(props(card, t.crtc.id, ObjectType.CRTC).MODE_ID).toBe(BigInt(blob));
    expect(card.getPropertyBlob(blob)).toEqual(encodeModeInfo(MODE_800x600));
    // a failing value (MODE_ID = 0 while connectors stay routed) is refused and changes nothing
    expect(ioErr(card, 'MODE_OBJ_SETPROPERTY', { obj_id: t.crtc.id, obj_type: ObjectType.CRTC, prop_id: modeId, value: 0n })).toBe('EINVAL');
    expect(card.getCrtc(t.crtc.id).modeValid).toBe(true);
  });

  it('a plane FB_ID set through OBJ_SETPROPERTY is committed', async () => {
    // uapi 2.53
    const t = await createTestDevice();
    const card = t.open();
    light(card, t.crtc, t.connector);
    const fb2 = fbOf(card, 1024, 768);
    const fbId = propId(atomicObserver(() => t.open()), t.primary.id, 'FB_ID');
    io(card, 'MODE_OBJ_SETPROPERTY', { obj_id: t.primary.id, obj_type: ObjectType.PLANE, prop_id: fbId, value: BigInt(fb2) });
    expect(card.getCrtc(t.crtc.id).bufferId).toBe(fb2);
  });
});
