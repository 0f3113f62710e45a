/**
 * tinypanel: a small KMS driver written on vkms-ts's driver API — a fixed-mode DSI panel.
 *
 * - DeviceData: the panel (its one mode) and the colour of the boot splash.
 * - Before registration it lights its panel from DeviceData (like fbdev/drm_client would).
 * - atomic_check enforces what this "hardware" cannot do: the plane must cover the whole panel
 *   (no positioning, no scaling) and scanout pitches must be 64-byte aligned.
 * - RegistrationData: the backlight, reachable only through an UnbindGuard, switched off when
 *   the device is unplugged.
 */
import {
  createFauxDevice, checkPlaneState, getCrtcState, helperCheck, NO_SCALING, Registration, UnregisteredDevice,
  type Device, type Driver, type FauxDevice, type Registered,
} from 'vkms-ts';
import { ConnectorType, EncoderType, Fourcc, ModeFlag, ModeType, PlaneType, DrmError, type ModeInfo } from 'vkms-ts';

export interface Panel { name: string; mode: ModeInfo; widthMm: number; heightMm: number }

export interface TinyPanelTypes {
  Data: { panel: Panel; bootColor: number };
  RegistrationData: Backlight;
}

export class Backlight implements Disposable {
  level = 100;
  on = true;
  [Symbol.dispose](): void {
    this.on = false;
  }
}

export const PANEL_800x480: Panel = {
  name: 'TP-800',
  widthMm: 154, heightMm: 86,
  mode: {
    clock: 33300, hdisplay: 800, hsync_start: 840, hsync_end: 888, htotal: 1056, hskew: 0,
    vdisplay: 480, vsync_start: 493, vsync_end: 496, vtotal: 525, vscan: 0, vrefresh: 0,
    flags: ModeFlag.NHSYNC | ModeFlag.NVSYNC, type: ModeType.DRIVER | ModeType.PREFERRED, name: '800x480',
  },
};

export const tinyPanelDriver: Driver<TinyPanelTypes> = {
  info: { name: 'tinypanel', desc: 'A fixed-mode DSI panel', date: '0', major: 0, minor: 1, patchlevel: 0 },
  modeConfig: (_parent, data) => ({
    minWidth: data.panel.mode.hdisplay, maxWidth: data.panel.mode.hdisplay,
    minHeight: data.panel.mode.vdisplay, maxHeight: data.panel.mode.vdisplay,
  }),
  atomicCheck(ctx) {
    // the hardware scans out only 64-byte aligned lines
    for (const e of ctx.state.planes.values()) {
      const fb = e.new.fb;
      if (fb && fb.pitches[0]! % 64 !== 0) throw new DrmError('EINVAL', `tinypanel: pitch ${fb.pitches[0]} is not 64-byte aligned`);
    }
    helperCheck(ctx.state, ctx);
  },
};

export interface TinyPanel {
  faux: FauxDevice;
  device: Device<TinyPanelTypes, Registered>;
  ids: { plane: number; crtc: number; encoder: number; connector: number };
}

/** Bind the panel driver to a new parent device: probe creates, lights and registers it. */
export async function probeTinyPanel(panel: Panel = PANEL_800x480, bootColor = 0x00204080): Promise<TinyPanel> {
  const out: Partial<TinyPanel> = {};
  out.faux = await createFauxDevice('tinypanel', {
    probe(parent) {
      const u = UnregisteredDevice.create(parent, tinyPanelDriver, { panel, bootColor }, { clock: 'manual' });
      const plane = u.createPlane({
        type: PlaneType.PRIMARY, possibleCrtcs: 0, formats: [Fourcc.XRGB8888, Fourcc.RGB565],
        funcs: {
          atomicCheck(_p, ps, ctx) {
            if (!ps.fb || !ps.crtc) return;
            // the plane must fill the panel: no scaling, no positioning (uapi 3.39, 3.41)
            checkPlaneState(ps, getCrtcState(ctx.state, ps.crtc), { minScale: NO_SCALING, maxScale: NO_SCALING, canPosition: false, canUpdateDisabled: false });
          },
        },
      });
      const crtc = u.createCrtc({ primary: plane, cursor: null });
      const encoder = u.createEncoder({ type: EncoderType.DSI, possibleCrtcs: 1 });
      const connector = u.createConnector({
        type: ConnectorType.DSI, encoders: [encoder],
        funcs: {
          // the panel's only mode comes from DeviceData
          getModes: (c) => {
            c.displayInfo.mm_width = panel.widthMm;
            c.displayInfo.mm_height = panel.heightMm;
            return [{ ...panel.mode }];
          },
        },
      });
      // the boot splash, lit before userspace can open the device
      const { mode } = u.device.data.panel;
      const boot = u.device.createFramebuffer(Fourcc.XRGB8888, mode.hdisplay, mode.vdisplay);
      new Uint32Array(boot.bytes.buffer, boot.bytes.byteOffset, boot.bytes.byteLength >> 2).fill(u.device.data.bootColor);
      const r = u.device.commit((c) => c
        .setMode(crtc, mode).set(crtc, 'ACTIVE', 1).set(connector, 'CRTC_ID', crtc.id)
        .set(plane, 'FB_ID', boot.fb.id).set(plane, 'CRTC_ID', crtc.id)
        .set(plane, 'SRC_W', mode.hdisplay * 65536).set(plane, 'SRC_H', mode.vdisplay * 65536)
        .set(plane, 'CRTC_W', mode.hdisplay).set(plane, 'CRTC_H', mode.vdisplay));
      if (r instanceof Promise) throw new Error('boot modeset must not wait');
      out.device = Registration.newForeignOwned(u, parent, new Backlight());
      out.ids = { plane: plane.id, crtc: crtc.id, encoder: encoder.id, connector: connector.id };
    },
  });
  return out as TinyPanel;
}

/** A driver-private "ioctl": set the backlight, valid only while the device is registered. */
export function setBacklight(dev: Device<TinyPanelTypes, Registered>, level: number): boolean {
  using g = dev.enter();
  if (!g) return false; // unplugged
  g.registrationData.level = Math.max(0, Math.min(100, level));
  return true;
}
