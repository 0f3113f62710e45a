/**
 * IGT's CRC method (conventions.md §5) on VKMS: for each setup the expected picture is drawn by
 * this test into one primary framebuffer and its CRC captured; then the same picture is built
 * with planes (cursor, overlays, rotation/reflection, other pixel formats, YUV) and captured
 * again; the two CRCs must be equal. Each expected picture is also checked against the CRC this
 * test computes itself (vkms-semantics §2.9).
 *
 * Expected pictures are computed from vkms-semantics §2: 8-bit channels ×257 (§2.11), RGB565
 * rounded (§2.13), the premultiplied blend of §2.5, DRM rotation semantics (drm_rect_rotate:
 * reflection in source space, then a counter-clockwise rotation), and for YUV the 32.32
 * fixed-point conversion of §2.11 with drm_fixp_mul / drm_fixp2int_round copied from
 * include/drm/drm_fixed.h. Translucent pictures use an XRGB16161616 primary, which holds any
 * 16-bit value exactly.
 */
import { beforeAll, afterAll, describe, expect, it } from 'vitest';
import type { Card } from '../../src/client/index.js';
import { Fourcc, Rotation } from '../../src/uapi/index.js';
import type { VkmsDevice } from '../../src/vkms/index.js';
import {
  addPlane, AtomicFlag, captureCrc, createFb, findMode, modesetReq, openVkms, Picture, put16161616, put565, put8888, rng,
  type Fb, type PlaneSetup,
} from './helpers.js';

const W = 640, H = 480;
let vk: VkmsDevice, card: Card, allPlanes: number[], P: Record<string, number>;
let bg: Fb, bgPic: Picture, expectFb16: Fb, expectFb8: Fb;

beforeAll(async () => {
  ({ vk, card } = await openVkms({ profile: 'latest', enable_overlay: true }));
  P = vk.ids.planes as Record<string, number>;
  allPlanes = Object.values(P);
  const crtc = vk.ids.crtcs.crtc0!, conn = vk.ids.connectors.connector0!;
  const mode = findMode(card, conn, W, H);
  // the background: an 8-bit pattern on an XRGB8888 primary
  bg = createFb(card, W, H, Fourcc.XRGB8888);
  bgPic = new Picture(W, H);
  for (let y = 0; y < H; y++) {
    for (let x = 0; x < W; x++) {
      const r = x & 0xff, g = y & 0xff, b = (x * 3 + y * 5) & 0xff;
      put8888(bg, x, y, 0xff, r, g, b);
      bgPic.set(x, y, r * 257, g * 257, b * 257);
    }
  }
  expectFb16 = createFb(card, W, H, Fourcc.XRGB16161616);
  expectFb8 = createFb(card, W, H, Fourcc.XRGB8888);
  card.atomicCommitSync(addPlane(modesetReq(card, crtc, conn, mode), crtc, { plane: P.primary!, fb: bg }), AtomicFlag.ALLOW_MODESET);
  vk.debugfs.setCrcSource('crtc0', 'auto');
});

afterAll(async () => {
  await vk.unplug();
});

const clonePic = (p: Picture): Picture => {
  const q = new Picture(p.width, p.height);
  q.px.set(p.px);
  return q;
};

/** CRC of the expected picture drawn into one primary FB (8-bit if exact, else 16-bit). */
function expectedCrc(pic: Picture, eight = false): number {
  const fb = eight ? expectFb8 : expectFb16;
  pic.drawInto(fb);
  const crc = captureCrc(vk, card, 'crtc0', allPlanes, [{ plane: P.primary!, fb }]);
  // the frame is exactly the picture: its CRC as computed here
  expect(crc).toBe(pic.crc());
  return crc;
}

/** CRC of the picture built with planes, the background on the primary. */
function planesCrc(planes: PlaneSetup[], primary: PlaneSetup | null = { plane: P.primary!, fb: bg }): number {
  return captureCrc(vk, card, 'crtc0', allPlanes, primary ? [primary, ...planes] : planes);
}

/** An ARGB8888 image given premultiplied 8-bit [a, r, g, b] per pixel, and its 16-bit form. */
interface Img { w: number; h: number; px: (x: number, y: number) => [number, number, number, number] }

