/** Ioctl framing: unplug, unknown ioctls, zero-filled short structs, copy-back on failure (uapi 0.1–0.4). */
import { describe, expect, it } from 'vitest';
import { Cap, ClientCap } from '../../src/uapi/drm-mode.js';
import { DrmError } from '../../src/uapi/errno.js';
import type { IoctlArgs, IoctlName } from '../../src/uapi/ioctl.js';
import { IOCTLS, ioctlByNr } from '../../src/uapi/ioctl.js';
import { createTestDevice } from './test-driver.js';
import { expectErrno } from './helpers.js';

describe('uapi 0.1: unplugged device', () => {
  it('answers ENODEV to every ioctl on open files, before decoding the ioctl', async () => {
    // uapi 0.1
    const t = await createTestDevice();
    const master = t.open();
    const other = t.open();
    expect(master.getVersion().name).toBe('testdrm');
    await t.unbind();
    expectErrno(() => master.fd.ioctl('VERSION', {}), 'ENODEV');
    expectErrno(() => master.fd.ioctl('MODE_GETRESOURCES', {}), 'ENODEV');
    expectErrno(() => master.fd.ioctl('GET_CAP', { capability: BigInt(Cap.DUMB_BUFFER) }), 'ENODEV');
    // even an unknown ioctl, or an argument the handler would reject, gives ENODEV
    expectErrno(() => master.fd.ioctl('NOT_AN_IOCTL' as IoctlName, {}), 'ENODEV');
    expectErrno(() => master.fd.ioctl('SET_CLIENT_CAP', { capability: 0x7777n, value: 9n }), 'ENODEV');
    // and a permission failure is not reached: ENODEV, not EACCES (uapi 0.1 before 0.5)
    expectErrno(() => other.fd.ioctl('SET_VERSION', { drm_di_major: -1, drm_dd_major: -1 }), 'ENODEV');
    expectErrno(() => other.fd.ioctl('MODE_GETCONNECTOR', { connector_id: t.connector.id }), 'ENODEV');
    // a new open() fails too (uapi 7.2) and closing still works (uapi 7.4)
    expectErrno(() => t.device.open(), 'ENODEV');
    master.close();
    other.close();
    expect(master.fd.closed).toBe(true);
  });
});

describe('uapi 0.2: unknown ioctls', () => {
  it('answers EINVAL to an ioctl name the core table does not have', async () => {
    // uapi 0.2: a core nr beyond the table → EINVAL
    const t = await createTestDevice();
    const card = t.open();
    expectErrno(() => card.fd.ioctl('NOT_AN_IOCTL' as IoctlName, {}), 'EINVAL');
    expectErrno(() => card.fd.ioctl('MODE_FROBNICATE' as IoctlName, {}), 'EINVAL');
    // the device keeps answering normally afterwards
    expect(card.getCap(Cap.TIMESTAMP_MONOTONIC)).toBe(1n);
  });

  it('has no table entry for core numbers it does not implement', () => {
    // uapi 0.2
    expect(ioctlByNr(0xff)).toBeUndefined();
    expect(ioctlByNr(IOCTLS.MODE_GETRESOURCES.nr)?.name).toBe('MODE_GETRESOURCES');
    expect(IOCTLS.MODE_GETRESOURCES.nr).toBe(0xa0);
    expect(IOCTLS.MODE_GETPROPBLOB.nr).toBe(0xac);
    expect(IOCTLS.MODE_CREATEPROPBLOB.nr).toBe(0xbd);
  });

  it('tags errors with the ioctl name', async () => {
    // uapi 0 (errors carry the errno and the ioctl, DESIGN.md §6); 2.1 for the errno itself
    const t = await createTestDevice();
    const card = t.open();
    let err: unknown;
    try { card.fd.ioctl('MODE_GETPROPERTY', { prop_id: 9999 }); } catch (e) { err = e; }
    expect(err).toBeInstanceOf(DrmError);
    expect((err as DrmError).code).toBe('ENOENT');
    expect((err as DrmError).errno).toBe(2);
    expect((err as DrmError).ioctl).toBe('DRM_IOCTL_MODE_GETPROPERTY');
  });
});

