/**
 * Composition split over worker threads: the main thread composes the top lines while each worker
 * composes a band below, into the same writeback buffer; the line-range CRCs are joined with
 * crc32Combine (crc32_le is linear), giving exactly the single-thread CRC.
 *
 * compose() stays synchronous: the main thread posts the jobs, composes its band, then blocks in
 * Atomics.wait until the workers are done. Framebuffers and the writeback buffer must live in
 * SharedArrayBuffers (workers cannot see other memory); frames that do not qualify (or ask for a
 * line sink) are composed on the main thread alone, with the same result.
 */
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { Composer, validateFrame, type ComposerOptions } from './composer.js';
import { crc32Combine } from './crc.js';
import type { PixelHeap } from './heap.js';
import type { ComposeFrame, ComposeOutputs, ComposeRect, ComposeResult } from './types.js';
import type { Job, WireBuffer, WirePlane } from './worker.js';

export interface ParallelComposerOptions extends Omit<ComposerOptions, 'heap'> {
  /** A pixel heap shared with the workers (planes and writeback in it are used in place). */
  readonly heap?: PixelHeap | null;
  /** Worker threads besides the main thread (default: available cores − 1, at least 1). */
  readonly workers?: number;
  /** Where the worker module is (default: worker.js next to this file). */
  readonly workerUrl?: URL;
  /** Longest wait for a worker's band, in ms (default 10000). */
  readonly timeoutMs?: number;
}

const isShared = (d: Uint8Array): boolean => d.buffer instanceof SharedArrayBuffer;

export class ParallelComposer {
  private readonly main: Composer;
  private readonly workers: Worker[] = [];
  private readonly ctrl: Int32Array;
  private readonly timeoutMs: number;
  private readonly online: Promise<void>;
  private seq = 0;
  /** Set when a frame was composed without the workers: their caches are out of date. */
  private stale = true;
  private lastError: string | null = null;
  private readonly heap: PixelHeap | null;
  private readonly scratch: Uint8Array[] = [];
  // buffer ids: each worker gets a buffer's memory once, then only its id
  private nextId = 1;
  private readonly ids = new WeakMap<Uint8Array, number>();
  private readonly sent: Set<number>[] = [];
  private readonly result: ComposeResult = { crc: 0, composedLines: 0, path8: false };

  constructor(opts: ParallelComposerOptions = {}) {
    const n = Math.max(1, opts.workers ?? availableParallelism() - 1);
    this.heap = opts.kernels === 'js' ? null : opts.heap ?? null;
    this.main = new Composer({ ...opts, heap: this.heap });
    this.timeoutMs = opts.timeoutMs ?? 10000;
    this.ctrl = new Int32Array(new SharedArrayBuffer(n * 16));
    const url = opts.workerUrl ?? new URL('./worker.js', import.meta.url);
    const starts: Promise<void>[] = [];
    for (let i = 0; i < n; i++) {
      // each worker's line buffers live in a region of the heap reserved here (sized for 16384 pixels)
      const scratch = this.heap !== null ? this.heap.alloc(16384 * 24 + 128) : undefined;
      if (scratch !== undefined) this.scratch.push(scratch);
      this.sent.push(new Set());
      const w = new Worker(url, {
        workerData: { ctrl: this.ctrl.buffer, slot: i, kernels: opts.kernels ?? 'auto', memory: this.heap?.memory, scratch },
      });
      w.on('message', (m: { error?: string }) => { if (m.error) this.lastError = m.error; });
      // referenced until it runs, then unreferenced: a forgotten close() does not keep the process alive
      starts.push(new Promise((resolve, reject) => { w.once('online', () => { w.unref(); resolve(); }); w.once('error', reject); }));
      this.workers.push(w);
    }
    this.online = Promise.all(starts).then(() => undefined);
  }

  /** Resolves when every worker thread runs. */
  ready(): Promise<void> {
    return this.online;
  }

