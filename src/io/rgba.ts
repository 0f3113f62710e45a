/**
 * RGBA images (what PNG files hold): 4 channels per pixel, rows packed without padding,
 * straight (non-premultiplied) alpha as PNG defines it — unless the producer says otherwise.
 * And the conversions from the compositor's ARGB16161616 intermediate.
 */

export interface RgbaImage8 {
  readonly width: number;
  readonly height: number;
  readonly depth: 8;
  /** r, g, b, a bytes; length 4·width·height */
  readonly data: Uint8Array;
}

export interface RgbaImage16 {
  readonly width: number;
  readonly height: number;
  readonly depth: 16;
  /** r, g, b, a u16; length 4·width·height */
  readonly data: Uint16Array;
}

export type RgbaImage = RgbaImage8 | RgbaImage16;

/**
 * What to do with alpha when leaving the premultiplied world of framebuffers:
 * - 'raw': keep the stored values (premultiplied colour stays premultiplied; lossless, the default);
 * - 'opaque': force alpha to the maximum (what a display shows of an XRGB scan-out);
 * - 'straight': un-premultiply the colour (what an image viewer expects of a PNG).
 */
export type AlphaMode = 'raw' | 'opaque' | 'straight';

export function createImage(width: number, height: number, depth: 8): RgbaImage8;
export function createImage(width: number, height: number, depth: 16): RgbaImage16;
export function createImage(width: number, height: number, depth: 8 | 16): RgbaImage;
export function createImage(width: number, height: number, depth: 8 | 16): RgbaImage {
  checkSize('createImage', width, height);
  if (depth !== 8 && depth !== 16) throw new RangeError(`createImage: depth=${String(depth)} must be 8 or 16`);
  const n = width * height * 4;
  return depth === 8
    ? { width, height, depth, data: new Uint8Array(n) }
    : { width, height, depth, data: new Uint16Array(n) };
}

export function checkSize(what: string, width: unknown, height: unknown): void {
  if (typeof width !== 'number' || !Number.isInteger(width) || width <= 0) {
    throw new RangeError(`${what}: width=${String(width)} must be a positive integer`);
  }
  if (typeof height !== 'number' || !Number.isInteger(height) || height <= 0) {
    throw new RangeError(`${what}: height=${String(height)} must be a positive integer`);
  }
}

/** Validates an RgbaImage (size, depth, data type and length); `what` names the caller. */
export function checkImage(img: RgbaImage, what: string): void {
  if (img === null || typeof img !== 'object') throw new TypeError(`${what}: image must be an object`);
  checkSize(what, img.width, img.height);
  const n = img.width * img.height * 4;
  if (img.depth === 8) {
    if (!(img.data instanceof Uint8Array)) throw new TypeError(`${what}: data must be a Uint8Array for depth 8`);
  } else if (img.depth === 16) {
    if (!(img.data instanceof Uint16Array)) throw new TypeError(`${what}: data must be a Uint16Array for depth 16`);
  } else {
    throw new RangeError(`${what}: depth=${String((img as { depth: unknown }).depth)} must be 8 or 16`);
  }
  if (img.data.length < n) {
    throw new RangeError(`${what}: data has ${img.data.length} samples, 4*width*height=${n} needed`);
  }
}

/** 16-bit → 8-bit as VKMS's writeback does it: DIV_ROUND_CLOSEST(c, 257). */
export function u16ToU8(c: number): number {
  return ((c + 128) / 257) | 0;
}

/** Converts an image to the other depth (8 → 16 by ×257, 16 → 8 by DIV_ROUND_CLOSEST(c, 257)). */
export function toDepth(img: RgbaImage, depth: 8): RgbaImage8;
export function toDepth(img: RgbaImage, depth: 16): RgbaImage16;
export function toDepth(img: RgbaImage, depth: 8 | 16): RgbaImage;
export function toDepth(img: RgbaImage, depth: 8 | 16): RgbaImage {
  if (img.depth === depth) return img;
  const n = img.width * img.height * 4;
  if (depth === 16) {
    const out = new Uint16Array(n);
    const src = img.data;
    for (let i = 0; i < n; i++) out[i] = src[i]! * 257;
    return { width: img.width, height: img.height, depth: 16, data: out };
  }
  const out = new Uint8Array(n);
  const src = img.data;
  for (let i = 0; i < n; i++) out[i] = ((src[i]! + 128) / 257) | 0;
  return { width: img.width, height: img.height, depth: 8, data: out };
}

