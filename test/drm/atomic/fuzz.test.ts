/**
 * Randomized robustness of the ATOMIC ioctl (uapi 3.x as a whole, esp. 3.50): a seeded PRNG throws
 * random and malformed commits at a device — random objects (incl. unknown IDs and objects without
 * properties), random properties (incl. other objects' properties), random values (incl. out of
 * range), random blobs, random flag mixes, bad pointers — and after each one checks:
 *   - nothing but a DrmError is thrown, and its errno is one the kernel's atomic ioctl can return;
 *   - on failure every GET* result is byte-identical to before, out-fence pointers hold -1 or were
 *     never reached, and no sync-file fd was left behind.
 * VKMS_FUZZ_N (default 2000) sets the number of commits, VKMS_FUZZ_SEED the seed.
 */
import { describe, expect, it } from 'vitest';
import type { Card } from '../../../src/client/card.js';
import type { DrmDevice } from '../../../src/drm/device.js';
import {
  DrmError, Fourcc, LocalUserMemory, ModeFlag, ObjectType, PropFlag, ProcessFds, Rotation, SwTimeline, type ModeInfo,
} from '../../../src/uapi/index.js';
import { encodeModeInfo } from '../../../src/uapi/modeinfo.js';
import { createTestDevice, MODE_640x480, MODE_800x600 } from '../test-driver.js';
import {
  atomicArg, F, FRAME_NS, makeFb, MODE_1024x768, openAtomic, ownDevice, readRaw, rects, snapshot, U64_MAX, vkmsPlaneCheck,
} from './helpers.js';

function envInt(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const v = Number(raw);
  if (!Number.isSafeInteger(v) || v < 0) throw new Error(`${name}=${raw}: expected a non-negative integer`);
  return v;
}
const N = envInt('VKMS_FUZZ_N', 2000);
const SEED = envInt('VKMS_FUZZ_SEED', 0x5eed1234);
// Never EDEADLK among them: lock contention is retried inside the ioctl (uapi 0.6).
const ALLOWED = new Set(['EINVAL', 'ENOENT', 'EACCES', 'ERANGE', 'ENOSPC', 'EBUSY', 'ENOMEM', 'EFAULT', 'EOPNOTSUPP']);
const SENTINEL = 0x7ead0000;
const TIMEOUT = Math.max(20_000, N * 10);

/** mulberry32 */
function prng(seed: number) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (n: number) => Math.floor(next() * n);
  return {
    next, int,
    chance: (p: number) => next() < p,
    pick: <T>(xs: readonly T[]): T => xs[int(xs.length)]!,
    u64: () => (BigInt(int(0x100000000)) << 32n) | BigInt(int(0x100000000)),
    bytes: (n: number) => Uint8Array.from({ length: n }, () => int(256)),
  };
}
type Rng = ReturnType<typeof prng>;

interface PropInfo { id: number; name: string; flags: number; values: bigint[] }
interface Obj { id: number; type: number; props: PropInfo[] }

interface World {
  card: Card;
  dev: DrmDevice;
  objs: Obj[];
  allProps: PropInfo[];
  byType: Map<number, number[]>;
  bogus: number[];
  blobs: number[];
  fbs: number[];
  fenceFds: number[];
  memory: LocalUserMemory;
}

