/**
 * A device for the colorop tests, built on the driver API: a primary plane with VKMS's pipeline
 * (1D curve {sRGB EOTF, sRGB inverse EOTF} → 3x4 → 3x4 → 1D curve) and the COLOR_ENCODING /
 * COLOR_RANGE properties, and an overlay with two pipelines (a multiplier followed by a 3x4
 * matrix without BYPASS, then a lone 1D curve offering PQ 125 EOTF and Gamma 2.2).
 *
 * Expected values in the tests come from the kernel (drm_colorop.c, drm_atomic_uapi.c,
 * drm_mode_object.c, drm_ioctl.c, drm_mode.h), written out by hand.
 */
import type { Card } from '../../../src/client/card.js';
import type { Colorop, Plane } from '../../../src/drm/types.js';
import { ClientCap, ColoropCurve1d, ConnectorType, EncoderType, PlaneType } from '../../../src/uapi/drm-mode.js';
import { Fourcc } from '../../../src/uapi/fourcc.js';
import { MODE_640x480, createCustomDevice, type CustomDevice } from '../test-driver.js';

export interface PipelineObjs {
  primary: Plane;
  overlay: Plane;
  /** The primary's four ops. */
  vkms: Colorop[];
  /** The overlay's first pipeline: multiplier, 3x4 matrix without BYPASS. */
  custom: Colorop[];
  /** The overlay's second pipeline: one 1D curve. */
  curveOnly: Colorop[];
}

/** drm_mode.h values, written out. */
export const OBJECT_COLOROP = 0xfafafafa;
export const CLIENT_CAP_PLANE_COLOR_PIPELINE = 7;
export const PROP = { RANGE: 2, IMMUTABLE: 4, ENUM: 8, BLOB: 16, OBJECT: 64, ATOMIC: 0x80000000 } as const;

export async function pipelineDevice(): Promise<CustomDevice<PipelineObjs>> {
  return createCustomDevice((u) => {
    const primary = u.createPlane({ type: PlaneType.PRIMARY, possibleCrtcs: 0, formats: [Fourcc.XRGB8888] });
    u.addColorProperties(primary, 0b111, 0b11, 0, 1);
    const srgb = [ColoropCurve1d.SRGB_EOTF, ColoropCurve1d.SRGB_INV_EOTF];
    const vkms = u.createColorPipeline(primary, [
      { type: 'curve-1d', curves: srgb }, { type: 'ctm-3x4' }, { type: 'ctm-3x4' }, { type: 'curve-1d', curves: srgb },
    ]);
    const overlay = u.createPlane({ type: PlaneType.OVERLAY, possibleCrtcs: 1, formats: [Fourcc.XRGB8888] });
    const custom = u.createColorPipeline(overlay, [{ type: 'multiplier' }, { type: 'ctm-3x4', allowBypass: false }], 'Custom');
    const curveOnly = u.createColorPipeline(overlay, [{ type: 'curve-1d', curves: [ColoropCurve1d.GAMMA22, ColoropCurve1d.PQ_125_EOTF] }]);
    u.createCrtc({ primary, cursor: null });
    const enc = u.createEncoder({ type: EncoderType.VIRTUAL, possibleCrtcs: 1 });
    u.createConnector({ type: ConnectorType.VIRTUAL, encoders: [enc], funcs: { getModes: () => [MODE_640x480] } });
    return { primary, overlay, vkms, custom, curveOnly };
  });
}

/** An atomic client, with the pipeline cap if asked. */
export function atomicCard(dev: CustomDevice<PipelineObjs>, pipelineCap: boolean, opts?: Parameters<CustomDevice<PipelineObjs>['open']>[0]): Card {
  const card = dev.open(opts);
  card.setClientCap(ClientCap.ATOMIC, 1);
  if (pipelineCap) card.setClientCap(CLIENT_CAP_PLANE_COLOR_PIPELINE, 1);
  return card;
}

/** Name → { id, value } of every property the card sees on an object. */
export function props(card: Card, objId: number, objType = 0): Record<string, { id: number; value: bigint }> {
  const { props: ids, propValues } = card.getObjectProperties(objId, objType);
  const out: Record<string, { id: number; value: bigint }> = {};
  ids.forEach((id, i) => { out[card.getProperty(id).name] = { id, value: propValues[i]! }; });
  return out;
}

/** A struct drm_color_ctm_3x4 from 12 reals (S31.32 sign-magnitude, little-endian). */
export function ctm3x4(m: readonly number[]): Uint8Array {
  const b = new Uint8Array(96);
  const v = new DataView(b.buffer);
  m.forEach((x, i) => {
    const mag = BigInt(Math.round(Math.abs(x) * 2 ** 32));
    v.setBigUint64(i * 8, x < 0 ? mag | (1n << 63n) : mag, true);
  });
  return b;
}
