/**
 * libdrm's `modetest` listing (tests/modetest/modetest.c: get_resources + dump_encoders,
 * dump_connectors, dump_crtcs, dump_planes, dump_framebuffers) over a Card. Like modetest it sets
 * DRM_CLIENT_CAP_UNIVERSAL_PLANES (and ATOMIC + WRITEBACK_CONNECTORS with `-a`) and reads
 * connectors with drmModeGetConnector, which probes them when the file is master.
 */
import type { Card, ConnectorInfo, CrtcInfo, EncoderInfo, ObjectProperties, PlaneInfo, PropertyInfo } from './card.js';
import { CONNECTOR_TYPE_NAMES, ClientCap, ModeFlag, ObjectType, PropFlag } from '../uapi/drm-mode.js';
import { DrmError, isDrmError } from '../uapi/errno.js';
import type { ModeInfo } from '../uapi/ioctl-structs.js';
import { DRM_FORMAT_MOD_INVALID } from '../uapi/fourcc.js';
import { cFixed, cIntShiftToU64, drmGetFormatName, drmModifierName, drmModifierVendor, hex, parseInFormatsBlob } from './dump-format.js';

export interface ModetestOptions {
  /** `-e` */ encoders?: boolean;
  /** `-c` */ connectors?: boolean;
  /** `-p`: CRTCs and planes */ crtcs?: boolean;
  /** `-p` */ planes?: boolean;
  /** `-f` */ framebuffers?: boolean;
  /** `-a`: set ATOMIC and WRITEBACK_CONNECTORS first (atomic properties and writeback connectors show). */
  atomic?: boolean;
  /** Where modetest's stderr lines go (failed lookups). */
  stderr?: (line: string) => void;
}

/**
 * The query flags of a modetest command line (getopt "acdD:efF:M:P:ps:Cvrw:o:S:"): `-c -e -p -f`
 * select listings, `-a` asks for atomic; like modetest, any option other than -a/-D/-M turns the
 * "dump everything" default off.
 */
export function modetestArgs(argv: readonly string[]): ModetestOptions {
  const o: ModetestOptions = {};
  let args = 0;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (!a.startsWith('-') || a.length < 2) continue;
    for (let j = 1; j < a.length; j++) {
      const ch = a[j]!;
      args++;
      if (ch === 'c') o.connectors = true;
      else if (ch === 'e') o.encoders = true;
      else if (ch === 'p') { o.crtcs = true; o.planes = true; }
      else if (ch === 'f') o.framebuffers = true;
      else if (ch === 'a') { o.atomic = true; args--; }
      else if ('DFMPswoS'.includes(ch)) {
        if (ch === 'D' || ch === 'M') args--;
        if (j === a.length - 1) i++; // the argument is the next word
        break; // or the rest of this one
      }
    }
  }
  if (args === 0) Object.assign(o, { encoders: true, connectors: true, crtcs: true, planes: true, framebuffers: true });
  return o;
}

interface Obj<T> { obj: T; props: ObjectProperties | null; info: (PropertyInfo | null)[] }
interface Resources {
  crtcs: (Obj<CrtcInfo> | null)[];
  encoders: (EncoderInfo | null)[];
  connectors: ({ obj: ConnectorInfo; name: string; props: ObjectProperties | null; info: (PropertyInfo | null)[] } | null)[];
  fbs: ({ id: number; width: number; height: number; pitch: number } | null)[];
  planes: (Obj<PlaneInfo> | null)[];
}

const ENCODER_TYPE_NAMES: Record<number, string> = { 0: 'none', 1: 'DAC', 2: 'TMDS', 3: 'LVDS', 4: 'TVDAC', 5: 'Virtual', 6: 'DSI', 7: 'DPMST', 8: 'DPI' };
const STATUS_NAMES: Record<number, string> = { 1: 'connected', 2: 'disconnected', 3: 'unknown' };
const MODE_TYPE_NAMES = ['builtin', 'clock_c', 'crtc_c', 'preferred', 'default', 'userdef', 'driver'];
const MODE_FLAG_NAMES = ['phsync', 'nhsync', 'pvsync', 'nvsync', 'interlace', 'dblscan', 'csync', 'pcsync', 'ncsync', 'hskew', 'bcast', 'pixmux', 'dblclk', 'clkdiv2'];

