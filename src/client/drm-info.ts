/**
 * `drm_info -j` (emersion/drm_info) over a Card: the same ioctls in the same order, the same JSON
 * tree. drm_info sets client caps on the file it dumps (and reports which were accepted), reads
 * connectors without probing them (drmModeGetConnectorCurrent) and decodes the blobs it knows
 * (IN_FORMATS, MODE_ID, WRITEBACK_PIXEL_FORMATS, PATH). Host facts (uname, drmGetDevice) come from
 * the options.
 *
 * Numbers: fields that are 64-bit in the uapi (caps, property values, ranges, enum values,
 * modifiers) are bigint; 32-bit fields are numbers. drmInfoJson() prints both exactly.
 */
import type { Card, PropertyInfo } from './card.js';
import { ClientCap, Cap, FbFlag, ObjectType, PropFlag } from '../uapi/drm-mode.js';
import { isDrmError } from '../uapi/errno.js';
import type { ModeInfo } from '../uapi/ioctl-structs.js';
import { decodeModeInfo } from '../uapi/modeinfo.js';
import { jsonCStringify, parseInFormatsBlob, type JsonObject, type JsonValue } from './dump-format.js';

/** drm_info releases whose JSON layout this can produce. */
export type DrmInfoLayout =
  /** The layout of the reference capture (/work/shared/reference/vkms-6.12): 5 client caps, 14 caps, no kernel.tainted, no device.bus_data. */
  | 'reference'
  /** Newer drm_info: + CURSOR_PLANE_HOTSPOT, ATOMIC_ASYNC_PAGE_FLIP, kernel.tainted, device.bus_data. */
  | 'latest';

export interface DrmInfoKernel { sysname: string; release: string; version: string; tainted?: number | bigint | null }

/** What drmGetDevice() reports, as drm_info serialises it. */
export interface DrmInfoDevice {
  /** Bit mask of node types (1 << DRM_NODE_PRIMARY = 1, CONTROL = 2, RENDER = 4). */
  available_nodes: number;
  /** DRM_BUS_PCI 0, USB 1, PLATFORM 2, HOST1X 3. */
  bus_type: number;
  device_data: JsonObject | null;
  /** Only in the 'latest' layout. */
  bus_data?: JsonObject | null;
}

export interface DrmInfoOptions {
  /** The node path (the key of the top-level object). Default /dev/dri/card0. */
  nodePath?: string;
  /** uname(2). Default: Linux / vkms-ts. */
  kernel?: DrmInfoKernel;
  /** drmGetDevice(). Default: the platform device "vkms" (primary node only). */
  device?: DrmInfoDevice | null;
  /** Default 'reference'. */
  layout?: DrmInfoLayout;
}

export interface DrmInfoMode {
  clock: number; hdisplay: number; hsync_start: number; hsync_end: number; htotal: number; hskew: number;
  vdisplay: number; vsync_start: number; vsync_end: number; vtotal: number; vscan: number;
  vrefresh: number; flags: number; type: number; name: string;
}

export interface DrmInfoInFormat { modifier: bigint; formats: number[] }

export interface DrmInfoFb {
  id: number; width: number; height: number;
  /** GETFB2 form. */
  format?: number; modifier?: bigint; planes?: { offset: number; pitch: number }[];
  /** Legacy GETFB form. */
  pitch?: number; bpp?: number; depth?: number;
}

export interface DrmInfoProperty {
  id: number;
  flags: number;
  /** flags & (LEGACY_TYPE | EXTENDED_TYPE): RANGE 2, ENUM 8, BLOB 16, BITMASK 32, OBJECT 64, SIGNED_RANGE 128. */
  type: number;
  atomic: boolean;
  immutable: boolean;
  raw_value: bigint;
  /** {min,max} for ranges (signed for SIGNED_RANGE), [{name,value}] for enum/bitmask, the object type for OBJECT. */
  spec: { min: bigint; max: bigint } | { name: string; value: bigint }[] | bigint | null;
  /** The value (signed for SIGNED_RANGE), null for blobs. */
  value: bigint | null;
  /** Decoded blob, SRC_* integer part, or the framebuffer behind FB_ID. */
  data: DrmInfoInFormat[] | DrmInfoMode | number[] | string | bigint | DrmInfoFb | null;
}
export type DrmInfoProperties = Record<string, DrmInfoProperty>;

export interface DrmInfoConnector {
  id: number; type: number; status: number; phy_width: number; phy_height: number; subpixel: number;
  encoder_id: number; encoders: number[]; modes: DrmInfoMode[]; properties: DrmInfoProperties | null;
}
export interface DrmInfoEncoder { id: number; type: number; crtc_id: number; possible_crtcs: number; possible_clones: number }
export interface DrmInfoCrtc {
  id: number; fb_id: number; x: number; y: number; mode: DrmInfoMode | null; gamma_size: number;
  properties: DrmInfoProperties | null;
}
export interface DrmInfoPlane {
  id: number; possible_crtcs: number; crtc_id: number; fb_id: number; crtc_x: number; crtc_y: number;
  x: number; y: number; gamma_size: number; fb: DrmInfoFb | null; formats: number[]; properties: DrmInfoProperties | null;
}

