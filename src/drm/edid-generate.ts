/**
 * An EDID 1.4 for a virtual monitor: a 128-byte base block, plus one CTA-861 extension only when
 * the detailed timings do not fit in the base block.
 *
 * Layout chosen so that parseEdid (= the kernel's drm_edid.c) gives back exactly the modes asked for:
 * - descriptor 1: the preferred mode as a detailed timing (EDID 1.4: always the preferred one);
 * - descriptors 2–4: further detailed timings, then a range limits descriptor ("range limits only",
 *   so the kernel infers no extra modes) and the monitor name descriptor; unused ones are dummies;
 * - established timings I/II for modes equal to an edid_est_modes[] entry;
 * - standard timings for modes that drm_mode_std decodes back to exactly that mode (DMT or CVT);
 * - everything else as detailed timings, overflowing into a CTA-861 (rev 3) extension's DTD area.
 */
import { ModeFlag } from '../uapi/drm-mode.js';
import type { ModeInfo } from '../uapi/ioctl-structs.js';
import { EDID_EST_MODES } from './dmt-modes.js';
import {
  EDID_HEADER, EDID_LENGTH, EdidDescriptor, EdidExt, EdidFeature, EdidPt, EdidRangeFlag, edidBlockChecksum,
  standardTimingToMode, TimingLevel, type StdTimingContext,
} from './edid-parse.js';
import { modeVrefresh } from './modes.js';

export interface EdidRangeOptions {
  minVfreq: number; maxVfreq: number; minHfreqKhz: number; maxHfreqKhz: number;
  /** Rounded up to a 10 MHz step; at most 2550 MHz. */
  maxPixelClockKhz: number;
}

export interface GenerateEdidOptions {
  /** Three letters A–Z (PNP ID). Default "LNX", the ID of the kernel's own generated EDIDs. */
  manufacturer?: string;
  /** 16-bit product code. Default 0. */
  productCode?: number;
  /** 32-bit serial number. Default 0. */
  serial?: number;
  /** Week (1–54, 0 = unspecified) and year (1990–2245) of manufacture. Default week 0, year 2024. */
  week?: number;
  year?: number;
  /** Monitor name descriptor text (printable ASCII, at most 13 characters). Omitted if undefined. */
  name?: string;
  /** Physical size in cm (0–255 each; 0×0 means "unknown / projector"). */
  widthCm: number;
  heightCm: number;
  /** The preferred mode: first detailed timing descriptor. */
  preferred: ModeInfo;
  /** Further modes to advertise (established, standard or detailed timings as they fit). */
  modes?: readonly ModeInfo[];
  /** Range limits descriptor: computed from the modes (true, default), given, or left out (false). */
  rangeLimits?: boolean | EdidRangeOptions;
  /** Digital input colour depth in bits per component (6, 8, 10, 12, 14, 16; 0 = undefined). Default 8. */
  bpc?: number;
}

const DTD_SIZE = 18;
/** The context drm_mode_std sees for the EDIDs made here: 1.4, range flags "limits only", no RB support. */
const STD_CTX: StdTimingContext = { revision: 4, supportsRb: false, level: TimingLevel.CVT, gtf2: null };

function sameMode(a: ModeInfo, b: ModeInfo): boolean {
  const mask = ModeFlag.PHSYNC | ModeFlag.NHSYNC | ModeFlag.PVSYNC | ModeFlag.NVSYNC | ModeFlag.INTERLACE | ModeFlag.DBLSCAN;
  return a.clock === b.clock && a.hdisplay === b.hdisplay && a.hsync_start === b.hsync_start && a.hsync_end === b.hsync_end &&
    a.htotal === b.htotal && a.vdisplay === b.vdisplay && a.vsync_start === b.vsync_start && a.vsync_end === b.vsync_end &&
    a.vtotal === b.vtotal && (a.flags & mask) === (b.flags & mask);
}

const CEA_INTERLACED: readonly (readonly [number, number])[] = [[1920, 1080], [720, 480], [1440, 480], [2880, 480], [720, 576], [1440, 576], [2880, 576]];

/**
 * A detailed timing descriptor for `m` (sizes in mm as the base block's cm × 10). Throws a
 * RangeError naming the field when the mode does not fit the descriptor's bit fields.
 * The pixel clock is stored in 10 kHz units (rounded to nearest).
 */
