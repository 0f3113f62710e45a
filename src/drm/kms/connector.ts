/** Connectors (≈ drm_connector.c init/register, drm_probe_helper.c fill_modes). */
import { CONNECTOR_TYPE_NAMES, ConnectorStatus, ConnectorType, ModeFlag, ModeType, ObjectType, SubPixel } from '../../uapi/drm-mode.js';
import type { ModeInfo } from '../../uapi/ioctl-structs.js';
import type { DrmDevice } from '../device.js';
import { compareModes, modeBasicProblem, modeEqual } from '../modes.js';
import { attachProperty } from '../property.js';
import { replaceGlobalBlob } from '../blob.js';
import type { Connector, ConnectorFuncs, Encoder } from '../types.js';
import { resetConnectorState } from './state.js';
import { addModesNoEdid } from '../dmt-modes.js';

export interface ConnectorInit {
  type: number;
  funcs?: ConnectorFuncs;
  interlaceAllowed?: boolean;
  doublescanAllowed?: boolean;
  stereoAllowed?: boolean;
}

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

/** Per-connector-type ida (connector_type_id, uapi 1.9) and index allocation. */
function lowestFree(used: number[], min: number): number {
  let n = min;
  while (used.includes(n)) n++;
  return n;
}

/**
 * __drm_connector_init: the ID is reserved but lookups fail until registered (uapi 1.7); properties
 * EDID (not on Virtual/Writeback), DPMS, link-status, non-desktop, TILE, CRTC_ID (uapi 2.40).
 */
export function initConnector(dev: DrmDevice, init: ConnectorInit): Connector {
  const typeId = lowestFree(dev.connectors.filter((c) => c.type === init.type).map((c) => c.typeId), 1);
  const index = lowestFree(dev.connectors.map((c) => c.index), 0);
  if (index >= 32) throw new Error('at most 32 connectors per device (uapi 1.8)');
  const conn = {
    id: 0, objType: ObjectType.CONNECTOR, props: [], index, type: init.type, typeId,
    name: `${CONNECTOR_TYPE_NAMES[init.type] ?? 'Unknown'}-${typeId}`, status: ConnectorStatus.unknown, modes: [],
    displayInfo: { mm_width: 0, mm_height: 0, subpixel: SubPixel.UNKNOWN, non_desktop: false },
    possibleEncoders: [], dpms: 0, registered: false, removed: false, funcs: init.funcs ?? {}, writeback: null, edidBlob: null,
    interlaceAllowed: init.interlaceAllowed ?? false, doublescanAllowed: init.doublescanAllowed ?? false,
    stereoAllowed: init.stereoAllowed ?? false,
  } as unknown as Mutable<Connector> & ConnectorExtra;
  dev.addObject(conn as Connector, false);
  conn.state = resetConnectorState(conn as Connector);
  dev.connectors.push(conn as Connector);
  const s = dev.std;
  if (init.type !== ConnectorType.VIRTUAL && init.type !== ConnectorType.WRITEBACK) attachProperty(conn, s.EDID, 0n);
  attachProperty(conn, s.DPMS, 0n);
  attachProperty(conn, s['link-status'], 0n);
  attachProperty(conn, s['non-desktop'], 0n);
  attachProperty(conn, s.TILE, 0n);
  if (dev.features.atomic) attachProperty(conn, s.CRTC_ID, 0n);
  return conn as Connector;
}

interface ConnectorExtra { interlaceAllowed: boolean; doublescanAllowed: boolean; stereoAllowed: boolean }

/** drm_connector_attach_encoder. */
export function attachEncoder(conn: Connector, enc: Encoder): void {
  if (!conn.possibleEncoders.includes(enc)) conn.possibleEncoders.push(enc);
  conn.possibleEncoders.sort((a, b) => a.index - b.index);
}

/** drm_connector_register: lookups now succeed. */
export function registerConnector(dev: DrmDevice, conn: Connector): void {
  if (conn.registered) return;
  (conn as Mutable<Connector>).registered = true;
  dev.publishObject(conn);
}

