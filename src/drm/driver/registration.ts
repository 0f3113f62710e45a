/**
 * UnregisteredDevice (Initialized context: KMS objects are created here, a kernel-side modeset
 * may run) and Registration (drm_dev_register / drm_dev_unplug), modelled on the Rust bindings.
 */
import { DrmError } from '../../uapi/errno.js';
import { DrmDevice } from '../device.js';
import { DeviceClock, type ClockMode } from '../clock.js';
import { stopVblanks, vblankOff } from '../vblank.js';
import { initConnector, attachEncoder, registerConnector, type ConnectorInit } from '../kms/connector.js';
import { enableColorMgmt, attachBackgroundColor, initCrtc, setGammaSize, type CrtcInit } from '../kms/crtc.js';
import { initEncoder, type EncoderInit } from '../kms/encoder.js';
import {
  createAlphaProperty, createBlendModeProperty, createColorProperties, createRotationProperty, createZposProperty,
  enableFbDamageClips, initPlane, type PlaneInit,
} from '../kms/plane.js';
import { initWritebackConnector, type WritebackInit } from '../kms/writeback.js';
import { createColorPipeline, type ColoropInit } from '../kms/colorop.js';
import type { Colorop, Connector, Crtc, Encoder, Plane } from '../types.js';
import type { BoundDevice } from './bus.js';
import { ContextError, Device, UnbindGuard, drainGuards, innerOf, type DeviceInner, type Initialized, type Registered } from './device.js';
import type { DriverConnectorFuncs, DriverCrtcFuncs, DriverPlaneFuncs } from './kms.js';
import { coreFuncs, withPriv } from './funcs.js';
import type { ConnectorFuncs, CrtcFuncs, PlaneFuncs } from '../types.js';
import type { Driver, DriverTypes } from './driver.js';

const consumed = new WeakSet<object>();



export type { ColoropInit };

export interface DeviceOptions {
  /** realtime (default), manual (virtual time for tests) or immediate (no vblank). */
  clock?: ClockMode;
}

/** A DRM device that has never been registered: the only place KMS objects are created. */
export class UnregisteredDevice<T extends DriverTypes> {
  /** The device in the Initialized context (DeviceData readable, callbacks get this view). */
  readonly device: Device<T, Initialized>;

  private constructor(device: Device<T, Initialized>) {
    this.device = device;
  }

  /**
   * drm::UnregisteredDevice::new: allocate the device with its DeviceData. `options.clock` picks
   * the device clock (DESIGN.md §4); `immediate` is a device without vblank.
   */
  static create<T extends DriverTypes>(parent: BoundDevice, driver: Driver<T>, data: T['Data'], options: DeviceOptions = {}): UnregisteredDevice<T> {
    if (!parent || parent.bound !== true) throw new ContextError('UnregisteredDevice.create needs a bound parent device');
    const cfg = driver.modeConfig(parent, data);
    const mode = options.clock ?? 'realtime';
    const features = { ...driver.features, ...(mode === 'immediate' ? { vblank: false } : {}) };
    const core = new DrmDevice(driver.info, features, cfg);
    core.clock = new DeviceClock(mode);
    core.fbDirty = driver.fbDirty ? driver.fbDirty.bind(driver) : null;
    const inner: DeviceInner<T> = { core, driver, parent, data, registrationData: undefined, state: 'initialized', guards: 0, drained: [] };
    const device = new Device<T, Initialized>(inner);
    core.owner = device;
    if (driver.atomicCheck) core.atomicCheck = (state) => driver.atomicCheck!({ state, device });
    if (driver.atomicCommitTail) core.atomicCommitTail = (state) => driver.atomicCommitTail!({ state, device });
    // core work (ioctls, commit work) runs inside drm_dev_enter once registered
    core.guard = () => {
      if (inner.state === 'unplugged') return null;
      if (inner.state === 'initialized') return () => undefined;
      const g = new UnbindGuard(inner);
      return () => g.exit();
    };
    return new UnregisteredDevice(device);
  }

  get drm(): DrmDevice {
    return this.device.drm;
  }

  private check(what: string): DrmDevice {
    if (consumed.has(this)) throw new ContextError(`${what}: KMS objects can only be created before registration`);
    return this.device.drm;
  }

