/**
 * The worker side of ParallelComposer: one Composer per worker thread, composing the line range
 * it is sent; the result (CRC of its lines, line count, error flag) goes into the shared control
 * array, and the main thread is woken with Atomics.notify.
 *
 * Pixel memory arrives once per buffer and is then named by id, so the Composer here sees the
 * same Uint8Array objects from frame to frame (its change detection compares identities).
 */
import { parentPort, workerData } from 'node:worker_threads';
import { Composer, type HeapLike } from './composer.js';
import type { ComposeFb, ComposeFrame, ComposePlane, ComposeWriteback, ComposeRect } from './types.js';

/** Plane / writeback memory named by id (see ParallelComposer). */
export interface WireBuffer { id: number; data?: Uint8Array; inHeap?: boolean }
export type WireFb = Omit<ComposeFb, 'data'> & { data: WireBuffer[] };
export type WirePlane = Omit<ComposePlane, 'fb'> & { fb: WireFb };
export interface Job {
  seq: number;
  width: number;
  height: number;
  planes: WirePlane[];
  background: ComposeFrame['background'];
  gammaLut: ComposeFrame['gammaLut'];
  crc: boolean;
  writeback: (Omit<ComposeWriteback, 'data'> & { data: WireBuffer }) | null;
  damage: ComposeRect[] | undefined;
  y0: number;
  y1: number;
  /** Ids not used by this frame (the worker forgets them). */
  drop: number[];
}

const data = workerData as {
  ctrl: SharedArrayBuffer; slot: number; kernels: 'auto' | 'wasm' | 'js';
  memory?: { readonly buffer: ArrayBufferLike }; scratch?: Uint8Array;
};
const ctrl = new Int32Array(data.ctrl);
const base = data.slot * 4;
const buffers = new Map<number, { data: Uint8Array; inHeap: boolean }>();
const inHeap = new WeakSet<Uint8Array>();

// The pixel heap seen from here: its memory, and one scratch region reserved by the main thread.
const heap: HeapLike | null = data.memory && data.scratch ? {
  memory: data.memory,
  owns: (u8) => inHeap.has(u8),
  alloc: (size) => {
    if (size > data.scratch!.length) throw new Error('compose: worker scratch too small');
    return data.scratch!.subarray(0, size);
  },
  free: () => undefined,
} : null;
const composer = new Composer({ kernels: data.kernels, heap });

function resolve(b: WireBuffer): Uint8Array {
  if (b.data !== undefined) {
    buffers.set(b.id, { data: b.data, inHeap: b.inHeap === true });
    if (b.inHeap) inHeap.add(b.data);
  }
  const e = buffers.get(b.id);
  if (e === undefined) throw new Error(`compose: unknown buffer ${b.id}`);
  return e.data;
}

parentPort!.on('message', (job: Job) => {
  let crc = 0, lines = 0, failed = 0;
  try {
    const planes: ComposePlane[] = job.planes.map((p) => ({ ...p, fb: { ...p.fb, data: p.fb.data.map(resolve) } }));
    const frame: ComposeFrame = { width: job.width, height: job.height, planes, background: job.background, gammaLut: job.gammaLut };
    const writeback = job.writeback ? { ...job.writeback, data: resolve(job.writeback.data) } : null;
    for (const id of job.drop) buffers.delete(id);
    const r = composer.composeLines(frame, { crc: job.crc, writeback }, job.damage, job.y0, job.y1);
    crc = r.crc;
    lines = r.composedLines;
  } catch (e) {
    failed = 1;
    parentPort!.postMessage({ error: e instanceof Error ? e.message : String(e) });
  }
  ctrl[base + 1] = crc | 0;
  ctrl[base + 2] = lines;
  ctrl[base + 3] = failed;
  Atomics.store(ctrl, base, job.seq);
  Atomics.notify(ctrl, base);
});
