/**
 * The DRM device core (≈ struct drm_device + drm_mode_config): one ID space for every mode object
 * (uapi 1.1), the object lists in creation order, the open files, the master, and the
 * registered/unplugged lifecycle flags. Drivers reach it only through the driver API.
 */
import { OBJECT_COLOROP, ObjectType, type ModeObjectTypeCode } from '../uapi/drm-mode.js';
import { Idr } from './idr.js';
import type { AnyObject, Blob, Colorop, Connector, Crtc, Encoder, Framebuffer, GemObject, ModeObject, Plane, Property } from './types.js';
import type { DrmFile } from './file.js';
import type { DrmMaster } from './master.js';
import { createStandardProperties, type StandardProperties } from './standard-props.js';
import { logger, type DrmLogger } from './log.js';
import { DeviceClock } from './clock.js';
import type { AtomicState } from './atomic/state.js';
import type { AtomicCheckContext } from './atomic/helpers.js';

export interface DriverInfo {
  name: string;
  desc: string;
  /** Empty string on kernels that dropped the date field (reported as "0"). */
  date: string;
  major: number;
  minor: number;
  patchlevel: number;
}

export interface DriverFeatures {
  modeset: boolean;
  atomic: boolean;
  gem: boolean;
  /** The driver implements dumb_create (uapi 5.20). */
  dumb: boolean;
  /** DRIVER_CURSOR_HOTSPOT (uapi 1.15). */
  cursorHotspot: boolean;
  /** Has vblank support (drm_vblank_init was called, uapi 8.1). */
  vblank: boolean;
}

export interface ModeConfig {
  minWidth: number;
  maxWidth: number;
  minHeight: number;
  maxHeight: number;
  cursorWidth: number;
  cursorHeight: number;
  preferredDepth: number;
  preferShadow: number;
  asyncPageFlip: boolean;
  fbModifiersNotSupported: boolean;
  /** Every CRTC implements page_flip_target (uapi 1.16 PAGE_FLIP_TARGET). */
  pageFlipTarget: boolean;
}

export class DrmDevice {
  readonly info: DriverInfo;
  readonly features: DriverFeatures;
  readonly config: ModeConfig;
  readonly log: DrmLogger;
  readonly idr = new Idr<AnyObject>();
  readonly planes: Plane[] = [];
  readonly crtcs: Crtc[] = [];
  readonly encoders: Encoder[] = [];
  /** All connectors ever initialised and not yet freed, in creation order. */
  readonly connectors: Connector[] = [];
  readonly properties: Property[] = [];
  /** Every colorop in creation order (mode_config.colorop_list). */
  readonly colorops: Colorop[] = [];
  readonly std: StandardProperties;
  readonly files = new Set<DrmFile>();
  master: DrmMaster | null = null;
  registered = false;
  unplugged = false;
  /** Last fake mmap offset page handed out (drm_vma_offset_manager). */
  nextMmapPage = 0x100000n; // DRM_FILE_PAGE_OFFSET_START in pages (0x100000000 bytes)
  /** Fake mmap offsets handed out so far (drm_vma_offset_manager). */
  readonly mmapOffsets = new Map<bigint, GemObject>();
  /** drm_framebuffer_funcs.dirty; absent ⇒ DIRTYFB answers ENOSYS (uapi 5.19). */
  fbDirty: ((fb: Framebuffer, flags: number, color: number, numClips: number) => void) | null = null;
  /**
   * atomic_remove_fb: disable every plane showing `fb` (uapi 5.12–5.13). The atomic layer installs
   * the real commit; until then planes are switched off directly.
   */
  removeFbFromPlanes: ((fb: Framebuffer) => void) | null = null;
  /** The driver's mode-config atomic_check; absent ⇒ drm_atomic_helper_check. */
  atomicCheck: ((state: AtomicState, ctx: AtomicCheckContext) => void) | null = null;
  /** The driver's commit tail; absent ⇒ the default order (disables, planes, enables, fake vblank, hw_done). */
  atomicCommitTail: ((state: AtomicState) => void) | null = null;
  /**
   * drm_dev_enter for core work that must finish before unplug completes (ioctls, nonblocking
   * commits): returns the exit function, or null once unplugged. Installed by the driver layer.
   */
  guard: (() => (() => void) | null) | null = null;
  /** Hotplug uevent listeners (drm_kms_helper_hotplug_event). */
  readonly hotplugListeners = new Set<() => void>();
  /** The driver-facing Device view (callbacks receive it). */
  owner: unknown = null;
  /** Called at the start of drm_dev_unplug (stop vblank timers, cancel work). */
  onUnplug: (() => void | Promise<void>) | null = null;
  /** The device clock (realtime, manual or immediate; DESIGN.md §4). */
  clock: DeviceClock = new DeviceClock('realtime');

