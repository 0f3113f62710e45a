/**
 * Shared helpers for the VKMS driver tests: opening a device with a client, dumb-buffer
 * framebuffers of any single- or multi-planar format, pixel writers, a full-state plane commit,
 * CRC capture through the debugfs API, and an independent model of the picture VKMS composes
 * (vkms-semantics.md §2: 16-bit ARGB, premultiplied "over" of §2.5, CRC of §2.9).
 */
import { readFileSync } from 'node:fs';
import { crc32 } from 'node:zlib';
import { AtomicRequest, Card } from '../../src/client/index.js';
import { AtomicFlag, ClientCap, DrmError, Fourcc, formatInfo, ModeType, type ErrnoName, type ModeInfo } from '../../src/uapi/index.js';
import { createVkms, type VkmsDevice, type VkmsOptions } from '../../src/vkms/index.js';

export { REFERENCE_DIR as REF_DIR } from '../reference-dir.js';

export interface Opened { vk: VkmsDevice; card: Card }

/** createVkms + the first (master) client with ATOMIC and WRITEBACK_CONNECTORS set. */
export async function openVkms(opts: VkmsOptions = {}, writeback = true): Promise<Opened> {
  const vk = await createVkms(opts);
  const card = new Card(vk.open());
  card.setClientCap(ClientCap.ATOMIC, 1);
  if (writeback) card.setClientCap(ClientCap.WRITEBACK_CONNECTORS, 1);
  return { vk, card };
}

/** The errno a call failed with, 'ok' if it did not fail. */
export function errnoOf(fn: () => unknown): ErrnoName | 'ok' | string {
  try {
    const r = fn();
    if (r instanceof Promise) throw new Error('errnoOf: async call');
    return 'ok';
  } catch (e) {
    if (e instanceof DrmError) return e.code;
    return `not a DrmError: ${String(e)}`;
  }
}

export interface Fb {
  id: number; handle: number; width: number; height: number; format: number;
  pitches: number[]; offsets: number[]; bytes: Uint8Array;
}

/** A dumb buffer holding every plane of `format`, and an FB on it. */
export function createFb(card: Card, width: number, height: number, format: number): Fb {
  const info = formatInfo(format);
  if (!info) throw new Error(`unknown format ${format}`);
  if (info.numPlanes === 1) {
    const bpp = (info.charPerBlock[0] * 8) / (info.blockW[0] * info.blockH[0]);
    const d = card.createDumb(width, height, bpp);
    const id = card.addFB2(width, height, format, [d.handle], [d.pitch], [0]);
    return { id, handle: d.handle, width, height, format, pitches: [d.pitch], offsets: [0], bytes: card.mapDumb(d.handle) };
  }
  // YUV: luma pitch = width, chroma pitches per plane; one buffer, planes one after the other
  const cw = Math.ceil(width / info.hsub), ch = Math.ceil(height / info.vsub);
  const pitches = [width * info.charPerBlock[0]];
  for (let p = 1; p < info.numPlanes; p++) pitches.push(cw * info.charPerBlock[p]!);
  const offsets = [0];
  let total = pitches[0]! * height;
  for (let p = 1; p < info.numPlanes; p++) { offsets.push(total); total += pitches[p]! * ch; }
  const d = card.createDumb(width, Math.ceil(total / width), 8);
  const handles = pitches.map(() => d.handle);
  const id = card.addFB2(width, height, format, handles, pitches, offsets);
  return { id, handle: d.handle, width, height, format, pitches, offsets, bytes: card.mapDumb(d.handle) };
}

/** Write one pixel given as 8-bit (a, r, g, b) into an 8888 FB. */
export function put8888(fb: Fb, x: number, y: number, a: number, r: number, g: number, b: number): void {
  const o = y * fb.pitches[0]! + x * 4;
  const B = fb.bytes;
  switch (fb.format) {
    case Fourcc.ARGB8888: case Fourcc.XRGB8888: B[o] = b; B[o + 1] = g; B[o + 2] = r; B[o + 3] = a; break;
    case Fourcc.ABGR8888: case Fourcc.XBGR8888: B[o] = r; B[o + 1] = g; B[o + 2] = b; B[o + 3] = a; break;
    default: throw new Error('put8888: not an 8888 format');
  }
}

/** Write one pixel given as 16-bit (a, r, g, b) into an [AX]RGB16161616 FB (LE u16 B, G, R, A). */
export function put16161616(fb: Fb, x: number, y: number, a: number, r: number, g: number, b: number): void {
  const o = y * fb.pitches[0]! + x * 8;
  const dv = new DataView(fb.bytes.buffer, fb.bytes.byteOffset, fb.bytes.byteLength);
  dv.setUint16(o, b, true); dv.setUint16(o + 2, g, true); dv.setUint16(o + 4, r, true); dv.setUint16(o + 6, a, true);
}

