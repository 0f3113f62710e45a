// Realtime clock: vblank period error and jitter (issue 3). Lights 1024x768@60 on a realtime
// device and records, for each vblank, the timestamp the device reports and when the tick ran.
import { createVkms, Card, ClientCap, lightOutput, preferredMode, Fourcc } from '../../dist/index.js';

const median = (a) => { const s = [...a].sort((x, y) => x - y); return s[s.length >> 1]; };
const pct = (a, p) => { const s = [...a].sort((x, y) => x - y); return s[Math.min(s.length - 1, Math.floor(s.length * p))]; };

export async function run({ log }) {
  const frames = Number(process.env.VKMS_BENCH_VBLANKS ?? 120);
  const vk = await createVkms({ clock: 'realtime' });
  const card = new Card(vk.open());
  card.setClientCap(ClientCap.ATOMIC, 1);
  const conn = vk.ids.connectors.connector0, crtc = vk.ids.crtcs.crtc0, plane = vk.ids.planes.primary;
  const mode = preferredMode(card, conn);
  const { handle, pitch } = card.createDumb(mode.hdisplay, mode.vdisplay, 32);
  const fb = card.addFB2(mode.hdisplay, mode.vdisplay, Fourcc.XRGB8888, [handle], [pitch], [0]);
  await lightOutput(card, { crtc, connector: conn, mode, primary: { plane, fb, srcW: mode.hdisplay, srcH: mode.vdisplay } });
  const expectedNs = (mode.htotal * mode.vtotal * 1e6) / mode.clock;
  log(`recording ${frames} vblanks at ${(1e9 / expectedNs).toFixed(3)} Hz`);
  const stamps = [], seqs = [], late = [];
  const release = vk.clock.keepAlive();
  await new Promise((resolve) => {
    vk.onFrame(crtc, (f) => {
      const now = vk.clock.now();
      stamps.push(Number(f.timeNs));
      seqs.push(Number(f.sequence));
      late.push(Number(now - f.timeNs) / 1e6);
      if (stamps.length >= frames) resolve();
    });
  });
  release();
  await vk.unplug();
  // period per counted frame: timestamps over sequence numbers (a late tick skips frames but
  // stays on the grid, drift-corrected)
  const perFrame = stamps.slice(1).map((t, i) => (t - stamps[i]) / (seqs[i + 1] - seqs[i]) / 1e6);
  const meanPeriod = (stamps.at(-1) - stamps[0]) / (seqs.at(-1) - seqs[0]) / 1e6;
  const errPpm = ((meanPeriod * 1e6 - expectedNs) / expectedNs) * 1e6;
  const jitter = Math.sqrt(perFrame.reduce((s, p) => s + (p - meanPeriod) ** 2, 0) / perFrame.length);
  const missed = seqs.slice(1).reduce((m, q, i) => m + (q - seqs[i] - 1), 0);
  return [
    { group: 'vblank', name: 'realtime period (timestamps/sequences)', median_ms: meanPeriod, note: `expected ${(expectedNs / 1e6).toFixed(4)} ms, error ${errPpm.toFixed(2)} ppm over ${seqs.at(-1) - seqs[0]} frames` },
    { group: 'vblank', name: 'timestamp jitter per frame', median_ms: median(perFrame), p90_ms: pct(perFrame, 0.9), note: `stddev ${(jitter * 1000).toFixed(3)} µs` },
    { group: 'vblank', name: 'tick delivery latency', median_ms: median(late), p90_ms: pct(late, 0.9), note: `max ${Math.max(...late).toFixed(3)} ms; ${missed} ticks came over a frame late and were counted by timestamp` },
  ];
}
