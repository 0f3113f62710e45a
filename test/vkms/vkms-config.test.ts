/**
 * VKMS topology configuration (vkms-semantics §1.4, conventions §1): every vkms_config_is_valid
 * rule with a good and a bad configuration, errors naming the object and field
 * (VkmsConfigError.path) with nothing created, multi-CRTC topologies lit end to end, and the
 * extras beyond configfs (per-connector modes, connector type, per-plane formats, zpos/alpha/blend
 * properties, gamma size, background colour).
 */
import { describe, expect, it } from 'vitest';
import { Card } from '../../src/client/index.js';
import { ClientCap, ConnectorType, Fourcc, ModeType, PropFlag, type ModeInfo } from '../../src/uapi/index.js';
import { createVkms, validateTopology, VkmsConfigError, type VkmsTopology } from '../../src/vkms/index.js';
import { addPlane, AtomicFlag, AtomicRequest, captureCrc, createFb, errnoOf, findMode, modesetReq, openVkms, Picture, put16161616, put8888, REF_DIR, referenceModes } from './helpers.js';

/** The smallest valid topology (conventions §1 example without writeback). */
const good = (): VkmsTopology => ({
  name: 'cfg',
  planes: [{ name: 'primary0', type: 'primary', possible_crtcs: ['crtc0'] }],
  crtcs: [{ name: 'crtc0' }],
  encoders: [{ name: 'enc0', possible_crtcs: ['crtc0'] }],
  connectors: [{ name: 'conn0', status: 'connected', possible_encoders: ['enc0'] }],
});

const range = (n: number) => Array.from({ length: n }, (_, i) => i);

/** Expect validateTopology and createVkms to refuse `t` with this path; `t` stays as it was. */
async function expectInvalid(t: VkmsTopology, path: string, mentions?: string): Promise<void> {
  const before = JSON.stringify(t);
  let err: unknown;
  try { validateTopology(t); } catch (e) { err = e; }
  expect(err).toBeInstanceOf(VkmsConfigError);
  expect((err as VkmsConfigError).path).toBe(path);
  if (mentions) expect((err as VkmsConfigError).message).toContain(mentions);
  // the device is refused for the same reason, before anything is made
  const e2 = await createVkms({ topology: t }).then(() => null, (e: unknown) => e);
  expect(e2).toBeInstanceOf(VkmsConfigError);
  expect((e2 as VkmsConfigError).path).toBe(path);
  expect(JSON.stringify(t)).toBe(before);
}

async function expectValid(t: VkmsTopology): Promise<void> {
  expect(() => validateTopology(t)).not.toThrow();
  const vk = await createVkms({ topology: t });
  const card = new Card(vk.open());
  card.setClientCap(ClientCap.ATOMIC, 1);
  expect(card.getResources().crtcs).toHaveLength(t.crtcs.length);
  expect(card.getPlaneResources()).toHaveLength(t.planes.length);
  await vk.unplug();
}

