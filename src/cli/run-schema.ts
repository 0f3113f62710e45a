/**
 * The scenario format of `vkms-ts run` (documented in run.ts): parsing and the checks that need
 * no device — JSON syntax, fields and their types, step kinds, framebuffer names defined before
 * use, capture names, mode strings. Every error is a CliError (exit code 2) whose message starts
 * with the JSON path of the bad field, e.g. `steps[3].commit.primary.FB_ID: unknown framebuffer "bg2"`.
 */
import { PATTERNS, type PatternName } from '../io/index.js';
import { AtomicFlag } from '../uapi/drm-mode.js';
import { Errno, type ErrnoName } from '../uapi/errno.js';
import { formatInfo, fourccString } from '../uapi/fourcc.js';
import type { VkmsTopology } from '../vkms/index.js';
import { CliError } from './errors.js';
import { parseFormat, parseModeString, type ModeSpec } from './modetest-args.js';

export type PropValue =
  | { kind: 'int'; value: bigint }
  | { kind: 'fb'; name: string }
  | { kind: 'mode'; spec: ModeSpec }
  | { kind: 'object'; type: 'crtc' | 'plane' | 'connector' | 'encoder'; name: string }
  /** an enum or bitmask name (a|b), resolved against the property */
  | { kind: 'name'; text: string };

export interface CommitProp { name: string; value: PropValue; path: string }
export interface CommitObject { key: string; props: CommitProp[]; path: string }

export type Step = { index: number; path: string } & (
  | { kind: 'fb'; name: string; width?: number; height?: number; format: number; pattern?: PatternName; png?: string }
  | { kind: 'commit'; objects: CommitObject[]; flags: number; flagNames: string[]; expect?: ErrnoName | 'ok' }
  | { kind: 'vblank'; count: number; crtc?: string }
  | { kind: 'hotplug'; connector: string; status: 'connected' | 'disconnected' | 'unknown' }
  | { kind: 'capture'; name: string; writeback: boolean | string; crtc?: string; sameAs?: string }
  | { kind: 'crc'; action: 'start' | 'stop'; crtc?: string }
  | { kind: 'expect_events'; count: number }
);

export interface DeviceSpec {
  profile: 'latest' | 'linux-6.12';
  enable_cursor?: boolean;
  enable_writeback?: boolean;
  enable_overlay?: boolean;
  enable_plane_pipeline?: boolean;
  /** The topology object; `topologyFile` when it came from a file. */
  topology?: VkmsTopology;
  topologyFile?: string;
}

export interface Scenario { device: DeviceSpec; steps: Step[] }

export const STEP_KINDS = ['fb', 'commit', 'vblank', 'hotplug', 'capture', 'crc', 'expect_events'] as const;
const STEP_FIELDS: Record<(typeof STEP_KINDS)[number], string[]> = {
  fb: ['fb', 'width', 'height', 'format', 'pattern', 'png', 'comment'],
  commit: ['commit', 'flags', 'expect', 'comment'],
  vblank: ['vblank', 'crtc', 'comment'],
  hotplug: ['hotplug', 'comment'],
  capture: ['capture', 'writeback', 'crtc', 'same_as', 'comment'],
  crc: ['crc', 'crtc', 'comment'],
  expect_events: ['expect_events', 'comment'],
};
const DEVICE_FIELDS = ['profile', 'enable_cursor', 'enable_writeback', 'enable_overlay', 'enable_plane_pipeline', 'topology', 'comment'];
export const COMMIT_FLAGS: Record<string, number> = {
  ALLOW_MODESET: AtomicFlag.ALLOW_MODESET, NONBLOCK: AtomicFlag.NONBLOCK, PAGE_FLIP_EVENT: AtomicFlag.PAGE_FLIP_EVENT,
  TEST_ONLY: AtomicFlag.TEST_ONLY, PAGE_FLIP_ASYNC: AtomicFlag.PAGE_FLIP_ASYNC,
};
/** Formats a PNG can be loaded into: the 8-bit RGB 32bpp family. */
export const PNG_FORMATS = ['ARGB8888', 'XRGB8888', 'ABGR8888', 'XBGR8888', 'RGBA8888', 'RGBX8888', 'BGRA8888', 'BGRX8888'];

