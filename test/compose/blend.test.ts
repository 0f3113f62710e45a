import { describe, expect, it } from 'vitest';
import {
  BLEND8, BLEND8_OUT8, applyAlphaMode, blendChannel, blendSpan16, blendU8x4Over16, blendU8x4OverClean, blendU8x4OverCleanWb,
  blendU8x4OverOut8,
} from '../../src/compose/blend.js';
import { makeLine } from '../../src/compose/formats-read.js';
import { blendRef } from './reference.js';
import { rng } from './helpers.js';

describe('pre_mul_blend_channel', () => {
  it('matches the formula for every 8-bit (src, alpha, dst) ×257, wrap included', () => {
    // stage: 256 pixels per (A, C) pair, output dst O = 0..255; 2^24 blends per kernel
    const stage = makeLine(256), out = makeLine(256);
    let bad = 0, wraps = 0, checked = 0;
    for (let A = 0; A < 256; A++) {
      for (let C = 0; C < 256; C++) {
        for (let O = 0; O < 256; O++) {
          const k = O * 4;
          stage.u16[k] = A * 257; stage.u16[k + 1] = C * 257; stage.u16[k + 2] = C * 257; stage.u16[k + 3] = 0;
          out.u16[k] = 0xffff; out.u16[k + 1] = O * 257; out.u16[k + 2] = (255 - O) * 257; out.u16[k + 3] = O * 257;
        }
        blendSpan16(stage.u16, out.u16, 0, 256);
        for (let O = 0; O < 256; O++) {
          const k = O * 4;
          const want1 = blendRef(C * 257, O * 257, A * 257);
          const want2 = blendRef(C * 257, (255 - O) * 257, A * 257);
          const want3 = blendRef(0, O * 257, A * 257);
          if (C * 257 * 65535 + O * 257 * (65535 - A * 257) >= 2 ** 32) wraps++;
          if (out.u16[k] !== 0xffff || out.u16[k + 1] !== want1 || out.u16[k + 2] !== want2 || out.u16[k + 3] !== want3) bad++;
          checked++;
        }
      }
    }
    expect(checked).toBe(2 ** 24);
    expect(wraps).toBeGreaterThan(1000); // the u32 wrap region is covered
    expect(bad).toBe(0);
  });

  it('blendChannel and the 8-bit tables agree with the formula everywhere in 8 bits', () => {
    let bad = 0;
    for (let A = 0; A < 256; A++) for (let C = 0; C < 256; C++) for (let O = 0; O < 256; O++) {
      const want = blendRef(C * 257, O * 257, A * 257);
      const X = 255 * C + (255 - A) * O;
      if (BLEND8[X] !== want || blendChannel(C * 257, O * 257, A * 257) !== want ||
        BLEND8_OUT8[X] !== Math.floor((want + 128) / 257)) bad++;
    }
    expect(bad).toBe(0);
  });

  it('matches on random 16-bit triples (premultiplied and not)', () => {
    const r = rng(7);
    const n = 1 << 16;
    const stage = makeLine(n), out = makeLine(n);
    const want = new Uint16Array(n * 4);
    for (let i = 0; i < n; i++) {
      const k = i * 4;
      const a = r() < 0.1 ? (r() < 0.5 ? 0 : 0xffff) : Math.floor(r() * 65536);
      stage.u16[k] = a;
      for (let c = 1; c < 4; c++) {
        stage.u16[k + c] = r() < 0.7 ? Math.floor(r() * (a + 1)) : Math.floor(r() * 65536);
        out.u16[k + c] = Math.floor(r() * 65536);
        want[k + c] = blendRef(stage.u16[k + c]!, out.u16[k + c]!, a);
      }
      want[k] = 0xffff;
      out.u16[k] = 0xffff;
    }
    blendSpan16(stage.u16, out.u16, 0, n);
    expect(Buffer.from(out.u16.buffer).equals(Buffer.from(want.buffer))).toBe(true);
  });
});

