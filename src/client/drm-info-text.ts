/**
 * The human-readable `drm_info` tree (drm_info's pretty.c), printed from the same tree drmInfo()
 * builds — as drm_info itself prints from its JSON object.
 */
import { ModeFlag, ModeType, ObjectType, PropFlag } from '../uapi/drm-mode.js';
import { cFixed, cIntShiftToU64, drmFormatName, drmInfoModifierName, hex } from './dump-format.js';
import type {
  DrmInfoConnector, DrmInfoCrtc, DrmInfoDevice, DrmInfoDriver, DrmInfoEncoder, DrmInfoFb, DrmInfoInFormat,
  DrmInfoMode, DrmInfoNode, DrmInfoPlane, DrmInfoProperties,
} from './drm-info.js';

const L_LINE = '│   ';
const L_VAL = '├───';
const L_LAST = '└───';
const L_GAP = '    ';

type Out = string[];

const u64 = (v: unknown): bigint => (typeof v === 'bigint' ? BigInt.asUintN(64, v) : typeof v === 'number' ? BigInt.asUintN(64, BigInt(Math.trunc(v))) : 0n);
const i64 = (v: unknown): bigint => BigInt.asIntN(64, u64(v));

function printDriver(o: Out, d: DrmInfoDriver | null): void {
  const v = d?.version;
  o.push(`${L_VAL}Driver: ${d?.name ?? '(null)'} (${d?.desc ?? '(null)'}) version ${v?.major ?? 0}.${v?.minor ?? 0}.${v?.patch ?? 0} (${v?.date ?? '(null)'})\n`);
  for (const [k, supported] of Object.entries(d?.client_caps ?? {})) {
    o.push(`${L_LINE}${L_VAL}DRM_CLIENT_CAP_${k} ${supported ? 'supported' : 'not supported'}\n`);
  }
  const caps = Object.entries(d?.caps ?? {});
  caps.forEach(([k, val], i) => {
    o.push(i === caps.length - 1 ? L_LINE + L_LAST : L_LINE + L_VAL);
    o.push(val === null ? `DRM_CAP_${k} not supported\n` : `DRM_CAP_${k} = ${u64(val)}\n`);
  });
}

const BUS_NAMES: Record<number, string> = { 0: 'PCI', 1: 'USB', 2: 'platform', 3: 'host1x' };
const NODE_NAMES = ['primary', 'control', 'render'];

function printDevice(o: Out, d: DrmInfoDevice | null): void {
  if (!d) return;
  let line = `${L_VAL}Device: ${BUS_NAMES[d.bus_type] ?? 'unknown'}`;
  const data = (d.device_data ?? {}) as Record<string, unknown>;
  switch (d.bus_type) {
    case 0:
      line += ` ${hex(Number(data['vendor'] ?? 0) & 0xffff, 4)}:${hex(Number(data['device'] ?? 0) & 0xffff, 4)}`;
      break;
    case 1:
      line += ` ${hex(Number(data['vendor'] ?? 0) & 0xffff, 4)}:${hex(Number(data['product'] ?? 0) & 0xffff, 4)}`;
      break;
    case 2:
      for (const c of (data['compatible'] as unknown[] | undefined) ?? []) line += ` ${String(c)}`;
      break;
    default:
      break;
  }
  o.push(line + '\n');
  const nodes = NODE_NAMES.filter((_, i) => d.available_nodes & (1 << i));
  o.push(`${L_LINE}${L_LAST}Available nodes: ${nodes.join(', ')}\n`);
}

/** pretty.c refresh_rate(): mHz from the timings, (clock·10^6/htotal + vtotal/2)/vtotal in 64-bit, kept in an int32. */
function refreshRate(m: DrmInfoMode): number {
  if (!m.htotal || !m.vtotal) return 0; // a division by zero in C
  const num = (BigInt(m.clock | 0) * 1000000n) / BigInt(m.htotal | 0) + BigInt(Math.trunc((m.vtotal | 0) / 2));
  let r = Number(BigInt.asIntN(32, num / BigInt(m.vtotal | 0)));
  if (m.flags & ModeFlag.INTERLACE) r = (r * 2) | 0;
  if (m.flags & ModeFlag.DBLSCAN) r = Math.trunc(r / 2);
  if (m.vscan > 1) r = Math.trunc(r / m.vscan);
  return r;
}

