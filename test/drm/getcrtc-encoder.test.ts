/** GETENCODER and GETCRTC (uapi 1.28, 1.29). */
import { describe, expect, it } from 'vitest';
import { ClientCap, ConnectorType, EncoderType, ModeFlag, PlaneType } from '../../src/uapi/drm-mode.js';
import type { IoctlArgs } from '../../src/uapi/ioctl.js';
import { createCustomDevice, createTestDevice, MODE_1024x768, MODE_800x600, PLANE_FORMATS } from './test-driver.js';
import { expectErrno, makeFb } from './helpers.js';

describe('uapi 1.28: GETENCODER', () => {
  it('reports type, possible_crtcs, possible_clones and crtc_id 0 when unrouted', async () => {
    // uapi 1.28
    const t = await createTestDevice({ crtcs: 3 });
    const card = t.open();
    expect(card.getEncoder(t.encoder.id)).toEqual({
      encoderId: t.encoder.id, encoderType: EncoderType.VIRTUAL, crtcId: 0, possibleCrtcs: 0b111, possibleClones: 0b1,
    });
    const wbEnc = card.getEncoder(t.writeback!.writeback!.encoder.id);
    expect([wbEnc.encoderType, wbEnc.crtcId, wbEnc.possibleCrtcs]).toEqual([EncoderType.VIRTUAL, 0, 1]);
  });

  it('takes crtc_id from the connector state whose best_encoder is this encoder', async () => {
    // uapi 1.28 (drm_encoder_get_crtc, atomic path)
    const t = await createTestDevice({ crtcs: 2 });
    const card = t.open();
    t.connector.state.best_encoder = t.encoder;
    expect(card.getEncoder(t.encoder.id).crtcId).toBe(0); // routed nowhere yet
    t.connector.state.crtc = t.crtcs[1]!;
    expect(card.getEncoder(t.encoder.id).crtcId).toBe(t.crtcs[1]!.id);
    // a connector routed through another encoder does not count
    t.connector.state.best_encoder = null;
    expect(card.getEncoder(t.encoder.id).crtcId).toBe(0);
  });

  it('reports possible_clones as the driver set it', async () => {
    // uapi 1.28 (possible_clones raw)
    const t = await createCustomDevice((u) => {
      const p = u.createPlane({ type: PlaneType.PRIMARY, possibleCrtcs: 0, formats: PLANE_FORMATS });
      u.createCrtc({ primary: p, cursor: null });
      const a = u.createEncoder({ type: EncoderType.TMDS, possibleCrtcs: 1, possibleClones: 0b11 });
      const b = u.createEncoder({ type: EncoderType.DAC, possibleCrtcs: 1, possibleClones: 0b11 });
      u.createConnector({ type: ConnectorType.HDMIA, encoders: [a] });
      u.createConnector({ type: ConnectorType.VGA, encoders: [b] });
      return { a, b };
    });
    const card = t.open();
    expect(card.getEncoder(t.objs.a.id)).toMatchObject({ encoderType: EncoderType.TMDS, possibleClones: 0b11 });
    expect(card.getEncoder(t.objs.b.id)).toMatchObject({ encoderType: EncoderType.DAC, possibleClones: 0b11 });
  });

  it('answers ENOENT for unknown and non-encoder IDs', async () => {
    // uapi 1.28 + 1.4
    const t = await createTestDevice();
    const card = t.open();
    expectErrno(() => card.getEncoder(0), 'ENOENT');
    expectErrno(() => card.getEncoder(4242), 'ENOENT');
    expectErrno(() => card.getEncoder(t.connector.id), 'ENOENT');
  });
});

