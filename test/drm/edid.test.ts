/**
 * EDID generation and parsing (drm_edid.c), and the CVT/GTF formulae (drm_modes.c).
 *
 * Expected values come from: the Linux kernel's KUnit EDID test_edid_dvi_1080p with its
 * edid-decode listing (drivers/gpu/drm/tests/drm_kunit_edid.h), the kernel's DMT table facts, the
 * EDID 1.4 layout, and CVT/GTF results worked out by hand below (integer steps as in drm_modes.c).
 */
import { describe, expect, it } from 'vitest';
import { cvtMode, gtfMode, gtfModeComplex } from '../../src/drm/cvt-gtf.js';
import { DRM_DMT_IDS, DRM_DMT_MODES } from '../../src/drm/dmt-modes.js';
import { encodeDetailedTiming, generateEdid, parseEdid } from '../../src/drm/edid.js';
import { modeVrefresh } from '../../src/drm/modes.js';
import { ModeFlag, ModeType } from '../../src/uapi/drm-mode.js';
import type { ModeInfo } from '../../src/uapi/ioctl-structs.js';

const { PHSYNC: PH, NHSYNC: NH, PVSYNC: PV, NVSYNC: NV, INTERLACE: IL } = ModeFlag;
const DRIVER = ModeType.DRIVER, PREFERRED = ModeType.PREFERRED;

/**
 * test_edid_dvi_1080p from drivers/gpu/drm/tests/drm_kunit_edid.h. Its edid-decode listing:
 *   EDID 1.3, Manufacturer: LNX, Model: 42, Made in: 2023; Digital display, DFP 1.x;
 *   Maximum image size: 160 cm x 90 cm; First detailed timing is the preferred timing;
 *   Established Timings I & II: none; Standard Timings: none;
 *   DTD 1: 1920x1080 60.000000 Hz 16:9 67.500 kHz 148.500000 MHz (1600 mm x 900 mm)
 *          Hfront 88 Hsync 44 Hback 148 Hpol P / Vfront 4 Vsync 5 Vback 36 Vpol P
 *   Display Product Name: 'Test EDID'
 *   Display Range Limits: Monitor ranges (GTF): 50-70 Hz V, 30-70 kHz H, max dotclock 150 MHz
 *   Dummy Descriptor; Checksum: 0xab
 */
const KUNIT_DVI_1080P = Uint8Array.from([
  0x00, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x00, 0x31, 0xd8, 0x2a, 0x00,
  0x00, 0x00, 0x00, 0x00, 0x00, 0x21, 0x01, 0x03, 0x81, 0xa0, 0x5a, 0x78,
  0x0a, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
  0x00, 0x00, 0x01, 0x01, 0x01, 0x01, 0x01, 0x01, 0x01, 0x01, 0x01, 0x01,
  0x01, 0x01, 0x01, 0x01, 0x01, 0x01, 0x02, 0x3a, 0x80, 0x18, 0x71, 0x38,
  0x2d, 0x40, 0x58, 0x2c, 0x45, 0x00, 0x40, 0x84, 0x63, 0x00, 0x00, 0x1e,
  0x00, 0x00, 0x00, 0xfc, 0x00, 0x54, 0x65, 0x73, 0x74, 0x20, 0x45, 0x44,
  0x49, 0x44, 0x0a, 0x20, 0x20, 0x20, 0x00, 0x00, 0x00, 0xfd, 0x00, 0x32,
  0x46, 0x1e, 0x46, 0x0f, 0x00, 0x0a, 0x20, 0x20, 0x20, 0x20, 0x20, 0x20,
  0x00, 0x00, 0x00, 0x10, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
  0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0xab,
]);

