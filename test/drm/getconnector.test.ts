/** GETCONNECTOR: counts, probing, mode exposure, display info (uapi 1.24–1.27). */
import { describe, expect, it } from 'vitest';
import { ClientCap, ConnectorStatus, ConnectorType, EncoderType, ModeFlag, ModeType, ObjectType, PlaneType, SubPixel } from '../../src/uapi/drm-mode.js';
import type { IoctlArgs } from '../../src/uapi/ioctl.js';
import type { ModeInfo } from '../../src/uapi/ioctl-structs.js';
import { decodeModeInfo } from '../../src/uapi/modeinfo.js';
import {
  createCustomDevice, createTestDevice, MODE_1024x768, MODE_640x480, MODE_800x600, MODE_INTERLACED, MODE_TOO_WIDE, PLANE_FORMATS,
} from './test-driver.js';
import { expectErrno, propNames, sentinelU32 } from './helpers.js';

const S = 0xdeadbeef;
const names = (modes: ModeInfo[]) => modes.map((m) => m.name);

/** A device whose HDMI connector can use two encoders (attached in reverse index order). */
async function hdmiDevice(modes: () => ModeInfo[], conn: { stereoAllowed?: boolean; interlaceAllowed?: boolean } = {}) {
  return createCustomDevice((u) => {
    const primary = u.createPlane({ type: PlaneType.PRIMARY, possibleCrtcs: 0, formats: PLANE_FORMATS });
    const crtc = u.createCrtc({ primary, cursor: null });
    const e1 = u.createEncoder({ type: EncoderType.TMDS, possibleCrtcs: 1 });
    const e2 = u.createEncoder({ type: EncoderType.DPMST, possibleCrtcs: 1 });
    const connector = u.createConnector({ type: ConnectorType.HDMIA, encoders: [e2, e1], funcs: { getModes: modes }, ...conn });
    return { crtc, e1, e2, connector };
  });
}

