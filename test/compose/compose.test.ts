import { describe, expect, it } from 'vitest';
import { Fourcc, VKMS_PLANE_FORMATS, fourccString } from '../../src/uapi/fourcc.js';
import { Composer } from '../../src/compose/composer.js';
import { setSimdEnabled } from '../../src/compose/wasm.js';
import { READABLE_FORMATS, WRITEBACK_FORMATS } from '../../src/compose/formats.js';
import type { ComposeFrame, ComposeOutputs } from '../../src/compose/types.js';
import { composeRef, type RefColorOp, type RefFrame, type RefPlane, type RefWb } from './reference.js';
import { ALL_ROTATIONS, CURVES, clipPlane, int, pick, planeAt, randomFb, rng } from './helpers.js';

const cppOf = (f: number): number => (f === Fourcc.RGB565 ? 2 : f === Fourcc.ARGB16161616 || f === Fourcc.XRGB16161616 ? 8 : 4);

function wbFor(r: () => number, format: number, W: number, H: number): RefWb {
  const pitch = W * cppOf(format) + int(r, 0, 2) * 4;
  const offset = int(r, 0, 2) * 4;
  return { format, width: W, height: H, pitch, offset, size: offset + pitch * H + 3 };
}

/** Compose with the Composer (JavaScript and WebAssembly kernels) and the reference; compare CRC, lines, writeback bytes. */
function check(frame: RefFrame, wb: RefWb | null, composer?: Composer, crc = true) {
  const want = composeRef(frame, wb, CURVES);
  if (composer !== undefined) return checkOne(frame, wb, composer, crc, want);
  checkOne(frame, wb, new Composer({ kernels: 'js' }), crc, want);
  setSimdEnabled(false); // WebAssembly without SIMD
  try { checkOne(frame, wb, new Composer({ kernels: 'wasm' }), crc, want); } finally { setSimdEnabled(true); }
  return checkOne(frame, wb, new Composer({ kernels: 'wasm' }), crc, want);
}

function checkOne(frame: RefFrame, wb: RefWb | null, composer: Composer, crc: boolean, want: ReturnType<typeof composeRef>) {
  const lines: Uint16Array[] = [];
  const wbData = wb ? new Uint8Array(wb.size) : null;
  const outputs: ComposeOutputs = {
    crc,
    writeback: wb ? { format: wb.format, data: wbData!, pitch: wb.pitch, offset: wb.offset, width: wb.width, height: wb.height } : null,
    lineSink: crc ? (y, l) => { lines[y] = l.slice(); } : null,
  };
  const res = composer.compose(frame as ComposeFrame, outputs);
  if (crc) {
    expect(res.crc).toBe(want.crc);
    for (let y = 0; y < frame.height; y++) expect(lines[y]).toEqual(want.lines[y]);
  }
  if (wb) expect(Buffer.from(wbData!).equals(Buffer.from(want.wb!))).toBe(true);
  return { res, want, wbData };
}

function randomPlane(r: () => number, W: number, H: number, formats: readonly number[], opts: { ext?: boolean } = {}): RefPlane | null {
  const format = pick(r, formats);
  const fw = int(r, 4, 40), fh = int(r, 4, 40);
  const fb = randomFb(r, format, fw, fh, { pad: int(r, 0, 3) * 4 + (r() < 0.2 ? 1 : 0), offset: int(r, 0, 2) * 4, premultiplied: r() < 0.7, separate: r() < 0.3 });
  const rotation = r() < 0.5 ? 1 : pick(r, ALL_ROTATIONS);
  const sx = int(r, 0, fw - 2), sy = int(r, 0, fh - 2);
  const sub = { x: sx, y: sy, w: int(r, 1, fw - sx), h: int(r, 1, fh - sy) };
  let p: RefPlane = planeAt(fb, int(r, -20, W), int(r, -20, H), rotation, sub);
  p = { ...p, colorEncoding: int(r, 0, 2), colorRange: int(r, 0, 1) };
  if (opts.ext && r() < 0.5) {
    p = { ...p, alpha: r() < 0.3 ? 0xffff : int(r, 0, 0xffff), blendMode: pick(r, ['premultiplied', 'coverage', 'none'] as const) };
  }
  if (r() < 0.15) {
    const ops: RefColorOp[] = [
      { type: '1d-curve', curve: 'srgb-eotf', bypass: r() < 0.3 },
      { type: 'ctm-3x4', matrix: [0x100000000n, 0n, 0n, 0n, 0n, 0x80000000n, 0n, 0n, 0n, 0n, 0x180000000n, (1n << 63n) | 0x10000000n] },
      { type: '1d-curve', curve: 'srgb-inv-eotf' },
    ];
    p = { ...p, colorPipeline: ops };
  }
  return clipPlane(p, W, H);
}

