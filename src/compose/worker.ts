/**
 * The worker side of ParallelComposer: one Composer per worker thread, composing the line range
 * it is sent; the result (CRC of its lines, line count, error flag) goes into the shared control
 * array, and the main thread is woken with Atomics.notify.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { Composer } from './composer.js';
import type { ComposeFrame, ComposeOutputs, ComposeRect } from './types.js';

interface Job {
  seq: number;
  frame: ComposeFrame;
  outputs: ComposeOutputs;
  damage: ComposeRect[] | undefined;
  y0: number;
  y1: number;
}

const data = workerData as { ctrl: SharedArrayBuffer; slot: number; kernels: 'auto' | 'wasm' | 'js' };
const ctrl = new Int32Array(data.ctrl);
const base = data.slot * 4;
const composer = new Composer({ kernels: data.kernels });

parentPort!.on('message', (job: Job) => {
  let crc = 0, lines = 0, failed = 0;
  try {
    const r = composer.composeLines(job.frame, job.outputs, job.damage, job.y0, job.y1);
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
