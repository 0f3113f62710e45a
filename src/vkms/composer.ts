/**
 * VKMS's composer glue (≈ vkms_composer.c vkms_composer_worker, vkms_crtc.c vblank handler):
 * compose on a vblank only while someone consumes frames (CRC source "auto", a queued writeback
 * job, a frame sink); one CRC entry per frame, the same CRC repeated for frames the composer
 * missed; writeback completion after the frame is written.
 */
import { Composer, type ColorOp, type ComposeFrame, type ComposePlane } from '../compose/index.js';
import { signalWritebackCompletion, writebackQueue, type Blob, type Colorop, type Crtc, type DrmDevice } from '../drm/driver/index.js';
import { ColoropCurve1d, ColoropType } from '../uapi/drm-mode.js';
import type { VkmsCrtcState } from './crtc.js';
import type { VkmsData, VkmsFrame, VkmsOutput } from './types.js';

const BLEND = ['premultiplied', 'coverage', 'none'] as const;

const ctmCache = new WeakMap<Blob, bigint[]>();
/** A drm_color_ctm_3x4 blob as its 12 u64 (S31.32 sign-magnitude, little-endian). */
function ctmOf(blob: Blob): bigint[] {
  let m = ctmCache.get(blob);
  if (!m) {
    const v = new DataView(blob.data.buffer, blob.data.byteOffset, blob.data.byteLength);
    m = Array.from({ length: 12 }, (_, i) => v.getBigUint64(i * 8, true));
    ctmCache.set(blob, m);
  }
  return m;
}

/**
 * pre_blend_color_transform's view of a plane's COLOR_PIPELINE (vkms_composer.c apply_colorop):
 * the ops after `first` along NEXT whose current state is not in bypass. A curve other than the
 * two sRGB ones does nothing (VKMS warns), a matrix without DATA does nothing, other op types
 * have no VKMS code. Null when nothing is left.
 */
function activeColorOps(first: Colorop | null | undefined): ColorOp[] | null {
  const ops: ColorOp[] = [];
  for (let op = first ?? null, n = 0; op && n < 1024; op = op.next, n++) {
    const s = op.state;
    if (s.bypass) continue;
    if (op.type === ColoropType.CURVE_1D) {
      if (s.curve_1d_type === ColoropCurve1d.SRGB_EOTF) ops.push({ type: '1d-curve', curve: 'srgb-eotf' });
      else if (s.curve_1d_type === ColoropCurve1d.SRGB_INV_EOTF) ops.push({ type: '1d-curve', curve: 'srgb-inv-eotf' });
    } else if (op.type === ColoropType.CTM_3X4 && s.data) ops.push({ type: 'ctm-3x4', matrix: ctmOf(s.data) });
  }
  return ops.length ? ops : null;
}

export function createOutput(crtc: Crtc): VkmsOutput {
  return {
    crtc, composer: new Composer(), writeback: null, crcSource: null, crcEntries: [], crcListeners: new Set(), sinks: new Set(),
    composed: 0, frameStart: 0n, frameEnd: 0n, crcPending: false, frameBuf: null, wbSinks: new Set(),
  };
}

/** composer_enabled: CRC, writeback or a frame sink wants frames. */
export function composerEnabled(out: VkmsOutput): boolean {
  return out.crcSource === 'auto' || out.sinks.size > 0 || (out.writeback !== null && writebackQueue(out.writeback).length > 0);
}