function modeText(m: DrmInfoMode): string {
  let s = `${m.hdisplay & 0xffff}x${m.vdisplay & 0xffff}@${cFixed(refreshRate(m) / 1000.0, 2)} `;
  const t = m.type, f = m.flags;
  if (t & ModeType.PREFERRED) s += 'preferred ';
  if (t & ModeType.USERDEF) s += 'userdef ';
  if (t & ModeType.DRIVER) s += 'driver ';
  const flagWords: [number, string][] = [
    [ModeFlag.PHSYNC, 'phsync'], [ModeFlag.NHSYNC, 'nhsync'], [ModeFlag.PVSYNC, 'pvsync'], [ModeFlag.NVSYNC, 'nvsync'],
    [ModeFlag.INTERLACE, 'interlace'], [ModeFlag.DBLSCAN, 'dblscan'], [ModeFlag.CSYNC, 'csync'], [ModeFlag.PCSYNC, 'pcsync'],
    // pretty.c prints "nvsync" for NCSYNC
    [ModeFlag.NCSYNC, 'nvsync'], [ModeFlag.HSKEW, 'hskew'], [ModeFlag.DBLCLK, 'dblclk'], [ModeFlag.CLKDIV2, 'clkdiv2'],
  ];
  for (const [bit, word] of flagWords) if (f & bit) s += word + ' ';
  const ar: Record<number, string> = { [1 << 19]: '4:3 ', [2 << 19]: '16:9 ', [3 << 19]: '64:27 ', [4 << 19]: '256:135 ' };
  s += ar[f & ModeFlag.PIC_AR_MASK] ?? '';
  const s3d: Record<number, string> = {
    [1 << 14]: '3d-frame-packing ', [2 << 14]: '3d-field-alternative ', [3 << 14]: '3d-line-alternative ',
    [4 << 14]: '3d-side-by-side-full ', [5 << 14]: '3d-l-depth ', [6 << 14]: '3d-l-depth-gfx-gfx-depth ',
    [7 << 14]: '3d-top-and-bottom ', [8 << 14]: '3d-side-by-side-half ',
  };
  s += s3d[f & ModeFlag['3D_MASK']] ?? '';
  return s;
}

const U64_NAMES = new Map<bigint, string>([
  [127n, 'INT8_MAX'], [255n, 'UINT8_MAX'], [32767n, 'INT16_MAX'], [65535n, 'UINT16_MAX'], [0x7fffffffn, 'INT32_MAX'],
  [0xffffffffn, 'UINT32_MAX'], [0x7fffffffffffffffn, 'INT64_MAX'], [0xffffffffffffffffn, 'UINT64_MAX'],
]);
const I64_NAMES = new Map<bigint, string>([
  [-128n, 'INT8_MIN'], [-32768n, 'INT16_MIN'], [-0x80000000n, 'INT32_MIN'], [-0x8000000000000000n, 'INT64_MIN'],
  [127n, 'INT8_MAX'], [255n, 'UINT8_MAX'], [32767n, 'INT16_MAX'], [65535n, 'UINT16_MAX'], [0x7fffffffn, 'INT32_MAX'],
  [0xffffffffn, 'UINT32_MAX'], [0x7fffffffffffffffn, 'INT64_MAX'],
]);

function objName(type: number): string {
  switch (type >>> 0) {
    case ObjectType.CRTC: return 'CRTC';
    case ObjectType.CONNECTOR: return 'connector';
    case ObjectType.ENCODER: return 'encoder';
    case ObjectType.MODE: return 'mode';
    case ObjectType.PROPERTY: return 'property';
    case ObjectType.FB: return 'framebuffer';
    case ObjectType.BLOB: return 'blob';
    case ObjectType.PLANE: return 'plane';
    case ObjectType.ANY: return 'any';
    default: return 'unknown';
  }
}

function printInFormats(o: Out, arr: DrmInfoInFormat[], prefix: string): void {
  arr.forEach((m, i) => {
    const last = i === arr.length - 1;
    o.push(`${prefix}${last ? L_LAST : L_VAL}${drmInfoModifierName(m.modifier)} (0x${hex(m.modifier)})\n`);
    m.formats.forEach((fmt, j) => {
      const fmtLast = j === m.formats.length - 1;
      o.push(`${prefix}${last ? L_GAP : L_LINE}${fmtLast ? L_LAST : L_VAL}${drmFormatName(fmt)} (0x${hex(fmt, 8)})\n`);
    });
  });
}

