/**
 * modetestDump() over the test driver. Expected text is written from modetest.c's printf formats
 * and the test driver's construction (its modes are the reference capture's 1024x768, 800x600 and
 * 640x480 timings, so those lines read as in the reference).
 */
import { describe, expect, it } from 'vitest';
import { AtomicRequest } from '../../src/client/atomic.js';
import { modeVrefresh, modetestArgs, modetestDump } from '../../src/client/modetest.js';
import { AtomicFlag, ClientCap, ModeFlag } from '../../src/uapi/drm-mode.js';
import { Fourcc } from '../../src/uapi/fourcc.js';
import { createTestDevice, MODE_1024x768, MODE_640x480 } from '../drm/test-driver.js';

const MODE_LINES = [
  '  #0 1024x768 60.00 1024 1048 1184 1344 768 771 777 806 65000 flags: nhsync, nvsync; type: preferred, driver',
  '  #1 800x600 60.32 800 840 968 1056 600 601 605 628 40000 flags: phsync, pvsync; type: driver',
  '  #2 640x480 59.94 640 656 752 800 480 490 492 525 25175 flags: nhsync, nvsync; type: driver',
];

describe('modetest listing', () => {
  it('-e: encoders, the writeback encoder included', async () => {
    const t = await createTestDevice();
    const wbEnc = t.writeback!.possibleEncoders[0]!.id;
    expect(modetestDump(t.open(), { encoders: true })).toBe(
      'Encoders:\nid\tcrtc\ttype\tpossible crtcs\tpossible clones\t\n' +
      `${t.encoder.id}\t0\tVirtual\t0x00000001\t0x00000001\n` +
      `${wbEnc}\t0\tVirtual\t0x00000001\t0x00000002\n\n`);
  });

  it('-c: the master file probes: connected, the modes sorted preferred first, non-atomic properties only', async () => {
    const t = await createTestDevice();
    const out = modetestDump(t.open(), { connectors: true });
    expect(out).toBe([
      'Connectors:',
      'id\tencoder\tstatus\t\tname\t\tsize (mm)\tmodes\tencoders',
      `${t.connector.id}\t0\tconnected\tVirtual-1      \t0x0\t\t3\t${t.encoder.id}`,
      '  modes:',
      '\tindex name refresh (Hz) hdisp hss hse htot vdisp vss vse vtot',
      ...MODE_LINES,
      '  props:',
      '\t2 DPMS:', '\t\tflags: enum', '\t\tenums: On=0 Standby=1 Suspend=2 Off=3', '\t\tvalue: 0',
      '\t5 link-status:', '\t\tflags: enum', '\t\tenums: Good=0 Bad=1', '\t\tvalue: 0',
      '\t6 non-desktop:', '\t\tflags: immutable range', '\t\tvalues: 0 1', '\t\tvalue: 0',
      '\t4 TILE:', '\t\tflags: immutable blob', '\t\tblobs:', '', '\t\tvalue:',
      '', '',
    ].join('\n'));
    expect(t.device.drm.std.DPMS.id).toBe(2);
  });

  it('a file that is not master does not probe: status unknown, no modes', async () => {
    const t = await createTestDevice();
    const master = t.open();
    const out = modetestDump(t.open(), { connectors: true });
    expect(out).toContain(`${t.connector.id}\t0\tunknown\tVirtual-1      \t0x0\t\t0\t${t.encoder.id}\n  props:\n`);
    master.close();
  });

  it('-a: atomic properties and the writeback connector appear', async () => {
    const t = await createTestDevice();
    const out = modetestDump(t.open(), { atomic: true, connectors: true, crtcs: true });
    // the writeback connector is listed (probed like any other: the master file asks for modes)
    expect(out).toMatch(new RegExp(`\n${t.writeback!.id}\t0\tconnected\tWriteback-1    \t0x0\t\t\\d+\t${t.writeback!.possibleEncoders[0]!.id}\n`));
    const std = t.device.drm.std;
    expect(out).toContain(`\t${std.CRTC_ID.id} CRTC_ID:\n\t\tflags: object\n\t\tvalue: 0\n`);
    // the blob holds the two u32 formats XR24, AR24
    expect(out).toMatch(/\t\d+ WRITEBACK_PIXEL_FORMATS:\n\t\tflags: immutable blob\n\t\tblobs:\n\n\t\tvalue:\n\t\t\t5852323441523234\n/);
    expect(out).toMatch(/\t\d+ ACTIVE:\n\t\tflags: range\n\t\tvalues: 0 1\n\t\tvalue: 0\n/);
    expect(out).toMatch(/\t\d+ OUT_FENCE_PTR:\n\t\tflags: range\n\t\tvalues: 0 18446744073709551615\n\t\tvalue: 0\n/);
  });

  it('-p: an unlit CRTC prints a zero mode ("-nan"), planes with formats, IN_FORMATS hex and decoded', async () => {
    const t = await createTestDevice();
    const out = modetestDump(t.open(), { crtcs: true, planes: true });
    expect(out.startsWith(`CRTCs:\nid\tfb\tpos\tsize\n${t.crtc.id}\t0\t(0,0)\t(0x0)\n  #0  -nan 0 0 0 0 0 0 0 0 0 flags: ; type: \n  props:\n`)).toBe(true);
    expect(out).toMatch(/\t\d+ GAMMA_LUT_SIZE:\n\t\tflags: immutable range\n\t\tvalues: 0 4294967295\n\t\tvalue: 256\n\nPlanes:/);
    expect(out).toContain(`Planes:\nid\tcrtc\tfb\tCRTC x,y\tx,y\tgamma size\tpossible crtcs\n${t.primary.id}\t0\t0\t0,0\t\t0,0\t0       \t0x00000001\n  formats: XR24 AR24 RG16 NV12\n`);
    // struct drm_format_modifier_blob: v1, 4 formats at 24, 1 modifier at 40 {0xf, 0, LINEAR}
    expect(out).toContain([
      '\t\tvalue:',
      '\t\t\t01000000000000000400000018000000',
      '\t\t\t01000000280000005852323441523234',
      '\t\t\t524731364e5631320f00000000000000',
      '\t\t\t00000000000000000000000000000000',
      '\t\tin_formats blob decoded:',
      '\t\t\t XR24:  LINEAR',
      '\t\t\t AR24:  LINEAR',
      '\t\t\t RG16:  LINEAR',
      '\t\t\t NV12:  LINEAR',
      '',
    ].join('\n'));
    expect(out).toContain(`${t.cursor!.id}\t0\t0\t0,0\t\t0,0\t0       \t0x00000001\n  formats: AR24\n`);
    expect(out).toContain('\t\tvalues: rotate-0=0x1 rotate-90=0x2 rotate-180=0x4 rotate-270=0x8 reflect-x=0x10 reflect-y=0x20\n\t\tvalue: 1\n');
    expect(out.endsWith('\n\n')).toBe(true);
  });

  it('a lit pipe: CRTC size and mode, plane CRTC and FB, -f lists the FB of this file', async () => {
    const t = await createTestDevice();
    const card = t.open();
    card.setClientCap(ClientCap.ATOMIC, 1);
    const { handle, pitch } = card.createDumb(1024, 768, 32);
    const fb = card.addFB2(1024, 768, Fourcc.XRGB8888, [handle], [pitch], [0]);
    const req = new AtomicRequest()
      .add(t.crtc.id, 'MODE_ID', card.createModeBlob(MODE_1024x768)).add(t.crtc.id, 'ACTIVE', 1)
      .add(t.connector.id, 'CRTC_ID', t.crtc.id)
      .add(t.primary.id, 'FB_ID', fb).add(t.primary.id, 'CRTC_ID', t.crtc.id)
      .add(t.primary.id, 'SRC_W', 1024 << 16).add(t.primary.id, 'SRC_H', 768 << 16)
      .add(t.primary.id, 'CRTC_W', 1024).add(t.primary.id, 'CRTC_H', 768);
    await card.atomicCommit(req, AtomicFlag.ALLOW_MODESET);
    const out = modetestDump(card, { crtcs: true, planes: true, framebuffers: true });
    expect(out).toContain(`${t.crtc.id}\t${fb}\t(0,0)\t(1024x768)\n${MODE_LINES[0]}\n`);
    expect(out).toContain(`${t.primary.id}\t${t.crtc.id}\t${fb}\t0,0\t\t0,0\t0       \t0x00000001\n`);
    expect(out.endsWith(`Frame buffers:\nid\tsize\tpitch\n${fb}\t(1024x768)\t${pitch}\n\n`)).toBe(true);
    expect(pitch).toBe(4096);
    // another file does not see this file's framebuffers (GETRESOURCES lists the caller's own)
    expect(modetestDump(t.open(), { framebuffers: true })).toBe('Frame buffers:\nid\tsize\tpitch\n\n');
  });

  it('no query option dumps everything in modetest order', async () => {
    const t = await createTestDevice();
    const out = modetestDump(t.open());
    const heads = ['Encoders:', 'Connectors:', 'CRTCs:', 'Planes:', 'Frame buffers:'].map((h) => out.indexOf(`${h}\n`));
    expect(heads.every((h) => h >= 0)).toBe(true);
    expect([...heads].sort((a, b) => a - b)).toEqual(heads);
    expect(heads[0]).toBe(0);
  });

  it('reports lookups that fail on the stderr callback', async () => {
    const t = await createTestDevice();
    const errors: string[] = [];
    const out = modetestDump(t.open(), { planes: true, stderr: (l) => errors.push(l) });
    expect(errors).toEqual([]);
    expect(out.startsWith('Planes:\n')).toBe(true);
  });
});

