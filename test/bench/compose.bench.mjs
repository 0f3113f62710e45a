// Compositor benchmark: the scenes of /work/shared/reference/perf-anchors.md, measured with the
// anchors (pixman via node-canvas, zlib.crc32, memcpy) in the same run. Never fails on a number.
import * as zlib from 'node:zlib';
import { performance } from 'node:perf_hooks';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const compose = await import('../../dist/compose/index.js');
const { Composer } = compose;

const XR24 = 0x34325258; // 'XR24'
const AR24 = 0x34325241; // 'AR24'
const KERNEL_O2 = { S1: 29.3, S2: 118.2 };
const KERNEL_O3 = { S1: 18.3, S2: 73.6 };

function measure(fn, { frames = 40, warmup = 8, minMs = 1500 } = {}) {
  for (let i = 0; i < warmup; i++) fn(i);
  globalThis.gc?.();
  const t = [];
  const start = performance.now();
  for (let i = 0; (i < frames || performance.now() - start < minMs) && i < frames * 20; i++) {
    const t0 = performance.now();
    fn(i + warmup);
    t.push(performance.now() - t0);
  }
  t.sort((a, b) => a - b);
  return { median: t[Math.floor(t.length / 2)], p90: t[Math.floor(t.length * 0.9)], n: t.length };
}

/** Premultiplied test content: the primary a gradient, the overlay and cursor with varying alpha. */
function scene(W, H, alloc = (n) => new Uint8Array(n)) {
  const ow = W / 2, oh = H / 2;
  const prim = alloc(W * H * 4);
  for (let y = 0; y < H; y++) for (let x = 0; x < W; x++) {
    const k = (y * W + x) * 4;
    prim[k] = x & 255; prim[k + 1] = y & 255; prim[k + 2] = (x ^ y) & 255; prim[k + 3] = 0xff;
  }
  const ov = alloc(ow * oh * 4);
  for (let y = 0; y < oh; y++) for (let x = 0; x < ow; x++) {
    const k = (y * ow + x) * 4;
    const a = (x + 2 * y) & 255; // every alpha 0..255
    ov[k] = (a * ((x * 7) & 255)) / 255 | 0; ov[k + 1] = (a * ((y * 3) & 255)) / 255 | 0; ov[k + 2] = (a * 200) / 255 | 0; ov[k + 3] = a;
  }
  const cur = alloc(64 * 64 * 4);
  for (let y = 0; y < 64; y++) for (let x = 0; x < 64; x++) {
    const k = (y * 64 + x) * 4;
    const a = Math.min(255, (x * 4 + y * 4) & 511);
    cur[k] = a; cur[k + 1] = (a * 128) / 255 | 0; cur[k + 2] = 0; cur[k + 3] = a;
  }
  const fb = (format, w, h, data) => ({ format, width: w, height: h, pitches: [w * 4], offsets: [0], data: [data] });
  const plane = (f, x, y) => ({
    fb: f, src: { x1: 0, y1: 0, x2: f.width << 16, y2: f.height << 16 }, dst: { x1: x, y1: y, x2: x + f.width, y2: y + f.height },
  });
  const primary = fb(XR24, W, H, prim), overlay = fb(AR24, ow, oh, ov), cursor = fb(AR24, 64, 64, cur);
  const frameAt = (cx, cy) => ({ width: W, height: H, planes: [plane(primary, 0, 0), plane(overlay, W / 4, H / 4), plane(cursor, cx, cy)] });
  const wbData = alloc(W * H * 4);
  const writeback = { format: XR24, data: wbData, pitch: W * 4, offset: 0, width: W, height: H };
  return { W, H, prim, ov, cur, frameAt, writeback, wbData };
}

