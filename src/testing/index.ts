/** Helpers for headless tests (vitest): golden-image matcher; device factories and CRC capture follow. */
export { registerImageMatchers } from './image-matcher.js';
