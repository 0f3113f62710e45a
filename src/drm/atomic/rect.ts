/** drm_rect.c: rotation of rectangles, scale computation and clipping, in C int arithmetic. */
import { Rotation } from '../../uapi/drm-mode.js';
import type { Rect } from '../types.js';

const i32 = (v: number) => v | 0;
export const rectWidth = (r: Rect) => i32(r.x2 - r.x1);
export const rectHeight = (r: Rect) => i32(r.y2 - r.y1);
export const rectVisible = (r: Rect) => rectWidth(r) > 0 && rectHeight(r) > 0;
export const rectEquals = (a: Rect, b: Rect) => a.x1 === b.x1 && a.y1 === b.y1 && a.x2 === b.x2 && a.y2 === b.y2;

/** drm_rect_rotate: reflect, then rotate, within a width×height space. */
export function rectRotate(r: Rect, width: number, height: number, rotation: number): void {
  if (rotation & (Rotation.REFLECT_X | Rotation.REFLECT_Y)) {
    const t = { ...r };
    if (rotation & Rotation.REFLECT_X) { r.x1 = i32(width - t.x2); r.x2 = i32(width - t.x1); }
    if (rotation & Rotation.REFLECT_Y) { r.y1 = i32(height - t.y2); r.y2 = i32(height - t.y1); }
  }
  const t = { ...r };
  switch (rotation & Rotation.ROTATE_MASK) {
    case Rotation.ROTATE_90: r.x1 = t.y1; r.x2 = t.y2; r.y1 = i32(width - t.x2); r.y2 = i32(width - t.x1); break;
    case Rotation.ROTATE_180: r.x1 = i32(width - t.x2); r.x2 = i32(width - t.x1); r.y1 = i32(height - t.y2); r.y2 = i32(height - t.y1); break;
    case Rotation.ROTATE_270: r.x1 = i32(height - t.y2); r.x2 = i32(height - t.y1); r.y1 = t.x1; r.y2 = t.x2; break;
  }
}

/** drm_rect_rotate_inv: the inverse of rectRotate. */
export function rectRotateInv(r: Rect, width: number, height: number, rotation: number): void {
  const t = { ...r };
  switch (rotation & Rotation.ROTATE_MASK) {
    case Rotation.ROTATE_90: r.x1 = i32(width - t.y2); r.x2 = i32(width - t.y1); r.y1 = t.x1; r.y2 = t.x2; break;
    case Rotation.ROTATE_180: r.x1 = i32(width - t.x2); r.x2 = i32(width - t.x1); r.y1 = i32(height - t.y2); r.y2 = i32(height - t.y1); break;
    case Rotation.ROTATE_270: r.x1 = t.y1; r.x2 = t.y2; r.y1 = i32(height - t.x2); r.y2 = i32(height - t.x1); break;
  }
  if (rotation & (Rotation.REFLECT_X | Rotation.REFLECT_Y)) {
    const u = { ...r };
    if (rotation & Rotation.REFLECT_X) { r.x1 = i32(width - u.x2); r.x2 = i32(width - u.x1); }
    if (rotation & Rotation.REFLECT_Y) { r.y1 = i32(height - u.y2); r.y2 = i32(height - u.y1); }
  }
}

/** drm_calc_scale: 16.16 src/dst, rounded up when downscaling (uapi 3.39); -1 for invalid input. */
export function calcScale(src: number, dst: number): number {
  if (src < 0 || dst < 0) return -22;
  if (dst === 0) return 0;
  if (src > i32(dst << 16)) return Math.ceil(src / dst);
  return Math.floor(src / dst);
}

/** drm_rect_calc_hscale / vscale: -ERANGE (-34) outside [min, max]. */
export function calcScaleChecked(src: number, dst: number, min: number, max: number): number {
  const s = calcScale(src, dst);
  if (s < 0 || dst === 0) return s;
  if (s < min || s > max) return -34;
  return s;
}

function clipScaled(src: number, dst: number, clip: number): number {
  if (dst === 0) return 0;
  const c = Math.min(clip, dst);
  const tmp = BigInt(src >>> 0) * BigInt((dst - c) >>> 0);
  const d = BigInt(dst);
  // round toward 1.0 so clipping never flips up- and downscaling
  if (src < i32(dst << 16)) return Number((tmp + d - 1n) / d) >>> 0;
  return Number(tmp / d) >>> 0;
}

/** drm_rect_clip_scaled: clip dst to `clip`, shrinking src proportionally; true if visible. */
export function rectClipScaled(src: Rect, dst: Rect, clip: Rect): boolean {
  // clip_scaled clamps the clipped amount to the dst size (not for an empty dst): dst moves by that
  const clamp = (d: number, w: number) => (w === 0 ? d : Math.min(d, w));
  let diff = clip.x1 - dst.x1;
  if (diff > 0) { const w = rectWidth(dst); src.x1 = i32(src.x2 - clipScaled(rectWidth(src), w, diff)); dst.x1 = i32(dst.x1 + clamp(diff, w)); }
  diff = clip.y1 - dst.y1;
  if (diff > 0) { const h = rectHeight(dst); src.y1 = i32(src.y2 - clipScaled(rectHeight(src), h, diff)); dst.y1 = i32(dst.y1 + clamp(diff, h)); }
  diff = dst.x2 - clip.x2;
  if (diff > 0) { const w = rectWidth(dst); src.x2 = i32(src.x1 + clipScaled(rectWidth(src), w, diff)); dst.x2 = i32(dst.x2 - clamp(diff, w)); }
  diff = dst.y2 - clip.y2;
  if (diff > 0) { const h = rectHeight(dst); src.y2 = i32(src.y1 + clipScaled(rectHeight(src), h, diff)); dst.y2 = i32(dst.y2 - clamp(diff, h)); }
  return rectVisible(dst);
}
