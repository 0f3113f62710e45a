/**
 * struct drm_atomic_state: the objects a commit touches, each with its old (current) and new
 * (duplicated) state. New states hold their own references to FBs and blobs; iteration is in
 * object-index order, as the kernel's for_each_*_in_state.
 */
import type { UserPtr } from '../../uapi/ioctl-structs.js';
import { blobGet, blobPut } from '../blob.js';
import type { DrmDevice } from '../device.js';
import type { DrmFile } from '../file.js';
import { fbGet, fbPut } from '../framebuffer.js';
import { duplicateConnectorState, duplicateCrtcState, duplicatePlaneState } from '../kms/state.js';
import { duplicateColoropState } from '../kms/colorop.js';
import type { Colorop, ColoropState, Connector, ConnectorState, Crtc, CrtcCommit, CrtcState, Plane, PlaneState } from '../types.js';

export interface CrtcEntry { old: CrtcState; new: CrtcState; commit: CrtcCommit | null; outFencePtr: UserPtr | null }
export interface PlaneEntry { old: PlaneState; new: PlaneState }
export interface ConnectorEntry { old: ConnectorState; new: ConnectorState; outFencePtr: UserPtr | null }
export interface ColoropEntry { old: ColoropState; new: ColoropState }

export interface AtomicState {
  readonly dev: DrmDevice;
  /** The file the commit comes from (lease checks, events); null for kernel-side commits. */
  readonly file: DrmFile | null;
  allowModeset: boolean;
  legacyCursorUpdate: boolean;
  asyncFlip: boolean;
  /** Set for kernel-internal commits that restore a duplicated state (skips 3.34). */
  duplicated: boolean;
  readonly planes: Map<Plane, PlaneEntry>;
  readonly crtcs: Map<Crtc, CrtcEntry>;
  readonly connectors: Map<Connector, ConnectorEntry>;
  /** Colorops whose properties the commit sets (drm_atomic_state.colorops). */
  readonly colorops: Map<Colorop, ColoropEntry>;
  /** The commit comes from a client with DRM_CLIENT_CAP_PLANE_COLOR_PIPELINE: drivers ignore COLOR_ENCODING/RANGE. */
  planeColorPipeline?: boolean;
  fakeCommit: CrtcCommit | null;
  /** Driver-private per-commit data (≈ private objects). */
  priv: Map<unknown, unknown>;
  /** Where the commit came from: 'atomic', 'setcrtc', 'setplane', 'cursor', 'page_flip', 'setproperty', 'rmfb', 'kernel'. */
  origin: string;
}

export function createAtomicState(dev: DrmDevice, file: DrmFile | null): AtomicState {
  return {
    dev, file, allowModeset: false, legacyCursorUpdate: false, asyncFlip: false, duplicated: false,
    planes: new Map(), crtcs: new Map(), connectors: new Map(), colorops: new Map(), fakeCommit: null, priv: new Map(), origin: 'kernel',
  };
}

export function planeStateRefsGet(s: PlaneState): void {
  fbGet(s.fb);
  blobGet(s.fb_damage_clips);
}
export function planeStateRefsPut(dev: DrmDevice, s: PlaneState): void {
  fbPut(dev, s.fb);
  blobPut(dev, s.fb_damage_clips);
}
export function crtcStateRefsGet(s: CrtcState): void {
  blobGet(s.mode_blob); blobGet(s.degamma_lut); blobGet(s.ctm); blobGet(s.gamma_lut);
}
export function crtcStateRefsPut(dev: DrmDevice, s: CrtcState): void {
  blobPut(dev, s.mode_blob); blobPut(dev, s.degamma_lut); blobPut(dev, s.ctm); blobPut(dev, s.gamma_lut);
}
export function connectorStateRefsPut(dev: DrmDevice, s: ConnectorState): void {
  if (s.writeback_job) fbPut(dev, s.writeback_job.fb);
}

/** drm_atomic_get_crtc_state. */
export function getCrtcState(state: AtomicState, crtc: Crtc): CrtcState {
  let e = state.crtcs.get(crtc);
  if (!e) {
    const n = duplicateCrtcState(crtc.state);
    crtcStateRefsGet(n);
    e = { old: crtc.state, new: n, commit: null, outFencePtr: null };
    state.crtcs.set(crtc, e);
  }
  return e.new;
}

