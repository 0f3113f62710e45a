/**
 * `vkms-ts run scenario.json --out DIR`: a declarative, headless KMS test. The device runs on
 * the manual clock, so a scenario gives the same PNGs and CRCs on every machine.
 *
 * Scenario format (JSON):
 *
 *   {
 *     "device": {                       optional; the VKMS module parameters or a topology
 *       "profile": "latest" | "linux-6.12",
 *       "enable_cursor": true, "enable_writeback": true, "enable_overlay": false,
 *       "enable_plane_pipeline": false,
 *       "topology": { vkmsctl JSON } | "topology.json"     (a file name is relative to the scenario)
 *     },
 *     "steps": [ step, ... ]
 *   }
 *
 * Steps (one kind per step; every step may carry a "comment" string):
 *
 *   { "fb": "bg", "width": 1024, "height": 768, "format": "XRGB8888", "pattern": "smpte" }
 *       a dumb-buffer framebuffer; format: a kernel name or a modetest fourcc (XR24), default
 *       XRGB8888; pattern: smpte, tiles, plain, gradient, black-white (modetest's; none = zeros)
 *   { "fb": "logo", "png": "logo.png", "format": "ARGB8888" }
 *       a PNG (relative to the scenario) loaded into a new FB of its size, colour premultiplied
 *       by alpha; formats ARGB/ABGR/RGBA/BGRA8888 and their X variants (X: colour as is, X = 0xff)
 *   { "commit": { "<object>": { "<PROPERTY>": value, ... }, ... },
 *     "flags": ["ALLOW_MODESET", "NONBLOCK", "PAGE_FLIP_EVENT", "TEST_ONLY", "PAGE_FLIP_ASYNC"],
 *     "expect": "EINVAL" }
 *       an atomic commit (ATOMIC and WRITEBACK_CONNECTORS client caps are set). Objects: the
 *       configured names (planes "primary", "overlay0", "cursor"; CRTC "crtc0"; connector
 *       "connector0"; encoder "encoder0"; a CRTC's writeback connector "crtc0-writeback") or
 *       IDs. Values: a number, true/false, null (= 0), "0x1f", "fb:<name>", "mode:<mode>" (a
 *       MODE_ID blob; modetest's grammar: "1024x768", "1024x768-60", "#0",
 *       "1024,1048,1184,1344,768,771,777,806-60"; names are looked up on a connector of the same
 *       commit routed to that CRTC, else the first connected one that can drive it),
 *       "crtc:<name>" / "plane:<name>" / "connector:<name>" / "encoder:<name>" (an object ID),
 *       "fp:1024" (16.16 fixed point, for SRC_*), or an enum / bitmask name ("rotate-90",
 *       "rotate-0|reflect-x", "Pre-multiplied"). "expect" is "ok" (default) or an errno name.
 *       A blocking commit returns after its flip (the manual clock advances); NONBLOCK commits
 *       complete at the next vblank step.
 *   { "vblank": 2, "crtc": "crtc0" }        advance the clock by n vblanks of a CRTC (default the first)
 *   { "hotplug": { "connector": "connector0", "status": "disconnected" } }
 *   { "capture": "name", "crtc": "crtc0" }  the frame the CRTC composes now → DIR/name.png
 *   { "capture": "name", "writeback": true | "<fb name>", "crtc": "crtc0" }
 *       the last framebuffer a writeback job of that CRTC completed (or that FB, which must have
 *       been written back) → DIR/name.png; "same_as": "<earlier capture>" fails the run unless
 *       the two are identical (composed frames: equal CRCs, IGT's method; else equal pixels)
 *   { "crc": "start" | "stop", "crtc": "crtc0" }   the CRTC's "auto" CRC source (debugfs)
 *   { "expect_events": n }                  exactly n DRM events (flip / vblank) are pending; reads them
 *
 * Outputs in DIR: the capture PNGs; crc.jsonl with one line per CRC entry
 * `{"step":4,"crtc":"crtc0","frame":3,"crc":"0x1a2b3c4d"}` (read after every step while a source
 * runs) and per composed capture `{"step":6,"crtc":"crtc0","capture":"name","crc":"0x…"}`; a
 * summary line on stdout, one progress line per step on stderr.
 *
 * Exit codes: 0 all steps passed; 1 a step failed (an unexpected commit result, an expectation,
 * a vblank on a CRTC that is off…), the message names the step index; 2 the scenario is invalid
 * (JSON syntax, unknown field, unknown framebuffer/object/property…), the message names the
 * JSON path of the bad field, e.g. `steps[3].commit.primary.FB_ID: unknown framebuffer "bg2"`.
 */
import { appendFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { AtomicRequest, Card, type PropertyInfo } from '../client/index.js';
import { modeVrefresh } from '../client/modetest.js';
import { argb16ToImage, decodePng, encodePng, fillPattern, framebufferToImage, type RgbaImage8 } from '../io/index.js';
import { AtomicFlag, ClientCap, ConnectorType, PropFlag } from '../uapi/drm-mode.js';
import { DrmError, type ErrnoName } from '../uapi/errno.js';
import { DrmEventType, type DrmEvent } from '../uapi/events.js';
import { formatInfo } from '../uapi/fourcc.js';
import type { ModeInfo } from '../uapi/ioctl-structs.js';
import { createVkms, VkmsConfigError, type VkmsDevice, type VkmsOptions } from '../vkms/index.js';
import { CliError } from './errors.js';
import type { ModeSpec } from './modetest-args.js';
import { bad, jsonKey, parseScenario, type CommitProp, type PropValue, type Scenario, type Step } from './run-schema.js';
import { createFb, type SceneFb } from './scene.js';

export const RUN_HELP = `usage: vkms-ts run SCENARIO.json [--out DIR] [--quiet]

Runs a declarative headless test on a VKMS device (manual clock): framebuffers from patterns
or PNGs, atomic commits with expected results, vblanks, hotplug, captures of the composed or
written-back frame, CRC logging, event expectations.

  -o, --out DIR   where the PNGs and crc.jsonl go (default: <scenario name>-out)
  -q, --quiet     no progress lines on stderr
  -h, --help      this text

scenario:
  { "device": { "profile": "latest", "enable_overlay": true, "topology": {...} | "file.json" },
    "steps": [
      { "fb": "bg", "width": 1024, "height": 768, "format": "XRGB8888", "pattern": "smpte" },
      { "fb": "logo", "png": "logo.png", "format": "ARGB8888" },
      { "commit": { "crtc0": { "MODE_ID": "mode:1024x768", "ACTIVE": 1 },
                    "connector0": { "CRTC_ID": "crtc:crtc0" },
                    "primary": { "FB_ID": "fb:bg", "CRTC_ID": "crtc:crtc0", "SRC_W": "fp:1024",
                                 "SRC_H": "fp:768", "CRTC_W": 1024, "CRTC_H": 768 } },
        "flags": ["ALLOW_MODESET"], "expect": "ok" },
      { "vblank": 1 }, { "crc": "start" }, { "crc": "stop" },
      { "hotplug": { "connector": "connector0", "status": "disconnected" } },
      { "capture": "frame" }, { "capture": "wb", "writeback": true, "same_as": "frame" },
      { "expect_events": 1 } ] }

  objects: configured names (primary, overlay0, cursor, crtc0, connector0, encoder0,
           crtc0-writeback) or IDs
  values:  numbers, true/false, null, "0x..", "fb:NAME", "mode:WxH[-R]|#N|timings-R",
           "crtc:NAME", "plane:NAME", "connector:NAME", "fp:N" (16.16), enum/bitmask names
  flags:   ALLOW_MODESET NONBLOCK PAGE_FLIP_EVENT TEST_ONLY PAGE_FLIP_ASYNC; expect: ok | errno

outputs: DIR/<capture>.png, DIR/crc.jsonl, a summary line
exit codes: 0 passed, 1 a step failed (named by its index), 2 invalid scenario (JSON path named)`;

export interface RunResult {
  out: string;
  steps: number;
  /** capture name → PNG path */
  captures: Record<string, string>;
  crcLog: string;
  crcEntries: number;
  summary: string;
}

const hex32 = (n: number): string => `0x${(n >>> 0).toString(16).padStart(8, '0')}`;

/** The CLI entry: parse the options, run the scenario file. */
export async function runScenario(argv: string[], log: (s: string) => void = console.log, err: (s: string) => void = console.error): Promise<RunResult> {
  const { values, positionals } = parseArgs({
    args: argv, allowPositionals: true, strict: true,
    options: { out: { type: 'string', short: 'o' }, quiet: { type: 'boolean', short: 'q' }, help: { type: 'boolean', short: 'h' } },
  });
  if (values.help) { log(RUN_HELP); return undefined as never; }
  if (positionals.length !== 1) throw new CliError(positionals.length ? `run: one scenario file, not ${positionals.length}` : 'run: missing the scenario file (vkms-ts run SCENARIO.json --out DIR)');
  const file = positionals[0]!;
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    throw new CliError(`cannot read ${file}: ${(e as Error).message}`);
  }
  const base = dirname(resolve(file));
  const scenario = parseScenario(text, file, (p) => {
    try {
      return JSON.parse(readFileSync(resolve(base, p), 'utf8')) as unknown;
    } catch (e) {
      throw bad('device.topology', `cannot load "${p}": ${(e as Error).message}`);
    }
  });
  const out = values.out ?? `${basename(file).replace(/\.json$/i, '')}-out`;
  return executeScenario(scenario, { out, baseDir: base, log, progress: values.quiet ? () => undefined : err });
}

