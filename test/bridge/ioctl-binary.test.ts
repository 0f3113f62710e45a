/** src/uapi/ioctl-binary.ts: ioctl structs ⇄ x86_64 bytes, as the bridge marshals them. */
import { describe, expect, it } from 'vitest';
import { IOCTLS, type IoctlName } from '../../src/uapi/ioctl.js';
import { LAYOUTS } from '../../src/uapi/ioctl-layout.js';
import { decodeIoctlStruct, encodeIoctlStruct, ioctlStructSize } from '../../src/uapi/ioctl-binary.js';

describe('ioctl-binary', () => {
  it('layout sizes equal the sizes in the request numbers', () => {
    for (const [name, d] of Object.entries(IOCTLS)) expect(ioctlStructSize(name as IoctlName), name).toBe(d.size);
  });

  it('every struct round-trips its bytes exactly (padding is no field and stays zero)', () => {
    const KIND_SIZE: Record<string, number> = { u32: 4, s32: 4, u64: 8, s64: 8, usize: 8, ptr: 8, str32: 32, mode: 68, u32x4: 16, u64x4: 32 };
    for (const name of Object.keys(LAYOUTS) as IoctlName[]) {
      const size = ioctlStructSize(name);
      const bytes = Uint8Array.from({ length: size }, (_, i) => (i * 37 + 11) & 0xff);
      const inField = new Uint8Array(size);
      for (const f of LAYOUTS[name].fields) {
        inField.fill(1, f.offset, f.offset + KIND_SIZE[f.kind]!);
        // str32 and mode names: printable with a NUL inside, so the decoded string re-encodes to the same bytes
        if (f.kind === 'str32') { bytes.fill(0x41, f.offset, f.offset + 31); bytes[f.offset + 31] = 0; }
        if (f.kind === 'mode') { bytes.fill(0x42, f.offset + 36, f.offset + 67); bytes[f.offset + 67] = 0; }
      }
      const out = encodeIoctlStruct(name, decodeIoctlStruct(name, bytes), new Uint8Array(size));
      expect([...out], name).toEqual([...bytes].map((b, i) => (inField[i] ? b : 0)));
    }
  });

  it('a short argument block decodes as zero-filled (uapi 0.3)', () => {
    const s = decodeIoctlStruct('GET_CAP', Uint8Array.of(0x10, 0, 0, 0));
    expect(s).toEqual({ capability: 0x10n, value: 0n });
  });

  it('pointer fields are addresses; fields typed as the kernel has them', () => {
    const b = new Uint8Array(64);
    const v = new DataView(b.buffer);
    v.setBigUint64(0, 0x7ffd12345678n, true); // fb_id_ptr
    v.setUint32(32, 3, true); // count_fbs
    v.setUint32(52, 0xffffffff, true); // max_width
    const s = decodeIoctlStruct('MODE_GETRESOURCES', b);
    expect(s.fb_id_ptr).toBe(0x7ffd12345678n);
    expect(s.count_fbs).toBe(3);
    expect(s.max_width).toBe(0xffffffff);
    const w = decodeIoctlStruct('WAIT_VBLANK', Uint8Array.from([1, 0, 0, 0, 5, 0, 0, 0, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff]));
    expect(w.signal).toBe(0xffffffffffffffffn);
    expect(w.tval_sec).toBe(-1n); // the reply view of the same union bytes
  });

  it('with the decoded input, only changed fields are written back', () => {
    const bytes = new Uint8Array(64);
    bytes.fill(0xee, 48, 64); // name bytes past the NUL the caller left there
    const before = decodeIoctlStruct('MODE_GETPROPERTY', bytes);
    const arg = decodeIoctlStruct('MODE_GETPROPERTY', bytes);
    arg.count_values = 2;
    const out = encodeIoctlStruct('MODE_GETPROPERTY', arg, bytes.slice(), before);
    expect(new DataView(out.buffer).getUint32(56, true)).toBe(2);
    expect([...out.subarray(48, 56)]).toEqual(Array(8).fill(0xee)); // untouched
    // WAIT_VBLANK: the reply fields overlay the request's `signal`
    const wb = new Uint8Array(24);
    const wBefore = decodeIoctlStruct('WAIT_VBLANK', wb);
    const w = decodeIoctlStruct('WAIT_VBLANK', wb);
    w.tval_sec = 7; w.tval_usec = 8;
    const wo = encodeIoctlStruct('WAIT_VBLANK', w, wb, wBefore);
    const dv = new DataView(wo.buffer);
    expect([dv.getBigInt64(8, true), dv.getBigInt64(16, true)]).toEqual([7n, 8n]);
  });

  it('values are converted like C assignments', () => {
    const out = encodeIoctlStruct('MODE_CURSOR', { flags: 1, crtc_id: 2, x: -1, y: 2 ** 32 + 5, width: -1, height: 0, handle: 0 }, new Uint8Array(28));
    const v = new DataView(out.buffer);
    expect([v.getInt32(8, true), v.getInt32(12, true), v.getUint32(16, true)]).toEqual([-1, 5, 0xffffffff]);
    expect(() => encodeIoctlStruct('MODE_CURSOR', {}, new Uint8Array(4))).toThrow(RangeError);
  });
});
