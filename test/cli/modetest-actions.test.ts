// `vkms-ts modetest` test actions (-s -P -w -F -a -v -o -C -r): the lines modetest prints
// (libdrm tests/modetest/modetest.c), the frames they produce (conventions.md §3 patterns), and
// one-line errors with exit codes 2 (bad input) and 1 (refused by the device).
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runModetest } from '../../src/cli/modetest.js';
import { decodePng } from '../../src/io/index.js';
import { createVkms, type VkmsOptions } from '../../src/vkms/index.js';

const refDir = new URL('../../fixtures/reference/vkms-6.12/', import.meta.url);
const reference = (v: string) => readFileSync(new URL(`${v}/modetest.txt`, refDir), 'utf8');

/** Object IDs of a device made with the same options (independent of the CLI). */
async function idsOf(opts: VkmsOptions) {
  const vk = await createVkms({ clock: 'manual', ...opts });
  const ids = vk.ids;
  await vk.unplug();
  return ids;
}

async function modetest(args: string[]) {
  const out: string[] = [], err: string[] = [];
  const text = await runModetest(['--profile', 'linux-6.12', ...args], (l) => out.push(l), (l) => err.push(l));
  return { text, out, err };
}

const tmp = () => mkdtempSync(join(tmpdir(), 'vkms-modetest-'));
const png = (path: string) => {
  const img = decodePng(readFileSync(path));
  return { width: img.width, height: img.height, px: (x: number, y: number) => Array.from(img.data.subarray((y * img.width + x) * 4, (y * img.width + x) * 4 + 3)) };
};

// ---- the patterns of conventions.md §3, computed here
const TOP = [[192, 192, 192], [192, 192, 0], [0, 192, 192], [0, 192, 0], [192, 0, 192], [192, 0, 0], [0, 0, 192]];
const MID = [[0, 0, 192], [19, 19, 19], [192, 0, 192], [19, 19, 19], [0, 192, 192], [19, 19, 19], [192, 192, 192]];
const BOT4 = [[0, 33, 76], [255, 255, 255], [50, 0, 106], [19, 19, 19]];
const BOT3 = [[9, 9, 9], [19, 19, 19], [29, 29, 29]];
function smpte(x: number, y: number, w: number, h: number): number[] {
  const div = (a: number, b: number) => Math.floor(a / b);
  if (y < div(h * 6, 9)) return TOP[div(x * 7, w)]!;
  if (y < div(h * 7, 9)) return MID[div(x * 7, w)]!;
  const x5 = div(w * 5, 7);
  if (x < x5) return BOT4[div(x * 4, x5)]!;
  if (x < div(w * 6, 7)) return BOT3[div((x - x5) * 3, div(w, 7))]!;
  return [19, 19, 19];
}
/** tiles, 32-bit: d = divmod(x+y, width); rgb = 0x00130502·(quot>>6) + 0x000a1120·(rem>>6). */
function tiles(x: number, y: number, width: number): number[] {
  const quot = Math.floor((x + y) / width), rem = (x + y) % width;
  const rgb = (0x00130502 * (quot >> 6) + 0x000a1120 * (rem >> 6)) >>> 0;
  return [(rgb >> 16) & 0xff, (rgb >> 8) & 0xff, rgb & 0xff];
}
/** mode_vrefresh() of modetest, printed with %.2f. */
const hz = (clock: number, htotal: number, vtotal: number) => ((clock * 1000) / (htotal * vtotal)).toFixed(2);

