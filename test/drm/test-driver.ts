/**
 * A small driver for the core's tests, written on the driver API like any other driver: one CRTC
 * with primary, overlay and cursor planes, a Virtual encoder and connector, and a writeback
 * connector. Options switch pieces on and off.
 */
import { createFauxDevice, type BoundDevice } from '../../src/drm/driver/bus.js';
import type { Device, Registered } from '../../src/drm/driver/device.js';
import type { Driver, ModeConfigInfo } from '../../src/drm/driver/driver.js';
import type { ConnectorInit } from '../../src/drm/kms/connector.js';
import type { ClockMode } from '../../src/drm/clock.js';
import { Registration, UnregisteredDevice } from '../../src/drm/driver/registration.js';
import type { Connector, Crtc, Encoder, Plane } from '../../src/drm/types.js';
import { ConnectorStatus, ConnectorType, EncoderType, ModeFlag, ModeType, PlaneType, Rotation } from '../../src/uapi/drm-mode.js';
import { Fourcc } from '../../src/uapi/fourcc.js';
import type { ModeInfo } from '../../src/uapi/ioctl-structs.js';
import type { DriverFeatures } from '../../src/drm/device.js';
import { Card } from '../../src/client/card.js';

export interface TestTypes { Data: { label: string }; RegistrationData: { regs: number[] } }

export const MODE_1024x768: ModeInfo = {
  clock: 65000, hdisplay: 1024, hsync_start: 1048, hsync_end: 1184, htotal: 1344, hskew: 0,
  vdisplay: 768, vsync_start: 771, vsync_end: 777, vtotal: 806, vscan: 0, vrefresh: 0,
  flags: ModeFlag.NHSYNC | ModeFlag.NVSYNC, type: ModeType.DRIVER | ModeType.PREFERRED, name: '1024x768',
};
export const MODE_800x600: ModeInfo = {
  clock: 40000, hdisplay: 800, hsync_start: 840, hsync_end: 968, htotal: 1056, hskew: 0,
  vdisplay: 600, vsync_start: 601, vsync_end: 605, vtotal: 628, vscan: 0, vrefresh: 0,
  flags: ModeFlag.PHSYNC | ModeFlag.PVSYNC, type: ModeType.DRIVER, name: '800x600',
};
export const MODE_640x480: ModeInfo = {
  clock: 25175, hdisplay: 640, hsync_start: 656, hsync_end: 752, htotal: 800, hskew: 0,
  vdisplay: 480, vsync_start: 490, vsync_end: 492, vtotal: 525, vscan: 0, vrefresh: 0,
  flags: ModeFlag.NHSYNC | ModeFlag.NVSYNC, type: ModeType.DRIVER, name: '640x480',
};
/** Pruned by the probe: interlaced (not allowed) and wider than max_width. */
export const MODE_INTERLACED: ModeInfo = { ...MODE_1024x768, clock: 44900, htotal: 1264, hsync_end: 1208, vtotal: 817, vsync_start: 768, vsync_end: 776, flags: ModeFlag.INTERLACE | ModeFlag.PHSYNC | ModeFlag.PVSYNC, type: ModeType.DRIVER, name: '1024x768i' };
export const MODE_TOO_WIDE: ModeInfo = { ...MODE_1024x768, hdisplay: 9000, hsync_start: 9024, hsync_end: 9160, htotal: 9320, type: ModeType.DRIVER, name: '9000x768' };

export const PLANE_FORMATS = [Fourcc.XRGB8888, Fourcc.ARGB8888, Fourcc.RGB565, Fourcc.NV12];
export const WB_FORMATS = [Fourcc.XRGB8888, Fourcc.ARGB8888];

export interface TestDeviceOptions {
  overlay?: boolean;
  cursor?: boolean;
  writeback?: boolean;
  features?: Partial<DriverFeatures>;
  status?: () => 1 | 2 | 3;
  modes?: ModeInfo[];
  crtcs?: number;
  /** Overrides of the mode config limits (merged over testDriver.modeConfig). */
  modeConfig?: Partial<ModeConfigInfo>;
  /** Extra connector init fields (interlaceAllowed, stereoAllowed, ...). */
  connector?: Partial<Omit<ConnectorInit, 'type' | 'funcs'>>;
  /** The device clock (default 'manual': deterministic, no timers left behind). */
  clock?: ClockMode;
}

export interface TestDevice {
  parent: BoundDevice;
  device: Device<TestTypes, Registered>;
  primary: Plane;
  overlay: Plane | null;
  cursor: Plane | null;
  crtc: Crtc;
  crtcs: Crtc[];
  encoder: Encoder;
  connector: Connector;
  writeback: Connector | null;
  open(opts?: Parameters<Device<TestTypes, Registered>['open']>[0]): Card;
  unbind(): Promise<void>;
}

