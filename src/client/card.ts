/**
 * A libdrm-shaped client over the ioctl surface (≈ xf86drm.c / xf86drmMode.c). Methods are the
 * camelCase of drmMode*; they do libdrm's two-call dance over the count rules and decode structs.
 * The Card reaches the device only through a DrmFd.
 */
import { DrmError } from '../uapi/errno.js';
import { MODEINFO_SIZE, ObjectType, PROPERTY_ENUM_SIZE, PropFlag } from '../uapi/drm-mode.js';
import { decodeEvents, type DrmEvent } from '../uapi/events.js';
import type { DrmFd } from '../uapi/fd.js';
import type { IoctlArgs, IoctlName } from '../uapi/ioctl.js';
import type { ModeInfo } from '../uapi/ioctl-structs.js';
import { decodeModeInfo, encodeModeInfo } from '../uapi/modeinfo.js';
import { AtomicRequest } from './atomic.js';

export type IntLike = number | bigint;
const big = (v: IntLike): bigint => (typeof v === 'bigint' ? v : BigInt(Math.trunc(v)));

export interface Resources { fbs: number[]; crtcs: number[]; connectors: number[]; encoders: number[]; minWidth: number; maxWidth: number; minHeight: number; maxHeight: number }
export interface ConnectorInfo {
  connectorId: number; encoderId: number; connectorType: number; connectorTypeId: number; connection: number;
  mmWidth: number; mmHeight: number;
  /** libdrm's value: the kernel's subpixel_order + 1 (DRM_MODE_SUBPIXEL_*). */
  subpixel: number;
  modes: ModeInfo[]; props: number[]; propValues: bigint[]; encoders: number[];
}
export interface EncoderInfo { encoderId: number; encoderType: number; crtcId: number; possibleCrtcs: number; possibleClones: number }
export interface CrtcInfo { crtcId: number; bufferId: number; x: number; y: number; width: number; height: number; modeValid: boolean; mode: ModeInfo; gammaSize: number }
export interface PlaneInfo { planeId: number; crtcId: number; fbId: number; possibleCrtcs: number; gammaSize: number; formats: number[] }
export interface PropertyInfo { propId: number; flags: number; name: string; values: bigint[]; enums: { name: string; value: bigint }[] }
export interface ObjectProperties { props: number[]; propValues: bigint[] }
export interface Fb2Info { fbId: number; width: number; height: number; pixelFormat: number; flags: number; handles: number[]; pitches: number[]; offsets: number[]; modifier: bigint }
export interface VersionInfo { major: number; minor: number; patchlevel: number; name: string; date: string; desc: string }

function u32s(n: number): Uint32Array {
  return new Uint32Array(Math.max(n, 0));
}
function u64s(n: number): BigUint64Array {
  return new BigUint64Array(Math.max(n, 0));
}

export class Card {
  readonly fd: DrmFd;
  private readonly dumbSizes = new Map<number, number>();
  constructor(fd: DrmFd) {
    this.fd = fd;
  }

  /** A synchronous ioctl; throws if the device would have to block (use the async methods). */
  ioctl<K extends IoctlName>(name: K, arg: Partial<IoctlArgs[K]>): Partial<IoctlArgs[K]> {
    const r = this.fd.ioctl(name, arg);
    if (r instanceof Promise) {
      r.catch(() => undefined);
      throw new Error(`${name} would block; use the async form`);
    }
    return arg;
  }

  async ioctlAsync<K extends IoctlName>(name: K, arg: Partial<IoctlArgs[K]>): Promise<Partial<IoctlArgs[K]>> {
    await this.fd.ioctl(name, arg);
    return arg;
  }

  close(): void {
    this.fd.close();
  }

  getVersion(): VersionInfo {
    const a: Partial<IoctlArgs['VERSION']> = {};
    this.ioctl('VERSION', a);
    const name = new Uint8Array(Number(a.name_len ?? 0)), date = new Uint8Array(Number(a.date_len ?? 0)), desc = new Uint8Array(Number(a.desc_len ?? 0));
    const b: Partial<IoctlArgs['VERSION']> = { name_len: name.length, name, date_len: date.length, date, desc_len: desc.length, desc };
    this.ioctl('VERSION', b);
    const dec = (x: Uint8Array) => new TextDecoder().decode(x);
    return { major: b.version_major!, minor: b.version_minor!, patchlevel: b.version_patchlevel!, name: dec(name), date: dec(date), desc: dec(desc) };
  }

