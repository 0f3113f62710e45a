/**
 * The KMS side of the driver API (≈ rust/kernel/drm/kms/*: DriverCrtc, DriverPlane,
 * DriverConnector, DriverEncoder): per-object callbacks that receive the device in the
 * Initialized context (so they work during a modeset before registration and after it), the
 * atomic state they run in, and typed driver-private state.
 */
import type { ConnectorStatusCode } from '../../uapi/drm-mode.js';
import type { ModeInfo } from '../../uapi/ioctl-structs.js';
import type { AtomicState } from '../atomic/state.js';
import type { Connector, ConnectorState, Crtc, CrtcState, Encoder, Plane, PlaneState, Property } from '../types.js';
import type { Device, Initialized } from './device.js';
import type { DriverTypes } from './driver.js';

/** What every KMS callback gets besides its object and states (AtomicStateComposer/Mutator). */
export interface AtomicContext<T extends DriverTypes> {
  /** The atomic state being checked or committed (old and new object states). */
  readonly state: AtomicState;
  /** The device, readable in both contexts: DeviceData is `device.data`. */
  readonly device: Device<T, Initialized>;
}

/** DriverPlane. `S` is the plane's driver-private state (cloned on duplicate). */
export interface DriverPlaneFuncs<T extends DriverTypes, S = unknown> {
  atomicCheck?(plane: Plane, state: PlaneState & { priv: S }, ctx: AtomicContext<T>): void;
  atomicUpdate?(plane: Plane, state: PlaneState & { priv: S }, old: PlaneState & { priv: S }, ctx: AtomicContext<T>): void;
  atomicDisable?(plane: Plane, state: PlaneState & { priv: S }, old: PlaneState & { priv: S }, ctx: AtomicContext<T>): void;
  atomicSetProperty?(plane: Plane, state: PlaneState & { priv: S }, prop: Property, value: bigint): void;
  /** Initial driver-private state (reset). */
  initialState?(): S;
  /** Clone of the private state on duplicate (default: structuredClone). */
  duplicateState?(s: S): S;
}

export interface DriverCrtcFuncs<T extends DriverTypes, S = unknown> {
  atomicCheck?(crtc: Crtc, state: CrtcState & { priv: S }, ctx: AtomicContext<T>): void;
  atomicBegin?(crtc: Crtc, state: CrtcState & { priv: S }, old: CrtcState & { priv: S }, ctx: AtomicContext<T>): void;
  /** Must hand the state's event on (crtcHandleEvent) if it overrides the default. */
  atomicFlush?(crtc: Crtc, state: CrtcState & { priv: S }, old: CrtcState & { priv: S }, ctx: AtomicContext<T>): void;
  /** Must call vblankOn if it overrides the default. */
  atomicEnable?(crtc: Crtc, state: CrtcState & { priv: S }, old: CrtcState & { priv: S }, ctx: AtomicContext<T>): void;
  /** Must call vblankOff if it overrides the default. */
  atomicDisable?(crtc: Crtc, state: CrtcState & { priv: S }, old: CrtcState & { priv: S }, ctx: AtomicContext<T>): void;
  atomicSetProperty?(crtc: Crtc, state: CrtcState & { priv: S }, prop: Property, value: bigint): void;
  modeValid?(crtc: Crtc, mode: ModeInfo): boolean;
  /** drm_crtc_funcs.gamma_set through drm_crtc_legacy_gamma_set: SETGAMMA works. */
  legacyGammaSet?: boolean;
  /** Per-frame work at each vblank, after events (VKMS composes here). */
  vblankTick?(crtc: Crtc, count: bigint, timeNs: bigint): void;
  initialState?(): S;
  duplicateState?(s: S): S;
}

export interface DriverConnectorFuncs<T extends DriverTypes, S = unknown> {
  detect?(connector: Connector, force: boolean): ConnectorStatusCode;
  getModes?(connector: Connector): ModeInfo[];
  modeValid?(connector: Connector, mode: ModeInfo): boolean;
  atomicCheck?(connector: Connector, state: ConnectorState & { priv: S }, ctx: AtomicContext<T>): void;
  /** Writeback connectors: take the job (queueWritebackJob). */
  atomicCommit?(connector: Connector, state: ConnectorState & { priv: S }, ctx: AtomicContext<T>): void;
  atomicSetProperty?(connector: Connector, state: ConnectorState & { priv: S }, prop: Property, value: bigint): void;
  initialState?(): S;
  duplicateState?(s: S): S;
}

export interface DriverEncoderFuncs {
  modeValid?(encoder: Encoder, mode: ModeInfo): boolean;
}
