/**
 * VKMS's atomic checks (vkms-semantics §1.1, §1.5, §1.8, §2.12; uapi A.5, 3.28, 3.57, 3.58):
 * no scaling (ERANGE), any position (a plane wholly off-screen is invisible), planes with FBs on a
 * disabled CRTC, the GAMMA_LUT size limit, writeback FB size and format, and the clone rule that
 * keeps the Virtual and the Writeback connector apart on 6.12.
 */
import { describe, expect, it } from 'vitest';
import type { Card } from '../../src/client/index.js';
import { Fourcc } from '../../src/uapi/index.js';
import type { ProfileName, VkmsDevice } from '../../src/vkms/index.js';
import { addPlane, AtomicFlag, AtomicRequest, createFb, errnoOf, findMode, modesetReq, openVkms, planeOff, put8888, type Fb } from './helpers.js';

const { TEST_ONLY, ALLOW_MODESET } = AtomicFlag;

/** A lit device: the preferred mode, a full-screen XRGB8888 primary, overlays enabled. */
async function lit(profile: ProfileName = 'latest') {
  const { vk, card } = await openVkms({ profile, enable_overlay: true });
  const crtc = vk.ids.crtcs.crtc0!, conn = vk.ids.connectors.connector0!;
  const mode = findMode(card, conn);
  const primaryFb = createFb(card, mode.hdisplay, mode.vdisplay, Fourcc.XRGB8888);
  const req = modesetReq(card, crtc, conn, mode);
  addPlane(req, crtc, { plane: vk.ids.planes.primary!, fb: primaryFb });
  card.atomicCommitSync(req, ALLOW_MODESET);
  return { vk, card, crtc, conn, mode, primaryFb, P: vk.ids.planes as Record<string, number> };
}

/** Both a TEST_ONLY and a real commit give this result. */
function expectBoth(card: Card, build: () => AtomicRequest, result: string, flags = 0): void {
  expect(errnoOf(() => card.atomicCommitSync(build(), flags | TEST_ONLY))).toBe(result);
  expect(errnoOf(() => card.atomicCommitSync(build(), flags))).toBe(result);
}

const visible = (vk: VkmsDevice, name: string) => vk.device.drm.planes.find((p) => p.id === vk.ids.planes[name])!.state.visible;

describe('no scaling: src size ≠ CRTC size is ERANGE (uapi 3.58, A.5)', () => {
  it('upscaled primary, downscaled cursor, one axis only, overlay; the same sizes pass', async () => {
    const { vk, card, crtc, P, mode } = await lit();
    const small = createFb(card, 256, 192, Fourcc.XRGB8888);
    const cursor = createFb(card, 64, 64, Fourcc.ARGB8888);
    const cases: [string, () => AtomicRequest][] = [
      ['primary 256x192 → 1024x768', () => addPlane(new AtomicRequest(), crtc, { plane: P.primary!, fb: small, w: mode.hdisplay, h: mode.vdisplay })],
      ['cursor 64x64 → 32x32', () => addPlane(new AtomicRequest(), crtc, { plane: P.cursor!, fb: cursor, w: 32, h: 32 })],
      ['overlay 256x192 → 256x384 (vertical only)', () => addPlane(new AtomicRequest(), crtc, { plane: P.overlay0!, fb: small, w: 256, h: 384 })],
      ['overlay 256x192 → 255x192 (horizontal only)', () => addPlane(new AtomicRequest(), crtc, { plane: P.overlay0!, fb: small, w: 255, h: 192 })],
      ['overlay src 128x96 of 256x192 → 256x192', () => addPlane(new AtomicRequest(), crtc, { plane: P.overlay0!, fb: small, srcW: 128, srcH: 96, w: 256, h: 192 })],
    ];
    for (const [what, build] of cases) {
      expect({ what, r: errnoOf(() => card.atomicCommitSync(build(), TEST_ONLY)) }).toEqual({ what, r: 'ERANGE' });
      expect({ what, r: errnoOf(() => card.atomicCommitSync(build())) }).toEqual({ what, r: 'ERANGE' });
    }
    // a refused commit changed nothing
    expect(card.getPlane(P.overlay0!).fbId).toBe(0);
    expect(card.getPlane(P.cursor!).fbId).toBe(0);
    // 1:1 is fine, also for a sub-rectangle of the FB
    expectBoth(card, () => addPlane(new AtomicRequest(), crtc, { plane: P.overlay0!, fb: small, srcX: 10, srcY: 20, srcW: 128, srcH: 96 }), 'ok');
    expectBoth(card, () => addPlane(new AtomicRequest(), crtc, { plane: P.cursor!, fb: cursor }), 'ok');
    await vk.unplug();
  });
});

