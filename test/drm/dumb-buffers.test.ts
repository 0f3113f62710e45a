/** Dumb buffers: CREATE/MAP/DESTROY_DUMB and mmap (uapi 5.20–5.23, 5.25, 7.3). */
import { beforeEach, describe, expect, it } from 'vitest';
import type { Card } from '../../src/client/card.js';
import { Cap } from '../../src/uapi/drm-mode.js';
import { Fourcc } from '../../src/uapi/fourcc.js';
import { expectErrno, fileOf, raw } from './core-helpers.js';
import { createTestDevice, type TestDevice } from './test-driver.js';

const create = (card: Card, width: number, height: number, bpp: number, extra: Record<string, number | bigint> = {}) =>
  raw(card, 'MODE_CREATE_DUMB', { width, height, bpp, ...extra });
const mapOffset = (card: Card, handle: number): bigint => raw(card, 'MODE_MAP_DUMB', { handle }).offset!;

describe('a driver without dumb_create (uapi 5.20)', () => {
  it('CREATE_DUMB, MAP_DUMB and DESTROY_DUMB answer ENOSYS before any other check', async () => {
    // uapi 5.20
    const t = await createTestDevice({ features: { dumb: false } });
    const a = t.open();
    expectErrno(() => create(a, 64, 64, 32), 'ENOSYS');
    expectErrno(() => create(a, 0, 0, 0), 'ENOSYS');
    expectErrno(() => raw(a, 'MODE_MAP_DUMB', { handle: 1 }), 'ENOSYS');
    expectErrno(() => raw(a, 'MODE_DESTROY_DUMB', { handle: 1 }), 'ENOSYS');
    expect(fileOf(a).handles.size).toBe(0);
    // DRM_CAP_DUMB_BUFFER reports it (1.16)
    expect(a.getCap(Cap.DUMB_BUFFER)).toBe(0n);
    // GEM_CLOSE is not a dumb ioctl: it still runs (unknown handle → EINVAL, 5.26)
    expectErrno(() => raw(a, 'GEM_CLOSE', { handle: 1 }), 'EINVAL');
  });
});

describe('CREATE_DUMB (uapi 5.21–5.23)', () => {
  let t: TestDevice;
  let a: Card;

  beforeEach(async () => {
    t = await createTestDevice();
    a = t.open();
  });

  it('zero width, height or bpp → EINVAL', () => {
    // uapi 5.21
    expectErrno(() => create(a, 0, 64, 32), 'EINVAL');
    expectErrno(() => create(a, 64, 0, 32), 'EINVAL');
    expectErrno(() => create(a, 64, 64, 0), 'EINVAL');
    expect(fileOf(a).handles.size).toBe(0);
    expect(create(a, 1, 1, 1).handle).toBe(1);
  });

  it('bpp > U32_MAX - 8 → EINVAL', () => {
    // uapi 5.21
    expectErrno(() => create(a, 1, 1, 0xfffffff8), 'EINVAL');
    expectErrno(() => create(a, 1, 1, 0xffffffff), 'EINVAL');
  });

  it('cpp × width overflowing u32 → EINVAL', () => {
    // uapi 5.21: cpp 4, width 2^30 → 2^32
    expectErrno(() => create(a, 0x40000000, 1, 32), 'EINVAL');
    expectErrno(() => create(a, 0xffffffff, 1, 16), 'EINVAL');
  });

  it('stride × height overflowing u32 → EINVAL', () => {
    // uapi 5.21: stride 0xfffffffc, height 2
    expectErrno(() => create(a, 0x3fffffff, 2, 32), 'EINVAL');
    expectErrno(() => create(a, 0xffffffff, 2, 8), 'EINVAL');
    expectErrno(() => create(a, 65536, 65537, 8), 'EINVAL');
  });

  it('a size that PAGE_ALIGN wraps to 0 → EINVAL', () => {
    // uapi 5.21: 0xfffff001 … 0xffffffff round up to 2^32 ≡ 0
    expectErrno(() => create(a, 0x3fffffff, 1, 32), 'EINVAL'); // 0xfffffffc
    expectErrno(() => create(a, 1, 0xffffffff, 8), 'EINVAL');
    expectErrno(() => create(a, 1, 0xfffff001, 8), 'EINVAL');
    expectErrno(() => create(a, 0xfffff001, 1, 8), 'EINVAL');
    expect(fileOf(a).handles.size).toBe(0);
  });

  it('handle, pitch and size inputs are ignored and filled', () => {
    // uapi 5.22
    const r = create(a, 64, 64, 32, { handle: 99, pitch: 1, size: 1n });
    expect([r.handle, r.pitch, r.size]).toEqual([1, 256, 16384n]);
    const r2 = create(a, 64, 64, 32, { handle: 7, pitch: 100000, size: 1n << 30n });
    expect([r2.handle, r2.pitch, r2.size]).toEqual([2, 256, 16384n]);
    expect(fileOf(a).handles.get(2)!.size).toBe(16384);
  });

  it.each([
    // width, height, bpp → pitch = ceil(width*bpp/8), size = PAGE_ALIGN(pitch*height)
    [64, 64, 32, 256, 16384n],
    [1024, 768, 32, 4096, 3145728n],
    [640, 480, 16, 1280, 614400n],
    [1000, 1000, 8, 1000, 1003520n],
    [100, 3, 24, 300, 4096n],
    [3, 5, 12, 5, 4096n],
    [17, 1, 1, 3, 4096n],
    [1, 1, 1, 1, 4096n],
    [4097, 1, 8, 4097, 8192n],
  ])('%i×%i×%i → pitch %i, size %i', (width, height, bpp, pitch, size) => {
    // uapi 5.23
    const r = create(a, width, height, bpp);
    expect([r.pitch, r.size]).toEqual([pitch, size]);
    const obj = fileOf(a).handles.get(r.handle!)!;
    expect(obj.size).toBe(Number(size));
    expect(obj.bytes.length).toBe(Number(size));
    expect(obj.bytes.every((x) => x === 0)).toBe(true);
  });
});

