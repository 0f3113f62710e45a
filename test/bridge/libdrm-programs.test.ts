/**
 * Real, unmodified libdrm programs (Debian's drm_info 2.4 and libdrm 2.4.114's modetest) against
 * the emulator through the bridge: their output equals the emulator's own dumps and the dumps of
 * the real VKMS 6.12 module; a mode set with a dumb buffer drawn through mmap() shows modetest's
 * pattern; page flips deliver events; a server that dies mid-call gives ENODEV, not a hang.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { afterEach, expect, it } from 'vitest';
import { Card } from '../../src/client/card.js';
import { drmInfo, drmInfoJson, type DrmInfoKernel } from '../../src/client/drm-info.js';
import { modetestArgs, modetestDump } from '../../src/client/modetest.js';
import { runWithBridge, type RunClientOptions } from '../../src/bridge/run.js';
import { createTestOutput } from '../../src/testing/vkms.js';
import { createVkms, type VkmsDevice, type VkmsOptions } from '../../src/vkms/device.js';
import { REFERENCE_DIR } from '../reference-dir.js';
import { bridgePrereq, describeBridge } from './bridge-env.js';

const prereq = bridgePrereq(['drm_info', 'modetest']);

const devices: VkmsDevice[] = [];
async function device(opts: VkmsOptions = {}): Promise<VkmsDevice> {
  const d = await createVkms({ clock: 'realtime', ...opts });
  devices.push(d);
  return d;
}
afterEach(async () => {
  for (const d of devices.splice(0)) await d.unplug();
});

function run(vk: VkmsDevice, argv: string[], opts: RunClientOptions = {}) {
  return runWithBridge(argv, { device: vk, preload: prereq.preload, timeoutMs: 15000, ...opts });
}

/** The host's uname as drm_info printed it (the one field that is not the device's). */
function kernelOf(json: string): DrmInfoKernel {
  const k = (JSON.parse(json) as Record<string, { driver: { kernel: DrmInfoKernel } }>)['/dev/dri/card0']!.driver.kernel;
  return { sysname: k.sysname, release: k.release, version: k.version };
}
function withoutKernel(json: string): string {
  return json.replace(/("kernel": \{\n\s+"sysname": ")[^"]*(",\n\s+"release": ")[^"]*(",\n\s+"version": ")[^"]*"/, '$1-$2-$3-"');
}

describeBridge('libdrm programs through the bridge', prereq, () => {
  it('drm_info -j prints exactly the emulator\'s own drm_info JSON (host uname aside)', async () => {
    const vk = await device();
    const r = await run(vk, ['drm_info', '-j']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const card = new Card(vk.open());
    const own = drmInfoJson({ '/dev/dri/card0': drmInfo(card, { nodePath: '/dev/dri/card0', kernel: kernelOf(r.stdout) }) });
    card.close();
    expect(r.stdout).toBe(own);
  });

  for (const [folder, params] of [['default', {}], ['minimal', { enable_cursor: false, enable_writeback: false }], ['full', { enable_overlay: true }]] as const) {
    it(`linux-6.12 profile, ${folder}: drm_info -j and modetest -c -e -p -f print what the real module printed`, async () => {
      const vk = await device({ profile: 'linux-6.12', ...params });
      const info = await run(vk, ['drm_info', '-j']);
      expect(info.code).toBe(0);
      const ref = readFileSync(`${REFERENCE_DIR}/${folder}/drm_info.json`, 'utf8');
      expect(withoutKernel(info.stdout)).toBe(withoutKernel(ref));
      // after drm_info's file is closed, modetest's becomes master and probes: "connected", 34 modes
      const mt = await run(vk, ['modetest', '-M', 'vkms', '-c', '-e', '-p', '-f']);
      expect(mt.code).toBe(0);
      expect(mt.stdout).toBe(readFileSync(`${REFERENCE_DIR}/${folder}/modetest.txt`, 'utf8'));
    });
  }

  it('drm_info (text) prints the reference tree, uname aside', async () => {
    const vk = await device({ profile: 'linux-6.12' });
    const r = await run(vk, ['drm_info']);
    expect(r.code).toBe(0);
    const strip = (t: string) => t.replace(/^(│\s+├───Kernel:|├───Kernel:|.*Kernel: ).*$/m, '<kernel>');
    const ref = readFileSync(`${REFERENCE_DIR}/default/drm_info.txt`, 'utf8');
    expect(strip(r.stdout)).toBe(strip(ref));
  });

  it('modetest -M vkms -c -e -p lists the device as the emulator\'s own modetest dump does', async () => {
    const vk = await device();
    const r = await run(vk, ['modetest', '-M', 'vkms', '-c', '-e', '-p']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^Encoders:\n/);
    expect(r.stdout).toContain('Connectors:');
    expect(r.stdout).toContain('CRTCs:');
    expect(r.stdout).toContain('Planes:');
    const card = new Card(vk.open());
    expect(r.stdout).toBe(modetestDump(card, modetestArgs(['-M', 'vkms', '-c', '-e', '-p'])));
    card.close();
  });

  it('drmdevice (libdrm-tests): drmGetDevices2/drmGetDevice2 find the platform device "vkms"', async () => {
    const vk = await device();
    const r = await run(vk, ['drmdevice']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('--- Devices reported 1 ---');
    expect(r.stdout).toContain('nodes[0] /dev/dri/card0');
    expect(r.stdout).toMatch(/bustype 0002\n\|   \+-> platform\n\|       \+-> fullname\tvkms/);
    expect(r.stdout).toMatch(/compatible\n\s+vkms/);
  });

  it('proptest lists properties and sets one (OBJ_SETPROPERTY) on the device', async () => {
    const vk = await device();
    const conn = Object.values(vk.ids.connectors)[0]!;
    const list = await run(vk, ['proptest', '-M', 'vkms']);
    expect(list.code).toBe(0);
    expect(list.stdout).toContain(`Connector ${conn} (Virtual-1)`);
    const dpms = Number(/\t(\d+) DPMS:/.exec(list.stdout)![1]);
    const set = await run(vk, ['proptest', '-M', 'vkms', String(conn), 'connector', String(dpms), '3']);
    expect(set.code).toBe(0);
    const card = new Card(vk.open());
    const props = card.getObjectProperties(conn, 0xc0c0c0c0);
    expect(props.propValues[props.props.indexOf(dpms)]).toBe(3n);
    card.close();
  });

  it('modetest -s: dumb buffer + mmap + ADDFB2 + SETCRTC shows modetest\'s SMPTE pattern on the CRTC', async () => {
    const vk = await device({ profile: 'linux-6.12' });
    const conn = Object.values(vk.ids.connectors)[0]!;
    let shown: { crc: number; width: number; height: number } | null = null;
    // the program waits for a key after the modeset; the first RMFB is its cleanup
    const r = await run(vk, ['modetest', '-M', 'vkms', '-s', `${conn}:1024x768`], {
      beforeIoctl: (name) => {
        if (name === 'MODE_RMFB' && !shown) {
          const f = vk.composeNow();
          shown = f && { crc: f.crc, width: f.width, height: f.height };
        }
      },
    });
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('setting mode 1024x768-60.00Hz on connectors');
    // the same picture made by the TypeScript side: a 1024x768 XRGB8888 SMPTE framebuffer
    const t = await createTestOutput({ profile: 'linux-6.12', clock: 'immediate' });
    try {
      await t.light();
      const expected = t.vkms.composeNow()!;
      expect(shown).toEqual({ crc: expected.crc, width: 1024, height: 768 });
    } finally {
      await t.dispose();
    }
  });

  it('modetest -v: page flips complete and their events are read (≈60 Hz, printed on stderr every 60 flips)', async () => {
    const vk = await device();
    const conn = Object.values(vk.ids.connectors)[0]!;
    const input = new PassThrough();
    setTimeout(() => input.end('\n'), 3000); // modetest stops at a key press
    const r = await run(vk, ['modetest', '-M', 'vkms', '-s', `${conn}:1024x768`, '-v'], { input });
    expect(r.code).toBe(0);
    const freqs = [...r.stderr.matchAll(/freq: ([\d.]+)Hz/g)].map((m) => Number(m[1]));
    expect(freqs.length).toBeGreaterThanOrEqual(1);
    for (const f of freqs) expect(f).toBeGreaterThan(20); // 60 Hz when the machine is not overloaded
  });

  it('the server dying in the middle of a call: ENODEV in the program, no hang', async () => {
    const vk = await device();
    let calls = 0;
    const t0 = Date.now();
    const r = await run(vk, ['drm_info', '-j'], {
      beforeIoctl: (_name, server) => { if (++calls === 12) server.abort(); },
      log: () => undefined,
    });
    expect(Date.now() - t0).toBeLessThan(10000);
    expect(r.timedOut).toBe(false);
    expect(r.stderr).toContain('vkms-bridge: lost the device server');
  });

  it('a program killed while flipping: its file is released and the device serves the next program', async () => {
    const vk = await device();
    const conn = Object.values(vk.ids.connectors)[0]!;
    const input = new PassThrough(); // never ends: modetest flips until killed
    const r = await run(vk, ['modetest', '-M', 'vkms', '-s', `${conn}:1024x768`, '-v'], { input, timeoutMs: 700 });
    input.destroy();
    expect(r.timedOut).toBe(true);
    expect(r.signal).toBe('SIGKILL');
    const again = await run(vk, ['modetest', '-M', 'vkms', '-c']);
    expect(again.code).toBe(0);
    expect(again.stdout).toContain('Virtual-1');
  });

  it('two programs at once on one server: the master flips on, a second modetest is refused (EACCES), drm_info reads alongside', async () => {
    // uapi 6.1 (the first opener is master), 0.x DRM_MASTER ioctls from a non-master → EACCES
    const vk = await device();
    const conn = Object.values(vk.ids.connectors)[0]!;
    const crtc = Object.values(vk.ids.crtcs)[0]!;
    const dir = mkdtempSync(join(tmpdir(), 'vkms-two-'));
    try {
      // modetest #1 flips until its stdin gets a line; meanwhile drm_info and modetest #2 run
      const script = `(sleep 1.2; echo) | modetest -M vkms -s ${conn}:1024x768 -v > ${dir}/m1 2>&1 &
        sleep 0.4; drm_info -j > ${dir}/info.json; echo "drm_info $?"
        VKMS_BRIDGE_DEBUG=1 modetest -M vkms -s ${conn}:1024x768 > ${dir}/m2 2>&1; echo "modetest2 $?"; wait`;
      const r = await run(vk, ['sh', '-c', script], { timeoutMs: 15000 });
      expect(r.code, r.stderr).toBe(0);
      expect(r.stdout).toContain('drm_info 0');
      const m1 = readFileSync(join(dir, 'm1'), 'utf8');
      expect(m1).toMatch(/freq: (5[5-9]|6[0-4])\.\d+Hz/); // flipping went on at ≈60 Hz
      const info = JSON.parse(readFileSync(join(dir, 'info.json'), 'utf8')) as Record<string, { crtcs: { id: number }[] }>;
      expect(info['/dev/dri/card0']!.crtcs.map((c) => c.id)).toContain(crtc);
      // the second modetest's SETCRTC (nr 0xa2) came back EACCES (13); modetest itself does not report it
      expect(readFileSync(join(dir, 'm2'), 'utf8')).toMatch(/req 0xc06864a2 \(nr 0xa2 size 104\) -> 13,/);
      expect(vk.device.drm.files.size).toBe(0); // every file of the three programs is released
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('a file closed by the program is released on the device', async () => {
    const vk = await device();
    await run(vk, ['drm_info', '-j']);
    // drm_info's file was master; once released, a new open becomes master again (uapi 6.1)
    const card = new Card(vk.open());
    expect(() => card.ioctl('SET_MASTER', {})).not.toThrow();
    card.close();
  });
});
