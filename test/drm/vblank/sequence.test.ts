/** CRTC_GET_SEQUENCE (uapi 8.10) and CRTC_QUEUE_SEQUENCE (uapi 8.11, 4.3). */
import { describe, expect, it } from 'vitest';
import { AtomicRequest } from '../../../src/client/atomic.js';
import { AtomicFlag, ClientCap, CrtcSequence } from '../../../src/uapi/drm-mode.js';
import { createTestDevice } from '../test-driver.js';
import { FRAME_1024, io, ioErr, lease, light, seqOf, setCrtc } from '../legacy/util.js';

const { RELATIVE, NEXT_ON_MISS } = CrtcSequence;

describe('uapi 8.10: CRTC_GET_SEQUENCE', () => {
  it('no vblank support → EOPNOTSUPP, before the CRTC lookup', async () => {
    // uapi 8.10
    const t = await createTestDevice({ clock: 'immediate' });
    const card = t.open();
    light(card, t.crtc, t.connector);
    expect(ioErr(card, 'CRTC_GET_SEQUENCE', { crtc_id: t.crtc.id })).toBe('EOPNOTSUPP');
    expect(ioErr(card, 'CRTC_GET_SEQUENCE', { crtc_id: 9999 })).toBe('EOPNOTSUPP');
    expect(ioErr(card, 'CRTC_QUEUE_SEQUENCE', { crtc_id: 9999, flags: 0xff })).toBe('EOPNOTSUPP');
  });

  it('unknown CRTC, non-CRTC id, CRTC outside the lease → ENOENT', async () => {
    // uapi 8.10
    const t = await createTestDevice({ crtcs: 2 });
    const card = t.open();
    light(card, t.crtc, t.connector);
    expect(ioErr(card, 'CRTC_GET_SEQUENCE', { crtc_id: 9999 })).toBe('ENOENT');
    expect(ioErr(card, 'CRTC_GET_SEQUENCE', { crtc_id: t.primary.id })).toBe('ENOENT');
    const { lessee } = lease(card, [t.crtcs[1]!.id, t.connector.id]);
    expect(ioErr(lessee, 'CRTC_GET_SEQUENCE', { crtc_id: t.crtc.id })).toBe('ENOENT');
    expect(ioErr(lessee, 'CRTC_GET_SEQUENCE', { crtc_id: t.crtcs[1]!.id })).toBe('EINVAL'); // leased, but off
  });

  it('CRTC off → EINVAL: never lit, disabled, and ACTIVE=0 with MODE_ID still set', async () => {
    // uapi 8.10: with ACTIVE=0 the vblank is off, so "active = enable" cannot be read as 1 there
    const t = await createTestDevice();
    const card = t.open();
    card.setClientCap(ClientCap.ATOMIC, 1);
    expect(ioErr(card, 'CRTC_GET_SEQUENCE', { crtc_id: t.crtc.id })).toBe('EINVAL');
    light(card, t.crtc, t.connector);
    card.atomicCommitSync(new AtomicRequest().add(t.crtc.id, 'ACTIVE', 0), AtomicFlag.ALLOW_MODESET);
    expect(card.getCrtc(t.crtc.id).modeValid).toBe(true);
    expect(ioErr(card, 'CRTC_GET_SEQUENCE', { crtc_id: t.crtc.id })).toBe('EINVAL');
    card.atomicCommitSync(new AtomicRequest().add(t.crtc.id, 'ACTIVE', 1), AtomicFlag.ALLOW_MODESET);
    expect(seqOf(card, t.crtc.id).active).toBe(1);
    setCrtc(card, t.crtc.id, { mode: null });
    expect(ioErr(card, 'CRTC_GET_SEQUENCE', { crtc_id: t.crtc.id })).toBe('EINVAL');
  });

  it('active = 1, the u64 count and the time of the last vblank; the same values WAIT_VBLANK reports', async () => {
    // uapi 8.10, 8.9
    const t = await createTestDevice();
    const card = t.open();
    const other = t.open(); // no master needed
    light(card, t.crtc, t.connector);
    const clock = t.device.drm.clock;
    const s0 = seqOf(other, t.crtc.id);
    expect(s0.active).toBe(1);
    clock.advance(FRAME_1024 * 7n + 1000n);
    const a = io(other, 'CRTC_GET_SEQUENCE', { crtc_id: t.crtc.id, active: 77, sequence: 5n, sequence_ns: 6n });
    expect(a).toMatchObject({ active: 1, sequence: s0.sequence + 7n, sequence_ns: s0.ns + 7n * FRAME_1024 });
    const w = io(other, 'WAIT_VBLANK', { type: 1, sequence: 0 });
    const us = (s0.ns + 7n * FRAME_1024) / 1000n;
    expect(w).toMatchObject({ sequence: Number(s0.sequence + 7n), tval_sec: Number(us / 1_000_000n), tval_usec: Number(us % 1_000_000n) });
  });
});