/** A mode literal as the tests expect it (hskew/vscan 0, vrefresh left to the caller). */
function mode(clock: number, h: [number, number, number, number], v: [number, number, number, number], flags: number, type: number, name: string): Omit<ModeInfo, 'vrefresh'> {
  return { clock, hdisplay: h[0], hsync_start: h[1], hsync_end: h[2], htotal: h[3], hskew: 0, vdisplay: v[0], vsync_start: v[1], vsync_end: v[2], vtotal: v[3], vscan: 0, flags, type, name };
}
const strip = ({ vrefresh: _, ...m }: ModeInfo): Omit<ModeInfo, 'vrefresh'> => m;
const timings = (m: ModeInfo) => [m.clock, m.hdisplay, m.hsync_start, m.hsync_end, m.htotal, m.vdisplay, m.vsync_start, m.vsync_end, m.vtotal, m.flags];
const dmt = (id: number): ModeInfo => ({ ...DRM_DMT_MODES[DRM_DMT_IDS.indexOf(id)]! });

/** Test-side checksum: makes every 128-byte block sum to 0 mod 256. */
function withChecksums(b: Uint8Array): Uint8Array {
  const out = Uint8Array.from(b);
  for (let o = 0; o < out.length; o += 128) {
    let sum = 0;
    for (let i = 0; i < 127; i++) sum += out[o + i]!;
    out[o + 127] = (256 - (sum % 256)) % 256;
  }
  return out;
}
const blockSums = (b: Uint8Array) => Array.from({ length: b.length / 128 }, (_, k) => b.subarray(k * 128, k * 128 + 128).reduce((s, x) => s + x, 0) % 256);

/** The 1920x1080 DTD of the kunit EDID, as its edid-decode listing describes it. */
const DVI_1080P_MODE = mode(148500, [1920, 1920 + 88, 1920 + 88 + 44, 1920 + 88 + 44 + 148], [1080, 1080 + 4, 1080 + 4 + 5, 1080 + 4 + 5 + 36], PH | PV, DRIVER | PREFERRED, '1920x1080');

describe('parseEdid: a known EDID (kernel KUnit test_edid_dvi_1080p)', () => {
  const p = parseEdid(KUNIT_DVI_1080P);

  it('is valid: header, checksum 0xab, version 1.3', () => {
    expect(blockSums(KUNIT_DVI_1080P)).toEqual([0]);
    expect(KUNIT_DVI_1080P[127]).toBe(0xab);
    expect(p.valid).toBe(true);
    expect(p.errors).toEqual([]);
    expect(p.warnings).toEqual([]);
    expect([p.version, p.revision, p.extensions]).toEqual([1, 3, 0]);
  });

  it('decodes vendor, name, size and range limits as edid-decode does', () => {
    expect(p.manufacturer).toBe('LNX');
    expect(p.productCode).toBe(42);
    expect(p.year).toBe(2023);
    expect(p.name).toBe('Test EDID');
    expect([p.mmWidth, p.mmHeight]).toEqual([1600, 900]); // 160 cm x 90 cm
    expect(p.rangeLimits).toEqual({ minVfreq: 50, maxVfreq: 70, minHfreqKhz: 30, maxHfreqKhz: 70, maxPixelClockKhz: 150000, flags: 0 });
  });

  it('gives exactly one mode: the documented 1920x1080 DTD, preferred, 60 Hz', () => {
    expect(p.modes.map(strip)).toEqual([DVI_1080P_MODE]);
    expect(p.preferred).toBe(0);
    expect(p.modes[0]!.vrefresh).toBe(60); // 148.5 MHz / (2200 * 1125)
    expect(modeVrefresh(p.modes[0]!)).toBe(60);
  });

  it('encodeDetailedTiming reproduces the EDID\'s own descriptor bytes', () => {
    const m = { ...DVI_1080P_MODE, vrefresh: 60 };
    expect([...encodeDetailedTiming(m, 1600, 900)]).toEqual([...KUNIT_DVI_1080P.subarray(54, 72)]);
  });
});