function pixmanRows(s, label, ctx) {
  let canvas;
  try { canvas = require('canvas'); } catch { ctx.log('canvas not installed: no pixman anchor'); return null; }
  const { createCanvas, createImageData } = canvas;
  const toCanvas = (w, h, bgra, straight) => {
    const c = createCanvas(w, h);
    const id = createImageData(w, h);
    for (let i = 0; i < w * h * 4; i += 4) {
      const a = straight ? bgra[i + 3] : 255;
      const un = (v) => (a === 0 ? 0 : Math.min(255, Math.round((v * 255) / a)));
      id.data[i] = straight ? un(bgra[i + 2]) : bgra[i + 2];
      id.data[i + 1] = straight ? un(bgra[i + 1]) : bgra[i + 1];
      id.data[i + 2] = straight ? un(bgra[i]) : bgra[i];
      id.data[i + 3] = a;
    }
    c.getContext('2d').putImageData(id, 0, 0);
    return c;
  };
  const prim = toCanvas(s.W, s.H, s.prim, false);
  const ov = toCanvas(s.W / 2, s.H / 2, s.ov, true);
  const cur = toCanvas(64, 64, s.cur, true);
  const out = createCanvas(s.W, s.H);
  const g = out.getContext('2d');
  const draw = () => { g.drawImage(prim, 0, 0); g.drawImage(ov, s.W / 4, s.H / 4); g.drawImage(cur, 100, 100); };
  const noRead = measure(draw, { frames: 60 });
  const withRead = measure(() => { draw(); out.toBuffer('raw'); }, { frames: 40 });
  return { noRead, withRead };
}

