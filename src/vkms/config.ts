/**
 * The VKMS topology (vkms_config), in the vkmsctl/configfs JSON shape (conventions.md §1), plus
 * what users ask VKMS for (modes, EDID, connector type, per-plane formats/zpos/alpha/blend,
 * gamma size, background colour). Validation follows vkms_config_is_valid with messages naming
 * the offending object and field.
 */
import type { ModeInfo } from '../uapi/ioctl-structs.js';

export type PlaneKind = 'primary' | 'overlay' | 'cursor';
export type ConnectorStatusName = 'connected' | 'disconnected' | 'unknown';

export interface PlaneConfig {
  name: string;
  /** Default overlay, as configfs. */
  type?: PlaneKind;
  possible_crtcs: string[];
  /** Fourcc names (e.g. "XRGB8888") to restrict the profile's list. */
  formats?: string[];
  /** Beyond VKMS: a zpos property (immutable when min === max). */
  zpos?: { value: number; min?: number; max?: number; immutable?: boolean };
  /** Beyond VKMS: plane-wide alpha and pixel blend mode properties. */
  alpha?: boolean;
  blend_modes?: ('None' | 'Pre-multiplied' | 'Coverage')[];
  /** Beyond VKMS: accept scaling from 1/16x to 16x (VKMS allows none: ERANGE, uapi 3.58). */
  scaling?: boolean;
  /**
   * vkms_config_plane.default_pipeline: give the plane VKMS's colour pipeline (COLOR_PIPELINE +
   * 4 colorops; latest profile only). The enable_plane_pipeline module parameter sets it on
   * every plane of the default topology.
   */
  default_pipeline?: boolean;
}

export interface CrtcConfig {
  name: string;
  is_writeback_enabled?: boolean;
  /** GAMMA_LUT_SIZE (VKMS: 256). */
  gamma_size?: number;
  /** Beyond 6.19 VKMS: the BACKGROUND_COLOR property. */
  background_color?: boolean;
}

export interface EncoderConfig {
  name: string;
  possible_crtcs: string[];
}

export interface ModeConfigEntry {
  /** "WxH" or "WxH@R" (a DMT/CVT mode), or full timings. */
  mode: string | ModeInfo;
  preferred?: boolean;
}

export interface ConnectorConfig {
  name: string;
  status?: ConnectorStatusName;
  possible_encoders: string[];
  /** Connector type name (Virtual default; e.g. "HDMI-A", "DP", "eDP"). */
  type?: string;
  /** Explicit modes; default: the DMT list up to 8192x8192 with 1024x768 preferred. */
  modes?: ModeConfigEntry[];
  /** EDID: "generate" builds an EDID 1.4 block from the modes; a base64 string or byte array loads one. */
  edid?: 'generate' | string | number[];
  /** Physical size in mm. */
  mm?: [number, number];
}

export interface VkmsTopology {
  name?: string;
  /** The device clock (DESIGN.md §4); createVkms's `clock` option wins when both are given. */
  clock?: 'realtime' | 'manual' | 'immediate';
  planes: PlaneConfig[];
  crtcs: CrtcConfig[];
  encoders: EncoderConfig[];
  connectors: ConnectorConfig[];
}

/** VKMS's module parameters. */
export interface ModuleParams {
  enable_cursor?: boolean;
  enable_writeback?: boolean;
  enable_overlay?: boolean;
  enable_plane_pipeline?: boolean;
}

export const NUM_OVERLAY_PLANES = 8;

/** vkms_config_default_create: what the module parameters describe. */
export function defaultTopology(p: ModuleParams = {}): VkmsTopology {
  const cursor = p.enable_cursor ?? true, wb = p.enable_writeback ?? true, overlay = p.enable_overlay ?? false;
  // vkms_config_plane_set_default_pipeline(plane_cfg, enable_plane_pipeline) on every plane
  const pipe = p.enable_plane_pipeline ? { default_pipeline: true } : {};
  const planes: PlaneConfig[] = [{ name: 'primary', type: 'primary', possible_crtcs: ['crtc0'], ...pipe }];
  if (overlay) for (let i = 0; i < NUM_OVERLAY_PLANES; i++) planes.push({ name: `overlay${i}`, type: 'overlay', possible_crtcs: ['crtc0'], ...pipe });
  if (cursor) planes.push({ name: 'cursor', type: 'cursor', possible_crtcs: ['crtc0'], ...pipe });
  return {
    name: 'vkms',
    planes,
    crtcs: [{ name: 'crtc0', is_writeback_enabled: wb }],
    encoders: [{ name: 'encoder0', possible_crtcs: ['crtc0'] }],
    connectors: [{ name: 'connector0', status: 'connected', possible_encoders: ['encoder0'] }],
  };
}

export class VkmsConfigError extends Error {
  constructor(readonly path: string, msg: string) {
    super(`${path}: ${msg}`);
    this.name = 'VkmsConfigError';
  }
}

function checkNames(kind: string, items: { name: unknown }[]): void {
  const seen = new Set<string>();
  items.forEach((it, i) => {
    if (typeof it.name !== 'string' || !it.name) throw new VkmsConfigError(`${kind}[${i}].name`, 'must be a non-empty string');
    if (seen.has(it.name)) throw new VkmsConfigError(`${kind}[${i}].name`, `duplicate name "${it.name}"`);
    seen.add(it.name);
  });
}

