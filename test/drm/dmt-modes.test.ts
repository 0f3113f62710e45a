/**
 * The DMT table and drm_add_modes_noedid against the real VKMS of Linux 6.12.
 *
 * Ground truth: /work/shared/reference/vkms-6.12/full/. Its drm_info.json reads connectors without
 * probing them (README: status "unknown"), so its "modes" arrays are empty; the 34 modes of
 * drm_add_modes_noedid(connector, 8192, 8192) + drm_set_preferred_mode(1024, 768), after the probe
 * helper pruned interlaced modes and sorted, are in modetest.txt of the same capture, which probes.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { addModesNoEdid, DRM_DMT_IDS, DRM_DMT_MODES, EDID_EST_MODES, findDmtMode, modeIsReducedBlanking, setPreferredMode } from '../../src/drm/dmt-modes.js';
import { compareModes, modeBasicProblem, modeVrefresh } from '../../src/drm/modes.js';
import { ModeFlag, ModeType } from '../../src/uapi/drm-mode.js';
import type { ModeInfo } from '../../src/uapi/ioctl-structs.js';

import { REFERENCE_DIR as REF } from '../reference-dir.js';

interface RefMode {
  index: number; name: string; refresh: number;
  hdisplay: number; hsync_start: number; hsync_end: number; htotal: number;
  vdisplay: number; vsync_start: number; vsync_end: number; vtotal: number;
  clock: number; flags: number; type: number;
}

const FLAG_NAMES: Record<string, number> = {
  phsync: ModeFlag.PHSYNC, nhsync: ModeFlag.NHSYNC, pvsync: ModeFlag.PVSYNC, nvsync: ModeFlag.NVSYNC,
  interlace: ModeFlag.INTERLACE, dblscan: ModeFlag.DBLSCAN, csync: ModeFlag.CSYNC, pcsync: ModeFlag.PCSYNC,
  ncsync: ModeFlag.NCSYNC, hskew: ModeFlag.HSKEW, bcast: ModeFlag.BCAST, pixmux: ModeFlag.PIXMUX,
  dblclk: ModeFlag.DBLCLK, clkdiv2: ModeFlag.CLKDIV2,
};
const TYPE_NAMES: Record<string, number> = { preferred: ModeType.PREFERRED, userdef: ModeType.USERDEF, driver: ModeType.DRIVER };

function bits(list: string, table: Record<string, number>): number {
  return list.split(',').map((s) => s.trim()).filter(Boolean).reduce((acc, n) => {
    const b = table[n];
    if (b === undefined) throw new Error(`unknown name ${n}`);
    return acc | b;
  }, 0);
}

/** libdrm modetest's connector mode lines: "#i name refresh hdisp hss hse htot vdisp vss vse vtot clock flags: …; type: …". */
function parseModetest(text: string): { connectorId: number; count: number; modes: RefMode[] } {
  const conn = /^(\d+)\t\d+\tconnected\tVirtual-1\s+\S+\t\t(\d+)\t/m.exec(text);
  if (!conn) throw new Error('no Virtual-1 connector line');
  const re = /^\s+#(\d+) (\S+) ([\d.]+) (\d+) (\d+) (\d+) (\d+) (\d+) (\d+) (\d+) (\d+) (\d+) flags: ([^;]*); type: (.*)$/gm;
  const modes: RefMode[] = [];
  for (const m of text.matchAll(re)) {
    const n = m.slice(1).map((x) => x ?? '');
    modes.push({
      index: Number(n[0]), name: n[1]!, refresh: Number(n[2]),
      hdisplay: Number(n[3]), hsync_start: Number(n[4]), hsync_end: Number(n[5]), htotal: Number(n[6]),
      vdisplay: Number(n[7]), vsync_start: Number(n[8]), vsync_end: Number(n[9]), vtotal: Number(n[10]),
      clock: Number(n[11]), flags: bits(n[12]!, FLAG_NAMES), type: bits(n[13]!, TYPE_NAMES),
    });
  }
  return { connectorId: Number(conn[1]), count: Number(conn[2]), modes };
}

const fullModetest = readFileSync(`${REF}/full/modetest.txt`, 'utf8');
const reference = parseModetest(fullModetest);

/** What the probe helper leaves of VKMS's get_modes: interlaced modes pruned, then drm_mode_sort. */
function vkmsProbedModes(): ModeInfo[] {
  const modes = addModesNoEdid(8192, 8192);
  setPreferredMode(modes, 1024, 768);
  return modes.filter((m) => !(m.flags & ModeFlag.INTERLACE)).sort(compareModes);
}

