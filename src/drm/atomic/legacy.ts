/**
 * Legacy modeset ioctls on an atomic driver (≈ drm_crtc.c setcrtc, drm_plane.c setplane/cursor/
 * page_flip, drm_mode_object.c set_property, drm_color_mgmt.c gamma), each an atomic commit
 * underneath with its own errnos (uapi 2.39, 2.42, 2.52–2.53, 3.52–3.56).
 */
import { fail } from '../../uapi/errno.js';
import { CursorFlag, ModeFlag, OBJECT_COLOROP, ObjectType, PAGE_FLIP_FLAGS_ALL, PageFlip, Rotation } from '../../uapi/drm-mode.js';
import { Fourcc } from '../../uapi/fourcc.js';
import type * as S from '../../uapi/ioctl-structs.js';
import { blobGet, blobPut, createBlob } from '../blob.js';
import type { DrmDevice } from '../device.js';
import { reserveVblankEvent } from '../events.js';
import { vblankGet, vblankOf } from '../vblank.js';
import type { DrmFile } from '../file.js';
import { createFramebuffer, fbPut, planeHasFormat } from '../framebuffer.js';
import { encodeModeInfo, modeEqual, modeFromUser, modeToUser } from '../modes.js';
import type { Blob, Connector, Crtc, CrtcState, Framebuffer, Plane, PlaneState } from '../types.js';
import { getU16s, getU32s } from '../ioctl/user-copy.js';
import { atomicCommit } from './commit.js';
import { addAffectedConnectors, handleConflictingEncoders } from './helpers.js';
import { withModesetLock } from './lock.js';
import { atomicSetProperty, findPropOnObject, setCrtcForConnector, setCrtcForPlane, setFbForPlane, setModePropForCrtc } from './set-prop.js';
import { createAtomicState, discardNewStates, getConnectorState, getCrtcState, getPlaneState, type AtomicState } from './state.js';

const INT_MAX = 0x7fffffff;
const rot90 = (r: number) => (r & (Rotation.ROTATE_90 | Rotation.ROTATE_270)) !== 0;

function needModeset(dev: DrmDevice): void {
  if (!dev.features.modeset) fail('EOPNOTSUPP', 'driver has no DRIVER_MODESET');
}

/** drm_framebuffer_check_src_coords (ENOSPC). */
function checkSrcCoords(srcX: number, srcY: number, srcW: number, srcH: number, fb: Framebuffer): void {
  const fw = (fb.width << 16) >>> 0, fh = (fb.height << 16) >>> 0;
  if (srcW > fw || srcX > fw - srcW || srcH > fh || srcY > fh - srcH) fail('ENOSPC', `source ${srcW / 65536}x${srcH / 65536}+${srcX / 65536}+${srcY / 65536} does not fit the ${fb.width}x${fb.height} framebuffer`);
}

/** A legacy ioctl's commit: modeset allowed, blocking (uapi 2.53). */
function legacyState(dev: DrmDevice, file: DrmFile, origin: string): AtomicState {
  const s = createAtomicState(dev, file);
  s.origin = origin;
  s.allowModeset = true;
  return s;
}

/** drm_atomic_set_mode_for_crtc: a kernel-owned MODE_ID blob for the mode. */
function setModeForCrtc(state: AtomicState, cs: CrtcState, mode: S.ModeInfo | null): void {
  if (mode && cs.mode_blob && modeEqual(cs.mode, mode) && cs.mode.name === mode.name && cs.mode.type === mode.type) return;
  if (!mode) {
    setModePropForCrtc(state, cs, null); // drops the blob and clears enable
    return;
  }
  blobPut(state.dev, cs.mode_blob);
  cs.mode_blob = createBlob(state.dev, encodeModeInfo(modeToUser(mode)));
  cs.mode = { ...mode };
  cs.enable = true;
}