describe('any position: can_position = true (A.5, §2.12)', () => {
  it('partly off-screen on every edge, a smaller primary at an offset, a primary FB of another size', async () => {
    const { vk, card, crtc, P, mode } = await lit();
    const ov = createFb(card, 200, 100, Fourcc.XRGB8888);
    const W = mode.hdisplay, H = mode.vdisplay;
    for (const [x, y] of [[-100, 10], [10, -50], [W - 50, 10], [10, H - 20], [-150, -80], [W - 1, H - 1], [-199, -99]]) {
      card.atomicCommitSync(addPlane(new AtomicRequest(), crtc, { plane: P.overlay0!, fb: ov, x: x!, y: y! }));
      expect({ x, y, visible: visible(vk, 'overlay0') }).toEqual({ x, y, visible: true });
      const info = card.getPlane(P.overlay0!);
      expect(info.fbId).toBe(ov.id);
      expect(info.crtcId).toBe(crtc);
    }
    // the primary does not have to cover the CRTC
    card.atomicCommitSync(addPlane(new AtomicRequest(), crtc, { plane: P.primary!, fb: ov, x: 300, y: 200 }));
    expect(visible(vk, 'primary')).toBe(true);
    card.atomicCommitSync(addPlane(new AtomicRequest(), crtc, { plane: P.primary!, fb: ov, x: -20, y: H - 30 }));
    expect(visible(vk, 'primary')).toBe(true);
    // and may be off entirely while the CRTC is on
    card.atomicCommitSync(planeOff(new AtomicRequest(), P.primary!));
    expect(card.getCrtc(crtc).modeValid).toBe(true);
    vk.vblank('crtc0', 1);
    await vk.unplug();
  });

  it('a plane wholly off-screen: the commit succeeds, the plane is invisible and leaves the frame untouched', async () => {
    const { vk, card, crtc, P, mode, primaryFb } = await lit();
    for (let y = 0; y < mode.vdisplay; y++) for (let x = 0; x < mode.hdisplay; x++) put8888(primaryFb, x, y, 0xff, x & 0xff, y & 0xff, 0x40);
    const ov = createFb(card, 64, 64, Fourcc.XRGB8888);
    ov.bytes.fill(0xff);
    vk.debugfs.setCrcSource('crtc0', 'auto');
    vk.vblank('crtc0', 1);
    const base = vk.debugfs.readCrc('crtc0').at(-1)!.crc;
    for (const [x, y] of [[mode.hdisplay, 0], [0, mode.vdisplay], [-64, 0], [0, -64], [5000, 5000], [-10000, -3]]) {
      card.atomicCommitSync(addPlane(new AtomicRequest(), crtc, { plane: P.overlay0!, fb: ov, x: x!, y: y! }));
      expect({ x, y, visible: visible(vk, 'overlay0') }).toEqual({ x, y, visible: false });
      expect(card.getPlane(P.overlay0!).fbId).toBe(ov.id);
      vk.debugfs.readCrc('crtc0');
      vk.vblank('crtc0', 1);
      expect(vk.debugfs.readCrc('crtc0').map((e) => e.crc)).toEqual([base]);
    }
    // one pixel back on screen changes the frame
    card.atomicCommitSync(addPlane(new AtomicRequest(), crtc, { plane: P.overlay0!, fb: ov, x: -63, y: -63 }));
    expect(visible(vk, 'overlay0')).toBe(true);
    vk.debugfs.readCrc('crtc0');
    vk.vblank('crtc0', 1);
    expect(vk.debugfs.readCrc('crtc0')[0]!.crc).not.toBe(base);
    await vk.unplug();
  });
});

