// `vkms-ts run`: declarative scenarios — the shipped examples, PNG loading, CRC log, failed
// expectations (exit 1, step index) and invalid scenarios (exit 2, JSON path).
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { RUN_HELP, runScenario } from '../../src/cli/run.js';
import { decodePng, encodePng } from '../../src/io/index.js';

const scenarios = fileURLToPath(new URL('../../fixtures/scenarios/', import.meta.url));
const tmp = () => mkdtempSync(join(tmpdir(), 'vkms-run-'));

async function run(file: string, out = tmp()) {
  const log: string[] = [], progress: string[] = [];
  const res = await runScenario([file, '--out', out], (l) => log.push(l), (l) => progress.push(l));
  return { res, log, progress, out };
}

/** Write a scenario object to a temporary file. */
function scenarioFile(sc: unknown, dir = tmp()): string {
  const f = join(dir, 'scenario.json');
  writeFileSync(f, typeof sc === 'string' ? sc : JSON.stringify(sc, null, 2));
  return f;
}

const png = (path: string) => {
  const img = decodePng(readFileSync(path));
  return { img, px: (x: number, y: number) => Array.from(img.data.subarray((y * img.width + x) * 4, (y * img.width + x) * 4 + 3)) };
};
const crcLines = (out: string) => readFileSync(join(out, 'crc.jsonl'), 'utf8').trim().split('\n').filter(Boolean).map((l) => JSON.parse(l) as Record<string, unknown>);

// conventions.md §3
const TOP = [[192, 192, 192], [192, 192, 0], [0, 192, 192], [0, 192, 0], [192, 0, 192], [192, 0, 0], [0, 0, 192]];
const smpteTop = (x: number, w: number) => TOP[Math.floor((x * 7) / w)]!;
function tiles(x: number, y: number, width: number): number[] {
  const quot = Math.floor((x + y) / width), rem = (x + y) % width;
  const rgb = (0x00130502 * (quot >> 6) + 0x000a1120 * (rem >> 6)) >>> 0;
  return [(rgb >> 16) & 0xff, (rgb >> 8) & 0xff, rgb & 0xff];
}
/** Premultiplied source over an opaque destination, 16-bit as VKMS blends (demo.test.ts). */
const over = (s: number, a: number, d: number) => Math.round(Math.round((s * 257 * 0xffff + d * 257 * (0xffff - a * 257)) / 0xffff) / 257);

const modeset = (fb: string, w = 1024, h = 768) => ({
  crtc0: { MODE_ID: `mode:${w}x${h}`, ACTIVE: 1 },
  connector0: { CRTC_ID: 'crtc:crtc0' },
  primary: { FB_ID: `fb:${fb}`, CRTC_ID: 'crtc:crtc0', SRC_W: `fp:${w}`, SRC_H: `fp:${h}`, CRTC_W: w, CRTC_H: h },
});

