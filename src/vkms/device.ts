/**
 * createVkms(): a VKMS device, as the kernel module makes it (a faux parent device, probe, KMS
 * objects from the topology, an optional modeset before registration, registration), with the
 * debugfs-like CRC API, hotplug, fault injection and atomic-check policies.
 */
import { Errno, DrmError, type ErrnoName } from '../uapi/errno.js';
import type { DrmFd, OpenFlags } from '../uapi/fd.js';
import { Fourcc } from '../uapi/fourcc.js';
import { ConnectorStatus } from '../uapi/drm-mode.js';
import {
  createFauxDevice, Registration, UnregisteredDevice, vblankOf, type ClockMode, type Connector, type Crtc, type Device, type DeviceClock,
  type Registered,
} from '../drm/driver/index.js';
import { defaultTopology, validateTopology, VkmsConfigError, type ConnectorConfig, type ModuleParams, type VkmsTopology } from './config.js';
import { composeNow, composerVblank } from './composer.js';
import { defaultModes, vkmsConnectorFuncs } from './connector.js';
import { vkmsDriver } from './driver.js';
import { resolveModes } from './modes.js';
import { connectorType, createOutputs } from './output.js';
import { PROFILES, type ProfileName, type VkmsProfile } from './profiles.js';
import type { AtomicPolicy, CrcEntry, FrameSink, VkmsData, VkmsFrame, VkmsOutput, VkmsTypes, WritebackSink } from './types.js';

export interface VkmsOptions extends ModuleParams {
  /** `latest` (default) or `linux-6.12`. */
  profile?: ProfileName;
  /** A full topology (vkmsctl JSON shape); default: what the module parameters describe. */
  topology?: VkmsTopology;
  /** Device clock: manual (default for tests), realtime, or immediate (no vblank). */
  clock?: ClockMode;
  /** Light the preferred mode of every connected connector before registration (boot FB). */
  bootModeset?: boolean | { color?: number };
}

export type CrtcRef = number | string | Crtc;

export interface VkmsDevice {
  readonly name: string;
  readonly profile: VkmsProfile;
  readonly topology: VkmsTopology;
  /** The driver-level device (Registered context). */
  readonly device: Device<VkmsTypes, Registered>;
  readonly data: VkmsData;
  readonly clock: DeviceClock;
  /** open() of the card node. Wrap with `new Card(fd)` for the libdrm-like client. */
  open(flags?: OpenFlags): DrmFd;
  /** Object IDs by configured name. */
  readonly ids: { planes: Record<string, number>; crtcs: Record<string, number>; encoders: Record<string, number>; connectors: Record<string, number>; writeback: Record<string, number> };
  /** Advance the manual clock to the next vblank of a CRTC (default: the first). */
  vblank(crtc?: CrtcRef, count?: number): void;
  readonly debugfs: {
    /** crtc-N/crc/control: "auto" (or null / "none" to stop); other names EINVAL. */
    setCrcSource(crtc: CrtcRef, source: string | null): void;
    /** crtc-N/crc/data: the entries so far (removed from the queue). */
    readCrc(crtc: CrtcRef): CrcEntry[];
    /**
     * verify_crc_source (vkms_verify_crc_source): the number of CRC values per entry (1) for a
     * source VKMS knows ("auto"); anything else, "none" included, throws EINVAL.
     */
    verifyCrcSource(crtc: CrtcRef, source: string): number;
    /** get_crc_sources (vkms_get_crc_sources): the source names crc/control lists. */
    crcSources(crtc: CrtcRef): readonly string[];
    /** Call `cb` each time new CRC entries were queued on this CRTC (read them with readCrc). */
    onCrc(crtc: CrtcRef, cb: () => void): () => void;
    /** The vkms_config file: the topology dump. */
    config(): string;
  };
  /** Receive every composed frame of a CRTC (composition runs while a sink is attached). */
  onFrame(crtc: CrtcRef, sink: FrameSink): () => void;
  /** Receive every finished writeback job of a CRTC's writeback connector. */
  onWriteback(crtc: CrtcRef, sink: WritebackSink): () => void;
  /** Compose the CRTC's current state now, outside vblank. */
  composeNow(crtc?: CrtcRef): VkmsFrame | null;
  readonly hotplug: {
    setStatus(connector: string, status: 'connected' | 'disconnected' | 'unknown'): void;
    add(config: ConnectorConfig): number;
    remove(connector: string): void;
    /** Link-status goes Bad on a connector (a DP link failing), with a hotplug event. */
    linkBad(connector: string): void;
    onEvent(cb: () => void): () => void;
    nextEvent(): Promise<void>;
  };
  readonly faults: {
    /** Make the next `count` commits of this kind fail with `errno`. */
    inject(origin: 'any' | 'atomic' | 'page_flip' | 'setcrtc' | 'setplane' | 'cursor' | 'setproperty', errno: string, count?: number): void;
    clear(): void;
    readonly pending: number;
  };
  readonly policies: { add(p: AtomicPolicy): () => void };
  /** Unbind the parent: hot-unplug (uapi 7.x). */
  unplug(): Promise<void>;
}

