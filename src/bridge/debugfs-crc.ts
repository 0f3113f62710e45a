/**
 * The debugfs CRC files of each CRTC across the libdrm bridge: <tree>/sys/kernel/debug/dri/<minor>/
 * crtc-<index>/crc/{control,data} are listening sockets; the preload library's open() of one
 * connects and sends FILE_OPEN (protocol.ts). The semantics are drm_debugfs_crc.c's (the DRM core's
 * debugfs code, not a driver rule); the driver side is the device's debugfs API
 * (verifyCrcSource = verify_crc_source, setCrcSource = set_crc_source, readCrc + onCrc = the entries
 * drm_crtc_add_crc_entry() queues).
 *
 * - control (a seq_file, mode CALLS): read gives crc_control_show's text — with get_crc_sources
 *   (VKMS has it) every valid source on a line, the current one marked "*": "auto*\n"; the
 *   default source is "auto" (drm_crtc_init_with_planes). write: 0 bytes → 0; more than
 *   PAGE_SIZE - 1 → E2BIG; one trailing "\n" chopped; verify_crc_source failing → its errno
 *   (VKMS: EINVAL for anything but "auto"); data open → EBUSY; else the source is kept.
 * - data (mode RECORDS): open: CRTC not active → EIO (atomic drivers), source invalid → EINVAL,
 *   opened already → EBUSY, then set_crc_source(source) starts capture. Each entry becomes one
 *   record, LINE_LEN(1) = 23 bytes "0x%08x 0x%08x\n\0" (frame, CRC) exactly as crtc_crc_read
 *   copies it (NUL included); the library's read() returns one record per call, EINVAL if the
 *   buffer is smaller, blocks (EAGAIN with O_NONBLOCK) until one is there; poll is the socket's.
 *   close → set_crc_source(NULL), the entries are dropped (crtc_crc_release).
 */
import * as fs from 'node:fs';
import * as net from 'node:net';
import { join } from 'node:path';
import { DrmError, Errno } from '../uapi/errno.js';
import type { Crtc } from '../drm/driver/index.js';
import type { VkmsDevice } from '../vkms/device.js';
import type { CrcEntry } from '../vkms/types.js';
import { FILE_WRITE_MAX, FileMode, HEADER_SIZE, MAX_PAYLOAD, O, Op, SIZES, decodeHeader, decodeOpen, encodeFileReply, message } from './protocol.js';

/** PAGE_SIZE - 1: the longest source crc_control_write takes. */
const MAX_SOURCE = 4095;

/** One CRC debugfs record as crtc_crc_read copies it to the user: LINE_LEN(n) bytes, NUL included. */
export function crcRecord(entry: { frame: bigint | null; crcs: readonly number[] }): Buffer {
  const hex = (v: number) => `0x${(v >>> 0).toString(16).padStart(8, '0')}`;
  const frame = entry.frame === null ? 'XXXXXXXXXX' : hex(Number(BigInt.asUintN(32, entry.frame)));
  return Buffer.from(`${frame}${entry.crcs.map((c) => ` ${hex(c)}`).join('')}\n\0`, 'latin1');
}

/** The debugfs directory of a CRTC, relative to the tree root. */
export function crcDir(minor: number, crtcIndex: number): string {
  return `sys/kernel/debug/dri/${minor}/crtc-${crtcIndex}/crc`;
}

interface CrtcCrc {
  index: number;
  /** crtc->crc.source */
  source: string;
  /** The open data file (crc->opened), if any. */
  data: net.Socket | null;
  /** How many values each entry of the open data file has (crc->values_cnt). */
  valuesCnt: number;
  unsubscribe: (() => void) | null;
}

/** A connection's byte stream → whole messages. */
class Reader {
  private buf: Buffer = Buffer.alloc(0);
  push(chunk: Buffer): void { this.buf = this.buf.length ? Buffer.concat([this.buf, chunk]) : Buffer.from(chunk); }
  next(): { op: number; seq: number; arg: number; payload: Buffer } | null | 'bad' {
    if (this.buf.length < HEADER_SIZE) return null;
    const h = decodeHeader(this.buf);
    if (h.len > MAX_PAYLOAD) return 'bad';
    if (this.buf.length < HEADER_SIZE + h.len) return null;
    const payload = this.buf.subarray(HEADER_SIZE, HEADER_SIZE + h.len);
    this.buf = this.buf.subarray(HEADER_SIZE + h.len);
    return { op: h.op, seq: h.seq, arg: h.arg, payload };
  }
}

