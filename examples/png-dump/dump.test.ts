import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test } from 'vitest';
import { decodePng } from 'vkms-ts';
import { dumpFrames } from './dump.js';

test('writes one PNG per composed frame', async () => {
  const files = await dumpFrames(mkdtempSync(join(tmpdir(), 'vkms-dump-')), 3);
  expect(files.length).toBeGreaterThanOrEqual(2);
  const first = decodePng(readFileSync(files[0]!));
  expect([first.width, first.height]).toEqual([1024, 768]);
  // the last frame shows the tiles pattern: at (0,0) modetest's tiles colour is 0 (conventions.md §3)
  const last = decodePng(readFileSync(files.at(-1)!));
  expect(Array.from(last.data.subarray(0, 4))).toEqual([0, 0, 0, 255]);
});