describe('whole frames against the reference', () => {
  it('random scenes of VKMS formats, rotations, clipping, gamma, background, every writeback format', () => {
    const r = rng(100);
    for (let rep = 0; rep < 60; rep++) {
      const W = int(r, 8, 48), H = int(r, 6, 40);
      const planes: RefPlane[] = [];
      const np = int(r, 0, 4);
      for (let i = 0; i < np; i++) { const p = randomPlane(r, W, H, VKMS_PLANE_FORMATS); if (p) planes.push(p); }
      const frame: RefFrame = { width: W, height: H, planes };
      if (r() < 0.3) frame.background = r() < 0.5 ? BigInt(Math.floor(r() * 2 ** 48)) : [int(r, 0, 65535), int(r, 0, 65535), int(r, 0, 65535), int(r, 0, 65535)];
      if (r() < 0.3) {
        const len = pick(r, [256, 256, 17, 2]);
        const lut = new Uint16Array(len * 4);
        for (let i = 0; i < lut.length; i++) lut[i] = Math.floor(r() * 65536);
        frame.gammaLut = lut;
      }
      check(frame, wbFor(r, pick(r, WRITEBACK_FORMATS), W, H));
    }
  });

  it('every rotation/reflection combination, partly off the CRTC, several formats', () => {
    const r = rng(101);
    for (const format of [Fourcc.ARGB8888, Fourcc.XRGB8888, Fourcc.RGB888, Fourcc.ABGR16161616, Fourcc.RGB565, Fourcc.NV12, Fourcc.YVU420, Fourcc.P010, Fourcc.R2, Fourcc.R8]) {
      for (const rot of ALL_ROTATIONS) {
        const W = 24, H = 20;
        const fb = randomFb(r, format, int(r, 8, 19), int(r, 8, 19), { pad: int(r, 0, 2) * 4, premultiplied: true });
        const base = randomFb(r, Fourcc.XRGB8888, W, H, {});
        const planes = [planeAt(base, 0, 0), clipPlane(planeAt(fb, int(r, -5, 12), int(r, -5, 10), rot, { x: 1, y: 2, w: fb.width - 3, h: fb.height - 3 }), W, H)!]
          .filter(Boolean);
        check({ width: W, height: H, planes }, wbFor(r, Fourcc.XRGB8888, W, H));
      }
    }
  });

  it('every readable format as the only plane and over an opaque primary', () => {
    const r = rng(102);
    for (const format of READABLE_FORMATS) {
      const W = 20, H = 14;
      const fb = randomFb(r, format, 16, 12, { pad: 4, premultiplied: true, separate: r() < 0.5 });
      const prim = randomFb(r, Fourcc.XRGB8888, W, H, {});
      check({ width: W, height: H, planes: [{ ...planeAt(fb, 3, 1), colorEncoding: 1, colorRange: 0 }] }, null);
      check({ width: W, height: H, planes: [planeAt(prim, 0, 0), planeAt(fb, 2, 2, 4 | 16)] }, wbFor(r, Fourcc.ARGB16161616, W, H));
    }
  });

  it('beyond VKMS: plane alpha, blend modes, extra formats, background, scaling (nearest and bilinear, rotated)', () => {
    const r = rng(103);
    for (let rep = 0; rep < 40; rep++) {
      const W = int(r, 10, 40), H = int(r, 8, 30);
      const planes: RefPlane[] = [];
      for (let i = 0; i < int(r, 1, 3); i++) { const p = randomPlane(r, W, H, READABLE_FORMATS, { ext: true }); if (p) planes.push(p); }
      // a scaled plane
      const format = pick(r, READABLE_FORMATS);
      const fb = randomFb(r, format, int(r, 4, 30), int(r, 4, 30), { premultiplied: true, pad: 4 });
      const sx = int(r, 0, fb.width - 2), sy = int(r, 0, fb.height - 2);
      const sw = int(r, 1, fb.width - sx), sh = int(r, 1, fb.height - sy);
      const dx = int(r, 0, W - 2), dy = int(r, 0, H - 2);
      planes.splice(int(r, 0, planes.length), 0, {
        fb, rotation: pick(r, ALL_ROTATIONS), scalingFilter: r() < 0.5 ? 'bilinear' : 'nearest',
        src: { x1: (sx << 16) + int(r, 0, 30000), y1: (sy << 16) + int(r, 0, 30000), x2: (sx + sw) << 16, y2: (sy + sh) << 16 },
        dst: { x1: dx, y1: dy, x2: int(r, dx + 1, W), y2: int(r, dy + 1, H) },
        alpha: r() < 0.5 ? 0xffff : int(r, 0, 0xffff),
      });
      check({ width: W, height: H, planes, background: [0, int(r, 0, 65535), int(r, 0, 65535), int(r, 0, 65535)] }, wbFor(r, pick(r, WRITEBACK_FORMATS), W, H));
    }
  });
});

