/** DRM events as read() returns them (uapi 4.1–4.3): byte-encoded, little-endian. */
export const DrmEventType = { VBLANK: 0x01, FLIP_COMPLETE: 0x02, CRTC_SEQUENCE: 0x03 } as const;
export const DRM_EVENT_HEADER_SIZE = 8;
export const DRM_EVENT_VBLANK_SIZE = 32;
export const DRM_EVENT_CRTC_SEQUENCE_SIZE = 32;

export interface VblankEvent {
  type: 1 | 2; // VBLANK or FLIP_COMPLETE
  user_data: bigint;
  tv_sec: number;
  tv_usec: number;
  sequence: number;
  crtc_id: number;
}
export interface CrtcSequenceEvent {
  type: 3;
  user_data: bigint;
  time_ns: bigint;
  sequence: bigint;
}
/** An event of a type this project does not know: the raw bytes. */
export interface UnknownEvent { type: number; bytes: Uint8Array }
export type DrmEvent = VblankEvent | CrtcSequenceEvent | UnknownEvent;

/** struct drm_event_vblank (uapi 4.2). */
export function encodeVblankEvent(e: VblankEvent): Uint8Array {
  const b = new Uint8Array(DRM_EVENT_VBLANK_SIZE);
  const v = new DataView(b.buffer);
  v.setUint32(0, e.type, true);
  v.setUint32(4, DRM_EVENT_VBLANK_SIZE, true);
  v.setBigUint64(8, BigInt.asUintN(64, e.user_data), true);
  v.setUint32(16, e.tv_sec >>> 0, true);
  v.setUint32(20, e.tv_usec >>> 0, true);
  v.setUint32(24, e.sequence >>> 0, true);
  v.setUint32(28, e.crtc_id >>> 0, true);
  return b;
}

/** struct drm_event_crtc_sequence (uapi 4.3). */
export function encodeCrtcSequenceEvent(e: CrtcSequenceEvent): Uint8Array {
  const b = new Uint8Array(DRM_EVENT_CRTC_SEQUENCE_SIZE);
  const v = new DataView(b.buffer);
  v.setUint32(0, DrmEventType.CRTC_SEQUENCE, true);
  v.setUint32(4, DRM_EVENT_CRTC_SEQUENCE_SIZE, true);
  v.setBigUint64(8, BigInt.asUintN(64, e.user_data), true);
  v.setBigInt64(16, BigInt.asIntN(64, e.time_ns), true);
  v.setBigUint64(24, BigInt.asUintN(64, e.sequence), true);
  return b;
}

/** Split the bytes of one or more read() calls into events (drmHandleEvent's loop). */
export function decodeEvents(bytes: Uint8Array): DrmEvent[] {
  const out: DrmEvent[] = [];
  const v = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let off = 0;
  while (off + DRM_EVENT_HEADER_SIZE <= bytes.byteLength) {
    const type = v.getUint32(off, true);
    const length = v.getUint32(off + 4, true);
    if (length < DRM_EVENT_HEADER_SIZE || off + length > bytes.byteLength) break;
    if ((type === DrmEventType.VBLANK || type === DrmEventType.FLIP_COMPLETE) && length >= DRM_EVENT_VBLANK_SIZE) {
      out.push({
        type, user_data: v.getBigUint64(off + 8, true), tv_sec: v.getUint32(off + 16, true),
        tv_usec: v.getUint32(off + 20, true), sequence: v.getUint32(off + 24, true), crtc_id: v.getUint32(off + 28, true),
      });
    } else if (type === DrmEventType.CRTC_SEQUENCE && length >= DRM_EVENT_CRTC_SEQUENCE_SIZE) {
      out.push({ type, user_data: v.getBigUint64(off + 8, true), time_ns: v.getBigInt64(off + 16, true), sequence: v.getBigUint64(off + 24, true) });
    } else {
      out.push({ type, bytes: bytes.slice(off, off + length) });
    }
    off += length;
  }
  return out;
}
