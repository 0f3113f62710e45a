import { describe, expect, it } from 'vitest';
import { buildLutTable, lutIndexRatio } from '../../src/compose/gamma.js';
import { applyPipeline, curveTable, preparePipeline, type ColorOp } from '../../src/compose/colorop.js';
import { SRGB_EOTF_LUT, SRGB_INV_EOTF_LUT } from '../../src/compose/luts.js';
import { yuvConversion } from '../../src/compose/yuv.js';
import { makeLine } from '../../src/compose/formats-read.js';
import { applyLutRef, fixpMul, int2fixp, lutRatio, pipelineRef, yuvMatrix, type Px, type RefColorOp } from './reference.js';
import { CURVES, int, rng } from './helpers.js';
import { Fourcc } from '../../src/uapi/fourcc.js';

function randomLut(r: () => number, len: number, monotonic: boolean): Uint16Array {
  const lut = new Uint16Array(len * 4);
  for (let c = 0; c < 4; c++) {
    const vals = Array.from({ length: len }, () => Math.floor(r() * 65536));
    if (monotonic) vals.sort((a, b) => a - b);
    vals.forEach((v, i) => (lut[i * 4 + c] = v));
  }
  return lut;
}

describe('gamma LUT (apply_lut_to_channel_value)', () => {
  it('ratio is floor((len−1)·2^32 / 0xffff) (16711935 for 256 entries)', () => {
    expect(lutIndexRatio(256)).toBe(16711935);
    for (const len of [1, 2, 3, 17, 256, 1024, 4096]) {
      expect(lutIndexRatio(len)).toBe(Number(lutRatio(len)));
      expect(lutIndexRatio(len)).toBe(Math.floor((len - 1) * 2 ** 32 / 0xffff));
    }
  });

  it('matches the bigint reference for every input of 256-entry LUTs', () => {
    const r = rng(11);
    for (const monotonic of [true, false]) {
      const lut = randomLut(r, 256, monotonic);
      const ratio = lutRatio(256);
      for (let ch = 0; ch < 3; ch++) {
        const t = buildLutTable(lut, 256, ch, lutIndexRatio(256));
        let bad = 0;
        for (let v = 0; v < 65536; v++) if (t[v] !== applyLutRef(lut, ratio, v, ch)) bad++;
        expect(bad).toBe(0);
      }
    }
  });

  it('matches on sampled inputs for other LUT sizes', () => {
    const r = rng(12);
    for (const len of [1, 2, 3, 16, 33, 1024, 4096]) {
      const lut = randomLut(r, len, r() < 0.5);
      const ratio = lutRatio(len);
      for (let ch = 0; ch < 3; ch++) {
        const t = buildLutTable(lut, len, ch, lutIndexRatio(len));
        for (let i = 0; i < 3000; i++) {
          const v = i < 10 ? [0, 1, 2, 65533, 65534, 65535, 32767, 32768, 257, 256][i]! : Math.floor(r() * 65536);
          expect(t[v]).toBe(applyLutRef(lut, ratio, v, ch));
        }
      }
    }
  });

  it('an identity LUT gives the identity on its grid points', () => {
    const lut = new Uint16Array(256 * 4);
    for (let i = 0; i < 256; i++) lut[i * 4] = lut[i * 4 + 1] = lut[i * 4 + 2] = i * 257;
    const t = buildLutTable(lut, 256, 0, lutIndexRatio(256));
    for (let i = 0; i < 256; i++) expect(Math.abs(t[i * 257]! - i * 257)).toBeLessThanOrEqual(1);
  });
});