describe('the 8-bit path', () => {
  it('writes the same bytes as VKMS when no CRC is asked', () => {
    const r = rng(200);
    for (let rep = 0; rep < 40; rep++) {
      const W = int(r, 8, 48), H = int(r, 6, 30);
      const planes: RefPlane[] = [planeAt(randomFb(r, pick(r, [Fourcc.XRGB8888, Fourcc.XBGR8888]), W, H, {}), 0, 0)];
      for (let i = 0; i < int(r, 0, 3); i++) {
        const p = randomPlane(r, W, H, [Fourcc.ARGB8888, Fourcc.ABGR8888, Fourcc.BGRA8888, Fourcc.XRGB8888, Fourcc.NV12, Fourcc.RGB565]);
        if (p) planes.push(p);
      }
      if (r() < 0.2) planes.shift();
      const frame: RefFrame = { width: W, height: H, planes, background: r() < 0.3 ? [0, 257 * 7, 257 * 200, 0] : r() < 0.2 ? [0, 1234, 0, 5] : null };
      const wb = wbFor(r, pick(r, [Fourcc.XRGB8888, Fourcc.ARGB8888]), W, H);
      for (const kernels of ['js', 'wasm'] as const) {
        const { res } = check(frame, wb, new Composer({ kernels }), false);
        expect(res.path8).toBe(true);
      }
    }
  });
});

