/**
 * VKMS's per-plane colour pipeline (vkms-semantics §1.9, §2.6; linux:drivers/gpu/drm/vkms/
 * vkms_colorop.c, vkms_composer.c): with enable_plane_pipeline every plane of the latest profile
 * gets one pipeline "Color Pipeline <first op ID>" of four bypassable ops, 1D curve {sRGB EOTF,
 * sRGB inverse EOTF} → 3x4 matrix → 3x4 matrix → 1D curve, created right after the plane's
 * COLOR_ENCODING / COLOR_RANGE. The composer applies the ops that are not in bypass to each
 * converted pixel before blending, clamping r, g, b to 0..0xffff only at the end, alpha untouched.
 *
 * Expected pictures are computed here: matrix-only pipelines from the apply_3x4_matrix formula
 * (exact binary fractions: r' = round-half-up(m0·r + m1·g + m2·b + m3), offsets in 16-bit units),
 * curves with the independent reference of test/compose/reference.ts (pipelineRef, with VKMS's
 * sRGB LUTs). Each expected picture's CRC is computed by the test (§2.9), and also captured from
 * the same picture drawn into a plain XRGB16161616 primary (IGT's method).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Card } from '../../src/client/index.js';
import { Card as CardClass } from '../../src/client/index.js';
import { ClientCap, Fourcc } from '../../src/uapi/index.js';
import { VkmsConfigError, createVkms, type VkmsDevice } from '../../src/vkms/index.js';
import { pipelineRef, sm2fixp, type Px, type RefColorOp } from '../compose/reference.js';
import { CURVES } from '../compose/helpers.js';
import {
  AtomicFlag, AtomicRequest, captureCrc, createFb, findMode, modesetReq, openVkms, Picture, put16161616, put8888,
  type Fb, type PlaneSetup,
} from './helpers.js';

const CLIENT_CAP_PLANE_COLOR_PIPELINE = 7;
const OBJECT_COLOROP = 0xfafafafa;

function capCard(vk: VkmsDevice): Card {
  const c = new CardClass(vk.open());
  c.setClientCap(ClientCap.ATOMIC, 1);
  c.setClientCap(CLIENT_CAP_PLANE_COLOR_PIPELINE, 1);
  return c;
}

interface PropView { id: number; value: bigint; name: string; flags: number; enums: { name: string; value: bigint }[] }
function propList(card: Card, id: number, type = 0): PropView[] {
  const { props, propValues } = card.getObjectProperties(id, type);
  return props.map((p, i) => { const info = card.getProperty(p); return { id: p, value: propValues[i]!, name: info.name, flags: info.flags, enums: info.enums }; });
}
const propOf = (card: Card, id: number, name: string): PropView => {
  const p = propList(card, id).find((x) => x.name === name);
  if (!p) throw new Error(`object ${id} has no ${name}`);
  return p;
};

/** The ops of a plane's (only) pipeline, following NEXT from the COLOR_PIPELINE entry. */
function pipelineOf(card: Card, plane: number): number[] {
  const entries = propOf(card, plane, 'COLOR_PIPELINE').enums;
  const ops: number[] = [];
  for (let id = Number(entries[1]!.value); id !== 0; id = Number(propOf(card, id, 'NEXT').value)) ops.push(id);
  return ops;
}

/** S31.32 sign-magnitude encoding of a real (exact for the binary fractions used here). */
const sm = (x: number): bigint => {
  const mag = BigInt(Math.round(Math.abs(x) * 2 ** 32));
  return x < 0 ? mag | (1n << 63n) : mag;
};
function ctmBlob(card: Card, m: readonly number[]): number {
  const b = new Uint8Array(96);
  const v = new DataView(b.buffer);
  m.forEach((x, i) => v.setBigUint64(i * 8, sm(x), true));
  return card.createPropertyBlob(b);
}

