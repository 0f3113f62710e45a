/**
 * When the node-canvas tests run:
 * - node-canvas loads → they run;
 * - it does not load and VKMS_TS_REQUIRE_CANVAS is unset (or empty / "0") → they are skipped;
 * - it does not load and VKMS_TS_REQUIRE_CANVAS is set (CI sets 1) → they run, and fail.
 */
import { canvasAvailable } from '../../src/io/index.js';

export function canvasRequired(env: NodeJS.ProcessEnv = process.env): boolean {
  const v = env['VKMS_TS_REQUIRE_CANVAS'];
  return v !== undefined && v !== '' && v !== '0';
}

export function shouldRunCanvasTests(available: boolean, env: NodeJS.ProcessEnv = process.env): boolean {
  return available || canvasRequired(env);
}

export const CANVAS_AVAILABLE = await canvasAvailable();
export const RUN_CANVAS_TESTS = shouldRunCanvasTests(CANVAS_AVAILABLE);