  getCap(capability: IntLike): bigint {
    const a: Partial<IoctlArgs['GET_CAP']> = { capability: big(capability) };
    this.ioctl('GET_CAP', a);
    return a.value!;
  }

  setClientCap(capability: IntLike, value: IntLike): void {
    this.ioctl('SET_CLIENT_CAP', { capability: big(capability), value: big(value) });
  }

  getResources(): Resources {
    for (;;) {
      const a: Partial<IoctlArgs['MODE_GETRESOURCES']> = {};
      this.ioctl('MODE_GETRESOURCES', a);
      const fbs = u32s(a.count_fbs!), crtcs = u32s(a.count_crtcs!), conns = u32s(a.count_connectors!), encs = u32s(a.count_encoders!);
      const b: Partial<IoctlArgs['MODE_GETRESOURCES']> = {
        count_fbs: fbs.length, fb_id_ptr: fbs, count_crtcs: crtcs.length, crtc_id_ptr: crtcs,
        count_connectors: conns.length, connector_id_ptr: conns, count_encoders: encs.length, encoder_id_ptr: encs,
      };
      this.ioctl('MODE_GETRESOURCES', b);
      // the lists may have grown between the calls: retry as libdrm does
      if (b.count_fbs! > fbs.length || b.count_crtcs! > crtcs.length || b.count_connectors! > conns.length || b.count_encoders! > encs.length) continue;
      return {
        fbs: [...fbs.subarray(0, b.count_fbs)], crtcs: [...crtcs.subarray(0, b.count_crtcs)],
        connectors: [...conns.subarray(0, b.count_connectors)], encoders: [...encs.subarray(0, b.count_encoders)],
        minWidth: b.min_width!, maxWidth: b.max_width!, minHeight: b.min_height!, maxHeight: b.max_height!,
      };
    }
  }

  getPlaneResources(): number[] {
    for (;;) {
      const a: Partial<IoctlArgs['MODE_GETPLANERESOURCES']> = {};
      this.ioctl('MODE_GETPLANERESOURCES', a);
      const ids = u32s(a.count_planes!);
      const b: Partial<IoctlArgs['MODE_GETPLANERESOURCES']> = { count_planes: ids.length, plane_id_ptr: ids };
      this.ioctl('MODE_GETPLANERESOURCES', b);
      if (b.count_planes! > ids.length) continue;
      return [...ids.subarray(0, b.count_planes)];
    }
  }

  /** drmModeGetConnector: probes when this file is the current master (uapi 1.25). */
  getConnector(id: number): ConnectorInfo {
    return this.connector(id, true);
  }

  /** drmModeGetConnectorCurrent: never probes. */
  getConnectorCurrent(id: number): ConnectorInfo {
    return this.connector(id, false);
  }

  private connector(id: number, probe: boolean): ConnectorInfo {
    for (;;) {
      const stackMode = new Uint8Array(MODEINFO_SIZE);
      const a: Partial<IoctlArgs['MODE_GETCONNECTOR']> = probe ? { connector_id: id } : { connector_id: id, count_modes: 1, modes_ptr: stackMode };
      this.ioctl('MODE_GETCONNECTOR', a);
      const nModes = a.count_modes!, nProps = a.count_props!, nEnc = a.count_encoders!;
      const modes = new Uint8Array(MODEINFO_SIZE * Math.max(nModes, probe ? 0 : 1)), props = u32s(nProps), values = u64s(nProps), encs = u32s(nEnc);
      const b: Partial<IoctlArgs['MODE_GETCONNECTOR']> = {
        connector_id: id, count_modes: Math.max(nModes, probe ? 0 : 1), modes_ptr: modes, count_props: nProps, props_ptr: props,
        prop_values_ptr: values, count_encoders: nEnc, encoders_ptr: encs,
      };
      if (b.count_modes === 0) b.modes_ptr = 0n;
      this.ioctl('MODE_GETCONNECTOR', b);
      if (b.count_modes! > Math.max(nModes, probe ? 0 : 1) || b.count_props! > nProps || b.count_encoders! > nEnc) continue;
      const list: ModeInfo[] = [];
      for (let i = 0; i < b.count_modes!; i++) list.push(decodeModeInfo(modes, i * MODEINFO_SIZE));
      return {
        connectorId: b.connector_id!, encoderId: b.encoder_id!, connectorType: b.connector_type!, connectorTypeId: b.connector_type_id!,
        connection: b.connection!, mmWidth: b.mm_width!, mmHeight: b.mm_height!, subpixel: b.subpixel! + 1,
        modes: list, props: [...props.subarray(0, b.count_props)], propValues: [...values.subarray(0, b.count_props)], encoders: [...encs.subarray(0, b.count_encoders)],
      };
    }
  }

