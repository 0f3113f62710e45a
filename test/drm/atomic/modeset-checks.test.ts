/**
 * drm_atomic_helper_check_modeset and friends: what is a modeset, routing, encoders, mode_valid,
 * pulling affected objects in, damage on modesets, clones; and the modeset permission coming
 * last (uapi 3.29–3.37, 3.43, 3.57).
 */
import { describe, expect, it } from 'vitest';
import { unregisterConnector } from '../../../src/drm/kms/connector.js';
import { ConnectorType, ModeFlag, ModeType, type ModeInfo } from '../../../src/uapi/index.js';
import { MODE_800x600 } from '../test-driver.js';
import {
  AtomicRequest, blob, commit, F, light, makeFb, MODE_1024x768, openAtomic, ownDevice, planeOn, rects, req, rig, snapshot, vkmsPlaneCheck,
  type Rig,
} from './helpers.js';

const value = (card: Rig['card'], obj: number, name: string) => {
  const id = card.propertyId(obj, name);
  const p = card.getObjectProperties(obj);
  return p.propValues[p.props.indexOf(id)];
};

describe('uapi 3.29: what changes the mode', () => {
  it('compares timings, clock, flags, 3D flags and aspect ratio, not the name, type, vrefresh or blob id', async () => {
    // uapi 3.29 (drm_mode_equal)
    const r = await rig();
    light(r);
    const c = r.t.crtc.id;
    const same: ModeInfo[] = [
      { ...MODE_1024x768, name: 'renamed' },
      { ...MODE_1024x768, type: ModeType.USERDEF },
      { ...MODE_1024x768, vrefresh: 75 },
      { ...MODE_1024x768, type: 0x7 }, // type bits outside ALL are dropped
    ];
    for (const m of same) {
      const id = r.card.createModeBlob(m);
      expect(commit(r.card, req([c, 'MODE_ID', id]), 0), JSON.stringify(m)).toBe('no error');
      expect(value(r.card, c, 'MODE_ID')).toBe(BigInt(id));
      expect(r.card.getCrtc(c).mode.name).toBe(m.name); // the new mode is in place, without a modeset
    }
    const different: ModeInfo[] = [
      { ...MODE_1024x768, clock: 65001 },
      { ...MODE_1024x768, hsync_start: 1049 },
      { ...MODE_1024x768, hskew: 1 },
      { ...MODE_1024x768, vtotal: 807 },
      { ...MODE_1024x768, vscan: 1 },
      { ...MODE_1024x768, flags: ModeFlag.PHSYNC | ModeFlag.NVSYNC },
      { ...MODE_1024x768, flags: MODE_1024x768.flags | ModeFlag['3D_FRAME_PACKING'] },
      { ...MODE_1024x768, flags: MODE_1024x768.flags | ModeFlag.PIC_AR_4_3 },
    ];
    for (const m of different) {
      const id = r.card.createModeBlob(m);
      expect(commit(r.card, req([c, 'MODE_ID', id]), 0), JSON.stringify(m)).toBe('EINVAL');
      expect(commit(r.card, req([c, 'MODE_ID', id]), F.TEST_ONLY | F.ALLOW_MODESET), JSON.stringify(m)).toBe('no error');
    }
  });
});

