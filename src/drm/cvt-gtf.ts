/**
 * drm_cvt_mode, drm_gtf_mode_complex and drm_gtf_mode of drivers/gpu/drm/drm_modes.c (Linux 6.12):
 * the kernel's integer versions of the VESA CVT and GTF formulae, with the kernel's C integer
 * semantics (truncating division, `unsigned int` wrap where the kernel's variables are unsigned).
 */
import { ModeFlag } from '../uapi/drm-mode.js';
import type { ModeInfo } from '../uapi/ioctl-structs.js';
import { modeName, modeVrefresh } from './modes.js';

/** C `unsigned int` arithmetic result. */
const u32 = (x: number): number => Math.trunc(x) >>> 0;
/** C integer division (truncates toward zero). */
const div = (a: number, b: number): number => Math.trunc(a / b);

function finish(m: ModeInfo): ModeInfo {
  m.name = modeName(m);
  m.vrefresh = modeVrefresh(m);
  return m;
}

function blankMode(): ModeInfo {
  return {
    clock: 0, hdisplay: 0, hsync_start: 0, hsync_end: 0, htotal: 0, hskew: 0,
    vdisplay: 0, vsync_start: 0, vsync_end: 0, vtotal: 0, vscan: 0, vrefresh: 0, flags: 0, type: 0, name: '',
  };
}

/**
 * drm_cvt_mode: a CVT (standard CRT or reduced blanking) modeline. null if hdisplay or vdisplay is 0.
 * vrefresh 0 means 60. The result has type 0, as the kernel's (callers set DRIVER etc.).
 *
 * Kernel behaviour kept: since Linux 5.10 the final "round the pixel clock down to a 250 kHz step"
 * subtracts `drm_mode->clock % CVT_CLOCK_STEP` while drm_mode->clock is still 0, so the clock is
 * NOT rounded (1920x1080@60 gives 173106 kHz where the VESA spreadsheet gives 173000).
 */