describe('colour pipeline', () => {
  it('the sRGB tables are the kernel data (sRGB formula within 1.5, endpoints, monotonic)', () => {
    for (const [lut, f] of [
      [SRGB_EOTF_LUT, (c: number) => (c <= 0.04045 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4)],
      [SRGB_INV_EOTF_LUT, (c: number) => (c <= 0.0031308 ? c * 12.92 : 1.055 * c ** (1 / 2.4) - 0.055)],
    ] as const) {
      expect(lut.length).toBe(256);
      expect(lut[0]).toBe(0);
      expect(lut[255]).toBe(0xffff);
      for (let i = 0; i < 256; i++) {
        expect(Math.abs(lut[i]! - f(i / 255) * 65535)).toBeLessThan(1.5);
        if (i) expect(lut[i]!).toBeGreaterThan(lut[i - 1]!);
      }
    }
  });

  it('curves match the reference for every input', () => {
    for (const curve of ['srgb-eotf', 'srgb-inv-eotf'] as const) {
      const t = curveTable(curve);
      const lut = curve === 'srgb-eotf' ? CURVES.eotf : CURVES.inv;
      let bad = 0;
      for (let v = 0; v < 65536; v++) if (t[v] !== applyLutRef(lut, 0xff00ffn, v, 0)) bad++;
      expect(bad).toBe(0);
    }
  });

  const sm = (v: number): bigint => {
    // a real number → S31.32 sign-magnitude
    const mag = BigInt(Math.round(Math.abs(v) * 2 ** 32));
    return v < 0 ? mag | (1n << 63n) : mag;
  };

  it('CTM 3x4 and chains of ops match the reference (incl. values leaving 0..0xffff mid-pipeline)', () => {
    const r = rng(13);
    const n = 4000;
    for (let rep = 0; rep < 12; rep++) {
      const big = rep % 4 === 3; // huge entries: exercises the bigint fall-back
      const mat = (): bigint[] => Array.from({ length: 12 }, (_, i) => {
        if (big && r() < 0.3) return (BigInt(Math.floor(r() * 2 ** 30)) << 30n) | (r() < 0.5 ? 1n << 63n : 0n);
        return sm(i % 4 === 3 ? (r() - 0.5) * 0.6 : (r() - 0.3) * 3);
      });
      const ops: RefColorOp[] = [];
      const kinds = int(r, 1, 4);
      for (let k = 0; k < kinds; k++) {
        if (r() < 0.4) ops.push({ type: '1d-curve', curve: r() < 0.5 ? 'srgb-eotf' : 'srgb-inv-eotf', bypass: r() < 0.15 });
        else ops.push({ type: 'ctm-3x4', matrix: r() < 0.1 ? null : mat(), bypass: r() < 0.1 });
      }
      const line = makeLine(n);
      for (let i = 0; i < n * 4; i++) line.u16[i] = Math.floor(r() * 65536);
      const before = line.u16.slice();
      const p = preparePipeline(ops as ColorOp[]);
      if (p) applyPipeline(p, line.u16, 0, n);
      for (let i = 0; i < n; i++) {
        const px: Px = [before[i * 4]!, before[i * 4 + 1]!, before[i * 4 + 2]!, before[i * 4 + 3]!];
        const want = pipelineRef(ops, px, CURVES);
        expect([line.u16[i * 4], line.u16[i * 4 + 1], line.u16[i * 4 + 2], line.u16[i * 4 + 3]]).toEqual(want);
      }
    }
  });
});

describe('YUV conversion', () => {
  it('8-bit term tables equal drm_fixp_mul of the VKMS matrices', () => {
    for (const enc of [0, 1, 2, 7]) {
      for (const range of [0, 1]) {
        for (const swap of [false, true]) {
          const cv = yuvConversion(enc, range, swap);
          const m = yuvMatrix(swap ? Fourcc.NV21 : Fourcc.NV12, enc, range);
          for (let row = 0; row < 3; row++) for (let col = 0; col < 3; col++) for (let s = 0; s < 256; s += 1) {
            const off = col === 0 ? m.off * 257 : 128 * 257;
            expect(cv.term8[(row * 3 + col) * 256 + s]! + 0).toBe(Number(fixpMul(m.m[row]![col]!, int2fixp(s * 257 - off))));
          }
        }
      }
    }
  });
});