describe('uapi 1.24: counts and copies', () => {
  it('copies encoders only if count_encoders ≥ total, in encoder index order', async () => {
    // uapi 1.24
    const t = await hdmiDevice(() => [MODE_1024x768]);
    const { e1, e2, connector } = t.objs;
    const card = t.open();
    const small = sentinelU32(2);
    const a: Partial<IoctlArgs['MODE_GETCONNECTOR']> = { connector_id: connector.id, count_encoders: 1, encoders_ptr: small };
    card.fd.ioctl('MODE_GETCONNECTOR', a);
    expect([...small]).toEqual([S, S]);
    expect(a.count_encoders).toBe(2);
    const big = sentinelU32(3);
    const b: Partial<IoctlArgs['MODE_GETCONNECTOR']> = { connector_id: connector.id, count_encoders: 3, encoders_ptr: big };
    card.fd.ioctl('MODE_GETCONNECTOR', b);
    expect([...big]).toEqual([e1.id, e2.id, S]);
    expect(b.count_encoders).toBe(2);
    expect(card.getConnector(connector.id).encoders).toEqual([e1.id, e2.id]);
  });

  it('copies modes only if count_modes ≥ the number exposed', async () => {
    // uapi 1.24
    const t = await createTestDevice();
    const card = t.open();
    card.getConnector(t.connector.id); // the master probes: 3 modes
    const two = new Uint8Array(68 * 2).fill(0xaa);
    const a: Partial<IoctlArgs['MODE_GETCONNECTOR']> = { connector_id: t.connector.id, count_modes: 2, modes_ptr: two };
    card.fd.ioctl('MODE_GETCONNECTOR', a);
    expect(two.every((b) => b === 0xaa)).toBe(true);
    expect(a.count_modes).toBe(3);
    const four = new Uint8Array(68 * 4).fill(0xaa);
    const b: Partial<IoctlArgs['MODE_GETCONNECTOR']> = { connector_id: t.connector.id, count_modes: 4, modes_ptr: four };
    card.fd.ioctl('MODE_GETCONNECTOR', b);
    expect(b.count_modes).toBe(3);
    expect([0, 1, 2].map((i) => decodeModeInfo(four, 68 * i).name)).toEqual(['1024x768', '800x600', '640x480']);
    expect(four.subarray(68 * 3).every((x) => x === 0xaa)).toBe(true);
    expect(decodeModeInfo(four, 0)).toEqual({ ...MODE_1024x768, vrefresh: 60 });
    expect(decodeModeInfo(four, 68)).toEqual({ ...MODE_800x600, vrefresh: 60 });
    expect(decodeModeInfo(four, 136)).toEqual({ ...MODE_640x480, vrefresh: 60 });
    expectErrno(() => card.fd.ioctl('MODE_GETCONNECTOR', { connector_id: t.connector.id, count_modes: 3 }), 'EFAULT');
  });

  it('partial-copies the properties', async () => {
    // uapi 1.24 (props use drm_mode_object_get_properties: partial copy)
    const t = await hdmiDevice(() => [MODE_1024x768]);
    const { connector } = t.objs;
    const card = t.open();
    const props = sentinelU32(3);
    const values = new BigUint64Array(3).fill(7n);
    const a: Partial<IoctlArgs['MODE_GETCONNECTOR']> = { connector_id: connector.id, count_props: 2, props_ptr: props, prop_values_ptr: values };
    card.fd.ioctl('MODE_GETCONNECTOR', a);
    const std = t.device.drm.std;
    expect([...props]).toEqual([std.EDID.id, std.DPMS.id, S]);
    expect([...values]).toEqual([0n, 0n, 7n]);
    expect(a.count_props).toBe(5); // EDID, DPMS, link-status, non-desktop, TILE (CRTC_ID is ATOMIC)
    card.setClientCap(ClientCap.ATOMIC, 1);
    const b: Partial<IoctlArgs['MODE_GETCONNECTOR']> = { connector_id: connector.id };
    card.fd.ioctl('MODE_GETCONNECTOR', b);
    expect(b.count_props).toBe(6);
  });

  it('answers ENOENT for unknown and non-connector IDs', async () => {
    // uapi 1.24 + 1.4
    const t = await createTestDevice();
    const card = t.open();
    expectErrno(() => card.getConnector(0), 'ENOENT');
    expectErrno(() => card.getConnector(9999), 'ENOENT');
    expectErrno(() => card.getConnector(t.crtc.id), 'ENOENT');
  });
});

