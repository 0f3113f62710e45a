/**
 * Golden-image testing (weston/mutter style, conventions.md §4): compare an image with a
 * reference PNG allowing a per-channel tolerance; on mismatch write `<name>.ref.png`,
 * `<name>.result.png` and `<name>.diff.png` into the results folder; rewrite references on demand.
 *
 * Environment:
 * - VKMS_TS_RESULTS_DIR: where mismatch triplets go (default `test-results`, relative to cwd);
 * - VKMS_TS_UPDATE_REFS=1: write the result as the new reference instead of comparing;
 * - VKMS_TS_REFS_DIR: the reference root (default `fixtures`, relative to cwd).
 */
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, isAbsolute, relative, resolve } from 'node:path';
import { framebufferToImage } from './fb-image.js';
import type { FramebufferView } from './framebuffer.js';
import { decodePng, encodePng } from './png.js';
import { checkImage, createImage, type RgbaImage, type RgbaImage8 } from './rgba.js';

/** Default per-channel tolerance, in 8-bit steps (mutter accepts −3..+4; this is symmetric). */
export const DEFAULT_TOLERANCE = 3;

export interface CompareOptions {
  /** Largest per-channel |actual − expected| still counted as equal, in 8-bit steps (×257 when
   * either image is 16-bit). Default 3. Use 0 for bit-exact. */
  tolerance?: number;
  /** Ignore the alpha channel (e.g. for XRGB content). Default false. */
  ignoreAlpha?: boolean;
  /** How many pixels may differ before the images count as different. Default 0. */
  maxDiffPixels?: number;
}

export interface PixelMismatch {
  readonly x: number;
  readonly y: number;
  /** r, g, b, a in the comparison depth */
  readonly expected: readonly number[];
  readonly actual: readonly number[];
}

export interface CompareResult {
  readonly match: boolean;
  readonly sizeMatches: boolean;
  /** Depth the comparison ran at (16 if either image is 16-bit). */
  readonly depth: 8 | 16;
  /** Pixels outside the tolerance (pixels outside either image count too). */
  readonly differentPixels: number;
  readonly totalPixels: number;
  /** Largest channel difference seen, in the comparison depth. */
  readonly maxDelta: number;
  readonly firstMismatch?: PixelMismatch;
  /** Per pixel of the union of both sizes: 1 = mismatch. */
  readonly mask: Uint8Array;
  readonly width: number;
  readonly height: number;
}

function checkTolerance(what: string, t: number): void {
  if (typeof t !== 'number' || !Number.isFinite(t) || t < 0) throw new RangeError(`${what}: tolerance=${String(t)} must be a number >= 0`);
}

/** Compares two RGBA images channel by channel. */
export function compareImages(actual: RgbaImage, expected: RgbaImage, opts: CompareOptions = {}): CompareResult {
  checkImage(actual, 'compareImages (actual)');
  checkImage(expected, 'compareImages (expected)');
  const tol8 = opts.tolerance ?? DEFAULT_TOLERANCE;
  checkTolerance('compareImages', tol8);
  const maxDiff = opts.maxDiffPixels ?? 0;
  if (!Number.isInteger(maxDiff) || maxDiff < 0) throw new RangeError(`compareImages: maxDiffPixels=${maxDiff} must be an integer >= 0`);
  const depth: 8 | 16 = actual.depth === 16 || expected.depth === 16 ? 16 : 8;
  const tol = depth === 16 ? tol8 * 257 : tol8;
  const sa = actual.depth === depth ? 1 : 257;
  const se = expected.depth === depth ? 1 : 257;
  const channels = opts.ignoreAlpha ? 3 : 4;
  const width = Math.max(actual.width, expected.width);
  const height = Math.max(actual.height, expected.height);
  const mask = new Uint8Array(width * height);
  let differing = 0;
  let maxDelta = 0;
  let first: PixelMismatch | undefined;
  const A = actual.data;
  const E = expected.data;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      if (x >= actual.width || y >= actual.height || x >= expected.width || y >= expected.height) {
        mask[y * width + x] = 1;
        differing++;
        continue;
      }
      const ia = (y * actual.width + x) * 4;
      const ie = (y * expected.width + x) * 4;
      let bad = false;
      for (let c = 0; c < channels; c++) {
        const d = Math.abs(A[ia + c]! * sa - E[ie + c]! * se);
        if (d > maxDelta) maxDelta = d;
        if (d > tol) bad = true;
      }
      if (bad) {
        mask[y * width + x] = 1;
        differing++;
        first ??= {
          x, y,
          expected: [0, 1, 2, 3].map((c) => E[ie + c]! * se),
          actual: [0, 1, 2, 3].map((c) => A[ia + c]! * sa),
        };
      }
    }
  }
  const sizeMatches = actual.width === expected.width && actual.height === expected.height;
  return {
    match: sizeMatches && differing <= maxDiff,
    sizeMatches, depth, differentPixels: differing, totalPixels: width * height, maxDelta,
    ...(first ? { firstMismatch: first } : {}),
    mask, width, height,
  };
}

