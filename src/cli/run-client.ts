/** `vkms-ts run-client [device options] -- <program> [args]`: a real libdrm program against vkms-ts. */
import { parseArgs } from 'node:util';
import { BridgeError, runWithBridge } from '../bridge/index.js';
import { DEVICE_HELP, DEVICE_OPTIONS, deviceFromArgs } from './device-args.js';
import { CliError } from './errors.js';

export const RUN_CLIENT_HELP = `usage: vkms-ts run-client [device options] -- <program> [args...]

Runs an unmodified libdrm program (drm_info, modetest -M vkms, proptest, …) against a vkms-ts
device: the program sees /dev/dri/card0, sysfs and udev as for the real VKMS module. Needs the
bridge library (npm run build:bridge, a C compiler). The device uses the realtime clock.

  e.g. vkms-ts run-client -- drm_info -j
       vkms-ts run-client --profile linux-6.12 -- modetest -M vkms -c
${DEVICE_HELP}`;

export async function runClient(argv: string[], opts: { preload?: string; stdio?: 'inherit' | 'pipe' } = {}): Promise<number> {
  const dash = argv.indexOf('--');
  const own = dash >= 0 ? argv.slice(0, dash) : argv;
  const program = dash >= 0 ? argv.slice(dash + 1) : [];
  const { values } = parseArgs({ args: own, options: { help: { type: 'boolean', short: 'h' }, ...DEVICE_OPTIONS }, strict: true });
  if (values.help) { console.log(RUN_CLIENT_HELP); return 0; }
  if (program.length === 0) throw new CliError("run-client: no program given (put it after '--')");
  // real programs block in commits and vblank waits: the device needs real time
  const vk = await deviceFromArgs(values, { clock: 'realtime' });
  try {
    const r = await runWithBridge(program, { device: vk, stdio: opts.stdio ?? 'inherit', ...(opts.preload ? { preload: opts.preload } : {}) });
    return r.code ?? (r.signal ? 128 + 1 : 1);
  } catch (e) {
    if (e instanceof BridgeError) throw new CliError(`run-client: ${e.message}`, 1);
    throw e;
  } finally {
    await vk.unplug();
  }
}
