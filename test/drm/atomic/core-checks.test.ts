/**
 * drm_atomic_check_only: the order of the checks and the core plane, CRTC and writeback checks
 * (uapi 3.17–3.27).
 */
import { describe, expect, it } from 'vitest';
import { Fourcc } from '../../../src/uapi/index.js';
import {
  AtomicRequest, blob, commit, F, light, makeFb, MODE_1024x768, openAtomic, ownDevice, planeOn, readRaw, rects, req, rig,
  snapshot, vkmsPlaneCheck, type Rig,
} from './helpers.js';

const INT_MAX = 0x7fffffff;

/** The overlay of the test device showing a 64x64 FB at (0,0). */
function overlayReq(r: Rig, fb: number, extra: [string, bigint | number][] = []): AtomicRequest {
  const q = planeOn(new AtomicRequest(), r.t.overlay!.id, r.t.crtc.id, fb, 64, 64);
  for (const [p, v] of extra) q.add(r.t.overlay!.id, p, v);
  return q;
}

describe('uapi 3.17: check order', () => {
  it('core plane checks run in plane-index order and before the core CRTC checks', async () => {
    // uapi 3.17 (1) before (2)
    const r = await rig();
    light(r);
    const small = makeFb(r.card);
    // primary (index 0): source outside its FB (ENOSPC); overlay (index 1): coordinate overflow (ERANGE)
    const q = overlayReq(r, small, [['CRTC_X', INT_MAX]]).add(r.t.primary.id, 'SRC_X', 1 << 16);
    expect(commit(r.card, q, F.TEST_ONLY)).toBe('ENOSPC');
    expect(commit(r.card, overlayReq(r, small, [['CRTC_X', INT_MAX]]), F.TEST_ONLY)).toBe('ERANGE');
    // a core CRTC error (ACTIVE without a mode) loses to a plane error
    const c = overlayReq(r, small, [['SRC_W', 65 << 16]]).add(r.t.crtc.id, 'MODE_ID', 0);
    expect(commit(r.card, c, F.TEST_ONLY | F.ALLOW_MODESET)).toBe('ENOSPC');
    expect(commit(r.card, req([r.t.crtc.id, 'MODE_ID', 0]), F.TEST_ONLY | F.ALLOW_MODESET)).toBe('EINVAL');
  });

  it('core checks precede the driver check, which precedes the modeset permission', async () => {
    // uapi 3.17 (1)-(3) before (4) before (5); 3.43
    const d = await ownDevice({ writeback: true, clones: 'all', overlays: 1, planeFuncs: { atomicCheck: vkmsPlaneCheck } });
    const card = openAtomic(d);
    const fb = makeFb(card, 1024, 768), small = makeFb(card);
    const mode = card.createModeBlob(MODE_1024x768);
    const [crtc, conn, primary, overlay, wb] = [d.objs.crtcs[0]!, d.objs.connectors[0]!, d.objs.primaries[0]!, d.objs.overlays[0]!, d.objs.writeback!];
    const lit = planeOn(req([crtc.id, 'MODE_ID', mode], [crtc.id, 'ACTIVE', 1], [conn.id, 'CRTC_ID', crtc.id]), primary.id, crtc.id, fb);
    expect(commit(card, lit, F.ALLOW_MODESET)).toBe('no error');
    // driver check: a scaled overlay (64x64 source on 128x128) is ERANGE (3.39)
    const scaled = () => planeOn(new AtomicRequest(), overlay.id, crtc.id, small, 64, 64).add(overlay.id, 'CRTC_W', 128).add(overlay.id, 'CRTC_H', 128);
    expect(commit(card, scaled(), F.TEST_ONLY)).toBe('ERANGE');
    // ... it loses to a core CRTC error (event on a CRTC that stays off is not reachable here: use ACTIVE without mode)
    expect(commit(card, scaled().add(crtc.id, 'MODE_ID', 0), F.TEST_ONLY | F.ALLOW_MODESET)).toBe('EINVAL');
    // ... and to a core writeback error (FB on the writeback connector without a CRTC)
    expect(commit(card, scaled().add(wb.id, 'WRITEBACK_FB_ID', fb), F.TEST_ONLY)).toBe('EINVAL');
    expect(commit(card, req([wb.id, 'WRITEBACK_FB_ID', fb]), F.TEST_ONLY)).toBe('EINVAL');
    // ... a core plane error beats the writeback error
    expect(commit(card, scaled().add(overlay.id, 'SRC_X', 1 << 16).add(wb.id, 'WRITEBACK_FB_ID', fb), F.TEST_ONLY)).toBe('ENOSPC');
    // ... but the driver's ERANGE beats the missing ALLOW_MODESET of a mode change
    expect(commit(card, scaled().add(crtc.id, 'ACTIVE', 0), F.TEST_ONLY)).toBe('ERANGE');
    expect(commit(card, req([crtc.id, 'ACTIVE', 0]), F.TEST_ONLY)).toBe('EINVAL');
    // within the driver check: routing (mismatch, 3.31) comes before the plane checks
    expect(commit(card, scaled().add(conn.id, 'CRTC_ID', 0), F.TEST_ONLY | F.ALLOW_MODESET)).toBe('EINVAL');
  });
});