describe('MAP_DUMB and mmap (uapi 5.25)', () => {
  let t: TestDevice;
  let a: Card;
  let b: Card;

  beforeEach(async () => {
    t = await createTestDevice();
    a = t.open();
    b = t.open();
  });

  it('unknown handle → ENOENT', () => {
    // uapi 5.25
    expectErrno(() => mapOffset(a, 1), 'ENOENT');
    expectErrno(() => mapOffset(a, 0), 'ENOENT');
    create(a, 64, 64, 32);
    expectErrno(() => mapOffset(b, 1), 'ENOENT'); // a's handle number, b has none
  });

  it('offsets: ≥ 0x100000000, page aligned, disjoint per object, stable per object', () => {
    // uapi 5.25
    const sizes = [16384n, 4096n, 3145728n];
    const hs = [create(a, 64, 64, 32).handle!, create(a, 1, 1, 8).handle!, create(b, 1024, 768, 32).handle!];
    const offs = [mapOffset(a, hs[0]!), mapOffset(a, hs[1]!), mapOffset(b, hs[2]!)];
    for (const o of offs) {
      expect(o >= 0x100000000n).toBe(true);
      expect(o % 4096n).toBe(0n);
    }
    const ranges = offs.map((o, i) => [o, o + sizes[i]!] as const).sort((x, y) => (x[0] < y[0] ? -1 : 1));
    for (let i = 1; i < ranges.length; i++) expect(ranges[i]![0] >= ranges[i - 1]![1]).toBe(true);
    expect(mapOffset(a, hs[0]!)).toBe(offs[0]);
    expect(mapOffset(a, hs[1]!)).toBe(offs[1]);
  });

  it('two mappings share the memory, and it is the memory the FB scans out', () => {
    // uapi 5.25
    const d = a.createDumb(64, 64, 32);
    const m1 = a.mapDumb(d.handle);
    const m2 = a.mapDumb(d.handle);
    expect(m1.length).toBe(16384);
    m1[0] = 0x11;
    m1[16383] = 0x22;
    expect(m2[0]).toBe(0x11);
    expect(m2[16383]).toBe(0x22);
    const id = a.addFB2(64, 64, Fourcc.XRGB8888, [d.handle], [256], [0]);
    const fbBytes = t.device.drm.fb(id)!.objs[0]!.bytes;
    expect(fbBytes[0]).toBe(0x11);
    expect(fbBytes[16383]).toBe(0x22);
    m2[100] = 0x33; // written after the FB was created
    expect(fbBytes[100]).toBe(0x33);
    fbBytes[200] = 0x44;
    expect(m1[200]).toBe(0x44);
  });

  it('mmap of an object the file has no handle for → EACCES; too long → EINVAL', () => {
    // uapi 5.25 (drm_gem_mmap: drm_vma_node_is_allowed, exact lookup)
    const d = a.createDumb(64, 64, 32);
    const off = mapOffset(a, d.handle);
    expect(() => b.fd.mmap(off, 4096)).toThrowError(expect.objectContaining({ code: 'EACCES' }));
    expect(() => a.fd.mmap(off, 16385)).toThrowError(expect.objectContaining({ code: 'EINVAL' }));
    expect(a.fd.mmap(off, 16384).length).toBe(16384);
  });
});
