/**
 * EDID parsing as drivers/gpu/drm/drm_edid.c (Linux 6.12) does it for a connector's mode list:
 * block validation (edid_block_check), then _drm_edid_connector_update's order — detailed timings
 * (base block, then CTA-861 and VTB extensions), CVT 3-byte codes, standard timings, established
 * timings I/II/III, and, with the continuous-frequency feature bit, modes inferred from the range
 * limits descriptor (DMT, GTF, secondary GTF or CVT).
 *
 * Not done: CTA-861 data blocks (add_cea_modes / add_alternate_cea_modes: VICs, HDMI VSDB, 4:2:0),
 * DisplayID blocks, HF-EEODB block counts, the EDID quirk table (edid_quirk_list, edid_fixup_preferred),
 * fixup_detailed_cea_mode_clock, and display_info beyond the size (bpc, colour formats, ELD).
 * Modes are returned as probed: the probe helper's validation, pruning and sorting are not applied.
 */
import { ModeFlag, ModeType } from '../uapi/drm-mode.js';
import type { ModeInfo } from '../uapi/ioctl-structs.js';
import { cvtMode, gtfMode, gtfModeComplex } from './cvt-gtf.js';
import { DRM_DMT_MODES, duplicateMode, EDID_EST_MODES, EST3_MODES, EXTRA_MODES, findDmtMode, modeIsReducedBlanking } from './dmt-modes.js';
import { modeName, modeVrefresh } from './modes.js';

export const EDID_LENGTH = 128;
export const EDID_HEADER: readonly number[] = Object.freeze([0x00, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x00]);
/** Extension block tags. */
export const EdidExt = { CEA: 0x02, VTB: 0x10, DI: 0x40, LS: 0x50, MI: 0x60, DISPLAYID: 0x70 } as const;
/** Display descriptor tags (byte 3 of an 18-byte descriptor whose first 3 bytes are 0). */
export const EdidDescriptor = {
  DUMMY: 0x10, EST_TIMINGS: 0xf7, CVT_3BYTE: 0xf8, COLOR_MGMT_DATA: 0xf9, STD_MODES: 0xfa, MONITOR_CPDATA: 0xfb,
  MONITOR_NAME: 0xfc, MONITOR_RANGE: 0xfd, MONITOR_STRING: 0xfe, MONITOR_SERIAL: 0xff,
} as const;
/** Byte 10 of a range limits descriptor. */
export const EdidRangeFlag = { DEFAULT_GTF: 0x00, LIMITS_ONLY: 0x01, SECONDARY_GTF: 0x02, CVT: 0x04 } as const;
export const EDID_CVT_FLAGS_REDUCED_BLANKING = 1 << 4;
/** Detailed timing byte 17 (misc) bits. */
export const EdidPt = { HSYNC_POSITIVE: 1 << 1, VSYNC_POSITIVE: 1 << 2, SEPARATE_SYNC: 3 << 3, STEREO: 1 << 5, INTERLACED: 1 << 7 } as const;
export const EDID_INPUT_DIGITAL = 1 << 7;
export const EdidFeature = { CONTINUOUS_FREQ: 1 << 0, PREFERRED_TIMING: 1 << 1, STANDARD_COLOR: 1 << 2 } as const;

/** Standard-timing generation level (LEVEL_DMT … LEVEL_CVT). */
export const TimingLevel = { DMT: 0, GTF: 1, GTF2: 2, CVT: 3 } as const;
export type TimingLevelCode = (typeof TimingLevel)[keyof typeof TimingLevel];

/** edid_block_compute_checksum: the value byte 127 must hold for the block to be valid. */
export function edidBlockChecksum(block: ArrayLike<number>, offset = 0): number {
  let sum = 0;
  for (let i = 0; i < EDID_LENGTH - 1; i++) sum = (sum + (block[offset + i] ?? 0)) & 0xff;
  return (0x100 - sum) & 0xff;
}