  getEncoder(id: number): EncoderInfo {
    const a: Partial<IoctlArgs['MODE_GETENCODER']> = { encoder_id: id };
    this.ioctl('MODE_GETENCODER', a);
    return { encoderId: a.encoder_id!, encoderType: a.encoder_type!, crtcId: a.crtc_id!, possibleCrtcs: a.possible_crtcs!, possibleClones: a.possible_clones! };
  }

  getCrtc(id: number): CrtcInfo {
    const a: Partial<IoctlArgs['MODE_GETCRTC']> = { crtc_id: id };
    this.ioctl('MODE_GETCRTC', a);
    const m = a.mode!;
    return {
      crtcId: a.crtc_id!, bufferId: a.fb_id!, x: a.x!, y: a.y!, width: a.mode_valid ? m.hdisplay : 0, height: a.mode_valid ? m.vdisplay : 0,
      modeValid: a.mode_valid === 1, mode: m, gammaSize: a.gamma_size!,
    };
  }

  getPlane(id: number): PlaneInfo {
    const a: Partial<IoctlArgs['MODE_GETPLANE']> = { plane_id: id };
    this.ioctl('MODE_GETPLANE', a);
    const fmts = u32s(a.count_format_types!);
    const b: Partial<IoctlArgs['MODE_GETPLANE']> = { plane_id: id, count_format_types: fmts.length, format_type_ptr: fmts };
    this.ioctl('MODE_GETPLANE', b);
    return { planeId: b.plane_id!, crtcId: b.crtc_id!, fbId: b.fb_id!, possibleCrtcs: b.possible_crtcs!, gammaSize: b.gamma_size!, formats: [...fmts] };
  }

  getObjectProperties(id: number, type: number = ObjectType.ANY): ObjectProperties {
    for (;;) {
      const a: Partial<IoctlArgs['MODE_OBJ_GETPROPERTIES']> = { obj_id: id, obj_type: type };
      this.ioctl('MODE_OBJ_GETPROPERTIES', a);
      const props = u32s(a.count_props!), values = u64s(a.count_props!);
      const b: Partial<IoctlArgs['MODE_OBJ_GETPROPERTIES']> = { obj_id: id, obj_type: type, count_props: props.length, props_ptr: props, prop_values_ptr: values };
      this.ioctl('MODE_OBJ_GETPROPERTIES', b);
      if (b.count_props! > props.length) continue;
      return { props: [...props.subarray(0, b.count_props)], propValues: [...values.subarray(0, b.count_props)] };
    }
  }

  getProperty(id: number): PropertyInfo {
    const a: Partial<IoctlArgs['MODE_GETPROPERTY']> = { prop_id: id };
    this.ioctl('MODE_GETPROPERTY', a);
    const values = u64s(a.count_values!);
    const isEnum = (a.flags! & (PropFlag.ENUM | PropFlag.BITMASK)) !== 0;
    const nEnums = isEnum ? a.count_enum_blobs! : 0;
    const enums = new Uint8Array(PROPERTY_ENUM_SIZE * nEnums);
    const b: Partial<IoctlArgs['MODE_GETPROPERTY']> = { prop_id: id, count_values: values.length, values_ptr: values, count_enum_blobs: nEnums, enum_blob_ptr: enums };
    this.ioctl('MODE_GETPROPERTY', b);
    const dv = new DataView(enums.buffer);
    const list = Array.from({ length: nEnums }, (_, i) => {
      let name = '';
      for (let j = 0; j < 32; j++) {
        const c = enums[i * PROPERTY_ENUM_SIZE + 8 + j]!;
        if (!c) break;
        name += String.fromCharCode(c);
      }
      return { value: dv.getBigUint64(i * PROPERTY_ENUM_SIZE, true), name };
    });
    return { propId: id, flags: b.flags!, name: b.name!, values: [...values], enums: list };
  }

