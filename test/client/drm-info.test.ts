import { REFERENCE_DIR } from '../reference-dir.js';
/**
 * drmInfo() over the core's test driver: the JSON tree drm_info builds, checked against what the
 * driver created (IDs, attach order, formats) and drm_info's rules (json.c) for each field.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { AtomicRequest } from '../../src/client/atomic.js';
import type { Card } from '../../src/client/card.js';
import { drmInfo, drmInfoJson, DEFAULT_DEVICE, type DrmInfoNode, type DrmInfoProperty } from '../../src/client/drm-info.js';
import { AtomicFlag, ClientCap, ObjectType } from '../../src/uapi/drm-mode.js';
import { Fourcc } from '../../src/uapi/fourcc.js';
import type { ModeInfo } from '../../src/uapi/ioctl-structs.js';
import { createTestDevice, MODE_1024x768, PLANE_FORMATS, WB_FORMATS, type TestDevice } from '../drm/test-driver.js';
import { parseJsonExact } from './reference-compare.js';

const U64_MAX = 18446744073709551615n;

/** A mode as drm_info's mode_info() names its fields. */
function modeJson(m: ModeInfo) {
  return {
    clock: m.clock, hdisplay: m.hdisplay, hsync_start: m.hsync_start, hsync_end: m.hsync_end, htotal: m.htotal, hskew: m.hskew,
    vdisplay: m.vdisplay, vsync_start: m.vsync_start, vsync_end: m.vsync_end, vtotal: m.vtotal, vscan: m.vscan,
    vrefresh: m.vrefresh, flags: m.flags, type: m.type, name: m.name,
  };
}

/** Light 1024x768 on the CRTC with a 1024x768 XRGB8888 framebuffer on the primary plane; returns the ids used. */
async function modeset(t: TestDevice, card: Card): Promise<{ fb: number; blob: number; pitch: number }> {
  card.setClientCap(ClientCap.ATOMIC, 1);
  const { handle, pitch } = card.createDumb(1024, 768, 32);
  const fb = card.addFB2(1024, 768, Fourcc.XRGB8888, [handle], [pitch], [0]);
  const blob = card.createModeBlob(MODE_1024x768);
  const req = new AtomicRequest()
    .add(t.crtc.id, 'MODE_ID', blob).add(t.crtc.id, 'ACTIVE', 1)
    .add(t.connector.id, 'CRTC_ID', t.crtc.id)
    .add(t.primary.id, 'FB_ID', fb).add(t.primary.id, 'CRTC_ID', t.crtc.id)
    .add(t.primary.id, 'SRC_X', 16 << 16).add(t.primary.id, 'SRC_Y', (8 << 16) | 0x8000)
    .add(t.primary.id, 'SRC_W', 1000 << 16).add(t.primary.id, 'SRC_H', 700 << 16)
    .add(t.primary.id, 'CRTC_X', -10).add(t.primary.id, 'CRTC_W', 1000).add(t.primary.id, 'CRTC_H', 700);
  await card.atomicCommit(req, AtomicFlag.ALLOW_MODESET);
  return { fb, blob, pitch };
}

