/**
 * Text helpers shared by the dumps (drm_info, modetest): a json-c compatible serialiser (64-bit
 * integers printed exactly, json-c's escaping and pretty layout), C printf's "%.Nf" with exact
 * round-half-even, and the DRM format / modifier names the tools print.
 */
import { DRM_FORMAT_BIG_ENDIAN, DRM_FORMAT_MOD_INVALID, DRM_FORMAT_MOD_LINEAR, Fourcc } from '../uapi/fourcc.js';

/** A JSON value as the dumps build it: integers are numbers (32-bit fields) or bigints (64-bit fields). */
export type JsonValue = null | boolean | number | bigint | string | JsonValue[] | JsonObject;
export interface JsonObject { [key: string]: JsonValue }

/** json_escape_str: \b \n \r \t \f \" \\ and \/ escaped, other control bytes as \u00xx, the rest raw. */
export function jsonCEscape(s: string): string {
  let out = '';
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    switch (c) {
      case 0x08: out += '\\b'; break;
      case 0x0a: out += '\\n'; break;
      case 0x0d: out += '\\r'; break;
      case 0x09: out += '\\t'; break;
      case 0x0c: out += '\\f'; break;
      case 0x22: out += '\\"'; break;
      case 0x5c: out += '\\\\'; break;
      case 0x2f: out += '\\/'; break;
      default:
        if (c < 0x20) out += '\\u00' + c.toString(16).padStart(2, '0');
        else out += s[i];
    }
  }
  return out;
}

function indent(level: number): string {
  return ' '.repeat(level * 2);
}

function write(v: JsonValue, level: number, out: string[]): void {
  if (v === null) { out.push('null'); return; }
  switch (typeof v) {
    case 'boolean': out.push(v ? 'true' : 'false'); return;
    case 'bigint': out.push(v.toString()); return;
    case 'number':
      if (!Number.isFinite(v)) throw new RangeError(`json: ${v} has no JSON form`);
      out.push(Object.is(v, -0) ? '0' : String(v));
      return;
    case 'string': out.push('"', jsonCEscape(v), '"'); return;
    case 'object': break;
    default: throw new TypeError(`json: a ${typeof v} has no JSON form`);
  }
  if (Array.isArray(v)) {
    // json_object_array_to_json_string with JSON_C_TO_STRING_PRETTY: "[" newline even when empty
    out.push('[\n');
    v.forEach((item, i) => {
      if (i > 0) out.push(',\n');
      out.push(indent(level + 1));
      write(item, level + 1, out);
    });
    if (v.length > 0) out.push('\n');
    out.push(indent(level), ']');
    return;
  }
  // json_object_object_to_json_string: an empty object stays "{}"
  const keys = Object.keys(v);
  out.push('{');
  keys.forEach((k, i) => {
    if (i > 0) out.push(',');
    out.push('\n', indent(level + 1), '"', jsonCEscape(k), '": ');
    write(v[k]!, level + 1, out);
  });
  if (keys.length > 0) out.push('\n', indent(level));
  out.push('}');
}

/**
 * json_object_to_json_string_ext(obj, JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_SPACED) of json-c:
 * two-space indentation, `"key": value`, "/" escaped, bigints printed in full (drm_info's uint64
 * serialiser), no trailing newline.
 */
export function jsonCStringify(v: JsonValue): string {
  const out: string[] = [];
  write(v, 0, out);
  return out.join('');
}

/** C printf "%.<digits>f" of a double: exact decimal expansion, ties to even; NaN as x86 glibc prints 0.0/0.0. */
export function cFixed(x: number, digits: number): string {
  if (Number.isNaN(x)) return '-nan';
  if (x === Infinity) return 'inf';
  if (x === -Infinity) return '-inf';
  const dv = new DataView(new ArrayBuffer(8));
  dv.setFloat64(0, x);
  const hi = dv.getUint32(0), lo = dv.getUint32(4);
  const neg = hi >>> 31 === 1;
  const expBits = (hi >>> 20) & 0x7ff;
  let mant = (BigInt(hi & 0xfffff) << 32n) | BigInt(lo);
  let exp: number;
  if (expBits === 0) exp = -1074;
  else { mant |= 1n << 52n; exp = expBits - 1075; }
  const scale = 10n ** BigInt(digits);
  let q: bigint;
  if (exp >= 0) q = (mant << BigInt(exp)) * scale;
  else {
    const k = BigInt(-exp);
    const num = mant * scale;
    q = num >> k;
    const r2 = (num - (q << k)) * 2n, half = 1n << k;
    if (r2 > half || (r2 === half && (q & 1n) === 1n)) q += 1n;
  }
  let s = q.toString().padStart(digits + 1, '0');
  if (digits > 0) s = s.slice(0, s.length - digits) + '.' + s.slice(s.length - digits);
  return (neg ? '-' : '') + s;
}

