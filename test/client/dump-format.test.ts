/** The json-c serialiser, printf "%.2f", and the format/modifier names the dumps print. */
import { describe, expect, it } from 'vitest';
import {
  cFixed, cIntShiftToU64, drmFormatName, drmGetFormatName, drmInfoModifierName, drmModifierName, drmModifierVendor, hex,
  jsonCEscape, jsonCStringify, parseInFormatsBlob,
} from '../../src/client/dump-format.js';
import { Fourcc, fourccCode } from '../../src/uapi/fourcc.js';
import { parseJsonExact } from './reference-compare.js';

describe('jsonCStringify (json-c PRETTY|SPACED, drm_info uint64 serialiser)', () => {
  it('prints 64-bit integers exactly, above 2^53 and negative', () => {
    expect(jsonCStringify(18446744073709551615n)).toBe('18446744073709551615');
    expect(jsonCStringify(9007199254740993n)).toBe('9007199254740993');
    expect(jsonCStringify(-9223372036854775808n)).toBe('-9223372036854775808');
    expect(jsonCStringify([2n ** 63n, -1n, 0n])).toBe('[\n  9223372036854775808,\n  -1,\n  0\n]');
  });

  it('lays out objects and arrays as json-c does (empty array broken over two lines, empty object "{}", no final newline)', () => {
    const v = { a: 1, b: [], c: {}, d: [1n, -2n], e: { f: 'x' }, g: null, h: true, i: false };
    expect(jsonCStringify(v)).toBe([
      '{',
      '  "a": 1,',
      '  "b": [',
      '  ],',
      '  "c": {},',
      '  "d": [',
      '    1,',
      '    -2',
      '  ],',
      '  "e": {',
      '    "f": "x"',
      '  },',
      '  "g": null,',
      '  "h": true,',
      '  "i": false',
      '}',
    ].join('\n'));
  });

  it('indents nested empty arrays at their own level (the reference "modes": [ ... ] shape)', () => {
    expect(jsonCStringify({ n: { c: [{ modes: [] }] } })).toBe(
      '{\n  "n": {\n    "c": [\n      {\n        "modes": [\n        ]\n      }\n    ]\n  }\n}');
  });

  it('escapes like json_escape_str: slash, quote, backslash, control characters', () => {
    expect(jsonCEscape('/dev/dri/card0')).toBe('\\/dev\\/dri\\/card0');
    expect(jsonCEscape('a"b\\c')).toBe('a\\"b\\\\c');
    expect(jsonCEscape('\b\f\n\r\t')).toBe('\\b\\f\\n\\r\\t');
    expect(jsonCEscape('\u0001\u001f\u007f')).toBe('\\u0001\\u001f\u007f');
    expect(jsonCEscape('é')).toBe('é');
    expect(jsonCStringify({ '/k': 'v' })).toBe('{\n  "\\/k": "v"\n}');
  });

  it('keeps key insertion order', () => {
    expect(jsonCStringify({ z: 1, a: 2, m: 3 })).toBe('{\n  "z": 1,\n  "a": 2,\n  "m": 3\n}');
  });

  it('round-trips through the exact parser', () => {
    const text = jsonCStringify({ x: [18446744073709551615n, -5n], s: 'a/b' });
    expect(parseJsonExact(text)).toEqual({ entries: [['x', [18446744073709551615n, -5n]], ['s', 'a/b']] });
  });

  it('refuses values JSON cannot hold', () => {
    expect(() => jsonCStringify(Number.NaN)).toThrow(RangeError);
    expect(() => jsonCStringify({ a: undefined } as never)).toThrow(TypeError);
  });
});

describe('cFixed (printf "%.Nf")', () => {
  it('rounds exact binary ties to even, like glibc', () => {
    expect(cFixed(60.125, 2)).toBe('60.12');
    expect(cFixed(60.375, 2)).toBe('60.38');
    expect(cFixed(2.5, 0)).toBe('2');
    expect(cFixed(3.5, 0)).toBe('4');
  });
  it('rounds non-ties by the exact binary value', () => {
    expect(cFixed(0.005, 2)).toBe('0.01'); // 0.005000000000000000104...
    expect(cFixed(1.005, 2)).toBe('1.00'); // 1.00499999999999989...
    expect(cFixed(59.94, 2)).toBe('59.94');
    expect(cFixed(60, 2)).toBe('60.00');
    expect(cFixed(0, 2)).toBe('0.00');
    expect(cFixed(-1.25, 1)).toBe('-1.2');
    expect(cFixed(-0, 2)).toBe('-0.00');
  });
  it('prints 0.0/0.0 as x86 glibc does, and infinities', () => {
    expect(cFixed(0 / 0, 2)).toBe('-nan');
    expect(cFixed(1 / 0, 2)).toBe('inf');
    expect(cFixed(-1 / 0, 2)).toBe('-inf');
  });
});

