/**
 * Writeback writers: ARGB16161616 line → the 6 VKMS writeback formats (vkms_formats.c
 * argb_u16_to_*): 8-bit channels DIV_ROUND_CLOSEST(c, 257); X formats write 0xff / 0xffff;
 * RGB565 drm_fixp2int(drm_fixp_div(c, 65535/31 or 65535/63)) (truncating).
 */
import { Fourcc } from '../uapi/fourcc.js';
import { fixp2intBig, fixpDivBig, int2fixpBig } from './fixed.js';
import { int32View, type Line } from './formats-read.js';

/** DIV_ROUND_CLOSEST(c, 257) for every u16. */
export const DIV257 = new Uint8Array(65536);
for (let c = 0; c < 65536; c++) DIV257[c] = Math.floor((c + 128) / 257);

/**
 * argb_u16_to_RGB565's per-channel quotients. drm_fixp_div(c << 32, ratio) pre-shifts so that the
 * dividend's top bit is bit 62: with L = floor(log2 c) it divides c·2^(62−L) by ratio >> (2 + L),
 * truncating; drm_fixp2int then keeps floor(·/2^32), i.e. floor(c·2^(30−L) / (ratio >> (2+L))).
 * Computed here in doubles with an exact integer fix-up; test/compose checks every value against
 * the bigint emulation of the kernel code.
 */
export const RGB565_W5 = new Uint8Array(65536);
export const RGB565_W6 = new Uint8Array(65536);
{
  const rb = Number(fixpDivBig(int2fixpBig(65535), int2fixpBig(31)));
  const g = Number(fixpDivBig(int2fixpBig(65535), int2fixpBig(63)));
  const q = (c: number, ratio: number): number => {
    if (c === 0) return 0;
    const l = 31 - Math.clz32(c);
    const num = c * 2 ** (30 - l);
    const den = Math.floor(ratio / 2 ** (2 + l));
    let v = Math.floor(num / den);
    while (v * den > num) v--;
    while ((v + 1) * den <= num) v++;
    return v;
  };
  for (let c = 0; c < 65536; c++) {
    RGB565_W5[c] = q(c, rb);
    RGB565_W6[c] = q(c, g);
  }
}

/** The bigint route for the same value (used by tests and as documentation of the kernel code). */
export function rgb565WriteBig(c: number, green: boolean): number {
  const ratio = fixpDivBig(int2fixpBig(65535), int2fixpBig(green ? 63 : 31));
  return fixp2intBig(fixpDivBig(int2fixpBig(c), ratio)) & 0xffff;
}

/**
 * Write pixels [x0, x0+n) of `line` as `format` into `dst` from byte `at` on (vkms_writeback_row
 * for one row). Returns false for a format VKMS cannot write back.
 */
export function writeSpan(format: number, line: Line, x0: number, n: number, dst: Uint8Array, at: number): boolean {
  const s = line.u16;
  switch (format >>> 0) {
    case Fourcc.XRGB8888:
    case Fourcc.ARGB8888: {
      const x = format >>> 0 === Fourcc.XRGB8888;
      const d32 = int32View(dst);
      if (d32 !== null && (at & 3) === 0) {
        for (let i = 0, k = x0 * 4, w = at >> 2; i < n; i++, k += 4, w++) {
          d32[w] = DIV257[s[k + 3]!]! | (DIV257[s[k + 2]!]! << 8) | (DIV257[s[k + 1]!]! << 16) |
            ((x ? 0xff : DIV257[s[k]!]!) << 24);
        }
        return true;
      }
      for (let i = 0, k = x0 * 4, a = at; i < n; i++, k += 4, a += 4) {
        dst[a] = DIV257[s[k + 3]!]!;
        dst[a + 1] = DIV257[s[k + 2]!]!;
        dst[a + 2] = DIV257[s[k + 1]!]!;
        dst[a + 3] = x ? 0xff : DIV257[s[k]!]!;
      }
      return true;
    }
    case Fourcc.ABGR8888:
      for (let i = 0, k = x0 * 4, a = at; i < n; i++, k += 4, a += 4) {
        dst[a] = DIV257[s[k + 1]!]!;
        dst[a + 1] = DIV257[s[k + 2]!]!;
        dst[a + 2] = DIV257[s[k + 3]!]!;
        dst[a + 3] = DIV257[s[k]!]!;
      }
      return true;
    case Fourcc.ARGB16161616:
    case Fourcc.XRGB16161616: {
      const x = format >>> 0 === Fourcc.XRGB16161616;
      for (let i = 0, k = x0 * 4, a = at; i < n; i++, k += 4, a += 8) {
        const A = x ? 0xffff : s[k]!, R = s[k + 1]!, G = s[k + 2]!, B = s[k + 3]!;
        dst[a] = B & 0xff; dst[a + 1] = B >> 8;
        dst[a + 2] = G & 0xff; dst[a + 3] = G >> 8;
        dst[a + 4] = R & 0xff; dst[a + 5] = R >> 8;
        dst[a + 6] = A & 0xff; dst[a + 7] = A >> 8;
      }
      return true;
    }
    case Fourcc.RGB565:
      for (let i = 0, k = x0 * 4, a = at; i < n; i++, k += 4, a += 2) {
        // (u16) r << 11 | g << 5 | b: the quotients are ≤ 31 / 63, so no field overflows.
        const v = (RGB565_W5[s[k + 1]!]! << 11) | (RGB565_W6[s[k + 2]!]! << 5) | RGB565_W5[s[k + 3]!]!;
        dst[a] = v & 0xff;
        dst[a + 1] = v >> 8;
      }
      return true;
    default:
      return false;
  }
}

/** Bytes per pixel of a writeback format (0 when unsupported). */
export function writebackCpp(format: number): number {
  switch (format >>> 0) {
    case Fourcc.XRGB8888: case Fourcc.ARGB8888: case Fourcc.ABGR8888: return 4;
    case Fourcc.ARGB16161616: case Fourcc.XRGB16161616: return 8;
    case Fourcc.RGB565: return 2;
    default: return 0;
  }
}