const ZERO_MODE: ModeInfo = {
  clock: 0, hdisplay: 0, hsync_start: 0, hsync_end: 0, htotal: 0, hskew: 0, vdisplay: 0, vsync_start: 0, vsync_end: 0,
  vtotal: 0, vscan: 0, vrefresh: 0, flags: 0, type: 0, name: '',
};

/** printf "%s" of a possibly-NULL string, as glibc prints it. */
const cstr = (s: string | undefined): string => s ?? '(null)';
/** printf "%d" of a 32-bit value. */
const d = (v: number): number => v | 0;

function attempt<T>(fn: () => T, onError?: (e: DrmError) => void): T | null {
  try {
    return fn();
  } catch (e) {
    if (isDrmError(e)) { onError?.(e); return null; }
    throw e;
  }
}

const strerror = (e: DrmError): string => e.message.replace(/^.*?\((.*?)\).*$/s, '$1');

/** modetest's mode_vrefresh(): a float computed from unsigned timings. */
export function modeVrefresh(m: ModeInfo): number {
  let num = m.clock >>> 0;
  let den = Math.imul(m.htotal, m.vtotal) >>> 0;
  if (m.flags & ModeFlag.INTERLACE) num = Math.imul(num, 2) >>> 0;
  if (m.flags & ModeFlag.DBLSCAN) den = Math.imul(den, 2) >>> 0;
  if (m.vscan > 1) den = Math.imul(den, m.vscan) >>> 0;
  return Math.fround((num * 1000.0) / den);
}

function bitNames(names: string[], v: number): string {
  return names.filter((_, i) => v & (1 << i)).join(', ');
}

function dumpMode(o: string[], m: ModeInfo, index: number): void {
  o.push(`  #${index} ${m.name} ${cFixed(modeVrefresh(m), 2)} ${m.hdisplay} ${m.hsync_start} ${m.hsync_end} ${m.htotal} ` +
    `${m.vdisplay} ${m.vsync_start} ${m.vsync_end} ${m.vtotal} ${d(m.clock)}`);
  o.push(` flags: ${bitNames(MODE_FLAG_NAMES, m.flags)}; type: ${bitNames(MODE_TYPE_NAMES, m.type)}\n`);
}

function getResources(card: Card, err: (l: string) => void): Resources {
  attempt(() => card.setClientCap(ClientCap.UNIVERSAL_PLANES, 1));
  const res = card.getResources();
  const failed = (kind: string, id: number) => (e: DrmError) => err(`could not get ${kind} ${d(id)}: ${strerror(e)}`);
  const out: Resources = {
    crtcs: res.crtcs.map((id) => { const c = attempt(() => card.getCrtc(id), failed('crtc', id)); return c ? { obj: c, props: null, info: [] } : null; }),
    encoders: res.encoders.map((id) => attempt(() => card.getEncoder(id), failed('encoder', id))),
    connectors: res.connectors.map((id) => {
      const c = attempt(() => card.getConnector(id), failed('connector', id));
      return c ? { obj: c, name: `${cstr(CONNECTOR_TYPE_NAMES[c.connectorType])}-${c.connectorTypeId >>> 0}`, props: null, info: [] } : null;
    }),
    fbs: res.fbs.map((id) => {
      const a = attempt(() => card.ioctl('MODE_GETFB', { fb_id: id }), failed('fb', id));
      return a ? { id: a.fb_id ?? id, width: a.width ?? 0, height: a.height ?? 0, pitch: a.pitch ?? 0 } : null;
    }),
    planes: [],
  };
  const getProps = (kind: string, o: { props: ObjectProperties | null; info: (PropertyInfo | null)[] }, id: number, type: number) => {
    o.props = attempt(() => card.getObjectProperties(id, type), (e) => err(`could not get ${kind} ${d(id)} properties: ${strerror(e)}`));
    if (o.props) o.info = o.props.props.map((pid) => attempt(() => card.getProperty(pid)));
  };
  for (const c of out.crtcs) if (c) getProps('crtc', c, c.obj.crtcId, ObjectType.CRTC);
  for (const c of out.connectors) if (c) getProps('connector', c, c.obj.connectorId, ObjectType.CONNECTOR);
  const planeIds = attempt(() => card.getPlaneResources(), (e) => err(`drmModeGetPlaneResources failed: ${strerror(e)}`));
  if (planeIds) {
    out.planes = planeIds.map((id) => { const p = attempt(() => card.getPlane(id), failed('plane', id)); return p ? { obj: p, props: null, info: [] } : null; });
    for (const p of out.planes) if (p) getProps('plane', p, p.obj.planeId, ObjectType.PLANE);
  }
  return out;
}