function argbFb(img: Img, format: number = Fourcc.ARGB8888): Fb {
  const fb = createFb(card, img.w, img.h, format);
  for (let y = 0; y < img.h; y++) for (let x = 0; x < img.w; x++) { const [a, r, g, b] = img.px(x, y); put8888(fb, x, y, a, r, g, b); }
  return fb;
}

/** Blend an 8-bit premultiplied image at (x0, y0) into a picture (§2.5, channels ×257). */
function blendImg(pic: Picture, img: Img, x0: number, y0: number): void {
  for (let y = 0; y < img.h; y++) for (let x = 0; x < img.w; x++) {
    const [a, r, g, b] = img.px(x, y);
    pic.blend(x0 + x, y0 + y, a * 257, r * 257, g * 257, b * 257);
  }
}

// ---------------------------------------------------------------------------------------------

describe('cursor 64x64 ARGB8888', () => {
  // a ring with a gradient, opaque inside, fully transparent outside (premultiplied: 0,0,0,0)
  const ring: Img = {
    w: 64, h: 64,
    px: (x, y) => {
      const d = (x - 31.5) ** 2 + (y - 31.5) ** 2;
      return d < 30 ** 2 && d > 12 ** 2 ? [255, 255 - 3 * x, 4 * y, 128 + x] : [0, 0, 0, 0];
    },
  };
  let cursorFb: Fb;
  beforeAll(() => { cursorFb = argbFb(ring); });

  const positions: [number, number][] = [[100, 80], [0, 0], [-20, -30], [W - 40, H - 10], [-63, 200], [W - 1, H - 1], [300, -63], [W - 64, H - 64], [-32, H - 32]];
  for (const [x, y] of positions) {
    it(`at (${x}, ${y})`, () => {
      const pic = clonePic(bgPic);
      blendImg(pic, ring, x, y);
      const expected = expectedCrc(pic, true);
      expect(planesCrc([{ plane: P.cursor!, fb: cursorFb, x, y }])).toBe(expected);
    });
  }

  it('translucent (premultiplied) over the background, partly off the left edge', () => {
    const soft: Img = { w: 64, h: 64, px: (x, y) => { const a = (x * 4 + y) & 0xff; return [a, (a * y) >> 6, (a * x) >> 6, a >> 1]; } };
    const fb = argbFb(soft);
    for (const [x, y] of [[-10, 40], [200, 300]] as const) {
      const pic = clonePic(bgPic);
      blendImg(pic, soft, x, y);
      expect(planesCrc([{ plane: P.cursor!, fb, x, y }])).toBe(expectedCrc(pic));
    }
  });
});

