/**
 * The DRM device as a driver sees it, with typestate contexts (DESIGN.md §2): a
 * `Device<T, Initialized>` can create KMS objects (through its UnregisteredDevice) and run a
 * kernel-side modeset; `Registration.newForeignOwned` turns it into a `Device<T, Registered>`,
 * which userspace can open. DeviceData is reachable in both contexts; RegistrationData only
 * through an UnbindGuard (drm_dev_enter/exit).
 */
import { DrmError } from '../../uapi/errno.js';
import type { DrmFd, OpenFlags } from '../../uapi/fd.js';
import { DrmDevice } from '../device.js';
import { openDevice } from '../open.js';
import type { BoundDevice } from './bus.js';
import type { Driver, DriverTypes } from './driver.js';
import type { DriverConnectorFuncs } from './kms.js';
import { attachEncoder, initConnector, registerConnector, unregisterConnector, type ConnectorInit } from '../kms/connector.js';
import type { Connector, ConnectorFuncs, Encoder } from '../types.js';
import type { ModeInfo } from '../../uapi/ioctl-structs.js';
import { coreFuncs, withPriv } from './funcs.js';
import { kernelCommit, createKernelFramebuffer, type KernelCommit, type KernelCommitOptions, type KernelFramebuffer } from './kernel-commit.js';

/** Context markers: Registered is a subtype of Initialized, so a registered device fits where an initialized one is expected. */
export interface Initialized { readonly initialized: true }
export interface Registered extends Initialized { readonly registered: true }
export type DeviceContext = Initialized | Registered;

/** Runtime guard for callers that bypass the types. */
export class ContextError extends Error {
  constructor(msg: string) {
    super(msg);
    this.name = 'ContextError';
  }
}

/** Shared state of one DRM device across its context views. */
export interface DeviceInner<T extends DriverTypes> {
  readonly core: DrmDevice;
  readonly driver: Driver<T>;
  readonly parent: BoundDevice;
  readonly data: T['Data'];
  registrationData: T['RegistrationData'] | undefined;
  state: 'initialized' | 'registered' | 'unplugged';
  /** Open drm_dev_enter sections and who waits for them to end (the SRCU barrier). */
  guards: number;
  drained: (() => void)[];
}

export type { KernelCommit, KernelFramebuffer, ModeInfo };

const inners = new WeakMap<object, DeviceInner<DriverTypes>>();

/** @internal The shared state behind a Device view (driver-API modules only). */
export function innerOf<T extends DriverTypes>(dev: Device<T, DeviceContext>): DeviceInner<T> {
  return inners.get(dev) as DeviceInner<T>;
}

export class Device<T extends DriverTypes, C extends DeviceContext = DeviceContext> {
  /** Phantom: the context this view was handed out in. */
  declare readonly __context: C;

  /** @internal */
  constructor(inner: DeviceInner<T>) {
    inners.set(this, inner as DeviceInner<DriverTypes>);
  }

  private get inner(): DeviceInner<T> {
    return inners.get(this) as DeviceInner<T>;
  }

  /** drm::Driver::Data: the driver's per-device data, available from Initialized on. */
  get data(): T['Data'] {
    return this.inner.data;
  }

  get driver(): Driver<T> {
    return this.inner.driver;
  }

  get parent(): BoundDevice {
    return this.inner.parent;
  }

  /** The DRM core device (objects, states) for driver code and helpers. */
  get drm(): DrmDevice {
    return this.inner.core;
  }

  get isRegistered(): boolean {
    return this.inner.state === 'registered';
  }

  get isUnplugged(): boolean {
    return this.inner.state === 'unplugged';
  }

  /**
   * A kernel-side atomic commit (drm_client style), usable before registration: the KMS callbacks
   * that run get this device in the Initialized context. Blocking by default.
   */
  commit(build: (c: KernelCommit) => void, opts?: KernelCommitOptions): void | Promise<void> {
    if (this.inner.state === 'unplugged') throw new DrmError('ENODEV', 'device is unplugged', 'commit');
    return kernelCommit(this.inner.core, build, opts);
  }

  /** A framebuffer owned by the driver (boot splash, fbdev), listed in no file. */
  createFramebuffer(format: number, width: number, height: number): KernelFramebuffer {
    return createKernelFramebuffer(this.inner.core, format, width, height);
  }

