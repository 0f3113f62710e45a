/**
 * modetest's test actions (libdrm tests/modetest/modetest.c main() after the listing) against a
 * vkms-ts device: `-s`/`-r` mode setting, `-P` planes, `-w` properties, `-C` cursor, `-v`
 * vsynced page flipping, `-o` output dump, legacy (SETCRTC/SETPLANE/PAGE_FLIP) or atomic (`-a`).
 *
 * What differs from modetest, on purpose:
 * - it never waits for a key press: the actions run, `-v` flips `frames` times on the device's
 *   manual clock, and the program ends (the device goes away with it);
 * - `freq:` lines come from the flip events' timestamps (device time), not from gettimeofday, so
 *   they show the mode's refresh rate exactly;
 * - with `-a`, a `-s` without `-P` also shows a primary plane (modetest commits nothing then): the
 *   first plane of the CRTC, full screen, as modetest's `-r` path does;
 * - `-o` writes a PNG, not the raw buffer: the writeback framebuffer when a writeback connector
 *   is in a `-s` pipe (atomic), else the frame the CRTC composes (also with the legacy API);
 * - `-C` enables the `plain` cursor (DRM_CAP_CURSOR_WIDTH x _HEIGHT, 512x512 on VKMS) at
 *   modetest's start position (w/2, h/2); the timed movement thread is left out; it needs the
 *   legacy API, as in modetest;
 * - bad input stops with one line and exit code 2 where modetest prints usage or carries on;
 *   a refused ioctl or commit stops with exit code 1.
 * set_gamma (a linear LUT, or none) is left out: it changes nothing for the formats drawn here.
 */
import { writeFileSync } from 'node:fs';
import { AtomicRequest, type Card, type ConnectorInfo, type PlaneInfo } from '../client/index.js';
import { cFixed } from '../client/dump-format.js';
import { modeVrefresh } from '../client/modetest.js';
import { argb16ToPng, fillPattern, framebufferToPng, patternSupportsFormat, type PatternName } from '../io/index.js';
import { AtomicFlag, Cap, CONNECTOR_TYPE_NAMES, ConnectorType, CursorFlag, ObjectType, PageFlip, PropFlag } from '../uapi/drm-mode.js';
import { DrmError } from '../uapi/errno.js';
import { DrmEventType, type VblankEvent } from '../uapi/events.js';
import { Fourcc, formatInfo, fourccString } from '../uapi/fourcc.js';
import type { ModeInfo } from '../uapi/ioctl-structs.js';
import type { VkmsDevice } from '../vkms/index.js';
import { CliError } from './errors.js';
import type { ModeSpec, ModetestCommand, PipeArg, PlaneArg } from './modetest-args.js';
import { createFb, type SceneFb } from './scene.js';

export interface ActionOutput {
  /** modetest's stdout lines. */
  out(line: string): void;
  /** modetest's stderr lines. */
  err(line: string): void;
}

interface Res {
  connectors: { info: ConnectorInfo; name: string }[];
  encoders: Map<number, { possibleCrtcs: number; crtcId: number }>;
  crtcs: { id: number; mode: ModeInfo | null }[];
  planes: PlaneInfo[];
}

interface Pipe {
  arg: PipeArg;
  conIds: number[];
  mode: ModeInfo;
  crtcId: number;
  fbIds: [number, number];
  currentFb: number;
  swapCount: number;
  flips: number;
  start: number;
  outFb: SceneFb | null;
  wbConnector: number;
}

interface PlaneState {
  arg: PlaneArg;
  fb: SceneFb | null;
  oldFb: SceneFb | null;
  pattern: PatternName;
}

const usage = (msg: string): CliError => new CliError(msg, 2);

/** strerror(errno) of a failed ioctl, with the device's reason. */
export function why(e: unknown): string {
  if (e instanceof DrmError) return `${e.message.replace(/^.*?\((.*?)\).*$/s, '$1')} (${e.reason})`;
  return e instanceof Error ? e.message : String(e);
}

/** struct timeval seconds of a vblank/flip event, as modetest computes them. */
const evSeconds = (e: { tv_sec: number; tv_usec: number }): number => e.tv_sec + e.tv_usec * 1e-6;

