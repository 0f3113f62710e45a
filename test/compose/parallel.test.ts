import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import ts from 'typescript';
import { Fourcc } from '../../src/uapi/fourcc.js';
import { Composer } from '../../src/compose/composer.js';
import { ParallelComposer } from '../../src/compose/parallel.js';
import { PixelHeap } from '../../src/compose/heap.js';
import type { ComposeFrame } from '../../src/compose/types.js';
import { composeRef, type RefFb, type RefPlane } from './reference.js';
import { CURVES, clipPlane, int, planeAt, randomFb, rng } from './helpers.js';

// The worker thread runs JavaScript: transpile src/compose and src/uapi/fourcc.ts into a temp dir.
let dir = '';
let pc: ParallelComposer;
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'vkms-compose-'));
  const src = fileURLToPath(new URL('../../src/', import.meta.url));
  for (const sub of ['compose', 'uapi']) {
    mkdirSync(join(dir, sub));
    for (const f of readdirSync(join(src, sub)).filter((x) => x.endsWith('.ts'))) {
      const out = ts.transpileModule(readFileSync(join(src, sub, f), 'utf8'), {
        compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022 },
      });
      writeFileSync(join(dir, sub, f.replace(/\.ts$/, '.js')), out.outputText);
    }
  }
  writeFileSync(join(dir, 'package.json'), '{"type":"module"}');
  pc = new ParallelComposer({ workers: 1, workerUrl: pathToFileURL(join(dir, 'compose', 'worker.js')) });
  await pc.ready();
});
afterAll(async () => {
  await pc?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

const shared = (fb: RefFb): RefFb => {
  const map = new Map<Uint8Array, Uint8Array>();
  const data = fb.data.map((d) => {
    let s = map.get(d);
    if (!s) { s = new Uint8Array(new SharedArrayBuffer(d.length)); s.set(d); map.set(d, s); }
    return s;
  });
  return { ...fb, data };
};

describe('ParallelComposer (main thread + 1 worker)', () => {
  it('works on pixel-heap memory in place, in both threads', async () => {
    const heap = new PixelHeap(1 << 20, 256 << 20);
    const hp = new ParallelComposer({ workers: 1, heap, workerUrl: pathToFileURL(join(dir, 'compose', 'worker.js')) });
    try {
      await hp.ready();
      const r = rng(402);
      const inHeap = (fb: RefFb): RefFb => ({ ...fb, data: fb.data.map((d) => { const x = heap.alloc(d.length); x.set(d); return x; }) });
      for (let rep = 0; rep < 8; rep++) {
        const W = int(r, 16, 64), H = int(r, 8, 40);
        const planes: RefPlane[] = [planeAt(inHeap(randomFb(r, Fourcc.XRGB8888, W, H, {})), 0, 0)];
        const p = clipPlane(planeAt(inHeap(randomFb(r, Fourcc.ARGB8888, int(r, 4, 40), int(r, 4, 30), { premultiplied: true })), int(r, -5, W), int(r, -5, H)), W, H);
        if (p) planes.push(p);
        const frame = { width: W, height: H, planes } as ComposeFrame;
        const data = heap.alloc(W * H * 4);
        const want = composeRef(frame as never, { format: Fourcc.XRGB8888, width: W, height: H, pitch: W * 4, offset: 0, size: W * H * 4 }, CURVES);
        for (const crc of [true, false]) {
          data.fill(0);
          const res = hp.compose(frame, { crc, writeback: { format: Fourcc.XRGB8888, data, pitch: W * 4, width: W, height: H } });
          if (crc) expect(res.crc).toBe(want.crc);
          expect(Buffer.from(data).equals(Buffer.from(want.wb!))).toBe(true);
        }
      }
    } finally {
      await hp.close();
    }
  });

  it('gives the single-thread CRC and writeback bytes on random scenes', () => {
    const r = rng(400);
    for (let rep = 0; rep < 12; rep++) {
      const W = int(r, 8, 60), H = int(r, 4, 45);
      const planes: RefPlane[] = [planeAt(shared(randomFb(r, Fourcc.XRGB8888, W, H, {})), 0, 0)];
      for (let i = 0; i < 3; i++) {
        const f = [Fourcc.ARGB8888, Fourcc.NV12, Fourcc.RGB565, Fourcc.ABGR16161616][i % 4]!;
        const p = clipPlane(planeAt(shared(randomFb(r, f, int(r, 4, 30), int(r, 4, 30), { premultiplied: true })), int(r, -5, W), int(r, -5, H), [1, 4, 2 | 16][rep % 3]), W, H);
        if (p) planes.push(p);
      }
      const frame = { width: W, height: H, planes } as ComposeFrame;
      const data = new Uint8Array(new SharedArrayBuffer(W * H * 4));
      const res = pc.compose(frame, { crc: true, writeback: { format: Fourcc.XRGB8888, data, pitch: W * 4, width: W, height: H } });
      const want = composeRef(frame as never, { format: Fourcc.XRGB8888, width: W, height: H, pitch: W * 4, offset: 0, size: W * H * 4 }, CURVES);
      expect(res.crc).toBe(want.crc);
      expect(Buffer.from(data).equals(Buffer.from(want.wb!))).toBe(true);
    }
  });

  it('keeps working with damage, and falls back to one thread for unshared memory or a line sink', () => {
    const r = rng(401);
    const W = 48, H = 32;
    const prim = shared(randomFb(r, Fourcc.XRGB8888, W, H, {}));
    const cur = shared(randomFb(r, Fourcc.ARGB8888, 8, 8, { premultiplied: true }));
    const data = new Uint8Array(new SharedArrayBuffer(W * H * 4));
    const wb = { format: Fourcc.XRGB8888, data, pitch: W * 4, width: W, height: H };
    let cx = 0, cy = 0;
    for (let f = 0; f < 12; f++) {
      const ox = cx, oy = cy;
      cx = int(r, 0, W - 8); cy = int(r, 0, H - 8);
      const frame = { width: W, height: H, planes: [planeAt(prim, 0, 0), planeAt(cur, cx, cy)] } as ComposeFrame;
      const lines: number[] = [];
      const outputs = f % 4 === 3 ? { crc: true, writeback: wb, lineSink: (y: number) => { lines.push(y); } } : { crc: true, writeback: wb };
      const res = pc.compose(frame, outputs, [{ x1: ox, y1: oy, x2: ox + 8, y2: oy + 8 }, { x1: cx, y1: cy, x2: cx + 8, y2: cy + 8 }]);
      const want = new Composer({ kernels: 'js' }).compose(frame, { crc: true, writeback: { ...wb, data: new Uint8Array(W * H * 4) } });
      expect(res.crc).toBe(want.crc);
      expect(Buffer.from(data).equals(Buffer.from(composeRef(frame as never, { format: Fourcc.XRGB8888, width: W, height: H, pitch: W * 4, offset: 0, size: W * H * 4 }, CURVES).wb!))).toBe(true);
    }
    // unshared framebuffer memory: composed on the main thread, same result
    expect(pc.compose({ width: W, height: H, planes: [] }, { crc: true }).crc).toBe(composeRef({ width: W, height: H, planes: [] }, null, CURVES).crc);
    const plain = randomFb(r, Fourcc.XRGB8888, W, H, {});
    const frame = { width: W, height: H, planes: [planeAt(plain, 0, 0)] } as ComposeFrame;
    expect(pc.compose(frame, { crc: true }).crc).toBe(composeRef(frame as never, null, CURVES).crc);
  });
});