describe('uapi 3.18: CRTC and FB both or neither', () => {
  it('is EINVAL for a CRTC without FB and an FB without CRTC; an off plane is not checked further', async () => {
    // uapi 3.18
    const r = await rig();
    light(r);
    const small = makeFb(r.card);
    const o = r.t.overlay!.id;
    expect(commit(r.card, req([o, 'CRTC_ID', r.t.crtc.id]), F.TEST_ONLY)).toBe('EINVAL');
    expect(commit(r.card, req([o, 'FB_ID', small]), F.TEST_ONLY)).toBe('EINVAL');
    expect(commit(r.card, req([r.t.primary.id, 'FB_ID', 0]), F.TEST_ONLY)).toBe('EINVAL');
    expect(commit(r.card, req([r.t.primary.id, 'CRTC_ID', 0]), F.TEST_ONLY)).toBe('EINVAL');
    // off: absurd coordinates are not looked at (they would be ERANGE / ENOSPC on a live plane)
    const absurd = req([o, 'CRTC_X', INT_MAX], [o, 'CRTC_W', INT_MAX], [o, 'SRC_W', 0xffffffff], [o, 'SRC_X', 0xffffffff]);
    expect(commit(r.card, absurd, 0)).toBe('no error');
    expect(commit(r.card, req([o, 'FB_ID', small], [o, 'CRTC_ID', r.t.crtc.id]), F.TEST_ONLY)).toBe('ERANGE');
  });
});

describe('uapi 3.19: possible_crtcs', () => {
  it('is EINVAL for a CRTC outside the plane\'s possible_crtcs', async () => {
    // uapi 3.19
    const r = await rig({ crtcs: 2 });
    const c1 = r.t.crtcs[1]!;
    const p1 = r.t.device.drm.planes.find((p) => p.type === 1 && p.possibleCrtcs === 2)!;
    const lit = planeOn(req([c1.id, 'MODE_ID', r.mode], [c1.id, 'ACTIVE', 1], [r.t.connector.id, 'CRTC_ID', c1.id]), p1.id, c1.id, r.fb);
    expect(commit(r.card, lit, F.ALLOW_MODESET)).toBe('no error');
    const small = makeFb(r.card);
    expect(commit(r.card, planeOn(req(), r.t.overlay!.id, c1.id, small, 64, 64), F.TEST_ONLY)).toBe('EINVAL'); // overlay: CRTC 0 only
    expect(commit(r.card, planeOn(req(), r.t.primary.id, c1.id, small, 64, 64), F.TEST_ONLY)).toBe('EINVAL'); // primary of CRTC 0
    expect(commit(r.card, planeOn(req(), r.t.cursor!.id, c1.id, makeFb(r.card, 64, 64, Fourcc.ARGB8888), 64, 64), F.TEST_ONLY)).toBe('EINVAL');
    expect(commit(r.card, planeOn(req(), p1.id, c1.id, small, 64, 64), F.TEST_ONLY)).toBe('no error');
  });
});

