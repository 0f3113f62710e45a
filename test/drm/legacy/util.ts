/**
 * Shared helpers of the legacy-modeset, vblank and lease conformance tests (uapi 2.39–2.53,
 * 3.52–3.56, 6.11–6.22, 8.x): raw legacy ioctls, lighting a CRTC, a lease helper and a custom
 * driver for the things the shared test driver does not have (gamma_set, page_flip_target,
 * a primary plane with a restricted format list, a CRTC check that can be made to fail).
 */
import { Card } from '../../../src/client/card.js';
import type { DrmFd } from '../../../src/uapi/fd.js';
import { ClientCap, ConnectorStatus, ConnectorType, EncoderType, ObjectType, PlaneType } from '../../../src/uapi/drm-mode.js';
import { DrmError } from '../../../src/uapi/errno.js';
import { Fourcc } from '../../../src/uapi/fourcc.js';
import type { IoctlArgs } from '../../../src/uapi/ioctl.js';
import type { ModeInfo } from '../../../src/uapi/ioctl-structs.js';
import type { Crtc, Plane, Connector } from '../../../src/drm/types.js';
import type { ModeConfigInfo } from '../../../src/drm/driver/driver.js';
import type { ClockMode } from '../../../src/drm/clock.js';
import { createCustomDevice, MODE_1024x768, type CustomDevice } from '../test-driver.js';

export const INT_MAX = 0x7fffffff;
/** htotal·vtotal/clock of MODE_1024x768: 1344·806/65000 kHz = 16 665 600 ns exactly. */
export const FRAME_1024 = 16_665_600n;
/** MODE_1024x768 as the kernel hands it back (drm_mode_convert_to_umode computes vrefresh, uapi 2.36). */
export const MODE_1024x768_OUT: ModeInfo = { ...MODE_1024x768, vrefresh: 60 };

export const O_NONBLOCK = 0o4000;
export const O_CLOEXEC = 0o2000000;

type Args<K extends keyof IoctlArgs> = Partial<IoctlArgs[K]>;

/** A synchronous raw ioctl: returns the argument (output fields written back). */
export function io<K extends keyof IoctlArgs>(card: Card, name: K, arg: Args<K>): Args<K> {
  const r = card.fd.ioctl(name, arg);
  if (r instanceof Promise) {
    r.catch(() => undefined);
    throw new Error(`${name} returned a Promise (it would block)`);
  }
  return arg;
}

/** The errno a synchronous call fails with, 'ok' when it succeeds. */
export function errno(fn: () => unknown): string {
  try {
    const r = fn();
    if (r instanceof Promise) {
      r.catch(() => undefined);
      return 'promise';
    }
    return 'ok';
  } catch (e) {
    if (e instanceof DrmError) return e.code;
    throw e;
  }
}

/** The errno an ioctl fails with, 'ok' when it succeeds (synchronously). */
export function ioErr<K extends keyof IoctlArgs>(card: Card, name: K, arg: Args<K>): string {
  return errno(() => card.fd.ioctl(name, arg));
}

/** A dumb-backed framebuffer of any 32-bpp format. */
export function fbOf(card: Card, w: number, h: number, format: number = Fourcc.XRGB8888): number {
  const bpp = format === Fourcc.RGB565 ? 16 : 32;
  const d = card.createDumb(w, h, bpp);
  return card.addFB2(w, h, format, [d.handle, 0, 0, 0], [d.pitch, 0, 0, 0], [0, 0, 0, 0]);
}

export interface SetCrtcOpts {
  fb?: number;
  mode?: ModeInfo | null;
  connectors?: number[];
  x?: number;
  y?: number;
  count?: number;
}

/** The raw DRM_IOCTL_MODE_SETCRTC argument. */
export function setCrtcArg(crtcId: number, o: SetCrtcOpts): Args<'MODE_SETCRTC'> {
  const conns = o.connectors ?? [];
  return {
    crtc_id: crtcId, fb_id: o.fb ?? 0, x: o.x ?? 0, y: o.y ?? 0,
    mode_valid: o.mode ? 1 : 0, mode: o.mode ?? undefined,
    count_connectors: o.count ?? conns.length, set_connectors_ptr: Uint32Array.from(conns.length ? conns : [0]),
  };
}

