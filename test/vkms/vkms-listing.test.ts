/**
 * The default VKMS device as userspace lists it, for the `latest` and `linux-6.12` profiles:
 * objects, per-object properties in attach order (flags, ranges, enum values), IN_FORMATS and
 * WRITEBACK_PIXEL_FORMATS, mode_config limits, caps (uapi 1.16, A.2), the 34 modes of
 * drm_add_modes_noedid(8192, 8192) with 1024x768 preferred, and the module parameters (§1.3).
 *
 * Expected values come from vkms-semantics.md §1, uapi-spec.md (2.40, 2.45, 1.16, 1.20,
 * Appendix A) and the real 6.12 dumps in /work/shared/reference/vkms-6.12.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { Card } from '../../src/client/index.js';
import { Card as CardClass } from '../../src/client/index.js';
import { Cap, ClientCap, ConnectorType, EncoderType, Fourcc, fourccCode, ModeType, PropFlag } from '../../src/uapi/index.js';
import type { ProfileName } from '../../src/vkms/index.js';
import { openVkms, REF_DIR, referenceModes } from './helpers.js';

interface RefProp { id: number; flags: number; type: number; atomic: boolean; immutable: boolean; raw_value: number | string; spec: unknown; value: unknown; data?: unknown }
interface RefNode {
  driver: { name: string; desc: string; version: { major: number; minor: number; patch: number; date: string }; caps: Record<string, number> };
  fb_size: { min_width: number; max_width: number; min_height: number; max_height: number };
  connectors: { id: number; type: number; encoders: number[]; properties: Record<string, RefProp> }[];
  encoders: { id: number; type: number; possible_crtcs: number; possible_clones: number }[];
  crtcs: { id: number; gamma_size: number; properties: Record<string, RefProp> }[];
  planes: { id: number; possible_crtcs: number; formats: number[]; properties: Record<string, RefProp> }[];
}
/** The reference drm_info JSON; integers beyond 2^53 are kept exact (as strings). */
const ref = (v: 'default' | 'minimal' | 'full'): RefNode =>
  Object.values(JSON.parse(readFileSync(`${REF_DIR}/${v}/drm_info.json`, 'utf8').replace(/(:\s*)(-?\d{16,})/g, '$1"$2"')))[0] as RefNode;

const F = Fourcc;
/** vkms-semantics §1.5: the 33 plane formats of mainline, in vkms_formats[] order (= IN_FORMATS order). */
const FORMATS_LATEST = [
  F.ARGB8888, F.ABGR8888, F.BGRA8888, F.RGBA8888, F.XRGB8888, F.XBGR8888, F.RGB888, F.BGR888,
  F.XRGB16161616, F.XBGR16161616, F.ARGB16161616, F.ABGR16161616, F.RGB565, F.BGR565,
  F.NV12, F.NV16, F.NV24, F.NV21, F.NV61, F.NV42, F.YUV420, F.YUV422, F.YUV444, F.YVU420, F.YVU422, F.YVU444,
  F.P010, F.P012, F.P016, F.R1, F.R2, F.R4, F.R8,
];
// the fourcc strings of §1.5's table, checked against the constants above
const FOURCC_STRINGS = ['AR24', 'AB24', 'BA24', 'RA24', 'XR24', 'XB24', 'RG24', 'BG24', 'XR48', 'XB48', 'AR48', 'AB48', 'RG16', 'BG16',
  'NV12', 'NV16', 'NV24', 'NV21', 'NV61', 'NV42', 'YU12', 'YU16', 'YU24', 'YV12', 'YV16', 'YV24', 'P010', 'P012', 'P016', 'R1  ', 'R2  ', 'R4  ', 'R8  '];
/** A.6 older trees / the 6.12 dump. */
const FORMATS_612 = [F.ARGB8888, F.XRGB8888, F.XRGB16161616, F.ARGB16161616, F.RGB565];
/** §1.8: vkms_wb_formats. */
const WB_LATEST = [F.ARGB8888, F.XRGB8888, F.ABGR8888, F.XRGB16161616, F.ARGB16161616, F.RGB565];

const PROFILES: { name: ProfileName; formats: number[]; wb: number[]; color: boolean }[] = [
  { name: 'latest', formats: FORMATS_LATEST, wb: WB_LATEST, color: true },
  { name: 'linux-6.12', formats: FORMATS_612, wb: FORMATS_612, color: false },
];