/** drm_edid_header_is_valid: how many of the 8 header bytes are right (8 = perfect). */
export function edidHeaderScore(bytes: ArrayLike<number>): number {
  let score = 0;
  for (let i = 0; i < EDID_HEADER.length; i++) if (bytes[i] === EDID_HEADER[i]) score++;
  return score;
}

/** A decoded range limits descriptor (0xFD), with the EDID 1.4 +255 offsets applied. */
export interface EdidRangeLimits {
  minVfreq: number; maxVfreq: number; minHfreqKhz: number; maxHfreqKhz: number;
  /** Byte 9 × 10 MHz, in kHz; 0 when unspecified (0 or 255). */
  maxPixelClockKhz: number;
  /** Byte 10: EdidRangeFlag. */
  flags: number;
}

export interface ParsedEdid {
  /** False when the base block is unusable (the kernel then behaves as if there were no EDID). */
  valid: boolean;
  /** Problems: with the base block (valid=false) or with extension blocks that were dropped. */
  errors: string[];
  /** Tolerated defects: a repaired header, an ignored CTA checksum. */
  warnings: string[];
  version: number; revision: number;
  /** Three-letter PNP manufacturer ID. */
  manufacturer: string;
  productCode: number; serial: number; week: number; year: number;
  /** Monitor name descriptor (drm_edid_get_monitor_name: the last one, up to 13 chars, cut at LF); '' if none. */
  name: string;
  /** display_info.width_mm/height_mm: the base block's size in cm × 10. */
  mmWidth: number; mmHeight: number;
  /** Extension blocks used (after dropping invalid ones). */
  extensions: number;
  /** The last range limits descriptor, if any. */
  rangeLimits: EdidRangeLimits | null;
  /** The probed modes in the order the kernel adds them (not sorted, not validated, not deduplicated). */
  modes: ModeInfo[];
  /** Index in `modes` of the first mode with DRM_MODE_TYPE_PREFERRED, -1 if none. */
  preferred: number;
}

/** What drm_mode_std needs to know about the EDID. */
export interface StdTimingContext {
  revision: number;
  /** drm_monitor_supports_rb. */
  supportsRb: boolean;
  /** standard_timing_level. */
  level: TimingLevelCode;
  /** The secondary GTF curve (drm_gtf2_*), when a range descriptor announces one. */
  gtf2: { hbreakKhz: number; m: number; c2: number; k: number; j2: number } | null;
}

interface Edid {
  base: Uint8Array;
  exts: Uint8Array[];
  revision: number;
}

const u16le = (b: Uint8Array, o: number) => b[o]! | (b[o + 1]! << 8);
const isZero = (b: Uint8Array) => b.every((x) => x === 0);

function isDisplayDescriptor(d: Uint8Array, type: number): boolean {
  return d[0] === 0 && d[1] === 0 && d[2] === 0 && d[3] === type;
}
function isDetailedTimingDescriptor(d: Uint8Array): boolean {
  return u16le(d, 0) !== 0;
}

/** drm_for_each_detailed_block: the 4 base descriptors, then those of CTA-861 and VTB extensions. */
function detailedBlocks(e: Edid): Uint8Array[] {
  const out: Uint8Array[] = [];
  for (let i = 0; i < 4; i++) out.push(e.base.subarray(54 + 18 * i, 72 + 18 * i));
  for (const ext of e.exts) {
    if (ext[0] === EdidExt.CEA) {
      const d = ext[2]!;
      if (d < 4 || d > 127) continue;
      const n = Math.trunc((127 - d) / 18);
      for (let i = 0; i < n; i++) out.push(ext.subarray(d + 18 * i, d + 18 * i + 18));
    } else if (ext[0] === EdidExt.VTB) {
      if (ext[1] !== 1) continue; // unknown version
      const n = Math.min(ext[2]!, 6);
      for (let i = 0; i < n; i++) out.push(ext.subarray(5 + 18 * i, 5 + 18 * i + 18));
    }
  }
  return out;
}

