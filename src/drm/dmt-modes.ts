/**
 * The VESA DMT mode table and the no-EDID mode helpers of drivers/gpu/drm/drm_edid.c / drm_modes.c:
 * drm_dmt_modes[], edid_est_modes[], est3_modes[], drm_mode_find_dmt, mode_is_rb,
 * drm_add_modes_noedid and drm_set_preferred_mode.
 *
 * The timings below are the kernel's (Linux 6.12), in the kernel's order; the table layout is ours.
 */
import { ModeFlag, ModeType } from '../uapi/drm-mode.js';
import type { ModeInfo } from '../uapi/ioctl-structs.js';
import { modeName, modeVrefresh } from './modes.js';

const PH = ModeFlag.PHSYNC, NH = ModeFlag.NHSYNC, PV = ModeFlag.PVSYNC, NV = ModeFlag.NVSYNC, IL = ModeFlag.INTERLACE;

/** [DMT ID, clock kHz, hdisplay, hsync_start, hsync_end, htotal, vdisplay, vsync_start, vsync_end, vtotal, flags] */
type Timing = readonly [number, number, number, number, number, number, number, number, number, number, number];

/** A DRM_MODE_TYPE_DRIVER mode named as drm_mode_set_name would, with vrefresh as userspace sees it. */
export function makeMode(
  clock: number, hdisplay: number, hsync_start: number, hsync_end: number, htotal: number,
  vdisplay: number, vsync_start: number, vsync_end: number, vtotal: number, flags: number, type: number = ModeType.DRIVER,
): ModeInfo {
  const m: ModeInfo = {
    clock, hdisplay, hsync_start, hsync_end, htotal, hskew: 0,
    vdisplay, vsync_start, vsync_end, vtotal, vscan: 0, vrefresh: 0, flags, type, name: '',
  };
  m.name = modeName(m);
  m.vrefresh = modeVrefresh(m);
  return m;
}

function freezeTable(rows: readonly Timing[]): readonly Readonly<ModeInfo>[] {
  return Object.freeze(rows.map(([, c, hd, hss, hse, ht, vd, vss, vse, vt, f]) =>
    Object.freeze(makeMode(c, hd, hss, hse, ht, vd, vss, vse, vt, f))));
}