describe('uapi 8.11: CRTC_QUEUE_SEQUENCE', () => {
  it('unknown CRTC → ENOENT first; then flags other than RELATIVE|NEXT_ON_MISS → EINVAL; then CRTC off → EINVAL', async () => {
    // uapi 8.11
    const t = await createTestDevice();
    const card = t.open();
    expect(ioErr(card, 'CRTC_QUEUE_SEQUENCE', { crtc_id: 9999, flags: 4 })).toBe('ENOENT');
    expect(ioErr(card, 'CRTC_QUEUE_SEQUENCE', { crtc_id: t.crtc.id, flags: 4 })).toBe('EINVAL');
    expect(ioErr(card, 'CRTC_QUEUE_SEQUENCE', { crtc_id: t.crtc.id, flags: 0x80000000 })).toBe('EINVAL');
    expect(ioErr(card, 'CRTC_QUEUE_SEQUENCE', { crtc_id: t.crtc.id, flags: RELATIVE, sequence: 1n })).toBe('EINVAL'); // off
    light(card, t.crtc, t.connector);
    expect(ioErr(card, 'CRTC_QUEUE_SEQUENCE', { crtc_id: t.crtc.id, flags: RELATIVE | NEXT_ON_MISS, sequence: 1n })).toBe('ok');
    expect(ioErr(card, 'CRTC_QUEUE_SEQUENCE', { crtc_id: t.crtc.id, flags: 4 })).toBe('EINVAL');
  });

  it('absolute target: written back, the CRTC_SEQUENCE event arrives at that vblank', async () => {
    // uapi 8.11, 4.3
    const t = await createTestDevice();
    const card = t.open();
    light(card, t.crtc, t.connector);
    const clock = t.device.drm.clock;
    const s = seqOf(card, t.crtc.id);
    const a = io(card, 'CRTC_QUEUE_SEQUENCE', { crtc_id: t.crtc.id, flags: 0, sequence: s.sequence + 3n, user_data: 0xfedcba9876543210n });
    expect(a.sequence).toBe(s.sequence + 3n);
    clock.advance(FRAME_1024 * 2n);
    expect(card.readEvents()).toEqual([]);
    clock.advance(FRAME_1024);
    expect(card.readEvents()).toEqual([{ type: 3, user_data: 0xfedcba9876543210n, time_ns: s.ns + 3n * FRAME_1024, sequence: s.sequence + 3n }]);
  });

  it('RELATIVE adds the current count; NEXT_ON_MISS turns a passed target into current + 1', async () => {
    // uapi 8.11, 8.5
    const t = await createTestDevice();
    const card = t.open();
    light(card, t.crtc, t.connector);
    const clock = t.device.drm.clock;
    clock.advance(FRAME_1024 * 20n);
    const s = seqOf(card, t.crtc.id);
    expect(io(card, 'CRTC_QUEUE_SEQUENCE', { crtc_id: t.crtc.id, flags: RELATIVE, sequence: 2n, user_data: 1n }).sequence).toBe(s.sequence + 2n);
    expect(io(card, 'CRTC_QUEUE_SEQUENCE', { crtc_id: t.crtc.id, flags: NEXT_ON_MISS, sequence: s.sequence - 5n, user_data: 2n }).sequence).toBe(s.sequence + 1n);
    expect(io(card, 'CRTC_QUEUE_SEQUENCE', { crtc_id: t.crtc.id, flags: NEXT_ON_MISS, sequence: s.sequence, user_data: 3n }).sequence).toBe(s.sequence + 1n);
    expect(io(card, 'CRTC_QUEUE_SEQUENCE', { crtc_id: t.crtc.id, flags: NEXT_ON_MISS, sequence: s.sequence + 4n, user_data: 4n }).sequence).toBe(s.sequence + 4n);
    expect(io(card, 'CRTC_QUEUE_SEQUENCE', { crtc_id: t.crtc.id, flags: RELATIVE | NEXT_ON_MISS, sequence: 0n, user_data: 5n }).sequence).toBe(s.sequence + 1n);
    expect(card.readEvents()).toEqual([]);
    clock.advance(FRAME_1024);
    const ev1 = { type: 3, time_ns: s.ns + FRAME_1024, sequence: s.sequence + 1n };
    expect(card.readEvents()).toEqual([{ ...ev1, user_data: 2n }, { ...ev1, user_data: 3n }, { ...ev1, user_data: 5n }]);
    clock.advance(FRAME_1024);
    expect(card.readEvents()).toEqual([{ type: 3, time_ns: s.ns + 2n * FRAME_1024, sequence: s.sequence + 2n, user_data: 1n }]);
    clock.advance(FRAME_1024 * 2n);
    expect(card.readEvents()).toEqual([{ type: 3, time_ns: s.ns + 4n * FRAME_1024, sequence: s.sequence + 4n, user_data: 4n }]);
  });

  it('a passed target without NEXT_ON_MISS: the event goes out at once with the current count', async () => {
    // uapi 8.11
    const t = await createTestDevice();
    const card = t.open();
    light(card, t.crtc, t.connector);
    t.device.drm.clock.advance(FRAME_1024 * 5n + 3n);
    const s = seqOf(card, t.crtc.id);
    expect(io(card, 'CRTC_QUEUE_SEQUENCE', { crtc_id: t.crtc.id, flags: 0, sequence: s.sequence - 3n, user_data: 7n }).sequence).toBe(s.sequence);
    expect(io(card, 'CRTC_QUEUE_SEQUENCE', { crtc_id: t.crtc.id, flags: RELATIVE, sequence: 0n, user_data: 8n }).sequence).toBe(s.sequence);
    expect(io(card, 'CRTC_QUEUE_SEQUENCE', { crtc_id: t.crtc.id, flags: 0, sequence: s.sequence, user_data: 9n }).sequence).toBe(s.sequence);
    const e = { type: 3, time_ns: s.ns, sequence: s.sequence };
    expect(card.readEvents()).toEqual([{ ...e, user_data: 7n }, { ...e, user_data: 8n }, { ...e, user_data: 9n }]);
  });

  it('the event bytes follow struct drm_event_crtc_sequence', async () => {
    // uapi 4.3
    const t = await createTestDevice();
    const card = t.open();
    light(card, t.crtc, t.connector);
    const s = seqOf(card, t.crtc.id);
    io(card, 'CRTC_QUEUE_SEQUENCE', { crtc_id: t.crtc.id, flags: RELATIVE, sequence: 1n, user_data: 0x1122334455667788n });
    t.device.drm.clock.advance(FRAME_1024);
    const buf = new Uint8Array(32);
    expect(card.fd.read(buf)).toBe(32);
    const v = new DataView(buf.buffer);
    expect([v.getUint32(0, true), v.getUint32(4, true), v.getBigUint64(8, true), v.getBigInt64(16, true), v.getBigUint64(24, true)])
      .toEqual([3, 32, 0x1122334455667788n, s.ns + FRAME_1024, s.sequence + 1n]);
  });

  it('event space exhausted → ENOMEM (also for a target already passed)', async () => {
    // uapi 8.11, 4.9
    const t = await createTestDevice();
    const card = t.open();
    light(card, t.crtc, t.connector);
    for (let i = 0; i < 128; i++) io(card, 'CRTC_QUEUE_SEQUENCE', { crtc_id: t.crtc.id, flags: RELATIVE, sequence: 1000n });
    expect(ioErr(card, 'CRTC_QUEUE_SEQUENCE', { crtc_id: t.crtc.id, flags: RELATIVE, sequence: 1000n })).toBe('ENOMEM');
    expect(ioErr(card, 'CRTC_QUEUE_SEQUENCE', { crtc_id: t.crtc.id, flags: RELATIVE, sequence: 0n })).toBe('ENOMEM');
    // the queued sequence events go out (prematurely) when the CRTC goes off
    setCrtc(card, t.crtc.id, { mode: null });
    expect(card.readEvents()).toHaveLength(128);
  });
});