function rangeDescriptors(e: Edid): Uint8Array[] {
  return detailedBlocks(e).filter((d) => isDisplayDescriptor(d, EdidDescriptor.MONITOR_RANGE));
}

/** drm_monitor_supports_rb: EDID 1.4 says so in a CVT range descriptor; for older ones, "digital input". */
function monitorSupportsRb(e: Edid): boolean {
  if (e.revision >= 4) {
    return rangeDescriptors(e).some((d) => d[10] === EdidRangeFlag.CVT && (d[15]! & EDID_CVT_FLAGS_REDUCED_BLANKING) !== 0);
  }
  return (e.base[20]! & EDID_INPUT_DIGITAL) !== 0;
}

/** find_gtf2: the last range descriptor announcing a secondary GTF curve. */
function findGtf2(e: Edid): Uint8Array | null {
  let res: Uint8Array | null = null;
  for (const d of rangeDescriptors(e)) if (d[10] === EdidRangeFlag.SECONDARY_GTF) res = d;
  return res;
}

/** standard_timing_level. */
function standardTimingLevel(e: Edid): TimingLevelCode {
  if (e.revision >= 4) {
    let ret: TimingLevelCode = TimingLevel.CVT;
    for (const d of rangeDescriptors(e)) {
      if (d[10] === EdidRangeFlag.DEFAULT_GTF) ret = TimingLevel.GTF;
      else if (d[10] === EdidRangeFlag.SECONDARY_GTF) ret = TimingLevel.GTF2;
      else if (d[10] === EdidRangeFlag.CVT) ret = TimingLevel.CVT;
    }
    return ret;
  }
  const g = findGtf2(e);
  if (e.revision >= 3 && g && g[12]! * 2) return TimingLevel.GTF2;
  if (e.revision >= 2) return TimingLevel.GTF;
  return TimingLevel.DMT;
}

function stdContext(e: Edid): StdTimingContext {
  const g = findGtf2(e);
  return {
    revision: e.revision,
    supportsRb: monitorSupportsRb(e),
    level: standardTimingLevel(e),
    gtf2: g ? { hbreakKhz: g[12]! * 2, c2: g[13]!, m: u16le(g, 14), k: g[16]!, j2: g[17]! } : null,
  };
}

/** drm_mode_hsync as drm_edid.c has it: DIV_ROUND_CLOSEST(clock, htotal), in kHz. */
function modeHsync(m: ModeInfo): number {
  if (m.htotal <= 0) return 0;
  return Math.trunc((m.clock + Math.trunc(m.htotal / 2)) / m.htotal);
}

/** drm_gtf2_mode: GTF, switching to the secondary curve above the break frequency. */
function gtf2Mode(ctx: StdTimingContext, hsize: number, vsize: number, refresh: number): ModeInfo | null {
  const g = ctx.gtf2 ?? { hbreakKhz: 0, m: 0, c2: 0, k: 0, j2: 0 };
  const mode = gtfMode(hsize, vsize, refresh, false, false);
  if (!mode) return null;
  if (modeHsync(mode) > g.hbreakKhz) return gtfModeComplex(hsize, vsize, refresh, false, false, g.m, g.c2, g.k, g.j2);
  return mode;
}

const badStdTiming = (a: number, b: number) => (a === 0x00 && b === 0x00) || (a === 0x01 && b === 0x01) || (a === 0x20 && b === 0x20);

/**
 * drm_mode_std: a standard timing (2 bytes) → a mode, via DMT, then GTF/GTF2/CVT per ctx.level.
 * null for unused codes, or when `probed` already has a mode of that size and refresh.
 */