/* First column: the DMT ID the kernel's comment gives (0 where the table has none). */
const DMT: readonly Timing[] = [
  [0x01, 31500, 640, 672, 736, 832, 350, 382, 385, 445, PH | NV], // 640x350@85
  [0x02, 31500, 640, 672, 736, 832, 400, 401, 404, 445, NH | PV], // 640x400@85
  [0x03, 35500, 720, 756, 828, 936, 400, 401, 404, 446, NH | PV], // 720x400@85
  [0x04, 25175, 640, 656, 752, 800, 480, 490, 492, 525, NH | NV], // 640x480@60
  [0x05, 31500, 640, 664, 704, 832, 480, 489, 492, 520, NH | NV], // 640x480@72
  [0x06, 31500, 640, 656, 720, 840, 480, 481, 484, 500, NH | NV], // 640x480@75
  [0x07, 36000, 640, 696, 752, 832, 480, 481, 484, 509, NH | NV], // 640x480@85
  [0x08, 36000, 800, 824, 896, 1024, 600, 601, 603, 625, PH | PV], // 800x600@56
  [0x09, 40000, 800, 840, 968, 1056, 600, 601, 605, 628, PH | PV], // 800x600@60
  [0x0a, 50000, 800, 856, 976, 1040, 600, 637, 643, 666, PH | PV], // 800x600@72
  [0x0b, 49500, 800, 816, 896, 1056, 600, 601, 604, 625, PH | PV], // 800x600@75
  [0x0c, 56250, 800, 832, 896, 1048, 600, 601, 604, 631, PH | PV], // 800x600@85
  [0x0d, 73250, 800, 848, 880, 960, 600, 603, 607, 636, PH | NV], // 800x600@120 RB
  [0x0e, 33750, 848, 864, 976, 1088, 480, 486, 494, 517, PH | PV], // 848x480@60
  [0x0f, 44900, 1024, 1032, 1208, 1264, 768, 768, 776, 817, PH | PV | IL], // 1024x768@43 interlaced
  [0x10, 65000, 1024, 1048, 1184, 1344, 768, 771, 777, 806, NH | NV], // 1024x768@60
  [0x11, 75000, 1024, 1048, 1184, 1328, 768, 771, 777, 806, NH | NV], // 1024x768@70
  [0x12, 78750, 1024, 1040, 1136, 1312, 768, 769, 772, 800, PH | PV], // 1024x768@75
  [0x13, 94500, 1024, 1072, 1168, 1376, 768, 769, 772, 808, PH | PV], // 1024x768@85
  [0x14, 115500, 1024, 1072, 1104, 1184, 768, 771, 775, 813, PH | NV], // 1024x768@120 RB
  [0x15, 108000, 1152, 1216, 1344, 1600, 864, 865, 868, 900, PH | PV], // 1152x864@75
  [0x55, 74250, 1280, 1390, 1430, 1650, 720, 725, 730, 750, PH | PV], // 1280x720@60
  [0x16, 68250, 1280, 1328, 1360, 1440, 768, 771, 778, 790, PH | NV], // 1280x768@60 RB
  [0x17, 79500, 1280, 1344, 1472, 1664, 768, 771, 778, 798, NH | PV], // 1280x768@60
  [0x18, 102250, 1280, 1360, 1488, 1696, 768, 771, 778, 805, NH | PV], // 1280x768@75
  [0x19, 117500, 1280, 1360, 1496, 1712, 768, 771, 778, 809, NH | PV], // 1280x768@85
  [0x1a, 140250, 1280, 1328, 1360, 1440, 768, 771, 778, 813, PH | NV], // 1280x768@120 RB
  [0x1b, 71000, 1280, 1328, 1360, 1440, 800, 803, 809, 823, PH | NV], // 1280x800@60 RB
  [0x1c, 83500, 1280, 1352, 1480, 1680, 800, 803, 809, 831, NH | PV], // 1280x800@60
  [0x1d, 106500, 1280, 1360, 1488, 1696, 800, 803, 809, 838, NH | PV], // 1280x800@75
  [0x1e, 122500, 1280, 1360, 1496, 1712, 800, 803, 809, 843, NH | PV], // 1280x800@85
  [0x1f, 146250, 1280, 1328, 1360, 1440, 800, 803, 809, 847, PH | NV], // 1280x800@120 RB
  [0x20, 108000, 1280, 1376, 1488, 1800, 960, 961, 964, 1000, PH | PV], // 1280x960@60
  [0x21, 148500, 1280, 1344, 1504, 1728, 960, 961, 964, 1011, PH | PV], // 1280x960@85
  [0x22, 175500, 1280, 1328, 1360, 1440, 960, 963, 967, 1017, PH | NV], // 1280x960@120 RB
  [0x23, 108000, 1280, 1328, 1440, 1688, 1024, 1025, 1028, 1066, PH | PV], // 1280x1024@60
  [0x24, 135000, 1280, 1296, 1440, 1688, 1024, 1025, 1028, 1066, PH | PV], // 1280x1024@75
  [0x25, 157500, 1280, 1344, 1504, 1728, 1024, 1025, 1028, 1072, PH | PV], // 1280x1024@85
  [0x26, 187250, 1280, 1328, 1360, 1440, 1024, 1027, 1034, 1084, PH | NV], // 1280x1024@120 RB
  [0x27, 85500, 1360, 1424, 1536, 1792, 768, 771, 777, 795, PH | PV], // 1360x768@60
  [0x28, 148250, 1360, 1408, 1440, 1520, 768, 771, 776, 813, PH | NV], // 1360x768@120 RB
  [0x51, 85500, 1366, 1436, 1579, 1792, 768, 771, 774, 798, PH | PV], // 1366x768@60
  [0x56, 72000, 1366, 1380, 1436, 1500, 768, 769, 772, 800, PH | PV], // 1366x768@60
  [0x29, 101000, 1400, 1448, 1480, 1560, 1050, 1053, 1057, 1080, PH | NV], // 1400x1050@60 RB
  [0x2a, 121750, 1400, 1488, 1632, 1864, 1050, 1053, 1057, 1089, NH | PV], // 1400x1050@60
  [0x2b, 156000, 1400, 1504, 1648, 1896, 1050, 1053, 1057, 1099, NH | PV], // 1400x1050@75
  [0x2c, 179500, 1400, 1504, 1656, 1912, 1050, 1053, 1057, 1105, NH | PV], // 1400x1050@85
  [0x2d, 208000, 1400, 1448, 1480, 1560, 1050, 1053, 1057, 1112, PH | NV], // 1400x1050@120 RB
  [0x2e, 88750, 1440, 1488, 1520, 1600, 900, 903, 909, 926, PH | NV], // 1440x900@60 RB
  [0x2f, 106500, 1440, 1520, 1672, 1904, 900, 903, 909, 934, NH | PV], // 1440x900@60
  [0x30, 136750, 1440, 1536, 1688, 1936, 900, 903, 909, 942, NH | PV], // 1440x900@75
  [0x31, 157000, 1440, 1544, 1696, 1952, 900, 903, 909, 948, NH | PV], // 1440x900@85
  [0x32, 182750, 1440, 1488, 1520, 1600, 900, 903, 909, 953, PH | NV], // 1440x900@120 RB
  [0x53, 108000, 1600, 1624, 1704, 1800, 900, 901, 904, 1000, PH | PV], // 1600x900@60
  [0x33, 162000, 1600, 1664, 1856, 2160, 1200, 1201, 1204, 1250, PH | PV], // 1600x1200@60
  [0x34, 175500, 1600, 1664, 1856, 2160, 1200, 1201, 1204, 1250, PH | PV], // 1600x1200@65
  [0x35, 189000, 1600, 1664, 1856, 2160, 1200, 1201, 1204, 1250, PH | PV], // 1600x1200@70
  [0x36, 202500, 1600, 1664, 1856, 2160, 1200, 1201, 1204, 1250, PH | PV], // 1600x1200@75
  [0x37, 229500, 1600, 1664, 1856, 2160, 1200, 1201, 1204, 1250, PH | PV], // 1600x1200@85
  [0x38, 268250, 1600, 1648, 1680, 1760, 1200, 1203, 1207, 1271, PH | NV], // 1600x1200@120 RB
  [0x39, 119000, 1680, 1728, 1760, 1840, 1050, 1053, 1059, 1080, PH | NV], // 1680x1050@60 RB
  [0x3a, 146250, 1680, 1784, 1960, 2240, 1050, 1053, 1059, 1089, NH | PV], // 1680x1050@60
  [0x3b, 187000, 1680, 1800, 1976, 2272, 1050, 1053, 1059, 1099, NH | PV], // 1680x1050@75
  [0x3c, 214750, 1680, 1808, 1984, 2288, 1050, 1053, 1059, 1105, NH | PV], // 1680x1050@85
  [0x3d, 245500, 1680, 1728, 1760, 1840, 1050, 1053, 1059, 1112, PH | NV], // 1680x1050@120 RB
  [0x3e, 204750, 1792, 1920, 2120, 2448, 1344, 1345, 1348, 1394, NH | PV], // 1792x1344@60
  [0x3f, 261000, 1792, 1888, 2104, 2456, 1344, 1345, 1348, 1417, NH | PV], // 1792x1344@75
  [0x40, 333250, 1792, 1840, 1872, 1952, 1344, 1347, 1351, 1423, PH | NV], // 1792x1344@120 RB
  [0x41, 218250, 1856, 1952, 2176, 2528, 1392, 1393, 1396, 1439, NH | PV], // 1856x1392@60
  [0x42, 288000, 1856, 1984, 2208, 2560, 1392, 1393, 1396, 1500, NH | PV], // 1856x1392@75
  [0x43, 356500, 1856, 1904, 1936, 2016, 1392, 1395, 1399, 1474, PH | NV], // 1856x1392@120 RB
  [0x52, 148500, 1920, 2008, 2052, 2200, 1080, 1084, 1089, 1125, NH | NV], // 1920x1080@60
  [0x44, 154000, 1920, 1968, 2000, 2080, 1200, 1203, 1209, 1235, PH | NV], // 1920x1200@60 RB
  [0x45, 193250, 1920, 2056, 2256, 2592, 1200, 1203, 1209, 1245, NH | PV], // 1920x1200@60
  [0x46, 245250, 1920, 2056, 2264, 2608, 1200, 1203, 1209, 1255, NH | PV], // 1920x1200@75
  [0x47, 281250, 1920, 2064, 2272, 2624, 1200, 1203, 1209, 1262, NH | PV], // 1920x1200@85
  [0x48, 317000, 1920, 1968, 2000, 2080, 1200, 1203, 1209, 1271, PH | NV], // 1920x1200@120 RB
  [0x49, 234000, 1920, 2048, 2256, 2600, 1440, 1441, 1444, 1500, NH | PV], // 1920x1440@60
  [0x4a, 297000, 1920, 2064, 2288, 2640, 1440, 1441, 1444, 1500, NH | PV], // 1920x1440@75
  [0x4b, 380500, 1920, 1968, 2000, 2080, 1440, 1443, 1447, 1525, PH | NV], // 1920x1440@120 RB
  [0x54, 162000, 2048, 2074, 2154, 2250, 1152, 1153, 1156, 1200, PH | PV], // 2048x1152@60
  [0x4c, 268500, 2560, 2608, 2640, 2720, 1600, 1603, 1609, 1646, PH | NV], // 2560x1600@60 RB
  [0x4d, 348500, 2560, 2752, 3032, 3504, 1600, 1603, 1609, 1658, NH | PV], // 2560x1600@60
  [0x4e, 443250, 2560, 2768, 3048, 3536, 1600, 1603, 1609, 1672, NH | PV], // 2560x1600@75
  [0x4f, 505250, 2560, 2768, 3048, 3536, 1600, 1603, 1609, 1682, NH | PV], // 2560x1600@85
  [0x50, 552750, 2560, 2608, 2640, 2720, 1600, 1603, 1609, 1694, PH | NV], // 2560x1600@120 RB
  [0x57, 556744, 4096, 4104, 4136, 4176, 2160, 2208, 2216, 2222, PH | NV], // 4096x2160@60 RB
  [0x58, 556188, 4096, 4104, 4136, 4176, 2160, 2208, 2216, 2222, PH | NV], // 4096x2160@59.94 RB
];

