import { describe, expect, it } from 'vitest';
import { Fourcc } from '../../src/uapi/fourcc.js';
import { fillPattern, type FramebufferView } from '../../src/io/index.js';
import { smpteRgba, tilesRgb, yuv601 } from './modetest-ref.js';

type Name = 'NV12' | 'NV21' | 'NV16' | 'NV61' | 'NV24' | 'NV42' | 'YUV420' | 'YVU420' | 'YUV422' | 'YVU422' | 'YUV444' | 'YVU444';

/** Per format (drm_fourcc.h): chroma subsampling, and where U and V live. */
const LAYOUT: Record<Name, { xsub: number; ysub: number; semi: boolean; vFirst: boolean }> = {
  NV12: { xsub: 2, ysub: 2, semi: true, vFirst: false }, // plane 1: Cb Cr
  NV21: { xsub: 2, ysub: 2, semi: true, vFirst: true }, // plane 1: Cr Cb
  NV16: { xsub: 2, ysub: 1, semi: true, vFirst: false },
  NV61: { xsub: 2, ysub: 1, semi: true, vFirst: true },
  NV24: { xsub: 1, ysub: 1, semi: true, vFirst: false },
  NV42: { xsub: 1, ysub: 1, semi: true, vFirst: true },
  YUV420: { xsub: 2, ysub: 2, semi: false, vFirst: false }, // planes: Y, Cb, Cr
  YVU420: { xsub: 2, ysub: 2, semi: false, vFirst: true }, // planes: Y, Cr, Cb
  YUV422: { xsub: 2, ysub: 1, semi: false, vFirst: false },
  YVU422: { xsub: 2, ysub: 1, semi: false, vFirst: true },
  YUV444: { xsub: 1, ysub: 1, semi: false, vFirst: false },
  YVU444: { xsub: 1, ysub: 1, semi: false, vFirst: true },
};

/** One buffer object holding all planes, each with a padded pitch, filled with 0xaa. */
function makeFb(name: Name, w: number, h: number): FramebufferView {
  const l = LAYOUT[name];
  const cw = Math.ceil(w / l.xsub);
  const ch = Math.ceil(h / l.ysub);
  const p0 = w + 8;
  const pc = (l.semi ? 2 * cw : cw) + 4;
  const o1 = 16 + p0 * h;
  const o2 = o1 + pc * ch + 12;
  const size = o2 + (l.semi ? 0 : pc * ch) + 8;
  const bo = new Uint8Array(size).fill(0xaa);
  const planes = l.semi ? 2 : 3;
  return {
    format: Fourcc[name], width: w, height: h,
    pitches: [p0, pc, pc].slice(0, planes), offsets: [16, o1, o2].slice(0, planes), data: [bo, bo, bo].slice(0, planes),
  };
}

/** Reads Y, U, V samples: Y at luma (x, y), U/V at chroma (cx, cy). */
function sampler(name: Name, f: FramebufferView) {
  const l = LAYOUT[name];
  const d = f.data[0]!;
  const Y = (x: number, y: number): number => d[f.offsets[0]! + y * f.pitches[0]! + x]!;
  if (l.semi) {
    const at = (cx: number, cy: number): number => f.offsets[1]! + cy * f.pitches[1]! + 2 * cx;
    return {
      Y,
      U: (cx: number, cy: number) => d[at(cx, cy) + (l.vFirst ? 1 : 0)]!,
      V: (cx: number, cy: number) => d[at(cx, cy) + (l.vFirst ? 0 : 1)]!,
    };
  }
  const uPlane = l.vFirst ? 2 : 1;
  const vPlane = l.vFirst ? 1 : 2;
  return {
    Y,
    U: (cx: number, cy: number) => d[f.offsets[uPlane]! + cy * f.pitches[uPlane]! + cx]!,
    V: (cx: number, cy: number) => d[f.offsets[vPlane]! + cy * f.pitches[vPlane]! + cx]!,
  };
}

