/**
 * Whole-framebuffer conversions for dumps and tests: any readable format → ARGB16161616 or RGBA8,
 * with VKMS's conversions (the same readers the composer uses).
 */
import { readFormat } from './formats.js';
import { DIR_L2R, makeLine, prepareSource, readSpan } from './formats-read.js';
import { DIV257 } from './formats-write.js';
import type { ComposeFb, ComposeRect } from './types.js';

export interface ReadOptions {
  /** COLOR_ENCODING for YUV formats (default BT.601). */
  readonly colorEncoding?: number;
  /** COLOR_RANGE for YUV formats (default full). */
  readonly colorRange?: number;
}

function checkedRect(fb: ComposeFb, rect: ComposeRect | undefined): ComposeRect {
  const r = rect ?? { x1: 0, y1: 0, x2: fb.width, y2: fb.height };
  if (!(r.x1 >= 0 && r.y1 >= 0 && r.x2 <= fb.width && r.y2 <= fb.height && r.x1 <= r.x2 && r.y1 <= r.y2)) {
    throw new RangeError(`compose: rect ${JSON.stringify(r)} is not inside the ${fb.width}x${fb.height} framebuffer`);
  }
  return r;
}

/**
 * Pixels of `rect` (default: the whole framebuffer) as ARGB16161616, a, r, g, b u16 per pixel,
 * row after row.
 */
export function readFramebufferToArgb16(fb: ComposeFb, rect?: ComposeRect, opts: ReadOptions = {}): Uint16Array {
  const fmt = readFormat(fb.format);
  if (fmt === undefined) throw new RangeError(`compose: cannot read format 0x${(fb.format >>> 0).toString(16)}`);
  const r = checkedRect(fb, rect);
  const w = r.x2 - r.x1, h = r.y2 - r.y1;
  const out = new Uint16Array(w * h * 4);
  if (w === 0) return out;
  const src = prepareSource(fmt, fb, opts.colorEncoding ?? 0, opts.colorRange ?? 1);
  const line = makeLine(w);
  for (let y = 0; y < h; y++) {
    readSpan(src, r.x1, r.y1 + y, DIR_L2R, 0, w, line, 0);
    out.set(line.u16.subarray(0, w * 4), y * w * 4);
  }
  return out;
}

/**
 * The framebuffer as 8-bit RGBA (r, g, b, a bytes per pixel, e.g. for a PNG), each channel
 * DIV_ROUND_CLOSEST(c, 257) of the ARGB16161616 value (as stored: premultiplied if the buffer is).
 */
export function fbToRgba8(fb: ComposeFb, opts: ReadOptions = {}): { width: number; height: number; data: Uint8Array } {
  const argb = readFramebufferToArgb16(fb, undefined, opts);
  const data = new Uint8Array(fb.width * fb.height * 4);
  for (let i = 0, k = 0; k < argb.length; i += 4, k += 4) {
    data[i] = DIV257[argb[k + 1]!]!;
    data[i + 1] = DIV257[argb[k + 2]!]!;
    data[i + 2] = DIV257[argb[k + 3]!]!;
    data[i + 3] = DIV257[argb[k]!]!;
  }
  return { width: fb.width, height: fb.height, data };
}

/** ARGB16161616 pixels (a, r, g, b u16) → 8-bit RGBA bytes. */
export function argb16ToRgba8(argb: Uint16Array, out: Uint8Array = new Uint8Array(argb.length)): Uint8Array {
  for (let k = 0; k < argb.length; k += 4) {
    out[k] = DIV257[argb[k + 1]!]!;
    out[k + 1] = DIV257[argb[k + 2]!]!;
    out[k + 2] = DIV257[argb[k + 3]!]!;
    out[k + 3] = DIV257[argb[k]!]!;
  }
  return out;
}