describe('modetestArgs', () => {
  it('query flags, combined flags, atomic, and the dump-all default', () => {
    const all = { encoders: true, connectors: true, crtcs: true, planes: true, framebuffers: true };
    expect(modetestArgs([])).toEqual(all);
    expect(modetestArgs(['-M', 'vkms'])).toEqual(all);
    expect(modetestArgs(['-D', '/dev/dri/card0', '-a'])).toEqual({ ...all, atomic: true });
    expect(modetestArgs(['-c'])).toEqual({ connectors: true });
    expect(modetestArgs(['-ce', '-p'])).toEqual({ connectors: true, encoders: true, crtcs: true, planes: true });
    expect(modetestArgs(['-a', '-f'])).toEqual({ atomic: true, framebuffers: true });
    // a test option turns the dump-all default off; its argument is not read as flags
    expect(modetestArgs(['-s', '39:#0'])).toEqual({});
    expect(modetestArgs(['-s39:#0-c'])).toEqual({});
    expect(modetestArgs(['-M', 'vkms', '-w', '32:rotation:1', '-c'])).toEqual({ connectors: true });
  });
});

describe('modeVrefresh (mode_vrefresh: float, unsigned maths)', () => {
  it('clock·1000 / (htotal·vtotal), doubled for interlace, halved for doublescan and divided by vscan', () => {
    expect(modeVrefresh(MODE_640x480)).toBe(Math.fround(25175000 / 420000));
    expect(modeVrefresh({ ...MODE_640x480, flags: ModeFlag.INTERLACE })).toBe(Math.fround(50350000 / 420000));
    expect(modeVrefresh({ ...MODE_640x480, flags: ModeFlag.DBLSCAN })).toBe(Math.fround(25175000 / 840000));
    expect(modeVrefresh({ ...MODE_640x480, vscan: 3 })).toBe(Math.fround(25175000 / 1260000));
    expect(Number.isNaN(modeVrefresh({ ...MODE_640x480, clock: 0, htotal: 0 }))).toBe(true);
  });
});