function printFb(o: Out, fb: DrmInfoFb, prefix: string): void {
  const hasLegacy = fb.pitch !== undefined && fb.bpp !== undefined && fb.depth !== undefined;
  const hasFormat = fb.format !== undefined;
  o.push(`${prefix}${L_VAL}Object ID: ${fb.id >>> 0}\n`);
  o.push(`${prefix}${hasLegacy || hasFormat ? L_VAL : L_LAST}Size: ${fb.width >>> 0}x${fb.height >>> 0}\n`);
  if (hasLegacy) {
    o.push(`${prefix}${L_VAL}Pitch: ${fb.pitch! >>> 0} bytes\n`);
    o.push(`${prefix}${L_VAL}Bits per pixel: ${fb.bpp! >>> 0}\n`);
    o.push(`${prefix}${hasFormat ? L_VAL : L_LAST}Depth: ${fb.depth! >>> 0}\n`);
  }
  if (hasFormat) {
    const last = fb.modifier === undefined && fb.planes === undefined;
    o.push(`${prefix}${last ? L_LAST : L_VAL}Format: ${drmFormatName(fb.format!)} (0x${hex(fb.format!, 8)})\n`);
  }
  if (fb.modifier !== undefined) {
    o.push(`${prefix}${fb.planes ? L_VAL : L_LAST}Modifier: ${drmInfoModifierName(fb.modifier)} (0x${hex(fb.modifier)})\n`);
  }
  if (fb.planes) {
    o.push(`${prefix}${L_LAST}Planes:\n`);
    fb.planes.forEach((p, i) => {
      const last = i === fb.planes!.length - 1;
      o.push(`${prefix}${L_GAP}${last ? L_LAST : L_VAL}Plane ${i}: offset = ${p.offset}, pitch = ${p.pitch} bytes\n`);
    });
  }
}

function printProperties(o: Out, props: DrmInfoProperties | null, prefix: string): void {
  o.push(`${prefix}${L_LAST}Properties\n`);
  const entries = Object.entries(props ?? {});
  entries.forEach(([name, p], i) => {
    const last = i === entries.length - 1;
    const sub = `${prefix}${L_GAP}${last ? L_GAP : L_LINE}`;
    const flags = p.flags >>> 0;
    const type = flags & (PropFlag.LEGACY_TYPE | PropFlag.EXTENDED_TYPE);
    const atomic = (flags & PropFlag.ATOMIC) !== 0, immutable = (flags & PropFlag.IMMUTABLE) !== 0;
    let line = `${prefix}${L_GAP}${last ? L_LAST : L_VAL}"${name}"`;
    if (atomic && immutable) line += ' (atomic, immutable)';
    else if (atomic) line += ' (atomic)';
    else if (immutable) line += ' (immutable)';
    line += ': ';
    const raw = u64(p.raw_value);
    const spec = p.spec;
    const items = Array.isArray(spec) ? spec : [];
    switch (type) {
      case PropFlag.RANGE: {
        const r = (spec ?? {}) as { min?: bigint; max?: bigint };
        const min = u64(r.min), max = u64(r.max);
        line += `range [${U64_NAMES.get(min) ?? min}, ${U64_NAMES.get(max) ?? max}]`;
        line += ` = ${p.data !== null ? u64(p.data) : u64(p.value)}\n`;
        o.push(line);
        break;
      }
      case PropFlag.ENUM: {
        const named = items.find((it) => u64(it.value) === raw);
        line += `enum {${items.map((it) => it.name).join(', ')}} = ${named ? named.name : `invalid (${raw})`}\n`;
        o.push(line);
        break;
      }
      case PropFlag.BLOB:
        o.push(line + `blob = ${raw}\n`);
        if (p.data === null) break;
        if (name === 'IN_FORMATS') printInFormats(o, p.data as DrmInfoInFormat[], sub);
        else if (name === 'MODE_ID') o.push(`${sub}${L_LAST}${modeText(p.data as DrmInfoMode)}\n`);
        else if (name === 'WRITEBACK_PIXEL_FORMATS') {
          const fmts = p.data as number[];
          fmts.forEach((f, j) => o.push(`${sub}${j === fmts.length - 1 ? L_LAST : L_VAL}${drmFormatName(f)} (0x${hex(f, 8)})\n`));
        } else if (name === 'PATH') o.push(`${sub}${L_LAST}${String(p.data)}\n`);
        break;
      case PropFlag.BITMASK: {
        // pretty.c: uint64_t item_bit = 1 << item_value (an int shift)
        const set = items.filter((it) => { const bit = cIntShiftToU64(u64(it.value)); return (bit & raw) === bit; });
        line += `bitmask {${items.map((it) => it.name).join(', ')}} = (${set.map((it) => it.name).join(' | ')})\n`;
        o.push(line);
        break;
      }
      case PropFlag.OBJECT:
        o.push(line + `object ${objName(Number(u64(spec as bigint | null)))} = ${raw}\n`);
        if (p.data !== null && name === 'FB_ID') printFb(o, p.data as DrmInfoFb, sub);
        break;
      case PropFlag.SIGNED_RANGE: {
        const r = (spec ?? {}) as { min?: bigint; max?: bigint };
        const min = i64(r.min), max = i64(r.max);
        line += `srange [${I64_NAMES.get(min) ?? min}, ${I64_NAMES.get(max) ?? max}]`;
        line += ` = ${p.data !== null ? i64(p.data) : i64(p.value)}\n`;
        o.push(line);
        break;
      }
      default:
        o.push(line + `unknown type (${type}) = ${raw}\n`);
    }
  });
}

