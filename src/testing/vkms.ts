/**
 * Headless test helpers: a VKMS device on the manual clock with an atomic Card, a framebuffer
 * factory, an IGT-style pipe CRC, and event waiting — enough for a ten-line vitest test.
 */
import { AtomicRequest, Card, lightOutput, preferredMode } from '../client/index.js';
import { fillPattern, type PatternName } from '../io/index.js';
import { ClientCap, Fourcc, formatInfo } from '../uapi/index.js';
import type { DrmEvent } from '../uapi/events.js';
import type { ModeInfo } from '../uapi/ioctl-structs.js';
import { createVkms, type CrcEntry, type VkmsDevice, type VkmsOptions } from '../vkms/index.js';

export interface TestOutput {
  vkms: VkmsDevice;
  card: Card;
  crtc: number;
  connector: number;
  primary: number;
  cursor: number | undefined;
  overlays: number[];
  writeback: number | undefined;
  mode: ModeInfo;
  /** Make a framebuffer (single-plane formats), optionally filled with a modetest pattern. */
  createFb(width: number, height: number, format?: number, pattern?: PatternName): TestFb;
  /** Light the preferred mode with `fb` (default: a new SMPTE XRGB8888 FB) on the primary plane. */
  light(fb?: TestFb): Promise<TestFb>;
  /** Advance the manual clock by n vblanks of the CRTC. */
  vblank(n?: number): void;
  dispose(): Promise<void>;
}

export interface TestFb { id: number; handle: number; width: number; height: number; format: number; pitch: number; bytes: Uint8Array }

/** A VKMS device (manual clock unless asked) with an atomic, writeback-aware Card. */
export async function createTestOutput(opts: VkmsOptions = {}): Promise<TestOutput> {
  const vkms = await createVkms({ clock: 'manual', ...opts });
  const card = new Card(vkms.open());
  card.setClientCap(ClientCap.ATOMIC, 1);
  card.setClientCap(ClientCap.WRITEBACK_CONNECTORS, 1);
  const ids = vkms.ids;
  const crtcName = Object.keys(ids.crtcs)[0]!;
  const crtc = ids.crtcs[crtcName]!, connector = Object.values(ids.connectors)[0]!;
  const planes = vkms.topology.planes;
  const primary = ids.planes[planes.find((p) => p.type === 'primary')!.name]!;
  const cursorCfg = planes.find((p) => p.type === 'cursor');
  const mode = preferredMode(card, connector);
  const out: TestOutput = {
    vkms, card, crtc, connector, primary, mode,
    cursor: cursorCfg ? ids.planes[cursorCfg.name] : undefined,
    overlays: planes.filter((p) => (p.type ?? 'overlay') === 'overlay').map((p) => ids.planes[p.name]!),
    writeback: ids.writeback[crtcName],
    createFb(width, height, format = Fourcc.XRGB8888, pattern) {
      const info = formatInfo(format);
      if (!info || info.numPlanes !== 1) throw new Error('createFb handles single-plane formats; use card.createDumb/addFB2 for others');
      const bpp = (info.charPerBlock[0] * 8) / (info.blockW[0] * info.blockH[0]);
      const { handle, pitch } = card.createDumb(width, height, bpp);
      const bytes = card.mapDumb(handle);
      const id = card.addFB2(width, height, format, [handle], [pitch], [0]);
      if (pattern) fillPattern(pattern, { format, width, height, pitches: [pitch], offsets: [0], data: [bytes] });
      return { id, handle, width, height, format, pitch, bytes };
    },
    async light(fb) {
      const f = fb ?? out.createFb(mode.hdisplay, mode.vdisplay, Fourcc.XRGB8888, 'smpte');
      await lightOutput(card, { crtc, connector, mode, primary: { plane: primary, fb: f.id, srcW: f.width, srcH: f.height } });
      return f;
    },
    vblank(n = 1) {
      vkms.vblank(crtcName, n);
    },
    async dispose() {
      card.close();
      await vkms.unplug();
    },
  };
  return out;
}

/** IGT's pipe CRC: start the "auto" source, collect n frames, stop. */
export class PipeCrc {
  constructor(private readonly vkms: VkmsDevice, private readonly crtc: string | number = 0) {}

  start(): void {
    this.vkms.debugfs.setCrcSource(this.crtc, 'auto');
    this.vkms.debugfs.readCrc(this.crtc);
  }

  /** Advance `n` vblanks (manual clock) and return their CRC entries. */
  collect(n = 1): CrcEntry[] {
    this.vkms.vblank(this.crtc, n);
    return this.vkms.debugfs.readCrc(this.crtc);
  }

  /** One frame's CRC after the next vblank (igt_pipe_crc_collect_crc). */
  collectOne(): number {
    const e = this.collect(1);
    if (!e.length) throw new Error('no CRC entry: is the CRTC active?');
    return e[e.length - 1]!.crc;
  }

  stop(): void {
    this.vkms.debugfs.setCrcSource(this.crtc, null);
  }
}

/** Resolve with the next event(s) on a Card; with the manual clock, step vblanks until one arrives. */
export async function nextEvents(card: Card, vkms?: VkmsDevice, maxVblanks = 120): Promise<DrmEvent[]> {
  const now = card.readEvents();
  if (now.length) return now;
  if (vkms && vkms.clock.mode === 'manual') {
    for (let i = 0; i < maxVblanks; i++) {
      if (!vkms.clock.step()) break;
      const ev = card.readEvents();
      if (ev.length) return ev;
    }
    throw new Error(`no event after ${maxVblanks} vblanks`);
  }
  return card.waitEvents();
}

export { AtomicRequest };
