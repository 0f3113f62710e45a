/**
 * Drawing into framebuffers with node-canvas (cairo), loaded lazily: everything else in io/ works
 * without it, and the drawing helpers throw CanvasUnavailableError with the install recipe.
 *
 * Byte layout: cairo's ARGB32 is a native-endian 32-bit word 0xAARRGGBB with premultiplied
 * colour, i.e. bytes B, G, R, A on little-endian hosts — exactly DRM ARGB8888, whose blending is
 * premultiplied too. RGB24 is the same word with an unused top byte (= XRGB8888) and RGB16_565 a
 * native-endian 16-bit word (= RGB565). ABGR8888/XBGR8888 are drawn through the same surfaces with
 * R and B swapped on the way in and out.
 *
 * Copies: node-canvas cannot wrap foreign memory, so a drawing costs one conversion into the
 * canvas (skipped in modes 'clear' and 'overlay'), cairo's own copy out (`toBuffer('raw')`), and one copy back
 * into the framebuffer — a single `set` when the pitch equals the canvas stride, row-wise otherwise.
 * Loading premultiplied pixels goes through putImageData, which premultiplies straight RGBA with
 * `trunc(c · float(a/255))`; an inverse table picks, per (alpha, value), a straight value that
 * lands exactly on the stored one, so reading a framebuffer in and out changes no byte (except
 * colour under alpha 0, which cairo stores as 0, and the X byte of XRGB/XBGR8888, which cairo's
 * RGB24 hands back as 0xff). Mode 'overlay' avoids both: it touches only the pixels drawn.
 */
import { endianness } from 'node:os';
import type * as NodeCanvas from 'canvas';
import { Fourcc } from '../uapi/fourcc.js';
import { checkFramebuffer, formatName, type FramebufferView } from './framebuffer.js';

export type CanvasModule = typeof NodeCanvas;
export type CanvasContext = NodeCanvas.CanvasRenderingContext2D;
export type CanvasObject = NodeCanvas.Canvas;

export const CANVAS_INSTALL_HINT =
  'Install the libraries node-canvas builds against (Debian/Ubuntu: apt-get install libcairo2-dev libpango1.0-dev ' +
  'libjpeg-dev libgif-dev librsvg2-dev) and then `npm install canvas`.';

/** Thrown by the drawing helpers when node-canvas cannot be loaded. */
export class CanvasUnavailableError extends Error {
  readonly code = 'ERR_VKMS_CANVAS_UNAVAILABLE';
  constructor(cause: unknown) {
    const why = cause instanceof Error ? cause.message : String(cause);
    super(`node-canvas (the optional dependency 'canvas') could not be loaded: ${why}. Drawing into framebuffers needs it. ${CANVAS_INSTALL_HINT}`, { cause });
    this.name = 'CanvasUnavailableError';
  }
}

type Loader = () => Promise<unknown>;
const defaultLoader: Loader = () => import('canvas');
let loader: Loader = defaultLoader;
let cached: Promise<CanvasModule> | undefined;

/**
 * Replaces the function that imports node-canvas (tests use it to simulate a missing install);
 * no argument restores `import('canvas')`. Clears the cached module.
 */
export function setCanvasLoader(l?: Loader): void {
  loader = l ?? defaultLoader;
  cached = undefined;
}

/** node-canvas, imported once; rejects with CanvasUnavailableError when it is not installed/usable. */
export function loadCanvas(): Promise<CanvasModule> {
  if (!cached) {
    cached = (async () => {
      let mod: unknown;
      try {
        mod = await loader();
      } catch (e) {
        throw new CanvasUnavailableError(e);
      }
      const m = mod as Partial<CanvasModule> & { default?: Partial<CanvasModule> };
      const api = typeof m.createCanvas === 'function' ? m : m.default;
      if (!api || typeof api.createCanvas !== 'function') {
        throw new CanvasUnavailableError(new Error('the module has no createCanvas()'));
      }
      return api as CanvasModule;
    })();
  }
  return cached;
}

/** Whether node-canvas can be loaded (never throws). */
export async function canvasAvailable(): Promise<boolean> {
  try {
    await loadCanvas();
    return true;
  } catch {
    return false;
  }
}

type PixelFormat = 'RGBA32' | 'RGB24' | 'RGB16_565';
interface Kind {
  readonly pixelFormat: PixelFormat;
  readonly bpp: 2 | 4;
  readonly swapRB: boolean;
}

