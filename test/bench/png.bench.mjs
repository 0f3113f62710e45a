// PNG and pattern benchmarks for io/ (run through test/bench/run.mjs against the built dist/).
// 1080p frames: encode (fast writer vs pngjs, 8 and 16 bit), decode, framebuffer → PNG,
// ARGB16161616 → PNG, modetest patterns, and drawWithCanvas when node-canvas is present.
import zlib from 'node:zlib';
import {
  allocFramebuffer, argb16ToPng, canvasAvailable, decodePng, drawWithCanvas, encodePng, fillPattern,
  framebufferToImage, framebufferToPng,
} from '../../dist/io/index.js';
import { Fourcc } from '../../dist/uapi/fourcc.js';

const W = 1920;
const H = 1080;

function time(fn, { minRuns = 5, maxRuns = 40, budgetMs = 1500 } = {}) {
  fn(); // warm-up
  const t = [];
  const start = performance.now();
  while (t.length < minRuns || (t.length < maxRuns && performance.now() - start < budgetMs)) {
    const s = performance.now();
    fn();
    t.push(performance.now() - s);
  }
  t.sort((a, b) => a - b);
  return { median: t[Math.floor(t.length / 2)], p90: t[Math.min(t.length - 1, Math.floor(t.length * 0.9))], runs: t.length };
}

async function timeAsync(fn, { minRuns = 5, maxRuns = 30, budgetMs = 1500 } = {}) {
  await fn();
  const t = [];
  const start = performance.now();
  while (t.length < minRuns || (t.length < maxRuns && performance.now() - start < budgetMs)) {
    const s = performance.now();
    await fn();
    t.push(performance.now() - s);
  }
  t.sort((a, b) => a - b);
  return { median: t[Math.floor(t.length / 2)], p90: t[Math.min(t.length - 1, Math.floor(t.length * 0.9))], runs: t.length };
}

const row = (group, name, r, note = '') => ({
  group, name, median_ms: r.median, p90_ms: r.p90, per_s: 1000 / r.median, note: `${note}${note ? '; ' : ''}${r.runs} runs`,
});

export async function run(ctx) {
  const rows = [];
  const tiles = allocFramebuffer(Fourcc.XRGB8888, W, H);
  fillPattern('tiles', tiles);
  const img8 = framebufferToImage(tiles);
  const img16 = framebufferToImage(tiles, { depth: 16 });
  const noise8 = { width: W, height: H, depth: 8, data: new Uint8Array(W * H * 4) };
  let s = 12345;
  for (let i = 0; i < noise8.data.length; i++) {
    s = (Math.imul(s, 1103515245) + 12345) >>> 0;
    noise8.data[i] = s >>> 24;
  }

  ctx.log('png encode');
  const size = (buf) => `${(buf.length / 1024).toFixed(0)} KiB`;
  rows.push(row('png-encode', 'rgba8 1080p tiles, fast (filter 0, deflate 1)', time(() => encodePng(img8)), size(encodePng(img8))));
  rows.push(row('png-encode', 'rgba8 1080p noise, fast', time(() => encodePng(noise8)), size(encodePng(noise8))));
  rows.push(row('png-encode', 'rgba8 1080p tiles, pngjs (filter 0, deflate 1)', time(() => encodePng(img8, { encoder: 'pngjs' }))));
  rows.push(row('png-encode', 'rgba16 1080p tiles, fast', time(() => encodePng(img16)), size(encodePng(img16))));
  rows.push(row('png-encode', 'rgba16 1080p tiles, pngjs', time(() => encodePng(img16, { encoder: 'pngjs' }), { minRuns: 3, maxRuns: 5 })));
  const raw = Buffer.from(img8.data.buffer, img8.data.byteOffset, img8.data.byteLength);
  rows.push(row('png-encode', 'anchor: zlib.deflateSync level 1 of the raw rgba8 frame', time(() => zlib.deflateSync(raw, { level: 1 }))));

  ctx.log('png decode');
  const file8 = encodePng(img8);
  const file16 = encodePng(img16);
  rows.push(row('png-decode', 'rgba8 1080p (pngjs)', time(() => decodePng(file8))));
  rows.push(row('png-decode', 'rgba16 1080p (pngjs)', time(() => decodePng(file16), { minRuns: 3, maxRuns: 10 })));

  ctx.log('framebuffer → png');
  rows.push(row('fb-png', 'XRGB8888 1080p → png8', time(() => framebufferToPng(tiles))));
  rows.push(row('fb-png', 'XRGB8888 1080p → image8 (read only)', time(() => framebufferToImage(tiles))));
  const argb = { width: W, height: H, data: new Uint16Array(W * H * 4) };
  for (let i = 0; i < argb.data.length; i += 4) {
    argb.data[i] = 0xffff;
    argb.data[i + 1] = img16.data[i];
    argb.data[i + 2] = img16.data[i + 1];
    argb.data[i + 3] = img16.data[i + 2];
  }
  rows.push(row('fb-png', 'ARGB16161616 frame 1080p → png8', time(() => argb16ToPng(argb))));
  rows.push(row('fb-png', 'ARGB16161616 frame 1080p → png16', time(() => argb16ToPng(argb, { depth: 16 }))));

  ctx.log('patterns');
  const nv12 = allocFramebuffer(Fourcc.NV12, W, H);
  for (const [name, fb] of [['XRGB8888', tiles], ['NV12', nv12]]) {
    for (const p of ['smpte', 'tiles']) rows.push(row('pattern', `${p} ${name} 1080p`, time(() => fillPattern(p, fb))));
  }

  if (await canvasAvailable()) {
    ctx.log('canvas');
    const argbFb = allocFramebuffer(Fourcc.ARGB8888, W, H);
    fillPattern('smpte', argbFb);
    const draw = (c) => {
      c.fillStyle = 'rgba(255, 0, 0, 0.5)';
      c.fillRect(100, 100, 400, 300);
    };
    rows.push(row('canvas', 'drawWithCanvas ARGB8888 1080p, keep', await timeAsync(() => drawWithCanvas(argbFb, draw))));
    rows.push(row('canvas', 'drawWithCanvas ARGB8888 1080p, clear', await timeAsync(() => drawWithCanvas(argbFb, draw, { mode: 'clear' }))));
    rows.push(row('canvas', 'drawWithCanvas XRGB8888 1080p, keep', await timeAsync(() => drawWithCanvas(tiles, draw))));
  } else {
    ctx.log('canvas: node-canvas not available, skipping its rows');
  }
  return rows;
}
