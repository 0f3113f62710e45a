/** The VKMS driver's data types (drm::Driver::Data and RegistrationData). */
import type { Composer } from '../compose/index.js';
import type { Connector, Crtc, Encoder, Plane } from '../drm/driver/index.js';
import type { VkmsTopology } from './config.js';
import type { VkmsProfile } from './profiles.js';

/** A composed frame handed to frame sinks (ARGB16161616, a,r,g,b u16 per pixel). */
export interface VkmsFrame {
  crtcId: number;
  sequence: bigint;
  timeNs: bigint;
  crc: number;
  width: number;
  height: number;
  pixels: Uint16Array;
}
export type FrameSink = (frame: VkmsFrame) => void;

export interface CrcEntry { frame: bigint; crc: number }

/** vkms_output: per-CRTC composer state. */
export interface VkmsOutput {
  readonly crtc: Crtc;
  readonly composer: Composer;
  writeback: Connector | null;
  crcSource: 'auto' | null;
  readonly crcEntries: CrcEntry[];
  /** Told after new CRC entries were queued (the debugfs data file's wake_up_interruptible). */
  readonly crcListeners: Set<() => void>;
  readonly sinks: Set<FrameSink>;
  /** Frames composed so far (statistics). */
  composed: number;
  frameStart: bigint;
  frameEnd: bigint;
  crcPending: boolean;
  /** Reused full-frame buffer for sinks. */
  frameBuf: Uint16Array | null;
  /** Receivers of finished writeback jobs. */
  readonly wbSinks: Set<WritebackSink>;
}

/** A finished writeback job: the framebuffer the composer wrote. */
export interface VkmsWriteback {
  crtcId: number;
  sequence: bigint;
  timeNs: bigint;
  crc: number;
  fb: { format: number; width: number; height: number; pitches: readonly number[]; offsets: readonly number[]; data: Uint8Array[] };
}
export type WritebackSink = (wb: VkmsWriteback) => void;

/** DeviceData: the configuration and the objects made from it. */
export interface VkmsData {
  readonly profile: VkmsProfile;
  readonly topology: VkmsTopology;
  readonly planes: Map<string, Plane>;
  readonly crtcs: Map<string, Crtc>;
  readonly encoders: Map<string, Encoder>;
  readonly connectors: Map<string, Connector>;
  readonly outputs: Map<Crtc, VkmsOutput>;
  /** Connector status as configured (configfs `status`); hotplug changes it. */
  readonly status: Map<Connector, 1 | 2 | 3>;
  /** User atomic-check policies and queued faults (vkms-ts additions). */
  readonly policies: AtomicPolicy[];
  readonly faults: FaultQueue;
}

export interface PolicyView {
  /** Planes visible after the commit, with their state. */
  planes: { id: number; name: string; type: number; crtcId: number; srcW: number; srcH: number; crtcW: number; crtcH: number; format: number }[];
  crtcs: { id: number; name: string; active: boolean; width: number; height: number; modeChanged: boolean }[];
  /** How the commit came in: 'atomic', 'setcrtc', 'setplane', 'cursor', 'page_flip', 'setproperty', 'kernel'. */
  origin: string;
}
/** A driver restriction: return an errno name to refuse the commit. */
export type AtomicPolicy = (view: PolicyView) => string | void | undefined;

export interface FaultQueue {
  /** Errnos to return for the next commits, per origin ('any' matches all). */
  readonly queued: { origin: string; errno: string }[];
}

/** RegistrationData: what only exists while registered. */
export interface VkmsRegistration {
  readonly registeredAt: bigint;
}

export interface VkmsTypes {
  Data: VkmsData;
  RegistrationData: VkmsRegistration;
}
