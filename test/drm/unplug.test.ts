/** Unplug (uapi 7.1–7.5, 0.1) and the unbind guard / RegistrationData lifetime (DESIGN.md §2). */
import { beforeEach, describe, expect, it } from 'vitest';
import { AtomicRequest } from '../../src/client/atomic.js';
import type { Card } from '../../src/client/card.js';
import { ContextError } from '../../src/drm/driver/device.js';
import { reserveSequenceEvent, reserveVblankEvent } from '../../src/drm/events.js';
import type { DrmFile } from '../../src/drm/file.js';
import { AtomicFlag, ClientCap } from '../../src/uapi/drm-mode.js';
import { Fourcc } from '../../src/uapi/fourcc.js';
import type { IoctlArgs, IoctlName } from '../../src/uapi/ioctl.js';
import { createOwnDevice, expectErrno, fileOf, raw, tick } from './core-helpers.js';
import { createTestDevice, MODE_1024x768, type TestDevice } from './test-driver.js';

describe('after unbind (uapi 7.1–7.5)', () => {
  let t: TestDevice;
  let a: Card; // master
  let b: Card; // not master
  let fb: number;
  let h: number;
  let off: bigint;

  beforeEach(async () => {
    t = await createTestDevice();
    a = t.open();
    b = t.open();
    h = a.createDumb(64, 64, 32).handle;
    off = raw(a, 'MODE_MAP_DUMB', { handle: h }).offset!;
    fb = a.addFB2(64, 64, Fourcc.XRGB8888, [h], [256], [0]);
  });

  const CALLS: [IoctlName, (t: TestDevice) => Record<string, unknown>][] = [
    ['VERSION', () => ({})],
    ['GET_CAP', () => ({ capability: 1n })],
    ['SET_CLIENT_CAP', () => ({ capability: 2n, value: 1n })],
    ['GET_MAGIC', () => ({})],
    ['AUTH_MAGIC', () => ({ magic: 1 })],
    ['SET_VERSION', () => ({ drm_di_major: -1, drm_di_minor: -1, drm_dd_major: -1, drm_dd_minor: -1 })],
    ['SET_MASTER', () => ({})],
    ['DROP_MASTER', () => ({})],
    ['MODE_GETRESOURCES', () => ({})],
    ['MODE_GETCRTC', (t) => ({ crtc_id: t.crtc.id })],
    ['MODE_GETPLANE', (t) => ({ plane_id: t.primary.id })],
    ['MODE_GETCONNECTOR', (t) => ({ connector_id: t.connector.id })],
    ['MODE_CREATE_DUMB', () => ({ width: 64, height: 64, bpp: 32 })],
    ['MODE_MAP_DUMB', () => ({ handle: 1 })],
    ['MODE_DESTROY_DUMB', () => ({ handle: 1 })],
    ['GEM_CLOSE', () => ({ handle: 1 })],
    ['MODE_ADDFB2', () => ({ width: 64, height: 64, pixel_format: Fourcc.XRGB8888, handles: [1, 0, 0, 0], pitches: [256, 0, 0, 0] })],
    ['MODE_GETFB', () => ({ fb_id: 1 })],
    ['MODE_RMFB', () => ({ fb_id: 1 })],
    ['MODE_DIRTYFB', () => ({ fb_id: 1 })],
    ['MODE_ATOMIC', () => ({})],
    ['WAIT_VBLANK', () => ({ type: 1 })],
  ];

  it.each(CALLS)('%s on an open fd → ENODEV (master and non-master)', async (name, arg) => {
    // uapi 7.1, 0.1 (before the permission check: a non-master gets ENODEV, not EACCES)
    await t.unbind();
    for (const c of [a, b]) expectErrno(() => c.fd.ioctl(name, arg(t) as Partial<IoctlArgs[typeof name]>), 'ENODEV');
  });

  it('even an ioctl the table does not know → ENODEV', async () => {
    // uapi 0.1: the unplug check comes before the ioctl number is decoded
    expectErrno(() => a.fd.ioctl('NO_SUCH_IOCTL' as IoctlName, {}), 'EINVAL');
    await t.unbind();
    expectErrno(() => a.fd.ioctl('NO_SUCH_IOCTL' as IoctlName, {}), 'ENODEV');
  });

  it('nothing changed behind the ENODEV: FBs and handles are still the file\'s', async () => {
    // uapi 7.1
    await t.unbind();
    expectErrno(() => a.rmFB(fb), 'ENODEV');
    expectErrno(() => a.destroyDumb(h), 'ENODEV');
    expect(fileOf(a).fbs.map((f) => f.id)).toEqual([fb]);
    expect(fileOf(a).handles.ids()).toEqual([h]);
  });

  it('opening the device → ENODEV', async () => {
    // uapi 7.2
    await t.unbind();
    expect(() => t.device.open()).toThrowError(expect.objectContaining({ code: 'ENODEV' }));
    expect(() => t.open({ capSysAdmin: true })).toThrowError(expect.objectContaining({ code: 'ENODEV' }));
    // the node is gone before O_EXCL is even looked at (6.2)
    expect(() => t.device.open({ excl: true })).toThrowError(expect.objectContaining({ code: 'ENODEV' }));
    expect(t.device.drm.files.size).toBe(2);
  });

  it('mmap after unplug → ENODEV', async () => {
    // uapi 7.3
    expect(a.fd.mmap(off, 16384).length).toBe(16384);
    await t.unbind();
    expect(() => a.fd.mmap(off, 16384)).toThrowError(expect.objectContaining({ code: 'ENODEV' }));
  });

  it('read, poll and close of open files keep working: queued events can be drained', async () => {
    // uapi 7.4
    const fa = fileOf(a);
    reserveVblankEvent(fa, 2, t.crtc.id, 0x77n).deliver(3n, 1_000_000n);
    reserveSequenceEvent(fa, 0x78n).deliver(4n, 2_000_000n);
    await t.unbind();
    expect(a.fd.poll()).toBe(0x41);
    const buf = new Uint8Array(32);
    expect(a.fd.read(buf)).toBe(32);
    const v = new DataView(buf.buffer);
    expect([v.getUint32(0, true), v.getBigUint64(8, true), v.getUint32(24, true), v.getUint32(28, true)]).toEqual([2, 0x77n, 3, t.crtc.id]);
    expect(a.fd.read(buf)).toBe(32);
    expect([v.getUint32(0, true), v.getBigUint64(8, true), v.getBigUint64(24, true)]).toEqual([3, 0x78n, 4n]);
    expect(a.fd.poll()).toBe(0);
    expect(fa.eventSpace).toBe(4096);
    expect(t.device.drm.files.size).toBe(2);
    a.close();
    b.close();
    expect(a.fd.closed).toBe(true);
    expect(b.fd.closed).toBe(true);
    expect(t.device.drm.files.size).toBe(0);
  });

  it('closing the owner of a lit FB after unplug still takes it off the planes', async () => {
    // uapi 7.4, 5.16
    a.setClientCap(ClientCap.ATOMIC, 1);
    const d = a.createDumb(1024, 768, 32);
    const lit = a.addFB2(1024, 768, Fourcc.XRGB8888, [d.handle], [d.pitch], [0]);
    const req = new AtomicRequest()
      .add(t.crtc.id, 'MODE_ID', a.createModeBlob(MODE_1024x768)).add(t.crtc.id, 'ACTIVE', 1)
      .add(t.connector.id, 'CRTC_ID', t.crtc.id)
      .add(t.primary.id, 'FB_ID', lit).add(t.primary.id, 'CRTC_ID', t.crtc.id)
      .add(t.primary.id, 'SRC_W', 1024 << 16).add(t.primary.id, 'SRC_H', 768 << 16)
      .add(t.primary.id, 'CRTC_W', 1024).add(t.primary.id, 'CRTC_H', 768);
    await a.atomicCommit(req, AtomicFlag.ALLOW_MODESET);
    expect(t.primary.state.fb?.id).toBe(lit);
    await t.unbind();
    expect(() => a.close()).not.toThrow();
    expect(t.primary.state.fb).toBeNull();
    expect(t.primary.state.crtc).toBeNull();
    expect(t.device.drm.fb(lit)).toBeUndefined();
  });

  it('a non-blocking file reads EAGAIN on an empty queue after unplug', async () => {
    // uapi 7.4, 4.12
    const f = t.device.open({ nonblock: true }) as DrmFile;
    await t.unbind();
    expect(() => f.read(new Uint8Array(32))).toThrowError(expect.objectContaining({ code: 'EAGAIN' }));
    expect(f.poll()).toBe(0);
    f.close();
  });

  it('drm_dev_enter fails once unplugged', async () => {
    // uapi 7.5
    const g = t.device.enter();
    expect(g).not.toBeNull();
    expect(g!.registrationData).toEqual({ regs: [1, 2, 3] });
    g!.exit();
    await t.unbind();
    expect(t.device.isUnplugged).toBe(true);
    expect(t.device.enter()).toBeNull();
    expect(await t.device.guarded(() => 1)).toBeUndefined();
  });
});