export function encodeDetailedTiming(m: ModeInfo, widthMm: number, heightMm: number): Uint8Array {
  const d = new Uint8Array(DTD_SIZE);
  const interlaced = (m.flags & ModeFlag.INTERLACE) !== 0;
  // CEA interlaced sizes are stored as field timings (the parser's drm_mode_do_interlace_quirk doubles them back)
  const field = interlaced && CEA_INTERLACED.some(([w, h]) => w === m.hdisplay && h === m.vdisplay);
  const v = (x: number) => (field ? x >> 1 : x);
  const clock10 = Math.round(m.clock / 10);
  const hblank = m.htotal - m.hdisplay, vblank = v(m.vtotal) - v(m.vdisplay);
  const hso = m.hsync_start - m.hdisplay, hsw = m.hsync_end - m.hsync_start;
  const vso = v(m.vsync_start) - v(m.vdisplay), vsw = v(m.vsync_end) - v(m.vsync_start);
  const checks: [string, number, number, number][] = [
    ['pixel clock (10 kHz units)', clock10, 1, 0xffff], ['hactive', m.hdisplay, 64, 0xfff], ['hblank', hblank, 0, 0xfff],
    ['vactive', v(m.vdisplay), 64, 0xfff], ['vblank', vblank, 0, 0xfff], ['hsync offset', hso, 0, 0x3ff],
    ['hsync width', hsw, 1, 0x3ff], ['vsync offset', vso, 0, 0x3f], ['vsync width', vsw, 1, 0x3f],
    ['width mm', widthMm, 0, 0xfff], ['height mm', heightMm, 0, 0xfff],
  ];
  for (const [what, val, min, max] of checks) {
    if (!Number.isInteger(val) || val < min || val > max) {
      throw new RangeError(`mode ${m.name || `${m.hdisplay}x${m.vdisplay}`}: ${what} ${val} does not fit a detailed timing descriptor (${min}..${max})`);
    }
  }
  d[0] = clock10 & 0xff; d[1] = clock10 >> 8;
  d[2] = m.hdisplay & 0xff; d[3] = hblank & 0xff; d[4] = ((m.hdisplay >> 8) << 4) | (hblank >> 8);
  d[5] = v(m.vdisplay) & 0xff; d[6] = vblank & 0xff; d[7] = ((v(m.vdisplay) >> 8) << 4) | (vblank >> 8);
  d[8] = hso & 0xff; d[9] = hsw & 0xff; d[10] = ((vso & 0xf) << 4) | (vsw & 0xf);
  d[11] = ((hso >> 8) << 6) | ((hsw >> 8) << 4) | ((vso >> 4) << 2) | (vsw >> 4);
  d[12] = widthMm & 0xff; d[13] = heightMm & 0xff; d[14] = ((widthMm >> 8) << 4) | (heightMm >> 8);
  d[15] = 0; d[16] = 0; // no borders
  d[17] = (interlaced ? EdidPt.INTERLACED : 0) | EdidPt.SEPARATE_SYNC |
    (m.flags & ModeFlag.PVSYNC ? EdidPt.VSYNC_POSITIVE : 0) | (m.flags & ModeFlag.PHSYNC ? EdidPt.HSYNC_POSITIVE : 0);
  return d;
}

function displayDescriptor(tag: number, payload: readonly number[] = []): Uint8Array {
  const d = new Uint8Array(DTD_SIZE);
  d[3] = tag;
  d.set(payload, 5);
  return d;
}

function nameDescriptor(name: string): Uint8Array {
  if (name.length > 13) throw new RangeError(`monitor name "${name}" is longer than 13 characters`);
  if (!/^[\x20-\x7e]*$/.test(name)) throw new RangeError(`monitor name "${name}" is not printable ASCII`);
  const text = [...name].map((c) => c.charCodeAt(0));
  if (text.length < 13) text.push(0x0a);
  while (text.length < 13) text.push(0x20);
  return displayDescriptor(EdidDescriptor.MONITOR_NAME, text);
}

/** Range limits from the modes: refresh and line rates floored/ceiled, clock rounded up to 10 MHz. */
function computeRange(modes: readonly ModeInfo[]): EdidRangeOptions {
  const vr = modes.map((m) => m.clock * 1000 / (m.htotal * m.vtotal) * (m.flags & ModeFlag.INTERLACE ? 2 : 1));
  const hr = modes.map((m) => m.clock / m.htotal);
  return {
    minVfreq: Math.max(1, Math.floor(Math.min(...vr))), maxVfreq: Math.ceil(Math.max(...vr)),
    minHfreqKhz: Math.max(1, Math.floor(Math.min(...hr))), maxHfreqKhz: Math.ceil(Math.max(...hr)),
    maxPixelClockKhz: Math.max(...modes.map((m) => m.clock)),
  };
}

