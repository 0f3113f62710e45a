/** CREATE_LEASE, LIST_LESSEES, GET_LEASE, REVOKE_LEASE (≈ drm_lease.c, uapi 6.11–6.22). */
import { fail } from '../../uapi/errno.js';
import { ObjectType } from '../../uapi/drm-mode.js';
import type * as S from '../../uapi/ioctl-structs.js';
import type { DrmDevice } from '../device.js';
import { DrmFile } from '../file.js';
import { createMaster, leaseOwner, revokeLease, type DrmMaster } from '../master.js';
import type { AnyObject, Crtc } from '../types.js';
import { getU32s, putU32s } from './user-copy.js';

const O_NONBLOCK = 0o4000, O_CLOEXEC = 0o2000000;

const leaseRequired = (o: AnyObject) => o.objType === ObjectType.CRTC || o.objType === ObjectType.CONNECTOR || o.objType === ObjectType.PLANE;

/** Does any lessee of `lessor` (or below) hold `id`? (_drm_has_leased) */
function hasLeased(lessor: DrmMaster, id: number): boolean {
  return lessor.lessees.some((l) => l.leases.has(id) || hasLeased(l, id));
}

/** DRM_IOCTL_MODE_CREATE_LEASE (uapi 6.11–6.17). */
export function createLease(dev: DrmDevice, file: DrmFile, a: S.DrmModeCreateLease): void {
  if (!dev.features.modeset) fail('EOPNOTSUPP', 'driver has no DRIVER_MODESET');
  if (a.flags & ~(O_CLOEXEC | O_NONBLOCK)) fail('EINVAL', `invalid lease flags 0x${a.flags.toString(16)}`);
  const lessor = file.master!;
  if (lessor.lessor) fail('EINVAL', 'a lessee cannot create sub-leases');
  const leases = new Set<number>();
  if (a.object_count > 0) {
    const ids = getU32s(file, a.object_ids, a.object_count);
    // fill_object_idr: every object visible to the lessor, of a leasable kind
    const objs = ids.map((id) => {
      const o = dev.lookup(id, ObjectType.ANY, file);
      if (!o) fail('ENOENT', `object ${id} does not exist or is not visible to the lessor`);
      if (!leaseRequired(o)) fail('EINVAL', `object ${id} cannot be leased (only CRTCs, connectors and planes)`);
      return o;
    });
    // validate_lease (uapi 6.13)
    if (!objs.some((o) => o.objType === ObjectType.CRTC) || !objs.some((o) => o.objType === ObjectType.CONNECTOR)) fail('EINVAL', 'a lease needs at least one CRTC and one connector');
    if (file.universalPlanes && !objs.some((o) => o.objType === ObjectType.PLANE)) fail('EINVAL', 'a universal-planes lessor must lease at least one plane');
    const add = (id: number) => {
      if (leases.has(id)) fail('ENOSPC', `object ${id} listed twice`); // idr_alloc on a taken id (6.15)
      leases.add(id);
    };
    for (const o of objs) {
      add(o.id);
      if (o.objType === ObjectType.CRTC && !file.universalPlanes) {
        // a non-universal lessor implicitly leases the CRTC's primary and cursor (6.14)
        const c = o as Crtc;
        if (c.primary) add(c.primary.id);
        if (c.cursor) add(c.cursor.id);
      }
    }
  }
  // drm_lease_create
  for (const id of leases) {
    if (!dev.idr.get(id)) fail('ENOENT', `object ${id} vanished`);
    if (hasLeased(lessor, id)) fail('EBUSY', `object ${id} is already leased to another lessee`); // 6.16
  }
  const lessee = createMaster(lessor);
  for (const id of leases) lessee.leases.add(id);
  const owner = leaseOwner(lessor);
  lessee.lesseeId = owner.lesseeIdr.alloc(lessee);
  lessor.lessees.push(lessee);
  // the lessee's file: a clone of the lessor's open (file_clone_open keeps the lessor file's
  // f_flags, so O_NONBLOCK comes from there; the fd flags only decide close-on-exec), made master
  // of the lessee
  const lf = new DrmFile(dev, { memory: file.memory, fds: file.fds, pid: file.pid, comm: file.comm, capSysAdmin: file.capSysAdmin, nonblock: file.nonblock });
  lf.master = lessee;
  lf.isMaster = true;
  lf.authenticated = true;
  dev.files.add(lf);
  a.fd = file.fds.install(lf, a.flags & O_CLOEXEC); // get_unused_fd_flags: only close-on-exec matters
  a.lessee_id = lessee.lesseeId;
}

/** DRM_IOCTL_MODE_LIST_LESSEES (uapi 6.21). */
export function listLessees(dev: DrmDevice, file: DrmFile, a: S.DrmModeListLessees): void {
  if (!dev.features.modeset) fail('EOPNOTSUPP', 'driver has no DRIVER_MODESET');
  if (a.pad) fail('EINVAL', 'pad must be 0');
  const ids = file.master!.lessees.filter((l) => l.leases.size > 0).map((l) => l.lesseeId);
  putU32s(file, a.lessees_ptr, ids, Math.min(a.count_lessees, ids.length));
  a.count_lessees = ids.length;
}

/** DRM_IOCTL_MODE_GET_LEASE (uapi 6.21): the owner sees every registered object ID. */
export function getLease(dev: DrmDevice, file: DrmFile, a: S.DrmModeGetLease): void {
  if (!dev.features.modeset) fail('EOPNOTSUPP', 'driver has no DRIVER_MODESET');
  if (a.pad) fail('EINVAL', 'pad must be 0');
  const m = file.master!;
  const ids = m.lessor ? [...m.leases].sort((x, y) => x - y) : dev.idr.ids().filter((id) => dev.idr.get(id) !== undefined);
  putU32s(file, a.objects_ptr, ids, Math.min(a.count_objects, ids.length));
  a.count_objects = ids.length;
}

/** DRM_IOCTL_MODE_REVOKE_LEASE (uapi 6.22). */
export function revokeLeaseIoctl(dev: DrmDevice, file: DrmFile, a: S.DrmModeRevokeLease): void {
  if (!dev.features.modeset) fail('EOPNOTSUPP', 'driver has no DRIVER_MODESET');
  const lessor = file.master!;
  const lessee = leaseOwner(lessor).lesseeIdr.get(a.lessee_id);
  if (!lessee) fail('ENOENT', `no lessee ${a.lessee_id}`);
  if (lessee.lessor !== lessor) fail('EACCES', `lessee ${a.lessee_id} is not leased by this master`);
  revokeLease(lessee);
}