describe('unbind waits for open guards before dropping RegistrationData (uapi 7.5, DESIGN.md §2)', () => {
  let log: string[];
  let reg: { regs: number[]; [Symbol.dispose](): void };

  beforeEach(() => {
    log = [];
    reg = { regs: [4, 5], [Symbol.dispose]: () => { log.push('dispose'); } };
  });

  it('unplugs at once, waits for the guard, then disposes the RegistrationData', async () => {
    const d = await createOwnDevice({ registrationData: reg });
    const c = d.open();
    const g = d.device.enter()!;
    expect(g.registrationData).toBe(reg);
    let done = false;
    const p = d.unbind().then(() => { done = true; });
    await tick();
    await tick();
    // already unplugged for userspace and for new guards …
    expect(d.device.isUnplugged).toBe(true);
    expectErrno(() => c.getResources(), 'ENODEV');
    expect(() => d.device.open()).toThrowError(expect.objectContaining({ code: 'ENODEV' }));
    expect(d.device.enter()).toBeNull();
    // … but the open section still sees its RegistrationData, and unbind has not finished
    expect(done).toBe(false);
    expect(log).toEqual([]);
    expect(g.active).toBe(true);
    expect(g.registrationData).toBe(reg);
    log.push('exit');
    g.exit();
    await p;
    expect(done).toBe(true);
    expect(log).toEqual(['exit', 'dispose']);
    expect(g.active).toBe(false);
    expect(() => g.registrationData).toThrow(ContextError);
  });

  it('waits for every open guard (and an async section through guarded())', async () => {
    const d = await createOwnDevice({ registrationData: reg });
    const g1 = d.device.enter()!;
    const g2 = d.device.enter()!;
    let release!: () => void;
    const section = d.device.guarded(async (g) => {
      await new Promise<void>((r) => { release = r; });
      log.push(`section sees regs ${g.registrationData.regs.join(',')}`);
      return 'ok';
    });
    const p = d.unbind();
    await tick();
    g1.exit();
    await tick();
    expect(log).toEqual([]);
    g2.exit();
    await tick();
    expect(log).toEqual([]);
    release();
    expect(await section).toBe('ok');
    await p;
    expect(log).toEqual(['section sees regs 4,5', 'dispose']);
  });

  it('with no guard open, disposes during unbind', async () => {
    const d = await createOwnDevice({ registrationData: reg });
    await d.unbind();
    expect(log).toEqual(['dispose']);
    // a second unbind does nothing
    await d.unbind();
    expect(log).toEqual(['dispose']);
  });

  it('awaits an async dispose', async () => {
    const areg = {
      regs: [],
      async [Symbol.asyncDispose]() {
        await tick();
        log.push('async dispose');
      },
    };
    const d = await createOwnDevice({ registrationData: areg });
    await d.unbind();
    expect(log).toEqual(['async dispose']);
  });
});
