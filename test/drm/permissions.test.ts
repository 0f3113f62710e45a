/** Permission checks with the real handlers (uapi 0.5, 6.3, 6.4). */
import { describe, expect, it } from 'vitest';
import { Cap, ClientCap, ObjectType } from '../../src/uapi/drm-mode.js';
import { Fourcc } from '../../src/uapi/fourcc.js';
import type { IoctlArgs } from '../../src/uapi/ioctl.js';
import { createTestDevice } from './test-driver.js';
import { errnoOf, expectErrno } from './helpers.js';

describe('uapi 0.5 / 6.3: master-only ioctls', () => {
  it('refuse a second opener (not master) with EACCES and accept the master', async () => {
    // uapi 0.5, 6.3 (6.1: the first opener is master, the second is not)
    const t = await createTestDevice();
    const master = t.open();
    const other = t.open();
    expectErrno(() => other.fd.ioctl('SET_VERSION', { drm_di_major: -1, drm_dd_major: -1 }), 'EACCES');
    expect(errnoOf(() => master.fd.ioctl('SET_VERSION', { drm_di_major: -1, drm_dd_major: -1 }))).toBe('no error');
    const magic = other.getMagic();
    expect(magic).toBeGreaterThan(0);
    expectErrno(() => other.fd.ioctl('AUTH_MAGIC', { magic }), 'EACCES');
    expect(errnoOf(() => master.authMagic(magic))).toBe('no error');
  });

  it('ATOMIC (even TEST_ONLY) and DIRTYFB are master-only', async () => {
    // uapi 6.3
    const t = await createTestDevice();
    const master = t.open();
    const other = t.open();
    other.setClientCap(ClientCap.ATOMIC, 1);
    expectErrno(() => other.fd.ioctl('MODE_ATOMIC', { flags: 0x100 /* TEST_ONLY */ }), 'EACCES');
    expectErrno(() => other.fd.ioctl('MODE_DIRTYFB', { fb_id: 9999 }), 'EACCES');
    // the master gets past the permission check to the handler's own checks
    expectErrno(() => master.fd.ioctl('MODE_DIRTYFB', { fb_id: 9999 }), 'ENOENT');
  });

  it('checks permission before the handler looks at the arguments', async () => {
    // uapi 0.5: an argument the handler would reject still gives EACCES
    const t = await createTestDevice();
    t.open();
    const other = t.open();
    expectErrno(() => other.fd.ioctl('SET_VERSION', { drm_di_major: 77 }), 'EACCES');
    expectErrno(() => other.fd.ioctl('AUTH_MAGIC', { magic: 0 }), 'EACCES');
  });
});

describe('uapi 6.4: ioctls any client may call', () => {
  it('pass the permission check for a file that is neither master nor authenticated', async () => {
    // uapi 6.4
    const t = await createTestDevice();
    t.open();
    const c = t.open();
    const ok = (fn: () => unknown) => expect(errnoOf(fn)).toBe('no error');
    ok(() => c.getVersion());
    ok(() => c.getCap(Cap.DUMB_BUFFER));
    ok(() => c.setClientCap(ClientCap.UNIVERSAL_PLANES, 1));
    ok(() => c.getMagic());
    ok(() => c.getResources());
    ok(() => c.getPlaneResources());
    ok(() => c.getCrtc(t.crtc.id));
    ok(() => c.getPlane(t.primary.id));
    ok(() => c.getEncoder(t.encoder.id));
    ok(() => c.getConnector(t.connector.id));
    ok(() => c.getObjectProperties(t.primary.id, ObjectType.PLANE));
    ok(() => c.getProperty(1));
    const gamma: Partial<IoctlArgs['MODE_GETGAMMA']> = { crtc_id: t.crtc.id, gamma_size: 256, red: new Uint16Array(256), green: new Uint16Array(256), blue: new Uint16Array(256) };
    ok(() => c.fd.ioctl('MODE_GETGAMMA', gamma));
    let blob = 0;
    ok(() => { blob = c.createPropertyBlob(new Uint8Array(8)); });
    ok(() => c.getPropertyBlob(blob));
    ok(() => c.destroyPropertyBlob(blob));
    let d = { handle: 0, pitch: 0, size: 0n };
    ok(() => { d = c.createDumb(64, 64, 32); });
    ok(() => c.mapDumb(d.handle));
    let fb = 0;
    ok(() => { fb = c.addFB2(64, 64, Fourcc.XRGB8888, [d.handle, 0, 0, 0], [d.pitch, 0, 0, 0], [0, 0, 0, 0]); });
    ok(() => c.fd.ioctl('MODE_GETFB', { fb_id: fb }));
    ok(() => c.getFB2(fb));
    ok(() => c.closeFB(fb));
    ok(() => { fb = c.addFB(64, 64, 24, 32, d.pitch, d.handle); });
    ok(() => c.rmFB(fb));
    ok(() => c.destroyDumb(d.handle));
    const d2 = c.createDumb(16, 16, 32);
    ok(() => c.closeHandle(d2.handle));
  });

  it('GEM_FLINK and GEM_OPEN need an authenticated file', async () => {
    // uapi 6.4: DRM_AUTH ioctls; 6.10: AUTH_MAGIC authenticates; 6.1: CAP_SYS_ADMIN openers are authenticated
    const t = await createTestDevice();
    const master = t.open();
    const other = t.open();
    const d = other.createDumb(16, 16, 32);
    expectErrno(() => other.fd.ioctl('GEM_FLINK', { handle: d.handle }), 'EACCES');
    expectErrno(() => other.fd.ioctl('GEM_OPEN', { name: 1 }), 'EACCES');
    master.authMagic(other.getMagic());
    const flink: Partial<IoctlArgs['GEM_FLINK']> = { handle: d.handle };
    other.fd.ioctl('GEM_FLINK', flink);
    expect(flink.name).toBe(1);
    const root = t.open({ capSysAdmin: true });
    const open: Partial<IoctlArgs['GEM_OPEN']> = { name: flink.name! };
    root.fd.ioctl('GEM_OPEN', open);
    expect(open.handle).toBe(1);
    expect(open.size).toBe(d.size);
    // the master itself is authenticated
    const md = master.createDumb(16, 16, 32);
    expect(errnoOf(() => master.fd.ioctl('GEM_FLINK', { handle: md.handle }))).toBe('no error');
  });
});
