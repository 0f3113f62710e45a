/**
 * The device server of the libdrm bridge: serves one VkmsDevice to C programs running with
 * libvkms_preload.so. It only marshals — every ioctl goes through the same DrmFd surface the
 * TypeScript client uses (device.open(), fd.ioctl(), fd.read(), fd.mmap()), so no DRM rule lives
 * here.
 *
 * Run dir layout (VKMS_BRIDGE=<run dir> in the client's environment):
 *   root/…              the /dev/dri + sysfs + udev + debugfs tree (sysfs-tree.ts)
 *   root/dev/dri/cardN  the listening socket: a connection is an open() of the node
 *   ctl.sock            per-process control channels (HELLO, doorbells)
 *   ch/                 the FIFOs of those channels (made by the clients, unlinked once opened)
 *   gem.shm             the "GEM aperture": dumb buffers at their fake mmap offsets, shared with
 *                       the clients' mmap() (a sparse file, on tmpfs when /dev/shm is usable)
 *   fence.sock          the fds made in a client for the device's sync files and dma-bufs (NEW_FD)
 *                       connect here; the server writes one byte into a sync file's socket when its
 *                       fence signals. A lessee's DRM file (CREATE_LEASE) connects to the node
 *                       instead, with ATTACH_FD in place of OPEN.
 *   root/sys/kernel/debug/dri/N/crtc-M/crc/{control,data}
 *                       listening sockets: served files (FILE_OPEN; debugfs-crc.ts)
 *
 * User memory: the device reads and writes the caller's memory synchronously (UserMemory.view),
 * so the server talks to the blocked caller over FIFOs with blocking reads and writes. The caller
 * is found through AsyncLocalStorage, so a blocking ioctl resumed later, or a forked child sharing
 * the file, still reaches the right process.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import { join } from 'node:path';
import { DrmError, Errno, errnoName } from '../uapi/errno.js';
import { DrmFile } from '../drm/file.js';
import { gemMmapOffset } from '../drm/gem.js';
import { DmaBuf } from '../drm/ioctl/prime.js';
import type { DrmFd } from '../uapi/fd.js';
import { ioctlByNr, type IoctlName } from '../uapi/ioctl.js';
import { decodeIoctlStruct, encodeIoctlStruct } from '../uapi/ioctl-binary.js';
import { Fence, type FdTable } from '../uapi/sync-file.js';
import type { UserMemory } from '../uapi/user-memory.js';
import type { VkmsDevice } from '../vkms/device.js';
import {
  FENCE_SOCKET, FdKind, HEADER_SIZE, IOC, IOCTL_IN_FAULT, MAX_PAYLOAD, O, Op, PROTOCOL_VERSION, SIZES, decodeFd, decodeHeader, decodeHello,
  decodeIoctl, decodeMmap, decodeOpen, encodeAddr, encodeMem, encodeNewFd, encodeOpenReply, iocDir, iocNr, iocSize, message, type Header,
} from './protocol.js';
import { DebugfsCrc } from './debugfs-crc.js';
import { generateTree, type TreeConnector } from './sysfs-tree.js';

export interface BridgeServerOptions {
  device: VkmsDevice;
  /** The run dir to create (must not exist). Default: a fresh directory in /dev/shm, else the OS temp dir. */
  runDir?: string;
  /** Keep the run dir when the server closes. */
  keepRunDir?: boolean;
  /** Diagnostics (protocol errors, clients gone, internal errors). Default: stderr. */
  log?: (line: string) => void;
  /** Called before each ioctl is run (debugging and tests: e.g. to make the server die mid-call). */
  beforeIoctl?: (name: string, server: BridgeServer) => void;
  /** The platform device name in the tree (default "vkms", as the 6.12 module registers it). */
  platformDevice?: string;
}

class ChannelGone extends Error {}

/** One client process: a control socket and two FIFOs. */
class Channel {
  dead = false;
  doorbells = 0;
  running = false;
  private seq = 0;
  constructor(readonly pid: number, readonly comm: string, readonly euid: number, readonly sock: net.Socket, private req: number, private rsp: number) {}