export interface DrmInfoDriver {
  name: string;
  desc: string;
  version: { major: number; minor: number; patch: number; date: string };
  kernel: DrmInfoKernel | null;
  client_caps: Record<string, boolean>;
  caps: Record<string, bigint | null>;
}

export interface DrmInfoNode {
  driver: DrmInfoDriver | null;
  device: DrmInfoDevice | null;
  fb_size: { min_width: number; max_width: number; min_height: number; max_height: number };
  connectors: DrmInfoConnector[];
  encoders: DrmInfoEncoder[];
  crtcs: DrmInfoCrtc[];
  planes: DrmInfoPlane[] | null;
}

/** The emulator's uname(2) as drm_info would report it. */
export const DEFAULT_KERNEL: DrmInfoKernel = { sysname: 'Linux', release: 'vkms-ts', version: '#1 vkms-ts' };

/**
 * drmGetDevice() of the VKMS platform device: without OF data libdrm takes the compatible string
 * and the full name from MODALIAS "platform:vkms".
 */
export const DEFAULT_DEVICE: DrmInfoDevice = {
  available_nodes: 1, bus_type: 2, device_data: { compatible: ['vkms'] }, bus_data: { fullname: 'vkms' },
};

const CLIENT_CAPS_REFERENCE: [string, number][] = [
  ['STEREO_3D', ClientCap.STEREO_3D], ['UNIVERSAL_PLANES', ClientCap.UNIVERSAL_PLANES], ['ATOMIC', ClientCap.ATOMIC],
  ['ASPECT_RATIO', ClientCap.ASPECT_RATIO], ['WRITEBACK_CONNECTORS', ClientCap.WRITEBACK_CONNECTORS],
];
const CLIENT_CAPS_LATEST: [string, number][] = [...CLIENT_CAPS_REFERENCE, ['CURSOR_PLANE_HOTSPOT', ClientCap.CURSOR_PLANE_HOTSPOT]];

const CAPS_REFERENCE: [string, number][] = [
  ['DUMB_BUFFER', Cap.DUMB_BUFFER], ['VBLANK_HIGH_CRTC', Cap.VBLANK_HIGH_CRTC], ['DUMB_PREFERRED_DEPTH', Cap.DUMB_PREFERRED_DEPTH],
  ['DUMB_PREFER_SHADOW', Cap.DUMB_PREFER_SHADOW], ['PRIME', Cap.PRIME], ['TIMESTAMP_MONOTONIC', Cap.TIMESTAMP_MONOTONIC],
  ['ASYNC_PAGE_FLIP', Cap.ASYNC_PAGE_FLIP], ['CURSOR_WIDTH', Cap.CURSOR_WIDTH], ['CURSOR_HEIGHT', Cap.CURSOR_HEIGHT],
  ['ADDFB2_MODIFIERS', Cap.ADDFB2_MODIFIERS], ['PAGE_FLIP_TARGET', Cap.PAGE_FLIP_TARGET],
  ['CRTC_IN_VBLANK_EVENT', Cap.CRTC_IN_VBLANK_EVENT], ['SYNCOBJ', Cap.SYNCOBJ], ['SYNCOBJ_TIMELINE', Cap.SYNCOBJ_TIMELINE],
];
const CAPS_LATEST: [string, number][] = [...CAPS_REFERENCE, ['ATOMIC_ASYNC_PAGE_FLIP', Cap.ATOMIC_ASYNC_PAGE_FLIP]];

/** Run a libdrm-style call: undefined where libdrm would return NULL / an error. */
function attempt<T>(fn: () => T): T | undefined {
  try {
    return fn();
  } catch (e) {
    if (isDrmError(e)) return undefined;
    throw e;
  }
}

export function modeInfoJson(m: ModeInfo): DrmInfoMode {
  return {
    clock: m.clock, hdisplay: m.hdisplay, hsync_start: m.hsync_start, hsync_end: m.hsync_end, htotal: m.htotal, hskew: m.hskew,
    vdisplay: m.vdisplay, vsync_start: m.vsync_start, vsync_end: m.vsync_end, vtotal: m.vtotal, vscan: m.vscan,
    vrefresh: m.vrefresh, flags: m.flags >>> 0, type: m.type >>> 0, name: m.name,
  };
}