describe('parseEdid: validation', () => {
  it('rejects a bad checksum, naming the expected value', () => {
    const b = Uint8Array.from(KUNIT_DVI_1080P);
    b[127] = 0xac;
    const p = parseEdid(b);
    expect(p.valid).toBe(false);
    expect(p.modes).toEqual([]);
    expect(p.errors).toEqual(['EDID block 0 (tag 0x00) checksum is invalid: byte 127 is 0xac, should be 0xab']);
  });

  it('repairs a header with up to 2 wrong bytes (edid_fixup = 6), rejects 3', () => {
    const two = Uint8Array.from(KUNIT_DVI_1080P);
    two[1] = 0x00; two[2] = 0x00; // the checksum still covers the correct header
    const p2 = parseEdid(two);
    expect(p2.valid).toBe(true);
    expect(p2.warnings).toEqual(['EDID header had 2 wrong byte(s); repaired']);
    expect(p2.modes).toHaveLength(1);
    const three = Uint8Array.from(two);
    three[3] = 0x00;
    const p3 = parseEdid(three);
    expect(p3.valid).toBe(false);
    expect(p3.errors).toEqual(['EDID has corrupt header (5/8 header bytes correct)']);
    expect(parseEdid(two, { edidFixup: 8 }).valid).toBe(false);
  });

  it('rejects all-zero data, short data, and a major version other than 1', () => {
    expect(parseEdid(new Uint8Array(128)).errors).toEqual(['EDID block 0 is all zeroes']);
    expect(parseEdid(KUNIT_DVI_1080P.subarray(0, 100)).errors).toEqual(['EDID is 100 bytes, shorter than one 128-byte block']);
    const v2 = Uint8Array.from(KUNIT_DVI_1080P);
    v2[18] = 2;
    const p = parseEdid(withChecksums(v2));
    expect(p.valid).toBe(false);
    expect(p.errors).toEqual(['EDID has major version 2, instead of 1']);
  });

  it('handles extension blocks: missing ones, a CTA block with a bad checksum (kept), another with one (dropped)', () => {
    const one = withChecksums(Uint8Array.from(KUNIT_DVI_1080P.map((x, i) => (i === 126 ? 1 : x))));
    const p1 = parseEdid(one);
    expect(p1.valid).toBe(true);
    expect(p1.errors).toEqual(['EDID declares 1 extension block(s) but only 0 present']);
    expect(p1.modes).toHaveLength(1);

    const two = new Uint8Array(384);
    two.set(KUNIT_DVI_1080P);
    two[126] = 2;
    // block 1: CTA-861 rev 3, DTDs from byte 4: 1280x720@60 (CEA VIC 4 timings: 74.25 MHz, 1280 1390 1430 1650 / 720 725 730 750 +h +v)
    two.set([0x02, 0x03, 0x04, 0x00], 128);
    two.set([0x01, 0x1d, 0x00, 0x72, 0x51, 0xd0, 0x1e, 0x20, 0x6e, 0x28, 0x55, 0x00, 0x40, 0x84, 0x63, 0x00, 0x00, 0x1e], 132);
    // block 2: a VTB extension
    two.set([0x10, 0x01, 0x00], 256);
    const fixed = withChecksums(two);
    fixed[255] ^= 0xff; // CTA checksum broken: the kernel still uses the block
    fixed[383] ^= 0xff; // VTB checksum broken: dropped
    const p = parseEdid(fixed);
    expect(p.valid).toBe(true);
    expect(p.warnings).toEqual([expect.stringMatching(/^EDID block 1 \(tag 0x02\) checksum is invalid, remainder is \d+, ignoring$/)]);
    expect(p.errors).toEqual([expect.stringMatching(/^EDID block 2 \(tag 0x10\) checksum is invalid: .*; dropped$/)]);
    expect(p.extensions).toBe(1);
    expect(p.modes.map(strip)).toEqual([DVI_1080P_MODE, mode(74250, [1280, 1390, 1430, 1650], [720, 725, 730, 750], PH | PV, DRIVER, '1280x720')]);
  });
});

