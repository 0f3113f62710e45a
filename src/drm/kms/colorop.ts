/**
 * Colorops and colour pipelines (≈ drm_colorop.c init helpers, drm_plane.c
 * drm_plane_create_color_pipeline_property). Every colorop is a mode object with its own
 * properties, created in the kernel's order: the object, TYPE, BYPASS (only with ALLOW_BYPASS),
 * NEXT, then the type's own property (CURVE_1D_TYPE, DATA or MULTIPLIER).
 */
import { DrmError } from '../../uapi/errno.js';
import { COLOROP_1D_CURVE_COUNT, COLOROP_CURVE_1D_NAMES, COLOROP_TYPE_NAMES, ColoropType, OBJECT_COLOROP, PropFlag, type ObjectTypeCode } from '../../uapi/drm-mode.js';
import { blobGet } from '../blob.js';
import type { DrmDevice } from '../device.js';
import { U64_MAX, attachProperty, createBlobProp, createBool, createEnum, createObjectProp, createRange, findAttachment, setStoredValue } from '../property.js';
import type { Colorop, ColoropProps, ColoropState, Plane, Property } from '../types.js';

/** DRM_COLOROP_FLAG_ALLOW_BYPASS (include/drm/drm_colorop.h): the op gets a BYPASS property. */
export const COLOROP_FLAG_ALLOW_BYPASS = 1 << 0;

/** One op of a pipeline a driver asks for (createColorPipeline). */
export type ColoropInit =
  /** A 1D curve; `curves` lists the supported drm_colorop_curve_1d_type values; the lowest is the default (enum order). */
  | { readonly type: 'curve-1d'; readonly curves: readonly number[]; readonly allowBypass?: boolean }
  /** A 3x4 matrix (DATA = struct drm_color_ctm_3x4). */
  | { readonly type: 'ctm-3x4'; readonly allowBypass?: boolean }
  /** A multiplier (MULTIPLIER, S31.32). */
  | { readonly type: 'multiplier'; readonly allowBypass?: boolean };

const driverError = (msg: string): never => {
  throw new DrmError('EINVAL', msg, 'colorop init');
};

/** __drm_colorop_state_reset: bypass on, the curve type at its property's default. */
function resetState(op: Colorop): ColoropState {
  const curve = op.opProps.CURVE_1D_TYPE ? Number(findAttachment(op, op.opProps.CURVE_1D_TYPE)!.value) : 0;
  return { colorop: op, bypass: true, curve_1d_type: curve, multiplier: 0n, data: null };
}

/** __drm_atomic_helper_colorop_duplicate_state: a copy holding its own DATA reference. */
export function duplicateColoropState(s: ColoropState): ColoropState {
  return { ...s, data: blobGet(s.data) };
}

/** drm_plane_colorop_init: the object, TYPE, BYPASS (with ALLOW_BYPASS, initial 1), NEXT (initial 0). */
function initColorop(dev: DrmDevice, plane: Plane, type: number, flags: number): Colorop {
  if (!dev.features.atomic) driverError('colorops need an atomic driver');
  if (!dev.planes.includes(plane)) driverError('the plane does not belong to this device');
  const op = {
    id: 0, objType: OBJECT_COLOROP, props: [], index: dev.colorops.length, type, plane, next: null,
  } as unknown as Colorop & { opProps: ColoropProps };
  dev.addObject(op);
  dev.colorops.push(op);
  const TYPE = createEnum(dev, PropFlag.IMMUTABLE, 'TYPE', COLOROP_TYPE_NAMES.map((name, value) => ({ value, name })));
  attachProperty(op, TYPE, BigInt(type));
  let BYPASS: Property | null = null;
  if (flags & COLOROP_FLAG_ALLOW_BYPASS) {
    BYPASS = createBool(dev, PropFlag.ATOMIC, 'BYPASS');
    attachProperty(op, BYPASS, 1n);
  }
  // createObjectProp is typed for the classic object types; the value check looks colorops up fine
  const NEXT = createObjectProp(dev, PropFlag.IMMUTABLE | PropFlag.ATOMIC, 'NEXT', OBJECT_COLOROP as unknown as ObjectTypeCode);
  attachProperty(op, NEXT, 0n);
  op.opProps = { TYPE, BYPASS, NEXT, CURVE_1D_TYPE: null, DATA: null, MULTIPLIER: null };
  return op;
}

/** drm_colorop_create_data_prop: DATA, an atomic blob property, initial 0. */
function createDataProp(dev: DrmDevice, op: Colorop): void {
  const DATA = createBlobProp(dev, PropFlag.ATOMIC, 'DATA');
  attachProperty(op, DATA, 0n);
  op.opProps.DATA = DATA;
}

/**
 * drm_plane_colorop_curve_1d_init: `supported` is a bit mask of drm_colorop_curve_1d_type values
 * (BIT(type)); CURVE_1D_TYPE lists them in enum order, the lowest being the default. EINVAL for an
 * empty mask or unknown bits.
 */
export function initCurve1dColorop(dev: DrmDevice, plane: Plane, supported: number, flags: number): Colorop {
  if (!supported) driverError(`no supported curve for a 1D curve colorop on plane ${plane.id}`);
  if (supported < 0 || supported >= 1 << COLOROP_1D_CURVE_COUNT || !Number.isInteger(supported)) driverError(`unknown curve in mask 0x${supported.toString(16)} on plane ${plane.id}`);
  const op = initColorop(dev, plane, ColoropType.CURVE_1D, flags);
  const list = COLOROP_CURVE_1D_NAMES.map((name, value) => ({ value, name })).filter((e) => supported & (1 << e.value));
  const p = createEnum(dev, PropFlag.ATOMIC, 'CURVE_1D_TYPE', list);
  attachProperty(op, p, BigInt(list[0]!.value));
  op.opProps.CURVE_1D_TYPE = p;
  op.state = resetState(op);
  return op;
}