  private readExact(n: number): Buffer {
    const b = Buffer.alloc(n);
    let off = 0;
    while (off < n) {
      let r: number;
      try {
        r = fs.readSync(this.req, b, off, n - off, null);
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code === 'EAGAIN' || (e as NodeJS.ErrnoException).code === 'EINTR') continue;
        throw this.kill();
      }
      if (r === 0) throw this.kill();
      off += r;
    }
    return b;
  }

  readMsg(): { h: Header; payload: Buffer } {
    if (this.dead) throw new ChannelGone();
    const h = decodeHeader(this.readExact(HEADER_SIZE));
    if (h.len > MAX_PAYLOAD) throw this.kill();
    return { h, payload: h.len ? this.readExact(h.len) : Buffer.alloc(0) };
  }

  send(b: Uint8Array): void {
    if (this.dead) throw new ChannelGone();
    let off = 0;
    while (off < b.byteLength) {
      try {
        off += fs.writeSync(this.rsp, b, off, b.byteLength - off);
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code === 'EAGAIN' || (e as NodeJS.ErrnoException).code === 'EINTR') continue;
        throw this.kill();
      }
    }
  }

  /** READ_MEM: the bytes, or undefined when the address is not mapped (EFAULT) or the client is gone. */
  readMem(addr: bigint, len: number): Uint8Array | undefined {
    if (len > MAX_PAYLOAD || this.dead) return undefined;
    try {
      const seq = ++this.seq;
      this.send(message(Op.READ_MEM, seq, 0, encodeMem(addr, len)));
      const { h, payload } = this.readMsg();
      if (h.op !== Op.MEM_DATA || h.seq !== seq) throw this.kill();
      if (h.arg !== 0 || payload.length !== len) return undefined;
      return new Uint8Array(payload.buffer, payload.byteOffset, payload.byteLength);
    } catch (e) {
      if (e instanceof ChannelGone) return undefined;
      throw e;
    }
  }

  /** WRITE_MEM: false when the client could not write there (EFAULT) or is gone. */
  writeMem(addr: bigint, bytes: Uint8Array): boolean {
    if (this.dead) return false;
    try {
      const seq = ++this.seq;
      this.send(message(Op.WRITE_MEM, seq, 0, encodeAddr(addr), bytes));
      const { h } = this.readMsg();
      if (h.op !== Op.MEM_ACK || h.seq !== seq) throw this.kill();
      return h.arg === 0;
    } catch (e) {
      if (e instanceof ChannelGone) return false;
      throw e;
    }
  }

  /**
   * NEW_FD / FD_INFO / CLOSE_FD: the client's FD_REPLY arg (an fd, a token or 0; -errno), or
   * undefined when the client is gone.
   */
  fdRequest(op: number, arg: number, payload: Uint8Array = new Uint8Array(0)): number | undefined {
    if (this.dead) return undefined;
    try {
      const seq = ++this.seq;
      this.send(message(op, seq, arg, payload));
      const { h } = this.readMsg();
      if (h.op !== Op.FD_REPLY || h.seq !== seq) throw this.kill();
      return h.arg;
    } catch (e) {
      if (e instanceof ChannelGone) return undefined;
      throw e;
    }
  }

  done(seq: number, errno: number, out: Uint8Array = new Uint8Array(0)): void {
    try {
      this.send(message(Op.DONE, seq, errno, out));
    } catch (e) {
      if (!(e instanceof ChannelGone)) throw e;
    }
  }

  kill(): ChannelGone {
    this.dead = true;
    for (const fd of [this.req, this.rsp]) if (fd >= 0) try { fs.closeSync(fd); } catch { /* already closed */ }
    this.req = this.rsp = -1;
    this.sock.destroy();
    return new ChannelGone();
  }
}

/** The user memory of one call: views fetched from the caller, written back where they changed. */
class CallContext {
  private views: { addr: bigint; orig: Uint8Array; view: Uint8Array }[] = [];
  faulted = false;
  /** fds NEW_FD made in the client during this call → their kind and token (fds.close() may undo them). */
  readonly newFds = new Map<number, { kind: number; token: number }>();
  constructor(readonly channel: Channel) {}

  view(addr: bigint, len: number): Uint8Array | undefined {
    const end = addr + BigInt(len);
    for (const v of this.views) {
      if (addr >= v.addr && end <= v.addr + BigInt(v.view.byteLength)) {
        const o = Number(addr - v.addr);
        return v.view.subarray(o, o + len);
      }
    }
    // what the device wrote so far must be visible through the new, possibly overlapping view
    this.flush();
    const bytes = this.channel.readMem(addr, len);
    if (!bytes) return undefined;
    const view = new Uint8Array(bytes);
    this.views.push({ addr, orig: view.slice(), view });
    return view;
  }

  /** copy_to_user of every changed byte; false if one of the writes faulted. */
  flush(): boolean {
    let ok = true;
    for (const v of this.views) {
      const a = v.view, o = v.orig;
      let i = 0;
      while (i < a.length) {
        if (a[i] === o[i]) { i++; continue; }
        let j = i + 1, same = 0;
        // one write per run of changes, bridging short unchanged gaps
        while (j < a.length && same < 16) {
          same = a[j] === o[j] ? same + 1 : 0;
          j++;
        }
        const stop = j - same;
        if (!this.channel.writeMem(v.addr + BigInt(i), a.slice(i, stop))) ok = false;
        o.set(a.subarray(i, stop), i);
        i = stop;
      }
    }
    if (!ok) this.faulted = true;
    return ok;
  }
}