/** Write one RGB565 pixel from its 5/6/5-bit components. */
export function put565(fb: Fb, x: number, y: number, r5: number, g6: number, b5: number): void {
  const v = (r5 << 11) | (g6 << 5) | b5;
  const o = y * fb.pitches[0]! + x * 2;
  fb.bytes[o] = v & 0xff; fb.bytes[o + 1] = v >> 8;
}

/** The preferred mode, or the first mode of that size. */
export function findMode(card: Card, connectorId: number, w?: number, h?: number): ModeInfo {
  const modes = card.getConnector(connectorId).modes;
  const m = w === undefined ? modes.find((x) => x.type & ModeType.PREFERRED) : modes.find((x) => x.hdisplay === w && x.vdisplay === h);
  if (!m) throw new Error(`no mode ${w}x${h}`);
  return m;
}

export interface PlaneSetup {
  plane: number;
  fb: Fb;
  x?: number; y?: number;
  /** CRTC size; default = the source size (rotated 90/270 swaps it). */
  w?: number; h?: number;
  srcX?: number; srcY?: number; srcW?: number; srcH?: number;
  rotation?: number;
  props?: Record<string, number | bigint>;
}

/** Add a plane's full state to a request. */
export function addPlane(req: AtomicRequest, crtc: number, p: PlaneSetup): AtomicRequest {
  const sw = p.srcW ?? p.fb.width, sh = p.srcH ?? p.fb.height;
  const swap = p.rotation !== undefined && (p.rotation & 0b1010) !== 0;
  req.add(p.plane, 'FB_ID', p.fb.id).add(p.plane, 'CRTC_ID', crtc)
    .add(p.plane, 'SRC_X', (p.srcX ?? 0) * 65536).add(p.plane, 'SRC_Y', (p.srcY ?? 0) * 65536)
    .add(p.plane, 'SRC_W', sw * 65536).add(p.plane, 'SRC_H', sh * 65536)
    .add(p.plane, 'CRTC_X', p.x ?? 0).add(p.plane, 'CRTC_Y', p.y ?? 0)
    .add(p.plane, 'CRTC_W', p.w ?? (swap ? sh : sw)).add(p.plane, 'CRTC_H', p.h ?? (swap ? sw : sh));
  if (p.rotation !== undefined) req.add(p.plane, 'rotation', p.rotation);
  for (const [k, v] of Object.entries(p.props ?? {})) req.add(p.plane, k, v);
  return req;
}

/** Turn a plane off in a request. */
export function planeOff(req: AtomicRequest, plane: number): AtomicRequest {
  return req.add(plane, 'FB_ID', 0).add(plane, 'CRTC_ID', 0);
}

/** A modeset of `crtc` with `mode` routed to `connector`. */
export function modesetReq(card: Card, crtc: number, connector: number, mode: ModeInfo): AtomicRequest {
  return new AtomicRequest().add(crtc, 'MODE_ID', card.createModeBlob(mode)).add(crtc, 'ACTIVE', 1).add(connector, 'CRTC_ID', crtc);
}

/**
 * A scene on one CRTC: the listed planes set, every other plane of `allPlanes` turned off; the
 * commit is made with ALLOW_MODESET, then one vblank; returns the CRC of that frame.
 */
export function captureCrc(vk: VkmsDevice, card: Card, crtcName: string, allPlanes: number[], planes: PlaneSetup[], extra?: (req: AtomicRequest) => void): number {
  const crtc = vk.ids.crtcs[crtcName]!;
  const req = new AtomicRequest();
  const used = new Set(planes.map((p) => p.plane));
  for (const id of allPlanes) if (!used.has(id)) planeOff(req, id);
  for (const p of planes) addPlane(req, crtc, p);
  extra?.(req);
  card.atomicCommitSync(req, AtomicFlag.ALLOW_MODESET);
  vk.debugfs.readCrc(crtcName);
  vk.vblank(crtcName, 1);
  const entries = vk.debugfs.readCrc(crtcName);
  if (entries.length !== 1) throw new Error(`expected one CRC entry after one vblank, got ${entries.length}`);
  return entries[0]!.crc;
}

// ---------------------------------------------------------------------------------------------
// An independent model of the composed picture (vkms-semantics §2), for expected values.

