/**
 * libvkms_preload.so without libdrm: the generated tree, path redirection and the character-device
 * disguise seen by ordinary programs (coreutils), and the messages when no server is there.
 */
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readlinkSync, realpathSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BridgeServer } from '../../src/bridge/server.js';
import { runWithBridge, BridgeError, DEFAULT_PRELOAD } from '../../src/bridge/run.js';
import { generateTree } from '../../src/bridge/sysfs-tree.js';
import { createVkms, type VkmsDevice } from '../../src/vkms/device.js';
import { bridgePrereq, describeBridge, REPO } from './bridge-env.js';

describe('sysfs tree', () => {
  const root = mkdtempSync(join(tmpdir(), 'vkms-tree-'));
  afterAll(() => rmSync(root, { recursive: true, force: true }));
  generateTree(root, { driver: 'vkms', connectors: [{ type: 15, typeId: 1, status: 'connected' }, { type: 18, typeId: 1, status: 'unknown' }] });

  it('has what libdrm 2.4.114 reads for a platform device (libdrm-bridge.md §1.2)', () => {
    const r = (p: string) => join(root, p);
    expect(readFileSync(r('sys/devices/platform/vkms/uevent'), 'utf8')).toBe('DRIVER=vkms\nMODALIAS=platform:vkms\n');
    expect(readlinkSync(r('sys/dev/char/226:0/device/subsystem'))).toBe('../../../bus/platform');
    expect(statSync(r('sys/dev/char/226:0/device/drm')).isDirectory()).toBe(true);
    expect(readFileSync(r('sys/dev/char/226:0/uevent'), 'utf8')).toContain('DEVNAME=dri/card0\n');
    expect(realpathSync(r('sys/class/drm/card0'))).toBe(realpathSync(r('sys/devices/platform/vkms/drm/card0')));
    expect(realpathSync(r('sys/dev/char/226:0/device'))).toBe(realpathSync(r('sys/devices/platform/vkms')));
    expect(realpathSync(r('sys/bus/platform/devices/vkms'))).toBe(realpathSync(r('sys/devices/platform/vkms')));
  });

  it('has connector directories, the module, udev data and the debugfs name', () => {
    const r = (p: string) => join(root, p);
    expect(readFileSync(r('sys/class/drm/card0-Virtual-1/status'), 'utf8')).toBe('connected\n');
    expect(readFileSync(r('sys/class/drm/card0-Writeback-1/status'), 'utf8')).toBe('unknown\n');
    expect(statSync(r('sys/module/vkms')).isDirectory()).toBe(true);
    expect(readFileSync(r('run/udev/data/c226:0'), 'utf8')).toContain('E:ID_PATH=platform-vkms\n');
    expect(readFileSync(r('sys/kernel/debug/dri/0/name'), 'utf8')).toBe('vkms dev=vkms unique=vkms\n');
  });
});

it('run-client looks for the library where `node src/bridge/build.mjs` puts it', () => {
  expect(DEFAULT_PRELOAD).toBe(join(REPO, 'dist/bridge/libvkms_preload.so'));
});

const prereq = bridgePrereq();

