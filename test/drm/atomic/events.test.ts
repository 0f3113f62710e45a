/**
 * FLIP_COMPLETE events of atomic commits and the device clocks (uapi 4.4–4.7, 4.5 without
 * vblank, DESIGN.md §4).
 */
import { describe, expect, it } from 'vitest';
import type { Card } from '../../../src/client/card.js';
import { CrtcSequence, VBlank } from '../../../src/uapi/index.js';
import {
  commit, concat, decodeVblankEvents, errnoOf, F, FRAME_NS, flipReq, light, modesetReq, readRaw, req, rig, T0, vblankEventBytes, type Rig,
} from './helpers.js';

/** The vblank core's count and last-vblank time, as CRTC_GET_SEQUENCE reports them (uapi 8.10). */
function seqOf(card: Card, crtcId: number): { seq: bigint; ns: bigint } {
  const a = { crtc_id: crtcId, active: 0, sequence: 0n, sequence_ns: 0n };
  card.ioctl('CRTC_GET_SEQUENCE', a);
  return { seq: a.sequence, ns: a.sequence_ns };
}

const off = (r: Rig) => req([r.t.crtc.id, 'MODE_ID', 0], [r.t.crtc.id, 'ACTIVE', 0], [r.t.connector.id, 'CRTC_ID', 0], [r.t.primary.id, 'FB_ID', 0], [r.t.primary.id, 'CRTC_ID', 0]);

/** struct drm_event_crtc_sequence bytes (uapi 4.3). */
function sequenceEventBytes(userData: bigint, ns: bigint, seq: bigint): Uint8Array {
  const b = new Uint8Array(32);
  const v = new DataView(b.buffer);
  v.setUint32(0, 3, true);
  v.setUint32(4, 32, true);
  v.setBigUint64(8, userData, true);
  v.setBigInt64(16, ns, true);
  v.setBigUint64(24, seq, true);
  return b;
}

describe('uapi 4.4, 4.5: FLIP_COMPLETE contents', () => {
  it('carries the commit\'s 64-bit user_data, the CRTC id, the vblank count and the CLOCK_MONOTONIC time of that vblank', async () => {
    // uapi 4.4, 4.5, 4.2, 4.6 (armed for the next vblank)
    const r = await rig();
    light(r);
    readRaw(r.card);
    r.dev.clock.advance(3n * FRAME_NS + FRAME_NS / 2n); // in the middle of a frame
    const s = seqOf(r.card, r.t.crtc.id);
    expect(s.ns).toBe(T0 + 3n * FRAME_NS);
    const userData = 0xfedcba9876543210n;
    expect(commit(r.card, flipReq(r, r.fb2), F.NONBLOCK | F.PAGE_FLIP_EVENT, userData)).toBe('no error');
    r.dev.clock.advance(FRAME_NS / 2n - 1n);
    expect(readRaw(r.card).length).toBe(0);
    r.dev.clock.advance(1n);
    expect(readRaw(r.card)).toEqual(vblankEventBytes({ type: 2, userData, ns: s.ns + FRAME_NS, seq: s.seq + 1n, crtcId: r.t.crtc.id }));
    expect(seqOf(r.card, r.t.crtc.id)).toEqual({ seq: s.seq + 1n, ns: s.ns + FRAME_NS });
    // a flip committed right at a vblank goes out at the following one
    expect(commit(r.card, flipReq(r, r.fb), F.NONBLOCK | F.PAGE_FLIP_EVENT, 1n)).toBe('no error');
    r.dev.clock.advance(FRAME_NS);
    expect(readRaw(r.card)).toEqual(vblankEventBytes({ type: 2, userData: 1n, ns: s.ns + 2n * FRAME_NS, seq: s.seq + 2n, crtcId: r.t.crtc.id }));
  });
});

describe('uapi 4.6: armed for the next vblank, or sent at once while the CRTC is switched', () => {
  it('sends the enabling commit\'s event at once with the stored count and time (0 and 0 on first use)', async () => {
    // uapi 4.6, 3.49
    const r = await rig();
    expect(commit(r.card, modesetReq(r), F.ALLOW_MODESET | F.NONBLOCK | F.PAGE_FLIP_EVENT, 5n)).toBe('no error');
    expect(readRaw(r.card)).toEqual(vblankEventBytes({ type: 2, userData: 5n, ns: 0n, seq: 0, crtcId: r.t.crtc.id }));
  });

  it('sends the disabling commit\'s event at once with the last vblank, and re-enabling reports those same stored values', async () => {
    // uapi 4.6
    const r = await rig();
    light(r);
    readRaw(r.card);
    r.dev.clock.advance(5n * FRAME_NS + 1000n);
    const s = seqOf(r.card, r.t.crtc.id);
    expect(commit(r.card, off(r), F.ALLOW_MODESET | F.NONBLOCK | F.PAGE_FLIP_EVENT, 6n)).toBe('no error');
    expect(readRaw(r.card)).toEqual(vblankEventBytes({ type: 2, userData: 6n, ns: s.ns, seq: s.seq, crtcId: r.t.crtc.id }));
    r.dev.clock.advance(10n * FRAME_NS);
    expect(commit(r.card, modesetReq(r), F.ALLOW_MODESET | F.NONBLOCK | F.PAGE_FLIP_EVENT, 7n)).toBe('no error');
    expect(readRaw(r.card)).toEqual(vblankEventBytes({ type: 2, userData: 7n, ns: s.ns, seq: s.seq, crtcId: r.t.crtc.id }));
    // after that, flips are armed again
    const on = seqOf(r.card, r.t.crtc.id);
    expect(commit(r.card, flipReq(r, r.fb2), F.NONBLOCK | F.PAGE_FLIP_EVENT, 8n)).toBe('no error');
    expect(readRaw(r.card).length).toBe(0);
    r.dev.clock.advance(FRAME_NS);
    expect(readRaw(r.card)).toEqual(vblankEventBytes({ type: 2, userData: 8n, ns: on.ns + FRAME_NS, seq: on.seq + 1n, crtcId: r.t.crtc.id }));
  });

  it('an ACTIVE toggle behaves the same (the CRTC keeps its mode)', async () => {
    // uapi 4.6, 3.30
    const r = await rig();
    light(r);
    readRaw(r.card);
    r.dev.clock.advance(2n * FRAME_NS);
    const s = seqOf(r.card, r.t.crtc.id);
    expect(commit(r.card, req([r.t.crtc.id, 'ACTIVE', 0]), F.ALLOW_MODESET | F.PAGE_FLIP_EVENT, 1n)).toBe('no error');
    expect(commit(r.card, req([r.t.crtc.id, 'ACTIVE', 1]), F.ALLOW_MODESET | F.PAGE_FLIP_EVENT, 2n)).toBe('no error');
    expect(readRaw(r.card)).toEqual(concat(
      vblankEventBytes({ type: 2, userData: 1n, ns: s.ns, seq: s.seq, crtcId: r.t.crtc.id }),
      vblankEventBytes({ type: 2, userData: 2n, ns: s.ns, seq: s.seq, crtcId: r.t.crtc.id }),
    ));
  });
});

