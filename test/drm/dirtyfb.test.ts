/** DIRTYFB (uapi 5.19, 6.3). */
import { beforeEach, describe, expect, it } from 'vitest';
import type { Card } from '../../src/client/card.js';
import type { Framebuffer } from '../../src/drm/types.js';
import { DirtyFlag } from '../../src/uapi/drm-mode.js';
import { Fourcc } from '../../src/uapi/fourcc.js';
import type { DrmModeFbDirtyCmd } from '../../src/uapi/ioctl-structs.js';
import { LocalUserMemory } from '../../src/uapi/user-memory.js';
import { createOwnDevice, expectErrno, fileOf, raw, type OwnDevice } from './core-helpers.js';
import { createTestDevice, type TestDevice } from './test-driver.js';

const clips = (n: number) => new Uint8Array(8 * n); // struct drm_clip_rect: 4 × u16

describe('DIRTYFB without a dirty callback (uapi 5.19)', () => {
  let t: TestDevice;
  let a: Card;
  let b: Card;
  let fb: number;
  const dirty = (card: Card, arg: Partial<DrmModeFbDirtyCmd>) => raw(card, 'MODE_DIRTYFB', arg);

  beforeEach(async () => {
    t = await createTestDevice();
    a = t.open();
    b = t.open();
    fb = a.addFB2(64, 64, Fourcc.XRGB8888, [a.createDumb(64, 64, 32).handle], [256], [0]);
  });

  it('is master only: EACCES for a non-master, before the FB lookup', () => {
    // uapi 5.19, 6.3
    expectErrno(() => dirty(b, { fb_id: fb }), 'EACCES');
    expectErrno(() => dirty(b, { fb_id: 9999 }), 'EACCES');
  });

  it('unknown FB → ENOENT, before the clip checks', () => {
    // uapi 5.19
    expectErrno(() => dirty(a, { fb_id: 9999 }), 'ENOENT');
    expectErrno(() => dirty(a, { fb_id: 9999, num_clips: 1, clips_ptr: 0n }), 'ENOENT');
    expectErrno(() => dirty(a, { fb_id: t.crtc.id }), 'ENOENT');
  });

  it('exactly one of num_clips / clips_ptr zero → EINVAL', () => {
    // uapi 5.19
    expectErrno(() => dirty(a, { fb_id: fb, num_clips: 1, clips_ptr: 0n }), 'EINVAL');
    expectErrno(() => dirty(a, { fb_id: fb, num_clips: 0, clips_ptr: clips(1) }), 'EINVAL');
  });

  it('ANNOTATE_COPY needs clips in pairs', () => {
    // uapi 5.19
    expectErrno(() => dirty(a, { fb_id: fb, flags: DirtyFlag.ANNOTATE_COPY, num_clips: 3, clips_ptr: clips(3) }), 'EINVAL');
    expectErrno(() => dirty(a, { fb_id: fb, flags: DirtyFlag.ANNOTATE_COPY | DirtyFlag.ANNOTATE_FILL, num_clips: 1, clips_ptr: clips(1) }), 'EINVAL');
    // FILL alone does not
    expectErrno(() => dirty(a, { fb_id: fb, flags: DirtyFlag.ANNOTATE_FILL, num_clips: 3, clips_ptr: clips(3) }), 'ENOSYS');
    // unknown flag bits are masked, not rejected
    expectErrno(() => dirty(a, { fb_id: fb, flags: 0xfc, num_clips: 3, clips_ptr: clips(3) }), 'ENOSYS');
  });

  it('more than 256 clips (or a negative count) → EINVAL, before copying them', () => {
    // uapi 5.19
    expectErrno(() => dirty(a, { fb_id: fb, num_clips: 257, clips_ptr: clips(257) }), 'EINVAL');
    expectErrno(() => dirty(a, { fb_id: fb, num_clips: 257, clips_ptr: clips(1) }), 'EINVAL');
    expectErrno(() => dirty(a, { fb_id: fb, num_clips: 0xffffffff, clips_ptr: clips(1) }), 'EINVAL');
    expectErrno(() => dirty(a, { fb_id: fb, num_clips: 256, clips_ptr: clips(256) }), 'ENOSYS');
  });

  it('clips that cannot be copied → EFAULT', () => {
    // uapi 5.19 (copy_from_user before the callback)
    expectErrno(() => dirty(a, { fb_id: fb, num_clips: 2, clips_ptr: clips(1) }), 'EFAULT');
    expectErrno(() => dirty(a, { fb_id: fb, num_clips: 1, clips_ptr: 0xdead0000n }), 'EFAULT');
  });

  it('an FB without a dirty callback → ENOSYS', () => {
    // uapi 5.19, A.1
    expectErrno(() => dirty(a, { fb_id: fb }), 'ENOSYS');
    expectErrno(() => dirty(a, { fb_id: fb, num_clips: 2, clips_ptr: clips(2) }), 'ENOSYS');
    // clips in user memory by address work the same
    const mem = fileOf(a).memory as LocalUserMemory;
    const addr = mem.map(clips(2));
    expectErrno(() => dirty(a, { fb_id: fb, num_clips: 2, clips_ptr: addr }), 'ENOSYS');
  });
});

describe('DIRTYFB with a driver dirty callback (uapi 5.19)', () => {
  let d: OwnDevice<{ regs: number[] }>;
  let calls: { fb: Framebuffer; flags: number; color: number; numClips: number }[];
  let a: Card;
  let fb: number;

  beforeEach(async () => {
    calls = [];
    d = await createOwnDevice({ fbDirty: (f, flags, color, numClips) => { calls.push({ fb: f, flags, color, numClips }); } });
    a = d.open();
    fb = a.addFB2(64, 64, Fourcc.XRGB8888, [a.createDumb(64, 64, 32).handle], [256], [0]);
  });

  it('calls the callback with the FB, the masked flags, the color and the clips', () => {
    // uapi 5.19
    raw(a, 'MODE_DIRTYFB', { fb_id: fb, flags: 0xff, color: 0x123456, num_clips: 2, clips_ptr: clips(2) });
    raw(a, 'MODE_DIRTYFB', { fb_id: fb });
    expect(calls).toEqual([
      { fb: d.device.drm.fb(fb), flags: DirtyFlag.ANNOTATE_COPY | DirtyFlag.ANNOTATE_FILL, color: 0x123456, numClips: 2 },
      { fb: d.device.drm.fb(fb), flags: 0, color: 0, numClips: 0 },
    ]);
  });

  it('failed checks never reach the callback', () => {
    // uapi 5.19
    const b = d.open();
    expectErrno(() => raw(b, 'MODE_DIRTYFB', { fb_id: fb }), 'EACCES');
    expectErrno(() => raw(a, 'MODE_DIRTYFB', { fb_id: 9999 }), 'ENOENT');
    expectErrno(() => raw(a, 'MODE_DIRTYFB', { fb_id: fb, num_clips: 1 }), 'EINVAL');
    expectErrno(() => raw(a, 'MODE_DIRTYFB', { fb_id: fb, flags: DirtyFlag.ANNOTATE_COPY, num_clips: 1, clips_ptr: clips(1) }), 'EINVAL');
    expectErrno(() => raw(a, 'MODE_DIRTYFB', { fb_id: fb, num_clips: 300, clips_ptr: clips(300) }), 'EINVAL');
    expectErrno(() => raw(a, 'MODE_DIRTYFB', { fb_id: fb, num_clips: 4, clips_ptr: clips(3) }), 'EFAULT');
    expect(calls).toEqual([]);
  });
});
