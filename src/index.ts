/** vkms-ts: the public API. */
export * from './uapi/index.js';
export * from './client/index.js';
export { createFauxDevice, FauxDevice, type BoundDevice, type Devres } from './drm/driver/bus.js';
export type { Driver, DriverTypes, ModeConfigInfo } from './drm/driver/driver.js';
export { Device, UnbindGuard, ContextError, type Initialized, type Registered, type DeviceContext } from './drm/driver/device.js';
export { UnregisteredDevice, Registration } from './drm/driver/registration.js';
export type * from './drm/types.js';
export type { DriverInfo, DriverFeatures } from './drm/device.js';
export * from './io/index.js';
