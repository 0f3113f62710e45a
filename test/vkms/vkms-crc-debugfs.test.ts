/**
 * The CRC debugfs interface (vkms-semantics §1.6, §2.1, §2.9): source "auto" only, one entry per
 * vblank with the CRC of the composed frame (computed here independently for solid frames), the
 * same CRC while nothing changes, a new one after a flip, NULL/"none" stops; and composition runs
 * only while a CRC source, a writeback job or a frame sink wants frames.
 */
import { describe, expect, it } from 'vitest';
import type { Card } from '../../src/client/index.js';
import { DrmError, Fourcc, VBlank } from '../../src/uapi/index.js';
import type { VkmsDevice } from '../../src/vkms/index.js';
import { addPlane, AtomicFlag, AtomicRequest, createFb, findMode, modesetReq, openVkms, Picture, put8888, type Fb } from './helpers.js';

const W = 640, H = 480;

async function lit() {
  const o = await openVkms({ profile: 'latest' });
  const { vk, card } = o;
  const crtc = vk.ids.crtcs.crtc0!, conn = vk.ids.connectors.connector0!;
  const mode = findMode(card, conn, W, H);
  const solid = (r: number, g: number, b: number): Fb => {
    const fb = createFb(card, W, H, Fourcc.XRGB8888);
    for (let y = 0; y < H; y++) for (let x = 0; x < W; x++) put8888(fb, x, y, 0xff, r, g, b);
    return fb;
  };
  const red = solid(0xff, 0, 0), blue = solid(0, 0, 0xff);
  card.atomicCommitSync(addPlane(modesetReq(card, crtc, conn, mode), crtc, { plane: vk.ids.planes.primary!, fb: red }), AtomicFlag.ALLOW_MODESET);
  const out = vk.data.outputs.get(vk.data.crtcs.get('crtc0')!)!;
  return { ...o, crtc, conn, mode, red, blue, out };
}

/** §2.9, computed here: a solid 8-bit colour over the whole frame. */
function solidCrc(r: number, g: number, b: number): number {
  const p = new Picture(W, H);
  for (let y = 0; y < H; y++) for (let x = 0; x < W; x++) p.set(x, y, r * 257, g * 257, b * 257);
  return p.crc();
}

/** The CRTC's vblank counter, through WAIT_VBLANK (relative 0). */
function vblankCount(card: Card): number {
  const a = { type: VBlank.RELATIVE, sequence: 0, signal: 0n, tval_sec: 0, tval_usec: 0 };
  card.ioctl('WAIT_VBLANK', a);
  return a.sequence;
}

const flip = (vk: VkmsDevice, card: Card, fb: Fb) => card.atomicCommitSync(new AtomicRequest().add(vk.ids.planes.primary!, 'FB_ID', fb.id));

describe('CRC source "auto"', () => {
  it('one entry per vblank; the same CRC while nothing changes; another after a flip; the values are the frame CRCs', async () => {
    const { vk, card, red, blue } = await lit();
    const RED = solidCrc(0xff, 0, 0), BLUE = solidCrc(0, 0, 0xff);
    expect(RED).not.toBe(BLUE);
    expect(vk.debugfs.readCrc('crtc0')).toEqual([]);
    vk.vblank('crtc0', 2);
    expect(vk.debugfs.readCrc('crtc0')).toEqual([]);
    vk.debugfs.setCrcSource('crtc0', 'auto');
    vk.vblank('crtc0', 3);
    const first = vk.debugfs.readCrc('crtc0');
    expect(first).toHaveLength(3);
    expect(first.map((e) => e.crc)).toEqual([RED, RED, RED]);
    // frame numbers follow the vblank counter
    const now = vblankCount(card);
    expect(first.map((e) => Number(e.frame))).toEqual([now - 2, now - 1, now]);
    // reading drains the queue
    expect(vk.debugfs.readCrc('crtc0')).toEqual([]);
    // a blocking flip returns after its vblank (the manual clock advances while it waits): that
    // frame and every later one is blue, one entry per frame
    flip(vk, card, blue);
    vk.vblank('crtc0', 2);
    const second = vk.debugfs.readCrc('crtc0');
    const now2 = vblankCount(card);
    expect(second.map((e) => Number(e.frame))).toEqual(Array.from({ length: now2 - now }, (_, i) => now + 1 + i));
    expect(second.length).toBeGreaterThanOrEqual(2);
    expect(new Set(second.map((e) => e.crc))).toEqual(new Set([BLUE]));
    // a nonblocking flip: the next vblank shows it
    card.atomicCommitSync(new AtomicRequest().add(vk.ids.planes.primary!, 'FB_ID', red.id), AtomicFlag.NONBLOCK);
    vk.vblank('crtc0', 1);
    expect(vk.debugfs.readCrc('crtc0').map((e) => e.crc)).toEqual([RED]);
    await vk.unplug();
  });

  it('a frame nothing covers is the opaque black background (§2.7)', async () => {
    const { vk, card } = await lit();
    card.atomicCommitSync(new AtomicRequest().add(vk.ids.planes.primary!, 'FB_ID', 0).add(vk.ids.planes.primary!, 'CRTC_ID', 0));
    vk.debugfs.setCrcSource('crtc0', 'auto');
    vk.vblank('crtc0', 1);
    expect(vk.debugfs.readCrc('crtc0').map((e) => e.crc)).toEqual([solidCrc(0, 0, 0)]);
    await vk.unplug();
  });

  it('null and "none" stop it; other names are EINVAL and change nothing', async () => {
    const { vk, out } = await lit();
    for (const name of ['plane1', 'AUTO', 'auto ', '', 'pipe A']) {
      let err: unknown;
      try { vk.debugfs.setCrcSource('crtc0', name); } catch (e) { err = e; }
      expect({ name, code: (err as DrmError | undefined)?.code }).toEqual({ name, code: 'EINVAL' });
    }
    expect(out.crcSource).toBe(null);
    vk.debugfs.setCrcSource('crtc0', 'auto');
    expect(() => vk.debugfs.setCrcSource('crtc0', 'bogus')).toThrow(DrmError);
    vk.vblank('crtc0', 1);
    expect(vk.debugfs.readCrc('crtc0')).toHaveLength(1);
    vk.debugfs.setCrcSource('crtc0', null);
    vk.vblank('crtc0', 2);
    expect(vk.debugfs.readCrc('crtc0')).toEqual([]);
    vk.debugfs.setCrcSource('crtc0', 'auto');
    vk.vblank('crtc0', 1);
    expect(vk.debugfs.readCrc('crtc0')).toHaveLength(1);
    vk.debugfs.setCrcSource('crtc0', 'none');
    vk.vblank('crtc0', 1);
    expect(vk.debugfs.readCrc('crtc0')).toEqual([]);
    expect(() => vk.debugfs.setCrcSource('crtc9', 'auto')).toThrow();
    await vk.unplug();
  });
});