export interface ExecuteOptions {
  out: string;
  /** Where PNG paths are resolved from. */
  baseDir: string;
  log: (s: string) => void;
  progress: (s: string) => void;
}

interface Objects {
  /** name or id → id and kind */
  byKey: Map<string, { id: number; type: 'plane' | 'crtc' | 'connector' | 'encoder'; name: string }>;
  byType: Record<'plane' | 'crtc' | 'connector' | 'encoder', Map<string, number>>;
}

function objectsOf(vk: VkmsDevice): Objects {
  const ids = vk.ids;
  const byType = {
    plane: new Map(Object.entries(ids.planes)), crtc: new Map(Object.entries(ids.crtcs)),
    connector: new Map([...Object.entries(ids.connectors), ...Object.entries(ids.writeback).map(([c, id]) => [`${c}-writeback`, id] as [string, number])]),
    encoder: new Map(Object.entries(ids.encoders)),
  };
  const byKey: Objects['byKey'] = new Map();
  for (const type of ['plane', 'crtc', 'connector', 'encoder'] as const) {
    for (const [name, id] of byType[type]) {
      byKey.set(name, { id, type, name });
      byKey.set(String(id), { id, type, name });
    }
  }
  return { byKey, byType };
}

/** Run a parsed scenario. */
export async function executeScenario(sc: Scenario, o: ExecuteOptions): Promise<RunResult> {
  const d = sc.device;
  const opts: VkmsOptions = { profile: d.profile, clock: 'manual' };
  for (const k of ['enable_cursor', 'enable_writeback', 'enable_overlay', 'enable_plane_pipeline'] as const) if (d[k] !== undefined) opts[k] = d[k];
  if (d.topology) opts.topology = d.topology;
  let vk: VkmsDevice;
  try {
    vk = await createVkms(opts);
  } catch (e) {
    if (e instanceof VkmsConfigError) throw bad(d.topology ? `device.topology${/^\w/.test(e.path) ? '.' : ''}${e.path}` : 'device', e.message.slice(e.path.length + 2));
    throw e;
  }
  try {
    return await new Runner(vk, sc, o).run();
  } finally {
    await vk.unplug();
  }
}

class Runner {
  private readonly card: Card;
  private readonly objs: Objects;
  private readonly fbs = new Map<string, SceneFb>();
  private readonly props = new Map<number, Map<string, PropertyInfo & { id: number }>>();
  private readonly crcOn = new Set<string>();
  private readonly crcPath: string;
  private crcEntries = 0;
  private readonly captures: Record<string, string> = {};
  private readonly captured = new Map<string, { crc?: number; img: RgbaImage8 }>();
  /** Per CRTC name: FBs attached as writeback targets, in commit order, waiting for their job. */
  private readonly wbPending = new Map<string, string[]>();
  private readonly wbLast = new Map<string, string>();
  private readonly wbWritten = new Set<string>();
  private readonly firstCrtc: string;

