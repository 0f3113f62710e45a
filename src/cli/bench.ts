/** `vkms-ts bench`: the benchmarks of test/bench (a source checkout), printed as a table + JSON. */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { CliError } from './errors.js';

export const BENCH_HELP = `usage: vkms-ts bench [filter...] [--json out.json]

Runs the benchmarks (compositor, PNG, atomic commits, vblank timing) against the built package and
prints a table and JSON; a filter picks bench files by name (e.g. 'compose').`;

export function runBench(argv: string[]): number {
  if (argv.includes('--help') || argv.includes('-h')) { console.log(BENCH_HELP); return 0; }
  const runner = fileURLToPath(new URL('../../test/bench/run.mjs', import.meta.url));
  if (!existsSync(runner)) throw new CliError('bench: the benchmarks live in a source checkout (test/bench); run it from the repository');
  const r = spawnSync(process.execPath, ['--expose-gc', runner, ...argv], { stdio: 'inherit' });
  return r.status ?? 1;
}
