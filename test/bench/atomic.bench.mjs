// ATOMIC ioctl benchmark (run through test/bench/run.mjs against the built dist/): how fast a
// compositor's plane-allocation probing (TEST_ONLY commits toggling 5 planes) and a blocking
// page-flip loop on the manual clock go. Rows are per commit. Never fails on a number.
import { performance } from 'node:perf_hooks';
import { createFauxDevice } from '../../dist/drm/driver/bus.js';
import { Registration, UnregisteredDevice } from '../../dist/drm/driver/registration.js';
import { checkPlaneState, NO_SCALING } from '../../dist/drm/atomic/helpers.js';
import { getCrtcState } from '../../dist/drm/atomic/state.js';
import { Card } from '../../dist/client/card.js';
import { AtomicRequest } from '../../dist/client/atomic.js';
import { AtomicFlag, ClientCap, ConnectorStatus, ConnectorType, EncoderType, Fourcc, PlaneType } from '../../dist/uapi/index.js';

const W = 1920, H = 1080;
const MODE = {
  clock: 148500, hdisplay: 1920, hsync_start: 2008, hsync_end: 2052, htotal: 2200, hskew: 0,
  vdisplay: 1080, vsync_start: 1084, vsync_end: 1089, vtotal: 1125, vscan: 0, vrefresh: 0, flags: 5, type: 0x48, name: '1920x1080',
};
const FRAME_NS = (2200n * 1125n * 1_000_000n) / 148500n; // 16 666 666 ns

/** Per-op timing: `batch` ops per sample, samples until `minMs` and `minSamples` are reached. */
function measure(op, { batch = 100, warmup = 200, minSamples = 15, minMs = 1200, maxSamples = 400 } = {}) {
  for (let i = 0; i < warmup; i++) op(i);
  globalThis.gc?.();
  const t = [];
  const start = performance.now();
  let i = warmup;
  while ((t.length < minSamples || performance.now() - start < minMs) && t.length < maxSamples) {
    const t0 = performance.now();
    for (let k = 0; k < batch; k++) op(i++);
    t.push((performance.now() - t0) / batch);
  }
  t.sort((a, b) => a - b);
  return { median: t[Math.floor(t.length / 2)], p90: t[Math.min(t.length - 1, Math.floor(t.length * 0.9))], ops: t.length * batch };
}

const row = (group, name, r, note) => ({ group, name, median_ms: r.median, p90_ms: r.p90, per_s: 1000 / r.median, note: `${note}; ${r.ops} commits` });

/** A VKMS-like device: one CRTC, a primary and 4 overlays (no-scaling plane checks), one connector. */
async function device() {
  let out;
  const vkmsCheck = (_plane, ps, ctx) => checkPlaneState(ps, ps.crtc ? getCrtcState(ctx.state, ps.crtc) : null,
    { minScale: NO_SCALING, maxScale: NO_SCALING, canPosition: true, canUpdateDisabled: true });
  const driver = {
    info: { name: 'benchdrm', desc: 'atomic bench', date: '0', major: 1, minor: 0, patchlevel: 0 },
    modeConfig: () => ({ minWidth: 10, minHeight: 10, maxWidth: 8192, maxHeight: 8192 }),
  };
  const faux = await createFauxDevice('benchdrm', {
    probe(parent) {
      const u = UnregisteredDevice.create(parent, driver, {}, { clock: 'manual' });
      const formats = [Fourcc.XRGB8888, Fourcc.ARGB8888];
      const primary = u.createPlane({ type: PlaneType.PRIMARY, possibleCrtcs: 0, formats, funcs: { atomicCheck: vkmsCheck } });
      const overlays = [0, 1, 2, 3].map(() => u.createPlane({ type: PlaneType.OVERLAY, possibleCrtcs: 1, formats, funcs: { atomicCheck: vkmsCheck } }));
      const crtc = u.createCrtc({ primary, cursor: null });
      const enc = u.createEncoder({ type: EncoderType.VIRTUAL, possibleCrtcs: 1 });
      const conn = u.createConnector({ type: ConnectorType.VIRTUAL, encoders: [enc], funcs: { detect: () => ConnectorStatus.connected, getModes: () => [MODE] } });
      const dev = Registration.newForeignOwned(u, parent, {});
      out = { dev, primary, overlays, crtc, conn };
    },
  });
  const card = new Card(out.dev.open());
  card.setClientCap(ClientCap.ATOMIC, 1);
  const fb = (w, h, format = Fourcc.XRGB8888) => {
    const d = card.createDumb(w, h, 32);
    return card.addFB2(w, h, format, [d.handle], [d.pitch], [0]);
  };
  const mode = card.createModeBlob(MODE);
  const full = [fb(W, H), fb(W, H)];
  const small = [0, 1, 2, 3].map(() => fb(256, 256, Fourcc.ARGB8888));
  const put = (req, plane, f, x, y, w, h) => req.add(plane.id, 'FB_ID', f).add(plane.id, 'CRTC_ID', out.crtc.id)
    .add(plane.id, 'SRC_X', 0).add(plane.id, 'SRC_Y', 0).add(plane.id, 'SRC_W', w << 16).add(plane.id, 'SRC_H', h << 16)
    .add(plane.id, 'CRTC_X', x).add(plane.id, 'CRTC_Y', y).add(plane.id, 'CRTC_W', w).add(plane.id, 'CRTC_H', h);
  const lit = put(new AtomicRequest().add(out.crtc.id, 'MODE_ID', mode).add(out.crtc.id, 'ACTIVE', 1).add(out.conn.id, 'CRTC_ID', out.crtc.id), out.primary, full[0], 0, 0, W, H);
  card.atomicCommitSync(lit, AtomicFlag.ALLOW_MODESET);
  return { ...out, card, faux, clock: out.dev.drm.clock, full, small, put };
}