/** An open DRM file; `sock` is null for a lessee file until its client fd attached (ATTACH_FD). */
interface FileEntry { token: number; minor: number; fd: DrmFd; sock: net.Socket | null }

/**
 * An fd living in a client for one of the device's objects (NEW_FD kind FENCE or DMABUF): the
 * object, and the socket the fd is (once it connected). The entry is the server's reference: it
 * goes when the client's last copy of the fd closes.
 */
interface ClientObj { kind: number; obj: object; sock: net.Socket | null }

/** What FD_INFO gives for an fd that is open in the client but none of the device's objects (a pipe, a DRM fd). */
const FOREIGN_FILE: object = Object.freeze({ foreignFile: true });

/** A GEM mapping shared through gem.shm: the device's bytes, and what both sides last agreed on. */
interface ShmMapping { offset: number; bytes: Uint8Array; shadow: Uint8Array; scratch: Uint8Array }

function defaultRunDir(): string {
  const bases = ['/dev/shm', os.tmpdir()];
  for (const base of bases) {
    try {
      fs.accessSync(base, fs.constants.W_OK);
      return fs.mkdtempSync(join(base, 'vkms-bridge-'));
    } catch { /* next */ }
  }
  throw new Error('no writable directory for the bridge run dir (tried /dev/shm and the OS temp dir)');
}

function errnoOf(e: unknown, log: (s: string) => void): number {
  if (e instanceof DrmError) return e.errno;
  log(`internal error while serving a call: ${e instanceof Error ? e.stack ?? e.message : String(e)}`);
  return Errno.EIO;
}

const CONNECTOR_STATUS = ['unknown', 'connected', 'disconnected', 'unknown'];

export class BridgeServer {
  readonly runDir: string;
  readonly root: string;
  /** The node the clients open (/dev/dri/card0 in their view). */
  readonly nodePath: string;
  readonly device: VkmsDevice;
  private readonly log: (line: string) => void;
  private readonly files = new Map<number, FileEntry>();
  private readonly channels = new Set<Channel>();
  private readonly maps = new Map<number, ShmMapping>();
  private readonly als = new AsyncLocalStorage<CallContext>();
  private nodeServer: net.Server | null = null;
  private ctlServer: net.Server | null = null;
  private fenceServer: net.Server | null = null;
  private readonly crc: DebugfsCrc;
  private readonly clientObjs = new Map<number, ClientObj>();
  private nextObjToken = 1;
  /** Whether a dma-buf's file is O_RDWR (shared writable mmap allowed). */
  private readonly dmaBufWritable = new WeakMap<DmaBuf, boolean>();
  private gemFd: number;
  private nextToken = 1;
  private closed = false;
  private readonly opts: BridgeServerOptions;
  readonly minor = 0;

  /** Where every bridged file's user pointers resolve: the process making the current call. */
  readonly memory: UserMemory = { view: (addr, len) => this.als.getStore()?.view(addr, len) };
  /**
   * The fd table of bridged files: the calling process's real fd table. Sync files (fences),
   * dma-bufs (PRIME export) and lessee DRM files (CREATE_LEASE) are created in the client (NEW_FD),
   * looked up (FD_INFO) and undone (CLOSE_FD) through its channel.
   */
  readonly fds: FdTable = {
    install: (obj, flags) => this.installFd(obj, flags ?? 0),
    get: (n) => this.lookupFd(n),
    close: (n) => this.closeFd(n),
  };

  private constructor(opts: BridgeServerOptions) {
    this.opts = opts;
    this.device = opts.device;
    this.log = opts.log ?? ((l) => process.stderr.write(`vkms-bridge server: ${l}\n`));
    if (opts.runDir) {
      fs.mkdirSync(opts.runDir, { recursive: false, mode: 0o700 });
      this.runDir = opts.runDir;
    } else {
      this.runDir = defaultRunDir();
    }
    this.root = join(this.runDir, 'root');
    const drm = opts.device.device.drm;
    const connectors: TreeConnector[] = drm.connectors.filter((c) => !c.removed).map((c) => ({
      type: c.type, typeId: c.typeId, status: CONNECTOR_STATUS[opts.device.data.status.get(c) ?? c.status] ?? 'unknown',
    }));
    const tree = generateTree(this.root, { driver: 'vkms', device: opts.platformDevice ?? 'vkms', minor: this.minor, connectors });
    this.nodePath = tree.node;
    this.crc = new DebugfsCrc(opts.device, this.root, this.minor, this.log);
    fs.mkdirSync(join(this.runDir, 'ch'), { mode: 0o700 });
    this.gemFd = fs.openSync(join(this.runDir, 'gem.shm'), fs.constants.O_RDWR | fs.constants.O_CREAT | fs.constants.O_EXCL, 0o600);
    for (const p of [this.nodePath, join(this.runDir, 'ctl.sock'), join(this.runDir, FENCE_SOCKET), ...this.crc.paths]) {
      if (Buffer.byteLength(p) > 107) throw new Error(`bridge socket path too long for AF_UNIX (${Buffer.byteLength(p)} > 107 bytes): ${p}; use a shorter runDir`);
    }
  }

