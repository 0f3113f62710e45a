/**
 * The VKMS writeback connector (≈ vkms_writeback.c): the FB must be exactly the mode size, its
 * format one of WRITEBACK_PIXEL_FORMATS (uapi 3.28); committing queues the job for the composer.
 */
import { fail } from '../uapi/errno.js';
import { addModesNoEdid, queueWritebackJob, type DriverConnectorFuncs } from '../drm/driver/index.js';
import type { VkmsTypes } from './types.js';

export function vkmsWritebackFuncs(formats: readonly number[], maxW: number, maxH: number): DriverConnectorFuncs<VkmsTypes> {
  return {
    getModes: () => addModesNoEdid(maxW, maxH),
    /** vkms_wb_atomic_check + drm_atomic_helper_check_wb_connector_state. */
    atomicCheck(conn, cs, ctx) {
      const fb = cs.writeback_job?.fb;
      if (!fb) return;
      if (!cs.crtc) fail('EINVAL', `writeback connector ${conn.id}: no CRTC`);
      const crtcState = ctx.state.crtcs.get(cs.crtc)?.new ?? cs.crtc.state;
      const m = crtcState.mode;
      if (fb.width !== m.hdisplay || fb.height !== m.vdisplay) fail('EINVAL', `writeback framebuffer ${fb.width}x${fb.height} must equal the mode ${m.hdisplay}x${m.vdisplay}`);
      if (!formats.includes(fb.format.format)) fail('EINVAL', `writeback format ${fb.format.name} is not in WRITEBACK_PIXEL_FORMATS`);
    },
    /** vkms_wb_atomic_commit: the job leaves the state for the queue the composer drains. */
    atomicCommit(conn, cs) {
      queueWritebackJob(conn, cs);
    },
  };
}