/** A JSON path step: `.key` for identifiers, `["key"]` otherwise. */
export function jsonKey(parent: string, key: string): string {
  const k = /^[A-Za-z_$][\w$]*$/.test(key) ? `.${key}` : `[${JSON.stringify(key)}]`;
  return parent ? `${parent}${k}` : k.replace(/^\./, '');
}

export function bad(path: string, msg: string): CliError {
  return new CliError(`${path}: ${msg}`, 2);
}

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };
const isObj = (v: unknown): v is Record<string, Json> => typeof v === 'object' && v !== null && !Array.isArray(v);
const typeOf = (v: unknown): string => (v === null ? 'null' : Array.isArray(v) ? 'an array' : typeof v === 'object' ? 'an object' : `a ${typeof v}`);

function checkFields(obj: Record<string, Json>, path: string, allowed: string[], what: string): void {
  for (const k of Object.keys(obj)) {
    if (!allowed.includes(k)) throw bad(jsonKey(path, k), `unknown field (${what} takes ${allowed.join(', ')})`);
  }
}

function str(v: Json | undefined, path: string): string {
  if (typeof v !== 'string' || v === '') throw bad(path, `expected a non-empty string, got ${typeOf(v)}`);
  return v;
}

function int(v: Json | undefined, path: string, min: number, max: number): number {
  if (typeof v !== 'number' || !Number.isInteger(v)) throw bad(path, `expected an integer, got ${typeOf(v) === 'a number' ? v : typeOf(v)}`);
  if (v < min || v > max) throw bad(path, `${v} is out of range ${min}..${max}`);
  return v;
}

function bool(v: Json | undefined, path: string): boolean {
  if (typeof v !== 'boolean') throw bad(path, `expected true or false, got ${typeOf(v)}`);
  return v;
}

/** An object reference in a step (`crtc`): a configured name or an ID. */
function ref(v: Json | undefined, path: string): string {
  if (typeof v === 'number' && Number.isInteger(v) && v > 0) return String(v);
  return str(v, path);
}

/** Parse a commit value: number, boolean, null, "fb:name", "mode:...", "crtc:name", "fp:1.5", "0x10", or an enum name. */
function propValue(v: Json | undefined, path: string, fbs: Set<string>): PropValue {
  if (v === null) return { kind: 'int', value: 0n };
  if (typeof v === 'boolean') return { kind: 'int', value: v ? 1n : 0n };
  if (typeof v === 'number') {
    if (!Number.isSafeInteger(v)) throw bad(path, `${v} is not an integer (use a string such as "0x8000000000000000" for 64-bit values)`);
    return { kind: 'int', value: BigInt.asUintN(64, BigInt(v)) };
  }
  if (typeof v !== 'string') throw bad(path, `expected a number, true/false, null or a string, got ${typeOf(v)}`);
  if (/^-?\d+$/.test(v) || /^0x[0-9a-f]+$/i.test(v)) {
    const n = BigInt(v);
    if (n < -(1n << 63n) || n >= 1n << 64n) throw bad(path, `${v} does not fit in 64 bits`);
    return { kind: 'int', value: BigInt.asUintN(64, n) };
  }
  const colon = v.indexOf(':');
  const prefix = colon < 0 ? '' : v.slice(0, colon), rest = v.slice(colon + 1);
  switch (prefix) {
    case 'fb':
      if (!fbs.has(rest)) throw bad(path, `unknown framebuffer "${rest}"${fbs.size ? ` (defined so far: ${[...fbs].join(', ')})` : ' (no fb step before this one)'}`);
      return { kind: 'fb', name: rest };
    case 'mode':
      try {
        return { kind: 'mode', spec: parseModeString(rest) };
      } catch (e) {
        throw bad(path, (e as Error).message);
      }
    case 'fp': {
      if (!/^\d+(?:\.\d+)?$/.test(rest) || Number(rest) >= 65536) throw bad(path, `"${v}": fp: takes a number 0..65535.99999 (16.16 fixed point)`);
      return { kind: 'int', value: BigInt(Math.round(Number(rest) * 65536)) };
    }
    case 'crtc': case 'plane': case 'connector': case 'encoder':
      if (!rest) throw bad(path, `"${v}": a name is missing after "${prefix}:"`);
      return { kind: 'object', type: prefix, name: rest };
    case '':
      return { kind: 'name', text: v };
    default:
      throw bad(path, `"${v}": unknown prefix "${prefix}:" (fb:, mode:, crtc:, plane:, connector:, encoder:, fp:)`);
  }
}