describe('uapi 3.20: format and modifier', () => {
  it('is EINVAL when the plane does not support the FB\'s format', async () => {
    // uapi 3.20
    const r = await rig();
    light(r);
    const cursorPlane = r.t.cursor!.id;
    expect(commit(r.card, planeOn(req(), cursorPlane, r.t.crtc.id, makeFb(r.card, 64, 64, Fourcc.XRGB8888), 64, 64), F.TEST_ONLY)).toBe('EINVAL');
    expect(commit(r.card, planeOn(req(), cursorPlane, r.t.crtc.id, makeFb(r.card, 64, 64, Fourcc.RGB565), 64, 64), F.TEST_ONLY)).toBe('EINVAL');
    expect(commit(r.card, planeOn(req(), cursorPlane, r.t.crtc.id, makeFb(r.card, 64, 64, Fourcc.ARGB8888), 64, 64), F.TEST_ONLY)).toBe('no error');
    expect(commit(r.card, planeOn(req(), r.t.overlay!.id, r.t.crtc.id, makeFb(r.card, 64, 64, Fourcc.NV12), 64, 64), F.TEST_ONLY)).toBe('no error');
  });
});

describe('uapi 3.21: CRTC coordinate overflow', () => {
  it('is ERANGE when CRTC_X + CRTC_W or CRTC_Y + CRTC_H exceeds INT_MAX', async () => {
    // uapi 3.21
    const r = await rig();
    light(r);
    const small = makeFb(r.card);
    const cases: [[string, bigint | number][], string][] = [
      [[['CRTC_X', INT_MAX]], 'ERANGE'],
      [[['CRTC_X', INT_MAX - 63]], 'ERANGE'],
      [[['CRTC_X', INT_MAX - 64]], 'no error'],
      [[['CRTC_Y', INT_MAX - 63]], 'ERANGE'],
      [[['CRTC_Y', INT_MAX - 64]], 'no error'],
      [[['CRTC_W', INT_MAX], ['CRTC_X', 1]], 'ERANGE'],
      [[['CRTC_W', INT_MAX], ['CRTC_X', 0], ['SRC_W', 64 << 16]], 'no error'],
      [[['CRTC_H', INT_MAX], ['CRTC_Y', -1n]], 'no error'],
      [[['CRTC_X', -0x80000000n], ['CRTC_W', INT_MAX]], 'no error'],
    ];
    for (const [extra, want] of cases) expect(commit(r.card, overlayReq(r, small, extra), F.TEST_ONLY), String(extra)).toBe(want);
  });
});

describe('uapi 3.22: source rectangle inside the FB', () => {
  it('is ENOSPC when the 16.16 source leaves the FB; fractional sources inside are fine', async () => {
    // uapi 3.22
    const r = await rig();
    light(r);
    const small = makeFb(r.card); // 64x64
    const cases: [[string, number][], string][] = [
      [[['SRC_W', (64 << 16) + 1]], 'ENOSPC'],
      [[['SRC_H', (64 << 16) + 1]], 'ENOSPC'],
      [[['SRC_X', 1]], 'ENOSPC'],
      [[['SRC_Y', 1]], 'ENOSPC'],
      [[['SRC_X', 0x8000], ['SRC_W', (63 << 16) + 0x8000]], 'no error'],
      [[['SRC_X', 0x8001], ['SRC_W', (63 << 16) + 0x8000]], 'ENOSPC'],
      [[['SRC_Y', 0x1234], ['SRC_H', (64 << 16) - 0x1234]], 'no error'],
      [[['SRC_Y', 0x1235], ['SRC_H', (64 << 16) - 0x1234]], 'ENOSPC'],
      [[['SRC_X', 64 << 16], ['SRC_W', 0]], 'no error'],
      [[['SRC_X', 0xffffffff], ['SRC_W', 0]], 'ENOSPC'],
      [[['SRC_W', 0xffffffff]], 'ENOSPC'],
    ];
    for (const [extra, want] of cases) expect(commit(r.card, overlayReq(r, small, extra), F.TEST_ONLY), JSON.stringify(extra)).toBe(want);
    // a fractional source commits (the core does not round; the test driver has no plane check)
    expect(commit(r.card, overlayReq(r, small, [['SRC_X', 0x8000], ['SRC_W', (63 << 16) + 0x8000]]), 0)).toBe('no error');
  });
});

