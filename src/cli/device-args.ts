/** Device options shared by the CLI commands: profile, module parameters, a topology file. */
import { readFileSync } from 'node:fs';
import { createVkms, type VkmsDevice, type VkmsOptions, type VkmsTopology } from '../vkms/index.js';
import { CliError } from './errors.js';

export const DEVICE_OPTIONS = {
  profile: { type: 'string' },
  config: { type: 'string' },
  cursor: { type: 'boolean' },
  'no-cursor': { type: 'boolean' },
  writeback: { type: 'boolean' },
  'no-writeback': { type: 'boolean' },
  overlay: { type: 'boolean' },
} as const;

export const DEVICE_HELP = `device options:
      --profile NAME     latest (default) or linux-6.12
      --config FILE      a topology JSON (vkmsctl shape: planes, crtcs, encoders, connectors)
      --overlay          enable_overlay=1 (8 overlay planes)
      --no-cursor        enable_cursor=0
      --no-writeback     enable_writeback=0`;

/** Parse a topology file, naming the JSON problem (position) or the missing field. */
export function readTopology(path: string): VkmsTopology {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    throw new CliError(`cannot read ${path}: ${(e as Error).message}`);
  }
  try {
    return JSON.parse(text) as VkmsTopology;
  } catch (e) {
    throw new CliError(`${path}: invalid JSON: ${(e as Error).message}`);
  }
}

export async function deviceFromArgs(v: Record<string, unknown>, extra: VkmsOptions = {}): Promise<VkmsDevice> {
  const profile = (v.profile as string | undefined) ?? 'latest';
  if (profile !== 'latest' && profile !== 'linux-6.12') throw new CliError(`unknown profile "${profile}" (latest or linux-6.12)`);
  const opts: VkmsOptions = {
    profile, clock: 'manual', ...extra,
    enable_cursor: v['no-cursor'] ? false : true,
    enable_writeback: v['no-writeback'] ? false : true,
    enable_overlay: Boolean(v.overlay),
  };
  if (typeof v.config === 'string') opts.topology = readTopology(v.config);
  return createVkms(opts);
}