describe('the shipped example scenarios', () => {
  it('overlay-writeback.json: SMPTE + PNG overlay, composed = written back, CRC per frame', async () => {
    const { res, log, progress, out } = await run(join(scenarios, 'overlay-writeback.json'));
    const sc = JSON.parse(readFileSync(join(scenarios, 'overlay-writeback.json'), 'utf8')) as { steps: unknown[] };
    expect(res.steps).toBe(sc.steps.length);
    expect(log).toEqual([res.summary]);
    expect(res.summary).toMatch(new RegExp(`^run: ${sc.steps.length} steps passed; 2 captures`));
    expect(progress).toHaveLength(sc.steps.length);
    progress.forEach((l, i) => expect(l.startsWith(`[${i}] `)).toBe(true));
    const composed = png(join(out, 'composed.png')), wb = png(join(out, 'writeback.png'));
    expect([composed.img.width, composed.img.height]).toEqual([1024, 768]);
    expect(Buffer.from(wb.img.data).equals(Buffer.from(composed.img.data))).toBe(true);
    // outside the overlay: SMPTE top bars
    expect(composed.px(10, 10)).toEqual([192, 192, 192]);
    expect(composed.px(1000, 400)).toEqual([0, 0, 192]);
    // the logo (fixtures/scenarios/logo.png, 96x64 at 100,100): a white opaque bar at rows 28..35, x 16..79
    const logo = decodePng(readFileSync(join(scenarios, 'logo.png')));
    const lp = (x: number, y: number) => Array.from(logo.data.subarray((y * logo.width + x) * 4, (y * logo.width + x) * 4 + 4));
    expect(lp(40, 30)).toEqual([255, 255, 255, 255]);
    expect(composed.px(140, 130)).toEqual([255, 255, 255]);
    // a translucent pixel: premultiplied over the yellow bar (x 160 → bar 1)
    const [r, g, b, a] = lp(60, 10) as [number, number, number, number];
    expect(a).toBeGreaterThan(0);
    expect(a).toBeLessThan(255);
    const bg = smpteTop(160, 1024);
    const pm = (c: number) => Math.round((c * a) / 255);
    expect(composed.px(160, 110)).toEqual([over(pm(r), a, bg[0]!), over(pm(g), a, bg[1]!), over(pm(b), a, bg[2]!)]);
    // the CRC log: the capture's CRC, then one entry per frame, all equal (the picture does not change)
    const lines = crcLines(out);
    const cap = lines.find((l) => l.capture === 'composed')!;
    expect(cap.crc).toMatch(/^0x[0-9a-f]{8}$/);
    const frames = lines.filter((l) => 'frame' in l);
    expect(frames.length).toBe(res.crcEntries);
    for (const f of frames) expect(f.crc).toBe(cap.crc);
    // the `{ "vblank": 2 }` step adds exactly two consecutive frames
    const vbIndex = sc.steps.findIndex((s) => (s as { vblank?: number }).vblank === 2);
    const atVb = frames.filter((f) => f.step === vbIndex).map((f) => f.frame as number);
    expect(atVb).toHaveLength(2);
    expect(atVb[1]).toBe(atVb[0]! + 1);
  });

  it('flip-hotplug.json: refused commits, flips with events, equal CRCs for equal pictures', async () => {
    const { res, out, progress } = await run(join(scenarios, 'flip-hotplug.json'));
    expect(res.captures).toEqual({ smpte: join(out, 'smpte.png'), tiles: join(out, 'tiles.png'), 'smpte-again': join(out, 'smpte-again.png') });
    expect(progress.some((l) => /EINVAL as expected/.test(l))).toBe(true);
    expect(progress.some((l) => /EBUSY as expected/.test(l))).toBe(true);
    const t = png(join(out, 'tiles.png'));
    for (const [x, y] of [[0, 0], [100, 0], [700, 20], [1000, 700], [64, 0]] as const) expect(t.px(x, y), `(${x},${y})`).toEqual(tiles(x, y, 1024));
    expect(png(join(out, 'smpte.png')).px(500, 10)).toEqual(smpteTop(500, 1024));
    // IGT's method: the frames showing the same FB have the same CRC as its capture
    const lines = crcLines(out);
    const capCrc = (n: string) => lines.find((l) => l.capture === n)!.crc;
    expect(capCrc('smpte-again')).toBe(capCrc('smpte'));
    expect(capCrc('tiles')).not.toBe(capCrc('smpte'));
    const frames = lines.filter((l) => 'frame' in l);
    expect(frames.map((f) => f.crc)).toEqual([capCrc('tiles'), capCrc('smpte')]);
  });
});

describe('run: framebuffers from PNGs', () => {
  it('premultiplies into ARGB8888, keeps the colour in XRGB8888', async () => {
    const dir = tmp();
    const w = 1024, h = 768, data = new Uint8Array(w * h * 4);
    for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) data.set(x < 512 ? [255, 0, 0, 128] : [0, 255, 0, 255], (y * w + x) * 4);
    writeFileSync(join(dir, 'half.png'), encodePng({ width: w, height: h, depth: 8, data }));
    const f = scenarioFile({
      steps: [
        { fb: 'argb', png: 'half.png', format: 'ARGB8888' },
        { fb: 'xrgb', png: 'half.png', format: 'XRGB8888' },
        { commit: modeset('argb'), flags: ['ALLOW_MODESET'] },
        { capture: 'argb' },
        { commit: { primary: { FB_ID: 'fb:xrgb' } } },
        { capture: 'xrgb' },
      ],
    }, dir);
    const { out } = await run(f);
    // over the CRTC's black background: the premultiplied colour, round(255·128/255) = 128
    const a = png(join(out, 'argb.png'));
    expect(a.px(10, 10)).toEqual([128, 0, 0]);
    expect(a.px(1000, 700)).toEqual([0, 255, 0]);
    const x = png(join(out, 'xrgb.png'));
    expect(x.px(10, 10)).toEqual([255, 0, 0]);
    expect(x.px(1000, 700)).toEqual([0, 255, 0]);
  });
});