/** drm_connector_unregister (hot-remove): DRM_CONNECTOR_UNREGISTERED (uapi 3.34); freed when unused. */
export function unregisterConnector(dev: DrmDevice, conn: Connector): void {
  if (!conn.registered) return;
  (conn as Mutable<Connector>).registered = false;
  conn.removed = true;
  // the object stays findable until its last reference goes (a state routing it)
  dev.reapConnectors();
}

/**
 * drm_mode_validate_pipeline step 2: the status left by the last check decides. Each possible
 * encoder's mode_valid runs; for an accepting encoder, each CRTC it can drive runs its mode_valid
 * and the first acceptance ends the search. No encoders (or no CRTC for the last accepting
 * encoder) leaves the status OK.
 */
function pipelineAccepts(dev: DrmDevice, conn: Connector, m: ModeInfo): boolean {
  let ok = true;
  for (const e of conn.possibleEncoders) {
    ok = !e.funcs.modeValid || e.funcs.modeValid(e, m);
    if (!ok) continue;
    for (const crtc of dev.crtcs) {
      if (!(e.possibleCrtcs & (1 << crtc.index))) continue;
      ok = !crtc.funcs.modeValid || crtc.funcs.modeValid(crtc, m);
      if (ok) return true;
    }
  }
  return ok;
}

/**
 * drm_connector_update_edid_property: publish (or with null, clear) the connector's EDID blob.
 * Only connectors that have the EDID property (not Virtual or Writeback, uapi 2.40) can.
 */
export function updateEdidProperty(dev: DrmDevice, conn: Connector, edid: Uint8Array | null): void {
  const att = conn.props.find((a) => a.prop === dev.std.EDID);
  if (!att) return;
  if (edid && conn.edidBlob && conn.edidBlob.data.length === edid.length && conn.edidBlob.data.every((b, i) => b === edid[i])) return;
  conn.edidBlob = replaceGlobalBlob(dev, conn.edidBlob, edid);
  att.value = BigInt(conn.edidBlob?.id ?? 0);
}

/**
 * drm_helper_probe_single_connector_modes: detect, get_modes (1024x768 noedid fallback is the
 * driver's job here), validate against mode_config and flags, prune, sort (uapi 1.25).
 */
export function fillModes(dev: DrmDevice, conn: Connector, maxX: number, maxY: number): void {
  const extra = conn as unknown as ConnectorExtra;
  conn.status = conn.funcs.detect ? conn.funcs.detect(conn, true) : ConnectorStatus.connected;
  if (conn.status === ConnectorStatus.disconnected) {
    updateEdidProperty(dev, conn, null);
    conn.modes = [];
    return;
  }
  let probed = conn.funcs.getModes ? conn.funcs.getModes(conn) : [];
  // no modes on a connected/unknown connector: the 1024x768-and-below DMT fallback
  if (probed.length === 0) probed = addModesNoEdid(1024, 768);
  // drm_connector_list_update: equal probed modes (drm_mode_equal) are merged into one; the
  // preferred one's timings win, the type bits are or-ed together
  const merged: ModeInfo[] = [];
  for (const m of probed) {
    const same = merged.find((x) => modeEqual(x, m));
    if (!same) merged.push({ ...m });
    else if (!(same.type & ModeType.PREFERRED) && m.type & ModeType.PREFERRED) Object.assign(same, m, { type: m.type | same.type });
    else same.type |= m.type;
  }
  const modes: ModeInfo[] = [];
  for (const m of merged) {
    if (modeBasicProblem(m)) continue;
    if ((maxX > 0 && m.hdisplay > maxX) || (maxY > 0 && m.vdisplay > maxY)) continue;
    if (m.flags & ModeFlag.INTERLACE && !extra.interlaceAllowed) continue;
    if (m.flags & ModeFlag.DBLSCAN && !extra.doublescanAllowed) continue;
    if (m.flags & ModeFlag['3D_MASK'] && !extra.stereoAllowed) continue;
    if (conn.funcs.modeValid && !conn.funcs.modeValid(conn, m)) continue;
    if (!pipelineAccepts(dev, conn, m)) continue;
    modes.push(m);
  }
  // list_sort is stable, like Array.prototype.sort
  conn.modes = modes.sort(compareModes);
}