  /** drmModeGetPropertyBlob: the blob's bytes. */
  getPropertyBlob(id: number): Uint8Array {
    const a: Partial<IoctlArgs['MODE_GETPROPBLOB']> = { blob_id: id };
    this.ioctl('MODE_GETPROPBLOB', a);
    const data = new Uint8Array(a.length!);
    this.ioctl('MODE_GETPROPBLOB', { blob_id: id, length: data.length, data });
    return data;
  }

  createPropertyBlob(data: Uint8Array): number {
    const a: Partial<IoctlArgs['MODE_CREATEPROPBLOB']> = { data, length: data.byteLength };
    this.ioctl('MODE_CREATEPROPBLOB', a);
    return a.blob_id!;
  }

  destroyPropertyBlob(id: number): void {
    this.ioctl('MODE_DESTROYPROPBLOB', { blob_id: id });
  }

  createDumb(width: number, height: number, bpp: number, flags = 0): { handle: number; pitch: number; size: bigint } {
    const a: Partial<IoctlArgs['MODE_CREATE_DUMB']> = { width, height, bpp, flags };
    this.ioctl('MODE_CREATE_DUMB', a);
    this.dumbSizes.set(a.handle!, Number(a.size!));
    return { handle: a.handle!, pitch: a.pitch!, size: a.size! };
  }

  /**
   * MAP_DUMB + mmap: a view of the buffer's memory (the very bytes the compositor reads). The size
   * defaults to what createDumb returned on this Card.
   */
  mapDumb(handle: number, size?: number): Uint8Array {
    const len = size ?? this.dumbSizes.get(handle);
    if (len === undefined) throw new Error(`mapDumb: size of handle ${handle} unknown (it was not created by this Card): pass it`);
    const a: Partial<IoctlArgs['MODE_MAP_DUMB']> = { handle };
    this.ioctl('MODE_MAP_DUMB', a);
    return this.fd.mmap(a.offset!, len);
  }

  destroyDumb(handle: number): void {
    this.ioctl('MODE_DESTROY_DUMB', { handle });
    this.dumbSizes.delete(handle);
  }

  closeHandle(handle: number): void {
    this.ioctl('GEM_CLOSE', { handle });
  }

  addFB(width: number, height: number, depth: number, bpp: number, pitch: number, handle: number): number {
    const a: Partial<IoctlArgs['MODE_ADDFB']> = { width, height, depth, bpp, pitch, handle };
    this.ioctl('MODE_ADDFB', a);
    return a.fb_id!;
  }

  addFB2(width: number, height: number, pixelFormat: number, handles: number[], pitches: number[], offsets: number[], modifiers?: IntLike[], flags = 0): number {
    const a: Partial<IoctlArgs['MODE_ADDFB2']> = {
      width, height, pixel_format: pixelFormat, flags, handles, pitches, offsets, modifier: (modifiers ?? []).map(big),
    };
    this.ioctl('MODE_ADDFB2', a);
    return a.fb_id!;
  }

  /**
   * RMFB. When the FB is scanned out and the commit taking it off its planes must wait for a
   * vblank (realtime clock), that commit finishes in the background; `rmFBAsync` waits for it, as
   * the kernel's RMFB does (uapi 5.12). Errors (ENOENT) are thrown either way.
   */
  rmFB(fbId: number): void {
    const r = this.fd.ioctl('MODE_RMFB', { fb_id: fbId });
    if (r instanceof Promise) r.catch(() => undefined);
  }

  async rmFBAsync(fbId: number): Promise<void> {
    await this.ioctlAsync('MODE_RMFB', { fb_id: fbId });
  }

  closeFB(fbId: number): void {
    this.ioctl('MODE_CLOSEFB', { fb_id: fbId });
  }

  getFB2(fbId: number): Fb2Info {
    const a: Partial<IoctlArgs['MODE_GETFB2']> = { fb_id: fbId };
    this.ioctl('MODE_GETFB2', a);
    return { fbId, width: a.width!, height: a.height!, pixelFormat: a.pixel_format!, flags: a.flags!, handles: a.handles!, pitches: a.pitches!, offsets: a.offsets!, modifier: a.modifier![0]! };
  }

  setMaster(): void {
    this.ioctl('SET_MASTER', {});
  }
  dropMaster(): void {
    this.ioctl('DROP_MASTER', {});
  }
  getMagic(): number {
    const a: Partial<IoctlArgs['GET_MAGIC']> = {};
    this.ioctl('GET_MAGIC', a);
    return a.magic!;
  }
  authMagic(magic: number): void {
    this.ioctl('AUTH_MAGIC', { magic });
  }