  /** Create the run dir and tree, and listen. */
  static async start(opts: BridgeServerOptions): Promise<BridgeServer> {
    const s = new BridgeServer(opts);
    try {
      s.nodeServer = await listen(s.nodePath, (c) => s.onNodeConnection(c));
      fs.chmodSync(s.nodePath, 0o666);
      s.ctlServer = await listen(join(s.runDir, 'ctl.sock'), (c) => s.onCtlConnection(c));
      s.fenceServer = await listen(join(s.runDir, FENCE_SOCKET), (c) => s.onFenceConnection(c));
      await s.crc.start();
    } catch (e) {
      await s.close();
      throw e;
    }
    return s;
  }

  /** The environment a client needs besides LD_PRELOAD. */
  get env(): Record<string, string> {
    return { VKMS_BRIDGE: this.runDir };
  }

  /** Sync-file fds open in the clients (made by NEW_FD, not yet closed). */
  get openFences(): number {
    return [...this.clientObjs.values()].filter((e) => e.kind === FdKind.FENCE).length;
  }

  /** dma-buf fds open in the clients (PRIME exports not yet closed): the server's references to the buffers. */
  get openDmaBufs(): number {
    return [...this.clientObjs.values()].filter((e) => e.kind === FdKind.DMABUF).length;
  }

  /** Files currently open through the bridge. */
  get openFiles(): number {
    return this.files.size;
  }

  // ----------------------------------------------------------------------------------------------
  // open(): a connection to the node socket

  private onNodeConnection(sock: net.Socket): void {
    let buf = Buffer.alloc(0);
    let entry: FileEntry | null = null;
    sock.on('error', () => undefined);
    sock.on('close', () => {
      if (!entry) return;
      this.files.delete(entry.token);
      entry.fd.close(); // drm_release: the last reference to the open file is gone
    });
    sock.on('data', (chunk) => {
      if (entry || this.closed) return; // nothing is written to a DRM fd after the open
      buf = Buffer.concat([buf, chunk]);
      if (buf.length < HEADER_SIZE) return;
      const h = decodeHeader(buf);
      if (h.op === Op.ATTACH_FD && h.len === SIZES.fd) {
        // a lessee's fd (NEW_FD kind DRM): the file exists already, registered under the token
        if (buf.length < HEADER_SIZE + h.len) return;
        const m = decodeFd(buf.subarray(HEADER_SIZE, HEADER_SIZE + h.len));
        const e = this.files.get(m.token);
        if (m.kind !== FdKind.DRM || !e || e.sock) {
          if (!(m.kind === FdKind.DRM && !e && m.token > 0 && m.token < this.nextToken)) this.log(`bad attach on the device node (kind ${m.kind}, token ${m.token}); closing it`);
          sock.destroy(); // (an undone or already released file: no log)
          return;
        }
        entry = e;
        e.sock = sock;
        void this.pumpEvents(e);
        return;
      }
      if (h.op !== Op.OPEN || h.len !== SIZES.open) {
        this.log(`protocol error on the device node (op ${h.op}); closing the connection`);
        sock.destroy();
        return;
      }
      if (buf.length < HEADER_SIZE + h.len) return;
      const o = decodeOpen(buf.subarray(HEADER_SIZE, HEADER_SIZE + h.len));
      let fd: DrmFd;
      try {
        if (o.minor !== this.minor) throw new DrmError('ENODEV', `no minor ${o.minor}`);
        fd = this.device.open({
          nonblock: (o.flags & O.NONBLOCK) !== 0, excl: (o.flags & O.EXCL) !== 0, cloexec: (o.flags & O.CLOEXEC) !== 0,
          pid: o.pid, comm: o.comm, capSysAdmin: o.euid === 0, memory: this.memory, fds: this.fds,
        });
      } catch (e) {
        sock.end(message(Op.OPEN_REPLY, h.seq, errnoOf(e, this.log), encodeOpenReply(0, o.minor)));
        return;
      }
      const token = this.nextToken++;
      entry = { token, minor: o.minor, fd, sock };
      this.files.set(token, entry);
      sock.write(message(Op.OPEN_REPLY, h.seq, 0, encodeOpenReply(token, o.minor)));
      void this.pumpEvents(entry);
    });
  }