  constructor(private readonly vk: VkmsDevice, private readonly sc: Scenario, private readonly o: ExecuteOptions) {
    this.card = new Card(vk.open());
    this.card.setClientCap(ClientCap.ATOMIC, 1);
    this.card.setClientCap(ClientCap.WRITEBACK_CONNECTORS, 1);
    this.objs = objectsOf(vk);
    this.firstCrtc = [...this.objs.byType.crtc.keys()][0]!;
    this.crcPath = join(o.out, 'crc.jsonl');
    for (const crtc of Object.keys(vk.ids.writeback)) {
      vk.onWriteback(crtc, () => {
        const fb = this.wbPending.get(crtc)?.shift();
        if (fb) { this.wbLast.set(crtc, fb); this.wbWritten.add(fb); }
      });
    }
  }

  async run(): Promise<RunResult> {
    this.check();
    try {
      mkdirSync(this.o.out, { recursive: true });
      writeFileSync(this.crcPath, '');
    } catch (e) {
      throw new CliError(`cannot write to ${this.o.out}: ${(e as Error).message}`, 2);
    }
    for (const step of this.sc.steps) {
      await this.step(step);
      this.drainCrc(step.index);
    }
    const n = Object.keys(this.captures).length;
    const summary = `run: ${this.sc.steps.length} steps passed; ${n} capture${n === 1 ? '' : 's'}, ${this.crcEntries} CRC entr${this.crcEntries === 1 ? 'y' : 'ies'} in ${this.crcPath}`;
    this.o.log(summary);
    this.card.close();
    return { out: this.o.out, steps: this.sc.steps.length, captures: this.captures, crcLog: this.crcPath, crcEntries: this.crcEntries, summary };
  }

  // ---------------------------------------------------------------- checks needing the device

  private objectKey(key: string, path: string): { id: number; type: 'plane' | 'crtc' | 'connector' | 'encoder'; name: string } {
    const o = this.objs.byKey.get(key);
    if (o) return o;
    const list = (t: keyof Objects['byType'], label: string) => `${label}: ${[...this.objs.byType[t].keys()].join(', ') || '-'}`;
    throw bad(path, `unknown object "${key}" (${list('plane', 'planes')}; ${list('crtc', 'CRTCs')}; ${list('connector', 'connectors')}; ${list('encoder', 'encoders')}; or an ID)`);
  }

  /** The ID of an object reference ("crtc:NAME" or "crtc:ID") of that kind. */
  private refId(type: keyof Objects['byType'], name: string): number | undefined {
    const byName = this.objs.byType[type].get(name);
    if (byName !== undefined) return byName;
    const byId = this.objs.byKey.get(name);
    return byId && byId.type === type && String(byId.id) === name ? byId.id : undefined;
  }

  private crtcRef(ref: string | undefined, path: string): string {
    if (ref === undefined) return this.firstCrtc;
    if (this.objs.byType.crtc.has(ref)) return ref;
    const byId = [...this.objs.byType.crtc].find(([, id]) => String(id) === ref);
    if (byId) return byId[0];
    throw bad(path, `unknown CRTC "${ref}" (${[...this.objs.byType.crtc.keys()].join(', ')})`);
  }

  private propsOf(id: number): Map<string, PropertyInfo & { id: number }> {
    let m = this.props.get(id);
    if (!m) {
      m = new Map();
      for (const pid of this.card.getObjectProperties(id).props) {
        const info = this.card.getProperty(pid);
        m.set(info.name, { ...info, id: pid });
      }
      this.props.set(id, m);
    }
    return m;
  }

