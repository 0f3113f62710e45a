/**
 * drmInfoText(): the drm_info tree (pretty.c) from hand-made nodes, covering the branches the
 * reference capture does not show. Expected lines are written from pretty.c's format strings.
 */
import { describe, expect, it } from 'vitest';
import { drmInfo, type DrmInfoMode, type DrmInfoNode, type DrmInfoProperty } from '../../src/client/drm-info.js';
import { drmInfoText } from '../../src/client/drm-info-text.js';
import { Fourcc } from '../../src/uapi/fourcc.js';
import { createTestDevice } from '../drm/test-driver.js';

const mode1080: DrmInfoMode = {
  clock: 148500, hdisplay: 1920, hsync_start: 2008, hsync_end: 2052, htotal: 2200, hskew: 0, vdisplay: 1080, vsync_start: 1084,
  vsync_end: 1089, vtotal: 1125, vscan: 0, vrefresh: 60, flags: 0x5, type: 0x48, name: '1920x1080',
};

function prop(p: Partial<DrmInfoProperty> & { flags: number }): DrmInfoProperty {
  const type = p.flags & 0xffc0 ? p.flags & 0xffc0 : p.flags & 0x3a;
  return { id: 1, type, atomic: (p.flags & 0x80000000) !== 0, immutable: (p.flags & 4) !== 0, raw_value: 0n, spec: null, value: 0n, data: null, ...p };
}

function node(over: Partial<DrmInfoNode> = {}): DrmInfoNode {
  return {
    driver: {
      name: 'drv', desc: 'A driver', version: { major: 2, minor: 1, patch: 0, date: '20240101' },
      kernel: { sysname: 'Linux', release: 'r', version: 'v' },
      client_caps: { ATOMIC: true, WRITEBACK_CONNECTORS: false },
      caps: { DUMB_BUFFER: 1n, SYNCOBJ: null },
    },
    device: { available_nodes: 5, bus_type: 0, device_data: { vendor: 0x8086, device: 0x46a6 } },
    fb_size: { min_width: 0, max_width: 16384, min_height: 0, max_height: 16384 },
    connectors: [], encoders: [], crtcs: [], planes: [],
    ...over,
  };
}

const lines = (n: DrmInfoNode) => drmInfoText({ '/dev/dri/card1': n }).split('\n');