function driverInfo(card: Card, kernel: DrmInfoKernel, layout: DrmInfoLayout): DrmInfoDriver | null {
  const ver = attempt(() => card.getVersion());
  if (!ver) return null;
  const client_caps: Record<string, boolean> = {};
  for (const [name, cap] of layout === 'latest' ? CLIENT_CAPS_LATEST : CLIENT_CAPS_REFERENCE) {
    client_caps[name] = attempt(() => { card.setClientCap(cap, 1); return true; }) ?? false;
  }
  const caps: Record<string, bigint | null> = {};
  for (const [name, cap] of layout === 'latest' ? CAPS_LATEST : CAPS_REFERENCE) {
    const v = attempt(() => card.getCap(cap));
    // json_object_new_int64 in the reference release, new_uint64 later
    caps[name] = v === undefined ? null : layout === 'latest' ? BigInt.asUintN(64, v) : BigInt.asIntN(64, v);
  }
  const k: DrmInfoKernel = { sysname: kernel.sysname, release: kernel.release, version: kernel.version };
  if (layout === 'latest') k.tainted = kernel.tainted ?? 0;
  return {
    name: ver.name, desc: ver.desc,
    version: { major: ver.major, minor: ver.minor, patch: ver.patchlevel, date: ver.date },
    kernel: k, client_caps, caps,
  };
}

function deviceInfo(device: DrmInfoDevice | null, layout: DrmInfoLayout): DrmInfoDevice | null {
  if (!device) return null;
  const out: DrmInfoDevice = { available_nodes: device.available_nodes, bus_type: device.bus_type, device_data: device.device_data };
  if (layout === 'latest') out.bus_data = device.bus_data ?? null;
  return out;
}

function fbInfo(card: Card, id: number): DrmInfoFb | null {
  try {
    const fb = card.getFB2(id);
    const out: DrmInfoFb = { id: fb.fbId, width: fb.width, height: fb.height, format: fb.pixelFormat >>> 0 };
    if (fb.flags & FbFlag.MODIFIERS) out.modifier = fb.modifier;
    out.planes = [];
    for (let i = 0; i < 4; i++) {
      if (!fb.pitches[i]) continue;
      out.planes.push({ offset: fb.offsets[i] ?? 0, pitch: fb.pitches[i]! });
    }
    return out;
  } catch (e) {
    if (!isDrmError(e)) throw e;
    if (e.code !== 'EINVAL') return null;
  }
  // drmModeGetFB fallback (GETFB2 unsupported)
  const a = attempt(() => card.ioctl('MODE_GETFB', { fb_id: id }));
  if (!a) return null;
  return { id: a.fb_id ?? id, width: a.width ?? 0, height: a.height ?? 0, pitch: a.pitch ?? 0, bpp: a.bpp ?? 0, depth: a.depth ?? 0 };
}

/** The blobs drm_info decodes (HDR_OUTPUT_METADATA of newer releases is not: no virtual device has it). */
function blobData(card: Card, prop: PropertyInfo, value: bigint): DrmInfoProperty['data'] {
  const blob = () => attempt(() => card.getPropertyBlob(Number(value)));
  switch (prop.name) {
    case 'IN_FORMATS': {
      const b = blob();
      if (!b) return null;
      const { formats, modifiers } = parseInFormatsBlob(b);
      return modifiers.map((m) => {
        const list: number[] = [];
        for (let j = 0n; j < 64n; j++) if (m.formats & (1n << j)) list.push(formats[Number(j) + m.offset]!);
        return { modifier: m.modifier, formats: list };
      });
    }
    case 'MODE_ID': {
      const b = blob();
      return b ? modeInfoJson(decodeModeInfo(b)) : null;
    }
    case 'WRITEBACK_PIXEL_FORMATS': {
      const b = blob();
      if (!b) return null;
      const v = new DataView(b.buffer, b.byteOffset, b.byteLength);
      return Array.from({ length: Math.floor(b.byteLength / 4) }, (_, i) => v.getUint32(4 * i, true));
    }
    case 'PATH': {
      const b = blob();
      // json_object_new_string_len(data, length): every byte, a trailing NUL included
      return b ? Array.from(b, (c) => String.fromCharCode(c)).join('') : null;
    }
    default:
      return null;
  }
}

