/**
 * vkms_output_init: the KMS objects of one VKMS device, created in the profile's order so IDs,
 * indexes and property IDs come out as the kernel's (6.12: planes, CRTC, connector, encoder,
 * writeback; mainline: planes, CRTCs with their writeback, encoders, connectors).
 */
import { ColorEncoding, ColorRange, ColoropCurve1d, ConnectorStatus, ConnectorType, CONNECTOR_TYPE_NAMES, EncoderType, PlaneType, Rotation } from '../uapi/drm-mode.js';
import { Fourcc, type FourccName } from '../uapi/fourcc.js';
import type { ModeInfo } from '../uapi/ioctl-structs.js';
import { updateEdidProperty, type Connector, type Crtc, type Encoder, type Plane, type UnregisteredDevice } from '../drm/driver/index.js';
import { connectorEdid } from './edid.js';
import { VkmsConfigError, type ConnectorConfig, type PlaneConfig } from './config.js';
import { defaultModes, vkmsConnectorFuncs, XRES_MAX, YRES_MAX } from './connector.js';
import { vkmsCrtcFuncs } from './crtc.js';
import { resolveModes } from './modes.js';
import { vkmsPlaneFuncs } from './plane.js';
import type { VkmsData, VkmsTypes } from './types.js';
import { vkmsWritebackFuncs } from './writeback.js';
import { createOutput } from './composer.js';

const PLANE_TYPES = { primary: PlaneType.PRIMARY, overlay: PlaneType.OVERLAY, cursor: PlaneType.CURSOR } as const;
const STATUS = { connected: ConnectorStatus.connected, disconnected: ConnectorStatus.disconnected, unknown: ConnectorStatus.unknown } as const;
const BLEND_BITS = { 'Pre-multiplied': 1 << 0, Coverage: 1 << 1, None: 1 << 2 } as const;

/**
 * vkms_initialize_color_pipeline: 1D curve {sRGB EOTF, sRGB inverse EOTF} → 3x4 matrix → 3x4
 * matrix → 1D curve, every op bypassable, named "Color Pipeline <first op ID>".
 */
const SRGB_CURVES = [ColoropCurve1d.SRGB_EOTF, ColoropCurve1d.SRGB_INV_EOTF];
export const VKMS_COLOR_PIPELINE = [
  { type: 'curve-1d', curves: SRGB_CURVES }, { type: 'ctm-3x4' }, { type: 'ctm-3x4' }, { type: 'curve-1d', curves: SRGB_CURVES },
] as const;

function planeFormats(data: VkmsData, p: PlaneConfig, i: number): number[] {
  if (!p.formats) return [...data.profile.planeFormats];
  return p.formats.map((name, j) => {
    const code = Fourcc[name as FourccName];
    if (code === undefined || !data.profile.planeFormats.includes(code)) throw new VkmsConfigError(`planes[${i}].formats[${j}]`, `"${name}" is not a plane format of the ${data.profile.name} profile`);
    return code;
  });
}

export function connectorType(c: ConnectorConfig, i: number): number {
  if (!c.type) return ConnectorType.VIRTUAL;
  const t = CONNECTOR_TYPE_NAMES.indexOf(c.type);
  if (t < 0 || t === ConnectorType.WRITEBACK) throw new VkmsConfigError(`connectors[${i}].type`, `unknown connector type "${c.type}" (one of ${CONNECTOR_TYPE_NAMES.filter((n) => n !== 'Writeback').join(', ')})`);
  return t;
}