describe('drmInfoText', () => {
  it('driver line, client caps (never last), caps with "not supported", PCI device, node list', () => {
    expect(lines(node()).slice(0, 9)).toEqual([
      'Node: /dev/dri/card1',
      '├───Driver: drv (A driver) version 2.1.0 (20240101)',
      '│   ├───DRM_CLIENT_CAP_ATOMIC supported',
      '│   ├───DRM_CLIENT_CAP_WRITEBACK_CONNECTORS not supported',
      '│   ├───DRM_CAP_DUMB_BUFFER = 1',
      '│   └───DRM_CAP_SYNCOBJ not supported',
      '├───Device: PCI 8086:46a6',
      '│   └───Available nodes: primary, render',
      '├───Framebuffer size',
    ]);
  });

  it('without device info the Device lines are left out', () => {
    expect(lines(node({ device: null }))[6]).toBe('├───Framebuffer size');
  });

  it('a disconnected connector shows no size/subpixel; modes list with computed refresh and flag words', () => {
    const n = node({
      encoders: [{ id: 7, type: 2, crtc_id: 0, possible_crtcs: 3, possible_clones: 0 }],
      connectors: [
        { id: 5, type: 11, status: 2, phy_width: 0, phy_height: 0, subpixel: 1, encoder_id: 0, encoders: [7], modes: [], properties: {} },
        { id: 6, type: 10, status: 1, phy_width: 600, phy_height: 340, subpixel: 2, encoder_id: 7, encoders: [7, 99], modes: [mode1080], properties: {} },
      ],
    });
    const out = lines(n);
    const at = out.indexOf('├───Connectors');
    expect(out.slice(at, at + 20)).toEqual([
      '├───Connectors',
      '│   ├───Connector 0',
      '│   │   ├───Object ID: 5',
      '│   │   ├───Type: HDMI-A',
      '│   │   ├───Status: disconnected',
      '│   │   ├───Encoders: {0}',
      '│   │   └───Properties',
      '│   └───Connector 1',
      '│       ├───Object ID: 6',
      '│       ├───Type: DisplayPort',
      '│       ├───Status: connected',
      '│       ├───Physical size: 600x340 mm',
      '│       ├───Subpixel: horizontal RGB',
      '│       ├───Encoders: {0, -1}',
      '│       ├───Modes',
      // (148500·10^6/2200 + 562)/1125 = 60000 mHz; PREFERRED|DRIVER, PHSYNC|PVSYNC, trailing space kept
      '│       │   └───1920x1080@60.00 preferred driver phsync pvsync ',
      '│       └───Properties',
      '├───Encoders',
      '│   └───Encoder 0',
      '│       ├───Object ID: 7',
    ]);
    expect(out[at + 20]).toBe('│       ├───Type: TMDS');
    expect(out[at + 21]).toBe('│       ├───CRTCS: {0, 1}');
    expect(out[at + 22]).toBe('│       └───Clones: {}');
  });

  it('property types: enum with an invalid value, bitmask with several bits, object with an FB, ranges with named limits', () => {
    const props: Record<string, DrmInfoProperty> = {
      e: prop({ flags: 8, raw_value: 9n, spec: [{ name: 'A', value: 0n }, { name: 'B', value: 1n }] }),
      b: prop({ flags: 32, raw_value: 0b101n, spec: [{ name: 'x', value: 0n }, { name: 'y', value: 1n }, { name: 'z', value: 2n }] }),
      FB_ID: prop({
        flags: 0x80000040, raw_value: 42n, spec: 0xfbfbfbfbn, value: 42n,
        data: { id: 42, width: 64, height: 32, format: Fourcc.XRGB8888, modifier: 0n, planes: [{ offset: 0, pitch: 256 }] },
      }),
      r: prop({ flags: 2, raw_value: 70000n, spec: { min: 255n, max: 65535n }, value: 70000n }),
      s: prop({ flags: 0x80, raw_value: 2n ** 64n - 5n, spec: { min: -128n, max: 127n }, value: -5n }),
      MODE_ID: prop({ flags: 0x80000010, raw_value: 50n, value: null, data: mode1080 }),
      q: prop({ flags: 0x400, raw_value: 3n }),
    };
    const out = lines(node({ crtcs: [{ id: 3, fb_id: 0, x: 0, y: 0, mode: mode1080, gamma_size: 0, properties: props }] }));
    const at = out.indexOf('├───CRTCs');
    expect(out.slice(at, at + 25)).toEqual([
      '├───CRTCs',
      '│   └───CRTC 0',
      '│       ├───Object ID: 3',
      '│       ├───Legacy info',
      '│       │   ├───Mode: 1920x1080@60.00 preferred driver phsync pvsync ',
      '│       │   └───Gamma size: 0',
      '│       └───Properties',
      '│           ├───"e": enum {A, B} = invalid (9)',
      '│           ├───"b": bitmask {x, y, z} = (x | z)',
      '│           ├───"FB_ID" (atomic): object framebuffer = 42',
      '│           │   ├───Object ID: 42',
      '│           │   ├───Size: 64x32',
      '│           │   ├───Format: XRGB8888 (0x34325258)',
      '│           │   ├───Modifier: DRM_FORMAT_MOD_LINEAR (0x0)',
      '│           │   └───Planes:',
      '│           │       └───Plane 0: offset = 0, pitch = 256 bytes',
      '│           ├───"r": range [UINT8_MAX, UINT16_MAX] = 70000',
      '│           ├───"s": srange [INT8_MIN, INT8_MAX] = -5',
      '│           ├───"MODE_ID" (atomic): blob = 50',
      '│           │   └───1920x1080@60.00 preferred driver phsync pvsync ',
      '│           └───"q": unknown type (1024) = 3',
      '└───Planes',
      '',
    ]);
  });

  it('a plane with a legacy FB (GETFB fallback form) prints pitch, bpp and depth', () => {
    const out = lines(node({
      planes: [{
        id: 31, possible_crtcs: 1, crtc_id: 3, fb_id: 9, crtc_x: 0, crtc_y: 0, x: 0, y: 0, gamma_size: 0,
        fb: { id: 9, width: 10, height: 20, pitch: 40, bpp: 32, depth: 24 }, formats: [Fourcc.XRGB8888], properties: {},
      }],
    }));
    const at = out.indexOf('└───Planes');
    expect(out.slice(at, at + 15)).toEqual([
      '└───Planes',
      '    └───Plane 0',
      '        ├───Object ID: 31',
      '        ├───CRTCs: {0}',
      '        ├───Legacy info',
      '        │   ├───FB ID: 9',
      '        │   │   ├───Object ID: 9',
      '        │   │   ├───Size: 10x20',
      '        │   │   ├───Pitch: 40 bytes',
      '        │   │   ├───Bits per pixel: 32',
      '        │   │   └───Depth: 24',
      '        │   └───Formats:',
      '        │       └───XRGB8888 (0x34325258)',
      '        └───Properties',
      '',
    ]);
  });

  it('prints the test driver tree with its object IDs', async () => {
    const t = await createTestDevice();
    const text = drmInfoText({ '/dev/dri/card0': drmInfo(t.open()) });
    expect(text).toContain(`│   │   ├───Object ID: ${t.connector.id}\n│   │   ├───Type: virtual\n│   │   ├───Status: unknown\n`);
    expect(text).toContain(`    ├───Plane 0\n    │   ├───Object ID: ${t.primary.id}\n`);
    expect(text).toContain('"IN_FORMATS" (immutable): blob = ');
    expect(text).toContain('│       │   └───DRM_FORMAT_MOD_LINEAR (0x0)\n');
    expect(text).toContain('"IN_FENCE_FD" (atomic): srange [-1, INT32_MAX] = -1\n');
    // the last plane is the cursor, whose last property is IN_FORMATS with its single format
    expect(t.cursor!.props.at(-1)!.prop.name).toBe('IN_FORMATS');
    expect(text.endsWith(`${' '.repeat(20)}└───ARGB8888 (0x34325241)\n`)).toBe(true);
  });
});
