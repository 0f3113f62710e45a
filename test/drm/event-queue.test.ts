/**
 * The per-file event queue (uapi 4.2, 4.3, 4.8–4.15), driven through the internal event API
 * (reserve at request time, deliver or cancel later), as the vblank and atomic code use it.
 */
import { beforeEach, describe, expect, it } from 'vitest';
import { reserveSequenceEvent, reserveVblankEvent } from '../../src/drm/events.js';
import type { DrmFile } from '../../src/drm/file.js';
import { DrmError } from '../../src/uapi/errno.js';
import { POLLIN, POLLRDNORM } from '../../src/uapi/fd.js';
import { expectErrno, tick } from './core-helpers.js';
import { createTestDevice, type TestDevice } from './test-driver.js';

const FLIP = 2 as const;
const VBLANK = 1 as const;

/** Split read() bytes into [type, length, user_data] triples, by hand (uapi 4.1). */
function headers(buf: Uint8Array, n: number): [number, number, bigint][] {
  const v = new DataView(buf.buffer, buf.byteOffset, n);
  const out: [number, number, bigint][] = [];
  for (let off = 0; off < n; ) {
    const len = v.getUint32(off + 4, true);
    out.push([v.getUint32(off, true), len, v.getBigUint64(off + 8, true)]);
    off += len;
  }
  return out;
}

function readSync(f: DrmFile, size = 4096): { n: number; buf: Uint8Array } {
  const buf = new Uint8Array(size);
  const n = f.read(buf);
  if (typeof n !== 'number') throw new Error('read() blocked');
  return { n, buf };
}

