/** SET_CLIENT_CAP (uapi 1.11–1.15). */
import { describe, expect, it } from 'vitest';
import type { DrmFile } from '../../src/drm/file.js';
import type { Card } from '../../src/client/card.js';
import { ClientCap, ModeFlag } from '../../src/uapi/drm-mode.js';
import { createCustomDevice, createTestDevice, MODE_1024x768 } from './test-driver.js';
import { expectErrno } from './helpers.js';

/** The file's client-cap bits (drm_file fields), read through the internal object. */
function caps(card: Card) {
  const f = card.fd as DrmFile;
  return {
    stereo: f.stereoAllowed, universal: f.universalPlanes, atomic: f.atomic, aspect: f.aspectRatioAllowed,
    writeback: f.writebackConnectors, hotspot: f.supportsVirtualizedCursorPlane,
  };
}
const NONE = { stereo: false, universal: false, atomic: false, aspect: false, writeback: false, hotspot: false };

describe('uapi 1.11: STEREO_3D, UNIVERSAL_PLANES, ASPECT_RATIO', () => {
  it('accept 0 and 1, refuse anything larger with EINVAL', async () => {
    // uapi 1.11
    const t = await createTestDevice();
    const card = t.open();
    expect(caps(card)).toEqual(NONE);
    for (const cap of [ClientCap.STEREO_3D, ClientCap.UNIVERSAL_PLANES, ClientCap.ASPECT_RATIO]) {
      expectErrno(() => card.setClientCap(cap, 2), 'EINVAL');
      expectErrno(() => card.setClientCap(cap, 0x100000000n), 'EINVAL');
      expectErrno(() => card.setClientCap(cap, -1), 'EINVAL'); // u64 0xffff...ffff
    }
    expect(caps(card)).toEqual(NONE); // a refused value changes nothing
    card.setClientCap(ClientCap.STEREO_3D, 1);
    expect(caps(card)).toEqual({ ...NONE, stereo: true });
    card.setClientCap(ClientCap.UNIVERSAL_PLANES, 1);
    expect(caps(card)).toEqual({ ...NONE, stereo: true, universal: true });
    card.setClientCap(ClientCap.ASPECT_RATIO, 1);
    expect(caps(card)).toEqual({ ...NONE, stereo: true, universal: true, aspect: true });
    card.setClientCap(ClientCap.STEREO_3D, 0);
    card.setClientCap(ClientCap.ASPECT_RATIO, 0);
    expect(caps(card)).toEqual({ ...NONE, universal: true });
  });

  it('UNIVERSAL_PLANES changes what GETPLANERESOURCES lists', async () => {
    // uapi 1.11 + 1.21
    const t = await createTestDevice();
    const card = t.open();
    expect(card.getPlaneResources()).toEqual([t.overlay!.id]);
    card.setClientCap(ClientCap.UNIVERSAL_PLANES, 1);
    expect(card.getPlaneResources()).toEqual([t.primary.id, t.overlay!.id, t.cursor!.id]);
  });

  it('ASPECT_RATIO changes whether mode flags carry PIC_AR bits', async () => {
    // uapi 1.11 + 1.26
    const t = await createTestDevice({ modes: [{ ...MODE_1024x768, flags: MODE_1024x768.flags | ModeFlag.PIC_AR_4_3 }] });
    const card = t.open();
    expect(card.getConnector(t.connector.id).modes.map((m) => m.flags)).toEqual([MODE_1024x768.flags]);
    card.setClientCap(ClientCap.ASPECT_RATIO, 1);
    expect(card.getConnector(t.connector.id).modes.map((m) => m.flags)).toEqual([MODE_1024x768.flags | ModeFlag.PIC_AR_4_3]);
  });
});