  /** Objects, properties, object references, enum names and CRTC names: all before the first step runs. */
  private check(): void {
    for (const s of this.sc.steps) {
      switch (s.kind) {
        case 'commit':
          for (const obj of s.objects) {
            const o = this.objectKey(obj.key, obj.path);
            const props = this.propsOf(o.id);
            for (const p of obj.props) {
              const info = props.get(p.name);
              if (!info) throw bad(p.path, `${o.type} "${o.name}" (${o.id}) has no property "${p.name}" (it has ${[...props.keys()].join(', ')})`);
              if (p.value.kind === 'object') {
                const v = p.value;
                if (this.refId(v.type, v.name) === undefined) throw bad(p.path, `unknown ${v.type} "${v.name}" (${[...this.objs.byType[v.type].keys()].join(', ')})`);
              }
              if (p.value.kind === 'name') nameValue(info, p.value.text, p.path);
              if (p.value.kind === 'mode' && o.type !== 'crtc') throw bad(p.path, `"mode:" makes a MODE_ID blob for a CRTC, not for ${o.type} "${o.name}"`);
            }
          }
          break;
        case 'vblank': case 'crc':
          this.crtcRef(s.crtc, jsonKey(s.path, 'crtc'));
          break;
        case 'capture':
          this.crtcRef(s.crtc, jsonKey(s.path, 'crtc'));
          if (s.writeback !== false && !this.vk.ids.writeback[this.crtcRef(s.crtc, jsonKey(s.path, 'crtc'))]) {
            throw bad(jsonKey(s.path, 'writeback'), `CRTC "${this.crtcRef(s.crtc, '')}" has no writeback connector (enable_writeback / is_writeback_enabled)`);
          }
          break;
        case 'hotplug':
          if (!Object.hasOwn(this.vk.ids.connectors, s.connector)) throw bad(jsonKey(jsonKey(s.path, 'hotplug'), 'connector'), `unknown connector "${s.connector}" (${Object.keys(this.vk.ids.connectors).join(', ')})`);
          break;
        default:
          break;
      }
    }
  }

  // ---------------------------------------------------------------- steps

  private failStep(s: Step, msg: string): CliError {
    return new CliError(`steps[${s.index}] (${s.kind}): ${msg}`, 1);
  }

  private async step(s: Step): Promise<void> {
    const p = (msg: string) => this.o.progress(`[${s.index}] ${msg}`);
    switch (s.kind) {
      case 'fb': {
        const fb = s.png ? this.pngFb(s) : this.patternFb(s);
        this.fbs.set(s.name, fb);
        p(`fb ${s.name}: ${fb.width}x${fb.height} ${formatInfo(fb.format)!.name} ${s.png ? `from ${s.png}` : s.pattern ?? 'zeros'} (id ${fb.id})`);
        return;
      }
      case 'commit':
        return this.commit(s, p);
      case 'vblank': {
        const crtc = this.crtcRef(s.crtc, '');
        try {
          this.vk.vblank(crtc, s.count);
        } catch (e) {
          throw this.failStep(s, (e as Error).message);
        }
        p(`vblank ×${s.count} on ${crtc}`);
        return;
      }
      case 'hotplug':
        this.vk.hotplug.setStatus(s.connector, s.status);
        p(`hotplug ${s.connector} → ${s.status}`);
        return;
      case 'crc': {
        const crtc = this.crtcRef(s.crtc, '');
        if (s.action === 'start') {
          this.vk.debugfs.setCrcSource(crtc, 'auto');
          this.crcOn.add(crtc);
        } else {
          this.drainCrc(s.index);
          this.vk.debugfs.setCrcSource(crtc, null);
          this.crcOn.delete(crtc);
        }
        p(`crc ${s.action} on ${crtc}`);
        return;
      }
      case 'capture':
        return this.capture(s, p);
      case 'expect_events': {
        const evs = this.card.readEvents();
        if (evs.length !== s.count) throw this.failStep(s, `expected ${s.count} event${s.count === 1 ? '' : 's'}, got ${evs.length}${evs.length ? ` (${evs.map(describeEvent).join(', ')})` : ''}`);
        p(`expect_events ${s.count}: ok`);
        return;
      }
    }
  }

  private patternFb(s: Extract<Step, { kind: 'fb' }>): SceneFb {
    const fb = this.newFb(s, s.width!, s.height!);
    if (s.pattern) {
      try {
        fillPattern(s.pattern, { format: fb.format, width: fb.width, height: fb.height, pitches: [fb.pitch], offsets: [0], data: [fb.bytes] });
      } catch (e) {
        throw bad(jsonKey(s.path, 'pattern'), (e as Error).message.replace(/^fillPattern: /, ''));
      }
    }
    return fb;
  }

  private newFb(s: Extract<Step, { kind: 'fb' }>, w: number, h: number): SceneFb {
    try {
      return createFb(this.card, w, h, s.format);
    } catch (e) {
      throw this.failStep(s, `cannot create a ${w}x${h} framebuffer: ${e instanceof DrmError ? e.message : (e as Error).message}`);
    }
  }