describe('overlays', () => {
  it('an XRGB8888 overlay at an offset', () => {
    const img: Img = { w: 200, h: 150, px: (x, y) => [255, (x * 7) & 0xff, (y * 11) & 0xff, 0x55] };
    const fb = argbFb(img, Fourcc.XRGB8888);
    const pic = clonePic(bgPic);
    blendImg(pic, img, 50, 60);
    expect(planesCrc([{ plane: P.overlay0!, fb, x: 50, y: 60 }])).toBe(expectedCrc(pic, true));
  });

  it('an XRGB8888 overlay ignores its X byte', () => {
    const img: Img = { w: 100, h: 100, px: (x, y) => [(x * y) & 0xff, x, y, 0x80] };
    const fb = argbFb(img, Fourcc.XRGB8888);
    const pic = clonePic(bgPic);
    blendImg(pic, { ...img, px: (x, y) => [255, ...img.px(x, y).slice(1)] as [number, number, number, number] }, 10, 300);
    expect(planesCrc([{ plane: P.overlay0!, fb, x: 10, y: 300 }])).toBe(expectedCrc(pic, true));
  });

  it('a translucent ARGB8888 overlay partly off the bottom-right corner', () => {
    const img: Img = { w: 200, h: 160, px: (x, y) => { const a = (x + y) & 0xff; return [a, (a * 3) >> 2, a >> 1, (a * (x & 7)) >> 3]; } };
    const fb = argbFb(img);
    const pic = clonePic(bgPic);
    blendImg(pic, img, W - 120, H - 70);
    expect(planesCrc([{ plane: P.overlay0!, fb, x: W - 120, y: H - 70 }])).toBe(expectedCrc(pic));
  });

  it('an ABGR8888 overlay (byte order R, G, B, A)', () => {
    const img: Img = { w: 90, h: 70, px: (x, y) => { const a = x < 45 ? 255 : 100; return [a, Math.min(a, x * 2), Math.min(a, y * 3), a >> 2]; } };
    const fb = argbFb(img, Fourcc.ABGR8888);
    const pic = clonePic(bgPic);
    blendImg(pic, img, 400, 30);
    expect(planesCrc([{ plane: P.overlay0!, fb, x: 400, y: 30 }])).toBe(expectedCrc(pic));
  });

  it('z-order is plane index order: primary < overlay0 < overlay5 < cursor, whatever order they are set in', () => {
    const a: Img = { w: 120, h: 120, px: () => [255, 200, 0, 0] };
    const b: Img = { w: 120, h: 120, px: (x) => (x < 60 ? [255, 0, 200, 0] : [128, 0, 0, 128]) };
    const c: Img = { w: 64, h: 64, px: (x, y) => ((x + y) % 2 ? [255, 0, 0, 255] : [0, 0, 0, 0]) };
    const fa = argbFb(a), fbb = argbFb(b), fc = argbFb(c);
    const pic = clonePic(bgPic);
    blendImg(pic, a, 100, 100);
    blendImg(pic, b, 160, 160);
    blendImg(pic, c, 200, 130);
    const expected = expectedCrc(pic);
    expect(planesCrc([{ plane: P.cursor!, fb: fc, x: 200, y: 130 }, { plane: P.overlay5!, fb: fbb, x: 160, y: 160 }, { plane: P.overlay0!, fb: fa, x: 100, y: 100 }])).toBe(expected);
  });

  it('no primary, a small overlay: the rest is the opaque black background', () => {
    const img: Img = { w: 50, h: 40, px: (x, y) => [255, x * 5, y * 6, 7] };
    const fb = argbFb(img, Fourcc.XRGB8888);
    const pic = new Picture(W, H);
    blendImg(pic, img, 300, 200);
    expect(planesCrc([{ plane: P.overlay2!, fb, x: 300, y: 200 }], null)).toBe(expectedCrc(pic, true));
  });

  it('a primary smaller than the CRTC with a source offset', () => {
    const img: Img = { w: 300, h: 200, px: (x, y) => [255, (x * 13) & 0xff, (y * 17) & 0xff, (x ^ y) & 0xff] };
    const fb = argbFb(img, Fourcc.XRGB8888);
    const pic = new Picture(W, H);
    // source (40, 30) 200x150 → CRTC (-25, 100)
    blendImg(pic, { w: 200, h: 150, px: (x, y) => img.px(x + 40, y + 30) }, -25, 100);
    expect(planesCrc([], { plane: P.primary!, fb, x: -25, y: 100, srcX: 40, srcY: 30, srcW: 200, srcH: 150 })).toBe(expectedCrc(pic, true));
  });
});

