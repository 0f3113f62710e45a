// uapi Appendix A / issue 5: with the same module parameters, `vkms-ts info --json --profile
// linux-6.12` reproduces the real 6.12 module's drm_info dump field for field (host fields aside),
// and `modetest` its modetest listing byte for byte.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { runInfo } from '../../src/cli/info.js';
import { runModetest } from '../../src/cli/modetest.js';

const refDir = new URL('../../fixtures/reference/vkms-6.12/', import.meta.url);
const read = (v: string, f: string) => readFileSync(new URL(`${v}/${f}`, refDir), 'utf8');
const VARIANTS = [['default', []], ['minimal', ['--no-cursor', '--no-writeback']], ['full', ['--overlay']]] as const;

/** The node without what describes the host (kernel release, device path and bus). */
function strip(json: string): unknown {
  const node = Object.values(JSON.parse(json) as Record<string, Record<string, unknown>>)[0]!;
  delete (node.driver as Record<string, unknown>).kernel;
  delete node.device;
  return node;
}

describe('linux-6.12 profile against the real module', () => {
  for (const [v, args] of VARIANTS) {
    it(`drm_info -j (${v})`, async () => {
      const out = await runInfo(['--json', '--profile', 'linux-6.12', ...args], () => undefined);
      expect(strip(out)).toEqual(strip(read(v, 'drm_info.json')));
      // key order too: the serialisation without host fields is identical
      expect(JSON.stringify(strip(out))).toBe(JSON.stringify(strip(read(v, 'drm_info.json'))));
    });
    it(`modetest (${v})`, async () => {
      const out = await runModetest(['--profile', 'linux-6.12', ...args], () => undefined);
      expect(out.trimEnd()).toBe(read(v, 'modetest.txt').trimEnd());
    });
  }
});