  private pngFb(s: Extract<Step, { kind: 'fb' }>): SceneFb {
    const path = resolve(this.o.baseDir, s.png!);
    let img: RgbaImage8;
    try {
      img = decodePng(readFileSync(path), { depth: 8 }) as RgbaImage8;
    } catch (e) {
      throw bad(jsonKey(s.path, 'png'), `cannot load "${s.png}": ${(e as Error).message}`);
    }
    if ((s.width !== undefined && s.width !== img.width) || (s.height !== undefined && s.height !== img.height)) {
      throw bad(jsonKey(s.path, s.width !== undefined && s.width !== img.width ? 'width' : 'height'), `"${s.png}" is ${img.width}x${img.height}, not ${s.width ?? img.width}x${s.height ?? img.height}`);
    }
    const fb = this.newFb(s, img.width, img.height);
    writePng(fb, img);
    return fb;
  }

  private value(v: PropValue, prop: CommitProp, objId: number, info: PropertyInfo, step: Extract<Step, { kind: 'commit' }>): bigint {
    switch (v.kind) {
      case 'int': return v.value;
      case 'fb': return BigInt(this.fbs.get(v.name)!.id);
      case 'object': return BigInt(this.refId(v.type, v.name)!);
      case 'name': return nameValue(info, v.text, prop.path);
      case 'mode': {
        const mode = this.findMode(v.spec, objId, step, prop.path);
        return BigInt(this.card.createModeBlob(mode));
      }
    }
  }

  /** A mode for CRTC `crtcId`: custom timings, or from a connector of the commit routed to it, else the first connected one. */
  private findMode(spec: ModeSpec, crtcId: number, step: Extract<Step, { kind: 'commit' }>, path: string): ModeInfo {
    if (spec.kind === 'custom') {
      const [hd, hss, hse, ht, vd, vss, vse, vt] = spec.timings;
      const clock = Math.round(Math.fround(Math.fround(Math.fround(ht * vt) * spec.vrefresh) / 1000));
      return { clock, hdisplay: hd, hsync_start: hss, hsync_end: hse, htotal: ht, hskew: 0, vdisplay: vd, vsync_start: vss, vsync_end: vse, vtotal: vt, vscan: 0, vrefresh: Math.round(spec.vrefresh), flags: 0, type: 0, name: `custom${hd}x${vd}` };
    }
    const routed: number[] = [];
    for (const obj of step.objects) {
      const o = this.objs.byKey.get(obj.key)!;
      if (o.type !== 'connector') continue;
      const c = obj.props.find((p) => p.name === 'CRTC_ID');
      if (!c) continue;
      const target = c.value.kind === 'object' ? this.refId(c.value.type, c.value.name) : c.value.kind === 'int' ? Number(c.value.value) : undefined;
      if (target === crtcId) routed.push(o.id);
    }
    const crtcIndex = [...this.objs.byType.crtc.values()].indexOf(crtcId);
    const candidates = routed.length ? routed : [...this.objs.byType.connector.values()].filter((id) => {
      const c = this.card.getConnector(id);
      if (c.connection !== 1 || c.connectorType === ConnectorType.WRITEBACK) return false;
      return c.encoders.some((e) => this.card.getEncoder(e).possibleCrtcs & (1 << crtcIndex));
    });
    if (!candidates.length) throw bad(path, `no connected connector can drive this CRTC: name the connector in the same commit, or use custom timings`);
    const id = candidates[0]!;
    const con = this.card.getConnector(id);
    let m: ModeInfo | undefined;
    if (spec.kind === 'index') m = con.modes[spec.index];
    else m = con.modes.find((x) => x.name === spec.name && (spec.vrefresh === 0 || Math.abs(modeVrefresh(x) - spec.vrefresh) < 0.005));
    const name = [...this.objs.byType.connector].find(([, i]) => i === id)![0];
    if (!m) throw bad(path, `no mode "${spec.text}" on connector "${name}" (${con.modes.length} modes${con.modes.length ? `: ${[...new Set(con.modes.slice(0, 6).map((x) => x.name))].join(', ')}…` : ''})`);
    return m;
  }

