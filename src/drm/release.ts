/** drm_release: what closing a file undoes (uapi 4.14, 5.16, 2.49/2.51, 6.9). */
import { blobPut } from './blob.js';
import type { DrmDevice } from './device.js';
import { removeFb } from './fb-remove.js';
import type { DrmFile } from './file.js';
import { gemPut } from './gem.js';
import { destroyLessee, lesseesOf, revokeLease } from './master.js';

export function releaseFile(dev: DrmDevice, file: DrmFile): void {
  // pending events are orphaned: the commits still complete, nothing is delivered (4.14)
  for (const ev of file.pending) ev.file = null;
  file.pending.clear();
  // drm_fb_release: FBs still in use are removed like RMFB (planes disabled)
  for (const fb of file.fbs.splice(0)) {
    fb.owner = null;
    // close() cannot block: a plane-disable commit that must wait finishes in the background
    void removeFb(dev, fb);
  }
  // drm_property_destroy_user_blobs: referenced blobs stay alive (2.51)
  for (const b of file.blobs.splice(0)) blobPut(dev, b);
  for (const h of file.handles.ids()) {
    gemPut(file.handles.get(h) ?? null);
    file.handles.remove(h);
  }
  // drm_master_release
  if (file.master) {
    // the file's magic (consumed or not) leaves the master's table and becomes reusable (6.10)
    if (file.magic) file.master.magicMap.remove(file.magic);
    if (file.isMaster && dev.master === file.master) dev.master = null;
    if (file.isMaster && !file.master.lessor) for (const l of lesseesOf(file.master)) revokeLease(l);
    if (file.isMaster && file.master.lessor) destroyLessee(file.master);
  }
  dev.files.delete(file);
}