interface PropDesc { name: string; flags: number; values: bigint[]; enums: [string, bigint][]; value: bigint }

function describeProps(card: Card, objId: number): PropDesc[] {
  const { props, propValues } = card.getObjectProperties(objId);
  return props.map((id, i) => {
    const p = card.getProperty(id);
    return { name: p.name, flags: p.flags, values: p.values, enums: p.enums.map((e) => [e.name, e.value] as [string, bigint]), value: propValues[i]! };
  });
}

/** The expected description of a reference (drm_info) property. Blob values are IDs: not compared. */
function fromRef(name: string, p: RefProp): Omit<PropDesc, 'value'> & { value: bigint | null } {
  const u64 = (v: number | string) => BigInt.asUintN(64, BigInt(v));
  let values: bigint[] = [], enums: [string, bigint][] = [];
  const spec = p.spec as { min: number | string; max: number | string } | { name: string; value: number }[] | number | string | null;
  if (Array.isArray(spec)) { enums = spec.map((e) => [e.name, BigInt(e.value)]); values = spec.map((e) => BigInt(e.value)); }
  else if (typeof spec === 'number' || typeof spec === 'string') values = [BigInt(spec)];
  else if (spec && typeof spec === 'object') values = [u64(spec.min), u64(spec.max)];
  const isBlob = (p.flags & PropFlag.BLOB) !== 0;
  return { name, flags: p.flags, values, enums, value: isBlob ? null : u64(p.raw_value) };
}

function expectProps(card: Card, objId: number, expected: ReturnType<typeof fromRef>[]): void {
  const got = describeProps(card, objId);
  expect(got.map((p) => p.name)).toEqual(expected.map((p) => p.name));
  got.forEach((g, i) => {
    const e = expected[i]!;
    expect({ name: g.name, flags: g.flags, values: g.values, enums: g.enums }).toEqual({ name: e.name, flags: e.flags, values: e.values, enums: e.enums });
    if (e.value !== null) expect({ name: g.name, value: g.value }).toEqual({ name: e.name, value: e.value });
  });
}

/** The 6.12 reference properties of an object, as expected descriptions. */
const refProps = (props: Record<string, RefProp>) => Object.entries(props).map(([n, p]) => fromRef(n, p));

/** drm_plane_create_color_properties(BT601|BT709|BT2020, LIMITED|FULL, BT601, FULL) (§1.5, A.4). */
const COLOR_PROPS = [
  { name: 'COLOR_ENCODING', flags: PropFlag.ENUM, values: [0n, 1n, 2n], enums: [['ITU-R BT.601 YCbCr', 0n], ['ITU-R BT.709 YCbCr', 1n], ['ITU-R BT.2020 YCbCr', 2n]] as [string, bigint][], value: 0n },
  { name: 'COLOR_RANGE', flags: PropFlag.ENUM, values: [0n, 1n], enums: [['YCbCr limited range', 0n], ['YCbCr full range', 1n]] as [string, bigint][], value: 1n },
];

/** Decode an IN_FORMATS blob (struct drm_format_modifier_blob). */
function decodeInFormats(b: Uint8Array): { version: number; formats: number[]; modifiers: { mask: bigint; offset: number; modifier: bigint }[]; formatsOffset: number; modifiersOffset: number } {
  const dv = new DataView(b.buffer, b.byteOffset, b.byteLength);
  const version = dv.getUint32(0, true), nf = dv.getUint32(8, true), fo = dv.getUint32(12, true), nm = dv.getUint32(16, true), mo = dv.getUint32(20, true);
  const formats = Array.from({ length: nf }, (_, i) => dv.getUint32(fo + 4 * i, true));
  const modifiers = Array.from({ length: nm }, (_, i) => ({ mask: dv.getBigUint64(mo + 24 * i, true), offset: dv.getUint32(mo + 24 * i + 8, true), modifier: dv.getBigUint64(mo + 24 * i + 16, true) }));
  return { version, formats, modifiers, formatsOffset: fo, modifiersOffset: mo };
}

const propValue = (card: Card, objId: number, name: string): bigint => {
  const d = describeProps(card, objId).find((p) => p.name === name);
  if (!d) throw new Error(`no ${name} on ${objId}`);
  return d.value;
};