describe('uapi 4.7: vblank off delivers pending vblank events prematurely', () => {
  it('sends queued sequence/vblank events with the current count when the CRTC is disabled, before the commit\'s own event', async () => {
    // uapi 4.7, 4.3, 4.8
    const r = await rig();
    light(r);
    readRaw(r.card);
    r.dev.clock.advance(2n * FRAME_NS);
    const q = { crtc_id: r.t.crtc.id, flags: CrtcSequence.RELATIVE, sequence: 1000n, user_data: 0x55n };
    r.card.ioctl('CRTC_QUEUE_SEQUENCE', q);
    r.card.ioctl('WAIT_VBLANK', { type: VBlank.RELATIVE | VBlank.EVENT, sequence: 500, signal: 0x66n });
    r.dev.clock.advance(FRAME_NS + FRAME_NS / 3n);
    const s = seqOf(r.card, r.t.crtc.id);
    expect(readRaw(r.card).length).toBe(0);
    expect(commit(r.card, off(r), F.ALLOW_MODESET | F.PAGE_FLIP_EVENT, 0x77n)).toBe('no error');
    expect(readRaw(r.card)).toEqual(concat(
      sequenceEventBytes(0x55n, s.ns, s.seq),
      vblankEventBytes({ type: 1, userData: 0x66n, ns: s.ns, seq: s.seq, crtcId: r.t.crtc.id }),
      vblankEventBytes({ type: 2, userData: 0x77n, ns: s.ns, seq: s.seq, crtcId: r.t.crtc.id }),
    ));
  });
});

describe('the immediate clock (a device without vblank)', () => {
  it('sends every flip event during the commit with sequence 0 and the current time; flips never pend', async () => {
    // uapi 4.5 (no vblank), 3.45, 8.10, DESIGN.md §4
    const r = await rig({ clock: 'immediate' });
    const clock = r.dev.clock;
    for (const [flags, q] of [[F.ALLOW_MODESET, modesetReq(r)], [F.NONBLOCK, flipReq(r, r.fb2)], [F.NONBLOCK, flipReq(r, r.fb)], [0, flipReq(r, r.fb2)]] as const) {
      const before = clock.now();
      expect(commit(r.card, q, flags | F.PAGE_FLIP_EVENT, 9n)).toBe('no error');
      const after = clock.now();
      const ev = decodeVblankEvents(readRaw(r.card));
      expect(ev.map((e) => [e.type, e.seq, e.userData, e.crtcId])).toEqual([[2, 0, 9n, r.t.crtc.id]]);
      const us = BigInt(ev[0]!.sec) * 1_000_000n + BigInt(ev[0]!.usec);
      expect(us >= before / 1000n && us <= after / 1000n).toBe(true);
    }
    expect(errnoOf(() => seqOf(r.card, r.t.crtc.id))).toBe('EOPNOTSUPP');
  });
});

describe('the realtime clock', () => {
  it('makes a blocking flip return at the next vblank, about one frame after the CRTC was lit', async () => {
    // uapi 3.49, 4.5, DESIGN.md §4
    const r = await rig({ clock: 'realtime' });
    try {
      await r.card.atomicCommit(modesetReq(r), F.ALLOW_MODESET);
      const s = seqOf(r.card, r.t.crtc.id);
      const start = performance.now();
      await r.card.atomicCommit(flipReq(r, r.fb2), F.PAGE_FLIP_EVENT, 7n);
      const elapsedMs = performance.now() - start;
      const ev = decodeVblankEvents(readRaw(r.card));
      expect(ev).toHaveLength(1);
      const k = BigInt(ev[0]!.seq) - s.seq;
      expect(k >= 1n).toBe(true);
      const vblankNs = s.ns + k * FRAME_NS; // the vblank timer runs at the mode's frame period
      expect(BigInt(ev[0]!.sec) * 1_000_000n + BigInt(ev[0]!.usec)).toBe(vblankNs / 1000n);
      expect(r.dev.clock.now() >= vblankNs).toBe(true);
      expect(elapsedMs).toBeGreaterThan(1);
      expect(elapsedMs).toBeLessThan(1000);
    } finally {
      await r.t.unbind();
    }
  });
});
