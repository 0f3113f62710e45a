/** VKMS planes (≈ vkms_plane.c): no scaling, any position, updates on disabled CRTCs allowed. */
import { NO_SCALING, checkPlaneState, getCrtcState, type DriverPlaneFuncs } from '../drm/driver/index.js';
import type { VkmsTypes } from './types.js';

/** vkms_plane_atomic_check (uapi A.5, 3.58): drm_atomic_helper_check_plane_state(NO_SCALING, NO_SCALING, true, true). */
export function vkmsPlaneFuncs(scaling: boolean): DriverPlaneFuncs<VkmsTypes> {
  return {
    atomicCheck(_plane, ps, ctx) {
      if (!ps.fb || !ps.crtc) return;
      const cs = getCrtcState(ctx.state, ps.crtc);
      checkPlaneState(ps, cs, {
        // beyond VKMS: a plane configured for scaling accepts 1/16x .. 16x
        minScale: scaling ? NO_SCALING >> 4 : NO_SCALING,
        maxScale: scaling ? NO_SCALING << 4 : NO_SCALING,
        canPosition: true,
        canUpdateDisabled: true,
      });
    },
  };
}
