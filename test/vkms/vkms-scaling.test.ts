// Beyond VKMS: a plane configured with `scaling: true` accepts 1/16x..16x (nearest filter);
// without it VKMS refuses any scaling with ERANGE (uapi 3.58).
import { describe, expect, it } from 'vitest';
import { AtomicFlag, AtomicRequest, addPlane, Fourcc, type VkmsTopology } from '../../src/index.js';
import { createTestOutput } from '../../src/testing/vkms.js';

const topo = (scaling: boolean): VkmsTopology => ({
  planes: [{ name: 'primary', type: 'primary', possible_crtcs: ['crtc0'] }, { name: 'ov', type: 'overlay', possible_crtcs: ['crtc0'], scaling }],
  crtcs: [{ name: 'crtc0' }],
  encoders: [{ name: 'enc0', possible_crtcs: ['crtc0'] }],
  connectors: [{ name: 'conn0', possible_encoders: ['enc0'] }],
});

const code = (f: () => unknown) => { try { f(); return 'ok'; } catch (e) { return (e as { code: string }).code; } };

describe('per-plane scaling', () => {
  it('a 2x upscale: refused without scaling (ERANGE), and composed as nearest-neighbour blocks with it', async () => {
    for (const scaling of [false, true]) {
      const out = await createTestOutput({ topology: topo(scaling) });
      await out.light();
      const ov = out.vkms.ids.planes.ov!;
      // a 10x10 overlay (VKMS's minimum FB size) whose top-left 2x2 pixels are red, green / blue,
      // white; its 2x2 source rectangle is shown at 4x4 (2x)
      const fb = out.createFb(10, 10, Fourcc.XRGB8888);
      const px = new Uint32Array(fb.bytes.buffer, fb.bytes.byteOffset, (fb.pitch / 4) * 10);
      px[0] = 0xffff0000; px[1] = 0xff00ff00; px[fb.pitch / 4] = 0xff0000ff; px[fb.pitch / 4 + 1] = 0xffffffff;
      const req = addPlane(new AtomicRequest(), out.crtc, { plane: ov, fb: fb.id, srcW: 2, srcH: 2, crtcX: 10, crtcY: 20, crtcW: 4, crtcH: 4 });
      const r = code(() => out.card.atomicCommitSync(req, AtomicFlag.TEST_ONLY));
      expect(r).toBe(scaling ? 'ok' : 'ERANGE');
      if (scaling) {
        out.card.atomicCommitSync(req, 0);
        const f = out.vkms.composeNow()!;
        const at = (x: number, y: number) => Array.from(f.pixels.subarray((y * f.width + x) * 4 + 1, (y * f.width + x) * 4 + 4)).map((v) => v >> 8);
        // each source pixel covers a 2x2 block of the destination
        expect(at(10, 20)).toEqual([255, 0, 0]);
        expect(at(11, 21)).toEqual([255, 0, 0]);
        expect(at(12, 20)).toEqual([0, 255, 0]);
        expect(at(10, 22)).toEqual([0, 0, 255]);
        expect(at(13, 23)).toEqual([255, 255, 255]);
      }
      await out.dispose();
    }
  });
});

describe('topology clock', () => {
  it('the topology may choose the clock; a bad one is refused naming the field', async () => {
    const { createVkms, VkmsConfigError } = await import('../../src/vkms/index.js');
    const vk = await createVkms({ topology: { ...topo(false), clock: 'immediate' } });
    expect(vk.clock.mode).toBe('immediate');
    expect(vk.device.drm.features.vblank).toBe(false); // immediate: a device without vblank
    await vk.unplug();
    await expect(createVkms({ topology: { ...topo(false), clock: 'sometimes' as 'manual' } })).rejects.toThrow(VkmsConfigError);
    await expect(createVkms({ topology: { ...topo(false), clock: 'sometimes' as 'manual' } })).rejects.toThrow(/^clock: must be realtime, manual or immediate/);
  });
});