describe('rotation and reflection of an overlay', () => {
  // a 96x64 source with a picture that has no symmetry
  const SW = 96, SH = 64;
  const src = (x: number, y: number): [number, number, number, number] => [255, (x * 2 + 1) & 0xff, (y * 3 + 7) & 0xff, (x * y + x) & 0xff];
  const R = Rotation;
  /**
   * DRM semantics (drm_rect_rotate): the source (w×h) is reflected, then rotated counter-clockwise;
   * so the pixel at (dx, dy) of the result is source (Refl(Rot⁻¹(dx, dy))).
   */
  function sourceOf(rot: number, w: number, h: number, dx: number, dy: number): [number, number] {
    let x: number, y: number;
    switch (rot & R.ROTATE_MASK) {
      case R.ROTATE_90: x = w - 1 - dy; y = dx; break;
      case R.ROTATE_180: x = w - 1 - dx; y = h - 1 - dy; break;
      case R.ROTATE_270: x = dy; y = h - 1 - dx; break;
      default: x = dx; y = dy;
    }
    if (rot & R.REFLECT_X) x = w - 1 - x;
    if (rot & R.REFLECT_Y) y = h - 1 - y;
    return [x, y];
  }
  let fb: Fb;
  beforeAll(() => { fb = argbFb({ w: SW, h: SH, px: src }, Fourcc.XRGB8888); });

  const cases: [string, number][] = [
    ['rotate-0', R.ROTATE_0], ['rotate-90', R.ROTATE_90], ['rotate-180', R.ROTATE_180], ['rotate-270', R.ROTATE_270],
    ['reflect-x', R.ROTATE_0 | R.REFLECT_X], ['reflect-y', R.ROTATE_0 | R.REFLECT_Y], ['reflect-x|reflect-y', R.ROTATE_0 | R.REFLECT_X | R.REFLECT_Y],
    ['rotate-90|reflect-x', R.ROTATE_90 | R.REFLECT_X], ['rotate-270|reflect-y', R.ROTATE_270 | R.REFLECT_Y], ['rotate-180|reflect-x', R.ROTATE_180 | R.REFLECT_X],
  ];
  for (const [name, rot] of cases) {
    it(name, () => {
      const swap = (rot & (R.ROTATE_90 | R.ROTATE_270)) !== 0;
      const dw = swap ? SH : SW, dh = swap ? SW : SH;
      const pic = clonePic(bgPic);
      blendImg(pic, { w: dw, h: dh, px: (dx, dy) => src(...sourceOf(rot, SW, SH, dx, dy)) }, 100, 50);
      expect(planesCrc([{ plane: P.overlay1!, fb, x: 100, y: 50, rotation: rot }])).toBe(expectedCrc(pic, true));
    });
  }

  it('rotate-90 of a source sub-rectangle, partly off the top edge', () => {
    const sx = 8, sy = 4, sw = 48, sh = 32;
    const pic = clonePic(bgPic);
    blendImg(pic, { w: sh, h: sw, px: (dx, dy) => { const [x, y] = sourceOf(R.ROTATE_90, sw, sh, dx, dy); return src(sx + x, sy + y); } }, 500, -10);
    expect(planesCrc([{ plane: P.overlay1!, fb, x: 500, y: -10, srcX: sx, srcY: sy, srcW: sw, srcH: sh, rotation: R.ROTATE_90 }])).toBe(expectedCrc(pic, true));
  });

  it('rotate-270 of a translucent ARGB8888 cursor', () => {
    const img: Img = { w: 64, h: 64, px: (x, y) => { const a = x * 4 > 255 ? 255 : x * 4; return [a, Math.min(a, y * 4), a >> 1, 0]; } };
    const cfb = argbFb(img);
    const pic = clonePic(bgPic);
    blendImg(pic, { w: 64, h: 64, px: (dx, dy) => img.px(...sourceOf(R.ROTATE_270, 64, 64, dx, dy)) }, 20, 20);
    expect(planesCrc([{ plane: P.cursor!, fb: cfb, x: 20, y: 20, rotation: R.ROTATE_270 }])).toBe(expectedCrc(pic));
  });
});