describe('parseEdid: standard and established timings (hand-built from the kunit EDID)', () => {
  const b = Uint8Array.from(KUNIT_DVI_1080P);
  b[35] = 0x01; // established I bit 0: 800x600@60
  b[37] = 0x80; // manufacturer's timing bit 7: 1152x864@75 (edid_est_modes[16])
  b.set([
    0xd1, 0x00, // (0xd1 + 31) * 8 = 1920, aspect 00 = 16:10 (EDID ≥ 1.3) → 1200, 60 Hz
    0x81, 0x8f, // 1280, aspect 10 = 5:4 → 1024, 60 + 15 = 75 Hz
    0x61, 0xc0, // 1024, aspect 11 = 16:9 → 576, 60 Hz: no DMT mode → GTF (EDID 1.3 level)
    0x8b, 0xc0, // 1360, 16:9 → 765, 60 Hz: HDTV hack → 1366x768 via CVT
    0x01, 0x01, 0x01, 0x01, 0x01, 0x01, 0x01, 0x01,
  ], 38);
  // descriptor 4 (was a dummy): established timings III, byte 6 bit 3 = est3_modes[4] = 848x480@60
  b.set([0x00, 0x00, 0x00, 0xf7, 0x00, 0x0a, 0x08, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0], 108);
  const p = parseEdid(withChecksums(b));

  it('lists detailed, standard, then established modes, as the kernel adds them', () => {
    expect(p.errors).toEqual([]);
    expect(p.modes.map(strip)).toEqual([
      DVI_1080P_MODE,
      // digital EDID 1.3 → drm_monitor_supports_rb → the RB DMT mode (0x44) is looked up first
      mode(154000, [1920, 1968, 2000, 2080], [1200, 1203, 1209, 1235], PH | NV, DRIVER, '1920x1200'),
      // DMT 0x24
      mode(135000, [1280, 1296, 1440, 1688], [1024, 1025, 1028, 1066], PH | PV, DRIVER, '1280x1024'),
      // GTF 1024x576@60, by hand (drm_gtf_mode_complex, M=600 2C=80 K=128 2J=40 → C'=30 M'=300):
      //  tmp1 = (1000000 - 550*60)/500 = 1934; tmp2 = (576 + 1)*2 = 1154; hfreq_est = 1154*1000*60/1934 = 35801
      //  vsync+bp = (550*35801/1000 + 500)/1000 = (19690 + 500)/1000 = 20; vtotal = 576 + 20 + 1 = 597
      //  duty = 30*1000 - 300*1000000/35801 = 30000 - 8379 = 21621; hblank = 1024*21621/78379 = 282 → (282+8)/16*16 = 288
      //  htotal = 1312; clock = 1312*35801/1000 = 46970; hsync = (8*1312/100 + 4)/8*8 = 104; front = 288/2 - 104 = 40
      mode(46970, [1024, 1064, 1168, 1312], [576, 577, 580, 597], NH | PV, 0, '1024x576'),
      // HDTV hack: drm_cvt_mode(1366, 768, 60) works on 1360 columns, then hdisplay = 1366 and the sync moves left by 1;
      // the name stays the one drm_cvt_mode set. CVT by hand: hperiod = 2*967000000/((768+3)*2*60) = 20903;
      //  vsync 10 (no standard aspect); sync+bp = 550000/20903 + 1 = 27; vtotal = 768 + 27 + 3 = 798;
      //  duty = 30000 - 300*20903/1000 = 23730; hblank = 1360*23730/76270 = 423 → 416; htotal = 1776;
      //  hsync_end = 1360 + 208 = 1568; hsync_start = 1568 - 1776*8/100 = 1426 → 1432; clock = 1776e6/20903 = 84963
      mode(84963, [1366, 1431, 1567, 1776], [768, 771, 781, 798], NH | PV, 0, '1360x768'),
      mode(40000, [800, 840, 968, 1056], [600, 601, 605, 628], PH | PV, DRIVER, '800x600'), // est bit 0
      mode(108000, [1152, 1216, 1344, 1600], [864, 865, 868, 900], PH | PV, DRIVER, '1152x864'), // est bit 16
      mode(33750, [848, 864, 976, 1088], [480, 486, 494, 517], PH | PV, DRIVER, '848x480'), // est III → DMT 0x0e
    ]);
    expect(p.preferred).toBe(0);
  });

  it('a standard timing repeating a detailed mode\'s size and refresh adds nothing', () => {
    const c = Uint8Array.from(b);
    c.set([0xd1, 0xc0], 38); // 1920x1080@60, already the DTD
    const q = parseEdid(withChecksums(c));
    expect(q.modes.filter((m) => m.hdisplay === 1920)).toHaveLength(1);
  });
});

