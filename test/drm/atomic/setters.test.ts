/**
 * Property setter rules as seen through the ATOMIC ioctl (uapi 2.16–2.47; fences are in
 * fences.test.ts).
 */
import { describe, expect, it } from 'vitest';
import { Fourcc, LocalUserMemory, ModeFlag, ModeType, ObjectType, Rotation, type ModeInfo } from '../../../src/uapi/index.js';
import { encodeModeInfo } from '../../../src/uapi/modeinfo.js';
import {
  blob, commit, F, light, makeFb, MODE_1024x768, openAtomic, ownDevice, planeOn, rawAtomic, req, rig, snapshot, U64_MAX, type Rig,
} from './helpers.js';

const value = (r: Pick<Rig, 'card'>, obj: number, name: string) => {
  const id = r.card.propertyId(obj, name);
  const p = r.card.getObjectProperties(obj);
  return p.propValues[p.props.indexOf(id)];
};

describe('uapi 2.16, 2.19: plane properties read back', () => {
  it('FB_ID/CRTC_ID read the committed IDs, IN_FENCE_FD always reads -1, coordinates read what was set', async () => {
    // uapi 2.16, 2.19
    const r = await rig();
    expect(value(r, r.t.primary.id, 'IN_FENCE_FD')).toBe(U64_MAX);
    light(r);
    expect(value(r, r.t.primary.id, 'FB_ID')).toBe(BigInt(r.fb));
    expect(value(r, r.t.primary.id, 'CRTC_ID')).toBe(BigInt(r.t.crtc.id));
    expect(value(r, r.t.primary.id, 'IN_FENCE_FD')).toBe(U64_MAX);
    expect(commit(r.card, req([r.t.overlay!.id, 'CRTC_X', -5n], [r.t.overlay!.id, 'SRC_X', 0xffffffff]), 0)).toBe('no error');
    expect(value(r, r.t.overlay!.id, 'CRTC_X')).toBe(BigInt.asUintN(64, -5n));
    expect(value(r, r.t.overlay!.id, 'SRC_X')).toBe(0xffffffffn);
  });
});

describe('uapi 2.23: rotation needs exactly one rotate bit', () => {
  it('is EINVAL for no rotate bit, reflect only, or two rotate bits; otherwise stored as given', async () => {
    // uapi 2.23, 2.13
    const r = await rig();
    const p = r.t.primary.id;
    for (const v of [0, Rotation.REFLECT_X, Rotation.REFLECT_X | Rotation.REFLECT_Y, Rotation.ROTATE_0 | Rotation.ROTATE_90, 0xf, Rotation.ROTATE_180 | Rotation.ROTATE_270 | Rotation.REFLECT_Y]) {
      expect(commit(r.card, req([p, 'rotation', v]), 0), `0x${v.toString(16)}`).toBe('EINVAL');
    }
    for (const v of [Rotation.ROTATE_0, Rotation.ROTATE_90, Rotation.ROTATE_180, Rotation.ROTATE_270, Rotation.ROTATE_90 | Rotation.REFLECT_X, Rotation.ROTATE_0 | Rotation.REFLECT_X | Rotation.REFLECT_Y]) {
      expect(commit(r.card, req([p, 'rotation', v]), 0), `0x${v.toString(16)}`).toBe('no error');
      expect(value(r, p, 'rotation')).toBe(BigInt(v));
    }
    expect(commit(r.card, req([p, 'rotation', 1 << 6]), 0)).toBe('EINVAL'); // outside the bitmask (2.13)
  });
});

describe('uapi 2.31–2.33: colour management blobs', () => {
  it('GAMMA_LUT/DEGAMMA_LUT need a multiple of 8 bytes (any count), CTM exactly 72; a change is not a modeset', async () => {
    // uapi 2.31, 2.32, 2.33
    const d = await ownDevice({ extra: (u, o) => u.enableColorMgmt(o.crtcs[0]!, 16, true, 256) });
    const card = openAtomic(d);
    const c = d.objs.crtcs[0]!.id;
    const fb = makeFb(card, 1024, 768);
    const mode = card.createModeBlob(MODE_1024x768);
    expect(commit(card, planeOn(req([c, 'MODE_ID', mode], [c, 'ACTIVE', 1], [d.objs.connectors[0]!.id, 'CRTC_ID', c]), d.objs.primaries[0]!.id, c, fb), F.ALLOW_MODESET)).toBe('no error');
    for (const [prop, good, bad] of [['GAMMA_LUT', [8, 24, 2048, 4096], [4, 12, 2049]], ['DEGAMMA_LUT', [8, 128, 800], [7, 129]], ['CTM', [72], [64, 80, 8]]] as const) {
      for (const n of bad) expect(commit(card, req([c, prop, blob(card, new Uint8Array(n))]), 0), `${prop} ${n}`).toBe('EINVAL');
      for (const n of good) {
        const id = blob(card, new Uint8Array(n));
        expect(commit(card, req([c, prop, id]), 0), `${prop} ${n}`).toBe('no error'); // no ALLOW_MODESET needed
        expect(value({ card }, c, prop)).toBe(BigInt(id));
      }
      expect(commit(card, req([c, prop, 0]), 0)).toBe('no error');
      expect(value({ card }, c, prop)).toBe(0n);
    }
  });
});