  private async commit(s: Extract<Step, { kind: 'commit' }>, p: (m: string) => void): Promise<void> {
    const req = new AtomicRequest();
    const wbTargets: [string, string][] = [];
    for (const obj of s.objects) {
      const o = this.objs.byKey.get(obj.key)!;
      const props = this.propsOf(o.id);
      for (const prop of obj.props) {
        const info = props.get(prop.name)!;
        req.add(o.id, info.id, this.value(prop.value, prop, o.id, info, s));
        if (prop.name === 'WRITEBACK_FB_ID' && prop.value.kind === 'fb') {
          const crtc = Object.entries(this.vk.ids.writeback).find(([, id]) => id === o.id)?.[0];
          if (crtc) wbTargets.push([crtc, prop.value.name]);
        }
      }
    }
    const flags = s.flagNames.length ? ` (${s.flagNames.join(', ')})` : '';
    // the job may complete while a blocking commit waits for its flip: queue the targets first
    const queued = s.flags & AtomicFlag.TEST_ONLY ? [] : wbTargets;
    for (const [crtc, fb] of queued) this.wbPending.set(crtc, [...(this.wbPending.get(crtc) ?? []), fb]);
    let error: DrmError | null = null;
    try {
      await this.card.atomicCommit(req, s.flags);
    } catch (e) {
      if (!(e instanceof DrmError)) throw e;
      error = e;
      for (const [crtc] of queued) this.wbPending.get(crtc)?.pop();
    }
    const expect = s.expect ?? 'ok';
    if (error) {
      if (expect === 'ok') throw this.failStep(s, `the commit failed: ${errText(error)}`);
      if (error.code !== expect) throw this.failStep(s, `expected ${expect}, got ${errText(error)}`);
      p(`commit${flags}: ${error.code} as expected (${error.reason})`);
      return;
    }
    if (expect !== 'ok') throw this.failStep(s, `expected ${expect as ErrnoName}, but the commit succeeded`);
    p(`commit${flags}: ok`);
  }

  private capture(s: Extract<Step, { kind: 'capture' }>, p: (m: string) => void): void {
    const crtc = this.crtcRef(s.crtc, '');
    let img: RgbaImage8, crc: number | undefined, what: string;
    if (s.writeback !== false) {
      const name = typeof s.writeback === 'string' ? s.writeback : this.wbLast.get(crtc);
      if (!name) throw this.failStep(s, `no writeback job of ${crtc} has completed yet (commit WRITEBACK_FB_ID on ${crtc}-writeback, then let the flip or a vblank happen)`);
      if (!this.wbWritten.has(name)) throw this.failStep(s, `framebuffer "${name}" has not been written back yet`);
      const fb = this.fbs.get(name)!;
      try {
        img = framebufferToImage({ format: fb.format, width: fb.width, height: fb.height, pitches: [fb.pitch], offsets: [0], data: [fb.bytes] }, { alpha: 'opaque' }) as RgbaImage8;
      } catch (e) {
        throw this.failStep(s, (e as Error).message);
      }
      what = `writeback fb ${name}`;
    } else {
      const frame = this.vk.composeNow(crtc);
      if (!frame) throw this.failStep(s, `CRTC ${crtc} is off: there is no frame to capture`);
      img = argb16ToImage({ width: frame.width, height: frame.height, data: frame.pixels }, { depth: 8, alpha: 'opaque' }) as RgbaImage8;
      crc = frame.crc;
      what = `${crtc} frame, crc ${hex32(crc)}`;
      this.crcLine({ step: s.index, crtc, capture: s.name, crc: hex32(crc) });
    }
    const path = join(this.o.out, `${s.name}.png`);
    writeFileSync(path, encodePng(img));
    this.captures[s.name] = path;
    this.captured.set(s.name, { crc, img });
    if (s.sameAs) {
      const other = this.captured.get(s.sameAs)!;
      if (crc !== undefined && other.crc !== undefined) {
        if (crc !== other.crc) throw this.failStep(s, `capture "${s.name}" (crc ${hex32(crc)}) differs from "${s.sameAs}" (crc ${hex32(other.crc)})`);
      } else {
        const diff = firstDifference(img, other.img);
        if (diff) throw this.failStep(s, `capture "${s.name}" differs from "${s.sameAs}": ${diff}`);
      }
    }
    p(`capture ${s.name}: ${what} → ${path}${s.sameAs ? ` (same as ${s.sameAs})` : ''}`);
  }