describe('vkms_config_is_valid (§1.4): good and bad configurations', () => {
  it('the minimal topology is valid', async () => {
    await expectValid(good());
  });

  for (const kind of ['planes', 'crtcs', 'encoders', 'connectors'] as const) {
    it(`${kind}: 0 entries is invalid`, async () => {
      const t = good();
      (t[kind] as unknown[]) = [];
      await expectInvalid(t, kind);
    });
  }

  it('planes: 31 is valid, 32 is not', async () => {
    const t = good();
    t.planes.push({ name: 'cursor0', type: 'cursor', possible_crtcs: ['crtc0'] });
    for (const i of range(29)) t.planes.push({ name: `ov${i}`, type: 'overlay', possible_crtcs: ['crtc0'] });
    expect(t.planes).toHaveLength(31);
    await expectValid(t);
    t.planes.push({ name: 'ov29', possible_crtcs: ['crtc0'] });
    await expectInvalid(t, 'planes');
  });

  it('crtcs: 31 is valid, 32 is not', async () => {
    const t = good();
    t.planes = range(31).map((i) => ({ name: `p${i}`, type: 'primary', possible_crtcs: [`c${i}`] }));
    t.crtcs = range(31).map((i) => ({ name: `c${i}` }));
    t.encoders = [{ name: 'enc0', possible_crtcs: t.crtcs.map((c) => c.name) }];
    await expectValid(t);
    t.crtcs.push({ name: 'c31' });
    await expectInvalid(t, 'crtcs');
  });

  it('encoders: 31 is valid, 32 is not', async () => {
    const t = good();
    t.encoders = range(31).map((i) => ({ name: `e${i}`, possible_crtcs: ['crtc0'] }));
    t.connectors[0]!.possible_encoders = ['e0'];
    await expectValid(t);
    t.encoders.push({ name: 'e31', possible_crtcs: ['crtc0'] });
    await expectInvalid(t, 'encoders');
  });

  it('connectors: 31 is valid, 32 is not', async () => {
    const t = good();
    t.connectors = range(31).map((i) => ({ name: `n${i}`, possible_encoders: ['enc0'] }));
    await expectValid(t);
    t.connectors.push({ name: 'n31', possible_encoders: ['enc0'] });
    await expectInvalid(t, 'connectors');
  });

  it('a plane without a CRTC', async () => {
    const t = good();
    t.planes.push({ name: 'lost', type: 'overlay', possible_crtcs: [] });
    await expectInvalid(t, 'planes[1].possible_crtcs', 'lost');
  });

  it('a CRTC with no primary plane (the plane type defaults to overlay), or with 2', async () => {
    const t = good();
    delete t.planes[0]!.type;
    await expectInvalid(t, 'crtcs[0]', 'crtc0');
    const t2 = good();
    t2.crtcs.push({ name: 'crtc1' });
    t2.encoders[0]!.possible_crtcs.push('crtc1');
    t2.planes.push({ name: 'ov', type: 'overlay', possible_crtcs: ['crtc1'] });
    await expectInvalid(t2, 'crtcs[1]', 'crtc1');
    t2.planes[1]!.type = 'primary';
    await expectValid(t2);
    const t3 = good();
    t3.planes.push({ name: 'primary1', type: 'primary', possible_crtcs: ['crtc0'] });
    await expectInvalid(t3, 'crtcs[0]', 'crtc0');
  });

  it('a CRTC with 2 cursors (one is fine)', async () => {
    const t = good();
    t.planes.push({ name: 'cur0', type: 'cursor', possible_crtcs: ['crtc0'] });
    await expectValid(t);
    t.planes.push({ name: 'cur1', type: 'cursor', possible_crtcs: ['crtc0'] });
    await expectInvalid(t, 'crtcs[0]', 'crtc0');
  });

  it('an encoder without a CRTC', async () => {
    const t = good();
    t.encoders.push({ name: 'enc1', possible_crtcs: [] });
    await expectInvalid(t, 'encoders[1].possible_crtcs', 'enc1');
  });

  it('a CRTC without an encoder', async () => {
    const t = good();
    t.crtcs.push({ name: 'crtc1' });
    t.planes.push({ name: 'primary1', type: 'primary', possible_crtcs: ['crtc1'] });
    await expectInvalid(t, 'crtcs[1]', 'crtc1');
    t.encoders.push({ name: 'enc1', possible_crtcs: ['crtc1'] });
    await expectValid(t);
  });

  it('a connector without an encoder', async () => {
    const t = good();
    t.connectors.push({ name: 'conn1', possible_encoders: [] });
    await expectInvalid(t, 'connectors[1].possible_encoders', 'conn1');
  });

  it('unknown names in references', async () => {
    const t1 = good();
    t1.planes[0]!.possible_crtcs = ['crtc0', 'crtc9'];
    await expectInvalid(t1, 'planes[0].possible_crtcs[1]', 'crtc9');
    const t2 = good();
    t2.encoders[0]!.possible_crtcs = ['nope'];
    await expectInvalid(t2, 'encoders[0].possible_crtcs[0]', 'nope');
    const t3 = good();
    t3.connectors[0]!.possible_encoders = ['enc7'];
    await expectInvalid(t3, 'connectors[0].possible_encoders[0]', 'enc7');
  });

  it('duplicate names', async () => {
    const t = good();
    t.planes.push({ name: 'primary0', type: 'overlay', possible_crtcs: ['crtc0'] });
    await expectInvalid(t, 'planes[1].name', 'primary0');
  });

  it('a bad plane type, a bad connector status', async () => {
    const t1 = good();
    (t1.planes[0] as { type: string }).type = 'underlay';
    await expectInvalid(t1, 'planes[0].type', 'underlay');
    const t2 = good();
    (t2.connectors[0] as { status: string }).status = 'maybe';
    await expectInvalid(t2, 'connectors[0].status', 'maybe');
    for (const s of ['connected', 'disconnected', 'unknown'] as const) {
      const t = good();
      t.connectors[0]!.status = s;
      await expectValid(t);
    }
  });

  it('extras: unknown format, connector type, mode, blend mode, zpos outside its range — refused and named', async () => {
    const bad: [string, (t: VkmsTopology) => void, string][] = [
      ['planes[0].formats[1]', (t) => { t.planes[0]!.formats = ['XRGB8888', 'XRGB7777']; }, 'XRGB7777'],
      ['connectors[0].type', (t) => { t.connectors[0]!.type = 'HDMI-Z'; }, 'HDMI-Z'],
      ['connectors[0].modes[1]', (t) => { t.connectors[0]!.modes = [{ mode: '1024x768' }, { mode: '1023x767' }]; }, '1023x767'],
      ['planes[0].blend_modes[0]', (t) => { t.planes[0]!.blend_modes = ['Multiply' as 'None']; }, 'Multiply'],
      ['planes[0].zpos', (t) => { t.planes[0]!.zpos = { value: 9, min: 0, max: 3 }; }, '9'],
    ];
    for (const [path, edit, mention] of bad) {
      const t = good();
      edit(t);
      const before = JSON.stringify(t);
      const e = await createVkms({ topology: t }).then(() => null, (x: unknown) => x);
      expect({ path, isConfigError: e instanceof VkmsConfigError }).toEqual({ path, isConfigError: true });
      expect((e as VkmsConfigError).path).toBe(path);
      expect((e as VkmsConfigError).message).toContain(mention);
      expect(JSON.stringify(t)).toBe(before);
    }
    // a format the profile does not have: NV12 on 6.12
    const t = good();
    t.planes[0]!.formats = ['NV12'];
    const e = await createVkms({ topology: t, profile: 'linux-6.12' }).then(() => null, (x: unknown) => x);
    expect((e as VkmsConfigError).path).toBe('planes[0].formats[0]');
  });

  it('a failed creation leaves nothing behind: the next device gets the next name', async () => {
    const unnamed = () => { const t = good(); delete t.name; return t; };
    const a = await createVkms({ topology: unnamed() });
    const bad = unnamed();
    bad.planes[0]!.formats = ['XRGB7777'];
    await expect(createVkms({ topology: bad })).rejects.toBeInstanceOf(VkmsConfigError);
    const bad2 = unnamed();
    bad2.connectors = [];
    await expect(createVkms({ topology: bad2 })).rejects.toBeInstanceOf(VkmsConfigError);
    const b = await createVkms({ topology: unnamed() });
    const num = (n: string) => Number(n.replace(/^vkms/, '') || '0');
    expect(num(b.name)).toBe(num(a.name) + 1);
    await a.unplug();
    await b.unplug();
  });
});

