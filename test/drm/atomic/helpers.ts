/**
 * Shared setup for the ATOMIC ioctl conformance tests (uapi sections 2–4): a lit test device, raw
 * MODE_ATOMIC calls (duplicates, odd orders, bad pointers), a byte-exact snapshot of every GET*
 * result, expected event bytes built independently of the code under test, and small drivers
 * built on the driver API for the rules that need driver checks.
 */
import { expect } from 'vitest';
import { AtomicRequest } from '../../../src/client/atomic.js';
import { Card } from '../../../src/client/card.js';
import { checkPlaneState, NO_SCALING, type AtomicCheckContext } from '../../../src/drm/atomic/helpers.js';
import { getCrtcState } from '../../../src/drm/atomic/state.js';
import type { DrmDevice } from '../../../src/drm/device.js';
import type { Connector, Crtc, Encoder, Plane, PlaneState } from '../../../src/drm/types.js';
import {
  AtomicFlag, ClientCap, ConnectorStatus, ConnectorType, CrtcSequence, DrmError, EncoderType, Fourcc, ObjectType, PlaneType,
  ProcessFds, type ErrnoName, type IoctlArgs,
} from '../../../src/uapi/index.js';
import type { ModeInfo } from '../../../src/uapi/ioctl-structs.js';
import { createCustomDevice, createTestDevice, MODE_1024x768, type CustomDevice, type TestDevice, type TestDeviceOptions, type TestTypes } from '../test-driver.js';
import type { UnregisteredDevice } from '../../../src/drm/driver/registration.js';
import type { ClockMode } from '../../../src/drm/clock.js';
import type { ModeConfigInfo } from '../../../src/drm/driver/driver.js';
import type { DriverFeatures } from '../../../src/drm/device.js';

export const F = AtomicFlag;
/** Frame duration of MODE_1024x768: htotal·vtotal / clock = 1344·806 / 65 MHz = 16 665 600 ns. */
export const FRAME_NS = 16_665_600n;
/** The manual clock starts at 1 s of CLOCK_MONOTONIC. */
export const T0 = 1_000_000_000n;
export const U64_MAX = 0xffffffffffffffffn;

export type Errno = ErrnoName | 'no error';

/** Run a synchronous device call; the errno it failed with, or 'no error'. Non-DrmErrors propagate. */
export function errnoOf(fn: () => unknown): Errno {
  try {
    const r = fn();
    if (r instanceof Promise) {
      r.catch(() => undefined);
      throw new Error('errnoOf: the call returned a Promise (use errnoOfAsync)');
    }
    return 'no error';
  } catch (e) {
    if (e instanceof DrmError) return e.code;
    throw e;
  }
}

export async function errnoOfAsync(fn: () => unknown): Promise<Errno> {
  try {
    await fn();
    return 'no error';
  } catch (e) {
    if (e instanceof DrmError) return e.code;
    throw e;
  }
}

// ---------------------------------------------------------------------------------------------
// Raw MODE_ATOMIC

export interface RawAtomic {
  objs: number[];
  counts: number[];
  props: number[];
  values: (bigint | number)[];
  flags?: number;
  reserved?: bigint;
  userData?: bigint;
}

/** The drm_mode_atomic struct for `a`: typed arrays as user pointers, nothing sorted or merged. */
export function atomicArg(a: RawAtomic): Partial<IoctlArgs['MODE_ATOMIC']> {
  return {
    flags: a.flags ?? 0, count_objs: a.objs.length,
    objs_ptr: Uint32Array.from(a.objs), count_props_ptr: Uint32Array.from(a.counts),
    props_ptr: Uint32Array.from(a.props),
    prop_values_ptr: BigUint64Array.from(a.values.map((v) => BigInt.asUintN(64, BigInt(v)))),
    reserved: a.reserved ?? 0n, user_data: a.userData ?? 0n,
  };
}

/** A synchronous raw MODE_ATOMIC; its errno or 'no error'. */
export function rawAtomic(card: Card, a: RawAtomic): Errno {
  return errnoOf(() => card.fd.ioctl('MODE_ATOMIC', atomicArg(a)));
}

/** A commit through the client, synchronously; its errno or 'no error'. */
export function commit(card: Card, req: AtomicRequest, flags = 0, userData: bigint | number = 0n): Errno {
  return errnoOf(() => card.atomicCommitSync(req, flags, userData));
}

/** A request from (object, property name, value) triples. */
export function req(...items: [number, string, bigint | number][]): AtomicRequest {
  const r = new AtomicRequest();
  for (const [o, p, v] of items) r.add(o, p, v);
  return r;
}

// ---------------------------------------------------------------------------------------------
// Framebuffers, blobs, the standard modeset

