/** The numbers and shapes userspace sees (≈ include/uapi/drm). */
export * from './drm-mode.js';
export * from './errno.js';
export * from './events.js';
export * from './fd.js';
export * from './fourcc.js';
export * from './ioctl.js';
export type * from './ioctl-structs.js';
export { LAYOUTS, copyInStruct } from './ioctl-layout.js';
export { encodeModeInfo, decodeModeInfo } from './modeinfo.js';
export { LocalUserMemory, type UserMemory } from './user-memory.js';
export { Fence, SwTimeline, ProcessFds, processFds, type FdTable } from './sync-file.js';