export async function run(ctx) {
  const rows = [];
  const row = (group, name, m, px, ratio, note) => rows.push({
    group, name, median_ms: m.median, p90_ms: m.p90, per_s: 1000 / m.median, ns_per_px: (m.median * 1e6) / px, ratio, note,
  });

  for (const [label, W, H] of [['S1', 1920, 1080], ['S2', 3840, 2160]]) {
    ctx.log(`${label}: building ${W}x${H} scene`);
    const s = scene(W, H);
    const px = W * H;
    const frame = s.frameAt(100, 100);
    const c = new Composer();
    // full pipeline: CRC + XRGB8888 writeback, every line recomposed (no damage information)
    const full = measure(() => c.compose(frame, { crc: true, writeback: s.writeback }), { frames: label === 'S1' ? 60 : 20 });
    const pix = pixmanRows(s, label, ctx);
    const kO2 = KERNEL_O2[label], kO3 = KERNEL_O3[label];
    row(label, 'compose CRC+writeback, 1 core', full, px, full.median / kO2,
      `${(kO2 / full.median).toFixed(2)}x faster than kernel -O2, ${(kO3 / full.median).toFixed(2)}x vs -O3` +
      (pix ? `, ${(full.median / pix.withRead.median).toFixed(1)}x pixman+readback` : ''));
    row(label, 'kernel VKMS -O2 (anchor, perf-anchors.md)', { median: kO2, p90: kO2 }, px, 1, 'not measured here');
    row(label, 'kernel VKMS -O3 (anchor, perf-anchors.md)', { median: kO3, p90: kO3 }, px, kO3 / kO2, 'not measured here');

    // 8-bit path: writeback only, no CRC
    const c8 = new Composer();
    const p8 = measure(() => c8.compose(frame, { writeback: s.writeback }), { frames: label === 'S1' ? 60 : 20 });
    row(label, 'compose 8-bit path (writeback only, no CRC)', p8, px, pix ? p8.median / pix.noRead.median : undefined,
      pix ? `ratio = vs pixman no readback; ${(p8.median / pix.withRead.median).toFixed(2)}x vs pixman+readback` : '');

    // the same scene with every buffer in the pixel heap: the kernels work in place (no copies)
    {
      const heap = new compose.PixelHeap(64 << 20, 1 << 30);
      const sh = scene(W, H, (n) => heap.alloc(n));
      const fh = sh.frameAt(100, 100);
      const ch = new Composer({ heap });
      const mh = measure(() => ch.compose(fh, { crc: true, writeback: sh.writeback }), { frames: label === 'S1' ? 60 : 20 });
      row(label, 'compose CRC+writeback, 1 core, pixel heap', mh, px, mh.median / full.median,
        `ratio = vs copying; ${(kO2 / mh.median).toFixed(2)}x faster than kernel -O2; CRC equal: ${ch.compose(fh, { crc: true }).crc === c.compose(frame, { crc: true }).crc}`);
      const c8h = new Composer({ heap });
      const m8h = measure(() => c8h.compose(fh, { writeback: sh.writeback }), { frames: label === 'S1' ? 60 : 20 });
      row(label, 'compose 8-bit path, pixel heap', m8h, px, pix ? m8h.median / pix.noRead.median : undefined,
        pix ? `ratio = vs pixman no readback (target <= 3)` : '');
      if (compose.ParallelComposer) {
        const pch = new compose.ParallelComposer({ workers: 1, heap });
        await pch.ready();
        const mp = measure(() => pch.compose(fh, { crc: true, writeback: sh.writeback }), { frames: label === 'S1' ? 60 : 20 });
        row(label, 'compose CRC+writeback, main + 1 worker, pixel heap', mp, px, mp.median / full.median, 'ratio = vs 1 core copying');
        await pch.close();
      }
    }

    if (label === 'S1') {
      // S3: only the cursor moves; damage = old and new cursor rectangles
      const c3 = new Composer();
      c3.compose(s.frameAt(100, 100), { crc: true, writeback: s.writeback });
      let cx = 100, cy = 100;
      const s3 = measure((i) => {
        const ox = cx, oy = cy;
        cx = 100 + ((i * 7) % 600); cy = 100 + ((i * 5) % 300);
        c3.compose(s.frameAt(cx, cy), { crc: true, writeback: s.writeback },
          [{ x1: ox, y1: oy, x2: ox + 64, y2: oy + 64 }, { x1: cx, y1: cy, x2: cx + 64, y2: cy + 64 }]);
      }, { frames: 200 });
      row('S3', 'cursor moved, damage-driven, CRC+writeback', s3, px, full.median / s3.median,
        `ratio = S1 time / S3 time (target >= 10)`);
      // the incremental result must equal a full recompose
      const check = new Composer().compose(s.frameAt(cx, cy), { crc: true }).crc;
      const inc = c3.compose(s.frameAt(cx, cy), { crc: true, writeback: s.writeback }, []).crc;
      if (check !== inc) ctx.log(`S3 CRC MISMATCH ${check} vs ${inc}`);
    }

    if (compose.ParallelComposer) {
      const pc = new compose.ParallelComposer({ workers: 1 });
      const shared = (u8) => { const b = new Uint8Array(new SharedArrayBuffer(u8.length)); b.set(u8); return b; };
      const sp = { ...s, prim: shared(s.prim), ov: shared(s.ov), cur: shared(s.cur) };
      const f2 = {
        ...frame,
        planes: frame.planes.map((p, i) => ({ ...p, fb: { ...p.fb, data: [[sp.prim, sp.ov, sp.cur][i]] } })),
      };
      const wb2 = { ...s.writeback, data: shared(s.wbData) };
      await pc.ready();
      const m = measure(() => pc.compose(f2, { crc: true, writeback: wb2 }), { frames: label === 'S1' ? 60 : 20 });
      const same = pc.compose(f2, { crc: true, writeback: wb2 }).crc === c.compose(frame, { crc: true }).crc;
      row(label, 'compose CRC+writeback, main + 1 worker', m, px, m.median / full.median, `ratio = vs 1 core; CRC equal: ${same}`);
      await pc.close();
    }

    if (pix) {
      row(label, 'pixman: 3x drawImage, no readback', pix.noRead, px, 1, 'node-canvas (cairo/pixman), 8-bit, no CRC');
      row(label, 'pixman: 3x drawImage + toBuffer(raw)', pix.withRead, px, pix.withRead.median / pix.noRead.median, 'ratio = vs no readback');
    }
    // zlib.crc32 over the 16-bit frame, chained per line
    const line = new Uint8Array(W * 8).fill(7);
    const crcM = measure(() => { let v = 0; for (let y = 0; y < H; y++) v = zlib.crc32(line, v); return v; }, { frames: 30 });
    row(label, 'zlib.crc32 over the 16-bit frame (anchor)', crcM, px, crcM.median / full.median, 'ratio = share of the full compose');
    const dst = new Uint8Array(W * H * 4);
    const mc = measure(() => dst.set(s.prim), { frames: 60 });
    row(label, 'memcpy XRGB8888 frame, TypedArray.set (anchor)', mc, px, mc.median / full.median, 'ratio = share of the full compose');
    globalThis.gc?.();
  }
  return rows;
}