describe('run: failed steps → exit 1 naming the step', () => {
  const base = [
    { fb: 'bg', width: 1024, height: 768, pattern: 'smpte' },
    { crc: 'start' },
  ];
  it('an unexpected success', async () => {
    const out = tmp();
    const f = scenarioFile({ steps: [...base, { commit: modeset('bg'), flags: ['ALLOW_MODESET'], expect: 'EINVAL' }] });
    await expect(run(f, out)).rejects.toMatchObject({ exitCode: 1, message: 'steps[2] (commit): expected EINVAL, but the commit succeeded' });
    // the log written so far stays
    expect(existsSync(join(out, 'crc.jsonl'))).toBe(true);
  });
  it('an unexpected failure, with the errno and the reason', async () => {
    const f = scenarioFile({ steps: [...base, { commit: modeset('bg') }] });
    await expect(run(f)).rejects.toMatchObject({ exitCode: 1, message: expect.stringMatching(/^steps\[2\] \(commit\): the commit failed: EINVAL \(Invalid argument\): .*ALLOW_MODESET/) });
  });
  it('a different errno than expected', async () => {
    const f = scenarioFile({ steps: [...base, { commit: modeset('bg'), expect: 'EBUSY' }] });
    await expect(run(f)).rejects.toMatchObject({ exitCode: 1, message: expect.stringMatching(/^steps\[2\] \(commit\): expected EBUSY, got EINVAL/) });
  });
  it('a wrong event count', async () => {
    const f = scenarioFile({ steps: [...base, { commit: modeset('bg'), flags: ['ALLOW_MODESET', 'PAGE_FLIP_EVENT'] }, { expect_events: 2 }] });
    await expect(run(f)).rejects.toMatchObject({ exitCode: 1, message: expect.stringMatching(/^steps\[3\] \(expect_events\): expected 2 events, got 1 \(flip complete on CRTC \d+/) });
  });
  it('a vblank on a CRTC that is off, a capture of nothing, a writeback not done', async () => {
    await expect(run(scenarioFile({ steps: [{ vblank: 1 }] }))).rejects.toMatchObject({ exitCode: 1, message: expect.stringMatching(/^steps\[0\] \(vblank\): CRTC \d+ is off/) });
    await expect(run(scenarioFile({ steps: [{ capture: 'x' }] }))).rejects.toMatchObject({ exitCode: 1, message: 'steps[0] (capture): CRTC crtc0 is off: there is no frame to capture' });
    await expect(run(scenarioFile({ steps: [...base, { commit: modeset('bg'), flags: ['ALLOW_MODESET'] }, { capture: 'w', writeback: true }] })))
      .rejects.toMatchObject({ exitCode: 1, message: expect.stringMatching(/^steps\[3\] \(capture\): no writeback job of crtc0 has completed yet/) });
  });
  it('same_as: different pictures', async () => {
    const f = scenarioFile({
      steps: [
        ...base, { fb: 'b', width: 1024, height: 768, pattern: 'tiles' },
        { commit: modeset('bg'), flags: ['ALLOW_MODESET'] }, { capture: 'one' },
        { commit: { primary: { FB_ID: 'fb:b' } } }, { capture: 'two', same_as: 'one' },
      ],
    });
    await expect(run(f)).rejects.toMatchObject({ exitCode: 1, message: expect.stringMatching(/^steps\[6\] \(capture\): capture "two" \(crc 0x[0-9a-f]{8}\) differs from "one"/) });
  });
});

describe('run: invalid scenarios → exit 2 naming the JSON path', () => {
  const fb = { fb: 'bg', width: 64, height: 64 };
  const cases: [unknown, string | RegExp][] = [
    ['{ "steps": [ { "fb": "a" }, ]', /scenario\.json: invalid JSON \(line 1, column 29\): /],
    ['{\n  "steps": [\n    { "fb": "a", "width": 1O }\n  ]\n}', /scenario\.json: invalid JSON \(line 3, column 28\): /],
    [{ steps: [{ fb: 'a', width: 8, height: 8, colour: 1 }] }, /^steps\[0\]\.colour: unknown field/],
    [{ steps: [fb, fb, { vblank: 1 }, { commit: { primary: { FB_ID: 'fb:bg2' } } }] }, /^steps\[1\]\.fb: framebuffer "bg" is defined already/],
    [{ steps: [fb, { fb: 'x', width: 4, height: 4 }, { crc: 'start' }, { commit: { primary: { FB_ID: 'fb:bg2' } } }] }, /^steps\[3\]\.commit\.primary\.FB_ID: unknown framebuffer "bg2"/],
    [{ steps: [{ commit: { primry: { FB_ID: 0 } } }] }, /^steps\[0\]\.commit\.primry: unknown object "primry"/],
    [{ steps: [{ commit: { primary: { FB_IDX: 0 } } }] }, /^steps\[0\]\.commit\.primary\.FB_IDX: plane "primary" \(\d+\) has no property "FB_IDX"/],
    [{ steps: [{ commit: { primary: { rotation: 'rotate-45' } } }] }, /^steps\[0\]\.commit\.primary\.rotation: invalid value "rotate-45" for rotation/],
    [{ steps: [{ commit: { crtc0: { MODE_ID: 'mode:1024x' } } }] }, /^steps\[0\]\.commit\.crtc0\.MODE_ID: invalid mode string '1024x'/],
    [{ steps: [{ commit: { crtc0: { MODE_ID: 'mode:800x601' } } }] }, /^steps\[0\]\.commit\.crtc0\.MODE_ID: no mode "800x601" on connector "connector0"/],
    [{ steps: [{ commit: { 'crtc0-writeback': { WRITEBACK_FB_ID: 'fb:wb' } } }] }, /^steps\[0\]\.commit\["crtc0-writeback"\]\.WRITEBACK_FB_ID: unknown framebuffer "wb"/],
    [{ steps: [{ commit: { connector0: { CRTC_ID: 'crtc:crtc9' } } }] }, /^steps\[0\]\.commit\.connector0\.CRTC_ID: unknown crtc "crtc9"/],
    [{ steps: [{ commit: {}, flags: ['ALLOW_MODSET'] }] }, /^steps\[0\]\.flags\[0\]: unknown flag "ALLOW_MODSET"/],
    [{ steps: [{ commit: {}, expect: 'EWHAT' }] }, /^steps\[0\]\.expect: unknown errno "EWHAT"/],
    [{ steps: [{ dance: 1 }] }, /^steps\[0\]\.dance: unknown step "dance"/],
    [{ steps: [{ vblank: 1, crc: 'start' }] }, /^steps\[0\]: a step has exactly one kind, found vblank and crc/],
    [{ steps: [{ vblank: 0 }] }, /^steps\[0\]\.vblank: 0 is out of range/],
    [{ steps: [{ vblank: 1, crtc: 'crtc7' }] }, /^steps\[0\]\.crtc: unknown CRTC "crtc7"/],
    [{ steps: [{ fb: 'a', width: 8 }] }, /^steps\[0\]\.height: missing/],
    [{ steps: [{ fb: 'a', width: 8, height: 8, format: 'NV12' }] }, /^steps\[0\]\.format: "NV12" has 2 planes/],
    [{ steps: [{ fb: 'a', width: 8, height: 8, pattern: 'noise' }] }, /^steps\[0\]\.pattern: unknown pattern "noise"/],
    [{ steps: [{ fb: 'a', png: 'missing.png' }] }, /^steps\[0\]\.png: cannot load "missing.png"/],
    [{ steps: [{ hotplug: { connector: 'connector9', status: 'disconnected' } }] }, /^steps\[0\]\.hotplug\.connector: unknown connector "connector9"/],
    [{ steps: [{ hotplug: { connector: 'connector0', status: 'off' } }] }, /^steps\[0\]\.hotplug\.status: must be connected, disconnected or unknown/],
    [{ steps: [{ capture: '../x' }] }, /^steps\[0\]\.capture: "\.\.\/x" is not a plain file name/],
    [{ steps: [{ capture: 'a', same_as: 'b' }] }, /^steps\[0\]\.same_as: no earlier capture "b"/],
    [{ device: { enable_writeback: false }, steps: [{ capture: 'a', writeback: true }] }, /^steps\[0\]\.writeback: CRTC "crtc0" has no writeback connector/],
    [{ device: { profile: 'linux-5.4' }, steps: [] }, /^device\.profile: unknown profile "linux-5.4"/],
    [{ device: { enable_overlay: 'yes' }, steps: [] }, /^device\.enable_overlay: expected true or false/],
    [{ device: { topology: { planes: [], crtcs: [], encoders: [], connectors: [] } }, steps: [] }, /^device\.topology\.planes: needs 1\.\.31 entries/],
    [{ device: { topology: 'nope.json' }, steps: [] }, /^device\.topology: cannot load "nope.json"/],
    [{ steps: {} }, /^steps: expected an array/],
    [{ step: [] }, /^step: unknown field/],
  ];
  for (const [sc, msg] of cases) {
    it(String(msg), async () => {
      const p = run(scenarioFile(sc));
      await expect(p).rejects.toMatchObject({ exitCode: 2 });
      const e = (await p.catch((x: Error) => x)) as Error;
      expect(e.message).toMatch(msg);
      expect(e.message).not.toContain('\n');
    });
  }

  it('a missing file and bad options', async () => {
    await expect(runScenario([join(tmp(), 'none.json')], () => undefined, () => undefined)).rejects.toMatchObject({ exitCode: 2, message: expect.stringMatching(/^cannot read /) });
    await expect(runScenario([], () => undefined, () => undefined)).rejects.toMatchObject({ exitCode: 2, message: expect.stringMatching(/missing the scenario file/) });
  });
});

describe('run: topology, objects by ID, --help', () => {
  it('a two-CRTC topology from a file, objects by name and by ID, CRCs per CRTC', async () => {
    const dir = tmp();
    writeFileSync(join(dir, 'two.json'), JSON.stringify({
      planes: [{ name: 'p0', type: 'primary', possible_crtcs: ['left'] }, { name: 'p1', type: 'primary', possible_crtcs: ['right'] }],
      crtcs: [{ name: 'left' }, { name: 'right' }],
      encoders: [{ name: 'e0', possible_crtcs: ['left'] }, { name: 'e1', possible_crtcs: ['right'] }],
      connectors: [{ name: 'c0', possible_encoders: ['e0'] }, { name: 'c1', possible_encoders: ['e1'] }],
    }));
    const f = scenarioFile({
      device: { topology: 'two.json' },
      steps: [
        { fb: 'a', width: 1024, height: 768, pattern: 'smpte' },
        { fb: 'b', width: 1024, height: 768, pattern: 'tiles' },
        { crc: 'start', crtc: 'right' },
        {
          commit: {
            left: { MODE_ID: 'mode:1024x768', ACTIVE: true }, c0: { CRTC_ID: 'crtc:left' },
            p0: { FB_ID: 'fb:a', CRTC_ID: 'crtc:left', SRC_W: 'fp:1024', SRC_H: 'fp:768', CRTC_W: 1024, CRTC_H: 768 },
            right: { MODE_ID: 'mode:#0', ACTIVE: 1 }, c1: { CRTC_ID: 'crtc:right' },
            p1: { FB_ID: 'fb:b', CRTC_ID: 'crtc:right', SRC_W: 67108864, SRC_H: 50331648, CRTC_W: 1024, CRTC_H: 768 },
          },
          flags: ['ALLOW_MODESET'],
        },
        { vblank: 2, crtc: 'right' },
        { capture: 'left', crtc: 'left' },
        { capture: 'right', crtc: 'right' },
      ],
    }, dir);
    const { out } = await run(f);
    expect(png(join(out, 'left.png')).px(10, 10)).toEqual([192, 192, 192]);
    expect(png(join(out, 'right.png')).px(100, 0)).toEqual(tiles(100, 0, 1024));
    const lines = crcLines(out);
    expect(lines.filter((l) => 'frame' in l).every((l) => l.crtc === 'right')).toBe(true);
    expect(lines.filter((l) => l.step === 4 && 'frame' in l)).toHaveLength(2);
  });

  it('--help prints the format', async () => {
    const log: string[] = [];
    await runScenario(['--help'], (l) => log.push(l));
    expect(log).toEqual([RUN_HELP]);
    expect(RUN_HELP).toContain('"expect"');
  });
});
