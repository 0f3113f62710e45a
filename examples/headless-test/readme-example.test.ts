// The README's ten-line test, kept runnable so the README stays true.
import { expect, test } from 'vitest';
import { AtomicFlag, AtomicRequest } from 'vkms-ts';
import { createTestOutput, PipeCrc } from 'vkms-ts/testing';

test('flip to a new framebuffer changes the pipe CRC', async () => {
  const out = await createTestOutput();          // VKMS on a manual (virtual-time) clock
  const crc = new PipeCrc(out.vkms); crc.start();
  await out.light();                              // preferred mode, SMPTE primary
  const before = crc.collectOne();                // steps one vblank, reads the "auto" CRC
  const tiles = out.createFb(1024, 768, undefined, 'tiles');
  out.card.atomicCommitSync(new AtomicRequest().add(out.primary, 'FB_ID', tiles.id), AtomicFlag.NONBLOCK | AtomicFlag.PAGE_FLIP_EVENT);
  expect(crc.collectOne()).not.toBe(before);
  expect(out.card.readEvents()[0]).toMatchObject({ type: 2 /* FLIP_COMPLETE */ });
  await out.dispose();
});