export function cvtMode(hdisplay: number, vdisplay: number, vrefresh: number, reduced: boolean, interlaced: boolean, margins: boolean): ModeInfo | null {
  const HV_FACTOR = 1000;
  const CVT_MARGIN_PERCENTAGE = 18, CVT_H_GRANULARITY = 8, CVT_MIN_V_PORCH = 3, CVT_MIN_V_BPORCH = 6;
  if (!hdisplay || !vdisplay) return null;
  const m = blankMode();
  if (!vrefresh) vrefresh = 60;
  const vfieldrate = u32(interlaced ? vrefresh * 2 : vrefresh);
  const hdisplayRnd = hdisplay - (hdisplay % CVT_H_GRANULARITY);
  let hmargin = 0;
  if (margins) {
    hmargin = div(hdisplayRnd * CVT_MARGIN_PERCENTAGE, 1000);
    hmargin -= hmargin % CVT_H_GRANULARITY;
  }
  m.hdisplay = hdisplayRnd + 2 * hmargin;
  const vdisplayRnd = interlaced ? div(vdisplay, 2) : vdisplay;
  const vmargin = margins ? div(vdisplayRnd * CVT_MARGIN_PERCENTAGE, 1000) : 0;
  m.vdisplay = vdisplay + 2 * vmargin;
  const interlace = interlaced ? 1 : 0;

  // VSync width from the aspect ratio
  let vsync: number;
  if (!(vdisplay % 3) && div(vdisplay * 4, 3) === hdisplay) vsync = 4;
  else if (!(vdisplay % 9) && div(vdisplay * 16, 9) === hdisplay) vsync = 5;
  else if (!(vdisplay % 10) && div(vdisplay * 16, 10) === hdisplay) vsync = 6;
  else if (!(vdisplay % 4) && div(vdisplay * 5, 4) === hdisplay) vsync = 7;
  else if (!(vdisplay % 9) && div(vdisplay * 15, 9) === hdisplay) vsync = 7;
  else vsync = 10; // custom

  let hperiod: number; // unsigned int
  if (!reduced) {
    const CVT_MIN_VSYNC_BP = 550, CVT_HSYNC_PERCENTAGE = 8;
    const CVT_M_FACTOR = 600, CVT_C_FACTOR = 40, CVT_K_FACTOR = 128, CVT_J_FACTOR = 20;
    const CVT_M_PRIME = div(CVT_M_FACTOR * CVT_K_FACTOR, 256);
    const CVT_C_PRIME = div((CVT_C_FACTOR - CVT_J_FACTOR) * CVT_K_FACTOR, 256) + CVT_J_FACTOR;
    // 8. estimated horizontal period (int tmp1, tmp2; the division is done unsigned)
    let tmp1 = HV_FACTOR * 1000000 - CVT_MIN_VSYNC_BP * HV_FACTOR * vfieldrate;
    const tmp2 = (vdisplayRnd + 2 * vmargin + CVT_MIN_V_PORCH) * 2 + interlace;
    hperiod = u32(u32(tmp1 * 2) / u32(tmp2 * vfieldrate));
    tmp1 = div(CVT_MIN_VSYNC_BP * HV_FACTOR, hperiod) + 1;
    // 9. lines in sync + back porch
    const vsyncAndBackPorch = tmp1 < vsync + CVT_MIN_V_PORCH ? vsync + CVT_MIN_V_PORCH : tmp1;
    m.vtotal = vdisplayRnd + 2 * vmargin + vsyncAndBackPorch + CVT_MIN_V_PORCH;
    // 12. ideal blanking duty cycle (unsigned)
    let hblankPercentage = u32(CVT_C_PRIME * HV_FACTOR - div(CVT_M_PRIME * hperiod, 1000));
    // 13. blanking time
    if (hblankPercentage < 20 * HV_FACTOR) hblankPercentage = 20 * HV_FACTOR;
    let hblank = u32(u32(m.hdisplay * hblankPercentage) / u32(100 * HV_FACTOR - hblankPercentage)) | 0;
    hblank -= hblank % (2 * CVT_H_GRANULARITY);
    // 14. total pixels per line
    m.htotal = m.hdisplay + hblank;
    m.hsync_end = m.hdisplay + div(hblank, 2);
    m.hsync_start = m.hsync_end - div(m.htotal * CVT_HSYNC_PERCENTAGE, 100);
    m.hsync_start += CVT_H_GRANULARITY - (m.hsync_start % CVT_H_GRANULARITY);
    m.vsync_start = m.vdisplay + CVT_MIN_V_PORCH;
    m.vsync_end = m.vsync_start + vsync;
  } else {
    const CVT_RB_MIN_VBLANK = 460, CVT_RB_H_SYNC = 32, CVT_RB_H_BLANK = 160, CVT_RB_VFPORCH = 3;
    // 8. estimated horizontal period
    const tmp1 = HV_FACTOR * 1000000 - CVT_RB_MIN_VBLANK * HV_FACTOR * vfieldrate;
    const tmp2 = vdisplayRnd + 2 * vmargin;
    hperiod = u32(u32(tmp1) / u32(tmp2 * vfieldrate));
    // 9. lines in vertical blanking
    let vbilines = div(CVT_RB_MIN_VBLANK * HV_FACTOR, hperiod) + 1;
    // 10. enough?
    if (vbilines < CVT_RB_VFPORCH + vsync + CVT_MIN_V_BPORCH) vbilines = CVT_RB_VFPORCH + vsync + CVT_MIN_V_BPORCH;
    m.vtotal = vdisplayRnd + 2 * vmargin + vbilines;
    m.htotal = m.hdisplay + CVT_RB_H_BLANK;
    m.hsync_end = m.hdisplay + div(CVT_RB_H_BLANK, 2);
    m.hsync_start = m.hsync_end - CVT_RB_H_SYNC;
    m.vsync_start = m.vdisplay + CVT_RB_VFPORCH;
    m.vsync_end = m.vsync_start + vsync;
  }
  // 15/13. pixel clock: u64 htotal * HV_FACTOR * 1000 / hperiod, minus (clock % 250) with clock still 0
  m.clock = Number((BigInt(m.htotal) * BigInt(HV_FACTOR * 1000)) / BigInt(hperiod)) - (m.clock % 250);
  if (interlaced) {
    m.vtotal *= 2;
    m.flags |= ModeFlag.INTERLACE;
  }
  m.flags |= reduced ? ModeFlag.PHSYNC | ModeFlag.NVSYNC : ModeFlag.PVSYNC | ModeFlag.NHSYNC;
  return finish(m);
}

/**
 * drm_gtf_mode_complex: a GTF modeline with explicit M, 2C, K, 2J (C and J doubled, as in the
 * secondary-GTF range descriptor). null if hdisplay or vdisplay is 0. Type 0.
 *
 * Kernel behaviour kept: the sync-polarity assignment at the end overwrites the flags, so an
 * interlaced GTF mode is named "…i" but carries no DRM_MODE_FLAG_INTERLACE; its vtotal is doubled.
 */