export function makeFb(card: Card, width = 64, height = 64, format: number = Fourcc.XRGB8888): number {
  if (format === Fourcc.NV12) {
    const y = card.createDumb(width, height, 8);
    const uv = card.createDumb(width, height / 2, 8);
    return card.addFB2(width, height, format, [y.handle, uv.handle], [y.pitch, uv.pitch], [0, 0]);
  }
  const bpp = format === Fourcc.RGB565 ? 16 : 32;
  const d = card.createDumb(width, height, bpp);
  return card.addFB2(width, height, format, [d.handle], [d.pitch], [0]);
}

export function blob(card: Card, bytes: number[] | Uint8Array): number {
  return card.createPropertyBlob(bytes instanceof Uint8Array ? bytes : Uint8Array.from(bytes));
}

/** struct drm_mode_rect[] (FB_DAMAGE_CLIPS). */
export function rects(...r: [number, number, number, number][]): Uint8Array {
  const b = new Uint8Array(16 * r.length);
  const v = new DataView(b.buffer);
  r.forEach((q, i) => q.forEach((x, j) => v.setInt32(16 * i + 4 * j, x, true)));
  return b;
}

export interface Rig {
  t: TestDevice;
  dev: DrmDevice;
  card: Card;
  /** A 1024x768 XRGB8888 FB and a second one to flip to. */
  fb: number;
  fb2: number;
  mode: number;
  /** Property ids by name on the objects most tests use. */
  ids: { plane: Record<string, number>; crtc: Record<string, number>; conn: Record<string, number> };
}

/** Open a card with its own fd table, ATOMIC and WRITEBACK_CONNECTORS caps. */
export function openAtomic(t: { open(o?: object): Card }): Card {
  const card = t.open({ fds: new ProcessFds() });
  card.setClientCap(ClientCap.ATOMIC, 1);
  card.setClientCap(ClientCap.WRITEBACK_CONNECTORS, 1);
  return card;
}

function propIds(card: Card, objId: number): Record<string, number> {
  const out: Record<string, number> = {};
  for (const id of card.getObjectProperties(objId).props) out[card.getProperty(id).name] = id;
  return out;
}

export async function rig(o: TestDeviceOptions = {}): Promise<Rig> {
  const t = await createTestDevice(o);
  const card = openAtomic(t);
  const fb = makeFb(card, 1024, 768), fb2 = makeFb(card, 1024, 768);
  const mode = card.createModeBlob(MODE_1024x768);
  const ids = { plane: propIds(card, t.primary.id), crtc: propIds(card, t.crtc.id), conn: propIds(card, t.connector.id) };
  return { t, dev: t.device.drm, card, fb, fb2, mode, ids };
}

/** The properties that put `fb` full-screen (1024x768) on `plane` of `crtc`. */
export function planeOn(r: AtomicRequest, plane: number, crtc: number, fb: number, w = 1024, h = 768): AtomicRequest {
  return r.add(plane, 'FB_ID', fb).add(plane, 'CRTC_ID', crtc)
    .add(plane, 'SRC_X', 0).add(plane, 'SRC_Y', 0).add(plane, 'SRC_W', w << 16).add(plane, 'SRC_H', h << 16)
    .add(plane, 'CRTC_X', 0).add(plane, 'CRTC_Y', 0).add(plane, 'CRTC_W', w).add(plane, 'CRTC_H', h);
}

/** MODE_ID + ACTIVE + connector routing + the primary plane: a full modeset of the test CRTC. */
export function modesetReq(r: Rig, active = 1): AtomicRequest {
  const q = new AtomicRequest().add(r.t.crtc.id, 'MODE_ID', r.mode).add(r.t.crtc.id, 'ACTIVE', active).add(r.t.connector.id, 'CRTC_ID', r.t.crtc.id);
  return planeOn(q, r.t.primary.id, r.t.crtc.id, r.fb);
}

/** Light the test CRTC with a blocking modeset (manual clock: completes synchronously). */
export function light(r: Rig): void {
  expect(commit(r.card, modesetReq(r), F.ALLOW_MODESET)).toBe('no error');
}

/** Switch everything off with a blocking modeset. */
export function darken(r: Rig): void {
  const q = req([r.t.crtc.id, 'MODE_ID', 0], [r.t.crtc.id, 'ACTIVE', 0], [r.t.connector.id, 'CRTC_ID', 0],
    [r.t.primary.id, 'FB_ID', 0], [r.t.primary.id, 'CRTC_ID', 0]);
  expect(commit(r.card, q, F.ALLOW_MODESET)).toBe('no error');
}

/** A nonblocking flip of the primary plane to `fb`. */
export function flipReq(r: Rig, fb: number): AtomicRequest {
  return req([r.t.primary.id, 'FB_ID', fb]);
}

// ---------------------------------------------------------------------------------------------
// Events