describe('uapi 3.30: needs_modeset', () => {
  it('is set by enable toggling, ACTIVE toggling and routing changes; all need ALLOW_MODESET', async () => {
    // uapi 3.30, 3.43
    const d = await ownDevice({ connectors: 2, clones: 'all' });
    const card = openAtomic(d);
    const fb = makeFb(card, 1024, 768);
    const mode = card.createModeBlob(MODE_1024x768);
    const [crtc, k0, k1, primary] = [d.objs.crtcs[0]!.id, d.objs.connectors[0]!.id, d.objs.connectors[1]!.id, d.objs.primaries[0]!.id];
    const enable = req([crtc, 'MODE_ID', mode], [k0, 'CRTC_ID', crtc]);
    expect(commit(card, enable, 0)).toBe('EINVAL');
    expect(commit(card, enable, F.ALLOW_MODESET)).toBe('no error'); // enabled, inactive
    expect(commit(card, req([crtc, 'ACTIVE', 1]), 0)).toBe('EINVAL');
    expect(commit(card, planeOn(req([crtc, 'ACTIVE', 1]), primary, crtc, fb), F.ALLOW_MODESET)).toBe('no error');
    expect(commit(card, req([k1, 'CRTC_ID', crtc]), 0)).toBe('EINVAL'); // a second connector joins
    expect(commit(card, req([k1, 'CRTC_ID', crtc]), F.ALLOW_MODESET)).toBe('no error');
    expect(commit(card, req([k1, 'CRTC_ID', 0]), 0)).toBe('EINVAL'); // and leaves
    expect(commit(card, req([k1, 'CRTC_ID', crtc]), 0)).toBe('no error'); // unchanged routing
    expect(commit(card, req([crtc, 'ACTIVE', 1], [k0, 'CRTC_ID', crtc]), 0)).toBe('no error'); // same values
    expect(commit(card, req([crtc, 'ACTIVE', 0]), 0)).toBe('EINVAL');
    expect(commit(card, req([crtc, 'MODE_ID', 0], [crtc, 'ACTIVE', 0], [k0, 'CRTC_ID', 0], [k1, 'CRTC_ID', 0]), 0)).toBe('EINVAL');
  });

  it('link-status: Bad → Good is a modeset; writing to a Good link changes nothing', async () => {
    // uapi 3.30, 2.44
    const r = await rig();
    light(r);
    const k = r.t.connector.id;
    expect(commit(r.card, req([k, 'link-status', 1]), 0)).toBe('no error');
    expect(value(r.card, k, 'link-status')).toBe(0n); // never downgraded by userspace
    r.t.connector.state.link_status = 1; // the driver marks the link bad (drm_connector_set_link_status_property)
    expect(value(r.card, k, 'link-status')).toBe(1n);
    expect(commit(r.card, req([k, 'link-status', 1]), 0)).toBe('no error'); // Bad → Bad: no change
    expect(commit(r.card, req([k, 'link-status', 0]), 0)).toBe('EINVAL'); // retraining needs a modeset
    expect(commit(r.card, req([k, 'link-status', 0]), F.TEST_ONLY | F.ALLOW_MODESET)).toBe('no error');
    expect(value(r.card, k, 'link-status')).toBe(1n);
    expect(commit(r.card, req([k, 'link-status', 0]), F.ALLOW_MODESET)).toBe('no error');
    expect(value(r.card, k, 'link-status')).toBe(0n);
  });
});

describe('uapi 3.31: enable and connectors go together', () => {
  it('is EINVAL for a mode without connectors and for connectors without a mode', async () => {
    // uapi 3.31
    const r = await rig();
    const c = r.t.crtc.id, k = r.t.connector.id;
    expect(commit(r.card, req([c, 'MODE_ID', r.mode]), F.TEST_ONLY | F.ALLOW_MODESET)).toBe('EINVAL');
    expect(commit(r.card, req([c, 'MODE_ID', r.mode], [c, 'ACTIVE', 1]), F.TEST_ONLY | F.ALLOW_MODESET)).toBe('EINVAL');
    expect(commit(r.card, req([k, 'CRTC_ID', c]), F.TEST_ONLY | F.ALLOW_MODESET)).toBe('EINVAL');
    expect(commit(r.card, req([k, 'CRTC_ID', c], [c, 'MODE_ID', r.mode]), F.TEST_ONLY | F.ALLOW_MODESET)).toBe('no error');
    light(r);
    expect(commit(r.card, req([k, 'CRTC_ID', 0]), F.TEST_ONLY | F.ALLOW_MODESET)).toBe('EINVAL');
    expect(commit(r.card, req([c, 'MODE_ID', 0], [c, 'ACTIVE', 0]), F.TEST_ONLY | F.ALLOW_MODESET)).toBe('EINVAL');
  });
});

describe('uapi 3.32: encoder conflicts (atomic never steals)', () => {
  it('is EINVAL for two connectors of the commit on one encoder, and for an encoder held by a connector outside the commit', async () => {
    // uapi 3.32
    const d = await ownDevice({ crtcs: 2, connectors: 2, sharedEncoder: true });
    const card = openAtomic(d);
    const fb = makeFb(card, 1024, 768);
    const mode = card.createModeBlob(MODE_1024x768);
    const [c0, c1] = [d.objs.crtcs[0]!.id, d.objs.crtcs[1]!.id];
    const [k0, k1] = [d.objs.connectors[0]!.id, d.objs.connectors[1]!.id];
    const on = (c: number, i: number, k: number) => planeOn(req([c, 'MODE_ID', mode], [c, 'ACTIVE', 1], [k, 'CRTC_ID', c]), d.objs.primaries[i]!.id, c, fb);
    const both = on(c0, 0, k0);
    for (const it of on(c1, 1, k1).items) both.add(it.objectId, it.property, it.value);
    expect(commit(card, both, F.TEST_ONLY | F.ALLOW_MODESET)).toBe('EINVAL');
    expect(commit(card, on(c0, 0, k0), F.ALLOW_MODESET)).toBe('no error');
    const before = snapshot(card);
    expect(commit(card, on(c1, 1, k1), F.ALLOW_MODESET)).toBe('EINVAL'); // k0 keeps the encoder
    expect(snapshot(card)).toBe(before);
    // with k0 in the commit, giving the encoder up, the move is fine
    const move = on(c1, 1, k1).add(k0, 'CRTC_ID', 0).add(c0, 'MODE_ID', 0).add(c0, 'ACTIVE', 0)
      .add(d.objs.primaries[0]!.id, 'FB_ID', 0).add(d.objs.primaries[0]!.id, 'CRTC_ID', 0);
    expect(commit(card, move, F.ALLOW_MODESET)).toBe('no error');
    expect(card.getEncoder(d.objs.encoders[0]!.id).crtcId).toBe(c1);
  });
});

