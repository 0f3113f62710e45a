import { describe, expect, it } from 'vitest';
import { Card } from '../../../src/client/card.js';
import { AtomicRequest } from '../../../src/client/atomic.js';
import { ContextError, createFauxDevice, FauxDevice, Registration, UnregisteredDevice } from '../../../src/drm/driver/index.js';
import { innerOf } from '../../../src/drm/driver/device.js';
import { AtomicFlag, ClientCap, Fourcc, PlaneType } from '../../../src/uapi/index.js';
import { createLc, lcDriver, regData } from './lifecycle-driver.js';

const code = (f: () => unknown) => { try { f(); } catch (e) { return (e as { code?: string }).code ?? (e as Error).name; } return 'no error'; };

describe('parent device and devres', () => {
  it('releases devres actions in reverse order on unbind', async () => {
    const order: string[] = [];
    const faux = await createFauxDevice('p', { probe(d) { d.devres.add('a', () => { order.push('a'); }); d.devres.add('b', () => { order.push('b'); }); d.devres.add('c', async () => { order.push('c'); }); } });
    expect(faux.isBound).toBe(true);
    await faux.unbind();
    expect(order).toEqual(['c', 'b', 'a']);
    expect(faux.isBound).toBe(false);
  });

  it('unwinds devres when probe fails', async () => {
    const order: string[] = [];
    const faux = new FauxDevice('p');
    await expect(faux.bind({ probe(d) { d.devres.add('x', () => { order.push('x'); }); throw new Error('probe failed'); } })).rejects.toThrow('probe failed');
    expect(order).toEqual(['x']);
    expect(faux.isBound).toBe(false);
  });
});

describe('Registration.newForeignOwned', () => {
  it('EINVAL when the device belongs to another parent', async () => {
    await createFauxDevice('a', {
      async probe(pa) {
        const fb = await createFauxDevice('b', { probe() {} });
        const u = UnregisteredDevice.create(pa, lcDriver, { label: 'x', seen: [] });
        const p = u.createPlane({ type: PlaneType.PRIMARY, possibleCrtcs: 0, formats: [Fourcc.XRGB8888] });
        u.createCrtc({ primary: p, cursor: null });
        expect(code(() => Registration.newForeignOwned(u, fb.bound!, regData()))).toBe('EINVAL');
      },
    });
  });

  it('stores RegistrationData before registering, refuses a second registration and later object creation', async () => {
    await createFauxDevice('a', {
      probe(parent) {
        const u = UnregisteredDevice.create(parent, lcDriver, { label: 'x', seen: [] });
        const p = u.createPlane({ type: PlaneType.PRIMARY, possibleCrtcs: 0, formats: [Fourcc.XRGB8888] });
        u.createCrtc({ primary: p, cursor: null });
        const reg = regData();
        const dev = Registration.newForeignOwned(u, parent, reg);
        {
          using g = dev.enter()!;
          expect(g.registrationData).toBe(reg);
        }
        expect(() => Registration.newForeignOwned(u, parent, regData())).toThrow(ContextError);
        expect(() => u.createPlane({ type: PlaneType.OVERLAY, possibleCrtcs: 1, formats: [Fourcc.XRGB8888] })).toThrow(/before registration/);
      },
    });
  });

  it('clears the RegistrationData again when registration fails', async () => {
    await createFauxDevice('a', {
      probe(parent) {
        const u = UnregisteredDevice.create(parent, lcDriver, { label: 'x', seen: [] });
        u.createPlane({ type: PlaneType.PRIMARY, possibleCrtcs: 1, formats: [Fourcc.XRGB8888] }); // a plane but no CRTC
        expect(code(() => Registration.newForeignOwned(u, parent, regData()))).toBe('EINVAL');
        expect(innerOf(u.device).registrationData).toBeUndefined();
        expect(u.device.isRegistered).toBe(false);
      },
    });
  });
});