describe('planes with FBs on a disabled CRTC: can_update_disabled = true (A.5)', () => {
  it('the commit passes (no modeset needed), the plane is bound but not visible; enabling the CRTC shows it', async () => {
    const { vk, card } = await openVkms({ profile: 'latest', enable_overlay: true });
    const crtc = vk.ids.crtcs.crtc0!, P = vk.ids.planes;
    const fb = createFb(card, 128, 128, Fourcc.ARGB8888);
    const req = () => {
      const r = new AtomicRequest();
      addPlane(r, crtc, { plane: P.primary!, fb, x: 10, y: 10 });
      return addPlane(r, crtc, { plane: P.overlay3!, fb, x: -20, y: 40 });
    };
    expectBoth(card, req, 'ok');
    expect(card.getPlane(P.primary!).fbId).toBe(fb.id);
    expect(card.getPlane(P.overlay3!).crtcId).toBe(crtc);
    expect(visible(vk, 'primary')).toBe(false);
    expect(card.getCrtc(crtc).modeValid).toBe(false);
    // the scaling check still applies on a disabled CRTC
    expect(errnoOf(() => card.atomicCommitSync(addPlane(new AtomicRequest(), crtc, { plane: P.overlay3!, fb, w: 64, h: 64 }), TEST_ONLY))).toBe('ERANGE');
    const mode = findMode(card, vk.ids.connectors.connector0!);
    card.atomicCommitSync(modesetReq(card, crtc, vk.ids.connectors.connector0!, mode), ALLOW_MODESET);
    expect(visible(vk, 'primary')).toBe(true);
    expect(visible(vk, 'overlay3')).toBe(true);
    await vk.unplug();
  });
});

describe('GAMMA_LUT size (vkms_atomic_check, §1.1)', () => {
  const lutBlob = (card: Card, n: number) => {
    const d = new Uint8Array(n * 8);
    const dv = new DataView(d.buffer);
    for (let i = 0; i < n; i++) for (let c = 0; c < 3; c++) dv.setUint16(i * 8 + c * 2, Math.round((i * 0xffff) / Math.max(n - 1, 1)), true);
    return card.createPropertyBlob(d);
  };
  it('257 or 1024 entries: EINVAL; exactly 256 and fewer: accepted; removing it: accepted', async () => {
    const { vk, card, crtc } = await lit();
    for (const n of [257, 1024, 4096]) expectBoth(card, () => new AtomicRequest().add(crtc, 'GAMMA_LUT', lutBlob(card, n)), 'EINVAL');
    expect(card.getObjectProperties(crtc).propValues[card.getObjectProperties(crtc).props.indexOf(card.propertyId(crtc, 'GAMMA_LUT'))]).toBe(0n);
    for (const n of [256, 16, 2]) expectBoth(card, () => new AtomicRequest().add(crtc, 'GAMMA_LUT', lutBlob(card, n)), 'ok');
    expectBoth(card, () => new AtomicRequest().add(crtc, 'GAMMA_LUT', 0), 'ok');
    // the core rejects a blob whose length is no multiple of 8 (uapi 2.31)
    const odd = card.createPropertyBlob(new Uint8Array(256 * 8 + 4));
    expectBoth(card, () => new AtomicRequest().add(crtc, 'GAMMA_LUT', odd), 'EINVAL');
    // a LUT is not a modeset: the frame keeps coming
    card.atomicCommitSync(new AtomicRequest().add(crtc, 'GAMMA_LUT', lutBlob(card, 256)));
    vk.vblank('crtc0', 1);
    await vk.unplug();
  });
});

