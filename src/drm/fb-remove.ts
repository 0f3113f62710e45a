/** drm_framebuffer_remove: an FB still scanned out is taken off every plane first (uapi 5.12–5.14). */
import type { DrmDevice } from './device.js';
import { fbPut } from './framebuffer.js';
import type { Framebuffer } from './types.js';
import { atomicRemoveFb } from './atomic/remove-fb.js';

/** A promise when taking the FB off its planes has to wait (see atomicRemoveFb); RMFB returns it. */
export function removeFb(dev: DrmDevice, fb: Framebuffer): void | Promise<void> {
  fb.removed = true;
  let pending: void | Promise<void> = undefined;
  if (fb.refs > 1) {
    if (dev.removeFbFromPlanes) dev.removeFbFromPlanes(fb);
    else if (dev.features.atomic) pending = atomicRemoveFb(dev, fb);
    else {
      for (const p of dev.planes) {
        if (p.state.fb !== fb) continue;
        p.state.fb = null;
        p.state.crtc = null;
        p.state.visible = false;
        fbPut(dev, fb);
      }
    }
  }
  fbPut(dev, fb);
  return pending;
}