const CONNECTOR_NAMES: Record<number, string> = {
  0: 'unknown', 1: 'VGA', 2: 'DVI-I', 3: 'DVI-D', 4: 'DVI-A', 5: 'composite', 6: 'S-VIDEO', 7: 'LVDS', 8: 'component',
  9: 'DIN', 10: 'DisplayPort', 11: 'HDMI-A', 12: 'HDMI-B', 13: 'TV', 14: 'eDP', 15: 'virtual', 16: 'DSI', 17: 'DPI', 18: 'writeback',
};
const STATUS_NAMES: Record<number, string> = { 1: 'connected', 2: 'disconnected', 3: 'unknown' };
const SUBPIXEL_NAMES: Record<number, string> = { 1: 'unknown', 2: 'horizontal RGB', 3: 'horizontal BGR', 4: 'vertical RGB', 5: 'vertical BGR', 6: 'none' };
const ENCODER_NAMES: Record<number, string> = { 0: 'none', 1: 'DAC', 2: 'TMDS', 3: 'LVDS', 4: 'TV DAC', 5: 'virtual', 6: 'DSI', 7: 'DP MST', 8: 'DPI' };

function bitmaskText(mask: number): string {
  const bits: number[] = [];
  for (let i = 0; i < 31; i++) if (mask & (1 << i)) bits.push(i);
  return `{${bits.join(', ')}}`;
}

function printConnectors(o: Out, arr: DrmInfoConnector[], encoders: DrmInfoEncoder[]): void {
  o.push(`${L_VAL}Connectors\n`);
  arr.forEach((c, i) => {
    const last = i === arr.length - 1;
    const p = L_LINE + (last ? L_GAP : L_LINE);
    o.push(`${L_LINE}${last ? L_LAST : L_VAL}Connector ${i}\n`);
    o.push(`${p}${L_VAL}Object ID: ${c.id >>> 0}\n`);
    o.push(`${p}${L_VAL}Type: ${CONNECTOR_NAMES[c.type] ?? 'unknown'}\n`);
    o.push(`${p}${L_VAL}Status: ${STATUS_NAMES[c.status] ?? 'unknown'}\n`);
    if (c.status !== 2) {
      o.push(`${p}${L_VAL}Physical size: ${c.phy_width >>> 0}x${c.phy_height >>> 0} mm\n`);
      o.push(`${p}${L_VAL}Subpixel: ${SUBPIXEL_NAMES[c.subpixel] ?? 'unknown'}\n`);
    }
    const idx = c.encoders.map((id) => encoders.findIndex((e) => e.id === id));
    o.push(`${p}${L_VAL}Encoders: {${idx.join(', ')}}\n`);
    if (c.modes.length > 0) {
      o.push(`${p}${L_VAL}Modes\n`);
      c.modes.forEach((m, j) => o.push(`${p}${L_LINE}${j === c.modes.length - 1 ? L_LAST : L_VAL}${modeText(m)}\n`));
    }
    printProperties(o, c.properties, p);
  });
}

