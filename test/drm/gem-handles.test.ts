/** GEM handles: allocation, DESTROY_DUMB / GEM_CLOSE, FBs outliving their handle (uapi 5.24, 5.26, 5.27). */
import { beforeEach, describe, expect, it } from 'vitest';
import type { Card } from '../../src/client/card.js';
import { Fourcc } from '../../src/uapi/fourcc.js';
import { expectErrno, fileOf, raw } from './core-helpers.js';
import { createTestDevice, type TestDevice } from './test-driver.js';

describe('GEM handles (uapi 5.24, 5.26, 5.27)', () => {
  let t: TestDevice;
  let a: Card;
  let b: Card;
  const mk = (card: Card): number => card.createDumb(64, 64, 32).handle;

  beforeEach(async () => {
    t = await createTestDevice();
    a = t.open();
    b = t.open();
  });

  it('handles are the lowest free integer ≥ 1, per file', () => {
    // uapi 5.24
    expect([mk(a), mk(a), mk(a)]).toEqual([1, 2, 3]);
    expect(mk(b)).toBe(1); // independent table
    a.destroyDumb(2);
    expect(mk(a)).toBe(2);
    expect(mk(a)).toBe(4);
    a.closeHandle(1);
    a.closeHandle(3);
    expect(mk(a)).toBe(1);
    expect(mk(a)).toBe(3);
    expect(mk(a)).toBe(5);
    expect(mk(b)).toBe(2);
    expect(fileOf(a).handles.ids()).toEqual([1, 2, 3, 4, 5]);
    expect(fileOf(b).handles.ids()).toEqual([1, 2]);
  });

  it('DESTROY_DUMB of an unknown handle → EINVAL', () => {
    // uapi 5.26
    expectErrno(() => raw(a, 'MODE_DESTROY_DUMB', { handle: 1 }), 'EINVAL');
    expectErrno(() => raw(a, 'MODE_DESTROY_DUMB', { handle: 0 }), 'EINVAL');
    const h = mk(a);
    expectErrno(() => raw(b, 'MODE_DESTROY_DUMB', { handle: h }), 'EINVAL'); // a's handle, b has none
    raw(a, 'MODE_DESTROY_DUMB', { handle: h });
    expectErrno(() => raw(a, 'MODE_DESTROY_DUMB', { handle: h }), 'EINVAL');
    expectErrno(() => raw(a, 'MODE_MAP_DUMB', { handle: h }), 'ENOENT');
  });

  it('GEM_CLOSE of an unknown handle → EINVAL; it closes dumb handles too', () => {
    // uapi 5.26
    expectErrno(() => raw(a, 'GEM_CLOSE', { handle: 1 }), 'EINVAL');
    expectErrno(() => raw(a, 'GEM_CLOSE', { handle: 0 }), 'EINVAL');
    const h = mk(a);
    expectErrno(() => raw(b, 'GEM_CLOSE', { handle: h }), 'EINVAL');
    raw(a, 'GEM_CLOSE', { handle: h });
    expect(fileOf(a).handles.size).toBe(0);
    expectErrno(() => raw(a, 'GEM_CLOSE', { handle: h }), 'EINVAL');
    expectErrno(() => raw(a, 'MODE_DESTROY_DUMB', { handle: h }), 'EINVAL');
  });

  it('an FB stays valid after its handle is destroyed', () => {
    // uapi 5.27
    const d = a.createDumb(64, 64, 32);
    const off = raw(a, 'MODE_MAP_DUMB', { handle: d.handle }).offset!;
    const m = a.mapDumb(d.handle);
    m.fill(0x5a);
    const id = a.addFB2(64, 64, Fourcc.XRGB8888, [d.handle], [256], [0]);
    const obj = fileOf(a).handles.get(d.handle)!;
    expect(obj.refs).toBe(2);
    a.destroyDumb(d.handle);
    expect(fileOf(a).handles.size).toBe(0);
    expect(obj.refs).toBe(1); // the FB's own reference
    // the FB still answers and still points at the same memory
    const fb = t.device.drm.fb(id)!;
    expect(fb.objs[0]).toBe(obj);
    expect(fb.objs[0]!.bytes.every((x) => x === 0x5a)).toBe(true);
    expect(b.getFB2(id)).toMatchObject({ width: 64, height: 64, pixelFormat: Fourcc.XRGB8888, pitches: [256, 0, 0, 0], handles: [0, 0, 0, 0] });
    // the master can get a handle back (lowest free: 1) — the same object, same mmap offset
    const g = raw(a, 'MODE_GETFB', { fb_id: id });
    expect(g.handle).toBe(1);
    expect(fileOf(a).handles.get(1)).toBe(obj);
    expect(raw(a, 'MODE_MAP_DUMB', { handle: 1 }).offset).toBe(off);
    expect(a.fd.mmap(off, 16384)[123]).toBe(0x5a);
    // a new dumb buffer does not alias it
    const other = mk(a);
    expect(other).toBe(2);
    expect(fileOf(a).handles.get(other)).not.toBe(obj);
    // RMFB drops the FB's reference; the GETFB handle keeps the object
    a.rmFB(id);
    expect(obj.refs).toBe(1);
  });

  it('closing a file drops its handles but not the objects its FBs (elsewhere) reference', () => {
    // uapi 5.27, 5.16
    const h = mk(b);
    const id = b.addFB2(64, 64, Fourcc.XRGB8888, [h], [256], [0]);
    const obj = fileOf(b).handles.get(h)!;
    // a takes a handle through GETFB (master) before b goes away
    const ah = raw(a, 'MODE_GETFB', { fb_id: id }).handle!;
    expect(obj.refs).toBe(3);
    b.close();
    expect(obj.refs).toBe(1);
    expect(fileOf(a).handles.get(ah)).toBe(obj);
    expectErrno(() => raw(a, 'MODE_GETFB', { fb_id: id }), 'ENOENT');
  });
});