describe('uapi 2.34–2.36: MODE_ID', () => {
  const bad: [string, Partial<ModeInfo>][] = [
    ['clock 0', { clock: 0 }],
    ['hdisplay 0', { hdisplay: 0 }],
    ['hsync_start < hdisplay', { hsync_start: 1000 }],
    ['hsync_end < hsync_start', { hsync_end: 1047 }],
    ['htotal < hsync_end', { htotal: 1183 }],
    ['vdisplay 0', { vdisplay: 0 }],
    ['vtotal < vsync_end', { vtotal: 776 }],
    ['flag outside DRM_MODE_FLAG_ALL (BCAST)', { flags: MODE_1024x768.flags | ModeFlag.BCAST }],
    ['3D layout beyond the last one', { flags: MODE_1024x768.flags | (9 << 14) }],
    ['unknown picture aspect ratio', { flags: MODE_1024x768.flags | (5 << 19) }],
    // drm_mode_convert_umode answers ERANGE here, but drm_atomic_set_mode_prop_for_crtc turns every failure into EINVAL
    ['clock > INT_MAX', { clock: 0x80000000 }],
    ['vrefresh > INT_MAX', { vrefresh: 0x80000000 }],
  ];

  it('is EINVAL for a blob that is not 68 bytes or a mode drm_mode_convert_umode refuses', async () => {
    // uapi 2.34, 2.35
    const r = await rig();
    const c = r.t.crtc.id;
    const before = snapshot(r.card);
    for (const n of [1, 67, 69, 136]) expect(commit(r.card, req([c, 'MODE_ID', blob(r.card, new Uint8Array(n))]), F.TEST_ONLY | F.ALLOW_MODESET), `${n} bytes`).toBe('EINVAL');
    for (const [what, patch] of bad) {
      const id = blob(r.card, encodeModeInfo({ ...MODE_1024x768, ...patch }));
      expect(commit(r.card, req([c, 'MODE_ID', id]), F.TEST_ONLY | F.ALLOW_MODESET), what).toBe('EINVAL');
    }
    expect(snapshot(r.card)).toBe(before);
  });

  it('sets enable with a valid mode (type bits outside ALL dropped), clears it with 0; GETCRTC reports the recomputed vrefresh', async () => {
    // uapi 2.34, 2.35, 2.36, 1.29
    const r = await rig();
    const c = r.t.crtc.id;
    const m = blob(r.card, encodeModeInfo({ ...MODE_1024x768, vrefresh: 123, type: ModeType.DRIVER | 0x3, name: 'custom' }));
    expect(commit(r.card, req([c, 'MODE_ID', m], [r.t.connector.id, 'CRTC_ID', c]), F.ALLOW_MODESET)).toBe('no error');
    const info = r.card.getCrtc(c);
    expect(info.modeValid).toBe(true);
    // 65 MHz / (1344 · 806) = 60.004 Hz → 60; the type keeps only PREFERRED|USERDEF|DRIVER
    expect(info.mode).toEqual({ ...MODE_1024x768, vrefresh: 60, type: ModeType.DRIVER, name: 'custom' });
    expect(value(r, c, 'MODE_ID')).toBe(BigInt(m));
    expect(r.card.getPropertyBlob(m).length).toBe(68);
    expect(commit(r.card, req([c, 'MODE_ID', 0], [r.t.connector.id, 'CRTC_ID', 0]), F.ALLOW_MODESET)).toBe('no error');
    expect(r.card.getCrtc(c).modeValid).toBe(false);
    expect(value(r, c, 'MODE_ID')).toBe(0n);
    // interlaced: vrefresh counts fields (×2)
    const i = blob(r.card, encodeModeInfo({ ...MODE_1024x768, flags: MODE_1024x768.flags | ModeFlag.INTERLACE }));
    expect(commit(r.card, req([c, 'MODE_ID', i], [r.t.connector.id, 'CRTC_ID', c]), F.ALLOW_MODESET)).toBe('no error');
    expect(r.card.getCrtc(c).mode.vrefresh).toBe(120);
  });
});

describe('uapi 2.37: ACTIVE and OUT_FENCE_PTR read back', () => {
  it('ACTIVE reads the committed value, OUT_FENCE_PTR always 0', async () => {
    // uapi 2.37
    const r = await rig();
    const c = r.t.crtc.id;
    expect(value(r, c, 'ACTIVE')).toBe(0n);
    const q = req(...modesetItems(r));
    r.card.addOutFence(q, c);
    expect(commit(r.card, q, F.ALLOW_MODESET)).toBe('no error');
    expect(value(r, c, 'ACTIVE')).toBe(1n);
    expect(value(r, c, 'OUT_FENCE_PTR')).toBe(0n);
  });
});

