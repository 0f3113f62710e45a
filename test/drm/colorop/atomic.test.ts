/**
 * Colorops in MODE_ATOMIC (drm_atomic_uapi.c drm_atomic_set_property's COLOROP case,
 * drm_atomic_colorop_set_property, drm_atomic_color_set_data_property; drm_atomic.c
 * drm_atomic_get_colorop_state; drm_property.c drm_property_change_valid_get):
 * - a colorop is addressed by its object ID; its state is duplicated per commit and swapped in
 *   with the others, so TEST_ONLY and failed commits change nothing;
 * - values are checked against the property first: BYPASS is a 0..1 range, CURVE_1D_TYPE an enum
 *   of the supported curves, TYPE and NEXT are immutable (all EINVAL);
 * - DATA of a 3x4 matrix must be a 96-byte blob (struct drm_color_ctm_3x4), else EINVAL;
 * - COLOR_PIPELINE takes Bypass (0) or a pipeline's first op (other values EINVAL);
 * - a colorop's state does not pull its plane or CRTC into the commit.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AtomicRequest } from '../../../src/client/atomic.js';
import type { Card } from '../../../src/client/card.js';
import { AtomicFlag } from '../../../src/uapi/drm-mode.js';
import { expectErrno } from '../helpers.js';
import type { CustomDevice } from '../test-driver.js';
import { atomicCard, ctm3x4, pipelineDevice, props, type PipelineObjs } from './colorop-device.js';

let dev: CustomDevice<PipelineObjs>;
let O: PipelineObjs;
let card: Card;

beforeAll(async () => {
  dev = await pipelineDevice();
  O = dev.objs;
  card = atomicCard(dev, true);
});
afterAll(async () => {
  await dev.unbind();
});

const req = () => new AtomicRequest();
const commit = (r: AtomicRequest, flags = 0) => card.atomicCommitSync(r, flags);
const val = (id: number, name: string) => props(card, id)[name]!.value;
const propId = (id: number, name: string) => props(card, id)[name]!.id;

describe('BYPASS and CURVE_1D_TYPE', () => {
  it('BYPASS takes 0 and 1; 2 is EINVAL', () => {
    const op = O.vkms[0]!.id;
    commit(req().add(op, 'BYPASS', 0));
    expect(val(op, 'BYPASS')).toBe(0n);
    commit(req().add(op, 'BYPASS', 1));
    expect(val(op, 'BYPASS')).toBe(1n);
    expectErrno(() => commit(req().add(op, 'BYPASS', 2)), 'EINVAL');
    expect(val(op, 'BYPASS')).toBe(1n);
  });

  it('CURVE_1D_TYPE takes the supported curves only', () => {
    const op = O.vkms[3]!.id;
    commit(req().add(op, 'CURVE_1D_TYPE', 1));
    expect(val(op, 'CURVE_1D_TYPE')).toBe(1n);
    for (const bad of [2, 7, 8]) expectErrno(() => commit(req().add(op, 'CURVE_1D_TYPE', bad)), 'EINVAL');
    const g = O.curveOnly[0]!.id;
    commit(req().add(g, 'CURVE_1D_TYPE', 6)); // Gamma 2.2
    expect(val(g, 'CURVE_1D_TYPE')).toBe(6n);
    expectErrno(() => commit(req().add(g, 'CURVE_1D_TYPE', 0)), 'EINVAL'); // sRGB EOTF not offered here
    commit(req().add(op, 'CURVE_1D_TYPE', 0));
  });

  it('MULTIPLIER takes any u64', () => {
    const op = O.custom[0]!.id;
    commit(req().add(op, 'MULTIPLIER', 0xffffffffffffffffn));
    expect(val(op, 'MULTIPLIER')).toBe(0xffffffffffffffffn);
    commit(req().add(op, 'MULTIPLIER', 1n << 32n));
    expect(val(op, 'MULTIPLIER')).toBe(1n << 32n);
  });

  it('TYPE and NEXT are immutable: EINVAL, even with their current value', () => {
    const op = O.vkms[1]!.id;
    expectErrno(() => commit(req().add(op, 'TYPE', 2)), 'EINVAL');
    expectErrno(() => commit(req().add(op, 'NEXT', O.vkms[2]!.id)), 'EINVAL');
  });

  it('a property of another object, or an op type without it, is ENOENT', () => {
    const fbId = O.primary.props.find((a) => a.prop.name === 'FB_ID')!.prop.id;
    expectErrno(() => commit(req().add(O.vkms[0]!.id, fbId, 0)), 'ENOENT');
    // the curve has no DATA, the matrix no CURVE_1D_TYPE: ask for another op's property ID
    expectErrno(() => commit(req().add(O.vkms[0]!.id, propId(O.vkms[1]!.id, 'DATA'), 0)), 'ENOENT');
    expectErrno(() => commit(req().add(O.vkms[1]!.id, propId(O.vkms[0]!.id, 'CURVE_1D_TYPE'), 0)), 'ENOENT');
    // and another colorop's BYPASS, though it has the same name
    expectErrno(() => commit(req().add(O.vkms[0]!.id, propId(O.vkms[3]!.id, 'BYPASS'), 0)), 'ENOENT');
  });

  it('an object ID that does not exist is ENOENT', () => {
    expectErrno(() => commit(req().add(0x7fff0000, 1, 0)), 'ENOENT');
  });
});

describe('DATA (3x4 matrix)', () => {
  const identity = [1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0];

  it('takes a 96-byte blob and reads back its ID; 0 clears it', () => {
    const op = O.vkms[1]!.id;
    const blob = card.createPropertyBlob(ctm3x4(identity));
    commit(req().add(op, 'DATA', blob));
    expect(val(op, 'DATA')).toBe(BigInt(blob));
    expect([...card.getPropertyBlob(blob)]).toEqual([...ctm3x4(identity)]);
    commit(req().add(op, 'DATA', 0));
    expect(val(op, 'DATA')).toBe(0n);
    card.destroyPropertyBlob(blob);
  });

  it('any other size is EINVAL: the 72-byte CRTC CTM, 95, 97, 192 bytes', () => {
    const op = O.vkms[2]!.id;
    for (const n of [72, 95, 97, 192, 8]) {
      const blob = card.createPropertyBlob(new Uint8Array(n));
      expectErrno(() => commit(req().add(op, 'DATA', blob)), 'EINVAL');
      card.destroyPropertyBlob(blob);
    }
    expect(val(op, 'DATA')).toBe(0n);
  });

  it('a blob ID that does not exist is EINVAL', () => {
    expectErrno(() => commit(req().add(O.vkms[2]!.id, 'DATA', 0x7ffffff0)), 'EINVAL');
  });

  it('a matrix without BYPASS takes DATA too', () => {
    const op = O.custom[1]!.id;
    const blob = card.createPropertyBlob(ctm3x4(identity));
    commit(req().add(op, 'DATA', blob));
    expect(val(op, 'DATA')).toBe(BigInt(blob));
    commit(req().add(op, 'DATA', 0));
    card.destroyPropertyBlob(blob);
  });

  it('the state keeps its blob alive after the creator destroys it, until it is replaced', () => {
    const op = O.vkms[1]!.id;
    const blob = card.createPropertyBlob(ctm3x4(identity));
    commit(req().add(op, 'DATA', blob));
    card.destroyPropertyBlob(blob);
    expect(val(op, 'DATA')).toBe(BigInt(blob));
    expect(card.getPropertyBlob(blob).length).toBe(96);
    commit(req().add(op, 'DATA', 0));
    expectErrno(() => card.getPropertyBlob(blob), 'ENOENT');
  });
});

describe('COLOR_PIPELINE', () => {
  it('takes Bypass or a pipeline of this plane; other IDs are EINVAL', () => {
    const plane = O.primary.id;
    commit(req().add(plane, 'COLOR_PIPELINE', O.vkms[0]!.id));
    expect(val(plane, 'COLOR_PIPELINE')).toBe(BigInt(O.vkms[0]!.id));
    for (const bad of [O.vkms[1]!.id, O.custom[0]!.id, O.curveOnly[0]!.id, 1]) expectErrno(() => commit(req().add(plane, 'COLOR_PIPELINE', bad)), 'EINVAL');
    commit(req().add(plane, 'COLOR_PIPELINE', 0));
    expect(val(plane, 'COLOR_PIPELINE')).toBe(0n);
    commit(req().add(O.overlay.id, 'COLOR_PIPELINE', O.curveOnly[0]!.id));
    expect(val(O.overlay.id, 'COLOR_PIPELINE')).toBe(BigInt(O.curveOnly[0]!.id));
    commit(req().add(O.overlay.id, 'COLOR_PIPELINE', 0));
  });
});

describe('colorop state per commit', () => {
  it('TEST_ONLY changes nothing', () => {
    const blob = card.createPropertyBlob(ctm3x4([0, 0, 1, 0, 0, 1, 0, 0, 1, 0, 0, 0]));
    commit(req().add(O.vkms[0]!.id, 'BYPASS', 0).add(O.vkms[0]!.id, 'CURVE_1D_TYPE', 1).add(O.vkms[1]!.id, 'DATA', blob)
      .add(O.primary.id, 'COLOR_PIPELINE', O.vkms[0]!.id), AtomicFlag.TEST_ONLY);
    expect(val(O.vkms[0]!.id, 'BYPASS')).toBe(1n);
    expect(val(O.vkms[0]!.id, 'CURVE_1D_TYPE')).toBe(0n);
    expect(val(O.vkms[1]!.id, 'DATA')).toBe(0n);
    expect(val(O.primary.id, 'COLOR_PIPELINE')).toBe(0n);
    card.destroyPropertyBlob(blob);
    // the discarded state gave its reference back: the blob is gone
    expectErrno(() => card.getPropertyBlob(blob), 'ENOENT');
  });

  it('a commit failing on a later property changes no earlier colorop', () => {
    const blob = card.createPropertyBlob(ctm3x4([0, 0, 1, 0, 0, 1, 0, 0, 1, 0, 0, 0]));
    expectErrno(() => commit(req().add(O.vkms[0]!.id, 'BYPASS', 0).add(O.vkms[1]!.id, 'DATA', blob).add(O.vkms[3]!.id, 'CURVE_1D_TYPE', 5)), 'EINVAL');
    expect(val(O.vkms[0]!.id, 'BYPASS')).toBe(1n);
    expect(val(O.vkms[1]!.id, 'DATA')).toBe(0n);
    card.destroyPropertyBlob(blob);
    expectErrno(() => card.getPropertyBlob(blob), 'ENOENT');
  });

  it('a commit of colorops only has no CRTC: PAGE_FLIP_EVENT is EINVAL', () => {
    commit(req().add(O.primary.id, 'COLOR_PIPELINE', O.vkms[0]!.id));
    expectErrno(() => commit(req().add(O.vkms[0]!.id, 'BYPASS', 0), AtomicFlag.PAGE_FLIP_EVENT), 'EINVAL');
    expect(val(O.vkms[0]!.id, 'BYPASS')).toBe(1n);
    commit(req().add(O.vkms[0]!.id, 'BYPASS', 0));
    expect(val(O.vkms[0]!.id, 'BYPASS')).toBe(0n);
    commit(req().add(O.vkms[0]!.id, 'BYPASS', 1).add(O.primary.id, 'COLOR_PIPELINE', 0));
  });

  it('each op keeps its own state; the last write of a property in a request wins', () => {
    commit(req().add(O.vkms[0]!.id, 'BYPASS', 0).add(O.vkms[3]!.id, 'BYPASS', 0).add(O.vkms[3]!.id, 'CURVE_1D_TYPE', 1).add(O.vkms[3]!.id, 'CURVE_1D_TYPE', 0));
    expect(O.vkms.map((o) => val(o.id, 'BYPASS'))).toEqual([0n, 1n, 1n, 0n]);
    expect(val(O.vkms[3]!.id, 'CURVE_1D_TYPE')).toBe(0n);
    commit(req().add(O.vkms[0]!.id, 'BYPASS', 1).add(O.vkms[3]!.id, 'BYPASS', 1));
    expect(O.vkms.map((o) => val(o.id, 'BYPASS'))).toEqual([1n, 1n, 1n, 1n]);
  });
});

describe('OBJ_SETPROPERTY on a colorop', () => {
  it('commits like any other object (drm_mode_obj_set_property_ioctl → set_property_atomic)', async () => {
    const { createVkms } = await import('../../../src/vkms/index.js');
    const { Card, ClientCap, OBJECT_COLOROP } = await import('../../../src/index.js');
    const vk = await createVkms({ enable_plane_pipeline: true });
    const card = new Card(vk.open());
    card.setClientCap(ClientCap.ATOMIC, 1);
    const plane = vk.data.planes.get('primary')!;
    const pipeProp = plane.props.find((a) => a.prop.name === 'COLOR_PIPELINE')!.prop;
    const firstOp = Number(pipeProp.enums[1]!.value);
    const bypass = card.findProperty(firstOp, OBJECT_COLOROP, 'BYPASS')!;
    expect(bypass.value).toBe(1n);
    card.ioctl('MODE_OBJ_SETPROPERTY', { obj_id: firstOp, obj_type: OBJECT_COLOROP, prop_id: bypass.id, value: 0n });
    expect(card.findProperty(firstOp, OBJECT_COLOROP, 'BYPASS')!.value).toBe(0n);
    await vk.unplug();
  });
});
