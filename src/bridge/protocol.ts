/**
 * The bridge protocol between the preload library (src/bridge/preload/protocol.h, which must say
 * the same) and the device server. Every message is a 16-byte header {op, seq, len, arg} and `len`
 * payload bytes, little-endian.
 *
 * Channels:
 * - the DRM fd itself, a stream socket connected to <run>/root/dev/dri/cardN: the client sends
 *   OPEN once, the server answers OPEN_REPLY, then the server writes only drm_event records;
 * - per client process: a control socket (<run>/ctl.sock: HELLO, then one doorbell byte per
 *   request) and two FIFOs made by the client, <run>/ch/<name>.req (client → server: requests and
 *   replies) and <name>.rsp (server → client: READ_MEM / WRITE_MEM / DONE). The server reads and
 *   writes the FIFOs synchronously, which is what lets the device's UserMemory be synchronous.
 *   Mid-call the server may also ask for fds in the client: NEW_FD / FD_INFO / CLOSE_FD, answered
 *   by FD_REPLY;
 * - per fd the client made for the server (NEW_FD {kind, token, flags, minor}):
 *   - kind FENCE or DMABUF: a stream socket connected to <run>/fence.sock, first message ATTACH_FD
 *     {kind, token}; for a fence the server writes one byte into it when the fence signals (a
 *     sync_file polls readable once signalled); a dma-buf socket only stands for the buffer;
 *   - kind DRM (a lessee's file from CREATE_LEASE): a stream socket connected to the device node,
 *     first message ATTACH_FD {DRM, token} instead of OPEN (no reply: the server registered the
 *     file under that token before asking); then it is a DRM fd like an opened one.
 *   Closing the client's last copy of such an fd is the server's EOF: it drops its reference.
 * - per open of a served file of the tree (a socket file outside /dev/dri, e.g. debugfs
 *   crtc-N/crc/{control,data}): the client sends FILE_OPEN, the server answers FILE_OPEN_REPLY
 *   {token, mode}. Mode RECORDS: the server writes NUL-terminated records into the socket and a
 *   read() returns exactly one (EINVAL when it does not fit). Mode CALLS: read()/write() are
 *   FILE_READ / FILE_WRITE requests on the socket, each answered by FILE_DATA.
 */
export const PROTOCOL_VERSION = 3;
export const ENV_RUN_DIR = 'VKMS_BRIDGE';
export const ENV_DEBUG = 'VKMS_BRIDGE_DEBUG';
export const MAX_PAYLOAD = 256 << 20;
export const HEADER_SIZE = 16;

export const Op = {
  OPEN: 1,
  HELLO: 2,
  IOCTL: 3,
  MMAP: 4,
  MEM_DATA: 5,
  MEM_ACK: 6,
  FD_REPLY: 7,
  ATTACH_FD: 8,
  FILE_OPEN: 0x10,
  FILE_READ: 0x11,
  FILE_WRITE: 0x12,
  OPEN_REPLY: 0x81,
  READ_MEM: 0x82,
  WRITE_MEM: 0x83,
  DONE: 0x84,
  NEW_FD: 0x85,
  FD_INFO: 0x86,
  CLOSE_FD: 0x87,
  FILE_OPEN_REPLY: 0x90,
  FILE_DATA: 0x91,
} as const;

/** How the client serves read()/write() on a served file (vb_file_reply.mode). */
export const FileMode = { RECORDS: 1, CALLS: 2 } as const;
/** The most bytes a FILE_WRITE carries; a longer write sends only its length (arg), no bytes. */
export const FILE_WRITE_MAX = 65536;

/** What a NEW_FD asks the client to create (vb_fd.kind). */
export const FdKind = { FENCE: 1, DMABUF: 2, DRM: 3 } as const;
/** The socket the client connects for a NEW_FD of kind FENCE or DMABUF. */
export const FENCE_SOCKET = 'fence.sock';

export const IOCTL_IN_FAULT = 1;

/** Payload sizes of the fixed structs. */
export const SIZES = { open: 32, openReply: 8, hello: 96, ioctl: 16, mmap: 32, mem: 16, fd: 8, newFd: 16, fileReply: 8 } as const;

export interface Header { op: number; seq: number; len: number; arg: number }

export function encodeHeader(h: Header): Buffer {
  const b = Buffer.alloc(HEADER_SIZE);
  b.writeUInt32LE(h.op, 0);
  b.writeUInt32LE(h.seq >>> 0, 4);
  b.writeUInt32LE(h.len >>> 0, 8);
  b.writeInt32LE(h.arg | 0, 12);
  return b;
}

export function decodeHeader(b: Uint8Array, off = 0): Header {
  const v = new DataView(b.buffer, b.byteOffset + off, HEADER_SIZE);
  return { op: v.getUint32(0, true), seq: v.getUint32(4, true), len: v.getUint32(8, true), arg: v.getInt32(12, true) };
}

export function message(op: number, seq: number, arg: number, ...parts: Uint8Array[]): Buffer {
  const len = parts.reduce((n, p) => n + p.byteLength, 0);
  return Buffer.concat([encodeHeader({ op, seq, len, arg }), ...parts]);
}

function cString(b: Uint8Array, off: number, len: number): string {
  const s = b.subarray(off, off + len);
  const end = s.indexOf(0);
  return Buffer.from(s.subarray(0, end < 0 ? len : end)).toString('latin1');
}