describe('damage and line caching', () => {
  it('a cursor moving with damage gives the same CRC and writeback as a full recompose', () => {
    const r = rng(300);
    const W = 64, H = 48;
    const prim = randomFb(r, Fourcc.XRGB8888, W, H, {});
    const ov = randomFb(r, Fourcc.ARGB8888, 30, 20, { premultiplied: true });
    const cur = randomFb(r, Fourcc.ARGB8888, 8, 8, { premultiplied: true });
    for (const kernels of ['js', 'wasm'] as const) {
    const inc = new Composer({ kernels });
    const wbData = new Uint8Array(W * H * 4);
    let cx = 3, cy = 4;
    for (let f = 0; f < 12; f++) {
      const ocx = cx, ocy = cy;
      cx = int(r, -4, W - 2); cy = int(r, -4, H - 2);
      const planes = [planeAt(prim, 0, 0), planeAt(ov, 10, 12), clipPlane(planeAt(cur, cx, cy), W, H)].filter((p): p is RefPlane => p !== null);
      const frame = { width: W, height: H, planes } as ComposeFrame;
      const damage = f === 0 ? undefined : [{ x1: ocx, y1: ocy, x2: ocx + 8, y2: ocy + 8 }, { x1: cx, y1: cy, x2: cx + 8, y2: cy + 8 }];
      const res = inc.compose(frame, { crc: true, writeback: { format: Fourcc.XRGB8888, data: wbData, pitch: W * 4, width: W, height: H } }, damage);
      const crc = res.crc, n = res.composedLines;
      if (f > 0) expect(n).toBeLessThan(H);
      const full = check(frame as RefFrame, { format: Fourcc.XRGB8888, width: W, height: H, pitch: W * 4, offset: 0, size: W * H * 4 });
      expect(crc).toBe(full.want.crc);
      expect(Buffer.from(wbData).equals(Buffer.from(full.want.wb!))).toBe(true);
    }
    }
  });

  it('detects plane, gamma and background changes on its own', () => {
    const r = rng(301);
    const W = 32, H = 24;
    const a = randomFb(r, Fourcc.XRGB8888, W, H, {});
    const b = randomFb(r, Fourcc.ARGB8888, 10, 10, { premultiplied: true });
    const c = new Composer();
    const steps: RefFrame[] = [
      { width: W, height: H, planes: [planeAt(a, 0, 0), planeAt(b, 2, 3)] },
      { width: W, height: H, planes: [planeAt(a, 0, 0), planeAt(b, 5, 9)] },
      { width: W, height: H, planes: [planeAt(a, 0, 0), planeAt(b, 5, 9, 4)] },
      { width: W, height: H, planes: [planeAt(a, 0, 0)] },
      { width: W, height: H, planes: [planeAt(b, 1, 1)], background: [0, 9000, 0, 0] },
      { width: W, height: H, planes: [planeAt(b, 1, 1)], gammaLut: Uint16Array.from({ length: 1024 }, (_, i) => 65535 - i * 64) },
    ];
    for (const f of steps) {
      const res = c.compose(f as ComposeFrame, { crc: true }, []);
      expect(res.crc).toBe(composeRef(f, null, CURVES).crc);
    }
    // nothing changed and no damage: nothing is recomposed
    expect(c.compose(steps[5] as ComposeFrame, { crc: true }, []).composedLines).toBe(0);
  });
});

describe('input checks', () => {
  it('names the bad field', () => {
    const c = new Composer();
    const fb = { format: Fourcc.C8, width: 2, height: 2, pitches: [2], offsets: [0], data: [new Uint8Array(4)] };
    expect(() => c.compose({ width: 0, height: 10, planes: [] }, {})).toThrow(/frame.width/);
    expect(() => c.compose({ width: 4, height: 4, planes: [planeAt(fb, 0, 0) as never] }, {})).toThrow(/planes\[0\].fb.format C8/);
    expect(() => c.compose({ width: 4, height: 4, planes: [] }, { writeback: { format: Fourcc.NV12, data: new Uint8Array(64), pitch: 16, width: 4, height: 4 } }))
      .toThrow(/writeback.format NV12/);
    expect(() => c.compose({ width: 4, height: 4, planes: [] }, { writeback: { format: Fourcc.XRGB8888, data: new Uint8Array(10), pitch: 16, width: 4, height: 4 } }))
      .toThrow(/too small/);
  });

  it(`composes an empty CRTC to the background (${fourccString(Fourcc.XRGB8888)} writeback is all black)`, () => {
    const data = new Uint8Array(16 * 4);
    const res = new Composer().compose({ width: 4, height: 4, planes: [] }, { crc: true, writeback: { format: Fourcc.XRGB8888, data, pitch: 16, width: 4, height: 4 } });
    expect([...data]).toEqual(Array.from({ length: 64 }, (_, i) => (i % 4 === 3 ? 255 : 0)));
    expect(res.crc).toBe(composeRef({ width: 4, height: 4, planes: [] }, null, CURVES).crc);
  });
});
