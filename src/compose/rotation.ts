/**
 * Plane rotation as VKMS handles it (vkms_composer.c direction_for_rotation, blend_line,
 * clamp_line_coordinates; drm_rect.c drm_rect_rotate_inv): a CRTC line of a plane maps to a source
 * line read in one of four directions.
 */
import { DIR_B2T, DIR_L2R, DIR_R2L, DIR_T2B } from './formats-read.js';

export const DRM_MODE_ROTATE_0 = 1 << 0;
export const DRM_MODE_ROTATE_90 = 1 << 1;
export const DRM_MODE_ROTATE_180 = 1 << 2;
export const DRM_MODE_ROTATE_270 = 1 << 3;
export const DRM_MODE_ROTATE_MASK = 0xf;
export const DRM_MODE_REFLECT_X = 1 << 4;
export const DRM_MODE_REFLECT_Y = 1 << 5;
export const DRM_MODE_REFLECT_MASK = DRM_MODE_REFLECT_X | DRM_MODE_REFLECT_Y;

/** A rectangle as 4 ints [x1, y1, x2, y2]. */
export type RectI = Int32Array;

/** drm_rect_rotate_inv in place. */
export function rectRotateInv(r: RectI, width: number, height: number, rotation: number): void {
  const x1 = r[0]!, y1 = r[1]!, x2 = r[2]!, y2 = r[3]!;
  switch (rotation & DRM_MODE_ROTATE_MASK) {
    case DRM_MODE_ROTATE_90:
      r[0] = width - y2; r[2] = width - y1; r[1] = x1; r[3] = x2;
      break;
    case DRM_MODE_ROTATE_180:
      r[0] = width - x2; r[2] = width - x1; r[1] = height - y2; r[3] = height - y1;
      break;
    case DRM_MODE_ROTATE_270:
      r[0] = y1; r[2] = y2; r[1] = height - x2; r[3] = height - x1;
      break;
    default: // ROTATE_0 and anything that is not exactly one rotation bit
      break;
  }
  if (rotation & DRM_MODE_REFLECT_MASK) {
    const a1 = r[0]!, b1 = r[1]!, a2 = r[2]!, b2 = r[3]!;
    if (rotation & DRM_MODE_REFLECT_X) { r[0] = width - a2; r[2] = width - a1; }
    if (rotation & DRM_MODE_REFLECT_Y) { r[1] = height - b2; r[3] = height - b1; }
  }
}

const tmpA = new Int32Array(4);
const tmpB = new Int32Array(4);

/** direction_for_rotation: inverse-rotate the unit vector (0,0)→(1,0) in a 1x1 square. */
export function directionForRotation(rotation: number): number {
  tmpA.fill(0);
  tmpB[0] = 1; tmpB[1] = 0; tmpB[2] = 1; tmpB[3] = 0;
  rectRotateInv(tmpA, 1, 1, rotation);
  rectRotateInv(tmpB, 1, 1, rotation);
  const x = tmpB[0]! - tmpA[0]!;
  const y = tmpB[1]! - tmpA[1]!;
  if (x === 1 && y === 0) return DIR_L2R;
  if (x === -1 && y === 0) return DIR_R2L;
  if (y === 1 && x === 0) return DIR_T2B;
  if (y === -1 && x === 0) return DIR_B2T;
  return DIR_L2R;
}

/** True when the rotation swaps width and height (drm_rotation_90_or_270). */
export function rotation90or270(rotation: number): boolean {
  const r = rotation & DRM_MODE_ROTATE_MASK;
  return r === DRM_MODE_ROTATE_90 || r === DRM_MODE_ROTATE_270;
}

/** Where a plane's CRTC line is read from: the result of blend_line's coordinate steps. */
export interface LineGeom {
  /** CRTC x of the first pixel and number of pixels (0: nothing on this line). */
  dstX: number;
  count: number;
  /** Framebuffer coordinates of the first pixel read and the read direction. */
  xs: number;
  ys: number;
  dir: number;
}

const srcLine = new Int32Array(4);

/**
 * blend_line's geometry for CRTC line y: `dst` integer CRTC rect, `src` integer source rect
 * (drm_rect_fp_to_int of the 16.16 one: x1 >> 16, y1 >> 16, width >> 16, height >> 16), the
 * framebuffer size for clamp_line_coordinates. Returns false when the plane has nothing on line y.
 */
export function lineGeometry(y: number, crtcWidth: number,
  dx1: number, dy1: number, dx2: number, dy2: number,
  sx1: number, sy1: number, sw: number, sh: number,
  rotation: number, dir: number, fbWidth: number, fbHeight: number, g: LineGeom): boolean {
  g.count = 0;
  if (y < dy1 || y >= dy2) return false;
  let lx1 = dx1, lx2 = dx2; // DRM_RECT_INIT(dst.x1, y, width(dst), 1)
  if (lx1 < 0) lx1 = 0;
  if (lx2 > crtcWidth) lx2 = crtcWidth;
  if (lx2 <= lx1) return false;
  srcLine[0] = lx1 - dx1; srcLine[1] = y - dy1; srcLine[2] = lx2 - dx1; srcLine[3] = y + 1 - dy1;
  rectRotateInv(srcLine, sw, sh, rotation);
  const x1 = srcLine[0]! + sx1, y1 = srcLine[1]! + sy1, x2 = srcLine[2]! + sx1, y2 = srcLine[3]! + sy1;
  // clamp_line_coordinates: the destination start is dst.x1 itself, not the clamped line start.
  let xs = x1, ys = y1, dstX = dx1;
  let count: number;
  if (dir === DIR_L2R || dir === DIR_R2L) {
    count = x2 - x1;
    if (xs < 0) { count += xs; dstX -= xs; xs = 0; }
    if (xs + count > fbWidth) count = Math.max(0, fbWidth - xs);
  } else {
    count = y2 - y1;
    if (ys < 0) { count += ys; dstX -= ys; ys = 0; }
    if (ys + count > fbHeight) count = Math.max(0, fbHeight - ys);
  }
  if (count <= 0) return false;
  if (dir === DIR_R2L) xs += count - 1;
  else if (dir === DIR_B2T) ys += count - 1;
  // VKMS trusts the atomic helper to have clipped dst to the CRTC; keep inside the line anyway.
  if (dstX < 0) {
    const cut = -dstX;
    if (dir === DIR_L2R) xs += cut; else if (dir === DIR_R2L) xs -= cut;
    else if (dir === DIR_T2B) ys += cut; else ys -= cut;
    count -= cut;
    dstX = 0;
  }
  if (dstX + count > crtcWidth) count = crtcWidth - dstX;
  if (count <= 0) return false;
  g.dstX = dstX; g.count = count; g.xs = xs; g.ys = ys; g.dir = dir;
  return true;
}