function snapshot(card: Card): Res {
  const r = card.getResources();
  const connectors = r.connectors.map((id) => {
    const info = card.getConnector(id);
    return { info, name: `${CONNECTOR_TYPE_NAMES[info.connectorType] ?? 'Unknown'}-${info.connectorTypeId >>> 0}` };
  });
  const encoders = new Map(r.encoders.map((id) => { const e = card.getEncoder(id); return [id, { possibleCrtcs: e.possibleCrtcs, crtcId: e.crtcId }]; }));
  const crtcs = r.crtcs.map((id) => { const c = card.getCrtc(id); return { id, mode: c.modeValid ? c.mode : null }; });
  const planes = card.getPlaneResources().map((id) => card.getPlane(id));
  return { connectors, encoders, crtcs, planes };
}

/** connector_find_mode(): a custom mode, `#index`, or the first mode of that name (and refresh). */
function findMode(con: ConnectorInfo, spec: ModeSpec): ModeInfo | null {
  if (spec.kind === 'custom') {
    const [hd, hss, hse, ht, vd, vss, vse, vt] = spec.timings;
    // user_mode.clock = roundf(htotal * vtotal * vrefresh / 1000): float arithmetic
    const clock = Math.round(Math.fround(Math.fround(Math.fround(ht * vt) * spec.vrefresh) / 1000));
    return {
      clock, hdisplay: hd, hsync_start: hss, hsync_end: hse, htotal: ht, hskew: 0, vdisplay: vd, vsync_start: vss, vsync_end: vse,
      vtotal: vt, vscan: 0, vrefresh: Math.round(spec.vrefresh), flags: 0, type: 0, name: `custom${hd}x${vd}`,
    };
  }
  if (!con.modes.length) return null;
  if (spec.kind === 'index') return con.modes[spec.index] ?? null;
  for (const m of con.modes) {
    if (m.name !== spec.name) continue;
    if (spec.vrefresh === 0 || Math.abs(modeVrefresh(m) - spec.vrefresh) < 0.005) return m;
  }
  return null;
}

/** The text of a mode selection as modetest prints it in "failed to find mode". */
function modeText(spec: ModeSpec): string {
  const dash = spec.text.indexOf('-');
  const base = dash < 0 ? spec.text : spec.text.slice(0, dash);
  return spec.kind !== 'index' && spec.vrefresh ? `${base}-${cFixed(spec.vrefresh, 2)}Hz` : base;
}

