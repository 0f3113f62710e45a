/** Legacy ADDFB (uapi 5.10): the (bpp, depth) table, then the ADDFB2 rules with flags 0. */
import { beforeEach, describe, expect, it } from 'vitest';
import type { Card } from '../../src/client/card.js';
import { Fourcc } from '../../src/uapi/fourcc.js';
import type { DrmModeFbCmd } from '../../src/uapi/ioctl-structs.js';
import { createOwnDevice, expectErrno, fileOf, raw, type OwnDevice } from './core-helpers.js';
import { createTestDevice, type TestDevice } from './test-driver.js';

const LEGACY: [bpp: number, depth: number, format: number][] = [
  [1, 1, Fourcc.C1], [2, 2, Fourcc.C2], [4, 4, Fourcc.C4], [8, 8, Fourcc.C8],
  [16, 15, Fourcc.XRGB1555], [16, 16, Fourcc.RGB565], [24, 24, Fourcc.RGB888],
  [32, 24, Fourcc.XRGB8888], [32, 30, Fourcc.XRGB2101010], [32, 32, Fourcc.ARGB8888],
];

const INVALID: [bpp: number, depth: number][] = [
  [0, 0], [1, 8], [2, 1], [4, 8], [8, 1], [8, 24], [12, 12], [15, 15], [16, 8], [16, 24], [16, 32],
  [24, 16], [24, 32], [32, 0], [32, 8], [32, 16], [32, 25], [48, 48], [64, 32], [64, 64],
];

function addfb(card: Card, arg: Partial<DrmModeFbCmd>): Partial<DrmModeFbCmd> {
  return raw(card, 'MODE_ADDFB', arg);
}

describe('legacy ADDFB format table (uapi 5.10)', () => {
  let d: OwnDevice<{ regs: number[] }>;
  let c: Card;
  let h: number;

  beforeEach(async () => {
    // every format of the table is scanout-capable here, so only the table decides
    d = await createOwnDevice({ formats: LEGACY.map(([, , f]) => f) });
    c = d.open();
    h = c.createDumb(64, 64, 32).handle;
  });

  it.each(LEGACY)('bpp %i depth %i maps to its fourcc', (bpp, depth, format) => {
    // uapi 5.10
    const arg = addfb(c, { width: 64, height: 64, bpp, depth, pitch: (64 * bpp) / 8, handle: h });
    const id = arg.fb_id!;
    expect(id).toBeGreaterThan(0);
    const fb = d.device.drm.fb(id)!;
    expect(fb.format.format).toBe(format);
    expect(fb.flags).toBe(0);
    expect(fb.modifier).toBe(0n);
    expect(c.getFB2(id).pixelFormat).toBe(format);
    // GETFB hands the same (bpp, depth) back (5.17)
    const g = raw(c, 'MODE_GETFB', { fb_id: id });
    expect([g.bpp, g.depth, g.pitch, g.width, g.height]).toEqual([bpp, depth, (64 * bpp) / 8, 64, 64]);
    expect(fileOf(c).fbs[0]).toBe(fb);
  });

  it.each(INVALID)('bpp %i depth %i → EINVAL', (bpp, depth) => {
    // uapi 5.10
    expectErrno(() => addfb(c, { width: 64, height: 64, bpp, depth, pitch: 256, handle: h }), 'EINVAL');
    expect(fileOf(c).fbs).toEqual([]);
  });

  it('the (bpp, depth) check comes before the ADDFB2 checks', () => {
    // uapi 5.10: an invalid pair with a foreign handle is EINVAL, not ENOENT
    expectErrno(() => addfb(c, { width: 64, height: 64, bpp: 32, depth: 16, pitch: 256, handle: 99 }), 'EINVAL');
    expectErrno(() => addfb(c, { width: 64, height: 64, bpp: 32, depth: 24, pitch: 256, handle: 99 }), 'ENOENT');
  });
});

describe('legacy ADDFB on the test device (uapi 5.10)', () => {
  let t: TestDevice;
  let a: Card;
  let b: Card;
  let h: number;
  const cmd = (over: Partial<DrmModeFbCmd> = {}): Partial<DrmModeFbCmd> => ({ width: 64, height: 64, bpp: 32, depth: 24, pitch: 256, handle: h, ...over });

  beforeEach(async () => {
    t = await createTestDevice();
    a = t.open();
    b = t.open();
    h = a.createDumb(64, 64, 32).handle;
  });

  it('maps to formats the planes support: RGB565, XRGB8888, ARGB8888', () => {
    // uapi 5.10, 5.9
    const ids = [
      addfb(a, cmd({ bpp: 16, depth: 16, pitch: 128 })).fb_id!,
      addfb(a, cmd()).fb_id!,
      addfb(a, cmd({ depth: 32 })).fb_id!,
    ];
    expect(ids.map((id) => t.device.drm.fb(id)!.format.format)).toEqual([Fourcc.RGB565, Fourcc.XRGB8888, Fourcc.ARGB8888]);
    expect(a.getResources().fbs).toEqual([...ids].reverse());
    expect(b.getResources().fbs).toEqual([]);
  });

  it('valid pairs whose format no plane supports → EINVAL', () => {
    // uapi 5.10 + 5.8: C1, C2, C4, C8, XRGB1555, RGB888, XRGB2101010
    for (const [bpp, depth] of [[1, 1], [2, 2], [4, 4], [8, 8], [16, 15], [24, 24], [32, 30]] as const) {
      expectErrno(() => addfb(a, cmd({ bpp, depth, pitch: (64 * bpp) / 8 })), 'EINVAL');
    }
    expect(fileOf(a).fbs).toEqual([]);
  });

  it('then the ADDFB2 rules apply with flags 0 and pitches[0] = pitch', () => {
    // uapi 5.10 → 5.2, 5.5, 5.8
    expectErrno(() => addfb(a, cmd({ width: 9, pitch: 36 })), 'EINVAL');
    expectErrno(() => addfb(a, cmd({ height: 8193 })), 'EINVAL');
    expectErrno(() => addfb(a, cmd({ handle: 0 })), 'EINVAL');
    expectErrno(() => addfb(a, cmd({ pitch: 0x4000000 })), 'ERANGE');
    expectErrno(() => addfb(a, cmd({ pitch: 255 })), 'EINVAL');
    expectErrno(() => addfb(b, cmd()), 'ENOENT'); // a's handle, b has none
    expectErrno(() => addfb(a, cmd({ height: 65 })), 'EINVAL'); // buffer too small
    const id = addfb(a, cmd()).fb_id!;
    const fb2 = a.getFB2(id);
    expect(fb2.pitches).toEqual([256, 0, 0, 0]);
    expect(fb2.offsets).toEqual([0, 0, 0, 0]);
    expect(t.device.drm.fb(id)!.flags).toBe(0);
  });
});