/** drm_property_type_is(): extended types compare equal, legacy types test the bit. */
function typeIs(p: PropertyInfo, type: number): boolean {
  const flags = p.flags >>> 0;
  if (flags & PropFlag.EXTENDED_TYPE) return (flags & PropFlag.EXTENDED_TYPE) === type;
  return (flags & type) !== 0;
}

function dumpBlob(o: string[], card: Card, blobId: bigint): void {
  const data = attempt(() => card.getPropertyBlob(Number(BigInt.asUintN(32, blobId))));
  if (!data) { o.push('\n'); return; }
  for (let i = 0; i < data.length; i++) {
    if (i % 16 === 0) o.push('\n\t\t\t');
    o.push(hex(data[i]!, 2));
  }
  o.push('\n');
}

/** modifier_to_string(): "LINEAR" alone, else "<VENDOR>_<NAME>", unknown parts spelt UNKNOWN_*. */
function modifierToString(mod: bigint): string {
  const name = drmModifierName(mod), vendor = drmModifierVendor(mod);
  if (!name) return `${vendor ?? 'UNKNOWN_VENDOR'}_UNKNOWN_MODIFIER`;
  if (mod === 0n) return name;
  return `${cstr(vendor)}_${name}`;
}

/** dump_in_formats(): libdrm's drmModeFormatModifierBlobIterNext order, one line per format. */
function dumpInFormats(o: string[], card: Card, blobId: bigint): void {
  o.push('\t\tin_formats blob decoded:\n');
  const data = attempt(() => card.getPropertyBlob(Number(BigInt.asUintN(32, blobId))));
  if (!data) { o.push('\n'); return; }
  const { formats, modifiers } = parseInFormatsBlob(data);
  let fmtIdx = 0, modIdx = 0, current = 0;
  const next = (): { fmt: number; mod: bigint } | null => {
    if (fmtIdx >= formats.length || modIdx >= modifiers.length) return null;
    const fmt = formats[fmtIdx]!;
    let mod = DRM_FORMAT_MOD_INVALID;
    while (modIdx < modifiers.length) {
      const m = modifiers[modIdx++]!;
      if (fmtIdx < m.offset || fmtIdx >= m.offset + 64) continue;
      // libdrm tests `mod->formats & (1 << (fmt_idx - mod->offset))`: an int shift
      if (!(m.formats & cIntShiftToU64(BigInt(fmtIdx - m.offset)))) continue;
      mod = m.modifier;
      break;
    }
    if (modIdx === modifiers.length) { modIdx = 0; fmtIdx++; }
    return { fmt, mod };
  };
  for (;;) {
    let r = next();
    while (r && r.mod === DRM_FORMAT_MOD_INVALID) r = next();
    if (!r) break;
    if (!current || current !== r.fmt) {
      o.push(`${!current ? '' : '\n'}\t\t\t`);
      current = r.fmt;
      o.push(` ${drmGetFormatName(current)}: `);
    }
    o.push(` ${modifierToString(r.mod)}`);
  }
  o.push('\n');
}