describe('uapi 1.29: GETCRTC', () => {
  it('on a fresh device: no mode, no FB, gamma_size 256', async () => {
    // uapi 1.29
    const t = await createTestDevice();
    const card = t.open();
    const c = card.getCrtc(t.crtc.id);
    expect(c).toMatchObject({ crtcId: t.crtc.id, bufferId: 0, x: 0, y: 0, width: 0, height: 0, modeValid: false, gammaSize: 256 });
    // count_connectors and set_connectors_ptr are not outputs
    const a: Partial<IoctlArgs['MODE_GETCRTC']> = { crtc_id: t.crtc.id, count_connectors: 5, mode_valid: 1, gamma_size: 3 };
    card.fd.ioctl('MODE_GETCRTC', a);
    expect(a).toMatchObject({ count_connectors: 5, mode_valid: 0, gamma_size: 256, fb_id: 0, x: 0, y: 0 });
  });

  it('takes fb_id and x/y from the primary plane state (16.16 src, integer part)', async () => {
    // uapi 1.29
    const t = await createTestDevice({ crtcs: 2 });
    const card = t.open();
    const fb = makeFb(card);
    const ps = t.primary.state;
    ps.fb = t.device.drm.fb(fb)!;
    ps.src_x = (5 << 16) | 0x8000;
    ps.src_y = 7 << 16;
    expect(card.getCrtc(t.crtc.id)).toMatchObject({ bufferId: fb, x: 5, y: 7, modeValid: false });
    ps.src_x = 0xffff0000;
    expect(card.getCrtc(t.crtc.id).x).toBe(0xffff);
    // the other CRTC reads its own primary plane
    expect(card.getCrtc(t.crtcs[1]!.id)).toMatchObject({ bufferId: 0, x: 0, y: 0 });
    // the overlay plane's FB does not matter
    ps.fb = null;
    t.overlay!.state.fb = t.device.drm.fb(fb)!;
    expect(card.getCrtc(t.crtc.id).bufferId).toBe(0);
  });

  it('mode_valid follows crtc_state->enable, not ACTIVE', async () => {
    // uapi 1.29
    const t = await createTestDevice();
    const card = t.open();
    const s = t.crtc.state;
    s.enable = true;
    s.active = false;
    s.mode = { ...MODE_1024x768, vrefresh: 0 };
    const c = card.getCrtc(t.crtc.id);
    expect(c.modeValid).toBe(true);
    expect(c.mode).toEqual({ ...MODE_1024x768, vrefresh: 60 }); // vrefresh computed on the way out
    expect([c.width, c.height]).toEqual([1024, 768]);
    s.enable = false;
    s.active = true;
    expect(card.getCrtc(t.crtc.id).modeValid).toBe(false);
  });

  it('clears PIC_AR flags without the ASPECT_RATIO cap', async () => {
    // uapi 1.29
    const t = await createTestDevice();
    const card = t.open();
    const s = t.crtc.state;
    s.enable = true;
    s.mode = { ...MODE_800x600, flags: MODE_800x600.flags | ModeFlag.PIC_AR_16_9 };
    expect(card.getCrtc(t.crtc.id).mode.flags).toBe(MODE_800x600.flags);
    card.setClientCap(ClientCap.ASPECT_RATIO, 1);
    expect(card.getCrtc(t.crtc.id).mode.flags).toBe(MODE_800x600.flags | ModeFlag.PIC_AR_16_9);
  });

  it('reports gamma_size 0 for a CRTC without legacy gamma', async () => {
    // uapi 1.29 (gamma_size = crtc->gamma_size)
    const t = await createCustomDevice((u) => {
      const p = u.createPlane({ type: PlaneType.PRIMARY, possibleCrtcs: 0, formats: PLANE_FORMATS });
      return u.createCrtc({ primary: p, cursor: null });
    });
    expect(t.open().getCrtc(t.objs.id).gammaSize).toBe(0);
  });

  it('answers ENOENT for unknown and non-CRTC IDs', async () => {
    // uapi 1.29 + 1.4
    const t = await createTestDevice();
    const card = t.open();
    expectErrno(() => card.getCrtc(0), 'ENOENT');
    expectErrno(() => card.getCrtc(t.encoder.id), 'ENOENT');
  });
});