/** Runs the actions of `cmd` (after the listing). The card's client caps are set already. */
export async function runModetestActions(vk: VkmsDevice, card: Card, cmd: ModetestCommand, frames: number, io: ActionOutput): Promise<void> {
  const anyAction = cmd.pipes.length || cmd.preferred || cmd.planeArgs.length || cmd.props.length || cmd.dumpPath !== undefined || cmd.cursor;
  if (!anyAction) return;
  if (cmd.cursor && cmd.atomic) throw usage('-C (cursor test) works with the legacy API only, as in modetest: drop -a');
  if (cmd.dumpPath !== undefined && !cmd.pipes.length && !cmd.preferred && !cmd.planeArgs.length) throw usage('-o needs -s, -r or -P: there is no output to dump');
  for (const p of cmd.pipes) checkPattern(cmd.primaryFill, p.fourcc, p.formatStr);
  const res = snapshot(card);
  const crtcIndex = (id: number) => res.crtcs.findIndex((c) => c.id === id);
  const crtcMode = new Map(res.crtcs.map((c) => [c.id, c.mode]));
  const con = (id: number) => res.connectors.find((c) => c.info.connectorId === id);

  // ---- resolve the pipes (pipe_resolve_connectors, pipe_find_crtc_and_mode / pipe_find_preferred)
  const findCrtc = (conIds: number[]): number | null => {
    let possible = 0xffffffff, active = 0;
    for (const id of conIds) {
      const c = con(id)!;
      let forCon = 0;
      for (const encId of c.info.encoders) {
        const enc = res.encoders.get(encId);
        if (!enc) continue;
        forCon |= enc.possibleCrtcs;
        const idx = crtcIndex(enc.crtcId);
        if (idx >= 0) active |= 1 << idx;
      }
      possible &= forCon;
    }
    possible &= (1 << res.crtcs.length) - 1;
    if (!possible) return null;
    const mask = possible & active ? possible & active : possible;
    return res.crtcs[31 - Math.clz32(mask & -mask)]!.id;
  };
  const pipes: Pipe[] = [];
  const newPipe = (arg: PipeArg, conIds: number[], mode: ModeInfo, crtcId: number): Pipe => ({
    arg, conIds, mode, crtcId, fbIds: [0, 0], currentFb: 0, swapCount: 0, flips: 0, start: 0, outFb: null, wbConnector: 0,
  });
  if (cmd.preferred) {
    const connected = res.connectors.filter((c) => c.info.connection === 1 && c.info.connectorType !== ConnectorType.WRITEBACK);
    if (!connected.length) {
      io.out('no connected connector!');
      throw new CliError("can't find any preferred connector/mode.", 1);
    }
    for (const c of connected) {
      const crtcId = findCrtc([c.info.connectorId]);
      const mode = c.info.modes.find((m) => m.type & 8) ?? c.info.modes[0];
      if (crtcId === null || !mode) { io.out('failed fetching preferred mode for connector'); continue; }
      const arg: PipeArg = { cons: [String(c.info.connectorId)], crtcId, mode: { kind: 'name', name: `${mode.hdisplay}x${mode.vdisplay}`, vrefresh: 0, text: '' }, formatStr: 'XR24', fourcc: Fourcc.XRGB8888 };
      pipes.push(newPipe(arg, [c.info.connectorId], mode, crtcId));
    }
    if (!pipes.length) throw new CliError("can't find any preferred connector/mode.", 1);
  }
  for (const arg of cmd.pipes) {
    const conIds = arg.cons.map((s) => {
      if (/^\d+$/.test(s)) {
        if (!con(Number(s))) throw usage(`unknown connector ${s}`);
        return Number(s);
      }
      const c = res.connectors.find((x) => x.name === s);
      if (!c) throw usage(`unknown connector '${s}' (have ${res.connectors.map((x) => `${x.info.connectorId} ${x.name}`).join(', ')})`);
      return c.info.connectorId;
    });
    let mode: ModeInfo | null = null;
    conIds.forEach((id, i) => {
      mode = findMode(con(id)!.info, arg.mode);
      if (!mode) {
        const c = con(id)!.info;
        const hint = c.modes.length ? '' : ` (the connector has no modes${c.connection === 2 ? ': it is disconnected' : ''})`;
        throw usage(`failed to find mode "${modeText(arg.mode)}" for connector ${arg.cons[i]}${hint}`);
      }
    });
    let crtcId: number;
    if (arg.crtcId !== -1) {
      if (crtcIndex(arg.crtcId) < 0) throw usage(`unknown CRTC ${arg.crtcId}`);
      crtcId = arg.crtcId;
    } else {
      const found = findCrtc(conIds);
      if (found === null) throw usage(`failed to find CRTC for pipe (no CRTC can drive connectors ${arg.cons.join(', ')})`);
      crtcId = found;
    }
    pipes.push(newPipe(arg, conIds, mode!, crtcId));
  }
  for (const p of pipes) crtcMode.set(p.crtcId, p.mode);

  // ---- -P: check the planes before anything is drawn
  for (const p of cmd.planeArgs) {
    if (crtcIndex(p.crtcId) < 0) throw usage(`-P: unknown CRTC ${p.crtcId}`);
    if (!res.planes.some((x) => x.planeId === p.planeId)) throw usage(`-P: unknown plane ${p.planeId}`);
    checkSingle(p.fourcc, p.formatStr, '-P');
  }
  for (const p of pipes) checkSingle(p.arg.fourcc, p.arg.formatStr, '-s');
  cmd.planeArgs.forEach((p, i) => checkPattern(cmd.atomic && i === 0 ? cmd.primaryFill : cmd.secondaryFill, p.fourcc, p.formatStr));

  // ---- -w: resolve every property first (bad input before any change)
  const props = cmd.props.map((p) => resolveProperty(card, res, p.objId, p.name, p.value));

  if (cmd.atomic) await atomicActions(vk, card, cmd, res, pipes, props, crtcMode, frames, io);
  else await legacyActions(vk, card, cmd, res, pipes, props, crtcMode, frames, io);
  if (cmd.dropMaster) card.dropMaster();
}

