/** The C header and the TypeScript side of the bridge protocol say the same thing. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { PRELOAD_SOURCE_DIR } from '../../src/bridge/build.mjs';
import * as P from '../../src/bridge/protocol.js';

const header = readFileSync(join(PRELOAD_SOURCE_DIR, 'protocol.h'), 'utf8');
const defines = new Map<string, string>();
for (const m of header.matchAll(/^#define\s+(VB_\w+)\s+(.+?)\s*(?:\/\*.*)?$/gm)) defines.set(m[1]!, m[2]!.trim());
const num = (name: string) => {
  const v = defines.get(name);
  if (v === undefined) throw new Error(`${name} not in protocol.h`);
  return Number(eval(v.replace(/u\b/g, ''))); // e.g. "0x81u", "(256u << 20)"
};

describe('bridge protocol: protocol.h = protocol.ts', () => {
  it('version, limits, environment', () => {
    expect(num('VB_PROTOCOL_VERSION')).toBe(P.PROTOCOL_VERSION);
    expect(num('VB_MAX_PAYLOAD')).toBe(P.MAX_PAYLOAD);
    expect(defines.get('VB_ENV_RUN_DIR')).toBe(JSON.stringify(P.ENV_RUN_DIR));
    expect(defines.get('VB_ENV_DEBUG')).toBe(JSON.stringify(P.ENV_DEBUG));
    expect(num('VB_IOCTL_IN_FAULT')).toBe(P.IOCTL_IN_FAULT);
    expect(num('VB_FD_KIND_FENCE')).toBe(P.FdKind.FENCE);
    expect(num('VB_FD_KIND_DMABUF')).toBe(P.FdKind.DMABUF);
    expect(num('VB_FD_KIND_DRM')).toBe(P.FdKind.DRM);
    expect(defines.get('VB_FENCE_SOCKET')).toBe(JSON.stringify(P.FENCE_SOCKET));
    expect(num('VB_FILE_RECORDS')).toBe(P.FileMode.RECORDS);
    expect(num('VB_FILE_CALLS')).toBe(P.FileMode.CALLS);
    expect(num('VB_FILE_WRITE_MAX')).toBe(P.FILE_WRITE_MAX);
  });

  it('every op code', () => {
    const ops = [...defines.keys()].filter((k) => k.startsWith('VB_OP_'));
    expect(ops.map((k) => k.slice(6)).sort()).toEqual(Object.keys(P.Op).sort());
    for (const [name, v] of Object.entries(P.Op)) expect(num(`VB_OP_${name}`), name).toBe(v);
  });

  it('struct sizes are asserted in the C source as protocol.ts has them', () => {
    const c = readFileSync(join(PRELOAD_SOURCE_DIR, 'vkms_preload.c'), 'utf8');
    const sizes = Object.fromEntries([...c.matchAll(/_Static_assert\(sizeof\(struct vb_(\w+)\) == (\d+)/g)].map((m) => [m[1]!, Number(m[2])]));
    expect(sizes).toEqual({ header: P.HEADER_SIZE, open: P.SIZES.open, open_reply: P.SIZES.openReply, hello: P.SIZES.hello, ioctl: P.SIZES.ioctl, mmap: P.SIZES.mmap, mem: P.SIZES.mem, fd: P.SIZES.fd, new_fd: P.SIZES.newFd, file_reply: P.SIZES.fileReply });
  });

  it('headers round-trip, little-endian', () => {
    const b = P.encodeHeader({ op: P.Op.DONE, seq: 0xfffffffe, len: 12, arg: -5 });
    expect([...b.subarray(0, 4)]).toEqual([0x84, 0, 0, 0]);
    expect(P.decodeHeader(b)).toEqual({ op: P.Op.DONE, seq: 0xfffffffe, len: 12, arg: -5 });
  });

  it('decodes the fixed structs', () => {
    const open = Buffer.alloc(P.SIZES.open);
    open.writeUInt32LE(0o4002, 0); open.writeInt32LE(1234, 4); open.writeUInt32LE(0, 8); open.writeUInt32LE(0, 12); open.write('modetest', 16, 'latin1');
    expect(P.decodeOpen(open)).toEqual({ flags: 0o4002, pid: 1234, euid: 0, minor: 0, comm: 'modetest' });
    const hello = Buffer.alloc(P.SIZES.hello);
    hello.writeUInt32LE(1, 0); hello.writeInt32LE(77, 4); hello.writeUInt32LE(1000, 8); hello.write('drm_info', 16, 'latin1'); hello.write('77-0', 32, 'latin1');
    expect(P.decodeHello(hello)).toEqual({ version: 1, pid: 77, euid: 1000, comm: 'drm_info', name: '77-0' });
    const mm = Buffer.alloc(P.SIZES.mmap);
    mm.writeUInt32LE(3, 0); mm.writeInt32LE(3, 4); mm.writeInt32LE(1, 8); mm.writeBigUInt64LE(0x100000000n, 16); mm.writeBigUInt64LE(4096n, 24);
    expect(P.decodeMmap(mm)).toEqual({ token: 3, prot: 3, flags: 1, kind: 0, offset: 0x100000000n, length: 4096n });
    mm.writeUInt32LE(P.FdKind.DMABUF, 12);
    expect(P.decodeMmap(mm).kind).toBe(P.FdKind.DMABUF);
    const fd = P.encodeFd(P.FdKind.FENCE, 0x01020304);
    expect([...fd]).toEqual([1, 0, 0, 0, 4, 3, 2, 1]);
    expect(P.decodeFd(fd)).toEqual({ kind: P.FdKind.FENCE, token: 0x01020304 });
    // struct vb_file_reply {token, mode}: FILE_OPEN_REPLY's payload
    const fr = P.encodeFileReply(0x0a0b0c0d, P.FileMode.RECORDS);
    expect(fr.length).toBe(P.SIZES.fileReply);
    expect([...fr]).toEqual([0x0d, 0x0c, 0x0b, 0x0a, 1, 0, 0, 0]);
    expect(P.decodeFileReply(fr)).toEqual({ token: 0x0a0b0c0d, mode: P.FileMode.RECORDS });
    const nf = P.encodeNewFd({ kind: P.FdKind.DRM, token: 7, flags: P.O.CLOEXEC | P.O.NONBLOCK, minor: 0 });
    expect([...nf.subarray(0, 8)]).toEqual([3, 0, 0, 0, 7, 0, 0, 0]);
    expect(P.decodeNewFd(nf)).toEqual({ kind: P.FdKind.DRM, token: 7, flags: 0o2004000, minor: 0 });
  });

  it('_IOC decoding matches the ioctl table', async () => {
    const { IOCTLS, ioctlRequest } = await import('../../src/uapi/ioctl.js');
    for (const d of Object.values(IOCTLS)) {
      const req = ioctlRequest(d);
      expect([P.iocNr(req), P.iocDir(req), P.iocSize(req), P.iocType(req)], d.name).toEqual([d.nr, d.dir, d.size, 0x64]);
    }
  });
});
