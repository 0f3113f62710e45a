/**
 * Sync-file-like fences and the file descriptors that name them (≈ dma_fence + sync_file +
 * sw_sync). OUT_FENCE_PTR / WRITEBACK_OUT_FENCE_PTR hand out fds of fences that signal when the
 * flip or writeback completes; IN_FENCE_FD takes the fd of a fence the commit waits for.
 */
export class Fence {
  private _signaled = false;
  private waiters: (() => void)[] = [];
  /** CLOCK_MONOTONIC ns of the signal, when known. */
  timestampNs: bigint | undefined;
  readonly label: string;

  constructor(label = 'fence') {
    this.label = label;
  }

  get signaled(): boolean {
    return this._signaled;
  }

  signal(timestampNs?: bigint): void {
    if (this._signaled) return;
    this._signaled = true;
    this.timestampNs = timestampNs;
    for (const w of this.waiters.splice(0)) w();
  }

  /** Resolves once signalled. */
  wait(): Promise<void> {
    if (this._signaled) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  /** Run `cb` at signal time (synchronously if already signalled). */
  onSignal(cb: () => void): void {
    if (this._signaled) cb();
    else this.waiters.push(cb);
  }
}

/**
 * A process's file descriptors: lowest free number ≥ 3, like a Unix fd table. It holds sync files
 * (fences) and DRM files created by the device (a lessee's file from CREATE_LEASE).
 */
export interface FdTable {
  /**
   * Install `f` at the lowest free fd. `flags`: the open(2) flags of the new fd that the caller
   * decides (O_CLOEXEC; O_RDWR for a dma-buf); a table that cannot express them may ignore them.
   */
  install(f: object, flags?: number): number;
  get(fd: number): object | undefined;
  close(fd: number): void;
}

export class ProcessFds implements FdTable {
  private readonly table = new Map<number, object>();
  install(f: object): number {
    let fd = 3;
    while (this.table.has(fd)) fd++;
    this.table.set(fd, f);
    return fd;
  }
  get(fd: number): object | undefined {
    return this.table.get(fd);
  }
  close(fd: number): void {
    this.table.delete(fd);
  }
  get size(): number {
    return this.table.size;
  }
}

/** The fd table shared by every file opened without its own (one process). */
export const processFds = new ProcessFds();

/** sw_sync: a software timeline whose fences signal when the counter reaches their point. */
export class SwTimeline {
  private value = 0;
  private pending: { point: number; fence: Fence }[] = [];

  get current(): number {
    return this.value;
  }

  /** A fence that signals when the timeline reaches `point`. */
  createFence(point: number): Fence {
    const f = new Fence(`sw_sync:${point}`);
    if (point <= this.value) f.signal();
    else this.pending.push({ point, fence: f });
    return f;
  }

  /** Advance the timeline by `n`, signalling every fence reached. */
  inc(n = 1): void {
    this.value += n;
    const due = this.pending.filter((p) => p.point <= this.value);
    this.pending = this.pending.filter((p) => p.point > this.value);
    for (const p of due) p.fence.signal();
  }
}