/** DRM_IOCTL_MODE_SETCRTC (uapi 3.52, 3.53). */
export function setCrtc(dev: DrmDevice, file: DrmFile, a: S.DrmModeCrtc): void | Promise<void> {
  needModeset(dev);
  if (a.x & 0xffff0000 || a.y & 0xffff0000) fail('ERANGE', `x ${a.x} / y ${a.y} must be below 65536`);
  const crtc = dev.crtc(a.crtc_id, file);
  if (!crtc) fail('ENOENT', `no CRTC ${a.crtc_id}`);
  const plane = crtc.primary;
  if (a.mode_valid && plane && !file.leaseHolds(plane)) fail('EACCES', `primary plane ${plane.id} is not leased`);
  let fb: Framebuffer | null = null;
  let mode: S.ModeInfo | null = null;
  if (a.mode_valid) {
    if (a.fb_id === 0xffffffff) {
      fb = plane?.state.fb ?? null;
      if (!fb) fail('EINVAL', 'fb_id -1 but the CRTC has no current framebuffer');
    } else {
      fb = dev.fb(a.fb_id) ?? null;
      if (!fb) fail('ENOENT', `no framebuffer ${a.fb_id}`);
    }
    if (!file.aspectRatioAllowed && a.mode.flags & ModeFlag.PIC_AR_MASK) fail('EINVAL', 'aspect-ratio flags without the ASPECT_RATIO client cap');
    mode = modeFromUser(a.mode);
    if (plane && !planeHasFormat(plane, fb.format.format, fb.modifier)) fail('EINVAL', `primary plane does not support ${fb.format.name}`);
    // drm_crtc_check_viewport
    let w = mode.hdisplay, h = mode.vdisplay;
    if (plane && rot90(plane.state.rotation)) [w, h] = [h, w];
    checkSrcCoords((a.x << 16) >>> 0, (a.y << 16) >>> 0, (w << 16) >>> 0, (h << 16) >>> 0, fb);
  }
  if (a.count_connectors === 0 && mode) fail('EINVAL', 'a mode needs at least one connector');
  if (a.count_connectors > 0 && (!mode || !fb)) fail('EINVAL', `${a.count_connectors} connectors but no mode or framebuffer`);
  const conns: Connector[] = [];
  if (a.count_connectors > 0) {
    if (a.count_connectors > dev.connectors.length) fail('EINVAL', `count_connectors ${a.count_connectors} exceeds the ${dev.connectors.length} connectors`);
    const ids = getU32s(file, a.set_connectors_ptr, a.count_connectors);
    for (const id of ids) {
      const c = dev.connector(id, file);
      if (!c) fail('ENOENT', `no connector ${id}`);
      conns.push(c);
    }
  }
  return withModesetLock(dev, () => {
    const state = legacyState(dev, file, 'setcrtc');
    const cs = getCrtcState(state, crtc);
    const ps = plane ? getPlaneState(state, plane) : null;
    if (!mode) {
      setModeForCrtc(state, cs, null);
      cs.active = false;
      if (ps) { setCrtcForPlane(state, ps, null); setFbForPlane(state, ps, null); }
    } else {
      setModeForCrtc(state, cs, mode);
      cs.active = true;
      if (ps) {
        setCrtcForPlane(state, ps, crtc);
        setFbForPlane(state, ps, fb);
        ps.crtc_x = 0; ps.crtc_y = 0; ps.crtc_w = mode.hdisplay; ps.crtc_h = mode.vdisplay;
        ps.src_x = (a.x << 16) >>> 0; ps.src_y = (a.y << 16) >>> 0;
        const [w, h] = rot90(ps.rotation) ? [mode.vdisplay, mode.hdisplay] : [mode.hdisplay, mode.vdisplay];
        ps.src_w = (w << 16) >>> 0; ps.src_h = (h << 16) >>> 0;
      }
    }
    // update_output_state: detach everything from this CRTC, attach the listed connectors, and
    // disable CRTCs left without connectors
    addAffectedConnectors(state, crtc);
    for (const e of state.connectors.values()) {
      if (e.new.crtc === crtc) {
        setCrtcForConnector(state, e.new, null);
        e.new.link_status = 0; // legacy SETCRTC always retrains
      }
    }
    for (const c of conns) setCrtcForConnector(state, getConnectorState(state, c), crtc);
    for (const [other, e] of state.crtcs) {
      if (other === crtc || e.new.connector_mask) continue;
      setModePropForCrtc(state, e.new, null);
      e.new.active = false;
    }
    try {
      handleConflictingEncoders(state, true);
    } catch (err) {
      discardNewStates(state); // a failure before atomicCommit gives the references back
      throw err;
    }
    return atomicCommit(state, false);
  });
}

