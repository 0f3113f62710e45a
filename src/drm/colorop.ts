/**
 * The colorop uapi (≈ drm_atomic_uapi.c drm_atomic_colorop_set/get_property, drm_mode_object.c's
 * COLOR_PIPELINE filtering, drm_ioctl.c DRM_CLIENT_CAP_PLANE_COLOR_PIPELINE), mainline ≈6.19:
 * - the client cap needs ATOMIC first (EINVAL) and a value 0 or 1 (EINVAL); it is not refused on
 *   devices without pipelines (that guard is drm-misc-next, 2026);
 * - with the cap, OBJ_GETPROPERTIES hides a plane's COLOR_ENCODING and COLOR_RANGE; without it,
 *   COLOR_PIPELINE. Hidden properties stay attached, so MODE_ATOMIC still finds them by ID: the
 *   kernel refuses neither (drivers are told to ignore the legacy ones, via
 *   drm_atomic_state.plane_color_pipeline);
 * - DATA must be a blob of exactly the op's size (3x4 Matrix: 96 bytes), else EINVAL; the ops
 *   that have no DATA size (curves, multipliers) have no DATA property at all.
 */
import { fail } from '../uapi/errno.js';
import { COLOR_CTM_3X4_SIZE, ColoropType, ObjectType } from '../uapi/drm-mode.js';
import { blobGet, blobPut } from './blob.js';
import type { DrmDevice } from './device.js';
import type { DrmFile } from './file.js';
import type { Blob, Colorop, ColoropState, ModeObject, Plane, Property } from './types.js';

const capFiles = new WeakSet<DrmFile>();

/** drm_file.plane_color_pipeline. */
export function filePlaneColorPipeline(file: DrmFile | null | undefined): boolean {
  return !!file && capFiles.has(file);
}

/** drm_setclientcap(DRM_CLIENT_CAP_PLANE_COLOR_PIPELINE). */
export function setPlaneColorPipelineCap(file: DrmFile, value: bigint): void {
  if (!file.atomic) fail('EINVAL', 'PLANE_COLOR_PIPELINE needs the ATOMIC client cap first');
  if (value > 1n) fail('EINVAL', `PLANE_COLOR_PIPELINE value ${value} > 1`);
  if (value === 1n) capFiles.add(file);
  else capFiles.delete(file);
}

/** drm_mode_object_get_properties' plane filter: which attached properties this file does not see. */
export function propertyHiddenFromFile(file: DrmFile, obj: ModeObject, prop: Property): boolean {
  if (obj.objType !== ObjectType.PLANE) return false;
  const o = (obj as Plane).optProps;
  if (filePlaneColorPipeline(file)) return prop === o.COLOR_ENCODING || prop === o.COLOR_RANGE;
  return prop === o.COLOR_PIPELINE;
}

/** The DATA blob size each op type takes (drm_atomic_color_set_data_property); -1: none. */
export function coloropDataSize(op: Colorop): number {
  return op.type === ColoropType.CTM_3X4 ? COLOR_CTM_3X4_SIZE : -1;
}

/** drm_atomic_colorop_set_property: the value was validated against the property already. */
export function coloropSetProperty(dev: DrmDevice, op: Colorop, s: ColoropState, prop: Property, val: bigint): void {
  const p = op.opProps;
  if (prop === p.BYPASS) { s.bypass = val !== 0n; return; }
  if (prop === p.CURVE_1D_TYPE) { s.curve_1d_type = Number(val); return; }
  if (prop === p.MULTIPLIER) { s.multiplier = val; return; }
  if (prop === p.DATA) {
    const size = coloropDataSize(op);
    if (size < 0) fail('EINVAL', `colorop ${op.id}: type ${op.type} takes no DATA blob`);
    let next: Blob | null = null;
    if (val !== 0n) {
      next = dev.blob(Number(val & 0xffffffffn)) ?? null;
      if (!next) fail('EINVAL', `colorop ${op.id} DATA: no blob ${val}`);
      if (next.data.length !== size) fail('EINVAL', `colorop ${op.id} DATA: blob is ${next.data.length} bytes, a 3x4 matrix (struct drm_color_ctm_3x4) is ${size}`);
    }
    if (next !== s.data) {
      blobGet(next);
      blobPut(dev, s.data);
      s.data = next;
    }
    return;
  }
  fail('EINVAL', `property ${prop.name} cannot be set on colorop ${op.id}`);
}

/** drm_atomic_colorop_get_property (the mutable properties; TYPE and NEXT are immutable). */
export function coloropPropertyValue(op: Colorop, prop: Property): bigint | undefined {
  const p = op.opProps, s = op.state;
  if (prop === p.TYPE) return BigInt(op.type);
  if (prop === p.BYPASS) return s.bypass ? 1n : 0n;
  if (prop === p.CURVE_1D_TYPE) return BigInt(s.curve_1d_type);
  if (prop === p.MULTIPLIER) return s.multiplier;
  if (prop === p.DATA) return BigInt(s.data?.id ?? 0);
  return undefined;
}

/** Lookup for the plane's COLOR_PIPELINE value (drm_colorop_find): EACCES when no such colorop. */
export function coloropForPipeline(dev: DrmDevice, file: DrmFile | null, val: bigint): Colorop | null {
  if (val === 0n) return null;
  const op = dev.colorop(Number(val & 0xffffffffn), file ?? undefined);
  if (!op) fail('EACCES', `COLOR_PIPELINE: no colorop ${val}`);
  return op;
}

