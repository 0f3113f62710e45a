/** Test helpers: a seeded PRNG and random framebuffers / scenes. */
import { Fourcc, formatInfo, planeHeight, planeWidth, minPitch } from '../../src/uapi/fourcc.js';
import { SRGB_EOTF_LUT, SRGB_INV_EOTF_LUT } from '../../src/compose/luts.js';
import type { RefFb, RefFrame, RefPlane } from './reference.js';

/** mulberry32 */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export const int = (r: () => number, lo: number, hi: number): number => lo + Math.floor(r() * (hi - lo + 1));
export const pick = <T>(r: () => number, a: readonly T[]): T => a[Math.floor(r() * a.length)]!;

/** The LUT data the reference uses for the colour pipeline's curves (drm_color_lut layout). */
function expand(v: Uint16Array): Uint16Array {
  const o = new Uint16Array(v.length * 4);
  for (let i = 0; i < v.length; i++) o[i * 4] = o[i * 4 + 1] = o[i * 4 + 2] = v[i]!;
  return o;
}
export const CURVES = { eotf: expand(SRGB_EOTF_LUT), inv: expand(SRGB_INV_EOTF_LUT) };

export interface FbOpts {
  /** Extra bytes at the end of every line. */
  pad?: number;
  /** Bytes before each plane's data. */
  offset?: number;
  /** All planes in one array (as VKMS reads them) or one array per plane. */
  separate?: boolean;
  /** Alpha of 8888 pixels at most this (premultiplied content), or random. */
  premultiplied?: boolean;
}

/** A framebuffer full of random bytes. */
export function randomFb(r: () => number, format: number, width: number, height: number, o: FbOpts = {}): RefFb {
  const info = formatInfo(format)!;
  const pitches: number[] = [];
  const offsets: number[] = [];
  const data: Uint8Array[] = [];
  let total = 0;
  const sizes: number[] = [];
  for (let p = 0; p < info.numPlanes; p++) {
    const pitch = minPitch(info, p, planeWidth(info, width, p)) + (o.pad ?? 0);
    pitches.push(pitch);
    const off = (o.offset ?? 0);
    const size = pitch * planeHeight(info, height, p);
    sizes.push(size);
    if (o.separate) { offsets.push(off); total = 0; }
    else { offsets.push(total + off); total += off + size; }
  }
  if (o.separate) {
    for (let p = 0; p < info.numPlanes; p++) {
      const d = new Uint8Array(offsets[p]! + sizes[p]! + 8);
      for (let i = 0; i < d.length; i++) d[i] = Math.floor(r() * 256);
      data.push(d);
    }
  } else {
    const d = new Uint8Array(total + 8);
    for (let i = 0; i < d.length; i++) d[i] = Math.floor(r() * 256);
    for (let p = 0; p < info.numPlanes; p++) data.push(d);
  }
  const fb: RefFb = { format, width, height, pitches, offsets, data };
  if (o.premultiplied) premultiply(fb);
  return fb;
}

/** Make 8888 / 16161616 pixels premultiplied (colour ≤ alpha), as real content is. */
export function premultiply(fb: RefFb): void {
  const f = fb.format;
  const d = fb.data[0]!;
  const b8: Record<number, [number, number[]]> = {
    [Fourcc.ARGB8888]: [3, [0, 1, 2]], [Fourcc.ABGR8888]: [3, [0, 1, 2]],
    [Fourcc.BGRA8888]: [0, [1, 2, 3]], [Fourcc.RGBA8888]: [0, [1, 2, 3]],
  };
  const e = b8[f];
  if (!e) return;
  for (let y = 0; y < fb.height; y++) {
    for (let x = 0; x < fb.width; x++) {
      const a = fb.offsets[0]! + y * fb.pitches[0]! + x * 4;
      const al = d[a + e[0]]!;
      for (const c of e[1]) d[a + c] = Math.floor((d[a + c]! * al) / 255);
    }
  }
}

