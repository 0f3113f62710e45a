import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runDemo } from '../../src/cli/demo.js';
import { decodePng } from '../../src/io/index.js';

describe('vkms-ts demo', () => {
  it('writes the composed frame captured through writeback as a PNG', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'vkms-demo-'));
    const out = join(dir, 'demo.png');
    const lines: string[] = [];
    const res = await runDemo(['--out', out], (s) => lines.push(s));
    expect(res.fenceSignaled).toBe(true);
    expect(res.mode).toBe('1024x768 60Hz');
    expect(lines.join('\n')).toContain('out-fence signalled');
    const img = decodePng(readFileSync(out));
    expect([img.width, img.height]).toEqual([1024, 768]);
    const px = (x: number, y: number) => Array.from(img.data.subarray((y * img.width + x) * 4, (y * img.width + x) * 4 + 4));
    // SMPTE top row outside the overlay: bar 0 grey (192,192,192), bar 6 blue (0,0,192) — conventions.md §3
    expect(px(10, 10)).toEqual([192, 192, 192, 255]);
    expect(px(1000, 10)).toEqual([0, 0, 192, 255]);
    // bottom-left block (0,33,76)
    expect(px(10, 760)).toEqual([0, 33, 76, 255]);
    // inside the overlay (at 256,192, 512x384): its first column has alpha 64, colour white (premultiplied
    // 64) at the top row over the yellow bar (192,192,0): round((64·257·0xffff + 192·257·(0xffff−64·257))/0xffff)/257
    const over = (s: number, a: number, d: number) => Math.round(Math.round((s * 257 * 0xffff + d * 257 * (0xffff - a * 257)) / 0xffff) / 257);
    expect(px(256, 192)).toEqual([over(64, 64, 192), over(64, 64, 192), over(64, 64, 0), 255]);
  });

  it('refuses an unknown profile with a clear message', async () => {
    await expect(runDemo(['--profile', 'linux-5.4'], () => undefined)).rejects.toThrow(/unknown profile "linux-5.4"/);
  });
});