describe('uapi 3.23: damage clips', () => {
  it('is EINVAL for empty, negative or too large clips; the upper bound is the 16.16-shifted FB size', async () => {
    // uapi 3.23, 2.26, 2.27
    const d = await ownDevice({ overlays: 1, damageClips: true });
    const card = openAtomic(d);
    const fb = makeFb(card, 1024, 768), small = makeFb(card);
    const mode = card.createModeBlob(MODE_1024x768);
    const [crtc, conn, primary, overlay] = [d.objs.crtcs[0]!, d.objs.connectors[0]!, d.objs.primaries[0]!, d.objs.overlays[0]!];
    expect(commit(card, planeOn(req([crtc.id, 'MODE_ID', mode], [crtc.id, 'ACTIVE', 1], [conn.id, 'CRTC_ID', crtc.id]), primary.id, crtc.id, fb), F.ALLOW_MODESET)).toBe('no error');
    const withClips = (...c: [number, number, number, number][]) => planeOn(req(), overlay.id, crtc.id, small, 64, 64).add(overlay.id, 'FB_DAMAGE_CLIPS', blob(card, rects(...c)));
    const cases: [[number, number, number, number][], string][] = [
      [[[0, 0, 64, 64]], 'no error'],
      [[[0, 0, 10, 10], [5, 5, 6, 6]], 'no error'],
      [[[10, 0, 10, 5]], 'EINVAL'], // x1 == x2
      [[[0, 7, 5, 3]], 'EINVAL'], // y1 > y2
      [[[-1, 0, 5, 5]], 'EINVAL'],
      [[[0, -1, 5, 5]], 'EINVAL'],
      [[[0, 0, 5, 5], [3, 3, 2, 9]], 'EINVAL'], // the second one is bad
      [[[0, 0, 65, 64]], 'no error'], // beyond the FB but below 64<<16: the quirk
      [[[0, 0, 64 << 16, 64 << 16]], 'no error'],
      [[[0, 0, (64 << 16) + 1, 5]], 'EINVAL'],
      [[[0, 0, 5, (64 << 16) + 1]], 'EINVAL'],
    ];
    for (const [c, want] of cases) expect(commit(card, withClips(...c), F.TEST_ONLY), JSON.stringify(c)).toBe(want);
    // a blob whose size is not a multiple of 16 is refused when set (2.27)
    const q = planeOn(req(), overlay.id, crtc.id, small, 64, 64).add(overlay.id, 'FB_DAMAGE_CLIPS', blob(card, new Uint8Array(20)));
    expect(commit(card, q, F.TEST_ONLY)).toBe('EINVAL');
    // clips on a plane that is off are not checked
    expect(commit(card, req([overlay.id, 'FB_DAMAGE_CLIPS', blob(card, rects([-5, -5, -6, -6]))]), F.TEST_ONLY)).toBe('no error');
  });
});

