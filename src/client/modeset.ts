/** Modeset helpers on top of AtomicRequest: what a compositor does to light an output. */
import { AtomicFlag, ModeType } from '../uapi/drm-mode.js';
import type { ModeInfo } from '../uapi/ioctl-structs.js';
import { AtomicRequest } from './atomic.js';
import type { Card } from './card.js';

export interface PlaneSetup {
  plane: number;
  fb: number;
  /** Source rectangle in whole pixels (default the whole FB: give fbWidth/fbHeight). */
  srcX?: number; srcY?: number; srcW: number; srcH: number;
  crtcX?: number; crtcY?: number; crtcW?: number; crtcH?: number;
  rotation?: number;
}

/** Add a plane's properties to a request (FB_ID, CRTC_ID, SRC_* in 16.16, CRTC_*). */
export function addPlane(req: AtomicRequest, crtc: number, p: PlaneSetup): AtomicRequest {
  req.add(p.plane, 'FB_ID', p.fb).add(p.plane, 'CRTC_ID', crtc)
    .add(p.plane, 'SRC_X', (p.srcX ?? 0) * 65536).add(p.plane, 'SRC_Y', (p.srcY ?? 0) * 65536)
    .add(p.plane, 'SRC_W', p.srcW * 65536).add(p.plane, 'SRC_H', p.srcH * 65536)
    .add(p.plane, 'CRTC_X', p.crtcX ?? 0).add(p.plane, 'CRTC_Y', p.crtcY ?? 0)
    .add(p.plane, 'CRTC_W', p.crtcW ?? p.srcW).add(p.plane, 'CRTC_H', p.crtcH ?? p.srcH);
  if (p.rotation !== undefined) req.add(p.plane, 'rotation', p.rotation);
  return req;
}

/** The connector's preferred mode (or its first). */
export function preferredMode(card: Card, connector: number): ModeInfo {
  const c = card.getConnector(connector);
  const m = c.modes.find((x) => x.type & ModeType.PREFERRED) ?? c.modes[0];
  if (!m) throw new Error(`connector ${connector} has no modes (status ${c.connection})`);
  return m;
}

/** A full modeset: mode + ACTIVE on the CRTC, the connector routed, the primary plane showing `fb`. */
export function modesetRequest(card: Card, o: { crtc: number; connector: number; mode: ModeInfo; primary: PlaneSetup }): AtomicRequest {
  const req = new AtomicRequest().add(o.crtc, 'MODE_ID', card.createModeBlob(o.mode)).add(o.crtc, 'ACTIVE', 1).add(o.connector, 'CRTC_ID', o.crtc);
  return addPlane(req, o.crtc, o.primary);
}

/** Light an output with a blocking, modeset-allowed commit. */
export async function lightOutput(card: Card, o: { crtc: number; connector: number; mode: ModeInfo; primary: PlaneSetup }, flags = 0): Promise<void> {
  await card.atomicCommit(modesetRequest(card, o), AtomicFlag.ALLOW_MODESET | flags);
}