describe('uapi 1.25: probing', () => {
  it('a non-master gets the cached list (empty, status unknown, before any probe)', async () => {
    // uapi 1.25
    let detects = 0;
    const t = await createTestDevice({ status: () => { detects++; return ConnectorStatus.connected; } });
    t.open(); // master
    const other = t.open();
    const c = other.getConnector(t.connector.id);
    expect(c.connection).toBe(ConnectorStatus.unknown);
    expect(c.modes).toEqual([]);
    expect(detects).toBe(0);
  });

  it('the current master probes when count_modes is 0; others then see the result', async () => {
    // uapi 1.25
    let detects = 0;
    let status: 1 | 2 | 3 = ConnectorStatus.connected;
    const t = await createTestDevice({ status: () => { detects++; return status; } });
    const master = t.open();
    const other = t.open();
    const m = master.getConnector(t.connector.id);
    expect(detects).toBeGreaterThan(0);
    expect(m.connection).toBe(ConnectorStatus.connected);
    expect(names(m.modes)).toEqual(['1024x768', '800x600', '640x480']);
    const before = detects;
    expect(names(other.getConnector(t.connector.id).modes)).toEqual(['1024x768', '800x600', '640x480']);
    expect(detects).toBe(before);
    // the sink goes away: only a master probe notices
    status = ConnectorStatus.disconnected;
    const o = other.getConnector(t.connector.id);
    expect([o.connection, o.modes.length]).toEqual([ConnectorStatus.connected, 3]);
    const m2 = master.getConnector(t.connector.id);
    expect([m2.connection, m2.modes.length]).toEqual([ConnectorStatus.disconnected, 0]);
    const o2 = other.getConnector(t.connector.id);
    expect([o2.connection, o2.modes.length]).toEqual([ConnectorStatus.disconnected, 0]);
  });

  it('does not probe when count_modes is nonzero, even for the master', async () => {
    // uapi 1.25
    let detects = 0;
    const t = await createTestDevice({ status: () => { detects++; return ConnectorStatus.connected; } });
    const master = t.open();
    const a: Partial<IoctlArgs['MODE_GETCONNECTOR']> = { connector_id: t.connector.id, count_modes: 1, modes_ptr: new Uint8Array(68) };
    master.fd.ioctl('MODE_GETCONNECTOR', a);
    expect(detects).toBe(0);
    expect(a.count_modes).toBe(0);
    expect(a.connection).toBe(ConnectorStatus.unknown);
    expect(master.getConnectorCurrent(t.connector.id).modes).toEqual([]);
    expect(detects).toBe(0);
  });

  it('a file that dropped master no longer probes', async () => {
    // uapi 1.25 (+ 6.5: current master)
    let detects = 0;
    const t = await createTestDevice({ status: () => { detects++; return ConnectorStatus.connected; } });
    const master = t.open();
    master.dropMaster();
    expect(master.getConnector(t.connector.id).modes).toEqual([]);
    expect(detects).toBe(0);
    master.setMaster();
    expect(master.getConnector(t.connector.id).modes.length).toBe(3);
    expect(detects).toBeGreaterThan(0);
  });

  it('prunes interlaced (not allowed) and too-large modes and sorts the rest', async () => {
    // uapi 1.25 (drm_helper_probe_single_connector_modes: validate size/flags, prune, sort)
    const t = await createTestDevice();
    const m = t.open().getConnector(t.connector.id);
    expect(names(m.modes)).toEqual(['1024x768', '800x600', '640x480']);
    const tall: ModeInfo = { ...MODE_800x600, vdisplay: 8200, vsync_start: 8201, vsync_end: 8205, vtotal: 8228, name: '800x8200' };
    const bad: ModeInfo = { ...MODE_800x600, clock: 0, name: 'bad' };
    const t2 = await createTestDevice({ modes: [tall, MODE_TOO_WIDE, bad, MODE_640x480] });
    expect(names(t2.open().getConnector(t2.connector.id).modes)).toEqual(['640x480']);
  });

  it('keeps interlaced modes on a connector that allows them, and big modes under a larger max', async () => {
    // uapi 1.25
    const t = await createTestDevice({ connector: { interlaceAllowed: true }, modeConfig: { maxWidth: 9000 } });
    const m = t.open().getConnector(t.connector.id);
    expect(names(m.modes)).toEqual(['1024x768', '9000x768', '1024x768i', '800x600', '640x480']);
    expect(m.modes[2]!.vrefresh).toBe(87); // interlaced: ×2
    expect(m.modes[2]!.flags & ModeFlag.INTERLACE).toBe(ModeFlag.INTERLACE);
  });

  it('merges equal probed modes: the preferred one\'s timings win, types are or-ed', async () => {
    // uapi 1.25 (fill_modes → drm_connector_list_update)
    const a1: ModeInfo = { ...MODE_1024x768, type: ModeType.DRIVER, name: 'first' };
    const a2: ModeInfo = { ...MODE_1024x768, type: ModeType.DRIVER | ModeType.PREFERRED, name: 'second' };
    const b1: ModeInfo = { ...MODE_800x600, type: ModeType.DRIVER, name: 'b1' };
    const b2: ModeInfo = { ...MODE_800x600, type: ModeType.USERDEF, name: 'b2' };
    const ar: ModeInfo = { ...MODE_800x600, flags: MODE_800x600.flags | ModeFlag.PIC_AR_4_3, name: 'b-ar' }; // not equal: aspect differs
    const t = await createTestDevice({ modes: [b1, a1, b2, a2, ar] });
    const card = t.open();
    card.setClientCap(ClientCap.ASPECT_RATIO, 1);
    const m = card.getConnector(t.connector.id).modes;
    expect(m.map((x) => [x.name, x.type])).toEqual([
      ['second', ModeType.DRIVER | ModeType.PREFERRED],
      ['b1', ModeType.DRIVER | ModeType.USERDEF],
      ['b-ar', ModeType.DRIVER],
    ]);
    // probing again gives the same list, not a growing one
    expect(card.getConnector(t.connector.id).modes.map((x) => x.name)).toEqual(['second', 'b1', 'b-ar']);
  });

  it('validates modes against the encoders and the CRTCs they can drive', async () => {
    // uapi 1.25 (drm_mode_validate_pipeline)
    const small = (m: ModeInfo) => m.hdisplay <= 800;
    const t = await createCustomDevice((u) => {
      const p0 = u.createPlane({ type: PlaneType.PRIMARY, possibleCrtcs: 0, formats: PLANE_FORMATS });
      const p1 = u.createPlane({ type: PlaneType.PRIMARY, possibleCrtcs: 0, formats: PLANE_FORMATS });
      u.createCrtc({ primary: p0, cursor: null, funcs: { modeValid: (_c, m) => small(m) } });
      u.createCrtc({ primary: p1, cursor: null });
      const modes = () => [MODE_1024x768, MODE_800x600, MODE_640x480];
      // encoder reaching only the picky CRTC 0
      const e0 = u.createEncoder({ type: EncoderType.TMDS, possibleCrtcs: 0b01 });
      const picky = u.createConnector({ type: ConnectorType.HDMIA, encoders: [e0], funcs: { getModes: modes } });
      // encoder reaching both: CRTC 1 accepts everything
      const e1 = u.createEncoder({ type: EncoderType.TMDS, possibleCrtcs: 0b11 });
      const both = u.createConnector({ type: ConnectorType.HDMIA, encoders: [e1], funcs: { getModes: modes } });
      // an encoder that rejects 640x480 itself
      const e2 = u.createEncoder({ type: EncoderType.TMDS, possibleCrtcs: 0b10, funcs: { modeValid: (_e, m) => m.hdisplay !== 640 } });
      const enc = u.createConnector({ type: ConnectorType.DVID, encoders: [e2], funcs: { getModes: modes } });
      // no encoder at all: nothing to reject the modes
      const none = u.createConnector({ type: ConnectorType.DVID, funcs: { getModes: modes } });
      // the connector's own mode_valid
      const e3 = u.createEncoder({ type: EncoderType.TMDS, possibleCrtcs: 0b10 });
      const own = u.createConnector({ type: ConnectorType.VGA, encoders: [e3], funcs: { getModes: modes, modeValid: (_c, m) => m.hdisplay !== 800 } });
      return { picky, both, enc, none, own };
    });
    const card = t.open();
    const list = (c: { id: number }) => names(card.getConnector(c.id).modes);
    expect(list(t.objs.picky)).toEqual(['800x600', '640x480']);
    expect(list(t.objs.both)).toEqual(['1024x768', '800x600', '640x480']);
    expect(list(t.objs.enc)).toEqual(['1024x768', '800x600']);
    expect(list(t.objs.none)).toEqual(['1024x768', '800x600', '640x480']);
    expect(list(t.objs.own)).toEqual(['1024x768', '640x480']);
  });

  it('sorts preferred first, then by area, refresh rate and clock', async () => {
    // uapi 1.25 (drm_mode_sort)
    const m60: ModeInfo = { ...MODE_1024x768, type: ModeType.DRIVER, name: 'a60' };
    const m75: ModeInfo = { ...MODE_1024x768, clock: 78750, htotal: 1312, hsync_end: 1136, hsync_start: 1040, vtotal: 800, vsync_start: 769, vsync_end: 772, type: ModeType.DRIVER, name: 'a75' };
    const m70: ModeInfo = { ...MODE_1024x768, clock: 75000, htotal: 1328, vtotal: 806, type: ModeType.DRIVER, name: 'a70' };
    const slow: ModeInfo = { ...MODE_800x600, clock: 39000, htotal: 1030, name: 'b60slow' }; // 60.29 Hz → 60
    const fast: ModeInfo = { ...MODE_800x600, name: 'b60fast' }; // 60.32 Hz → 60, higher clock
    const pref: ModeInfo = { ...MODE_640x480, type: ModeType.DRIVER | ModeType.PREFERRED, name: 'pref' };
    const t = await createTestDevice({ modes: [slow, m60, fast, m75, pref, m70] });
    const m = t.open().getConnector(t.connector.id);
    expect(names(m.modes)).toEqual(['pref', 'a75', 'a70', 'a60', 'b60fast', 'b60slow']);
    expect(m.modes.map((x) => x.vrefresh)).toEqual([60, 75, 70, 60, 60, 60]);
  });
});

