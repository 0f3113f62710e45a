import { describe, expect, it } from 'vitest';
import * as zlib from 'node:zlib';
import { CrcShifter, crc32Combine, crc32le } from '../../src/compose/crc.js';
import { crc32leRef } from './reference.js';
import { rng } from './helpers.js';

const bytes = (r: () => number, n: number): Uint8Array => Uint8Array.from({ length: n }, () => Math.floor(r() * 256));

describe('crc32_le', () => {
  it('matches a bitwise crc32_le (seed 0, no inversion) on random buffers', () => {
    const r = rng(1);
    for (const n of [0, 1, 2, 3, 7, 8, 64, 1000, 15360]) {
      const b = bytes(r, n);
      expect(crc32le(0, b)).toBe(crc32leRef(0, b));
      const seed = Math.floor(r() * 2 ** 32);
      expect(crc32le(seed, b)).toBe(crc32leRef(seed, b));
    }
  });

  it('is ~zlib.crc32(buf, 0xffffffff) (the identity the fast path relies on)', () => {
    const r = rng(2);
    const z = (zlib as unknown as { crc32: (d: Uint8Array, v?: number) => number }).crc32;
    for (let i = 0; i < 20; i++) {
      const b = bytes(r, int(r, 0, 5000));
      expect((~z(b, 0xffffffff)) >>> 0).toBe(crc32leRef(0, b));
    }
    // and a known vector: crc32_le(0, "123456789") for the un-inverted CRC
    const v = new TextEncoder().encode('123456789');
    expect(crc32le(0, v)).toBe(crc32leRef(0, v));
    expect((~crc32leRef(~0 >>> 0, v)) >>> 0).toBe(0xcbf43926); // the standard CRC-32 check value
  });

  it('chains: crc32_le(crc32_le(0, a), b) === crc32_le(0, a‖b)', () => {
    const r = rng(3);
    const a = bytes(r, 777), b = bytes(r, 333);
    const ab = new Uint8Array(1110); ab.set(a); ab.set(b, 777);
    expect(crc32le(crc32le(0, a), b)).toBe(crc32leRef(0, ab));
  });

  it('combines line CRCs into the frame CRC (crc32Combine and CrcShifter)', () => {
    const r = rng(4);
    for (const len of [1, 8, 15360, 30720, 100]) {
      const a = bytes(r, 300), b = bytes(r, len);
      const ab = new Uint8Array(300 + len); ab.set(a); ab.set(b, 300);
      const want = crc32leRef(0, ab);
      expect(crc32Combine(crc32leRef(0, a), crc32leRef(0, b), len)).toBe(want);
      expect(new CrcShifter(len).combine(crc32leRef(0, a), crc32leRef(0, b))).toBe(want);
    }
    // a whole "frame" of 17 lines of 40 bytes folded line by line
    const sh = new CrcShifter(40);
    const frame = bytes(r, 17 * 40);
    let crc = 0;
    for (let y = 0; y < 17; y++) crc = sh.combine(crc, crc32leRef(0, frame.subarray(y * 40, y * 40 + 40)));
    expect(crc).toBe(crc32leRef(0, frame));
  });
});

function int(r: () => number, lo: number, hi: number): number {
  return lo + Math.floor(r() * (hi - lo + 1));
}
