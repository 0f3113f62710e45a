import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import pngjs from 'pngjs';
import { afterAll, afterEach, describe, expect, it, vi } from 'vitest';
import { Fourcc } from '../../src/uapi/fourcc.js';
import {
  allocFramebuffer, checkReferenceImage, compareImages, fillPattern, type RgbaImage8,
} from '../../src/io/index.js';
import { registerImageMatchers } from '../../src/testing/image-matcher.js';
import { smpteRgba } from './modetest-ref.js';

const { PNG } = pngjs;
registerImageMatchers();

/** The repository's fixtures/ (the default refDir when tests run from the repository root). */
const FIXTURES = fileURLToPath(new URL('../../fixtures', import.meta.url));

const tmp = mkdtempSync(join(tmpdir(), 'vkms-golden-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));
afterEach(() => vi.unstubAllEnvs());

function solid(w: number, h: number, rgba: number[]): RgbaImage8 {
  const data = new Uint8Array(w * h * 4);
  for (let i = 0; i < w * h; i++) data.set(rgba, 4 * i);
  return { width: w, height: h, depth: 8, data };
}

/** A reference PNG written with pngjs directly (not with the code under test). */
function writeRef(dir: string, name: string, img: RgbaImage8): void {
  const p = new PNG({ width: img.width, height: img.height });
  p.data.set(img.data);
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, `${name}.png`), PNG.sync.write(p));
}

describe('compareImages', () => {
  const ref = solid(4, 3, [100, 100, 100, 255]);

  it('allows ±3 per channel by default, and counts the pixels beyond', () => {
    const near = solid(4, 3, [103, 97, 100, 255]);
    expect(compareImages(near, ref).match).toBe(true);
    const far = solid(4, 3, [100, 100, 100, 255]);
    far.data.set([104, 100, 100, 255], 4 * 5); // (1, 1)
    far.data.set([100, 90, 100, 255], 4 * 11); // (3, 2)
    const r = compareImages(far, ref);
    expect(r.match).toBe(false);
    expect(r.differentPixels).toBe(2);
    expect(r.maxDelta).toBe(10);
    expect(r.firstMismatch).toEqual({ x: 1, y: 1, expected: [100, 100, 100, 255], actual: [104, 100, 100, 255] });
    expect(compareImages(far, ref, { tolerance: 10 }).match).toBe(true);
    expect(compareImages(far, ref, { maxDiffPixels: 2 }).match).toBe(true);
    expect(compareImages(near, ref, { tolerance: 0 }).match).toBe(false);
  });

  it('ignoreAlpha, size mismatch, and 8- vs 16-bit (tolerance ×257)', () => {
    expect(compareImages(solid(4, 3, [100, 100, 100, 0]), ref).match).toBe(false);
    expect(compareImages(solid(4, 3, [100, 100, 100, 0]), ref, { ignoreAlpha: true }).match).toBe(true);
    const small = compareImages(solid(3, 3, [100, 100, 100, 255]), ref);
    expect(small.sizeMatches).toBe(false);
    expect(small.differentPixels).toBe(3); // the column outside the smaller image
    const d16 = new Uint16Array(4 * 3 * 4).fill(100 * 257 + 700);
    for (let i = 3; i < d16.length; i += 4) d16[i] = 65535;
    const r = compareImages({ width: 4, height: 3, depth: 16, data: d16 }, ref);
    expect(r.depth).toBe(16);
    expect(r.maxDelta).toBe(700);
    expect(r.match).toBe(true); // 700 <= 3·257
    expect(compareImages({ width: 4, height: 3, depth: 16, data: d16 }, ref, { tolerance: 2 }).match).toBe(false);
  });

  it('names a bad tolerance', () => {
    expect(() => compareImages(ref, ref, { tolerance: -1 })).toThrow('tolerance=-1 must be a number >= 0');
  });
});

