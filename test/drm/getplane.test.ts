/** GETPLANE (uapi 1.22, 1.23). */
import { describe, expect, it } from 'vitest';
import { ClientCap } from '../../src/uapi/drm-mode.js';
import { Fourcc } from '../../src/uapi/fourcc.js';
import type { IoctlArgs } from '../../src/uapi/ioctl.js';
import { createTestDevice, PLANE_FORMATS } from './test-driver.js';
import { expectErrno, makeFb, sentinelU32 } from './helpers.js';

const S = 0xdeadbeef;

describe('uapi 1.22: primary and cursor planes without UNIVERSAL_PLANES', () => {
  it('GETPLANE works on them anyway', async () => {
    // uapi 1.22
    const t = await createTestDevice();
    const card = t.open();
    expect(card.getPlaneResources()).toEqual([t.overlay!.id]);
    const p = card.getPlane(t.primary.id);
    expect(p).toEqual({ planeId: t.primary.id, crtcId: 0, fbId: 0, possibleCrtcs: 1, gammaSize: 0, formats: PLANE_FORMATS });
    const c = card.getPlane(t.cursor!.id);
    expect(c).toEqual({ planeId: t.cursor!.id, crtcId: 0, fbId: 0, possibleCrtcs: 1, gammaSize: 0, formats: [Fourcc.ARGB8888] });
  });
});

describe('uapi 1.23: GETPLANE fields', () => {
  it('copies the formats only when count_format_types is large enough, and always sets the count', async () => {
    // uapi 1.23
    const t = await createTestDevice();
    const card = t.open();
    const small = sentinelU32(4);
    const a: Partial<IoctlArgs['MODE_GETPLANE']> = { plane_id: t.primary.id, count_format_types: 3, format_type_ptr: small };
    card.fd.ioctl('MODE_GETPLANE', a);
    expect([...small]).toEqual([S, S, S, S]); // all or nothing: nothing
    expect(a.count_format_types).toBe(4);
    const exact = sentinelU32(5);
    const b: Partial<IoctlArgs['MODE_GETPLANE']> = { plane_id: t.primary.id, count_format_types: 5, format_type_ptr: exact };
    card.fd.ioctl('MODE_GETPLANE', b);
    expect([...exact]).toEqual([...PLANE_FORMATS, S]);
    expect(b.count_format_types).toBe(4);
    const zero: Partial<IoctlArgs['MODE_GETPLANE']> = { plane_id: t.primary.id };
    card.fd.ioctl('MODE_GETPLANE', zero);
    expect(zero.count_format_types).toBe(4);
    // a large enough count with a NULL pointer faults
    expectErrno(() => card.fd.ioctl('MODE_GETPLANE', { plane_id: t.primary.id, count_format_types: 4 }), 'EFAULT');
  });

  it('reports gamma_size 0, the plane id and possible_crtcs whatever was passed in', async () => {
    // uapi 1.23
    const t = await createTestDevice({ crtcs: 2 });
    const card = t.open();
    const a: Partial<IoctlArgs['MODE_GETPLANE']> = { plane_id: t.crtcs[1]!.primary!.id, gamma_size: 99, crtc_id: 5, fb_id: 6, possible_crtcs: 7 };
    card.fd.ioctl('MODE_GETPLANE', a);
    expect(a).toMatchObject({ plane_id: t.crtcs[1]!.primary!.id, gamma_size: 0, crtc_id: 0, fb_id: 0, possible_crtcs: 2, count_format_types: 4 });
  });

  it('takes crtc_id and fb_id from the plane state', async () => {
    // uapi 1.23
    const t = await createTestDevice();
    const card = t.open();
    const fb = makeFb(card);
    t.overlay!.state.crtc = t.crtc;
    t.overlay!.state.fb = t.device.drm.fb(fb)!;
    expect(card.getPlane(t.overlay!.id)).toMatchObject({ crtcId: t.crtc.id, fbId: fb });
    // fb without CRTC and CRTC without fb are reported independently
    t.overlay!.state.crtc = null;
    expect(card.getPlane(t.overlay!.id)).toMatchObject({ crtcId: 0, fbId: fb });
    t.overlay!.state.fb = null;
    t.overlay!.state.crtc = t.crtc;
    expect(card.getPlane(t.overlay!.id)).toMatchObject({ crtcId: t.crtc.id, fbId: 0 });
  });

  it('answers ENOENT for unknown and non-plane IDs', async () => {
    // uapi 1.23 + 1.4
    const t = await createTestDevice();
    const card = t.open();
    card.setClientCap(ClientCap.UNIVERSAL_PLANES, 1);
    expectErrno(() => card.getPlane(0), 'ENOENT');
    expectErrno(() => card.getPlane(999), 'ENOENT');
    expectErrno(() => card.getPlane(t.crtc.id), 'ENOENT');
    expectErrno(() => card.getPlane(33), 'ENOENT'); // the primary plane's IN_FORMATS blob
  });
});