describe('modeset before registration', () => {
  it('runs the KMS callbacks with the Initialized device, which reads DeviceData', async () => {
    const lc = await createLc(true);
    const before = lc.data.seen.filter((s) => !s.registered);
    expect(before.map((s) => s.where)).toEqual(expect.arrayContaining(['plane.atomicCheck', 'crtc.atomicCheck', 'connector.atomicCheck', 'crtc.atomicBegin', 'plane.atomicUpdate']));
    expect(before.every((s) => s.label === 'from-device-data')).toBe(true);
    // userspace sees the configuration the driver lit
    const card = new Card(lc.device.open());
    const crtc = card.getCrtc(lc.crtc.id);
    expect(crtc.modeValid).toBe(true);
    expect(crtc.mode.hdisplay).toBe(1024);
    expect(card.getConnector(lc.connector.id).encoderId).not.toBe(0);
    // the boot FB belongs to no file: not in this file's GETRESOURCES list
    expect(card.getResources().fbs).toEqual([]);
    expect(crtc.bufferId).toBe(lc.primary.state.fb!.id);
  });

  it('userspace cannot open the device before registration', async () => {
    await createFauxDevice('a', {
      probe(parent) {
        const u = UnregisteredDevice.create(parent, lcDriver, { label: 'x', seen: [] });
        // bypassing the types: the run-time check answers
        expect(() => (u.device as unknown as { open(): unknown }).open()).toThrow(ContextError);
        expect(() => (u.device as unknown as { enter(): unknown }).enter()).toThrow(ContextError);
      },
    });
  });
});

describe('UnbindGuard and unplug', () => {
  it('RegistrationData is only reachable inside a guard; enter fails after unplug (uapi 7.5)', async () => {
    const lc = await createLc(false);
    const g = lc.device.enter()!;
    expect(g.registrationData).toBe(lc.reg);
    g.exit();
    expect(() => g.registrationData).toThrow(ContextError);
    await lc.faux.unbind();
    expect(lc.device.enter()).toBeNull();
  });

  it('unplug waits for an async guarded section before disposing RegistrationData', async () => {
    const lc = await createLc(false);
    const card = new Card(lc.device.open());
    let release!: () => void;
    const gate = new Promise<void>((r) => { release = r; });
    const log: string[] = [];
    const section = lc.device.guarded(async (g) => {
      log.push('enter');
      await gate;
      // still valid: unplug is waiting for us
      expect(g.registrationData.disposed).toBe(false);
      g.registrationData.uses++;
      log.push('exit');
    });
    const unbound = lc.faux.unbind().then(() => log.push('unplugged'));
    await Promise.resolve();
    // meanwhile the device is already unplugged for everyone else (uapi 7.1, 7.2)
    expect(code(() => card.getResources())).toBe('ENODEV');
    expect(code(() => lc.device.open())).toBe('ENODEV');
    expect(lc.device.enter()).toBeNull();
    expect(lc.reg.disposed).toBe(false);
    release();
    await section;
    await unbound;
    expect(log).toEqual(['enter', 'exit', 'unplugged']);
    expect(lc.reg.disposed).toBe(true);
    expect(lc.reg.uses).toBe(1);
    card.close(); // uapi 7.4
  });

  it('unplug in the middle of a nonblocking commit: the event arrives exactly once, nothing hangs', async () => {
    const lc = await createLc(true);
    const card = new Card(lc.device.open());
    card.setClientCap(ClientCap.ATOMIC, 1);
    const { handle, pitch } = card.createDumb(1024, 768, 32);
    const fb = card.addFB2(1024, 768, Fourcc.XRGB8888, [handle], [pitch], [0]);
    card.atomicCommitSync(new AtomicRequest().add(lc.primary.id, 'FB_ID', fb), AtomicFlag.NONBLOCK | AtomicFlag.PAGE_FLIP_EVENT, 99);
    expect(card.readEvents()).toHaveLength(0); // the flip waits for the next vblank
    await lc.faux.unbind(); // must not hang: vblank off completes the pending flip
    const ev = card.readEvents(); // events stay readable after unplug (uapi 7.4)
    expect(ev).toHaveLength(1);
    expect(ev[0]).toMatchObject({ type: 2, user_data: 99n, crtc_id: lc.crtc.id });
    expect(card.readEvents()).toHaveLength(0);
    expect(lc.reg.disposed).toBe(true);
  });
});
