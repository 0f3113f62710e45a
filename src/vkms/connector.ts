/** VKMS connectors (≈ vkms_connector.c): status from the configuration, the DMT modes. */
import { addModesNoEdid, setPreferredMode, type DriverConnectorFuncs, type ModeInfo } from '../drm/driver/index.js';
import type { VkmsTypes } from './types.js';

export const XRES_MAX = 8192, YRES_MAX = 8192, XRES_DEF = 1024, YRES_DEF = 768;

/** drm_add_modes_noedid(8192, 8192) + drm_set_preferred_mode(1024, 768). */
export function defaultModes(): ModeInfo[] {
  const modes = addModesNoEdid(XRES_MAX, YRES_MAX);
  setPreferredMode(modes, XRES_DEF, YRES_DEF);
  return modes;
}

export function vkmsConnectorFuncs(status: () => 1 | 2 | 3, modes: () => ModeInfo[]): DriverConnectorFuncs<VkmsTypes> {
  return {
    detect: () => status(),
    getModes: () => modes(),
  };
}