describe('parseEdid: modes inferred from the range limits (continuous frequency)', () => {
  const b = Uint8Array.from(KUNIT_DVI_1080P);
  b[24] |= 0x01; // continuous frequency / default GTF
  // range: 59-61 Hz V, 47-49 kHz H, max 70 MHz (EDID 1.3: +5.001 MHz fuzz → 75001 kHz), GTF (flags 0x00)
  b.set([0x3b, 0x3d, 0x2f, 0x31, 0x07, 0x00], 95);
  const p = parseEdid(withChecksums(b));

  it('adds the DMT modes inside the range no larger than a probed mode, then GTF extra modes inside it', () => {
    // DMT modes with round(clock/htotal) in 47..49 kHz, vrefresh in 59..61, clock ≤ 75001 (from the table):
    //  0x10 1024x768@60 (48 kHz), 0x16 1280x768 RB (47), 0x1b 1280x800 RB (49), 0x56 1366x768 (48, 72 MHz);
    //  RB modes allowed: digital EDID 1.3 supports RB. 0x51 1366x768 (85.5 MHz), 0x17 1280x768 (79.5 MHz) are too fast.
    // GTF extra modes: only 768 lines gives 47..49 kHz (hfreq_est 47714 Hz), and GTF 1368→1366x768@60 needs
    //  htotal 1800 → 1800*47714/1000 = 85885 kHz > 75001: none added.
    expect(p.modes.map((m) => m.name)).toEqual(['1920x1080', '1024x768', '1280x768', '1280x800', '1366x768']);
    expect(p.modes.slice(1).map((m) => m.clock)).toEqual([65000, 68250, 71000, 72000]);
  });
});