function buildWorld(card: Card, dev: DrmDevice, rng: Rng): World {
  const memory = card.fd.memory as LocalUserMemory;
  const infos = new Map<number, PropInfo>();
  const info = (id: number) => {
    let p = infos.get(id);
    if (!p) {
      const g = card.getProperty(id);
      p = { id, name: g.name, flags: g.flags, values: g.values };
      infos.set(id, p);
    }
    return p;
  };
  const objs: Obj[] = [];
  const byType = new Map<number, number[]>();
  const add = (id: number, type: number) => { byType.set(type, [...(byType.get(type) ?? []), id]); };
  for (const c of dev.crtcs) add(c.id, ObjectType.CRTC);
  for (const p of dev.planes) add(p.id, ObjectType.PLANE);
  for (const c of dev.connectors) add(c.id, ObjectType.CONNECTOR);
  for (const e of dev.encoders) add(e.id, ObjectType.ENCODER);
  for (const [type, ids] of byType) {
    if (type === ObjectType.ENCODER) continue;
    for (const id of ids) objs.push({ id, type, props: card.getObjectProperties(id).props.map(info) });
  }
  const fbs = [makeFb(card, 1024, 768), makeFb(card, 1024, 768), makeFb(card, 64, 64), makeFb(card, 64, 64, Fourcc.ARGB8888), makeFb(card, 800, 600), makeFb(card, 2048, 768)];
  for (const f of [Fourcc.RGB565, Fourcc.NV12]) {
    try { fbs.push(makeFb(card, 64, 64, f)); } catch { /* no plane of this device takes the format (uapi 5.8) */ }
  }
  add(fbs[0]!, ObjectType.FB);
  byType.set(ObjectType.FB, fbs);
  const modes: ModeInfo[] = [MODE_1024x768, MODE_800x600, MODE_640x480, { ...MODE_1024x768, name: 'same timings' }, { ...MODE_1024x768, clock: 0 }, { ...MODE_1024x768, flags: ModeFlag.INTERLACE }];
  const blobs = [
    ...modes.map((m) => card.createPropertyBlob(encodeModeInfo(m))),
    ...[1, 8, 16, 24, 67, 68, 69, 72, 128, 2048].map((n) => card.createPropertyBlob(rng.bytes(n))),
    card.createPropertyBlob(new Uint8Array(2048)), card.createPropertyBlob(new Uint8Array(72)),
    card.createPropertyBlob(rects([0, 0, 8, 8])), card.createPropertyBlob(rects([0, 0, 64, 64], [3, 3, 9, 9])), card.createPropertyBlob(rects([5, 5, 2, 2])),
  ];
  byType.set(ObjectType.BLOB, blobs);
  const allProps = [...infos.values()];
  for (const p of dev.properties) if (!infos.has(p.id)) allProps.push(info(p.id));
  const fds = card.fd.fds;
  const fenceFds = [fds.install(new SwTimeline().createFence(0)), fds.install({})];
  const bogus = [0, 9999, 0xffffffff, ...(byType.get(ObjectType.ENCODER) ?? []), fbs[0]!, blobs[0]!, allProps[0]!.id];
  return { card, dev, objs, allProps, byType, bogus, blobs, fbs, fenceFds, memory };
}

interface Cell { cell: Int32Array; addr: bigint }

/** What every committed state satisfies (uapi 3.18, 3.19, 3.25, 3.31; 1.27–1.29 for the getters). */
function checkInvariants(w: World, where: string): void {
  const card = w.card;
  const val = (id: number, name: string) => {
    const o = w.objs.find((x) => x.id === id)!;
    const p = card.getObjectProperties(id);
    return p.propValues[p.props.indexOf(o.props.find((x) => x.name === name)!.id)]!;
  };
  const crtcs = w.byType.get(ObjectType.CRTC)!, conns = w.byType.get(ObjectType.CONNECTOR)!;
  const routed = new Map<number, number[]>();
  for (const k of conns) {
    const c = Number(val(k, 'CRTC_ID'));
    if (c) routed.set(c, [...(routed.get(c) ?? []), k]);
    const info = card.getConnectorCurrent(k);
    if (!c) expect(info.encoderId, `${where}: connector ${k} unrouted`).toBe(0);
    else expect(card.getEncoder(info.encoderId).crtcId, `${where}: encoder of connector ${k}`).toBe(c);
  }
  for (const c of crtcs) {
    const mode = val(c, 'MODE_ID'), active = val(c, 'ACTIVE');
    if (active) expect(mode, `${where}: CRTC ${c} active without mode`).not.toBe(0n);
    expect(mode !== 0n, `${where}: CRTC ${c} enable vs connectors`).toBe(routed.has(c));
    expect(card.getCrtc(c).modeValid, `${where}: GETCRTC ${c} mode_valid`).toBe(mode !== 0n);
  }
  for (const plane of w.dev.planes) {
    const fb = val(plane.id, 'FB_ID'), crtc = Number(val(plane.id, 'CRTC_ID'));
    expect(fb === 0n, `${where}: plane ${plane.id} FB/CRTC`).toBe(crtc === 0);
    if (crtc) expect(card.getPlane(plane.id).possibleCrtcs & (1 << crtcs.indexOf(crtc)), `${where}: plane ${plane.id} possible_crtcs`).not.toBe(0);
  }
}