/** __setplane_check (uapi 3.54). */
function setplaneCheck(plane: Plane, crtc: Crtc, fb: Framebuffer, cx: number, cy: number, cw: number, ch: number, sx: number, sy: number, sw: number, sh: number): void {
  if (!(plane.possibleCrtcs & (1 << crtc.index))) fail('EINVAL', `plane ${plane.id} cannot be used on CRTC ${crtc.id}`);
  if (!planeHasFormat(plane, fb.format.format, fb.modifier)) fail('EINVAL', `plane ${plane.id} does not support ${fb.format.name}`);
  if (cw > INT_MAX || cx > INT_MAX - cw || ch > INT_MAX || cy > INT_MAX - ch) fail('ERANGE', `invalid CRTC coordinates ${cw}x${ch}+${cx}+${cy}`);
  checkSrcCoords(sx, sy, sw, sh, fb);
}

/** drm_atomic_helper_update_plane / disable_plane. */
function updatePlane(dev: DrmDevice, file: DrmFile | null, origin: string, plane: Plane, crtc: Crtc | null, fb: Framebuffer | null, r: { cx: number; cy: number; cw: number; ch: number; sx: number; sy: number; sw: number; sh: number }): void | Promise<void> {
  const state = createAtomicState(dev, file);
  state.origin = origin;
  state.allowModeset = true;
  const ps: PlaneState = getPlaneState(state, plane);
  if (!fb) {
    if (ps.crtc && ps.crtc.cursor === plane) state.legacyCursorUpdate = true;
    setCrtcForPlane(state, ps, null);
    setFbForPlane(state, ps, null);
    ps.crtc_x = ps.crtc_y = ps.crtc_w = ps.crtc_h = 0;
    ps.src_x = ps.src_y = ps.src_w = ps.src_h = 0;
  } else {
    setCrtcForPlane(state, ps, crtc);
    setFbForPlane(state, ps, fb);
    ps.crtc_x = r.cx; ps.crtc_y = r.cy; ps.crtc_w = r.cw; ps.crtc_h = r.ch;
    ps.src_x = r.sx; ps.src_y = r.sy; ps.src_w = r.sw; ps.src_h = r.sh;
    if (crtc && plane === crtc.cursor) state.legacyCursorUpdate = true;
  }
  return atomicCommit(state, false);
}

/** DRM_IOCTL_MODE_SETPLANE (uapi 3.54). */
export function setPlane(dev: DrmDevice, file: DrmFile, a: S.DrmModeSetPlane): void | Promise<void> {
  needModeset(dev);
  const plane = dev.plane(a.plane_id, file);
  if (!plane) fail('ENOENT', `no plane ${a.plane_id}`);
  let fb: Framebuffer | null = null, crtc: Crtc | null = null;
  if (a.fb_id) {
    fb = dev.fb(a.fb_id) ?? null;
    if (!fb) fail('ENOENT', `no framebuffer ${a.fb_id}`);
    crtc = dev.crtc(a.crtc_id, file) ?? null;
    if (!crtc) fail('ENOENT', `no CRTC ${a.crtc_id}`);
    setplaneCheck(plane, crtc, fb, a.crtc_x, a.crtc_y, a.crtc_w, a.crtc_h, a.src_x, a.src_y, a.src_w, a.src_h);
  }
  return withModesetLock(dev, () => updatePlane(dev, file, 'setplane', plane, crtc, fb, { cx: a.crtc_x, cy: a.crtc_y, cw: a.crtc_w, ch: a.crtc_h, sx: a.src_x, sy: a.src_y, sw: a.src_w, sh: a.src_h }));
}

