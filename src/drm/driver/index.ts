/**
 * The driver API: everything a KMS driver written on vkms-ts uses (the built-in VKMS driver
 * included), modelled on the kernel's Rust DRM bindings. See DESIGN.md §2.
 */
export { createFauxDevice, FauxDevice, type BoundDevice, type Devres, type FauxDriverOps } from './bus.js';
export type { Driver, DriverTypes, ModeConfigInfo } from './driver.js';
export { Device, UnbindGuard, ContextError, type Initialized, type Registered, type DeviceContext } from './device.js';
export { UnregisteredDevice, Registration, type DeviceOptions, type ColoropInit } from './registration.js';
export type { AtomicContext, DriverPlaneFuncs, DriverCrtcFuncs, DriverConnectorFuncs, DriverEncoderFuncs } from './kms.js';
export type { KernelCommit, KernelCommitOptions, KernelFramebuffer } from './kernel-commit.js';
// helpers a driver composes its checks and commit tail from
export {
  NO_SCALING, checkPlaneState, checkCrtcPrimaryPlane, checkModeset, checkPlanes, helperCheck,
  addAffectedPlanes, addAffectedConnectors, type PlaneCheckParams,
} from '../atomic/helpers.js';
export {
  defaultCommitTail, commitModesetDisables, commitPlanes, commitModesetEnables, fakeVblank, commitHwDone, crtcHandleEvent,
} from '../atomic/commit.js';
export { getCrtcState, getPlaneState, getConnectorState, newCrtcState, oldCrtcState, newPlaneState, needsModeset, type AtomicState } from '../atomic/state.js';
export { vblankOn, vblankOff, vblankGet, armVblankEvent, sendVblankEventNow, vblankOf } from '../vblank.js';
export type { ClockMode } from '../clock.js';
export { DeviceClock } from '../clock.js';
export type * from '../types.js';
export type { DriverInfo, DriverFeatures } from '../device.js';
export { queueWritebackJob, signalWritebackCompletion, writebackQueue, type QueuedWritebackJob } from '../kms/writeback.js';
export { registerConnector, unregisterConnector, fillModes, updateEdidProperty } from '../kms/connector.js';
export { generateEdid, parseEdid, type GenerateEdidOptions, type ParsedEdid } from '../edid.js';
export type { DrmDevice } from '../device.js';
export type { ModeInfo } from '../../uapi/ioctl-structs.js';
export { addModesNoEdid, setPreferredMode, DRM_DMT_MODES } from '../dmt-modes.js';