export class DebugfsCrc {
  private readonly servers: net.Server[] = [];
  private readonly sockets = new Set<net.Socket>();
  private readonly crtcs: CrtcCrc[] = [];
  private nextToken = 1;
  private closed = false;
  private closing: Promise<void> | null = null;

  constructor(private readonly device: VkmsDevice, private readonly root: string, private readonly minor: number, private readonly log: (l: string) => void) {
    const n = device.device.drm.crtcs.length;
    for (let i = 0; i < n; i++) this.crtcs.push({ index: i, source: 'auto', data: null, valuesCnt: 0, unsubscribe: null });
  }

  private crtcOf(c: CrtcCrc): Crtc {
    return this.device.device.drm.crtcs[c.index]!;
  }

  /** The socket paths (for the AF_UNIX length check). */
  get paths(): string[] {
    return this.crtcs.flatMap((c) => ['control', 'data'].map((f) => join(this.root, crcDir(this.minor, c.index), f)));
  }

  async start(): Promise<void> {
    for (const c of this.crtcs) {
      const dir = join(this.root, crcDir(this.minor, c.index));
      fs.mkdirSync(dir, { recursive: true });
      for (const f of ['control', 'data'] as const) {
        const path = join(dir, f);
        const srv = await new Promise<net.Server>((resolve, reject) => {
          const s = net.createServer((sock) => this.onConnection(c, f, sock));
          s.once('error', reject);
          s.listen(path, () => { s.off('error', reject); resolve(s); });
        });
        this.servers.push(srv);
        // debugfs_create_file(..., S_IRUGO, ...); root may write anyway (control)
        fs.chmodSync(path, 0o666);
      }
    }
  }

  private onConnection(c: CrtcCrc, file: 'control' | 'data', sock: net.Socket): void {
    this.sockets.add(sock);
    const reader = new Reader();
    let opened = false; // the open was answered (handle)
    let openSeen = false; // the open was received (parsing)
    let accmode: number = O.RDONLY;
    let pos = 0;
    let text = '';
    // messages are handled one after the other; a handler may wait (see settleRelease)
    let queue: Promise<void> = Promise.resolve();
    sock.on('error', () => undefined);
    sock.on('close', () => {
      this.sockets.delete(sock);
      if (file === 'data' && c.data === sock) this.release(c);
    });

    const handle = async (m: { op: number; seq: number; arg: number; payload: Buffer }): Promise<void> => {
      if (this.closed || sock.destroyed) return;
      if (!opened) {
        const o = decodeOpen(m.payload);
        accmode = o.flags & O.ACCMODE;
        let errno = 0;
        try {
          if (file === 'data') {
            await this.settleRelease(c);
            this.openData(c, sock);
          }
        } catch (e) {
          errno = e instanceof DrmError ? e.errno : Errno.EIO;
          if (!(e instanceof DrmError)) this.log(`internal error opening crtc-${c.index}/crc/data: ${String(e)}`);
        }
        const mode = file === 'data' ? FileMode.RECORDS : FileMode.CALLS;
        const reply = message(Op.FILE_OPEN_REPLY, m.seq, errno, encodeFileReply(errno ? 0 : this.nextToken++, mode));
        if (errno) { sock.end(reply); return; }
        opened = true;
        sock.write(reply);
        if (file === 'data') this.pump(c);
        return;
      }
      // control: a seq_file (read) with a write op
      if (m.op === Op.FILE_READ) {
        if (accmode === O.WRONLY) { sock.write(message(Op.FILE_DATA, m.seq, -Errno.EBADF)); return; }
        if (pos === 0) text = this.controlText(c); // seq_read regenerates the text at offset 0
        const count = Math.max(0, Math.min(m.arg >>> 0, MAX_PAYLOAD));
        const out = Buffer.from(text, 'latin1').subarray(pos, pos + count);
        pos += out.length;
        sock.write(message(Op.FILE_DATA, m.seq, out.length, out));
      } else if (m.op === Op.FILE_WRITE) {
        if (accmode !== O.RDONLY) await this.settleRelease(c);
        const r = accmode === O.RDONLY ? -Errno.EBADF : this.controlWrite(c, m.arg >>> 0, m.payload);
        if (r > 0) pos += r; // *offp += len
        sock.write(message(Op.FILE_DATA, m.seq, r));
      } else {
        this.log(`protocol error on crtc-${c.index}/crc/control (op ${m.op}); closing the connection`);
        sock.destroy();
      }
    };

    sock.on('data', (chunk: Buffer) => {
      if (this.closed) return;
      if (openSeen && file === 'data') return; // a data file only receives the open
      reader.push(chunk);
      for (;;) {
        const m = reader.next();
        if (m === null) return;
        if (m === 'bad' || (m.op === Op.FILE_OPEN) === openSeen || (m.op === Op.FILE_OPEN && m.payload.length !== SIZES.open)) {
          this.log(`protocol error on crtc-${c.index}/crc/${file}; closing the connection`);
          sock.destroy();
          return;
        }
        queue = queue.then(() => handle(m)).catch((e: unknown) => { this.log(`internal error: ${String(e)}`); sock.destroy(); });
        openSeen = true;
        if (file === 'data') return; // nothing follows the open on a data file
      }
    });
  }