const KINDS = new Map<number, Kind>([
  [Fourcc.ARGB8888, { pixelFormat: 'RGBA32', bpp: 4, swapRB: false }],
  [Fourcc.XRGB8888, { pixelFormat: 'RGB24', bpp: 4, swapRB: false }],
  [Fourcc.ABGR8888, { pixelFormat: 'RGBA32', bpp: 4, swapRB: true }],
  [Fourcc.XBGR8888, { pixelFormat: 'RGB24', bpp: 4, swapRB: true }],
  [Fourcc.RGB565, { pixelFormat: 'RGB16_565', bpp: 2, swapRB: false }],
]);

/** The formats drawWithCanvas can draw into. */
export const CANVAS_FORMATS: readonly number[] = [...KINDS.keys()];

let unpremulTable: Uint8Array | undefined;
/**
 * inv[a*256 + p]: a straight value c with trunc(float(c) · float(a/255)) = p — what node-canvas's
 * putImageData computes — for every premultiplied p ≤ a (p > a is clamped to 255).
 */
function unpremul(): Uint8Array {
  if (unpremulTable) return unpremulTable;
  const t = new Uint8Array(256 * 256).fill(255);
  for (let a = 0; a < 256; a++) {
    const f = Math.fround(a / 255);
    const row = a * 256;
    for (let c = 255; c >= 0; c--) t[row + Math.trunc(Math.fround(c * f))] = c; // keeps the smallest c
  }
  for (let p = 0; p < 256; p++) t[255 * 256 + p] = p;
  unpremulTable = t;
  return t;
}

export interface DrawOptions {
  /**
   * - 'keep' (default): the canvas starts with the framebuffer's pixels and the whole result is
   *   written back;
   * - 'clear': the canvas starts transparent black and the whole result replaces the framebuffer;
   * - 'overlay': the canvas starts transparent and only what was drawn is blended over the
   *   framebuffer (premultiplied "over", in JavaScript): untouched pixels keep every byte, even
   *   ones cairo cannot hold (colour above alpha, X bytes).
   */
  mode?: 'keep' | 'clear' | 'overlay';
  /** @internal Draw as if the format were this one (used when only black and white are drawn). */
  asFormat?: number;
}

/**
 * Runs `draw` on a node-canvas 2D context whose pixels are the framebuffer's, then writes the
 * result back. Supported formats: ARGB8888, XRGB8888, ABGR8888, XBGR8888, RGB565.
 */
export async function drawWithCanvas(
  target: FramebufferView,
  draw: (ctx: CanvasContext, canvas: CanvasObject) => void | Promise<void>,
  opts: DrawOptions = {},
): Promise<void> {
  checkFramebuffer(target, 'drawWithCanvas');
  if (typeof draw !== 'function') throw new TypeError('drawWithCanvas: draw must be a function');
  const mode = opts.mode ?? 'keep';
  if (mode !== 'keep' && mode !== 'clear' && mode !== 'overlay') {
    throw new RangeError(`drawWithCanvas: mode=${JSON.stringify(mode)} must be 'keep', 'clear' or 'overlay'`);
  }
  const kind = KINDS.get((opts.asFormat ?? target.format) >>> 0);
  if (!kind) {
    throw new RangeError(
      `drawWithCanvas: format ${formatName(target.format)} is not drawable; use one of ${CANVAS_FORMATS.map(formatName).join(', ')}`,
    );
  }
  if (endianness() !== 'LE') throw new Error('drawWithCanvas: only little-endian hosts are supported (cairo pixels are native-endian)');
  const { createCanvas } = await loadCanvas();
  const { width, height } = target;
  const canvas = createCanvas(width, height);
  // overlay draws on a transparent ARGB32 canvas whatever the target format.
  const ctx = canvas.getContext('2d', { pixelFormat: mode === 'overlay' ? 'RGBA32' : kind.pixelFormat });
  const fb: Fb = { mem: target.data[0]!, base: target.offsets[0]!, pitch: target.pitches[0]!, width, height };

  if (mode === 'keep') ctx.putImageData(loadImageData(ctx, fb, kind), 0, 0);
  await draw(ctx, canvas);
  const raw = canvas.toBuffer('raw');
  if (mode === 'overlay') overlay(raw, canvas.stride, fb, kind);
  else storeRaw(raw, canvas.stride, fb, kind);
}

interface Fb {
  readonly mem: Uint8Array;
  readonly base: number;
  readonly pitch: number;
  readonly width: number;
  readonly height: number;
}