describe('uapi 1.12: ATOMIC', () => {
  it('is EOPNOTSUPP on a driver without DRIVER_ATOMIC, whatever the value', async () => {
    // uapi 1.12
    const t = await createTestDevice({ features: { atomic: false }, writeback: false });
    const card = t.open();
    expectErrno(() => card.setClientCap(ClientCap.ATOMIC, 1), 'EOPNOTSUPP');
    expectErrno(() => card.setClientCap(ClientCap.ATOMIC, 0), 'EOPNOTSUPP');
    expectErrno(() => card.setClientCap(ClientCap.ATOMIC, 7), 'EOPNOTSUPP');
    expect(caps(card)).toEqual(NONE);
  });

  it('refuses values > 2 with EINVAL', async () => {
    // uapi 1.12
    const t = await createTestDevice();
    const card = t.open();
    expectErrno(() => card.setClientCap(ClientCap.ATOMIC, 3), 'EINVAL');
    expectErrno(() => card.setClientCap(ClientCap.ATOMIC, 1n << 32n), 'EINVAL');
    expect(caps(card)).toEqual(NONE);
  });

  it('refuses value 1 from a process whose name starts with X (but not 2)', async () => {
    // uapi 1.12: current->comm[0] == 'X' && value == 1 → EOPNOTSUPP
    const t = await createTestDevice();
    const xorg = t.open({ comm: 'Xorg' });
    expectErrno(() => xorg.setClientCap(ClientCap.ATOMIC, 1), 'EOPNOTSUPP');
    expect(caps(xorg)).toEqual(NONE);
    const xwl = t.open({ comm: 'Xwayland' });
    expectErrno(() => xwl.setClientCap(ClientCap.ATOMIC, 1), 'EOPNOTSUPP');
    expectErrno(() => xwl.setClientCap(ClientCap.ATOMIC, 3), 'EINVAL'); // the value check follows
    xorg.setClientCap(ClientCap.ATOMIC, 2);
    expect(caps(xorg)).toEqual({ ...NONE, atomic: true, universal: true, aspect: true });
    xorg.setClientCap(ClientCap.ATOMIC, 0);
    expect(caps(xorg)).toEqual(NONE);
    // only the first character counts, and it is case-sensitive
    const lower = t.open({ comm: 'xterm' });
    lower.setClientCap(ClientCap.ATOMIC, 1);
    expect(caps(lower).atomic).toBe(true);
    const weston = t.open({ comm: 'westonX' });
    weston.setClientCap(ClientCap.ATOMIC, 1);
    expect(caps(weston).atomic).toBe(true);
  });
});

describe('uapi 1.13: ATOMIC=v sets atomic, universal planes and aspect ratio to v', () => {
  it('sets all three, and ATOMIC=0 clears all three', async () => {
    // uapi 1.13
    const t = await createTestDevice();
    const card = t.open();
    card.setClientCap(ClientCap.ATOMIC, 1);
    expect(caps(card)).toEqual({ ...NONE, atomic: true, universal: true, aspect: true });
    expect(card.getPlaneResources()).toEqual([t.primary.id, t.overlay!.id, t.cursor!.id]);
    card.setClientCap(ClientCap.ATOMIC, 0);
    expect(caps(card)).toEqual(NONE);
    expect(card.getPlaneResources()).toEqual([t.overlay!.id]);
    // caps set on their own are cleared too
    card.setClientCap(ClientCap.UNIVERSAL_PLANES, 1);
    card.setClientCap(ClientCap.ASPECT_RATIO, 1);
    card.setClientCap(ClientCap.STEREO_3D, 1);
    card.setClientCap(ClientCap.ATOMIC, 0);
    expect(caps(card)).toEqual({ ...NONE, stereo: true }); // stereo is not touched
    card.setClientCap(ClientCap.ATOMIC, 2);
    expect(caps(card)).toEqual({ ...NONE, stereo: true, atomic: true, universal: true, aspect: true });
  });

  it('does not touch WRITEBACK_CONNECTORS', async () => {
    // uapi 1.13: only the three fields are assigned
    const t = await createTestDevice();
    const card = t.open();
    card.setClientCap(ClientCap.ATOMIC, 1);
    card.setClientCap(ClientCap.WRITEBACK_CONNECTORS, 1);
    card.setClientCap(ClientCap.ATOMIC, 0);
    expect(caps(card)).toEqual({ ...NONE, writeback: true });
    expect(card.getResources().connectors).toEqual([t.connector.id, t.writeback!.id]);
  });
});