  /** drm_universal_plane_init with the driver's plane callbacks and private state. */
  createPlane<S = unknown>(init: Omit<PlaneInit, 'funcs'> & { funcs?: DriverPlaneFuncs<T, S> }): Plane {
    return withPriv(initPlane(this.check('createPlane'), { ...init, funcs: coreFuncs(init.funcs) as PlaneFuncs }), init.funcs);
  }
  createCrtc<S = unknown>(init: Omit<CrtcInit, 'funcs'> & { funcs?: DriverCrtcFuncs<T, S> }): Crtc {
    return withPriv(initCrtc(this.check('createCrtc'), { ...init, funcs: coreFuncs(init.funcs) as CrtcFuncs }), init.funcs);
  }
  createEncoder(init: EncoderInit): Encoder {
    return initEncoder(this.check('createEncoder'), init);
  }
  createConnector<S = unknown>(init: Omit<ConnectorInit, 'funcs'> & { funcs?: DriverConnectorFuncs<T, S>; encoders?: Encoder[] }): Connector {
    const c = withPriv(initConnector(this.check('createConnector'), { ...init, funcs: coreFuncs(init.funcs) as ConnectorFuncs }), init.funcs);
    for (const e of init.encoders ?? []) attachEncoder(c, e);
    return c;
  }
  createWritebackConnector<S = unknown>(init: Omit<WritebackInit, 'funcs'> & { funcs?: DriverConnectorFuncs<T, S> }): Connector {
    return withPriv(initWritebackConnector(this.check('createWritebackConnector'), { ...init, funcs: coreFuncs(init.funcs) as ConnectorFuncs }), init.funcs);
  }
  attachEncoder(conn: Connector, enc: Encoder): void {
    this.check('attachEncoder');
    attachEncoder(conn, enc);
  }
  addRotationProperty(plane: Plane, initial: number, supported: number): void {
    createRotationProperty(this.check('addRotationProperty'), plane, initial, supported);
  }
  addAlphaProperty(plane: Plane): void {
    createAlphaProperty(this.check('addAlphaProperty'), plane);
  }
  addBlendModeProperty(plane: Plane, supportedModes: number): void {
    createBlendModeProperty(this.check('addBlendModeProperty'), plane, supportedModes);
  }
  addZposProperty(plane: Plane, zpos: number, min: number, max: number, immutable = false): void {
    createZposProperty(this.check('addZposProperty'), plane, zpos, min, max, immutable);
  }
  addColorProperties(plane: Plane, encodings: number, ranges: number, defaultEncoding: number, defaultRange: number): void {
    createColorProperties(this.check('addColorProperties'), plane, encodings, ranges, defaultEncoding, defaultRange);
  }
  /**
   * A colour pipeline for `plane` (the driver-side drm_plane_colorop_*_init calls, chained with
   * drm_colorop_set_next_property, then drm_plane_create_color_pipeline_property): one colorop
   * per op, in order, each with BYPASS unless `allowBypass: false`; the plane gets (or extends)
   * its COLOR_PIPELINE property with an entry `name` (default "Color Pipeline <first op ID>")
   * whose value is the first op's ID. Returns the ops.
   */
  createColorPipeline(plane: Plane, ops: readonly ColoropInit[], name?: string): Colorop[] {
    return createColorPipeline(this.check('createColorPipeline'), plane, ops, name);
  }
  enableFbDamageClips(plane: Plane): void {
    enableFbDamageClips(this.check('enableFbDamageClips'), plane);
  }
  setGammaSize(crtc: Crtc, size: number): void {
    this.check('setGammaSize');
    setGammaSize(crtc, size);
  }
  enableColorMgmt(crtc: Crtc, degammaSize: number, hasCtm: boolean, gammaSize: number): void {
    enableColorMgmt(this.check('enableColorMgmt'), crtc, degammaSize, hasCtm, gammaSize);
  }
  addBackgroundColorProperty(crtc: Crtc): void {
    attachBackgroundColor(this.check('addBackgroundColorProperty'), crtc);
  }

  /** @internal */
  static consume<T extends DriverTypes>(u: UnregisteredDevice<T>): void {
    if (consumed.has(u)) throw new ContextError('this device was already registered');
    consumed.add(u);
  }
}

/** drm_dev_register / drm_dev_unplug, owned by the parent's devres. */
export const Registration = {
  /**
   * Registration::new_foreign_owned: EINVAL if `drm`'s parent is not `parent`; the
   * RegistrationData is stored before registering (in place for the first ioctl) and cleared if
   * registering fails; unbinding the parent unplugs the device.
   */
  newForeignOwned<T extends DriverTypes>(drm: UnregisteredDevice<T>, parent: BoundDevice, registrationData: T['RegistrationData'], flags = 0): Device<T, Registered> {
    const inner = innerOf(drm.device);
    if (inner.parent !== parent) throw new DrmError('EINVAL', `device belongs to parent "${inner.parent.name}", not "${parent.name}"`, 'Registration.newForeignOwned');
    if (!parent.parent.isBound || parent.parent.bound !== parent) throw new DrmError('ENODEV', 'parent device is no longer bound', 'Registration.newForeignOwned');
    UnregisteredDevice.consume(drm);
    void flags;
    inner.registrationData = registrationData;
    try {
      registerDevice(inner.core);
    } catch (e) {
      inner.registrationData = undefined;
      throw e;
    }
    inner.state = 'registered';
    parent.devres.add('drm-registration', () => unplug(inner));
    return new Device<T, Registered>(inner);
  },
};

/** drm_dev_register: drm_mode_config_validate, then drm_modeset_register_all (connectors visible). */
function registerDevice(core: DrmDevice): void {
  if (core.crtcs.length === 0 && core.features.modeset && core.planes.length > 0) throw new DrmError('EINVAL', 'a modeset device needs at least one CRTC', 'drm_dev_register');
  // fixup_encoder_possible_clones: an encoder can always be cloned with itself
  for (const e of core.encoders) if (!e.possibleClones) e.possibleClones = 1 << e.index;
  for (const c of core.connectors) registerConnector(core, c);
  core.registered = true;
}

/**
 * drm_dev_unplug: new guards fail and every ioctl/open answers ENODEV at once; then wait for
 * every open guard to exit before the RegistrationData is disposed (uapi 7.1–7.5).
 */
export async function unplug<T extends DriverTypes>(inner: DeviceInner<T>): Promise<void> {
  if (inner.state === 'unplugged') return;
  inner.state = 'unplugged';
  inner.core.unplugged = true;
  inner.core.registered = false;
  // pending flips complete now (vblank off sends their events), so commit work can finish
  for (const crtc of inner.core.crtcs) vblankOff(inner.core, crtc);
  stopVblanks(inner.core);
  await inner.core.onUnplug?.();
  await drainGuards(inner);
  const data = inner.registrationData as { [Symbol.asyncDispose]?: () => Promise<void>; [Symbol.dispose]?: () => void } | undefined;
  inner.registrationData = undefined;
  if (data && typeof data === 'object') {
    if (typeof data[Symbol.asyncDispose] === 'function') await data[Symbol.asyncDispose]!();
    else if (typeof data[Symbol.dispose] === 'function') data[Symbol.dispose]!();
  }
}