describe('drmInfo: driver, client caps, caps', () => {
  it('reports the driver version and which client caps SET_CLIENT_CAP accepted', async () => {
    const t = await createTestDevice();
    const n = drmInfo(t.open());
    expect(Object.keys(n)).toEqual(['driver', 'device', 'fb_size', 'connectors', 'encoders', 'crtcs', 'planes']);
    expect(n.driver).toMatchObject({ name: 'testdrm', desc: 'Test DRM driver', version: { major: 1, minor: 2, patch: 3, date: '0' } });
    expect(Object.keys(n.driver!)).toEqual(['name', 'desc', 'version', 'kernel', 'client_caps', 'caps']);
    // drm_setclientcap: an atomic driver accepts all five; WRITEBACK_CONNECTORS after ATOMIC
    expect(n.driver!.client_caps).toEqual({ STEREO_3D: true, UNIVERSAL_PLANES: true, ATOMIC: true, ASPECT_RATIO: true, WRITEBACK_CONNECTORS: true });
  });

  it('a driver without DRIVER_ATOMIC refuses ATOMIC, and then WRITEBACK_CONNECTORS', async () => {
    const t = await createTestDevice({ features: { atomic: false }, writeback: false });
    const n = drmInfo(t.open());
    expect(n.driver!.client_caps).toEqual({ STEREO_3D: true, UNIVERSAL_PLANES: true, ATOMIC: false, ASPECT_RATIO: true, WRITEBACK_CONNECTORS: false });
  });

  it('the caps drm_info lists, in its order, with the mode config cursor size', async () => {
    const t = await createTestDevice();
    const n = drmInfo(t.open());
    expect(Object.keys(n.driver!.caps)).toEqual([
      'DUMB_BUFFER', 'VBLANK_HIGH_CRTC', 'DUMB_PREFERRED_DEPTH', 'DUMB_PREFER_SHADOW', 'PRIME', 'TIMESTAMP_MONOTONIC',
      'ASYNC_PAGE_FLIP', 'CURSOR_WIDTH', 'CURSOR_HEIGHT', 'ADDFB2_MODIFIERS', 'PAGE_FLIP_TARGET', 'CRTC_IN_VBLANK_EVENT',
      'SYNCOBJ', 'SYNCOBJ_TIMELINE',
    ]);
    // testDriver.modeConfig: cursor 512x512; DUMB_BUFFER, VBLANK_HIGH_CRTC, TIMESTAMP_MONOTONIC and CRTC_IN_VBLANK_EVENT are 1 on a KMS driver
    expect(n.driver!.caps).toMatchObject({ DUMB_BUFFER: 1n, VBLANK_HIGH_CRTC: 1n, TIMESTAMP_MONOTONIC: 1n, CURSOR_WIDTH: 512n, CURSOR_HEIGHT: 512n, CRTC_IN_VBLANK_EVENT: 1n });
  });

  it('host facts come from the options, with emulator defaults', async () => {
    const t = await createTestDevice();
    const d = drmInfo(t.open());
    expect(d.driver!.kernel).toEqual({ sysname: 'Linux', release: 'vkms-ts', version: '#1 vkms-ts' });
    expect(d.device).toEqual({ available_nodes: 1, bus_type: 2, device_data: { compatible: ['vkms'] } });
    const kernel = { sysname: 'Linux', release: '6.12.117+deb12-amd64', version: '#1 SMP' };
    const pci = { available_nodes: 5, bus_type: 0, device_data: { vendor: 0x8086, device: 0x46a6, subsystem_vendor: 0, subsystem_device: 0 } };
    const n = drmInfo(t.open(), { kernel, device: pci });
    expect(n.driver!.kernel).toEqual(kernel);
    expect(n.device).toEqual(pci);
    expect(drmInfo(t.open(), { device: null }).device).toBeNull();
  });

  it("the 'latest' layout adds CURSOR_PLANE_HOTSPOT, ATOMIC_ASYNC_PAGE_FLIP, kernel.tainted and device.bus_data", async () => {
    const t = await createTestDevice({ features: { cursorHotspot: true } });
    const n = drmInfo(t.open(), { layout: 'latest' });
    expect(Object.keys(n.driver!.client_caps).at(-1)).toBe('CURSOR_PLANE_HOTSPOT');
    expect(n.driver!.client_caps['CURSOR_PLANE_HOTSPOT']).toBe(true); // DRIVER_CURSOR_HOTSPOT + ATOMIC set before
    expect(Object.keys(n.driver!.caps).at(-1)).toBe('ATOMIC_ASYNC_PAGE_FLIP');
    expect(n.driver!.kernel).toEqual({ sysname: 'Linux', release: 'vkms-ts', version: '#1 vkms-ts', tainted: 0 });
    expect(n.device).toEqual(DEFAULT_DEVICE);
    expect(Object.keys(n.device!)).toEqual(['available_nodes', 'bus_type', 'device_data', 'bus_data']);
    const plain = await createTestDevice();
    expect(drmInfo(plain.open(), { layout: 'latest' }).driver!.client_caps['CURSOR_PLANE_HOTSPOT']).toBe(false);
  });
});