  /**
   * Hot-add a connector after registration (like a DP MST port appearing): initialised, attached
   * to its encoders, registered, then a hotplug event.
   */
  hotAddConnector<S = unknown>(this: Device<T, Registered>, init: Omit<ConnectorInit, 'funcs'> & { funcs?: DriverConnectorFuncs<T, S>; encoders?: Encoder[] }): Connector {
    requireRegistered(this.inner, 'hotAddConnector');
    const core = this.inner.core;
    const c = withPriv(initConnector(core, { ...init, funcs: coreFuncs(init.funcs) as ConnectorFuncs }), init.funcs);
    for (const e of init.encoders ?? []) attachEncoder(c, e);
    registerConnector(core, c);
    this.hotplugEvent();
    return c;
  }

  /**
   * Hot-remove a connector: unregistered at once (lookups fail, uapi 1.7; routing it to an active
   * CRTC fails, 3.34), then a hotplug event. It stays in the state of a CRTC using it until
   * userspace moves away.
   */
  hotRemoveConnector(this: Device<T, Registered>, conn: Connector): void {
    requireRegistered(this.inner, 'hotRemoveConnector');
    unregisterConnector(this.inner.core, conn);
    this.hotplugEvent();
  }

  /** drm_kms_helper_hotplug_event: tell userspace (a uevent) that connectors changed. */
  hotplugEvent(): void {
    for (const l of [...this.inner.core.hotplugListeners]) l();
  }

  /** Listen for hotplug uevents; returns the unsubscribe function. */
  onHotplug(cb: () => void): () => void {
    const set = this.inner.core.hotplugListeners;
    set.add(cb);
    return () => set.delete(cb);
  }

  /** open() of the device node: only a registered device has one (uapi 6.1, 7.2). */
  open(this: Device<T, Registered>, flags?: OpenFlags): DrmFd {
    requireRegistered(this.inner, 'open');
    return openDevice(this.inner.core, flags);
  }

  /**
   * drm_dev_enter: a guard for an unplug-safe section, or null once the device is unplugged
   * (uapi 7.5). Use with `using g = dev.enter()` or call `g.exit()`.
   */
  enter(this: Device<T, Registered>): UnbindGuard<T> | null {
    requireRegistered(this.inner, 'enter', true);
    if (this.inner.state === 'unplugged') return null;
    return new UnbindGuard(this.inner);
  }

  /** Run `fn` inside a guard (sync or async); resolves to undefined if the device is unplugged. */
  async guarded<R>(this: Device<T, Registered>, fn: (g: UnbindGuard<T>) => R | Promise<R>): Promise<R | undefined> {
    const g = this.enter();
    if (!g) return undefined;
    try {
      return await fn(g);
    } finally {
      g.exit();
    }
  }
}

function requireRegistered(inner: DeviceInner<DriverTypes>, what: string, allowUnplugged = false): void {
  if (inner.state === 'initialized') throw new ContextError(`${what}() needs a registered device (this one is still Initialized)`);
  if (inner.state === 'unplugged' && !allowUnplugged) throw new DrmError('ENODEV', 'device is unplugged', what);
}

/** A drm_dev_enter/exit section: RegistrationData is reachable through it, only while it is open. */
export class UnbindGuard<T extends DriverTypes> implements Disposable {
  private inner: DeviceInner<T> | null;

  /** @internal */
  constructor(inner: DeviceInner<T>) {
    this.inner = inner;
    inner.guards++;
  }

  /** The registration's data; throws once the guard has exited. */
  get registrationData(): T['RegistrationData'] {
    if (!this.inner) throw new ContextError('registrationData used after its UnbindGuard exited');
    return this.inner.registrationData as T['RegistrationData'];
  }

  get active(): boolean {
    return this.inner !== null;
  }

  /** drm_dev_exit. Idempotent. */
  exit(): void {
    const inner = this.inner;
    if (!inner) return;
    this.inner = null;
    if (--inner.guards === 0) for (const w of inner.drained.splice(0)) w();
  }

  [Symbol.dispose](): void {
    this.exit();
  }
}

/** Wait until no drm_dev_enter section is open (synchronize_srcu). */
export function drainGuards(inner: DeviceInner<DriverTypes>): Promise<void> {
  if (inner.guards === 0) return Promise.resolve();
  return new Promise((resolve) => inner.drained.push(resolve));
}
