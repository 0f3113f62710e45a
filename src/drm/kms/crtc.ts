/** CRTCs (≈ drm_crtc.c init, drm_color_mgmt.c colour management and legacy gamma). */
import { ObjectType } from '../../uapi/drm-mode.js';
import type { DrmDevice } from '../device.js';
import { U32_MAX, attachProperty, createRange } from '../property.js';
import type { Crtc, CrtcFuncs, Plane } from '../types.js';
import { resetCrtcState } from './state.js';

export interface CrtcInit {
  primary: Plane | null;
  cursor: Plane | null;
  funcs?: CrtcFuncs;
  name?: string;
}

/** __drm_crtc_init_with_planes (uapi 1.8, 1.10, 2.29). */
export function initCrtc(dev: DrmDevice, init: CrtcInit): Crtc {
  if (dev.crtcs.length >= 32) throw new Error('at most 32 CRTCs per device (uapi 1.8)');
  const crtc = {
    id: 0, objType: ObjectType.CRTC, props: [], index: dev.crtcs.length,
    name: init.name ?? `crtc-${dev.crtcs.length}`, primary: init.primary, cursor: init.cursor,
    gammaSize: 0, gammaStore: new Uint16Array(0), funcs: init.funcs ?? {}, optProps: {}, commits: [],
  } as unknown as Crtc;
  dev.addObject(crtc);
  crtc.state = resetCrtcState(crtc);
  dev.crtcs.push(crtc);
  const mask = 1 << crtc.index;
  if (init.primary && !init.primary.possibleCrtcs) init.primary.possibleCrtcs = mask;
  if (init.cursor && !init.cursor.possibleCrtcs) init.cursor.possibleCrtcs = mask;
  if (dev.features.atomic) {
    attachProperty(crtc, dev.std.ACTIVE, 0n);
    attachProperty(crtc, dev.std.MODE_ID, 0n);
    attachProperty(crtc, dev.std.OUT_FENCE_PTR, 0n);
    attachProperty(crtc, dev.std.VRR_ENABLED, 0n);
  }
  return crtc;
}

/** drm_mode_crtc_set_gamma_size: a linear legacy table, entry i = i << 8 (uapi 2.39). */
export function setGammaSize(crtc: Crtc, size: number): void {
  crtc.gammaSize = size;
  crtc.gammaStore = new Uint16Array(size * 3);
  for (let c = 0; c < 3; c++) for (let i = 0; i < size; i++) crtc.gammaStore[c * size + i] = (i << 8) & 0xffff;
}

/** drm_crtc_enable_color_mgmt (uapi 2.30). */
export function enableColorMgmt(dev: DrmDevice, crtc: Crtc, degammaSize: number, hasCtm: boolean, gammaSize: number): void {
  const s = dev.std;
  if (degammaSize) {
    attachProperty(crtc, s.DEGAMMA_LUT, 0n);
    attachProperty(crtc, s.DEGAMMA_LUT_SIZE, BigInt(degammaSize));
    crtc.optProps.DEGAMMA_LUT = s.DEGAMMA_LUT;
    crtc.optProps.DEGAMMA_LUT_SIZE = s.DEGAMMA_LUT_SIZE;
  }
  if (hasCtm) {
    attachProperty(crtc, s.CTM, 0n);
    crtc.optProps.CTM = s.CTM;
  }
  if (gammaSize) {
    attachProperty(crtc, s.GAMMA_LUT, 0n);
    attachProperty(crtc, s.GAMMA_LUT_SIZE, BigInt(gammaSize));
    crtc.optProps.GAMMA_LUT = s.GAMMA_LUT;
    crtc.optProps.GAMMA_LUT_SIZE = s.GAMMA_LUT_SIZE;
  }
}

/** drm_crtc_attach_background_color_property: a 64-bit ARGB16161616 value, default opaque black. */
export function attachBackgroundColor(dev: DrmDevice, crtc: Crtc): void {
  let p = dev.properties.find((x) => x.name === 'BACKGROUND_COLOR');
  if (!p) p = createRange(dev, 0, 'BACKGROUND_COLOR', 0n, U32_MAX * (U32_MAX + 2n)); // 0..U64_MAX
  attachProperty(crtc, p, 0xffff000000000000n);
  crtc.optProps.BACKGROUND_COLOR = p;
}

export const crtcMask = (c: Crtc) => 1 << c.index;
