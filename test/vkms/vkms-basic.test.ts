import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { AtomicRequest, Card } from '../../src/client/index.js';
import { AtomicFlag, ClientCap, Fourcc } from '../../src/uapi/index.js';
import { createVkms } from '../../src/vkms/index.js';

const ref = (v: string) => Object.values(JSON.parse(readFileSync(new URL(`../../fixtures/reference/vkms-6.12/${v}/drm_info.json`, import.meta.url), 'utf8')))[0] as {
  planes: { id: number; formats: number[]; properties: Record<string, { id: number; raw_value: number }> }[];
  crtcs: { id: number }[]; connectors: { id: number; type: number; encoders: number[] }[]; encoders: { id: number; possible_clones: number }[];
};

describe('VKMS, linux-6.12 profile: object IDs as the real module', () => {
  for (const [v, params] of [['default', {}], ['minimal', { enable_cursor: false, enable_writeback: false }], ['full', { enable_overlay: true }]] as const) {
    it(`${v} module parameters`, async () => {
      const r = ref(v);
      const vk = await createVkms({ profile: 'linux-6.12', ...params });
      const card = new Card(vk.open());
      card.setClientCap(ClientCap.ATOMIC, 1);
      card.setClientCap(ClientCap.WRITEBACK_CONNECTORS, 1);
      const res = card.getResources();
      expect(res.crtcs).toEqual(r.crtcs.map((c) => c.id));
      expect(res.connectors).toEqual(r.connectors.map((c) => c.id));
      expect(res.encoders).toEqual(r.encoders.map((e) => e.id));
      expect(card.getPlaneResources()).toEqual(r.planes.map((p) => p.id));
      for (const p of r.planes) {
        const info = card.getPlane(p.id);
        expect(info.formats).toEqual(p.formats);
        const props = card.getObjectProperties(p.id);
        expect(props.props).toEqual(Object.values(p.properties).map((x) => x.id));
      }
      for (const e of r.encoders) expect(card.getEncoder(e.id).possibleClones).toBe(e.possible_clones);
      await vk.unplug();
    });
  }
});

describe('VKMS composition', () => {
  it('writes back the frame, signals the out-fence, and reports one CRC per frame', async () => {
    const vk = await createVkms({ profile: 'latest' });
    const card = new Card(vk.open());
    card.setClientCap(ClientCap.ATOMIC, 1);
    card.setClientCap(ClientCap.WRITEBACK_CONNECTORS, 1);
    const conn = card.getConnector(vk.ids.connectors.connector0!);
    const mode = conn.modes.find((m) => m.type & 8)!;
    expect(`${mode.hdisplay}x${mode.vdisplay}`).toBe('1024x768');
    const { handle, pitch } = card.createDumb(1024, 768, 32);
    const px = new Uint32Array(card.mapDumb(handle).buffer, 0, 1024 * 768);
    px.fill(0x00336699);
    const fb = card.addFB2(1024, 768, Fourcc.XRGB8888, [handle], [pitch], [0]);
    const crtc = vk.ids.crtcs.crtc0!, primary = vk.ids.planes.primary!;
    await card.atomicCommit(new AtomicRequest()
      .add(crtc, 'MODE_ID', card.createModeBlob(mode)).add(crtc, 'ACTIVE', 1).add(vk.ids.connectors.connector0!, 'CRTC_ID', crtc)
      .add(primary, 'FB_ID', fb).add(primary, 'CRTC_ID', crtc).add(primary, 'SRC_W', 1024 << 16).add(primary, 'SRC_H', 768 << 16)
      .add(primary, 'CRTC_W', 1024).add(primary, 'CRTC_H', 768), AtomicFlag.ALLOW_MODESET);
    // writeback needs the writeback connector on the CRTC: a clone of the Virtual connector
    const wbId = vk.ids.writeback.crtc0!;
    const wb = card.createDumb(1024, 768, 32);
    const wbFb = card.addFB2(1024, 768, Fourcc.XRGB8888, [wb.handle], [wb.pitch], [0]);
    const req = new AtomicRequest().add(wbId, 'CRTC_ID', crtc).add(wbId, 'WRITEBACK_FB_ID', wbFb);
    card.addOutFence(req, wbId, 'WRITEBACK_OUT_FENCE_PTR');
    vk.debugfs.setCrcSource('crtc0', 'auto');
    await card.atomicCommit(req, AtomicFlag.ALLOW_MODESET);
    const fenceFd = req.outFence(wbId)!;
    expect(fenceFd).toBeGreaterThanOrEqual(3);
    const fence = card.fd.fds.get(fenceFd) as { signaled: boolean };
    vk.vblank('crtc0', 2);
    expect(fence.signaled).toBe(true);
    const out = new Uint32Array(card.mapDumb(wb.handle).buffer, 0, 1024 * 768);
    // XRGB8888 writeback of an opaque XRGB8888 primary: same colour, X byte 0xff (vkms-semantics 2.10)
    expect(out[0]).toBe(0xff336699);
    expect(out[1024 * 768 - 1]).toBe(0xff336699);
    const crcs = vk.debugfs.readCrc('crtc0');
    expect(crcs.length).toBeGreaterThanOrEqual(2);
    expect(new Set(crcs.map((c) => c.crc)).size).toBe(1);
    expect(crcs[1]!.frame).toBe(crcs[0]!.frame + 1n);
    await vk.unplug();
  });
});