describe('event queue (uapi 4.8–4.15)', () => {
  let t: TestDevice;
  let f: DrmFile;

  beforeEach(async () => {
    t = await createTestDevice();
    f = t.device.open({ nonblock: true }) as DrmFile;
  });

  it('delivers FIFO in delivery order, not reservation order', () => {
    // uapi 4.8
    const e1 = reserveVblankEvent(f, FLIP, t.crtc.id, 1n);
    const e2 = reserveVblankEvent(f, FLIP, t.crtc.id, 2n);
    const e3 = reserveSequenceEvent(f, 3n);
    e2.deliver(10n, 1000n);
    e3.deliver(11n, 2000n);
    e1.deliver(12n, 3000n);
    const { n, buf } = readSync(f);
    expect(n).toBe(96);
    expect(headers(buf, n)).toEqual([[FLIP, 32, 2n], [3, 32, 3n], [FLIP, 32, 1n]]);
  });

  it('4096 bytes of space: 128 events of 32 bytes, the 129th → ENOMEM', () => {
    // uapi 4.9
    expect(f.eventSpace).toBe(4096);
    const evs = Array.from({ length: 128 }, (_, i) => (i % 2 ? reserveSequenceEvent(f, BigInt(i)) : reserveVblankEvent(f, VBLANK, t.crtc.id, BigInt(i))));
    expect(f.eventSpace).toBe(0);
    expectErrno(() => reserveVblankEvent(f, FLIP, t.crtc.id, 999n), 'ENOMEM');
    expectErrno(() => reserveSequenceEvent(f, 999n), 'ENOMEM');
    // delivering does not give space back: only read() does
    evs[0]!.deliver(1n, 1n);
    expect(f.eventSpace).toBe(0);
    expectErrno(() => reserveVblankEvent(f, FLIP, t.crtc.id, 999n), 'ENOMEM');
    expect(readSync(f).n).toBe(32);
    expect(f.eventSpace).toBe(32);
    reserveVblankEvent(f, FLIP, t.crtc.id, 1000n);
    expect(f.eventSpace).toBe(0);
    expectErrno(() => reserveVblankEvent(f, FLIP, t.crtc.id, 1001n), 'ENOMEM');
  });

  it('the space is per file', async () => {
    // uapi 4.9
    for (let i = 0; i < 128; i++) reserveVblankEvent(f, FLIP, t.crtc.id, 0n);
    const g = t.device.open() as DrmFile;
    expect(g.eventSpace).toBe(4096);
    reserveVblankEvent(g, FLIP, t.crtc.id, 0n);
    expect(g.eventSpace).toBe(4064);
  });

  it('read() copies whole events only and returns the byte count', () => {
    // uapi 4.10
    const evs = [1n, 2n, 3n].map((u) => reserveVblankEvent(f, FLIP, t.crtc.id, u));
    for (const e of evs) e.deliver(0n, 0n);
    expect(f.eventSpace).toBe(4096 - 96);
    const r1 = readSync(f, 80); // room for 2.5 events
    expect(r1.n).toBe(64);
    expect(headers(r1.buf, r1.n)).toEqual([[FLIP, 32, 1n], [FLIP, 32, 2n]]);
    expect(r1.buf.subarray(64).every((x) => x === 0)).toBe(true); // nothing of the third event
    expect(f.eventSpace).toBe(4096 - 32);
    expect(f.poll()).toBe(POLLIN | POLLRDNORM);
    const r2 = readSync(f, 32);
    expect(r2.n).toBe(32);
    expect(headers(r2.buf, r2.n)).toEqual([[FLIP, 32, 3n]]);
    expect(f.eventSpace).toBe(4096);
    expect(f.poll()).toBe(0);
  });

  it('a buffer smaller than the first event: returns 0, the event stays queued', () => {
    // uapi 4.11
    reserveVblankEvent(f, FLIP, t.crtc.id, 7n).deliver(0n, 0n);
    expect(readSync(f, 31).n).toBe(0);
    expect(readSync(f, 0).n).toBe(0);
    expect(f.eventSpace).toBe(4064);
    expect(f.poll()).toBe(POLLIN | POLLRDNORM);
    const r = readSync(f, 32);
    expect(headers(r.buf, r.n)).toEqual([[FLIP, 32, 7n]]);
  });

  it('non-blocking read of an empty queue → EAGAIN (also with only pending events)', () => {
    // uapi 4.12
    expect(() => f.read(new Uint8Array(64))).toThrowError(expect.objectContaining({ code: 'EAGAIN' }));
    reserveVblankEvent(f, FLIP, t.crtc.id, 1n); // reserved, not delivered
    let err: unknown;
    try {
      f.read(new Uint8Array(64));
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(DrmError);
    expect((err as DrmError).code).toBe('EAGAIN');
  });

  it('a blocking read waits for the next event', async () => {
    // uapi 4.12
    const g = t.device.open() as DrmFile;
    const ev = reserveVblankEvent(g, FLIP, t.crtc.id, 42n);
    const buf = new Uint8Array(64);
    const r = g.read(buf);
    expect(r).toBeInstanceOf(Promise);
    let settled = false;
    void (r as Promise<number>).then(() => { settled = true; });
    await tick();
    expect(settled).toBe(false);
    ev.deliver(5n, 1_000_000n);
    expect(await r).toBe(32);
    expect(headers(buf, 32)).toEqual([[FLIP, 32, 42n]]);
    expect(g.eventSpace).toBe(4096);
    // with an event already queued, a blocking read returns at once
    reserveSequenceEvent(g, 43n).deliver(1n, 1n);
    expect(g.read(buf)).toBe(32);
  });

  it('poll: POLLIN|POLLRDNORM iff an event is queued', () => {
    // uapi 4.13
    expect(f.poll()).toBe(0);
    const e = reserveVblankEvent(f, FLIP, t.crtc.id, 1n);
    expect(f.poll()).toBe(0); // pending is not queued
    e.deliver(0n, 0n);
    expect(f.poll()).toBe(0x41);
    readSync(f);
    expect(f.poll()).toBe(0);
  });

  it('closing a file frees its queue and orphans its pending events', () => {
    // uapi 4.14
    const g = t.device.open() as DrmFile;
    const queued = reserveVblankEvent(g, FLIP, t.crtc.id, 1n);
    queued.deliver(0n, 0n);
    const pending = reserveVblankEvent(g, FLIP, t.crtc.id, 2n);
    const seq = reserveSequenceEvent(g, 3n);
    g.close();
    expect(g.events).toEqual([]);
    expect(pending.file).toBeNull();
    expect(seq.file).toBeNull();
    expect(() => pending.deliver(1n, 1n)).not.toThrow();
    expect(() => seq.cancel()).not.toThrow();
    expect(pending.delivered).toBe(true);
    expect(g.events).toEqual([]);
    expect(g.poll()).toBe(0);
    // other files are not affected
    reserveVblankEvent(f, FLIP, t.crtc.id, 9n).deliver(0n, 0n);
    expect(headers(readSync(f).buf, 32)).toEqual([[FLIP, 32, 9n]]);
  });

  it('cancel gives the reserved space back and delivers nothing', () => {
    // uapi 4.15
    const evs = Array.from({ length: 128 }, () => reserveVblankEvent(f, FLIP, t.crtc.id, 0n));
    expectErrno(() => reserveVblankEvent(f, FLIP, t.crtc.id, 0n), 'ENOMEM');
    evs[5]!.cancel();
    expect(f.eventSpace).toBe(32);
    expect(f.poll()).toBe(0);
    // cancelling twice, or after delivery, gives nothing more back
    evs[5]!.cancel();
    expect(f.eventSpace).toBe(32);
    evs[6]!.deliver(0n, 0n);
    evs[6]!.cancel();
    expect(f.eventSpace).toBe(32);
    // delivering a cancelled event does nothing
    evs[5]!.deliver(0n, 0n);
    expect(readSync(f).n).toBe(32); // only evs[6]
    expect(f.poll()).toBe(0);
    reserveVblankEvent(f, FLIP, t.crtc.id, 0n);
    reserveVblankEvent(f, FLIP, t.crtc.id, 0n);
    expect(f.eventSpace).toBe(0);
  });

  it('struct drm_event_vblank layout', () => {
    // uapi 4.2, 4.1, 4.5 (sequence = low 32 bits, timeval from the ns timestamp)
    reserveVblankEvent(f, FLIP, 0xabcd, 0x1122334455667788n).deliver(0x1_00000005n, 12_345_678_901n);
    reserveVblankEvent(f, VBLANK, 7, 0xffffffffffffffffn).deliver(0xffffffffn, 999n);
    const { n, buf } = readSync(f);
    expect(n).toBe(64);
    const v = new DataView(buf.buffer);
    expect(v.getUint32(0, true)).toBe(2); // type FLIP_COMPLETE
    expect(v.getUint32(4, true)).toBe(32); // length incl. header
    expect(v.getBigUint64(8, true)).toBe(0x1122334455667788n);
    expect(v.getUint32(16, true)).toBe(12); // tv_sec
    expect(v.getUint32(20, true)).toBe(345678); // tv_usec
    expect(v.getUint32(24, true)).toBe(5); // sequence
    expect(v.getUint32(28, true)).toBe(0xabcd); // crtc_id
    expect(v.getUint32(32, true)).toBe(1); // type VBLANK
    expect(v.getUint32(36, true)).toBe(32);
    expect(v.getBigUint64(40, true)).toBe(0xffffffffffffffffn);
    expect(v.getUint32(48, true)).toBe(0);
    expect(v.getUint32(52, true)).toBe(0);
    expect(v.getUint32(56, true)).toBe(0xffffffff);
    expect(v.getUint32(60, true)).toBe(7);
  });

  it('struct drm_event_crtc_sequence layout', () => {
    // uapi 4.3
    reserveSequenceEvent(f, 0x0102030405060708n).deliver(0x1_0000_0002n, 5_000_000_123n);
    const { n, buf } = readSync(f);
    expect(n).toBe(32);
    const v = new DataView(buf.buffer);
    expect(v.getUint32(0, true)).toBe(3); // CRTC_SEQUENCE
    expect(v.getUint32(4, true)).toBe(32);
    expect(v.getBigUint64(8, true)).toBe(0x0102030405060708n);
    expect(v.getBigInt64(16, true)).toBe(5_000_000_123n); // time_ns
    expect(v.getBigUint64(24, true)).toBe(0x1_0000_0002n); // full 64-bit sequence
  });
});
