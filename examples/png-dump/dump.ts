/**
 * Dump frames as PNGs: every composed frame of the CRTC while a few flips happen, through a frame
 * sink. Run: npx vitest run --config test/vitest.config.ts examples/png-dump (or call dumpFrames()).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { AtomicFlag, AtomicRequest, argb16ToPng, type VkmsFrame } from 'vkms-ts';
import { createTestOutput } from 'vkms-ts/testing';

export async function dumpFrames(dir: string, frames = 3): Promise<string[]> {
  mkdirSync(dir, { recursive: true });
  const out = await createTestOutput();
  const written: string[] = [];
  const stop = out.vkms.onFrame(out.crtc, (f: VkmsFrame) => {
    const file = join(dir, `frame-${String(written.length).padStart(3, '0')}.png`);
    writeFileSync(file, argb16ToPng({ width: f.width, height: f.height, data: f.pixels }, { depth: 8 }));
    written.push(file);
  });
  const patterns = ['smpte', 'tiles', 'gradient'] as const;
  const fbs = patterns.map((p) => out.createFb(out.mode.hdisplay, out.mode.vdisplay, undefined, p));
  await out.light(fbs[0]);
  for (let i = 1; i < frames; i++) {
    out.card.atomicCommitSync(new AtomicRequest().add(out.primary, 'FB_ID', fbs[i % fbs.length]!.id), AtomicFlag.NONBLOCK);
    out.vblank();
  }
  stop();
  await out.dispose();
  return written;
}