export const testDriver: Driver<TestTypes> = {
  info: { name: 'testdrm', desc: 'Test DRM driver', date: '0', major: 1, minor: 2, patchlevel: 3 },
  modeConfig: () => ({ minWidth: 10, minHeight: 10, maxWidth: 8192, maxHeight: 8192, cursorWidth: 512, cursorHeight: 512 }),
};

export async function createTestDevice(o: TestDeviceOptions = {}): Promise<TestDevice> {
  let out: Partial<TestDevice> = {};
  const driver: Driver<TestTypes> = {
    ...testDriver, features: o.features,
    modeConfig: (parent, data) => ({ ...testDriver.modeConfig(parent, data), ...o.modeConfig }),
  };
  const faux = await createFauxDevice('testdrm', {
    probe(parent) {
      const u = UnregisteredDevice.create(parent, driver, { label: 'device-data' }, { clock: o.clock ?? 'manual' });
      const crtcs: Crtc[] = [];
      const primary = u.createPlane({ type: PlaneType.PRIMARY, possibleCrtcs: 0, formats: PLANE_FORMATS });
      u.addRotationProperty(primary, Rotation.ROTATE_0, 0x3f);
      const overlay = o.overlay === false ? null : u.createPlane({ type: PlaneType.OVERLAY, possibleCrtcs: 1, formats: PLANE_FORMATS });
      const cursor = o.cursor === false ? null : u.createPlane({ type: PlaneType.CURSOR, possibleCrtcs: 0, formats: [Fourcc.ARGB8888] });
      const crtc = u.createCrtc({ primary, cursor });
      u.setGammaSize(crtc, 256);
      u.enableColorMgmt(crtc, 0, false, 256);
      crtcs.push(crtc);
      for (let i = 1; i < (o.crtcs ?? 1); i++) {
        const p = u.createPlane({ type: PlaneType.PRIMARY, possibleCrtcs: 0, formats: PLANE_FORMATS });
        crtcs.push(u.createCrtc({ primary: p, cursor: null }));
      }
      const allCrtcs = (1 << crtcs.length) - 1;
      const encoder = u.createEncoder({ type: EncoderType.VIRTUAL, possibleCrtcs: allCrtcs });
      encoder.possibleClones = 1 << encoder.index;
      const connector = u.createConnector({
        ...o.connector, type: ConnectorType.VIRTUAL, encoders: [encoder],
        funcs: {
          detect: () => (o.status ? o.status() : ConnectorStatus.connected),
          getModes: () => o.modes ?? [MODE_640x480, MODE_INTERLACED, MODE_1024x768, MODE_TOO_WIDE, MODE_800x600],
        },
      });
      const writeback = o.writeback === false ? null : u.createWritebackConnector({ formats: WB_FORMATS, possibleCrtcs: 1 });
      const device = Registration.newForeignOwned(u, parent, { regs: [1, 2, 3] });
      out = { parent, device, primary, overlay, cursor, crtc, crtcs, encoder, connector, writeback };
    },
  });
  const t = out as TestDevice;
  t.open = (opts) => new Card(t.device.open(opts));
  t.unbind = () => faux.unbind();
  return t;
}

export interface CustomDevice<R> {
  parent: BoundDevice;
  device: Device<TestTypes, Registered>;
  /** Whatever the build callback returned. */
  objs: R;
  open(opts?: Parameters<Device<TestTypes, Registered>['open']>[0]): Card;
  unbind(): Promise<void>;
}

/**
 * A device whose KMS objects are created by `build` (on the UnregisteredDevice, before
 * registration), for tests that need a topology the standard test driver does not have.
 */
export async function createCustomDevice<R>(
  build: (u: UnregisteredDevice<TestTypes>) => R,
  o: { features?: Partial<DriverFeatures>; modeConfig?: Partial<ModeConfigInfo>; clock?: ClockMode } = {},
): Promise<CustomDevice<R>> {
  let out: Partial<CustomDevice<R>> = {};
  const driver: Driver<TestTypes> = {
    ...testDriver, features: o.features,
    modeConfig: (parent, data) => ({ ...testDriver.modeConfig(parent, data), ...o.modeConfig }),
  };
  const faux = await createFauxDevice('testdrm-custom', {
    probe(parent) {
      const u = UnregisteredDevice.create(parent, driver, { label: 'custom' }, { clock: o.clock ?? 'manual' });
      const objs = build(u);
      const device = Registration.newForeignOwned(u, parent, { regs: [] });
      out = { parent, device, objs };
    },
  });
  const t = out as CustomDevice<R>;
  t.open = (opts) => new Card(t.device.open(opts));
  t.unbind = () => faux.unbind();
  return t;
}