/** drm_dmt_modes[]: every entry DRM_MODE_TYPE_DRIVER, named "<h>x<v>" ("i" suffix if interlaced). Frozen. */
export const DRM_DMT_MODES: readonly Readonly<ModeInfo>[] = freezeTable(DMT);
/** The VESA DMT ID of each DRM_DMT_MODES entry (from the kernel's comments), same index. */
export const DRM_DMT_IDS: readonly number[] = Object.freeze(DMT.map((r) => r[0]));

/**
 * edid_est_modes[]: established timings I & II; entry i is bit i of
 * `t1 | t2 << 8 | (mfg_rsvd & 0x80) << 9` (bytes 0x23..0x25 of the base block).
 */
export const EDID_EST_MODES: readonly Readonly<ModeInfo>[] = freezeTable([
  [0, 40000, 800, 840, 968, 1056, 600, 601, 605, 628, PH | PV], // 800x600@60
  [0, 36000, 800, 824, 896, 1024, 600, 601, 603, 625, PH | PV], // 800x600@56
  [0, 31500, 640, 656, 720, 840, 480, 481, 484, 500, NH | NV], // 640x480@75
  [0, 31500, 640, 664, 704, 832, 480, 489, 492, 520, NH | NV], // 640x480@72
  [0, 30240, 640, 704, 768, 864, 480, 483, 486, 525, NH | NV], // 640x480@67
  [0, 25175, 640, 656, 752, 800, 480, 490, 492, 525, NH | NV], // 640x480@60
  [0, 35500, 720, 738, 846, 900, 400, 421, 423, 449, NH | NV], // 720x400@88
  [0, 28320, 720, 738, 846, 900, 400, 412, 414, 449, NH | PV], // 720x400@70
  [0, 135000, 1280, 1296, 1440, 1688, 1024, 1025, 1028, 1066, PH | PV], // 1280x1024@75
  [0, 78750, 1024, 1040, 1136, 1312, 768, 769, 772, 800, PH | PV], // 1024x768@75
  [0, 75000, 1024, 1048, 1184, 1328, 768, 771, 777, 806, NH | NV], // 1024x768@70
  [0, 65000, 1024, 1048, 1184, 1344, 768, 771, 777, 806, NH | NV], // 1024x768@60
  [0, 44900, 1024, 1032, 1208, 1264, 768, 768, 776, 817, PH | PV | IL], // 1024x768@43
  [0, 57284, 832, 864, 928, 1152, 624, 625, 628, 667, NH | NV], // 832x624@75
  [0, 49500, 800, 816, 896, 1056, 600, 601, 604, 625, PH | PV], // 800x600@75
  [0, 50000, 800, 856, 976, 1040, 600, 637, 643, 666, PH | PV], // 800x600@72
  [0, 108000, 1152, 1216, 1344, 1600, 864, 865, 868, 900, PH | PV], // 1152x864@75
]);

