/** struct drm_mode_modeinfo ⇄ its 68 bytes (MODE_ID blobs, GETCONNECTOR's modes array). */
import { MODEINFO_SIZE } from './drm-mode.js';
import type { ModeInfo } from './ioctl-structs.js';

/** struct drm_mode_modeinfo → 68 bytes (MODE_ID blobs, GETCONNECTOR modes array). */
export function encodeModeInfo(m: ModeInfo, out = new Uint8Array(MODEINFO_SIZE), off = 0): Uint8Array {
  const v = new DataView(out.buffer, out.byteOffset + off, MODEINFO_SIZE);
  v.setUint32(0, m.clock >>> 0, true);
  const h = [m.hdisplay, m.hsync_start, m.hsync_end, m.htotal, m.hskew, m.vdisplay, m.vsync_start, m.vsync_end, m.vtotal, m.vscan];
  h.forEach((x, i) => v.setUint16(4 + 2 * i, x & 0xffff, true));
  v.setUint32(24, m.vrefresh >>> 0, true);
  v.setUint32(28, m.flags >>> 0, true);
  v.setUint32(32, m.type >>> 0, true);
  for (let i = 0; i < 32; i++) v.setUint8(36 + i, i < m.name.length && i < 31 ? m.name.charCodeAt(i) & 0xff : 0);
  return out;
}

export function decodeModeInfo(b: Uint8Array, off = 0): ModeInfo {
  const v = new DataView(b.buffer, b.byteOffset + off, MODEINFO_SIZE);
  const u16 = (i: number) => v.getUint16(4 + 2 * i, true);
  let name = '';
  for (let i = 0; i < 32; i++) {
    const c = v.getUint8(36 + i);
    if (c === 0) break;
    name += String.fromCharCode(c);
  }
  return {
    clock: v.getUint32(0, true), hdisplay: u16(0), hsync_start: u16(1), hsync_end: u16(2), htotal: u16(3), hskew: u16(4),
    vdisplay: u16(5), vsync_start: u16(6), vsync_end: u16(7), vtotal: u16(8), vscan: u16(9),
    vrefresh: v.getUint32(24, true), flags: v.getUint32(28, true), type: v.getUint32(32, true), name,
  };
}