describe('drmInfo: objects', () => {
  it('fb_size is the mode config range', async () => {
    const t = await createTestDevice();
    expect(drmInfo(t.open()).fb_size).toEqual({ min_width: 10, max_width: 8192, min_height: 10, max_height: 8192 });
  });

  it('connectors are read without probing: status unknown, no modes, on a fresh device', async () => {
    const t = await createTestDevice();
    const card = t.open(); // master: a GETCONNECTOR with count_modes 0 would probe
    const n = drmInfo(card);
    expect(n.connectors.map((c) => c.id)).toEqual([t.connector.id, t.writeback!.id]);
    expect(n.connectors.map((c) => c.type)).toEqual([15, 18]);
    for (const c of n.connectors) {
      expect(c.status).toBe(3);
      expect(c.modes).toEqual([]);
      expect(c.subpixel).toBe(1); // DRM_MODE_SUBPIXEL_UNKNOWN
      expect(Object.keys(c)).toEqual(['id', 'type', 'status', 'phy_width', 'phy_height', 'subpixel', 'encoder_id', 'encoders', 'modes', 'properties']);
    }
    expect(n.connectors[0]!.encoders).toEqual([t.encoder.id]);
    expect(n.connectors[1]!.encoders).toEqual(t.writeback!.possibleEncoders.map((e) => e.id));
  });

  it('after a probe, connectors show what it found', async () => {
    const t = await createTestDevice();
    const master = t.open();
    const probed = master.getConnector(t.connector.id);
    const n = drmInfo(master);
    expect(n.connectors[0]!.status).toBe(1);
    expect(n.connectors[0]!.modes).toEqual(probed.modes.map(modeJson));
    // the test driver's five modes less the interlaced one and the one wider than max_width
    expect(n.connectors[0]!.modes.map((m) => m.name).sort()).toEqual(['1024x768', '640x480', '800x600']);
  });

  it('connector properties in attach order, with the standard property objects', async () => {
    const t = await createTestDevice();
    const n = drmInfo(t.open());
    const props = n.connectors[0]!.properties!;
    expect(Object.keys(props)).toEqual(t.connector.props.map((a) => a.prop.name));
    expect(Object.keys(props)).toEqual(['DPMS', 'link-status', 'non-desktop', 'TILE', 'CRTC_ID']);
    expect(Object.values(props).map((p) => p.id)).toEqual(t.connector.props.map((a) => a.prop.id));
    expect(props['DPMS']).toEqual({
      id: t.device.drm.std.DPMS.id, flags: 8, type: 8, atomic: false, immutable: false, raw_value: 0n,
      spec: [{ name: 'On', value: 0n }, { name: 'Standby', value: 1n }, { name: 'Suspend', value: 2n }, { name: 'Off', value: 3n }],
      value: 0n, data: null,
    } satisfies DrmInfoProperty);
    expect(props['non-desktop']).toMatchObject({ flags: 6, type: 2, immutable: true, spec: { min: 0n, max: 1n }, value: 0n, data: null });
    // a blob: value null, data null while no blob is set
    expect(props['TILE']).toMatchObject({ flags: 20, type: 16, immutable: true, raw_value: 0n, spec: null, value: null, data: null });
    // an object property: spec is the object type
    expect(props['CRTC_ID']).toMatchObject({ flags: 0x80000040, type: 64, atomic: true, spec: 0xccccccccn, value: 0n, data: null });
  });

  it('writeback connector: WRITEBACK_PIXEL_FORMATS decoded to the driver formats, OUT_FENCE_PTR range to U64_MAX', async () => {
    const t = await createTestDevice();
    const props = drmInfo(t.open()).connectors[1]!.properties!;
    expect(Object.keys(props)).toEqual(t.writeback!.props.map((a) => a.prop.name));
    const wb = props['WRITEBACK_PIXEL_FORMATS']!;
    expect(wb).toMatchObject({ type: 16, atomic: true, immutable: true, value: null, data: WB_FORMATS });
    expect(wb.raw_value).toBe(t.writeback!.props.find((a) => a.prop.name === 'WRITEBACK_PIXEL_FORMATS')!.value);
    expect(wb.raw_value).not.toBe(0n);
    expect(props['WRITEBACK_OUT_FENCE_PTR']).toMatchObject({ type: 2, spec: { min: 0n, max: U64_MAX }, value: 0n });
    expect(props['WRITEBACK_FB_ID']).toMatchObject({ type: 64, spec: 0xfbfbfbfbn });
  });

  it('encoders', async () => {
    const t = await createTestDevice();
    const card = t.open();
    const n = drmInfo(card);
    expect(n.encoders.map((e) => e.id)).toEqual(card.getResources().encoders);
    expect(n.encoders[0]).toEqual({ id: t.encoder.id, type: 5, crtc_id: 0, possible_crtcs: 1, possible_clones: 1 });
    expect(Object.keys(n.encoders[0]!)).toEqual(['id', 'type', 'crtc_id', 'possible_crtcs', 'possible_clones']);
  });

  it('CRTC: legacy info and properties in attach order (ACTIVE, MODE_ID, OUT_FENCE_PTR, VRR_ENABLED, then colour management)', async () => {
    const t = await createTestDevice();
    const n = drmInfo(t.open());
    expect(n.crtcs).toHaveLength(1);
    const c = n.crtcs[0]!;
    expect(Object.keys(c)).toEqual(['id', 'fb_id', 'x', 'y', 'mode', 'gamma_size', 'properties']);
    expect(c).toMatchObject({ id: t.crtc.id, fb_id: 0, x: 0, y: 0, mode: null, gamma_size: 256 });
    expect(Object.keys(c.properties!)).toEqual(t.crtc.props.map((a) => a.prop.name));
    expect(Object.keys(c.properties!)).toEqual(['ACTIVE', 'MODE_ID', 'OUT_FENCE_PTR', 'VRR_ENABLED', 'GAMMA_LUT', 'GAMMA_LUT_SIZE']);
    expect(c.properties!['GAMMA_LUT_SIZE']).toMatchObject({ immutable: true, raw_value: 256n, spec: { min: 0n, max: 0xffffffffn }, value: 256n });
    expect(c.properties!['MODE_ID']).toMatchObject({ raw_value: 0n, value: null, data: null });
  });

  it('planes: IDs, formats, properties in attach order, IN_FORMATS decoded to {modifier, formats}', async () => {
    const t = await createTestDevice();
    const n = drmInfo(t.open());
    expect(n.planes!.map((p) => p.id)).toEqual([t.primary.id, t.overlay!.id, t.cursor!.id]);
    expect(n.planes!.map((p) => p.formats)).toEqual([PLANE_FORMATS, PLANE_FORMATS, [Fourcc.ARGB8888]]);
    for (const [p, obj] of [[n.planes![0]!, t.primary], [n.planes![1]!, t.overlay!], [n.planes![2]!, t.cursor!]] as const) {
      expect(Object.keys(p)).toEqual(['id', 'possible_crtcs', 'crtc_id', 'fb_id', 'crtc_x', 'crtc_y', 'x', 'y', 'gamma_size', 'fb', 'formats', 'properties']);
      expect(p).toMatchObject({ possible_crtcs: 1, crtc_id: 0, fb_id: 0, crtc_x: 0, crtc_y: 0, x: 0, y: 0, gamma_size: 0, fb: null });
      expect(Object.keys(p.properties!)).toEqual(obj.props.map((a) => a.prop.name));
      expect(Object.values(p.properties!).map((q) => q.id)).toEqual(obj.props.map((a) => a.prop.id));
      const inFormats = p.properties!['IN_FORMATS']!;
      expect(inFormats.raw_value).toBe(obj.props.find((a) => a.prop.name === 'IN_FORMATS')!.value);
      expect(inFormats).toMatchObject({ type: 16, immutable: true, value: null });
      expect(inFormats.data).toEqual([{ modifier: 0n, formats: p.formats }]);
    }
    const pr = n.planes![0]!.properties!;
    expect(pr['type']).toMatchObject({ immutable: true, raw_value: 1n, value: 1n });
    expect(n.planes![1]!.properties!['type']!.value).toBe(0n);
    expect(n.planes![2]!.properties!['type']!.value).toBe(2n);
    // SIGNED_RANGE: spec and value as signed numbers, raw_value unsigned
    expect(pr['IN_FENCE_FD']).toMatchObject({ flags: 0x80000080, type: 128, raw_value: U64_MAX, spec: { min: -1n, max: 2147483647n }, value: -1n, data: null });
    expect(pr['CRTC_X']).toMatchObject({ type: 128, spec: { min: -2147483648n, max: 2147483647n }, value: 0n });
    // SRC_*: data is the integer part of the 16.16 value
    expect(pr['SRC_W']).toMatchObject({ type: 2, spec: { min: 0n, max: 0xffffffffn }, value: 0n, data: 0n });
    expect(pr['CRTC_W']!.data).toBeNull();
    expect(pr['FB_ID']).toMatchObject({ type: 64, spec: 0xfbfbfbfbn, value: 0n, data: null });
    // BITMASK: spec values are the bit indices
    expect(pr['rotation']).toMatchObject({ type: 32, raw_value: 1n, value: 1n });
    expect((pr['rotation']!.spec as { name: string; value: bigint }[]).map((e) => [e.name, e.value])).toEqual([
      ['rotate-0', 0n], ['rotate-90', 1n], ['rotate-180', 2n], ['rotate-270', 3n], ['reflect-x', 4n], ['reflect-y', 5n],
    ]);
  });

  it('a lit pipe: CRTC mode, MODE_ID decoded, plane FB and FB_ID data from GETFB2, SRC_* integer parts', async () => {
    const t = await createTestDevice();
    const card = t.open();
    const { fb, blob, pitch } = await modeset(t, card);
    const n = drmInfo(card);
    const crtc = n.crtcs[0]!;
    const legacy = card.getCrtc(t.crtc.id);
    expect(crtc.fb_id).toBe(fb);
    expect(crtc.mode).toEqual(modeJson(legacy.mode));
    expect(crtc.mode).toMatchObject({ hdisplay: 1024, vdisplay: 768, clock: 65000, name: '1024x768' });
    expect(crtc.properties!['ACTIVE']!.value).toBe(1n);
    expect(crtc.properties!['MODE_ID']!.raw_value).toBe(BigInt(blob));
    // MODE_ID holds the blob userspace created: its bytes as written (vrefresh 0 here, GETCRTC computes it)
    expect(crtc.properties!['MODE_ID']!.data).toEqual(modeJson(MODE_1024x768));
    expect(n.encoders[0]!.crtc_id).toBe(t.crtc.id);
    expect(n.connectors[0]!.encoder_id).toBe(t.encoder.id);
    expect(n.connectors[0]!.properties!['CRTC_ID']!.value).toBe(BigInt(t.crtc.id));
    const plane = n.planes![0]!;
    expect(plane).toMatchObject({ crtc_id: t.crtc.id, fb_id: fb });
    const fb2 = card.getFB2(fb);
    const expectedFb = { id: fb, width: 1024, height: 768, format: Fourcc.XRGB8888, ...(fb2.flags & 2 ? { modifier: fb2.modifier } : {}), planes: [{ offset: 0, pitch }] };
    expect(plane.fb).toEqual(expectedFb);
    const pr = plane.properties!;
    expect(pr['FB_ID']).toMatchObject({ raw_value: BigInt(fb), value: BigInt(fb), data: expectedFb });
    expect(pr['SRC_X']).toMatchObject({ value: 16n << 16n, data: 16n });
    expect(pr['SRC_Y']).toMatchObject({ value: (8n << 16n) | 0x8000n, data: 8n });
    expect(pr['SRC_W']!.data).toBe(1000n);
    expect(pr['CRTC_X']).toMatchObject({ raw_value: BigInt.asUintN(64, -10n), value: -10n });
  });

  it('without the ATOMIC cap (a driver that refuses it) atomic properties are hidden by the kernel', async () => {
    const t = await createTestDevice({ features: { atomic: false }, writeback: false });
    const n = drmInfo(t.open());
    for (const p of n.planes!) for (const q of Object.values(p.properties!)) expect(q.atomic).toBe(false);
  });
});

