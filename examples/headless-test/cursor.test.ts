/**
 * A headless modeset test, as a compositor author writes it: light an output, move the cursor,
 * prove with the pipe CRC that the cursor plane composes exactly like the same picture drawn into
 * the primary plane (IGT's kms_cursor_crc method).
 */
import { afterEach, expect, test } from 'vitest';
import { AtomicFlag, AtomicRequest, addPlane, Fourcc } from 'vkms-ts';
import { createTestOutput, PipeCrc, type TestOutput } from 'vkms-ts/testing';

let out: TestOutput;
afterEach(() => out?.dispose());

test('a 64x64 cursor composes like the same pixels in the primary plane', async () => {
  out = await createTestOutput();
  const { card, mode } = out;
  const crc = new PipeCrc(out.vkms);
  crc.start();

  // reference: the cursor's white square drawn straight into a grey primary
  const ref = out.createFb(mode.hdisplay, mode.vdisplay, Fourcc.XRGB8888);
  const refPx = new Uint32Array(ref.bytes.buffer, ref.bytes.byteOffset, ref.pitch / 4 * ref.height).fill(0xff808080);
  for (let y = 100; y < 164; y++) refPx.fill(0xffffffff, y * (ref.pitch / 4) + 200, y * (ref.pitch / 4) + 264);
  await out.light(ref);
  const expected = crc.collectOne();

  // the same picture with a grey primary and an opaque white cursor plane at (200,100)
  const grey = out.createFb(mode.hdisplay, mode.vdisplay, Fourcc.XRGB8888);
  new Uint32Array(grey.bytes.buffer, grey.bytes.byteOffset, grey.pitch / 4 * grey.height).fill(0xff808080);
  const cursor = out.createFb(64, 64, Fourcc.ARGB8888);
  new Uint32Array(cursor.bytes.buffer, cursor.bytes.byteOffset, 64 * 64).fill(0xffffffff);
  const req = new AtomicRequest().add(out.primary, 'FB_ID', grey.id);
  addPlane(req, out.crtc, { plane: out.cursor!, fb: cursor.id, srcW: 64, srcH: 64, crtcX: 200, crtcY: 100 });
  await card.atomicCommit(req, AtomicFlag.PAGE_FLIP_EVENT);
  expect(card.readEvents()).toHaveLength(1); // the blocking commit returned after its flip

  expect(crc.collectOne()).toBe(expected);
  crc.stop();
});