  private crcLine(rec: Record<string, unknown>): void {
    appendFileSync(this.crcPath, `${JSON.stringify(rec)}\n`);
  }

  private drainCrc(step: number): void {
    for (const crtc of this.crcOn) {
      for (const e of this.vk.debugfs.readCrc(crtc)) {
        this.crcLine({ step, crtc, frame: Number(e.frame), crc: hex32(e.crc) });
        this.crcEntries++;
      }
    }
  }
}

/** "EINVAL (Invalid argument): reason", without the ioctl name. */
function errText(e: DrmError): string {
  return e.message.replace(/^[A-Z0-9_]+: (?=E[A-Z0-9]+ \()/, '');
}

/** An enum name, or bitmask names joined by "|", as the property's value. */
function nameValue(info: PropertyInfo, text: string, path: string): bigint {
  const isEnum = (info.flags & PropFlag.ENUM) !== 0, isMask = (info.flags & PropFlag.BITMASK) !== 0;
  if (!isEnum && !isMask) throw bad(path, `"${text}" is not a value for ${info.name} (a number${info.flags & PropFlag.OBJECT ? ', "fb:NAME" or "crtc:NAME"' : ''})`);
  const names = text.split('|');
  if (isEnum && names.length > 1) throw bad(path, `${info.name} is an enum: one name, not "${text}"`);
  let v = 0n;
  for (const n of names) {
    const e = info.enums.find((x) => x.name === n);
    if (!e) throw bad(path, `invalid value "${n}" for ${info.name} (one of ${info.enums.map((x) => x.name).join(', ')})`);
    v |= isMask ? 1n << e.value : e.value;
  }
  return v;
}

function describeEvent(e: DrmEvent): string {
  if (e.type === DrmEventType.FLIP_COMPLETE || e.type === DrmEventType.VBLANK) {
    const v = e as { crtc_id: number; sequence: number };
    return `${e.type === DrmEventType.FLIP_COMPLETE ? 'flip complete' : 'vblank'} on CRTC ${v.crtc_id}, sequence ${v.sequence}`;
  }
  return `event type ${e.type}`;
}

function firstDifference(a: RgbaImage8, b: RgbaImage8): string | null {
  if (a.width !== b.width || a.height !== b.height) return `size ${a.width}x${a.height} vs ${b.width}x${b.height}`;
  for (let i = 0; i < a.data.length; i += 4) {
    if (a.data[i] !== b.data[i] || a.data[i + 1] !== b.data[i + 1] || a.data[i + 2] !== b.data[i + 2] || a.data[i + 3] !== b.data[i + 3]) {
      const px = i / 4;
      return `first at (${px % a.width},${Math.floor(px / a.width)}): rgba(${[...a.data.subarray(i, i + 4)].join(',')}) vs rgba(${[...b.data.subarray(i, i + 4)].join(',')})`;
    }
  }
  return null;
}

/** Bytes of each 32bpp format in memory order, as indexes into [r, g, b, a] (4 = 0xff). */
const PNG_LAYOUT: Record<string, [number, number, number, number]> = {
  ARGB8888: [2, 1, 0, 3], XRGB8888: [2, 1, 0, 4], ABGR8888: [0, 1, 2, 3], XBGR8888: [0, 1, 2, 4],
  RGBA8888: [3, 2, 1, 0], RGBX8888: [4, 2, 1, 0], BGRA8888: [3, 0, 1, 2], BGRX8888: [4, 0, 1, 2],
};

/** PNG pixels (straight alpha) into the FB: premultiplied when the format has alpha. */
function writePng(fb: SceneFb, img: RgbaImage8): void {
  const name = formatInfo(fb.format)!.name;
  const layout = PNG_LAYOUT[name]!;
  const alpha = layout.includes(3);
  const px = [0, 0, 0, 0, 0xff];
  for (let y = 0; y < img.height; y++) {
    for (let x = 0; x < img.width; x++) {
      const s = (y * img.width + x) * 4, a = img.data[s + 3]!;
      for (let c = 0; c < 3; c++) px[c] = alpha ? Math.round((img.data[s + c]! * a) / 255) : img.data[s + c]!;
      px[3] = a;
      const d = y * fb.pitch + x * 4;
      for (let k = 0; k < 4; k++) fb.bytes[d + k] = px[layout[k]!]!;
    }
  }
}

