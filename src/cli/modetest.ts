/**
 * `vkms-ts modetest`: libdrm modetest against the device — the listing (-c -e -p -f, -a) and the
 * test actions (-s -P -w -F -C -v -r -o, legacy or atomic with -a); see modetest-args.ts for the
 * grammar and modetest-actions.ts for what differs from modetest.
 */
import { Card } from '../client/index.js';
import { modetestDump } from '../client/modetest.js';
import { ClientCap } from '../uapi/drm-mode.js';
import { DEVICE_HELP, deviceFromArgs } from './device-args.js';
import { CliError } from './errors.js';
import { runModetestActions } from './modetest-actions.js';
import { parseModetestArgv } from './modetest-args.js';

export const MODETEST_HELP = `usage: vkms-ts modetest [-acefpCvr] [-s ...] [-P ...] [-w ...] [-F ...] [-o FILE] [--frames N] [device options]

Prints what libdrm's modetest prints for the device (all sections without query or test options)
and runs its tests headless: nothing waits for a key, the device's clock is advanced instead.

query options:
  -c  connectors    -e  encoders    -p  CRTCs and planes    -f  framebuffers

test options:
  -s <connector_id>[,<connector_id>][@<crtc_id>]:<mode>[@<format>]   set a mode
       mode: #<index> | <hdisp>x<vdisp>[-<vrefresh>]
             | <hdisp>,<hss>,<hse>,<htot>,<vdisp>,<vss>,<vse>,<vtot>-<vrefresh>
       a connector is an ID or a name (Virtual-1); format a fourcc (XR24, AR24, RG16...)
  -P <plane_id>@<crtc_id>:<w>x<h>[+<x>+<y>][*<scale>][@<format>]    set a plane (centred without +x+y)
  -w <obj_id>:<prop_name>:<value>   set a property (value: a number, or an enum/bitmask name)
  -F <primary>,<plane>   fill patterns: smpte (primary default), tiles (plane default), plain,
                         gradient, black-white
  -a   use the atomic API (else SETCRTC / SETPLANE / PAGE_FLIP)
  -r   the preferred mode on every connected connector
  -v   vsynced page flipping for --frames N flips (default 120); prints "freq: <Hz>" every 60
  -C   cursor test: a plain cursor of DRM_CAP_CURSOR_WIDTH x _HEIGHT at (w/2, h/2) on each
       -s CRTC (legacy API)
  -o FILE  write the output as PNG: the writeback buffer when a -s pipe has the writeback
           connector (with -a; VKMS cannot clone it with a real connector, so give it its
           own pipe: -a -s <writeback_id>@<crtc_id>:1024x768 -o out.png), else the frame
           the CRTC composes
  -d   drop master after the mode set     -M vkms, -D <device>, -S <seed>: accepted
      --frames N         flips for -v (default 120, on the device's manual clock)
${DEVICE_HELP}

exit codes: 0 ok, 1 an ioctl or commit was refused, 2 bad option or argument`;

/** Runs modetest; returns what it printed to stdout (the listing, then the action lines). */
export async function runModetest(argv: string[], log: (s: string) => void = console.log, err: (s: string) => void = console.error): Promise<string> {
  const cmd = parseModetestArgv(argv);
  if (cmd.long.help) { log(MODETEST_HELP); return ''; }
  let frames = 120;
  if (cmd.long.frames !== undefined) {
    const f = String(cmd.long.frames);
    if (!/^\d+$/.test(f) || Number(f) < 1 || Number(f) > 1_000_000) throw new CliError(`--frames: expected a positive integer, got '${f}'`);
    frames = Number(f);
  }
  const vk = await deviceFromArgs(cmd.long);
  try {
    const card = new Card(vk.open());
    const out: string[] = [];
    if (cmd.encoders || cmd.connectors || cmd.crtcs || cmd.planes || cmd.framebuffers) {
      const text = modetestDump(card, { ...cmd, stderr: err });
      log(text.replace(/\n$/, ''));
      out.push(text);
    } else {
      // what modetestDump would have set: universal planes, and atomic + writeback with -a
      card.setClientCap(ClientCap.UNIVERSAL_PLANES, 1);
      if (cmd.atomic) {
        card.setClientCap(ClientCap.ATOMIC, 1);
        card.setClientCap(ClientCap.WRITEBACK_CONNECTORS, 1);
      }
    }
    await runModetestActions(vk, card, cmd, frames, {
      out: (l) => { log(l); out.push(`${l}\n`); },
      err,
    });
    card.close();
    return out.join('');
  } finally {
    await vk.unplug();
  }
}
