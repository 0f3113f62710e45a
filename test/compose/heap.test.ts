import { describe, expect, it } from 'vitest';
import { Fourcc } from '../../src/uapi/fourcc.js';
import { Composer } from '../../src/compose/composer.js';
import { PixelHeap } from '../../src/compose/heap.js';
import type { ComposeFrame } from '../../src/compose/types.js';
import { composeRef, type RefFb, type RefPlane } from './reference.js';
import { CURVES, clipPlane, int, pick, planeAt, randomFb, rng } from './helpers.js';

describe('PixelHeap', () => {
  it('allocates zeroed, aligned, disjoint buffers, frees and coalesces, and grows without breaking old views', () => {
    const h = new PixelHeap(1 << 16, 64 << 20);
    const a = h.alloc(100), b = h.alloc(70000), c = h.alloc(5);
    for (const x of [a, b, c]) { expect(x.byteOffset % 64).toBe(0); expect(x.every((v) => v === 0)).toBe(true); expect(h.owns(x)).toBe(true); }
    expect(b.byteOffset).toBeGreaterThanOrEqual(a.byteOffset + 100);
    expect(c.byteOffset).toBeGreaterThanOrEqual(b.byteOffset + 70000);
    a.fill(1); c.fill(3);
    const big = h.alloc(3 << 20); // grows the memory
    big.fill(9);
    expect(a[0]).toBe(1);
    expect(c[4]).toBe(3);
    h.free(b);
    const d = h.alloc(60000); // first fit: where b was
    expect(d.byteOffset).toBe(b.byteOffset);
    expect(d.every((v) => v === 0)).toBe(true);
    h.free(a); h.free(d); h.free(c); h.free(big);
    expect(h.usedBytes).toBe(0);
    const e = h.alloc(200000); // everything coalesced back
    expect(e.byteOffset).toBe(a.byteOffset);
    expect(() => h.free(new Uint8Array(4))).toThrow(/not from the pixel heap/);
    h.free(e);
    expect(() => h.free(e)).toThrow(/twice/);
  });
});

describe('composing in the pixel heap (planes and writeback in place)', () => {
  it('gives the same bytes as the reference, mixing heap and ordinary memory', () => {
    const h = new PixelHeap(1 << 20, 256 << 20);
    const r = rng(500);
    const inHeap = (fb: RefFb): RefFb => {
      const map = new Map<Uint8Array, Uint8Array>();
      return { ...fb, data: fb.data.map((d) => { let x = map.get(d); if (!x) { x = h.alloc(d.length); x.set(d); map.set(d, x); } return x; }) };
    };
    for (let rep = 0; rep < 30; rep++) {
      const W = int(r, 8, 50), H = int(r, 4, 40);
      const planes: RefPlane[] = [];
      const prim = randomFb(r, pick(r, [Fourcc.XRGB8888, Fourcc.XBGR8888]), W, H, { offset: int(r, 0, 1) * 4 });
      planes.push(planeAt(r() < 0.8 ? inHeap(prim) : prim, 0, 0));
      for (let i = 0; i < int(r, 1, 3); i++) {
        const fb = randomFb(r, pick(r, [Fourcc.ARGB8888, Fourcc.ABGR8888, Fourcc.RGBA8888, Fourcc.NV12]), int(r, 4, 30), int(r, 4, 30), { premultiplied: r() < 0.8, pad: int(r, 0, 2) * 4 });
        const p = clipPlane(planeAt(r() < 0.7 ? inHeap(fb) : fb, int(r, -5, W), int(r, -5, H), pick(r, [1, 1, 4, 2 | 32])), W, H);
        if (p) planes.push(p);
      }
      const frame = { width: W, height: H, planes } as ComposeFrame;
      const pitch = W * 4 + int(r, 0, 2) * 4, offset = int(r, 0, 3) * 4;
      const wbData = r() < 0.7 ? h.alloc(offset + pitch * H) : new Uint8Array(offset + pitch * H);
      const want = composeRef(frame as never, { format: Fourcc.XRGB8888, width: W, height: H, pitch, offset, size: offset + pitch * H }, CURVES);
      for (const crc of [true, false]) {
        wbData.fill(0);
        const c = new Composer({ heap: h });
        const res = c.compose(frame, { crc, writeback: { format: Fourcc.XRGB8888, data: wbData, pitch, offset, width: W, height: H } });
        if (crc) expect(res.crc).toBe(want.crc);
        expect(Buffer.from(wbData).equals(Buffer.from(want.wb!))).toBe(true);
        const used = h.usedBytes;
        c.dispose();
        expect(h.usedBytes).toBeLessThan(used); // its line buffers went back to the heap
      }
    }
  });
});