/** The framebuffer as an ImageData for putImageData (straight RGBA, or raw 565 words). */
function loadImageData(ctx: CanvasContext, fb: Fb, kind: Kind): NodeCanvas.ImageData {
  const { mem, base, pitch, width, height } = fb;
  const img = ctx.createImageData(width, height);
  if (kind.bpp === 2) {
    const words = img.data as unknown as Uint16Array; // node-canvas: a Uint16Array for RGB16_565
    const dst = new Uint8Array(words.buffer, words.byteOffset, width * height * 2);
    const rowBytes = width * 2;
    for (let y = 0; y < height; y++) dst.set(mem.subarray(base + y * pitch, base + y * pitch + rowBytes), y * rowBytes);
    return img;
  }
  const dst = img.data;
  const inv = kind.pixelFormat === 'RGBA32' ? unpremul() : undefined;
  const ri = kind.swapRB ? 0 : 2;
  const bi = kind.swapRB ? 2 : 0;
  for (let y = 0; y < height; y++) {
    let s = base + y * pitch;
    let d = y * width * 4;
    for (let x = 0; x < width; x++, s += 4, d += 4) {
      if (inv) {
        const a = mem[s + 3]!;
        const row = a << 8;
        dst[d] = inv[row + mem[s + ri]!]!;
        dst[d + 1] = inv[row + mem[s + 1]!]!;
        dst[d + 2] = inv[row + mem[s + bi]!]!;
        dst[d + 3] = a;
      } else {
        dst[d] = mem[s + ri]!;
        dst[d + 1] = mem[s + 1]!;
        dst[d + 2] = mem[s + bi]!;
        dst[d + 3] = 255;
      }
    }
  }
  return img;
}

/** Cairo's pixels back into the framebuffer: one `set` when the layouts match, else row by row. */
function storeRaw(raw: Uint8Array, stride: number, fb: Fb, kind: Kind): void {
  const { mem, base, pitch, width, height } = fb;
  const rowBytes = width * kind.bpp;
  if (!kind.swapRB) {
    if (pitch === stride && rowBytes === stride) {
      mem.set(raw.subarray(0, stride * (height - 1) + rowBytes), base);
    } else {
      for (let y = 0; y < height; y++) mem.set(raw.subarray(y * stride, y * stride + rowBytes), base + y * pitch);
    }
    return;
  }
  for (let y = 0; y < height; y++) {
    let s = y * stride;
    let d = base + y * pitch;
    for (let x = 0; x < width; x++, s += 4, d += 4) {
      mem[d] = raw[s + 2]!;
      mem[d + 1] = raw[s + 1]!;
      mem[d + 2] = raw[s]!;
      mem[d + 3] = raw[s + 3]!;
    }
  }
}

/** dst = src + dst·(255 − αsrc)/255 (rounded), for every pixel cairo touched. */
function overlay(raw: Uint8Array, stride: number, fb: Fb, kind: Kind): void {
  const { mem, base, pitch, width, height } = fb;
  const hasAlpha = kind.pixelFormat === 'RGBA32';
  const ri = kind.swapRB ? 0 : 2;
  const bi = kind.swapRB ? 2 : 0;
  const over = (s: number, d: number, k: number): number => s + Math.round((d * k) / 255);
  for (let y = 0; y < height; y++) {
    let s = y * stride;
    let d = base + y * pitch;
    for (let x = 0; x < width; x++, s += 4, d += kind.bpp) {
      const sb = raw[s]!;
      const sg = raw[s + 1]!;
      const sr = raw[s + 2]!;
      const sa = raw[s + 3]!;
      if ((sa | sr | sg | sb) === 0) continue;
      const k = 255 - sa;
      if (kind.bpp === 4) {
        mem[d + ri] = over(sr, mem[d + ri]!, k);
        mem[d + 1] = over(sg, mem[d + 1]!, k);
        mem[d + bi] = over(sb, mem[d + bi]!, k);
        if (hasAlpha) mem[d + 3] = over(sa, mem[d + 3]!, k);
      } else {
        const v = mem[d]! | (mem[d + 1]! << 8);
        const r5 = v >>> 11;
        const g6 = (v >>> 5) & 0x3f;
        const b5 = v & 0x1f;
        const r = over(sr, (r5 << 3) | (r5 >>> 2), k) >>> 3;
        const g = over(sg, (g6 << 2) | (g6 >>> 4), k) >>> 2;
        const b = over(sb, (b5 << 3) | (b5 >>> 2), k) >>> 3;
        const out = (r << 11) | (g << 5) | b;
        mem[d] = out & 0xff;
        mem[d + 1] = out >>> 8;
      }
    }
  }
}