describe('uapi 3.33: no usable encoder', () => {
  it('is EINVAL for a connector without encoders and for an encoder that cannot drive the CRTC', async () => {
    // uapi 3.33
    const d = await ownDevice({ extra: (u, o) => { o.connectors.push(u.createConnector({ type: ConnectorType.VIRTUAL })); } });
    const card = openAtomic(d);
    const mode = card.createModeBlob(MODE_1024x768);
    const crtc = d.objs.crtcs[0]!.id;
    const bare = d.objs.connectors[1]!.id;
    expect(commit(card, req([crtc, 'MODE_ID', mode], [bare, 'CRTC_ID', crtc]), F.TEST_ONLY | F.ALLOW_MODESET)).toBe('EINVAL');
    expect(commit(card, req([crtc, 'MODE_ID', mode], [d.objs.connectors[0]!.id, 'CRTC_ID', crtc]), F.TEST_ONLY | F.ALLOW_MODESET)).toBe('no error');

    const r = await rig({ crtcs: 2 }); // the writeback encoder drives CRTC 0 only
    const c1 = r.t.crtcs[1]!.id;
    expect(commit(r.card, req([c1, 'MODE_ID', r.mode], [r.t.writeback!.id, 'CRTC_ID', c1]), F.TEST_ONLY | F.ALLOW_MODESET)).toBe('EINVAL');
    expect(commit(r.card, req([c1, 'MODE_ID', r.mode], [r.t.connector.id, 'CRTC_ID', c1]), F.TEST_ONLY | F.ALLOW_MODESET)).toBe('no error');
  });
});

describe('uapi 3.34: hot-removed connectors', () => {
  it('is EINVAL to route a hot-removed connector to an active CRTC; switching it off, or a driver pulling it in, is fine', async () => {
    // uapi 3.34, 3.36
    const r = await rig();
    light(r);
    const [c, k] = [r.t.crtc.id, r.t.connector.id];
    unregisterConnector(r.dev, r.t.connector); // still routed, so still findable
    expect(commit(r.card, req([k, 'CRTC_ID', c]), F.TEST_ONLY)).toBe('EINVAL'); // added by the user, CRTC active
    expect(commit(r.card, req([k, 'CRTC_ID', c], [c, 'VRR_ENABLED', 1]), F.TEST_ONLY | F.ALLOW_MODESET)).toBe('EINVAL');
    // a mode change that only pulls the connector in (not added by the user) passes
    const other = r.card.createModeBlob({ ...MODE_1024x768, clock: 65100 });
    expect(commit(r.card, req([c, 'MODE_ID', other]), F.ALLOW_MODESET)).toBe('no error');
    expect(r.card.getCrtc(c).mode.clock).toBe(65100);
    // DPMS-style off with the connector in the commit: the CRTC is not active afterwards
    expect(commit(r.card, req([k, 'CRTC_ID', c], [c, 'ACTIVE', 0]), F.ALLOW_MODESET)).toBe('no error');
    expect(commit(r.card, req([k, 'CRTC_ID', c], [c, 'ACTIVE', 1]), F.TEST_ONLY | F.ALLOW_MODESET)).toBe('EINVAL');
    // routing it off entirely is allowed; after that nothing refers to it and it is gone
    expect(commit(r.card, req([k, 'CRTC_ID', 0], [c, 'MODE_ID', 0], [r.t.primary.id, 'FB_ID', 0], [r.t.primary.id, 'CRTC_ID', 0]), F.ALLOW_MODESET)).toBe('no error');
    expect(commit(r.card, req([k, 'CRTC_ID', 0]), F.TEST_ONLY)).toBe('ENOENT');
  });
});