  /** Move queued drm events into the fd socket, where poll() and read() see them. */
  private async pumpEvents(e: FileEntry): Promise<void> {
    const buf = new Uint8Array(64 * 1024);
    const sock = e.sock;
    if (!sock) return;
    while (!e.fd.closed && !sock.destroyed && !this.closed) {
      await e.fd.readable();
      if (e.fd.closed || sock.destroyed) break;
      let n: number;
      try {
        n = await e.fd.read(buf);
      } catch (err) {
        if (err instanceof DrmError && err.code === 'EAGAIN') continue;
        break;
      }
      if (n <= 0) continue;
      this.syncShm(); // what the device rendered (writeback) is visible when the event is
      sock.write(Buffer.from(buf.subarray(0, n)));
    }
  }

  // ----------------------------------------------------------------------------------------------
  // fds in the client: sync files (uapi 2.38, 2.47: out-fences; 2.28: IN_FENCE_FD), dma-bufs
  // (PRIME_HANDLE_TO_FD / PRIME_FD_TO_HANDLE, drm_prime.c), lessee files (CREATE_LEASE, uapi 6.17)

  private installFd(obj: object, flags: number): number {
    const ctx = this.als.getStore();
    if (!ctx) {
      this.log('a call needed a new fd in the client outside a call; answering EOPNOTSUPP');
      throw new DrmError('EOPNOTSUPP', 'a new fd outside a call');
    }
    // out-fences: get_unused_fd_flags(O_CLOEXEC); dma_buf_fd / CREATE_LEASE: the caller's O_CLOEXEC
    if (obj instanceof Fence) return this.newClientObj(ctx, FdKind.FENCE, obj, O.CLOEXEC);
    if (obj instanceof DmaBuf) {
      // one dma-buf file per GEM object (obj->dma_buf): its access mode is the first export's DRM_RDWR
      if (!this.dmaBufWritable.has(obj)) this.dmaBufWritable.set(obj, (flags & O.RDWR) !== 0);
      return this.newClientObj(ctx, FdKind.DMABUF, obj, flags & O.CLOEXEC);
    }
    if (obj instanceof DrmFile) return this.newLesseeFd(ctx, obj, flags & O.CLOEXEC);
    const reason = 'the libdrm bridge cannot create this kind of file descriptor in the client';
    this.log(`a call needed a new fd in the client: ${reason}; answering EOPNOTSUPP`);
    throw new DrmError('EOPNOTSUPP', reason);
  }

  /** NEW_FD: the client's fd number, or throws (the client could not make it, or is gone). */
  private newFdRequest(ctx: CallContext, kind: number, token: number, flags: number, undo: () => void): number {
    const r = ctx.channel.fdRequest(Op.NEW_FD, 0, encodeNewFd({ kind, token, flags, minor: this.minor }));
    if (r === undefined || r < 0) {
      undo();
      if (r === undefined) throw new DrmError('EIO', 'the client went away during the call');
      throw new DrmError(errnoName(-r) ?? 'ENOMEM', `the client could not create the fd (errno ${-r})`);
    }
    ctx.newFds.set(r, { kind, token });
    return r;
  }

  private newClientObj(ctx: CallContext, kind: number, obj: object, flags: number): number {
    const token = this.nextObjToken++;
    this.clientObjs.set(token, { kind, obj, sock: null });
    return this.newFdRequest(ctx, kind, token, flags, () => this.clientObjs.delete(token));
  }

  /**
   * A lessee's file (CREATE_LEASE): registered as an open file now, so the client can call on it
   * at once; its fd connects to the node and says ATTACH_FD {DRM, token} in place of OPEN. The
   * file's O_NONBLOCK is the lessor file's (file_clone_open).
   */
  private newLesseeFd(ctx: CallContext, lf: DrmFile, flags: number): number {
    const token = this.nextToken++;
    this.files.set(token, { token, minor: this.minor, fd: lf, sock: null });
    return this.newFdRequest(ctx, FdKind.DRM, token, flags | (lf.nonblock ? O.NONBLOCK : 0), () => {
      this.files.delete(token);
      lf.close();
    });
  }

  private lookupFd(n: number): object | undefined {
    const ctx = this.als.getStore();
    // an fd made during this call is not installed before the call succeeds (fd_install in complete_signaling)
    if (!ctx || !Number.isInteger(n) || n < 0 || n > 0x7fffffff || ctx.newFds.has(n)) return undefined;
    const token = ctx.channel.fdRequest(Op.FD_INFO, n);
    if (token === -Errno.EINVAL) return FOREIGN_FILE; // open, but another kind of file (fget succeeds)
    return token !== undefined && token > 0 ? this.clientObjs.get(token)?.obj : undefined;
  }