  /** Find a property attached to an object by name: its id and current value. */
  findProperty(objId: number, objType: number, name: string): { id: number; value: bigint; info: PropertyInfo } | undefined {
    const { props, propValues } = this.getObjectProperties(objId, objType);
    for (let i = 0; i < props.length; i++) {
      const info = this.getProperty(props[i]!);
      if (info.name === name) return { id: props[i]!, value: propValues[i]!, info };
    }
    return undefined;
  }

  private propIds = new Map<number, Map<string, number>>();

  /** The id of the property called `name` on object `objId` (cached). */
  propertyId(objId: number, name: string): number {
    let m = this.propIds.get(objId);
    if (!m) {
      m = new Map();
      for (const id of this.getObjectProperties(objId).props) m.set(this.getProperty(id).name, id);
      this.propIds.set(objId, m);
    }
    const id = m.get(name);
    if (id === undefined) throw new Error(`object ${objId} has no property named "${name}" (visible to this file)`);
    return id;
  }

  /** Add an out-fence pointer property (OUT_FENCE_PTR or WRITEBACK_OUT_FENCE_PTR) to a request. */
  addOutFence(req: AtomicRequest, objId: number, prop: 'OUT_FENCE_PTR' | 'WRITEBACK_OUT_FENCE_PTR' = 'OUT_FENCE_PTR'): void {
    req.add(objId, prop, req.fenceCell(objId, this.fd.memory));
  }

  /** drmModeAtomicCommit's marshalling: sorted by object then property, last write wins. */
  private atomicArgs(req: AtomicRequest, flags: number, userData: IntLike): Partial<IoctlArgs['MODE_ATOMIC']> {
    const items = req.items.map((it) => ({ obj: it.objectId, prop: typeof it.property === 'number' ? it.property : this.propertyId(it.objectId, it.property), value: it.value, seq: it.seq }));
    items.sort((a, b) => a.obj - b.obj || a.prop - b.prop || a.seq - b.seq);
    const dedup = items.filter((it, i) => !(i + 1 < items.length && items[i + 1]!.obj === it.obj && items[i + 1]!.prop === it.prop));
    const objs: number[] = [], counts: number[] = [];
    for (const it of dedup) {
      if (objs[objs.length - 1] !== it.obj) { objs.push(it.obj); counts.push(0); }
      counts[counts.length - 1]!++;
    }
    return {
      flags, count_objs: objs.length, objs_ptr: Uint32Array.from(objs), count_props_ptr: Uint32Array.from(counts),
      props_ptr: Uint32Array.from(dedup.map((d) => d.prop)), prop_values_ptr: BigUint64Array.from(dedup.map((d) => d.value)),
      user_data: big(userData),
    };
  }

  /** DRM_IOCTL_MODE_ATOMIC. Resolves when the kernel would return (a blocking commit after its flip). */
  async atomicCommit(req: AtomicRequest, flags = 0, userData: IntLike = 0n): Promise<void> {
    await this.fd.ioctl('MODE_ATOMIC', this.atomicArgs(req, flags, userData));
  }

  /** The same, for commits that complete without waiting (TEST_ONLY, NONBLOCK, or manual/immediate clocks). */
  atomicCommitSync(req: AtomicRequest, flags = 0, userData: IntLike = 0n): void {
    this.ioctl('MODE_ATOMIC', this.atomicArgs(req, flags, userData));
  }

  /** A MODE_ID blob for `mode` (drmModeCreatePropertyBlob of a drm_mode_modeinfo). */
  createModeBlob(mode: ModeInfo): number {
    return this.createPropertyBlob(encodeModeInfo(mode));
  }

  /** Read every queued event without blocking (drmHandleEvent's read loop). */
  readEvents(): DrmEvent[] {
    const out: DrmEvent[] = [];
    const buf = new Uint8Array(4096);
    while (this.fd.poll()) {
      const n = this.fd.read(buf);
      if (typeof n !== 'number' || n === 0) break;
      out.push(...decodeEvents(buf.subarray(0, n)));
    }
    return out;
  }

  /** Wait for the next event(s). */
  async waitEvents(): Promise<DrmEvent[]> {
    await this.fd.readable();
    return this.readEvents();
  }
}

export function isErrno(e: unknown, code: string): boolean {
  return e instanceof DrmError && e.code === code;
}