/**
 * Where JSON.parse gave up: Node 20's messages do not always carry a position, so a small
 * recursive-descent scan finds the first offending character (its line and column).
 */
export function jsonErrorPosition(text: string): string {
  let i = 0;
  const ws = () => { while (i < text.length && ' \t\n\r'.includes(text[i]!)) i++; };
  const fail = (): never => { throw i; };
  const lit = (w: string) => { if (text.startsWith(w, i)) i += w.length; else fail(); };
  const str = () => {
    i++;
    while (i < text.length && text[i] !== '"') {
      if (text.charCodeAt(i) < 0x20) fail();
      if (text[i] === '\\') {
        i++;
        if (text[i] === 'u') { if (!/^[0-9a-fA-F]{4}$/.test(text.slice(i + 1, i + 5))) fail(); i += 4; }
        else if (!'"\\/bfnrt'.includes(text[i] ?? 'x')) fail();
      }
      i++;
    }
    if (i >= text.length) fail();
    i++;
  };
  const value = (): void => {
    ws();
    const c = text[i];
    if (c === '{') {
      i++; ws();
      if (text[i] === '}') { i++; return; }
      for (;;) {
        ws(); if (text[i] !== '"') fail(); str(); ws();
        if (text[i] !== ':') fail(); i++; value(); ws();
        if (text[i] === ',') { i++; continue; }
        if (text[i] === '}') { i++; return; }
        fail();
      }
    } else if (c === '[') {
      i++; ws();
      if (text[i] === ']') { i++; return; }
      for (;;) {
        value(); ws();
        if (text[i] === ',') { i++; continue; }
        if (text[i] === ']') { i++; return; }
        fail();
      }
    } else if (c === '"') str();
    else if (c === 't') lit('true');
    else if (c === 'f') lit('false');
    else if (c === 'n') lit('null');
    else {
      const m = /^-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/.exec(text.slice(i));
      if (!m) fail();
      i += m![0].length;
    }
  };
  try {
    value(); ws();
    if (i < text.length) fail();
    return '';
  } catch (pos) {
    if (typeof pos !== 'number') throw pos;
    const before = text.slice(0, pos);
    return ` (line ${before.split('\n').length}, column ${pos - before.lastIndexOf('\n')})`;
  }
}

/** Parse and check a scenario's text. `readTopology` loads a topology file named in the scenario. */
export function parseScenario(text: string, file: string, readTopology: (path: string) => unknown): Scenario {
  let root: Json;
  try {
    root = JSON.parse(text) as Json;
  } catch (e) {
    throw new CliError(`${file}: invalid JSON${jsonErrorPosition(text)}: ${(e as Error).message}`, 2);
  }
  if (!isObj(root)) throw new CliError(`${file}: the scenario must be a JSON object with "device" and "steps", not ${typeOf(root)}`, 2);
  checkFields(root, '', ['device', 'steps', 'comment'], 'the scenario');
  const device = parseDevice(root.device, readTopology);
  if (!Array.isArray(root.steps)) throw bad('steps', `expected an array of steps, got ${typeOf(root.steps)}`);
  const fbs = new Set<string>(), captures = new Set<string>();
  const steps = root.steps.map((s, i) => parseStep(s, i, fbs, captures));
  return { device, steps };
}