function rangeDescriptor(r: EdidRangeOptions): Uint8Array {
  const fields: [string, number][] = [['minVfreq', r.minVfreq], ['maxVfreq', r.maxVfreq], ['minHfreqKhz', r.minHfreqKhz], ['maxHfreqKhz', r.maxHfreqKhz]];
  for (const [what, val] of fields) {
    if (!Number.isInteger(val) || val < 1 || val > 510) throw new RangeError(`range limits: ${what} ${val} outside 1..510`);
  }
  if (r.minVfreq > r.maxVfreq || r.minHfreqKhz > r.maxHfreqKhz) throw new RangeError('range limits: minimum above maximum');
  const clock10mhz = Math.ceil(r.maxPixelClockKhz / 10000);
  if (clock10mhz < 1 || clock10mhz > 255) throw new RangeError(`range limits: max pixel clock ${r.maxPixelClockKhz} kHz outside 1..2550000`);
  // EDID 1.4 rate offsets (byte 4): +255 on a value (a minimum only together with its maximum)
  let offsets = 0;
  const enc = (val: number, bit: number) => {
    if (val <= 255) return val;
    offsets |= bit;
    return val - 255;
  };
  const payload = [enc(r.minVfreq, 0x01), enc(r.maxVfreq, 0x02), enc(r.minHfreqKhz, 0x04), enc(r.maxHfreqKhz, 0x08), clock10mhz,
    EdidRangeFlag.LIMITS_ONLY, 0x0a, 0x20, 0x20, 0x20, 0x20, 0x20, 0x20];
  const d = displayDescriptor(EdidDescriptor.MONITOR_RANGE, payload);
  d[4] = offsets;
  return d;
}

function encodeManufacturer(id: string): [number, number] {
  if (!/^[A-Z]{3}$/.test(id)) throw new RangeError(`manufacturer "${id}" is not three letters A-Z`);
  const v = ((id.charCodeAt(0) - 64) << 10) | ((id.charCodeAt(1) - 64) << 5) | (id.charCodeAt(2) - 64);
  return [v >> 8, v & 0xff];
}

/** Standard timing bytes for `m` if drm_mode_std (with this generator's EDID context) yields exactly `m`. */
function standardTimingFor(m: ModeInfo, others: readonly ModeInfo[]): [number, number] | null {
  if (m.flags & (ModeFlag.INTERLACE | ModeFlag.DBLSCAN)) return null;
  const refresh = modeVrefresh(m);
  if (m.hdisplay % 8 || m.hdisplay < 256 || m.hdisplay > 2288 || refresh < 60 || refresh > 123) return null;
  // a mode of the same size and refresh elsewhere would shadow the decoded one (drm_mode_std skips it)
  if (others.some((o) => o !== m && o.hdisplay === m.hdisplay && o.vdisplay === m.vdisplay && modeVrefresh(o) === refresh)) return null;
  const h = m.hdisplay / 8 - 31;
  for (let aspect = 0; aspect < 4; aspect++) {
    const b = (aspect << 6) | (refresh - 60);
    const decoded = standardTimingToMode(h, b, STD_CTX, []);
    if (decoded && sameMode(decoded, m)) return [h, b];
  }
  return null;
}

function block(): Uint8Array {
  return new Uint8Array(EDID_LENGTH);
}

/**
 * Builds the EDID. Returns 128 bytes, or 256 when detailed timings overflow into a CTA-861
 * extension. Throws RangeError for values that cannot be encoded (a mode that does not fit a
 * detailed timing, a too-long name, more detailed timings than the base block and one extension hold).
 */
