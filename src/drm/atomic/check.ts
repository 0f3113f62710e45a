/**
 * drm_atomic_check_only (uapi 3.17): core plane checks, core CRTC checks, core connector
 * (writeback) checks, the driver's atomic_check, then the modeset permission. The first failing
 * check decides the errno.
 */
import { fail } from '../../uapi/errno.js';
import { planeHasFormat } from '../framebuffer.js';
import type { Connector, ConnectorState, CrtcState, PlaneState } from '../types.js';
import { helperCheck, type AtomicCheckContext } from './helpers.js';
import { connectorsInState, crtcsInState, needsModeset, planesInState, type AtomicState } from './state.js';

const INT_MAX = 0x7fffffff;

/** drm_atomic_plane_check (uapi 3.18–3.24). */
function planeCheck(old: PlaneState, ps: PlaneState): void {
  const { crtc, fb, plane } = ps;
  if (crtc && !fb) fail('EINVAL', `plane ${plane.id}: CRTC set but no FB`);
  if (fb && !crtc) fail('EINVAL', `plane ${plane.id}: FB set but no CRTC`);
  if (!crtc || !fb) return;
  if (!(plane.possibleCrtcs & (1 << crtc.index))) fail('EINVAL', `plane ${plane.id} cannot be used on CRTC ${crtc.id}`);
  if (!planeHasFormat(plane, fb.format.format, fb.modifier)) fail('EINVAL', `plane ${plane.id} does not support format ${fb.format.name} / modifier 0x${fb.modifier.toString(16)}`);
  if (ps.crtc_w > INT_MAX || ps.crtc_x > INT_MAX - ps.crtc_w || ps.crtc_h > INT_MAX || ps.crtc_y > INT_MAX - ps.crtc_h)
    fail('ERANGE', `plane ${plane.id}: invalid CRTC coordinates ${ps.crtc_w}x${ps.crtc_h}+${ps.crtc_x}+${ps.crtc_y}`);
  const fbW = (fb.width << 16) >>> 0, fbH = (fb.height << 16) >>> 0;
  if (ps.src_w > fbW || ps.src_x > fbW - ps.src_w || ps.src_h > fbH || ps.src_y > fbH - ps.src_h)
    fail('ENOSPC', `plane ${plane.id}: source rectangle outside the ${fb.width}x${fb.height} framebuffer`);
  if (ps.fb_damage_clips) {
    const d = ps.fb_damage_clips.data;
    const v = new DataView(d.buffer, d.byteOffset, d.byteLength);
    for (let o = 0; o + 16 <= d.length; o += 16) {
      const x1 = v.getInt32(o, true), y1 = v.getInt32(o + 4, true), x2 = v.getInt32(o + 8, true), y2 = v.getInt32(o + 12, true);
      // the upper bound is compared with the 16.16-shifted size (uapi 3.23)
      if (x1 >= x2 || y1 >= y2 || x1 < 0 || y1 < 0 || x2 > fbW || y2 > fbH) fail('EINVAL', `plane ${plane.id}: invalid damage clip (${x1},${y1})-(${x2},${y2})`);
    }
  }
  if (old.crtc && ps.crtc && old.crtc !== ps.crtc) fail('EINVAL', `plane ${plane.id}: cannot switch from CRTC ${old.crtc.id} to ${ps.crtc.id} directly`); // uapi 3.24
}

/** drm_atomic_crtc_check (uapi 3.25, 3.26). */
function crtcCheck(old: CrtcState, cs: CrtcState): void {
  if (cs.active && !cs.enable) fail('EINVAL', `CRTC ${cs.crtc.id}: ACTIVE without a mode`);
  if (cs.enable && !cs.mode_blob) fail('EINVAL', `CRTC ${cs.crtc.id}: enabled without a mode blob`);
  if (!cs.enable && cs.mode_blob) fail('EINVAL', `CRTC ${cs.crtc.id}: mode blob on a disabled CRTC`);
  if (cs.event && !cs.active && !old.active) fail('EINVAL', `CRTC ${cs.crtc.id}: event requested for a CRTC that stays off`);
}

/** drm_atomic_connector_check: writeback job rules (uapi 3.27). */
function connectorCheck(state: AtomicState, conn: Connector, cs: ConnectorState): void {
  const job = cs.writeback_job;
  if (!job) return;
  if (job.fb && !cs.crtc) fail('EINVAL', `writeback connector ${conn.id}: FB without CRTC`);
  const crtcState = cs.crtc ? state.crtcs.get(cs.crtc)?.new : undefined;
  if (job.fb && !crtcState?.active) fail('EINVAL', `writeback connector ${conn.id}: CRTC is inactive`);
  if (!job.fb) {
    // only a created out-fence counts: TEST_ONLY creates none (prepare_signaling is skipped)
    if (job.outFence) fail('EINVAL', `writeback connector ${conn.id}: out-fence requested without a framebuffer`);
    cs.writeback_job = null;
  }
}

export function atomicCheckOnly(state: AtomicState): void {
  const dev = state.dev;
  for (const plane of planesInState(state)) {
    const e = state.planes.get(plane)!;
    planeCheck(e.old, e.new);
  }
  for (const crtc of crtcsInState(state)) {
    const e = state.crtcs.get(crtc)!;
    crtcCheck(e.old, e.new);
  }
  for (const conn of connectorsInState(state)) connectorCheck(state, conn, state.connectors.get(conn)!.new);
  const ctx: AtomicCheckContext = { state, device: dev.owner };
  if (dev.atomicCheck) dev.atomicCheck(state, ctx);
  else helperCheck(state, ctx);
  if (!state.allowModeset) {
    for (const crtc of crtcsInState(state))
      if (needsModeset(state.crtcs.get(crtc)!.new)) fail('EINVAL', `CRTC ${crtc.id} requires a full modeset: set DRM_MODE_ATOMIC_ALLOW_MODESET`); // uapi 3.43
  }
}
