/**
 * A device built on the driver API with the topology the reference capture shows
 * (/work/shared/reference/vkms-6.12, see its README): driver vkms 1.0.0 "Virtual Kernel Mode
 * Setting", per CRTC a primary plane, optional overlays and cursor (5 formats, LINEAR, rotation),
 * a CRTC with a 256-entry gamma LUT, a Virtual connector created before its Virtual encoder, and a
 * writeback connector with the same 5 formats. The 34 modes are read from the reference
 * modetest.txt. It exists to check the dump formatters against the reference byte for byte,
 * independently of the VKMS driver proper.
 */
import { readFileSync } from 'node:fs';
import { createFauxDevice } from '../../src/drm/driver/bus.js';
import type { Device, Registered } from '../../src/drm/driver/device.js';
import type { Driver } from '../../src/drm/driver/driver.js';
import { Registration, UnregisteredDevice } from '../../src/drm/driver/registration.js';
import { Card } from '../../src/client/card.js';
import { ConnectorStatus, ConnectorType, EncoderType, PlaneType, Rotation } from '../../src/uapi/drm-mode.js';
import { Fourcc } from '../../src/uapi/fourcc.js';
import type { ModeInfo } from '../../src/uapi/ioctl-structs.js';

import { REFERENCE_DIR } from '../reference-dir.js';
export { REFERENCE_DIR };

/** vkms_formats[] and vkms_wb_formats[] of Linux 6.12 (README: "the 5 plane formats and 5 writeback formats"). */
export const FORMATS_612 = [Fourcc.ARGB8888, Fourcc.XRGB8888, Fourcc.XRGB16161616, Fourcc.ARGB16161616, Fourcc.RGB565];

const MODE_FLAGS = ['phsync', 'nhsync', 'pvsync', 'nvsync', 'interlace', 'dblscan', 'csync', 'pcsync', 'ncsync', 'hskew', 'bcast', 'pixmux', 'dblclk', 'clkdiv2'];
const MODE_TYPES = ['builtin', 'clock_c', 'crtc_c', 'preferred', 'default', 'userdef', 'driver'];

/** The connector modes listed in a reference modetest.txt (timings, flags and type as printed). */
export function referenceModes(modetestText: string): ModeInfo[] {
  const out: ModeInfo[] = [];
  const re = /^ {2}#\d+ (\S+) [\d.]+ (\d+) (\d+) (\d+) (\d+) (\d+) (\d+) (\d+) (\d+) (\d+) flags: ([^;]*); type: (.*)$/;
  for (const line of modetestText.split('\n')) {
    const m = re.exec(line);
    if (!m) continue;
    const bits = (names: string[], list: string) => list.split(', ').filter(Boolean).reduce((acc, n) => acc | (1 << names.indexOf(n)), 0);
    const [hd, hss, hse, ht, vd, vss, vse, vt, clock] = m.slice(2, 11).map(Number) as number[];
    out.push({
      clock: clock!, hdisplay: hd!, hsync_start: hss!, hsync_end: hse!, htotal: ht!, hskew: 0,
      vdisplay: vd!, vsync_start: vss!, vsync_end: vse!, vtotal: vt!, vscan: 0, vrefresh: 0,
      flags: bits(MODE_FLAGS, m[11]!), type: bits(MODE_TYPES, m[12]!), name: m[1]!,
    });
  }
  return out;
}

export interface Vkms612Device {
  device: Device<{ Data: null; RegistrationData: null }, Registered>;
  open(): Card;
  unbind(): Promise<void>;
}

export const vkmsLikeDriver: Driver<{ Data: null; RegistrationData: null }> = {
  info: { name: 'vkms', desc: 'Virtual Kernel Mode Setting', date: '0', major: 1, minor: 0, patchlevel: 0 },
  modeConfig: () => ({ minWidth: 10, minHeight: 10, maxWidth: 8192, maxHeight: 8192, cursorWidth: 512, cursorHeight: 512 }),
};

/** The reference topology: profile = the folder name (default, minimal, full). */
export async function createVkms612Like(profile: 'default' | 'minimal' | 'full'): Promise<Vkms612Device> {
  const cursor = profile !== 'minimal', writeback = profile !== 'minimal', overlays = profile === 'full' ? 8 : 0;
  const modes = referenceModes(readFileSync(`${REFERENCE_DIR}/${profile}/modetest.txt`, 'utf8'));
  let device!: Device<{ Data: null; RegistrationData: null }, Registered>;
  const faux = await createFauxDevice(`vkms612-${profile}`, {
    probe(parent) {
      const u = UnregisteredDevice.create(parent, vkmsLikeDriver, null, { clock: 'manual' });
      const plane = (type: 0 | 1 | 2) => {
        const p = u.createPlane({ type, possibleCrtcs: 1, formats: FORMATS_612 });
        u.addRotationProperty(p, Rotation.ROTATE_0, 0x3f);
        return p;
      };
      const primary = plane(PlaneType.PRIMARY);
      for (let i = 0; i < overlays; i++) plane(PlaneType.OVERLAY);
      const cur = cursor ? plane(PlaneType.CURSOR) : null;
      const crtc = u.createCrtc({ primary, cursor: cur });
      u.setGammaSize(crtc, 256);
      u.enableColorMgmt(crtc, 0, false, 256);
      const conn = u.createConnector({ type: ConnectorType.VIRTUAL, funcs: { detect: () => ConnectorStatus.connected, getModes: () => modes } });
      const enc = u.createEncoder({ type: EncoderType.VIRTUAL, possibleCrtcs: 1 });
      enc.possibleClones = 1 << enc.index;
      u.attachEncoder(conn, enc);
      if (writeback) u.createWritebackConnector({ formats: FORMATS_612, possibleCrtcs: 1 });
      device = Registration.newForeignOwned(u, parent, null);
    },
  });
  return { device, open: () => new Card(device.open()), unbind: () => faux.unbind() };
}
