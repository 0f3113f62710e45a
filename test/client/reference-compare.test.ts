/** The comparison helpers the lead points at the built-in VKMS device. */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { compareTextWithReference, compareWithReference, HOST_FIELDS, parseJsonExact, referenceHost, TEXT_HOST_LINES } from './reference-compare.js';
import { REFERENCE_DIR } from './vkms612-fixture.js';

const dir = mkdtempSync(join(tmpdir(), 'vkms-ts-refcmp-'));
function file(name: string, text: string): string {
  const p = join(dir, name);
  writeFileSync(p, text);
  return p;
}

const REF = JSON.stringify({
  '/dev/dri/card0': {
    driver: { name: 'vkms', kernel: { sysname: 'Linux', release: '6.12' }, caps: { A: 1 } },
    device: { bus_type: 2 },
    connectors: [{ id: 39, properties: { DPMS: { id: 2, raw_value: 1 }, TILE: { id: 4 } } }],
    big: 1,
  },
}, null, 2).replace('"big": 1', '"big": 18446744073709551615');

describe('parseJsonExact', () => {
  it('keeps integers exact as bigint, other numbers as number, key order as written', () => {
    expect(parseJsonExact('{"b": 18446744073709551615, "a": [-1, 2.5, 1e3], "s": "\\/x\\u0041"}')).toEqual({
      entries: [['b', 18446744073709551615n], ['a', [-1n, 2.5, 1000]], ['s', '/xA']],
    });
    expect(() => parseJsonExact('{"a": 1,}')).toThrow(SyntaxError);
    expect(() => parseJsonExact('[1] x')).toThrow(SyntaxError);
  });
});

describe('compareWithReference', () => {
  const ref = file('ref.json', REF);
  const gen = (f: (o: Record<string, unknown>) => void, key = '/dev/dri/card0') => {
    const o = JSON.parse(REF.replace('18446744073709551615', '0'))['/dev/dri/card0'];
    f(o);
    return JSON.stringify({ [key]: o }).replace('"big":0', '"big":18446744073709551615');
  };

  it('equal when only host fields differ (kernel, device, node path)', () => {
    const g = gen((o) => {
      (o['driver'] as { kernel: unknown }).kernel = { sysname: 'Linux', release: 'vkms-ts' };
      o['device'] = { bus_type: 0, extra: 1 };
    }, '/dev/dri/card1');
    expect(compareWithReference(g, ref)).toEqual({ equal: true, message: 'equal' });
    expect(HOST_FIELDS).toEqual(['<node-path>', 'driver.kernel', 'device']);
  });

  it('reports the first differing path with both values', () => {
    const r = compareWithReference(gen((o) => { (o['connectors'] as { properties: { DPMS: { raw_value: number } } }[])[0]!.properties.DPMS.raw_value = 3; }), ref);
    expect(r).toMatchObject({ equal: false, path: '/dev/dri/card0 › connectors[0].properties.DPMS.raw_value', expected: 1n, actual: 3n });
  });

  it('compares u64 values exactly', () => {
    const g = gen(() => undefined).replace('18446744073709551615', '18446744073709551614');
    expect(compareWithReference(g, ref)).toMatchObject({ equal: false, path: '/dev/dri/card0 › big' });
  });

  it('missing and unexpected keys, key order, array length', () => {
    expect(compareWithReference(gen((o) => { delete (o['driver'] as Record<string, unknown>)['caps']; }), ref).message).toMatch(/^key missing at .* › driver\.caps/);
    expect(compareWithReference(gen((o) => { (o['driver'] as Record<string, unknown>)['x'] = 1; }), ref).message).toMatch(/^unexpected key at .* › driver\.x/);
    const reordered = gen((o) => {
      const p = (o['connectors'] as { properties: Record<string, unknown> }[])[0]!;
      p.properties = { TILE: { id: 4 }, DPMS: { id: 2, raw_value: 1 } };
    });
    expect(compareWithReference(reordered, ref)).toMatchObject({ equal: false, path: '/dev/dri/card0 › connectors[0].properties', expected: 'DPMS, TILE', actual: 'TILE, DPMS' });
    expect(compareWithReference(gen((o) => { (o['connectors'] as unknown[]).push({}); }), ref)).toMatchObject({ equal: false, path: '/dev/dri/card0 › connectors', expected: '1 items', actual: '2 items' });
  });

  it('ignore patterns: explicit paths and wildcards; node path compared unless ignored', () => {
    const g = gen((o) => { (o['connectors'] as { id: number }[])[0]!.id = 63; });
    expect(compareWithReference(g, ref).equal).toBe(false);
    expect(compareWithReference(g, ref, [...HOST_FIELDS, 'connectors[*].id']).equal).toBe(true);
    expect(compareWithReference(gen(() => undefined, '/dev/dri/card1'), ref, ['driver.kernel', 'device']).message).toBe('node path differs: /dev/dri/card1 vs /dev/dri/card0');
  });

  it('reads the host facts of a capture', () => {
    expect(referenceHost(`${REFERENCE_DIR}/default/drm_info.json`)).toEqual({
      nodePath: '/dev/dri/card0',
      kernel: { sysname: 'Linux', release: '6.12.117+deb12-amd64', version: '#1 SMP PREEMPT_DYNAMIC Debian 6.12.117-1~deb12u1 (2026-11-14)' },
      device: { available_nodes: 1, bus_type: 2, device_data: { compatible: ['vkms'] } },
    });
  });
});

describe('compareTextWithReference', () => {
  const ref = file('ref.txt', 'Node: /dev/dri/card0\n├───Device: platform vkms\n│   └───Available nodes: primary\nline\n');
  it('first differing line, ends of text included', () => {
    expect(compareTextWithReference('Node: /dev/dri/card0\n├───Device: platform vkms\n│   └───Available nodes: primary\nline\n', ref).equal).toBe(true);
    expect(compareTextWithReference('Node: /dev/dri/card0\n├───Device: platform vkms\n│   └───Available nodes: primary\nLINE\n', ref)).toMatchObject({ equal: false, line: 4, expected: 'line', actual: 'LINE' });
    expect(compareTextWithReference('Node: /dev/dri/card0\n├───Device: platform vkms\n│   └───Available nodes: primary\nline', ref)).toMatchObject({ equal: false, line: 5 });
  });
  it('host lines can be ignored', () => {
    const g = 'Node: /dev/dri/card3\n├───Device: platform x\n│   └───Available nodes: primary, render\nline\n';
    expect(compareTextWithReference(g, ref).equal).toBe(false);
    expect(compareTextWithReference(g, ref, TEXT_HOST_LINES).equal).toBe(true);
  });
});