describe('uapi 3.35: mode_valid of the encoder and the CRTC', () => {
  it('is EINVAL when the encoder or CRTC mode_valid rejects the new mode; the connector\'s mode_valid is not consulted', async () => {
    // uapi 3.35
    const no800 = (_o: unknown, m: ModeInfo) => m.hdisplay !== 800;
    for (const [where, expected] of [['encoderFuncs', 'EINVAL'], ['crtcFuncs', 'EINVAL'], ['connectorFuncs', 'no error']] as const) {
      const d = await ownDevice({ [where]: { modeValid: no800 }, modes: [MODE_1024x768, MODE_800x600] });
      const card = openAtomic(d);
      const crtc = d.objs.crtcs[0]!.id, k = d.objs.connectors[0]!.id;
      const m800 = card.createModeBlob(MODE_800x600), m1024 = card.createModeBlob(MODE_1024x768);
      expect(commit(card, req([crtc, 'MODE_ID', m800], [k, 'CRTC_ID', crtc]), F.TEST_ONLY | F.ALLOW_MODESET), where).toBe(expected);
      expect(commit(card, req([crtc, 'MODE_ID', m1024], [k, 'CRTC_ID', crtc]), F.TEST_ONLY | F.ALLOW_MODESET), where).toBe('no error');
    }
  });
});

describe('uapi 3.36: a modeset pulls in the CRTC\'s connectors and planes', () => {
  it('runs the plane and connector checks of every object on a CRTC that needs a modeset, and only then', async () => {
    // uapi 3.36
    const seen: number[] = [];
    const d = await ownDevice({
      overlays: 1,
      planeFuncs: { atomicCheck: (p) => { seen.push(p.id); } },
      connectorFuncs: { atomicCheck: (c) => { seen.push(c.id); } },
    });
    const card = openAtomic(d);
    const fb = makeFb(card, 1024, 768), small = makeFb(card);
    const mode = card.createModeBlob(MODE_1024x768);
    const [crtc, k, primary, overlay] = [d.objs.crtcs[0]!.id, d.objs.connectors[0]!.id, d.objs.primaries[0]!.id, d.objs.overlays[0]!.id];
    const lit = planeOn(planeOn(req([crtc, 'MODE_ID', mode], [crtc, 'ACTIVE', 1], [k, 'CRTC_ID', crtc]), primary, crtc, fb), overlay, crtc, small, 64, 64);
    expect(commit(card, lit, F.ALLOW_MODESET)).toBe('no error');
    seen.length = 0;
    expect(commit(card, req([crtc, 'VRR_ENABLED', 1]), 0)).toBe('no error'); // not a modeset
    expect(seen).toEqual([]);
    const other = card.createModeBlob({ ...MODE_1024x768, clock: 65100 });
    expect(commit(card, req([crtc, 'MODE_ID', other]), F.ALLOW_MODESET)).toBe('no error');
    expect(seen.sort()).toEqual([k, primary, overlay].sort());
  });
});

describe('uapi 3.37: damage clips and modesets', () => {
  it('drops FB_DAMAGE_CLIPS of every plane on a CRTC that needs a modeset; otherwise they are kept for that commit', async () => {
    // uapi 3.37, 3.36, 2.26 (damage clips are not carried over to the next commit)
    const d = await ownDevice({ overlays: 1, damageClips: true });
    const card = openAtomic(d);
    const fb = makeFb(card, 1024, 768), small = makeFb(card);
    const mode = card.createModeBlob(MODE_1024x768);
    const [crtc, k, primary, overlay] = [d.objs.crtcs[0]!.id, d.objs.connectors[0]!.id, d.objs.primaries[0]!.id, d.objs.overlays[0]!.id];
    const clips = blob(card, rects([0, 0, 8, 8]));
    const lit = planeOn(req([crtc, 'MODE_ID', mode], [crtc, 'ACTIVE', 1], [k, 'CRTC_ID', crtc], [primary, 'FB_DAMAGE_CLIPS', clips]), primary, crtc, fb);
    expect(commit(card, lit, F.ALLOW_MODESET)).toBe('no error');
    expect(value(card, primary, 'FB_DAMAGE_CLIPS')).toBe(0n); // dropped: the CRTC was enabled in this commit
    expect(commit(card, planeOn(req([overlay, 'FB_DAMAGE_CLIPS', clips]), overlay, crtc, small, 64, 64), 0)).toBe('no error');
    expect(value(card, overlay, 'FB_DAMAGE_CLIPS')).toBe(BigInt(clips)); // kept: no modeset
    expect(commit(card, req([overlay, 'CRTC_X', 1]), 0)).toBe('no error');
    expect(value(card, overlay, 'FB_DAMAGE_CLIPS')).toBe(0n); // the next commit does not inherit them
    expect(commit(card, req([overlay, 'FB_DAMAGE_CLIPS', clips]), 0)).toBe('no error');
    expect(value(card, overlay, 'FB_DAMAGE_CLIPS')).toBe(BigInt(clips));
    // a mode change touching only the CRTC pulls the overlay in and drops its clips
    const other = card.createModeBlob({ ...MODE_1024x768, clock: 65100 });
    expect(commit(card, req([crtc, 'MODE_ID', other], [overlay, 'FB_DAMAGE_CLIPS', clips]), F.ALLOW_MODESET)).toBe('no error');
    expect(value(card, overlay, 'FB_DAMAGE_CLIPS')).toBe(0n);
  });
});