describe('composition runs only while someone wants frames (§2.1)', () => {
  it('CRC: composes once per vblank while "auto", not before, not after', async () => {
    const { vk, out } = await lit();
    vk.vblank('crtc0', 3);
    expect(out.composed).toBe(0);
    vk.debugfs.setCrcSource('crtc0', 'auto');
    vk.vblank('crtc0', 3);
    expect(out.composed).toBe(3);
    vk.debugfs.setCrcSource('crtc0', null);
    vk.vblank('crtc0', 3);
    expect(out.composed).toBe(3);
    await vk.unplug();
  });

  it('a frame sink: frames while attached, with the CRC and pixels of the frame', async () => {
    const { vk, card, out, blue } = await lit();
    const frames: { crc: number; px: number[] }[] = [];
    const off = vk.onFrame('crtc0', (f) => frames.push({ crc: f.crc, px: [...f.pixels.subarray(0, 4)] }));
    vk.vblank('crtc0', 2);
    expect(out.composed).toBe(2);
    expect(frames).toHaveLength(2);
    expect(frames[0]).toEqual({ crc: solidCrc(0xff, 0, 0), px: [0xffff, 0xffff, 0, 0] });
    card.atomicCommitSync(new AtomicRequest().add(vk.ids.planes.primary!, 'FB_ID', blue.id), AtomicFlag.NONBLOCK);
    vk.vblank('crtc0', 1);
    expect(frames[2]).toEqual({ crc: solidCrc(0, 0, 0xff), px: [0xffff, 0, 0, 0xffff] });
    expect(out.composed).toBe(3);
    off();
    vk.vblank('crtc0', 2);
    expect(out.composed).toBe(3);
    expect(frames).toHaveLength(3);
    // no CRC entries were produced for the sink
    expect(vk.debugfs.readCrc('crtc0')).toEqual([]);
    await vk.unplug();
  });

  it('a writeback job: composed for the job, then idle again', async () => {
    const { vk, card, out } = await lit();
    const wb = vk.ids.writeback.crtc0!;
    const fb = createFb(card, W, H, Fourcc.XRGB8888);
    card.atomicCommitSync(new AtomicRequest().add(wb, 'CRTC_ID', vk.ids.crtcs.crtc0!).add(wb, 'WRITEBACK_FB_ID', fb.id), AtomicFlag.ALLOW_MODESET);
    expect(out.composed).toBe(0);
    vk.vblank('crtc0', 1);
    expect(out.composed).toBe(1);
    // the red frame was written back (XRGB8888: X = 0xff, §2.10)
    expect(new Uint32Array(fb.bytes.buffer, fb.bytes.byteOffset, 4)[0]).toBe(0xffff0000);
    vk.vblank('crtc0', 3);
    expect(out.composed).toBe(1);
    // a second job, a second frame
    card.atomicCommitSync(new AtomicRequest().add(wb, 'WRITEBACK_FB_ID', fb.id));
    vk.vblank('crtc0', 2);
    expect(out.composed).toBe(2);
    await vk.unplug();
  });
});