describe('fused 8888 kernels', () => {
  it('over clean, over 16-bit and over 8-bit output all equal the formula, exhaustively', () => {
    // source words ARGB8888 (B,G,R,A bytes): shifts r=16 g=8 b=0 a=24
    const src = new Int32Array(256);
    const outC = makeLine(256), out16 = makeLine(256), outW = makeLine(256);
    const out8 = new Int32Array(256), wb = new Int32Array(256);
    let bad = 0;
    for (let A = 0; A < 256; A++) {
      for (let C = 0; C < 256; C++) {
        for (let O = 0; O < 256; O++) {
          src[O] = (A << 24) | (C << 16) | ((255 - C) << 8) | C;
          const k = O * 4;
          for (const l of [outC, out16, outW]) { l.u16[k] = 0xffff; l.u16[k + 1] = O * 257; l.u16[k + 2] = (255 - O) * 257; l.u16[k + 3] = 0; }
          out8[O] = (0xff << 24) | (O << 16) | ((255 - O) << 8);
        }
        blendU8x4OverClean(src, 0, 1, 256, 16, 8, 0, 24, outC, 0);
        blendU8x4Over16(src, 0, 1, 256, 16, 8, 0, 24, out16, 0);
        blendU8x4OverOut8(src, 0, 1, 256, 16, 8, 0, 24, out8, 0);
        blendU8x4OverCleanWb(src, 0, 1, 256, 16, 8, 0, 24, outW, 0, wb, 0);
        for (let O = 0; O < 256; O++) {
          const r = blendRef(C * 257, O * 257, A * 257), g = blendRef((255 - C) * 257, (255 - O) * 257, A * 257);
          const b = blendRef(C * 257, 0, A * 257);
          const k = O * 4;
          for (const l of [outC, out16, outW]) if (l.u16[k] !== 0xffff || l.u16[k + 1] !== r || l.u16[k + 2] !== g || l.u16[k + 3] !== b) bad++;
          const d = (x: number): number => Math.floor((x + 128) / 257);
          if (out8[O]! >>> 0 !== ((0xff << 24) | (d(r) << 16) | (d(g) << 8) | d(b)) >>> 0) bad++;
          if (wb[O]! >>> 0 !== ((0xff << 24) | (d(r) << 16) | (d(g) << 8) | d(b)) >>> 0) bad++;
        }
      }
    }
    expect(bad).toBe(0);
  });
});

describe('plane alpha and blend modes (beyond VKMS)', () => {
  it('premultiplied with alpha 0xffff is the identity', () => {
    const r = rng(9);
    const l = makeLine(1000);
    for (let i = 0; i < 4000; i++) l.u16[i] = Math.floor(r() * 65536);
    const copy = l.u16.slice();
    applyAlphaMode(l.u16, 0, 1000, 0xffff, 0);
    expect(l.u16).toEqual(copy);
  });
  it('follows the documented drm_blend.c formulas', () => {
    const r = rng(10);
    const l = makeLine(3000);
    for (let i = 0; i < 12000; i++) l.u16[i] = Math.floor(r() * 65536);
    const m = (x: number, y: number): number => Math.floor((x * y + 32767) / 65535);
    for (const [mode, pa] of [[0, 30000], [1, 0xffff], [1, 1234], [2, 40000], [2, 0xffff]] as const) {
      const before = l.u16.slice();
      applyAlphaMode(l.u16, 0, 3000, pa, mode);
      for (let i = 0; i < 3000; i++) {
        const k = i * 4;
        const a = before[k]!;
        const na = mode === 2 ? pa : m(a, pa);
        const f = mode === 0 ? pa : mode === 1 ? na : pa;
        expect([l.u16[k], l.u16[k + 1], l.u16[k + 2], l.u16[k + 3]]).toEqual([na, m(before[k + 1]!, f), m(before[k + 2]!, f), m(before[k + 3]!, f)]);
      }
    }
  });
});