describeBridge('preload library: paths and nodes (coreutils)', prereq, () => {
  let vk: VkmsDevice;
  beforeAll(async () => { vk = await createVkms(); });
  afterAll(async () => { await vk.unplug(); });
  const run = (argv: string[]) => runWithBridge(argv, { device: vk, preload: prereq.preload, timeoutMs: 10000 });

  it('/dev/dri holds card0 only, a character device 226:0 (statx)', async () => {
    expect((await run(['ls', '/dev/dri'])).stdout).toBe('card0\n');
    const st = await run(['stat', '-c', '%F %t:%T %a', '/dev/dri/card0']);
    expect(st.stdout).toBe('character special file e2:0 666\n');
    expect((await run(['find', '/dev/dri', '-type', 'c'])).stdout).toBe('/dev/dri/card0\n'); // readdir's d_type
    const ls = await run(['ls', '-l', '/dev/dri']);
    expect(ls.stderr).toBe(''); // lgetxattr redirected too
    expect(ls.stdout).toMatch(/^crw-rw-rw- .* 226, 0 .* card0$/m);
    const missing = await run(['stat', '/dev/dri/card1']);
    expect(missing.code).not.toBe(0); // a host GPU never shows through
  });

  it('sysfs links resolve inside the tree; realpath gives the virtual path', async () => {
    expect((await run(['readlink', '/sys/dev/char/226:0/device/subsystem'])).stdout).toBe('../../../bus/platform\n');
    expect((await run(['realpath', '/sys/class/drm/card0'])).stdout).toBe('/sys/devices/platform/vkms/drm/card0\n');
    expect((await run(['cat', '/sys/dev/char/226:0/uevent'])).stdout).toBe('MAJOR=226\nMINOR=0\nDEVNAME=dri/card0\nDEVTYPE=drm_minor\n');
    expect((await run(['ls', '/sys/class/drm'])).stdout.split('\n').filter(Boolean)).toEqual(['card0', 'card0-Virtual-1', 'card0-Writeback-1', 'version']);
  });

  it('leaves other paths alone', async () => {
    const r = await run(['cat', '/proc/self/comm']);
    expect(r.stdout).toBe('cat\n');
    expect((await run(['ls', '/sys/class'])).code).toBe(0);
  });

  it('without VKMS_BRIDGE: an error message, and DRM paths are hidden', () => {
    const env: NodeJS.ProcessEnv = { ...process.env, LD_PRELOAD: prereq.preload };
    delete env.VKMS_BRIDGE;
    const r = spawnSync('ls', ['/dev/dri'], { env, encoding: 'utf8' });
    expect(r.status).not.toBe(0);
    expect(r.stderr).toContain('vkms-bridge: VKMS_BRIDGE is not set');
  });

  it('with a run dir that is gone: says the server is not running', () => {
    const r = spawnSync('ls', ['/dev/dri'], { env: { ...process.env, LD_PRELOAD: prereq.preload, VKMS_BRIDGE: '/nonexistent/vkms-bridge-x' }, encoding: 'utf8' });
    expect(r.status).not.toBe(0);
    expect(r.stderr).toContain('the run dir /nonexistent/vkms-bridge-x does not exist');
  });

  it('with a server that died (socket left behind): open() fails with ENODEV and says so', async () => {
    // a server killed with SIGKILL leaves its socket files: listen in a child and kill it
    const s = await BridgeServer.start({ device: vk, keepRunDir: true });
    const node = s.nodePath;
    await s.close(); // unlinks the sockets
    const child = spawn(process.execPath, ['-e', `require('net').createServer().listen(${JSON.stringify(node)}, () => process.kill(process.pid, 'SIGKILL'))`]);
    await new Promise((r) => child.once('exit', r));
    try {
      const r = spawnSync('cat', ['/dev/dri/card0'], { env: { ...process.env, LD_PRELOAD: prereq.preload, VKMS_BRIDGE: s.runDir }, encoding: 'utf8', timeout: 10000 });
      expect(r.status).not.toBe(0);
      expect(r.stderr).toContain('vkms-bridge: cannot connect to the device server');
      expect(r.stderr).toContain('No such device'); // cat's own message for ENODEV
    } finally {
      rmSync(s.runDir, { recursive: true, force: true });
    }
  });

  it('run-client errors: no program, unknown program, missing library', async () => {
    await expect(runWithBridge([], { device: vk, preload: prereq.preload })).rejects.toThrow(BridgeError);
    await expect(runWithBridge(['/nonexistent/prog'], { device: vk, preload: prereq.preload })).rejects.toThrow(/no such program/);
    await expect(runWithBridge(['true'], { device: vk, preload: '/nonexistent/lib.so' })).rejects.toThrow(/npm run build:bridge/);
  });
});