describe('uapi 1.26: modes exposed to userspace', () => {
  it('hides stereo modes without STEREO_3D', async () => {
    // uapi 1.26
    const stereo: ModeInfo = { ...MODE_1024x768, type: ModeType.DRIVER, flags: MODE_1024x768.flags | ModeFlag['3D_FRAME_PACKING'], name: '1024x768-3d' };
    const t = await hdmiDevice(() => [MODE_1024x768, stereo, MODE_800x600], { stereoAllowed: true });
    const card = t.open();
    expect(names(card.getConnector(t.objs.connector.id).modes)).toEqual(['1024x768', '800x600']);
    card.setClientCap(ClientCap.STEREO_3D, 1);
    const m = card.getConnector(t.objs.connector.id).modes;
    expect(names(m)).toEqual(['1024x768', '1024x768-3d', '800x600']);
    expect(m[1]!.flags).toBe(stereo.flags);
  });

  it('the probe drops stereo modes on a connector that does not allow them', async () => {
    // uapi 1.25/1.26 (drm_mode_validate_flag)
    const stereo: ModeInfo = { ...MODE_800x600, flags: MODE_800x600.flags | ModeFlag['3D_SIDE_BY_SIDE_HALF'], name: '800x600-3d' };
    const t = await hdmiDevice(() => [MODE_1024x768, stereo]);
    const card = t.open();
    card.setClientCap(ClientCap.STEREO_3D, 1);
    expect(names(card.getConnector(t.objs.connector.id).modes)).toEqual(['1024x768']);
  });

  it('de-duplicates modes that differ only in aspect ratio and clears PIC_AR without ASPECT_RATIO', async () => {
    // uapi 1.26
    const ar43: ModeInfo = { ...MODE_1024x768, type: ModeType.DRIVER, flags: MODE_1024x768.flags | ModeFlag.PIC_AR_4_3, name: 'ar43' };
    const ar169: ModeInfo = { ...MODE_1024x768, type: ModeType.DRIVER, flags: MODE_1024x768.flags | ModeFlag.PIC_AR_16_9, name: 'ar169' };
    const plain: ModeInfo = { ...MODE_1024x768, type: ModeType.DRIVER, name: 'plain' };
    const unique: ModeInfo = { ...MODE_800x600, flags: MODE_800x600.flags | ModeFlag.PIC_AR_16_9, name: 'unique169' };
    const t = await hdmiDevice(() => [ar43, ar169, plain, unique]);
    const { connector } = t.objs;
    const card = t.open();
    const m = card.getConnector(connector.id).modes;
    expect(names(m)).toEqual(['ar43', 'unique169']);
    expect(m.map((x) => x.flags)).toEqual([MODE_1024x768.flags, MODE_800x600.flags]);
    const raw: Partial<IoctlArgs['MODE_GETCONNECTOR']> = { connector_id: connector.id, count_modes: 0 };
    card.fd.ioctl('MODE_GETCONNECTOR', raw);
    expect(raw.count_modes).toBe(2); // the count is of exposed modes
    card.setClientCap(ClientCap.ASPECT_RATIO, 1);
    const all = card.getConnector(connector.id).modes;
    expect(names(all)).toEqual(['ar43', 'ar169', 'plain', 'unique169']);
    expect(all.map((x) => x.flags & ModeFlag.PIC_AR_MASK)).toEqual([ModeFlag.PIC_AR_4_3, ModeFlag.PIC_AR_16_9, 0, ModeFlag.PIC_AR_16_9]);
    // ATOMIC implies ASPECT_RATIO (uapi 1.13)
    const atomic = t.open();
    atomic.setClientCap(ClientCap.ATOMIC, 1);
    expect(names(atomic.getConnectorCurrent(connector.id).modes)).toEqual(['ar43', 'ar169', 'plain', 'unique169']);
  });
});