/** A value for `p`: plausible most of the time, hostile otherwise. */
function valueFor(w: World, rng: Rng, p: PropInfo, cells: Cell[]): bigint {
  if (p.name === 'OUT_FENCE_PTR' || p.name === 'WRITEBACK_OUT_FENCE_PTR') {
    if (rng.chance(0.15)) return rng.pick([0n, 0xdead0000n, rng.u64()]);
    const cell = new Int32Array([SENTINEL]);
    const c = { cell, addr: w.memory.map(cell) };
    cells.push(c);
    return c.addr;
  }
  if (p.name === 'IN_FENCE_FD') return rng.pick([U64_MAX, U64_MAX, BigInt(w.fenceFds[0]!), BigInt(w.fenceFds[1]!), 999n, rng.u64()]);
  if (p.name === 'rotation' && rng.chance(0.7)) return BigInt(rng.int(64));
  if (rng.chance(0.1)) return rng.pick([0n, 1n, U64_MAX, rng.u64(), BigInt(rng.int(100))]);
  const t = p.flags & (PropFlag.LEGACY_TYPE | PropFlag.EXTENDED_TYPE);
  switch (t) {
    case PropFlag.RANGE: {
      const [min, max] = p.values as [bigint, bigint];
      if (/^SRC_[WH]$/.test(p.name)) return BigInt(rng.pick([64, 800, 1024, 768, 600, 2048, 63, 65])) << 16n;
      if (/^SRC_[XY]$/.test(p.name)) return rng.pick([0n, 0x8000n, 1n << 16n, BigInt(rng.int(0x10000000))]);
      if (/^CRTC_[WH]$/.test(p.name)) return BigInt(rng.pick([64, 800, 1024, 768, 600, 2048, 0, 0x7fffffff]));
      return rng.pick([min, max, max + 1n, min + BigInt(rng.int(Number(max - min > 1000n ? 1000n : max - min + 1n)))]);
    }
    case PropFlag.SIGNED_RANGE: {
      const [min, max] = [BigInt.asIntN(64, p.values[0]!), BigInt.asIntN(64, p.values[1]!)];
      if (/^CRTC_[XY]$/.test(p.name)) return BigInt.asUintN(64, BigInt(rng.pick([0, 0, -32, 100, 1000, -2000, 0x7fffffff])));
      return BigInt.asUintN(64, rng.pick([min, max, min - 1n, max + 1n, -1n, 0n]));
    }
    case PropFlag.ENUM: return rng.chance(0.8) ? rng.pick(p.values) : BigInt(rng.int(8));
    case PropFlag.BITMASK: return BigInt(rng.int(1 << 8));
    case PropFlag.OBJECT: {
      const ids = w.byType.get(Number(p.values[0])) ?? [];
      return BigInt(rng.chance(0.85) && ids.length ? rng.pick(ids) : rng.pick([0, ...w.bogus]));
    }
    case PropFlag.BLOB: return BigInt(rng.chance(0.2) ? 0 : rng.chance(0.85) ? rng.pick(w.blobs) : rng.pick(w.bogus));
  }
  return rng.u64();
}