describe('modetest -s (legacy SETCRTC)', () => {
  it('prints the "setting mode" line and shows the SMPTE primary (composed frame via -o)', async () => {
    const ids = await idsOf({ profile: 'linux-6.12' });
    const conn = ids.connectors.connector0!, crtc = ids.crtcs.crtc0!;
    const out = join(tmp(), 'frame.png');
    const r = await modetest(['-s', `${conn}@${crtc}:1024x768`, '-o', out]);
    // 1024x768 in the reference listing: clock 65000, htotal 1344, vtotal 806
    expect(r.out).toEqual([`setting mode 1024x768-${hz(65000, 1344, 806)}Hz on connectors ${conn}, crtc ${crtc}`]);
    expect(r.text).toBe(`${r.out[0]}\n`);
    const img = png(out);
    expect([img.width, img.height]).toEqual([1024, 768]);
    for (const [x, y] of [[10, 10], [200, 300], [1000, 10], [70, 520], [600, 560], [10, 760], [300, 700], [600, 700], [760, 700], [900, 700], [1020, 760]] as const) {
      expect(img.px(x, y), `(${x},${y})`).toEqual(smpte(x, y, 1024, 768));
    }
  });

  it('picks modes by index, by name and refresh, and custom timings', async () => {
    // the reference listing of the real module: "#3 2560x1600 59.99 2560 2752 3032 3504 1600 1603 1609 1658 348500"
    expect(reference('default')).toContain('  #3 2560x1600 59.99 2560 2752 3032 3504 1600 1603 1609 1658 348500');
    const byIndex = await modetest(['-s', '39:#3']);
    expect(byIndex.out).toEqual([`setting mode 2560x1600-${hz(348500, 3504, 1658)}Hz on connectors 39, crtc 38`]);
    const byName = await modetest(['-s', '39:800x600-60.32']);
    // DMT 800x600@60: 40000 kHz, 1056 x 628
    expect(byName.out).toEqual([`setting mode 800x600-${hz(40000, 1056, 628)}Hz on connectors 39, crtc 38`]);
    // custom: clock = roundf(htotal·vtotal·vrefresh/1000), name "custom<w>x<h>"
    const custom = await modetest(['-s', '39:1024,1048,1184,1344,768,771,777,806-60']);
    const clock = Math.round((1344 * 806 * 60) / 1000);
    expect(custom.out).toEqual([`setting mode custom1024x768-${hz(clock, 1344, 806)}Hz on connectors 39, crtc 38`]);
    // a connector by name, the format given
    const named = await modetest(['-s', 'Virtual-1:1024x768@XR24']);
    expect(named.out).toEqual(['setting mode 1024x768-60.00Hz on connectors Virtual-1, crtc 38']);
  });

  it('prints the listing first, unchanged, when query options come with actions', async () => {
    const ref = reference('default');
    const connectors = ref.slice(ref.indexOf('Connectors:'), ref.indexOf('CRTCs:'));
    const r = await modetest(['-c', '-s', '39:#0']);
    expect(r.text).toBe(`${connectors}setting mode 1024x768-60.00Hz on connectors 39, crtc 38\n`);
  });

  it('-F fills the primary with another pattern (plain: every byte 0x77)', async () => {
    const out = join(tmp(), 'plain.png');
    await modetest(['-s', '39:1024x768', '-F', 'plain,smpte', '-o', out]);
    const img = png(out);
    expect(img.px(0, 0)).toEqual([0x77, 0x77, 0x77]);
    expect(img.px(1023, 767)).toEqual([0x77, 0x77, 0x77]);
  });

  it('-w sets a property before the mode set (rotation 180 turns the SMPTE frame around)', async () => {
    const ids = await idsOf({ profile: 'linux-6.12' });
    const out = join(tmp(), 'rot.png');
    await modetest(['-s', '39:1024x768', '-w', `${ids.planes.primary}:rotation:rotate-180`, '-o', out]);
    const img = png(out);
    for (const [x, y] of [[10, 10], [500, 100], [1000, 700], [100, 740]] as const) {
      expect(img.px(x, y), `(${x},${y})`).toEqual(smpte(1023 - x, 767 - y, 1024, 768));
    }
  });
});