function parseDevice(v: Json | undefined, readTopology: (path: string) => unknown): DeviceSpec {
  if (v === undefined) return { profile: 'latest' };
  if (!isObj(v)) throw bad('device', `expected an object, got ${typeOf(v)}`);
  checkFields(v, 'device', DEVICE_FIELDS, 'device');
  const d: DeviceSpec = { profile: 'latest' };
  if (v.profile !== undefined) {
    const p = str(v.profile, 'device.profile');
    if (p !== 'latest' && p !== 'linux-6.12') throw bad('device.profile', `unknown profile "${p}" (latest or linux-6.12)`);
    d.profile = p;
  }
  for (const k of ['enable_cursor', 'enable_writeback', 'enable_overlay', 'enable_plane_pipeline'] as const) {
    if (v[k] !== undefined) d[k] = bool(v[k], `device.${k}`);
  }
  if (v.topology !== undefined) {
    if (typeof v.topology === 'string') {
      d.topologyFile = v.topology;
      d.topology = readTopology(v.topology) as VkmsTopology;
    } else if (isObj(v.topology)) {
      d.topology = v.topology as unknown as VkmsTopology;
    } else {
      throw bad('device.topology', `expected a topology object or a file name, got ${typeOf(v.topology)}`);
    }
  }
  return d;
}

