/**
 * DRM_CLIENT_CAP_PLANE_COLOR_PIPELINE (7) as mainline ≈6.19 has it (drm_ioctl.c drm_setclientcap,
 * drm_mode_object.c drm_mode_object_get_properties, drm_atomic_uapi.c):
 * - ATOMIC must be set first, else EINVAL; values above 1 EINVAL; 0 turns it off again;
 * - with it, OBJ_GETPROPERTIES hides a plane's COLOR_ENCODING and COLOR_RANGE; without it,
 *   COLOR_PIPELINE;
 * - hiding is all: MODE_ATOMIC looks properties up on the object (drm_mode_obj_find_prop_id), so
 *   a hidden property can still be set by ID, and colorop properties need no cap.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AtomicRequest } from '../../../src/client/atomic.js';
import type { Card } from '../../../src/client/card.js';
import { AtomicFlag, ClientCap } from '../../../src/uapi/drm-mode.js';
import { expectErrno } from '../helpers.js';
import type { CustomDevice } from '../test-driver.js';
import { CLIENT_CAP_PLANE_COLOR_PIPELINE, atomicCard, pipelineDevice, props, type PipelineObjs } from './colorop-device.js';

let dev: CustomDevice<PipelineObjs>;
let O: PipelineObjs;
let plain: Card, capped: Card;
/** Property IDs, from the object itself (independent of what a file sees). */
let ENC: number, RANGE: number, PIPE: number;

beforeAll(async () => {
  dev = await pipelineDevice();
  O = dev.objs;
  // both may become master (CAP_SYS_ADMIN): each commits in turn
  plain = atomicCard(dev, false, { capSysAdmin: true });
  capped = atomicCard(dev, true, { capSysAdmin: true });
  const byName = (n: string) => O.primary.props.find((a) => a.prop.name === n)!.prop.id;
  ENC = byName('COLOR_ENCODING'); RANGE = byName('COLOR_RANGE'); PIPE = byName('COLOR_PIPELINE');
});
afterAll(async () => {
  await dev.unbind();
});

describe('setting the cap', () => {
  it('needs the ATOMIC cap first (EINVAL)', () => {
    const c = dev.open();
    expectErrno(() => c.setClientCap(CLIENT_CAP_PLANE_COLOR_PIPELINE, 1), 'EINVAL');
    expectErrno(() => c.setClientCap(CLIENT_CAP_PLANE_COLOR_PIPELINE, 0), 'EINVAL');
    c.setClientCap(ClientCap.ATOMIC, 1);
    c.setClientCap(CLIENT_CAP_PLANE_COLOR_PIPELINE, 1);
    c.close();
  });

  it('takes 0 or 1 (EINVAL above)', () => {
    const c = atomicCard(dev, false);
    expectErrno(() => c.setClientCap(CLIENT_CAP_PLANE_COLOR_PIPELINE, 2), 'EINVAL');
    expectErrno(() => c.setClientCap(CLIENT_CAP_PLANE_COLOR_PIPELINE, 1n << 40n), 'EINVAL');
    c.setClientCap(CLIENT_CAP_PLANE_COLOR_PIPELINE, 0);
    c.setClientCap(CLIENT_CAP_PLANE_COLOR_PIPELINE, 1);
    c.close();
  });
});

describe('which plane properties a file sees', () => {
  it('without the cap: COLOR_ENCODING and COLOR_RANGE, no COLOR_PIPELINE', () => {
    const names = Object.keys(props(plain, O.primary.id));
    expect(names).toContain('COLOR_ENCODING');
    expect(names).toContain('COLOR_RANGE');
    expect(names).not.toContain('COLOR_PIPELINE');
  });

  it('with the cap: COLOR_PIPELINE, no COLOR_ENCODING / COLOR_RANGE; the rest unchanged', () => {
    const a = Object.keys(props(plain, O.primary.id)), b = Object.keys(props(capped, O.primary.id));
    expect(b).toContain('COLOR_PIPELINE');
    expect(b).not.toContain('COLOR_ENCODING');
    expect(b).not.toContain('COLOR_RANGE');
    expect(b.filter((n) => n !== 'COLOR_PIPELINE')).toEqual(a.filter((n) => n !== 'COLOR_ENCODING' && n !== 'COLOR_RANGE'));
  });

  it('turning the cap off restores the legacy view', () => {
    const c = atomicCard(dev, true);
    c.setClientCap(CLIENT_CAP_PLANE_COLOR_PIPELINE, 0);
    expect(Object.keys(props(c, O.primary.id))).toEqual(Object.keys(props(plain, O.primary.id)));
    c.close();
  });

  it('colorops themselves are listed the same with or without the cap', () => {
    for (const op of O.vkms) expect(props(plain, op.id)).toEqual(props(capped, op.id));
  });
});

/** Make `c` the DRM master (the other one drops it). */
function master(c: Card): void {
  const other = c === plain ? capped : plain;
  try { other.dropMaster(); } catch { /* not master */ }
  c.setMaster();
}

describe('MODE_ATOMIC with hidden properties (set by ID)', () => {
  it('COLOR_PIPELINE can be set without the cap', () => {
    master(plain);
    plain.atomicCommitSync(new AtomicRequest().add(O.primary.id, PIPE, O.vkms[0]!.id));
    expect(props(capped, O.primary.id).COLOR_PIPELINE!.value).toBe(BigInt(O.vkms[0]!.id));
    plain.atomicCommitSync(new AtomicRequest().add(O.primary.id, PIPE, 0));
    expect(props(capped, O.primary.id).COLOR_PIPELINE!.value).toBe(0n);
  });

  it('COLOR_ENCODING / COLOR_RANGE can be set with the cap', () => {
    master(capped);
    capped.atomicCommitSync(new AtomicRequest().add(O.primary.id, ENC, 1).add(O.primary.id, RANGE, 0));
    const v = props(plain, O.primary.id);
    expect([v.COLOR_ENCODING!.value, v.COLOR_RANGE!.value]).toEqual([1n, 0n]);
    capped.atomicCommitSync(new AtomicRequest().add(O.primary.id, ENC, 0).add(O.primary.id, RANGE, 1));
  });

  it('colorop properties can be set without the cap', () => {
    master(plain);
    plain.atomicCommitSync(new AtomicRequest().add(O.vkms[0]!.id, 'BYPASS', 0), AtomicFlag.TEST_ONLY);
  });

  it('a property ID that is not on the object is ENOENT, visible or not', () => {
    expectErrno(() => plain.atomicCommitSync(new AtomicRequest().add(O.vkms[0]!.id, ENC, 0)), 'ENOENT');
    expectErrno(() => plain.atomicCommitSync(new AtomicRequest().add(O.overlay.id, ENC, 0)), 'ENOENT');
  });
});