describe('modetest -P (legacy SETPLANE)', () => {
  it('puts a tiles plane at +x+y, or centred, and says "testing ... overlay plane"', async () => {
    const ids = await idsOf({ profile: 'linux-6.12', enable_overlay: true });
    const conn = ids.connectors.connector0!, crtc = ids.crtcs.crtc0!, ov = ids.planes.overlay0!, ov1 = ids.planes.overlay1!;
    const out = join(tmp(), 'planes.png');
    const r = await modetest(['--overlay', '-s', `${conn}@${crtc}:1024x768`, '-P', `${ov}@${crtc}:200x100+300+200`, '-P', `${ov1}@${crtc}:128x64`, '-o', out]);
    expect(r.err).toContain(`testing 200x100@XR24 overlay plane ${ov}`);
    expect(r.err).toContain(`testing 128x64@XR24 overlay plane ${ov1}`);
    const img = png(out);
    for (const [x, y] of [[0, 0], [100, 0], [150, 50], [199, 99], [64, 10], [130, 90]] as const) {
      expect(img.px(300 + x, 200 + y), `plane 1 (${x},${y})`).toEqual(tiles(x, y, 200));
    }
    // without a position: ((1024 − 128)/2, (768 − 64)/2) = (448, 352)
    for (const [x, y] of [[0, 0], [70, 0], [127, 63], [64, 32]] as const) {
      expect(img.px(448 + x, 352 + y), `plane 2 (${x},${y})`).toEqual(tiles(x, y, 128));
    }
    // outside the planes: the primary
    expect(img.px(299, 200)).toEqual(smpte(299, 200, 1024, 768));
    expect(img.px(500, 300)).toEqual(smpte(500, 300, 1024, 768));
  });

  it('a plane the device refuses (scaling) → exit 1 with modetest\'s message', async () => {
    const ids = await idsOf({ profile: 'linux-6.12', enable_overlay: true });
    const crtc = ids.crtcs.crtc0!;
    await expect(modetest(['--overlay', '-s', `${ids.connectors.connector0}:1024x768`, '-P', `${ids.planes.overlay0}@${crtc}:100x100*2`]))
      .rejects.toMatchObject({ exitCode: 1, message: expect.stringMatching(/^failed to enable plane: Numerical result out of range/) });
  });
});

describe('modetest -a (atomic)', () => {
  it('-s alone lights a full-screen primary; -o without a writeback connector writes the composed frame', async () => {
    const ids = await idsOf({ profile: 'linux-6.12' });
    const out = join(tmp(), 'atomic.png');
    const r = await modetest(['-a', '-s', '39@38:1024x768', '-o', out]);
    expect(r.out).toEqual(['setting mode 1024x768-60.00Hz on connectors 39, crtc 38']);
    expect(r.err[0]).toBe(`testing 1024x768@XR24 on plane ${ids.planes.primary}, crtc 38`);
    const img = png(out);
    expect(img.px(10, 10)).toEqual(smpte(10, 10, 1024, 768));
    expect(img.px(900, 600)).toEqual(smpte(900, 600, 1024, 768));
  });

  it('-o dumps the writeback buffer when the pipe has the writeback connector', async () => {
    const ids = await idsOf({ profile: 'linux-6.12' });
    const wb = ids.writeback.crtc0!;
    const out = join(tmp(), 'wb.png');
    const r = await modetest(['-a', '-s', `${wb}@38:1024x768`, '-o', out]);
    expect(r.out).toEqual([`setting mode 1024x768-60.00Hz on connectors ${wb}, crtc 38`]);
    expect(r.err.at(-1)).toContain(`writeback output of connector ${wb}`);
    const img = png(out);
    for (const [x, y] of [[10, 10], [400, 530], [1010, 700], [200, 700]] as const) expect(img.px(x, y)).toEqual(smpte(x, y, 1024, 768));
  });

  it('-P planes: the first takes the primary pattern, the others tiles; ARGB tiles are opaque outside the top-left quadrant', async () => {
    const ids = await idsOf({ profile: 'linux-6.12', enable_overlay: true });
    const crtc = ids.crtcs.crtc0!, conn = ids.connectors.connector0!, primary = ids.planes.primary!, ov = ids.planes.overlay0!;
    const out = join(tmp(), 'ap.png');
    const r = await modetest(['--overlay', '-a', '-s', `${conn}@${crtc}:1024x768`, '-P', `${primary}@${crtc}:1024x768`, '-P', `${ov}@${crtc}:256x128+64+32@AR24`, '-o', out]);
    expect(r.err).toEqual([
      `testing 1024x768@XR24 on plane ${primary}, crtc ${crtc}`,
      `testing 256x128@AR24 on plane ${ov}, crtc ${crtc}`,
      expect.stringContaining('dumped the composed frame'),
    ]);
    const img = png(out);
    // bottom-right quadrant of the ARGB plane: alpha 255, the tiles colour
    for (const [x, y] of [[130, 70], [200, 100], [255, 127], [129, 65]] as const) {
      expect(img.px(64 + x, 32 + y), `(${x},${y})`).toEqual(tiles(x, y, 256));
    }
    expect(img.px(500, 300)).toEqual(smpte(500, 300, 1024, 768));
  });

  it('-w adds the property to the commit (numeric rotation value 4 = rotate-180)', async () => {
    const ids = await idsOf({ profile: 'linux-6.12' });
    const out = join(tmp(), 'arot.png');
    await modetest(['-a', '-s', '39:1024x768', '-w', `${ids.planes.primary}:rotation:4`, '-o', out]);
    const img = png(out);
    expect(img.px(10, 10)).toEqual(smpte(1013, 757, 1024, 768));
    expect(img.px(1000, 100)).toEqual(smpte(23, 667, 1024, 768));
  });

  it('a refused commit → exit 1 "Atomic Commit failed"', async () => {
    await expect(modetest(['-a', '-w', '38:ACTIVE:1'])).rejects.toMatchObject({ exitCode: 1, message: expect.stringMatching(/^Atomic Commit failed: Invalid argument/) });
  });
});