export function standardTimingToMode(hsizeByte: number, vfreqAspect: number, ctx: StdTimingContext, probed: readonly ModeInfo[]): ModeInfo | null {
  if (badStdTiming(hsizeByte, vfreqAspect)) return null;
  const aspect = (vfreqAspect & 0xc0) >> 6;
  const vfreq = vfreqAspect & 0x3f;
  let hsize = hsizeByte * 8 + 248;
  const refresh = vfreq + 60;
  let vsize: number;
  if (aspect === 0) vsize = ctx.revision < 3 ? hsize : Math.trunc((hsize * 10) / 16);
  else if (aspect === 1) vsize = Math.trunc((hsize * 3) / 4);
  else if (aspect === 2) vsize = Math.trunc((hsize * 4) / 5);
  else vsize = Math.trunc((hsize * 9) / 16);

  // HDTV hack, part 1
  if (refresh === 60 && ((hsize === 1360 && vsize === 765) || (hsize === 1368 && vsize === 769))) {
    hsize = 1366;
    vsize = 768;
  }
  // an existing mode of that size and refresh (detailed or CVT) wins
  for (const m of probed) if (m.hdisplay === hsize && m.vdisplay === vsize && modeVrefresh(m) === refresh) return null;

  // HDTV hack, part 2
  if (hsize === 1366 && vsize === 768 && refresh === 60) {
    const mode = cvtMode(1366, 768, refresh, false, false, false);
    if (!mode) return null;
    mode.hdisplay = 1366;
    mode.hsync_start -= 1;
    mode.hsync_end -= 1;
    return mode; // the kernel keeps the CVT name ("1360x768") here
  }
  if (ctx.supportsRb) {
    const rb = findDmtMode(hsize, vsize, refresh, true);
    if (rb) return rb;
  }
  const dmt = findDmtMode(hsize, vsize, refresh, false);
  if (dmt) return dmt;
  switch (ctx.level) {
    case TimingLevel.GTF: return gtfMode(hsize, vsize, refresh, false, false);
    case TimingLevel.GTF2: return gtf2Mode(ctx, hsize, vsize, refresh);
    case TimingLevel.CVT: return cvtMode(hsize, vsize, refresh, false, false, false);
    default: return null;
  }
}

const CEA_INTERLACED: readonly (readonly [number, number])[] = [[1920, 1080], [720, 480], [1440, 480], [2880, 480], [720, 576], [1440, 576], [2880, 576]];

/**
 * drm_mode_detailed: an 18-byte detailed timing descriptor → a DRIVER mode, or null (tiny,
 * stereo, or zero sync width). No quirks applied.
 */