describe('VKMS default device listing', () => {
  it('the §1.5 format list is the 33 fourccs of the table, in order', () => {
    expect(FORMATS_LATEST.map((f) => f)).toEqual(FOURCC_STRINGS.map(fourccCode));
  });

  for (const prof of PROFILES) {
    describe(`profile ${prof.name}`, () => {
      const r = ref('default');

      it('version, mode_config limits and caps (uapi 1.16, A.2)', async () => {
        const { vk, card } = await openVkms({ profile: prof.name });
        const v = card.getVersion();
        expect({ name: v.name, desc: v.desc, major: v.major, minor: v.minor, patch: v.patchlevel })
          .toEqual({ name: 'vkms', desc: 'Virtual Kernel Mode Setting', major: 1, minor: 0, patch: 0 });
        const res = card.getResources();
        expect([res.minWidth, res.maxWidth, res.minHeight, res.maxHeight]).toEqual([10, 8192, 10, 8192]);
        const caps: Record<string, number> = {
          DUMB_BUFFER: 1, VBLANK_HIGH_CRTC: 1, DUMB_PREFERRED_DEPTH: 0, DUMB_PREFER_SHADOW: 0, PRIME: 3, TIMESTAMP_MONOTONIC: 1,
          ASYNC_PAGE_FLIP: 0, CURSOR_WIDTH: 512, CURSOR_HEIGHT: 512, ADDFB2_MODIFIERS: 1, PAGE_FLIP_TARGET: 0, CRTC_IN_VBLANK_EVENT: 1,
          SYNCOBJ: 0, SYNCOBJ_TIMELINE: 0, ATOMIC_ASYNC_PAGE_FLIP: 0,
        };
        // the reference dump agrees where it has the cap
        for (const [k, val] of Object.entries(r.driver.caps)) expect({ k, v: caps[k] }).toEqual({ k, v: val });
        for (const [k, val] of Object.entries(caps)) expect({ k, v: card.getCap(Cap[k as keyof typeof Cap]) }).toEqual({ k, v: BigInt(val) });
        await vk.unplug();
      });

      it('objects: 1 CRTC, primary + cursor planes, Virtual + Writeback connectors and encoders', async () => {
        const { vk, card } = await openVkms({ profile: prof.name });
        const res = card.getResources();
        expect(res.crtcs).toHaveLength(1);
        expect(res.connectors).toHaveLength(2);
        expect(res.encoders).toHaveLength(2);
        const planes = card.getPlaneResources();
        expect(planes.map((id) => propValue(card, id, 'type'))).toEqual([1n, 2n]);
        for (const id of planes) {
          const p = card.getPlane(id);
          expect(p.possibleCrtcs).toBe(1);
          expect(p.formats).toEqual(prof.formats);
          expect(p.crtcId).toBe(0);
          expect(p.fbId).toBe(0);
        }
        const conns = res.connectors.map((id) => card.getConnector(id));
        expect(conns.map((c) => c.connectorType).sort()).toEqual([ConnectorType.VIRTUAL, ConnectorType.WRITEBACK]);
        for (const c of conns) {
          expect(c.connectorTypeId).toBe(1);
          expect(c.encoders).toHaveLength(1);
          expect(card.getEncoder(c.encoders[0]!).encoderType).toBe(EncoderType.VIRTUAL);
        }
        const virt = conns.find((c) => c.connectorType === ConnectorType.VIRTUAL)!;
        expect(virt.connectorId).toBe(vk.ids.connectors.connector0);
        expect(vk.data.connectors.get('connector0')!.name).toBe('Virtual-1');
        expect(virt.connection).toBe(1);
        expect([virt.mmWidth, virt.mmHeight]).toEqual([0, 0]);
        for (const e of res.encoders) {
          const enc = card.getEncoder(e);
          expect(enc.possibleCrtcs).toBe(1);
          expect(enc.crtcId).toBe(0);
        }
        if (prof.name === 'linux-6.12') {
          // the reference's possible_clones: each encoder lists only itself
          expect(res.encoders.map((e) => card.getEncoder(e).possibleClones)).toEqual(r.encoders.map((e) => e.possible_clones));
        }
        const crtc = card.getCrtc(res.crtcs[0]!);
        expect(crtc.gammaSize).toBe(256);
        expect(crtc.modeValid).toBe(false);
        // without WRITEBACK_CONNECTORS the writeback connector is hidden (uapi 1.20)
        const plain = new CardClass(vk.open());
        plain.setClientCap(ClientCap.ATOMIC, 1);
        expect(plain.getResources().connectors).toEqual([virt.connectorId]);
        await vk.unplug();
      });

      it('plane properties in attach order, with flags, ranges and enum values (rotation all bits; COLOR_* only in latest)', async () => {
        const { vk, card } = await openVkms({ profile: prof.name });
        const refPlane = refProps(r.planes[0]!.properties).filter((p) => p.name !== 'type');
        for (const [i, id] of card.getPlaneResources().entries()) {
          const type = refProps(r.planes[i]!.properties).find((p) => p.name === 'type')!;
          expectProps(card, id, [type, ...refPlane, ...(prof.color ? COLOR_PROPS : [])]);
          // no zpos / alpha / pixel blend mode / FB_DAMAGE_CLIPS on VKMS planes (§1.5)
          const names = describeProps(card, id).map((p) => p.name);
          for (const n of ['zpos', 'alpha', 'pixel blend mode', 'FB_DAMAGE_CLIPS', 'COLOR_PIPELINE']) expect(names).not.toContain(n);
          const rot = describeProps(card, id).find((p) => p.name === 'rotation')!;
          expect(rot.flags).toBe(PropFlag.BITMASK);
          expect(rot.enums).toEqual([['rotate-0', 0n], ['rotate-90', 1n], ['rotate-180', 2n], ['rotate-270', 3n], ['reflect-x', 4n], ['reflect-y', 5n]]);
          expect(rot.value).toBe(1n);
        }
        await vk.unplug();
      });

      it('IN_FORMATS: the profile formats with the LINEAR modifier only', async () => {
        const { vk, card } = await openVkms({ profile: prof.name });
        for (const id of card.getPlaneResources()) {
          const blob = card.getPropertyBlob(Number(propValue(card, id, 'IN_FORMATS')));
          const d = decodeInFormats(blob);
          const n = prof.formats.length;
          expect(d.version).toBe(1);
          expect(d.formatsOffset).toBe(24);
          expect(d.modifiersOffset).toBe(24 + Math.ceil((4 * n) / 8) * 8);
          expect(d.formats).toEqual(prof.formats);
          expect(d.modifiers).toEqual([{ mask: (1n << BigInt(n)) - 1n, offset: 0, modifier: 0n }]);
          expect(blob.byteLength).toBe(d.modifiersOffset + 24);
        }
        await vk.unplug();
      });

      it('CRTC properties: ACTIVE, MODE_ID, OUT_FENCE_PTR, VRR_ENABLED, GAMMA_LUT, GAMMA_LUT_SIZE = 256 (A.3)', async () => {
        const { vk, card } = await openVkms({ profile: prof.name });
        const crtc = card.getResources().crtcs[0]!;
        expectProps(card, crtc, refProps(r.crtcs[0]!.properties));
        expect(propValue(card, crtc, 'GAMMA_LUT_SIZE')).toBe(256n);
        const names = describeProps(card, crtc).map((p) => p.name);
        for (const n of ['DEGAMMA_LUT', 'DEGAMMA_LUT_SIZE', 'CTM', 'BACKGROUND_COLOR']) expect(names).not.toContain(n);
        await vk.unplug();
      });

      it('connector properties (2.40): DPMS, link-status, non-desktop, TILE, CRTC_ID, no EDID on Virtual; writeback properties and formats (2.45)', async () => {
        const { vk, card } = await openVkms({ profile: prof.name });
        const virt = vk.ids.connectors.connector0!, wb = vk.ids.writeback.crtc0!;
        const refVirt = r.connectors.find((c) => c.type === 15)!, refWb = r.connectors.find((c) => c.type === 18)!;
        expectProps(card, virt, refProps(refVirt.properties));
        expect(describeProps(card, virt).map((p) => p.name)).not.toContain('EDID');
        // the writeback properties as in the dump; WRITEBACK_PIXEL_FORMATS' value is a blob ID
        expectProps(card, wb, refProps(refWb.properties));
        const formats = card.getPropertyBlob(Number(propValue(card, wb, 'WRITEBACK_PIXEL_FORMATS')));
        const list = Array.from({ length: formats.byteLength / 4 }, (_, i) => new DataView(formats.buffer, formats.byteOffset).getUint32(4 * i, true));
        expect(list).toEqual(prof.wb);
        if (prof.name === 'linux-6.12') expect(list).toEqual(refWb.properties.WRITEBACK_PIXEL_FORMATS!.data);
        await vk.unplug();
      });

      it('modes: the 34 DMT modes of the reference modetest list, 1024x768 preferred', async () => {
        const { vk, card } = await openVkms({ profile: prof.name });
        const expected = referenceModes(`${REF_DIR}/default/modetest.txt`);
        expect(expected).toHaveLength(34);
        const modes = card.getConnector(vk.ids.connectors.connector0!).modes;
        expect(modes.map((m) => ({ name: m.name, timings: [m.hdisplay, m.hsync_start, m.hsync_end, m.htotal, m.vdisplay, m.vsync_start, m.vsync_end, m.vtotal], clock: m.clock, flags: m.flags, type: m.type })))
          .toEqual(expected.map((m) => ({ name: m.name, timings: m.timings, clock: m.clock, flags: m.flags, type: m.type })));
        for (const [i, m] of modes.entries()) {
          // 2.36: vrefresh = round(clock*1000 / (htotal*vtotal)); the reference prints it with 2 decimals
          expect(m.vrefresh).toBe(Math.round((m.clock * 1000) / (m.htotal * m.vtotal)));
          expect(Math.abs((m.clock * 1000) / (m.htotal * m.vtotal) - expected[i]!.refresh)).toBeLessThan(0.006);
        }
        const preferred = modes.filter((m) => m.type & ModeType.PREFERRED);
        expect(preferred.map((m) => m.name)).toEqual(['1024x768']);
        await vk.unplug();
      });

      describe('module parameters (§1.2, §1.3)', () => {
        const cases: { params: { enable_cursor?: boolean; enable_writeback?: boolean; enable_overlay?: boolean }; types: number[]; wb: boolean }[] = [
          { params: {}, types: [1, 2], wb: true },
          { params: { enable_cursor: false }, types: [1], wb: true },
          { params: { enable_writeback: false }, types: [1, 2], wb: false },
          { params: { enable_overlay: true }, types: [1, 0, 0, 0, 0, 0, 0, 0, 0, 2], wb: true },
          { params: { enable_overlay: true, enable_cursor: false, enable_writeback: false }, types: [1, 0, 0, 0, 0, 0, 0, 0, 0], wb: false },
          { params: { enable_cursor: false, enable_writeback: false }, types: [1], wb: false },
        ];
        for (const c of cases) {
          it(JSON.stringify(c.params), async () => {
            const { vk, card } = await openVkms({ profile: prof.name, ...c.params });
            const planes = card.getPlaneResources();
            // primary, then the 8 overlays, then the cursor: creation order = plane index order
            expect(planes.map((id) => Number(propValue(card, id, 'type')))).toEqual(c.types);
            expect([...planes].sort((a, b) => a - b)).toEqual(planes);
            for (const id of planes) {
              expect(card.getPlane(id).possibleCrtcs).toBe(1);
              expect(card.getPlane(id).formats).toEqual(prof.formats);
            }
            const res = card.getResources();
            expect(res.crtcs).toHaveLength(1);
            const types = res.connectors.map((id) => card.getConnector(id).connectorType);
            expect(types.sort()).toEqual(c.wb ? [ConnectorType.VIRTUAL, ConnectorType.WRITEBACK] : [ConnectorType.VIRTUAL]);
            expect(res.encoders).toHaveLength(c.wb ? 2 : 1);
            expect(Object.keys(vk.ids.writeback)).toEqual(c.wb ? ['crtc0'] : []);
            await vk.unplug();
          });
        }
        if (prof.name === 'linux-6.12') {
          for (const [v, params] of [['minimal', { enable_cursor: false, enable_writeback: false }], ['full', { enable_overlay: true }]] as const) {
            it(`the plane types match the ${v} reference dump`, async () => {
              const { vk, card } = await openVkms({ profile: prof.name, ...params });
              const rr = ref(v);
              expect(card.getPlaneResources().map((id) => Number(propValue(card, id, 'type')))).toEqual(rr.planes.map((p) => Number(p.properties.type!.raw_value)));
              expect(card.getResources().connectors.map((id) => card.getConnector(id).connectorType)).toEqual(rr.connectors.map((c) => c.type));
              await vk.unplug();
            });
          }
        }
      });
    });
  }
});