  private closeFd(n: number): void {
    const ctx = this.als.getStore();
    const made = ctx?.newFds.get(n);
    if (!ctx || made === undefined) return;
    ctx.newFds.delete(n);
    if (made.kind === FdKind.DRM) {
      // the client closes only sync files and dma-bufs on the server's word; a lessee file is released here
      const e = this.files.get(made.token);
      this.files.delete(made.token);
      e?.fd.close();
      return;
    }
    ctx.channel.fdRequest(Op.CLOSE_FD, n);
    const f = this.clientObjs.get(made.token);
    this.clientObjs.delete(made.token);
    f?.sock?.destroy();
  }

  /** A client's fd for a NEW_FD (FENCE, DMABUF): ATTACH_FD {kind, token}, then the server only writes (one byte on signal). */
  private onFenceConnection(sock: net.Socket): void {
    let buf = Buffer.alloc(0);
    let token = 0;
    sock.on('error', () => undefined);
    sock.on('close', () => {
      // the last copy of the fd is closed in the client (or its process is gone): drop the reference
      if (token && this.clientObjs.get(token)?.sock === sock) this.clientObjs.delete(token);
    });
    sock.on('data', (chunk) => {
      if (token || this.closed) return;
      buf = Buffer.concat([buf, chunk]);
      if (buf.length < HEADER_SIZE + SIZES.fd) return;
      const h = decodeHeader(buf);
      const m = decodeFd(buf.subarray(HEADER_SIZE, HEADER_SIZE + SIZES.fd));
      const e = this.clientObjs.get(m.token);
      if (h.op === Op.ATTACH_FD && !e && m.token > 0 && m.token < this.nextObjToken) {
        sock.destroy(); // the fd of a failed call, already undone by CLOSE_FD (or a client gone mid-call)
        return;
      }
      if (h.op !== Op.ATTACH_FD || h.len !== SIZES.fd || !e || m.kind !== e.kind || e.sock) {
        this.log(`bad fd socket attach (op ${h.op}, kind ${m.kind}, token ${m.token}); closing it`);
        sock.destroy();
        return;
      }
      token = m.token;
      e.sock = sock;
      // a sync_file polls readable once its fence signalled
      if (e.obj instanceof Fence) e.obj.onSignal(() => { if (!sock.destroyed) sock.write(Buffer.of(1)); });
    });
  }

  // ----------------------------------------------------------------------------------------------
  // per-process channels

  private onCtlConnection(sock: net.Socket): void {
    let buf = Buffer.alloc(0);
    let ch: Channel | null = null;
    sock.on('error', () => undefined);
    sock.on('close', () => {
      if (!ch) return;
      // a call in flight finds the channel dead when it answers
      if (!ch.running) ch.kill();
      else ch.dead = true;
      this.channels.delete(ch);
    });
    sock.on('data', (chunk) => {
      if (this.closed) return;
      if (ch) {
        ch.doorbells += chunk.length;
        void this.serve(ch);
        return;
      }
      buf = Buffer.concat([buf, chunk]);
      if (buf.length < HEADER_SIZE) return;
      const h = decodeHeader(buf);
      if (h.op !== Op.HELLO || h.len !== SIZES.hello) {
        this.log(`protocol error on the control socket (op ${h.op}); closing it`);
        sock.destroy();
        return;
      }
      if (buf.length < HEADER_SIZE + h.len) return;
      const hello = decodeHello(buf.subarray(HEADER_SIZE, HEADER_SIZE + h.len));
      if (hello.version !== PROTOCOL_VERSION) {
        this.log(`client ${hello.comm}[${hello.pid}] speaks bridge protocol ${hello.version}, this server ${PROTOCOL_VERSION}: rebuild libvkms_preload.so`);
        sock.destroy();
        return;
      }
      if (!/^[0-9]+-[0-9]+$/.test(hello.name)) {
        this.log(`bad channel name "${hello.name}"`);
        sock.destroy();
        return;
      }
      const base = join(this.runDir, 'ch', hello.name);
      let req: number, rsp: number;
      try {
        req = openFifo(`${base}.req`, fs.constants.O_RDONLY);
        rsp = openFifo(`${base}.rsp`, fs.constants.O_WRONLY);
      } catch (e) {
        this.log(`cannot open the channel FIFOs of ${hello.comm}[${hello.pid}]: ${(e as Error).message}`);
        sock.destroy();
        return;
      }
      for (const p of [`${base}.req`, `${base}.rsp`]) try { fs.unlinkSync(p); } catch { /* gone */ }
      ch = new Channel(hello.pid, hello.comm, hello.euid, sock, req, rsp);
      this.channels.add(ch);
      ch.doorbells += buf.length - HEADER_SIZE - h.len;
      if (ch.doorbells) void this.serve(ch);
    });
  }