export function detailedTimingToMode(d: Uint8Array): ModeInfo | null {
  const hactive = ((d[4]! & 0xf0) << 4) | d[2]!;
  const vactive = ((d[7]! & 0xf0) << 4) | d[5]!;
  const hblank = ((d[4]! & 0xf) << 8) | d[3]!;
  const vblank = ((d[7]! & 0xf) << 8) | d[6]!;
  const hsyncOffset = ((d[11]! & 0xc0) << 2) | d[8]!;
  const hsyncPulseWidth = ((d[11]! & 0x30) << 4) | d[9]!;
  const vsyncOffset = ((d[11]! & 0xc) << 2) | (d[10]! >> 4);
  const vsyncPulseWidth = ((d[11]! & 0x3) << 4) | (d[10]! & 0xf);
  const misc = d[17]!;
  if (hactive < 64 || vactive < 64) return null; // tiny
  if (misc & EdidPt.STEREO) return null; // stereo not supported
  // (composite sync is only logged by the kernel)
  if (!hsyncPulseWidth || !vsyncPulseWidth) return null;

  const m: ModeInfo = {
    clock: u16le(d, 0) * 10,
    hdisplay: hactive, hsync_start: hactive + hsyncOffset, hsync_end: 0, htotal: hactive + hblank, hskew: 0,
    vdisplay: vactive, vsync_start: vactive + vsyncOffset, vsync_end: 0, vtotal: vactive + vblank, vscan: 0,
    vrefresh: 0, flags: 0, type: ModeType.DRIVER, name: '',
  };
  m.hsync_end = m.hsync_start + hsyncPulseWidth;
  m.vsync_end = m.vsync_start + vsyncPulseWidth;
  // some EDIDs have bogus h/vtotal values
  if (m.hsync_end > m.htotal) m.htotal = m.hsync_end + 1;
  if (m.vsync_end > m.vtotal) m.vtotal = m.vsync_end + 1;
  // drm_mode_do_interlace_quirk: CEA field-height timings are doubled to frame height
  if (misc & EdidPt.INTERLACED) {
    for (const [w, h] of CEA_INTERLACED) {
      if (m.hdisplay === w && m.vdisplay === h / 2) {
        m.vdisplay *= 2;
        m.vsync_start *= 2;
        m.vsync_end *= 2;
        m.vtotal *= 2;
        m.vtotal |= 1;
      }
    }
    m.flags |= ModeFlag.INTERLACE;
  }
  m.flags |= misc & EdidPt.HSYNC_POSITIVE ? ModeFlag.PHSYNC : ModeFlag.NHSYNC;
  m.flags |= misc & EdidPt.VSYNC_POSITIVE ? ModeFlag.PVSYNC : ModeFlag.NVSYNC;
  m.name = modeName(m);
  m.vrefresh = modeVrefresh(m);
  return m;
}

function addDetailedModes(e: Edid, probed: ModeInfo[]): void {
  // first detailed timing is always preferred in 1.4, else if the feature bit says so
  let preferred = e.revision >= 4 || (e.base[24]! & EdidFeature.PREFERRED_TIMING) !== 0;
  for (const d of detailedBlocks(e)) {
    if (!isDetailedTimingDescriptor(d)) continue;
    const m = detailedTimingToMode(d);
    if (!m) continue;
    if (preferred) m.type |= ModeType.PREFERRED;
    probed.push(m);
    preferred = false;
  }
}

/**
 * drm_cvt_modes. The kernel reads the four 3-byte codes through struct cvt_timing cvt[4] placed
 * at descriptor byte 5 (where EDID 1.4 puts the version byte, codes at bytes 6..17); that
 * placement is kept here. The reduced-blanking bit (j = 0) is never looked at, as in the kernel.
 */
function addCvtModes(e: Edid, probed: ModeInfo[]): void {
  if (e.revision < 3) return;
  const rates = [60, 85, 75, 60, 50];
  for (const d of detailedBlocks(e)) {
    if (!isDisplayDescriptor(d, EdidDescriptor.CVT_3BYTE)) continue;
    for (let i = 0; i < 4; i++) {
      const c0 = d[5 + 3 * i]!, c1 = d[6 + 3 * i]!, c2 = d[7 + 3 * i]!;
      if (c0 === 0 && c1 === 0 && c2 === 0) continue;
      const height = (c0 + ((c1 & 0xf0) << 4) + 1) * 2;
      let width: number;
      switch (c1 & 0x0c) {
        case 0x04: width = Math.trunc((height * 16) / 9); break;
        case 0x08: width = Math.trunc((height * 16) / 10); break;
        case 0x0c: width = Math.trunc((height * 15) / 9); break;
        default: width = Math.trunc((height * 4) / 3); break;
      }
      for (let j = 1; j < 5; j++) {
        if (c2 & (1 << j)) {
          const m = cvtMode(width, height, rates[j]!, j === 0, false, false);
          if (m) probed.push(m);
        }
      }
    }
  }
}