describe('multi-CRTC topologies', () => {
  const two = (): VkmsTopology => ({
    name: 'dual',
    planes: [
      { name: 'p0', type: 'primary', possible_crtcs: ['c0'] },
      { name: 'cur0', type: 'cursor', possible_crtcs: ['c0'] },
      { name: 'p1', type: 'primary', possible_crtcs: ['c1'] },
      { name: 'ov', type: 'overlay', possible_crtcs: ['c0', 'c1'] },
      { name: 'cur1', type: 'cursor', possible_crtcs: ['c1'] },
    ],
    crtcs: [{ name: 'c0', is_writeback_enabled: true }, { name: 'c1' }],
    encoders: [{ name: 'e0', possible_crtcs: ['c0'] }, { name: 'e1', possible_crtcs: ['c1'] }],
    connectors: [{ name: 'n0', possible_encoders: ['e0'] }, { name: 'n1', possible_encoders: ['e1'] }],
  });

  it('2 CRTCs, each with its planes, encoder and connector: both light up, each composes its own frame', async () => {
    const { vk, card } = await openVkms({ topology: two() });
    const I = vk.ids;
    expect(card.getResources().crtcs).toEqual([I.crtcs.c0, I.crtcs.c1]);
    expect(card.getPlane(I.planes.ov!).possibleCrtcs).toBe(0b11);
    expect(card.getPlane(I.planes.p1!).possibleCrtcs).toBe(0b10);
    expect(card.getEncoder(I.encoders.e1!).possibleCrtcs).toBe(0b10);
    expect(Object.keys(I.writeback)).toEqual(['c0']);
    const m0 = findMode(card, I.connectors.n0!), m1 = findMode(card, I.connectors.n1!, 800, 600);
    const fb0 = createFb(card, m0.hdisplay, m0.vdisplay, Fourcc.XRGB8888);
    const fb1 = createFb(card, m1.hdisplay, m1.vdisplay, Fourcc.XRGB8888);
    for (let y = 0; y < fb0.height; y++) for (let x = 0; x < fb0.width; x++) put8888(fb0, x, y, 0xff, 0x10, 0x20, 0x30);
    for (let y = 0; y < fb1.height; y++) for (let x = 0; x < fb1.width; x++) put8888(fb1, x, y, 0xff, 0xc0, 0x80, 0x01);
    const req = modesetReq(card, I.crtcs.c0!, I.connectors.n0!, m0);
    req.add(I.crtcs.c1!, 'MODE_ID', card.createModeBlob(m1)).add(I.crtcs.c1!, 'ACTIVE', 1).add(I.connectors.n1!, 'CRTC_ID', I.crtcs.c1!);
    addPlane(req, I.crtcs.c0!, { plane: I.planes.p0!, fb: fb0 });
    addPlane(req, I.crtcs.c1!, { plane: I.planes.p1!, fb: fb1 });
    card.atomicCommitSync(req, AtomicFlag.ALLOW_MODESET);
    expect(card.getCrtc(I.crtcs.c0!).mode.name).toBe('1024x768');
    expect(card.getCrtc(I.crtcs.c1!).mode.name).toBe('800x600');
    expect(card.getConnector(I.connectors.n0!).encoderId).toBe(I.encoders.e0);
    expect(card.getConnector(I.connectors.n1!).encoderId).toBe(I.encoders.e1);
    expect(card.getEncoder(I.encoders.e0!).crtcId).toBe(I.crtcs.c0);
    expect(card.getEncoder(I.encoders.e1!).crtcId).toBe(I.crtcs.c1);
    // the expected CRCs: solid frames (§2.9), computed here
    const solid = (w: number, h: number, r: number, g: number, b: number) => {
      const p = new Picture(w, h);
      for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) p.set(x, y, r * 257, g * 257, b * 257);
      return p.crc();
    };
    const crc0 = solid(1024, 768, 0x10, 0x20, 0x30), crc1 = solid(800, 600, 0xc0, 0x80, 0x01);
    vk.debugfs.setCrcSource('c0', 'auto');
    vk.debugfs.setCrcSource('c1', 'auto');
    vk.vblank('c0', 2);
    vk.vblank('c1', 2);
    const e0 = vk.debugfs.readCrc('c0'), e1 = vk.debugfs.readCrc('c1');
    expect(e0.length).toBeGreaterThanOrEqual(2);
    expect(e1.length).toBeGreaterThanOrEqual(2);
    expect(new Set(e0.map((e) => e.crc))).toEqual(new Set([crc0]));
    expect(new Set(e1.map((e) => e.crc))).toEqual(new Set([crc1]));
    // the shared overlay moves to c1; the cursor of c0 cannot go to c1 (uapi 3.19)
    const ovFb = createFb(card, 64, 64, Fourcc.XRGB8888);
    card.atomicCommitSync(addPlane(new AtomicRequest(), I.crtcs.c1!, { plane: I.planes.ov!, fb: ovFb }));
    expect(card.getPlane(I.planes.ov!).crtcId).toBe(I.crtcs.c1);
    expect(errnoOf(() => card.atomicCommitSync(addPlane(new AtomicRequest(), I.crtcs.c1!, { plane: I.planes.cur0!, fb: ovFb })))).toBe('EINVAL');
    // a connector cannot reach the other CRTC through its encoder (uapi 3.33)
    expect(errnoOf(() => card.atomicCommitSync(new AtomicRequest().add(I.connectors.n0!, 'CRTC_ID', I.crtcs.c1!), AtomicFlag.ALLOW_MODESET | AtomicFlag.TEST_ONLY))).toBe('EINVAL');
    // each CRTC goes off on its own
    card.atomicCommitSync(new AtomicRequest().add(I.crtcs.c0!, 'ACTIVE', 0), AtomicFlag.ALLOW_MODESET);
    vk.debugfs.readCrc('c1');
    vk.vblank('c1', 1);
    expect(vk.debugfs.readCrc('c1').length).toBe(1);
    expect(() => vk.vblank('c0', 1)).toThrow();
    await vk.unplug();
  });

  it('3 CRTCs sharing one encoder list: any connector can drive any CRTC', async () => {
    const t: VkmsTopology = {
      name: 'tri',
      planes: ['a', 'b', 'c'].map((c) => ({ name: `p${c}`, type: 'primary' as const, possible_crtcs: [c] })),
      crtcs: [{ name: 'a' }, { name: 'b' }, { name: 'c' }],
      encoders: [0, 1, 2].map((i) => ({ name: `e${i}`, possible_crtcs: ['a', 'b', 'c'] })),
      connectors: [0, 1, 2].map((i) => ({ name: `n${i}`, possible_encoders: [`e${i}`] })),
    };
    const { vk, card } = await openVkms({ topology: t });
    const I = vk.ids;
    const mode = findMode(card, I.connectors.n0!, 640, 480);
    const req = new AtomicRequest();
    // n0 → c, n1 → a, n2 → b
    for (const [n, c] of [['n0', 'c'], ['n1', 'a'], ['n2', 'b']] as const) {
      req.add(I.crtcs[c]!, 'MODE_ID', card.createModeBlob(mode)).add(I.crtcs[c]!, 'ACTIVE', 1).add(I.connectors[n]!, 'CRTC_ID', I.crtcs[c]!);
      addPlane(req, I.crtcs[c]!, { plane: I.planes[`p${c}`]!, fb: createFb(card, 640, 480, Fourcc.XRGB8888) });
    }
    card.atomicCommitSync(req, AtomicFlag.ALLOW_MODESET);
    expect(card.getEncoder(I.encoders.e0!).crtcId).toBe(I.crtcs.c);
    for (const c of ['a', 'b', 'c']) vk.vblank(c, 1);
    await vk.unplug();
  });
});

