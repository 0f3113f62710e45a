/**
 * modetest's patterns for packed RGB formats (fill_smpte_rgb16/24/32/16fp, fill_tiles_rgb*,
 * fill_gradient_rgb32/16fp, insert_value_rgb32/16fp), written into plane 0 of a framebuffer.
 */
import type { RgbLayout } from './pattern-formats.js';
import {
  idiv, packRgba10, packRgba8, packedBytes, tilesRgb, writePacked, type Packed,
} from './pattern-pixels.js';
import { bandLimits, smpteColour, type Band } from './smpte.js';

export interface Plane {
  readonly data: Uint8Array;
  readonly offset: number;
  readonly pitch: number;
  readonly width: number;
  readonly height: number;
}

/** SMPTE bars: each band has the same row, so build it once and copy it. */
export function smpteRgb(l: RgbLayout, p: Plane): void {
  const { width, height, pitch, offset, data } = p;
  const cpp = l.cpp;
  const [mid, bot] = bandLimits(height);
  const row = new Uint8Array(width * cpp);
  let band: Band | -1 = -1;
  for (let y = 0; y < height; y++) {
    const b: Band = y < mid ? 0 : y < bot ? 1 : 2;
    if (b !== band) {
      band = b;
      const cache = new Map<number, Uint8Array>();
      for (let x = 0; x < width; x++) {
        const c = smpteColour(b, x, width);
        // 16-bit formats have no alpha in the 8-bit sense; modetest passes the same alphas.
        const key = (c[0] << 24) | (c[1] << 16) | (c[2] << 8) | c[3];
        let px = cache.get(key);
        if (!px) {
          px = packedBytes(packRgba8(l, c[0], c[1], c[2], cpp === 3 ? 0 : c[3]), cpp);
          cache.set(key, px);
        }
        row.set(px, x * cpp);
      }
    }
    data.set(row, offset + y * pitch);
  }
}

/**
 * Tiles: `d = div(x+y, width)`, rgb = 0x130502·(quot>>6) + 0x0a1120·(rem>>6); alpha 127 in the
 * top-left quadrant for 32- and 64-bit formats, 255 elsewhere and for 16-bit formats; 24-bit
 * formats have no alpha.
 */
export function tilesRgbFill(l: RgbLayout, p: Plane): void {
  const { width, height, pitch, offset, data } = p;
  const cpp = l.cpp;
  const quadrantAlpha = cpp === 4 || cpp === 8;
  const halfW = idiv(width, 2);
  const halfH = idiv(height, 2);
  let lastKey = -1;
  let last: Packed = { lo: 0, hi: 0 };
  for (let y = 0; y < height; y++) {
    const base = offset + y * pitch;
    for (let x = 0; x < width; x++) {
      const rgb = tilesRgb(x, y, width);
      const alpha = cpp === 3 ? 0 : quadrantAlpha && y < halfH && x < halfW ? 127 : 255;
      const key = rgb * 256 + alpha;
      if (key !== lastKey) {
        lastKey = key;
        last = packRgba8(l, (rgb >>> 16) & 0xff, (rgb >>> 8) & 0xff, rgb & 0xff, alpha);
      }
      writePacked(data, base + x * cpp, last, cpp);
    }
  }
}

/**
 * Gradient (32-bit and 64-bit formats): two grey ramps of 2-pixel stripes, 10-bit precision in
 * the top half (value j & 0x3ff) and 8-bit precision in the bottom half (j & 0x3fc), alpha 0.
 * With an odd width the last column is left untouched, as in modetest.
 */
export function gradientRgb(l: RgbLayout, p: Plane): void {
  const { width, height, pitch, offset, data } = p;
  const cpp = l.cpp;
  const half = idiv(width, 2);
  const top = new Uint8Array(half * 2 * cpp);
  const bottom = new Uint8Array(half * 2 * cpp);
  for (let j = 0; j < half; j++) {
    const t = packRgba10(l, j & 0x3ff, j & 0x3ff, j & 0x3ff, 0);
    const b = packRgba10(l, j & 0x3fc, j & 0x3fc, j & 0x3fc, 0);
    writePacked(top, 2 * j * cpp, t, cpp);
    writePacked(top, (2 * j + 1) * cpp, t, cpp);
    writePacked(bottom, 2 * j * cpp, b, cpp);
    writePacked(bottom, (2 * j + 1) * cpp, b, cpp);
  }
  const halfH = idiv(height, 2);
  for (let y = 0; y < height; y++) data.set(y < halfH ? top : bottom, offset + y * pitch);
}

/**
 * Black-white, as modetest's code really draws it: the pixel with index `width*y + x` is black
 * when the index is even and "white" when odd, the white being MAKE_RGBA10(255, 255, 255, 255) —
 * 8-bit values fed to the 10-bit packer, i.e. 63 in 8-bit components and 255 in 10-bit ones.
 */
export function blackWhiteRgb(l: RgbLayout, p: Plane): void {
  const { width, height, pitch, offset, data } = p;
  const cpp = l.cpp;
  const black = packRgba10(l, 0, 0, 0, 255);
  const white = packRgba10(l, 255, 255, 255, 255);
  for (let y = 0; y < height; y++) {
    const base = offset + y * pitch;
    const first = (width * y) & 1;
    for (let x = 0; x < width; x++) {
      writePacked(data, base + x * cpp, ((first + x) & 1) === 1 ? white : black, cpp);
    }
  }
}
