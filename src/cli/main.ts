#!/usr/bin/env node
/** The `vkms-ts` command. */
import { DrmError } from '../uapi/errno.js';
import { VkmsConfigError } from '../vkms/index.js';
import { DEMO_HELP, runDemo } from './demo.js';
import { INFO_HELP, runInfo } from './info.js';
import { MODETEST_HELP, runModetest } from './modetest.js';
import { RUN_HELP, runScenario } from './run.js';
import { BENCH_HELP, runBench } from './bench.js';
import { RUN_CLIENT_HELP, runClient } from './run-client.js';
import { CliError, EXIT } from './errors.js';

const USAGE = `usage: vkms-ts <command> [options]

A virtual DRM/KMS device (Linux VKMS) in TypeScript.

commands:
  demo       light the default device and write the composed frame to demo.png
  info       list the device as drm_info does (--json for drm_info -j)
  modetest   libdrm's modetest: the listing (-c -e -p -f -a) and its tests (-s -P -w -v -o ...)
  run        run a declarative test scenario (JSON): commits, vblanks, captures, CRCs
  run-client run a real libdrm program against the device (e.g. -- drm_info -j)
  bench      run the benchmarks (table + JSON)
  help CMD   help for a command

Run 'vkms-ts <command> --help' for a command's options.`;

const HELP: Record<string, string> = { demo: DEMO_HELP, info: INFO_HELP, modetest: MODETEST_HELP, run: RUN_HELP, bench: BENCH_HELP, 'run-client': RUN_CLIENT_HELP };

async function main(argv: string[]): Promise<number> {
  const [cmd, ...rest] = argv;
  if (!cmd || cmd === '--help' || cmd === '-h') { console.log(USAGE); return EXIT.OK; }
  if (cmd === 'help') {
    const h = rest[0] ? HELP[rest[0]] : USAGE;
    if (!h) throw new CliError(`help: unknown command '${rest[0]}'`);
    console.log(h);
    return EXIT.OK;
  }
  switch (cmd) {
    case 'demo':
      await runDemo(rest);
      return EXIT.OK;
    case 'info':
      await runInfo(rest);
      return EXIT.OK;
    case 'modetest':
      await runModetest(rest);
      return EXIT.OK;
    case 'run':
      await runScenario(rest);
      return EXIT.OK;
    case 'bench':
      return runBench(rest);
    case 'run-client':
      return runClient(rest);
    default:
      throw new CliError(`unknown command '${cmd}' (try 'vkms-ts --help')`);
  }
}

main(process.argv.slice(2)).then((code) => process.exit(code), (e: unknown) => {
  if (e instanceof CliError) { console.error(`vkms-ts: ${e.message}`); process.exit(e.exitCode); }
  if (e instanceof VkmsConfigError) { console.error(`vkms-ts: invalid configuration: ${e.message}`); process.exit(EXIT.USAGE); }
  if (e instanceof DrmError) { console.error(`vkms-ts: ${e.message}`); process.exit(EXIT.FAILED); }
  if (e instanceof Error && (e as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')) { console.error(`vkms-ts: ${e.message}`); process.exit(EXIT.USAGE); }
  console.error(e);
  process.exit(EXIT.FAILED);
});
