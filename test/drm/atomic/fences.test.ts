/**
 * Explicit fencing through ATOMIC: IN_FENCE_FD (uapi 2.28) and OUT_FENCE_PTR (uapi 2.38, 3.44,
 * 3.50).
 */
import { describe, expect, it } from 'vitest';
import { Fence, LocalUserMemory, ProcessFds, SwTimeline } from '../../../src/uapi/index.js';
import {
  commit, decodeVblankEvents, F, FRAME_NS, flipReq, light, makeFb, MODE_1024x768, openAtomic, ownDevice, planeOn, rawAtomic,
  readRaw, req, rig, snapshot, T0,
} from './helpers.js';

const settle = () => new Promise<void>((resolve) => setImmediate(resolve));

describe('uapi 2.28: IN_FENCE_FD', () => {
  it('-1 means no fence; an fd that is not a sync file is EINVAL', async () => {
    // uapi 2.28
    const r = await rig();
    light(r);
    const p = r.t.primary.id, inFence = r.ids.plane.IN_FENCE_FD!;
    expect(rawAtomic(r.card, { objs: [p], counts: [1], props: [inFence], values: [-1n] })).toBe('no error');
    expect(rawAtomic(r.card, { objs: [p], counts: [1], props: [inFence], values: [999] })).toBe('EINVAL'); // not open
    const notAFence = r.card.fd.fds.install({});
    expect(rawAtomic(r.card, { objs: [p], counts: [1], props: [inFence], values: [notAFence] })).toBe('EINVAL');
    const fd = r.card.fd.fds.install(new SwTimeline().createFence(0)); // already signalled
    expect(rawAtomic(r.card, { objs: [p], counts: [1], props: [inFence], values: [fd] })).toBe('no error');
  });

  it('once a fence is set, any further IN_FENCE_FD write in the same commit (even -1) is EINVAL', async () => {
    // uapi 2.28, 3.7
    const r = await rig();
    light(r);
    const p = r.t.primary.id, inFence = r.ids.plane.IN_FENCE_FD!;
    const fd = r.card.fd.fds.install(new SwTimeline().createFence(0));
    const fd2 = r.card.fd.fds.install(new SwTimeline().createFence(0));
    const twice = (a: bigint | number, b: bigint | number) => rawAtomic(r.card, { objs: [p], counts: [2], props: [inFence, inFence], values: [a, b] });
    expect(twice(fd, -1n)).toBe('EINVAL');
    expect(twice(fd, fd2)).toBe('EINVAL');
    expect(twice(fd, fd)).toBe('EINVAL');
    expect(twice(-1n, fd)).toBe('no error'); // -1 sets no fence
    expect(twice(-1n, -1n)).toBe('no error');
    // the same plane listed twice is the same plane state
    expect(rawAtomic(r.card, { objs: [p, p], counts: [1, 1], props: [inFence, inFence], values: [fd, -1n] })).toBe('EINVAL');
    // TEST_ONLY only checks the fd: an unsignalled fence does not make it wait
    const pending = r.card.fd.fds.install(new SwTimeline().createFence(1));
    expect(rawAtomic(r.card, { objs: [p], counts: [1], props: [inFence], values: [pending], flags: F.TEST_ONLY })).toBe('no error');
  });

  it('a NONBLOCK commit swaps the state at once but programs the plane and completes its flip only after the fence signals', async () => {
    // uapi 2.28, 3.45
    const updates: number[] = [];
    const d = await ownDevice({ primaryFuncs: { atomicUpdate: (_p, ps) => { updates.push(ps.fb?.id ?? 0); } } });
    const card = openAtomic(d);
    const clock = d.device.drm.clock;
    const [crtc, conn, primary] = [d.objs.crtcs[0]!.id, d.objs.connectors[0]!.id, d.objs.primaries[0]!.id];
    const fb = makeFb(card, 1024, 768), fb2 = makeFb(card, 1024, 768);
    expect(commit(card, planeOn(req([crtc, 'MODE_ID', card.createModeBlob(MODE_1024x768)], [crtc, 'ACTIVE', 1], [conn, 'CRTC_ID', crtc]), primary, crtc, fb), F.ALLOW_MODESET)).toBe('no error');
    readRaw(card);
    updates.length = 0;
    const timeline = new SwTimeline();
    const fd = card.fd.fds.install(timeline.createFence(1));
    expect(commit(card, req([primary, 'FB_ID', fb2], [primary, 'IN_FENCE_FD', fd]), F.NONBLOCK | F.PAGE_FLIP_EVENT, 9n)).toBe('no error');
    expect(card.getPlane(primary).fbId).toBe(fb2); // the software state is swapped (uapi 3.50's point of no return)
    clock.advance(FRAME_NS * 5n);
    await settle();
    expect(updates).toEqual([]); // the hardware was not touched
    expect(readRaw(card).length).toBe(0);
    expect(commit(card, req([primary, 'FB_ID', fb]), F.NONBLOCK)).toBe('EBUSY'); // its flip is still pending
    timeline.inc();
    await settle();
    expect(updates).toEqual([fb2]);
    expect(readRaw(card).length).toBe(0); // armed for the next vblank
    clock.advance(FRAME_NS);
    expect(decodeVblankEvents(readRaw(card)).map((e) => e.userData)).toEqual([9n]);
  });

  it('a blocking commit waits for the fence before the state swap', async () => {
    // uapi 2.28, 3.48
    const r = await rig();
    light(r);
    readRaw(r.card);
    const timeline = new SwTimeline();
    const fd = r.card.fd.fds.install(timeline.createFence(2));
    let done = false;
    const p = r.card.atomicCommit(req([r.t.primary.id, 'FB_ID', r.fb2], [r.t.primary.id, 'IN_FENCE_FD', fd]), F.PAGE_FLIP_EVENT, 3n).then(() => { done = true; });
    await settle();
    expect(done).toBe(false);
    expect(r.card.getPlane(r.t.primary.id).fbId).toBe(r.fb);
    expect(r.dev.clock.now()).toBe(T0); // waiting for a fence does not move time
    timeline.inc();
    await settle();
    expect(done).toBe(false);
    timeline.inc();
    await p;
    expect(r.card.getPlane(r.t.primary.id).fbId).toBe(r.fb2);
    expect(r.dev.clock.now()).toBe(T0 + FRAME_NS); // then it waited for its flip
    expect(decodeVblankEvents(readRaw(r.card)).map((e) => e.userData)).toEqual([3n]); // uapi 3.49
  });
});