function printEncoders(o: Out, arr: DrmInfoEncoder[]): void {
  o.push(`${L_VAL}Encoders\n`);
  arr.forEach((e, i) => {
    const last = i === arr.length - 1;
    const p = L_LINE + (last ? L_GAP : L_LINE);
    o.push(`${L_LINE}${last ? L_LAST : L_VAL}Encoder ${i}\n`);
    o.push(`${p}${L_VAL}Object ID: ${e.id >>> 0}\n`);
    o.push(`${p}${L_VAL}Type: ${ENCODER_NAMES[e.type] ?? 'unknown'}\n`);
    o.push(`${p}${L_VAL}CRTCS: ${bitmaskText(e.possible_crtcs)}\n`);
    o.push(`${p}${L_LAST}Clones: ${bitmaskText(e.possible_clones)}\n`);
  });
}

function printCrtcs(o: Out, arr: DrmInfoCrtc[]): void {
  o.push(`${L_VAL}CRTCs\n`);
  arr.forEach((c, i) => {
    const last = i === arr.length - 1;
    const p = last ? L_LINE + L_GAP : L_LINE + L_LINE;
    o.push(`${L_LINE}${last ? L_LAST : L_VAL}CRTC ${i}\n`);
    o.push(`${p}${L_VAL}Object ID: ${c.id >>> 0}\n`);
    o.push(`${p}${L_VAL}Legacy info\n`);
    if (c.mode) o.push(`${p}${L_LINE}${L_VAL}Mode: ${modeText(c.mode)}\n`);
    o.push(`${p}${L_LINE}${L_LAST}Gamma size: ${c.gamma_size | 0}\n`);
    printProperties(o, c.properties, p);
  });
}

function printPlanes(o: Out, arr: DrmInfoPlane[] | null): void {
  o.push(`${L_LAST}Planes\n`);
  const list = arr ?? [];
  list.forEach((pl, i) => {
    const last = i === list.length - 1;
    const p = last ? L_GAP + L_GAP : L_GAP + L_LINE;
    o.push(`${L_GAP}${last ? L_LAST : L_VAL}Plane ${i}\n`);
    o.push(`${p}${L_VAL}Object ID: ${pl.id >>> 0}\n`);
    o.push(`${p}${L_VAL}CRTCs: ${bitmaskText(pl.possible_crtcs)}\n`);
    o.push(`${p}${L_VAL}Legacy info\n`);
    o.push(`${p}${L_LINE}${L_VAL}FB ID: ${pl.fb_id >>> 0}\n`);
    if (pl.fb) printFb(o, pl.fb, p + L_LINE + L_LINE);
    o.push(`${p}${L_LINE}${L_LAST}Formats:\n`);
    pl.formats.forEach((f, j) => {
      o.push(`${p}${L_LINE}${L_GAP}${j === pl.formats.length - 1 ? L_LAST : L_VAL}${drmFormatName(f)} (0x${hex(f, 8)})\n`);
    });
    printProperties(o, pl.properties, p);
  });
}

/** drm_info's print_node() for each node: the text `drm_info` (without -j) prints. */
export function drmInfoText(devices: Record<string, DrmInfoNode>): string {
  const o: Out = [];
  for (const [path, node] of Object.entries(devices)) {
    o.push(`Node: ${path}\n`);
    printDriver(o, node.driver);
    printDevice(o, node.device);
    o.push(`${L_VAL}Framebuffer size\n`);
    o.push(`${L_LINE}${L_VAL}Width: [${node.fb_size.min_width}, ${node.fb_size.max_width}]\n`);
    o.push(`${L_LINE}${L_LAST}Height: [${node.fb_size.min_height}, ${node.fb_size.max_height}]\n`);
    printConnectors(o, node.connectors, node.encoders);
    printEncoders(o, node.encoders);
    printCrtcs(o, node.crtcs);
    printPlanes(o, node.planes);
  }
  return o.join('');
}
