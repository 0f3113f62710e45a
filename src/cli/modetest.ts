/** `vkms-ts modetest`: libdrm modetest's listing (-c -e -p -f, -a) against the device. */
import { parseArgs } from 'node:util';
import { Card } from '../client/index.js';
import { modetestArgs, modetestDump } from '../client/modetest.js';
import { DEVICE_HELP, DEVICE_OPTIONS, deviceFromArgs } from './device-args.js';

export const MODETEST_HELP = `usage: vkms-ts modetest [-c] [-e] [-p] [-f] [-a] [device options]

Prints what libdrm's modetest prints for the device (all sections without flags).

  -c  connectors    -e  encoders    -p  CRTCs and planes    -f  framebuffers    -a  atomic
${DEVICE_HELP}`;

export async function runModetest(argv: string[], log: (s: string) => void = console.log): Promise<string> {
  const mt = argv.filter((a) => /^-[cepfa]+$/.test(a));
  const rest = argv.filter((a) => !/^-[cepfa]+$/.test(a));
  const { values } = parseArgs({ args: rest, options: { help: { type: 'boolean', short: 'h' }, ...DEVICE_OPTIONS }, strict: true });
  if (values.help) { log(MODETEST_HELP); return ''; }
  const vk = await deviceFromArgs(values);
  try {
    const card = new Card(vk.open());
    const text = modetestDump(card, modetestArgs(mt));
    log(text.replace(/\n$/, ''));
    card.close();
    return text;
  } finally {
    await vk.unplug();
  }
}