/** Everything read() returns right now, as raw bytes. */
export function readRaw(card: Card): Uint8Array {
  const chunks: Uint8Array[] = [];
  while (card.fd.poll()) {
    const buf = new Uint8Array(4096);
    const n = card.fd.read(buf) as number;
    if (!n) break;
    chunks.push(buf.subarray(0, n));
  }
  const out = new Uint8Array(chunks.reduce((s, c) => s + c.length, 0));
  let o = 0;
  for (const c of chunks) { out.set(c, o); o += c.length; }
  return out;
}

/** struct drm_event_vblank bytes (uapi 4.2), written field by field. */
export function vblankEventBytes(e: { type: 1 | 2; userData: bigint; ns: bigint; seq: number | bigint; crtcId: number }): Uint8Array {
  const b = new Uint8Array(32);
  const v = new DataView(b.buffer);
  v.setUint32(0, e.type, true);
  v.setUint32(4, 32, true);
  v.setBigUint64(8, e.userData, true);
  const us = e.ns / 1000n;
  v.setUint32(16, Number(us / 1_000_000n), true);
  v.setUint32(20, Number(us % 1_000_000n), true);
  v.setUint32(24, Number(BigInt(e.seq) & 0xffffffffn), true);
  v.setUint32(28, e.crtcId, true);
  return b;
}

export function concat(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((s, c) => s + c.length, 0));
  let o = 0;
  for (const c of parts) { out.set(c, o); o += c.length; }
  return out;
}

/** Decoded FLIP_COMPLETE/VBLANK fields of raw event bytes (for assertions on several events). */
export function decodeVblankEvents(b: Uint8Array): { type: number; len: number; userData: bigint; sec: number; usec: number; seq: number; crtcId: number }[] {
  const v = new DataView(b.buffer, b.byteOffset, b.byteLength);
  const out = [];
  for (let o = 0; o + 8 <= b.length;) {
    const len = v.getUint32(o + 4, true);
    out.push({ type: v.getUint32(o, true), len, userData: v.getBigUint64(o + 8, true), sec: v.getUint32(o + 16, true), usec: v.getUint32(o + 20, true), seq: v.getUint32(o + 24, true), crtcId: v.getUint32(o + 28, true) });
    o += len;
  }
  return out;
}

/**
 * Use up a file's event space, leaving `leave` bytes: CRTC_QUEUE_SEQUENCE events far in the
 * future hold 32 bytes each until delivered (uapi 4.9). The CRTC must be on.
 */
export function fillEventSpace(card: Card, crtcId: number, leave: number): void {
  const n = (4096 - leave) / 32;
  for (let i = 0; i < n; i++) card.ioctl('CRTC_QUEUE_SEQUENCE', { crtc_id: crtcId, flags: CrtcSequence.RELATIVE, sequence: 1_000_000n, user_data: BigInt(i) });
}

// ---------------------------------------------------------------------------------------------
// Snapshot of every GET* result (uapi 3.50)

const json = (v: unknown) => JSON.stringify(v, (_k, x) => (typeof x === 'bigint' ? `${x}n` : ArrayBuffer.isView(x) ? Array.from(x as Uint8Array) : x));

const flagCache = new WeakMap<Card, Map<number, number>>();
/** A property's flags (they never change, so they are asked for once per card). */
function propFlags(card: Card, id: number): number {
  let m = flagCache.get(card);
  if (!m) flagCache.set(card, (m = new Map()));
  let f = m.get(id);
  if (f === undefined) m.set(id, (f = card.getProperty(id).flags));
  return f;
}

/**
 * GETRESOURCES, GETPLANERESOURCES, GETCRTC, GETPLANE, GETCONNECTOR (no probe), GETENCODER and
 * OBJ_GETPROPERTIES of every object, plus the blobs the properties reference, as one string.
 */
export function snapshot(card: Card): string {
  const res = card.getResources();
  const planes = card.getPlaneResources();
  const out: unknown[] = [res, planes];
  const blobIds = new Set<number>();
  for (const id of res.crtcs) {
    const a: Partial<IoctlArgs['MODE_GETCRTC']> = { crtc_id: id };
    card.ioctl('MODE_GETCRTC', a);
    out.push(a);
  }
  for (const id of planes) out.push(card.getPlane(id));
  for (const id of res.connectors) out.push(card.getConnectorCurrent(id));
  for (const id of res.encoders) out.push(card.getEncoder(id));
  for (const [ids, type] of [[res.crtcs, ObjectType.CRTC], [planes, ObjectType.PLANE], [res.connectors, ObjectType.CONNECTOR]] as const) {
    for (const id of ids) {
      const p = card.getObjectProperties(id, type);
      out.push(p);
      p.props.forEach((pid, i) => {
        if (propFlags(card, pid) & 0x10 /* BLOB */ && p.propValues[i]) blobIds.add(Number(p.propValues[i]));
      });
    }
  }
  for (const b of [...blobIds].sort((x, y) => x - y)) out.push([b, card.getPropertyBlob(b)]);
  out.push({ poll: card.fd.poll() });
  return json(out);
}