/** A plausible starting point: light a CRTC with a connector and its primary, or flip a primary. */
function template(w: World, rng: Rng): [number, number, bigint][] {
  const crtcs = w.byType.get(ObjectType.CRTC)!;
  const c = rng.pick(crtcs);
  const plane = w.dev.planes.find((p) => p.type === 1 && p.possibleCrtcs & (1 << crtcs.indexOf(c)))!;
  const prop = (obj: number, name: string) => w.objs.find((o) => o.id === obj)!.props.find((p) => p.name === name)!.id;
  const pl = (name: string, v: number | bigint) => [plane.id, prop(plane.id, name), BigInt(v)] as [number, number, bigint];
  const fb = rng.pick([w.fbs[0]!, w.fbs[1]!]);
  const flip = [pl('FB_ID', fb)];
  if (rng.chance(0.5)) return flip;
  const conn = rng.pick(w.byType.get(ObjectType.CONNECTOR)!);
  return [
    [c, prop(c, 'MODE_ID'), BigInt(w.blobs[0]!)], [c, prop(c, 'ACTIVE'), 1n], [conn, prop(conn, 'CRTC_ID'), BigInt(c)],
    ...flip, pl('CRTC_ID', c), pl('SRC_W', 1024 << 16), pl('SRC_H', 768 << 16), pl('CRTC_W', 1024), pl('CRTC_H', 768),
  ];
}

function randomFlags(rng: Rng, plausible: boolean): number {
  let f = 0;
  if (rng.chance(plausible ? 0.6 : 0.35)) f |= F.PAGE_FLIP_EVENT;
  if (rng.chance(0.05)) f |= F.PAGE_FLIP_ASYNC;
  if (rng.chance(plausible ? 0.1 : 0.3)) f |= F.TEST_ONLY;
  if (rng.chance(plausible ? 0.7 : 0.45)) f |= F.NONBLOCK;
  if (rng.chance(plausible ? 0.7 : 0.5)) f |= F.ALLOW_MODESET;
  if (rng.chance(0.03)) f |= 1 << rng.int(32);
  return f >>> 0;
}