function parseStep(s: Json, index: number, fbs: Set<string>, captures: Set<string>): Step {
  const path = `steps[${index}]`;
  if (!isObj(s)) throw bad(path, `expected a step object, got ${typeOf(s)}`);
  const kinds = STEP_KINDS.filter((k) => Object.hasOwn(s, k));
  if (kinds.length === 0) {
    const first = Object.keys(s).find((k) => k !== 'comment');
    throw bad(first ? jsonKey(path, first) : path, `unknown step${first ? ` "${first}"` : ''} (a step is one of ${STEP_KINDS.join(', ')})`);
  }
  if (kinds.length > 1) throw bad(path, `a step has exactly one kind, found ${kinds.join(' and ')}`);
  const kind = kinds[0]!;
  checkFields(s, path, STEP_FIELDS[kind], `${kind === 'fb' || kind === 'expect_events' ? 'an' : 'a'} ${kind} step`);
  if (s.comment !== undefined && typeof s.comment !== 'string') throw bad(jsonKey(path, 'comment'), `expected a string, got ${typeOf(s.comment)}`);
  const at = (k: string) => jsonKey(path, k);
  switch (kind) {
    case 'fb': {
      const name = str(s.fb, at('fb'));
      if (fbs.has(name)) throw bad(at('fb'), `framebuffer "${name}" is defined already`);
      const png = s.png === undefined ? undefined : str(s.png, at('png'));
      const fmtName = s.format === undefined ? (png ? 'ARGB8888' : 'XRGB8888') : str(s.format, at('format'));
      const format = parseFormat(fmtName);
      const info = formatInfo(format);
      if (!format || !info) throw bad(at('format'), `unknown format "${fmtName}"`);
      if (info.numPlanes !== 1) throw bad(at('format'), `"${fmtName}" has ${info.numPlanes} planes: fb steps make single-plane framebuffers`);
      let pattern: PatternName | undefined;
      if (s.pattern !== undefined) {
        const p = str(s.pattern, at('pattern'));
        if (!(PATTERNS as readonly string[]).includes(p)) throw bad(at('pattern'), `unknown pattern "${p}" (${PATTERNS.join(', ')})`);
        pattern = p as PatternName;
      }
      if (png && pattern) throw bad(at('pattern'), 'an fb step has a pattern or a png, not both');
      if (png && !PNG_FORMATS.includes(info.name)) throw bad(at('format'), `a PNG loads into ${PNG_FORMATS.join(', ')}, not ${info.name} (${fourccString(format)})`);
      const width = s.width === undefined ? undefined : int(s.width, at('width'), 1, 16384);
      const height = s.height === undefined ? undefined : int(s.height, at('height'), 1, 16384);
      if (!png && (width === undefined || height === undefined)) throw bad(at(width === undefined ? 'width' : 'height'), 'missing (an fb step without png needs width and height)');
      fbs.add(name);
      return { kind, index, path, name, width, height, format, pattern, png };
    }
    case 'commit': {
      const c = s.commit;
      if (!isObj(c)) throw bad(at('commit'), `expected an object of objects and their properties, got ${typeOf(c)}`);
      const objects = Object.entries(c).map(([key, props]) => {
        const opath = jsonKey(at('commit'), key);
        if (!isObj(props)) throw bad(opath, `expected an object of property names and values, got ${typeOf(props)}`);
        return { key, path: opath, props: Object.entries(props).map(([name, v]) => ({ name, path: jsonKey(opath, name), value: propValue(v, jsonKey(opath, name), fbs) })) };
      });
      let flags = 0;
      const flagNames: string[] = [];
      if (s.flags !== undefined) {
        if (!Array.isArray(s.flags)) throw bad(at('flags'), `expected an array of flag names, got ${typeOf(s.flags)}`);
        s.flags.forEach((f, j) => {
          const n = str(f, `${at('flags')}[${j}]`);
          if (!Object.hasOwn(COMMIT_FLAGS, n)) throw bad(`${at('flags')}[${j}]`, `unknown flag "${n}" (${Object.keys(COMMIT_FLAGS).join(', ')})`);
          flags |= COMMIT_FLAGS[n]!;
          flagNames.push(n);
        });
      }
      let expect: ErrnoName | 'ok' | undefined;
      if (s.expect !== undefined) {
        const e = str(s.expect, at('expect'));
        if (e !== 'ok' && !Object.hasOwn(Errno, e)) throw bad(at('expect'), `unknown errno "${e}" ("ok" or one of ${Object.keys(Errno).join(', ')})`);
        expect = e as ErrnoName | 'ok';
      }
      return { kind, index, path, objects, flags, flagNames, expect };
    }
    case 'vblank':
      return { kind, index, path, count: int(s.vblank, at('vblank'), 1, 100000), crtc: s.crtc === undefined ? undefined : ref(s.crtc, at('crtc')) };
    case 'hotplug': {
      const h = s.hotplug;
      if (!isObj(h)) throw bad(at('hotplug'), `expected { "connector": name, "status": ... }, got ${typeOf(h)}`);
      checkFields(h, at('hotplug'), ['connector', 'status'], 'hotplug');
      const connector = str(h.connector, jsonKey(at('hotplug'), 'connector'));
      const status = str(h.status, jsonKey(at('hotplug'), 'status'));
      if (status !== 'connected' && status !== 'disconnected' && status !== 'unknown') throw bad(jsonKey(at('hotplug'), 'status'), `must be connected, disconnected or unknown, not "${status}"`);
      return { kind, index, path, connector, status };
    }
    case 'capture': {
      const name = str(s.capture, at('capture'));
      if (!/^[\w.-]+$/.test(name) || name.startsWith('.')) throw bad(at('capture'), `"${name}" is not a plain file name (letters, digits, _ . -)`);
      if (name === 'crc.jsonl' || name === 'crc') throw bad(at('capture'), `"${name}" is taken by the CRC log`);
      if (captures.has(name)) throw bad(at('capture'), `a capture "${name}" exists already`);
      let writeback: boolean | string = false;
      if (s.writeback !== undefined) {
        if (typeof s.writeback === 'string') {
          if (!fbs.has(s.writeback)) throw bad(at('writeback'), `unknown framebuffer "${s.writeback}"`);
          writeback = s.writeback;
        } else writeback = bool(s.writeback, at('writeback'));
      }
      let sameAs: string | undefined;
      if (s.same_as !== undefined) {
        sameAs = str(s.same_as, at('same_as'));
        if (!captures.has(sameAs)) throw bad(at('same_as'), `no earlier capture "${sameAs}"`);
      }
      captures.add(name);
      return { kind, index, path, name, writeback, crtc: s.crtc === undefined ? undefined : ref(s.crtc, at('crtc')), sameAs };
    }
    case 'crc': {
      const a = str(s.crc, at('crc'));
      if (a !== 'start' && a !== 'stop') throw bad(at('crc'), `must be "start" or "stop", not "${a}"`);
      return { kind, index, path, action: a, crtc: s.crtc === undefined ? undefined : ref(s.crtc, at('crtc')) };
    }
    case 'expect_events':
      return { kind, index, path, count: int(s.expect_events, at('expect_events'), 0, 100000) };
  }
}
