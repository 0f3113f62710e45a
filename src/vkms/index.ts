/** The built-in VKMS driver, written on the driver API. */
export { createVkms, type VkmsDevice, type VkmsOptions, type CrtcRef } from './device.js';
export { defaultTopology, validateTopology, VkmsConfigError, NUM_OVERLAY_PLANES } from './config.js';
export type { VkmsTopology, PlaneConfig, CrtcConfig, EncoderConfig, ConnectorConfig, ModuleParams, ModeConfigEntry } from './config.js';
export { PROFILES, type ProfileName, type VkmsProfile } from './profiles.js';
export type { VkmsFrame, FrameSink, VkmsWriteback, WritebackSink, CrcEntry, AtomicPolicy, PolicyView, VkmsTypes } from './types.js';
