/**
 * The view of a framebuffer's memory that the io helpers draw into and read from.
 *
 * It mirrors what ADDFB2 describes: a fourcc, a size, and per format plane a pitch, an offset
 * and the buffer (GEM object) memory that the plane lives in. `data[i]` spans the WHOLE buffer
 * of plane i (several planes may share one Uint8Array); plane i starts at `offsets[i]`.
 */
import type { ComposeFb } from '../compose/index.js';
import { formatInfo, fourccString, minPitch, planeHeight, planeWidth, type FormatInfo } from '../uapi/fourcc.js';

/** The compositor's framebuffer description: the same shape serves both layers. */
export type FramebufferView = ComposeFb;

/** A short printable name for a fourcc: `XR24 (0x34325258)`. */
export function formatName(format: number): string {
  const info = formatInfo(format);
  const hex = '0x' + (format >>> 0).toString(16).padStart(8, '0');
  return info ? `${info.name} (${hex})` : `${JSON.stringify(fourccString(format >>> 0))} (${hex})`;
}

function checkDim(what: string, field: string, v: unknown): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v <= 0) {
    throw new RangeError(`${what}: ${field}=${String(v)} must be a positive integer`);
  }
  return v;
}

/**
 * Checks a framebuffer view: known format, positive size, one pitch/offset/data per format plane,
 * pitches large enough for the width, and every plane inside its buffer. Returns the format info.
 * `what` names the caller in the error messages.
 */
export function checkFramebuffer(fb: FramebufferView, what: string): FormatInfo {
  if (fb === null || typeof fb !== 'object') throw new TypeError(`${what}: framebuffer must be an object`);
  const info = formatInfo(fb.format);
  if (!info) throw new RangeError(`${what}: format ${formatName(fb.format)} is not a known DRM format`);
  const width = checkDim(what, 'width', fb.width);
  const height = checkDim(what, 'height', fb.height);
  for (const key of ['pitches', 'offsets', 'data'] as const) {
    const arr = fb[key];
    if (!Array.isArray(arr) || arr.length < info.numPlanes) {
      throw new RangeError(
        `${what}: ${key} must have ${info.numPlanes} entr${info.numPlanes === 1 ? 'y' : 'ies'} for ${info.name}, got ${Array.isArray(arr) ? arr.length : typeof arr}`,
      );
    }
  }
  for (let i = 0; i < info.numPlanes; i++) {
    const pitch = fb.pitches[i];
    const offset = fb.offsets[i];
    const data = fb.data[i];
    if (typeof pitch !== 'number' || !Number.isInteger(pitch) || pitch <= 0) {
      throw new RangeError(`${what}: pitches[${i}]=${String(pitch)} must be a positive integer`);
    }
    if (typeof offset !== 'number' || !Number.isInteger(offset) || offset < 0) {
      throw new RangeError(`${what}: offsets[${i}]=${String(offset)} must be a non-negative integer`);
    }
    if (!(data instanceof Uint8Array)) throw new TypeError(`${what}: data[${i}] must be a Uint8Array`);
    const need = minPitch(info, i, planeWidth(info, width, i));
    if (pitch < need) {
      const cpp = info.charPerBlock[i];
      const w = i === 0 || info.hsub === 1 ? 'width' : `ceil(width/${info.hsub})`;
      throw new RangeError(`${what}: pitches[${i}]=${pitch} is smaller than ${cpp}*${w}=${need}`);
    }
    const rows = planeHeight(info, height, i);
    const end = offset + pitch * (rows - 1) + need;
    if (end > data.length) {
      throw new RangeError(
        `${what}: plane ${i} needs bytes up to ${end} (offsets[${i}]=${offset} + pitches[${i}]=${pitch}*${rows - 1} + ${need}) but data[${i}] has ${data.length}`,
      );
    }
  }
  return info;
}

/** Allocates a tightly packed framebuffer (one buffer per plane, pitch = minimum pitch) — handy for tests. */
export function allocFramebuffer(format: number, width: number, height: number): FramebufferView {
  const info = formatInfo(format);
  if (!info) throw new RangeError(`allocFramebuffer: format ${formatName(format)} is not a known DRM format`);
  checkDim('allocFramebuffer', 'width', width);
  checkDim('allocFramebuffer', 'height', height);
  const pitches: number[] = [];
  const offsets: number[] = [];
  const data: Uint8Array[] = [];
  for (let i = 0; i < info.numPlanes; i++) {
    const pitch = minPitch(info, i, planeWidth(info, width, i));
    pitches.push(pitch);
    offsets.push(0);
    data.push(new Uint8Array(pitch * planeHeight(info, height, i)));
  }
  return { format, width, height, pitches, offsets, data };
}