/** struct minimode: width, height, refresh, reduced blanking. */
export interface MiniMode { readonly w: number; readonly h: number; readonly r: number; readonly rb: boolean }
const mm = (w: number, h: number, r: number, rb = 0): MiniMode => Object.freeze({ w, h, r, rb: rb !== 0 });

/** est3_modes[]: established timings III (display descriptor 0xF7), byte 6 bit 7 first. */
export const EST3_MODES: readonly MiniMode[] = Object.freeze([
  mm(640, 350, 85), mm(640, 400, 85), mm(720, 400, 85), mm(640, 480, 85), mm(848, 480, 60), mm(800, 600, 85), mm(1024, 768, 85), mm(1152, 864, 75),
  mm(1280, 768, 60, 1), mm(1280, 768, 60), mm(1280, 768, 75), mm(1280, 768, 85), mm(1280, 960, 60), mm(1280, 960, 85), mm(1280, 1024, 60), mm(1280, 1024, 85),
  mm(1360, 768, 60), mm(1440, 900, 60, 1), mm(1440, 900, 60), mm(1440, 900, 75), mm(1440, 900, 85), mm(1400, 1050, 60, 1), mm(1400, 1050, 60), mm(1400, 1050, 75),
  mm(1400, 1050, 85), mm(1680, 1050, 60, 1), mm(1680, 1050, 60), mm(1680, 1050, 75), mm(1680, 1050, 85), mm(1600, 1200, 60), mm(1600, 1200, 65), mm(1600, 1200, 70),
  mm(1600, 1200, 75), mm(1600, 1200, 85), mm(1792, 1344, 60), mm(1792, 1344, 75), mm(1856, 1392, 60), mm(1856, 1392, 75), mm(1920, 1200, 60, 1), mm(1920, 1200, 60),
  mm(1920, 1200, 75), mm(1920, 1200, 85), mm(1920, 1440, 60), mm(1920, 1440, 75),
]);