describe('uapi 2.28 + 3.48: a blocking commit behind a fenced NONBLOCK commit', () => {
  it('waits for the earlier commit, which waits for its fence, without letting virtual time run away', async () => {
    // uapi 2.28, 3.48, 3.49
    const r = await rig();
    light(r);
    readRaw(r.card);
    const timeline = new SwTimeline();
    const fd = r.card.fd.fds.install(timeline.createFence(1));
    expect(commit(r.card, req([r.t.primary.id, 'FB_ID', r.fb2], [r.t.primary.id, 'IN_FENCE_FD', fd]), F.NONBLOCK | F.PAGE_FLIP_EVENT, 1n)).toBe('no error');
    let done = false;
    const p = r.card.atomicCommit(flipReq(r, r.fb), F.PAGE_FLIP_EVENT, 2n).then(() => { done = true; });
    await settle();
    expect(done).toBe(false);
    expect(r.dev.clock.now()).toBe(T0);
    timeline.inc();
    await p;
    // the fenced flip completed at the next vblank, the blocking one at the vblank after
    expect(r.dev.clock.now()).toBe(T0 + 2n * FRAME_NS);
    const ev = decodeVblankEvents(readRaw(r.card));
    expect(ev.map((e) => e.userData)).toEqual([1n, 2n]);
    expect(ev.map((e) => BigInt(e.sec) * 1_000_000n + BigInt(e.usec))).toEqual([(T0 + FRAME_NS) / 1000n, (T0 + 2n * FRAME_NS) / 1000n]);
  });
});

