/** Property blobs: CREATE/DESTROY/GETPROPBLOB and lifetime (uapi 2.48–2.51). */
import { describe, expect, it } from 'vitest';
import { blobGet, blobPut } from '../../src/drm/blob.js';
import { ClientCap, ObjectType } from '../../src/uapi/drm-mode.js';
import { Fourcc } from '../../src/uapi/fourcc.js';
import type { IoctlArgs } from '../../src/uapi/ioctl.js';
import type { LocalUserMemory } from '../../src/uapi/user-memory.js';
import { createTestDevice } from './test-driver.js';
import { expectErrno } from './helpers.js';

const bytes = (...b: number[]) => new Uint8Array(b);

describe('uapi 2.48: CREATEPROPBLOB', () => {
  it('refuses length 0 and lengths above INT_MAX - sizeof(struct drm_property_blob) with EINVAL', async () => {
    // uapi 2.48
    const t = await createTestDevice();
    const card = t.open();
    const data = new Uint8Array(16);
    expectErrno(() => card.fd.ioctl('MODE_CREATEPROPBLOB', { data, length: 0 }), 'EINVAL');
    expectErrno(() => card.fd.ioctl('MODE_CREATEPROPBLOB', { data, length: 0x7fffffff - 88 + 1 }), 'EINVAL');
    expectErrno(() => card.fd.ioctl('MODE_CREATEPROPBLOB', { data, length: 0x7fffffff }), 'EINVAL');
    expectErrno(() => card.fd.ioctl('MODE_CREATEPROPBLOB', { data, length: 0xffffffff }), 'EINVAL');
    expectErrno(() => card.fd.ioctl('MODE_CREATEPROPBLOB', { length: 0 }), 'EINVAL'); // length checked before the pointer
    expect(card.createPropertyBlob(bytes(1))).toBe(48); // nothing was allocated
  });

  it('answers EFAULT for a bad data pointer and allocates nothing', async () => {
    // uapi 2.48
    const t = await createTestDevice();
    const card = t.open();
    expectErrno(() => card.fd.ioctl('MODE_CREATEPROPBLOB', { data: 0n, length: 4 }), 'EFAULT');
    expectErrno(() => card.fd.ioctl('MODE_CREATEPROPBLOB', { data: 0xdead0000n, length: 4 }), 'EFAULT');
    expectErrno(() => card.fd.ioctl('MODE_CREATEPROPBLOB', { data: new Uint8Array(3), length: 4 }), 'EFAULT');
    expect(card.createPropertyBlob(bytes(1))).toBe(48);
  });

  it('returns a global ID, copies the data, and reads from user addresses too', async () => {
    // uapi 2.48
    const t = await createTestDevice();
    const card = t.open();
    const src = bytes(1, 2, 3, 4, 5);
    const a: Partial<IoctlArgs['MODE_CREATEPROPBLOB']> = { data: src, length: 5, blob_id: 777 };
    card.fd.ioctl('MODE_CREATEPROPBLOB', a);
    expect(a.blob_id).toBe(48);
    src[0] = 99; // the blob holds a copy
    expect([...card.getPropertyBlob(48)]).toEqual([1, 2, 3, 4, 5]);
    const mem = bytes(9, 8, 7, 6, 5, 4, 3, 2);
    const addr = (card.fd.memory as LocalUserMemory).map(mem);
    const b: Partial<IoctlArgs['MODE_CREATEPROPBLOB']> = { data: addr + 2n, length: 3 };
    card.fd.ioctl('MODE_CREATEPROPBLOB', b);
    expect([...card.getPropertyBlob(b.blob_id!)]).toEqual([7, 6, 5]);
    // the length may be anything the copy can satisfy: a 68-byte mode, a LUT, one byte
    expect(card.createPropertyBlob(new Uint8Array(68))).toBe(50);
  });

  it('the blob belongs to the creating file', async () => {
    // uapi 2.48 (+ 2.49: only the owner may destroy it)
    const t = await createTestDevice();
    const a = t.open();
    const b = t.open();
    const id = b.createPropertyBlob(bytes(1, 2));
    expectErrno(() => a.destroyPropertyBlob(id), 'EPERM');
    expect([...a.getPropertyBlob(id)]).toEqual([1, 2]);
    b.destroyPropertyBlob(id);
    expectErrno(() => a.getPropertyBlob(id), 'ENOENT');
  });
});