export function setCrtc(card: Card, crtcId: number, o: SetCrtcOpts): void {
  io(card, 'MODE_SETCRTC', setCrtcArg(crtcId, o));
}

/** Light `crtc` with MODE_1024x768 on `connector` and a new 1024x768 XRGB8888 FB; returns the FB. */
export function light(card: Card, crtc: Crtc, connector: Connector, fb?: number): number {
  const f = fb ?? fbOf(card, 1024, 768);
  setCrtc(card, crtc.id, { fb: f, mode: MODE_1024x768, connectors: [connector.id] });
  return f;
}

/** A second file with the ATOMIC cap, to read atomic-only properties (MODE_ID, ACTIVE, FB_ID, …). */
export function atomicObserver(open: () => Card): Card {
  const c = open();
  c.setClientCap(ClientCap.ATOMIC, 1);
  return c;
}

/** name → value of an object's properties as `card` sees them. */
export function props(card: Card, id: number, type: number = ObjectType.ANY): Record<string, bigint> {
  const { props: ids, propValues } = card.getObjectProperties(id, type);
  const out: Record<string, bigint> = {};
  ids.forEach((p, i) => { out[card.getProperty(p).name] = propValues[i]!; });
  return out;
}

/** The property ID called `name` on an object, as seen by `card`. */
export function propId(card: Card, objId: number, name: string): number {
  const f = card.findProperty(objId, ObjectType.ANY, name);
  if (!f) throw new Error(`object ${objId} has no property ${name}`);
  return f.id;
}

/** CREATE_LEASE: the raw argument after the call. */
export function createLease(card: Card, ids: number[], flags = 0): Args<'MODE_CREATE_LEASE'> {
  return io(card, 'MODE_CREATE_LEASE', { object_ids: Uint32Array.from(ids.length ? ids : [0]), object_count: ids.length, flags });
}

/** The lessee's Card: the fd CREATE_LEASE installed in the caller's fd table. */
export function lesseeCard(card: Card, fd: number): Card {
  const f = card.fd.fds.get(fd);
  if (!f) throw new Error(`fd ${fd} is not installed`);
  return new Card(f as DrmFd);
}

/** CREATE_LEASE + the lessee's Card. */
export function lease(card: Card, ids: number[], flags = 0): { lessee: Card; lesseeId: number; fd: number } {
  const a = createLease(card, ids, flags);
  return { lessee: lesseeCard(card, a.fd!), lesseeId: a.lessee_id!, fd: a.fd! };
}

/** GET_LEASE as a sorted list (the kernel walks the IDR in ascending order). */
export function getLease(card: Card): number[] {
  const a = io(card, 'MODE_GET_LEASE', {});
  const buf = new Uint32Array(Math.max(a.count_objects!, 1));
  const b = io(card, 'MODE_GET_LEASE', { count_objects: a.count_objects, objects_ptr: buf });
  return [...buf.subarray(0, b.count_objects)];
}

export function listLessees(card: Card): number[] {
  const a = io(card, 'MODE_LIST_LESSEES', {});
  const buf = new Uint32Array(Math.max(a.count_lessees!, 1));
  const b = io(card, 'MODE_LIST_LESSEES', { count_lessees: a.count_lessees, lessees_ptr: buf });
  return [...buf.subarray(0, b.count_lessees)];
}

/** A controllable custom device (see `createLegacyDevice`). */
export interface LegacyObjs {
  /** Primary plane supporting XRGB8888 only. */
  primary: Plane;
  /** Overlay supporting XRGB8888 and RGB565 (so an RGB565 FB can be created). */
  overlay: Plane;
  cursor: Plane;
  /** CRTC with gamma_set, legacy gamma 256 and GAMMA_LUT(256). */
  crtc: Crtc;
  /** CRTC with gamma_set, legacy gamma 256 and DEGAMMA_LUT(256) only. */
  degammaCrtc: Crtc;
  /** CRTC with gamma_set, legacy gamma 256 and no colour-management property at all. */
  bareCrtc: Crtc;
  connector: Connector;
}

