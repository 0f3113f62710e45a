/** Read-side mode-object ioctls (≈ drm_mode_config.c, drm_plane.c, drm_crtc.c, drm_encoder.c, drm_connector.c). */
import { fail } from '../../uapi/errno.js';
import { ConnectorType, ModeFlag, PlaneType, MODEINFO_SIZE, OBJECT_COLOROP, ObjectType } from '../../uapi/drm-mode.js';
import type * as S from '../../uapi/ioctl-structs.js';
import type { DrmDevice } from '../device.js';
import type { DrmFile } from '../file.js';
import { fillModes } from '../kms/connector.js';
import { isCurrentMaster } from '../master.js';
import { encodeModeInfo, modeMatchNoAspect, modeToUser } from '../modes.js';
import { propertyValue } from '../prop-values.js';
import { propertyHiddenFromFile } from '../colorop.js';
import type { Connector, Crtc, Encoder, ModeObject } from '../types.js';
import { copyToUser, putU16s, putU32s, putU64s } from './user-copy.js';

function needModeset(dev: DrmDevice): void {
  if (!dev.features.modeset) fail('EOPNOTSUPP', 'driver has no DRIVER_MODESET');
}

/** drm_lease_filter_crtcs: a lessee sees CRTC bits renumbered to its leased CRTCs (uapi 6.19). */
export function leaseFilterCrtcs(dev: DrmDevice, file: DrmFile, mask: number): number {
  const m = file.master;
  if (!m || !m.lessor) return mask >>> 0;
  let out = 0, countOut = 0;
  dev.crtcs.forEach((crtc, countIn) => {
    if (m.leases.has(crtc.id)) {
      if (mask & (1 << countIn)) out |= 1 << countOut;
      countOut++;
    }
  });
  return out >>> 0;
}

/** drm_mode_getresources (uapi 1.17–1.20). */
export function getResources(dev: DrmDevice, file: DrmFile, a: S.DrmModeCardRes): void {
  needModeset(dev);
  const fbs = file.fbs.map((f) => f.id);
  putU32s(file, a.fb_id_ptr, fbs, Math.min(a.count_fbs, fbs.length));
  a.count_fbs = fbs.length;
  a.max_height = dev.config.maxHeight;
  a.min_height = dev.config.minHeight;
  a.max_width = dev.config.maxWidth;
  a.min_width = dev.config.minWidth;
  const crtcs = dev.crtcs.filter((c) => file.leaseHolds(c)).map((c) => c.id);
  putU32s(file, a.crtc_id_ptr, crtcs, Math.min(a.count_crtcs, crtcs.length));
  a.count_crtcs = crtcs.length;
  const encs = dev.encoders.map((e) => e.id); // encoders are never lease-filtered
  putU32s(file, a.encoder_id_ptr, encs, Math.min(a.count_encoders, encs.length));
  a.count_encoders = encs.length;
  const conns = dev.liveConnectors()
    .filter((c) => file.writebackConnectors || c.type !== ConnectorType.WRITEBACK)
    .filter((c) => file.leaseHolds(c)).map((c) => c.id);
  putU32s(file, a.connector_id_ptr, conns, Math.min(a.count_connectors, conns.length));
  a.count_connectors = conns.length;
}

/** drm_mode_getplane_res (uapi 1.21). */
export function getPlaneResources(dev: DrmDevice, file: DrmFile, a: S.DrmModeGetPlaneRes): void {
  needModeset(dev);
  const ids: number[] = [];
  for (const p of dev.planes) {
    if (p.type !== PlaneType.OVERLAY && !file.universalPlanes) continue;
    if (p.type === PlaneType.CURSOR && dev.features.cursorHotspot && file.atomic && !file.supportsVirtualizedCursorPlane) continue;
    if (file.leaseHolds(p)) ids.push(p.id);
  }
  putU32s(file, a.plane_id_ptr, ids, Math.min(a.count_planes, ids.length));
  a.count_planes = ids.length;
}

/** drm_mode_getplane (uapi 1.22, 1.23). */
export function getPlane(dev: DrmDevice, file: DrmFile, a: S.DrmModeGetPlane): void {
  needModeset(dev);
  const plane = dev.plane(a.plane_id, file);
  if (!plane) fail('ENOENT', `no plane ${a.plane_id}`);
  const s = plane.state;
  a.crtc_id = s.crtc && file.leaseHolds(s.crtc) ? s.crtc.id : 0;
  a.fb_id = s.fb ? s.fb.id : 0;
  a.plane_id = plane.id;
  a.possible_crtcs = leaseFilterCrtcs(dev, file, plane.possibleCrtcs);
  a.gamma_size = 0;
  // all or nothing (uapi 1.23)
  if (plane.formats.length && a.count_format_types >= plane.formats.length) putU32s(file, a.format_type_ptr, plane.formats);
  a.count_format_types = plane.formats.length;
}

/** drm_mode_getcrtc (uapi 1.29). */
export function getCrtc(dev: DrmDevice, file: DrmFile, a: S.DrmModeCrtc): void {
  needModeset(dev);
  const crtc = dev.crtc(a.crtc_id, file);
  if (!crtc) fail('ENOENT', `no CRTC ${a.crtc_id}`);
  a.gamma_size = crtc.gammaSize;
  const ps = crtc.primary?.state;
  a.fb_id = ps?.fb ? ps.fb.id : 0;
  if (ps) {
    a.x = ps.src_x >>> 16;
    a.y = ps.src_y >>> 16;
  }
  if (crtc.state.enable) {
    a.mode = modeToUser(crtc.state.mode);
    a.mode_valid = 1;
  } else a.mode_valid = 0;
  if (!file.aspectRatioAllowed) a.mode = { ...a.mode, flags: a.mode.flags & ~ModeFlag.PIC_AR_MASK };
}