describe('writeback checks (vkms_wb_atomic_check, uapi 3.28)', () => {
  /** Route the writeback connector (alone on 6.12, 3.57) with a writeback FB. */
  const wbReq = (vk: VkmsDevice, fb: Fb, alone: boolean) => {
    const crtc = vk.ids.crtcs.crtc0!, wb = vk.ids.writeback.crtc0!;
    const r = new AtomicRequest().add(wb, 'CRTC_ID', crtc).add(wb, 'WRITEBACK_FB_ID', fb.id);
    if (alone) r.add(vk.ids.connectors.connector0!, 'CRTC_ID', 0);
    return r;
  };
  for (const profile of ['latest', 'linux-6.12'] as const) {
    it(`${profile}: the FB must be the mode size, its format one of WRITEBACK_PIXEL_FORMATS`, async () => {
      const { vk, card, mode } = await lit(profile);
      const alone = profile === 'linux-6.12';
      const W = mode.hdisplay, H = mode.vdisplay;
      for (const [w, h] of [[W - 1, H], [W, H - 1], [W + 1, H + 1], [640, 480]]) {
        const fb = createFb(card, w!, h!, Fourcc.XRGB8888);
        expect({ w, h, r: errnoOf(() => card.atomicCommitSync(wbReq(vk, fb, alone), TEST_ONLY | ALLOW_MODESET)) }).toEqual({ w, h, r: 'EINVAL' });
        expect({ w, h, r: errnoOf(() => card.atomicCommitSync(wbReq(vk, fb, alone), ALLOW_MODESET)) }).toEqual({ w, h, r: 'EINVAL' });
      }
      // formats VKMS can scan out but not write back (3.28). On 6.12 the plane and writeback lists
      // are the same 5 formats, and ADDFB2 refuses a format no plane supports, so no such FB exists.
      const notWb = profile === 'latest' ? [Fourcc.XBGR8888, Fourcc.BGRA8888, Fourcc.RGB888, Fourcc.ABGR16161616, Fourcc.BGR565, Fourcc.NV12] : [];
      if (profile === 'linux-6.12') expect(errnoOf(() => createFb(card, W, H, Fourcc.ABGR8888))).toBe('EINVAL');
      for (const f of notWb) {
        const fb = createFb(card, W, H, f);
        expect({ f, r: errnoOf(() => card.atomicCommitSync(wbReq(vk, fb, alone), TEST_ONLY | ALLOW_MODESET)) }).toEqual({ f, r: 'EINVAL' });
      }
      const wbFormats = profile === 'latest'
        ? [Fourcc.ARGB8888, Fourcc.XRGB8888, Fourcc.ABGR8888, Fourcc.XRGB16161616, Fourcc.ARGB16161616, Fourcc.RGB565]
        : [Fourcc.ARGB8888, Fourcc.XRGB8888, Fourcc.XRGB16161616, Fourcc.ARGB16161616, Fourcc.RGB565];
      for (const f of wbFormats) {
        const fb = createFb(card, W, H, f);
        expect({ f, r: errnoOf(() => card.atomicCommitSync(wbReq(vk, fb, alone), TEST_ONLY | ALLOW_MODESET)) }).toEqual({ f, r: 'ok' });
      }
      // a real one, completed on the next vblank
      const fb = createFb(card, W, H, Fourcc.XRGB8888);
      card.atomicCommitSync(wbReq(vk, fb, alone), ALLOW_MODESET);
      vk.vblank('crtc0', 1);
      await vk.unplug();
    });
  }
});

describe('Virtual + Writeback on one CRTC (uapi 3.57)', () => {
  for (const [profile, expected] of [['linux-6.12', 'EINVAL'], ['latest', 'ok']] as const) {
    it(`${profile}: ${expected}`, async () => {
      const { vk, card, mode, crtc, conn } = await lit(profile);
      const wb = vk.ids.writeback.crtc0!;
      const fb = createFb(card, mode.hdisplay, mode.vdisplay, Fourcc.XRGB8888);
      const both = () => new AtomicRequest().add(conn, 'CRTC_ID', crtc).add(wb, 'CRTC_ID', crtc).add(wb, 'WRITEBACK_FB_ID', fb.id);
      expect(errnoOf(() => card.atomicCommitSync(both(), TEST_ONLY | ALLOW_MODESET))).toBe(expected);
      expect(errnoOf(() => card.atomicCommitSync(both(), ALLOW_MODESET))).toBe(expected);
      // routing only the writeback connector without an FB: also a clone pair with the Virtual one
      expect(errnoOf(() => card.atomicCommitSync(new AtomicRequest().add(wb, 'CRTC_ID', crtc), TEST_ONLY | ALLOW_MODESET))).toBe(expected);
      // the writeback connector alone on the CRTC is fine everywhere
      const alone = new AtomicRequest().add(conn, 'CRTC_ID', 0).add(wb, 'CRTC_ID', crtc).add(wb, 'WRITEBACK_FB_ID', fb.id);
      expect(errnoOf(() => card.atomicCommitSync(alone, ALLOW_MODESET))).toBe('ok');
      vk.vblank('crtc0', 1);
      await vk.unplug();
    });
  }
});