/**
 * The diff picture of a comparison: matching pixels as a dim green-tinted copy of the reference,
 * mismatching ones (and pixels outside either image) bright red.
 */
export function diffImage(expected: RgbaImage, cmp: CompareResult): RgbaImage8 {
  const out = createImage(cmp.width, cmp.height, 8);
  const s = expected.depth === 16 ? 1 / 257 : 1;
  for (let y = 0; y < cmp.height; y++) {
    for (let x = 0; x < cmp.width; x++) {
      const o = (y * cmp.width + x) * 4;
      if (cmp.mask[y * cmp.width + x]) {
        out.data[o] = 255;
        out.data[o + 1] = 0;
        out.data[o + 2] = 0;
      } else {
        const i = (y * expected.width + x) * 4;
        const lum = (expected.data[i]! * 0.299 + expected.data[i + 1]! * 0.587 + expected.data[i + 2]! * 0.114) * s;
        const q = Math.round(lum / 4);
        out.data[o] = q;
        out.data[o + 1] = 64 + q;
        out.data[o + 2] = q;
      }
      out.data[o + 3] = 255;
    }
  }
  return out;
}

export interface ReferenceImageOptions extends CompareOptions {
  /** Root of the reference PNGs; default env VKMS_TS_REFS_DIR or `fixtures` (relative to cwd). */
  refDir?: string;
  /** Where mismatch triplets are written; default env VKMS_TS_RESULTS_DIR or `test-results`. */
  resultsDir?: string;
  /** Rewrite the reference from this image; default env VKMS_TS_UPDATE_REFS === '1'. */
  update?: boolean;
  /** How framebuffers are turned into images (depth 8 by default; reader for non-built-in formats). */
  framebuffer?: Parameters<typeof framebufferToImage>[1];
}

export interface ReferenceCheck {
  readonly pass: boolean;
  readonly message: string;
  /** Absolute path of the reference PNG. */
  readonly refPath: string;
  /** The reference was (re)written from the image. */
  readonly updated: boolean;
  /** Files written into the results folder. */
  readonly written: readonly string[];
  readonly comparison?: CompareResult;
}

/** Anything the golden helpers accept: an RGBA image, a framebuffer view, or PNG file bytes. */
export type ImageSource = RgbaImage | FramebufferView | Uint8Array;

function isFramebuffer(v: object): v is FramebufferView {
  return 'format' in v && 'pitches' in v;
}

/** Turns an ImageSource into an RGBA image. */
export function toImage(src: ImageSource, fbOpts?: ReferenceImageOptions['framebuffer']): RgbaImage {
  if (src instanceof Uint8Array) return decodePng(src);
  if (src === null || typeof src !== 'object') throw new TypeError('expected an RgbaImage, a FramebufferView or PNG bytes');
  if (isFramebuffer(src)) return framebufferToImage(src, fbOpts);
  checkImage(src, 'reference image');
  return src;
}

const NAME_RE = /^[A-Za-z0-9_.-]+(\/[A-Za-z0-9_.-]+)*$/;

function checkName(name: unknown): string {
  if (typeof name !== 'string' || !NAME_RE.test(name) || name.split('/').some((p) => p === '.' || p === '..')) {
    throw new RangeError(
      `reference image name=${JSON.stringify(name)} must be a relative path of letters, digits, '.', '_', '-' and '/' (no '..'), without .png`,
    );
  }
  return name;
}

