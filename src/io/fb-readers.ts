/**
 * Built-in line readers for the common packed RGB formats: one framebuffer line → the
 * compositor's ARGB16161616 intermediate (a, r, g, b u16 per pixel), with VKMS's conversions
 * (8-bit ×257, 16-bit little-endian as is, RGB565 rounded half up, X channels read as 0xffff).
 *
 * These exist so that framebuffer → PNG works before compose/ has its format readers. The
 * compositor's readers (compose/, every VKMS format including YUV and R1..R8) plug in through the
 * same `LineReader` signature — see framebufferToImage's `reader` option.
 */
import { Fourcc } from '../uapi/fourcc.js';
import type { FramebufferView } from './framebuffer.js';

/** Reads row `y` of `fb` into `out` as a, r, g, b u16 per pixel (4·fb.width values). */
export type LineReader = (fb: FramebufferView, y: number, out: Uint16Array) => void;

/** Byte positions of a, r, g, b inside a 4-byte pixel (-1: no alpha, read as opaque). */
function reader8888(a: number, r: number, g: number, b: number): LineReader {
  return (fb, y, out) => {
    const d = fb.data[0]!;
    let s = fb.offsets[0]! + y * fb.pitches[0]!;
    const w = fb.width;
    for (let i = 0; i < 4 * w; i += 4, s += 4) {
      out[i] = a < 0 ? 0xffff : d[s + a]! * 257;
      out[i + 1] = d[s + r]! * 257;
      out[i + 2] = d[s + g]! * 257;
      out[i + 3] = d[s + b]! * 257;
    }
  };
}

function reader888(r: number, g: number, b: number): LineReader {
  return (fb, y, out) => {
    const d = fb.data[0]!;
    let s = fb.offsets[0]! + y * fb.pitches[0]!;
    const w = fb.width;
    for (let i = 0; i < 4 * w; i += 4, s += 3) {
      out[i] = 0xffff;
      out[i + 1] = d[s + r]! * 257;
      out[i + 2] = d[s + g]! * 257;
      out[i + 3] = d[s + b]! * 257;
    }
  };
}

/** u16 positions (0..3) of a, r, g, b inside an 8-byte pixel (-1: no alpha). */
function reader16161616(a: number, r: number, g: number, b: number): LineReader {
  const u16 = (d: Uint8Array, at: number): number => d[at]! | (d[at + 1]! << 8);
  return (fb, y, out) => {
    const d = fb.data[0]!;
    let s = fb.offsets[0]! + y * fb.pitches[0]!;
    const w = fb.width;
    for (let i = 0; i < 4 * w; i += 4, s += 8) {
      out[i] = a < 0 ? 0xffff : u16(d, s + 2 * a);
      out[i + 1] = u16(d, s + 2 * r);
      out[i + 2] = u16(d, s + 2 * g);
      out[i + 3] = u16(d, s + 2 * b);
    }
  };
}

/** VKMS: c16 = round-half-up(k · 65535 / n) */
const R5 = Uint16Array.from({ length: 32 }, (_, k) => Math.floor((2 * k * 65535 + 31) / 62));
const G6 = Uint16Array.from({ length: 64 }, (_, k) => Math.floor((2 * k * 65535 + 63) / 126));

function reader565(swap: boolean): LineReader {
  return (fb, y, out) => {
    const d = fb.data[0]!;
    let s = fb.offsets[0]! + y * fb.pitches[0]!;
    const w = fb.width;
    for (let i = 0; i < 4 * w; i += 4, s += 2) {
      const v = d[s]! | (d[s + 1]! << 8);
      const hi = R5[v >>> 11]!;
      const lo = R5[v & 0x1f]!;
      out[i] = 0xffff;
      out[i + 1] = swap ? lo : hi;
      out[i + 2] = G6[(v >>> 5) & 0x3f]!;
      out[i + 3] = swap ? hi : lo;
    }
  };
}

const builtin = new Map<number, LineReader>([
  // little-endian 32-bit word A:R:G:B → bytes B, G, R, A
  [Fourcc.ARGB8888, reader8888(3, 2, 1, 0)],
  [Fourcc.XRGB8888, reader8888(-1, 2, 1, 0)],
  [Fourcc.ABGR8888, reader8888(3, 0, 1, 2)],
  [Fourcc.XBGR8888, reader8888(-1, 0, 1, 2)],
  [Fourcc.BGRA8888, reader8888(0, 1, 2, 3)],
  [Fourcc.BGRX8888, reader8888(-1, 1, 2, 3)],
  [Fourcc.RGBA8888, reader8888(0, 3, 2, 1)],
  [Fourcc.RGBX8888, reader8888(-1, 3, 2, 1)],
  [Fourcc.RGB888, reader888(2, 1, 0)],
  [Fourcc.BGR888, reader888(0, 1, 2)],
  [Fourcc.ARGB16161616, reader16161616(3, 2, 1, 0)],
  [Fourcc.XRGB16161616, reader16161616(-1, 2, 1, 0)],
  [Fourcc.ABGR16161616, reader16161616(3, 0, 1, 2)],
  [Fourcc.XBGR16161616, reader16161616(-1, 0, 1, 2)],
  [Fourcc.RGB565, reader565(false)],
  [Fourcc.BGR565, reader565(true)],
]);

/** The built-in reader for `format`, or undefined (YUV, R1..R8, 2101010, ... need compose/'s readers). */
export function builtinLineReader(format: number): LineReader | undefined {
  return builtin.get(format >>> 0);
}

/** The formats that have a built-in reader. */
export const BUILTIN_READER_FORMATS: readonly number[] = [...builtin.keys()];