describe('uapi 1.27: GETCONNECTOR state and display info', () => {
  it('reports encoder_id from the state, the status, and the display info (subpixel raw)', async () => {
    // uapi 1.27
    const t = await createTestDevice();
    const card = t.open();
    const a: Partial<IoctlArgs['MODE_GETCONNECTOR']> = { connector_id: t.connector.id, encoder_id: 77 };
    card.fd.ioctl('MODE_GETCONNECTOR', a);
    expect(a).toMatchObject({ encoder_id: 0, connector_id: t.connector.id, connector_type: 15, connector_type_id: 1, connection: 1, mm_width: 0, mm_height: 0, subpixel: SubPixel.UNKNOWN });
    t.connector.state.best_encoder = t.encoder;
    t.connector.state.crtc = t.crtc;
    t.connector.displayInfo = { mm_width: 520, mm_height: 290, subpixel: SubPixel.HORIZONTAL_RGB, non_desktop: false };
    const b: Partial<IoctlArgs['MODE_GETCONNECTOR']> = { connector_id: t.connector.id };
    card.fd.ioctl('MODE_GETCONNECTOR', b);
    expect(b).toMatchObject({ encoder_id: t.encoder.id, mm_width: 520, mm_height: 290, subpixel: 1 });
  });

  it('Card.getConnector reports libdrm\'s subpixel (+1)', async () => {
    // uapi 1.27 (libdrm: r->subpixel = conn.subpixel + 1)
    const t = await createTestDevice();
    const card = t.open();
    expect(card.getConnector(t.connector.id).subpixel).toBe(1); // DRM_MODE_SUBPIXEL_UNKNOWN
    t.connector.displayInfo.subpixel = SubPixel.NONE;
    expect(card.getConnector(t.connector.id).subpixel).toBe(6); // DRM_MODE_SUBPIXEL_NONE
    t.connector.displayInfo.subpixel = SubPixel.VERTICAL_BGR;
    expect(card.getConnector(t.connector.id).subpixel).toBe(5);
  });

  it('the Card decodes everything libdrm does', async () => {
    // uapi 1.24, 1.27
    const t = await createTestDevice();
    const card = t.open();
    const c = card.getConnector(t.connector.id);
    expect(c).toMatchObject({
      connectorId: t.connector.id, encoderId: 0, connectorType: ConnectorType.VIRTUAL, connectorTypeId: 1,
      connection: ConnectorStatus.connected, mmWidth: 0, mmHeight: 0, encoders: [t.encoder.id],
    });
    expect(propNames(card, t.connector.id, ObjectType.CONNECTOR)).toEqual(['DPMS', 'link-status', 'non-desktop', 'TILE']);
    expect(c.props).toEqual(card.getObjectProperties(t.connector.id, ObjectType.CONNECTOR).props);
    expect(c.propValues).toEqual([0n, 0n, 0n, 0n]);
  });
});