describe('objects and properties', () => {
  let vk: VkmsDevice, card: Card;
  beforeAll(async () => {
    vk = await createVkms({ enable_plane_pipeline: true, enable_overlay: true });
    card = capCard(vk);
  });
  afterAll(async () => {
    await vk.unplug();
  });

  it('every plane has COLOR_PIPELINE = {Bypass, "Color Pipeline <first op ID>"}, initially Bypass, after COLOR_ENCODING / COLOR_RANGE', () => {
    const planes = Object.values(vk.ids.planes);
    expect(planes.length).toBe(10); // primary, 8 overlays, cursor
    for (const plane of planes) {
      const p = propOf(card, plane, 'COLOR_PIPELINE');
      const first = Number(p.enums[1]!.value);
      expect(p.enums).toEqual([{ name: 'Bypass', value: 0n }, { name: `Color Pipeline ${first}`, value: BigInt(first) }]);
      expect(p.value).toBe(0n);
      expect(p.flags >>> 0).toBe(0x80000008); // ATOMIC | ENUM
      // the legacy view (no cap) lists rotation, COLOR_ENCODING, COLOR_RANGE last, and no COLOR_PIPELINE
      const legacy = new CardClass(vk.open());
      legacy.setClientCap(ClientCap.ATOMIC, 1);
      const names = propList(legacy, plane).map((x) => x.name);
      expect(names.slice(-3)).toEqual(['rotation', 'COLOR_ENCODING', 'COLOR_RANGE']);
      expect(propList(card, plane).map((x) => x.name).slice(-2)).toEqual(['rotation', 'COLOR_PIPELINE']);
      legacy.close();
    }
  });

  it('the pipeline: curve → 3x4 → 3x4 → curve, every op with BYPASS = 1', () => {
    for (const plane of Object.values(vk.ids.planes)) {
      const ops = pipelineOf(card, plane);
      expect(ops.length).toBe(4);
      expect(ops.map((id) => propOf(card, id, 'TYPE').value)).toEqual([0n, 2n, 2n, 0n]);
      for (const [i, id] of ops.entries()) {
        const names = propList(card, id, OBJECT_COLOROP).map((x) => x.name);
        expect(names).toEqual(i === 0 || i === 3 ? ['TYPE', 'BYPASS', 'NEXT', 'CURVE_1D_TYPE'] : ['TYPE', 'BYPASS', 'NEXT', 'DATA']);
        expect(propOf(card, id, 'BYPASS').value).toBe(1n);
      }
      for (const i of [0, 3]) {
        const c = propOf(card, ops[i]!, 'CURVE_1D_TYPE');
        expect(c.enums).toEqual([{ name: 'sRGB EOTF', value: 0n }, { name: 'sRGB Inverse EOTF', value: 1n }]);
        expect(c.value).toBe(0n);
      }
      expect(propOf(card, ops[1]!, 'DATA').value).toBe(0n);
    }
  });

  it('IDs: the first op follows COLOR_RANGE, each op takes 5 IDs, COLOR_PIPELINE follows the last, the next plane follows it', () => {
    const planes = Object.values(vk.ids.planes);
    for (const [k, plane] of planes.entries()) {
      const legacy = new CardClass(vk.open());
      legacy.setClientCap(ClientCap.ATOMIC, 1);
      const range = propOf(legacy, plane, 'COLOR_RANGE').id;
      legacy.close();
      const ops = pipelineOf(card, plane);
      expect(ops).toEqual([range + 1, range + 6, range + 11, range + 16]);
      const pipe = propOf(card, plane, 'COLOR_PIPELINE').id;
      expect(pipe).toBe(range + 21);
      if (k + 1 < planes.length) expect(planes[k + 1]).toBe(pipe + 1);
    }
  });

  it('the cap hides COLOR_ENCODING / COLOR_RANGE, on every plane', () => {
    for (const plane of Object.values(vk.ids.planes)) {
      const names = propList(card, plane).map((x) => x.name);
      expect(names).not.toContain('COLOR_ENCODING');
      expect(names).not.toContain('COLOR_RANGE');
    }
  });
});