/** drm_encoder_get_crtc on an atomic driver: the CRTC of the connector routed through it. */
export function encoderCrtc(dev: DrmDevice, enc: Encoder): Crtc | null {
  for (const c of dev.connectors) if (c.state.best_encoder === enc) return c.state.crtc;
  return null;
}

/** drm_mode_getencoder (uapi 1.28). */
export function getEncoder(dev: DrmDevice, file: DrmFile, a: S.DrmModeGetEncoder): void {
  needModeset(dev);
  const enc = dev.encoder(a.encoder_id);
  if (!enc) fail('ENOENT', `no encoder ${a.encoder_id}`);
  const crtc = encoderCrtc(dev, enc);
  a.crtc_id = crtc && file.leaseHolds(crtc) ? crtc.id : 0;
  a.encoder_type = enc.type;
  a.encoder_id = enc.id;
  a.possible_crtcs = leaseFilterCrtcs(dev, file, enc.possibleCrtcs);
  a.possible_clones = enc.possibleClones >>> 0;
}

/** drm_mode_object_get_properties: ATOMIC props hidden from non-atomic files, partial copy (uapi 2.5, 2.6). */
export function getObjectProperties(dev: DrmDevice, file: DrmFile, obj: ModeObject, propsPtr: S.UserPtr, valuesPtr: S.UserPtr, count: number): number {
  const visible = obj.props.filter((att) => (!(att.prop.flags & 0x80000000) || file.atomic) && !propertyHiddenFromFile(file, obj, att.prop));
  const n = Math.min(count, visible.length);
  if (n > 0) {
    const ids = visible.slice(0, n).map((att) => att.prop.id);
    const values = visible.slice(0, n).map((att) => propertyValue(dev, obj, att.prop));
    putU32s(file, propsPtr, ids);
    putU64s(file, valuesPtr, values);
  }
  return visible.length;
}

/** drm_mode_getconnector (uapi 1.24–1.27). */
export function getConnector(dev: DrmDevice, file: DrmFile, a: S.DrmModeGetConnector): void {
  needModeset(dev);
  const conn: Connector | undefined = dev.connector(a.connector_id, file);
  if (!conn) fail('ENOENT', `no connector ${a.connector_id}`);
  const encs = conn.possibleEncoders.map((e) => e.id);
  if (a.count_encoders >= encs.length && encs.length) putU32s(file, a.encoders_ptr, encs);
  a.count_encoders = encs.length;
  a.connector_id = conn.id;
  a.connector_type = conn.type;
  a.connector_type_id = conn.typeId;
  // only the current master may force a probe (uapi 1.25)
  if (a.count_modes === 0 && isCurrentMaster(dev, file)) fillModes(dev, conn, dev.config.maxWidth, dev.config.maxHeight);
  a.mm_width = conn.displayInfo.mm_width;
  a.mm_height = conn.displayInfo.mm_height;
  a.subpixel = conn.displayInfo.subpixel;
  a.connection = conn.status;
  // drm_mode_expose_to_userspace (uapi 1.26)
  const exposed: typeof conn.modes = [];
  for (const m of conn.modes) {
    if (!file.stereoAllowed && m.flags & ModeFlag['3D_MASK']) continue;
    if (!file.aspectRatioAllowed && exposed.some((e) => modeMatchNoAspect(e, m))) continue;
    exposed.push(m);
  }
  if (a.count_modes >= exposed.length && exposed.length) {
    const buf = new Uint8Array(MODEINFO_SIZE * exposed.length);
    exposed.forEach((m, i) => {
      const u = modeToUser(m);
      if (!file.aspectRatioAllowed) u.flags &= ~ModeFlag.PIC_AR_MASK;
      encodeModeInfo(u, buf, i * MODEINFO_SIZE);
    });
    copyToUser(file, a.modes_ptr, buf);
  }
  a.count_modes = exposed.length;
  a.encoder_id = conn.state.best_encoder ? conn.state.best_encoder.id : 0;
  a.count_props = getObjectProperties(dev, file, conn, a.props_ptr, a.prop_values_ptr, a.count_props);
}

/** drm_mode_gamma_get_ioctl (uapi 2.39). */
export function getGamma(dev: DrmDevice, file: DrmFile, a: S.DrmModeCrtcLut): void {
  needModeset(dev);
  const crtc = dev.crtc(a.crtc_id, file);
  if (!crtc) fail('ENOENT', `no CRTC ${a.crtc_id}`);
  if (a.gamma_size !== crtc.gammaSize) fail('EINVAL', `gamma_size ${a.gamma_size} differs from the CRTC's ${crtc.gammaSize}`);
  const n = crtc.gammaSize, g = crtc.gammaStore;
  putU16s(file, a.red, g.subarray(0, n));
  putU16s(file, a.green, g.subarray(n, 2 * n));
  putU16s(file, a.blue, g.subarray(2 * n, 3 * n));
}

/** drm_mode_obj_get_properties_ioctl (uapi 2.8). */
export function objGetProperties(dev: DrmDevice, file: DrmFile, a: S.DrmModeObjGetProperties): void {
  needModeset(dev);
  const obj = dev.lookup(a.obj_id, a.obj_type as 0, file);
  if (!obj) fail('ENOENT', `no object ${a.obj_id} of type 0x${(a.obj_type >>> 0).toString(16)}`);
  if (obj.objType !== ObjectType.CRTC && obj.objType !== ObjectType.PLANE && obj.objType !== ObjectType.CONNECTOR && obj.objType !== OBJECT_COLOROP)
    fail('EINVAL', `object ${a.obj_id} has no properties`);
  a.count_props = getObjectProperties(dev, file, obj, a.props_ptr, a.prop_values_ptr, a.count_props);
}