describe('generateEdid → parseEdid round trip', () => {
  const preferred = { ...DVI_1080P_MODE, type: DRIVER, vrefresh: 60 };
  const custom1440: ModeInfo = { ...mode(241500, [2560, 2608, 2640, 2720], [1440, 1443, 1448, 1481], PH | NV, DRIVER, '2560x1440'), vrefresh: 60 };
  const modes = [dmt(0x10), dmt(0x09), dmt(0x04), dmt(0x23), dmt(0x53), custom1440];
  const opts = { manufacturer: 'ABC', productCode: 0x1234, serial: 0xdeadbeef, week: 10, year: 2024, name: 'VKMS-1', widthCm: 60, heightCm: 34, preferred, modes };
  const bytes = generateEdid(opts);
  const p = parseEdid(bytes);

  it('is one valid EDID 1.4 block with a correct checksum', () => {
    expect(bytes).toHaveLength(128);
    expect([...bytes.subarray(0, 8)]).toEqual([0x00, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x00]);
    expect([bytes[18], bytes[19], bytes[126]]).toEqual([1, 4, 0]);
    expect(blockSums(bytes)).toEqual([0]);
    expect(p.valid).toBe(true);
    expect(p.errors).toEqual([]);
    expect(p.warnings).toEqual([]);
  });

  it('encodes the vendor block, size and sRGB chromaticity', () => {
    // 'A'=1 'B'=2 'C'=3 → 0b0_00001_00010_00011 = 0x0443, big-endian
    expect([...bytes.subarray(8, 18)]).toEqual([0x04, 0x43, 0x34, 0x12, 0xef, 0xbe, 0xad, 0xde, 10, 2024 - 1990]);
    expect([bytes[21], bytes[22]]).toEqual([60, 34]);
    // the usual sRGB colour characteristics bytes (R 0.640,0.330 G 0.300,0.600 B 0.150,0.060 W 0.3127,0.3290)
    expect([...bytes.subarray(25, 35)]).toEqual([0xee, 0x91, 0xa3, 0x54, 0x4c, 0x99, 0x26, 0x0f, 0x50, 0x54]);
    expect(p).toMatchObject({ manufacturer: 'ABC', productCode: 0x1234, serial: 0xdeadbeef, week: 10, year: 2024, name: 'VKMS-1', mmWidth: 600, mmHeight: 340 });
  });

  it('puts DMT modes in established / standard timings and the rest in detailed timings', () => {
    // established: 800x600@60 = bit 0, 640x480@60 = bit 5, 1024x768@60 = bit 11
    expect([bytes[35], bytes[36], bytes[37]]).toEqual([0x21, 0x08, 0x00]);
    // standard: 1280x1024@60 = (1280/8 - 31 = 129, 5:4 << 6 | 0); 1600x900@60 = (169, 16:9 << 6 | 0); unused = 01 01
    expect([...bytes.subarray(38, 54)]).toEqual([129, 0x80, 169, 0xc0, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1]);
    // descriptors: preferred DTD, 2560x1440 DTD, range limits, name
    expect([54, 72, 90, 108].map((o) => (bytes[o]! | bytes[o + 1]!) ? 'dtd' : bytes[o + 3])).toEqual(['dtd', 'dtd', 0xfd, 0xfc]);
    expect([...bytes.subarray(108 + 5, 126)].map((c) => String.fromCharCode(c)).join('')).toBe('VKMS-1\n      ');
  });

  it('gives back every mode, preferred first, in the kernel\'s order', () => {
    expect(p.preferred).toBe(0);
    expect(p.modes.map(timings)).toEqual([preferred, custom1440, dmt(0x23), dmt(0x53), dmt(0x09), dmt(0x04), dmt(0x10)].map(timings));
    expect(p.modes.map((m) => m.type)).toEqual([DRIVER | PREFERRED, DRIVER, DRIVER, DRIVER, DRIVER, DRIVER, DRIVER]);
    expect(p.modes.map((m) => m.name)).toEqual(['1920x1080', '2560x1440', '1280x1024', '1600x900', '800x600', '640x480', '1024x768']);
  });

  it('writes range limits covering the modes, flagged "range limits only" so nothing is inferred', () => {
    // refresh 59.94 (640x480) … 60.32 (800x600) → 59..61; line rate 31.47 (640x480) … 88.79 kHz (2560x1440) → 31..89;
    // fastest clock 241.5 MHz → 250 MHz
    expect(p.rangeLimits).toEqual({ minVfreq: 59, maxVfreq: 61, minHfreqKhz: 31, maxHfreqKhz: 89, maxPixelClockKhz: 250000, flags: 0x01 });
    expect(bytes[24]! & 0x01).toBe(0);
  });

  it('a mode that RB-less standard timing decoding would change (DMT 0x44 1920x1200 RB) becomes a detailed timing', () => {
    const q = parseEdid(generateEdid({ widthCm: 52, heightCm: 32, preferred: dmt(0x45), modes: [dmt(0x44)], rangeLimits: false }));
    expect(q.modes.map(timings)).toEqual([dmt(0x45), dmt(0x44)].map(timings));
    expect(q.name).toBe('');
    expect(q.rangeLimits).toBeNull();
  });

  it('keeps an interlaced CEA mode (1920x1080i, stored as field timings)', () => {
    const i1080: ModeInfo = { ...mode(74250, [1920, 2008, 2052, 2200], [1080, 1084, 1094, 1125], PH | PV | IL, DRIVER, '1920x1080i'), vrefresh: 60 };
    const e = generateEdid({ widthCm: 60, heightCm: 34, preferred: i1080 });
    // DTD vertical: 540 active, 22 blank, offset 2, width 5 (field lines)
    expect([e[59], e[60], e[61]! >> 4, e[64]]).toEqual([540 & 0xff, 22, 540 >> 8, 0x25]);
    expect(parseEdid(e).modes.map(strip)).toEqual([{ ...strip(i1080), type: DRIVER | PREFERRED }]);
  });
});