  /** Whether this frame can be split: no line sink, all pixel memory shared. */
  private shareable(frame: ComposeFrame, outputs: ComposeOutputs): boolean {
    if (outputs.lineSink) return false;
    if (outputs.writeback && !isShared(outputs.writeback.data)) return false;
    for (const p of frame.planes) for (const d of p.fb.data) if (!isShared(d)) return false;
    return frame.height >= 2 * (this.workers.length + 1);
  }

  /** Same contract as Composer.compose. */
  compose(frame: ComposeFrame, outputs: ComposeOutputs, damage?: readonly ComposeRect[]): ComposeResult {
    validateFrame(frame, outputs);
    if (!this.shareable(frame, outputs)) {
      this.stale = true;
      return this.main.compose(frame, outputs, damage);
    }
    const H = frame.height, W = frame.width;
    const parts = this.workers.length + 1;
    const h0 = Math.floor(H / parts);
    const seq = ++this.seq | 0;
    for (let i = 0; i < this.workers.length; i++) {
      const job = this.job(i, seq, frame, outputs, this.stale ? undefined : damage);
      job.y0 = Math.floor(((i + 1) * H) / parts);
      job.y1 = Math.floor(((i + 2) * H) / parts);
      this.workers[i]!.postMessage(job);
    }
    this.stale = false;
    const mine = this.main.composeLines(frame, outputs, damage, 0, h0);
    let crc = mine.crc;
    let lines = mine.composedLines;
    const path8 = mine.path8;
    for (let i = 0; i < this.workers.length; i++) {
      const at = i * 4;
      const deadline = Date.now() + this.timeoutMs;
      while (Atomics.load(this.ctrl, at) !== seq) {
        const seen = Atomics.load(this.ctrl, at);
        if (seen !== seq) Atomics.wait(this.ctrl, at, seen, 50);
        if (Date.now() > deadline) throw new Error('compose: a worker did not answer');
      }
      if (this.ctrl[at + 3]) {
        this.stale = true;
        throw new Error(`compose: worker failed: ${this.lastError ?? 'unknown error'}`);
      }
      const y0 = Math.floor(((i + 1) * H) / parts), y1 = Math.floor(((i + 2) * H) / parts);
      crc = crc32Combine(crc, this.ctrl[at + 1]! >>> 0, (y1 - y0) * W * 8);
      lines += this.ctrl[at + 2]!;
    }
    const r = this.result;
    r.crc = outputs.crc ? crc >>> 0 : 0;
    r.composedLines = lines;
    r.path8 = path8;
    return r;
  }

  /** The message for worker i: buffers it has not seen go with their memory, the others by id. */
  private job(i: number, seq: number, frame: ComposeFrame, outputs: ComposeOutputs, damage: readonly ComposeRect[] | undefined): Job {
    const sent = this.sent[i]!;
    const used = new Set<number>();
    const wire = (d: Uint8Array): WireBuffer => {
      let id = this.ids.get(d);
      if (id === undefined) { id = this.nextId++; this.ids.set(d, id); }
      used.add(id);
      if (sent.has(id)) return { id };
      sent.add(id);
      return { id, data: d, inHeap: this.heap !== null && this.heap.owns(d) };
    };
    const planes: WirePlane[] = frame.planes.map((p) => ({ ...p, fb: { ...p.fb, data: p.fb.data.map(wire) } }));
    const wb = outputs.writeback ?? null;
    const writeback = wb !== null ? { ...wb, data: wire(wb.data) } : null;
    const drop: number[] = [];
    for (const id of sent) if (!used.has(id)) { drop.push(id); sent.delete(id); }
    return {
      seq, width: frame.width, height: frame.height, planes, background: frame.background, gammaLut: frame.gammaLut,
      crc: outputs.crc === true, writeback, damage: damage ? [...damage] : undefined, y0: 0, y1: 0, drop,
    };
  }

  /** Stop the worker threads. */
  async close(): Promise<void> {
    await Promise.all(this.workers.map((w) => w.terminate()));
    this.workers.length = 0;
    for (const s of this.scratch) this.heap!.free(s);
    this.scratch.length = 0;
    this.main.dispose();
  }
}