/** A frame: r, g, b as 16-bit per pixel (alpha is always 0xffff in the output, §2.5). */
export class Picture {
  readonly px: Uint16Array;
  constructor(readonly width: number, readonly height: number) {
    this.px = new Uint16Array(width * height * 3);
  }
  get(x: number, y: number): [number, number, number] {
    const o = (y * this.width + x) * 3;
    return [this.px[o]!, this.px[o + 1]!, this.px[o + 2]!];
  }
  set(x: number, y: number, r: number, g: number, b: number): void {
    const o = (y * this.width + x) * 3;
    this.px[o] = r; this.px[o + 1] = g; this.px[o + 2] = b;
  }
  /**
   * pre_mul_alpha_blend of one 16-bit source pixel (§2.5), including the u32 wrap of the sum and
   * of the rounding add for non-premultiplied input.
   */
  blend(x: number, y: number, a: number, r: number, g: number, b: number): void {
    if (x < 0 || y < 0 || x >= this.width || y >= this.height) return;
    const o = (y * this.width + x) * 3;
    const ch = (s: number, d: number): number => {
      const sum = (s * 0xffff + d * (0xffff - a)) % 2 ** 32;
      const q = Math.floor(((sum + 0x7fff) % 2 ** 32) / 0xffff);
      return q % 65536;
    };
    this.px[o] = ch(r, this.px[o]!); this.px[o + 1] = ch(g, this.px[o + 1]!); this.px[o + 2] = ch(b, this.px[o + 2]!);
  }
  /** Draw the picture into an XRGB16161616 (exact for any 16-bit value) or XRGB8888 FB (values must be multiples of 257). */
  drawInto(fb: Fb): void {
    for (let y = 0; y < this.height; y++) {
      for (let x = 0; x < this.width; x++) {
        const [r, g, b] = this.get(x, y);
        if (fb.format === Fourcc.XRGB16161616) put16161616(fb, x, y, 0xffff, r, g, b);
        else if (fb.format === Fourcc.XRGB8888) {
          if (r % 257 || g % 257 || b % 257) throw new Error(`pixel ${x},${y} is not representable in 8 bits`);
          put8888(fb, x, y, 0xff, r / 257, g / 257, b / 257);
        } else throw new Error('drawInto: XRGB16161616 or XRGB8888');
      }
    }
  }
  /** The VKMS CRC of this frame (§2.9): crc32_le(0, …) over rows of a,r,g,b u16 LE. */
  crc(): number {
    const buf = Buffer.alloc(this.width * this.height * 8);
    for (let i = 0, n = this.width * this.height; i < n; i++) {
      buf.writeUInt16LE(0xffff, i * 8);
      buf.writeUInt16LE(this.px[i * 3]!, i * 8 + 2);
      buf.writeUInt16LE(this.px[i * 3 + 1]!, i * 8 + 4);
      buf.writeUInt16LE(this.px[i * 3 + 2]!, i * 8 + 6);
    }
    return kernelCrc32(buf);
  }
}

/** The kernel's crc32_le(0, buf): zlib's CRC-32 without the pre/post inversion (conventions §6). */
export function kernelCrc32(buf: Uint8Array): number {
  return ~crc32(buf, 0xffffffff) >>> 0;
}

/** The modes listed in a reference modetest.txt (parsed here, independently of the project's parser). */
export function referenceModes(file: string): { name: string; refresh: number; timings: number[]; clock: number; flags: number; type: number }[] {
  const FLAG: Record<string, number> = { phsync: 1, nhsync: 2, pvsync: 4, nvsync: 8, interlace: 16, dblscan: 32 };
  const TYPE: Record<string, number> = { preferred: 8, driver: 64, userdef: 32, builtin: 1 };
  const out: ReturnType<typeof referenceModes> = [];
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    const m = /^\s+#\d+ (\S+) ([\d.]+) ((?:\d+ ){8})(\d+) flags: ([^;]*); type: (.*)$/.exec(line);
    if (!m) continue;
    out.push({
      name: m[1]!, refresh: Number(m[2]), timings: m[3]!.trim().split(' ').map(Number), clock: Number(m[4]),
      flags: m[5]!.split(',').map((s) => s.trim()).filter(Boolean).reduce((a, f) => a | FLAG[f]!, 0),
      type: m[6]!.split(',').map((s) => s.trim()).filter(Boolean).reduce((a, t) => a | TYPE[t]!, 0),
    });
  }
  return out;
}

/** A deterministic pseudo-random generator (xorshift32). */
export function rng(seed: number): () => number {
  let s = seed >>> 0 || 1;
  return () => {
    s ^= s << 13; s >>>= 0; s ^= s >>> 17; s ^= s << 5; s >>>= 0;
    return s;
  };
}

export { AtomicRequest, AtomicFlag };