/** DRM_IOCTL_MODE_CURSOR / CURSOR2 (uapi 3.55). */
export function cursor(dev: DrmDevice, file: DrmFile, a: S.DrmModeCursor2): void | Promise<void> {
  needModeset(dev);
  if (!a.flags || a.flags & ~(CursorFlag.BO | CursorFlag.MOVE)) fail('EINVAL', `bad cursor flags 0x${a.flags.toString(16)}`);
  const crtc = dev.crtc(a.crtc_id, file);
  if (!crtc) fail('ENOENT', `no CRTC ${a.crtc_id}`);
  const plane = crtc.cursor;
  // the legacy path without cursor_set/cursor_move: BO → ENXIO, MOVE alone → EFAULT
  if (!plane) fail(a.flags & CursorFlag.BO ? 'ENXIO' : 'EFAULT', `CRTC ${crtc.id} has no cursor plane and no legacy cursor`);
  if (!file.leaseHolds(plane)) fail('EACCES', `cursor plane ${plane.id} is not leased`);
  let fb: Framebuffer | null = null;
  let internal = false;
  if (a.flags & CursorFlag.BO) {
    if (a.handle) {
      // the GEM handle wrapped as an ARGB8888 FB, listed nowhere
      fb = createFramebuffer(dev, file, { width: a.width, height: a.height, pixel_format: Fourcc.ARGB8888, flags: 0, handles: [a.handle, 0, 0, 0], pitches: [(a.width * 4) >>> 0, 0, 0, 0], offsets: [0, 0, 0, 0], modifier: [0n, 0n, 0n, 0n] }, true);
      internal = true;
    }
  } else fb = plane.state.fb;
  const pos = a.flags & CursorFlag.MOVE ? { x: a.x, y: a.y } : plane.cursorPos;
  const w = fb?.width ?? 0, h = fb?.height ?? 0;
  return withModesetLock(dev, () => {
    try {
      if (fb) setplaneCheck(plane, crtc, fb, pos.x, pos.y, w, h, 0, 0, (w << 16) >>> 0, (h << 16) >>> 0);
      const r = updatePlane(dev, file, 'cursor', plane, crtc, fb, { cx: pos.x, cy: pos.y, cw: w, ch: h, sx: 0, sy: 0, sw: (w << 16) >>> 0, sh: (h << 16) >>> 0 });
      if (a.flags & CursorFlag.MOVE) plane.cursorPos = { x: a.x, y: a.y };
      return r;
    } finally {
      if (internal) fbPut(dev, fb); // the plane state holds its own reference
    }
  });
}

