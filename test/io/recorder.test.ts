import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { AtomicFlag, AtomicRequest, decodePng, FrameRecorder, Fourcc } from '../../src/index.js';
import { createTestOutput } from '../../src/testing/vkms.js';

describe('FrameRecorder', () => {
  it('writes numbered PNGs and a JSON-lines log of every composed frame', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'vkms-rec-'));
    const out = await createTestOutput();
    out.vkms.debugfs.setCrcSource(out.crtc, 'auto');
    await out.light();
    const rec = new FrameRecorder(dir, { maxQueue: 64 });
    const stop = out.vkms.onFrame(out.crtc, rec.sink);
    out.vblank(3);
    stop();
    const report = await rec.close();
    expect(report).toMatchObject({ written: 3, dropped: 0 });
    const log = readFileSync(report.log, 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    const crcs = out.vkms.debugfs.readCrc(out.crtc).slice(-3);
    // one line per frame: consecutive vblank sequences, the pipe CRC of that frame
    expect(log.map((l) => l.frame)).toEqual([0, 1, 2]);
    expect(log.map((l) => BigInt(l.sequence))).toEqual(crcs.map((c) => c.frame));
    expect(log.map((l) => l.crc)).toEqual(crcs.map((c) => `0x${c.crc.toString(16).padStart(8, '0')}`));
    const png = decodePng(readFileSync(join(dir, log[0].file)));
    expect([png.width, png.height]).toEqual([1024, 768]);
    // SMPTE grey at the top left (conventions.md §3)
    expect(Array.from(png.data.subarray(0, 4))).toEqual([192, 192, 192, 255]);
    await out.dispose();
  });

  it('drops frames when the queue is full and reports them', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'vkms-rec-'));
    const out = await createTestOutput();
    await out.light();
    const rec = new FrameRecorder(dir, { maxQueue: 2 });
    out.vkms.onFrame(out.crtc, rec.sink);
    out.vblank(5); // synchronous: nothing was written yet, so frames 3..5 do not fit
    const report = await rec.close();
    expect(report.written).toBe(2);
    expect(report.dropped).toBe(3);
    expect(readdirSync(dir).filter((f) => f.endsWith('.png'))).toHaveLength(2);
    await out.dispose();
  });

  it('records writeback jobs from the written framebuffer', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'vkms-rec-'));
    const out = await createTestOutput();
    await out.light();
    const rec = new FrameRecorder(dir, { prefix: 'wb' });
    out.vkms.onWriteback(out.crtc, rec.writebackSink);
    const wbFb = out.createFb(1024, 768, Fourcc.XRGB8888);
    await out.card.atomicCommit(new AtomicRequest().add(out.writeback!, 'CRTC_ID', out.crtc).add(out.writeback!, 'WRITEBACK_FB_ID', wbFb.id), AtomicFlag.ALLOW_MODESET);
    out.vblank(1);
    const report = await rec.close();
    expect(report.written).toBe(1);
    const png = decodePng(readFileSync(join(dir, 'wb-00000.png')));
    expect(Array.from(png.data.subarray(0, 4))).toEqual([192, 192, 192, 255]);
    await out.dispose();
  });
});
