/**
 * ADDFB2 conformance (uapi 5.1–5.9): every check of drm_internal_framebuffer_create,
 * framebuffer_check and drm_gem_fb_init_with_funcs, in the kernel's order.
 */
import { beforeEach, describe, expect, it } from 'vitest';
import type { Card } from '../../src/client/card.js';
import { FbFlag, ObjectType } from '../../src/uapi/drm-mode.js';
import { DRM_FORMAT_BIG_ENDIAN, Fourcc, fourccCode } from '../../src/uapi/fourcc.js';
import type { DrmModeFbCmd2 } from '../../src/uapi/ioctl-structs.js';
import { createOwnDevice, expectErrno, fileOf, raw } from './core-helpers.js';
import { createTestDevice, type TestDevice } from './test-driver.js';

const X_TILED = 0x0100000000000001n; // I915_FORMAT_MOD_X_TILED: no plane of the test device supports it

type Cmd2 = Partial<DrmModeFbCmd2>;

function addfb2(card: Card, arg: Cmd2): Cmd2 {
  return raw(card, 'MODE_ADDFB2', arg);
}

describe('ADDFB2 (uapi 5.1–5.9)', () => {
  let t: TestDevice;
  let a: Card; // master, creates the buffers
  let b: Card; // second file
  let h: number; // 64x64x32 dumb buffer of `a`: pitch 256, 16384 bytes
  let hb: number; // 64x64x32 dumb buffer of `b`
  const xrgb = (over: Cmd2 = {}): Cmd2 => ({
    width: 64, height: 64, pixel_format: Fourcc.XRGB8888, flags: 0,
    handles: [h, 0, 0, 0], pitches: [256, 0, 0, 0], offsets: [0, 0, 0, 0], modifier: [0n, 0n, 0n, 0n], ...over,
  });

  beforeEach(async () => {
    t = await createTestDevice();
    a = t.open();
    b = t.open();
    const d = a.createDumb(64, 64, 32);
    expect(d).toEqual({ handle: 1, pitch: 256, size: 16384n });
    h = d.handle;
    hb = b.createDumb(64, 64, 32).handle;
  });

  describe('success (5.9)', () => {
    it('writes fb_id back and the FB is owned by the creating file', () => {
      // uapi 5.9
      const arg = addfb2(a, xrgb());
      const id = arg.fb_id!;
      expect(id).toBeGreaterThan(0);
      const fb = t.device.drm.fb(id)!;
      expect(fb).toBeDefined();
      expect(fb.objType).toBe(ObjectType.FB);
      expect(fb.width).toBe(64);
      expect(fb.height).toBe(64);
      expect(fb.format.format).toBe(Fourcc.XRGB8888);
      expect(fb.pitches.slice(0, 1)).toEqual([256]);
      expect(fb.offsets.slice(0, 1)).toEqual([0]);
      expect(fb.modifier).toBe(0n);
      expect(fb.owner).toBe(fileOf(a));
      expect(fileOf(a).fbs).toEqual([fb]);
      expect(fileOf(b).fbs).toEqual([]);
      // only the owner lists it (1.17), and only the owner may remove it (5.11)
      expect(a.getResources().fbs).toEqual([id]);
      expect(b.getResources().fbs).toEqual([]);
      expectErrno(() => b.rmFB(id), 'ENOENT');
      a.rmFB(id);
      expect(t.device.drm.fb(id)).toBeUndefined();
    });

    it('lists the owner\'s FBs newest first', () => {
      // uapi 5.9, 1.17
      const f1 = addfb2(a, xrgb()).fb_id!;
      const f2 = addfb2(a, xrgb()).fb_id!;
      const f3 = addfb2(a, xrgb({ pixel_format: Fourcc.ARGB8888 })).fb_id!;
      expect(new Set([f1, f2, f3]).size).toBe(3);
      expect(a.getResources().fbs).toEqual([f3, f2, f1]);
    });

    it('accepts the INTERLACED flag', () => {
      // uapi 5.1
      const id = addfb2(a, xrgb({ flags: FbFlag.INTERLACED })).fb_id!;
      expect(t.device.drm.fb(id)!.flags).toBe(FbFlag.INTERLACED);
    });
  });

  describe('flags and size limits (5.1, 5.2)', () => {
    it('rejects unknown flag bits', () => {
      // uapi 5.1
      for (const flags of [4, 8, 0x100, 0x80000000, FbFlag.INTERLACED | 4]) expectErrno(() => addfb2(a, xrgb({ flags })), 'EINVAL');
      expect(fileOf(a).fbs).toEqual([]);
    });

    it('checks width and height against mode_config min/max', () => {
      // uapi 5.2: min 10x10, max 8192x8192
      expectErrno(() => addfb2(a, xrgb({ width: 9, pitches: [36, 0, 0, 0] })), 'EINVAL');
      expectErrno(() => addfb2(a, xrgb({ height: 9 })), 'EINVAL');
      expectErrno(() => addfb2(a, xrgb({ width: 8193, height: 1 })), 'EINVAL');
      expectErrno(() => addfb2(a, xrgb({ height: 8193 })), 'EINVAL');
      // the limits themselves are accepted
      expect(addfb2(a, xrgb({ width: 10, height: 10, pitches: [40, 0, 0, 0] })).fb_id).toBeGreaterThan(0);
      const wide = a.createDumb(8192, 10, 32).handle;
      expect(addfb2(a, xrgb({ width: 8192, height: 10, handles: [wide, 0, 0, 0], pitches: [32768, 0, 0, 0] })).fb_id).toBeGreaterThan(0);
      const tall = a.createDumb(10, 8192, 32).handle;
      expect(addfb2(a, xrgb({ width: 10, height: 8192, handles: [tall, 0, 0, 0], pitches: [40, 0, 0, 0] })).fb_id).toBeGreaterThan(0);
    });

    it('zero width/height fail (on this device already by the min size)', () => {
      // uapi 5.2 / 5.4
      expectErrno(() => addfb2(a, xrgb({ width: 0 })), 'EINVAL');
      expectErrno(() => addfb2(a, xrgb({ height: 0 })), 'EINVAL');
    });
  });

  describe('format (5.4)', () => {
    it('rejects fourccs unknown to the core table', () => {
      // uapi 5.4
      expectErrno(() => addfb2(a, xrgb({ pixel_format: fourccCode('ZZZZ') })), 'EINVAL');
      expectErrno(() => addfb2(a, xrgb({ pixel_format: 0 })), 'EINVAL');
      // the big-endian flag makes a different (unknown) code
      expectErrno(() => addfb2(a, xrgb({ pixel_format: (Fourcc.XRGB8888 | DRM_FORMAT_BIG_ENDIAN) >>> 0 })), 'EINVAL');
    });
  });

  describe('per-plane checks (5.5)', () => {
    it('handle 0 → EINVAL (plane 0 and plane 1)', () => {
      // uapi 5.5
      expectErrno(() => addfb2(a, xrgb({ handles: [0, 0, 0, 0] })), 'EINVAL');
      const nv = a.createDumb(64, 96, 8).handle;
      expectErrno(() => addfb2(a, {
        width: 64, height: 64, pixel_format: Fourcc.NV12, handles: [nv, 0, 0, 0], pitches: [64, 64, 0, 0], offsets: [0, 4096, 0, 0],
      }), 'EINVAL');
    });

    it('height*pitch + offset > UINT_MAX → ERANGE, = UINT_MAX is not', () => {
      // uapi 5.5
      expectErrno(() => addfb2(a, xrgb({ pitches: [0x4000000, 0, 0, 0] })), 'ERANGE'); // 64 * 2^26 = 2^32
      expectErrno(() => addfb2(a, xrgb({ offsets: [0xffffffff - 64 * 256 + 1, 0, 0, 0] })), 'ERANGE');
      // exactly UINT_MAX passes the overflow check and fails later on the buffer size
      expectErrno(() => addfb2(a, xrgb({ offsets: [0xffffffff - 64 * 256, 0, 0, 0] })), 'EINVAL');
    });

    it('ERANGE on plane 1 of NV12', () => {
      // uapi 5.5: height_1 = 32
      const nv = a.createDumb(64, 96, 8).handle;
      expectErrno(() => addfb2(a, {
        width: 64, height: 64, pixel_format: Fourcc.NV12, handles: [nv, nv, 0, 0], pitches: [64, 64, 0, 0], offsets: [0, 0xffffffff - 32 * 64 + 1, 0, 0],
      }), 'ERANGE');
    });

    it('min pitch > UINT_MAX → ERANGE (device with a huge max width)', async () => {
      // uapi 5.5: 0x20000000 px × 8 bytes = 2^32
      const d = await createOwnDevice({ modeConfig: { maxWidth: 0xffffffff } });
      const c = d.open();
      const hh = c.createDumb(64, 64, 32).handle;
      expectErrno(() => addfb2(c, {
        width: 0x20000000, height: 10, pixel_format: Fourcc.XRGB16161616, handles: [hh, 0, 0, 0], pitches: [0, 0, 0, 0],
      }), 'ERANGE');
      // one pixel less fits in 32 bits: then the pitch check decides
      expectErrno(() => addfb2(c, {
        width: 0x1fffffff, height: 10, pixel_format: Fourcc.XRGB16161616, handles: [hh, 0, 0, 0], pitches: [0, 0, 0, 0],
      }), 'EINVAL');
    });

    it('pitch below width × cpp → EINVAL; equal is fine', () => {
      // uapi 5.5
      expectErrno(() => addfb2(a, xrgb({ pitches: [255, 0, 0, 0] })), 'EINVAL');
      expectErrno(() => addfb2(a, xrgb({ pitches: [0, 0, 0, 0] })), 'EINVAL');
      expectErrno(() => addfb2(a, xrgb({ pixel_format: Fourcc.RGB565, pitches: [127, 0, 0, 0] })), 'EINVAL');
      expect(addfb2(a, xrgb({ pixel_format: Fourcc.RGB565, pitches: [128, 0, 0, 0] })).fb_id).toBeGreaterThan(0);
      expect(addfb2(a, xrgb()).fb_id).toBeGreaterThan(0);
    });

    it('chroma plane min pitch uses DIV_ROUND_UP(width, hsub)', () => {
      // uapi 5.5: NV12 11 px wide → chroma plane 6 px × 2 bytes = 12
      const nv = a.createDumb(64, 64, 8).handle;
      const base = { width: 11, height: 11, pixel_format: Fourcc.NV12, handles: [nv, nv, 0, 0], offsets: [0, 1024, 0, 0] };
      expectErrno(() => addfb2(a, { ...base, pitches: [11, 11, 0, 0] }), 'EINVAL');
      expectErrno(() => addfb2(a, { ...base, pitches: [10, 12, 0, 0] }), 'EINVAL');
      expect(addfb2(a, { ...base, pitches: [11, 12, 0, 0] }).fb_id).toBeGreaterThan(0);
    });

    it('nonzero modifier without the MODIFIERS flag → EINVAL', () => {
      // uapi 5.5
      expectErrno(() => addfb2(a, xrgb({ modifier: [1n, 0n, 0n, 0n] })), 'EINVAL');
      expectErrno(() => addfb2(a, xrgb({ modifier: [X_TILED, 0n, 0n, 0n] })), 'EINVAL');
    });

    it('MODIFIERS flag: modifier[i] must equal modifier[0]', () => {
      // uapi 5.5
      const nv = a.createDumb(64, 96, 8).handle;
      const nv12 = (modifier: bigint[]): Cmd2 => ({
        width: 64, height: 64, pixel_format: Fourcc.NV12, flags: FbFlag.MODIFIERS,
        handles: [nv, nv, 0, 0], pitches: [64, 64, 0, 0], offsets: [0, 4096, 0, 0], modifier,
      });
      expect(addfb2(a, nv12([0n, 0n, 0n, 0n])).fb_id).toBeGreaterThan(0);
      expectErrno(() => addfb2(a, nv12([0n, 5n, 0n, 0n])), 'EINVAL');
      expectErrno(() => addfb2(a, nv12([5n, 0n, 0n, 0n])), 'EINVAL');
    });

    it('explicit LINEAR modifier with the flag is accepted', () => {
      // uapi 5.5, 5.8 (planes support LINEAR)
      const id = addfb2(a, xrgb({ flags: FbFlag.MODIFIERS })).fb_id!;
      expect(t.device.drm.fb(id)!.modifier).toBe(0n);
    });
  });

  describe('unused planes (5.6)', () => {
    it('a nonzero modifier on an unused plane is always EINVAL', () => {
      // uapi 5.6
      expectErrno(() => addfb2(a, xrgb({ modifier: [0n, 1n, 0n, 0n] })), 'EINVAL');
      expectErrno(() => addfb2(a, xrgb({ modifier: [0n, 0n, 0n, 1n] })), 'EINVAL');
      expectErrno(() => addfb2(a, xrgb({ flags: FbFlag.MODIFIERS, modifier: [0n, 0n, 1n, 0n] })), 'EINVAL');
    });

    it('without MODIFIERS: garbage handle/pitch/offset of unused planes is ignored', () => {
      // uapi 5.6
      const id = addfb2(a, xrgb({ handles: [h, 77, h, 5], pitches: [256, 9, 1, 3], offsets: [0, 4, 8, 0xffffffff] })).fb_id!;
      expect(id).toBeGreaterThan(0);
      expect(a.getFB2(id).handles.slice(1)).toEqual([0, 0, 0]);
      expect(a.getFB2(id).pitches.slice(1)).toEqual([0, 0, 0]);
      expect(a.getFB2(id).offsets.slice(1)).toEqual([0, 0, 0]);
    });

    it('with MODIFIERS: nonzero handle, pitch or offset on an unused plane → EINVAL', () => {
      // uapi 5.6
      const m = { flags: FbFlag.MODIFIERS };
      expectErrno(() => addfb2(a, xrgb({ ...m, handles: [h, h, 0, 0] })), 'EINVAL');
      expectErrno(() => addfb2(a, xrgb({ ...m, handles: [h, 0, 0, 3] })), 'EINVAL');
      expectErrno(() => addfb2(a, xrgb({ ...m, pitches: [256, 0, 4, 0] })), 'EINVAL');
      expectErrno(() => addfb2(a, xrgb({ ...m, offsets: [0, 0, 0, 8] })), 'EINVAL');
      const nv = a.createDumb(64, 96, 8).handle;
      expectErrno(() => addfb2(a, {
        width: 64, height: 64, pixel_format: Fourcc.NV12, flags: FbFlag.MODIFIERS,
        handles: [nv, nv, nv, 0], pitches: [64, 64, 0, 0], offsets: [0, 4096, 0, 0],
      }), 'EINVAL');
      expect(addfb2(a, xrgb(m)).fb_id).toBeGreaterThan(0);
    });
  });

  describe('alignment (5.7)', () => {
    it('imposes no pitch or offset alignment', () => {
      // uapi 5.7: pitch 257, offset 3, as long as the buffer is big enough
      const big = a.createDumb(128, 64, 32).handle; // 32768 bytes
      const id = addfb2(a, xrgb({ handles: [big, 0, 0, 0], pitches: [257, 0, 0, 0], offsets: [3, 0, 0, 0] })).fb_id!;
      const fb = t.device.drm.fb(id)!;
      expect(fb.pitches[0]).toBe(257);
      expect(fb.offsets[0]).toBe(3);
    });
  });

  describe('GEM framebuffer helper (5.8)', () => {
    it('no plane supports the format → EINVAL', () => {
      // uapi 5.8: valid fourccs that no plane lists
      for (const f of [Fourcc.XRGB2101010, Fourcc.BGR888, Fourcc.XBGR8888, Fourcc.C8]) {
        const pitch = f === Fourcc.C8 ? 64 : 256;
        expectErrno(() => addfb2(a, xrgb({ pixel_format: f, pitches: [pitch, 0, 0, 0] })), 'EINVAL');
      }
      expect(fileOf(a).fbs).toEqual([]);
    });

    it('no plane supports (format, modifier[0]) → EINVAL', () => {
      // uapi 5.8: planes are LINEAR only
      expectErrno(() => addfb2(a, xrgb({ flags: FbFlag.MODIFIERS, modifier: [X_TILED, 0n, 0n, 0n] })), 'EINVAL');
    });

    it('a non-atomic driver skips the plane format check', async () => {
      // uapi 5.8 (drm_drv_uses_atomic_modeset)
      const d = await createOwnDevice({ features: { atomic: false } });
      const c = d.open();
      const hh = c.createDumb(64, 64, 32).handle;
      const id = addfb2(c, { width: 64, height: 64, pixel_format: Fourcc.XRGB2101010, handles: [hh, 0, 0, 0], pitches: [256, 0, 0, 0] }).fb_id!;
      expect(d.device.drm.fb(id)!.format.format).toBe(Fourcc.XRGB2101010);
    });

    it('a handle of another file (or no handle at all) → ENOENT', () => {
      // uapi 5.8
      expect(hb).toBe(1); // b's own handle 1; a also has a handle 1
      expectErrno(() => addfb2(b, xrgb({ handles: [2, 0, 0, 0] })), 'ENOENT'); // b has no handle 2
      const a2 = a.createDumb(64, 64, 32).handle;
      expect(a2).toBe(2);
      expectErrno(() => addfb2(b, xrgb({ handles: [a2, 0, 0, 0] })), 'ENOENT');
      expectErrno(() => addfb2(a, xrgb({ handles: [99, 0, 0, 0] })), 'ENOENT');
      // the same number in b's table is b's own buffer
      const id = addfb2(b, xrgb({ handles: [1, 0, 0, 0] })).fb_id!;
      expect(t.device.drm.fb(id)!.objs[0]).toBe(fileOf(b).handles.get(1));
      expect(t.device.drm.fb(id)!.objs[0]).not.toBe(fileOf(a).handles.get(1));
    });

    it('ENOENT for the chroma plane handle', () => {
      // uapi 5.8
      const nv = a.createDumb(64, 64, 8).handle;
      expectErrno(() => addfb2(a, {
        width: 64, height: 64, pixel_format: Fourcc.NV12, handles: [nv, 42, 0, 0], pitches: [64, 64, 0, 0], offsets: [0, 0, 0, 0],
      }), 'ENOENT');
    });

    it('buffer smaller than (height-1)*pitch + min_pitch + offset → EINVAL', () => {
      // uapi 5.8: dumb of 16384 bytes
      expectErrno(() => addfb2(a, xrgb({ offsets: [1, 0, 0, 0] })), 'EINVAL');
      expectErrno(() => addfb2(a, xrgb({ pitches: [257, 0, 0, 0] })), 'EINVAL'); // 63*257+256 = 16447
      expectErrno(() => addfb2(a, xrgb({ height: 65 })), 'EINVAL');
      expect(addfb2(a, xrgb()).fb_id).toBeGreaterThan(0); // exactly 16384
    });

    it('the size formula counts the last line as min_pitch, not pitch', () => {
      // uapi 5.8: one 4096-byte buffer, 10 lines of 64 px: 9*pitch + 256 + offset <= 4096
      const one = a.createDumb(1024, 1, 32);
      expect(one.size).toBe(4096n);
      const cmd = (offset: number): Cmd2 => xrgb({ height: 10, handles: [one.handle, 0, 0, 0], pitches: [426, 0, 0, 0], offsets: [offset, 0, 0, 0] });
      expect(addfb2(a, cmd(6)).fb_id).toBeGreaterThan(0); // 9*426 + 256 + 6 = 4096 (10*426 would not fit)
      expectErrno(() => addfb2(a, cmd(7)), 'EINVAL');
    });

    it('NV12: two planes at offsets in one buffer', () => {
      // uapi 5.8: luma 64x64 at 0, chroma 32x32x2 at 4096
      const nv = a.createDumb(64, 96, 8);
      expect(nv.size).toBe(8192n);
      const id = addfb2(a, {
        width: 64, height: 64, pixel_format: Fourcc.NV12, handles: [nv.handle, nv.handle, 0, 0], pitches: [64, 64, 0, 0], offsets: [0, 4096, 0, 0],
      }).fb_id!;
      const fb = t.device.drm.fb(id)!;
      expect(fb.format.format).toBe(Fourcc.NV12);
      expect(fb.objs.length).toBe(2);
      expect(fb.objs[0]).toBe(fb.objs[1]);
      expect(fb.objs[0]).toBe(fileOf(a).handles.get(nv.handle));
      expect(fb.pitches.slice(0, 2)).toEqual([64, 64]);
      expect(fb.offsets.slice(0, 2)).toEqual([0, 4096]);
      // chroma plane past the end: 31*64 + 64 + 6145 = 8193 > 8192
      expectErrno(() => addfb2(a, {
        width: 64, height: 64, pixel_format: Fourcc.NV12, handles: [nv.handle, nv.handle, 0, 0], pitches: [64, 64, 0, 0], offsets: [0, 6145, 0, 0],
      }), 'EINVAL');
      expect(addfb2(a, {
        width: 64, height: 64, pixel_format: Fourcc.NV12, handles: [nv.handle, nv.handle, 0, 0], pitches: [64, 64, 0, 0], offsets: [0, 6144, 0, 0],
      }).fb_id).toBeGreaterThan(0);
    });

    it('NV12: the size check uses width/hsub and height/vsub rounded down', () => {
      // uapi 5.8 (drm_gem_fb_init_with_funcs divides, framebuffer_check rounds up)
      // 11x11: chroma 5 lines of 5 px for the size check: 4*12 + 10 + offset <= 4096
      const one = a.createDumb(1024, 1, 32).handle;
      const cmd = (off: number): Cmd2 => ({
        width: 11, height: 11, pixel_format: Fourcc.NV12, handles: [one, one, 0, 0], pitches: [11, 12, 0, 0], offsets: [0, off, 0, 0],
      });
      expect(addfb2(a, cmd(4038)).fb_id).toBeGreaterThan(0);
      expectErrno(() => addfb2(a, cmd(4039)), 'EINVAL');
    });

    it('two different buffers for the two NV12 planes', () => {
      // uapi 5.8
      const y = a.createDumb(64, 64, 8).handle;
      const uv = a.createDumb(32, 32, 16).handle;
      const id = addfb2(a, {
        width: 64, height: 64, pixel_format: Fourcc.NV12, handles: [y, uv, 0, 0], pitches: [64, 64, 0, 0], offsets: [0, 0, 0, 0],
      }).fb_id!;
      const fb = t.device.drm.fb(id)!;
      expect(fb.objs[0]).toBe(fileOf(a).handles.get(y));
      expect(fb.objs[1]).toBe(fileOf(a).handles.get(uv));
    });
  });

  describe('check order: the earlier check wins (5.1–5.8)', () => {
    it('bad flags before everything (even a foreign handle)', () => {
      // uapi 5.1 before 5.8
      expectErrno(() => addfb2(b, xrgb({ flags: 4, handles: [2, 0, 0, 0] })), 'EINVAL');
    });

    it('size limits before the per-plane overflow check', () => {
      // uapi 5.2 before 5.5: width 8193 with an overflowing pitch
      expectErrno(() => addfb2(a, xrgb({ width: 8193, pitches: [0x4000000, 0, 0, 0] })), 'EINVAL');
      expectErrno(() => addfb2(a, xrgb({ height: 9, pitches: [0x20000000, 0, 0, 0] })), 'EINVAL');
    });

    it('unknown fourcc before the GEM lookup', () => {
      // uapi 5.4 before 5.8
      expectErrno(() => addfb2(a, xrgb({ pixel_format: fourccCode('ZZZZ'), handles: [99, 0, 0, 0] })), 'EINVAL');
    });

    it('handle 0 before the overflow check of the same plane', () => {
      // uapi 5.5 order
      expectErrno(() => addfb2(a, xrgb({ handles: [0, 0, 0, 0], pitches: [0x4000000, 0, 0, 0] })), 'EINVAL');
    });

    it('overflow (ERANGE) before pitch < min pitch and before the modifier checks', () => {
      // uapi 5.5 order: pitch 1 is too small, but 64*1 + offset overflows first
      expectErrno(() => addfb2(a, xrgb({ pitches: [1, 0, 0, 0], offsets: [0xffffffc1, 0, 0, 0] })), 'ERANGE');
      expectErrno(() => addfb2(a, xrgb({ pitches: [0x4000000, 0, 0, 0], modifier: [1n, 0n, 0n, 0n] })), 'ERANGE');
    });

    it('plane 0 is fully checked before plane 1', () => {
      // uapi 5.5 order
      const nv = a.createDumb(64, 96, 8).handle;
      const nv12 = (over: Cmd2): Cmd2 => ({
        width: 64, height: 64, pixel_format: Fourcc.NV12, handles: [nv, nv, 0, 0], pitches: [64, 64, 0, 0], offsets: [0, 4096, 0, 0], ...over,
      });
      // plane 0 pitch too small (EINVAL) vs plane 1 overflow (ERANGE)
      expectErrno(() => addfb2(a, nv12({ pitches: [63, 64, 0, 0], offsets: [0, 0xffffffff, 0, 0] })), 'EINVAL');
      // plane 0 overflow (ERANGE) vs plane 1 handle 0 (EINVAL)
      expectErrno(() => addfb2(a, nv12({ handles: [nv, 0, 0, 0], offsets: [0xffffffff, 4096, 0, 0] })), 'ERANGE');
      // plane 1 overflow alone
      expectErrno(() => addfb2(a, nv12({ offsets: [0, 0xffffffff, 0, 0] })), 'ERANGE');
    });

    it('used planes before unused planes', () => {
      // uapi 5.5 before 5.6
      expectErrno(() => addfb2(a, xrgb({ pitches: [0x4000000, 0, 0, 0], modifier: [0n, 1n, 0n, 0n] })), 'ERANGE');
    });

    it('framebuffer_check (pitch, unused planes) before the GEM lookup', () => {
      // uapi 5.5/5.6 before 5.8
      expectErrno(() => addfb2(a, xrgb({ handles: [99, 0, 0, 0], pitches: [100, 0, 0, 0] })), 'EINVAL');
      expectErrno(() => addfb2(a, xrgb({ flags: FbFlag.MODIFIERS, handles: [99, 99, 0, 0] })), 'EINVAL');
    });

    it('plane format support before the GEM lookup', () => {
      // uapi 5.8 order
      expectErrno(() => addfb2(a, xrgb({ pixel_format: Fourcc.XRGB2101010, handles: [99, 0, 0, 0] })), 'EINVAL');
      expectErrno(() => addfb2(a, xrgb({ flags: FbFlag.MODIFIERS, modifier: [X_TILED, 0n, 0n, 0n], handles: [99, 0, 0, 0] })), 'EINVAL');
    });

    it('lookup and size check run plane by plane', () => {
      // uapi 5.8 order: plane 0 too small (EINVAL) before plane 1 lookup (ENOENT) …
      const small = a.createDumb(64, 16, 8); // 4096 bytes: a 128x64 luma plane needs 8192
      expect(small.size).toBe(4096n);
      expectErrno(() => addfb2(a, {
        width: 128, height: 64, pixel_format: Fourcc.NV12, handles: [small.handle, 99, 0, 0], pitches: [128, 128, 0, 0], offsets: [0, 0, 0, 0],
      }), 'EINVAL');
      // … and plane 0 lookup (ENOENT) before plane 1 size (EINVAL)
      expectErrno(() => addfb2(a, {
        width: 128, height: 64, pixel_format: Fourcc.NV12, handles: [99, small.handle, 0, 0], pitches: [128, 128, 0, 0], offsets: [0, 0xf000, 0, 0],
      }), 'ENOENT');
    });
  });
});