/** DRM_IOCTL_MODE_PAGE_FLIP (uapi 3.56, 8.12). */
export function pageFlip(dev: DrmDevice, file: DrmFile, a: S.DrmModeCrtcPageFlip): void | Promise<void> {
  needModeset(dev);
  if (a.flags & ~PAGE_FLIP_FLAGS_ALL) fail('EINVAL', `unknown page flip flags 0x${a.flags.toString(16)}`);
  const target = a.flags & (PageFlip.TARGET_ABSOLUTE | PageFlip.TARGET_RELATIVE);
  if (a.sequence !== 0 && !target) fail('EINVAL', 'sequence without a TARGET flag');
  if (target === (PageFlip.TARGET_ABSOLUTE | PageFlip.TARGET_RELATIVE)) fail('EINVAL', 'both TARGET flags');
  if (a.flags & PageFlip.ASYNC && !dev.config.asyncPageFlip) fail('EINVAL', 'async page flips are not supported');
  const crtc = dev.crtc(a.crtc_id, file);
  if (!crtc) fail('ENOENT', `no CRTC ${a.crtc_id}`);
  const plane = crtc.primary;
  if (!plane) fail('EINVAL', `CRTC ${crtc.id} has no primary plane`);
  if (!file.leaseHolds(plane)) fail('EACCES', `primary plane ${plane.id} is not leased`);
  if (dev.config.pageFlipTarget) {
    // page_flip_target drivers: a vblank reference first, then the target range (uapi 8.12)
    if (!vblankGet(dev, crtc)) fail('EINVAL', `vblank of CRTC ${crtc.id} is off`);
    const current = Number(BigInt.asUintN(32, vblankOf(crtc).count));
    if (target === PageFlip.TARGET_ABSOLUTE && ((a.sequence - current) | 0) > 1) fail('EINVAL', `absolute flip target ${a.sequence} must be <= ${current + 1}`);
    if (target === PageFlip.TARGET_RELATIVE && a.sequence !== 0 && a.sequence !== 1) fail('EINVAL', `relative flip target ${a.sequence} must be 0 or 1`);
  } else if (target) fail('EINVAL', 'the driver has no page_flip_target');
  return withModesetLock(dev, () => {
    const oldFb = plane.state.fb;
    if (!oldFb) fail('EBUSY', 'no framebuffer on the primary plane');
    const fb = dev.fb(a.fb_id);
    if (!fb) fail('ENOENT', `no framebuffer ${a.fb_id}`);
    const s = plane.state;
    checkSrcCoords(s.src_x, s.src_y, s.src_w, s.src_h, fb);
    if (oldFb.format.format !== fb.format.format) fail('EINVAL', 'a page flip cannot change the pixel format');
    const ev = a.flags & PageFlip.EVENT ? reserveVblankEvent(file, 2, crtc.id, a.user_data) : null;
    const state = createAtomicState(dev, file);
    state.origin = 'page_flip';
    try {
      const cs = getCrtcState(state, crtc);
      cs.event = ev;
      cs.async_flip = (a.flags & PageFlip.ASYNC) !== 0;
      const ps = getPlaneState(state, plane);
      setCrtcForPlane(state, ps, crtc);
      setFbForPlane(state, ps, fb);
      state.allowModeset = false;
      if (!cs.active) fail('EINVAL', `CRTC ${crtc.id} is disabled`);
    } catch (e) {
      ev?.cancel();
      discardNewStates(state);
      throw e;
    }
    return atomicCommit(state, true);
  });
}

/** drm_atomic_connector_commit_dpms (uapi 2.42). */
function commitDpms(dev: DrmDevice, file: DrmFile, conn: Connector, value: bigint): void | Promise<void> {
  const old = conn.dpms;
  const mode = value === 0n ? 0 : 3; // anything but On is Off
  conn.dpms = mode;
  const crtc = conn.state.crtc;
  if (!crtc) return;
  const state = legacyState(dev, file, 'setproperty');
  try {
    addAffectedConnectors(state, crtc);
    const cs = getCrtcState(state, crtc);
    cs.active = dev.connectors.some((c) => c.state.crtc === crtc && c.dpms === 0);
    const r = atomicCommit(state, false);
    if (r instanceof Promise) return r.catch((e) => { conn.dpms = old; throw e; });
  } catch (e) {
    conn.dpms = old;
    throw e;
  }
}