export async function run(ctx) {
  const rows = [];
  const d = await device();
  const planes = [d.primary, ...d.overlays];

  ctx.log('atomic TEST_ONLY plane allocation');
  // every commit probes one of the 32 on/off combinations of the 5 planes, overlays at moving positions
  const probe = (i) => {
    const req = new AtomicRequest();
    const mask = i & 31;
    planes.forEach((p, k) => {
      if (!(mask & (1 << k))) return void req.add(p.id, 'FB_ID', 0).add(p.id, 'CRTC_ID', 0);
      if (k === 0) d.put(req, p, d.full[i & 1], 0, 0, W, H);
      else d.put(req, p, d.small[k - 1], (i * 7 + k * 300) % (W - 256), (i * 3 + k * 200) % (H - 256), 256, 256);
    });
    d.card.atomicCommitSync(req, AtomicFlag.TEST_ONLY | AtomicFlag.NONBLOCK);
  };
  rows.push(row('atomic', 'TEST_ONLY, 5 planes toggled (libdrm-style request, 1080p)', measure(probe), 'plane checks with drm_atomic_helper_check_plane_state'));
  // the same with a prebuilt request: the ioctl alone
  const fixed = new AtomicRequest();
  planes.forEach((p, k) => (k === 0 ? d.put(fixed, p, d.full[0], 0, 0, W, H) : d.put(fixed, p, d.small[k - 1], 100 * k, 100 * k, 256, 256)));
  rows.push(row('atomic', 'TEST_ONLY, 5 planes on (same request each time)', measure(() => d.card.atomicCommitSync(fixed, AtomicFlag.TEST_ONLY)), 'marshalling + ioctl + checks'));

  ctx.log('atomic blocking flips on the manual clock');
  const flips = [new AtomicRequest().add(d.primary.id, 'FB_ID', d.full[1]), new AtomicRequest().add(d.primary.id, 'FB_ID', d.full[0])];
  const t0 = d.clock.now();
  let n = 0;
  const blocking = (i) => {
    d.card.atomicCommitSync(flips[i & 1], AtomicFlag.PAGE_FLIP_EVENT, i);
    d.card.readEvents();
    n++;
  };
  const b = measure(blocking, { batch: 50 });
  const virtualFrames = Number((d.clock.now() - t0) / FRAME_NS);
  rows.push(row('atomic', 'blocking flip + read event (manual clock)', b, `each commit sleeps one virtual frame (${virtualFrames} frames for ${n} commits)`));
  const nonblock = (i) => {
    d.card.atomicCommitSync(flips[i & 1], AtomicFlag.NONBLOCK | AtomicFlag.PAGE_FLIP_EVENT, i);
    d.clock.advance(FRAME_NS);
    d.card.readEvents();
  };
  rows.push(row('atomic', 'NONBLOCK flip + advance(frame) + read event', measure(nonblock, { batch: 50 }), 'the compositor loop on virtual time'));
  await d.faux.unbind();
  return rows;
}
