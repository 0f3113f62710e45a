/**
 * Masters and leases (≈ drm_auth.c, drm_lease.c data). A master owns the display; a lessee is a
 * master whose lessor is another master and who sees only the objects leased to it.
 */
import { Idr } from './idr.js';
import type { DrmDevice } from './device.js';
import type { DrmFile } from './file.js';

export interface DrmMaster {
  readonly lessor: DrmMaster | null;
  /** Lessees of this (owner) master, by lessee id (uapi 6.17). */
  readonly lesseeIdr: Idr<DrmMaster>;
  /** Direct lessees of this master in creation order (lessor->lessees). */
  readonly lessees: DrmMaster[];
  lesseeId: number;
  /** Object IDs leased to this lessee; emptied on revoke (uapi 6.22). */
  readonly leases: Set<number>;
  /** GET_MAGIC table: magic → file; consumed magics stay reserved as null (uapi 6.10). */
  readonly magicMap: Idr<DrmFile>;
}

export function createMaster(lessor: DrmMaster | null = null): DrmMaster {
  return { lessor, lesseeIdr: new Idr(), lessees: [], lesseeId: 0, leases: new Set(), magicMap: new Idr() };
}

/** drm_lease_owner: the root of the lessor chain. */
export function leaseOwner(m: DrmMaster): DrmMaster {
  let o = m;
  while (o.lessor) o = o.lessor;
  return o;
}

/** drm_is_current_master_locked (uapi 6.5, 6.20). */
export function isCurrentMaster(dev: DrmDevice, file: DrmFile): boolean {
  return file.isMaster && file.master !== null && leaseOwner(file.master) === dev.master;
}

/** Every live lessee of an owner (those with an id in its table). */
export function lesseesOf(owner: DrmMaster): DrmMaster[] {
  return owner.lesseeIdr.values();
}

/** _drm_lease_revoke: the lessee and its own lessees lose every object (uapi 6.22); ids stay. */
export function revokeLease(lessee: DrmMaster): void {
  lessee.leases.clear();
  for (const l of lessee.lessees) revokeLease(l);
}

/** drm_lease_destroy: a lessee master goes away with its file. */
export function destroyLessee(lessee: DrmMaster): void {
  revokeLease(lessee);
  const owner = leaseOwner(lessee);
  if (lessee.lesseeId && owner.lesseeIdr.get(lessee.lesseeId) === lessee) owner.lesseeIdr.remove(lessee.lesseeId);
  const lessor = lessee.lessor;
  if (lessor) {
    const i = lessor.lessees.indexOf(lessee);
    if (i >= 0) lessor.lessees.splice(i, 1);
  }
}
