#!/usr/bin/env node
/**
 * Build the bridge's preload library (the C half of `vkms-ts run-client`):
 *
 *   node src/bridge/build.mjs [--out <file>] [--cc <compiler>] [--optional]
 *
 * --optional: a missing compiler or a failed build is a warning (exit 0), for `npm run build` on
 * machines that will never run the bridge.
 * Default output: dist/bridge/libvkms_preload.so. The compiler is $CC, else cc. Plain JavaScript
 * so it runs before (and without) the TypeScript build. Exits 1 with the compiler's message on
 * failure; `buildPreload()` is the same as a function (used by the tests).
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
export const PRELOAD_SOURCE_DIR = join(here, 'preload');
export const DEFAULT_PRELOAD_OUT = resolve(here, '../../dist/bridge/libvkms_preload.so');

export const CFLAGS = ['-shared', '-fPIC', '-O2', '-g', '-std=gnu11', '-Wall', '-Wextra', '-Wno-unused-parameter', '-Wno-format-truncation',
  '-fvisibility=hidden', '-U_FORTIFY_SOURCE', '-D_FORTIFY_SOURCE=0'];

/** Compile the library; returns { ok, out, cc, message }. */
export function buildPreload({ out = DEFAULT_PRELOAD_OUT, cc = process.env.CC || 'cc' } = {}) {
  mkdirSync(dirname(out), { recursive: true });
  const args = [...CFLAGS, '-I', PRELOAD_SOURCE_DIR, '-o', out, join(PRELOAD_SOURCE_DIR, 'vkms_preload.c'), '-ldl', '-lpthread'];
  const r = spawnSync(cc, args, { encoding: 'utf8' });
  if (r.error) return { ok: false, out, cc, message: `cannot run the C compiler "${cc}": ${r.error.message}` };
  if (r.status !== 0) return { ok: false, out, cc, message: `${cc} ${args.join(' ')}\n${r.stderr}` };
  return { ok: true, out, cc, message: r.stderr };
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const argv = process.argv.slice(2);
  const opt = (name) => { const i = argv.indexOf(name); return i >= 0 ? argv[i + 1] : undefined; };
  const r = buildPreload({ out: opt('--out') ? resolve(opt('--out')) : undefined, cc: opt('--cc') });
  if (!r.ok) {
    if (argv.includes('--optional')) {
      console.error(`warning: libvkms_preload.so not built (vkms-ts run-client will not work): ${r.message}`);
      process.exit(0);
    }
    console.error(`build:bridge failed: ${r.message}`);
    process.exit(1);
  }
  if (r.message.trim()) console.error(r.message.trim());
  console.log(`built ${r.out}`);
}
