/**
 * What the optional plane properties look like to userspace (uapi 2.20, 2.21, 2.24, 2.25): type
 * flags, range or enum entries, defaults — the expectations are the spec's text, not the code's.
 */
import { describe, expect, it } from 'vitest';
import { ClientCap, ObjectType, PlaneType, PropFlag } from '../../src/uapi/drm-mode.js';
import type { UnregisteredDevice } from '../../src/drm/driver/registration.js';
import type { Plane } from '../../src/drm/types.js';
import { createCustomDevice, PLANE_FORMATS, type TestTypes } from './test-driver.js';

const { RANGE, IMMUTABLE, ENUM } = PropFlag;

async function planeWith(setup: (u: UnregisteredDevice<TestTypes>, p: Plane) => void) {
  const t = await createCustomDevice((u) => {
    const p = u.createPlane({ type: PlaneType.PRIMARY, possibleCrtcs: 0, formats: PLANE_FORMATS });
    setup(u, p);
    u.createCrtc({ primary: p, cursor: null });
    return p;
  });
  const card = t.open();
  card.setClientCap(ClientCap.ATOMIC, 1);
  return (name: string) => card.findProperty(t.objs.id, ObjectType.PLANE, name)!;
}

describe('optional plane property layouts', () => {
  it('alpha: RANGE 0..0xffff, flags 0, default 0xffff', async () => {
    // uapi 2.20
    const prop = await planeWith((u, p) => u.addAlphaProperty(p));
    const alpha = prop('alpha');
    expect(alpha.info.flags).toBe(RANGE);
    expect(alpha.info.values).toEqual([0n, 0xffffn]);
    expect(alpha.value).toBe(0xffffn);
  });

  it('pixel blend mode: ENUM in the order None, Pre-multiplied, Coverage; default Pre-multiplied', async () => {
    // uapi 2.21
    const prop = await planeWith((u, p) => u.addBlendModeProperty(p, 0b111));
    const mode = prop('pixel blend mode');
    expect(mode.info.flags).toBe(ENUM);
    expect(mode.info.enums).toEqual([
      { name: 'None', value: 2n }, { name: 'Pre-multiplied', value: 0n }, { name: 'Coverage', value: 1n },
    ]);
    expect(mode.value).toBe(0n);
  });

  it('zpos: a mutable RANGE min..max with flags 0, or IMMUTABLE zpos..zpos for a fixed plane', async () => {
    // uapi 2.24
    const mutable = (await planeWith((u, p) => u.addZposProperty(p, 1, 0, 3)))('zpos');
    expect(mutable.info.flags).toBe(RANGE);
    expect(mutable.info.values).toEqual([0n, 3n]);
    expect(mutable.value).toBe(1n);
    const fixed = (await planeWith((u, p) => u.addZposProperty(p, 2, 2, 2, true)))('zpos');
    expect(fixed.info.flags).toBe(RANGE | IMMUTABLE);
    expect(fixed.info.values).toEqual([2n, 2n]);
    expect(fixed.value).toBe(2n);
  });

  it('COLOR_ENCODING and COLOR_RANGE: ENUMs (flags 0) with the kernel names and values, subsets as supported', async () => {
    // uapi 2.25
    const all = await planeWith((u, p) => u.addColorProperties(p, 0b111, 0b11, 0, 1));
    const enc = all('COLOR_ENCODING');
    expect(enc.info.flags).toBe(ENUM);
    expect(enc.info.enums).toEqual([
      { name: 'ITU-R BT.601 YCbCr', value: 0n }, { name: 'ITU-R BT.709 YCbCr', value: 1n }, { name: 'ITU-R BT.2020 YCbCr', value: 2n },
    ]);
    expect(enc.value).toBe(0n);
    const range = all('COLOR_RANGE');
    expect(range.info.flags).toBe(ENUM);
    expect(range.info.enums).toEqual([{ name: 'YCbCr limited range', value: 0n }, { name: 'YCbCr full range', value: 1n }]);
    expect(range.value).toBe(1n);

    const subset = await planeWith((u, p) => u.addColorProperties(p, 0b110, 0b01, 2, 0));
    expect(subset('COLOR_ENCODING').info.enums).toEqual([{ name: 'ITU-R BT.709 YCbCr', value: 1n }, { name: 'ITU-R BT.2020 YCbCr', value: 2n }]);
    expect(subset('COLOR_ENCODING').value).toBe(2n);
    expect(subset('COLOR_RANGE').info.enums).toEqual([{ name: 'YCbCr limited range', value: 0n }]);
  });
});