export const ALL_ROTATIONS: number[] = [];
for (const rot of [1, 2, 4, 8]) for (const refl of [0, 16, 32, 48]) ALL_ROTATIONS.push(rot | refl);

/** A plane showing the whole of `fb` (or its sub-rect) at (x, y), unscaled. */
export function planeAt(fb: RefFb, x: number, y: number, rotation = 1, sub?: { x: number; y: number; w: number; h: number }): RefPlane {
  const s = sub ?? { x: 0, y: 0, w: fb.width, h: fb.height };
  const swap = (rotation & 15) === 2 || (rotation & 15) === 8;
  const w = swap ? s.h : s.w, h = swap ? s.w : s.h;
  return {
    fb, rotation,
    src: { x1: s.x << 16, y1: s.y << 16, x2: (s.x + s.w) << 16, y2: (s.y + s.h) << 16 },
    dst: { x1: x, y1: y, x2: x + w, y2: y + h },
  };
}

/** drm_rect_rotate (forward). */
function rectRotate(r: { x1: number; y1: number; x2: number; y2: number }, width: number, height: number, rotation: number) {
  let t = { ...r };
  if (rotation & 16) t = { ...t, x1: width - r.x2, x2: width - r.x1 };
  if (rotation & 32) t = { ...t, y1: height - r.y2, y2: height - r.y1 };
  switch (rotation & 15) {
    case 2: return { x1: t.y1, x2: t.y2, y1: width - t.x2, y2: width - t.x1 };
    case 4: return { x1: width - t.x2, x2: width - t.x1, y1: height - t.y2, y2: height - t.y1 };
    case 8: return { x1: height - t.y2, x2: height - t.y1, y1: t.x1, y2: t.x2 };
    default: return t;
  }
}
function rectRotateInv(r: { x1: number; y1: number; x2: number; y2: number }, width: number, height: number, rotation: number) {
  let t = { ...r };
  switch (rotation & 15) {
    case 2: t = { x1: width - r.y2, x2: width - r.y1, y1: r.x1, y2: r.x2 }; break;
    case 4: t = { x1: width - r.x2, x2: width - r.x1, y1: height - r.y2, y2: height - r.y1 }; break;
    case 8: t = { x1: r.y1, x2: r.y2, y1: height - r.x2, y2: height - r.x1 }; break;
  }
  const u = { ...t };
  if (rotation & 16) { u.x1 = width - t.x2; u.x2 = width - t.x1; }
  if (rotation & 32) { u.y1 = height - t.y2; u.y2 = height - t.y1; }
  return u;
}

/**
 * Clip an unscaled plane to the CRTC as drm_atomic_helper_check_plane_state does: rotate src into
 * CRTC orientation, cut it like dst, rotate back. Null when nothing is left.
 */
export function clipPlane(p: RefPlane, W: number, H: number): RefPlane | null {
  const rot = p.rotation ?? 1;
  const fw = p.fb.width << 16, fh = p.fb.height << 16;
  const s = rectRotate(p.src, fw, fh, rot);
  const d = p.dst;
  const dx1 = Math.max(0, d.x1), dy1 = Math.max(0, d.y1), dx2 = Math.min(W, d.x2), dy2 = Math.min(H, d.y2);
  if (dx2 <= dx1 || dy2 <= dy1) return null;
  const cs = {
    x1: s.x1 + ((dx1 - d.x1) << 16), y1: s.y1 + ((dy1 - d.y1) << 16),
    x2: s.x2 - ((d.x2 - dx2) << 16), y2: s.y2 - ((d.y2 - dy2) << 16),
  };
  return { ...p, dst: { x1: dx1, y1: dy1, x2: dx2, y2: dy2 }, src: rectRotateInv(cs, fw, fh, rot) };
}

export function frameOf(width: number, height: number, planes: RefPlane[], extra: Partial<RefFrame> = {}): RefFrame {
  return { width, height, planes, ...extra };
}
