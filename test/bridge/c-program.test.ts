/**
 * A small C program of our own (test/bridge/c/kms-smoke.c), compiled here with gcc against the
 * system libdrm and run unmodified through the bridge on the default device: drmGetDevices2 /
 * drmGetDevice2, an atomic modeset with dumb buffers drawn through mmap, page flips whose events
 * are read by drmHandleEvent, TEST_ONLY errnos, and an out-fence polled until it signals. Every
 * step must print "ok <step>"; the device side is checked too: what the CRTC shows is the
 * program's pattern, and the program's file and objects are gone after it exits.
 */
import { join } from 'node:path';
import { afterEach, beforeAll, expect, it } from 'vitest';
import { Card } from '../../src/client/card.js';
import { runWithBridge } from '../../src/bridge/run.js';
import { createVkms, type VkmsDevice } from '../../src/vkms/device.js';
import { bridgePrereq, compileCProgram, describeBridge, REPO } from './bridge-env.js';

const prereq = bridgePrereq([], { libraries: ['libdrm'] });
const SOURCE = join(REPO, 'test/bridge/c/kms-smoke.c');
const FLIPS = 8;

/** Every step the program reports, in order. */
const STEPS = ['get-devices2', 'open', 'get-device2', 'version', 'client-caps', 'pipe', 'dumb-buffers', 'modeset', 'flips', 'flip-clock',
  'test-only-range', 'test-only-src', 'test-only-good', 'out-fence', 'current', 'cleanup', 'summary'] as const;

/**
 * The picture of buffer k as VKMS composes it, from the pattern's definition in kms-smoke.c:
 * XRGB8888 pixel (x, y) = R: x & 0xff, G: y & 0xff, B: k ? 0xc0 : 0x40. One opaque plane covering
 * the CRTC → each output pixel is pixel_argb_u16 {a, r, g, b} with 8-bit values widened ×257.
 */
function expectedFrame(k: number, w: number, h: number): Uint16Array {
  const px = new Uint16Array(w * h * 4);
  const b = (k ? 0xc0 : 0x40) * 257;
  for (let y = 0, i = 0; y < h; y++) {
    for (let x = 0; x < w; x++, i += 4) {
      px[i] = 0xffff;
      px[i + 1] = (x & 0xff) * 257;
      px[i + 2] = (y & 0xff) * 257;
      px[i + 3] = b;
    }
  }
  return px;
}

/** The kernel's crc32_le(0, …) (no pre/post inversion) over the frame's bytes, as VKMS's "auto" CRC. */
function crc32le(bytes: Uint8Array): number {
  const table = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    table[n] = c >>> 0;
  }
  let crc = 0;
  for (let i = 0; i < bytes.length; i++) crc = table[(crc ^ bytes[i]!) & 0xff]! ^ (crc >>> 8);
  return crc >>> 0;
}

/** "ok <step> k=v ..." → { step: { k: v } } ; FAIL lines → failures. */
function parse(stdout: string): { ok: Map<string, Record<string, string>>; failed: string[] } {
  const ok = new Map<string, Record<string, string>>();
  const failed: string[] = [];
  for (const line of stdout.split('\n')) {
    const m = /^(ok|FAIL) (\S+)(.*)$/.exec(line);
    if (!m) continue;
    if (m[1] === 'FAIL') { failed.push(line); continue; }
    const kv: Record<string, string> = {};
    for (const [, k, v] of m[3]!.matchAll(/(\S+)=(\S+)/g)) kv[k!] = v!;
    ok.set(m[2]!, kv);
  }
  return { ok, failed };
}

const devices: VkmsDevice[] = [];
afterEach(async () => {
  for (const d of devices.splice(0)) await d.unplug();
});

interface Seen {
  crtcFb: number; planeFb: number; active: boolean; w: number; h: number;
  frame: { crc: number; width: number; height: number; pixels: Uint16Array } | null;
}