function checkSingle(fourcc: number, name: string, what: string): void {
  const info = formatInfo(fourcc);
  if (!info || info.numPlanes !== 1) throw usage(`${what}: format ${name} has ${info?.numPlanes ?? 0} planes; vkms-ts modetest draws single-plane formats`);
}

function checkPattern(pattern: PatternName, fourcc: number, name: string): void {
  if (!patternSupportsFormat(pattern, fourcc)) throw usage(`pattern '${pattern}' cannot be drawn in format ${name}`);
}

interface ResolvedProp { objId: number; objType: number; typeName: string; propId: number; name: string; value: bigint }

/** set_property()'s lookup: the object among CRTCs, connectors, planes; the property by name. */
function resolveProperty(card: Card, res: Res, objId: number, name: string, text: string): ResolvedProp {
  let objType = 0, typeName = '';
  if (res.crtcs.some((c) => c.id === objId)) { objType = ObjectType.CRTC; typeName = 'CRTC'; }
  else if (res.connectors.some((c) => c.info.connectorId === objId)) { objType = ObjectType.CONNECTOR; typeName = 'CONNECTOR'; }
  else if (res.planes.some((p) => p.planeId === objId)) { objType = ObjectType.PLANE; typeName = 'PLANE'; }
  if (!objType) throw usage(`-w: Object ${objId} not found, can't set property (not a CRTC, connector or plane)`);
  const found = card.findProperty(objId, objType, name);
  if (!found) throw usage(`-w: ${typeName} ${objId} has no ${name} property`);
  return { objId, objType, typeName, propId: found.id, name, value: propertyValue(found.info, text, `-w ${objId}:${name}`) };
}

/** A property value: a number (decimal, 0x hex, negative for signed ranges) or an enum / bitmask name (a|b). */
export function propertyValue(info: { flags: number; enums: { name: string; value: bigint }[] }, text: string, what: string): bigint {
  if (/^-?\d+$/.test(text) || /^0x[0-9a-f]+$/i.test(text)) {
    const v = BigInt(text);
    if (v < -(1n << 63n) || v >= 1n << 64n) throw usage(`${what}: value ${text} does not fit in 64 bits`);
    return BigInt.asUintN(64, v);
  }
  const isEnum = (info.flags & PropFlag.ENUM) !== 0, isMask = (info.flags & PropFlag.BITMASK) !== 0;
  if (isEnum || isMask) {
    const names = text.split('|');
    if (isEnum && names.length > 1) throw usage(`${what}: an enum takes one name, not '${text}'`);
    let v = 0n;
    for (const n of names) {
      const e = info.enums.find((x) => x.name === n);
      if (!e) throw usage(`${what}: invalid value '${n}' (one of ${info.enums.map((x) => x.name).join(', ')})`);
      v |= isMask ? 1n << e.value : e.value;
    }
    return v;
  }
  throw usage(`${what}: invalid value '${text}' (a number)`);
}

function makeFb(card: Card, w: number, h: number, fourcc: number, pattern: PatternName, what: string): SceneFb {
  let fb: SceneFb;
  try {
    fb = createFb(card, w, h, fourcc);
  } catch (e) {
    throw new CliError(`failed to add fb (${w}x${h}): ${why(e)}`, 1);
  }
  try {
    fillPattern(pattern, { format: fb.format, width: fb.width, height: fb.height, pitches: [fb.pitch], offsets: [0], data: [fb.bytes] });
  } catch (e) {
    throw usage(`${what}: ${(e as Error).message}`);
  }
  return fb;
}

/** The timestamp of the CRTC's latest vblank (drmCrtcGetSequence), as timeval seconds. */
function lastVblank(card: Card, crtcId: number): number {
  const a = card.ioctl('CRTC_GET_SEQUENCE', { crtc_id: crtcId });
  const us = a.sequence_ns! / 1000n;
  return Number(us / 1_000_000n) + Number(us % 1_000_000n) * 1e-6;
}

