/**
 * Property value validation, drm_property_change_valid_get (uapi 2.9–2.15). There is no set-property
 * ioctl in the core yet, so validatePropertyValue is called directly.
 */
import { describe, expect, it } from 'vitest';
import { createBlob } from '../../src/drm/blob.js';
import type { DrmDevice } from '../../src/drm/device.js';
import { createEnum, createRange, createSignedRange, validatePropertyValue } from '../../src/drm/property.js';
import type { Property } from '../../src/drm/types.js';
import { BlendMode, ObjectType, PlaneType, Rotation } from '../../src/uapi/drm-mode.js';
import { createCustomDevice, createTestDevice, PLANE_FORMATS } from './test-driver.js';
import { errnoOf, makeFb, U64_ALL_ONES } from './helpers.js';

const valid = (dev: DrmDevice, p: Property, v: bigint) => errnoOf(() => validatePropertyValue(dev, p, v));

describe('uapi 2.9: immutable properties', () => {
  it('refuse every value, even the current one', async () => {
    // uapi 2.9
    const t = await createTestDevice();
    const dev = t.device.drm;
    const std = dev.std;
    expect(valid(dev, std.type, 1n)).toBe('EINVAL');
    expect(valid(dev, std.type, 0n)).toBe('EINVAL');
    expect(valid(dev, std.IN_FORMATS, 33n)).toBe('EINVAL');
    expect(valid(dev, std.IN_FORMATS, 0n)).toBe('EINVAL');
    expect(valid(dev, std['non-desktop'], 0n)).toBe('EINVAL');
    expect(valid(dev, std.GAMMA_LUT_SIZE, 256n)).toBe('EINVAL');
    expect(valid(dev, std.EDID, 0n)).toBe('EINVAL');
    expect(valid(dev, std.WRITEBACK_PIXEL_FORMATS!, 46n)).toBe('EINVAL');
  });
});

describe('uapi 2.10: RANGE, unsigned 64-bit compare', () => {
  it('accepts [min, max] and refuses the rest, negative numbers included', async () => {
    // uapi 2.10
    const t = await createTestDevice();
    const dev = t.device.drm;
    const std = dev.std;
    expect(valid(dev, std.CRTC_W, 0n)).toBe('no error');
    expect(valid(dev, std.CRTC_W, 0x7fffffffn)).toBe('no error');
    expect(valid(dev, std.CRTC_W, 0x80000000n)).toBe('EINVAL');
    expect(valid(dev, std.CRTC_W, U64_ALL_ONES)).toBe('EINVAL'); // -1 is huge unsigned
    expect(valid(dev, std.SRC_X, 0xffffffffn)).toBe('no error');
    expect(valid(dev, std.SRC_X, 0x100000000n)).toBe('EINVAL');
    expect(valid(dev, std.ACTIVE, 1n)).toBe('no error');
    expect(valid(dev, std.ACTIVE, 2n)).toBe('EINVAL');
    expect(valid(dev, std.OUT_FENCE_PTR, U64_ALL_ONES)).toBe('no error');
    expect(valid(dev, std.OUT_FENCE_PTR, 0n)).toBe('no error');
    const p = createRange(dev, 0, 'test-range', 10n, 20n);
    expect([9n, 10n, 15n, 20n, 21n, U64_ALL_ONES - 4n].map((v) => valid(dev, p, v))).toEqual(['EINVAL', 'no error', 'no error', 'no error', 'EINVAL', 'EINVAL']);
    // a range whose max is above 2^63 is still compared unsigned
    const big = createRange(dev, 0, 'test-big', 0x8000000000000000n, U64_ALL_ONES);
    expect(valid(dev, big, U64_ALL_ONES)).toBe('no error');
    expect(valid(dev, big, 0x8000000000000000n)).toBe('no error');
    expect(valid(dev, big, 0x7fffffffffffffffn)).toBe('EINVAL');
  });
});