function addStandardModes(e: Edid, ctx: StdTimingContext, probed: ModeInfo[]): void {
  for (let i = 0; i < 8; i++) {
    const m = standardTimingToMode(e.base[38 + 2 * i]!, e.base[39 + 2 * i]!, ctx, probed);
    if (m) probed.push(m);
  }
  if (e.revision < 1) return;
  for (const d of detailedBlocks(e)) {
    if (!isDisplayDescriptor(d, EdidDescriptor.STD_MODES)) continue;
    for (let i = 0; i < 6; i++) {
      const m = standardTimingToMode(d[5 + 2 * i]!, d[6 + 2 * i]!, ctx, probed);
      if (m) probed.push(m);
    }
  }
}

function addEstablishedModes(e: Edid, probed: ModeInfo[]): void {
  const b = e.base;
  const estBits = b[35]! | (b[36]! << 8) | ((b[37]! & 0x80) << 9);
  for (let i = 0; i <= 16; i++) if (estBits & (1 << i)) probed.push(duplicateMode(EDID_EST_MODES[i]!));
  if (e.revision < 1) return;
  for (const d of detailedBlocks(e)) {
    if (!isDisplayDescriptor(d, EdidDescriptor.EST_TIMINGS)) continue;
    // drm_est3_modes
    for (let i = 0; i < 6; i++) {
      for (let j = 7; j >= 0; j--) {
        const m = i * 8 + (7 - j);
        if (m >= EST3_MODES.length) break;
        if (d[6 + i]! & (1 << j)) {
          const e3 = EST3_MODES[m]!;
          const mode = findDmtMode(e3.w, e3.h, e3.r, e3.rb);
          if (mode) probed.push(mode);
        }
      }
    }
  }
}

/** mode_in_range (mode_in_hsync_range, mode_in_vsync_range, range_pixel_clock). */
function modeInRange(m: ModeInfo, e: Edid, t: Uint8Array): boolean {
  const r4 = e.revision >= 4;
  const hmin = t[7]! + (r4 && t[4]! & 0x04 ? 255 : 0), hmax = t[8]! + (r4 && t[4]! & 0x08 ? 255 : 0);
  const hsync = modeHsync(m);
  if (hsync > hmax || hsync < hmin) return false;
  const vmin = t[5]! + (r4 && t[4]! & 0x01 ? 255 : 0), vmax = t[6]! + (r4 && t[4]! & 0x02 ? 255 : 0);
  const vsync = modeVrefresh(m);
  if (vsync > vmax || vsync < vmin) return false;
  let maxClock = 0;
  if (t[9] !== 0 && t[9] !== 255) {
    maxClock = r4 && t[10] === EdidRangeFlag.CVT ? t[9]! * 10000 - (t[12]! >> 2) * 250 : t[9]! * 10000 + 5001;
  }
  if (maxClock && m.clock > maxClock) return false;
  if (r4 && t[10] === EdidRangeFlag.CVT && t[13] && m.hdisplay > 8 * (t[13]! + 256 * (t[12]! & 0x3))) return false;
  if (modeIsReducedBlanking(m) && !monitorSupportsRb(e)) return false;
  return true;
}

/** valid_inferred_mode: not a duplicate (size + refresh) and no larger than some probed mode. */
function validInferredMode(probed: readonly ModeInfo[], mode: ModeInfo): boolean {
  let ok = false;
  for (const m of probed) {
    if (mode.hdisplay === m.hdisplay && mode.vdisplay === m.vdisplay && modeVrefresh(mode) === modeVrefresh(m)) return false;
    if (mode.hdisplay <= m.hdisplay && mode.vdisplay <= m.vdisplay) ok = true;
  }
  return ok;
}

/** drm_mode_fixup_1366x768. */
function fixup1366x768(m: ModeInfo): void {
  if (m.hdisplay === 1368 && m.vdisplay === 768) {
    m.hdisplay = 1366;
    m.hsync_start--;
    m.hsync_end--;
    m.name = modeName(m);
  }
}