const show = (p: string): string => {
  const r = relative(process.cwd(), p);
  return r && !r.startsWith('..') && !isAbsolute(r) ? r : p;
};

function writePng(path: string, img: RgbaImage, level = 1): void {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, encodePng(img, { deflateLevel: level }));
}

/**
 * Compares `image` with the reference `<refDir>/<name>.png`. Never throws for a mismatch:
 * returns pass/fail with a message that says what differs, which files were written, and how to
 * update the reference. Throws only for bad arguments.
 */
export function checkReferenceImage(image: ImageSource, name: string, opts: ReferenceImageOptions = {}): ReferenceCheck {
  checkName(name);
  const actual = toImage(image, opts.framebuffer);
  if (opts.tolerance !== undefined) checkTolerance('checkReferenceImage', opts.tolerance);
  const refRoot = resolve(opts.refDir ?? process.env['VKMS_TS_REFS_DIR'] ?? 'fixtures');
  const resultsRoot = resolve(opts.resultsDir ?? process.env['VKMS_TS_RESULTS_DIR'] ?? 'test-results');
  const update = opts.update ?? process.env['VKMS_TS_UPDATE_REFS'] === '1';
  const refPath = resolve(refRoot, `${name}.png`);
  const out = (kind: string): string => resolve(resultsRoot, `${name}.${kind}.png`);

  if (update) {
    writePng(refPath, actual, 9);
    return { pass: true, updated: true, written: [], refPath, message: `reference ${show(refPath)} written from the result` };
  }
  if (!existsSync(refPath)) {
    const resultPath = out('result');
    writePng(resultPath, actual);
    return {
      pass: false, updated: false, written: [resultPath], refPath,
      message:
        `reference image ${show(refPath)} does not exist. To create it from this result, rerun with ` +
        `VKMS_TS_UPDATE_REFS=1 (or the option { update: true }) and commit the file; the result was written to ${show(resultPath)}`,
    };
  }
  let expected: RgbaImage;
  try {
    expected = decodePng(readFileSync(refPath));
  } catch (e) {
    throw new Error(`reference image ${show(refPath)} cannot be read: ${(e as Error).message}`);
  }
  const cmp = compareImages(actual, expected, opts);
  const triplet = [out('ref'), out('result'), out('diff')] as const;
  if (cmp.match) {
    for (const f of triplet) rmSync(f, { force: true }); // stale files of an earlier failure
    return { pass: true, updated: false, written: [], refPath, comparison: cmp, message: `image matches reference ${show(refPath)}` };
  }
  writePng(triplet[0], expected);
  writePng(triplet[1], actual);
  writePng(triplet[2], diffImage(expected, cmp));
  const tol = opts.tolerance ?? DEFAULT_TOLERANCE;
  let what: string;
  if (!cmp.sizeMatches) {
    what = `size ${actual.width}x${actual.height} differs from the reference's ${expected.width}x${expected.height}`;
  } else {
    const f = cmp.firstMismatch!;
    what =
      `${cmp.differentPixels} of ${cmp.totalPixels} pixels differ by more than ±${tol}` +
      `${opts.maxDiffPixels ? ` (${opts.maxDiffPixels} allowed)` : ''}, max difference ${cmp.maxDelta} (${cmp.depth}-bit); ` +
      `first at (${f.x}, ${f.y}): expected rgba(${f.expected.join(', ')}), got rgba(${f.actual.join(', ')})`;
  }
  return {
    pass: false, updated: false, written: [...triplet], refPath, comparison: cmp,
    message:
      `image does not match reference ${show(refPath)}: ${what}. Wrote ${triplet.map(show).join(', ')}. ` +
      `If the new result is right, rerun with VKMS_TS_UPDATE_REFS=1 to update the reference.`,
  };
}

/** checkReferenceImage that throws an Error with the message on failure. */
export function assertMatchesReference(image: ImageSource, name: string, opts: ReferenceImageOptions = {}): void {
  const r = checkReferenceImage(image, name, opts);
  if (!r.pass) throw new Error(r.message);
}
