/**
 * The DRM ioctl table as userspace sees it (drm.h request numbers; drm_ioctl.c permission flags).
 * The request number encodes direction and size like _IOWR('d', nr, struct); the bridge to real
 * libdrm programs decodes them with this table.
 */
import type * as S from './ioctl-structs.js';

/** drm_ioctl_desc flags (include/drm/drm_ioctl.h). */
export const IoctlFlag = { AUTH: 1, MASTER: 2, ROOT_ONLY: 4, RENDER_ALLOW: 0x20 } as const;

export const DRM_IOCTL_BASE = 0x64; // 'd'
const IOC_NONE = 0, IOC_WRITE = 1, IOC_READ = 2;

export interface IoctlDef {
  readonly name: string;
  readonly nr: number;
  readonly dir: number;
  /** sizeof the struct on x86_64. */
  readonly size: number;
  readonly flags: number;
}

/** Argument struct per ioctl name. */
export interface IoctlArgs {
  VERSION: S.DrmVersion;
  GET_MAGIC: S.DrmAuth;
  GET_CAP: S.DrmGetCap;
  SET_CLIENT_CAP: S.DrmSetClientCap;
  SET_VERSION: S.DrmSetVersion;
  AUTH_MAGIC: S.DrmAuth;
  SET_MASTER: Record<string, never>;
  DROP_MASTER: Record<string, never>;
  GEM_CLOSE: S.DrmGemClose;
  GEM_FLINK: S.DrmGemFlink;
  GEM_OPEN: S.DrmGemOpen;
  PRIME_HANDLE_TO_FD: S.DrmPrimeHandle;
  PRIME_FD_TO_HANDLE: S.DrmPrimeHandle;
  WAIT_VBLANK: S.DrmWaitVblank;
  CRTC_GET_SEQUENCE: S.DrmCrtcGetSequence;
  CRTC_QUEUE_SEQUENCE: S.DrmCrtcQueueSequence;
  MODE_GETRESOURCES: S.DrmModeCardRes;
  MODE_GETCRTC: S.DrmModeCrtc;
  MODE_SETCRTC: S.DrmModeCrtc;
  MODE_CURSOR: S.DrmModeCursor;
  MODE_GETGAMMA: S.DrmModeCrtcLut;
  MODE_SETGAMMA: S.DrmModeCrtcLut;
  MODE_GETENCODER: S.DrmModeGetEncoder;
  MODE_GETCONNECTOR: S.DrmModeGetConnector;
  MODE_GETPROPERTY: S.DrmModeGetProperty;
  MODE_SETPROPERTY: S.DrmModeConnectorSetProperty;
  MODE_GETPROPBLOB: S.DrmModeGetBlob;
  MODE_GETFB: S.DrmModeFbCmd;
  MODE_ADDFB: S.DrmModeFbCmd;
  MODE_RMFB: S.DrmModeRmFb;
  MODE_PAGE_FLIP: S.DrmModeCrtcPageFlip;
  MODE_DIRTYFB: S.DrmModeFbDirtyCmd;
  MODE_CREATE_DUMB: S.DrmModeCreateDumb;
  MODE_MAP_DUMB: S.DrmModeMapDumb;
  MODE_DESTROY_DUMB: S.DrmModeDestroyDumb;
  MODE_GETPLANERESOURCES: S.DrmModeGetPlaneRes;
  MODE_GETPLANE: S.DrmModeGetPlane;
  MODE_SETPLANE: S.DrmModeSetPlane;
  MODE_ADDFB2: S.DrmModeFbCmd2;
  MODE_OBJ_GETPROPERTIES: S.DrmModeObjGetProperties;
  MODE_OBJ_SETPROPERTY: S.DrmModeObjSetProperty;
  MODE_CURSOR2: S.DrmModeCursor2;
  MODE_ATOMIC: S.DrmModeAtomic;
  MODE_CREATEPROPBLOB: S.DrmModeCreateBlob;
  MODE_DESTROYPROPBLOB: S.DrmModeDestroyBlob;
  MODE_CREATE_LEASE: S.DrmModeCreateLease;
  MODE_LIST_LESSEES: S.DrmModeListLessees;
  MODE_GET_LEASE: S.DrmModeGetLease;
  MODE_REVOKE_LEASE: S.DrmModeRevokeLease;
  MODE_GETFB2: S.DrmModeFbCmd2;
  MODE_CLOSEFB: S.DrmModeCloseFb;
}
export type IoctlName = keyof IoctlArgs;

const { AUTH, MASTER, RENDER_ALLOW } = IoctlFlag;
function def(name: IoctlName, nr: number, dir: number, size: number, flags: number): IoctlDef {
  return Object.freeze({ name, nr, dir, size, flags });
}
const RW = IOC_READ | IOC_WRITE;