describe('extras beyond configfs', () => {
  it('per-connector modes: "WxH", "WxH@R", full timings, preferred', async () => {
    const dmt = referenceModes(`${REF_DIR}/default/modetest.txt`);
    const ref1080 = dmt.find((m) => m.name === '1920x1080')!, ref720 = dmt.find((m) => m.name === '1280x720')!;
    const custom: ModeInfo = {
      clock: 12345, hdisplay: 500, hsync_start: 510, hsync_end: 520, htotal: 600, hskew: 0,
      vdisplay: 300, vsync_start: 305, vsync_end: 310, vtotal: 330, vscan: 0, vrefresh: 0, flags: 1 | 4, type: 0, name: 'tiny',
    };
    const t = good();
    t.connectors[0]!.modes = [{ mode: '1920x1080' }, { mode: '1280x720@60', preferred: true }, { mode: custom }];
    const { vk, card } = await openVkms({ topology: t });
    const modes = card.getConnector(vk.ids.connectors.conn0!).modes;
    const view = (m: ModeInfo) => ({ name: m.name, timings: [m.hdisplay, m.hsync_start, m.hsync_end, m.htotal, m.vdisplay, m.vsync_start, m.vsync_end, m.vtotal], clock: m.clock, flags: m.flags, type: m.type });
    const expected = [
      { name: '1280x720', timings: ref720.timings, clock: ref720.clock, flags: ref720.flags, type: ModeType.DRIVER | ModeType.PREFERRED },
      { name: '1920x1080', timings: ref1080.timings, clock: ref1080.clock, flags: ref1080.flags, type: ModeType.DRIVER },
      { name: 'tiny', timings: [500, 510, 520, 600, 300, 305, 310, 330], clock: 12345, flags: 5, type: ModeType.DRIVER },
    ];
    // the preferred mode first (drm_mode_sort), the set exactly the configured one
    expect(view(modes[0]!)).toEqual(expected[0]);
    expect(modes.map(view).sort((a, b) => a.name.localeCompare(b.name))).toEqual([...expected].sort((a, b) => a.name.localeCompare(b.name)));
    expect(modes.find((m) => m.name === 'tiny')!.vrefresh).toBe(Math.round((12345 * 1000) / (600 * 330)));
    // a configured mode lights the CRTC
    const fb = createFb(card, 500, 300, Fourcc.XRGB8888);
    const req = modesetReq(card, vk.ids.crtcs.crtc0!, vk.ids.connectors.conn0!, modes.find((m) => m.name === 'tiny')!);
    addPlane(req, vk.ids.crtcs.crtc0!, { plane: vk.ids.planes.primary0!, fb });
    card.atomicCommitSync(req, AtomicFlag.ALLOW_MODESET);
    expect(card.getCrtc(vk.ids.crtcs.crtc0!).mode.hdisplay).toBe(500);
    vk.vblank('crtc0', 1);
    await vk.unplug();
  });

  it('connector type: "HDMI-A" is HDMI-A-1 (type 11) with an EDID property; type ids count per type (uapi 1.9, 2.40)', async () => {
    const t = good();
    t.encoders.push({ name: 'enc1', possible_crtcs: ['crtc0'] }, { name: 'enc2', possible_crtcs: ['crtc0'] });
    t.connectors = [
      { name: 'hdmi', type: 'HDMI-A', possible_encoders: ['enc0'] },
      { name: 'virt', possible_encoders: ['enc1'] },
      { name: 'hdmi2', type: 'HDMI-A', possible_encoders: ['enc2'] },
    ];
    const { vk, card } = await openVkms({ topology: t });
    const info = (n: string) => card.getConnector(vk.ids.connectors[n]!);
    expect([info('hdmi').connectorType, info('hdmi').connectorTypeId]).toEqual([ConnectorType.HDMIA, 1]);
    expect([info('virt').connectorType, info('virt').connectorTypeId]).toEqual([ConnectorType.VIRTUAL, 1]);
    expect([info('hdmi2').connectorType, info('hdmi2').connectorTypeId]).toEqual([ConnectorType.HDMIA, 2]);
    expect(['hdmi', 'virt', 'hdmi2'].map((n) => vk.data.connectors.get(n)!.name)).toEqual(['HDMI-A-1', 'Virtual-1', 'HDMI-A-2']);
    const names = (id: number) => card.getObjectProperties(id).props.map((p) => card.getProperty(p).name);
    expect(names(vk.ids.connectors.hdmi!)).toEqual(['EDID', 'DPMS', 'link-status', 'non-desktop', 'TILE', 'CRTC_ID']);
    expect(names(vk.ids.connectors.virt!)).toEqual(['DPMS', 'link-status', 'non-desktop', 'TILE', 'CRTC_ID']);
    const edid = card.findProperty(vk.ids.connectors.hdmi!, 0, 'EDID')!;
    expect(edid.info.flags).toBe(PropFlag.IMMUTABLE | PropFlag.BLOB);
    await vk.unplug();
  });

  it('per-plane formats restrict GETPLANE, IN_FORMATS and what the plane accepts', async () => {
    const t = good();
    t.planes[0]!.formats = ['XRGB8888', 'NV12', 'ARGB8888'];
    t.planes.push({ name: 'ov', type: 'overlay', possible_crtcs: ['crtc0'] });
    const { vk, card } = await openVkms({ topology: t });
    expect(card.getPlane(vk.ids.planes.primary0!).formats).toEqual([Fourcc.XRGB8888, Fourcc.NV12, Fourcc.ARGB8888]);
    expect(card.getPlane(vk.ids.planes.ov!).formats).toHaveLength(33);
    const blob = card.getPropertyBlob(Number(card.findProperty(vk.ids.planes.primary0!, 0, 'IN_FORMATS')!.value));
    const dv = new DataView(blob.buffer, blob.byteOffset);
    expect(dv.getUint32(8, true)).toBe(3);
    expect([0, 1, 2].map((i) => dv.getUint32(24 + 4 * i, true))).toEqual([Fourcc.XRGB8888, Fourcc.NV12, Fourcc.ARGB8888]);
    const crtc = vk.ids.crtcs.crtc0!;
    const rgb565 = createFb(card, 64, 64, Fourcc.RGB565);
    // a format the plane does not list: EINVAL; on the overlay it is fine
    expect(errnoOf(() => card.atomicCommitSync(addPlane(new AtomicRequest(), crtc, { plane: vk.ids.planes.primary0!, fb: rgb565 }), AtomicFlag.TEST_ONLY))).toBe('EINVAL');
    expect(errnoOf(() => card.atomicCommitSync(addPlane(new AtomicRequest(), crtc, { plane: vk.ids.planes.ov!, fb: rgb565 }), AtomicFlag.TEST_ONLY))).toBe('ok');
    const xrgb = createFb(card, 64, 64, Fourcc.XRGB8888);
    expect(errnoOf(() => card.atomicCommitSync(addPlane(new AtomicRequest(), crtc, { plane: vk.ids.planes.primary0!, fb: xrgb }), AtomicFlag.TEST_ONLY))).toBe('ok');
    await vk.unplug();
  });

  it('zpos, alpha and pixel blend mode properties exist only when configured', async () => {
    const t = good();
    t.planes[0]!.zpos = { value: 0, min: 0, max: 0, immutable: true };
    t.planes.push(
      { name: 'ov', type: 'overlay', possible_crtcs: ['crtc0'], zpos: { value: 2, min: 1, max: 7 }, alpha: true, blend_modes: ['None', 'Pre-multiplied', 'Coverage'] },
      { name: 'ov2', type: 'overlay', possible_crtcs: ['crtc0'], blend_modes: ['Coverage'] },
      { name: 'plain', type: 'overlay', possible_crtcs: ['crtc0'] },
    );
    const { vk, card } = await openVkms({ topology: t });
    const prop = (plane: string, name: string) => card.findProperty(vk.ids.planes[plane]!, 0, name);
    const zp = prop('primary0', 'zpos')!;
    expect({ flags: zp.info.flags, values: zp.info.values, value: zp.value }).toEqual({ flags: PropFlag.IMMUTABLE | PropFlag.RANGE, values: [0n, 0n], value: 0n });
    const zo = prop('ov', 'zpos')!;
    expect({ flags: zo.info.flags, values: zo.info.values, value: zo.value }).toEqual({ flags: PropFlag.RANGE, values: [1n, 7n], value: 2n });
    const alpha = prop('ov', 'alpha')!;
    expect({ flags: alpha.info.flags, values: alpha.info.values, value: alpha.value }).toEqual({ flags: PropFlag.RANGE, values: [0n, 0xffffn], value: 0xffffn });
    const blend = prop('ov', 'pixel blend mode')!;
    // drm_plane_create_blend_mode_property lists None, Pre-multiplied, Coverage; default Pre-multiplied
    expect({ flags: blend.info.flags, enums: blend.info.enums, value: blend.value })
      .toEqual({ flags: PropFlag.ENUM, enums: [{ name: 'None', value: 2n }, { name: 'Pre-multiplied', value: 0n }, { name: 'Coverage', value: 1n }], value: 0n });
    // Pre-multiplied is always there
    expect(prop('ov2', 'pixel blend mode')!.info.enums).toEqual([{ name: 'Pre-multiplied', value: 0n }, { name: 'Coverage', value: 1n }]);
    for (const n of ['zpos', 'alpha', 'pixel blend mode']) expect(prop('plain', n)).toBeUndefined();
    expect(prop('ov2', 'alpha')).toBeUndefined();
    // zpos values outside the range are refused by the core
    expect(errnoOf(() => card.atomicCommitSync(new AtomicRequest().add(vk.ids.planes.ov!, 'zpos', 8), AtomicFlag.TEST_ONLY))).toBe('EINVAL');
    await vk.unplug();
  });

  it('gamma_size: GAMMA_LUT_SIZE and the LUT limit follow it; 0 removes colour management', async () => {
    const t = good();
    t.crtcs[0]!.gamma_size = 1024;
    t.crtcs.push({ name: 'nogamma', gamma_size: 0 });
    t.planes.push({ name: 'p1', type: 'primary', possible_crtcs: ['nogamma'] });
    t.encoders[0]!.possible_crtcs.push('nogamma');
    const { vk, card } = await openVkms({ topology: t });
    const c0 = vk.ids.crtcs.crtc0!, c1 = vk.ids.crtcs.nogamma!;
    expect(card.findProperty(c0, 0, 'GAMMA_LUT_SIZE')!.value).toBe(1024n);
    expect(card.getCrtc(c0).gammaSize).toBe(1024);
    expect(card.findProperty(c1, 0, 'GAMMA_LUT')).toBeUndefined();
    expect(card.findProperty(c1, 0, 'GAMMA_LUT_SIZE')).toBeUndefined();
    expect(card.getCrtc(c1).gammaSize).toBe(0);
    const lut = (n: number) => card.createPropertyBlob(new Uint8Array(n * 8));
    expect(errnoOf(() => card.atomicCommitSync(new AtomicRequest().add(c0, 'GAMMA_LUT', lut(1024)), AtomicFlag.TEST_ONLY))).toBe('ok');
    expect(errnoOf(() => card.atomicCommitSync(new AtomicRequest().add(c0, 'GAMMA_LUT', lut(1025)), AtomicFlag.TEST_ONLY))).toBe('EINVAL');
    await vk.unplug();
  });

  it('background_color: the BACKGROUND_COLOR property paints what no plane covers (alpha ignored)', async () => {
    const t = good();
    t.crtcs[0]!.background_color = true;
    t.planes.push({ name: 'ov', type: 'overlay', possible_crtcs: ['crtc0'] });
    const { vk, card } = await openVkms({ topology: t });
    const crtc = vk.ids.crtcs.crtc0!;
    const p = card.findProperty(crtc, 0, 'BACKGROUND_COLOR')!;
    expect(p.info.flags).toBe(PropFlag.RANGE);
    expect(p.info.values).toEqual([0n, 0xffffffffffffffffn]);
    const mode = findMode(card, vk.ids.connectors.conn0!, 640, 480);
    card.atomicCommitSync(modesetReq(card, crtc, vk.ids.connectors.conn0!, mode), AtomicFlag.ALLOW_MODESET);
    vk.debugfs.setCrcSource('crtc0', 'auto');
    const planes = [vk.ids.planes.primary0!, vk.ids.planes.ov!];
    // expected: an XRGB16161616 primary holding the colour
    const [r, g, b] = [0x1234, 0xabcd, 0x0f0f];
    const full = createFb(card, 640, 480, Fourcc.XRGB16161616);
    for (let y = 0; y < 480; y++) for (let x = 0; x < 640; x++) put16161616(full, x, y, 0xffff, r, g, b);
    const expected = captureCrc(vk, card, 'crtc0', planes, [{ plane: planes[0]!, fb: full }]);
    const argb64 = (a: number, rr: number, gg: number, bb: number) => (BigInt(a) << 48n) | (BigInt(rr) << 32n) | (BigInt(gg) << 16n) | BigInt(bb);
    const got = captureCrc(vk, card, 'crtc0', planes, [], (req) => req.add(crtc, 'BACKGROUND_COLOR', argb64(0x0000, r, g, b)));
    expect(got).toBe(expected);
    // and the computed CRC of that frame agrees
    const pic = new Picture(640, 480);
    for (let y = 0; y < 480; y++) for (let x = 0; x < 640; x++) pic.set(x, y, r, g, b);
    expect(got).toBe(pic.crc());
    await vk.unplug();
  });
});
