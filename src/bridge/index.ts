/**
 * The libdrm bridge: unmodified C programs (drm_info, modetest, …) against the emulated device,
 * through libvkms_preload.so. A top-level tool like the CLI: nothing in src/drm or src/client
 * imports it.
 */
export { runWithBridge, BridgeError, DEFAULT_PRELOAD, type RunClientOptions, type RunClientResult } from './run.js';
export { BridgeServer, type BridgeServerOptions } from './server.js';
export { generateTree, type TreeOptions, type TreeConnector } from './sysfs-tree.js';
export { PROTOCOL_VERSION } from './protocol.js';
