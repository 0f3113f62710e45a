/**
 * drm_atomic_helper_check_plane_state and drm_atomic_helper_check_crtc_primary_plane, called by
 * a driver's own checks (uapi 3.38–3.42, 3.58).
 */
import { describe, expect, it } from 'vitest';
import { checkCrtcPrimaryPlane, checkPlaneState, NO_SCALING, type PlaneCheckParams } from '../../../src/drm/atomic/helpers.js';
import { getCrtcState } from '../../../src/drm/atomic/state.js';
import type { Rect } from '../../../src/drm/types.js';
import { Rotation } from '../../../src/uapi/index.js';
import { checkCtx, commit, F, makeFb, MODE_1024x768, openAtomic, ownDevice, planeOn, req } from './helpers.js';

interface Seen { visible: boolean; src: Rect; dst: Rect }

/** A driver whose planes run check_plane_state with `params` (changeable per test) and record the result. */
async function helperDevice(params: PlaneCheckParams, opts: { primaryCheck?: boolean } = {}) {
  const seen = new Map<number, Seen>();
  const d = await ownDevice({
    overlays: 1,
    planeFuncs: {
      atomicCheck(plane, ps, ctx) {
        checkPlaneState(ps, ps.crtc ? getCrtcState(checkCtx(ctx).state, ps.crtc) : null, params);
        seen.set(plane.id, { visible: ps.visible, src: { ...ps.src }, dst: { ...ps.dst } });
      },
    },
    crtcFuncs: opts.primaryCheck ? { atomicCheck: (crtc, cs, ctx) => checkCrtcPrimaryPlane(checkCtx(ctx).state, crtc, cs) } : undefined,
    extra: (u, o) => u.addRotationProperty(o.overlays[0]!, Rotation.ROTATE_0, 0x3f),
  });
  const card = openAtomic(d);
  const fb = makeFb(card, 1024, 768);
  const mode = card.createModeBlob(MODE_1024x768);
  const [crtc, conn, primary, overlay] = [d.objs.crtcs[0]!.id, d.objs.connectors[0]!.id, d.objs.primaries[0]!.id, d.objs.overlays[0]!.id];
  return { d, card, fb, mode, crtc, conn, primary, overlay, seen };
}

const vkms: PlaneCheckParams = { minScale: NO_SCALING, maxScale: NO_SCALING, canPosition: true, canUpdateDisabled: true };

describe('uapi 3.38: updates on a disabled CRTC', () => {
  it('is EINVAL for an FB on a CRTC without a mode when the driver passes can_update_disabled=false', async () => {
    // uapi 3.38
    for (const canUpdateDisabled of [false, true]) {
      const h = await helperDevice({ ...vkms, canUpdateDisabled });
      const small = makeFb(h.card);
      const q = planeOn(req(), h.overlay, h.crtc, small, 64, 64);
      expect(commit(h.card, q, F.TEST_ONLY), String(canUpdateDisabled)).toBe(canUpdateDisabled ? 'no error' : 'EINVAL');
      // enabled (MODE_ID set) but inactive is not "disabled"
      expect(commit(h.card, req([h.crtc, 'MODE_ID', h.mode], [h.conn, 'CRTC_ID', h.crtc]), F.ALLOW_MODESET)).toBe('no error');
      expect(commit(h.card, q, F.TEST_ONLY), String(canUpdateDisabled)).toBe('no error');
    }
  });
});