  constructor(info: DriverInfo, features: Partial<DriverFeatures>, config: Partial<ModeConfig>) {
    this.info = { ...info };
    this.features = {
      modeset: true, atomic: true, gem: true, dumb: true, cursorHotspot: false, vblank: true, ...features,
    };
    this.config = {
      minWidth: 0, maxWidth: 0, minHeight: 0, maxHeight: 0, cursorWidth: 0, cursorHeight: 0,
      preferredDepth: 0, preferShadow: 0, asyncPageFlip: false, fbModifiersNotSupported: false,
      pageFlipTarget: false, ...config,
    };
    this.log = logger(info.name);
    // drm_mode_create_standard_properties runs in drmm_mode_config_init, before any object (uapi 1.6)
    this.std = createStandardProperties(this);
  }

  /** Allocate an ID for `obj` and publish it (null = reserve only, uapi 1.7). */
  addObject<T extends AnyObject>(obj: T, register = true): T {
    obj.id = this.idr.alloc(register ? obj : null);
    return obj;
  }

  publishObject(obj: AnyObject): void {
    this.idr.replace(obj.id, obj);
  }

  unpublishObject(obj: AnyObject): void {
    if (this.idr.has(obj.id)) this.idr.replace(obj.id, null);
  }

  freeObject(obj: ModeObject): void {
    this.idr.remove(obj.id);
  }

  /**
   * __drm_mode_object_find: the object with this ID and type (ANY matches all), or undefined.
   * With a file, CRTCs, connectors and planes outside its lease are invisible (uapi 1.4, 6.18).
   */
  lookup(id: number, type: ModeObjectTypeCode, file?: DrmFile): AnyObject | undefined {
    const obj = this.idr.get(id);
    if (!obj) return undefined;
    if (type !== ObjectType.ANY && obj.objType !== type) return undefined;
    // still initializing (uapi 1.7); a hot-removed one stays findable until it is freed
    if (obj.objType === ObjectType.CONNECTOR && !(obj as Connector).registered && !(obj as Connector).removed) return undefined;
    if (obj.objType === ObjectType.FB && (obj as Framebuffer).removed && (obj as Framebuffer).refs <= 0) return undefined;
    if (file && !file.leaseHolds(obj)) return undefined;
    return obj;
  }

  plane(id: number, file?: DrmFile): Plane | undefined {
    return this.lookup(id, ObjectType.PLANE, file) as Plane | undefined;
  }
  crtc(id: number, file?: DrmFile): Crtc | undefined {
    return this.lookup(id, ObjectType.CRTC, file) as Crtc | undefined;
  }
  encoder(id: number): Encoder | undefined {
    return this.lookup(id, ObjectType.ENCODER) as Encoder | undefined;
  }
  connector(id: number, file?: DrmFile): Connector | undefined {
    return this.lookup(id, ObjectType.CONNECTOR, file) as Connector | undefined;
  }
  fb(id: number): Framebuffer | undefined {
    return this.lookup(id, ObjectType.FB) as Framebuffer | undefined;
  }
  blob(id: number): Blob | undefined {
    return this.lookup(id, ObjectType.BLOB) as Blob | undefined;
  }
  property(id: number): Property | undefined {
    return this.lookup(id, ObjectType.PROPERTY) as Property | undefined;
  }
  /** drm_colorop_find. */
  colorop(id: number, file?: DrmFile): Colorop | undefined {
    return this.lookup(id, OBJECT_COLOROP, file) as Colorop | undefined;
  }

  /** Connectors on the connector list in creation order (drm_for_each_connector_iter): registered ones and hot-removed ones not yet freed. */
  liveConnectors(): Connector[] {
    return this.connectors.filter((c) => c.registered || c.removed);
  }

  /** Free hot-removed connectors no state routes any more (the last drm_connector_put). */
  reapConnectors(): void {
    for (const c of this.connectors.filter((x) => x.removed && !x.state.crtc)) {
      this.connectors.splice(this.connectors.indexOf(c), 1);
      this.idr.remove(c.id);
    }
  }
}
