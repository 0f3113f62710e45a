/** Properties (≈ drm_property.c): creation of every type, attachment, value validation. */
import { fail } from '../uapi/errno.js';
import { ObjectType, PropFlag, type ObjectTypeCode } from '../uapi/drm-mode.js';
import type { DrmDevice } from './device.js';
import type { AnyObject, ModeObject, PropEnum, Property } from './types.js';

export const U32_MAX = 0xffffffffn;
export const U64_MAX = 0xffffffffffffffffn;
export const INT_MAX = 0x7fffffffn;
export const INT_MIN = -0x80000000n;

/** int64 → the u64 bit pattern the kernel stores (I642U64). */
export const i64ToU64 = (v: bigint): bigint => BigInt.asUintN(64, v);
/** u64 bit pattern → int64 (U642I64). */
export const u64ToI64 = (v: bigint): bigint => BigInt.asIntN(64, v);

export function propType(p: Property): number {
  return p.flags & (PropFlag.LEGACY_TYPE | PropFlag.EXTENDED_TYPE);
}
export function isPropType(p: Property, t: number): boolean {
  return propType(p) === t;
}

/** drm_property_flags_valid (uapi 2.3): one legacy type or one extended type, no unknown bits. */
export function propertyFlagsValid(flags: number): boolean {
  const legacy = flags & PropFlag.LEGACY_TYPE, ext = flags & PropFlag.EXTENDED_TYPE;
  if (flags & ~(PropFlag.LEGACY_TYPE | PropFlag.EXTENDED_TYPE | PropFlag.IMMUTABLE | PropFlag.ATOMIC)) return false;
  if (!legacy === !ext) return false;
  if (legacy && legacy & (legacy - 1)) return false;
  return true;
}

function create(dev: DrmDevice, flags: number, name: string, values: bigint[], enums: PropEnum[]): Property {
  if (name.length >= 32) throw new Error(`property name too long: ${name}`);
  if (!propertyFlagsValid(flags >>> 0)) throw new Error(`property ${name}: invalid flags 0x${(flags >>> 0).toString(16)} (exactly one legacy or extended type, plus IMMUTABLE/ATOMIC)`);
  const p: Property = { id: 0, objType: ObjectType.PROPERTY, props: [], name, flags: flags >>> 0, values, enums };
  dev.addObject(p);
  dev.properties.push(p);
  return p;
}

export function createRange(dev: DrmDevice, flags: number, name: string, min: bigint, max: bigint): Property {
  return create(dev, flags | PropFlag.RANGE, name, [min, max], []);
}
export function createSignedRange(dev: DrmDevice, flags: number, name: string, min: bigint, max: bigint): Property {
  return create(dev, flags | PropFlag.SIGNED_RANGE, name, [i64ToU64(min), i64ToU64(max)], []);
}
export function createBool(dev: DrmDevice, flags: number, name: string): Property {
  return createRange(dev, flags, name, 0n, 1n);
}
export function createObjectProp(dev: DrmDevice, flags: number, name: string, type: ObjectTypeCode): Property {
  return create(dev, flags | PropFlag.OBJECT, name, [BigInt(type)], []);
}
export function createBlobProp(dev: DrmDevice, flags: number, name: string): Property {
  return create(dev, flags | PropFlag.BLOB, name, [], []);
}
export function createEnum(dev: DrmDevice, flags: number, name: string, list: readonly { value: number; name: string }[]): Property {
  const enums = list.map((e) => ({ value: BigInt(e.value), name: e.name }));
  return create(dev, flags | PropFlag.ENUM, name, enums.map((e) => e.value), enums);
}
/** drm_property_create_bitmask: only the entries whose bit is in `supported` (uapi 2.4, 2.22). */
export function createBitmask(dev: DrmDevice, flags: number, name: string, list: readonly { bit: number; name: string }[], supported: bigint): Property {
  const enums = list.filter((e) => (supported >> BigInt(e.bit)) & 1n).map((e) => ({ value: BigInt(e.bit), name: e.name }));
  return create(dev, flags | PropFlag.BITMASK, name, enums.map((e) => e.value), enums);
}

/** drm_object_attach_property: appended, so enumeration follows attach order (uapi 2.6). */
export function attachProperty(obj: ModeObject, prop: Property, init: bigint): void {
  if (obj.props.length >= 64) throw new Error('DRM_OBJECT_MAX_PROPERTY (64) exceeded');
  obj.props.push({ prop, value: init });
}

export function findAttachment(obj: ModeObject, prop: Property) {
  return obj.props.find((a) => a.prop === prop);
}

/** drm_object_property_set_value: update the stored value (immutable/legacy properties). */
export function setStoredValue(obj: ModeObject, prop: Property, value: bigint): void {
  const a = findAttachment(obj, prop);
  if (!a) throw new Error(`property ${prop.name} is not attached to object ${obj.id}`);
  a.value = value;
}

/**
 * drm_property_change_valid_get (uapi 2.9–2.15): throws EINVAL for a value the property does not
 * accept; returns the referenced object for OBJECT and BLOB properties (null for 0).
 */
export function validatePropertyValue(dev: DrmDevice, prop: Property, value: bigint): AnyObject | null {
  if (prop.flags & PropFlag.IMMUTABLE) fail('EINVAL', `property ${prop.name} (${prop.id}) is immutable`);
  const t = propType(prop);
  if (t === PropFlag.RANGE) {
    // unsigned 64-bit comparison (uapi 2.10)
    if (value < prop.values[0]! || value > prop.values[1]!) fail('EINVAL', `value ${value} outside ${prop.name} range [${prop.values[0]}, ${prop.values[1]}]`);
    return null;
  }
  if (t === PropFlag.SIGNED_RANGE) {
    const v = u64ToI64(value);
    if (v < u64ToI64(prop.values[0]!) || v > u64ToI64(prop.values[1]!))
      fail('EINVAL', `value ${v} outside ${prop.name} signed range [${u64ToI64(prop.values[0]!)}, ${u64ToI64(prop.values[1]!)}] (negative values must be sent as 64-bit two's complement)`);
    return null;
  }
  if (t === PropFlag.BITMASK) {
    let valid = 0n;
    for (const b of prop.values) valid |= 1n << b;
    if (value & ~valid) fail('EINVAL', `value 0x${value.toString(16)} has bits outside ${prop.name}'s mask 0x${valid.toString(16)}`);
    return null;
  }
  if (t === PropFlag.BLOB) {
    if (value === 0n) return null;
    const blob = dev.blob(Number(value & U32_MAX));
    if (!blob) fail('EINVAL', `${prop.name}: no blob with id ${value}`);
    return blob;
  }
  if (t === PropFlag.OBJECT) {
    if (value === 0n) return null;
    const obj = dev.lookup(Number(value & U32_MAX), Number(prop.values[0]) as ObjectTypeCode);
    if (!obj) fail('EINVAL', `${prop.name}: no object of type 0x${prop.values[0]!.toString(16)} with id ${value}`);
    return obj;
  }
  // ENUM
  if (!prop.values.includes(value)) fail('EINVAL', `value ${value} is not one of ${prop.name}'s enum values`);
  return null;
}