  /**
   * The client closed its data fd before it wrote to control or opened data again, but the two
   * sockets reach this process in no particular order: when data looks open, give the event loop
   * two turns to deliver a pending EOF (crtc_crc_release runs at the last close, before close(2)
   * returns, in the kernel).
   */
  private async settleRelease(c: CrtcCrc): Promise<void> {
    for (let i = 0; i < 2 && c.data; i++) await new Promise<void>((r) => setImmediate(r));
  }

  /** crc_control_show */
  private controlText(c: CrtcCrc): string {
    const sources = this.device.debugfs.crcSources(this.crtcOf(c));
    if (!sources.length) return `${c.source}*\n`;
    let t = '';
    for (const s of sources) {
      try { this.device.debugfs.verifyCrcSource(this.crtcOf(c), s); } catch { continue; }
      t += s === c.source ? `${s}*\n` : `${s}\n`;
    }
    return t;
  }

  /** crc_control_write: the byte count, or -errno. */
  private controlWrite(c: CrtcCrc, len: number, bytes: Buffer): number {
    if (len === 0) return 0;
    if (len > MAX_SOURCE || len > FILE_WRITE_MAX) return -Errno.E2BIG;
    if (bytes.length !== len) return -Errno.EFAULT;
    let source = bytes.toString('latin1');
    if (source.endsWith('\n')) source = source.slice(0, -1); // "Chop trailing newline"
    const nul = source.indexOf('\0');
    if (nul >= 0) source = source.slice(0, nul); // a C string
    try {
      this.device.debugfs.verifyCrcSource(this.crtcOf(c), source);
    } catch (e) {
      return -(e instanceof DrmError ? e.errno : Errno.EINVAL);
    }
    if (c.data) return -Errno.EBUSY;
    c.source = source;
    return len;
  }

  /** crtc_crc_open */
  private openData(c: CrtcCrc, sock: net.Socket): void {
    const crtc = this.crtcOf(c);
    // drm_drv_uses_atomic_modeset: the CRTC must be active
    if (!crtc.state.active) throw new DrmError('EIO', `crtc-${c.index} is not active`);
    const values = this.device.debugfs.verifyCrcSource(this.crtcOf(c), c.source);
    if (c.data) throw new DrmError('EBUSY', `crtc-${c.index}/crc/data is open already`);
    c.data = sock;
    c.valuesCnt = values;
    this.device.debugfs.readCrc(this.crtcOf(c)); // the ring starts empty: entries exist only while opened
    try {
      this.device.debugfs.setCrcSource(this.crtcOf(c), c.source);
    } catch (e) {
      c.data = null;
      throw e;
    }
    c.unsubscribe = this.device.debugfs.onCrc(this.crtcOf(c), () => this.pump(c));
  }

  /** Entries queued by the driver → records in the open data file's socket. */
  private pump(c: CrtcCrc): void {
    const sock = c.data;
    if (!sock) return;
    const entries: CrcEntry[] = this.device.debugfs.readCrc(this.crtcOf(c));
    if (!entries.length || sock.destroyed) return;
    sock.write(Buffer.concat(entries.map((e) => crcRecord({ frame: e.frame, crcs: [e.crc] }))));
  }

  /** crtc_crc_release */
  private release(c: CrtcCrc): void {
    c.unsubscribe?.();
    c.unsubscribe = null;
    c.data = null;
    try {
      this.device.debugfs.setCrcSource(this.crtcOf(c), null);
      this.device.debugfs.readCrc(this.crtcOf(c));
    } catch { /* the device is gone */ }
  }

  /** Drop every connection and stop listening (synchronous); returns when the servers are closed. */
  close(): Promise<void> {
    if (this.closing) return this.closing;
    this.closed = true;
    for (const s of this.sockets) s.destroy();
    for (const c of this.crtcs) if (c.data) this.release(c);
    const servers = this.servers.splice(0);
    this.closing = Promise.all(servers.map((s) => new Promise<void>((r) => s.close(() => r())))).then(() => undefined);
    return this.closing;
  }
}