function dumpProp(o: string[], card: Card, prop: PropertyInfo | null, propId: number, value: bigint): void {
  o.push(`\t${d(propId)}`);
  if (!prop) { o.push('\n'); return; }
  o.push(` ${prop.name}:\n`);
  const flags = prop.flags >>> 0;
  let line = '\t\tflags:';
  if (flags & PropFlag.PENDING) line += ' pending';
  if (flags & PropFlag.IMMUTABLE) line += ' immutable';
  if (typeIs(prop, PropFlag.SIGNED_RANGE)) line += ' signed range';
  if (typeIs(prop, PropFlag.RANGE)) line += ' range';
  if (typeIs(prop, PropFlag.ENUM)) line += ' enum';
  if (typeIs(prop, PropFlag.BITMASK)) line += ' bitmask';
  if (typeIs(prop, PropFlag.BLOB)) line += ' blob';
  if (typeIs(prop, PropFlag.OBJECT)) line += ' object';
  o.push(line + '\n');
  if (typeIs(prop, PropFlag.SIGNED_RANGE)) o.push(`\t\tvalues:${prop.values.map((v) => ` ${BigInt.asIntN(64, v)}`).join('')}\n`);
  if (typeIs(prop, PropFlag.RANGE)) o.push(`\t\tvalues:${prop.values.map((v) => ` ${BigInt.asUintN(64, v)}`).join('')}\n`);
  if (typeIs(prop, PropFlag.ENUM)) o.push(`\t\tenums:${prop.enums.map((e) => ` ${e.name}=${BigInt.asUintN(64, e.value)}`).join('')}\n`);
  else if (typeIs(prop, PropFlag.BITMASK)) {
    // printf("%s=0x%llx", name, 1LL << value)
    o.push(`\t\tvalues:${prop.enums.map((e) => ` ${e.name}=0x${hex(1n << (BigInt.asUintN(64, e.value) & 63n))}`).join('')}\n`);
  }
  // the kernel lists no blob ids for blob properties: "blobs:" is followed by an empty line
  if (typeIs(prop, PropFlag.BLOB)) o.push('\t\tblobs:\n\n');
  o.push('\t\tvalue:');
  if (typeIs(prop, PropFlag.BLOB)) dumpBlob(o, card, value);
  else if (typeIs(prop, PropFlag.SIGNED_RANGE)) o.push(` ${BigInt.asIntN(64, value)}\n`);
  else o.push(` ${BigInt.asUintN(64, value)}\n`);
  if (prop.name === 'IN_FORMATS') dumpInFormats(o, card, value);
}

function dumpProps(o: string[], card: Card, x: { props: ObjectProperties | null; info: (PropertyInfo | null)[] }): void {
  const props = x.props!;
  o.push('  props:\n');
  props.props.forEach((id, j) => dumpProp(o, card, x.info[j] ?? null, id, props.propValues[j]!));
}

function dumpEncoders(o: string[], r: Resources): void {
  o.push('Encoders:\n');
  o.push('id\tcrtc\ttype\tpossible crtcs\tpossible clones\t\n');
  for (const e of r.encoders) {
    if (!e) continue;
    o.push(`${d(e.encoderId)}\t${d(e.crtcId)}\t${cstr(ENCODER_TYPE_NAMES[e.encoderType])}\t0x${hex(e.possibleCrtcs, 8)}\t0x${hex(e.possibleClones, 8)}\n`);
  }
  o.push('\n');
}