describe('uapi 3.39 / 3.58: scaling', () => {
  it('with NO_SCALING the source must equal the destination exactly; anything else is ERANGE, not EINVAL', async () => {
    // uapi 3.39, 3.58
    const h = await helperDevice(vkms);
    expect(commit(h.card, planeOn(req([h.crtc, 'MODE_ID', h.mode], [h.crtc, 'ACTIVE', 1], [h.conn, 'CRTC_ID', h.crtc]), h.primary, h.crtc, h.fb), F.ALLOW_MODESET)).toBe('no error');
    const small = makeFb(h.card);
    const ov = (extra: [string, number][]) => {
      const q = planeOn(req(), h.overlay, h.crtc, small, 64, 64);
      for (const [p, v] of extra) q.add(h.overlay, p, v);
      return q;
    };
    const cases: [[string, number][], string][] = [
      [[], 'no error'],
      [[['CRTC_W', 65]], 'ERANGE'],
      [[['CRTC_H', 63]], 'ERANGE'],
      [[['SRC_W', (63 << 16) + 0x8000]], 'ERANGE'], // 63.5 → 64
      [[['SRC_W', (64 << 16) - 1]], 'ERANGE'],
      [[['SRC_W', 32 << 16], ['CRTC_W', 32]], 'no error'],
      [[['CRTC_W', 0]], 'no error'], // a zero-sized destination skips the scale check
      [[['CRTC_H', 0], ['SRC_H', 5 << 16]], 'no error'],
    ];
    for (const [extra, want] of cases) expect(commit(h.card, ov(extra), F.TEST_ONLY), String(extra)).toBe(want);
  });

  it('computes the scale after rotating the source, rounding up when downscaling', async () => {
    // uapi 3.39
    const h = await helperDevice({ ...vkms, minScale: 0x8000, maxScale: 0x20000 }); // 2x up to 2x down
    expect(commit(h.card, planeOn(req([h.crtc, 'MODE_ID', h.mode], [h.crtc, 'ACTIVE', 1], [h.conn, 'CRTC_ID', h.crtc]), h.primary, h.crtc, h.fb), F.ALLOW_MODESET)).toBe('no error');
    const small = makeFb(h.card);
    const ov = (srcW: number, srcH: number, w: number, hh: number, rot: number = Rotation.ROTATE_0) =>
      planeOn(req([h.overlay, 'rotation', rot]), h.overlay, h.crtc, small, srcW, srcH).add(h.overlay, 'CRTC_W', w).add(h.overlay, 'CRTC_H', hh);
    expect(commit(h.card, ov(64, 64, 32, 32), F.TEST_ONLY)).toBe('no error'); // exactly 2.0
    expect(commit(h.card, ov(64, 64, 31, 32), F.TEST_ONLY)).toBe('ERANGE'); // ceil(64/31 · 65536) > 2.0
    expect(commit(h.card, ov(64, 64, 128, 128), F.TEST_ONLY)).toBe('no error'); // exactly 0.5
    expect(commit(h.card, ov(64, 64, 129, 128), F.TEST_ONLY)).toBe('ERANGE'); // floor(64/129 · 65536) < 0.5
    // 64x16 source rotated by 90° is 16x64: on a 64x16 destination that is 0.25 / 4.0
    expect(commit(h.card, ov(64, 16, 64, 16), F.TEST_ONLY)).toBe('no error');
    expect(commit(h.card, ov(64, 16, 64, 16, Rotation.ROTATE_90), F.TEST_ONLY)).toBe('ERANGE');
    expect(commit(h.card, ov(64, 16, 16, 64, Rotation.ROTATE_90), F.TEST_ONLY)).toBe('no error');
    expect(commit(h.card, ov(64, 16, 16, 64, Rotation.ROTATE_270 | Rotation.REFLECT_X), F.TEST_ONLY)).toBe('no error');
  });
});

describe('uapi 3.40: clipping to the CRTC', () => {
  it('clips a partly visible destination (and the source proportionally); a plane entirely outside is invisible but accepted', async () => {
    // uapi 3.40
    const h = await helperDevice({ ...vkms, minScale: 0x8000, maxScale: 0x20000 });
    expect(commit(h.card, planeOn(req([h.crtc, 'MODE_ID', h.mode], [h.crtc, 'ACTIVE', 1], [h.conn, 'CRTC_ID', h.crtc]), h.primary, h.crtc, h.fb), F.ALLOW_MODESET)).toBe('no error');
    const big = makeFb(h.card, 128, 128);
    const at = (x: number, y: number, w: number, hh: number) => planeOn(req(), h.overlay, h.crtc, big, 128, 128)
      .add(h.overlay, 'CRTC_X', x).add(h.overlay, 'CRTC_Y', y).add(h.overlay, 'CRTC_W', w).add(h.overlay, 'CRTC_H', hh);
    // 128x128 source on a 64x64 destination at (-32, 740): half of it is left of the CRTC, 36 rows below
    expect(commit(h.card, at(-32, 740, 64, 64), F.TEST_ONLY)).toBe('no error');
    expect(h.seen.get(h.overlay)).toEqual({ visible: true, dst: { x1: 0, y1: 740, x2: 32, y2: 768 }, src: { x1: 64 << 16, y1: 0, x2: 128 << 16, y2: 56 << 16 } });
    // 1:1 partly off the right edge
    expect(commit(h.card, at(1000, 0, 128, 128), F.TEST_ONLY)).toBe('no error');
    expect(h.seen.get(h.overlay)).toEqual({ visible: true, dst: { x1: 1000, y1: 0, x2: 1024, y2: 128 }, src: { x1: 0, y1: 0, x2: 24 << 16, y2: 128 << 16 } });
    // entirely outside: the clip is limited to the destination size, which ends up empty
    expect(commit(h.card, at(2000, 10, 128, 128), F.TEST_ONLY)).toBe('no error');
    expect(h.seen.get(h.overlay)).toEqual({ visible: false, dst: { x1: 2000, y1: 10, x2: 2000, y2: 138 }, src: { x1: 0, y1: 0, x2: 0, y2: 128 << 16 } });
    expect(commit(h.card, at(-500, -500, 128, 128), 0)).toBe('no error');
    expect(h.seen.get(h.overlay)!.visible).toBe(false);
    expect(h.seen.get(h.overlay)!.dst).toEqual({ x1: -372, y1: -372, x2: -372, y2: -372 });
  });
});

