/**
 * What the bridge tests need from the machine: a C compiler (to build libvkms_preload.so) and, for
 * the libdrm tests, the Debian packages drm-info and libdrm-tests. When something is missing the
 * tests are skipped with the reason in their title — unless VKMS_TS_REQUIRE_BRIDGE=1 (CI), where a
 * test fails with the same reason instead.
 */
import { createHash } from 'node:crypto';
import { accessSync, constants, existsSync, readFileSync, renameSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, it } from 'vitest';
import { buildPreload, PRELOAD_SOURCE_DIR } from '../../src/bridge/build.mjs';

export const REQUIRE = process.env.VKMS_TS_REQUIRE_BRIDGE === '1';
export const REPO = fileURLToPath(new URL('../..', import.meta.url));

/** An executable on PATH, or undefined. */
export function which(cmd: string): string | undefined {
  for (const dir of (process.env.PATH ?? '/usr/bin:/bin').split(delimiter)) {
    const p = join(dir, cmd);
    try {
      accessSync(p, constants.X_OK);
      return p;
    } catch { /* next */ }
  }
  return undefined;
}

const PACKAGE_OF: Record<string, string> = { drm_info: 'drm-info', modetest: 'libdrm-tests' };

let built: { preload?: string; error?: string } | undefined;

/** Build the library once per content (shared by the test files through the temp dir). */
export function preloadLibrary(): { preload?: string; error?: string } {
  if (built) return built;
  const cc = process.env.CC || 'cc';
  if (process.platform !== 'linux') return (built = { error: `the bridge needs Linux (this is ${process.platform})` });
  if (!which(cc)) return (built = { error: `no C compiler: "${cc}" is not on PATH (install gcc, or set CC)` });
  const hash = createHash('sha256');
  for (const f of ['vkms_preload.c', 'protocol.h']) hash.update(readFileSync(join(PRELOAD_SOURCE_DIR, f)));
  const out = join(tmpdir(), `vkms-ts-preload-${hash.digest('hex').slice(0, 16)}.so`);
  if (existsSync(out)) return (built = { preload: out });
  const tmp = `${out}.${process.pid}.tmp`;
  const r = buildPreload({ out: tmp, cc });
  if (!r.ok) return (built = { error: `building libvkms_preload.so failed: ${r.message}` });
  renameSync(tmp, out);
  return (built = { preload: out });
}

export interface Prereq {
  /** Why the tests cannot run here, or undefined. */
  missing: string | undefined;
  preload: string;
}

/** Check a C compiler (and the given programs); missing → reason. */
export function bridgePrereq(programs: string[] = []): Prereq {
  const reasons: string[] = [];
  const lib = preloadLibrary();
  if (lib.error) reasons.push(lib.error);
  const absent = programs.filter((p) => !which(p));
  if (absent.length) {
    const pkgs = [...new Set(absent.map((p) => PACKAGE_OF[p] ?? p))];
    reasons.push(`${absent.join(', ')} not installed (apt-get install ${pkgs.join(' ')})`);
  }
  return { missing: reasons.length ? reasons.join('; ') : undefined, preload: lib.preload ?? '' };
}

/**
 * describe() that runs only when the prerequisites are there. Otherwise: skipped, with the
 * reason in the title and on stderr — or, with VKMS_TS_REQUIRE_BRIDGE=1, one failing test.
 */
export function describeBridge(title: string, prereq: Prereq, body: () => void): void {
  if (!prereq.missing) {
    describe(title, body);
    return;
  }
  if (REQUIRE) {
    describe(title, () => {
      it('has its prerequisites (VKMS_TS_REQUIRE_BRIDGE=1)', () => {
        throw new Error(`bridge test prerequisites missing: ${prereq.missing}`);
      });
    });
    return;
  }
  process.stderr.write(`[test/bridge] skipping "${title}": ${prereq.missing} (set VKMS_TS_REQUIRE_BRIDGE=1 to make this a failure)\n`);
  describe.skip(`${title} — skipped: ${prereq.missing}`, body);
}
