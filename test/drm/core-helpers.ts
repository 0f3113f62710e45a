/**
 * Helpers for the DRM-core conformance tests (uapi sections 4–7): errno assertions and a small
 * configurable driver built on the driver API (for setups the shared test driver does not cover:
 * other mode_config limits, no dumb_create, a dirty callback, disposable RegistrationData, …).
 */
import { expect } from 'vitest';
import { Card } from '../../src/client/card.js';
import type { DriverFeatures } from '../../src/drm/device.js';
import { createFauxDevice, type FauxDevice } from '../../src/drm/driver/bus.js';
import type { Device, Registered } from '../../src/drm/driver/device.js';
import type { Driver, ModeConfigInfo } from '../../src/drm/driver/driver.js';
import { Registration, UnregisteredDevice } from '../../src/drm/driver/registration.js';
import type { DrmFile } from '../../src/drm/file.js';
import type { ClockMode } from '../../src/drm/clock.js';
import type { Crtc, Connector, CrtcFuncs, Framebuffer, Plane } from '../../src/drm/types.js';
import { ConnectorStatus, ConnectorType, EncoderType, PlaneType } from '../../src/uapi/drm-mode.js';
import { DrmError, type ErrnoName } from '../../src/uapi/errno.js';
import type { OpenFlags } from '../../src/uapi/fd.js';
import { Fourcc } from '../../src/uapi/fourcc.js';
import type { IoctlArgs, IoctlName } from '../../src/uapi/ioctl.js';
import { MODE_1024x768 } from './test-driver.js';

/** Run `fn` (a synchronous device call) and assert it fails with exactly `code`. */
export function expectErrno(fn: () => unknown, code: ErrnoName): DrmError {
  let err: unknown = undefined;
  let result: unknown = undefined;
  try {
    result = fn();
  } catch (e) {
    err = e;
  }
  if (result instanceof Promise) {
    result.catch(() => undefined);
    throw new Error('expected a synchronous failure, got a Promise');
  }
  expect(err, `expected ${code}`).toBeInstanceOf(DrmError);
  expect((err as DrmError).code).toBe(code);
  return err as DrmError;
}

/** A raw ioctl on a card: returns the (mutated) argument. Throws if the call would block. */
export function raw<K extends IoctlName>(card: Card, name: K, arg: Partial<IoctlArgs[K]>): Partial<IoctlArgs[K]> {
  const r = card.fd.ioctl(name, arg);
  if (r instanceof Promise) throw new Error(`${name} unexpectedly returned a Promise`);
  return arg;
}

/** The DrmFile behind a card (the object DrmDevice.open returns). */
export function fileOf(card: Card): DrmFile {
  return card.fd as DrmFile;
}

export interface OwnTypes<R> { Data: { label: string }; RegistrationData: R }

export interface OwnDeviceOptions<R> {
  modeConfig?: Partial<ModeConfigInfo>;
  features?: Partial<DriverFeatures>;
  /** Formats of the single primary plane (default XRGB8888, ARGB8888, RGB565, NV12). */
  formats?: number[];
  modifiers?: bigint[] | null;
  fbDirty?: (fb: Framebuffer, flags: number, color: number, numClips: number) => void;
  registrationData?: R;
  crtcFuncs?: CrtcFuncs;
  /** Device clock (default manual: deterministic, no timers). */
  clock?: ClockMode;
}

export interface OwnDevice<R> {
  faux: FauxDevice;
  device: Device<OwnTypes<R>, Registered>;
  primary: Plane;
  crtc: Crtc;
  connector: Connector;
  open(opts?: OpenFlags): Card;
  unbind(): Promise<void>;
}

/** One primary plane, one CRTC, a virtual encoder and connector; everything else configurable. */
export async function createOwnDevice<R = { regs: number[] }>(o: OwnDeviceOptions<R> = {}): Promise<OwnDevice<R>> {
  const driver: Driver<OwnTypes<R>> = {
    info: { name: 'owndrm', desc: 'Conformance test driver', date: '0', major: 1, minor: 0, patchlevel: 0 },
    features: o.features,
    modeConfig: () => ({ minWidth: 10, minHeight: 10, maxWidth: 8192, maxHeight: 8192, ...o.modeConfig }),
    ...(o.fbDirty ? { fbDirty: o.fbDirty } : {}),
  };
  let out: Partial<OwnDevice<R>> = {};
  const faux = await createFauxDevice('owndrm', {
    probe(parent) {
      const u = UnregisteredDevice.create(parent, driver, { label: 'own' }, { clock: o.clock ?? 'manual' });
      const primary = u.createPlane({
        type: PlaneType.PRIMARY, possibleCrtcs: 0,
        formats: o.formats ?? [Fourcc.XRGB8888, Fourcc.ARGB8888, Fourcc.RGB565, Fourcc.NV12],
        modifiers: o.modifiers ?? null,
      });
      const crtc = u.createCrtc({ primary, cursor: null, ...(o.crtcFuncs ? { funcs: o.crtcFuncs } : {}) });
      const encoder = u.createEncoder({ type: EncoderType.VIRTUAL, possibleCrtcs: 1 });
      const connector = u.createConnector({
        type: ConnectorType.VIRTUAL, encoders: [encoder],
        funcs: { detect: () => ConnectorStatus.connected, getModes: () => [MODE_1024x768] },
      });
      const device = Registration.newForeignOwned(u, parent, (o.registrationData ?? { regs: [] }) as R);
      out = { device, primary, crtc, connector };
    },
  });
  const d = out as OwnDevice<R>;
  d.faux = faux;
  d.open = (opts) => new Card(d.device.open(opts));
  d.unbind = () => faux.unbind();
  return d;
}

/** Let pending microtasks and one macrotask turn run. */
export function tick(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}