  /** Serve the requests of a channel, one at a time (its process waits for each answer). */
  private async serve(ch: Channel): Promise<void> {
    if (ch.running) return;
    ch.running = true;
    try {
      while (ch.doorbells > 0 && !ch.dead && !this.closed) {
        ch.doorbells--;
        let msg;
        try {
          msg = ch.readMsg();
        } catch (e) {
          if (e instanceof ChannelGone) break;
          throw e;
        }
        const r = msg.h.op === Op.IOCTL ? this.handleIoctl(ch, msg.h, msg.payload)
          : msg.h.op === Op.MMAP ? this.handleMmap(ch, msg.h, msg.payload)
          : (this.log(`protocol error from ${ch.comm}[${ch.pid}]: op ${msg.h.op}`), ch.kill(), undefined);
        if (r instanceof Promise) await r;
      }
    } catch (e) {
      this.log(`internal error: ${e instanceof Error ? e.stack ?? e.message : String(e)}`);
      ch.kill();
    } finally {
      ch.running = false;
      if (ch.dead) ch.kill();
    }
  }

  private handleIoctl(ch: Channel, h: Header, payload: Buffer): void | Promise<void> {
    if (payload.length < SIZES.ioctl) { ch.kill(); return; }
    const m = decodeIoctl(payload);
    const e = this.files.get(m.token);
    if (!e) { ch.done(h.seq, Errno.EBADF); return; }
    this.syncShm(); // pixels the client drew are in the buffers before the device looks at them

    const nr = iocNr(m.request), udir = iocDir(m.request), usize = iocSize(m.request);
    const def = ioctlByNr(nr);
    const ctx = new CallContext(ch);
    const name = (def ? def.name : `DRM_IOCTL_NR_0x${nr.toString(16)}`) as IoctlName;
    this.opts.beforeIoctl?.(name, this);
    if (ch.dead) return;

    if (!def) {
      // not a core ioctl of this device: the device answers (EINVAL, or ENODEV once unplugged)
      let errno = 0;
      try {
        const r = this.als.run(ctx, () => e.fd.ioctl(name, {}));
        if (r instanceof Promise) r.catch(() => undefined);
      } catch (err) {
        errno = errnoOf(err, this.log);
      }
      ch.done(h.seq, errno);
      return;
    }

    // drm_ioctl's sizes: what the caller passes and what the kernel struct holds (uapi 0.3)
    const inSize = udir & def.dir & IOC.WRITE ? usize : 0;
    const outSize = udir & def.dir & IOC.READ ? usize : 0;
    if (inSize && m.flags & IOCTL_IN_FAULT) { ch.done(h.seq, Errno.EFAULT); return; }
    const kdata = new Uint8Array(Math.max(inSize, outSize, def.size));
    kdata.set(m.arg.subarray(0, inSize));
    const before = decodeIoctlStruct(name, kdata);
    const arg = decodeIoctlStruct(name, kdata);

    const finish = (err: unknown): void => {
      let errno = err === null ? 0 : errnoOf(err, this.log);
      encodeIoctlStruct(name, arg, kdata, before);
      if (!ctx.flush() && errno === 0) errno = Errno.EFAULT;
      ch.done(h.seq, errno, kdata.subarray(0, outSize));
    };
    let r: void | Promise<void>;
    try {
      r = this.als.run(ctx, () => e.fd.ioctl(name, arg));
    } catch (err) {
      finish(err);
      return;
    }
    if (r instanceof Promise) return r.then(() => finish(null), finish);
    finish(null);
  }

  private handleMmap(ch: Channel, h: Header, payload: Buffer): void {
    if (payload.length < SIZES.mmap) { ch.kill(); return; }
    const m = decodeMmap(payload);
    if (m.kind === FdKind.DMABUF) { this.handleDmaBufMmap(ch, h, m); return; }
    const e = this.files.get(m.token);
    if (!e) { ch.done(h.seq, Errno.EBADF); return; }
    let bytes: Uint8Array;
    try {
      if (m.length > BigInt(Number.MAX_SAFE_INTEGER)) throw new DrmError('EINVAL', 'length too large');
      bytes = e.fd.mmap(m.offset, Number(m.length));
    } catch (err) {
      ch.done(h.seq, errnoOf(err, this.log));
      return;
    }
    this.shareBytes(Number(m.offset), bytes, Number(m.offset) + Number(m.length));
    ch.done(h.seq, 0);
  }

  /** gem.shm holds `bytes` at `offset` from now on (both sides kept in step), and is at least `end` long. */
  private shareBytes(offset: number, bytes: Uint8Array, end: number): void {
    const known = this.maps.get(offset);
    if (!known || known.bytes.buffer !== bytes.buffer || known.bytes.byteLength < bytes.byteLength) {
      if (known) this.syncShm();
      // the file gets the buffer's current contents; from now on both sides are kept in step
      fs.writeSync(this.gemFd, bytes, 0, bytes.byteLength, offset);
      this.maps.set(offset, { offset, bytes, shadow: bytes.slice(), scratch: new Uint8Array(bytes.byteLength) });
    }
    if (fs.fstatSync(this.gemFd).size < end) fs.ftruncateSync(this.gemFd, end);
  }