describe('uapi 2.11: SIGNED_RANGE, int64 compare', () => {
  it('CRTC_X = -1 must be sent sign-extended to 64 bits', async () => {
    // uapi 2.11
    const t = await createTestDevice();
    const dev = t.device.drm;
    const { CRTC_X, CRTC_Y, IN_FENCE_FD } = dev.std;
    expect(valid(dev, CRTC_X, 0xffffffffffffffffn)).toBe('no error'); // -1
    expect(valid(dev, CRTC_X, 0xffffffffn)).toBe('EINVAL'); // 4294967295 > INT_MAX
    expect(valid(dev, CRTC_X, 0xffffffff80000000n)).toBe('no error'); // INT_MIN
    expect(valid(dev, CRTC_X, 0xffffffff7fffffffn)).toBe('EINVAL'); // INT_MIN - 1
    expect(valid(dev, CRTC_X, 0x7fffffffn)).toBe('no error');
    expect(valid(dev, CRTC_X, 0x80000000n)).toBe('EINVAL');
    expect(valid(dev, CRTC_Y, 0n)).toBe('no error');
    expect(valid(dev, IN_FENCE_FD, U64_ALL_ONES)).toBe('no error'); // -1
    expect(valid(dev, IN_FENCE_FD, U64_ALL_ONES - 1n)).toBe('EINVAL'); // -2
    expect(valid(dev, IN_FENCE_FD, 0x7fffffffn)).toBe('no error');
    const p = createSignedRange(dev, 0, 'test-srange', -10n, 5n);
    const neg = (n: bigint) => BigInt.asUintN(64, n);
    expect([neg(-11n), neg(-10n), 0n, 5n, 6n, 0x8000000000000000n].map((v) => valid(dev, p, v))).toEqual(['EINVAL', 'no error', 'no error', 'no error', 'EINVAL', 'EINVAL']);
  });
});

describe('uapi 2.12: ENUM', () => {
  it('accepts only the enum values', async () => {
    // uapi 2.12
    const t = await createTestDevice();
    const dev = t.device.drm;
    expect([0n, 1n, 2n, 3n, 4n, U64_ALL_ONES].map((v) => valid(dev, dev.std.DPMS, v))).toEqual(['no error', 'no error', 'no error', 'no error', 'EINVAL', 'EINVAL']);
    expect([0n, 1n, 2n].map((v) => valid(dev, dev.std['link-status'], v))).toEqual(['no error', 'no error', 'EINVAL']);
    const sparse = createEnum(dev, 0, 'test-enum', [{ value: 2, name: 'two' }, { value: 7, name: 'seven' }]);
    expect([0n, 2n, 5n, 7n, 0x100000002n].map((v) => valid(dev, sparse, v))).toEqual(['EINVAL', 'no error', 'EINVAL', 'no error', 'EINVAL']);
  });

  it('a driver enum subset accepts only its members (pixel blend mode without Coverage)', async () => {
    // uapi 2.12, 2.21
    const t = await createCustomDevice((u) => {
      const p = u.createPlane({ type: PlaneType.PRIMARY, possibleCrtcs: 0, formats: PLANE_FORMATS });
      u.addBlendModeProperty(p, (1 << BlendMode.PREMULTI) | (1 << BlendMode.NONE));
      u.createCrtc({ primary: p, cursor: null });
      return p;
    });
    const dev = t.device.drm;
    const blend = t.objs.optProps['pixel blend mode']!;
    expect([BlendMode.PREMULTI, BlendMode.COVERAGE, BlendMode.NONE].map((v) => valid(dev, blend, BigInt(v)))).toEqual(['no error', 'EINVAL', 'no error']);
  });
});

describe('uapi 2.13: BITMASK', () => {
  it('refuses bits outside the supported ones; 0 passes this layer', async () => {
    // uapi 2.13
    const t = await createTestDevice();
    const dev = t.device.drm;
    const rot = t.primary.optProps.rotation!;
    expect(valid(dev, rot, 0n)).toBe('no error');
    expect(valid(dev, rot, 0x3fn)).toBe('no error');
    expect(valid(dev, rot, BigInt(Rotation.REFLECT_X))).toBe('no error');
    expect(valid(dev, rot, 0x40n)).toBe('EINVAL');
    expect(valid(dev, rot, 0x8000000000000001n)).toBe('EINVAL');
    const t2 = await createCustomDevice((u) => {
      const p = u.createPlane({ type: PlaneType.PRIMARY, possibleCrtcs: 0, formats: PLANE_FORMATS });
      u.addRotationProperty(p, Rotation.ROTATE_0, Rotation.ROTATE_0 | Rotation.ROTATE_180 | Rotation.REFLECT_X);
      u.createCrtc({ primary: p, cursor: null });
      return p;
    });
    const dev2 = t2.device.drm;
    const r2 = t2.objs.optProps.rotation!;
    expect([0n, 0x1n, 0x4n, 0x5n, 0x15n, 0x2n, 0x20n, 0x17n].map((v) => valid(dev2, r2, v)))
      .toEqual(['no error', 'no error', 'no error', 'no error', 'no error', 'EINVAL', 'EINVAL', 'EINVAL']);
  });
});

