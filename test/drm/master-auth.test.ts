/** Master and authentication (uapi 6.1–6.10, 0.5). */
import { beforeEach, describe, expect, it } from 'vitest';
import { Card } from '../../src/client/card.js';
import { ClientCap, ObjectType } from '../../src/uapi/drm-mode.js';
import { DrmError } from '../../src/uapi/errno.js';
import type { DrmFd } from '../../src/uapi/fd.js';
import { Fourcc } from '../../src/uapi/fourcc.js';
import type { IoctlArgs, IoctlName } from '../../src/uapi/ioctl.js';
import { expectErrno, fileOf, raw } from './core-helpers.js';
import { createTestDevice, type TestDevice } from './test-driver.js';

/** SET_VERSION with "don't care" versions: succeeds exactly for the current master (6.3). */
const setVersion = (card: Card) => raw(card, 'SET_VERSION', { drm_di_major: -1, drm_di_minor: -1, drm_dd_major: -1, drm_dd_minor: -1 });
const isCurrentMaster = (card: Card): boolean => {
  try {
    setVersion(card);
    return true;
  } catch (e) {
    if (e instanceof DrmError && e.code === 'EACCES') return false;
    throw e;
  }
};

describe('master and authentication (uapi 6.1–6.10)', () => {
  let t: TestDevice;
  let a: Card;

  beforeEach(async () => {
    t = await createTestDevice();
    a = t.open();
  });

  describe('open (6.1, 6.2)', () => {
    it('the first opener becomes master and is authenticated', () => {
      // uapi 6.1
      const fa = fileOf(a);
      expect(fa.isMaster).toBe(true);
      expect(fa.authenticated).toBe(true);
      expect(t.device.drm.master).toBe(fa.master);
      expect(isCurrentMaster(a)).toBe(true);
      expect(setVersion(a)).toEqual({ drm_di_major: 1, drm_di_minor: 4, drm_dd_major: 1, drm_dd_minor: 2 });
    });

    it('later openers are not master; authenticated only with CAP_SYS_ADMIN', () => {
      // uapi 6.1
      const b = t.open();
      const root = t.open({ capSysAdmin: true });
      for (const c of [b, root]) {
        expect(fileOf(c).isMaster).toBe(false);
        expect(fileOf(c).master).toBe(fileOf(a).master); // drm_master_open: a reference to the current master
        expect(isCurrentMaster(c)).toBe(false);
      }
      expect(fileOf(b).authenticated).toBe(false);
      expect(fileOf(root).authenticated).toBe(true);
      expect(t.device.drm.master).toBe(fileOf(a).master);
    });

    it('O_EXCL → EBUSY, and the refused open does not become master', async () => {
      // uapi 6.2
      expect(() => t.device.open({ excl: true })).toThrowError(expect.objectContaining({ code: 'EBUSY' }));
      const t2 = await createTestDevice();
      expect(() => t2.device.open({ excl: true })).toThrowError(expect.objectContaining({ code: 'EBUSY' }));
      expect(t2.device.drm.master).toBeNull();
      expect(t2.device.drm.files.size).toBe(0);
      const first = t2.open();
      expect(fileOf(first).isMaster).toBe(true);
    });
  });

  describe('permission checks (6.3, 6.4, 0.5)', () => {
    const MASTER_ONLY: [IoctlName, Record<string, unknown>][] = [
      ['SET_VERSION', { drm_di_major: -1, drm_di_minor: -1, drm_dd_major: -1, drm_dd_minor: -1 }],
      ['AUTH_MAGIC', { magic: 1 }],
      ['MODE_SETCRTC', {}],
      ['MODE_SETPLANE', {}],
      ['MODE_CURSOR', {}],
      ['MODE_CURSOR2', {}],
      ['MODE_SETGAMMA', {}],
      ['MODE_SETPROPERTY', {}],
      ['MODE_OBJ_SETPROPERTY', {}],
      ['MODE_PAGE_FLIP', {}],
      ['MODE_DIRTYFB', {}],
      ['MODE_ATOMIC', {}],
      ['MODE_ATOMIC', { flags: 0x100 }], // DRM_MODE_ATOMIC_TEST_ONLY
      ['MODE_CREATE_LEASE', {}],
      ['MODE_LIST_LESSEES', {}],
      ['MODE_GET_LEASE', {}],
      ['MODE_REVOKE_LEASE', {}],
    ];

    it.each(MASTER_ONLY)('%s from a non-master → EACCES', (name, arg) => {
      // uapi 6.3
      const b = t.open();
      const root = t.open({ capSysAdmin: true });
      expectErrno(() => b.fd.ioctl(name, arg as Partial<IoctlArgs[typeof name]>), 'EACCES');
      // CAP_SYS_ADMIN does not make a file master
      expectErrno(() => root.fd.ioctl(name, arg as Partial<IoctlArgs[typeof name]>), 'EACCES');
      // neither does having been master
      a.dropMaster();
      expectErrno(() => a.fd.ioctl(name, arg as Partial<IoctlArgs[typeof name]>), 'EACCES');
    });

    it('the listed ioctls pass the permission check for an unauthenticated non-master', () => {
      // uapi 6.4
      const b = t.open();
      expect(fileOf(b).authenticated).toBe(false);
      const afb = a.addFB2(64, 64, Fourcc.XRGB8888, [a.createDumb(64, 64, 32).handle], [256], [0]);
      const gamma = () => new Uint16Array(256);
      raw(b, 'MODE_GETRESOURCES', {});
      raw(b, 'MODE_GETPLANERESOURCES', {});
      raw(b, 'MODE_GETCRTC', { crtc_id: t.crtc.id });
      raw(b, 'MODE_GETPLANE', { plane_id: t.primary.id });
      raw(b, 'MODE_GETGAMMA', { crtc_id: t.crtc.id, gamma_size: 256, red: gamma(), green: gamma(), blue: gamma() });
      raw(b, 'MODE_GETENCODER', { encoder_id: t.encoder.id });
      raw(b, 'MODE_GETCONNECTOR', { connector_id: t.connector.id });
      raw(b, 'MODE_GETPROPERTY', { prop_id: t.device.drm.std.CRTC_ID.id });
      raw(b, 'MODE_OBJ_GETPROPERTIES', { obj_id: t.crtc.id, obj_type: ObjectType.CRTC });
      const blob = raw(b, 'MODE_CREATEPROPBLOB', { data: new Uint8Array(8), length: 8 }).blob_id!;
      raw(b, 'MODE_GETPROPBLOB', { blob_id: blob });
      raw(b, 'MODE_DESTROYPROPBLOB', { blob_id: blob });
      raw(b, 'MODE_GETFB', { fb_id: afb });
      raw(b, 'MODE_GETFB2', { fb_id: afb });
      const h = raw(b, 'MODE_CREATE_DUMB', { width: 64, height: 64, bpp: 32 }).handle!;
      raw(b, 'MODE_MAP_DUMB', { handle: h });
      const f1 = raw(b, 'MODE_ADDFB', { width: 64, height: 64, bpp: 32, depth: 24, pitch: 256, handle: h }).fb_id!;
      const f2 = raw(b, 'MODE_ADDFB2', { width: 64, height: 64, pixel_format: Fourcc.XRGB8888, handles: [h, 0, 0, 0], pitches: [256, 0, 0, 0] }).fb_id!;
      raw(b, 'MODE_RMFB', { fb_id: f1 });
      raw(b, 'MODE_CLOSEFB', { fb_id: f2 });
      raw(b, 'MODE_DESTROY_DUMB', { handle: h });
      const h2 = raw(b, 'MODE_CREATE_DUMB', { width: 1, height: 1, bpp: 8 }).handle!;
      raw(b, 'GEM_CLOSE', { handle: h2 });
      raw(b, 'SET_CLIENT_CAP', { capability: BigInt(ClientCap.UNIVERSAL_PLANES), value: 1n });
      raw(b, 'GET_CAP', { capability: 1n });
      raw(b, 'VERSION', {});
      expect(raw(b, 'GET_MAGIC', {}).magic).toBeGreaterThan(0);
      // vblank ioctls: the handler's own checks answer (EINVAL here: _DRM_VBLANK_SIGNAL 8.1,
      // CRTC off 8.10, bad flags 8.11), never EACCES
      expectErrno(() => b.fd.ioctl('WAIT_VBLANK', { type: 0x40000000 }), 'EINVAL');
      expectErrno(() => b.fd.ioctl('CRTC_GET_SEQUENCE', { crtc_id: t.crtc.id }), 'EINVAL');
      expectErrno(() => b.fd.ioctl('CRTC_QUEUE_SEQUENCE', { crtc_id: t.crtc.id, flags: 4 }), 'EINVAL');
    });

    it('GEM_FLINK and GEM_OPEN need authentication', () => {
      // uapi 6.4
      const b = t.open();
      const hb = b.createDumb(64, 64, 32).handle;
      expectErrno(() => raw(b, 'GEM_FLINK', { handle: hb }), 'EACCES');
      expectErrno(() => raw(b, 'GEM_OPEN', { name: 1 }), 'EACCES');
      // the master (authenticated) can
      const ha = a.createDumb(64, 64, 32).handle;
      const name = raw(a, 'GEM_FLINK', { handle: ha }).name!;
      expect(name).toBe(1);
      expect(raw(a, 'GEM_FLINK', { handle: ha }).name).toBe(1); // one name per object
      // CAP_SYS_ADMIN files are authenticated
      const root = t.open({ capSysAdmin: true });
      const o = raw(root, 'GEM_OPEN', { name });
      expect([o.handle, o.size]).toEqual([1, 16384n]);
      expect(fileOf(root).handles.get(1)).toBe(fileOf(a).handles.get(ha));
      expectErrno(() => raw(root, 'GEM_OPEN', { name: 2 }), 'ENOENT');
    });
  });

  describe('SET_MASTER / DROP_MASTER (6.5–6.8)', () => {
    it('a file that was never master cannot SET_MASTER, even with no master (6.6)', () => {
      // uapi 6.6
      const b = t.open();
      expectErrno(() => b.setMaster(), 'EACCES');
      a.dropMaster();
      expect(t.device.drm.master).toBeNull();
      expectErrno(() => b.setMaster(), 'EACCES');
      expect(t.device.drm.master).toBeNull();
      a.close();
      expectErrno(() => b.setMaster(), 'EACCES');
      expect(fileOf(b).isMaster).toBe(false);
    });

    it('CAP_SYS_ADMIN may SET_MASTER when there is no master: a new master object (6.6)', () => {
      // uapi 6.6, 6.7
      const root = t.open({ capSysAdmin: true });
      const old = fileOf(a).master;
      expectErrno(() => root.setMaster(), 'EBUSY'); // a is master
      a.dropMaster();
      root.setMaster();
      expect(fileOf(root).isMaster).toBe(true);
      expect(fileOf(root).master).not.toBe(old);
      expect(t.device.drm.master).toBe(fileOf(root).master);
      expect(isCurrentMaster(root)).toBe(true);
      expect(isCurrentMaster(a)).toBe(false);
    });

    it('SET_MASTER by the current master is a no-op; with another master EBUSY (6.7)', () => {
      // uapi 6.7
      const m = fileOf(a).master;
      a.setMaster();
      expect(t.device.drm.master).toBe(m);
      expect(fileOf(a).master).toBe(m);
      expect(isCurrentMaster(a)).toBe(true);
      const root = t.open({ capSysAdmin: true });
      a.dropMaster();
      root.setMaster();
      expectErrno(() => a.setMaster(), 'EBUSY');
      expect(t.device.drm.master).toBe(fileOf(root).master);
    });

    it('current master = is_master AND owner of the device master (6.5)', () => {
      // uapi 6.5: a keeps is_master after DROP_MASTER but is no longer current master
      const root = t.open({ capSysAdmin: true });
      a.dropMaster();
      root.setMaster();
      expect(fileOf(a).isMaster).toBe(true);
      expect(isCurrentMaster(a)).toBe(false);
      expectErrno(() => raw(a, 'AUTH_MAGIC', { magic: 1 }), 'EACCES');
      root.dropMaster();
      a.setMaster();
      expect(isCurrentMaster(a)).toBe(true);
      expect(isCurrentMaster(root)).toBe(false);
    });

    it('DROP_MASTER: EACCES without permission, EINVAL when not current master (6.8)', () => {
      // uapi 6.8
      const b = t.open();
      const root = t.open({ capSysAdmin: true });
      expectErrno(() => b.dropMaster(), 'EACCES');
      expectErrno(() => root.dropMaster(), 'EINVAL');
      expect(t.device.drm.master).toBe(fileOf(a).master);
      a.dropMaster();
      expect(t.device.drm.master).toBeNull();
      expect(isCurrentMaster(a)).toBe(false);
      expectErrno(() => a.dropMaster(), 'EINVAL');
      expectErrno(() => b.dropMaster(), 'EACCES');
      expectErrno(() => root.dropMaster(), 'EINVAL');
    });

    it('after DROP_MASTER the dropper can SET_MASTER again, with its old master', () => {
      // uapi 6.8, 6.6
      const m = fileOf(a).master;
      a.dropMaster();
      a.setMaster();
      expect(t.device.drm.master).toBe(m);
      expect(isCurrentMaster(a)).toBe(true);
    });

    it('with no master after DROP_MASTER, the next opener becomes master', () => {
      // uapi 6.1, 6.8
      a.dropMaster();
      const c = t.open();
      expect(fileOf(c).isMaster).toBe(true);
      expect(isCurrentMaster(c)).toBe(true);
      expectErrno(() => a.setMaster(), 'EBUSY');
    });
  });

  describe('lessees (6.5, 6.7, 6.8)', () => {
    const lease = (lessor: Card): Card => {
      const arg = raw(lessor, 'MODE_CREATE_LEASE', { object_ids: new Uint32Array([t.crtc.id, t.connector.id]), object_count: 2, flags: 0 });
      const lf = fileOf(lessor).fds.get(arg.fd!);
      expect(lf).toBeDefined();
      return new Card(lf as DrmFd);
    };

    it('a lessee is current master while its lessor is (6.5)', async () => {
      // uapi 6.5: the owner of the lessor chain is the device master
      const l = lease(a);
      expect(fileOf(l).isMaster).toBe(true);
      expect(fileOf(l).master!.lessor).toBe(fileOf(a).master);
      expect(isCurrentMaster(l)).toBe(true);
      a.dropMaster();
      expect(isCurrentMaster(l)).toBe(false);
      a.setMaster();
      expect(isCurrentMaster(l)).toBe(true);
    });

    it('SET_MASTER / DROP_MASTER by a lessee (6.7, 6.8)', async () => {
      // uapi 6.7, 6.8, 6.6
      const t2 = await createTestDevice();
      const root = t2.open({ capSysAdmin: true }); // first opener: master, and the lessee inherits root
      const arg = raw(root, 'MODE_CREATE_LEASE', { object_ids: new Uint32Array([t2.crtc.id, t2.connector.id]), object_count: 2, flags: 0 });
      const l = new Card(fileOf(root).fds.get(arg.fd!) as DrmFd);
      l.setMaster(); // current master through its lessor: a no-op
      expect(t2.device.drm.master).toBe(fileOf(root).master);
      expectErrno(() => l.dropMaster(), 'EINVAL'); // a lessee cannot drop master
      expect(t2.device.drm.master).toBe(fileOf(root).master);
      root.dropMaster();
      expectErrno(() => l.setMaster(), 'EINVAL'); // a lessee cannot become master
      expectErrno(() => l.dropMaster(), 'EINVAL'); // not current master
      expect(t2.device.drm.master).toBeNull();
      // without CAP_SYS_ADMIN a lessee (never was_master) fails the permission rule first
      const l2 = lease(a);
      a.dropMaster();
      expectErrno(() => l2.setMaster(), 'EACCES');
      expectErrno(() => l2.dropMaster(), 'EACCES');
    });
  });

  describe('closing the master (6.9)', () => {
    it('drops master with no successor; the next opener becomes master', () => {
      // uapi 6.9
      const b = t.open();
      a.close();
      expect(t.device.drm.master).toBeNull();
      expect(fileOf(b).isMaster).toBe(false);
      expect(isCurrentMaster(b)).toBe(false);
      expectErrno(() => b.setMaster(), 'EACCES');
      const c = t.open();
      expect(fileOf(c).isMaster).toBe(true);
      expect(isCurrentMaster(c)).toBe(true);
      expect(isCurrentMaster(b)).toBe(false);
    });

    it('closing a non-master or a dropped master changes nothing', () => {
      // uapi 6.9
      const b = t.open();
      const m = fileOf(a).master;
      b.close();
      expect(t.device.drm.master).toBe(m);
      const root = t.open({ capSysAdmin: true });
      a.dropMaster();
      root.setMaster();
      a.close();
      expect(t.device.drm.master).toBe(fileOf(root).master);
    });
  });

  describe('magic and AUTH_MAGIC (6.10)', () => {
    it('GET_MAGIC is nonzero and stable per file', () => {
      // uapi 6.10
      const b = t.open();
      const c = t.open();
      const mb = b.getMagic();
      const mc = c.getMagic();
      expect(mb).toBeGreaterThan(0);
      expect(mc).toBeGreaterThan(0);
      expect(mc).not.toBe(mb);
      expect(b.getMagic()).toBe(mb);
      expect(c.getMagic()).toBe(mc);
    });

    it('AUTH_MAGIC: unknown → EINVAL; success authenticates; consumed → EINVAL', () => {
      // uapi 6.10
      const b = t.open();
      const m = b.getMagic();
      expectErrno(() => a.authMagic(0), 'EINVAL');
      expectErrno(() => a.authMagic(m + 1000), 'EINVAL');
      expect(fileOf(b).authenticated).toBe(false);
      a.authMagic(m);
      expect(fileOf(b).authenticated).toBe(true);
      expectErrno(() => a.authMagic(m), 'EINVAL');
      expect(b.getMagic()).toBe(m); // the file keeps its magic
      // authenticated: GEM_FLINK / GEM_OPEN now pass (6.4)
      const hb = b.createDumb(64, 64, 32).handle;
      const name = raw(b, 'GEM_FLINK', { handle: hb }).name!;
      expect(name).toBe(1);
      const ha = a.createDumb(64, 64, 32).handle;
      const aname = raw(a, 'GEM_FLINK', { handle: ha }).name!;
      expect(aname).toBe(2);
      const o = raw(b, 'GEM_OPEN', { name: aname });
      expect([o.handle, o.size]).toEqual([2, 16384n]);
      expect(fileOf(b).handles.get(2)).toBe(fileOf(a).handles.get(ha));
    });

    it('a consumed magic stays reserved; a closed file\'s magic is forgotten and reusable', () => {
      // uapi 6.10 (idr_replace on auth, idr_remove in drm_master_release)
      const b = t.open();
      const c = t.open();
      const mb = b.getMagic();
      a.authMagic(mb);
      const mc = c.getMagic();
      expect(mc).not.toBe(mb); // mb's slot is still taken
      c.close();
      expectErrno(() => a.authMagic(mc), 'EINVAL');
      const d = t.open();
      expect(d.getMagic()).toBe(mc); // the lowest free magic again
      expect(fileOf(d).authenticated).toBe(false);
      a.authMagic(mc);
      expect(fileOf(d).authenticated).toBe(true);
    });

    it('magics belong to the master the file was opened under', () => {
      // uapi 6.10: a new master does not know the old master's magics
      const b = t.open();
      const mb = b.getMagic();
      a.close();
      const c = t.open();
      expect(isCurrentMaster(c)).toBe(true);
      expectErrno(() => c.authMagic(mb), 'EINVAL');
      expect(fileOf(b).authenticated).toBe(false);
    });

    it('AUTH_MAGIC is master only', () => {
      // uapi 6.3, 6.10
      const b = t.open();
      const c = t.open();
      expectErrno(() => b.authMagic(c.getMagic()), 'EACCES');
      expect(fileOf(c).authenticated).toBe(false);
    });
  });
});
