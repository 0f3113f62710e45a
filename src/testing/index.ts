/** Helpers for headless tests (vitest): VKMS test outputs, pipe CRC, events, golden images. */
export { registerImageMatchers } from './image-matcher.js';
export { createTestOutput, PipeCrc, nextEvents, type TestOutput, type TestFb } from './vkms.js';