describe('drmInfoJson', () => {
  async function json(): Promise<{ text: string; node: DrmInfoNode; t: TestDevice }> {
    const t = await createTestDevice();
    const node = drmInfo(t.open());
    return { text: drmInfoJson({ '/dev/dri/card0': node }), node, t };
  }

  it('is keyed by the node path, slash-escaped, two-space indented, without a final newline', async () => {
    const { text } = await json();
    expect(text.startsWith('{\n  "\\/dev\\/dri\\/card0": {\n    "driver": {\n      "name": "testdrm",\n')).toBe(true);
    expect(text.endsWith('\n    ]\n  }\n}')).toBe(true);
  });

  it('prints u64 values above 2^53 as plain integers, signed ranges as signed', async () => {
    const { text } = await json();
    expect(text).toContain('"raw_value": 18446744073709551615,');
    expect(text).toContain('"max": 18446744073709551615\n');
    expect(text).toContain('"min": -2147483648,');
    expect(text).toContain('"value": -1,');
    expect(text).not.toMatch(/e\+|"\d+n"/);
  });

  it('empty mode lists print as json-c prints an empty array', async () => {
    const { text } = await json();
    expect(text).toContain('"modes": [\n        ],\n');
  });

  it('parses back to the same tree (exact integers)', async () => {
    const { text, node, t } = await json();
    const parsed = parseJsonExact(text) as { entries: [string, { entries: [string, unknown][] }][] };
    expect(parsed.entries[0]![0]).toBe('/dev/dri/card0');
    expect(parsed.entries[0]![1].entries.map(([k]) => k)).toEqual(Object.keys(node));
    expect(node.planes![0]!.id).toBe(t.primary.id);
  });

  it('has the key layout of the reference capture', async () => {
    // the same key order at every level as /work/shared/reference/vkms-6.12/default/drm_info.json
    const keysOf = (v: unknown, path = ''): string[] => {
      if (Array.isArray(v)) return v.length ? keysOf(v[0], path + '[]') : [];
      if (v && typeof v === 'object' && 'entries' in v) {
        return (v as { entries: [string, unknown][] }).entries.flatMap(([k, x]) => [`${path}.${k}`, ...keysOf(x, `${path}.${k}`)]);
      }
      return [];
    };
    const { text } = await json();
    const ref = readFileSync(`${REFERENCE_DIR}/default/drm_info.json`, 'utf8');
    const top = (s: string) => keysOf((parseJsonExact(s) as { entries: [string, unknown][] }).entries[0]![1])
      .filter((k) => !k.includes('.properties.') && !k.startsWith('.driver.kernel') && !k.startsWith('.device'));
    expect(top(text)).toEqual(top(ref));
  });
});

describe('the dump uses only the ioctl surface', () => {
  it('src/client dump modules import nothing outside src/client and src/uapi', () => {
    for (const f of ['drm-info.ts', 'drm-info-text.ts', 'modetest.ts', 'dump-format.ts']) {
      const src = readFileSync(new URL(`../../src/client/${f}`, import.meta.url), 'utf8');
      const imports = [...src.matchAll(/from '([^']+)'/g)].map((m) => m[1]!);
      for (const i of imports) expect(i.startsWith('./') || i.startsWith('../uapi/'), `${f} imports ${i}`).toBe(true);
    }
  });

  it('reads through the Card: ObjectType codes are those of the uapi', () => {
    expect([ObjectType.CRTC, ObjectType.CONNECTOR, ObjectType.PLANE]).toEqual([0xcccccccc, 0xc0c0c0c0, 0xeeeeeeee]);
  });
});
