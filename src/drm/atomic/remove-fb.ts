/**
 * atomic_remove_fb (uapi 5.12, 5.13): a blocking, modeset-allowed internal commit that takes the
 * FB off every plane; if the driver refuses (it needs a primary plane), retry also disabling each
 * CRTC whose primary plane showed it.
 */
import { isDrmError } from '../../uapi/errno.js';
import type { DrmDevice } from '../device.js';
import type { Framebuffer, Plane } from '../types.js';
import { atomicCommit } from './commit.js';
import { setCrtcForConnector, setCrtcForPlane, setFbForPlane, setModePropForCrtc } from './set-prop.js';
import { createAtomicState, getConnectorState, getCrtcState, getPlaneState } from './state.js';

function attempt(dev: DrmDevice, fb: Framebuffer, disableCrtcs: boolean): void | Promise<void> {
  const state = createAtomicState(dev, null);
  state.allowModeset = true;
  for (const plane of dev.planes) {
    if (plane.state.fb !== fb) continue;
    const ps = getPlaneState(state, plane);
    if (disableCrtcs && plane.type === 1 && ps.crtc) disableCrtc(state, plane);
    setCrtcForPlane(state, ps, null);
    setFbForPlane(state, ps, null);
  }
  if (state.planes.size === 0) return;
  return atomicCommit(state, false);
}

function disableCrtc(state: ReturnType<typeof createAtomicState>, plane: Plane): void {
  const crtc = plane.state.crtc!;
  const cs = getCrtcState(state, crtc);
  cs.active = false;
  setModePropForCrtc(state, cs, null);
  for (const conn of state.dev.connectors) {
    if (conn.state.crtc === crtc) setCrtcForConnector(state, getConnectorState(state, conn), null);
  }
}

/**
 * Returns a promise when the plane-disable commit has to wait (for a vblank, or for a commit in
 * flight): RMFB waits for it, as the kernel's does (uapi 5.12). It never rejects: the kernel
 * only warns when atomic_remove_fb fails.
 */
export function atomicRemoveFb(dev: DrmDevice, fb: Framebuffer): void | Promise<void> {
  let r: void | Promise<void>;
  try {
    r = attempt(dev, fb, false);
  } catch (e) {
    if (!isDrmError(e, 'EINVAL')) throw e;
    r = attempt(dev, fb, true);
  }
  if (r instanceof Promise) return r.catch((err) => dev.log.atomic.error({ err }, 'atomic_remove_fb commit failed'));
}