/** extra_modes[]: the sizes tried when inferring GTF/CVT modes from a range-limits descriptor. */
export const EXTRA_MODES: readonly MiniMode[] = Object.freeze([
  mm(1024, 576, 60), mm(1366, 768, 60), mm(1600, 900, 60), mm(1680, 945, 60), mm(1920, 1080, 60), mm(2048, 1152, 60), mm(2048, 1536, 60),
]);

/** A mutable copy of a mode (drm_mode_duplicate). */
export function duplicateMode(m: Readonly<ModeInfo>): ModeInfo {
  return { ...m };
}

/** mode_is_rb: CVT reduced-blanking shape (160 px blank, 80 px to sync end, 32 px sync, 3 line front porch). */
export function modeIsReducedBlanking(m: Readonly<ModeInfo>): boolean {
  return m.htotal - m.hdisplay === 160 && m.hsync_end - m.hdisplay === 80 &&
    m.hsync_end - m.hsync_start === 32 && m.vsync_start - m.vdisplay === 3;
}

/** drm_mode_find_dmt: a copy of the first DMT mode of that size, refresh (drm_mode_vrefresh) and RB-ness, or null. */
export function findDmtMode(hsize: number, vsize: number, fresh: number, rb: boolean): ModeInfo | null {
  for (const p of DRM_DMT_MODES) {
    if (p.hdisplay !== hsize || p.vdisplay !== vsize) continue;
    if (modeVrefresh(p) !== fresh) continue;
    if (modeIsReducedBlanking(p) !== rb) continue;
    return duplicateMode(p);
  }
  return null;
}

/**
 * drm_add_modes_noedid: copies of the DMT modes, in table order, that fit in hdisplay×vdisplay
 * (no size limit unless both are > 0; negative counts as 0) and whose refresh is at most 61 Hz.
 * Interlaced modes are included, as in the kernel; the probe helper prunes them later.
 */
export function addModesNoEdid(hdisplay: number, vdisplay: number): ModeInfo[] {
  const h = Math.max(hdisplay, 0), v = Math.max(vdisplay, 0);
  const out: ModeInfo[] = [];
  for (const p of DRM_DMT_MODES) {
    if (h && v && (p.hdisplay > h || p.vdisplay > v)) continue;
    if (modeVrefresh(p) > 61) continue;
    out.push(duplicateMode(p));
  }
  return out;
}

/**
 * drm_set_preferred_mode: sets DRM_MODE_TYPE_PREFERRED on every mode of exactly hpref×vpref
 * (others are left as they are). Mutates and returns `modes`.
 */
export function setPreferredMode<T extends ModeInfo[]>(modes: T, hpref: number, vpref: number): T {
  for (const m of modes) if (m.hdisplay === hpref && m.vdisplay === vpref) m.type |= ModeType.PREFERRED;
  return modes;
}
