import { endianness } from 'node:os';
import { afterEach, describe, expect, it } from 'vitest';
import { Fourcc } from '../../src/uapi/fourcc.js';
import {
  CanvasUnavailableError, allocFramebuffer, canvasAvailable, drawPatternLabels, drawWithCanvas, encodePng, fillPattern,
  fillTilesWithLabels,
  loadCanvas, setCanvasLoader, type FramebufferView,
} from '../../src/io/index.js';
import { CANVAS_AVAILABLE, RUN_CANVAS_TESTS, canvasRequired, shouldRunCanvasTests } from './canvas-gate.js';
import { tilesRgb } from './modetest-ref.js';

afterEach(() => setCanvasLoader());

const px = (fb: FramebufferView, x: number, y: number): number[] => {
  const at = fb.offsets[0]! + y * fb.pitches[0]! + x * 4;
  return Array.from(fb.data[0]!.subarray(at, at + 4));
};


describe('canvas gating (always runs)', () => {
  it('skips only when canvas is missing and VKMS_TS_REQUIRE_CANVAS is unset', () => {
    expect(shouldRunCanvasTests(true, {})).toBe(true);
    expect(shouldRunCanvasTests(false, {})).toBe(false);
    expect(shouldRunCanvasTests(false, { VKMS_TS_REQUIRE_CANVAS: '1' })).toBe(true);
    expect(shouldRunCanvasTests(false, { VKMS_TS_REQUIRE_CANVAS: '' })).toBe(false);
    expect(shouldRunCanvasTests(false, { VKMS_TS_REQUIRE_CANVAS: '0' })).toBe(false);
    expect(canvasRequired({ VKMS_TS_REQUIRE_CANVAS: 'yes' })).toBe(true);
  });

  it('VKMS_TS_REQUIRE_CANVAS set → node-canvas must load and the drawing tests run', async () => {
    const loads = await canvasAvailable();
    expect(RUN_CANVAS_TESTS).toBe(loads || canvasRequired());
    expect(CANVAS_AVAILABLE).toBe(loads);
    if (canvasRequired()) await expect(loadCanvas(), 'VKMS_TS_REQUIRE_CANVAS is set').resolves.toHaveProperty('createCanvas');
  });
});

describe('without node-canvas (loader forced to fail, always runs)', () => {
  it('the drawing helpers throw a clear error naming the Debian packages and npm install canvas', async () => {
    setCanvasLoader(() => Promise.reject(new Error("Cannot find package 'canvas'")));
    expect(await canvasAvailable()).toBe(false);
    const fb = allocFramebuffer(Fourcc.XRGB8888, 4, 4);
    const err = await drawWithCanvas(fb, () => {}).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(CanvasUnavailableError);
    const msg = (err as Error).message;
    expect(msg).toContain("Cannot find package 'canvas'");
    expect(msg).toContain('libcairo2-dev libpango1.0-dev libjpeg-dev libgif-dev librsvg2-dev');
    expect(msg).toContain('npm install canvas');
    expect((err as CanvasUnavailableError).code).toBe('ERR_VKMS_CANVAS_UNAVAILABLE');
    await expect(drawPatternLabels(fb)).rejects.toThrow(/npm install canvas/);
  });

  it('a module without createCanvas is refused too', async () => {
    setCanvasLoader(async () => ({ notCanvas: true }));
    await expect(loadCanvas()).rejects.toThrow(/the module has no createCanvas\(\)/);
  });

  it('fillTilesWithLabels: without node-canvas, ifAvailable gives plain tiles, otherwise the clear error', async () => {
    setCanvasLoader(() => Promise.reject(new Error('missing')));
    const fb = allocFramebuffer(Fourcc.XRGB8888, 300, 300);
    expect(await fillTilesWithLabels(fb, { ifAvailable: true })).toBe(false);
    const [r, g, b] = tilesRgb(250, 265, 300);
    expect(px(fb, 250, 265)).toEqual([b, g, r, 0]); // where the cross-hair would be
    await expect(fillTilesWithLabels(fb)).rejects.toThrow(CanvasUnavailableError);
  });

  it('everything else keeps working: patterns and PNG', () => {
    setCanvasLoader(() => Promise.reject(new Error('missing')));
    const fb = allocFramebuffer(Fourcc.XRGB8888, 8, 9);
    fillPattern('smpte', fb);
    const png = encodePng({ width: 8, height: 9, depth: 8, data: new Uint8Array(8 * 9 * 4) });
    expect(png.subarray(1, 4).toString('latin1')).toBe('PNG');
    expect(Array.from(fb.data[0]!.subarray(0, 4))).toEqual([192, 192, 192, 0]);
  });
});