/**
 * Writes one ARGB16161616 line (the compositor's intermediate: a, r, g, b u16 per pixel) into
 * row `y` of `img`, applying `alpha`. `line` holds at least 4·img.width values.
 */
export function putArgb16Line(img: RgbaImage, y: number, line: Uint16Array, alpha: AlphaMode = 'raw'): void {
  const w = img.width;
  let o = y * w * 4;
  if (img.depth === 16) {
    const d = img.data;
    for (let i = 0; i < 4 * w; i += 4, o += 4) {
      const a = line[i]!;
      let r = line[i + 1]!;
      let g = line[i + 2]!;
      let b = line[i + 3]!;
      if (alpha === 'straight' && a !== 0xffff) {
        if (a === 0) r = g = b = 0;
        else {
          r = Math.min(0xffff, Math.round((r * 0xffff) / a));
          g = Math.min(0xffff, Math.round((g * 0xffff) / a));
          b = Math.min(0xffff, Math.round((b * 0xffff) / a));
        }
      }
      d[o] = r;
      d[o + 1] = g;
      d[o + 2] = b;
      d[o + 3] = alpha === 'opaque' ? 0xffff : a;
    }
  } else {
    const d = img.data;
    for (let i = 0; i < 4 * w; i += 4, o += 4) {
      const a = line[i]!;
      let r = line[i + 1]!;
      let g = line[i + 2]!;
      let b = line[i + 3]!;
      if (alpha === 'straight' && a !== 0xffff) {
        if (a === 0) r = g = b = 0;
        else {
          r = Math.min(0xffff, Math.round((r * 0xffff) / a));
          g = Math.min(0xffff, Math.round((g * 0xffff) / a));
          b = Math.min(0xffff, Math.round((b * 0xffff) / a));
        }
      }
      d[o] = ((r + 128) / 257) | 0;
      d[o + 1] = ((g + 128) / 257) | 0;
      d[o + 2] = ((b + 128) / 257) | 0;
      d[o + 3] = alpha === 'opaque' ? 255 : ((a + 128) / 257) | 0;
    }
  }
}

export interface Argb16Frame {
  readonly width: number;
  readonly height: number;
  /** a, r, g, b u16 per pixel, line after line */
  readonly data: Uint16Array;
  /** u16 values from one line to the next; default 4·width */
  readonly stride?: number;
}

/** An ARGB16161616 frame (the compositor's intermediate) as an RGBA image of the given depth. */
export function argb16ToImage(frame: Argb16Frame, opts: { depth?: 8 | 16; alpha?: AlphaMode } = {}): RgbaImage {
  checkSize('argb16ToImage', frame.width, frame.height);
  if (!(frame.data instanceof Uint16Array)) throw new TypeError('argb16ToImage: data must be a Uint16Array');
  const stride = frame.stride ?? frame.width * 4;
  if (!Number.isInteger(stride) || stride < frame.width * 4) {
    throw new RangeError(`argb16ToImage: stride=${stride} is smaller than 4*width=${frame.width * 4}`);
  }
  const need = stride * (frame.height - 1) + frame.width * 4;
  if (frame.data.length < need) {
    throw new RangeError(`argb16ToImage: data has ${frame.data.length} values, ${need} needed for ${frame.width}x${frame.height} with stride ${stride}`);
  }
  const depth = opts.depth ?? 8;
  const img = createImage(frame.width, frame.height, depth);
  for (let y = 0; y < frame.height; y++) {
    putArgb16Line(img, y, frame.data.subarray(y * stride, y * stride + frame.width * 4), opts.alpha ?? 'raw');
  }
  return img;
}
