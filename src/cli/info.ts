/** `vkms-ts info`: the device listing, as drm_info prints it (JSON with --json). */
import { parseArgs } from 'node:util';
import { Card } from '../client/index.js';
import { drmInfo, drmInfoJson } from '../client/drm-info.js';
import { drmInfoText } from '../client/drm-info-text.js';
import { DEVICE_HELP, DEVICE_OPTIONS, deviceFromArgs } from './device-args.js';

export const INFO_HELP = `usage: vkms-ts info [--json] [device options]

Lists the device as drm_info does: driver, caps, connectors, encoders, CRTCs, planes and every
property. With --json the output has drm_info -j's format.

      --json             JSON output
${DEVICE_HELP}`;

export async function runInfo(argv: string[], log: (s: string) => void = console.log): Promise<string> {
  const { values } = parseArgs({ args: argv, options: { json: { type: 'boolean' }, help: { type: 'boolean', short: 'h' }, ...DEVICE_OPTIONS }, strict: true });
  if (values.help) { log(INFO_HELP); return ''; }
  const vk = await deviceFromArgs(values);
  try {
    const card = new Card(vk.open());
    const node = drmInfo(card, { nodePath: '/dev/dri/card0' });
    const text = values.json ? drmInfoJson({ '/dev/dri/card0': node }) : drmInfoText({ '/dev/dri/card0': node });
    log(text.replace(/\n$/, ''));
    card.close();
    return text;
  } finally {
    await vk.unplug();
  }
}