describe('uapi 3.24: no direct switch between CRTCs', () => {
  it('is EINVAL to move a plane from one CRTC to another; disabling it first works', async () => {
    // uapi 3.24
    const d = await ownDevice({ crtcs: 2, connectors: 2, overlays: 1 });
    const card = openAtomic(d);
    const fb = makeFb(card, 1024, 768), small = makeFb(card);
    const mode = card.createModeBlob(MODE_1024x768);
    const q = req();
    d.objs.crtcs.forEach((c, i) => planeOn(q.add(c.id, 'MODE_ID', mode).add(c.id, 'ACTIVE', 1).add(d.objs.connectors[i]!.id, 'CRTC_ID', c.id), d.objs.primaries[i]!.id, c.id, fb));
    expect(commit(card, q, F.ALLOW_MODESET)).toBe('no error');
    const [c0, c1] = [d.objs.crtcs[0]!.id, d.objs.crtcs[1]!.id];
    const ov = d.objs.overlays[0]!.id;
    expect(commit(card, planeOn(req(), ov, c0, small, 64, 64), 0)).toBe('no error');
    expect(commit(card, req([ov, 'CRTC_ID', c1]), F.TEST_ONLY)).toBe('EINVAL');
    expect(commit(card, req([ov, 'CRTC_ID', c1]), F.TEST_ONLY | F.ALLOW_MODESET)).toBe('EINVAL');
    expect(commit(card, req([ov, 'CRTC_ID', 0], [ov, 'FB_ID', 0]), 0)).toBe('no error');
    expect(commit(card, req([ov, 'CRTC_ID', c1], [ov, 'FB_ID', small]), 0)).toBe('no error');
    expect(card.getPlane(ov).crtcId).toBe(c1);
  });
});

describe('uapi 3.25: ACTIVE needs a mode', () => {
  it('is EINVAL to set ACTIVE=1 with MODE_ID 0', async () => {
    // uapi 3.25
    const r = await rig();
    expect(commit(r.card, req([r.t.crtc.id, 'ACTIVE', 1]), F.TEST_ONLY | F.ALLOW_MODESET)).toBe('EINVAL');
    light(r);
    expect(commit(r.card, req([r.t.crtc.id, 'MODE_ID', 0], [r.t.connector.id, 'CRTC_ID', 0]), F.TEST_ONLY | F.ALLOW_MODESET)).toBe('EINVAL');
    // MODE_ID without ACTIVE is fine (enabled but inactive)
    expect(commit(r.card, req([r.t.crtc.id, 'ACTIVE', 0]), F.ALLOW_MODESET)).toBe('no error');
    expect(r.card.getCrtc(r.t.crtc.id).modeValid).toBe(true); // uapi 1.29
  });
});

describe('uapi 3.26: events on a CRTC that stays off', () => {
  it('is EINVAL to ask for an event (or an out-fence) on a CRTC inactive before and after', async () => {
    // uapi 3.26, 2.38
    const r = await rig();
    const c = r.t.crtc.id;
    expect(commit(r.card, req([c, 'VRR_ENABLED', 1]), F.PAGE_FLIP_EVENT)).toBe('EINVAL');
    const f = req([c, 'VRR_ENABLED', 1]);
    r.card.addOutFence(f, c);
    expect(commit(r.card, f, 0)).toBe('EINVAL');
    expect(f.outFence(c)).toBe(-1);
    expect(commit(r.card, req([c, 'VRR_ENABLED', 1]), 0)).toBe('no error');
    // enabled but not active (MODE_ID set, ACTIVE 0) still counts as off
    expect(commit(r.card, req([c, 'MODE_ID', r.mode], [r.t.connector.id, 'CRTC_ID', c]), F.ALLOW_MODESET)).toBe('no error');
    expect(commit(r.card, req([c, 'VRR_ENABLED', 0]), F.PAGE_FLIP_EVENT)).toBe('EINVAL');
    // switching on, and switching off, may ask for events
    expect(commit(r.card, req([c, 'ACTIVE', 1]), F.PAGE_FLIP_EVENT | F.ALLOW_MODESET)).toBe('no error');
    expect(commit(r.card, req([c, 'ACTIVE', 0]), F.PAGE_FLIP_EVENT | F.ALLOW_MODESET)).toBe('no error');
    expect(readRaw(r.card).length).toBe(64);
  });
});