function addInferredModes(e: Edid, ctx: StdTimingContext, probed: ModeInfo[]): void {
  if (e.revision < 1) return;
  for (const t of detailedBlocks(e)) {
    if (!isDisplayDescriptor(t, EdidDescriptor.MONITOR_RANGE)) continue;
    // drm_dmt_modes_for_range
    for (const p of DRM_DMT_MODES) {
      const m = duplicateMode(p);
      if (modeInRange(m, e, t) && validInferredMode(probed, m)) probed.push(m);
    }
    if (e.revision < 2) continue; // GTF not defined yet
    let gen: ((w: number, h: number, r: number) => ModeInfo | null) | null = null;
    if (t[10] === EdidRangeFlag.SECONDARY_GTF) gen = (w, h, r) => gtf2Mode(ctx, w, h, r);
    else if (t[10] === EdidRangeFlag.DEFAULT_GTF) gen = (w, h, r) => gtfMode(w, h, r, false, false);
    else if (t[10] === EdidRangeFlag.CVT && e.revision >= 4) {
      const rb = monitorSupportsRb(e);
      gen = (w, h, r) => cvtMode(w, h, r, rb, false, false);
    }
    if (!gen) continue;
    for (const x of EXTRA_MODES) {
      const m = gen(x.w, x.h, x.r);
      if (!m) break;
      fixup1366x768(m);
      if (!modeInRange(m, e, t) || !validInferredMode(probed, m)) continue;
      probed.push(m);
    }
  }
}

function decodeRange(d: Uint8Array, revision: number): EdidRangeLimits {
  const r4 = revision >= 4;
  return {
    minVfreq: d[5]! + (r4 && d[4]! & 0x01 ? 255 : 0), maxVfreq: d[6]! + (r4 && d[4]! & 0x02 ? 255 : 0),
    minHfreqKhz: d[7]! + (r4 && d[4]! & 0x04 ? 255 : 0), maxHfreqKhz: d[8]! + (r4 && d[4]! & 0x08 ? 255 : 0),
    maxPixelClockKhz: d[9] === 0 || d[9] === 255 ? 0 : d[9]! * 10000,
    flags: d[10]!,
  };
}

function decodeManufacturer(b: Uint8Array): string {
  const v = (b[8]! << 8) | b[9]!;
  return [10, 5, 0].map((s) => String.fromCharCode(64 + ((v >> s) & 0x1f))).join('');
}

/** get_monitor_name: the last 0xFC descriptor, up to 13 bytes, cut at the first LF. */
function monitorName(e: Edid): string {
  let res: Uint8Array | null = null;
  for (const d of detailedBlocks(e)) if (isDisplayDescriptor(d, EdidDescriptor.MONITOR_NAME)) res = d.subarray(5, 18);
  if (!res) return '';
  let s = '';
  for (const c of res) {
    if (c === 0x0a) break;
    s += String.fromCharCode(c);
  }
  return s;
}

function emptyResult(): ParsedEdid {
  return {
    valid: false, errors: [], warnings: [], version: 0, revision: 0, manufacturer: '', productCode: 0, serial: 0, week: 0, year: 0,
    name: '', mmWidth: 0, mmHeight: 0, extensions: 0, rangeLimits: null, modes: [], preferred: -1,
  };
}

export interface ParseEdidOptions {
  /** drm.edid_fixup: the minimum number of correct header bytes for a header to be repaired (0–8, default 6). */
  edidFixup?: number;
}

/**
 * Validates an EDID (base block + extensions) as the kernel does when reading one, then builds the
 * connector's probed mode list from it as drm_edid_connector_update does.
 */