export interface LegacyCtl {
  /** When set, the first CRTC's atomic_check fails with EINVAL. */
  failCrtcCheck: boolean;
}

export async function createLegacyDevice(o: { modeConfig?: Partial<ModeConfigInfo>; clock?: ClockMode } = {}): Promise<CustomDevice<LegacyObjs> & { ctl: LegacyCtl }> {
  const ctl: LegacyCtl = { failCrtcCheck: false };
  const d = await createCustomDevice((u) => {
    const primary = u.createPlane({ type: PlaneType.PRIMARY, possibleCrtcs: 0, formats: [Fourcc.XRGB8888] });
    const overlay = u.createPlane({ type: PlaneType.OVERLAY, possibleCrtcs: 1, formats: [Fourcc.XRGB8888, Fourcc.RGB565] });
    const cursor = u.createPlane({ type: PlaneType.CURSOR, possibleCrtcs: 0, formats: [Fourcc.ARGB8888] });
    const crtc = u.createCrtc({
      primary, cursor,
      funcs: {
        legacyGammaSet: true,
        atomicCheck: () => { if (ctl.failCrtcCheck) throw new DrmError('EINVAL', 'test: CRTC check made to fail'); },
      },
    });
    u.setGammaSize(crtc, 256);
    u.enableColorMgmt(crtc, 0, false, 256);
    const p2 = u.createPlane({ type: PlaneType.PRIMARY, possibleCrtcs: 0, formats: [Fourcc.XRGB8888] });
    const degammaCrtc = u.createCrtc({ primary: p2, cursor: null, funcs: { legacyGammaSet: true } });
    u.setGammaSize(degammaCrtc, 256);
    u.enableColorMgmt(degammaCrtc, 256, false, 0);
    const p3 = u.createPlane({ type: PlaneType.PRIMARY, possibleCrtcs: 0, formats: [Fourcc.XRGB8888] });
    const bareCrtc = u.createCrtc({ primary: p3, cursor: null, funcs: { legacyGammaSet: true } });
    u.setGammaSize(bareCrtc, 256);
    const encoder = u.createEncoder({ type: EncoderType.VIRTUAL, possibleCrtcs: 0b111 });
    encoder.possibleClones = 1 << encoder.index;
    const connector = u.createConnector({
      type: ConnectorType.VIRTUAL, encoders: [encoder],
      funcs: { detect: () => ConnectorStatus.connected, getModes: () => [MODE_1024x768] },
    });
    return { primary, overlay, cursor, crtc, degammaCrtc, bareCrtc, connector };
  }, { modeConfig: o.modeConfig, clock: o.clock ?? 'manual' });
  return Object.assign(d, { ctl });
}

/** CRTC_GET_SEQUENCE: the 64-bit vblank count and the time of the last vblank. */
export function seqOf(card: Card, crtcId: number): { active: number; sequence: bigint; ns: bigint } {
  const a = io(card, 'CRTC_GET_SEQUENCE', { crtc_id: crtcId });
  return { active: a.active!, sequence: a.sequence!, ns: a.sequence_ns! };
}

/** ns → the {tv_sec, tv_usec} pair a drm_event_vblank carries. */
export function tv(ns: bigint): { tv_sec: number; tv_usec: number } {
  const us = ns / 1000n;
  return { tv_sec: Number(us / 1_000_000n), tv_usec: Number(us % 1_000_000n) };
}

/** Fill the file's 4096 bytes of event space with 128 far-future WAIT_VBLANK events on CRTC index 0. */
export function fillEventSpace(card: Card, n = 128): void {
  for (let i = 0; i < n; i++) io(card, 'WAIT_VBLANK', { type: 0x1 | 0x4000000, sequence: 100000, signal: BigInt(i) });
}

/** ns → the {tval_sec, tval_usec} pair of a WAIT_VBLANK reply. */
export function tval(ns: bigint): { tval_sec: number; tval_usec: number } {
  const t = tv(ns);
  return { tval_sec: t.tv_sec, tval_usec: t.tv_usec };
}