describe('uapi 3.27: writeback checks', () => {
  /** The writeback connector alone on the test CRTC (the Virtual encoder cannot clone it, 3.57). */
  function wbOn(r: Rig, active = 1) {
    return planeOn(req([r.t.crtc.id, 'MODE_ID', r.mode], [r.t.crtc.id, 'ACTIVE', active], [r.t.writeback!.id, 'CRTC_ID', r.t.crtc.id]), r.t.primary.id, r.t.crtc.id, r.fb);
  }

  it('is EINVAL for WRITEBACK_FB_ID without CRTC_ID and for an inactive CRTC', async () => {
    // uapi 3.27
    const r = await rig();
    const wb = r.t.writeback!.id;
    const wfb = makeFb(r.card, 1024, 768);
    expect(commit(r.card, req([wb, 'WRITEBACK_FB_ID', wfb]), F.TEST_ONLY)).toBe('EINVAL');
    expect(commit(r.card, wbOn(r, 0).add(wb, 'WRITEBACK_FB_ID', wfb), F.TEST_ONLY | F.ALLOW_MODESET)).toBe('EINVAL');
    expect(commit(r.card, wbOn(r, 1).add(wb, 'WRITEBACK_FB_ID', wfb), F.TEST_ONLY | F.ALLOW_MODESET)).toBe('no error');
    expect(commit(r.card, wbOn(r, 1), F.ALLOW_MODESET)).toBe('no error');
    expect(commit(r.card, req([wb, 'WRITEBACK_FB_ID', wfb]), 0)).toBe('no error');
    expect(commit(r.card, req([r.t.crtc.id, 'ACTIVE', 0], [wb, 'WRITEBACK_FB_ID', wfb]), F.TEST_ONLY | F.ALLOW_MODESET)).toBe('EINVAL');
    expect(commit(r.card, req([wb, 'CRTC_ID', 0], [wb, 'WRITEBACK_FB_ID', wfb]), F.TEST_ONLY | F.ALLOW_MODESET)).toBe('EINVAL');
  });

  it('is EINVAL to request an out-fence with WRITEBACK_FB_ID = 0; no job at all means no fence and no error', async () => {
    // uapi 3.27, 2.47
    const r = await rig();
    const wb = r.t.writeback!.id;
    expect(commit(r.card, wbOn(r, 1), F.ALLOW_MODESET)).toBe('no error');
    const before = snapshot(r.card);
    const q = req([wb, 'WRITEBACK_FB_ID', 0]);
    r.card.addOutFence(q, wb, 'WRITEBACK_OUT_FENCE_PTR');
    expect(commit(r.card, q, 0)).toBe('EINVAL');
    expect(q.outFence(wb)).toBe(-1);
    expect(snapshot(r.card)).toBe(before);
    // without WRITEBACK_FB_ID the connector has no writeback job: the pointer gets -1 and nothing fails
    const n = req([wb, 'CRTC_ID', r.t.crtc.id]);
    r.card.addOutFence(n, wb, 'WRITEBACK_OUT_FENCE_PTR');
    expect(commit(r.card, n, 0)).toBe('no error');
    expect(n.outFence(wb)).toBe(-1);
    // TEST_ONLY creates no out-fence (prepare_signaling is skipped), so the empty job passes the check
    const t = req([wb, 'WRITEBACK_FB_ID', 0]);
    r.card.addOutFence(t, wb, 'WRITEBACK_OUT_FENCE_PTR');
    expect(commit(r.card, t, F.TEST_ONLY)).toBe('no error');
    expect(t.outFence(wb)).toBe(-1);
  });
});
