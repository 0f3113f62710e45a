/**
 * The kernel's crc32_le (lib/crc32.c): reflected CRC-32, polynomial 0xEDB88320, with the caller's
 * seed and no final inversion. VKMS seeds it with 0. zlib's crc32 pre- and post-inverts, so
 * crc32_le(c, buf) === ~zlib.crc32(buf, ~c); zlib does the bytes (fast), this module does the rest.
 */
import * as zlib from 'node:zlib';

const zcrc = (zlib as unknown as { crc32?: (data: Uint8Array, value?: number) => number }).crc32;

const TABLE = new Uint32Array(256);
for (let n = 0; n < 256; n++) {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  TABLE[n] = c >>> 0;
}

function crc32leTable(crc: number, buf: Uint8Array, start: number, end: number): number {
  let c = crc >>> 0;
  for (let i = start; i < end; i++) c = TABLE[(c ^ buf[i]!) & 0xff]! ^ (c >>> 8);
  return c >>> 0;
}

/** crc32_le(crc, buf): `crc` is the running value (0 to start, as VKMS does). */
export function crc32le(crc: number, buf: Uint8Array, start = 0, end = buf.length): number {
  if (zcrc !== undefined) {
    const view = start === 0 && end === buf.length ? buf : buf.subarray(start, end);
    return ~zcrc(view, ~crc >>> 0) >>> 0;
  }
  return crc32leTable(crc, buf, start, end);
}

/** crc32_le over a byte range without allocating (used on line buffers). */
export function crc32leView(crc: number, view: Uint8Array): number {
  return zcrc !== undefined ? ~zcrc(view, ~crc >>> 0) >>> 0 : crc32leTable(crc, view, 0, view.length);
}

// GF(2) arithmetic modulo the CRC polynomial, reflected bit order (zlib's multmodp / x2nmodp).
function multmodp(a: number, b: number): number {
  let m = 0x80000000;
  let p = 0;
  for (;;) {
    if (a & m) {
      p ^= b;
      if ((a & (m - 1)) === 0) break;
    }
    m >>>= 1;
    b = b & 1 ? (b >>> 1) ^ 0xedb88320 : b >>> 1;
  }
  return p >>> 0;
}

const X2N = new Uint32Array(32);
{
  let p = 0x40000000; // x^1
  X2N[0] = p;
  for (let n = 1; n < 32; n++) X2N[n] = p = multmodp(p, p);
}

/** x^(n·2^k) modulo the polynomial. */
function x2nmodp(n: number, k: number): number {
  let p = 0x80000000; // x^0
  while (n) {
    if (n & 1) p = multmodp(X2N[k & 31]!, p);
    n = Math.floor(n / 2);
    k++;
  }
  return p >>> 0;
}

/**
 * crc32_le(0, A ‖ B) from crc32_le(0, A), crc32_le(0, B) and the length of B. The un-inverted CRC is
 * linear, so this is crcA·x^(8·lenB) ⊕ crcB (zlib's crc32_combine gives the same for its CRCs).
 */
export function crc32Combine(crcA: number, crcB: number, lenB: number): number {
  return (multmodp(x2nmodp(lenB, 3), crcA >>> 0) ^ crcB) >>> 0;
}

/**
 * Shifting a CRC through a fixed number of zero bytes, as 4 byte-indexed tables: combining a
 * running frame CRC with a line CRC costs 4 lookups.
 */
export class CrcShifter {
  readonly len: number;
  private readonly t: Uint32Array;

  constructor(len: number) {
    this.len = len;
    const xn = x2nmodp(len, 3);
    this.t = new Uint32Array(1024);
    for (let k = 0; k < 4; k++) {
      for (let v = 0; v < 256; v++) this.t[k * 256 + v] = multmodp(xn, (v << (8 * k)) >>> 0);
    }
  }

  /** crc32Combine(crcA, crcB, this.len). */
  combine(crcA: number, crcB: number): number {
    const t = this.t;
    return (t[crcA & 0xff]! ^ t[256 + ((crcA >>> 8) & 0xff)]! ^ t[512 + ((crcA >>> 16) & 0xff)]! ^
      t[768 + (crcA >>> 24)]! ^ crcB) >>> 0;
  }
}