  /**
   * mmap of a dma-buf fd (dma_buf_mmap_internal → drm_gem_prime_mmap): the range must lie inside the
   * buffer (EINVAL), a shared writable mapping needs a dma-buf exported with DRM_RDWR (the VFS's
   * EACCES); the buffer is shared through gem.shm at its GEM fake offset, which DONE returns.
   */
  private handleDmaBufMmap(ch: Channel, h: Header, m: { token: number; prot: number; flags: number; offset: bigint; length: bigint }): void {
    const e = this.clientObjs.get(m.token);
    if (!e || !(e.obj instanceof DmaBuf)) { ch.done(h.seq, Errno.EBADF); return; }
    const buf = e.obj;
    const pages = BigInt(Math.ceil(buf.size / 4096));
    if (m.length === 0n || m.offset % 4096n !== 0n || m.offset / 4096n + (m.length + 4095n) / 4096n > pages) { ch.done(h.seq, Errno.EINVAL); return; }
    const MAP_SHARED = 1, PROT_WRITE = 2;
    if (m.flags & MAP_SHARED && m.prot & PROT_WRITE && !this.dmaBufWritable.get(buf)) { ch.done(h.seq, Errno.EACCES); return; }
    const base = gemMmapOffset(buf.dev, buf.obj);
    this.syncShm();
    this.shareBytes(Number(base), buf.obj.bytes, Number(base) + buf.obj.bytes.byteLength);
    ch.done(h.seq, 0, encodeAddr(base));
  }

  /**
   * Bring gem.shm and the device's buffers in step: what the client changed through its mapping
   * goes to the device, what the device changed (writeback) goes to the file; the client wins a tie.
   */
  syncShm(): void {
    for (const m of this.maps.values()) {
      fs.readSync(this.gemFd, m.scratch, 0, m.scratch.byteLength, m.offset);
      if (Buffer.compare(m.scratch, m.shadow) !== 0) {
        m.bytes.set(m.scratch);
        m.shadow.set(m.scratch);
      } else if (Buffer.compare(m.bytes, m.shadow) !== 0) {
        fs.writeSync(this.gemFd, m.bytes, 0, m.bytes.byteLength, m.offset);
        m.shadow.set(m.bytes);
      }
    }
  }

  /**
   * Stop serving: clients see EOF on their DRM fds and ENODEV from their next call. Open files are
   * released, the run dir is removed (unless keepRunDir).
   */
  async close(): Promise<void> {
    this.abort();
    const servers = [this.nodeServer, this.ctlServer, this.fenceServer];
    this.nodeServer = this.ctlServer = this.fenceServer = null;
    await Promise.all([...servers.map((s) => (s ? new Promise<void>((r) => s.close(() => r())) : undefined)), this.crc.close()]);
    if (!this.opts.keepRunDir) fs.rmSync(this.runDir, { recursive: true, force: true });
  }

  /** Drop every connection at once, as if the server process had died (synchronous). */
  abort(): void {
    if (this.closed) return;
    this.closed = true;
    for (const ch of this.channels) ch.kill();
    this.channels.clear();
    for (const e of this.files.values()) {
      e.sock?.destroy();
      e.fd.close();
    }
    this.files.clear();
    for (const f of this.clientObjs.values()) f.sock?.destroy();
    this.clientObjs.clear();
    // stop listening now (the sockets refuse connections); close() waits for it
    this.nodeServer?.close();
    this.ctlServer?.close();
    this.fenceServer?.close();
    void this.crc.close();
    try { fs.closeSync(this.gemFd); } catch { /* closed */ }
    this.gemFd = -1;
    this.maps.clear();
  }
}

/**
 * Open one end of a FIFO without blocking, even if the client that made it has died meanwhile: a
 * read-write fd held during the open provides the other end. Afterwards only the client holds the
 * other end, so its death is EOF (reads) or EPIPE (writes), never a hang.
 */
function openFifo(path: string, flags: number): number {
  const st = fs.statSync(path);
  if (!st.isFIFO()) throw new Error(`${path} is not a FIFO`);
  const hold = fs.openSync(path, fs.constants.O_RDWR);
  try {
    return fs.openSync(path, flags);
  } finally {
    fs.closeSync(hold);
  }
}

function listen(path: string, onConnection: (s: net.Socket) => void): Promise<net.Server> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer(onConnection);
    srv.once('error', reject);
    srv.listen(path, () => {
      srv.off('error', reject);
      resolve(srv);
    });
  });
}
