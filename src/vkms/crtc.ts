/**
 * VKMS CRTCs (≈ vkms_crtc.c): the visible planes in plane-index order, the flip event armed for
 * the next vblank or sent at once (uapi 4.6, A.7), vblank on/off with enable/disable, and the
 * composer run on each vblank while someone consumes frames.
 */
import {
  addAffectedPlanes, crtcHandleEvent, vblankOff, vblankOn, type DriverCrtcFuncs, type Plane,
} from '../drm/driver/index.js';
import type { VkmsTypes } from './types.js';

/** The CRTC's private state: the planes to blend, bottom to top. */
export interface VkmsCrtcState {
  activePlanes: Plane[];
}

export function vkmsCrtcFuncs(onVblank: (crtcIndex: number, count: bigint, timeNs: bigint) => void, gamma: boolean): DriverCrtcFuncs<VkmsTypes, VkmsCrtcState> {
  return {
    initialState: () => ({ activePlanes: [] }),
    duplicateState: () => ({ activePlanes: [] }),
    /** vkms_crtc_atomic_check: pull in every plane of the CRTC, keep the visible ones in index order. */
    atomicCheck(crtc, cs, ctx) {
      addAffectedPlanes(ctx.state, crtc);
      const planes: Plane[] = [];
      for (const p of ctx.device.drm.planes) {
        if (!(cs.plane_mask & (1 << p.index))) continue;
        const ps = ctx.state.planes.get(p)?.new ?? p.state;
        if (ps.visible) planes.push(p);
      }
      // beyond VKMS: zpos, when the planes have it (normalized_zpos ties keep index order)
      if (planes.some((p) => p.optProps.zpos)) planes.sort((a, b) => (ctx.state.planes.get(a)?.new ?? a.state).zpos - (ctx.state.planes.get(b)?.new ?? b.state).zpos || a.index - b.index);
      cs.priv = { activePlanes: planes };
    },
    atomicFlush(crtc, cs, _old, ctx) {
      crtcHandleEvent(ctx.state, crtc, cs);
    },
    atomicEnable(crtc, _cs, _old, ctx) {
      vblankOn(ctx.device.drm, crtc);
    },
    atomicDisable(crtc, _cs, _old, ctx) {
      vblankOff(ctx.device.drm, crtc);
    },
    legacyGammaSet: gamma,
    vblankTick(crtc, count, timeNs) {
      onVblank(crtc.index, count, timeNs);
    },
  };
}
