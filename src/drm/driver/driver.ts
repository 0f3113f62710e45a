/**
 * What a driver is (≈ rust/kernel/drm/driver.rs + kms.rs KmsDriver): identity, features, the
 * DeviceData and RegistrationData types, and the mode-config entry points.
 */
import type { DriverFeatures, DriverInfo } from '../device.js';
import type { Framebuffer } from '../types.js';
import type { BoundDevice } from './bus.js';
import type { AtomicContext } from './kms.js';

/** The two data types of a driver, bundled: `Data` = drm::Driver::Data, `RegistrationData`. */
export interface DriverTypes {
  Data: unknown;
  RegistrationData: unknown;
}

/** KmsDriver::mode_config_info. */
export interface ModeConfigInfo {
  minWidth: number;
  minHeight: number;
  maxWidth: number;
  maxHeight: number;
  /** Cursor size advertised by DRM_CAP_CURSOR_* (0 = the kernel's 64). */
  cursorWidth?: number;
  cursorHeight?: number;
  preferredDepth?: number;
  preferShadow?: number;
  asyncPageFlip?: boolean;
  fbModifiersNotSupported?: boolean;
  /** Every CRTC implements page_flip_target. */
  pageFlipTarget?: boolean;
}

export interface Driver<T extends DriverTypes> {
  readonly info: DriverInfo;
  readonly features?: Partial<DriverFeatures>;
  /** Limits of the mode config; may read DeviceData. */
  modeConfig(parent: BoundDevice, data: T['Data']): ModeConfigInfo;
  /** drm_framebuffer_funcs.dirty; without it DIRTYFB answers ENOSYS (uapi 5.19). */
  fbDirty?(fb: Framebuffer, flags: number, color: number, numClips: number): void;
  /**
   * drm_mode_config_funcs.atomic_check. Default: drm_atomic_helper_check (helperCheck). A driver
   * that adds its own rules usually ends by calling helperCheck(ctx.state, ctx).
   */
  atomicCheck?(ctx: AtomicContext<T>): void;
  /**
   * The commit tail. Default: defaultCommitTail (disables → planes → enables → fake vblank →
   * hw_done). Whatever it does, it must end with commitHwDone.
   */
  atomicCommitTail?(ctx: AtomicContext<T>): void;
}