describe('checkReferenceImage', () => {
  it('missing reference: fails with how to create it, and writes the result', () => {
    const dir = join(tmp, 'missing');
    const r = checkReferenceImage(solid(2, 2, [1, 2, 3, 255]), 'sub/none', { refDir: join(dir, 'refs'), resultsDir: join(dir, 'out') });
    expect(r.pass).toBe(false);
    expect(r.message).toMatch(/reference image .*sub\/none\.png does not exist/);
    expect(r.message).toContain('VKMS_TS_UPDATE_REFS=1');
    expect(r.written).toEqual([join(dir, 'out', 'sub', 'none.result.png')]);
    expect(Array.from(PNG.sync.read(readFileSync(r.written[0]!)).data)).toEqual([1, 2, 3, 255, 1, 2, 3, 255, 1, 2, 3, 255, 1, 2, 3, 255]);
  });

  it('mismatch writes ref/result/diff (diff: mismatches red, matches dim green); a later pass removes them', () => {
    const dir = join(tmp, 'mismatch');
    const refs = join(dir, 'refs');
    const out = join(dir, 'out');
    const ref = solid(3, 1, [200, 200, 200, 255]);
    writeRef(refs, 'grey', ref);
    const bad = solid(3, 1, [200, 200, 200, 255]);
    bad.data.set([0, 0, 0, 255], 4); // middle pixel
    const r = checkReferenceImage(bad, 'grey', { refDir: refs, resultsDir: out });
    expect(r.pass).toBe(false);
    expect(r.message).toContain('1 of 3 pixels differ by more than ±3');
    expect(r.message).toContain('first at (1, 0): expected rgba(200, 200, 200, 255), got rgba(0, 0, 0, 255)');
    expect(r.written.map((p) => p.slice(out.length + 1))).toEqual(['grey.ref.png', 'grey.result.png', 'grey.diff.png']);
    const diff = PNG.sync.read(readFileSync(join(out, 'grey.diff.png'))).data;
    expect(Array.from(diff.subarray(4, 8))).toEqual([255, 0, 0, 255]);
    const [mr, mg, mb] = diff.subarray(0, 3);
    expect(mg!).toBeGreaterThan(mr!);
    expect(mr).toBe(mb);
    expect(mg!).toBeLessThan(160); // dim
    expect(Array.from(PNG.sync.read(readFileSync(join(out, 'grey.ref.png'))).data)).toEqual(Array.from(ref.data));

    const ok = checkReferenceImage(ref, 'grey', { refDir: refs, resultsDir: out });
    expect(ok.pass).toBe(true);
    expect(existsSync(join(out, 'grey.diff.png'))).toBe(false);
  });

  it('update (option or VKMS_TS_UPDATE_REFS=1) rewrites the reference; results dir from VKMS_TS_RESULTS_DIR', () => {
    const dir = join(tmp, 'update');
    const refs = join(dir, 'refs');
    const img = solid(2, 1, [9, 8, 7, 255]);
    const u = checkReferenceImage(img, 'a/b', { refDir: refs, update: true });
    expect(u).toMatchObject({ pass: true, updated: true });
    expect(Array.from(PNG.sync.read(readFileSync(join(refs, 'a', 'b.png'))).data)).toEqual([9, 8, 7, 255, 9, 8, 7, 255]);

    vi.stubEnv('VKMS_TS_UPDATE_REFS', '1');
    const img2 = solid(2, 1, [1, 1, 1, 255]);
    expect(checkReferenceImage(img2, 'a/b', { refDir: refs }).updated).toBe(true);
    vi.stubEnv('VKMS_TS_UPDATE_REFS', '');
    vi.stubEnv('VKMS_TS_RESULTS_DIR', join(dir, 'env-results'));
    const r = checkReferenceImage(img, 'a/b', { refDir: refs });
    expect(r.pass).toBe(false);
    expect(r.written[1]).toBe(join(dir, 'env-results', 'a', 'b.result.png'));
  });

  it('accepts a framebuffer; rejects unsafe names', () => {
    const dir = join(tmp, 'fb');
    const fb = allocFramebuffer(Fourcc.XRGB8888, 7, 9);
    fillPattern('smpte', fb);
    checkReferenceImage(fb, 'smpte', { refDir: dir, update: true });
    expect(checkReferenceImage(fb, 'smpte', { refDir: dir, tolerance: 0 }).pass).toBe(true);
    expect(() => checkReferenceImage(fb, '../escape', { refDir: dir })).toThrow(/name="..\/escape" must be a relative path/);
    expect(() => checkReferenceImage(fb, '/abs', { refDir: dir })).toThrow(/must be a relative path/);
  });
});

describe('expect(image).toMatchReferenceImage', () => {
  it('passes on the committed fixture, whose pixels are checked here against conventions.md §3', () => {
    // fixtures/io/smpte-xrgb8888-70x45.png: first check the file itself, independently of src/io
    const file = PNG.sync.read(readFileSync(join(FIXTURES, 'io', 'smpte-xrgb8888-70x45.png')));
    expect([file.width, file.height]).toEqual([70, 45]);
    for (let y = 0; y < 45; y++) {
      for (let x = 0; x < 70; x++) {
        const [r, g, b] = smpteRgba(x, y, 70, 45);
        const i = (y * 70 + x) * 4;
        if (file.data[i] !== r || file.data[i + 1] !== g || file.data[i + 2] !== b || file.data[i + 3] !== 255) {
          expect(Array.from(file.data.subarray(i, i + 4)), `(${x},${y})`).toEqual([r, g, b, 255]);
        }
      }
    }
    const fb = allocFramebuffer(Fourcc.XRGB8888, 70, 45);
    fillPattern('smpte', fb);
    expect(fb).toMatchReferenceImage('io/smpte-xrgb8888-70x45', { refDir: FIXTURES, tolerance: 0, resultsDir: join(tmp, 'matcher') });
  });

  it('fails with the comparison message, and supports .not', () => {
    const fb = allocFramebuffer(Fourcc.XRGB8888, 70, 45);
    fillPattern('tiles', fb);
    const opts = { refDir: FIXTURES, tolerance: 0, resultsDir: join(tmp, 'matcher2') };
    expect(() => expect(fb).toMatchReferenceImage('io/smpte-xrgb8888-70x45', opts)).toThrow(/image does not match reference fixtures\/io\/smpte-xrgb8888-70x45\.png/);
    expect(fb).not.toMatchReferenceImage('io/smpte-xrgb8888-70x45', opts);
  });
});