describe('reference capture', () => {
  it('modetest.txt lists the 34 modes of Virtual-1, the connector drm_info.json has unprobed', () => {
    expect(reference.count).toBe(34);
    expect(reference.modes).toHaveLength(34);
    expect(reference.modes.map((m) => m.index)).toEqual([...Array(34).keys()]);
    const info = JSON.parse(readFileSync(`${REF}/full/drm_info.json`, 'utf8')) as Record<string, { connectors: { id: number; type: number; modes: unknown[] }[] }>;
    const card = info['/dev/dri/card0']!;
    const virt = card.connectors.find((c) => c.type === 15)!; // DRM_MODE_CONNECTOR_VIRTUAL
    expect(virt.id).toBe(reference.connectorId);
    expect(virt.modes).toEqual([]); // drm_info did not probe: no modes to compare against there
    // the default/ capture (no overlay planes) reports the same mode list
    const dflt = parseModetest(readFileSync(`${REF}/default/modetest.txt`, 'utf8'));
    expect(dflt.modes.map(({ index, ...m }) => m)).toEqual(reference.modes.map(({ index, ...m }) => m));
  });
});

describe('drm_add_modes_noedid(8192, 8192) + drm_set_preferred_mode(1024, 768)', () => {
  const ours = vkmsProbedModes();

  it('gives the 34 modes of the real VKMS, in the probe helper order', () => {
    expect(ours).toHaveLength(reference.modes.length);
    ours.forEach((m, i) => {
      const r = reference.modes[i]!;
      expect({
        name: m.name, clock: m.clock, hdisplay: m.hdisplay, hsync_start: m.hsync_start, hsync_end: m.hsync_end, htotal: m.htotal,
        vdisplay: m.vdisplay, vsync_start: m.vsync_start, vsync_end: m.vsync_end, vtotal: m.vtotal, flags: m.flags, type: m.type,
      }, `mode #${i}`).toEqual({
        name: r.name, clock: r.clock, hdisplay: r.hdisplay, hsync_start: r.hsync_start, hsync_end: r.hsync_end, htotal: r.htotal,
        vdisplay: r.vdisplay, vsync_start: r.vsync_start, vsync_end: r.vsync_end, vtotal: r.vtotal, flags: r.flags, type: r.type,
      });
      expect(m.hskew, `mode #${i} hskew`).toBe(0);
      expect(m.vscan, `mode #${i} vscan`).toBe(0);
    });
  });

  it('has the vrefresh the kernel reports (modetest prints the exact rate with 2 decimals)', () => {
    ours.forEach((m, i) => {
      const r = reference.modes[i]!;
      // modetest's refresh is clock*1000/(htotal*vtotal) as a double; the kernel's is that rounded
      expect((r.clock * 1000 / (r.htotal * r.vtotal)).toFixed(2), `mode #${i}`).toBe(r.refresh.toFixed(2));
      expect(modeVrefresh(m), `mode #${i}`).toBe(Math.round(r.refresh));
      expect(m.vrefresh, `mode #${i}`).toBe(modeVrefresh(m));
    });
  });

  it('marks exactly the 1024x768 mode preferred', () => {
    expect(ours.filter((m) => m.type & ModeType.PREFERRED).map((m) => m.name)).toEqual(['1024x768']);
  });

  it('has no interlaced mode for the probe helper to prune: DMT 0x0f 1024x768i counts 87 Hz (fields) > 61', () => {
    const raw = addModesNoEdid(8192, 8192);
    expect(raw).toHaveLength(34);
    expect(raw.filter((m) => m.flags & ModeFlag.INTERLACE)).toEqual([]);
    const il = DRM_DMT_MODES[DRM_DMT_IDS.indexOf(0x0f)]!;
    expect(il.name).toBe('1024x768i');
    // uapi 2.36: 44900 kHz * 1000 * 2 / (1264 * 817) = 86.96 → 87
    expect(modeVrefresh(il)).toBe(87);
  });
});

describe('drm_add_modes_noedid limits', () => {
  it('skips modes wider or taller than the limits', () => {
    const m = addModesNoEdid(1024, 768).map((x) => x.name);
    // DMT order, refresh ≤ 61 Hz, at most 1024x768: 640x480@60, 800x600@56, 800x600@60, 848x480@60, 1024x768@60
    expect(m).toEqual(['640x480', '800x600', '800x600', '848x480', '1024x768']);
    expect(addModesNoEdid(1023, 768).map((x) => x.name)).toEqual(['640x480', '800x600', '800x600', '848x480']);
  });

  it('applies no size limit unless both limits are positive (negative counts as 0)', () => {
    const all = addModesNoEdid(8192, 8192).length;
    expect(addModesNoEdid(0, 0)).toHaveLength(all);
    expect(addModesNoEdid(640, 0)).toHaveLength(all);
    expect(addModesNoEdid(-1, 480)).toHaveLength(all);
  });

  it('skips modes above 61 Hz but keeps 59.94 and 60.32 Hz ones', () => {
    const names = addModesNoEdid(0, 0).map((m) => `${m.name}@${modeVrefresh(m)}`);
    expect(names).not.toContain('640x480@72');
    expect(names).not.toContain('640x350@85'); // DMT 0x01, first in the table
    expect(names).toContain('640x480@60'); // 25175 kHz: 59.94 Hz
    expect(names).toContain('800x600@60'); // 40000 kHz: 60.32 Hz
  });

  it('returns fresh copies each time', () => {
    const a = addModesNoEdid(0, 0);
    a[0]!.type |= ModeType.PREFERRED;
    expect(addModesNoEdid(0, 0)[0]!.type).toBe(ModeType.DRIVER);
    expect(DRM_DMT_MODES[0]!.type).toBe(ModeType.DRIVER);
  });
});