function checkRefs(path: string, refs: unknown, names: Set<string>, what: string): void {
  if (!Array.isArray(refs)) throw new VkmsConfigError(path, `must be an array of ${what} names`);
  refs.forEach((r, i) => {
    if (typeof r !== 'string' || !names.has(r)) throw new VkmsConfigError(`${path}[${i}]`, `unknown ${what} "${String(r)}"`);
  });
}

/**
 * vkms_config_is_valid: 1..31 of each object; every plane has a CRTC; each CRTC exactly one
 * primary and at most one cursor; every encoder a CRTC and every CRTC an encoder; every connector
 * an encoder. Throws VkmsConfigError naming the object and field.
 */
export function validateTopology(t: VkmsTopology): void {
  if (!t || typeof t !== 'object') throw new VkmsConfigError('topology', 'must be an object');
  if (t.clock !== undefined && !['realtime', 'manual', 'immediate'].includes(t.clock)) throw new VkmsConfigError('clock', `must be realtime, manual or immediate, not "${String(t.clock)}"`);
  for (const k of ['planes', 'crtcs', 'encoders', 'connectors'] as const) {
    const list = t[k];
    if (!Array.isArray(list)) throw new VkmsConfigError(k, 'must be an array');
    if (list.length < 1 || list.length > 31) throw new VkmsConfigError(k, `needs 1..31 entries, has ${list.length}`);
    checkNames(k, list);
  }
  const crtcs = new Set(t.crtcs.map((c) => c.name)), encs = new Set(t.encoders.map((e) => e.name));
  t.planes.forEach((p, i) => {
    if (p.type !== undefined && !['primary', 'overlay', 'cursor'].includes(p.type)) throw new VkmsConfigError(`planes[${i}].type`, `must be primary, overlay or cursor, not "${String(p.type)}"`);
    checkRefs(`planes[${i}].possible_crtcs`, p.possible_crtcs, crtcs, 'CRTC');
    if (p.possible_crtcs.length === 0) throw new VkmsConfigError(`planes[${i}].possible_crtcs`, `plane "${p.name}" has no possible CRTC`);
    if (p.default_pipeline !== undefined && typeof p.default_pipeline !== 'boolean') throw new VkmsConfigError(`planes[${i}].default_pipeline`, `must be true or false, not ${JSON.stringify(p.default_pipeline)}`);
    p.blend_modes?.forEach((b, j) => {
      if (!['None', 'Pre-multiplied', 'Coverage'].includes(b)) throw new VkmsConfigError(`planes[${i}].blend_modes[${j}]`, `must be None, Pre-multiplied or Coverage, not "${String(b)}"`);
    });
    if (p.zpos) {
      const { value, min = 0, max = 255 } = p.zpos;
      if (![value, min, max].every(Number.isInteger) || min > max || value < min || value > max) throw new VkmsConfigError(`planes[${i}].zpos`, `plane "${p.name}": zpos ${value} must be an integer in ${min}..${max}`);
    }
  });
  for (const c of t.crtcs) {
    const mine = t.planes.filter((p) => p.possible_crtcs.includes(c.name));
    const primaries = mine.filter((p) => p.type === 'primary').length, cursors = mine.filter((p) => p.type === 'cursor').length;
    if (primaries !== 1) throw new VkmsConfigError(`crtcs[${t.crtcs.indexOf(c)}]`, `CRTC "${c.name}" has ${primaries} primary planes, needs exactly 1`);
    if (cursors > 1) throw new VkmsConfigError(`crtcs[${t.crtcs.indexOf(c)}]`, `CRTC "${c.name}" has ${cursors} cursor planes, at most 1`);
    if (c.gamma_size !== undefined && (!Number.isInteger(c.gamma_size) || c.gamma_size < 0 || c.gamma_size > 4096)) throw new VkmsConfigError(`crtcs[${t.crtcs.indexOf(c)}].gamma_size`, 'must be an integer in 0..4096');
  }
  t.encoders.forEach((e, i) => {
    checkRefs(`encoders[${i}].possible_crtcs`, e.possible_crtcs, crtcs, 'CRTC');
    if (e.possible_crtcs.length === 0) throw new VkmsConfigError(`encoders[${i}].possible_crtcs`, `encoder "${e.name}" has no possible CRTC`);
  });
  for (const c of t.crtcs) if (!t.encoders.some((e) => e.possible_crtcs.includes(c.name))) throw new VkmsConfigError(`crtcs[${t.crtcs.indexOf(c)}]`, `CRTC "${c.name}" has no encoder`);
  t.connectors.forEach((c, i) => {
    checkRefs(`connectors[${i}].possible_encoders`, c.possible_encoders, encs, 'encoder');
    if (c.possible_encoders.length === 0) throw new VkmsConfigError(`connectors[${i}].possible_encoders`, `connector "${c.name}" has no possible encoder`);
    if (c.status !== undefined && !['connected', 'disconnected', 'unknown'].includes(c.status)) throw new VkmsConfigError(`connectors[${i}].status`, `must be connected, disconnected or unknown, not "${String(c.status)}"`);
  });
}
