/**
 * An atomic request (≈ libdrm's drmModeAtomicReq): (object, property, value) triples, the
 * property given by ID or by name. Like libdrm it sorts by object then property and keeps the last
 * write of a duplicate. Out-fence pointers are allocated in the file's user memory.
 */
import { LocalUserMemory } from '../uapi/user-memory.js';

export type IntLike = number | bigint;

export interface AtomicItem { objectId: number; property: number | string; value: bigint; seq: number }

export class AtomicRequest {
  readonly items: AtomicItem[] = [];
  /** OUT_FENCE_PTR / WRITEBACK_OUT_FENCE_PTR cells by object id: the fd the commit wrote there. */
  readonly fenceCells = new Map<number, Int32Array>();
  private seq = 0;

  /** Add a property write; negative numbers become their 64-bit two's complement (uapi 2.11). */
  add(objectId: number, property: number | string, value: IntLike): this {
    const v = BigInt.asUintN(64, typeof value === 'bigint' ? value : BigInt(Math.trunc(value)));
    this.items.push({ objectId, property, value: v, seq: this.seq++ });
    return this;
  }

  /** The fd an out-fence property of `objectId` received (-1 on failure or TEST_ONLY). */
  outFence(objectId: number): number | undefined {
    return this.fenceCells.get(objectId)?.[0];
  }

  /** Reserve a cell for an out-fence pointer property of `objectId`; returns its address. */
  fenceCell(objectId: number, memory: unknown): bigint {
    if (!(memory instanceof LocalUserMemory)) throw new Error('out-fence pointers need a LocalUserMemory file');
    const cell = new Int32Array([0x7eadbeef]);
    this.fenceCells.set(objectId, cell);
    return memory.map(cell);
  }

  get count(): number {
    return this.items.length;
  }
}
