/**
 * What the bridge tests need from the machine: a C compiler (to build libvkms_preload.so) and, for
 * the libdrm tests, the Debian packages drm-info and libdrm-tests. When something is missing the
 * tests are skipped with the reason in their title — unless VKMS_TS_REQUIRE_BRIDGE=1 (CI), where a
 * test fails with the same reason instead. Tests that compile a C program of their own against a
 * library (test/bridge/c/) also need gcc, pkg-config and the library's -dev package.
 */
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { accessSync, constants, existsSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, it } from 'vitest';
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

const PACKAGE_OF: Record<string, string> = { drm_info: 'drm-info', modetest: 'libdrm-tests', gcc: 'gcc', 'pkg-config': 'pkg-config' };

/** pkg-config libraries the C test programs build against: their Debian package and a header to try. */
const LIBRARY_OF: Record<string, { pkg: string; header: string }> = { libdrm: { pkg: 'libdrm-dev', header: 'xf86drm.h' } };

/** The C compiler for the test programs (the issue: "compiled with gcc"). */
export const TEST_CC = 'gcc';

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

/** `pkg-config --cflags --libs` of the libraries, split into arguments (throws when pkg-config fails). */
export function pkgConfig(libs: readonly string[]): string[] {
  const r = spawnSync('pkg-config', ['--cflags', '--libs', ...libs], { encoding: 'utf8' });
  if (r.error || r.status !== 0) throw new Error(`pkg-config --cflags --libs ${libs.join(' ')} failed: ${r.error?.message ?? r.stderr.trim()}`);
  return r.stdout.trim().split(/\s+/).filter(Boolean);
}

/** Why gcc cannot build against these pkg-config libraries here (one reason per gap), or []. */
function libraryGaps(libs: readonly string[]): string[] {
  const tools = [TEST_CC, 'pkg-config'].filter((t) => !which(t));
  if (tools.length) return [`${tools.join(', ')} not installed (apt-get install ${[...tools.map((t) => PACKAGE_OF[t] ?? t), ...libs.map((l) => LIBRARY_OF[l]?.pkg ?? l)].join(' ')})`];
  const gaps: string[] = [];
  for (const l of libs) {
    const pkg = LIBRARY_OF[l]?.pkg ?? `the -dev package of ${l}`;
    if (spawnSync('pkg-config', ['--exists', l]).status !== 0) {
      gaps.push(`pkg-config does not know ${l} (apt-get install ${pkg})`);
      continue;
    }
    const header = LIBRARY_OF[l]?.header;
    if (!header) continue;
    const cc = spawnSync(TEST_CC, ['-fsyntax-only', '-x', 'c', '-', ...pkgConfig([l])], { input: `#include <stdint.h>\n#include <stddef.h>\n#include <${header}>\n`, encoding: 'utf8' });
    if (cc.status !== 0) gaps.push(`${TEST_CC} cannot include <${header}> (apt-get install ${pkg}): ${cc.stderr.trim().split('\n')[0] ?? ''}`);
  }
  return gaps;
}

/**
 * Check a C compiler (and the given programs, and — for test programs compiled here — gcc,
 * pkg-config and the headers of the given pkg-config libraries); missing → reason.
 */
export function bridgePrereq(programs: string[] = [], opts: { libraries?: string[] } = {}): Prereq {
  const reasons: string[] = [];
  const lib = preloadLibrary();
  if (lib.error) reasons.push(lib.error);
  const absent = programs.filter((p) => !which(p));
  if (absent.length) {
    const pkgs = [...new Set(absent.map((p) => PACKAGE_OF[p] ?? p))];
    reasons.push(`${absent.join(', ')} not installed (apt-get install ${pkgs.join(' ')})`);
  }
  if (opts.libraries) reasons.push(...libraryGaps(opts.libraries));
  return { missing: reasons.length ? reasons.join('; ') : undefined, preload: lib.preload ?? '' };
}

/**
 * Compile a C program of test/bridge/c/ with `gcc -Wall -O2 … $(pkg-config --cflags --libs libs)`
 * into the temp dir (named by content); throws with gcc's messages when it does not build. Warnings
 * are returned: the test decides what to do with them.
 */
export function compileCProgram(source: string, libs: readonly string[]): { exe: string; warnings: string } {
  const flags = pkgConfig(libs);
  const hash = createHash('sha256').update(readFileSync(source)).update(flags.join(' ')).digest('hex').slice(0, 16);
  const exe = join(tmpdir(), `vkms-ts-${source.replace(/^.*\//, '').replace(/\.c$/, '')}-${hash}`);
  const tmp = `${exe}.${process.pid}.tmp`;
  const r = spawnSync(TEST_CC, ['-Wall', '-O2', '-o', tmp, source, ...flags], { encoding: 'utf8' });
  if (r.error || r.status !== 0) throw new Error(`${TEST_CC} ${source} failed: ${r.error?.message ?? r.stderr}`);
  renameSync(tmp, exe);
  return { exe, warnings: r.stderr };
}

/**
 * Compile a C program a test holds inline (raw syscalls, no library) into a fresh temp dir with
 * `$CC -std=gnu11 -Wall` (+ `flags`). `error` is the compiler's output when the build failed — or,
 * with `strict`, when it printed anything at all (warnings); tests assert it is empty. `cleanup`
 * removes the dir.
 */
export function compileInlineC(name: string, source: string, o: { flags?: readonly string[]; strict?: boolean } = {}): { exe: string; error: string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), `vkms-${name}-`));
  const src = join(dir, `${name}.c`);
  const exe = join(dir, name);
  writeFileSync(src, source);
  const r = spawnSync(process.env.CC || 'cc', ['-std=gnu11', '-Wall', ...(o.flags ?? []), '-o', exe, src], { encoding: 'utf8' });
  const failed = r.status !== 0 || (o.strict === true && r.stderr !== '');
  return { exe, error: failed ? r.stderr || String(r.error) : '', cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/**
 * compileInlineC in the surrounding describe(): built in beforeAll, removed in afterAll. Read
 * `exe` and `error` inside the tests.
 */
export function inlineCProgram(name: string, source: string, o: { flags?: readonly string[]; strict?: boolean } = {}): { readonly exe: string; readonly error: string } {
  let built: ReturnType<typeof compileInlineC> | null = null;
  beforeAll(() => { built = compileInlineC(name, source, o); });
  afterAll(() => built?.cleanup());
  return {
    get exe() { return built!.exe; },
    get error() { return built!.error; },
  };
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