/** Every ioctl this device answers, with drm_ioctls[]'s permission flags (uapi 0.5, 6.3, 6.4). */
export const IOCTLS: Readonly<Record<IoctlName, IoctlDef>> = {
  VERSION: def('VERSION', 0x00, RW, 64, RENDER_ALLOW),
  GET_MAGIC: def('GET_MAGIC', 0x02, IOC_READ, 4, 0),
  GET_CAP: def('GET_CAP', 0x0c, RW, 16, RENDER_ALLOW),
  SET_CLIENT_CAP: def('SET_CLIENT_CAP', 0x0d, IOC_WRITE, 16, 0),
  SET_VERSION: def('SET_VERSION', 0x07, RW, 16, MASTER),
  GEM_CLOSE: def('GEM_CLOSE', 0x09, IOC_WRITE, 8, RENDER_ALLOW),
  GEM_FLINK: def('GEM_FLINK', 0x0a, RW, 8, AUTH),
  GEM_OPEN: def('GEM_OPEN', 0x0b, RW, 16, AUTH),
  AUTH_MAGIC: def('AUTH_MAGIC', 0x11, IOC_WRITE, 4, MASTER),
  SET_MASTER: def('SET_MASTER', 0x1e, IOC_NONE, 0, 0),
  DROP_MASTER: def('DROP_MASTER', 0x1f, IOC_NONE, 0, 0),
  PRIME_HANDLE_TO_FD: def('PRIME_HANDLE_TO_FD', 0x2d, RW, 12, RENDER_ALLOW),
  PRIME_FD_TO_HANDLE: def('PRIME_FD_TO_HANDLE', 0x2e, RW, 12, RENDER_ALLOW),
  WAIT_VBLANK: def('WAIT_VBLANK', 0x3a, RW, 24, 0),
  CRTC_GET_SEQUENCE: def('CRTC_GET_SEQUENCE', 0x3b, RW, 24, 0),
  CRTC_QUEUE_SEQUENCE: def('CRTC_QUEUE_SEQUENCE', 0x3c, RW, 24, 0),
  MODE_GETRESOURCES: def('MODE_GETRESOURCES', 0xa0, RW, 64, 0),
  MODE_GETCRTC: def('MODE_GETCRTC', 0xa1, RW, 104, 0),
  MODE_SETCRTC: def('MODE_SETCRTC', 0xa2, RW, 104, MASTER),
  MODE_CURSOR: def('MODE_CURSOR', 0xa3, RW, 28, MASTER),
  MODE_GETGAMMA: def('MODE_GETGAMMA', 0xa4, RW, 32, 0),
  MODE_SETGAMMA: def('MODE_SETGAMMA', 0xa5, RW, 32, MASTER),
  MODE_GETENCODER: def('MODE_GETENCODER', 0xa6, RW, 20, 0),
  MODE_GETCONNECTOR: def('MODE_GETCONNECTOR', 0xa7, RW, 80, 0),
  MODE_GETPROPERTY: def('MODE_GETPROPERTY', 0xaa, RW, 64, 0),
  MODE_SETPROPERTY: def('MODE_SETPROPERTY', 0xab, RW, 16, MASTER),
  MODE_GETPROPBLOB: def('MODE_GETPROPBLOB', 0xac, RW, 16, 0),
  MODE_GETFB: def('MODE_GETFB', 0xad, RW, 28, 0),
  MODE_ADDFB: def('MODE_ADDFB', 0xae, RW, 28, 0),
  MODE_RMFB: def('MODE_RMFB', 0xaf, RW, 4, 0),
  MODE_PAGE_FLIP: def('MODE_PAGE_FLIP', 0xb0, RW, 24, MASTER),
  MODE_DIRTYFB: def('MODE_DIRTYFB', 0xb1, RW, 24, MASTER),
  MODE_CREATE_DUMB: def('MODE_CREATE_DUMB', 0xb2, RW, 32, 0),
  MODE_MAP_DUMB: def('MODE_MAP_DUMB', 0xb3, RW, 16, 0),
  MODE_DESTROY_DUMB: def('MODE_DESTROY_DUMB', 0xb4, RW, 4, 0),
  MODE_GETPLANERESOURCES: def('MODE_GETPLANERESOURCES', 0xb5, RW, 16, 0),
  MODE_GETPLANE: def('MODE_GETPLANE', 0xb6, RW, 32, 0),
  MODE_SETPLANE: def('MODE_SETPLANE', 0xb7, RW, 48, MASTER),
  MODE_ADDFB2: def('MODE_ADDFB2', 0xb8, RW, 104, 0),
  MODE_OBJ_GETPROPERTIES: def('MODE_OBJ_GETPROPERTIES', 0xb9, RW, 32, 0),
  MODE_OBJ_SETPROPERTY: def('MODE_OBJ_SETPROPERTY', 0xba, RW, 24, MASTER),
  MODE_CURSOR2: def('MODE_CURSOR2', 0xbb, RW, 36, MASTER),
  MODE_ATOMIC: def('MODE_ATOMIC', 0xbc, RW, 56, MASTER),
  MODE_CREATEPROPBLOB: def('MODE_CREATEPROPBLOB', 0xbd, RW, 16, 0),
  MODE_DESTROYPROPBLOB: def('MODE_DESTROYPROPBLOB', 0xbe, RW, 4, 0),
  MODE_CREATE_LEASE: def('MODE_CREATE_LEASE', 0xc6, RW, 24, MASTER),
  MODE_LIST_LESSEES: def('MODE_LIST_LESSEES', 0xc7, RW, 16, MASTER),
  MODE_GET_LEASE: def('MODE_GET_LEASE', 0xc8, RW, 16, MASTER),
  MODE_REVOKE_LEASE: def('MODE_REVOKE_LEASE', 0xc9, RW, 4, MASTER),
  MODE_GETFB2: def('MODE_GETFB2', 0xce, RW, 104, 0),
  MODE_CLOSEFB: def('MODE_CLOSEFB', 0xd0, RW, 8, 0),
};

/** _IOC(dir, 'd', nr, size): the request number a C program passes to ioctl(2). */
export function ioctlRequest(d: IoctlDef): number {
  return ((d.dir << 30) | (d.size << 16) | (DRM_IOCTL_BASE << 8) | d.nr) >>> 0;
}

const byNr = new Map<number, IoctlDef>(Object.values(IOCTLS).map((d) => [d.nr, d]));
/** The table entry for a core ioctl number, if this device implements it. */
export function ioctlByNr(nr: number): IoctlDef | undefined {
  return byNr.get(nr);
}
