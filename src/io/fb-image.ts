/**
 * Framebuffer → RGBA image / PNG, line by line through a LineReader into the ARGB16161616
 * intermediate. Formats without a built-in reader need `reader` — plug compose/'s format reader
 * in there (it has the same signature: fb, y, out line of a, r, g, b u16).
 */
import type { Buffer } from 'node:buffer';
import { checkFramebuffer, formatName, type FramebufferView } from './framebuffer.js';
import { builtinLineReader, type LineReader } from './fb-readers.js';
import { encodePng, type EncodePngOptions } from './png.js';
import { argb16ToImage, createImage, putArgb16Line, type AlphaMode, type Argb16Frame, type RgbaImage } from './rgba.js';

export interface FramebufferImageOptions {
  /** Bits per channel of the image: default 8 */
  depth?: 8 | 16;
  /** default 'raw' (stored values as they are; X channels read as opaque) */
  alpha?: AlphaMode;
  /** Reads one line into ARGB16161616; default: the built-in reader for the format. */
  reader?: LineReader;
}

/** Reads the whole framebuffer into an RGBA image. */
export function framebufferToImage(fb: FramebufferView, opts: FramebufferImageOptions = {}): RgbaImage {
  checkFramebuffer(fb, 'framebufferToImage');
  const reader = opts.reader ?? builtinLineReader(fb.format);
  if (!reader) {
    throw new RangeError(
      `framebufferToImage: no built-in line reader for ${formatName(fb.format)}; pass opts.reader (e.g. compose/'s format reader)`,
    );
  }
  const depth = opts.depth ?? 8;
  if (depth !== 8 && depth !== 16) throw new RangeError(`framebufferToImage: depth=${String(depth)} must be 8 or 16`);
  const img = createImage(fb.width, fb.height, depth);
  const line = new Uint16Array(fb.width * 4);
  for (let y = 0; y < fb.height; y++) {
    reader(fb, y, line);
    putArgb16Line(img, y, line, opts.alpha ?? 'raw');
  }
  return img;
}

/** Encodes the framebuffer as a PNG file. */
export function framebufferToPng(fb: FramebufferView, opts: FramebufferImageOptions & EncodePngOptions = {}): Buffer {
  return encodePng(framebufferToImage(fb, opts), opts);
}

/**
 * Encodes an ARGB16161616 frame (the compositor's intermediate) as a PNG: 8-bit by default
 * (DIV_ROUND_CLOSEST(c, 257), the same bytes as VKMS's 8-bit writeback), 16-bit with `depth: 16`.
 */
export function argb16ToPng(frame: Argb16Frame, opts: { depth?: 8 | 16; alpha?: AlphaMode } & EncodePngOptions = {}): Buffer {
  return encodePng(argb16ToImage(frame, { depth: opts.depth ?? 8, alpha: opts.alpha ?? 'raw' }), opts);
}
