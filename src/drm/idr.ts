/**
 * An IDR handing out the lowest free integer ≥ 1 (uapi 1.1, 1.2, 5.24). A slot may be reserved
 * with no object behind it yet (connectors before registration, uapi 1.7).
 */
export class Idr<T> {
  private readonly slots = new Map<number, T | null>();
  private readonly freed: number[] = []; // min-heap of freed ids below `next`
  private next = 1;

  /** Take the lowest free id; `obj` null reserves it (lookups fail until `replace`). */
  alloc(obj: T | null): number {
    let id: number;
    if (this.freed.length > 0) id = this.popMin();
    else id = this.next++;
    this.slots.set(id, obj);
    return id;
  }

  replace(id: number, obj: T | null): void {
    if (!this.slots.has(id)) throw new Error(`idr: id ${id} is not allocated`);
    this.slots.set(id, obj);
  }

  remove(id: number): void {
    if (!this.slots.delete(id)) return;
    if (id === this.next - 1) {
      this.next--;
      // the top ids may now be free too: fold them back into `next`
      while (this.next > 1 && !this.slots.has(this.next - 1) && this.removeFromHeap(this.next - 1)) this.next--;
    } else this.pushFree(id);
  }

  get(id: number): T | undefined {
    return this.slots.get(id) ?? undefined;
  }

  has(id: number): boolean {
    return this.slots.has(id);
  }

  /** Live objects in id order. */
  values(): T[] {
    return [...this.slots.entries()].filter(([, v]) => v !== null).sort((a, b) => a[0] - b[0]).map(([, v]) => v as T);
  }

  ids(): number[] {
    return [...this.slots.keys()].sort((a, b) => a - b);
  }

  get size(): number {
    return this.slots.size;
  }

  private pushFree(id: number): void {
    const h = this.freed;
    h.push(id);
    let i = h.length - 1;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (h[p]! <= h[i]!) break;
      [h[p], h[i]] = [h[i]!, h[p]!];
      i = p;
    }
  }

  private popMin(): number {
    const h = this.freed;
    const top = h[0]!;
    const last = h.pop()!;
    if (h.length > 0) {
      h[0] = last;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1, r = l + 1;
        let m = i;
        if (l < h.length && h[l]! < h[m]!) m = l;
        if (r < h.length && h[r]! < h[m]!) m = r;
        if (m === i) break;
        [h[m], h[i]] = [h[i]!, h[m]!];
        i = m;
      }
    }
    return top;
  }

  private removeFromHeap(id: number): boolean {
    const i = this.freed.indexOf(id);
    if (i < 0) return false;
    const rest = this.freed.filter((x) => x !== id);
    this.freed.length = 0;
    for (const x of rest) this.pushFree(x);
    return true;
  }
}