/** drm_atomic_get_plane_state: a plane bound to a CRTC pulls that CRTC in (uapi 3.15). */
export function getPlaneState(state: AtomicState, plane: Plane): PlaneState {
  let e = state.planes.get(plane);
  if (!e) {
    // damage clips are per commit: __drm_atomic_helper_plane_duplicate_state does not carry them over
    const n = { ...duplicatePlaneState(plane.state), fb_damage_clips: null };
    planeStateRefsGet(n);
    e = { old: plane.state, new: n };
    state.planes.set(plane, e);
    if (n.crtc) getCrtcState(state, n.crtc);
  }
  return e.new;
}

/** drm_atomic_get_connector_state: likewise pulls in the connector's CRTC (uapi 3.15). */
export function getConnectorState(state: AtomicState, conn: Connector): ConnectorState {
  let e = state.connectors.get(conn);
  if (!e) {
    const n = duplicateConnectorState(conn.state);
    e = { old: conn.state, new: n, outFencePtr: null };
    state.connectors.set(conn, e);
    if (n.crtc) getCrtcState(state, n.crtc);
  }
  return e.new;
}

/** drm_atomic_get_colorop_state: the plane is not pulled into the commit. */
export function getColoropState(state: AtomicState, op: Colorop): ColoropState {
  let e = state.colorops.get(op);
  if (!e) {
    e = { old: op.state, new: duplicateColoropState(op.state) };
    state.colorops.set(op, e);
  }
  return e.new;
}

export const newColoropState = (s: AtomicState, op: Colorop): ColoropState | undefined => s.colorops.get(op)?.new;
export const oldColoropState = (s: AtomicState, op: Colorop): ColoropState | undefined => s.colorops.get(op)?.old;

/** drm_atomic_helper_swap_state's colorop part: the new states become current. */
export function swapColoropStates(state: AtomicState): void {
  for (const [op, e] of state.colorops) op.state = e.new;
}

export const newCrtcState = (s: AtomicState, c: Crtc): CrtcState | undefined => s.crtcs.get(c)?.new;
export const oldCrtcState = (s: AtomicState, c: Crtc): CrtcState | undefined => s.crtcs.get(c)?.old;
export const newPlaneState = (s: AtomicState, p: Plane): PlaneState | undefined => s.planes.get(p)?.new;

const byIndex = <T extends { index: number }>(m: Map<T, unknown>): T[] => [...m.keys()].sort((a, b) => a.index - b.index);
export function crtcsInState(s: AtomicState): Crtc[] {
  return byIndex(s.crtcs);
}
export function planesInState(s: AtomicState): Plane[] {
  return byIndex(s.planes);
}
export function connectorsInState(s: AtomicState): Connector[] {
  return byIndex(s.connectors);
}

/** drm_atomic_state_clear for a state that is not committed: drop the new states' references. */
export function discardNewStates(state: AtomicState): void {
  const dev = state.dev;
  for (const e of state.planes.values()) planeStateRefsPut(dev, e.new);
  for (const e of state.crtcs.values()) {
    crtcStateRefsPut(dev, e.new);
    if (e.new.event && !e.new.event.delivered) e.new.event.cancel();
  }
  for (const e of state.connectors.values()) connectorStateRefsPut(dev, e.new);
  for (const e of state.colorops.values()) blobPut(dev, e.new.data);
}

/** After a commit: drop the references the replaced (old) states held. */
export function releaseOldStates(state: AtomicState): void {
  const dev = state.dev;
  for (const e of state.planes.values()) planeStateRefsPut(dev, e.old);
  for (const e of state.crtcs.values()) crtcStateRefsPut(dev, e.old);
  for (const e of state.connectors.values()) connectorStateRefsPut(dev, e.old);
  for (const e of state.colorops.values()) blobPut(dev, e.old.data);
}

/** drm_atomic_crtc_needs_modeset (uapi 3.30). */
export function needsModeset(s: CrtcState): boolean {
  return s.mode_changed || s.active_changed || s.connectors_changed;
}
