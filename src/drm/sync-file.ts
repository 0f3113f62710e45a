/** Fences as the core uses them: IN_FENCE_FD waits for one, OUT_FENCE_PTR signals one. */
import { Fence } from '../uapi/sync-file.js';
export type InFence = Fence;
export type OutFence = Fence;
export { Fence };
