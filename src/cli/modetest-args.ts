/**
 * modetest's command line (libdrm tests/modetest/modetest.c, getopt "acdD:efF:M:P:ps:Cvrw:o:S:")
 * and the grammars of its arguments, checked strictly: where modetest would print its usage or
 * silently use a half-parsed value, these functions throw a CliError (exit code 2) naming the
 * problem.
 *
 * - `-s <connector>[,<connector>…][@<crtc_id>]:<mode>[-<vrefresh>][@<format>]`; a connector is an
 *   ID or a name (`Virtual-1`); mode = `#<index>` | `<w>x<h>` | `<hdisp>,<hss>,<hse>,<htot>,<vdisp>,<vss>,<vse>,<vtot>`
 *   (the custom form needs `-<vrefresh>`)
 * - `-P <plane_id>@<crtc_id>:<w>x<h>[+<x>+<y>][*<scale>][@<format>]` (x, y may carry a sign)
 * - `-w <obj_id>:<prop_name>:<value>`
 * - `-F <primary_pattern>[,<plane_pattern>]`
 * Formats are modetest's fourcc strings (`XR24`, `AR24`, `RG16`…) or the kernel names (`XRGB8888`).
 */
import { PATTERNS, type PatternName } from '../io/index.js';
import { Fourcc, formatInfo, fourccCode } from '../uapi/fourcc.js';
import { CliError } from './errors.js';

/** A parsed mode selection (modetest's mode_str + vrefresh). */
export type ModeSpec =
  | { kind: 'index'; index: number; text: string }
  | { kind: 'name'; name: string; vrefresh: number; text: string }
  | { kind: 'custom'; timings: [number, number, number, number, number, number, number, number]; vrefresh: number; text: string };

export interface PipeArg {
  /** The connectors as typed (IDs or names): modetest prints them like that. */
  cons: string[];
  /** -1: find one. */
  crtcId: number;
  mode: ModeSpec;
  formatStr: string;
  fourcc: number;
}

export interface PlaneArg {
  planeId: number;
  crtcId: number;
  w: number;
  h: number;
  hasPosition: boolean;
  x: number;
  y: number;
  scale: number;
  formatStr: string;
  fourcc: number;
}

export interface PropertyArg { objId: number; name: string; value: string }

export interface ModetestCommand {
  /** Listing flags (modetest's dump_* selection); `all` when no query/test option was given. */
  encoders: boolean; connectors: boolean; crtcs: boolean; planes: boolean; framebuffers: boolean;
  atomic: boolean;
  pipes: PipeArg[];
  planeArgs: PlaneArg[];
  props: PropertyArg[];
  primaryFill: PatternName;
  secondaryFill: PatternName;
  cursor: boolean;
  vsync: boolean;
  preferred: boolean;
  dropMaster: boolean;
  dumpPath: string | undefined;
  /** Options that are not modetest's (device options, --frames, --help). */
  long: Record<string, string | boolean>;
}

/** Long options: the device options, --frames N, --help. `true` = takes a value. */
export const MODETEST_LONG_OPTIONS: Record<string, boolean> = {
  profile: true, config: true, cursor: false, 'no-cursor': false, writeback: false, 'no-writeback': false, overlay: false,
  frames: true, help: false,
};

const WITH_ARG = 'DFMPswoS';
const FLAGS = 'acdefpCvr';

const usage = (msg: string): CliError => new CliError(msg, 2);

/** A fourcc from modetest's 4-character name or the kernel name; 0 when unknown. */
export function parseFormat(s: string): number {
  if (Object.hasOwn(Fourcc, s)) return Fourcc[s as keyof typeof Fourcc];
  if (s.length === 4) {
    const code = fourccCode(s);
    if (formatInfo(code)) return code;
  }
  return 0;
}

function formatArg(s: string, what: string): number {
  const f = parseFormat(s);
  if (!f) throw usage(`${what}: unknown format '${s}' (a fourcc such as XR24, AR24, RG16 or a name such as XRGB8888)`);
  return f;
}

const UINT = /^\d+$/;
const FLOAT = /^(?:\d+(?:\.\d*)?|\.\d+)$/;

/** A u32 from a decimal string, or a CliError naming `what`. */
function u32(s: string, what: string, arg: string): number {
  if (!UINT.test(s) || Number(s) > 0xffffffff) throw usage(`${what}: invalid number '${s}' in '${arg}'`);
  return Number(s);
}

/**
 * modetest's mode grammar: `#<index>` | `<w>x<h>[-<vrefresh>]` |
 * `<hdisp>,<hss>,<hse>,<htot>,<vdisp>,<vss>,<vse>,<vtot>-<vrefresh>`.
 */