describe('ADDFB2 on other mode configs', () => {
  it('MODIFIERS flag on a driver without modifier support → EINVAL, before framebuffer_check', async () => {
    // uapi 5.3
    const d = await createOwnDevice({ modeConfig: { fbModifiersNotSupported: true } });
    const c = d.open();
    const hh = c.createDumb(64, 64, 32).handle;
    const cmd = (over: Cmd2): Cmd2 => ({
      width: 64, height: 64, pixel_format: Fourcc.XRGB8888, handles: [hh, 0, 0, 0], pitches: [256, 0, 0, 0], ...over,
    });
    expectErrno(() => addfb2(c, cmd({ flags: FbFlag.MODIFIERS })), 'EINVAL');
    // the ERANGE of framebuffer_check comes later
    expectErrno(() => addfb2(c, cmd({ flags: FbFlag.MODIFIERS, pitches: [0x4000000, 0, 0, 0] })), 'EINVAL');
    expectErrno(() => addfb2(c, cmd({ pitches: [0x4000000, 0, 0, 0] })), 'ERANGE');
    const id = addfb2(c, cmd({})).fb_id!;
    // GETFB2 without modifier support: flags 0, modifiers 0 (5.18)
    const fb2 = raw(c, 'MODE_GETFB2', { fb_id: id });
    expect(fb2.flags).toBe(0);
    expect(fb2.modifier).toEqual([0n, 0n, 0n, 0n]);
  });

  it('zero width or height → EINVAL when mode_config allows 0', async () => {
    // uapi 5.4
    const d = await createOwnDevice({ modeConfig: { minWidth: 0, minHeight: 0 } });
    const c = d.open();
    const hh = c.createDumb(64, 64, 32).handle;
    const cmd = (over: Cmd2): Cmd2 => ({
      width: 64, height: 64, pixel_format: Fourcc.XRGB8888, handles: [hh, 0, 0, 0], pitches: [256, 0, 0, 0], ...over,
    });
    expectErrno(() => addfb2(c, cmd({ width: 0 })), 'EINVAL');
    expectErrno(() => addfb2(c, cmd({ height: 0 })), 'EINVAL');
    // before the per-plane overflow check (5.5)
    expectErrno(() => addfb2(c, cmd({ width: 0, pitches: [0x4000000, 0, 0, 0] })), 'EINVAL');
    expectErrno(() => addfb2(c, cmd({ height: 0, offsets: [0xffffffff, 0, 0, 0], pitches: [256, 0, 0, 0] })), 'EINVAL');
    // but the unknown-format check comes first: not distinguishable by errno, both EINVAL
    expectErrno(() => addfb2(c, cmd({ width: 0, pixel_format: fourccCode('ZZZZ') })), 'EINVAL');
    // small sizes are fine on this device
    expect(addfb2(c, cmd({ width: 1, height: 1, pitches: [4, 0, 0, 0] })).fb_id).toBeGreaterThan(0);
  });
});
