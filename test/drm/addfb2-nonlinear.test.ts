/**
 * ADDFB2 with a format that exists only with non-linear modifiers (uapi 5.5, first per-plane
 * check). The kernel's table has two such formats (DRM_FORMAT_YUV420_8BIT 'YU08' and
 * DRM_FORMAT_YUV420_10BIT 'YU10': char_per_block 0); src/uapi/fourcc.ts does not list them, so
 * this file adds the kernel's YU08 entry to formatInfo() through a module mock.
 */
import { beforeEach, describe, expect, it, vi } from 'vitest';
import type { Card } from '../../src/client/card.js';
import { FbFlag } from '../../src/uapi/drm-mode.js';
import type { FormatInfo } from '../../src/uapi/fourcc.js';
import { fourccCode } from '../../src/uapi/fourcc.js';
import type { DrmModeFbCmd2 } from '../../src/uapi/ioctl-structs.js';
import { createOwnDevice, expectErrno, raw } from './core-helpers.js';
import { createTestDevice } from './test-driver.js';

const YU08 = fourccCode('YU08');
const X_TILED = 0x0100000000000001n;

vi.mock('../../src/uapi/fourcc.js', async (importOriginal) => {
  const orig = await importOriginal<typeof import('../../src/uapi/fourcc.js')>();
  const code = orig.fourccCode('YU08');
  // drm_fourcc.c: { .format = DRM_FORMAT_YUV420_8BIT, .depth = 0, .num_planes = 1, .cpp = { 0 }, .hsub = 2, .vsub = 2, .is_yuv = true }
  const entry = {
    format: code, name: 'YUV420' as const, depth: 0, numPlanes: 1, charPerBlock: [0, 0, 0], blockW: [0, 0, 0], blockH: [0, 0, 0],
    hsub: 2, vsub: 2, hasAlpha: false, isYuv: true, isColorIndexed: false,
  } as unknown as FormatInfo;
  return { ...orig, formatInfo: (f: number) => ((f >>> 0) === code ? entry : orig.formatInfo(f)) };
});

describe('ADDFB2 with a non-linear-only format (uapi 5.5)', () => {
  let a: Card;
  let h: number;
  const cmd = (over: Partial<DrmModeFbCmd2>): Partial<DrmModeFbCmd2> => ({
    width: 64, height: 64, pixel_format: YU08, handles: [h, 0, 0, 0], pitches: [256, 0, 0, 0], ...over,
  });

  beforeEach(async () => {
    const t = await createTestDevice();
    a = t.open();
    h = a.createDumb(64, 64, 32).handle;
  });

  it('LINEAR (implicitly, without the flag) → EINVAL', () => {
    // uapi 5.5: block-less format with a LINEAR modifier
    expectErrno(() => raw(a, 'MODE_ADDFB2', cmd({})), 'EINVAL');
    // checked before the overflow check of the same plane
    expectErrno(() => raw(a, 'MODE_ADDFB2', cmd({ pitches: [0x4000000, 0, 0, 0] })), 'EINVAL');
  });

  it('LINEAR with the MODIFIERS flag → EINVAL, before the overflow check', () => {
    // uapi 5.5
    expectErrno(() => raw(a, 'MODE_ADDFB2', cmd({ flags: FbFlag.MODIFIERS, pitches: [0x4000000, 0, 0, 0] })), 'EINVAL');
  });

  it('a non-linear modifier passes that check: the overflow check and the plane check decide', () => {
    // uapi 5.5: the next checks run (ERANGE) …
    expectErrno(() => raw(a, 'MODE_ADDFB2', cmd({ flags: FbFlag.MODIFIERS, modifier: [X_TILED, 0n, 0n, 0n], pitches: [0x4000000, 0, 0, 0] })), 'ERANGE');
    // … no pitch minimum applies (block size 0), so without overflow only 5.8 rejects it: no plane has YU08
    expectErrno(() => raw(a, 'MODE_ADDFB2', cmd({ flags: FbFlag.MODIFIERS, modifier: [X_TILED, 0n, 0n, 0n], pitches: [1, 0, 0, 0] })), 'EINVAL');
  });

  it('with a plane that supports it: no minimum pitch, reaches the GEM lookup and succeeds', async () => {
    // uapi 5.5 (block size 0: no pitch check), 5.8
    const d = await createOwnDevice({ formats: [YU08], modifiers: [X_TILED] });
    const c = d.open();
    const hh = c.createDumb(64, 64, 32).handle;
    const base = { width: 64, height: 64, pixel_format: YU08, flags: FbFlag.MODIFIERS, modifier: [X_TILED, 0n, 0n, 0n], pitches: [1, 0, 0, 0] };
    expectErrno(() => raw(c, 'MODE_ADDFB2', { ...base, handles: [99, 0, 0, 0] }), 'ENOENT');
    const id = raw(c, 'MODE_ADDFB2', { ...base, handles: [hh, 0, 0, 0] }).fb_id!;
    const fb = d.device.drm.fb(id)!;
    expect(fb.format.format).toBe(YU08);
    expect(fb.modifier).toBe(X_TILED);
    expect(fb.pitches[0]).toBe(1);
  });
});
