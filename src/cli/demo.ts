/**
 * `vkms-ts demo`: the default device with overlays enabled lights its preferred mode with an
 * SMPTE primary, a translucent overlay and a cursor, captures the frame through the writeback
 * connector and writes it as a PNG.
 */
import { writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { AtomicRequest, Card } from '../client/index.js';
import { framebufferToPng } from '../io/index.js';
import { AtomicFlag, ClientCap, Fourcc, ModeType } from '../uapi/index.js';
import { createVkms, type ProfileName } from '../vkms/index.js';
import { CliError } from './errors.js';
import { createFb, fillFbPattern, paintArgb } from './scene.js';

export const DEMO_HELP = `usage: vkms-ts demo [--out demo.png] [--profile latest|linux-6.12] [--json]

Creates the default VKMS device (overlay planes enabled), lights the preferred mode with an SMPTE
primary plane, a translucent overlay and a cursor, captures the composed frame through the
writeback connector and writes it as a PNG.

  -o, --out PATH      where to write the PNG (default demo.png)
      --profile NAME  latest (default) or linux-6.12
      --json          print the summary as JSON
  -h, --help          this text`;

export interface DemoResult {
  out: string; profile: string; mode: string; crc: string; fenceSignaled: boolean; ms: number;
  objects: { crtc: number; connector: number; primary: number; overlay: number; cursor: number; writeback: number };
}

export async function runDemo(argv: string[], log: (s: string) => void = console.log): Promise<DemoResult> {
  const { values } = parseArgs({ args: argv, options: { out: { type: 'string', short: 'o' }, profile: { type: 'string' }, json: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } }, strict: true });
  if (values.help) { log(DEMO_HELP); return undefined as never; }
  const profile = (values.profile ?? 'latest') as ProfileName;
  if (profile !== 'latest' && profile !== 'linux-6.12') throw new CliError(`demo: unknown profile "${profile}" (latest or linux-6.12)`);
  const out = values.out ?? 'demo.png';
  const t0 = performance.now();
  const vk = await createVkms({ profile, enable_overlay: true, clock: 'manual' });
  try {
    const card = new Card(vk.open());
    card.setClientCap(ClientCap.ATOMIC, 1);
    card.setClientCap(ClientCap.WRITEBACK_CONNECTORS, 1);
    const connId = vk.ids.connectors.connector0!, crtcId = vk.ids.crtcs.crtc0!;
    const primaryId = vk.ids.planes.primary!, overlayId = vk.ids.planes.overlay0!, cursorId = vk.ids.planes.cursor!, wbId = vk.ids.writeback.crtc0!;
    const conn = card.getConnector(connId);
    const mode = conn.modes.find((m) => m.type & ModeType.PREFERRED) ?? conn.modes[0];
    if (!mode) throw new CliError('demo: the connector reports no modes', 1);
    const W = mode.hdisplay, H = mode.vdisplay;
    const primary = createFb(card, W, H, Fourcc.XRGB8888);
    fillFbPattern(primary, 'smpte');
    // a translucent overlay: premultiplied white→blue, alpha rising left to right
    const ow = W >> 1, oh = H >> 1;
    const overlay = createFb(card, ow, oh, Fourcc.ARGB8888);
    paintArgb(overlay, (x, y) => {
      const a = Math.round(64 + (160 * x) / (ow - 1));
      const blue = Math.round((255 * y) / (oh - 1));
      return [a, Math.round((a * (255 - blue)) / 255), Math.round((a * (255 - blue)) / 255), a];
    });
    // a 64x64 arrow cursor
    const cursor = createFb(card, 64, 64, Fourcc.ARGB8888);
    paintArgb(cursor, (x, y) => (x <= y && x + y < 96 ? (x === 0 || x === y || x + y >= 94 ? [255, 0, 0, 0] : [255, 255, 255, 255]) : [0, 0, 0, 0]));
    const wb = createFb(card, W, H, Fourcc.XRGB8888);
    const req = new AtomicRequest()
      .add(crtcId, 'MODE_ID', card.createModeBlob(mode)).add(crtcId, 'ACTIVE', 1).add(connId, 'CRTC_ID', crtcId);
    const plane = (id: number, fb: { id: number; width: number; height: number }, x: number, y: number) => req
      .add(id, 'FB_ID', fb.id).add(id, 'CRTC_ID', crtcId).add(id, 'SRC_W', fb.width * 65536).add(id, 'SRC_H', fb.height * 65536)
      .add(id, 'CRTC_X', x).add(id, 'CRTC_Y', y).add(id, 'CRTC_W', fb.width).add(id, 'CRTC_H', fb.height);
    plane(primaryId, primary, 0, 0);
    plane(overlayId, overlay, W >> 2, H >> 2);
    plane(cursorId, cursor, Math.round(W * 0.6), Math.round(H * 0.55));
    req.add(wbId, 'CRTC_ID', crtcId).add(wbId, 'WRITEBACK_FB_ID', wb.id);
    card.addOutFence(req, wbId, 'WRITEBACK_OUT_FENCE_PTR');
    vk.debugfs.setCrcSource('crtc0', 'auto');
    await card.atomicCommit(req, AtomicFlag.ALLOW_MODESET);
    vk.vblank('crtc0', 1);
    const fence = card.fd.fds.get(req.outFence(wbId)!) as { signaled: boolean } | undefined;
    const crcs = vk.debugfs.readCrc('crtc0');
    const png = framebufferToPng({ format: wb.format, width: W, height: H, pitches: [wb.pitch], offsets: [0], data: [wb.bytes] }, { alpha: 'opaque' });
    writeFileSync(out, png);
    const res: DemoResult = {
      out, profile, mode: `${mode.name} ${mode.vrefresh}Hz`, crc: `0x${(crcs.at(-1)?.crc ?? 0).toString(16).padStart(8, '0')}`,
      fenceSignaled: fence?.signaled ?? false, ms: Math.round(performance.now() - t0),
      objects: { crtc: crtcId, connector: connId, primary: primaryId, overlay: overlayId, cursor: cursorId, writeback: wbId },
    };
    if (values.json) log(JSON.stringify(res, null, 2));
    else {
      log(`vkms-ts demo: ${vk.name} (profile ${profile}), mode ${res.mode} on connector ${connId} / CRTC ${crtcId}`);
      log(`  planes: primary ${primaryId} (XRGB8888 smpte), overlay ${overlayId} (ARGB8888 translucent ${ow}x${oh}), cursor ${cursorId} (ARGB8888 64x64)`);
      log(`  writeback: connector ${wbId} → XRGB8888 ${W}x${H}, out-fence ${res.fenceSignaled ? 'signalled' : 'NOT signalled'}`);
      log(`  frame CRC ${res.crc}; wrote ${out} (${png.length} bytes) in ${res.ms} ms`);
    }
    if (!res.fenceSignaled) throw new CliError('demo: the writeback job did not complete', 1);
    return res;
  } finally {
    await vk.unplug();
  }
}
