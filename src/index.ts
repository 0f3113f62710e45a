/** vkms-ts: the public API. */
export * from './uapi/index.js';
export * from './client/index.js';
export * from './drm/driver/index.js';
export * from './io/index.js';
export * from './vkms/index.js';