describe('uapi 2.41: DPMS through ATOMIC', () => {
  it('is EINVAL for every value, even the current one', async () => {
    // uapi 2.41
    const r = await rig();
    light(r);
    for (const v of [0, 1, 2, 3]) expect(commit(r.card, req([r.t.connector.id, 'DPMS', v]), 0), String(v)).toBe('EINVAL');
    expect(commit(r.card, req([r.t.connector.id, 'DPMS', 4]), 0)).toBe('EINVAL');
    expect(value(r, r.t.connector.id, 'DPMS')).toBe(0n);
  });
});

describe('uapi 2.45–2.47: writeback properties', () => {
  it('WRITEBACK_PIXEL_FORMATS is immutable; WRITEBACK_FB_ID must name an FB; both FB_ID and OUT_FENCE_PTR read 0 after use', async () => {
    // uapi 2.45, 2.46, 3.11
    const r = await rig();
    const wb = r.t.writeback!.id;
    const names = r.card.getObjectProperties(wb, ObjectType.CONNECTOR).props.map((id) => r.card.getProperty(id).name);
    expect(names.slice(-3)).toEqual(['WRITEBACK_OUT_FENCE_PTR', 'WRITEBACK_FB_ID', 'WRITEBACK_PIXEL_FORMATS']);
    const formats = r.card.getPropertyBlob(Number(value(r, wb, 'WRITEBACK_PIXEL_FORMATS')));
    expect(Array.from(new Uint32Array(formats.buffer, formats.byteOffset, formats.length / 4))).toEqual([Fourcc.XRGB8888, Fourcc.ARGB8888]);
    expect(commit(r.card, req([wb, 'WRITEBACK_PIXEL_FORMATS', value(r, wb, 'WRITEBACK_PIXEL_FORMATS')!]), 0)).toBe('EINVAL');
    expect(commit(r.card, req([wb, 'WRITEBACK_FB_ID', r.t.crtc.id]), 0)).toBe('EINVAL');
    expect(commit(r.card, req([wb, 'WRITEBACK_FB_ID', 9999]), 0)).toBe('EINVAL');
    // a real writeback job on the lit CRTC (the writeback connector alone: 3.57)
    const wfb = makeFb(r.card, 1024, 768);
    const q = planeOn(req([r.t.crtc.id, 'MODE_ID', r.mode], [r.t.crtc.id, 'ACTIVE', 1], [wb, 'CRTC_ID', r.t.crtc.id], [wb, 'WRITEBACK_FB_ID', wfb]), r.t.primary.id, r.t.crtc.id, r.fb);
    r.card.addOutFence(q, wb, 'WRITEBACK_OUT_FENCE_PTR');
    expect(commit(r.card, q, F.ALLOW_MODESET)).toBe('no error');
    expect(q.outFence(wb)).toBeGreaterThanOrEqual(3); // an fd (2.47)
    expect(value(r, wb, 'WRITEBACK_FB_ID')).toBe(0n); // one-shot (2.46)
    expect(value(r, wb, 'WRITEBACK_OUT_FENCE_PTR')).toBe(0n);
  });

  it('WRITEBACK_OUT_FENCE_PTR gets -1 while parsing, EFAULT for an unwritable pointer', async () => {
    // uapi 2.47
    const r = await rig();
    const wb = r.t.writeback!.id;
    const ptr = r.card.propertyId(wb, 'WRITEBACK_OUT_FENCE_PTR');
    const cell = new Int32Array([0x1234]);
    const addr = (r.card.fd.memory as LocalUserMemory).map(cell);
    // the pointer is written before the next (unknown) object fails the commit
    expect(rawAtomic(r.card, { objs: [wb, 9999], counts: [1, 0], props: [ptr], values: [addr] })).toBe('ENOENT');
    expect(cell[0]).toBe(-1);
    expect(rawAtomic(r.card, { objs: [wb], counts: [1], props: [ptr], values: [0xdead0000n] })).toBe('EFAULT');
    expect(rawAtomic(r.card, { objs: [wb], counts: [1], props: [ptr], values: [0] })).toBe('no error'); // NULL: nothing to write
  });
});

function modesetItems(r: Rig): [number, string, bigint | number][] {
  const t = r.t;
  return [[t.crtc.id, 'MODE_ID', r.mode], [t.crtc.id, 'ACTIVE', 1], [t.connector.id, 'CRTC_ID', t.crtc.id],
    [t.primary.id, 'FB_ID', r.fb], [t.primary.id, 'CRTC_ID', t.crtc.id], [t.primary.id, 'SRC_W', 1024 << 16], [t.primary.id, 'SRC_H', 768 << 16],
    [t.primary.id, 'CRTC_W', 1024], [t.primary.id, 'CRTC_H', 768]];
}