let devCount = 0;

export async function createVkms(opts: VkmsOptions = {}): Promise<VkmsDevice> {
  const profileName = opts.profile ?? 'latest';
  const profile = PROFILES[profileName];
  if (!profile) throw new VkmsConfigError('profile', `unknown profile "${String(profileName)}" (linux-6.12 or latest)`);
  const topology = structuredClone(opts.topology ?? defaultTopology(opts));
  validateTopology(topology);
  const data: VkmsData = {
    profile, topology, planes: new Map(), crtcs: new Map(), encoders: new Map(), connectors: new Map(), outputs: new Map(),
    status: new Map(), policies: [], faults: { queued: [] },
  };
  const index = devCount++;
  const name = topology.name ?? `vkms${index ? index : ''}`;
  let device!: Device<VkmsTypes, Registered>;
  const faux = await createFauxDevice(name, {
    probe(parent) {
      const u = UnregisteredDevice.create(parent, { ...vkmsDriver, info: { ...vkmsDriver.info, desc: profile.desc } }, data, { clock: opts.clock ?? topology.clock ?? 'manual' });
      createOutputs(u, data, (idx, count, t) => {
        const crtc = u.drm.crtcs[idx]!;
        composerVblank(u.drm, data, crtc, count, t);
      });
      if (opts.bootModeset) bootModeset(u.device, data, typeof opts.bootModeset === 'object' ? opts.bootModeset.color ?? 0 : 0);
      device = Registration.newForeignOwned(u, parent, { registeredAt: u.drm.clock.now() });
    },
  }).catch((e: unknown) => {
    // a failed probe leaves nothing behind, not even a used device number
    if (devCount === index + 1) devCount = index;
    throw e;
  });
  return makeHandle(name, profile, topology, data, device, () => faux.unbind());
}

/** The modeset before registration: preferred mode, a solid boot FB, from DeviceData. */
function bootModeset(dev: Device<VkmsTypes>, data: VkmsData, color: number): void {
  for (const [name, crtc] of data.crtcs) {
    const enc = [...data.encoders.values()].find((e) => e.possibleCrtcs & (1 << crtc.index));
    const conn = [...data.connectors.values()].find((c) => data.status.get(c) === ConnectorStatus.connected && enc && c.possibleEncoders.includes(enc));
    if (!conn || !crtc.primary) continue;
    const modes = conn.funcs.getModes?.(conn) ?? defaultModes();
    const mode = modes.find((m) => m.type & 8) ?? modes[0];
    if (!mode) continue;
    const boot = dev.createFramebuffer(Fourcc.XRGB8888, mode.hdisplay, mode.vdisplay);
    new Uint32Array(boot.bytes.buffer, boot.bytes.byteOffset, boot.bytes.byteLength >> 2).fill(color >>> 0);
    const r = dev.commit((c) => c.setMode(crtc, mode).set(crtc, 'ACTIVE', 1).set(conn, 'CRTC_ID', crtc.id)
      .set(crtc.primary!, 'FB_ID', boot.fb.id).set(crtc.primary!, 'CRTC_ID', crtc.id)
      .set(crtc.primary!, 'SRC_W', mode.hdisplay * 65536).set(crtc.primary!, 'SRC_H', mode.vdisplay * 65536)
      .set(crtc.primary!, 'CRTC_W', mode.hdisplay).set(crtc.primary!, 'CRTC_H', mode.vdisplay));
    if (r instanceof Promise) r.catch(() => undefined);
    void name;
  }
}