describe('uapi 2.14: BLOB', () => {
  it('0 means no blob; any existing blob is accepted; other IDs are EINVAL', async () => {
    // uapi 2.14
    const t = await createTestDevice();
    const dev = t.device.drm;
    const a = t.open();
    const b = t.open();
    const mine = a.createPropertyBlob(new Uint8Array(68));
    const theirs = b.createPropertyBlob(new Uint8Array(68));
    expect(validatePropertyValue(dev, dev.std.MODE_ID, 0n)).toBeNull();
    expect(validatePropertyValue(dev, dev.std.MODE_ID, BigInt(mine))).toBe(dev.blob(mine));
    expect(validatePropertyValue(dev, dev.std.MODE_ID, BigInt(theirs))).toBe(dev.blob(theirs));
    expect(validatePropertyValue(dev, dev.std.GAMMA_LUT, 33n)).toBe(dev.blob(33)); // a kernel blob too
    expect(valid(dev, dev.std.MODE_ID, 9999n)).toBe('EINVAL');
    expect(valid(dev, dev.std.MODE_ID, BigInt(t.crtc.id))).toBe('EINVAL'); // exists, but not a blob
    expect(valid(dev, dev.std.MODE_ID, 1n)).toBe('EINVAL'); // a property
    b.destroyPropertyBlob(theirs);
    expect(valid(dev, dev.std.MODE_ID, BigInt(theirs))).toBe('EINVAL');
  });
});

describe('uapi 2.15: OBJECT', () => {
  it('0 means NULL; the object must exist and have the property\'s type', async () => {
    // uapi 2.15
    const t = await createTestDevice();
    const dev = t.device.drm;
    const card = t.open();
    const fb = makeFb(card);
    const { FB_ID, CRTC_ID } = dev.std;
    expect(validatePropertyValue(dev, FB_ID, 0n)).toBeNull();
    expect(validatePropertyValue(dev, CRTC_ID, 0n)).toBeNull();
    expect(validatePropertyValue(dev, FB_ID, BigInt(fb))).toBe(dev.fb(fb));
    expect(validatePropertyValue(dev, CRTC_ID, BigInt(t.crtc.id))).toBe(t.crtc);
    expect(validatePropertyValue(dev, dev.std.WRITEBACK_FB_ID!, BigInt(fb))).toBe(dev.fb(fb));
    expect(valid(dev, FB_ID, BigInt(t.crtc.id))).toBe('EINVAL');
    expect(valid(dev, CRTC_ID, BigInt(fb))).toBe('EINVAL');
    expect(valid(dev, CRTC_ID, BigInt(t.primary.id))).toBe('EINVAL');
    expect(valid(dev, FB_ID, 9999n)).toBe('EINVAL');
    expect(valid(dev, FB_ID, 33n)).toBe('EINVAL'); // a blob
    card.rmFB(fb);
    expect(valid(dev, FB_ID, BigInt(fb))).toBe('EINVAL');
  });

  it('the object type comes from the property (a CONNECTOR object property)', async () => {
    // uapi 2.15
    const { createObjectProp } = await import('../../src/drm/property.js');
    const t = await createTestDevice();
    const dev = t.device.drm;
    const p = createObjectProp(dev, 0, 'test-conn', ObjectType.CONNECTOR);
    expect(validatePropertyValue(dev, p, BigInt(t.connector.id))).toBe(t.connector);
    expect(validatePropertyValue(dev, p, BigInt(t.writeback!.id))).toBe(t.writeback);
    expect(valid(dev, p, BigInt(t.encoder.id))).toBe('EINVAL');
  });
});

describe('uapi 2.14/2.15: kernel blobs are valid targets too', () => {
  it('a blob created by the kernel is accepted', async () => {
    // uapi 2.14
    const t = await createTestDevice();
    const dev = t.device.drm;
    const k = createBlob(dev, new Uint8Array(16));
    expect(validatePropertyValue(dev, dev.std.FB_DAMAGE_CLIPS, BigInt(k.id))).toBe(k);
  });
});
