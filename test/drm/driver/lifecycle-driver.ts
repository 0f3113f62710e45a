/** A small driver for the lifecycle tests: records which context its callbacks saw. */
import { createFauxDevice, Registration, UnregisteredDevice, type BoundDevice, type Device, type Driver, type Registered } from '../../../src/drm/driver/index.js';
import type { Crtc, Plane, Connector } from '../../../src/drm/types.js';
import { ConnectorType, EncoderType, PlaneType } from '../../../src/uapi/drm-mode.js';
import { Fourcc } from '../../../src/uapi/fourcc.js';
import { MODE_1024x768 } from '../test-driver.js';

export interface Seen { where: string; registered: boolean; label: string }
export interface LcTypes { Data: { label: string; seen: Seen[] }; RegistrationData: { disposed: boolean; uses: number; [Symbol.dispose](): void } }

export const lcDriver: Driver<LcTypes> = {
  info: { name: 'lcdrm', desc: 'lifecycle test driver', date: '0', major: 1, minor: 0, patchlevel: 0 },
  modeConfig: () => ({ minWidth: 10, minHeight: 10, maxWidth: 4096, maxHeight: 4096 }),
};

export function regData(): LcTypes['RegistrationData'] {
  const d = { disposed: false, uses: 0, [Symbol.dispose]() { d.disposed = true; } };
  return d;
}

export interface Lc {
  faux: Awaited<ReturnType<typeof createFauxDevice>>;
  parent: BoundDevice;
  device: Device<LcTypes, Registered>;
  data: LcTypes['Data'];
  reg: LcTypes['RegistrationData'];
  primary: Plane;
  crtc: Crtc;
  connector: Connector;
}

/** Builds the device; with `preModeset` it lights 1024x768 from DeviceData before registering. */
export async function createLc(preModeset: boolean): Promise<Lc> {
  const data = { label: 'from-device-data', seen: [] as Seen[] };
  const reg = regData();
  const out: Partial<Lc> = { data, reg };
  out.faux = await createFauxDevice('lcdrm', {
    probe(parent) {
      const u = UnregisteredDevice.create(parent, lcDriver, data, { clock: 'manual' });
      const note = (where: string, dev: Device<LcTypes>) => dev.data.seen.push({ where, registered: dev.isRegistered, label: dev.data.label });
      const primary = u.createPlane({
        type: PlaneType.PRIMARY, possibleCrtcs: 0, formats: [Fourcc.XRGB8888],
        funcs: { atomicCheck: (_p, _s, ctx) => note('plane.atomicCheck', ctx.device), atomicUpdate: (_p, _s, _o, ctx) => note('plane.atomicUpdate', ctx.device) },
      });
      const crtc = u.createCrtc({
        primary, cursor: null,
        funcs: { atomicCheck: (_c, _s, ctx) => note('crtc.atomicCheck', ctx.device), atomicBegin: (_c, _s, _o, ctx) => note('crtc.atomicBegin', ctx.device) },
      });
      const enc = u.createEncoder({ type: EncoderType.VIRTUAL, possibleCrtcs: 1 });
      const connector = u.createConnector({
        type: ConnectorType.VIRTUAL, encoders: [enc],
        funcs: { getModes: () => [MODE_1024x768], atomicCheck: (_c, _s, ctx) => note('connector.atomicCheck', ctx.device) },
      });
      if (preModeset) {
        const boot = u.device.createFramebuffer(Fourcc.XRGB8888, 1024, 768);
        boot.bytes.fill(0x40);
        const r = u.device.commit((c) => c
          .setMode(crtc, MODE_1024x768).set(crtc, 'ACTIVE', 1).set(connector, 'CRTC_ID', crtc.id)
          .set(primary, 'FB_ID', boot.fb.id).set(primary, 'CRTC_ID', crtc.id)
          .set(primary, 'SRC_W', 1024 << 16).set(primary, 'SRC_H', 768 << 16).set(primary, 'CRTC_W', 1024).set(primary, 'CRTC_H', 768));
        if (r instanceof Promise) throw new Error('the pre-registration modeset should complete synchronously on the manual clock');
      }
      out.device = Registration.newForeignOwned(u, parent, reg);
      Object.assign(out, { parent, primary, crtc, connector });
    },
  });
  return out as Lc;
}