describe('without the pipeline', () => {
  it('latest without enable_plane_pipeline: no COLOR_PIPELINE, no colorop', async () => {
    const vk = await createVkms({ enable_overlay: true });
    const withPipe = await createVkms({ enable_plane_pipeline: true, enable_overlay: true });
    const card = capCard(vk);
    for (const plane of Object.values(vk.ids.planes)) {
      const names = propList(card, plane).map((x) => x.name);
      expect(names).not.toContain('COLOR_PIPELINE');
      // mainline hides the legacy colour properties from a capped client even then (the guard
      // refusing the cap on such devices is drm-misc-next, 2026)
      expect(names).not.toContain('COLOR_ENCODING');
    }
    expect(vk.device.drm.colorops.length).toBe(0);
    expect(withPipe.device.drm.colorops.length).toBe(40);
    await vk.unplug();
    await withPipe.unplug();
  });

  it('linux-6.12 ignores enable_plane_pipeline (VKMS had no colorops then)', async () => {
    const vk = await createVkms({ profile: 'linux-6.12', enable_plane_pipeline: true });
    const ref = await createVkms({ profile: 'linux-6.12' });
    const card = capCard(vk), refCard = capCard(ref);
    expect(vk.device.drm.colorops.length).toBe(0);
    for (const [name, plane] of Object.entries(vk.ids.planes)) {
      expect(propList(card, plane)).toEqual(propList(refCard, ref.ids.planes[name]!));
    }
    expect(vk.ids).toEqual(ref.ids);
    await vk.unplug();
    await ref.unplug();
  });

  it('a topology sets default_pipeline per plane; a non-boolean is a config error', async () => {
    const topology = {
      planes: [
        { name: 'p', type: 'primary' as const, possible_crtcs: ['c'], default_pipeline: true },
        { name: 'o', type: 'overlay' as const, possible_crtcs: ['c'] },
      ],
      crtcs: [{ name: 'c' }], encoders: [{ name: 'e', possible_crtcs: ['c'] }], connectors: [{ name: 'k', possible_encoders: ['e'] }],
    };
    const vk = await createVkms({ topology });
    const card = capCard(vk);
    expect(pipelineOf(card, vk.ids.planes.p!).length).toBe(4);
    expect(propList(card, vk.ids.planes.o!).map((x) => x.name)).not.toContain('COLOR_PIPELINE');
    await vk.unplug();
    const bad = structuredClone(topology) as unknown as { planes: { default_pipeline?: unknown }[] };
    bad.planes[1]!.default_pipeline = 'yes';
    await expect(createVkms({ topology: bad as unknown as typeof topology })).rejects.toThrow(VkmsConfigError);
    await expect(createVkms({ topology: bad as unknown as typeof topology })).rejects.toThrow(/planes\[1\]\.default_pipeline/);
  });
});