describe('uapi 1.14: WRITEBACK_CONNECTORS', () => {
  it('needs ATOMIC first, and accepts only 0 and 1', async () => {
    // uapi 1.14
    const t = await createTestDevice();
    const card = t.open();
    expectErrno(() => card.setClientCap(ClientCap.WRITEBACK_CONNECTORS, 1), 'EINVAL');
    expectErrno(() => card.setClientCap(ClientCap.WRITEBACK_CONNECTORS, 0), 'EINVAL');
    expect(caps(card)).toEqual(NONE);
    card.setClientCap(ClientCap.ATOMIC, 1);
    expectErrno(() => card.setClientCap(ClientCap.WRITEBACK_CONNECTORS, 2), 'EINVAL');
    expect(caps(card).writeback).toBe(false);
    card.setClientCap(ClientCap.WRITEBACK_CONNECTORS, 1);
    expect(caps(card).writeback).toBe(true);
    expect(card.getResources().connectors).toEqual([t.connector.id, t.writeback!.id]);
    card.setClientCap(ClientCap.WRITEBACK_CONNECTORS, 0);
    expect(card.getResources().connectors).toEqual([t.connector.id]);
  });
});

describe('uapi 1.15: CURSOR_PLANE_HOTSPOT and unknown caps', () => {
  it('is EOPNOTSUPP on a driver without DRIVER_CURSOR_HOTSPOT, even before ATOMIC', async () => {
    // uapi 1.15
    const t = await createTestDevice();
    const card = t.open();
    expectErrno(() => card.setClientCap(ClientCap.CURSOR_PLANE_HOTSPOT, 1), 'EOPNOTSUPP');
    card.setClientCap(ClientCap.ATOMIC, 1);
    expectErrno(() => card.setClientCap(ClientCap.CURSOR_PLANE_HOTSPOT, 1), 'EOPNOTSUPP');
    expectErrno(() => card.setClientCap(ClientCap.CURSOR_PLANE_HOTSPOT, 5), 'EOPNOTSUPP');
  });

  it('with DRIVER_CURSOR_HOTSPOT: needs ATOMIC, accepts 0/1, and un-hides cursor planes', async () => {
    // uapi 1.15 + 1.21 (virtualized cursor planes are hidden from atomic clients without the cap)
    const t = await createTestDevice({ features: { cursorHotspot: true } });
    const card = t.open();
    expectErrno(() => card.setClientCap(ClientCap.CURSOR_PLANE_HOTSPOT, 1), 'EINVAL');
    card.setClientCap(ClientCap.ATOMIC, 1);
    expect(card.getPlaneResources()).toEqual([t.primary.id, t.overlay!.id]);
    expectErrno(() => card.setClientCap(ClientCap.CURSOR_PLANE_HOTSPOT, 2), 'EINVAL');
    card.setClientCap(ClientCap.CURSOR_PLANE_HOTSPOT, 1);
    expect(caps(card).hotspot).toBe(true);
    expect(card.getPlaneResources()).toEqual([t.primary.id, t.overlay!.id, t.cursor!.id]);
    // a non-atomic universal-planes client still sees the cursor plane
    const legacy = t.open();
    legacy.setClientCap(ClientCap.UNIVERSAL_PLANES, 1);
    expect(legacy.getPlaneResources()).toEqual([t.primary.id, t.overlay!.id, t.cursor!.id]);
  });

  it('refuses unknown capabilities with EINVAL', async () => {
    // uapi 1.15
    const t = await createTestDevice();
    const card = t.open();
    for (const cap of [0n, 7n, 8n, 0x100n, 0x100000002n, 0xffffffffffffffffn]) {
      expectErrno(() => card.fd.ioctl('SET_CLIENT_CAP', { capability: cap, value: 1n }), 'EINVAL');
    }
    expect(caps(card)).toEqual(NONE);
  });

  it('every client cap is EOPNOTSUPP on a driver without DRIVER_MODESET', async () => {
    // uapi 1.11–1.15: drm_setclientcap starts with the DRIVER_MODESET check
    const t = await createCustomDevice(() => null, { features: { modeset: false, atomic: false } });
    const card = t.open();
    for (const cap of [1, 2, 3, 4, 5, 6, 99]) expectErrno(() => card.setClientCap(cap, 0), 'EOPNOTSUPP');
  });
});