/** The frame the CRTC's current state describes (the flushed composer_state). */
export function buildFrame(crtc: Crtc): ComposeFrame | null {
  const cs = crtc.state;
  if (!cs.enable || !cs.active) return null;
  const planes: ComposePlane[] = [];
  for (const p of (cs.priv as VkmsCrtcState | undefined)?.activePlanes ?? []) {
    const ps = p.state;
    const fb = ps.fb;
    if (!fb || !ps.visible) continue;
    const colorPipeline = ps.color_pipeline ? activeColorOps(ps.color_pipeline) : null;
    planes.push({
      fb: { format: fb.format.format, width: fb.width, height: fb.height, pitches: fb.pitches, offsets: fb.offsets, data: fb.objs.map((o) => o!.bytes) },
      src: ps.src, dst: ps.dst, rotation: ps.rotation, colorEncoding: ps.color_encoding, colorRange: ps.color_range,
      ...(p.optProps.alpha ? { alpha: ps.alpha } : {}),
      ...(p.optProps['pixel blend mode'] ? { blendMode: BLEND[ps.pixel_blend_mode] ?? 'premultiplied' } : {}),
      ...(ps.src_w >>> 16 !== ps.crtc_w || ps.src_h >>> 16 !== ps.crtc_h ? { scalingFilter: 'nearest' as const } : {}),
      ...(colorPipeline ? { colorPipeline } : {}),
    });
  }
  const lut = cs.gamma_lut ? new Uint16Array(cs.gamma_lut.data.buffer, cs.gamma_lut.data.byteOffset, cs.gamma_lut.data.byteLength >> 1) : null;
  return {
    width: cs.mode.hdisplay, height: cs.mode.vdisplay, planes, gammaLut: lut,
    background: crtc.optProps.BACKGROUND_COLOR ? cs.background_color : null,
  };
}

/** The vblank handler: note the frame, then run the composer work (synchronously, in order). */
export function composerVblank(dev: DrmDevice, data: VkmsData, crtc: Crtc, count: bigint, timeNs: bigint): void {
  const out = data.outputs.get(crtc);
  if (!out || !composerEnabled(out)) return;
  if (!out.crcPending) out.frameStart = count;
  out.frameEnd = count;
  out.crcPending = true;
  composerWork(dev, out, count, timeNs);
}

function composerWork(dev: DrmDevice, out: VkmsOutput, count: bigint, timeNs: bigint): void {
  const start = out.frameStart, end = out.frameEnd;
  out.crcPending = false;
  const frame = buildFrame(out.crtc);
  if (!frame) return;
  const job = out.writeback ? writebackQueue(out.writeback)[0] : undefined;
  const w = frame.width, h = frame.height;
  let pixels: Uint16Array | null = null;
  if (out.sinks.size > 0) {
    if (!out.frameBuf || out.frameBuf.length !== w * h * 4) out.frameBuf = new Uint16Array(w * h * 4);
    pixels = out.frameBuf;
  }
  const r = out.composer.compose(frame, {
    crc: out.crcSource === 'auto' || out.sinks.size > 0,
    writeback: job ? { format: job.fb.format.format, data: job.fb.objs[0]!.bytes, pitch: job.fb.pitches[0]!, offset: job.fb.offsets[0]!, width: w, height: h } : null,
    lineSink: pixels ? (y, line) => pixels!.set(line.subarray(0, w * 4), y * w * 4) : null,
  });
  out.composed++;
  // the same CRC for every frame since the last run (vkms_composer_worker)
  if (out.crcSource === 'auto') {
    for (let f = start; f <= end; f++) out.crcEntries.push({ frame: f, crc: r.crc });
    for (const l of [...out.crcListeners]) l();
  }
  if (job && out.writeback) {
    for (const s of [...out.wbSinks]) {
      const fb = job.fb;
      s({ crtcId: out.crtc.id, sequence: count, timeNs, crc: r.crc, fb: { format: fb.format.format, width: fb.width, height: fb.height, pitches: fb.pitches, offsets: fb.offsets, data: fb.objs.map((o) => o!.bytes) } });
    }
    signalWritebackCompletion(dev, out.writeback, timeNs);
  }
  if (pixels) {
    const f: VkmsFrame = { crtcId: out.crtc.id, sequence: count, timeNs, crc: r.crc, width: w, height: h, pixels };
    for (const s of [...out.sinks]) s(f);
  }
}

/** Compose the CRTC's current state now, outside vblank (PNG dumps, the CLI). */
export function composeNow(out: VkmsOutput): VkmsFrame | null {
  const frame = buildFrame(out.crtc);
  if (!frame) return null;
  const w = frame.width, h = frame.height;
  const pixels = new Uint16Array(w * h * 4);
  const r = new Composer().compose(frame, { crc: true, lineSink: (y, line) => pixels.set(line.subarray(0, w * 4), y * w * 4) });
  return { crtcId: out.crtc.id, sequence: -1n, timeNs: 0n, crc: r.crc, width: w, height: h, pixels };
}