describe('uapi 0.3: short structs are zero-filled', () => {
  it('treats missing fields as 0 (NULL pointers, zero counts)', async () => {
    // uapi 0.3
    const t = await createTestDevice();
    const card = t.open();
    const res: Partial<IoctlArgs['MODE_GETRESOURCES']> = {};
    card.fd.ioctl('MODE_GETRESOURCES', res); // counts 0 ⇒ nothing copied, no EFAULT on the NULL pointers
    expect(res.count_crtcs).toBe(1);
    expect(res.count_connectors).toBe(1);
    expect(res.count_encoders).toBe(2);
    expect(res.count_fbs).toBe(0);

    // SET_CLIENT_CAP without a value: value 0 ⇒ accepted (and turns the cap off)
    card.setClientCap(ClientCap.UNIVERSAL_PLANES, 1);
    card.fd.ioctl('SET_CLIENT_CAP', { capability: BigInt(ClientCap.UNIVERSAL_PLANES) });
    expect(card.getPlaneResources()).toEqual([t.overlay!.id]);

    // GETCRTC on a disabled CRTC leaves `mode` alone: the zero-filled one comes back
    const crtc: Partial<IoctlArgs['MODE_GETCRTC']> = { crtc_id: t.crtc.id };
    card.fd.ioctl('MODE_GETCRTC', crtc);
    expect(crtc.mode_valid).toBe(0);
    expect(crtc.mode).toEqual({
      clock: 0, hdisplay: 0, hsync_start: 0, hsync_end: 0, htotal: 0, hskew: 0, vdisplay: 0,
      vsync_start: 0, vsync_end: 0, vtotal: 0, vscan: 0, vrefresh: 0, flags: 0, type: 0, name: '',
    });
    expect(crtc.count_connectors).toBe(0);
  });

  it('converts passed values like a C assignment to the field type', async () => {
    // uapi 0.3: the kernel sees the bits of the C field; -1 in a __u32 count is 0xffffffff
    const t = await createTestDevice();
    const card = t.open();
    const res: Partial<IoctlArgs['MODE_GETRESOURCES']> = { count_encoders: -1 };
    expectErrno(() => card.fd.ioctl('MODE_GETRESOURCES', res), 'EFAULT'); // huge count, NULL pointer
    expect(res.count_encoders).toBe(-1 >>> 0); // handler failed before setting it: copied back as the kernel saw it
    // a u64 value of -1 is 0xffffffffffffffff ⇒ > 1 ⇒ EINVAL (uapi 1.11)
    expectErrno(() => card.fd.ioctl('SET_CLIENT_CAP', { capability: 1n, value: -1n }), 'EINVAL');
  });
});

describe('uapi 0.4: output copied back on failure', () => {
  it('GET_CAP zeroes value even when the capability is unknown', async () => {
    // uapi 0.4 + 1.16: drm_getcap sets value = 0 first
    const t = await createTestDevice();
    const card = t.open();
    const a: Partial<IoctlArgs['GET_CAP']> = { capability: 0x7fn, value: 123n };
    expectErrno(() => card.fd.ioctl('GET_CAP', a), 'EINVAL');
    expect(a.value).toBe(0n);
  });

  it('GETRESOURCES keeps the counts it already set when a later copy faults', async () => {
    // uapi 0.4 + 1.18
    const t = await createTestDevice();
    const card = t.open();
    const crtcs = new Uint32Array(1);
    const a: Partial<IoctlArgs['MODE_GETRESOURCES']> = { count_fbs: 5, count_crtcs: 1, crtc_id_ptr: crtcs, count_encoders: 1, encoder_id_ptr: 0n, count_connectors: 9 };
    expectErrno(() => card.fd.ioctl('MODE_GETRESOURCES', a), 'EFAULT');
    expect(a.count_fbs).toBe(0);
    expect(a.min_width).toBe(10);
    expect(a.max_height).toBe(8192);
    expect(a.count_crtcs).toBe(1);
    expect(crtcs[0]).toBe(t.crtc.id);
    expect(a.count_encoders).toBe(1); // not updated: the fault came first
    expect(a.count_connectors).toBe(9); // never reached
  });

  it('SET_VERSION reports the supported versions even when it fails', async () => {
    // uapi 0.4: drm_setversion fills the struct at "done:" on every path
    const t = await createTestDevice();
    const master = t.open();
    const a: Partial<IoctlArgs['SET_VERSION']> = { drm_di_major: 2, drm_di_minor: 0, drm_dd_major: -1, drm_dd_minor: -1 };
    expectErrno(() => master.fd.ioctl('SET_VERSION', a), 'EINVAL');
    expect(a).toEqual({ drm_di_major: 1, drm_di_minor: 4, drm_dd_major: 1, drm_dd_minor: 2 });
    const b: Partial<IoctlArgs['SET_VERSION']> = { drm_di_major: -1, drm_di_minor: 0, drm_dd_major: 1, drm_dd_minor: 3 };
    expectErrno(() => master.fd.ioctl('SET_VERSION', b), 'EINVAL'); // driver minor 3 > 2
    expect(b).toEqual({ drm_di_major: 1, drm_di_minor: 4, drm_dd_major: 1, drm_dd_minor: 2 });
  });

  it('GETCONNECTOR keeps what it filled in before the property copy faults', async () => {
    // uapi 0.4 + 1.24: props are copied last; the other outputs are already set
    const t = await createTestDevice();
    const card = t.open();
    const a: Partial<IoctlArgs['MODE_GETCONNECTOR']> = { connector_id: t.connector.id, count_encoders: 0, count_props: 1, props_ptr: 0n, prop_values_ptr: 0n };
    expectErrno(() => card.fd.ioctl('MODE_GETCONNECTOR', a), 'EFAULT');
    expect(a.count_encoders).toBe(1);
    expect(a.connector_type).toBe(15);
    expect(a.connector_type_id).toBe(1);
    expect(a.connection).toBe(1); // the master's probe ran: connected
    expect(a.count_modes).toBe(3);
    expect(a.count_props).toBe(1); // not updated: the fault came first
  });
});