/** drm_mode_obj_set_property_ioctl (uapi 2.52, 2.53). */
export function objSetProperty(dev: DrmDevice, file: DrmFile, a: S.DrmModeObjSetProperty): void | Promise<void> {
  needModeset(dev);
  const obj = dev.lookup(a.obj_id, a.obj_type as 0, file);
  if (!obj) fail('ENOENT', `no object ${a.obj_id} of type 0x${(a.obj_type >>> 0).toString(16)}`);
  if (obj.objType !== ObjectType.CRTC && obj.objType !== ObjectType.PLANE && obj.objType !== ObjectType.CONNECTOR && obj.objType !== OBJECT_COLOROP) fail('EINVAL', `object ${a.obj_id} has no properties`);
  const prop = findPropOnObject(obj, a.prop_id);
  if (!prop) fail('EINVAL', `property ${a.prop_id} is not attached to object ${a.obj_id}`);
  return withModesetLock(dev, () => {
    if (prop === dev.std.DPMS) {
      if (obj.objType !== ObjectType.CONNECTOR) fail('EINVAL', 'DPMS is a connector property');
      return commitDpms(dev, file, obj as Connector, a.value);
    }
    const state = legacyState(dev, file, 'setproperty');
    try {
      atomicSetProperty(state, obj, prop, a.value);
    } catch (e) {
      discardNewStates(state);
      throw e;
    }
    return atomicCommit(state, false);
  });
}

/** DRM_IOCTL_MODE_SETPROPERTY: the connector form of OBJ_SETPROPERTY. */
export function setProperty(dev: DrmDevice, file: DrmFile, a: S.DrmModeConnectorSetProperty): void | Promise<void> {
  return objSetProperty(dev, file, { value: a.value, prop_id: a.prop_id, obj_id: a.connector_id, obj_type: ObjectType.CONNECTOR });
}

/** DRM_IOCTL_MODE_SETGAMMA: a GAMMA_LUT (else DEGAMMA_LUT) commit (uapi 2.39). */
export function setGamma(dev: DrmDevice, file: DrmFile, a: S.DrmModeCrtcLut): void | Promise<void> {
  needModeset(dev);
  const crtc = dev.crtc(a.crtc_id, file);
  if (!crtc) fail('ENOENT', `no CRTC ${a.crtc_id}`);
  if (!crtc.funcs.legacyGammaSet) fail('ENOSYS', `CRTC ${crtc.id} has no gamma_set`);
  if (a.gamma_size !== crtc.gammaSize) fail('EINVAL', `gamma_size ${a.gamma_size} differs from the CRTC's ${crtc.gammaSize}`);
  const n = crtc.gammaSize;
  const r = getU16s(file, a.red, n), g = getU16s(file, a.green, n), b = getU16s(file, a.blue, n);
  crtc.gammaStore.set(r, 0); crtc.gammaStore.set(g, n); crtc.gammaStore.set(b, 2 * n);
  // drm_crtc_legacy_gamma_set: GAMMA_LUT, else DEGAMMA_LUT, else ENODEV (the table stays stored)
  if (!crtc.optProps.GAMMA_LUT && !crtc.optProps.DEGAMMA_LUT) fail('ENODEV', `CRTC ${crtc.id} has neither GAMMA_LUT nor DEGAMMA_LUT`);
  return withModesetLock(dev, () => {
    const data = new Uint8Array(8 * n);
    const v = new DataView(data.buffer);
    for (let i = 0; i < n; i++) { v.setUint16(8 * i, r[i]!, true); v.setUint16(8 * i + 2, g[i]!, true); v.setUint16(8 * i + 4, b[i]!, true); }
    const blob = createBlob(dev, data);
    const state = legacyState(dev, file, 'setgamma');
    const cs = getCrtcState(state, crtc);
    const useGamma = !!crtc.optProps.GAMMA_LUT;
    const swap = (cur: Blob | null, next: Blob | null): Blob | null => {
      if (cur === next) return cur;
      blobGet(next);
      blobPut(dev, cur);
      cs.color_mgmt_changed = true;
      return next;
    };
    cs.degamma_lut = swap(cs.degamma_lut, useGamma ? null : blob);
    cs.ctm = swap(cs.ctm, null);
    cs.gamma_lut = swap(cs.gamma_lut, useGamma ? blob : null);
    blobPut(dev, blob);
    return atomicCommit(state, false);
  });
}

export type { Plane };