function countSwap(pipe: Pipe, ev: VblankEvent, io: ActionOutput): void {
  pipe.swapCount++;
  pipe.flips++;
  if (pipe.swapCount === 60) {
    const end = evSeconds(ev);
    io.err(`freq: ${cFixed(pipe.swapCount / (end - pipe.start), 2)}Hz`);
    pipe.swapCount = 0;
    pipe.start = end;
  }
}

/** The dump of -o: the writeback FB of the first pipe with one, else the composed frame. */
function dumpOutput(vk: VkmsDevice, path: string, pipes: Pipe[], fallbackCrtc: number, io: ActionOutput): void {
  const wb = pipes.find((p) => p.outFb);
  let png: Buffer, what: string;
  if (wb) {
    const fb = wb.outFb!;
    png = framebufferToPng({ format: fb.format, width: fb.width, height: fb.height, pitches: [fb.pitch], offsets: [0], data: [fb.bytes] }, { alpha: 'opaque' });
    what = `writeback output of connector ${wb.wbConnector} (${fb.width}x${fb.height} ${fourccString(fb.format)})`;
  } else {
    const crtcId = pipes[0]?.crtcId ?? fallbackCrtc;
    const frame = vk.composeNow(crtcId);
    if (!frame) throw new CliError(`-o: CRTC ${crtcId} is off: there is no frame to dump`, 1);
    png = argb16ToPng({ width: frame.width, height: frame.height, data: frame.pixels }, { alpha: 'opaque' });
    what = `composed frame of CRTC ${crtcId} (${frame.width}x${frame.height})`;
  }
  try {
    writeFileSync(path, png);
  } catch (e) {
    throw usage(`-o: cannot write ${path}: ${(e as Error).message}`);
  }
  io.err(`dumped the ${what} to ${path}`);
}

function settingMode(pipe: Pipe): string {
  return `setting mode ${pipe.mode.name}-${cFixed(modeVrefresh(pipe.mode), 2)}Hz on connectors ${pipe.arg.cons.map((c) => `${c}, `).join('')}crtc ${pipe.crtcId}`;
}

// ----------------------------------------------------------------------------- legacy