describe('drm_set_preferred_mode', () => {
  it('marks every mode of that size and leaves the rest alone', () => {
    const modes = addModesNoEdid(0, 0);
    setPreferredMode(modes, 1920, 1200);
    const pref = modes.filter((m) => m.type & ModeType.PREFERRED);
    // DMT 0x44 (RB, 154000) and 0x45 (193250) are both 1920x1200 at ≤ 61 Hz
    expect(pref.map((m) => m.clock)).toEqual([154000, 193250]);
    expect(modes.filter((m) => !(m.type & ModeType.PREFERRED)).every((m) => m.type === ModeType.DRIVER)).toBe(true);
    setPreferredMode(modes, 1, 1);
    expect(modes.filter((m) => m.type & ModeType.PREFERRED)).toHaveLength(2);
  });
});

describe('the DMT table', () => {
  it('has the kernel\'s 88 entries with the DMT IDs of its comments', () => {
    expect(DRM_DMT_MODES).toHaveLength(88);
    expect(DRM_DMT_IDS).toHaveLength(88);
    expect(new Set(DRM_DMT_IDS).size).toBe(88);
    // IDs 0x01..0x58 all present
    expect([...DRM_DMT_IDS].sort((a, b) => a - b)).toEqual(Array.from({ length: 88 }, (_, i) => i + 1));
  });

  it('names every mode like drm_mode_set_name, types it DRIVER, and has sane timings', () => {
    for (const m of DRM_DMT_MODES) {
      expect(m.name).toBe(`${m.hdisplay}x${m.vdisplay}${m.flags & ModeFlag.INTERLACE ? 'i' : ''}`);
      expect(m.type).toBe(ModeType.DRIVER);
      expect(modeBasicProblem(m), m.name).toBeNull(); // monotonic timings, non-zero clock, valid flags
    }
  });

  it('DMT 0x4d 2560x1600@60 (from the VESA DMT spec): 348.5 MHz, 2560 2752 3032 3504 / 1600 1603 1609 1658, -h +v', () => {
    const i = DRM_DMT_IDS.indexOf(0x4d);
    const m = DRM_DMT_MODES[i]!;
    expect([m.clock, m.hdisplay, m.hsync_start, m.hsync_end, m.htotal, m.vdisplay, m.vsync_start, m.vsync_end, m.vtotal, m.flags])
      .toEqual([348500, 2560, 2752, 3032, 3504, 1600, 1603, 1609, 1658, ModeFlag.NHSYNC | ModeFlag.PVSYNC]);
  });

  it('mode_is_rb holds for the "RB" entries of the kernel table and no others', () => {
    const rbIds = [0x0d, 0x14, 0x16, 0x1a, 0x1b, 0x1f, 0x22, 0x26, 0x28, 0x29, 0x2d, 0x2e, 0x32, 0x38, 0x39, 0x3d, 0x40, 0x43, 0x44, 0x48, 0x4b, 0x4c, 0x50];
    // the two 4096x2160 "RB" modes (0x57, 0x58) are CVT-RB v2 timings (8 px front porch), not mode_is_rb's v1 shape
    const got = DRM_DMT_MODES.map((m, i) => (modeIsReducedBlanking(m) ? DRM_DMT_IDS[i] : -1)).filter((x) => x! >= 0);
    expect(got.sort((a, b) => a! - b!)).toEqual(rbIds);
  });

  it('drm_mode_find_dmt matches size, rounded refresh and RB-ness', () => {
    expect(findDmtMode(1920, 1200, 60, true)!.clock).toBe(154000);
    expect(findDmtMode(1920, 1200, 60, false)!.clock).toBe(193250);
    expect(findDmtMode(640, 480, 60, false)!.clock).toBe(25175);
    expect(findDmtMode(1366, 768, 60, false)!.clock).toBe(85500); // 0x51 comes before 0x56 in the table
    expect(findDmtMode(1920, 1080, 75, false)).toBeNull();
    const a = findDmtMode(800, 600, 60, false)!;
    a.clock = 1;
    expect(findDmtMode(800, 600, 60, false)!.clock).toBe(40000);
  });

  it('edid_est_modes has the 17 established timings, bit 0 = 800x600@60 … bit 16 = 1152x864@75', () => {
    expect(EDID_EST_MODES).toHaveLength(17);
    // names with the kernel's rounded vrefresh: "640x480@72" is 31500000/(832*520) = 72.8 Hz, the interlaced
    // "1024x768@43" counts fields: 44900000*2/(1264*817) = 86.96 Hz
    expect(EDID_EST_MODES.map((m) => `${m.name}@${modeVrefresh(m)}`)).toEqual([
      '800x600@60', '800x600@56', '640x480@75', '640x480@73', '640x480@67', '640x480@60', '720x400@88', '720x400@70',
      '1280x1024@75', '1024x768@75', '1024x768@70', '1024x768@60', '1024x768i@87', '832x624@75', '800x600@75', '800x600@72', '1152x864@75',
    ]);
  });
});