describe('modetest -v (vsynced page flipping)', () => {
  it('legacy: flips --frames times, "freq:" every 60 flips from the event timestamps', async () => {
    const r = await modetest(['-s', '39:1024x768', '-v', '--frames', '150']);
    expect(r.err).toEqual([`freq: ${hz(65000, 1344, 806)}Hz`, `freq: ${hz(65000, 1344, 806)}Hz`]);
    const slower = await modetest(['-s', '39:800x600', '-v', '--frames', '60']);
    expect(slower.err).toEqual([`freq: ${hz(40000, 1056, 628)}Hz`]);
    const few = await modetest(['-s', '39:800x600', '-v', '--frames', '59']);
    expect(few.err).toEqual([]);
  });

  it('atomic: 120 blocking commits by default, two freq lines', async () => {
    const r = await modetest(['-a', '-s', '39:1024x768', '-v']);
    expect(r.err.filter((l) => l.startsWith('freq:'))).toEqual([`freq: ${hz(65000, 1344, 806)}Hz`, `freq: ${hz(65000, 1344, 806)}Hz`]);
  });

  it('-r: the preferred mode on every connected connector', async () => {
    const r = await modetest(['-r', '-v', '--frames', '60']);
    expect(r.out).toEqual(['setting mode 1024x768-60.00Hz on connectors 39, crtc 38']);
    expect(r.err).toEqual(['freq: 60.00Hz']);
  });
});

describe('modetest -C (cursor)', () => {
  it('shows the plain cursor of DRM_CAP_CURSOR_WIDTH x _HEIGHT at (w/2, h/2) over the primary', async () => {
    // the real module's caps (drm_info -j of vkms 6.12)
    const caps = (JSON.parse(readFileSync(new URL('default/drm_info.json', refDir), 'utf8')) as Record<string, { driver: { caps: Record<string, number> } }>);
    const { CURSOR_WIDTH: cw, CURSOR_HEIGHT: ch } = Object.values(caps)[0]!.driver.caps as { CURSOR_WIDTH: number; CURSOR_HEIGHT: number };
    const out = join(tmp(), 'cursor.png');
    const r = await modetest(['-s', '39:1024x768', '-C', '-o', out]);
    expect(r.out).toEqual(['setting mode 1024x768-60.00Hz on connectors 39, crtc 38', 'starting cursor', 'cursor stopped']);
    const img = png(out);
    // premultiplied source 0x77 with alpha 0x77 over the SMPTE colour (16-bit blend as in demo.test.ts)
    const over = (d: number) => Math.round(Math.round((0x77 * 257 * 0xffff + d * 257 * (0xffff - 0x77 * 257)) / 0xffff) / 257);
    const x0 = cw / 2, y0 = ch / 2;
    for (const [x, y] of [[x0, y0], [x0 + 100, y0 + 50], [Math.min(1023, x0 + cw - 1), Math.min(767, y0 + ch - 1)]] as const) {
      expect(img.px(x, y), `(${x},${y})`).toEqual(smpte(x, y, 1024, 768).map(over));
    }
    expect(img.px(x0 - 1, y0)).toEqual(smpte(x0 - 1, y0, 1024, 768));
    expect(img.px(x0, y0 - 1)).toEqual(smpte(x0, y0 - 1, 1024, 768));
  });
});

