import { describe, expect, it } from 'vitest';
import { AtomicRequest } from '../../src/client/atomic.js';
import { AtomicFlag, ClientCap, Fourcc } from '../../src/uapi/index.js';
import { createTestDevice, MODE_1024x768 } from './test-driver.js';

describe('atomic smoke', () => {
  it('lights a mode with a blocking commit and delivers the flip event', async () => {
    const t = await createTestDevice({ clock: 'manual' });
    const card = t.open();
    card.setClientCap(ClientCap.ATOMIC, 1);
    const { handle, pitch } = card.createDumb(1024, 768, 32);
    const fb = card.addFB2(1024, 768, Fourcc.XRGB8888, [handle], [pitch], [0]);
    const mode = card.createModeBlob(MODE_1024x768);
    const req = new AtomicRequest()
      .add(t.crtc.id, 'MODE_ID', mode).add(t.crtc.id, 'ACTIVE', 1)
      .add(t.connector.id, 'CRTC_ID', t.crtc.id)
      .add(t.primary.id, 'FB_ID', fb).add(t.primary.id, 'CRTC_ID', t.crtc.id)
      .add(t.primary.id, 'SRC_W', 1024 << 16).add(t.primary.id, 'SRC_H', 768 << 16)
      .add(t.primary.id, 'CRTC_W', 1024).add(t.primary.id, 'CRTC_H', 768);
    await card.atomicCommit(req, AtomicFlag.ALLOW_MODESET | AtomicFlag.PAGE_FLIP_EVENT, 0x1234n);
    const crtc = card.getCrtc(t.crtc.id);
    expect(crtc.modeValid).toBe(true);
    expect(crtc.bufferId).toBe(fb);
    const ev = card.readEvents();
    expect(ev).toHaveLength(1);
    expect(ev[0]).toMatchObject({ type: 2, user_data: 0x1234n, crtc_id: t.crtc.id });
    // a nonblocking flip: event at the next vblank
    const flip = new AtomicRequest().add(t.primary.id, 'FB_ID', fb);
    card.atomicCommitSync(flip, AtomicFlag.NONBLOCK | AtomicFlag.PAGE_FLIP_EVENT, 7);
    expect(card.readEvents()).toHaveLength(0);
    expect(() => card.atomicCommitSync(flip, AtomicFlag.NONBLOCK | AtomicFlag.PAGE_FLIP_EVENT, 8)).toThrow(expect.objectContaining({ code: 'EBUSY' })); // uapi 3.45
    t.device.drm.clock.advance(16_700_000n);
    const ev2 = card.readEvents();
    expect(ev2).toHaveLength(1);
    expect(ev2[0]).toMatchObject({ type: 2, user_data: 7n });
    // the modeset's event went out before vblank_on with the stored count 0 (uapi 4.6); enabling
    // added exactly 1 (drm_reset_vblank_timestamp), and the flip completed at the next vblank
    expect((ev[0] as { sequence: number }).sequence).toBe(0);
    expect((ev2[0] as { sequence: number }).sequence).toBe(2);
  });
});