function makeHandle(name: string, profile: VkmsProfile, topology: VkmsTopology, data: VkmsData, device: Device<VkmsTypes, Registered>, unbind: () => Promise<void>): VkmsDevice {
  const core = device.drm;
  const crtcOf = (ref: CrtcRef | undefined): Crtc => {
    if (ref === undefined) return core.crtcs[0]!;
    if (typeof ref === 'object') return ref;
    const c = typeof ref === 'number' ? core.crtcs.find((x) => x.id === ref) ?? core.crtcs[ref] : data.crtcs.get(ref);
    if (!c) throw new RangeError(`no CRTC ${String(ref)} on ${name}`);
    return c;
  };
  const outOf = (ref: CrtcRef | undefined): VkmsOutput => data.outputs.get(crtcOf(ref))!;
  const connOf = (n: string): Connector => {
    const c = data.connectors.get(n);
    if (!c) throw new RangeError(`no connector "${n}" on ${name} (have ${[...data.connectors.keys()].join(', ')})`);
    return c;
  };
  const ids = () => ({
    planes: Object.fromEntries([...data.planes].map(([k, v]) => [k, v.id])),
    crtcs: Object.fromEntries([...data.crtcs].map(([k, v]) => [k, v.id])),
    encoders: Object.fromEntries([...data.encoders].map(([k, v]) => [k, v.id])),
    connectors: Object.fromEntries([...data.connectors].map(([k, v]) => [k, v.id])),
    writeback: Object.fromEntries([...data.outputs].filter(([, o]) => o.writeback).map(([c, o]) => [c.name, o.writeback!.id])),
  });
  const STATUS = { connected: 1, disconnected: 2, unknown: 3 } as const;
  return {
    name, profile, topology, device, data,
    get clock() { return core.clock; },
    get ids() { return ids(); },
    open: (flags) => device.open(flags),
    vblank(crtc, count = 1) {
      stepVblanks(device, crtcOf(crtc), count);
    },
    debugfs: {
      setCrcSource(crtc, source) {
        // vkms_verify_crc_source: only "auto"
        if (source !== null && source !== 'none' && source !== 'auto') throw new DrmError('EINVAL', `unknown CRC source "${source}" (VKMS has "auto")`, 'crc/control');
        outOf(crtc).crcSource = source === 'auto' ? 'auto' : null;
      },
      readCrc(crtc) {
        return outOf(crtc).crcEntries.splice(0);
      },
      verifyCrcSource(crtc, source) {
        outOf(crtc);
        // vkms_crc_parse_source: only "auto" (a NULL source, not a name, means off)
        if (source !== 'auto') throw new DrmError('EINVAL', `unknown CRC source "${source}" (VKMS has "auto")`, 'crc/control');
        return 1;
      },
      crcSources(crtc) {
        outOf(crtc);
        return ['auto'];
      },
      onCrc(crtc, cb) {
        const out = outOf(crtc);
        out.crcListeners.add(cb);
        return () => { out.crcListeners.delete(cb); };
      },
      config: () => dumpConfig(data),
    },
    onFrame(crtc, sink) {
      const out = outOf(crtc);
      out.sinks.add(sink);
      return () => { out.sinks.delete(sink); };
    },
    onWriteback(crtc, sink) {
      const out = outOf(crtc);
      out.wbSinks.add(sink);
      return () => { out.wbSinks.delete(sink); };
    },
    composeNow: (crtc) => composeNow(outOf(crtc)),
    hotplug: {
      setStatus(n, status) {
        if (!Object.hasOwn(STATUS, status)) throw new VkmsConfigError('status', `must be connected, disconnected or unknown, not "${status}"`);
        data.status.set(connOf(n), STATUS[status]);
        device.hotplugEvent();
      },
      add(cfg) {
        if (typeof cfg.name !== 'string' || !cfg.name) throw new VkmsConfigError('connector.name', 'must be a non-empty string');
        if (data.connectors.has(cfg.name)) throw new VkmsConfigError('connector.name', `a connector "${cfg.name}" exists already`);
        const encs = (cfg.possible_encoders ?? []).map((e, j) => {
          const enc = data.encoders.get(e);
          if (!enc) throw new VkmsConfigError(`connector.possible_encoders[${j}]`, `unknown encoder "${e}"`);
          return enc;
        });
        if (encs.length === 0) throw new VkmsConfigError('connector.possible_encoders', `connector "${cfg.name}" has no possible encoder`);
        const status = Object.hasOwn(STATUS, cfg.status ?? 'connected') ? STATUS[cfg.status ?? 'connected'] : undefined;
        if (!status) throw new VkmsConfigError('connector.status', `must be connected, disconnected or unknown, not "${String(cfg.status)}"`);
        const modes = cfg.modes ? resolveModes(cfg, data.connectors.size) : null;
        let conn!: Connector;
        // the status is known before the hotplug event goes out
        conn = device.hotAddConnector({ type: connectorType(cfg, data.connectors.size), encoders: encs, funcs: vkmsConnectorFuncs(() => data.status.get(conn) ?? status, () => (modes ? modes.map((m) => ({ ...m })) : defaultModes())) });
        data.status.set(conn, status);
        data.connectors.set(cfg.name, conn);
        topology.connectors.push(cfg);
        return conn.id;
      },
      remove(n) {
        const conn = connOf(n);
        data.connectors.delete(n);
        topology.connectors.splice(topology.connectors.findIndex((c) => c.name === n), 1);
        device.hotRemoveConnector(conn);
      },
      linkBad(n) {
        connOf(n).state.link_status = 1;
        device.hotplugEvent();
      },
      onEvent: (cb) => device.onHotplug(cb),
      nextEvent: () => new Promise<void>((resolve) => { const off = device.onHotplug(() => { off(); resolve(); }); }),
    },
    faults: {
      inject(origin, errno, count = 1) {
        if (!Object.hasOwn(Errno, errno)) throw new RangeError(`unknown errno "${errno}" (one of ${Object.keys(Errno).join(', ')})`);
        const origins = ['any', 'atomic', 'page_flip', 'setcrtc', 'setplane', 'cursor', 'setproperty'];
        if (!origins.includes(origin)) throw new RangeError(`unknown kind of commit "${origin}" (one of ${origins.join(', ')})`);
        if (!Number.isInteger(count) || count < 0) throw new RangeError(`count must be a non-negative integer, not ${count}`);
        for (let i = 0; i < count; i++) data.faults.queued.push({ origin, errno: errno as ErrnoName });
      },
      clear() { data.faults.queued.length = 0; },
      get pending() { return data.faults.queued.length; },
    },
    policies: {
      add(p) {
        data.policies.push(p);
        return () => { const i = data.policies.indexOf(p); if (i >= 0) data.policies.splice(i, 1); };
      },
    },
    unplug: unbind,
  };
}