describeBridge('our own libdrm C program (kms-smoke.c) through the bridge', prereq, () => {
  // one run of the program on the default device; the tests below read its output and the device
  let vk: VkmsDevice;
  let r: Awaited<ReturnType<typeof runWithBridge>>;
  let ok: Map<string, Record<string, string>>;
  let failed: string[];
  let seen: Seen | null = null; // the device as the program leaves it, read at its first RMFB (cleanup)
  let after: { files: number; master: boolean; planeFb: number; fbsGone: boolean[] };
  let crtcId = 0, planeId = 0;

  beforeAll(async () => {
    const c = compileCProgram(SOURCE, ['libdrm']);
    expect(c.warnings).toBe(''); // -Wall clean
    vk = await createVkms({ clock: 'realtime' }); // the default device
    devices.push(vk);
    crtcId = Object.values(vk.ids.crtcs)[0]!;
    planeId = Object.values(vk.ids.planes)[0]!; // the primary plane of the first CRTC
    r = await runWithBridge([c.exe, String(FLIPS)], {
      device: vk, preload: prereq.preload, timeoutMs: 20000, log: () => undefined,
      beforeIoctl: (name) => {
        if (name !== 'MODE_RMFB' || seen) return;
        const card = new Card(vk.open());
        try {
          const crtc = card.getCrtc(crtcId);
          const f = vk.composeNow();
          seen = {
            crtcFb: crtc.bufferId, planeFb: card.getPlane(planeId).fbId, active: crtc.modeValid, w: crtc.mode.hdisplay, h: crtc.mode.vdisplay,
            frame: f && { crc: f.crc, width: f.width, height: f.height, pixels: f.pixels.slice() },
          };
        } finally {
          card.close();
        }
      },
    });
    ({ ok, failed } = parse(r.stdout));
    const files = vk.device.drm.files.size;
    const card = new Card(vk.open());
    try {
      let master = true;
      try { card.ioctl('SET_MASTER', {}); } catch { master = false; }
      const fbs = ok.has('dumb-buffers') ? [Number(ok.get('dumb-buffers')!.fb0), Number(ok.get('dumb-buffers')!.fb1)] : [];
      const fbsGone = fbs.map((fb) => { try { card.getFB2(fb); return false; } catch { return true; } });
      after = { files, master, planeFb: card.getPlane(planeId).fbId, fbsGone };
    } finally {
      card.close();
    }
  }, 30000);

  const out = () => `${r.stdout}${r.stderr}`;
  const fbOf = (k: number) => Number(ok.get('dumb-buffers')![`fb${k}`]);

  it('drmGetDevices2 / drmGetDevice2 / drmGetVersion: the platform device "vkms" at /dev/dri/card0', () => {
    for (const step of ['get-devices2', 'open', 'get-device2', 'version', 'client-caps']) expect(ok.has(step), `${step}:\n${out()}`).toBe(true);
    expect(ok.get('get-devices2')).toMatchObject({ count: '1', bus: 'platform', node: '/dev/dri/card0', fullname: 'vkms' });
    expect(ok.get('get-device2')).toMatchObject({ bus: 'platform', node: '/dev/dri/card0' });
    expect(ok.get('version')).toMatchObject({ name: 'vkms' });
  });

  it('finds the pipe by property names; dumb buffers mmapped and added; atomic modeset', () => {
    for (const step of ['pipe', 'dumb-buffers', 'modeset']) expect(ok.has(step), `${step}:\n${out()}`).toBe(true);
    const pipe = ok.get('pipe')!;
    expect(Number(pipe.crtc)).toBe(crtcId);
    expect(Number(pipe.plane)).toBe(planeId);
    expect(Number(pipe.connector)).toBe(Object.values(vk.ids.connectors)[0]);
    expect(pipe.mode).toBe('1024x768@60');
    expect(ok.get('dumb-buffers')).toMatchObject({ pitch: '4096', size: String(4096 * 768) });
    expect(ok.get('modeset')).toEqual({ fb: String(fbOf(0)) });
  });

  it(`${FLIPS} nonblocking atomic flips: drmHandleEvent sees the CRTC, increasing sequences, timestamps a frame apart`, () => {
    expect(ok.has('flips'), out()).toBe(true);
    expect(ok.get('flips')).toMatchObject({ count: String(FLIPS) });
  });

  it('flip event timestamps are the program\'s CLOCK_MONOTONIC (DRM_CAP_TIMESTAMP_MONOTONIC = 1)', () => {
    expect(ok.has('flip-clock'), out()).toBe(true);
  });

  it('TEST_ONLY: ACTIVE=2 → EINVAL, a source past the FB → ENOSPC, a good one changes nothing', () => {
    expect(ok.get('test-only-range'), out()).toEqual({ errno: 'EINVAL' });
    expect(ok.get('test-only-src'), out()).toEqual({ errno: 'ENOSPC' });
    expect(ok.has('test-only-good'), out()).toBe(true);
  });

  it('an atomic flip with OUT_FENCE_PTR gives a fence fd that poll() sees signalled', () => {
    expect(ok.has('out-fence'), out()).toBe(true);
    // FLIPS flips from buffer 0, then the out-fence flip
    expect(ok.get('current')).toEqual({ buf: String((FLIPS + 1) % 2), fb: String(fbOf((FLIPS + 1) % 2)) });
  });

  it('the CRTC scans out the last flipped buffer, and the composed frame and CRC are its pattern', () => {
    expect(ok.has('current'), out()).toBe(true);
    const k = Number(ok.get('current')!.buf);
    expect(seen).not.toBeNull();
    const s = seen!;
    expect(s).toMatchObject({ active: true, w: 1024, h: 768, planeFb: fbOf(k), crtcFb: fbOf(k) });
    expect(s.frame).not.toBeNull();
    const frame = s.frame!;
    expect([frame.width, frame.height]).toEqual([1024, 768]);
    const want = expectedFrame(k, 1024, 768);
    const got = Buffer.from(frame.pixels.buffer, frame.pixels.byteOffset, frame.pixels.byteLength);
    expect(Buffer.compare(got, Buffer.from(want.buffer)) === 0, `the composed frame is buffer ${k}'s pattern`).toBe(true);
    expect(frame.crc).toBe(crc32le(new Uint8Array(want.buffer)));
  });

  it('after the program: its file and framebuffers are gone, the plane is off', () => {
    expect(ok.has('cleanup'), out()).toBe(true);
    expect(after.files).toBe(0);
    expect(after.master).toBe(true); // the program's master is gone
    expect(after.planeFb).toBe(0); // RMFB of the scanned-out FB turned the plane off
    expect(after.fbsGone).toEqual([true, true]);
  });

  it('every step printed ok, in order, and the program exited 0', () => {
    expect(failed, out()).toEqual([]);
    expect([...ok.keys()]).toEqual([...STEPS]);
    expect(r.code).toBe(0);
  });
});