export function generateEdid(opts: GenerateEdidOptions): Uint8Array {
  const b = block();
  b.set(EDID_HEADER, 0);
  const [m0, m1] = encodeManufacturer(opts.manufacturer ?? 'LNX');
  b[8] = m0; b[9] = m1;
  const product = opts.productCode ?? 0, serial = opts.serial ?? 0, week = opts.week ?? 0, year = opts.year ?? 2024;
  if (!Number.isInteger(product) || product < 0 || product > 0xffff) throw new RangeError(`product code ${product} is not a u16`);
  if (!Number.isInteger(serial) || serial < 0 || serial > 0xffffffff) throw new RangeError(`serial ${serial} is not a u32`);
  if (!Number.isInteger(week) || week < 0 || week > 54) throw new RangeError(`week ${week} outside 0..54`);
  if (!Number.isInteger(year) || year < 1990 || year > 2245) throw new RangeError(`year ${year} outside 1990..2245`);
  b[10] = product & 0xff; b[11] = product >> 8;
  b[12] = serial & 0xff; b[13] = (serial >>> 8) & 0xff; b[14] = (serial >>> 16) & 0xff; b[15] = serial >>> 24;
  b[16] = week; b[17] = year - 1990;
  b[18] = 1; b[19] = 4; // EDID 1.4

  const bpcCodes: Record<number, number> = { 0: 0, 6: 1, 8: 2, 10: 3, 12: 4, 14: 5, 16: 6 };
  const bpc = bpcCodes[opts.bpc ?? 8];
  if (bpc === undefined) throw new RangeError(`bpc ${opts.bpc} is not one of 0, 6, 8, 10, 12, 14, 16`);
  b[20] = 0x80 | (bpc << 4); // digital, interface type undefined
  for (const [what, cm] of [['width', opts.widthCm], ['height', opts.heightCm]] as const) {
    if (!Number.isInteger(cm) || cm < 0 || cm > 255) throw new RangeError(`${what} ${cm} cm outside 0..255`);
  }
  b[21] = opts.widthCm; b[22] = opts.heightCm;
  b[23] = 120; // gamma 2.20
  b[24] = EdidFeature.STANDARD_COLOR | EdidFeature.PREFERRED_TIMING; // sRGB, RGB 4:4:4, not continuous frequency
  // sRGB chromaticity (10-bit binary fractions)
  const xy = [0.64, 0.33, 0.3, 0.6, 0.15, 0.06, 0.3127, 0.329].map((c) => Math.round(c * 1024));
  const [rx, ry, gx, gy, bx, by, wx, wy] = xy as [number, number, number, number, number, number, number, number];
  b[25] = ((rx & 3) << 6) | ((ry & 3) << 4) | ((gx & 3) << 2) | (gy & 3);
  b[26] = ((bx & 3) << 6) | ((by & 3) << 4) | ((wx & 3) << 2) | (wy & 3);
  [rx, ry, gx, gy, bx, by, wx, wy].forEach((c, i) => { b[27 + i] = c >> 2; });

  const mmW = opts.widthCm * 10, mmH = opts.heightCm * 10;
  const preferred = opts.preferred;
  const others: ModeInfo[] = [];
  for (const m of opts.modes ?? []) if (!sameMode(m, preferred) && !others.some((o) => sameMode(o, m))) others.push(m);
  const all = [preferred, ...others];

  // established timings I & II
  let est = 0;
  const rest: ModeInfo[] = [];
  for (const m of others) {
    const i = EDID_EST_MODES.findIndex((e) => sameMode(e, m));
    if (i >= 0) est |= 1 << i;
    else rest.push(m);
  }
  b[35] = est & 0xff; b[36] = (est >> 8) & 0xff; b[37] = est & 0x10000 ? 0x80 : 0;

  // standard timings
  const std: [number, number][] = [];
  const dtdModes: ModeInfo[] = [];
  for (const m of rest) {
    const code = std.length < 8 ? standardTimingFor(m, all) : null;
    if (code) std.push(code);
    else dtdModes.push(m);
  }
  for (let i = 0; i < 8; i++) {
    const c = std[i] ?? [0x01, 0x01];
    b[38 + 2 * i] = c[0]; b[39 + 2 * i] = c[1];
  }

  // 18-byte descriptors
  const tail: Uint8Array[] = [];
  const range = opts.rangeLimits ?? true;
  if (range !== false) tail.push(rangeDescriptor(range === true ? computeRange(all) : range));
  if (opts.name !== undefined) tail.push(nameDescriptor(opts.name));
  const descs: Uint8Array[] = [encodeDetailedTiming(preferred, mmW, mmH)];
  const dtds = dtdModes.map((m) => encodeDetailedTiming(m, mmW, mmH));
  const baseRoom = 4 - 1 - tail.length;
  descs.push(...dtds.slice(0, baseRoom), ...tail);
  while (descs.length < 4) descs.push(displayDescriptor(EdidDescriptor.DUMMY));
  descs.forEach((d, i) => b.set(d, 54 + DTD_SIZE * i));

  const overflow = dtds.slice(Math.max(baseRoom, 0));
  const CTA_DTD_OFFSET = 4, CTA_MAX_DTDS = Math.trunc((127 - CTA_DTD_OFFSET) / DTD_SIZE);
  if (overflow.length > CTA_MAX_DTDS) {
    throw new RangeError(`${dtds.length} modes need detailed timings; the base block and one CTA-861 extension hold ${baseRoom + CTA_MAX_DTDS}`);
  }
  b[126] = overflow.length ? 1 : 0;
  b[127] = edidBlockChecksum(b);
  if (!overflow.length) return b;

  // CTA-861 extension: revision 3, no data blocks, detailed timings from byte 4
  const x = block();
  x[0] = EdidExt.CEA; x[1] = 3; x[2] = CTA_DTD_OFFSET; x[3] = 0;
  overflow.forEach((d, i) => x.set(d, CTA_DTD_OFFSET + DTD_SIZE * i));
  x[127] = edidBlockChecksum(x);
  const out = new Uint8Array(2 * EDID_LENGTH);
  out.set(b, 0);
  out.set(x, EDID_LENGTH);
  return out;
}