async function legacyActions(
  vk: VkmsDevice, card: Card, cmd: ModetestCommand, res: Res, pipes: Pipe[], props: ResolvedProp[], crtcMode: Map<number, ModeInfo | null>,
  frames: number, io: ActionOutput,
): Promise<void> {
  for (const p of props) {
    try {
      await card.ioctlAsync('MODE_OBJ_SETPROPERTY', { obj_id: p.objId, obj_type: p.objType, prop_id: p.propId, value: p.value });
    } catch (e) {
      throw new CliError(`failed to set ${p.typeName} ${p.objId} property ${p.name} to ${p.value}: ${why(e)}`, 1);
    }
  }
  if (!pipes.length && !cmd.planeArgs.length) return;
  if (cmd.dumpPath !== undefined && pipes.some((p) => p.conIds.some((id) => res.connectors.find((c) => c.info.connectorId === id)?.info.connectorType === ConnectorType.WRITEBACK))) {
    throw usage('writeback / dump is only supported in atomic mode (add -a)');
  }
  // set_mode: one FB spanning every pipe side by side (or the largest mode with -r)
  let width = 0, height = 0, primary: SceneFb | null = null;
  if (pipes.length) {
    for (const p of pipes) {
      width = cmd.preferred ? Math.max(width, p.mode.hdisplay) : width + p.mode.hdisplay;
      height = Math.max(height, p.mode.vdisplay);
    }
    primary = makeFb(card, width, height, pipes[0]!.arg.fourcc, cmd.primaryFill, '-s');
    let x = 0;
    for (const p of pipes) {
      io.out(settingMode(p));
      try {
        await card.ioctlAsync('MODE_SETCRTC', {
          crtc_id: p.crtcId, fb_id: primary.id, x, y: 0, mode_valid: 1, mode: p.mode, count_connectors: p.conIds.length, set_connectors_ptr: Uint32Array.from(p.conIds),
        });
      } catch (e) {
        throw new CliError(`failed to set mode: ${why(e)}`, 1);
      }
      if (!cmd.preferred) x += p.mode.hdisplay;
    }
  }
  // set_planes
  for (const p of cmd.planeArgs) {
    const mask = 1 << res.crtcs.findIndex((c) => c.id === p.crtcId);
    const ovr = res.planes.find((o) => o.planeId === p.planeId)!;
    if (!ovr.formats.includes(p.fourcc)) throw usage(`-P: plane ${p.planeId} does not support format ${p.formatStr}`);
    if (!(ovr.possibleCrtcs & mask)) throw usage(`-P: plane ${p.planeId} cannot be used on CRTC ${p.crtcId}`);
    if (ovr.crtcId !== 0 && ovr.crtcId !== p.crtcId) throw new CliError(`no unused plane available for CRTC ${p.crtcId}`, 1);
    io.err(`testing ${p.w}x${p.h}@${p.formatStr} overlay plane ${p.planeId}`);
    const fb = makeFb(card, p.w, p.h, p.fourcc, cmd.secondaryFill, '-P');
    const { x, y, w, h } = planeRect(p, crtcMode.get(p.crtcId) ?? null);
    try {
      await card.ioctlAsync('MODE_SETPLANE', {
        plane_id: p.planeId, crtc_id: p.crtcId, fb_id: fb.id, flags: 0, crtc_x: x, crtc_y: y, crtc_w: w, crtc_h: h,
        src_x: 0, src_y: 0, src_w: (p.w * 65536) >>> 0, src_h: (p.h * 65536) >>> 0,
      });
    } catch (e) {
      throw new CliError(`failed to enable plane: ${why(e)}`, 1);
    }
    ovr.crtcId = p.crtcId;
  }
  // set_cursors
  if (cmd.cursor) {
    if (!pipes.length) throw usage('-C needs -s or -r (a CRTC to put the cursor on)');
    const cw = capOr(card, Cap.CURSOR_WIDTH, 64), ch = capOr(card, Cap.CURSOR_HEIGHT, 64);
    const bo = card.createDumb(cw, ch, 32);
    const bytes = card.mapDumb(bo.handle);
    // modetest: PATTERN_PLAIN "as it has translucent alpha" (every byte 0x77)
    fillPattern('plain', { format: Fourcc.ARGB8888, width: cw, height: ch, pitches: [bo.pitch], offsets: [0], data: [bytes] });
    for (const p of pipes) {
      try {
        await card.ioctlAsync('MODE_CURSOR', { flags: CursorFlag.BO, crtc_id: p.crtcId, handle: bo.handle, width: cw, height: ch, x: 0, y: 0 });
        await card.ioctlAsync('MODE_CURSOR', { flags: CursorFlag.MOVE, crtc_id: p.crtcId, x: cw >> 1, y: ch >> 1, width: 0, height: 0, handle: 0 });
      } catch (e) {
        throw new CliError(`failed to init cursor for CRTC[${p.crtcId}]: ${why(e)}`, 1);
      }
    }
    io.out('starting cursor');
  }
  if (cmd.dumpPath !== undefined) dumpOutput(vk, cmd.dumpPath, pipes, cmd.planeArgs[0]?.crtcId ?? 0, io);
  // test_page_flip
  if (cmd.vsync && primary) {
    const other = makeFb(card, width, height, pipes[0]!.arg.fourcc, 'plain', '-v');
    pipes.forEach((p, i) => {
      try {
        card.ioctl('MODE_PAGE_FLIP', { crtc_id: p.crtcId, fb_id: other.id, flags: PageFlip.EVENT, sequence: 0, user_data: BigInt(i + 1) });
      } catch (e) {
        throw new CliError(`failed to page flip: ${why(e)}`, 1);
      }
      p.start = lastVblank(card, p.crtcId);
      p.fbIds = [primary!.id, other.id];
      p.currentFb = other.id;
    });
    let idle = 0;
    while (pipes.some((p) => p.flips < frames)) {
      const crtc = pipes.find((p) => p.flips < frames)!.crtcId;
      try {
        vk.vblank(crtc, 1);
      } catch (e) {
        throw new CliError(`-v: ${(e as Error).message}`, 1);
      }
      let got = false;
      for (const ev of card.readEvents()) {
        if (ev.type !== DrmEventType.FLIP_COMPLETE) continue;
        const pipe = pipes[Number((ev as VblankEvent).user_data) - 1];
        if (!pipe) continue;
        got = true;
        // page_flip_handler: queue the next flip, then count
        if (pipe.flips + 1 < frames) {
          const next = pipe.currentFb === pipe.fbIds[0] ? pipe.fbIds[1] : pipe.fbIds[0];
          try {
            card.ioctl('MODE_PAGE_FLIP', { crtc_id: pipe.crtcId, fb_id: next, flags: PageFlip.EVENT, sequence: 0, user_data: (ev as VblankEvent).user_data });
          } catch (e) {
            throw new CliError(`failed to page flip: ${why(e)}`, 1);
          }
          pipe.currentFb = next;
        }
        countSwap(pipe, ev as VblankEvent, io);
      }
      idle = got ? 0 : idle + 1;
      if (idle > 3) throw new CliError('-v: a page flip did not complete within 3 vblanks', 1);
    }
  }
  if (cmd.cursor) io.out('cursor stopped');
}