export function parseModeString(text: string): ModeSpec {
  const bad = () => usage(`invalid mode string '${text}' (#<index>, <w>x<h>[-<vrefresh>] or <hdisp>,<hss>,<hse>,<htot>,<vdisp>,<vss>,<vse>,<vtot>-<vrefresh>)`);
  const dash = text.indexOf('-');
  const body = dash < 0 ? text : text.slice(0, dash);
  const rate = dash < 0 ? undefined : text.slice(dash + 1);
  if (rate !== undefined && (!FLOAT.test(rate) || Number(rate) <= 0)) throw bad();
  const vrefresh = rate === undefined ? 0 : Math.fround(Number(rate));
  let m: RegExpExecArray | null;
  if ((m = /^#(\d+)$/.exec(body))) {
    if (rate !== undefined) throw bad();
    return { kind: 'index', index: Number(m[1]), text };
  }
  if ((m = /^(\d+)x(\d+)$/.exec(body))) {
    if (Number(m[1]) === 0 || Number(m[2]) === 0 || Number(m[1]) > 0xffff || Number(m[2]) > 0xffff) throw bad();
    return { kind: 'name', name: body, vrefresh, text };
  }
  const parts = body.split(',');
  if (parts.length === 8 && parts.every((p) => UINT.test(p) && Number(p) <= 0xffff)) {
    if (rate === undefined) throw usage(`invalid mode string '${text}': a custom mode needs -<vrefresh>`);
    const t = parts.map(Number) as [number, number, number, number, number, number, number, number];
    const [hd, hss, hse, ht, vd, vss, vse, vt] = t;
    if (!(hd > 0 && hd <= hss && hss <= hse && hse <= ht && vd > 0 && vd <= vss && vss <= vse && vse <= vt)) {
      throw usage(`invalid mode string '${text}': timings must satisfy 0 < hdisp ≤ hss ≤ hse ≤ htot and 0 < vdisp ≤ vss ≤ vse ≤ vtot`);
    }
    return { kind: 'custom', timings: t, vrefresh, text };
  }
  throw bad();
}

/** `-s <connector_id>[,<connector_id>][@<crtc_id>]:<mode>[@<format>]` (parse_connector). */
export function parsePipe(arg: string): PipeArg {
  const colon = arg.indexOf(':');
  if (colon < 0) throw usage(`-s: missing ':<mode>' in '${arg}' (<connector_id>[,<connector_id>][@<crtc_id>]:<mode>[@<format>])`);
  const head = arg.slice(0, colon), tail = arg.slice(colon + 1);
  const at = head.indexOf('@');
  const consPart = at < 0 ? head : head.slice(0, at);
  const cons = consPart.split(',');
  if (cons.some((c) => c === '')) throw usage(`-s: empty connector in '${arg}'`);
  const crtcId = at < 0 ? -1 : u32(head.slice(at + 1), '-s', arg);
  const fat = tail.indexOf('@');
  const modeText = fat < 0 ? tail : tail.slice(0, fat);
  const formatStr = fat < 0 ? 'XR24' : tail.slice(fat + 1);
  if (modeText === '') throw usage(`invalid mode string '' in '${arg}'`);
  const mode = parseModeString(modeText);
  return { cons, crtcId, mode, formatStr, fourcc: formatArg(formatStr, '-s') };
}

/** `-P <plane_id>@<crtc_id>:<w>x<h>[+<x>+<y>][*<scale>][@<format>]` (parse_plane). */
export function parsePlane(arg: string): PlaneArg {
  const m = /^(\d+)@(\d+):(\d+)x(\d+)(?:([+-]\d+)([+-]\d+))?(?:\*([^@]+))?(?:@(.+))?$/.exec(arg);
  if (!m) throw usage(`-P: invalid plane '${arg}' (<plane_id>@<crtc_id>:<w>x<h>[+<x>+<y>][*<scale>][@<format>])`);
  const w = u32(m[3]!, '-P', arg), h = u32(m[4]!, '-P', arg);
  if (w === 0 || h === 0 || w > 0xffff || h > 0xffff) throw usage(`-P: invalid size ${m[3]}x${m[4]} in '${arg}' (1..65535)`);
  let scale = 1;
  if (m[7] !== undefined) {
    if (!FLOAT.test(m[7]) || !(Number(m[7]) > 0)) throw usage(`-P: invalid scale '${m[7]}' in '${arg}' (a number > 0)`);
    scale = Number(m[7]);
  }
  const formatStr = m[8] ?? 'XR24';
  const x = m[5] === undefined ? 0 : Number(m[5]), y = m[6] === undefined ? 0 : Number(m[6]);
  if (Math.abs(x) > 0x7fffffff || Math.abs(y) > 0x7fffffff) throw usage(`-P: position out of range in '${arg}'`);
  return {
    planeId: u32(m[1]!, '-P', arg), crtcId: u32(m[2]!, '-P', arg), w, h, hasPosition: m[5] !== undefined, x, y, scale,
    formatStr, fourcc: formatArg(formatStr, '-P'),
  };
}

/** `-w <obj_id>:<prop_name>:<value>` (parse_property). */
export function parseProperty(arg: string): PropertyArg {
  const m = /^(\d+):([^:]{1,32}):(.+)$/.exec(arg);
  if (!m) throw usage(`-w: invalid property '${arg}' (<obj_id>:<prop_name>:<value>)`);
  return { objId: u32(m[1]!, '-w', arg), name: m[2]!, value: m[3]! };
}

/** A pattern name as util_pattern_enum knows it. */
export function parsePattern(s: string, what: string): PatternName {
  if ((PATTERNS as readonly string[]).includes(s)) return s as PatternName;
  if (s === 'noise') throw usage(`${what}: pattern 'noise' is not drawn by vkms-ts (modetest draws it from rand()); use ${PATTERNS.join(', ')}`);
  throw usage(`${what}: unknown pattern '${s}' (${PATTERNS.join(', ')})`);
}

/** Split argv like getopt (clusters, attached or separate option arguments) plus `--long[=value]` options. */
export function parseModetestArgv(argv: readonly string[]): ModetestCommand {
  const c: ModetestCommand = {
    encoders: false, connectors: false, crtcs: false, planes: false, framebuffers: false, atomic: false,
    pipes: [], planeArgs: [], props: [], primaryFill: 'smpte', secondaryFill: 'tiles',
    cursor: false, vsync: false, preferred: false, dropMaster: false, dumpPath: undefined, long: {},
  };
  let args = 0;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a.startsWith('--')) {
      const eq = a.indexOf('=');
      const name = eq < 0 ? a.slice(2) : a.slice(2, eq);
      if (!Object.hasOwn(MODETEST_LONG_OPTIONS, name)) throw usage(`modetest: unknown option '--${name}'`);
      if (MODETEST_LONG_OPTIONS[name]) {
        const v = eq >= 0 ? a.slice(eq + 1) : argv[++i];
        if (v === undefined) throw usage(`modetest: option '--${name}' needs a value`);
        c.long[name] = v;
      } else {
        if (eq >= 0) throw usage(`modetest: option '--${name}' takes no value`);
        c.long[name] = true;
      }
      continue;
    }
    if (a === '-h') { c.long.help = true; continue; }
    if (!a.startsWith('-') || a.length < 2) throw usage(`modetest: unexpected argument '${a}'`);
    for (let j = 1; j < a.length; j++) {
      const ch = a[j]!;
      args++;
      if (WITH_ARG.includes(ch)) {
        const optarg = j + 1 < a.length ? a.slice(j + 1) : argv[++i];
        if (optarg === undefined) throw usage(`modetest: option '-${ch}' needs an argument`);
        switch (ch) {
          case 'D': args--; break; // the device: there is one
          case 'M':
            args--;
            if (optarg !== 'vkms') throw usage(`modetest: unknown module '${optarg}' (this device is vkms)`);
            break;
          case 'S': break; // the noise seed: no noise pattern here
          case 'F': {
            const [p1, p2, ...more] = optarg.split(',');
            if (more.length) throw usage(`-F: too many patterns in '${optarg}' (primary_pattern,plane_pattern)`);
            if (p1) c.primaryFill = parsePattern(p1, '-F');
            if (p2) c.secondaryFill = parsePattern(p2, '-F');
            break;
          }
          case 'o': c.dumpPath = optarg; break;
          case 'P': c.planeArgs.push(parsePlane(optarg)); break;
          case 's': c.pipes.push(parsePipe(optarg)); break;
          case 'w': c.props.push(parseProperty(optarg)); break;
        }
        break;
      }
      if (!FLAGS.includes(ch)) throw usage(`modetest: unknown option '-${ch}'`);
      switch (ch) {
        case 'a': c.atomic = true; args--; break;
        case 'c': c.connectors = true; break;
        case 'd': c.dropMaster = true; break;
        case 'e': c.encoders = true; break;
        case 'f': c.framebuffers = true; break;
        case 'p': c.crtcs = true; c.planes = true; break;
        case 'C': c.cursor = true; break;
        case 'v': c.vsync = true; break;
        case 'r': c.preferred = true; break;
      }
    }
  }
  if (args === 0) c.encoders = c.connectors = c.crtcs = c.planes = c.framebuffers = true;
  if (c.vsync && c.pipes.length === 0 && !c.preferred) throw usage('page flipping requires at least one -s or -r option.');
  if (c.preferred && c.pipes.length) throw usage('cannot use -r (preferred) when -s (mode) is set');
  return c;
}
