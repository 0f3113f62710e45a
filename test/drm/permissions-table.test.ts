/**
 * The dispatcher's permission layer alone (uapi 0.5, 6.3, 6.4): every ioctl's handler is replaced
 * by a recording stub (in this test file's module instance only), so ioctls whose handlers are not
 * written yet are covered too, and only the permission check decides.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { registerIoctl } from '../../src/drm/ioctl/dispatch.js';
import { IOCTLS, IoctlFlag, type IoctlName } from '../../src/uapi/ioctl.js';
import { createTestDevice } from './test-driver.js';
import { errnoOf } from './helpers.js';

const MASTER_ONLY: IoctlName[] = [
  'SET_VERSION', 'AUTH_MAGIC', 'MODE_SETCRTC', 'MODE_SETPLANE', 'MODE_CURSOR', 'MODE_CURSOR2', 'MODE_SETGAMMA',
  'MODE_SETPROPERTY', 'MODE_OBJ_SETPROPERTY', 'MODE_PAGE_FLIP', 'MODE_DIRTYFB', 'MODE_ATOMIC',
  'MODE_CREATE_LEASE', 'MODE_LIST_LESSEES', 'MODE_GET_LEASE', 'MODE_REVOKE_LEASE',
];
const ANYONE: IoctlName[] = [
  'MODE_GETRESOURCES', 'MODE_GETPLANERESOURCES', 'MODE_GETCRTC', 'MODE_GETPLANE', 'MODE_GETGAMMA', 'MODE_GETENCODER',
  'MODE_GETCONNECTOR', 'MODE_GETPROPERTY', 'MODE_GETPROPBLOB', 'MODE_GETFB', 'MODE_GETFB2', 'MODE_ADDFB', 'MODE_ADDFB2',
  'MODE_RMFB', 'MODE_CLOSEFB', 'MODE_CREATE_DUMB', 'MODE_MAP_DUMB', 'MODE_DESTROY_DUMB', 'MODE_OBJ_GETPROPERTIES',
  'MODE_CREATEPROPBLOB', 'MODE_DESTROYPROPBLOB', 'WAIT_VBLANK', 'CRTC_GET_SEQUENCE', 'CRTC_QUEUE_SEQUENCE',
  'SET_CLIENT_CAP', 'GET_MAGIC', 'GET_CAP', 'VERSION', 'GEM_CLOSE',
];
const AUTH_ONLY: IoctlName[] = ['GEM_FLINK', 'GEM_OPEN'];

const calls: IoctlName[] = [];
beforeAll(() => {
  for (const name of Object.keys(IOCTLS) as IoctlName[]) registerIoctl(name, () => { calls.push(name); });
});

describe('uapi 0.5 / 6.3 / 6.4: permission table', () => {
  it('marks exactly the 6.3 ioctls MASTER and GEM_FLINK/GEM_OPEN AUTH', () => {
    // uapi 6.3, 6.4 (drm_ioctls[] flags)
    for (const n of MASTER_ONLY) expect([n, IOCTLS[n].flags & (IoctlFlag.MASTER | IoctlFlag.AUTH | IoctlFlag.ROOT_ONLY)]).toEqual([n, IoctlFlag.MASTER]);
    for (const n of ANYONE) expect([n, IOCTLS[n].flags & (IoctlFlag.MASTER | IoctlFlag.AUTH | IoctlFlag.ROOT_ONLY)]).toEqual([n, 0]);
    for (const n of AUTH_ONLY) expect([n, IOCTLS[n].flags & (IoctlFlag.MASTER | IoctlFlag.AUTH | IoctlFlag.ROOT_ONLY)]).toEqual([n, IoctlFlag.AUTH]);
  });

  it('a non-master gets EACCES for every 6.3 ioctl and the handler never runs', async () => {
    // uapi 0.5, 6.3
    const t = await createTestDevice();
    const master = t.open();
    const other = t.open();
    calls.length = 0;
    for (const n of MASTER_ONLY) expect([n, errnoOf(() => other.fd.ioctl(n, {}))]).toEqual([n, 'EACCES']);
    expect(calls).toEqual([]);
    // even a CAP_SYS_ADMIN opener is not master
    const root = t.open({ capSysAdmin: true });
    for (const n of MASTER_ONLY) expect([n, errnoOf(() => root.fd.ioctl(n, {}))]).toEqual([n, 'EACCES']);
    expect(calls).toEqual([]);
    for (const n of MASTER_ONLY) expect([n, errnoOf(() => master.fd.ioctl(n, {}))]).toEqual([n, 'no error']);
    expect(calls).toEqual(MASTER_ONLY);
  });

  it('a non-master, unauthenticated file passes the check for every 6.4 ioctl', async () => {
    // uapi 6.4
    const t = await createTestDevice();
    t.open();
    const other = t.open();
    calls.length = 0;
    for (const n of ANYONE) expect([n, errnoOf(() => other.fd.ioctl(n, {}))]).toEqual([n, 'no error']);
    expect(calls).toEqual(ANYONE);
  });

  it('AUTH ioctls need authentication: EACCES, then pass once authenticated or for CAP_SYS_ADMIN', async () => {
    // uapi 0.5 (AUTH check), 6.4, 6.1
    const t = await createTestDevice();
    const master = t.open();
    const other = t.open();
    calls.length = 0;
    for (const n of AUTH_ONLY) expect([n, errnoOf(() => other.fd.ioctl(n, {}))]).toEqual([n, 'EACCES']);
    expect(calls).toEqual([]);
    for (const n of AUTH_ONLY) expect([n, errnoOf(() => master.fd.ioctl(n, {}))]).toEqual([n, 'no error']);
    const root = t.open({ capSysAdmin: true });
    for (const n of AUTH_ONLY) expect([n, errnoOf(() => root.fd.ioctl(n, {}))]).toEqual([n, 'no error']);
    expect(calls).toEqual([...AUTH_ONLY, ...AUTH_ONLY]);
  });

  it('a master that dropped master is refused again', async () => {
    // uapi 0.5 + 6.5: "current master" is checked at each call
    const t = await createTestDevice();
    const master = t.open();
    calls.length = 0;
    master.fd.ioctl('MODE_ATOMIC', {});
    // DROP_MASTER has a stub here too, so drop master through the device state directly
    t.device.drm.master = null;
    expect(errnoOf(() => master.fd.ioctl('MODE_ATOMIC', {}))).toBe('EACCES');
    expect(calls).toEqual(['MODE_ATOMIC']);
  });
});
