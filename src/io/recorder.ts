/**
 * A frame recorder: numbered PNGs plus a JSON-lines log (frame number, vblank sequence, timestamp,
 * CRC) in a folder. Frames are queued (bounded) and written asynchronously, so a slow disk never
 * blocks vblank handling; a full queue drops frames and says so.
 */
import { mkdirSync } from 'node:fs';
import { appendFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { argb16ToPng, framebufferToPng } from './fb-image.js';
import type { FramebufferView } from './framebuffer.js';

/** A frame as a CRTC sink delivers it: ARGB16161616 pixels (a,r,g,b u16). */
export interface Argb16FrameIn { sequence: bigint; timeNs: bigint; crc: number; width: number; height: number; pixels: Uint16Array }
/** A writeback job's result: the written framebuffer. */
export interface FbFrameIn { sequence: bigint; timeNs: bigint; crc?: number; fb: FramebufferView }

export interface RecorderOptions {
  /** Frames waiting to be written at most (default 8); more are dropped. */
  maxQueue?: number;
  /** PNG bit depth for ARGB16 frames (default 8). */
  depth?: 8 | 16;
  /** File name prefix (default "frame"). */
  prefix?: string;
}

export interface RecorderReport { dir: string; written: number; dropped: number; droppedSequences: bigint[]; log: string }

type Queued = { n: number; sequence: bigint; timeNs: bigint; crc: number | undefined; encode: () => Buffer };

export class FrameRecorder {
  readonly dir: string;
  readonly logPath: string;
  private readonly maxQueue: number;
  private readonly depth: 8 | 16;
  private readonly prefix: string;
  private queue: Queued[] = [];
  private n = 0;
  private written = 0;
  private droppedSeq: bigint[] = [];
  private running: Promise<void> | null = null;
  private error: unknown = null;

  constructor(dir: string, opts: RecorderOptions = {}) {
    this.dir = dir;
    this.maxQueue = opts.maxQueue ?? 8;
    if (!(this.maxQueue >= 1)) throw new RangeError(`maxQueue must be at least 1, got ${opts.maxQueue}`);
    this.depth = opts.depth ?? 8;
    this.prefix = opts.prefix ?? 'frame';
    mkdirSync(dir, { recursive: true });
    this.logPath = join(dir, `${this.prefix}s.jsonl`);
  }

  /** A frame sink for a CRTC (pixels are copied: the composer reuses its buffer). */
  readonly sink = (f: Argb16FrameIn): void => {
    const pixels = this.accept(f.sequence) ? f.pixels.slice(0, f.width * f.height * 4) : null;
    if (!pixels) return;
    const { width, height } = f;
    this.enqueue(f.sequence, f.timeNs, f.crc, () => argb16ToPng({ width, height, data: pixels }, { depth: this.depth }));
  };

  /** A writeback sink: the written framebuffer (its bytes are copied now). */
  readonly writebackSink = (f: FbFrameIn): void => {
    if (!this.accept(f.sequence)) return;
    const data = f.fb.data.map((d) => d.slice());
    const fb: FramebufferView = { ...f.fb, data };
    this.enqueue(f.sequence, f.timeNs, f.crc, () => framebufferToPng(fb, { alpha: 'opaque' }));
  };

  private accept(sequence: bigint): boolean {
    if (this.queue.length < this.maxQueue) return true;
    this.droppedSeq.push(sequence);
    return false;
  }

  private enqueue(sequence: bigint, timeNs: bigint, crc: number | undefined, encode: () => Buffer): void {
    this.queue.push({ n: this.n++, sequence, timeNs, crc, encode });
    if (!this.running) this.running = this.drain().finally(() => { this.running = null; });
  }

  private async drain(): Promise<void> {
    while (this.queue.length) {
      const q = this.queue[0]!;
      await new Promise<void>((r) => setImmediate(r)); // let vblank work run between frames
      try {
        const file = `${this.prefix}-${String(q.n).padStart(5, '0')}.png`;
        await writeFile(join(this.dir, file), q.encode());
        const line = { frame: q.n, file, sequence: Number(q.sequence), timestamp_ns: q.timeNs.toString(), crc: q.crc === undefined ? null : `0x${(q.crc >>> 0).toString(16).padStart(8, '0')}` };
        await appendFile(this.logPath, JSON.stringify(line) + '\n');
        this.written++;
      } catch (e) {
        this.error ??= e;
      }
      this.queue.shift();
    }
  }

  /** Wait for the queue to drain; the report counts written and dropped frames. */
  async close(): Promise<RecorderReport> {
    while (this.running) await this.running;
    if (this.error) throw new Error(`frame recorder: writing to ${this.dir} failed: ${(this.error as Error).message}`);
    return { dir: this.dir, written: this.written, dropped: this.droppedSeq.length, droppedSequences: [...this.droppedSeq], log: this.logPath };
  }
}
