// Beyond VKMS: connector EDIDs from the topology (generated or loaded), published through the
// EDID property on probe (drm_connector_update_edid_property, uapi 2.40) and cleared when the
// connector is disconnected.
import { describe, expect, it } from 'vitest';
import { Card, ClientCap, ObjectType, type VkmsTopology } from '../../src/index.js';
import { createVkms, VkmsConfigError } from '../../src/vkms/index.js';

// the kernel's KUnit EDID test_edid_dvi_1080p (drivers/gpu/drm/tests/drm_kunit_edid.h)
const KUNIT_DVI_1080P = [
  0x00, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x00, 0x31, 0xd8, 0x2a, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x21, 0x01, 0x03, 0x81, 0xa0, 0x5a, 0x78,
  0x0a, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01, 0x01, 0x01, 0x01, 0x01, 0x01, 0x01, 0x01, 0x01, 0x01,
  0x01, 0x01, 0x01, 0x01, 0x01, 0x01, 0x02, 0x3a, 0x80, 0x18, 0x71, 0x38, 0x2d, 0x40, 0x58, 0x2c, 0x45, 0x00, 0x40, 0x84, 0x63, 0x00, 0x00, 0x1e,
  0x00, 0x00, 0x00, 0xfc, 0x00, 0x54, 0x65, 0x73, 0x74, 0x20, 0x45, 0x44, 0x49, 0x44, 0x0a, 0x20, 0x20, 0x20, 0x00, 0x00, 0x00, 0xfd, 0x00, 0x32,
  0x46, 0x1e, 0x46, 0x0f, 0x00, 0x0a, 0x20, 0x20, 0x20, 0x20, 0x20, 0x20, 0x00, 0x00, 0x00, 0x10, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
  0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0xab,
];

const topo = (edid: unknown, extra: object = {}): VkmsTopology => ({
  planes: [{ name: 'primary', type: 'primary', possible_crtcs: ['crtc0'] }],
  crtcs: [{ name: 'crtc0' }],
  encoders: [{ name: 'enc0', possible_crtcs: ['crtc0'] }],
  connectors: [{ name: 'HDMI', type: 'HDMI-A', possible_encoders: ['enc0'], edid: edid as 'generate', ...extra }],
});

async function probe(t: VkmsTopology) {
  const vk = await createVkms({ topology: t });
  const card = new Card(vk.open());
  card.setClientCap(ClientCap.ATOMIC, 1);
  const id = vk.ids.connectors.HDMI!;
  const conn = card.getConnector(id); // the master probes (uapi 1.25)
  const edidProp = card.findProperty(id, ObjectType.CONNECTOR, 'EDID')!;
  return { vk, card, id, conn, edidProp };
}

describe('connector EDIDs', () => {
  it('a loaded EDID is published on probe and its modes are reported', async () => {
    const { vk, card, conn, edidProp } = await probe(topo(KUNIT_DVI_1080P));
    expect(edidProp.value).not.toBe(0n);
    expect(Array.from(card.getPropertyBlob(Number(edidProp.value)))).toEqual(KUNIT_DVI_1080P);
    // its one detailed timing: 1920x1080, 148.5 MHz, 88/44/148 and 4/5/36 (the edid-decode listing)
    const m = conn.modes[0]!;
    expect([m.hdisplay, m.vdisplay, m.clock, m.hsync_start, m.hsync_end, m.htotal, m.vsync_start, m.vsync_end, m.vtotal]).toEqual([1920, 1080, 148500, 2008, 2052, 2200, 1084, 1089, 1125]);
    expect(m.type & 8).toBe(8);
    // physical size from the EDID: 160 cm x 90 cm
    expect([conn.mmWidth, conn.mmHeight]).toEqual([1600, 900]);
    await vk.unplug();
  });

  it('a generated EDID is a valid 1.4 block whose first detailed timing is the preferred mode', async () => {
    const { vk, card, conn, edidProp } = await probe(topo('generate', { modes: [{ mode: '1920x1080', preferred: true }, { mode: '1280x720' }] }));
    const b = card.getPropertyBlob(Number(edidProp.value));
    expect(b.length % 128).toBe(0);
    expect(Array.from(b.subarray(0, 8))).toEqual([0, 255, 255, 255, 255, 255, 255, 0]);
    expect([b[18], b[19]]).toEqual([1, 4]);
    expect(b.subarray(0, 128).reduce((s, x) => s + x, 0) % 256).toBe(0);
    // DTD 1 at byte 54: pixel clock in 10 kHz units, little-endian, then the active pixels
    const clock = (b[54]! | (b[55]! << 8)) * 10;
    const hactive = b[56]! | ((b[58]! >> 4) << 8), vactive = b[59]! | ((b[61]! >> 4) << 8);
    const pref = conn.modes.find((m) => m.type & 8)!;
    expect([hactive, vactive, clock]).toEqual([1920, 1080, pref.clock]);
    expect(conn.modes.map((m) => m.name)).toEqual(['1920x1080', '1280x720']);
    await vk.unplug();
  });

  it('disconnecting clears the EDID property; reconnecting publishes it again', async () => {
    const { vk, card, id } = await probe(topo(KUNIT_DVI_1080P));
    vk.hotplug.setStatus('HDMI', 'disconnected');
    card.getConnector(id);
    expect(card.findProperty(id, ObjectType.CONNECTOR, 'EDID')!.value).toBe(0n);
    vk.hotplug.setStatus('HDMI', 'connected');
    card.getConnector(id);
    expect(card.findProperty(id, ObjectType.CONNECTOR, 'EDID')!.value).not.toBe(0n);
    await vk.unplug();
  });

  it('refuses EDIDs it cannot use, naming the field', async () => {
    const bad = KUNIT_DVI_1080P.slice();
    bad[127] ^= 1; // checksum
    await expect(createVkms({ topology: topo(bad) })).rejects.toThrow(/connectors\[0\]\.edid: invalid EDID/);
    await expect(createVkms({ topology: topo('not base64 !!') })).rejects.toBeInstanceOf(VkmsConfigError);
    const virt = topo('generate');
    virt.connectors[0]!.type = undefined;
    await expect(createVkms({ topology: virt })).rejects.toThrow(/connectors\[0\]\.edid: Virtual connectors have no EDID/);
  });
});