describe('modetest bad input: one line, exit code 2', () => {
  it('a disconnected connector has no modes to pick from', async () => {
    const topology = {
      planes: [{ name: 'primary', type: 'primary', possible_crtcs: ['crtc0'] }], crtcs: [{ name: 'crtc0' }],
      encoders: [{ name: 'enc0', possible_crtcs: ['crtc0'] }], connectors: [{ name: 'conn0', status: 'disconnected', possible_encoders: ['enc0'] }],
    };
    const file = join(tmp(), 'topology.json');
    writeFileSync(file, JSON.stringify(topology));
    const ids = await idsOf({ topology: topology as VkmsOptions['topology'] });
    const conn = ids.connectors.conn0!;
    await expect(runModetest(['--config', file, '-s', `${conn}:1024x768`], () => undefined, () => undefined))
      .rejects.toMatchObject({ exitCode: 2, message: `failed to find mode "1024x768" for connector ${conn} (the connector has no modes: it is disconnected)` });
  });

  const cases: [string[], string | RegExp][] = [
    [['-s', '99:1024x768'], 'unknown connector 99'],
    [['-s', 'HDMI-A-1:1024x768'], /^unknown connector 'HDMI-A-1'/],
    [['-s', '39:1024x'], /^invalid mode string '1024x'/],
    [['-s', '39:1024x768-abc'], /^invalid mode string '1024x768-abc'/],
    [['-s', '39:1,2,3,4,5,6,7,8'], /^invalid mode string '1,2,3,4,5,6,7,8': a custom mode needs -<vrefresh>/],
    [['-s', '39:800x601'], 'failed to find mode "800x601" for connector 39'],
    [['-s', '39:1024x768-75'], 'failed to find mode "1024x768-75.00Hz" for connector 39'],
    [['-s', '39:#34'], 'failed to find mode "#34" for connector 39'],
    [['-s', '39@99:1024x768'], 'unknown CRTC 99'],
    [['-s', '39'], /^-s: missing ':<mode>'/],
    [['-s', '39:1024x768@QQ99'], /^-s: unknown format 'QQ99'/],
    [['-s', '39:1024x768', '-P', '32@38:64x'], /^-P: invalid plane '32@38:64x'/],
    [['-s', '39:1024x768', '-P', '77@38:64x64'], '-P: unknown plane 77'],
    [['-s', '39:1024x768', '-P', '32@38:64x64*0'], /^-P: invalid (plane|scale)/],
    [['-w', '99:FOO:1'], /^-w: Object 99 not found/],
    [['-w', '38:FOO:1'], '-w: CRTC 38 has no FOO property'],
    [['-w', '32:rotation:rotate-45'], /^-w 32:rotation: invalid value 'rotate-45'/],
    [['-F', 'stripes'], /^-F: unknown pattern 'stripes'/],
    [['-s', '39:1024x768@RG16', '-F', 'gradient'], "pattern 'gradient' cannot be drawn in format RG16"],
    [['-v'], 'page flipping requires at least one -s or -r option.'],
    [['-r', '-s', '39:#0'], 'cannot use -r (preferred) when -s (mode) is set'],
    [['-a', '-C', '-s', '39:#0'], /^-C \(cursor test\) works with the legacy API only/],
    [['-s', '39:#0', '-v', '--frames', 'x'], "--frames: expected a positive integer, got 'x'"],
    [['-M', 'i915'], /^modetest: unknown module 'i915'/],
    [['-q'], "modetest: unknown option '-q'"],
    [['--bogus'], "modetest: unknown option '--bogus'"],
  ];
  for (const [args, msg] of cases) {
    it(args.join(' '), async () => {
      const p = modetest(args);
      await expect(p).rejects.toMatchObject({ exitCode: 2 });
      const e = await p.catch((x: Error) => x);
      if (typeof msg === 'string') expect((e as Error).message).toBe(msg);
      else expect((e as Error).message).toMatch(msg);
      expect((e as Error).message).not.toContain('\n');
    });
  }
});