describe('generateEdid: CTA-861 extension only when needed', () => {
  const rb = [0x16, 0x1b, 0x29, 0x2e, 0x39, 0x44, 0x4c].map(dmt); // reduced-blanking DMT modes: detailed timings only
  const preferred = dmt(0x4d);

  it('overflows detailed timings into one CTA-861 block (rev 3, DTDs at byte 4)', () => {
    const bytes = generateEdid({ name: 'wide', widthCm: 64, heightCm: 40, preferred, modes: rb });
    expect(bytes).toHaveLength(256);
    expect(bytes[126]).toBe(1);
    expect(blockSums(bytes)).toEqual([0, 0]);
    expect([...bytes.subarray(128, 132)]).toEqual([0x02, 0x03, 0x04, 0x00]);
    const p = parseEdid(bytes);
    expect(p.errors).toEqual([]);
    expect(p.extensions).toBe(1);
    // base block: preferred + 1 DTD (the other two descriptors are range limits and name), CTA block: the other 6
    expect(p.modes.map(timings)).toEqual([preferred, ...rb].map(timings));
    expect(p.preferred).toBe(0);
  });

  it('stays at 128 bytes when the detailed timings fit', () => {
    expect(generateEdid({ widthCm: 64, heightCm: 40, preferred, modes: rb.slice(0, 1), name: 'x' })).toHaveLength(128);
    expect(generateEdid({ widthCm: 64, heightCm: 40, preferred, modes: rb.slice(0, 2), name: 'x' })).toHaveLength(256);
    expect(generateEdid({ widthCm: 64, heightCm: 40, preferred, modes: rb.slice(0, 3), rangeLimits: false })).toHaveLength(128);
  });

  it('throws clear errors for what cannot be encoded', () => {
    expect(() => generateEdid({ widthCm: 64, heightCm: 40, preferred, modes: [...rb, dmt(0x0d)], name: 'x' }))
      .toThrow('8 modes need detailed timings; the base block and one CTA-861 extension hold 7');
    expect(() => generateEdid({ widthCm: 64, heightCm: 40, preferred: dmt(0x57) })).toThrow(/hactive 4096 does not fit/);
    expect(() => generateEdid({ widthCm: 64, heightCm: 40, preferred, name: 'fourteen chars' })).toThrow(/longer than 13/);
    expect(() => generateEdid({ widthCm: 64, heightCm: 40, preferred, manufacturer: 'abc' })).toThrow(/three letters/);
    expect(() => generateEdid({ widthCm: 300, heightCm: 40, preferred })).toThrow(/width 300 cm/);
  });
});

