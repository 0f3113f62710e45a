/**
 * PNG encode/decode for RGBA images, 8 or 16 bits per channel.
 *
 * Encoding defaults to speed: filter type 0 (None) and deflate level 1. Two encoders give the same
 * kind of file (colour type 6, non-interlaced):
 * - 'fast' (default): rows are copied behind their filter byte and deflated by node:zlib in one go;
 *   a 1080p frame takes a few ms more than the deflate itself.
 * - 'pngjs': pngjs's PNG.sync.write with the same settings. Its per-byte JavaScript filter loop is
 *   several times slower, and much slower at 16 bits (per-pixel conversion on little-endian hosts).
 * Decoding uses pngjs and accepts every PNG it reads (palette, grey, 1–16 bits, interlaced).
 */
import { Buffer } from 'node:buffer';
import zlib from 'node:zlib';
import pngjs from 'pngjs';
import { checkImage, toDepth, type RgbaImage, type RgbaImage16, type RgbaImage8 } from './rgba.js';

const { PNG } = pngjs;

export interface EncodePngOptions {
  /** zlib level 0–9; default 1 */
  deflateLevel?: number;
  /** PNG filter type 0–4 (only with encoder 'pngjs' can a value other than 0 be used); default 0 */
  filterType?: number;
  /** default 'fast' */
  encoder?: 'fast' | 'pngjs';
}

const SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

let crcTable: Int32Array | undefined;
/** zlib.crc32 exists from Node 20.15; a table-driven fallback before that. */
function crc32(buf: Uint8Array): number {
  if (typeof zlib.crc32 === 'function') return zlib.crc32(buf) >>> 0;
  if (!crcTable) {
    crcTable = new Int32Array(256);
    for (let n = 0; n < 256; n++) {
      let c = n;
      for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
      crcTable[n] = c;
    }
  }
  let c = -1;
  for (let i = 0; i < buf.length; i++) c = crcTable[(c ^ buf[i]!) & 0xff]! ^ (c >>> 8);
  return (c ^ -1) >>> 0;
}

function chunk(type: string, body: Uint8Array): Buffer {
  const out = Buffer.alloc(12 + body.length);
  out.writeUInt32BE(body.length, 0);
  out.write(type, 4, 'latin1');
  out.set(body, 8);
  out.writeUInt32BE(crc32(out.subarray(4, 8 + body.length)), 8 + body.length);
  return out;
}

function checkLevel(level: number): void {
  if (!Number.isInteger(level) || level < 0 || level > 9) {
    throw new RangeError(`encodePng: deflateLevel=${level} must be an integer 0..9`);
  }
}

/** Encodes an RGBA image (8- or 16-bit) as a PNG file. */
export function encodePng(img: RgbaImage, opts: EncodePngOptions = {}): Buffer {
  checkImage(img, 'encodePng');
  const level = opts.deflateLevel ?? 1;
  checkLevel(level);
  const filterType = opts.filterType ?? 0;
  const encoder = opts.encoder ?? 'fast';
  if (encoder !== 'fast' && encoder !== 'pngjs') {
    throw new RangeError(`encodePng: encoder=${JSON.stringify(encoder)} must be 'fast' or 'pngjs'`);
  }
  if (!Number.isInteger(filterType) || filterType < 0 || filterType > 4) {
    throw new RangeError(`encodePng: filterType=${filterType} must be an integer 0..4`);
  }
  if (encoder === 'pngjs') return encodeWithPngjs(img, level, filterType);
  if (filterType !== 0) throw new RangeError(`encodePng: filterType=${filterType} needs encoder 'pngjs' (the fast encoder writes filter 0 only)`);

  const { width, height } = img;
  const bpp = img.depth === 8 ? 4 : 8;
  const rowBytes = width * bpp;
  const raw = Buffer.allocUnsafe((rowBytes + 1) * height);
  if (img.depth === 8) {
    const src = img.data;
    for (let y = 0; y < height; y++) {
      const o = y * (rowBytes + 1);
      raw[o] = 0;
      raw.set(src.subarray(y * rowBytes, (y + 1) * rowBytes), o + 1);
    }
  } else {
    const src = img.data;
    for (let y = 0; y < height; y++) {
      let o = y * (rowBytes + 1);
      raw[o++] = 0;
      const end = (y + 1) * width * 4;
      for (let i = y * width * 4; i < end; i++, o += 2) {
        const v = src[i]!;
        raw[o] = v >>> 8;
        raw[o + 1] = v & 0xff;
      }
    }
  }
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr[8] = img.depth; // bit depth
  ihdr[9] = 6; // colour type: RGBA
  ihdr[10] = 0; // compression
  ihdr[11] = 0; // filter method
  ihdr[12] = 0; // no interlace
  const idat = zlib.deflateSync(raw, { level });
  return Buffer.concat([SIGNATURE, chunk('IHDR', ihdr), chunk('IDAT', idat), chunk('IEND', new Uint8Array(0))]);
}

function encodeWithPngjs(img: RgbaImage, level: number, filterType: number): Buffer {
  const { width, height } = img;
  // pngjs takes 16-bit data as native-endian u16 in a byte buffer.
  const bytes = Buffer.from(img.data.buffer, img.data.byteOffset, width * height * 4 * (img.depth === 8 ? 1 : 2));
  return PNG.sync.write(
    { width, height, data: bytes } as unknown as InstanceType<typeof PNG>,
    { filterType, deflateLevel: level, bitDepth: img.depth, colorType: 6, inputColorType: 6, inputHasAlpha: true },
  );
}

export interface DecodePngOptions {
  /** Convert to this depth: 8 (16-bit files rounded as DIV_ROUND_CLOSEST(c, 257)) or 16 (8-bit ×257).
   * Default: 16 for 16-bit files, 8 for everything else. */
  depth?: 8 | 16;
}

/** Decodes a PNG file into an RGBA image. */
export function decodePng(file: Uint8Array, opts: DecodePngOptions = {}): RgbaImage {
  if (!(file instanceof Uint8Array)) throw new TypeError('decodePng: file must be a Uint8Array or Buffer');
  if (opts.depth !== undefined && opts.depth !== 8 && opts.depth !== 16) {
    throw new RangeError(`decodePng: depth=${String(opts.depth)} must be 8 or 16`);
  }
  const buf = Buffer.isBuffer(file) ? file : Buffer.from(file.buffer, file.byteOffset, file.byteLength);
  let png: { width: number; height: number; depth: number; colorType: number; data: Buffer | Uint16Array };
  try {
    png = PNG.sync.read(buf, { skipRescale: true }) as unknown as typeof png;
  } catch (e) {
    throw new Error(`decodePng: not a readable PNG file: ${(e as Error).message}`);
  }
  const { width, height } = png;
  const n = width * height * 4;
  let img: RgbaImage;
  if (png.data instanceof Uint16Array) {
    img = { width, height, depth: 16, data: png.data.subarray(0, n) } satisfies RgbaImage16;
  } else {
    const data = new Uint8Array(png.data.buffer, png.data.byteOffset, n);
    // Grey/RGB of 1, 2 or 4 bits come back unscaled with skipRescale; palettes are already 8-bit.
    if (png.depth < 8 && png.colorType !== 3) {
      const max = (1 << png.depth) - 1;
      for (let i = 0; i < n; i++) data[i] = Math.floor((data[i]! * 255) / max + 0.5);
    }
    img = { width, height, depth: 8, data } satisfies RgbaImage8;
  }
  return toDepth(img, opts.depth ?? img.depth);
}