export function parseEdid(data: ArrayLike<number>, opts: ParseEdidOptions = {}): ParsedEdid {
  const res = emptyResult();
  const bytes = Uint8Array.from(data as ArrayLike<number>);
  if (bytes.length < EDID_LENGTH) {
    res.errors.push(`EDID is ${bytes.length} bytes, shorter than one ${EDID_LENGTH}-byte block`);
    return res;
  }
  if (bytes.length % EDID_LENGTH) res.warnings.push(`EDID length ${bytes.length} is not a multiple of ${EDID_LENGTH}; trailing bytes ignored`);
  const base = bytes.slice(0, EDID_LENGTH);

  // edid_block_check(base)
  const fixup = Math.min(Math.max(opts.edidFixup ?? 6, 0), 8);
  const score = edidHeaderScore(base);
  if (score < fixup) {
    res.errors.push(isZero(base) ? 'EDID block 0 is all zeroes' : `EDID has corrupt header (${score}/8 header bytes correct)`);
    return res;
  }
  if (score < 8) {
    base.set(EDID_HEADER, 0);
    res.warnings.push(`EDID header had ${8 - score} wrong byte(s); repaired`);
  }
  const csum = edidBlockChecksum(base);
  if (csum !== base[127]) {
    res.errors.push(isZero(base) ? 'EDID block 0 is all zeroes'
      : `EDID block 0 (tag 0x00) checksum is invalid: byte 127 is 0x${hex(base[127]!)}, should be 0x${hex(csum)}`);
    return res;
  }
  if (base[18] !== 1) {
    res.errors.push(`EDID has major version ${base[18]}, instead of 1`);
    return res;
  }
  res.valid = true;

  // extension blocks: count from byte 126, limited by the data given; invalid ones filtered out
  const declared = base[126]!;
  const present = Math.trunc(bytes.length / EDID_LENGTH) - 1;
  if (declared > present) res.errors.push(`EDID declares ${declared} extension block(s) but only ${present} present`);
  const exts: Uint8Array[] = [];
  for (let i = 1; i <= Math.min(declared, present); i++) {
    const blk = bytes.subarray(i * EDID_LENGTH, (i + 1) * EDID_LENGTH);
    const c = edidBlockChecksum(blk);
    if (c !== blk[127]) {
      if (isZero(blk)) {
        res.errors.push(`EDID block ${i} is all zeroes; dropped`);
        continue;
      }
      if (blk[0] === EdidExt.CEA) {
        res.warnings.push(`EDID block ${i} (tag 0x02) checksum is invalid, remainder is ${c}, ignoring`);
      } else {
        res.errors.push(`EDID block ${i} (tag 0x${hex(blk[0]!)}) checksum is invalid: byte 127 is 0x${hex(blk[127]!)}, should be 0x${hex(c)}; dropped`);
        continue;
      }
    }
    exts.push(blk);
  }

  const e: Edid = { base, exts, revision: base[19]! };
  res.version = base[18]!;
  res.revision = base[19]!;
  res.manufacturer = decodeManufacturer(base);
  res.productCode = u16le(base, 10);
  res.serial = (base[12]! | (base[13]! << 8) | (base[14]! << 16) | (base[15]! << 24)) >>> 0;
  res.week = base[16]!;
  res.year = base[17]! + 1990;
  res.mmWidth = base[21]! * 10;
  res.mmHeight = base[22]! * 10;
  res.extensions = exts.length;
  res.name = monitorName(e);
  const ranges = rangeDescriptors(e);
  res.rangeLimits = ranges.length ? decodeRange(ranges[ranges.length - 1]!, e.revision) : null;

  // _drm_edid_connector_update's order
  const ctx = stdContext(e);
  const probed: ModeInfo[] = [];
  addDetailedModes(e, probed);
  addCvtModes(e, probed);
  addStandardModes(e, ctx, probed);
  addEstablishedModes(e, probed);
  if (base[24]! & EdidFeature.CONTINUOUS_FREQ) addInferredModes(e, ctx, probed);

  for (const m of probed) m.vrefresh = modeVrefresh(m);
  res.modes = probed;
  res.preferred = probed.findIndex((m) => (m.type & ModeType.PREFERRED) !== 0);
  return res;
}

function hex(n: number): string {
  return n.toString(16).padStart(2, '0');
}