/** drm_plane_colorop_ctm_3x4_init. */
export function initCtm3x4Colorop(dev: DrmDevice, plane: Plane, flags: number): Colorop {
  const op = initColorop(dev, plane, ColoropType.CTM_3X4, flags);
  createDataProp(dev, op);
  op.state = resetState(op);
  return op;
}

/** drm_plane_colorop_mult_init: MULTIPLIER, an atomic range 0..U64_MAX, initial 0. */
export function initMultiplierColorop(dev: DrmDevice, plane: Plane, flags: number): Colorop {
  const op = initColorop(dev, plane, ColoropType.MULTIPLIER, flags);
  const p = createRange(dev, PropFlag.ATOMIC, 'MULTIPLIER', 0n, U64_MAX);
  attachProperty(op, p, 0n);
  op.opProps.MULTIPLIER = p;
  op.state = resetState(op);
  return op;
}

/** drm_colorop_set_next_property. */
export function setColoropNext(op: Colorop, next: Colorop | null): void {
  setStoredValue(op, op.opProps.NEXT, BigInt(next?.id ?? 0));
  op.next = next;
}

/**
 * drm_plane_create_color_pipeline_property: an atomic enum, "Bypass" (0) then one entry per
 * pipeline (value = its first colorop's ID), attached with 0. A plane that already has one gets
 * the new pipelines appended to it.
 */
export function createColorPipelineProperty(dev: DrmDevice, plane: Plane, pipelines: readonly { first: Colorop; name: string }[]): Property {
  for (const pl of pipelines) {
    if (pl.first.plane !== plane) driverError(`colorop ${pl.first.id} belongs to plane ${pl.first.plane.id}, not ${plane.id}`);
    if (!pl.name || pl.name.length >= 32) driverError(`pipeline name "${pl.name}" must have 1..31 characters`);
  }
  const existing = plane.optProps.COLOR_PIPELINE;
  if (existing) {
    for (const pl of pipelines) {
      existing.enums.push({ value: BigInt(pl.first.id), name: pl.name });
      existing.values.push(BigInt(pl.first.id));
    }
    return existing;
  }
  const prop = createEnum(dev, PropFlag.ATOMIC, 'COLOR_PIPELINE', [{ value: 0, name: 'Bypass' }, ...pipelines.map((p) => ({ value: p.first.id, name: p.name }))]);
  attachProperty(plane, prop, 0n);
  plane.optProps.COLOR_PIPELINE = prop;
  plane.state.color_pipeline = null;
  return prop;
}

/**
 * A whole pipeline, the way drivers build one (vkms_initialize_color_pipeline): each op in order,
 * chained through NEXT, then the plane's COLOR_PIPELINE property with the pipeline named
 * `name` (default "Color Pipeline <first op ID>"). Returns the ops.
 */
export function createColorPipeline(dev: DrmDevice, plane: Plane, ops: readonly ColoropInit[], name?: string): Colorop[] {
  if (!Array.isArray(ops) || ops.length === 0) driverError('a colour pipeline needs at least one op');
  if (!dev.planes.includes(plane)) driverError('the plane does not belong to this device');
  // validate every op first, so a bad pipeline leaves no objects behind
  const masks = ops.map((o, i) => {
    if (o.type === 'curve-1d') {
      if (!Array.isArray(o.curves)) driverError(`ops[${i}].curves must be an array of curve types`);
      const mask = o.curves.reduce((m, c) => {
        if (!Number.isInteger(c) || c < 0 || c >= COLOROP_1D_CURVE_COUNT) driverError(`ops[${i}].curves: unknown curve type ${c}`);
        return m | (1 << c);
      }, 0);
      if (!mask) driverError(`ops[${i}]: a 1D curve needs at least one supported curve`);
      return mask;
    }
    if (o.type !== 'ctm-3x4' && o.type !== 'multiplier') driverError(`ops[${i}].type must be curve-1d, ctm-3x4 or multiplier, not "${String((o as { type: unknown }).type)}"`);
    return 0;
  });
  const made: Colorop[] = [];
  for (const [i, o] of ops.entries()) {
    const flags = o.allowBypass === false ? 0 : COLOROP_FLAG_ALLOW_BYPASS;
    let op: Colorop;
    if (o.type === 'curve-1d') op = initCurve1dColorop(dev, plane, masks[i]!, flags);
    else if (o.type === 'ctm-3x4') op = initCtm3x4Colorop(dev, plane, flags);
    else op = initMultiplierColorop(dev, plane, flags);
    if (made.length) setColoropNext(made[made.length - 1]!, op);
    made.push(op);
  }
  createColorPipelineProperty(dev, plane, [{ first: made[0]!, name: name ?? `Color Pipeline ${made[0]!.id}` }]);
  return made;
}

/** The ops of the pipeline starting at `first`, following NEXT. */
export function pipelineOps(first: Colorop | null | undefined): Colorop[] {
  const out: Colorop[] = [];
  for (let op = first ?? null; op && out.length <= 1024; op = op.next) out.push(op);
  return out;
}