/** Advance the manual clock until `crtc`'s vblank counter moved `count` frames. */
function stepVblanks(device: Device<VkmsTypes, Registered>, crtc: Crtc, count: number): void {
  const clock = device.drm.clock;
  if (clock.mode !== 'manual') throw new Error(`vblank() steps the manual clock; this device uses ${clock.mode}`);
  const v = vblankOf(crtc);
  if (!v.enabled) throw new Error(`CRTC ${crtc.id} is off: it has no vblank to wait for`);
  const target = v.count + BigInt(count);
  while (v.count < target) if (!clock.step()) throw new Error(`no vblank pending on CRTC ${crtc.id}`);
}

/** The debugfs vkms_config dump. */
function dumpConfig(data: VkmsData): string {
  const t = data.topology;
  const lines: string[] = [`dev_name=${t.name ?? 'vkms'}`, `profile=${data.profile.name}`];
  for (const p of t.planes) lines.push(`plane: name=${p.name} type=${p.type ?? 'overlay'} possible_crtcs=${p.possible_crtcs.join(',')}`);
  for (const c of t.crtcs) lines.push(`crtc: name=${c.name} writeback=${c.is_writeback_enabled ? 1 : 0}`);
  for (const e of t.encoders) lines.push(`encoder: name=${e.name} possible_crtcs=${e.possible_crtcs.join(',')}`);
  for (const c of t.connectors) lines.push(`connector: name=${c.name} status=${c.status ?? 'connected'} possible_encoders=${c.possible_encoders.join(',')}`);
  return lines.join('\n') + '\n';
}