describe('uapi 2.49: DESTROYPROPBLOB', () => {
  it('ENOENT for unknown IDs and non-blobs', async () => {
    // uapi 2.49
    const t = await createTestDevice();
    const card = t.open();
    expectErrno(() => card.destroyPropertyBlob(0), 'ENOENT');
    expectErrno(() => card.destroyPropertyBlob(9999), 'ENOENT');
    expectErrno(() => card.destroyPropertyBlob(1), 'ENOENT'); // a property
    expectErrno(() => card.destroyPropertyBlob(t.crtc.id), 'ENOENT');
    const id = card.createPropertyBlob(bytes(1));
    card.destroyPropertyBlob(id);
    expectErrno(() => card.destroyPropertyBlob(id), 'ENOENT'); // gone
  });

  it('EPERM for kernel blobs (IN_FORMATS, WRITEBACK_PIXEL_FORMATS), even for the master', async () => {
    // uapi 2.49
    const t = await createTestDevice();
    const master = t.open();
    master.setClientCap(ClientCap.ATOMIC, 1);
    const inFormats = Number(master.findProperty(t.primary.id, ObjectType.PLANE, 'IN_FORMATS')!.value);
    const wbFormats = Number(master.findProperty(t.writeback!.id, ObjectType.CONNECTOR, 'WRITEBACK_PIXEL_FORMATS')!.value);
    expect([inFormats, wbFormats]).toEqual([33, 46]);
    expectErrno(() => master.destroyPropertyBlob(inFormats), 'EPERM');
    expectErrno(() => master.destroyPropertyBlob(wbFormats), 'EPERM');
    expect(master.getPropertyBlob(inFormats).length).toBe(64); // still there
  });

  it('EPERM for another file\'s blob, including the master destroying a client\'s blob', async () => {
    // uapi 2.49
    const t = await createTestDevice();
    const master = t.open();
    const client = t.open();
    const id = client.createPropertyBlob(bytes(5));
    expectErrno(() => master.destroyPropertyBlob(id), 'EPERM');
    const mine = master.createPropertyBlob(bytes(6));
    expectErrno(() => client.destroyPropertyBlob(mine), 'EPERM');
    client.destroyPropertyBlob(id);
    master.destroyPropertyBlob(mine);
  });
});

describe('uapi 2.50: GETPROPBLOB', () => {
  it('copies only when length matches exactly, and always reports the length', async () => {
    // uapi 2.50
    const t = await createTestDevice();
    const card = t.open();
    const id = card.createPropertyBlob(bytes(10, 20, 30, 40));
    for (const len of [0, 3, 5, 8]) {
      const buf = new Uint8Array(8).fill(0xee);
      const a: Partial<IoctlArgs['MODE_GETPROPBLOB']> = { blob_id: id, length: len, data: buf };
      card.fd.ioctl('MODE_GETPROPBLOB', a);
      expect([len, a.length, buf.every((x) => x === 0xee)]).toEqual([len, 4, true]);
    }
    const buf = new Uint8Array(6).fill(0xee);
    const a: Partial<IoctlArgs['MODE_GETPROPBLOB']> = { blob_id: id, length: 4, data: buf };
    card.fd.ioctl('MODE_GETPROPBLOB', a);
    expect([...buf]).toEqual([10, 20, 30, 40, 0xee, 0xee]);
    expect(a.length).toBe(4);
  });

  it('a length query needs no buffer; an exact length with a bad pointer faults', async () => {
    // uapi 2.50
    const t = await createTestDevice();
    const card = t.open();
    const id = card.createPropertyBlob(bytes(1, 2, 3));
    const q: Partial<IoctlArgs['MODE_GETPROPBLOB']> = { blob_id: id };
    card.fd.ioctl('MODE_GETPROPBLOB', q);
    expect(q.length).toBe(3);
    expectErrno(() => card.fd.ioctl('MODE_GETPROPBLOB', { blob_id: id, length: 3, data: 0n }), 'EFAULT');
    expectErrno(() => card.fd.ioctl('MODE_GETPROPBLOB', { blob_id: id, length: 3, data: new Uint8Array(2) }), 'EFAULT');
  });

  it('ENOENT for unknown IDs and non-blobs; any client may read any blob', async () => {
    // uapi 2.50
    const t = await createTestDevice();
    const a = t.open();
    const b = t.open();
    expectErrno(() => a.getPropertyBlob(0), 'ENOENT');
    expectErrno(() => a.getPropertyBlob(9999), 'ENOENT');
    expectErrno(() => a.getPropertyBlob(t.primary.id), 'ENOENT');
    const id = a.createPropertyBlob(bytes(4, 5, 6));
    expect([...b.getPropertyBlob(id)]).toEqual([4, 5, 6]);
    const wb = b.getPropertyBlob(46); // WRITEBACK_PIXEL_FORMATS: u32 fourccs
    const v = new DataView(wb.buffer, wb.byteOffset, wb.byteLength);
    expect([wb.length, v.getUint32(0, true), v.getUint32(4, true)]).toEqual([8, Fourcc.XRGB8888, Fourcc.ARGB8888]);
  });
});

