/**
 * Compare a generated dump with a reference capture (/work/shared/reference/vkms-6.12/<profile>/):
 * - compareWithReference: `drm_info -j` JSON, parsed exactly (integers as bigint, key order kept),
 *   deep-compared with host fields ignored; reports the first differing path.
 * - compareTextWithReference: drm_info / modetest text, line by line, with ignorable lines.
 */
import { readFileSync } from 'node:fs';

/** A parsed JSON value: objects keep their key order, integers are bigint. */
export type Parsed = null | boolean | bigint | number | string | Parsed[] | { entries: [string, Parsed][] };

/** A JSON parser that keeps 64-bit integers exact and object key order (JSON.parse does neither). */
export function parseJsonExact(text: string): Parsed {
  let i = 0;
  const ws = () => { while (i < text.length && ' \t\n\r'.includes(text[i]!)) i++; };
  const fail = (what: string): never => { throw new SyntaxError(`JSON: ${what} at offset ${i}`); };
  const value = (): Parsed => {
    ws();
    const c = text[i];
    if (c === '{') {
      i++;
      const entries: [string, Parsed][] = [];
      ws();
      if (text[i] === '}') { i++; return { entries }; }
      for (;;) {
        ws();
        if (text[i] !== '"') fail('expected a key');
        const k = str();
        ws();
        if (text[i++] !== ':') fail('expected ":"');
        entries.push([k, value()]);
        ws();
        if (text[i] === ',') { i++; continue; }
        if (text[i] === '}') { i++; return { entries }; }
        fail('expected "," or "}"');
      }
    }
    if (c === '[') {
      i++;
      const arr: Parsed[] = [];
      ws();
      if (text[i] === ']') { i++; return arr; }
      for (;;) {
        arr.push(value());
        ws();
        if (text[i] === ',') { i++; continue; }
        if (text[i] === ']') { i++; return arr; }
        fail('expected "," or "]"');
      }
    }
    if (c === '"') return str();
    if (text.startsWith('true', i)) { i += 4; return true; }
    if (text.startsWith('false', i)) { i += 5; return false; }
    if (text.startsWith('null', i)) { i += 4; return null; }
    const m = /^-?\d+(\.\d+)?([eE][+-]?\d+)?/.exec(text.slice(i, i + 64));
    if (!m) return fail('unexpected character');
    i += m[0].length;
    return m[1] || m[2] ? Number(m[0]) : BigInt(m[0]);
  };
  const str = (): string => {
    i++;
    let s = '';
    for (;;) {
      const c = text[i++];
      if (c === undefined) fail('unterminated string');
      if (c === '"') return s;
      if (c !== '\\') { s += c; continue; }
      const e = text[i++];
      const map: Record<string, string> = { '"': '"', '\\': '\\', '/': '/', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t' };
      if (e === 'u') { s += String.fromCharCode(parseInt(text.slice(i, i + 4), 16)); i += 4; }
      else if (e !== undefined && map[e] !== undefined) s += map[e];
      else fail('bad escape');
    }
  };
  const v = value();
  ws();
  if (i !== text.length) fail('trailing characters');
  return v;
}

/** Host facts a capture carries that an emulator cannot share: uname, drmGetDevice, the node path. */
export const HOST_FIELDS = ['<node-path>', 'driver.kernel', 'device'];

export interface CompareResult {
  equal: boolean;
  /** e.g. `/dev/dri/card0 › connectors[0].properties.DPMS.id`. */
  path?: string;
  expected?: unknown;
  actual?: unknown;
  message: string;
}

function segments(path: string): string[] {
  return path.split(/\.|(?=\[)/).filter(Boolean);
}

/** `ignore` entries are dotted paths below the node (`[*]` / `*` match any index / key); a match ignores the subtree. */
function ignored(path: string[], patterns: string[][]): boolean {
  return patterns.some((p) => p.length <= path.length && p.every((seg, k) => seg === '*' || seg === '[*]' ? true : seg === path[k]));
}

const show = (v: Parsed | undefined): unknown => {
  if (v === undefined) return '(missing)';
  if (v !== null && typeof v === 'object' && !Array.isArray(v)) return `{${v.entries.map(([k]) => k).join(', ')}}`;
  if (Array.isArray(v)) return `[${v.length} items]`;
  return v;
};

function diff(a: Parsed, b: Parsed, path: string[], patterns: string[][]): { path: string[]; expected: unknown; actual: unknown; why: string } | null {
  if (ignored(path, patterns)) return null;
  const isObj = (v: Parsed): v is { entries: [string, Parsed][] } => v !== null && typeof v === 'object' && !Array.isArray(v);
  if (Array.isArray(a) || Array.isArray(b)) {
    if (!Array.isArray(a) || !Array.isArray(b)) return { path, expected: show(b), actual: show(a), why: 'type differs' };
    for (let k = 0; k < Math.min(a.length, b.length); k++) {
      const d = diff(a[k]!, b[k]!, [...path, `[${k}]`], patterns);
      if (d) return d;
    }
    if (a.length !== b.length) return { path, expected: `${b.length} items`, actual: `${a.length} items`, why: 'length differs' };
    return null;
  }
  if (isObj(a) || isObj(b)) {
    if (!isObj(a) || !isObj(b)) return { path, expected: show(b), actual: show(a), why: 'type differs' };
    const ka = a.entries.map(([k]) => k), kb = b.entries.map(([k]) => k);
    for (const k of kb) {
      if (!ka.includes(k) && !ignored([...path, k], patterns)) return { path: [...path, k], expected: show(b.entries.find(([x]) => x === k)![1]), actual: '(missing)', why: 'key missing' };
    }
    for (const k of ka) {
      if (!kb.includes(k) && !ignored([...path, k], patterns)) return { path: [...path, k], expected: '(absent)', actual: show(a.entries.find(([x]) => x === k)![1]), why: 'unexpected key' };
    }
    for (const [k, vb] of b.entries) {
      const va = a.entries.find(([x]) => x === k);
      if (!va) continue;
      const d = diff(va[1], vb, [...path, k], patterns);
      if (d) return d;
    }
    const order = (ks: string[]) => ks.filter((k) => ka.includes(k) && kb.includes(k) && !ignored([...path, k], patterns)).join(',');
    if (order(ka) !== order(kb)) return { path, expected: kb.join(', '), actual: ka.join(', '), why: 'key order differs' };
    return null;
  }
  if (typeof a !== typeof b || a !== b) return { path, expected: b, actual: a, why: 'value differs' };
  return null;
}

/**
 * Deep-compare generated `drm_info -j` text with a reference file. Nodes are paired in order; the
 * node path key is compared only if `<node-path>` is not ignored. Returns the first difference.
 */
export function compareWithReference(generated: string, referencePath: string, ignore: string[] = HOST_FIELDS): CompareResult {
  const gen = parseJsonExact(generated), ref = parseJsonExact(readFileSync(referencePath, 'utf8'));
  const patterns = ignore.filter((p) => p !== '<node-path>').map(segments);
  const nodes = (v: Parsed) => (v !== null && typeof v === 'object' && !Array.isArray(v) ? v.entries : []);
  const gn = nodes(gen), rn = nodes(ref);
  if (gn.length !== rn.length) return { equal: false, path: '', expected: `${rn.length} nodes`, actual: `${gn.length} nodes`, message: `node count differs: ${gn.length} vs ${rn.length}` };
  for (let k = 0; k < rn.length; k++) {
    const [gk, gv] = gn[k]!, [rk, rv] = rn[k]!;
    if (!ignore.includes('<node-path>') && gk !== rk) return { equal: false, path: '', expected: rk, actual: gk, message: `node path differs: ${gk} vs ${rk}` };
    const d = diff(gv, rv, [], patterns);
    if (d) {
      const p = `${rk} › ${d.path.join('.').replace(/\.\[/g, '[')}`;
      return { equal: false, path: p, expected: d.expected, actual: d.actual, message: `${d.why} at ${p}: got ${String(d.actual)}, reference ${String(d.expected)}` };
    }
  }
  return { equal: true, message: 'equal' };
}

export interface TextCompareResult { equal: boolean; line?: number; expected?: string; actual?: string; message: string }

/** Line-by-line comparison; a reference line matching one of `ignoreLines` matches any generated line. */
export function compareTextWithReference(generated: string, referencePath: string, ignoreLines: RegExp[] = []): TextCompareResult {
  const ref = readFileSync(referencePath, 'utf8').split('\n'), gen = generated.split('\n');
  for (let k = 0; k < Math.max(ref.length, gen.length); k++) {
    const r = ref[k], g = gen[k];
    if (r !== undefined && g !== undefined && ignoreLines.some((re) => re.test(r))) continue;
    if (r !== g) {
      return { equal: false, line: k + 1, expected: r, actual: g, message: `line ${k + 1} differs:\n  got       ${JSON.stringify(g ?? '(end)')}\n  reference ${JSON.stringify(r ?? '(end)')}` };
    }
  }
  return { equal: true, message: 'equal' };
}

/** Host lines of a `drm_info` text dump (Node:, Device:, Available nodes:). */
export const TEXT_HOST_LINES = [/^Node: /, /^├───Device: /, /^│   └───Available nodes: /];

/** The host facts of a reference JSON capture, to pass as drmInfo() options for a byte-exact comparison. */
export function referenceHost(referencePath: string): { nodePath: string; kernel: { sysname: string; release: string; version: string }; device: { available_nodes: number; bus_type: number; device_data: Record<string, unknown> | null } } {
  const ref = JSON.parse(readFileSync(referencePath, 'utf8')) as Record<string, { driver: { kernel: { sysname: string; release: string; version: string } }; device: { available_nodes: number; bus_type: number; device_data: Record<string, unknown> | null } }>;
  const [nodePath, node] = Object.entries(ref)[0]!;
  return { nodePath, kernel: node.driver.kernel, device: node.device };
}