describe('uapi 2.38: OUT_FENCE_PTR', () => {
  it('writes -1 while parsing, then a sync-file fd on success; the fence signals at the flip', async () => {
    // uapi 2.38
    const r = await rig();
    light(r);
    const fds = r.card.fd.fds as ProcessFds;
    const q = flipReq(r, r.fb2);
    r.card.addOutFence(q, r.t.crtc.id);
    const n = fds.size;
    expect(commit(r.card, q, F.NONBLOCK)).toBe('no error');
    const fd = q.outFence(r.t.crtc.id)!;
    expect(fd).toBeGreaterThanOrEqual(3);
    expect(fds.size).toBe(n + 1);
    const fence = fds.get(fd);
    expect(fence).toBeInstanceOf(Fence);
    expect((fence as Fence).signaled).toBe(false);
    r.dev.clock.advance(FRAME_NS - 1n);
    expect((fence as Fence).signaled).toBe(false);
    r.dev.clock.advance(1n);
    expect((fence as Fence).signaled).toBe(true);
    expect((fence as Fence).timestampNs).toBe(T0 + FRAME_NS);
  });

  it('a blocking commit returns with its out-fence already signalled', async () => {
    // uapi 2.38, 3.49
    const r = await rig();
    light(r);
    const q = flipReq(r, r.fb2);
    r.card.addOutFence(q, r.t.crtc.id);
    expect(commit(r.card, q, 0)).toBe('no error');
    expect((r.card.fd.fds.get(q.outFence(r.t.crtc.id)!) as Fence).signaled).toBe(true);
  });

  it('stays -1 for TEST_ONLY and for failed commits, with no fd left behind', async () => {
    // uapi 2.38, 3.44, 3.50
    const r = await rig();
    light(r);
    const fds = r.card.fd.fds as ProcessFds;
    const n = fds.size;
    const test = flipReq(r, r.fb2);
    r.card.addOutFence(test, r.t.crtc.id);
    expect(commit(r.card, test, F.TEST_ONLY)).toBe('no error');
    expect(test.outFence(r.t.crtc.id)).toBe(-1);
    const bad = flipReq(r, r.fb2).add(r.t.primary.id, 'SRC_X', 1 << 16); // ENOSPC in the check
    r.card.addOutFence(bad, r.t.crtc.id);
    const before = snapshot(r.card);
    expect(commit(r.card, bad, 0)).toBe('ENOSPC');
    expect(bad.outFence(r.t.crtc.id)).toBe(-1);
    expect(snapshot(r.card)).toBe(before);
    expect(commit(r.card, flipReq(r, r.fb2), F.NONBLOCK)).toBe('no error');
    const busy = flipReq(r, r.fb);
    r.card.addOutFence(busy, r.t.crtc.id);
    expect(commit(r.card, busy, F.NONBLOCK)).toBe('EBUSY'); // fails after the fd was handed out
    expect(busy.outFence(r.t.crtc.id)).toBe(-1);
    expect(fds.size).toBe(n);
  });

  it('is EFAULT for a pointer that cannot be written; NULL asks for nothing', async () => {
    // uapi 2.38
    const r = await rig();
    light(r);
    const c = r.t.crtc.id, ptr = r.ids.crtc.OUT_FENCE_PTR!;
    expect(rawAtomic(r.card, { objs: [c], counts: [1], props: [ptr], values: [0xdead0000n] })).toBe('EFAULT');
    expect(rawAtomic(r.card, { objs: [c], counts: [1], props: [ptr], values: [0] })).toBe('no error');
    // -1 is written before a later entry fails
    const cell = new Int32Array([77]);
    const addr = (r.card.fd.memory as LocalUserMemory).map(cell);
    expect(rawAtomic(r.card, { objs: [c, 9999], counts: [1, 0], props: [ptr], values: [addr] })).toBe('ENOENT');
    expect(cell[0]).toBe(-1);
    // and an entry that fails before it leaves the pointer alone
    cell[0] = 77;
    expect(rawAtomic(r.card, { objs: [9999, c], counts: [0, 1], props: [ptr], values: [addr] })).toBe('ENOENT');
    expect(cell[0]).toBe(77);
  });
});