describe('uapi 3.43: the modeset permission is checked last', () => {
  it('lets every earlier check\'s errno win over the missing ALLOW_MODESET', async () => {
    // uapi 3.43, 3.17
    const d = await ownDevice({ overlays: 1, planeFuncs: { atomicCheck: vkmsPlaneCheck } });
    const card = openAtomic(d);
    const fb = makeFb(card, 1024, 768), small = makeFb(card);
    const mode = card.createModeBlob(MODE_1024x768);
    const [crtc, k, primary, overlay] = [d.objs.crtcs[0]!.id, d.objs.connectors[0]!.id, d.objs.primaries[0]!.id, d.objs.overlays[0]!.id];
    const needsModeset = () => planeOn(req([crtc, 'MODE_ID', mode], [crtc, 'ACTIVE', 1], [k, 'CRTC_ID', crtc]), primary, crtc, fb);
    expect(commit(card, needsModeset(), 0)).toBe('EINVAL');
    expect(commit(card, needsModeset().add(primary, 'CRTC_X', 0x7fffffff), 0)).toBe('ERANGE'); // core plane
    expect(commit(card, needsModeset().add(primary, 'SRC_X', 1), 0)).toBe('ENOSPC'); // core plane
    expect(commit(card, needsModeset().add(primary, 'CRTC_W', 1023), 0)).toBe('ERANGE'); // driver: scaling
    expect(commit(card, planeOn(needsModeset(), overlay, crtc, small, 32, 32), 0)).toBe('EINVAL'); // all checks pass: the permission fails
    expect(commit(card, planeOn(needsModeset(), overlay, crtc, small, 32, 32), F.ALLOW_MODESET)).toBe('no error');
  });
});

describe('uapi 3.57: encoder clones on one CRTC', () => {
  it('is EINVAL to route connectors whose encoders do not list each other in possible_clones', async () => {
    // uapi 3.57
    const r = await rig(); // the Virtual encoder lists only itself
    const both = (q: AtomicRequest) => q.add(r.t.crtc.id, 'MODE_ID', r.mode).add(r.t.crtc.id, 'ACTIVE', 1)
      .add(r.t.connector.id, 'CRTC_ID', r.t.crtc.id).add(r.t.writeback!.id, 'CRTC_ID', r.t.crtc.id);
    expect(commit(r.card, both(new AtomicRequest()), F.TEST_ONLY | F.ALLOW_MODESET)).toBe('EINVAL');
    // possible_clones 0 is fixed up to the encoder's own bit at registration (drm_mode_config_validate)
    expect(r.card.getEncoder(r.t.writeback!.writeback!.encoder.id).possibleClones).toBe(1 << r.t.writeback!.writeback!.encoder.index);
    for (const [clones, want] of [['self', 'EINVAL'], ['none', 'EINVAL'], ['all', 'no error']] as const) {
      const d = await ownDevice({ writeback: true, clones });
      const card = openAtomic(d);
      const mode = card.createModeBlob(MODE_1024x768);
      const crtc = d.objs.crtcs[0]!.id;
      const q = req([crtc, 'MODE_ID', mode], [crtc, 'ACTIVE', 1], [d.objs.connectors[0]!.id, 'CRTC_ID', crtc], [d.objs.writeback!.id, 'CRTC_ID', crtc]);
      expect(commit(card, q, F.TEST_ONLY | F.ALLOW_MODESET), clones).toBe(want);
      // each alone is fine
      expect(commit(card, req([crtc, 'MODE_ID', mode], [d.objs.writeback!.id, 'CRTC_ID', crtc]), F.TEST_ONLY | F.ALLOW_MODESET), clones).toBe('no error');
    }
  });
});