/** Lower-case hex, zero-padded (printf "%0Nx"). */
export function hex(v: number | bigint, width = 0): string {
  const n = typeof v === 'bigint' ? BigInt.asUintN(64, v) : v >>> 0;
  return n.toString(16).padStart(width, '0');
}

/** C `1 << n` with an int operand, as x86 evaluates it, widened to uint64 (sign-extended). */
export function cIntShiftToU64(n: bigint): bigint {
  const bit = (1 << Number(n & 31n)) | 0;
  return BigInt.asUintN(64, BigInt(bit));
}

const FORMAT_NAMES = new Map<number, string>(Object.entries(Fourcc).map(([name, code]) => [code >>> 0, name]));

/** drm_info's format_str(): the DRM_FORMAT_* name without its prefix, "INVALID" for 0, else "Unknown". */
export function drmFormatName(format: number): string {
  const f = format >>> 0;
  if (f === 0) return 'INVALID';
  return FORMAT_NAMES.get(f) ?? 'Unknown';
}

/** libdrm's drmGetFormatName(): the four characters, trailing spaces trimmed, "_BE" for big-endian. */
export function drmGetFormatName(format: number): string {
  let f = format >>> 0;
  const be = (f & DRM_FORMAT_BIG_ENDIAN) !== 0 ? '_BE' : '';
  f = (f & ~DRM_FORMAT_BIG_ENDIAN) >>> 0;
  if (f === 0) return 'INVALID';
  const code = [f & 0xff, (f >>> 8) & 0xff, (f >>> 16) & 0xff, (f >>> 24) & 0xff];
  let end = 4;
  while (end > 1 && code[end - 1] === 0x20) end--;
  let s = '';
  for (let i = 0; i < end; i++) {
    if (code[i] === 0) break; // C string ends at a NUL
    s += String.fromCharCode(code[i]!);
  }
  return s + be;
}

/** DRM_FORMAT_MOD_VENDOR_* names (libdrm's drmGetFormatModifierVendor). */
const MOD_VENDORS: Record<number, string> = {
  0x00: 'NONE', 0x01: 'INTEL', 0x02: 'AMD', 0x03: 'NVIDIA', 0x04: 'SAMSUNG', 0x05: 'QCOM', 0x06: 'VIVANTE',
  0x07: 'BROADCOM', 0x08: 'ARM', 0x09: 'ALLWINNER', 0x0a: 'AMLOGIC',
};

/** libdrm's drmGetFormatModifierVendor(). */
export function drmModifierVendor(mod: bigint): string | undefined {
  return MOD_VENDORS[Number(BigInt.asUintN(64, mod) >> 56n)];
}

/** libdrm's drmGetFormatModifierName() for the modifiers a software device has. */
export function drmModifierName(mod: bigint): string | undefined {
  const m = BigInt.asUintN(64, mod);
  if (m === DRM_FORMAT_MOD_LINEAR) return 'LINEAR';
  if (m === DRM_FORMAT_MOD_INVALID) return 'INVALID';
  return undefined;
}

/** drm_info's print_modifier() text (without the hex suffix) for the generic modifiers. */
export function drmInfoModifierName(mod: bigint): string {
  const m = BigInt.asUintN(64, mod);
  if (m === DRM_FORMAT_MOD_LINEAR) return 'DRM_FORMAT_MOD_LINEAR';
  if (m === DRM_FORMAT_MOD_INVALID) return 'DRM_FORMAT_MOD_INVALID';
  return 'Unknown';
}

/** One (format, modifier) pair of an IN_FORMATS blob. */
export interface FormatModifierBlob {
  formats: number[];
  modifiers: { formats: bigint; offset: number; modifier: bigint }[];
}

/** struct drm_format_modifier_blob → its format list and modifier entries (uapi 2.17). */
export function parseInFormatsBlob(data: Uint8Array): FormatModifierBlob {
  const v = new DataView(data.buffer, data.byteOffset, data.byteLength);
  const countFormats = v.getUint32(8, true), formatsOffset = v.getUint32(12, true);
  const countModifiers = v.getUint32(16, true), modifiersOffset = v.getUint32(20, true);
  const formats: number[] = [];
  for (let i = 0; i < countFormats; i++) formats.push(v.getUint32(formatsOffset + 4 * i, true));
  const modifiers: FormatModifierBlob['modifiers'] = [];
  for (let i = 0; i < countModifiers; i++) {
    const o = modifiersOffset + 24 * i;
    modifiers.push({ formats: v.getBigUint64(o, true), offset: v.getUint32(o + 8, true), modifier: v.getBigUint64(o + 16, true) });
  }
  return { formats, modifiers };
}