const NAMES = Object.keys(LAYOUT) as Name[];

describe('smpte (YUV planar and semi-planar)', () => {
  it('NV12: BT.601 limited values of the first bars', () => {
    const f = makeFb('NV12', 70, 18);
    fillPattern('smpte', f, { yuv: 'modetest' });
    const s = sampler('NV12', f);
    // grey 192: Y = ((220·192 + 128) >> 8) + 16 = 181, U = V = 128
    expect([s.Y(0, 0), s.U(0, 0), s.V(0, 0)]).toEqual([181, 128, 128]);
    // yellow (192,192,0): Y = 162, U = ((-112·192 + 128) >> 8) + 128 = 44, V = ((18·192 + 128) >> 8) + 128 = 142
    expect([s.Y(10, 0), s.U(5, 0), s.V(5, 0)]).toEqual([162, 44, 142]);
  });

  it.each(NAMES.flatMap((n) => [[n, 70, 18], [n, 33, 17]] as [Name, number, number][]))(
    '%s %dx%d: every luma and chroma sample',
    (name, w, h) => {
      const l = LAYOUT[name];
      const f = makeFb(name, w, h);
      fillPattern('smpte', f, { yuv: 'modetest' });
      const s = sampler(name, f);
      for (let y = 0; y < h; y++) {
        for (let x = 0; x < w; x++) {
          const [r, g, b] = smpteRgba(x, y, w, h);
          const want = yuv601(r, g, b)[0];
          if (s.Y(x, y) !== want) expect(s.Y(x, y), `Y(${x},${y})`).toBe(want);
        }
      }
      // Chroma: modetest draws height/ysub rows, its bands computed on that row count; each sample
      // takes the colour of its first luma column.
      const rows = Math.floor(h / l.ysub);
      for (let cy = 0; cy < Math.ceil(h / l.ysub); cy++) {
        for (let cx = 0; cx < Math.ceil(w / l.xsub); cx++) {
          if (cy >= rows) {
            // the last chroma row of an odd-height 4:2:0 buffer is left as it was
            expect([s.U(cx, cy), s.V(cx, cy)]).toEqual([0xaa, 0xaa]);
            continue;
          }
          const [r, g, b] = smpteRgba(cx * l.xsub, cy, w, rows);
          const [, U, V] = yuv601(r, g, b);
          if (s.U(cx, cy) !== U || s.V(cx, cy) !== V) expect([s.U(cx, cy), s.V(cx, cy)], `UV(${cx},${cy})`).toEqual([U, V]);
        }
      }
      // padding between planes untouched
      expect(f.data[0]!.subarray(0, 16).every((v) => v === 0xaa)).toBe(true);
    },
  );
});

describe('tiles (YUV planar and semi-planar)', () => {
  it.each(NAMES.flatMap((n) => [[n, 130, 20], [n, 9, 131]] as [Name, number, number][]))(
    '%s %dx%d: luma per pixel; chroma from the last pixel each sample covers',
    (name, w, h) => {
      const l = LAYOUT[name];
      const f = makeFb(name, w, h);
      fillPattern('tiles', f, { yuv: 'modetest' });
      const s = sampler(name, f);
      for (let y = 0; y < h; y++) {
        for (let x = 0; x < w; x++) {
          const want = yuv601(...tilesRgb(x, y, w))[0];
          if (s.Y(x, y) !== want) expect(s.Y(x, y), `Y(${x},${y})`).toBe(want);
        }
      }
      // modetest writes the chroma of every pixel, so the right/bottom-most one of a block wins
      for (let cy = 0; cy < Math.ceil(h / l.ysub); cy++) {
        for (let cx = 0; cx < Math.ceil(w / l.xsub); cx++) {
          const x = Math.min(cx * l.xsub + l.xsub - 1, w - 1);
          const y = Math.min(cy * l.ysub + l.ysub - 1, h - 1);
          const [, U, V] = yuv601(...tilesRgb(x, y, w));
          if (s.U(cx, cy) !== U || s.V(cx, cy) !== V) expect([s.U(cx, cy), s.V(cx, cy)], `UV(${cx},${cy})`).toEqual([U, V]);
        }
      }
    },
  );
});