describe('names', () => {
  it('drm_info format_str: the DRM_FORMAT_ name without prefix', () => {
    expect(drmFormatName(Fourcc.ARGB8888)).toBe('ARGB8888');
    expect(drmFormatName(0x34325241)).toBe('ARGB8888');
    expect(drmFormatName(Fourcc.XRGB16161616)).toBe('XRGB16161616');
    expect(drmFormatName(Fourcc.RGB565)).toBe('RGB565');
    expect(drmFormatName(0)).toBe('INVALID');
    expect(drmFormatName(fourccCode('ZZZZ'))).toBe('Unknown');
  });
  it('libdrm drmGetFormatName: four characters, trailing spaces trimmed, _BE suffix', () => {
    expect(drmGetFormatName(Fourcc.ARGB8888)).toBe('AR24');
    expect(drmGetFormatName(Fourcc.R8)).toBe('R8');
    expect(drmGetFormatName(Fourcc.R10)).toBe('R10');
    expect(drmGetFormatName((Fourcc.RGB565 | 0x80000000) >>> 0)).toBe('RG16_BE');
    expect(drmGetFormatName(0)).toBe('INVALID');
  });
  it('modifier names', () => {
    expect(drmInfoModifierName(0n)).toBe('DRM_FORMAT_MOD_LINEAR');
    expect(drmInfoModifierName(0x00ffffffffffffffn)).toBe('DRM_FORMAT_MOD_INVALID');
    expect(drmInfoModifierName(0x0100000000000001n)).toBe('Unknown');
    expect(drmModifierName(0n)).toBe('LINEAR');
    expect(drmModifierName(0x00ffffffffffffffn)).toBe('INVALID');
    expect(drmModifierVendor(0x0100000000000001n)).toBe('INTEL');
    expect(drmModifierVendor(0x0800000000000001n)).toBe('ARM');
  });
  it('hex', () => {
    expect(hex(0x34325241, 8)).toBe('34325241');
    expect(hex(1, 8)).toBe('00000001');
    expect(hex(-1n)).toBe('ffffffffffffffff');
  });
  it('C int shifts widened to uint64 (bit 31 sign-extends, counts wrap at 32 on x86)', () => {
    expect(cIntShiftToU64(0n)).toBe(1n);
    expect(cIntShiftToU64(5n)).toBe(32n);
    expect(cIntShiftToU64(31n)).toBe(0xffffffff80000000n);
    expect(cIntShiftToU64(32n)).toBe(1n);
  });
});

describe('parseInFormatsBlob', () => {
  it('reads struct drm_format_modifier_blob (header, formats, 24-byte modifier entries)', () => {
    // version 1, 3 formats at 24, 2 modifiers at 40
    const b = new Uint8Array(40 + 48);
    const v = new DataView(b.buffer);
    [1, 0, 3, 24, 2, 40].forEach((x, i) => v.setUint32(4 * i, x, true));
    [Fourcc.XRGB8888, Fourcc.ARGB8888, Fourcc.NV12].forEach((f, i) => v.setUint32(24 + 4 * i, f, true));
    v.setBigUint64(40, 0b111n, true); v.setUint32(48, 0, true); v.setBigUint64(56, 0n, true);
    v.setBigUint64(64, 0b011n, true); v.setUint32(72, 0, true); v.setBigUint64(80, 0x0100000000000001n, true);
    expect(parseInFormatsBlob(b)).toEqual({
      formats: [Fourcc.XRGB8888, Fourcc.ARGB8888, Fourcc.NV12],
      modifiers: [{ formats: 7n, offset: 0, modifier: 0n }, { formats: 3n, offset: 0, modifier: 0x0100000000000001n }],
    });
  });
});