export function createOutputs(u: UnregisteredDevice<VkmsTypes>, data: VkmsData, onVblank: (crtcIndex: number, count: bigint, t: bigint) => void): void {
  const t = data.topology, prof = data.profile;
  const crtcIndex = new Map(t.crtcs.map((c, i) => [c.name, i]));
  const maskOf = (names: string[]) => names.reduce((m, n) => m | (1 << crtcIndex.get(n)!), 0);
  // 1. planes, in configuration order (= blending order, 2.2)
  t.planes.forEach((p, i) => {
    const type = PLANE_TYPES[p.type ?? 'overlay'];
    const plane = u.createPlane({ type, possibleCrtcs: maskOf(p.possible_crtcs), formats: planeFormats(data, p, i), funcs: vkmsPlaneFuncs(p.scaling === true), name: p.name });
    u.addRotationProperty(plane, Rotation.ROTATE_0, Rotation.ROTATE_MASK | Rotation.REFLECT_MASK);
    if (prof.colorProperties) u.addColorProperties(plane, 0b111, 0b11, ColorEncoding.BT601, ColorRange.FULL);
    // vkms_plane_init: the colorops come right after the colour properties; 6.12 has none
    if (p.default_pipeline && prof.name === 'latest') u.createColorPipeline(plane, VKMS_COLOR_PIPELINE);
    if (p.zpos) u.addZposProperty(plane, p.zpos.value, p.zpos.min ?? 0, p.zpos.max ?? 255, p.zpos.immutable ?? false);
    if (p.alpha) u.addAlphaProperty(plane);
    if (p.blend_modes) u.addBlendModeProperty(plane, p.blend_modes.reduce((m, b) => m | BLEND_BITS[b], 0) | 1);
    data.planes.set(p.name, plane);
  });
  const planeFor = (crtc: string, kind: 'primary' | 'cursor'): Plane | null => {
    const cfg = t.planes.find((p) => (p.type ?? 'overlay') === kind && p.possible_crtcs.includes(crtc));
    return cfg ? data.planes.get(cfg.name)! : null;
  };
  const makeCrtc = (i: number): Crtc => {
    const c = t.crtcs[i]!;
    const gamma = c.gamma_size ?? 256;
    const crtc = u.createCrtc({ primary: planeFor(c.name, 'primary'), cursor: planeFor(c.name, 'cursor'), funcs: vkmsCrtcFuncs(onVblank, gamma > 0), name: c.name });
    if (gamma > 0) {
      u.setGammaSize(crtc, gamma);
      u.enableColorMgmt(crtc, 0, false, gamma);
    }
    if (c.background_color) u.addBackgroundColorProperty(crtc);
    data.crtcs.set(c.name, crtc);
    data.outputs.set(crtc, createOutput(crtc));
    return crtc;
  };
  const makeWriteback = (i: number, crtc: Crtc): void => {
    if (!t.crtcs[i]!.is_writeback_enabled) return;
    const wb = u.createWritebackConnector({ formats: prof.writebackFormats, possibleCrtcs: 1 << crtc.index, funcs: vkmsWritebackFuncs(prof.writebackFormats, XRES_MAX, YRES_MAX) });
    data.outputs.get(crtc)!.writeback = wb;
  };
  const makeEncoder = (i: number): Encoder => {
    const e = t.encoders[i]!;
    const enc = u.createEncoder({ type: EncoderType.VIRTUAL, possibleCrtcs: maskOf(e.possible_crtcs), name: e.name });
    data.encoders.set(e.name, enc);
    return enc;
  };
  const makeConnector = (i: number): Connector => {
    const c = t.connectors[i]!;
    const type = connectorType(c, i);
    let modes: ModeInfo[] | null = c.modes ? resolveModes(c, i) : null;
    if (c.edid !== undefined && (type === ConnectorType.VIRTUAL)) throw new VkmsConfigError(`connectors[${i}].edid`, 'Virtual connectors have no EDID property: give a connector type (e.g. "HDMI-A")');
    const edid = connectorEdid(c, i, modes ?? defaultModes().filter((m) => m.type & 8));
    if (edid && !c.modes) modes = edid.modes;
    let conn!: Connector;
    const core = u.drm;
    conn = u.createConnector({ type, funcs: vkmsConnectorFuncs(() => data.status.get(conn) ?? 1, () => {
      if (edid) updateEdidProperty(core, conn, edid.bytes); // drm_edid_connector_update
      return modes ? modes.map((m) => ({ ...m })) : defaultModes();
    }) });
    data.status.set(conn, STATUS[c.status ?? 'connected']);
    const mm = c.mm ?? edid?.mm;
    if (mm) conn.displayInfo.mm_width = mm[0], conn.displayInfo.mm_height = mm[1];
    data.connectors.set(c.name, conn);
    return conn;
  };
  const attach = (i: number) => {
    const c = t.connectors[i]!;
    const conn = data.connectors.get(c.name)!;
    for (const e of c.possible_encoders) u.attachEncoder(conn, data.encoders.get(e)!);
  };
  if (prof.objectOrder === 'linux-6.12') {
    // vkms_output_init (6.12): CRTC, connector, encoder, attach, then the writeback connector
    t.crtcs.forEach((_, i) => makeCrtc(i));
    t.connectors.forEach((_, i) => makeConnector(i));
    t.encoders.forEach((_, i) => makeEncoder(i));
    t.connectors.forEach((_, i) => attach(i));
    t.crtcs.forEach((_, i) => makeWriteback(i, data.crtcs.get(t.crtcs[i]!.name)!));
  } else {
    t.crtcs.forEach((_, i) => makeWriteback(i, makeCrtc(i)));
    t.encoders.forEach((_, i) => makeEncoder(i));
    t.connectors.forEach((_, i) => { makeConnector(i); attach(i); });
  }
  // latest: possible_clones = every encoder, writeback ones included, so a writeback connector can
  // clone an output; 6.12 leaves 0, fixed up to the encoder itself at registration (uapi 3.57)
  if (prof.encoderClonesAll) {
    const encs = u.drm.encoders;
    const all = encs.reduce((m, e) => m | (1 << e.index), 0);
    for (const e of encs) e.possibleClones = all;
  }
}