describe('other pixel formats', () => {
  it('an RGB565 overlay: read as round(k·65535/n) (§2.11, §2.13)', () => {
    const next = rng(565);
    const w = 128, h = 96;
    const fb = createFb(card, w, h, Fourcc.RGB565);
    const pic = clonePic(bgPic);
    const up = (k: number, n: number) => Math.floor((2 * k * 65535 + n) / (2 * n));
    for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) {
      // every value of each channel appears, plus random ones
      const r5 = (x + y) % 32, g6 = next() % 64, b5 = (x * 7 + y) % 32;
      put565(fb, x, y, r5, g6, b5);
      pic.set(200 + x, 150 + y, up(r5, 31), up(g6, 63), up(b5, 31));
    }
    expect(planesCrc([{ plane: P.overlay0!, fb, x: 200, y: 150 }])).toBe(expectedCrc(pic));
  });

  it('an RGB565 primary', () => {
    const fb = createFb(card, W, H, Fourcc.RGB565);
    const pic = new Picture(W, H);
    const up = (k: number, n: number) => Math.floor((2 * k * 65535 + n) / (2 * n));
    for (let y = 0; y < H; y++) for (let x = 0; x < W; x++) {
      const r5 = x % 32, g6 = y % 64, b5 = (x + y) % 32;
      put565(fb, x, y, r5, g6, b5);
      pic.set(x, y, up(r5, 31), up(g6, 63), up(b5, 31));
    }
    expect(planesCrc([], { plane: P.primary!, fb })).toBe(expectedCrc(pic));
  });

  it('an XRGB16161616 overlay: 16-bit values straight, X ignored', () => {
    const next = rng(48);
    const w = 150, h = 100;
    const fb = createFb(card, w, h, Fourcc.XRGB16161616);
    const pic = clonePic(bgPic);
    for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) {
      const r = next() & 0xffff, g = next() & 0xffff, b = next() & 0xffff;
      put16161616(fb, x, y, next() & 0xffff, r, g, b);
      if (x - 60 >= 0) pic.set(x - 60, 300 + y, r, g, b);
    }
    expect(planesCrc([{ plane: P.overlay3!, fb, x: -60, y: 300 }])).toBe(expectedCrc(pic));
  });

  it('a premultiplied ARGB16161616 overlay', () => {
    const next = rng(4848);
    const w = 120, h = 90;
    const fb = createFb(card, w, h, Fourcc.ARGB16161616);
    const pic = clonePic(bgPic);
    for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) {
      const a = next() & 0xffff;
      const c = () => (a ? next() % (a + 1) : 0);
      const r = c(), g = c(), b = c();
      put16161616(fb, x, y, a, r, g, b);
      pic.blend(400 + x, 100 + y, a, r, g, b);
    }
    expect(planesCrc([{ plane: P.overlay3!, fb, x: 400, y: 100 }])).toBe(expectedCrc(pic));
  });
});

// ---------------------------------------------------------------------------------------------
// YUV (§2.11): drm_fixed.h arithmetic, copied (include/drm/drm_fixed.h, recent trees)

function msbset(a: bigint): number {
  const sign = a < 0n ? 1n : 0n;
  for (let shift = 62; shift > 0; shift--) if (((a >> BigInt(shift)) & 1n) !== sign) return shift;
  return 0;
}
function fixpMul(a: bigint, b: bigint): bigint {
  let shift = msbset(a) + msbset(b);
  if (shift > 61) {
    shift -= 61;
    a >>= BigInt((shift >> 1) + (shift & 1));
    b >>= BigInt(shift >> 1);
  } else shift = 0;
  const result = BigInt.asIntN(64, a * b);
  if (shift > 32) return BigInt.asIntN(64, result << BigInt(shift - 32));
  if (shift < 32) return result >> BigInt(32 - shift);
  return result;
}
/** drm_fixp2int_round: (a + DRM_FIXED_ONE / 2) >> 32. */
const fixp2intRound = (a: bigint): number => Number((a + (1n << 31n)) >> 32n);
const clamp16 = (v: number) => Math.min(0xffff, Math.max(0, v));

/** §2.11's matrices (32.32), as given there. */
const YUV_MATRICES = {
  bt601_full: { m: [[4294967296n, 0n, 6021544149n], [4294967296n, -1478054095n, -3067191994n], [4294967296n, 7610682049n, 0n]], yOffset: 0 },
  bt601_limited: { m: [[5020601039n, 0n, 6881764740n], [5020601039n, -1689204679n, -3505362278n], [5020601039n, 8697922339n, 0n]], yOffset: 16 },
};

/** argb_u16_from_yuv161616 with 8-bit samples (×257), channel 1 = U (Cb), channel 2 = V (Cr). */
function yuvToRgb16(mat: { m: bigint[][]; yOffset: number }, y8: number, u8: number, v8: number): [number, number, number] {
  const fy = BigInt(y8 * 257 - mat.yOffset * 257) << 32n, fu = BigInt(u8 * 257 - 128 * 257) << 32n, fv = BigInt(v8 * 257 - 128 * 257) << 32n;
  const row = (r: bigint[]) => clamp16(fixp2intRound(fixpMul(r[0]!, fy) + fixpMul(r[1]!, fu) + fixpMul(r[2]!, fv)));
  return [row(mat.m[0]!), row(mat.m[1]!), row(mat.m[2]!)];
}

