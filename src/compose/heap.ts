/**
 * A pixel heap: framebuffer memory inside one shared WebAssembly memory, so that the composer's
 * WebAssembly kernels read planes and write writeback rows in place instead of copying each line
 * in and out. Optional: buffers from anywhere else work too (they are copied per line).
 *
 * Buffers are Uint8Array views of the memory's SharedArrayBuffer (so they can also be handed to
 * worker threads); growing the memory never invalidates them. Allocation is first-fit over a
 * sorted free list, 64-byte aligned, with coalescing on free.
 */

interface SharedMemory {
  readonly buffer: SharedArrayBuffer;
  grow(pages: number): number;
}
interface MemoryCtor { new (d: { initial: number; maximum: number; shared: true }): SharedMemory }

const PAGE = 65536;
const ALIGN = 64;

export class PixelHeap {
  readonly memory: SharedMemory;
  private readonly maxPages: number;
  /** Every SharedArrayBuffer object the memory has had (growth makes a new one). */
  private readonly buffers = new Set<SharedArrayBuffer>();
  private freeAt: number[] = [];
  private freeLen: number[] = [];
  private readonly used = new Map<number, number>();
  private top: number;

  /** A new heap; `maxBytes` bounds its growth (default 1 GiB). */
  constructor(initialBytes = 16 << 20, maxBytes = 1 << 30) {
    const WA = (globalThis as unknown as { WebAssembly?: { Memory: MemoryCtor } }).WebAssembly;
    if (WA === undefined) throw new Error('compose: a pixel heap needs WebAssembly');
    this.maxPages = Math.min(65536, Math.ceil(maxBytes / PAGE));
    this.memory = new WA.Memory({ initial: Math.max(1, Math.ceil(initialBytes / PAGE)), maximum: this.maxPages, shared: true });
    this.buffers.add(this.memory.buffer);
    this.top = ALIGN; // address 0 stays unused
  }

  /** Whether `u8` is memory of this heap (then its byteOffset is its address). */
  owns(u8: Uint8Array): boolean {
    return this.buffers.has(u8.buffer as SharedArrayBuffer);
  }

  /** The current buffer (views made from it see the whole memory). */
  get buffer(): SharedArrayBuffer {
    return this.memory.buffer;
  }

  /** `size` bytes, zeroed, 64-byte aligned. */
  alloc(size: number): Uint8Array {
    if (!Number.isInteger(size) || size < 0) throw new RangeError(`compose: bad pixel buffer size ${size}`);
    const n = Math.max(ALIGN, Math.ceil(size / ALIGN) * ALIGN);
    let at = -1;
    for (let i = 0; i < this.freeAt.length; i++) {
      if (this.freeLen[i]! >= n) {
        at = this.freeAt[i]!;
        if (this.freeLen[i] === n) { this.freeAt.splice(i, 1); this.freeLen.splice(i, 1); }
        else { this.freeAt[i]! += n; this.freeLen[i]! -= n; }
        break;
      }
    }
    if (at < 0) {
      at = this.top;
      const need = at + n;
      const have = this.memory.buffer.byteLength;
      if (need > have) {
        const pages = Math.ceil((need - have) / PAGE);
        const cur = have / PAGE;
        const grow = Math.min(this.maxPages - cur, Math.max(pages, Math.ceil(cur / 2)));
        if (grow < pages) throw new RangeError(`compose: pixel heap full (${size} bytes asked)`);
        this.memory.grow(grow);
        this.buffers.add(this.memory.buffer);
      }
      this.top = need;
    }
    this.used.set(at, n);
    const view = new Uint8Array(this.memory.buffer, at, size);
    view.fill(0);
    return view;
  }

  /** Give a buffer from alloc() back. */
  free(u8: Uint8Array): void {
    if (!this.owns(u8)) throw new RangeError('compose: this buffer is not from the pixel heap');
    const at = u8.byteOffset;
    const n = this.used.get(at);
    if (n === undefined) throw new RangeError('compose: pixel buffer freed twice');
    this.used.delete(at);
    // insert sorted, then merge with neighbours
    let i = 0;
    while (i < this.freeAt.length && this.freeAt[i]! < at) i++;
    this.freeAt.splice(i, 0, at);
    this.freeLen.splice(i, 0, n);
    if (i + 1 < this.freeAt.length && at + n === this.freeAt[i + 1]) {
      this.freeLen[i]! += this.freeLen[i + 1]!;
      this.freeAt.splice(i + 1, 1); this.freeLen.splice(i + 1, 1);
    }
    if (i > 0 && this.freeAt[i - 1]! + this.freeLen[i - 1]! === at) {
      this.freeLen[i - 1]! += this.freeLen[i]!;
      this.freeAt.splice(i, 1); this.freeLen.splice(i, 1);
      i--;
    }
    if (this.freeAt[i]! + this.freeLen[i]! === this.top) { // the last block returns to the top
      this.top = this.freeAt[i]!;
      this.freeAt.splice(i, 1); this.freeLen.splice(i, 1);
    }
  }

  /** Bytes handed out and not freed. */
  get usedBytes(): number {
    let s = 0;
    for (const n of this.used.values()) s += n;
    return s;
  }
}

let shared: PixelHeap | null = null;

/** The process-wide pixel heap (created on first use). */
export function pixelHeap(): PixelHeap {
  return (shared ??= new PixelHeap());
}

/** A framebuffer-sized buffer from the process-wide pixel heap. */
export function allocPixelBuffer(size: number): Uint8Array {
  return pixelHeap().alloc(size);
}

/** Return a buffer to the process-wide pixel heap. */
export function freePixelBuffer(u8: Uint8Array): void {
  pixelHeap().free(u8);
}