function dumpConnectors(o: string[], card: Card, r: Resources): void {
  o.push('Connectors:\n');
  o.push('id\tencoder\tstatus\t\tname\t\tsize (mm)\tmodes\tencoders\n');
  for (const x of r.connectors) {
    if (!x) continue;
    const c = x.obj;
    o.push(`${d(c.connectorId)}\t${d(c.encoderId)}\t${cstr(STATUS_NAMES[c.connection])}\t${x.name.padEnd(15)}\t${d(c.mmWidth)}x${d(c.mmHeight)}\t\t${c.modes.length}\t`);
    o.push(c.encoders.map((id) => String(d(id))).join(', ') + '\n');
    if (c.modes.length) {
      o.push('  modes:\n');
      o.push('\tindex name refresh (Hz) hdisp hss hse htot vdisp vss vse vtot\n');
      c.modes.forEach((m, j) => dumpMode(o, m, j));
    }
    if (x.props) dumpProps(o, card, x);
  }
  o.push('\n');
}

function dumpCrtcs(o: string[], card: Card, r: Resources): void {
  o.push('CRTCs:\n');
  o.push('id\tfb\tpos\tsize\n');
  for (const x of r.crtcs) {
    if (!x) continue;
    const c = x.obj;
    o.push(`${d(c.crtcId)}\t${d(c.bufferId)}\t(${d(c.x)},${d(c.y)})\t(${d(c.width)}x${d(c.height)})\n`);
    // drmModeGetCrtc copies the mode only when it is valid
    dumpMode(o, c.modeValid ? c.mode : ZERO_MODE, 0);
    if (x.props) dumpProps(o, card, x);
    else o.push('  no properties found\n');
  }
  o.push('\n');
}

function dumpPlanes(o: string[], card: Card, r: Resources): void {
  o.push('Planes:\n');
  o.push('id\tcrtc\tfb\tCRTC x,y\tx,y\tgamma size\tpossible crtcs\n');
  for (const x of r.planes) {
    if (!x) continue;
    const p = x.obj;
    // drmModeGetPlane leaves crtc_x, crtc_y, x, y at 0
    o.push(`${d(p.planeId)}\t${d(p.crtcId)}\t${d(p.fbId)}\t0,0\t\t0,0\t${String(d(p.gammaSize)).padEnd(8)}\t0x${hex(p.possibleCrtcs, 8)}\n`);
    if (!p.formats.length) continue;
    o.push(`  formats:${p.formats.map((f) => ` ${drmGetFormatName(f)}`).join('')}\n`);
    if (x.props) dumpProps(o, card, x);
    else o.push('  no properties found\n');
  }
  o.push('\n');
}

function dumpFramebuffers(o: string[], r: Resources): void {
  o.push('Frame buffers:\n');
  o.push('id\tsize\tpitch\n');
  for (const fb of r.fbs) {
    if (!fb) continue;
    o.push(`${fb.id >>> 0}\t(${fb.width >>> 0}x${fb.height >>> 0})\t${fb.pitch >>> 0}\n`);
  }
  o.push('\n');
}

/**
 * What `modetest [-a] [-c] [-e] [-p] [-f]` prints to stdout. With no query option everything is
 * dumped, as modetest does. The card's client caps are changed (UNIVERSAL_PLANES; ATOMIC and
 * WRITEBACK_CONNECTORS with `atomic`).
 */
export function modetestDump(card: Card, opts: ModetestOptions = {}): string {
  const any = opts.encoders || opts.connectors || opts.crtcs || opts.planes || opts.framebuffers;
  const all = !any;
  const err = opts.stderr ?? (() => undefined);
  if (opts.atomic) {
    card.setClientCap(ClientCap.ATOMIC, 1);
    attempt(() => card.setClientCap(ClientCap.WRITEBACK_CONNECTORS, 1));
  }
  const r = getResources(card, err);
  const o: string[] = [];
  if (all || opts.encoders) dumpEncoders(o, r);
  if (all || opts.connectors) dumpConnectors(o, card, r);
  if (all || opts.crtcs) dumpCrtcs(o, card, r);
  if (all || opts.planes) dumpPlanes(o, card, r);
  if (all || opts.framebuffers) dumpFramebuffers(o, r);
  return o.join('');
}