describe('packed YUV (YUYV family)', () => {
  // byte order of a 2-pixel group, per drm_fourcc.h
  const ORDER = {
    YUYV: ['Y0', 'U', 'Y1', 'V'], YVYU: ['Y0', 'V', 'Y1', 'U'], UYVY: ['U', 'Y0', 'V', 'Y1'], VYUY: ['V', 'Y0', 'U', 'Y1'],
  } as const;
  const group = (name: keyof typeof ORDER, d: Uint8Array, at: number): Record<string, number> =>
    Object.fromEntries(ORDER[name].map((k, i) => [k, d[at + i]!]));

  it.each(Object.keys(ORDER) as (keyof typeof ORDER)[])('%s smpte: each pixel its luma, each pair the chroma of its first pixel', (name) => {
    const w = 70;
    const h = 9;
    const pitch = 2 * w + 6;
    const f: FramebufferView = { format: Fourcc[name], width: w, height: h, pitches: [pitch], offsets: [0], data: [new Uint8Array(pitch * h)] };
    fillPattern('smpte', f, { yuv: 'modetest' });
    for (let y = 0; y < h; y++) {
      for (let x = 0; x < w; x += 2) {
        const got = group(name, f.data[0]!, y * pitch + 2 * x);
        const c0 = yuv601(...(smpteRgba(x, y, w, h).slice(0, 3) as [number, number, number]));
        const c1 = yuv601(...(smpteRgba(x + 1, y, w, h).slice(0, 3) as [number, number, number]));
        expect(got, `(${x},${y})`).toEqual({ Y0: c0[0], Y1: c1[0], U: c0[1], V: c0[2] });
      }
    }
  });

  it('UYVY tiles: both pixels of a pair take the first pixel’s colour', () => {
    const w = 200;
    const h = 3;
    const f: FramebufferView = { format: Fourcc.UYVY, width: w, height: h, pitches: [2 * w], offsets: [0], data: [new Uint8Array(2 * w * h)] };
    fillPattern('tiles', f, { yuv: 'modetest' });
    for (let y = 0; y < h; y++) {
      for (let x = 0; x < w; x += 2) {
        const [Y, U, V] = yuv601(...tilesRgb(x, y, w));
        expect(group('UYVY', f.data[0]!, y * 2 * w + 2 * x)).toEqual({ Y0: Y, Y1: Y, U, V });
      }
    }
  });

  it('odd widths are refused for packed YUV', () => {
    const f: FramebufferView = { format: Fourcc.YUYV, width: 5, height: 1, pitches: [12], offsets: [0], data: [new Uint8Array(12)] };
    expect(() => fillPattern('smpte', f)).toThrow('width=5 must be even for YUYV');
  });
});

describe('plain and unsupported patterns (YUV)', () => {
  it('plain fills only the luma plane with 0x77 (modetest memsets plane 0)', () => {
    const f = makeFb('NV12', 10, 4);
    fillPattern('plain', f, { yuv: 'modetest' });
    const d = f.data[0]!;
    expect(d.subarray(16, 16 + f.pitches[0]! * 4).every((v) => v === 0x77)).toBe(true);
    expect(d.subarray(f.offsets[1]!).every((v) => v === 0xaa)).toBe(true);
  });

  it('gradient and black-white are not drawn in YUV', () => {
    expect(() => fillPattern('gradient', makeFb('NV12', 4, 4))).toThrow(/pattern 'gradient' is not drawn by modetest in format NV12/);
    expect(() => fillPattern('black-white', makeFb('YUV420', 4, 4))).toThrow(/black-white/);
  });
});