function capOr(card: Card, cap: number, dflt: number): number {
  try {
    return Number(card.getCap(cap)) || dflt;
  } catch {
    return dflt;
  }
}

/** The plane's CRTC rectangle: w·scale, h·scale, at the given position or centred in the CRTC's mode. */
function planeRect(p: PlaneArg, mode: ModeInfo | null): { x: number; y: number; w: number; h: number } {
  const w = Math.trunc(p.w * p.scale), h = Math.trunc(p.h * p.scale);
  if (p.hasPosition) return { x: p.x, y: p.y, w, h };
  // C int arithmetic: (hdisplay - crtc_w) / 2 truncates toward zero
  return { x: Math.trunc(((mode?.hdisplay ?? 0) - w) / 2), y: Math.trunc(((mode?.vdisplay ?? 0) - h) / 2), w, h };
}

// ----------------------------------------------------------------------------- atomic

async function atomicActions(
  vk: VkmsDevice, card: Card, cmd: ModetestCommand, res: Res, pipes: Pipe[], props: ResolvedProp[], crtcMode: Map<number, ModeInfo | null>,
  frames: number, io: ActionOutput,
): Promise<void> {
  let req = new AtomicRequest();
  const add = (obj: number, name: string, value: number | bigint) => {
    try {
      req.add(obj, card.propertyId(obj, name), value);
    } catch (e) {
      throw new CliError(`object ${obj} has no ${name} property: ${why(e)}`, 1);
    }
  };
  for (const p of props) req.add(p.objId, p.propId, p.value);
  if (!pipes.length) {
    if (cmd.planeArgs.length) throw usage('-P with -a needs -s or -r (modetest sets planes in atomic mode only together with a mode)');
    try {
      await card.atomicCommit(req, AtomicFlag.ALLOW_MODESET);
    } catch (e) {
      throw new CliError(`Atomic Commit failed: ${why(e)}`, 1);
    }
    return;
  }
  const planes: PlaneState[] = cmd.planeArgs.map((arg, i) => ({ arg, fb: null, oldFb: null, pattern: i === 0 ? cmd.primaryFill : cmd.secondaryFill }));
  const isWb = (id: number) => res.connectors.find((c) => c.info.connectorId === id)?.info.connectorType === ConnectorType.WRITEBACK;
  // set_mode
  for (const p of pipes) {
    io.out(settingMode(p));
    for (const id of p.conIds) add(id, 'CRTC_ID', p.crtcId);
    add(p.crtcId, 'MODE_ID', card.createModeBlob(p.mode));
    add(p.crtcId, 'ACTIVE', 1);
    if (cmd.preferred || !cmd.planeArgs.length) {
      // get_primary_plane_by_crtc: the first plane that can use the CRTC, full screen
      const mask = 1 << res.crtcs.findIndex((c) => c.id === p.crtcId);
      const plane = res.planes.find((x) => x.possibleCrtcs & mask);
      if (!plane) throw new CliError(`no plane can be used on CRTC ${p.crtcId}`, 1);
      const arg: PlaneArg = {
        planeId: plane.planeId, crtcId: p.crtcId, w: p.mode.hdisplay, h: p.mode.vdisplay, hasPosition: false, x: 0, y: 0, scale: 1,
        formatStr: p.arg.formatStr, fourcc: p.arg.fourcc,
      };
      planes.unshift({ arg, fb: null, oldFb: null, pattern: cmd.primaryFill });
      atomicSetPlane(card, add, planes[0]!, crtcMode, false, io);
    }
  }
  // writeback_config
  if (cmd.dumpPath !== undefined) {
    for (const p of pipes) {
      for (const id of p.conIds) {
        if (!isWb(id)) continue;
        p.outFb = makeFb(card, p.mode.hdisplay, p.mode.vdisplay, p.arg.fourcc, 'plain', '-o');
        p.wbConnector = id;
        add(id, 'WRITEBACK_FB_ID', p.outFb.id);
        card.addOutFence(req, id, 'WRITEBACK_OUT_FENCE_PTR');
      }
    }
  }
  // atomic_set_planes
  for (const pl of planes) if (!pl.fb) atomicSetPlane(card, add, pl, crtcMode, false, io);
  try {
    await card.atomicCommit(req, AtomicFlag.ALLOW_MODESET);
  } catch (e) {
    throw new CliError(`Atomic Commit failed [1]: ${why(e)}`, 1);
  }
  if (cmd.dumpPath !== undefined) {
    for (const p of pipes) {
      if (!p.outFb) continue;
      // poll_writeback_fence: the job finishes at the CRTC's next vblank
      const signaled = () => (card.fd.fds.get(req.outFence(p.wbConnector) ?? -1) as { signaled?: boolean } | undefined)?.signaled === true;
      for (let i = 0; i < 3 && !signaled(); i++) vk.vblank(p.crtcId, 1);
      if (!signaled()) throw new CliError(`Poll for writeback error: ${-110}. The writeback job of connector ${p.wbConnector} did not complete`, 1);
    }
    dumpOutput(vk, cmd.dumpPath, pipes, 0, io);
  }
  // atomic_test_page_flip
  if (cmd.vsync) {
    const pipe = pipes[0]!;
    pipe.start = lastVblank(card, pipe.crtcId);
    pipe.swapCount = 0;
    for (let i = 0; i < frames; i++) {
      req = new AtomicRequest();
      for (const pl of planes) atomicSetPlane(card, add, pl, crtcMode, true, io);
      try {
        await card.atomicCommit(req, AtomicFlag.ALLOW_MODESET | AtomicFlag.PAGE_FLIP_EVENT);
      } catch (e) {
        throw new CliError(`Atomic Commit failed [2]: ${why(e)}`, 1);
      }
      const ev = card.readEvents().find((e): e is VblankEvent => e.type === DrmEventType.FLIP_COMPLETE && (e as VblankEvent).crtc_id === pipe.crtcId);
      if (!ev) throw new CliError(`-v: no flip event for CRTC ${pipe.crtcId} after a blocking commit`, 1);
      countSwap(pipe, ev, io);
    }
  }
}