describe.runIf(RUN_CANVAS_TESTS)('drawWithCanvas (node-canvas)', () => {
  it('cairo ARGB32 bytes are DRM ARGB8888 bytes (B, G, R, A; premultiplied) on this little-endian host', async () => {
    expect(endianness()).toBe('LE');
    const fb = allocFramebuffer(Fourcc.ARGB8888, 4, 1);
    await drawWithCanvas(fb, (ctx) => {
      ctx.fillStyle = 'rgb(255, 0, 0)';
      ctx.fillRect(0, 0, 1, 1);
      ctx.fillStyle = 'rgb(10, 20, 30)';
      ctx.fillRect(1, 0, 1, 1);
      ctx.fillStyle = 'rgba(255, 255, 255, 0.5)';
      ctx.fillRect(2, 0, 1, 1);
      ctx.fillStyle = 'rgba(200, 100, 50, 0.5)';
      ctx.fillRect(3, 0, 1, 1);
    });
    expect(px(fb, 0, 0)).toEqual([0, 0, 255, 255]);
    expect(px(fb, 1, 0)).toEqual([30, 20, 10, 255]);
    const [b, g, r, a] = px(fb, 2, 0);
    expect([127, 128]).toContain(a);
    expect([b, g, r]).toEqual([a, a, a]); // premultiplied white = alpha
    const half = px(fb, 3, 0);
    expect(Math.abs(half[2]! - (200 * half[3]!) / 255)).toBeLessThanOrEqual(1);
    expect(Math.abs(half[1]! - (100 * half[3]!) / 255)).toBeLessThanOrEqual(1);
    expect(Math.abs(half[0]! - (50 * half[3]!) / 255)).toBeLessThanOrEqual(1);
  });

  it('XRGB8888, ABGR8888, XBGR8888 and RGB565 get their own byte orders', async () => {
    const draw = (ctx: Parameters<Parameters<typeof drawWithCanvas>[1]>[0]): void => {
      ctx.fillStyle = 'rgb(255, 0, 0)';
      ctx.fillRect(0, 0, 1, 1);
      ctx.fillStyle = 'rgb(10, 20, 30)';
      ctx.fillRect(1, 0, 1, 1);
    };
    const x = allocFramebuffer(Fourcc.XRGB8888, 2, 1);
    await drawWithCanvas(x, draw);
    expect([px(x, 0, 0).slice(0, 3), px(x, 1, 0).slice(0, 3)]).toEqual([[0, 0, 255], [30, 20, 10]]);
    const ab = allocFramebuffer(Fourcc.ABGR8888, 2, 1);
    await drawWithCanvas(ab, draw);
    expect([px(ab, 0, 0), px(ab, 1, 0)]).toEqual([[255, 0, 0, 255], [10, 20, 30, 255]]);
    const xb = allocFramebuffer(Fourcc.XBGR8888, 2, 1);
    await drawWithCanvas(xb, draw);
    expect([px(xb, 0, 0).slice(0, 3), px(xb, 1, 0).slice(0, 3)]).toEqual([[255, 0, 0], [10, 20, 30]]);
    const rgb565 = allocFramebuffer(Fourcc.RGB565, 2, 1);
    await drawWithCanvas(rgb565, (ctx) => {
      ctx.fillStyle = 'rgb(255, 0, 0)';
      ctx.fillRect(0, 0, 1, 1);
      ctx.fillStyle = 'rgb(0, 255, 0)';
      ctx.fillRect(1, 0, 1, 1);
    });
    expect(Array.from(rgb565.data[0]!)).toEqual([0x00, 0xf8, 0xe0, 0x07]); // 0xf800, 0x07e0 little-endian
  });

  it("mode 'keep' round-trips every premultiplied (alpha, value) pair of ARGB8888 unchanged", async () => {
    const fb = allocFramebuffer(Fourcc.ARGB8888, 256, 256);
    const d = fb.data[0]!;
    for (let a = 0; a < 256; a++) {
      for (let p = 0; p <= a; p++) {
        const at = (a * 256 + p) * 4;
        d.set([p, (p * 7) % (a + 1), a - p, a], at); // B, G, R all <= A
      }
    }
    const before = d.slice();
    await drawWithCanvas(fb, () => {});
    let bad = 0;
    for (let i = 0; i < d.length; i++) if (d[i] !== before[i]) bad++;
    expect(bad).toBe(0);
  });

  it("mode 'keep' round-trips XRGB (colour), XBGR, ABGR and RGB565 bytes", async () => {
    for (const name of ['XRGB8888', 'XBGR8888', 'ABGR8888', 'RGB565'] as const) {
      const fb = allocFramebuffer(Fourcc[name], 61, 7);
      const d = fb.data[0]!;
      for (let i = 0; i < d.length; i++) d[i] = (i * 131 + 17) & 0xff;
      if (name === 'ABGR8888') for (let i = 3; i < d.length; i += 4) d[i] = 255; // opaque: any colour valid
      const before = d.slice();
      await drawWithCanvas(fb, () => {});
      const step = name === 'RGB565' ? 2 : 4;
      for (let i = 0; i < d.length; i += step) {
        const n = name.startsWith('X') ? 3 : step; // X bytes are don't-care
        for (let k = 0; k < n; k++) if (d[i + k] !== before[i + k]) expect([name, i + k, d[i + k]]).toEqual([name, i + k, before[i + k]]);
      }
    }
  });

  it('honours pitch and offset (rows copied one by one), leaving padding alone', async () => {
    const w = 10;
    const h = 4;
    const pitch = w * 4 + 20;
    const data = new Uint8Array(12 + pitch * h).fill(0xee);
    const fb: FramebufferView = { format: Fourcc.XRGB8888, width: w, height: h, pitches: [pitch], offsets: [12], data: [data] };
    await drawWithCanvas(fb, (ctx) => {
      ctx.fillStyle = 'rgb(1, 2, 3)';
      ctx.fillRect(0, 0, w, h);
    }, { mode: 'clear' });
    for (let y = 0; y < h; y++) {
      for (let x = 0; x < w; x++) expect(px(fb, x, y).slice(0, 3)).toEqual([3, 2, 1]);
      const pad = 12 + y * pitch + w * 4;
      expect(Array.from(data.subarray(pad, pad + 20)).every((v) => v === 0xee)).toBe(true);
    }
    expect(Array.from(data.subarray(0, 12)).every((v) => v === 0xee)).toBe(true);
  });

  it("mode 'clear' starts transparent; 'overlay' blends only what was drawn", async () => {
    const c = allocFramebuffer(Fourcc.ARGB8888, 2, 1);
    c.data[0]!.fill(0x55);
    await drawWithCanvas(c, (ctx) => {
      ctx.fillStyle = 'rgb(9, 9, 9)';
      ctx.fillRect(0, 0, 1, 1);
    }, { mode: 'clear' });
    expect([px(c, 0, 0), px(c, 1, 0)]).toEqual([[9, 9, 9, 255], [0, 0, 0, 0]]);

    // content cairo cannot hold (colour above alpha) survives where nothing is drawn
    const o = allocFramebuffer(Fourcc.ARGB8888, 3, 1);
    o.data[0]!.set([200, 150, 100, 50, 200, 150, 100, 50, 200, 150, 100, 50]);
    await drawWithCanvas(o, (ctx) => {
      ctx.fillStyle = 'rgb(1, 2, 3)';
      ctx.fillRect(0, 0, 1, 1);
      ctx.fillStyle = 'rgba(0, 0, 0, 0.5)';
      ctx.fillRect(1, 0, 1, 1);
    }, { mode: 'overlay' });
    expect(px(o, 0, 0)).toEqual([3, 2, 1, 255]);
    // black at alpha 0.5 (cairo: αs = 127 or 128) over (B 200, G 150, R 100, A 50): c·(255 − αs)/255 rounded
    const [b, g, r, a] = px(o, 1, 0);
    expect([b, g, r]).toEqual([100, 75, 50]);
    expect([152, 153]).toContain(a); // αs + 50·(255 − αs)/255
    expect(px(o, 2, 0)).toEqual([200, 150, 100, 50]);
  });

  it('names a format it cannot draw and a bad mode', async () => {
    await expect(drawWithCanvas(allocFramebuffer(Fourcc.NV12, 4, 4), () => {})).rejects.toThrow(
      /format NV12 .* is not drawable; use one of ARGB8888 .*, XRGB8888 .*, ABGR8888 .*, XBGR8888 .*, RGB565/,
    );
    await expect(drawWithCanvas(allocFramebuffer(Fourcc.ARGB8888, 4, 4), () => {}, { mode: 'x' as never })).rejects.toThrow(
      `mode="x" must be 'keep', 'clear' or 'overlay'`,
    );
  });

  it('pattern labels: cross-hairs over the tiles, everything else untouched', async () => {
    const xb = allocFramebuffer(Fourcc.XBGR8888, 260, 260);
    expect(await fillTilesWithLabels(xb, { ifAvailable: true })).toBe(true);
    expect(px(xb, 249, 232).slice(0, 3)).toEqual([255, 255, 255]); // upper arm of the cross at (250, 250)
    const w = 600;
    const h = 400;
    const fb = allocFramebuffer(Fourcc.XRGB8888, w, h);
    fillPattern('tiles', fb);
    const before = fb.data[0]!.slice();
    await drawPatternLabels(fb);
    // vertical stroke of the cross at (250, 250): white 2 px wide (x 249, 250) over a black 4 px one (x 248..251)
    expect(px(fb, 249, 265).slice(0, 3)).toEqual([255, 255, 255]);
    expect(px(fb, 250, 265).slice(0, 3)).toEqual([255, 255, 255]);
    expect(px(fb, 248, 265).slice(0, 3)).toEqual([0, 0, 0]);
    expect(px(fb, 251, 265).slice(0, 3)).toEqual([0, 0, 0]);
    // far from every mark, the tiles are intact (B, G, R, X = 0)
    for (const [x, y] of [[125, 125], [400, 150], [590, 390], [125, 350]] as const) {
      const [r, g, b] = tilesRgb(x, y, w);
      expect(px(fb, x, y)).toEqual([b, g, r, 0]);
    }
    let changed = 0;
    for (let i = 0; i < before.length; i++) if (before[i] !== fb.data[0]![i]) changed++;
    expect(changed).toBeGreaterThan(0);
    expect(changed).toBeLessThan(before.length / 10);
  });
});