/** properties_info(): every property of an object, keyed by name, in enumeration order. */
export function propertiesInfo(card: Card, id: number, objType: number): DrmInfoProperties | null {
  const props = attempt(() => card.getObjectProperties(id, objType));
  if (!props) return null;
  const out: DrmInfoProperties = {};
  props.props.forEach((propId, i) => {
    const prop = attempt(() => card.getProperty(propId));
    if (!prop) return;
    const flags = prop.flags >>> 0;
    const type = flags & (PropFlag.LEGACY_TYPE | PropFlag.EXTENDED_TYPE);
    const raw = BigInt.asUintN(64, props.propValues[i]!);
    const u = (x: bigint | undefined) => BigInt.asUintN(64, x ?? 0n);
    const s = (x: bigint | undefined) => BigInt.asIntN(64, x ?? 0n);
    let spec: DrmInfoProperty['spec'] = null;
    let value: bigint | null = null;
    let data: DrmInfoProperty['data'] = null;
    switch (type) {
      case PropFlag.RANGE:
        spec = { min: u(prop.values[0]), max: u(prop.values[1]) };
        value = raw;
        if (prop.name.startsWith('SRC_')) data = raw >> 16n; // 16.16 fixed point
        break;
      case PropFlag.ENUM:
      case PropFlag.BITMASK:
        spec = prop.enums.map((e) => ({ name: e.name, value: u(e.value) }));
        value = raw;
        break;
      case PropFlag.OBJECT:
        spec = u(prop.values[0]);
        value = raw;
        if (raw !== 0n && prop.name === 'FB_ID') data = fbInfo(card, Number(raw));
        break;
      case PropFlag.SIGNED_RANGE:
        spec = { min: s(prop.values[0]), max: s(prop.values[1]) };
        value = s(raw);
        break;
      case PropFlag.BLOB:
        if (raw !== 0n) data = blobData(card, prop, raw);
        break;
      default:
        break;
    }
    out[prop.name] = {
      id: propId, flags, type, atomic: (flags & PropFlag.ATOMIC) !== 0, immutable: (flags & PropFlag.IMMUTABLE) !== 0,
      raw_value: raw, spec, value, data,
    };
  });
  return out;
}

/**
 * Dump one device the way drm_info's node_info() does. The card's client caps are changed (drm_info
 * enables every cap it lists); use a freshly opened Card.
 */
export function drmInfo(card: Card, opts: DrmInfoOptions = {}): DrmInfoNode {
  const layout = opts.layout ?? 'reference';
  const driver = driverInfo(card, opts.kernel ?? DEFAULT_KERNEL, layout);
  const device = deviceInfo(opts.device === undefined ? DEFAULT_DEVICE : opts.device, layout);
  const res = card.getResources();

  const connectors: DrmInfoConnector[] = [];
  for (const cid of res.connectors) {
    const c = attempt(() => card.getConnectorCurrent(cid));
    if (!c) continue;
    connectors.push({
      id: c.connectorId, type: c.connectorType, status: c.connection, phy_width: c.mmWidth, phy_height: c.mmHeight,
      subpixel: c.subpixel, encoder_id: c.encoderId, encoders: [...c.encoders], modes: c.modes.map(modeInfoJson),
      properties: propertiesInfo(card, c.connectorId, ObjectType.CONNECTOR),
    });
  }

  const encoders: DrmInfoEncoder[] = [];
  for (const eid of res.encoders) {
    const e = attempt(() => card.getEncoder(eid));
    if (!e) continue;
    encoders.push({ id: e.encoderId, type: e.encoderType, crtc_id: e.crtcId, possible_crtcs: e.possibleCrtcs >>> 0, possible_clones: e.possibleClones >>> 0 });
  }

  const crtcs: DrmInfoCrtc[] = [];
  for (const id of res.crtcs) {
    const c = attempt(() => card.getCrtc(id));
    if (!c) continue;
    crtcs.push({
      id: c.crtcId, fb_id: c.bufferId, x: c.x, y: c.y, mode: c.modeValid ? modeInfoJson(c.mode) : null,
      gamma_size: c.gammaSize | 0, properties: propertiesInfo(card, c.crtcId, ObjectType.CRTC),
    });
  }

  let planes: DrmInfoPlane[] | null = null;
  const planeIds = attempt(() => card.getPlaneResources());
  if (planeIds) {
    planes = [];
    for (const pid of planeIds) {
      const p = attempt(() => card.getPlane(pid));
      if (!p) continue;
      planes.push({
        // drmModeGetPlane leaves crtc_x/crtc_y/x/y at 0: struct drm_mode_get_plane has no such fields
        id: p.planeId, possible_crtcs: p.possibleCrtcs >>> 0, crtc_id: p.crtcId, fb_id: p.fbId, crtc_x: 0, crtc_y: 0, x: 0, y: 0,
        gamma_size: p.gammaSize, fb: p.fbId ? fbInfo(card, p.fbId) : null, formats: p.formats.map((f) => f >>> 0),
        properties: propertiesInfo(card, p.planeId, ObjectType.PLANE),
      });
    }
  }

  return {
    driver, device,
    fb_size: { min_width: res.minWidth, max_width: res.maxWidth, min_height: res.minHeight, max_height: res.maxHeight },
    connectors, encoders, crtcs, planes,
  };
}

/** The `drm_info -j` text of one or more nodes (keyed by node path), byte for byte as json-c prints it. */
export function drmInfoJson(devices: Record<string, DrmInfoNode>): string {
  return jsonCStringify(devices as unknown as JsonValue);
}