/** struct vb_open */
export interface OpenMsg { flags: number; pid: number; euid: number; minor: number; comm: string }
export function decodeOpen(p: Uint8Array): OpenMsg {
  const v = new DataView(p.buffer, p.byteOffset, p.byteLength);
  return { flags: v.getUint32(0, true), pid: v.getInt32(4, true), euid: v.getUint32(8, true), minor: v.getUint32(12, true), comm: cString(p, 16, 16) };
}
export function encodeOpenReply(token: number, minor: number): Buffer {
  const b = Buffer.alloc(SIZES.openReply);
  b.writeUInt32LE(token, 0);
  b.writeUInt32LE(minor, 4);
  return b;
}

/** struct vb_hello */
export interface HelloMsg { version: number; pid: number; euid: number; comm: string; name: string }
export function decodeHello(p: Uint8Array): HelloMsg {
  const v = new DataView(p.buffer, p.byteOffset, p.byteLength);
  return { version: v.getUint32(0, true), pid: v.getInt32(4, true), euid: v.getUint32(8, true), comm: cString(p, 16, 16), name: cString(p, 32, 64) };
}

/** struct vb_ioctl + the argument bytes */
export interface IoctlMsg { token: number; request: number; flags: number; arg: Uint8Array }
export function decodeIoctl(p: Uint8Array): IoctlMsg {
  const v = new DataView(p.buffer, p.byteOffset, p.byteLength);
  return { token: v.getUint32(0, true), request: v.getUint32(4, true), flags: v.getUint32(8, true), arg: p.subarray(SIZES.ioctl) };
}

/** struct vb_mmap */
/**
 * kind 0: mmap of a DRM fd (token = its file token); kind FdKind.DMABUF: mmap of a dma-buf fd (token =
 * its NEW_FD token), answered by DONE with the u64 gem.shm offset of the buffer's start.
 */
export interface MmapMsg { token: number; prot: number; flags: number; kind: number; offset: bigint; length: bigint }
export function decodeMmap(p: Uint8Array): MmapMsg {
  const v = new DataView(p.buffer, p.byteOffset, p.byteLength);
  return { token: v.getUint32(0, true), prot: v.getInt32(4, true), flags: v.getInt32(8, true), kind: v.getUint32(12, true), offset: v.getBigUint64(16, true), length: v.getBigUint64(24, true) };
}

export function encodeMem(addr: bigint, len: number): Buffer {
  const b = Buffer.alloc(SIZES.mem);
  b.writeBigUInt64LE(addr, 0);
  b.writeBigUInt64LE(BigInt(len), 8);
  return b;
}

/** struct vb_fd: ATTACH_FD (client → server, first message on an fd made for a NEW_FD) */
export interface FdMsg { kind: number; token: number }
export function encodeFd(kind: number, token: number): Buffer {
  const b = Buffer.alloc(SIZES.fd);
  b.writeUInt32LE(kind, 0);
  b.writeUInt32LE(token, 4);
  return b;
}
export function decodeFd(p: Uint8Array): FdMsg {
  const v = new DataView(p.buffer, p.byteOffset, p.byteLength);
  return { kind: v.getUint32(0, true), token: v.getUint32(4, true) };
}

/** struct vb_file_reply: FILE_OPEN_REPLY's payload */
export function encodeFileReply(token: number, mode: number): Buffer {
  const b = Buffer.alloc(SIZES.fileReply);
  b.writeUInt32LE(token, 0);
  b.writeUInt32LE(mode, 4);
  return b;
}
export function decodeFileReply(p: Uint8Array): { token: number; mode: number } {
  const v = new DataView(p.buffer, p.byteOffset, p.byteLength);
  return { token: v.getUint32(0, true), mode: v.getUint32(4, true) };
}
/** struct vb_new_fd: NEW_FD (server → client). flags: O_CLOEXEC / O_NONBLOCK of the new fd; minor: the node for kind DRM. */
export interface NewFdMsg { kind: number; token: number; flags: number; minor: number }
export function encodeNewFd(m: NewFdMsg): Buffer {
  const b = Buffer.alloc(SIZES.newFd);
  b.writeUInt32LE(m.kind, 0);
  b.writeUInt32LE(m.token, 4);
  b.writeUInt32LE(m.flags >>> 0, 8);
  b.writeUInt32LE(m.minor, 12);
  return b;
}
export function decodeNewFd(p: Uint8Array): NewFdMsg {
  const v = new DataView(p.buffer, p.byteOffset, p.byteLength);
  return { kind: v.getUint32(0, true), token: v.getUint32(4, true), flags: v.getUint32(8, true), minor: v.getUint32(12, true) };
}

export function encodeAddr(addr: bigint): Buffer {
  const b = Buffer.alloc(8);
  b.writeBigUInt64LE(addr, 0);
  return b;
}

/** _IOC decoding (asm-generic/ioctl.h): what the preload library sends is the raw request number. */
export const IOC = { NONE: 0, WRITE: 1, READ: 2 } as const;
export function iocDir(req: number): number { return (req >>> 30) & 3; }
export function iocSize(req: number): number { return (req >>> 16) & 0x3fff; }
export function iocType(req: number): number { return (req >>> 8) & 0xff; }
export function iocNr(req: number): number { return req & 0xff; }

/** open(2) flags the server cares about (x86_64). */
export const O = { ACCMODE: 3, RDONLY: 0, WRONLY: 1, RDWR: 2, NONBLOCK: 0o4000, EXCL: 0o200, CLOEXEC: 0o2000000 } as const;