describe('uapi 3.41: can_position', () => {
  it('is EINVAL when a visible plane does not cover the whole CRTC and the driver cannot position it', async () => {
    // uapi 3.41
    const h = await helperDevice({ ...vkms, canPosition: false });
    const lit = () => req([h.crtc, 'MODE_ID', h.mode], [h.crtc, 'ACTIVE', 1], [h.conn, 'CRTC_ID', h.crtc]);
    expect(commit(h.card, planeOn(lit(), h.primary, h.crtc, h.fb), F.ALLOW_MODESET)).toBe('no error');
    expect(commit(h.card, planeOn(req(), h.primary, h.crtc, h.fb, 1024, 767), F.TEST_ONLY)).toBe('EINVAL');
    expect(commit(h.card, planeOn(req(), h.primary, h.crtc, h.fb, 1024, 768).add(h.primary, 'CRTC_X', 1).add(h.primary, 'SRC_W', 1023 << 16).add(h.primary, 'CRTC_W', 1023), F.TEST_ONLY)).toBe('EINVAL');
    // larger than the CRTC, clipped to exactly the CRTC: fine
    const wide = makeFb(h.card, 2048, 768);
    expect(commit(h.card, planeOn(req(), h.primary, h.crtc, wide, 2048, 768), F.TEST_ONLY)).toBe('no error');
    // invisible (entirely outside): no position check
    expect(commit(h.card, planeOn(req(), h.primary, h.crtc, h.fb, 1024, 768).add(h.primary, 'CRTC_X', 1024), F.TEST_ONLY)).toBe('no error');
  });
});

describe('uapi 3.42: a primary plane on an enabled CRTC', () => {
  it('is EINVAL to enable a CRTC with only an overlay when the driver checks for a primary plane', async () => {
    // uapi 3.42
    const h = await helperDevice(vkms, { primaryCheck: true });
    const small = makeFb(h.card);
    const base = () => req([h.crtc, 'MODE_ID', h.mode], [h.crtc, 'ACTIVE', 1], [h.conn, 'CRTC_ID', h.crtc]);
    expect(commit(h.card, planeOn(base(), h.overlay, h.crtc, small, 64, 64), F.TEST_ONLY | F.ALLOW_MODESET)).toBe('EINVAL');
    expect(commit(h.card, base(), F.TEST_ONLY | F.ALLOW_MODESET)).toBe('EINVAL');
    expect(commit(h.card, planeOn(base(), h.primary, h.crtc, h.fb), F.ALLOW_MODESET)).toBe('no error');
    // taking the primary away from the enabled CRTC
    expect(commit(h.card, req([h.primary, 'FB_ID', 0], [h.primary, 'CRTC_ID', 0]), F.TEST_ONLY)).toBe('EINVAL');
    // a disabled CRTC needs none
    expect(commit(h.card, req([h.crtc, 'MODE_ID', 0], [h.crtc, 'ACTIVE', 0], [h.conn, 'CRTC_ID', 0], [h.primary, 'FB_ID', 0], [h.primary, 'CRTC_ID', 0]), F.ALLOW_MODESET)).toBe('no error');
  });
});