describe('composition', () => {
  const W = 640, H = 480, PW = 64, PH = 48, PX = 40, PY = 30;
  let vk: VkmsDevice, card: Card, allPlanes: number[];
  let primary: number, cursor: number, crtc: number;
  let ops: number[], cursorOps: number[];
  let src: Fb, srcPx: (x: number, y: number) => Px, expectFb: Fb;

  beforeAll(async () => {
    ({ vk, card } = await openVkms({ enable_plane_pipeline: true }));
    card.setClientCap(CLIENT_CAP_PLANE_COLOR_PIPELINE, 1);
    primary = vk.ids.planes.primary!; cursor = vk.ids.planes.cursor!; crtc = vk.ids.crtcs.crtc0!;
    allPlanes = Object.values(vk.ids.planes);
    ops = pipelineOf(card, primary);
    cursorOps = pipelineOf(card, cursor);
    // a 16-bit source covering the whole range, including values near 0 and 0xffff
    srcPx = (x, y) => [0xffff, (x * 1031 + y * 97) & 0xffff, (y * 1361 + x * 13) & 0xffff, ((x ^ y) * 1021 + 0x7000) & 0xffff];
    src = createFb(card, PW, PH, Fourcc.XRGB16161616);
    for (let y = 0; y < PH; y++) for (let x = 0; x < PW; x++) { const p = srcPx(x, y); put16161616(src, x, y, 0xffff, p[1], p[2], p[3]); }
    expectFb = createFb(card, W, H, Fourcc.XRGB16161616);
    const conn = vk.ids.connectors.connector0!;
    card.atomicCommitSync(modesetReq(card, crtc, conn, findMode(card, conn, W, H)), AtomicFlag.ALLOW_MODESET);
    vk.debugfs.setCrcSource('crtc0', 'auto');
  });
  afterAll(async () => {
    await vk.unplug();
  });

  const primarySetup = (pipeline: boolean): PlaneSetup => ({ plane: primary, fb: src, x: PX, y: PY, props: { COLOR_PIPELINE: pipeline ? ops[0]! : 0 } });

  /** The CRC with the colorops set as given (other ops bypassed). */
  function pipelineCrc(setOps: (req: AtomicRequest) => void, planes: PlaneSetup[] = [primarySetup(true)]): number {
    return captureCrc(vk, card, 'crtc0', allPlanes, planes, (req) => {
      for (const id of [...ops, ...cursorOps]) req.add(id, 'BYPASS', 1);
      setOps(req);
    });
  }

  /** The expected picture: black, the source at (PX, PY) mapped through `f`. */
  function expectedPicture(f: (p: Px) => Px): Picture {
    const pic = new Picture(W, H);
    for (let y = 0; y < PH; y++) for (let x = 0; x < PW; x++) { const p = f(srcPx(x, y)); pic.blend(PX + x, PY + y, p[0], p[1], p[2], p[3]); }
    return pic;
  }

  /** IGT's method: the expected picture drawn into a full-screen XRGB16161616 primary, no pipeline. */
  function drawnCrc(pic: Picture): number {
    pic.drawInto(expectFb);
    return captureCrc(vk, card, 'crtc0', allPlanes, [{ plane: primary, fb: expectFb, props: { COLOR_PIPELINE: 0 } }]);
  }

  const clamp = (v: number) => Math.min(0xffff, Math.max(0, v));
  /** apply_3x4_matrix for exact binary-fraction entries: round half up, in 16-bit units. */
  const matrix = (m: readonly number[]) => (p: Px): [number, number, number] => {
    const row = (k: number) => Math.floor(m[k]! * p[1] + m[k + 1]! * p[2] + m[k + 2]! * p[3] + m[k + 3]! + 0.5);
    return [row(0), row(4), row(8)];
  };

  it('Bypass, or a pipeline with every op bypassed, leaves the picture as it is', () => {
    const plain = expectedPicture((p) => p);
    const want = plain.crc();
    expect(pipelineCrc(() => undefined, [primarySetup(false)])).toBe(want);
    expect(pipelineCrc(() => undefined)).toBe(want);
    // ops set up but the plane on Bypass: still nothing
    expect(pipelineCrc((r) => { for (const id of ops) r.add(id, 'BYPASS', 0); }, [primarySetup(false)])).toBe(want);
    expect(drawnCrc(plain)).toBe(want);
  });

  it('a 3x4 matrix (swap r/b, halve g + offset, scale r beyond 1.0): the apply_3x4_matrix formula, clamped at the end', () => {
    const m = [0, 0, 1, 0, 0, 0.5, 0, 1000, 1.5, 0, 0, -5000];
    const blob = ctmBlob(card, m);
    const f = matrix(m);
    const pic = expectedPicture((p) => { const [r, g, b] = f(p); return [p[0], clamp(r), clamp(g), clamp(b)]; });
    const crc = pipelineCrc((r) => r.add(ops[1]!, 'BYPASS', 0).add(ops[1]!, 'DATA', blob));
    expect(crc).toBe(pic.crc());
    expect(drawnCrc(pic)).toBe(crc);
    // the same matrix in the third op gives the same picture
    expect(pipelineCrc((r) => r.add(ops[2]!, 'BYPASS', 0).add(ops[2]!, 'DATA', blob))).toBe(crc);
    // and the composed pixels are the picture's
    pipelineCrc((r) => r.add(ops[1]!, 'BYPASS', 0).add(ops[1]!, 'DATA', blob));
    const frame = vk.composeNow('crtc0')!;
    for (const [x, y] of [[PX, PY], [PX + 7, PY + 5], [PX + PW - 1, PY + PH - 1], [0, 0]] as const) {
      const o = (y * W + x) * 4;
      expect([frame.pixels[o + 1], frame.pixels[o + 2], frame.pixels[o + 3]]).toEqual(pic.get(x, y));
    }
    card.destroyPropertyBlob(blob);
  });

  it('two matrices: values leave 0..0xffff between them and are clamped only at the end', () => {
    const m1 = [2, 0, 0, -30000, 0, 2, 0, 0, 0, 0, -1, 0]; // r: 2r - 30000 may exceed 0xffff; b negative
    const m2 = [0.5, 0, 0, 15000, 0, 0.5, 0, 0, 0, 0, -1, 0]; // brings them back
    const b1 = ctmBlob(card, m1), b2 = ctmBlob(card, m2);
    const f1 = matrix(m1), f2 = matrix(m2);
    const pic = expectedPicture((p) => {
      const mid = f1(p);
      const [r, g, b] = f2([p[0], mid[0], mid[1], mid[2]]);
      return [p[0], clamp(r), clamp(g), clamp(b)];
    });
    const crc = pipelineCrc((r) => r.add(ops[1]!, 'BYPASS', 0).add(ops[1]!, 'DATA', b1).add(ops[2]!, 'BYPASS', 0).add(ops[2]!, 'DATA', b2));
    expect(crc).toBe(pic.crc());
    // clamping between the two ops would give another picture
    const clampedEarly = expectedPicture((p) => {
      const mid = f1(p).map(clamp) as [number, number, number];
      const [r, g, b] = f2([p[0], mid[0], mid[1], mid[2]]);
      return [p[0], clamp(r), clamp(g), clamp(b)];
    });
    expect(clampedEarly.crc()).not.toBe(crc);
    card.destroyPropertyBlob(b1);
    card.destroyPropertyBlob(b2);
  });

  it('the full pipeline (sRGB EOTF → 3x4 → 3x4 → sRGB inverse EOTF) matches the reference', () => {
    const m1 = [0.75, 0.125, 0.0625, 0, 0.0625, 0.875, 0.0625, 0, -0.125, 0.25, 1.0, 0];
    const m2 = [1.25, -0.125, 0, 512, 0, 1, 0, 0, 0, -0.25, 1.125, -256];
    const b1 = ctmBlob(card, m1), b2 = ctmBlob(card, m2);
    const refOps: RefColorOp[] = [
      { type: '1d-curve', curve: 'srgb-eotf' }, { type: 'ctm-3x4', matrix: m1.map(sm) }, { type: 'ctm-3x4', matrix: m2.map(sm) },
      { type: '1d-curve', curve: 'srgb-inv-eotf' },
    ];
    // the reference decodes the same S31.32 words (sign-magnitude) the blob carries
    expect(refOps[1]!.type === 'ctm-3x4' && refOps[1]!.matrix!.map(sm2fixp)[8]).toBe(-(1n << 29n));
    const pic = expectedPicture((p) => pipelineRef(refOps, p, CURVES));
    const crc = pipelineCrc((r) => {
      for (const id of ops) r.add(id, 'BYPASS', 0);
      r.add(ops[0]!, 'CURVE_1D_TYPE', 0).add(ops[3]!, 'CURVE_1D_TYPE', 1).add(ops[1]!, 'DATA', b1).add(ops[2]!, 'DATA', b2);
    });
    expect(crc).toBe(pic.crc());
    expect(drawnCrc(pic)).toBe(crc);
    // with op 3 bypassed instead
    const pic2 = expectedPicture((p) => pipelineRef([refOps[0]!, refOps[1]!, refOps[3]!], p, CURVES));
    const crc2 = pipelineCrc((r) => {
      for (const id of [ops[0]!, ops[1]!, ops[3]!]) r.add(id, 'BYPASS', 0);
      r.add(ops[0]!, 'CURVE_1D_TYPE', 0).add(ops[3]!, 'CURVE_1D_TYPE', 1).add(ops[1]!, 'DATA', b1).add(ops[2]!, 'DATA', b2);
    });
    expect(crc2).toBe(pic2.crc());
    expect(crc2).not.toBe(crc);
    card.destroyPropertyBlob(b1);
    card.destroyPropertyBlob(b2);
  });

  it('each curve alone: EOTF, inverse EOTF, in either curve op', () => {
    for (const [op, curve, name] of [[0, 0, 'srgb-eotf'], [0, 1, 'srgb-inv-eotf'], [3, 0, 'srgb-eotf'], [3, 1, 'srgb-inv-eotf']] as const) {
      const pic = expectedPicture((p) => pipelineRef([{ type: '1d-curve', curve: name }], p, CURVES));
      expect(pipelineCrc((r) => r.add(ops[op]!, 'BYPASS', 0).add(ops[op]!, 'CURVE_1D_TYPE', curve))).toBe(pic.crc());
    }
  });

  it('a matrix op without DATA does nothing', () => {
    const want = expectedPicture((p) => p).crc();
    expect(pipelineCrc((r) => r.add(ops[1]!, 'BYPASS', 0).add(ops[1]!, 'DATA', 0).add(ops[2]!, 'BYPASS', 0).add(ops[2]!, 'DATA', 0))).toBe(want);
  });

  it('a commit of colorops only changes the next frame', () => {
    const m = [0, 1, 0, 0, 1, 0, 0, 0, 0, 0, 1, 0]; // swap r/g
    const blob = ctmBlob(card, m);
    const plain = expectedPicture((p) => p).crc();
    expect(pipelineCrc(() => undefined)).toBe(plain);
    card.atomicCommitSync(new AtomicRequest().add(ops[1]!, 'DATA', blob).add(ops[1]!, 'BYPASS', 0));
    vk.debugfs.readCrc('crtc0');
    vk.vblank('crtc0', 1);
    const [e] = vk.debugfs.readCrc('crtc0');
    const f = matrix(m);
    expect(e!.crc).toBe(expectedPicture((p) => { const [r, g, b] = f(p); return [p[0], r, g, b]; }).crc());
    // TEST_ONLY changes nothing
    card.atomicCommitSync(new AtomicRequest().add(ops[1]!, 'BYPASS', 1), AtomicFlag.TEST_ONLY);
    vk.vblank('crtc0', 1);
    expect(vk.debugfs.readCrc('crtc0')[0]!.crc).toBe(e!.crc);
    card.atomicCommitSync(new AtomicRequest().add(ops[1]!, 'BYPASS', 1).add(ops[1]!, 'DATA', 0));
    card.destroyPropertyBlob(blob);
  });

  it('on a translucent cursor: the pipeline runs on the premultiplied pixels before the blend, alpha untouched', () => {
    const CW = 32, CH = 24, CX = PX + 20, CY = PY + 10;
    const cur = createFb(card, CW, CH, Fourcc.ARGB8888);
    const curPx = (x: number, y: number): [number, number, number, number] => {
      const a = (x * 8 + y * 3) & 0xff;
      return [a, (x * 5) % (a + 1), (y * 7) % (a + 1), ((x + y) * 3) % (a + 1)];
    };
    for (let y = 0; y < CH; y++) for (let x = 0; x < CW; x++) { const [a, r, g, b] = curPx(x, y); put8888(cur, x, y, a, r, g, b); }
    const m = [0, 0, 1, 0, 0, 1, 0, 0, 1, 0, 0, 0]; // swap r/b
    const blob = ctmBlob(card, m);
    const pic = expectedPicture((p) => p);
    for (let y = 0; y < CH; y++) for (let x = 0; x < CW; x++) {
      const [a, r, g, b] = curPx(x, y);
      pic.blend(CX + x, CY + y, a * 257, b * 257, g * 257, r * 257);
    }
    const crc = pipelineCrc((r) => r.add(cursorOps[1]!, 'BYPASS', 0).add(cursorOps[1]!, 'DATA', blob),
      [primarySetup(false), { plane: cursor, fb: cur, x: CX, y: CY, props: { COLOR_PIPELINE: cursorOps[0]! } }]);
    expect(crc).toBe(pic.crc());
    // the primary's pipeline is separate: its ops stayed bypassed
    expect(ops.map((id) => propOf(card, id, 'BYPASS').value)).toEqual([1n, 1n, 1n, 1n]);
    card.destroyPropertyBlob(blob);
  });

  it('frame sinks see the same picture', () => {
    const m = [0, 0, 1, 0, 0, 1, 0, 0, 1, 0, 0, 0];
    const blob = ctmBlob(card, m);
    const pic = expectedPicture((p) => [p[0], p[3], p[2], p[1]]);
    const frames: { crc: number }[] = [];
    const off = vk.onFrame('crtc0', (f) => frames.push({ crc: f.crc }));
    pipelineCrc((r) => r.add(ops[1]!, 'BYPASS', 0).add(ops[1]!, 'DATA', blob));
    off();
    expect(frames.at(-1)!.crc).toBe(pic.crc());
    card.destroyPropertyBlob(blob);
  });
});