describe('uapi 2.51: blobs referenced by state outlive their destruction', () => {
  it('DESTROYPROPBLOB of a referenced blob: still readable, ID not reused until the last reference goes', async () => {
    // uapi 2.51
    const t = await createTestDevice();
    const dev = t.device.drm;
    const card = t.open();
    card.setClientCap(ClientCap.ATOMIC, 1);
    const id = card.createPropertyBlob(new Uint8Array(68).fill(3));
    expect(id).toBe(48);
    t.crtc.state.mode_blob = blobGet(dev.blob(id)!); // what a committed MODE_ID holds
    card.destroyPropertyBlob(id);
    expect(card.getPropertyBlob(id)).toEqual(new Uint8Array(68).fill(3));
    expect(t.open().getPropertyBlob(id).length).toBe(68);
    expect(card.findProperty(t.crtc.id, ObjectType.CRTC, 'MODE_ID')!.value).toBe(48n);
    expectErrno(() => card.destroyPropertyBlob(id), 'EPERM'); // no longer this file's
    expect(card.createPropertyBlob(bytes(1))).toBe(49); // 48 is still taken
    // the state lets go: the blob dies and its ID is free again
    blobPut(dev, t.crtc.state.mode_blob);
    t.crtc.state.mode_blob = null;
    expectErrno(() => card.getPropertyBlob(id), 'ENOENT');
    expect(card.createPropertyBlob(bytes(2))).toBe(48);
  });

  it('closing the creating file keeps referenced blobs alive and frees the others', async () => {
    // uapi 2.51 (drm_property_destroy_user_blobs)
    const t = await createTestDevice();
    const dev = t.device.drm;
    const reader = t.open();
    const owner = t.open();
    const kept = owner.createPropertyBlob(bytes(1, 1));
    const dropped = owner.createPropertyBlob(bytes(2, 2));
    expect([kept, dropped]).toEqual([48, 49]);
    t.primary.state.fb_damage_clips = blobGet(dev.blob(kept)!);
    owner.close();
    expect([...reader.getPropertyBlob(kept)]).toEqual([1, 1]);
    expectErrno(() => reader.getPropertyBlob(dropped), 'ENOENT');
    expect(reader.createPropertyBlob(bytes(3))).toBe(49);
    blobPut(dev, t.primary.state.fb_damage_clips);
    t.primary.state.fb_damage_clips = null;
    expectErrno(() => reader.getPropertyBlob(kept), 'ENOENT');
    expect(reader.createPropertyBlob(bytes(4))).toBe(48);
  });

  it('several references: the blob lives until the last one', async () => {
    // uapi 2.51
    const t = await createTestDevice({ crtcs: 2 });
    const dev = t.device.drm;
    const card = t.open();
    const id = card.createPropertyBlob(new Uint8Array(8 * 256));
    const blob = dev.blob(id)!;
    t.crtcs[0]!.state.gamma_lut = blobGet(blob);
    t.crtcs[1]!.state.gamma_lut = blobGet(blob);
    card.destroyPropertyBlob(id);
    blobPut(dev, t.crtcs[0]!.state.gamma_lut);
    t.crtcs[0]!.state.gamma_lut = null;
    expect(card.getPropertyBlob(id).length).toBe(2048);
    blobPut(dev, t.crtcs[1]!.state.gamma_lut);
    t.crtcs[1]!.state.gamma_lut = null;
    expectErrno(() => card.getPropertyBlob(id), 'ENOENT');
  });
});