async function fuzz(w: World, seed: number, n: number): Promise<{ ok: number; errnos: Record<string, number> }> {
  const rng = prng(seed);
  const fds = w.card.fd.fds as ProcessFds;
  const errnos: Record<string, number> = {};
  let ok = 0;
  let drain = 0.5;
  for (let i = 0; i < n; i++) {
    // housekeeping: let flips complete, drain events (or, for a while, not: ENOMEM), close the
    // out-fences of earlier successes
    if (i % 300 === 0) drain = rng.pick([0, 0.5, 0.9]);
    if (rng.chance(0.2)) w.dev.clock.advance(BigInt(rng.int(3)) * FRAME_NS + BigInt(rng.int(1000)));
    if (rng.chance(drain)) readRaw(w.card);
    const cells: Cell[] = [];
    const plausible = rng.chance(0.35);
    const triples: [number, number, bigint][] = plausible ? template(w, rng) : [];
    const extra = plausible ? (rng.chance(0.6) ? 0 : rng.int(3)) : 1 + rng.int(5);
    for (let j = 0; j < extra; j++) {
      const bad = rng.chance(0.08);
      const obj = bad ? null : rng.pick(w.objs);
      const objId = obj ? obj.id : rng.pick(w.bogus);
      const prop = obj && rng.chance(0.85) && obj.props.length ? rng.pick(obj.props) : rng.chance(0.9) ? rng.pick(w.allProps) : { id: rng.pick([0, 9999, objId]), name: '?', flags: 0, values: [] };
      triples.push([objId, prop.id, valueFor(w, rng, prop, cells)]);
    }
    // group by object (sometimes listing an object twice), keep array order within
    const objs: number[] = [], counts: number[] = [], props: number[] = [], values: bigint[] = [];
    for (const [o, p, v] of triples) {
      if (objs[objs.length - 1] !== o || rng.chance(0.05)) { objs.push(o); counts.push(0); }
      counts[counts.length - 1]!++;
      props.push(p);
      values.push(v);
    }
    const arg = atomicArg({ objs, counts, props, values, flags: randomFlags(rng, plausible), reserved: rng.chance(0.02) ? 1n : 0n, userData: rng.u64() });
    if (rng.chance(0.02)) arg.count_objs = objs.length + 1 + rng.int(3); // arrays too short: EFAULT
    if (rng.chance(0.01)) arg.props_ptr = 0n;
    const fdsBefore = fds.size;
    const before = snapshot(w.card);
    let err: unknown = null;
    try {
      const r = w.card.fd.ioctl('MODE_ATOMIC', arg);
      if (r instanceof Promise) await Promise.race([r, new Promise((_, rej) => setTimeout(() => rej(new Error('commit did not complete')), 5000))]);
    } catch (e) {
      err = e;
    }
    const where = `seed ${seed} commit #${i}: flags 0x${arg.flags!.toString(16)} objs ${JSON.stringify(objs)} counts ${JSON.stringify(counts)} props ${JSON.stringify(props)} values ${values.map(String).join(',')}`;
    if (err === null) {
      ok++;
      for (const c of cells) expect(c.cell[0]! === -1 || c.cell[0]! >= 3, where).toBe(true);
      for (const c of cells) if (c.cell[0]! >= 3) fds.close(c.cell[0]!);
      checkInvariants(w, where);
      continue;
    }
    if (!(err instanceof DrmError)) throw new Error(`${where}: threw ${String(err)}\n${(err as Error).stack}`);
    errnos[err.code] = (errnos[err.code] ?? 0) + 1;
    expect(ALLOWED.has(err.code), `${where}: ${err.message}`).toBe(true);
    expect(snapshot(w.card), `${where}: ${err.message}`).toBe(before);
    for (const c of cells) expect([-1, SENTINEL], `${where}: ${err.message}`).toContain(c.cell[0]);
    expect(fds.size, `${where}: ${err.message}`).toBe(fdsBefore);
  }
  return { ok, errnos };
}

describe('ATOMIC fuzz (uapi 3.1–3.51, 3.50 on every failure)', () => {
  it(`survives ${Math.ceil(N / 2)} random commits on the test driver (2 CRTCs, writeback, async flips)`, async () => {
    const t = await createTestDevice({ crtcs: 2, modeConfig: { asyncPageFlip: true } });
    const card = openAtomic(t);
    const w = buildWorld(card, t.device.drm, prng(SEED ^ 0xabcdef));
    const res = await fuzz(w, SEED, Math.ceil(N / 2));
    if (process.env.VKMS_FUZZ_VERBOSE) console.log(res);
    // the run must reach both the success path and a spread of checks
    expect(res.ok).toBeGreaterThan(N / 50);
    expect(Object.keys(res.errnos).length).toBeGreaterThanOrEqual(5);
  }, TIMEOUT);

  it(`survives ${Math.floor(N / 2)} random commits on a VKMS-like driver (plane checks, damage clips, colour management)`, async () => {
    const d = await ownDevice({
      crtcs: 2, connectors: 2, overlays: 2, writeback: true, damageClips: true, planeFuncs: { atomicCheck: vkmsPlaneCheck },
      extra: (u, o) => {
        u.enableColorMgmt(o.crtcs[0]!, 16, true, 256);
        for (const p of o.overlays) u.addRotationProperty(p, Rotation.ROTATE_0, 0x3f);
      },
    });
    const card = openAtomic(d);
    const w = buildWorld(card, d.device.drm, prng(SEED ^ 0x123456));
    const res = await fuzz(w, SEED + 1, Math.floor(N / 2));
    if (process.env.VKMS_FUZZ_VERBOSE) console.log(res);
    expect(res.ok).toBeGreaterThan(N / 50);
    expect(Object.keys(res.errnos).length).toBeGreaterThanOrEqual(5);
  }, TIMEOUT);
});