export function gtfModeComplex(
  hdisplay: number, vdisplay: number, vrefresh: number, interlaced: boolean, margins: boolean | number,
  GTF_M: number, GTF_2C: number, GTF_K: number, GTF_2J: number,
): ModeInfo | null {
  const GTF_MARGIN_PERCENTAGE = 18, GTF_CELL_GRAN = 8, GTF_MIN_V_PORCH = 1, V_SYNC_RQD = 3, H_SYNC_PERCENT = 8, MIN_VSYNC_PLUS_BP = 550;
  const GTF_C_PRIME = div(div((GTF_2C - GTF_2J) * GTF_K, 256) + GTF_2J, 2);
  const GTF_M_PRIME = div(GTF_K * GTF_M, 256);
  if (!hdisplay || !vdisplay) return null;
  const m = blankMode();
  // 1. round to the character cell
  const hdisplayRnd = u32(div(hdisplay + div(GTF_CELL_GRAN, 2), GTF_CELL_GRAN) * GTF_CELL_GRAN);
  // 2./3. lines per field, field rate
  const vdisplayRnd = u32(interlaced ? div(vdisplay, 2) : vdisplay);
  const vfieldrateRqd = u32(interlaced ? vrefresh * 2 : vrefresh);
  // 4./5. margins
  const topMargin = margins ? div(vdisplayRnd * GTF_MARGIN_PERCENTAGE + 500, 1000) : 0;
  const bottomMargin = topMargin;
  const interlace = interlaced ? 1 : 0;
  // 7. estimated horizontal frequency (unsigned tmp1, tmp2)
  const tmp1 = u32(u32(1000000 - MIN_VSYNC_PLUS_BP * vfieldrateRqd) / 500);
  const tmp2 = u32((vdisplayRnd + 2 * topMargin + GTF_MIN_V_PORCH) * 2 + interlace);
  const hfreqEst = u32(u32(tmp2 * 1000 * vfieldrateRqd) / tmp1);
  // 8. lines in vsync + back porch, rounded
  let vsyncPlusBp = div(u32(MIN_VSYNC_PLUS_BP * hfreqEst), 1000);
  vsyncPlusBp = div(vsyncPlusBp + 500, 1000);
  // 10. total lines in the field
  const vtotalLines = u32(vdisplayRnd + topMargin + bottomMargin + vsyncPlusBp + GTF_MIN_V_PORCH);
  // 15./16. left/right margins
  const leftMargin = margins ? div(hdisplayRnd * GTF_MARGIN_PERCENTAGE + 500, 1000) : 0;
  const rightMargin = leftMargin;
  // 17. total active pixels
  const totalActivePixels = u32(hdisplayRnd + leftMargin + rightMargin);
  // 18. ideal blanking duty cycle
  const idealDutyCycle = u32(GTF_C_PRIME * 1000 - div(GTF_M_PRIME * 1000000, hfreqEst));
  // 19. blanking pixels to the nearest double character cell
  let hblank = u32(u32(totalActivePixels * idealDutyCycle) / u32(100000 - idealDutyCycle));
  hblank = u32(div(hblank + GTF_CELL_GRAN, 2 * GTF_CELL_GRAN));
  hblank = u32(hblank * 2 * GTF_CELL_GRAN);
  // 20./21. total pixels, pixel clock
  const totalPixels = u32(totalActivePixels + hblank);
  const pixelFreq = u32(u32(totalPixels * hfreqEst) / 1000);
  // horizontal sync width, front porch
  let hsync = div(H_SYNC_PERCENT * totalPixels, 100);
  hsync = div(hsync + div(GTF_CELL_GRAN, 2), GTF_CELL_GRAN);
  hsync = hsync * GTF_CELL_GRAN;
  const hfrontPorch = div(hblank, 2) - hsync;
  const voddFrontPorchLines = GTF_MIN_V_PORCH;

  m.hdisplay = hdisplayRnd;
  m.hsync_start = hdisplayRnd + hfrontPorch;
  m.hsync_end = m.hsync_start + hsync;
  m.htotal = totalPixels;
  m.vdisplay = vdisplayRnd;
  m.vsync_start = vdisplayRnd + voddFrontPorchLines;
  m.vsync_end = m.vsync_start + V_SYNC_RQD;
  m.vtotal = vtotalLines;
  m.clock = pixelFreq;
  if (interlaced) {
    m.vtotal *= 2;
    m.flags |= ModeFlag.INTERLACE;
  }
  m.name = modeName(m);
  if (GTF_M === 600 && GTF_2C === 80 && GTF_K === 128 && GTF_2J === 40) m.flags = ModeFlag.NHSYNC | ModeFlag.PVSYNC;
  else m.flags = ModeFlag.PHSYNC | ModeFlag.NVSYNC;
  m.vrefresh = modeVrefresh(m);
  return m;
}

/** drm_gtf_mode: GTF with the default parameters M=600, C=40, K=128, J=20. */
export function gtfMode(hdisplay: number, vdisplay: number, vrefresh: number, interlaced: boolean, margins: boolean | number): ModeInfo | null {
  return gtfModeComplex(hdisplay, vdisplay, vrefresh, interlaced, margins, 600, 40 * 2, 128, 20 * 2);
}

