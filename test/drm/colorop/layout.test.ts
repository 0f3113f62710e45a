/**
 * Colorop objects and their properties as userspace enumerates them (drm_colorop.c
 * drm_plane_colorop_init and the per-type init helpers, drm_plane.c
 * drm_plane_create_color_pipeline_property, drm_mode_object.c OBJ_GETPROPERTIES).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Card } from '../../../src/client/card.js';
import { ContextError } from '../../../src/drm/driver/device.js';
import { ClientCap, ObjectType } from '../../../src/uapi/drm-mode.js';
import { DrmError } from '../../../src/uapi/errno.js';
import { createCustomDevice, type CustomDevice } from '../test-driver.js';
import { PlaneType } from '../../../src/uapi/drm-mode.js';
import { Fourcc } from '../../../src/uapi/fourcc.js';
import { expectErrno } from '../helpers.js';
import { OBJECT_COLOROP, PROP, atomicCard, pipelineDevice, props, type PipelineObjs } from './colorop-device.js';

let dev: CustomDevice<PipelineObjs>;
let card: Card;
let O: PipelineObjs;

beforeAll(async () => {
  dev = await pipelineDevice();
  O = dev.objs;
  card = atomicCard(dev, true);
});
afterAll(async () => {
  await dev.unbind();
});

const TYPE_ENUM = [
  { value: 0n, name: '1D Curve' }, { value: 1n, name: '1D LUT' }, { value: 2n, name: '3x4 Matrix' },
  { value: 3n, name: 'Multiplier' }, { value: 4n, name: '3D LUT' },
];

describe('colorop objects', () => {
  it('are mode objects of type DRM_MODE_OBJECT_COLOROP (0xfafafafa)', () => {
    for (const op of [...O.vkms, ...O.custom, ...O.curveOnly]) {
      expect(op.objType).toBe(OBJECT_COLOROP);
      // OBJ_GETPROPERTIES finds it with its own type and with ANY, not as another type
      expect(card.getObjectProperties(op.id, OBJECT_COLOROP).props.length).toBeGreaterThan(0);
      expect(card.getObjectProperties(op.id, ObjectType.ANY).props.length).toBeGreaterThan(0);
      expectErrno(() => card.getObjectProperties(op.id, ObjectType.PLANE), 'ENOENT');
    }
    // and a plane is not a colorop
    expectErrno(() => card.getObjectProperties(O.primary.id, OBJECT_COLOROP), 'ENOENT');
  });

  it('a 1D curve has TYPE, BYPASS, NEXT, CURVE_1D_TYPE, in that order; a 3x4 matrix TYPE, BYPASS, NEXT, DATA', () => {
    const names = (id: number) => card.getObjectProperties(id).props.map((p) => card.getProperty(p).name);
    expect(names(O.vkms[0]!.id)).toEqual(['TYPE', 'BYPASS', 'NEXT', 'CURVE_1D_TYPE']);
    expect(names(O.vkms[1]!.id)).toEqual(['TYPE', 'BYPASS', 'NEXT', 'DATA']);
    expect(names(O.vkms[2]!.id)).toEqual(['TYPE', 'BYPASS', 'NEXT', 'DATA']);
    expect(names(O.vkms[3]!.id)).toEqual(['TYPE', 'BYPASS', 'NEXT', 'CURVE_1D_TYPE']);
    // a multiplier: MULTIPLIER; without DRM_COLOROP_FLAG_ALLOW_BYPASS there is no BYPASS
    expect(names(O.custom[0]!.id)).toEqual(['TYPE', 'BYPASS', 'NEXT', 'MULTIPLIER']);
    expect(names(O.custom[1]!.id)).toEqual(['TYPE', 'NEXT', 'DATA']);
  });

  it('initial values: TYPE = the op type, BYPASS = 1, NEXT = the next op (0 at the end), curve = lowest supported, DATA = 0', () => {
    const ids = O.vkms.map((o) => o.id);
    const v = ids.map((id) => props(card, id));
    expect(v.map((p) => p.TYPE!.value)).toEqual([0n, 2n, 2n, 0n]);
    expect(v.map((p) => p.BYPASS!.value)).toEqual([1n, 1n, 1n, 1n]);
    expect(v.map((p) => p.NEXT!.value)).toEqual([BigInt(ids[1]!), BigInt(ids[2]!), BigInt(ids[3]!), 0n]);
    expect(v[0]!.CURVE_1D_TYPE!.value).toBe(0n); // sRGB EOTF
    expect(v[1]!.DATA!.value).toBe(0n);
    const c = props(card, O.custom[0]!.id);
    expect(c.TYPE!.value).toBe(3n);
    expect(c.MULTIPLIER!.value).toBe(0n);
    expect(c.NEXT!.value).toBe(BigInt(O.custom[1]!.id));
    // the Gamma 2.2 / PQ curve defaults to its lowest enum value: PQ 125 EOTF (2)
    expect(props(card, O.curveOnly[0]!.id).CURVE_1D_TYPE!.value).toBe(2n);
  });

  it('every colorop has its own property objects, with the kernel flags and values', () => {
    const a = props(card, O.vkms[0]!.id), b = props(card, O.vkms[3]!.id);
    for (const k of ['TYPE', 'BYPASS', 'NEXT', 'CURVE_1D_TYPE']) expect(a[k]!.id).not.toBe(b[k]!.id);
    const type = card.getProperty(a.TYPE!.id);
    expect(type.flags).toBe(PROP.ENUM | PROP.IMMUTABLE);
    expect(type.enums).toEqual(TYPE_ENUM);
    const bypass = card.getProperty(a.BYPASS!.id);
    expect(bypass.flags >>> 0).toBe((PROP.RANGE | PROP.ATOMIC) >>> 0);
    expect(bypass.values).toEqual([0n, 1n]);
    const next = card.getProperty(a.NEXT!.id);
    expect(next.flags >>> 0).toBe((PROP.OBJECT | PROP.IMMUTABLE | PROP.ATOMIC) >>> 0);
    expect(next.values).toEqual([BigInt(OBJECT_COLOROP)]);
    const curve = card.getProperty(a.CURVE_1D_TYPE!.id);
    expect(curve.flags >>> 0).toBe((PROP.ENUM | PROP.ATOMIC) >>> 0);
    expect(curve.enums).toEqual([{ value: 0n, name: 'sRGB EOTF' }, { value: 1n, name: 'sRGB Inverse EOTF' }]);
    const data = card.getProperty(props(card, O.vkms[1]!.id).DATA!.id);
    expect(data.flags >>> 0).toBe((PROP.BLOB | PROP.ATOMIC) >>> 0);
    expect(data.values).toEqual([]);
    const mult = card.getProperty(props(card, O.custom[0]!.id).MULTIPLIER!.id);
    expect(mult.flags >>> 0).toBe((PROP.RANGE | PROP.ATOMIC) >>> 0);
    expect(mult.values).toEqual([0n, 0xffffffffffffffffn]);
    const gamma = card.getProperty(props(card, O.curveOnly[0]!.id).CURVE_1D_TYPE!.id);
    expect(gamma.enums).toEqual([{ value: 2n, name: 'PQ 125 EOTF' }, { value: 6n, name: 'Gamma 2.2' }]);
  });

  it('IDs: each op is its object then TYPE, BYPASS, NEXT and its own property; COLOR_PIPELINE comes after the last op', () => {
    // drm_mode_object_add for the colorop, then one drm_property per property, in creation order
    const ids = O.vkms.map((o) => o.id);
    for (let i = 0; i < 4; i++) {
      const p = props(card, ids[i]!);
      const last = i === 0 || i === 3 ? p.CURVE_1D_TYPE! : p.DATA!;
      expect([p.TYPE!.id, p.BYPASS!.id, p.NEXT!.id, last.id]).toEqual([ids[i]! + 1, ids[i]! + 2, ids[i]! + 3, ids[i]! + 4]);
      if (i < 3) expect(ids[i + 1]).toBe(ids[i]! + 5);
    }
    expect(props(card, O.primary.id).COLOR_PIPELINE!.id).toBe(ids[3]! + 5);
  });

  it('a client without ATOMIC sees only TYPE (every other colorop property is atomic)', () => {
    const legacy = dev.open();
    expect(Object.keys(props(legacy, O.vkms[1]!.id))).toEqual(['TYPE']);
    expect(Object.keys(props(legacy, O.custom[1]!.id))).toEqual(['TYPE']);
    legacy.close();
  });
});

describe('COLOR_PIPELINE', () => {
  it('is an atomic enum "Bypass" = 0 then one entry per pipeline, value = its first op ID; initial Bypass', () => {
    const p = props(card, O.primary.id).COLOR_PIPELINE!;
    expect(p.value).toBe(0n);
    const info = card.getProperty(p.id);
    expect(info.flags >>> 0).toBe((PROP.ENUM | PROP.ATOMIC) >>> 0);
    expect(info.enums).toEqual([{ value: 0n, name: 'Bypass' }, { value: BigInt(O.vkms[0]!.id), name: `Color Pipeline ${O.vkms[0]!.id}` }]);
    expect(info.values).toEqual([0n, BigInt(O.vkms[0]!.id)]);
  });

  it('is the last plane property, after COLOR_ENCODING / COLOR_RANGE (hidden with the cap)', () => {
    const names = card.getObjectProperties(O.primary.id).props.map((id) => card.getProperty(id).name);
    expect(names[names.length - 1]).toBe('COLOR_PIPELINE');
  });

  it('a second pipeline on the same plane is another entry of the same property', () => {
    const info = card.getProperty(props(card, O.overlay.id).COLOR_PIPELINE!.id);
    expect(info.enums).toEqual([
      { value: 0n, name: 'Bypass' }, { value: BigInt(O.custom[0]!.id), name: 'Custom' },
      { value: BigInt(O.curveOnly[0]!.id), name: `Color Pipeline ${O.curveOnly[0]!.id}` },
    ]);
    // each plane has its own COLOR_PIPELINE property
    expect(props(card, O.overlay.id).COLOR_PIPELINE!.id).not.toBe(props(card, O.primary.id).COLOR_PIPELINE!.id);
  });

  it('a plane without pipelines has no COLOR_PIPELINE', async () => {
    const d = await createCustomDevice((u) => {
      const p = u.createPlane({ type: PlaneType.PRIMARY, possibleCrtcs: 0, formats: [Fourcc.XRGB8888] });
      u.createCrtc({ primary: p, cursor: null });
      return p;
    });
    const c = d.open();
    c.setClientCap(ClientCap.ATOMIC, 1);
    c.setClientCap(7, 1); // allowed even with no pipeline anywhere (mainline ≈6.19)
    expect(Object.keys(props(c, d.objs.id))).not.toContain('COLOR_PIPELINE');
    await d.unbind();
  });
});

describe('driver API', () => {
  it('rejects bad pipelines with EINVAL and pipelines after registration', async () => {
    const errs: unknown[] = [];
    const d = await createCustomDevice((u) => {
      const p = u.createPlane({ type: PlaneType.PRIMARY, possibleCrtcs: 0, formats: [Fourcc.XRGB8888] });
      u.createCrtc({ primary: p, cursor: null });
      const attempt = (f: () => unknown) => { try { f(); errs.push(null); } catch (e) { errs.push(e); } };
      attempt(() => u.createColorPipeline(p, [])); // no op
      attempt(() => u.createColorPipeline(p, [{ type: 'curve-1d', curves: [] }])); // no supported curve
      attempt(() => u.createColorPipeline(p, [{ type: 'curve-1d', curves: [8] }])); // unknown curve
      return { u, p };
    });
    expect(errs.map((e) => (e instanceof DrmError ? e.code : e))).toEqual(['EINVAL', 'EINVAL', 'EINVAL']);
    expect(() => d.objs.u.createColorPipeline(d.objs.p, [{ type: 'ctm-3x4' }])).toThrow(ContextError);
    await d.unbind();
  });
});