describe('YUV overlays against the picture converted here', () => {
  it('the conversion helper matches known points (white, black, grey)', () => {
    expect(yuvToRgb16(YUV_MATRICES.bt601_full, 255, 128, 128)).toEqual([65535, 65535, 65535]);
    expect(yuvToRgb16(YUV_MATRICES.bt601_full, 0, 128, 128)).toEqual([0, 0, 0]);
    expect(yuvToRgb16(YUV_MATRICES.bt601_full, 128, 128, 128)).toEqual([128 * 257, 128 * 257, 128 * 257]);
    expect(yuvToRgb16(YUV_MATRICES.bt601_limited, 16, 128, 128)).toEqual([0, 0, 0]);
    // limited-range white: 219·257·(5020601039/2^32) ≈ 65791 → clamped
    expect(yuvToRgb16(YUV_MATRICES.bt601_limited, 235, 128, 128)).toEqual([65535, 65535, 65535]);
  });

  const w = 160, h = 120, X0 = 64, Y0 = 32;
  /** Random luma per pixel, random chroma per 2x2 block (shared by all layouts). */
  function samples(seed: number) {
    const next = rng(seed);
    const Y = Array.from({ length: w * h }, () => next() & 0xff);
    const U = Array.from({ length: (w / 2) * (h / 2) }, () => next() & 0xff);
    const V = Array.from({ length: (w / 2) * (h / 2) }, () => next() & 0xff);
    return { Y, U, V };
  }
  function expectedPic(s: ReturnType<typeof samples>, mat: { m: bigint[][]; yOffset: number }): Picture {
    const pic = clonePic(bgPic);
    for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) {
      const c = (y >> 1) * (w / 2) + (x >> 1);
      const [r, g, b] = yuvToRgb16(mat, s.Y[y * w + x]!, s.U[c]!, s.V[c]!);
      pic.set(X0 + x, Y0 + y, r, g, b);
    }
    return pic;
  }
  function fillYuv(fb: Fb, s: ReturnType<typeof samples>): void {
    const B = fb.bytes;
    for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) B[fb.offsets[0]! + y * fb.pitches[0]! + x] = s.Y[y * w + x]!;
    for (let y = 0; y < h / 2; y++) for (let x = 0; x < w / 2; x++) {
      const u = s.U[y * (w / 2) + x]!, v = s.V[y * (w / 2) + x]!;
      switch (fb.format) {
        case Fourcc.NV12: B[fb.offsets[1]! + y * fb.pitches[1]! + 2 * x] = u; B[fb.offsets[1]! + y * fb.pitches[1]! + 2 * x + 1] = v; break;
        case Fourcc.NV21: B[fb.offsets[1]! + y * fb.pitches[1]! + 2 * x] = v; B[fb.offsets[1]! + y * fb.pitches[1]! + 2 * x + 1] = u; break;
        case Fourcc.YUV420: B[fb.offsets[1]! + y * fb.pitches[1]! + x] = u; B[fb.offsets[2]! + y * fb.pitches[2]! + x] = v; break;
        case Fourcc.YVU420: B[fb.offsets[1]! + y * fb.pitches[1]! + x] = v; B[fb.offsets[2]! + y * fb.pitches[2]! + x] = u; break;
        default: throw new Error('fillYuv');
      }
    }
  }

  const cases: [string, number, 'bt601_full' | 'bt601_limited'][] = [
    ['NV12 BT.601 full range (the defaults)', Fourcc.NV12, 'bt601_full'],
    ['NV12 BT.601 limited range', Fourcc.NV12, 'bt601_limited'],
    ['YUV420 BT.601 full range', Fourcc.YUV420, 'bt601_full'],
    ['YUV420 BT.601 limited range', Fourcc.YUV420, 'bt601_limited'],
    ['NV21 (V/U swapped) BT.601 full range', Fourcc.NV21, 'bt601_full'],
    ['YVU420 (V/U swapped) BT.601 limited range', Fourcc.YVU420, 'bt601_limited'],
  ];
  for (const [name, format, matName] of cases) {
    it(name, () => {
      const s = samples(format ^ (matName.length * 7919));
      const fb = createFb(card, w, h, format);
      fillYuv(fb, s);
      const pic = expectedPic(s, YUV_MATRICES[matName]);
      const props = { COLOR_ENCODING: 0, COLOR_RANGE: matName === 'bt601_full' ? 1 : 0 };
      expect(planesCrc([{ plane: P.overlay4!, fb, x: X0, y: Y0, props }])).toBe(expectedCrc(pic));
    });
  }
});