describe('CVT (drm_cvt_mode), by hand', () => {
  // Constants: C' = (40-20)*128/256 + 20 = 30, M' = 600*128/256 = 300, min vsync+bp 550 us, min v porch 3.

  it('1920x1080@60: VESA timings, clock not rounded to 250 kHz (kernel since 5.10)', () => {
    // hperiod = 2*(1e9 - 550*1000*60) / (((1080+3)*2) * 60) = 1934000000/129960 = 14881
    // sync+bp = 550000/14881 + 1 = 37; vsync 5 (16:9); vtotal = 1080 + 37 + 3 = 1120
    // duty = 30000 - 300*14881/1000 = 25536; hblank = 1920*25536/74464 = 658 → 656; htotal = 2576
    // hsync_end = 1920 + 328 = 2248; hsync_start = 2248 - 2576*8/100 = 2042 → 2048; clock = 2576e6/14881 = 173106
    // (the VESA generator: 173.00 MHz 1920 2048 2248 2576 1080 1083 1088 1120 -hsync +vsync)
    expect(strip(cvtMode(1920, 1080, 60, false, false, false)!)).toEqual(mode(173106, [1920, 2048, 2248, 2576], [1080, 1083, 1088, 1120], NH | PV, 0, '1920x1080'));
  });

  it('1024x768@60', () => {
    // hperiod = 1934000000/((771*2)*60) = 20903; sync+bp = 550000/20903 + 1 = 27; vsync 4 (4:3); vtotal = 798
    // duty = 30000 - 6270 = 23730; hblank = 1024*23730/76270 = 318 → 304; htotal 1328; hsync_end = 1176;
    // hsync_start = 1176 - 106 = 1070 → 1072; clock = 1328e6/20903 = 63531 (VESA: 63.50 MHz)
    expect(strip(cvtMode(1024, 768, 0, false, false, false)!)).toEqual(mode(63531, [1024, 1072, 1176, 1328], [768, 771, 775, 798], NH | PV, 0, '1024x768'));
  });

  it('1920x1200@60 reduced blanking (DMT 0x44 has the same timings, 154.000 MHz)', () => {
    // hperiod = (1e9 - 460*1000*60)/(1200*60) = 13505; vbi = 460000/13505 + 1 = 35 (≥ 3+6+6); vtotal = 1235
    // htotal = 1920 + 160; hsync_end = 1920 + 80; hsync_start = 2000 - 32; vsync 6 (16:10); clock = 2080e6/13505 = 154017
    expect(strip(cvtMode(1920, 1200, 60, true, false, false)!)).toEqual(mode(154017, [1920, 1968, 2000, 2080], [1200, 1203, 1209, 1235], PH | NV, 0, '1920x1200'));
  });

  it('1920x1080i@60', () => {
    // field rate 120, 540 lines: hperiod = 2*(1e9 - 550000*120)/(((540+3)*2+1)*120) = 1868000000/130440 = 14320
    // sync+bp = 550000/14320 + 1 = 39; vtotal = (540 + 39 + 3)*2 = 1164; duty = 30000 - 4296 = 25704
    // hblank = 1920*25704/74296 = 664 → 656; clock = 2576e6/14320 = 179888
    expect(strip(cvtMode(1920, 1080, 60, false, true, false)!)).toEqual(mode(179888, [1920, 2048, 2248, 2576], [1080, 1083, 1088, 1164], IL | NH | PV, 0, '1920x1080i'));
  });

  it('returns null for a zero size', () => {
    expect(cvtMode(0, 768, 60, false, false, false)).toBeNull();
    expect(gtfMode(1024, 0, 60, false, false)).toBeNull();
  });
});

describe('GTF (drm_gtf_mode_complex), by hand', () => {
  it('1024x768@60 with the default curve', () => {
    // tmp1 = (1000000 - 550*60)/500 = 1934; tmp2 = (768+1)*2 = 1538; hfreq_est = 1538*60000/1934 = 47714
    // vsync+bp = (550*47714/1000 + 500)/1000 = 26; vtotal = 768 + 26 + 1 = 795
    // duty = 30000 - 300000000/47714 = 30000 - 6287 = 23713; hblank = 1024*23713/76287 = 318 → (318+8)/16*16 = 320
    // htotal 1344; clock = 1344*47714/1000 = 64127; hsync = (8*1344/100 + 4)/8*8 = 104; front = 160 - 104 = 56
    // (the gtf tool: 64.11 MHz 1024 1080 1184 1344 768 769 772 795 -HSync +Vsync)
    const g = gtfMode(1024, 768, 60, false, false)!;
    expect(strip(g)).toEqual(mode(64127, [1024, 1080, 1184, 1344], [768, 769, 772, 795], NH | PV, 0, '1024x768'));
    expect(strip(gtfModeComplex(1024, 768, 60, false, false, 600, 80, 128, 40)!)).toEqual(strip(g));
  });

  it('1024x768@60 with a secondary curve M=500 (other parameters default): +hsync -vsync', () => {
    // M' = 128*500/256 = 250; duty = 30000 - 250000000/47714 = 30000 - 5239 = 24761
    // hblank = 1024*24761/75239 = 337 → (337+8)/16*16 = 336; htotal 1360; clock = 1360*47714/1000 = 64891
    // hsync = (8*1360/100 + 4)/8*8 = (108+4)/8*8 = 112; front = 168 - 112 = 56
    expect(strip(gtfModeComplex(1024, 768, 60, false, false, 500, 80, 128, 40)!))
      .toEqual(mode(64891, [1024, 1080, 1192, 1360], [768, 769, 772, 795], PH | NV, 0, '1024x768'));
  });
});
