import { describe, expect, it } from 'vitest';
import { BL_LINE, BL_WB, CVT_ALPHA, CVT_NO_LINE, CVT_WB, blend2hMasks, cvtMasks, instantiateKernels } from '../../src/compose/wasm.js';
import { blendRef } from './reference.js';

const k = instantiateKernels(16)!;
// pre_mul_blend_channel for every 8-bit (A, C, O) ×257, computed once: REF[A << 16 | C << 8 | O]
const REF = new Uint16Array(1 << 24);
for (let A = 0; A < 256; A++) for (let C = 0; C < 256; C++) for (let O = 0; O < 256; O++) REF[(A << 16) | (C << 8) | O] = blendRef(C * 257, O * 257, A * 257);
const ref = (C: number, O: number, A: number): number => REF[(A << 16) | (C << 8) | O]!;
const m8 = new Uint8Array(k.memory.buffer), m16 = new Uint16Array(k.memory.buffer), m32 = new Int32Array(k.memory.buffer);
const d257 = (c: number): number => Math.floor((c + 128) / 257);
// layout: t words at 0, q words at 4096, line at 8192, writeback at 16384 (256 pixels each)
const T = 0, Q = 4096, L = 8192, WB = 16384;

describe('WebAssembly kernels', () => {
  it('are available here', () => {
    expect(k).not.toBeNull();
  });

  it('blend2h (16-bit lanes) equals pre_mul_blend_channel for every 8-bit (src, alpha, dst), wrap included', () => {
    let bad = 0;
    // t as ABGR8888 (R,G,B,A bytes), q as XRGB8888: the swizzles are exercised too
    m8.set(blend2hMasks(2, 1, 0, 0, 1, 2, 3), 600000);
    for (const flags of [BL_LINE | BL_WB, BL_WB, BL_LINE]) {
      for (let A = 0; A < 256; A += flags === (BL_LINE | BL_WB) ? 1 : 7) {
        for (let C = 0; C < 256; C++) {
          for (let O = 0; O < 256; O++) {
            // mostly premultiplied groups; C > A lanes appear and send their group to the scalar kernel
            m32[(T >> 2) + O] = (A << 24) | ((C ^ (O & 3)) << 16) | ((255 - C) << 8) | C;
            m32[(Q >> 2) + O] = (0x33 << 24) | (O << 16) | ((255 - O) << 8) | (O >> 1);
          }
          m16.fill(0x1234, L >> 1, (L >> 1) + 1024);
          m32.fill(0x55, WB >> 2, (WB >> 2) + 256);
          k.blend2h(Q, T, 254, L, WB, 16, 8, 0, 0, 8, 16, 24, flags, 600000);
          k.blend2h(Q + 254 * 4, T + 254 * 4, 2, L + 254 * 8, WB + 254 * 4, 16, 8, 0, 0, 8, 16, 24, flags, 600000);
          for (let O = 0; O < 256; O++) {
            // t is ABGR8888: R = byte 0 = C, B = byte 2 = C ^ (O & 3)
            const r = ref(C, O, A), g = ref(255 - C, 255 - O, A), b = ref(C ^ (O & 3), O >> 1, A);
            const o = (L >> 1) + O * 4;
            const line = flags & BL_LINE ? [0xffff, r, g, b] : [0x1234, 0x1234, 0x1234, 0x1234];
            if (m16[o] !== line[0] || m16[o + 1] !== line[1] || m16[o + 2] !== line[2] || m16[o + 3] !== line[3]) bad++;
            const w = flags & BL_WB ? ((0xff << 24) | (d257(r) << 16) | (d257(g) << 8) | d257(b)) >>> 0 : 0x55;
            if (m32[(WB >> 2) + O]! >>> 0 !== w) bad++;
          }
        }
      }
    }
    expect(bad).toBe(0);
  });

  it('has the SIMD kernels', () => {
    expect(k.simd).toBe(true);
  });

  for (const simd of [false, true]) {
  const blend1 = simd ? k.blend1s : k.blend1, blend2 = simd ? k.blend2s : k.blend2;
  const line2xrgb = simd ? k.line2xrgbs : k.line2xrgb;
  const cvt = (src: number, n: number, out: number, wb: number, rs: number, gs: number, bs: number, as: number, flags: number): void => {
    if (!simd) return k.cvt8888(src, n, out, wb, rs, gs, bs, as, flags);
    m8.set(cvtMasks(flags & CVT_ALPHA ? as / 8 : -1, rs / 8, gs / 8, bs / 8), 500000);
    k.cvt8888s(src, n, out, wb, rs, gs, bs, as, flags, 500000);
  };
  const tag = simd ? ' (SIMD)' : ' (scalar)';

  it('blend1 and blend2 equal pre_mul_blend_channel for every 8-bit (src, alpha, dst), wrap included' + tag, () => {
    let bad = 0;
    for (let A = 0; A < 256; A++) {
      for (let C = 0; C < 256; C++) {
        for (let O = 0; O < 256; O++) {
          m32[(T >> 2) + O] = (A << 24) | (C << 16) | ((255 - C) << 8) | (C ^ 0x5a);
          m32[(Q >> 2) + O] = (0x33 << 24) | (O << 16) | ((255 - O) << 8) | (O >> 1);
          m16[(L >> 1) + O * 4] = 0xffff; m16[(L >> 1) + O * 4 + 1] = O * 257; m16[(L >> 1) + O * 4 + 2] = (255 - O) * 257; m16[(L >> 1) + O * 4 + 3] = (O >> 1) * 257;
        }
        blend1(T, 255, L, WB, 16, 8, 0, 24, BL_WB); // 255: the SIMD loop plus a scalar tail
        blend1(T + 255 * 4, 1, L + 255 * 8, WB + 255 * 4, 16, 8, 0, 24, BL_WB);
        for (let O = 0; O < 256; O++) {
          const r = ref(C, O, A), g = ref(255 - C, 255 - O, A), b = ref(C ^ 0x5a, O >> 1, A);
          const o = (L >> 1) + O * 4;
          if (m16[o] !== 0xffff || m16[o + 1] !== r || m16[o + 2] !== g || m16[o + 3] !== b) bad++;
          if (m32[(WB >> 2) + O]! >>> 0 !== ((0xff << 24) | (d257(r) << 16) | (d257(g) << 8) | d257(b)) >>> 0) bad++;
        }
        m16.fill(0, L >> 1, (L >> 1) + 1024);
        blend2(Q, T, 254, L, WB, 16, 8, 0, 16, 8, 0, 24, BL_LINE | BL_WB);
        blend2(Q + 254 * 4, T + 254 * 4, 2, L + 254 * 8, WB + 254 * 4, 16, 8, 0, 16, 8, 0, 24, BL_LINE | BL_WB);
        for (let O = 0; O < 256; O++) {
          const r = ref(C, O, A), g = ref(255 - C, 255 - O, A), b = ref(C ^ 0x5a, O >> 1, A);
          const o = (L >> 1) + O * 4;
          if (m16[o] !== 0xffff || m16[o + 1] !== r || m16[o + 2] !== g || m16[o + 3] !== b) bad++;
          if (m32[(WB >> 2) + O]! >>> 0 !== ((0xff << 24) | (d257(r) << 16) | (d257(g) << 8) | d257(b)) >>> 0) bad++;
        }
      }
    }
    expect(bad).toBe(0);
  });

  it('cvt8888 converts every byte value in every channel order, with and without alpha / line / writeback' + tag, () => {
    for (const [rs, gs, bs, as] of [[16, 8, 0, 24], [0, 8, 16, 24], [8, 16, 24, 0], [24, 16, 8, 0]]) {
      for (let v = 0; v < 256; v++) m32[(T >> 2) + v] = (v << rs!) | (((v * 7) & 255) << gs!) | (((v * 13) & 255) << bs!) | (((255 - v) & 255) << as!);
      for (const flags of [0, CVT_ALPHA, CVT_WB, CVT_ALPHA | CVT_WB, CVT_WB | CVT_NO_LINE]) {
        m16.fill(7, L >> 1, (L >> 1) + 1024);
        m32.fill(9, WB >> 2, (WB >> 2) + 256);
        cvt(T, 253, L, WB, rs!, gs!, bs!, as!, flags);
        cvt(T + 253 * 4, 3, L + 253 * 8, WB + 253 * 4, rs!, gs!, bs!, as!, flags);
        for (let v = 0; v < 256; v++) {
          const o = (L >> 1) + v * 4;
          const line = [m16[o], m16[o + 1], m16[o + 2], m16[o + 3]];
          if (flags & CVT_NO_LINE) expect(line).toEqual([7, 7, 7, 7]);
          else expect(line).toEqual([flags & CVT_ALPHA ? (255 - v) * 257 : 0xffff, v * 257, ((v * 7) & 255) * 257, ((v * 13) & 255) * 257]);
          const w = m32[(WB >> 2) + v]! >>> 0;
          expect(w).toBe(flags & CVT_WB ? ((0xff << 24) | (v << 16) | (((v * 7) & 255) << 8) | ((v * 13) & 255)) >>> 0 : 9);
        }
      }
    }
  });

  it('line2xrgb is DIV_ROUND_CLOSEST(c, 257) for every u16; xrgb2line is byte·257' + tag, () => {
    const n = 65536 / 4;
    for (let base = 0; base < 65536; base += n * 3) {
      for (let i = 0; i < n; i++) {
        const c = (base + i * 3) & 0xffff;
        m16.set([0xffff, c, (c + 1) & 0xffff, (c + 2) & 0xffff], (200000 >> 1) + i * 4);
      }
      line2xrgb(200000, n - 3, 400000);
      line2xrgb(200000 + (n - 3) * 8, 3, 400000 + (n - 3) * 4);
      for (let i = 0; i < n; i++) {
        const c = (base + i * 3) & 0xffff;
        expect(m32[(400000 >> 2) + i]! >>> 0).toBe(((0xff << 24) | (d257(c) << 16) | (d257((c + 1) & 0xffff) << 8) | d257((c + 2) & 0xffff)) >>> 0);
      }
    }
    for (let v = 0; v < 256; v++) m32[(T >> 2) + v] = (v << 16) | ((255 - v) << 8) | (v ^ 0x33) | (0x12 << 24);
    k.xrgb2line(T, 256, L);
    for (let v = 0; v < 256; v++) expect([...m16.subarray((L >> 1) + v * 4, (L >> 1) + v * 4 + 4)]).toEqual([0xffff, v * 257, (255 - v) * 257, (v ^ 0x33) * 257]);
    expect(m8.length).toBeGreaterThan(0);
  });
  }
});
