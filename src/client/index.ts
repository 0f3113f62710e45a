/** The userspace side: a libdrm-shaped Card, atomic requests, events. */
export { Card, isErrno } from './card.js';
export type * from './card.js';
export { AtomicRequest } from './atomic.js';
export { addPlane, preferredMode, modesetRequest, lightOutput, type PlaneSetup } from './modeset.js';
