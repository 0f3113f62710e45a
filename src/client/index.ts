/** The userspace side: a libdrm-shaped Card, atomic requests, events. */
export { Card, isErrno } from './card.js';
export type * from './card.js';
export { AtomicRequest } from './atomic.js';
export { addPlane, preferredMode, modesetRequest, lightOutput, type PlaneSetup } from './modeset.js';
export { drmInfo, drmInfoJson, type DrmInfoNode, type DrmInfoOptions } from './drm-info.js';
export { drmInfoText } from './drm-info-text.js';
export { modetestDump, modetestArgs, type ModetestOptions } from './modetest.js';