/** atomic_set_plane(): the plane's properties; on `update` the FB alternates between two with the same pattern. */
function atomicSetPlane(card: Card, add: (obj: number, name: string, v: number | bigint) => void, pl: PlaneState, crtcMode: Map<number, ModeInfo | null>, update: boolean, io: ActionOutput): void {
  const p = pl.arg;
  if (!update) io.err(`testing ${p.w}x${p.h}@${p.formatStr} on plane ${p.planeId}, crtc ${p.crtcId}`);
  let fb = pl.oldFb;
  pl.oldFb = pl.fb;
  if (!fb) fb = makeFb(card, p.w, p.h, p.fourcc, pl.pattern, '-P');
  pl.fb = fb;
  const r = planeRect(p, crtcMode.get(p.crtcId) ?? null);
  add(p.planeId, 'FB_ID', fb.id);
  add(p.planeId, 'CRTC_ID', p.crtcId);
  add(p.planeId, 'SRC_X', 0);
  add(p.planeId, 'SRC_Y', 0);
  add(p.planeId, 'SRC_W', p.w * 65536);
  add(p.planeId, 'SRC_H', p.h * 65536);
  add(p.planeId, 'CRTC_X', r.x);
  add(p.planeId, 'CRTC_Y', r.y);
  add(p.planeId, 'CRTC_W', r.w);
  add(p.planeId, 'CRTC_H', r.h);
}
