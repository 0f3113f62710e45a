/** Building blocks for CLI scenes: dumb-buffer framebuffers filled with patterns or pixels. */
import { Card } from '../client/index.js';
import { fillPattern, type PatternName } from '../io/index.js';
import { Fourcc, formatInfo, fourccString } from '../uapi/fourcc.js';

export interface SceneFb {
  id: number;
  handle: number;
  width: number;
  height: number;
  format: number;
  pitch: number;
  bytes: Uint8Array;
}

/** A single-plane dumb-buffer FB of `format` (bpp from the format table). */
export function createFb(card: Card, width: number, height: number, format: number): SceneFb {
  const info = formatInfo(format);
  if (!info || info.numPlanes !== 1) throw new Error(`createFb: ${fourccString(format)} is not a single-plane format`);
  const bpp = (info.charPerBlock[0] * 8) / (info.blockW[0] * info.blockH[0]);
  const { handle, pitch } = card.createDumb(width, height, bpp);
  const bytes = card.mapDumb(handle);
  const id = card.addFB2(width, height, format, [handle], [pitch], [0]);
  return { id, handle, width, height, format, pitch, bytes };
}

export function fillFbPattern(fb: SceneFb, pattern: PatternName): void {
  fillPattern(pattern, { format: fb.format, width: fb.width, height: fb.height, pitches: [fb.pitch], offsets: [0], data: [fb.bytes] });
}

/** Fill an ARGB8888 FB from a function returning premultiplied [a, r, g, b] bytes. */
export function paintArgb(fb: SceneFb, f: (x: number, y: number) => [number, number, number, number]): void {
  if (fb.format !== Fourcc.ARGB8888) throw new Error('paintArgb needs an ARGB8888 framebuffer');
  for (let y = 0; y < fb.height; y++) {
    for (let x = 0; x < fb.width; x++) {
      const [a, r, g, b] = f(x, y);
      const o = y * fb.pitch + x * 4;
      fb.bytes[o] = b; fb.bytes[o + 1] = g; fb.bytes[o + 2] = r; fb.bytes[o + 3] = a;
    }
  }
}