// ---------------------------------------------------------------------------------------------
// Small drivers on the driver API

export interface OwnObjs {
  primaries: Plane[];
  overlays: Plane[];
  crtcs: Crtc[];
  encoders: Encoder[];
  connectors: Connector[];
  writeback: Connector | null;
}

export interface OwnOptions {
  crtcs?: number;
  /** Overlay planes usable on every CRTC. */
  overlays?: number;
  /** Connectors, each with its own Virtual encoder unless `sharedEncoder`. */
  connectors?: number;
  sharedEncoder?: boolean;
  /** possible_clones of the connectors' encoders (default: each lists only itself). */
  clones?: 'self' | 'all' | 'none';
  writeback?: boolean;
  damageClips?: boolean;
  planeFuncs?: Plane['funcs'];
  primaryFuncs?: Plane['funcs'];
  crtcFuncs?: Crtc['funcs'];
  encoderFuncs?: Encoder['funcs'];
  connectorFuncs?: Connector['funcs'];
  modes?: ModeInfo[];
  clock?: ClockMode;
  modeConfig?: Partial<ModeConfigInfo>;
  features?: Partial<DriverFeatures>;
  extra?: (u: UnregisteredDevice<TestTypes>, o: OwnObjs) => void;
}

/** A driver with N CRTCs (each with a primary), overlays on all CRTCs, connectors, optional writeback. */
export async function ownDevice(o: OwnOptions = {}): Promise<CustomDevice<OwnObjs>> {
  return createCustomDevice<OwnObjs>((u) => {
    const objs: OwnObjs = { primaries: [], overlays: [], crtcs: [], encoders: [], connectors: [], writeback: null };
    const n = o.crtcs ?? 1;
    for (let i = 0; i < n; i++) {
      const p = u.createPlane({ type: PlaneType.PRIMARY, possibleCrtcs: 0, formats: [Fourcc.XRGB8888, Fourcc.ARGB8888], funcs: o.primaryFuncs ?? o.planeFuncs });
      if (o.damageClips) u.enableFbDamageClips(p);
      objs.primaries.push(p);
      objs.crtcs.push(u.createCrtc({ primary: p, cursor: null, funcs: o.crtcFuncs }));
    }
    const all = (1 << n) - 1;
    for (let i = 0; i < (o.overlays ?? 0); i++) {
      const p = u.createPlane({ type: PlaneType.OVERLAY, possibleCrtcs: all, formats: [Fourcc.XRGB8888, Fourcc.ARGB8888], funcs: o.planeFuncs });
      if (o.damageClips) u.enableFbDamageClips(p);
      objs.overlays.push(p);
    }
    const shared = o.sharedEncoder ? u.createEncoder({ type: EncoderType.VIRTUAL, possibleCrtcs: all, funcs: o.encoderFuncs }) : null;
    for (let i = 0; i < (o.connectors ?? 1); i++) {
      const enc = shared ?? u.createEncoder({ type: EncoderType.VIRTUAL, possibleCrtcs: all, funcs: o.encoderFuncs });
      if (!shared || i === 0) objs.encoders.push(enc);
      objs.connectors.push(u.createConnector({
        type: ConnectorType.VIRTUAL, encoders: [enc],
        funcs: { detect: () => ConnectorStatus.connected, getModes: () => o.modes ?? [MODE_1024x768], ...o.connectorFuncs },
      }));
    }
    if (o.writeback) {
      objs.writeback = u.createWritebackConnector({ formats: [Fourcc.XRGB8888], possibleCrtcs: all });
      objs.encoders.push(objs.writeback.writeback!.encoder);
    }
    const allEnc = objs.encoders.reduce((m, e) => m | (1 << e.index), 0);
    for (const e of objs.encoders) e.possibleClones = o.clones === 'all' ? allEnc : o.clones === 'none' ? 0 : 1 << e.index;
    o.extra?.(u, objs);
    return objs;
  }, { clock: o.clock ?? 'manual', modeConfig: o.modeConfig, features: o.features });
}

/** The AtomicCheckContext a plane/CRTC atomicCheck callback receives. */
export const checkCtx = (ctx: unknown) => ctx as AtomicCheckContext;

/** VKMS's plane check: no scaling, any position, updates on a disabled CRTC allowed (uapi A.5). */
export function vkmsPlaneCheck(_plane: Plane, ps: PlaneState, ctx: unknown): void {
  checkPlaneState(ps, ps.crtc ? getCrtcState(checkCtx(ctx).state, ps.crtc) : null, { minScale: NO_SCALING, maxScale: NO_SCALING, canPosition: true, canUpdateDisabled: true });
}

export { AtomicRequest, Card, MODE_1024x768 };
