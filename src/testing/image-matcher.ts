/**
 * vitest matcher for golden images:
 *
 *   import { registerImageMatchers } from 'vkms-ts/testing';   // or this file
 *   registerImageMatchers();
 *   expect(frame).toMatchReferenceImage('scenes/overlay-alpha', { tolerance: 0 });
 *
 * `frame` may be an RgbaImage, a FramebufferView or PNG bytes. The reference is
 * `<refDir>/<name>.png` (default `fixtures/`); on mismatch `<name>.ref.png`, `.result.png` and
 * `.diff.png` land in VKMS_TS_RESULTS_DIR (default `test-results/`); VKMS_TS_UPDATE_REFS=1
 * rewrites the references. See io/golden.ts.
 */
import { expect } from 'vitest';
import { checkReferenceImage, type ImageSource, type ReferenceImageOptions } from '../io/golden.js';

declare module 'vitest' {
  interface Assertion<T = any> {
    /** Compares the image (RgbaImage, FramebufferView or PNG bytes) with the reference PNG `<refDir>/<name>.png`. */
    toMatchReferenceImage(name: string, opts?: ReferenceImageOptions): void;
  }
}

let registered = false;

/** Adds `toMatchReferenceImage` to vitest's expect (idempotent). */
export function registerImageMatchers(): void {
  if (registered) return;
  registered = true;
  expect.extend({
    toMatchReferenceImage(received: unknown, name: string, opts?: ReferenceImageOptions) {
      const r = checkReferenceImage(received as ImageSource, name, opts);
      return {
        pass: r.pass,
        message: () => (r.pass ? `expected image not to match reference ${r.refPath}, but it does` : r.message),
      };
    },
  });
}
