/**
 * Field layouts of the ioctl structs (x86_64 C layout). One table gives: the zero-filled struct
 * a short copy-in produces (uapi 0.3), the C conversions applied to what a caller passes (numbers
 * or bigints, truncated like a C assignment), and the binary encoding for a bridge to C programs.
 */
import { MODEINFO_SIZE } from './drm-mode.js';
import type { IoctlArgs, IoctlName } from './ioctl.js';
import type { ModeInfo } from './ioctl-structs.js';

export type FieldKind = 'u32' | 's32' | 'u64' | 's64' | 'usize' | 'ptr' | 'str32' | 'mode' | 'u32x4' | 'u64x4';
export interface Field { readonly name: string; readonly kind: FieldKind; readonly offset: number }

const SIZE: Record<FieldKind, number> = { u32: 4, s32: 4, u64: 8, s64: 8, usize: 8, ptr: 8, str32: 32, mode: MODEINFO_SIZE, u32x4: 16, u64x4: 32 };
const ALIGN: Record<FieldKind, number> = { u32: 4, s32: 4, u64: 8, s64: 8, usize: 8, ptr: 8, str32: 1, mode: 4, u32x4: 4, u64x4: 8 };

export interface Layout { readonly fields: readonly Field[]; readonly size: number }

/** Lay out fields with C alignment rules; `@N` after a kind forces an offset (unions). */
function layout(spec: string): Layout {
  const fields: Field[] = [];
  let off = 0, maxAlign = 1, end = 0;
  for (const part of spec.trim().split(/\s+/)) {
    if (!part) continue;
    const [name, kindAt] = part.split(':') as [string, string];
    const [kind, at] = kindAt.split('@') as [FieldKind, string | undefined];
    const a = ALIGN[kind];
    maxAlign = Math.max(maxAlign, a);
    let o = at !== undefined ? Number(at) : Math.ceil(off / a) * a;
    fields.push({ name, kind, offset: o });
    off = o + SIZE[kind];
    end = Math.max(end, off);
  }
  return { fields, size: end === 0 ? 0 : Math.ceil(end / maxAlign) * maxAlign };
}

export const LAYOUTS: Readonly<Record<IoctlName, Layout>> = {
  VERSION: layout('version_major:s32 version_minor:s32 version_patchlevel:s32 name_len:usize name:ptr date_len:usize date:ptr desc_len:usize desc:ptr'),
  GET_MAGIC: layout('magic:u32'),
  GET_CAP: layout('capability:u64 value:u64'),
  SET_CLIENT_CAP: layout('capability:u64 value:u64'),
  SET_VERSION: layout('drm_di_major:s32 drm_di_minor:s32 drm_dd_major:s32 drm_dd_minor:s32'),
  AUTH_MAGIC: layout('magic:u32'),
  SET_MASTER: layout(''),
  DROP_MASTER: layout(''),
  GEM_CLOSE: layout('handle:u32 pad:u32'),
  GEM_FLINK: layout('handle:u32 name:u32'),
  GEM_OPEN: layout('name:u32 handle:u32 size:u64'),
  PRIME_HANDLE_TO_FD: layout('handle:u32 flags:u32 fd:s32'),
  PRIME_FD_TO_HANDLE: layout('handle:u32 flags:u32 fd:s32'),
  WAIT_VBLANK: layout('type:u32 sequence:u32 signal:u64 tval_sec:s64@8 tval_usec:s64@16'),
  CRTC_GET_SEQUENCE: layout('crtc_id:u32 active:u32 sequence:u64 sequence_ns:s64'),
  CRTC_QUEUE_SEQUENCE: layout('crtc_id:u32 flags:u32 sequence:u64 user_data:u64'),
  MODE_GETRESOURCES: layout('fb_id_ptr:ptr crtc_id_ptr:ptr connector_id_ptr:ptr encoder_id_ptr:ptr count_fbs:u32 count_crtcs:u32 count_connectors:u32 count_encoders:u32 min_width:u32 max_width:u32 min_height:u32 max_height:u32'),
  MODE_GETCRTC: layout('set_connectors_ptr:ptr count_connectors:u32 crtc_id:u32 fb_id:u32 x:u32 y:u32 gamma_size:u32 mode_valid:u32 mode:mode'),
  MODE_SETCRTC: layout('set_connectors_ptr:ptr count_connectors:u32 crtc_id:u32 fb_id:u32 x:u32 y:u32 gamma_size:u32 mode_valid:u32 mode:mode'),
  MODE_CURSOR: layout('flags:u32 crtc_id:u32 x:s32 y:s32 width:u32 height:u32 handle:u32'),
  MODE_CURSOR2: layout('flags:u32 crtc_id:u32 x:s32 y:s32 width:u32 height:u32 handle:u32 hot_x:s32 hot_y:s32'),
  MODE_GETGAMMA: layout('crtc_id:u32 gamma_size:u32 red:ptr green:ptr blue:ptr'),
  MODE_SETGAMMA: layout('crtc_id:u32 gamma_size:u32 red:ptr green:ptr blue:ptr'),
  MODE_GETENCODER: layout('encoder_id:u32 encoder_type:u32 crtc_id:u32 possible_crtcs:u32 possible_clones:u32'),
  MODE_GETCONNECTOR: layout('encoders_ptr:ptr modes_ptr:ptr props_ptr:ptr prop_values_ptr:ptr count_modes:u32 count_props:u32 count_encoders:u32 encoder_id:u32 connector_id:u32 connector_type:u32 connector_type_id:u32 connection:u32 mm_width:u32 mm_height:u32 subpixel:u32 pad:u32'),
  MODE_GETPROPERTY: layout('values_ptr:ptr enum_blob_ptr:ptr prop_id:u32 flags:u32 name:str32 count_values:u32 count_enum_blobs:u32'),
  MODE_SETPROPERTY: layout('value:u64 prop_id:u32 connector_id:u32'),
  MODE_GETPROPBLOB: layout('blob_id:u32 length:u32 data:ptr'),
  MODE_GETFB: layout('fb_id:u32 width:u32 height:u32 pitch:u32 bpp:u32 depth:u32 handle:u32'),
  MODE_ADDFB: layout('fb_id:u32 width:u32 height:u32 pitch:u32 bpp:u32 depth:u32 handle:u32'),
  MODE_RMFB: layout('fb_id:u32'),
  MODE_PAGE_FLIP: layout('crtc_id:u32 fb_id:u32 flags:u32 sequence:u32 user_data:u64'),
  MODE_DIRTYFB: layout('fb_id:u32 flags:u32 color:u32 num_clips:u32 clips_ptr:ptr'),
  MODE_CREATE_DUMB: layout('height:u32 width:u32 bpp:u32 flags:u32 handle:u32 pitch:u32 size:u64'),
  MODE_MAP_DUMB: layout('handle:u32 pad:u32 offset:u64'),
  MODE_DESTROY_DUMB: layout('handle:u32'),
  MODE_GETPLANERESOURCES: layout('plane_id_ptr:ptr count_planes:u32'),
  MODE_GETPLANE: layout('plane_id:u32 crtc_id:u32 fb_id:u32 possible_crtcs:u32 gamma_size:u32 count_format_types:u32 format_type_ptr:ptr'),
  MODE_SETPLANE: layout('plane_id:u32 crtc_id:u32 fb_id:u32 flags:u32 crtc_x:s32 crtc_y:s32 crtc_w:u32 crtc_h:u32 src_x:u32 src_y:u32 src_h:u32 src_w:u32'),
  MODE_ADDFB2: layout('fb_id:u32 width:u32 height:u32 pixel_format:u32 flags:u32 handles:u32x4 pitches:u32x4 offsets:u32x4 modifier:u64x4'),
  MODE_GETFB2: layout('fb_id:u32 width:u32 height:u32 pixel_format:u32 flags:u32 handles:u32x4 pitches:u32x4 offsets:u32x4 modifier:u64x4'),
  MODE_OBJ_GETPROPERTIES: layout('props_ptr:ptr prop_values_ptr:ptr count_props:u32 obj_id:u32 obj_type:u32'),
  MODE_OBJ_SETPROPERTY: layout('value:u64 prop_id:u32 obj_id:u32 obj_type:u32'),
  MODE_ATOMIC: layout('flags:u32 count_objs:u32 objs_ptr:ptr count_props_ptr:ptr props_ptr:ptr prop_values_ptr:ptr reserved:u64 user_data:u64'),
  MODE_CREATEPROPBLOB: layout('data:ptr length:u32 blob_id:u32'),
  MODE_DESTROYPROPBLOB: layout('blob_id:u32'),
  MODE_CREATE_LEASE: layout('object_ids:ptr object_count:u32 flags:u32 lessee_id:u32 fd:s32'),
  MODE_LIST_LESSEES: layout('count_lessees:u32 pad:u32 lessees_ptr:ptr'),
  MODE_GET_LEASE: layout('count_objects:u32 pad:u32 objects_ptr:ptr'),
  MODE_REVOKE_LEASE: layout('lessee_id:u32'),
  MODE_CLOSEFB: layout('fb_id:u32 pad:u32'),
};

export function zeroMode(): ModeInfo {
  return {
    clock: 0, hdisplay: 0, hsync_start: 0, hsync_end: 0, htotal: 0, hskew: 0, vdisplay: 0,
    vsync_start: 0, vsync_end: 0, vtotal: 0, vscan: 0, vrefresh: 0, flags: 0, type: 0, name: '',
  };
}

function toBig(v: unknown): bigint {
  if (typeof v === 'bigint') return v;
  if (typeof v === 'number') return Number.isInteger(v) ? BigInt(v) : BigInt(Math.trunc(v));
  if (typeof v === 'boolean') return v ? 1n : 0n;
  return 0n;
}
const U16 = (v: unknown) => Number(BigInt.asUintN(16, toBig(v)));
const U32 = (v: unknown) => Number(BigInt.asUintN(32, toBig(v)));

/** A mode as the kernel would read it from a user struct (u16/u32 truncation). */
export function coerceMode(m: Partial<ModeInfo> | undefined): ModeInfo {
  const z = zeroMode();
  if (!m) return z;
  return {
    clock: U32(m.clock), hdisplay: U16(m.hdisplay), hsync_start: U16(m.hsync_start), hsync_end: U16(m.hsync_end),
    htotal: U16(m.htotal), hskew: U16(m.hskew), vdisplay: U16(m.vdisplay), vsync_start: U16(m.vsync_start),
    vsync_end: U16(m.vsync_end), vtotal: U16(m.vtotal), vscan: U16(m.vscan), vrefresh: U32(m.vrefresh),
    flags: U32(m.flags), type: U32(m.type), name: typeof m.name === 'string' ? m.name.slice(0, 31) : z.name,
  };
}

/** Convert one field value the way a C assignment to that field's type would. */
export function coerceField(kind: FieldKind, v: unknown): unknown {
  switch (kind) {
    case 'u32': return U32(v);
    case 's32': return Number(BigInt.asIntN(32, toBig(v)));
    case 'u64': case 'usize': return BigInt.asUintN(64, toBig(v));
    case 's64': return BigInt.asIntN(64, toBig(v));
    case 'ptr':
      if (ArrayBuffer.isView(v)) return v;
      return BigInt.asUintN(64, toBig(v));
    case 'str32': return typeof v === 'string' ? v : '';
    case 'mode': return coerceMode(v as Partial<ModeInfo> | undefined);
    case 'u32x4': { const a = Array.isArray(v) ? v : []; return [0, 1, 2, 3].map((i) => U32(a[i])); }
    case 'u64x4': { const a = Array.isArray(v) ? v : []; return [0, 1, 2, 3].map((i) => BigInt.asUintN(64, toBig(a[i]))); }
  }
}

/** The kernel's copy of a user struct: every field present, converted to its C type (uapi 0.3). */
export function copyInStruct<K extends IoctlName>(name: K, arg: Partial<IoctlArgs[K]> | undefined): IoctlArgs[K] {
  const out: Record<string, unknown> = {};
  const src = (arg ?? {}) as Record<string, unknown>;
  for (const f of LAYOUTS[name].fields) out[f.name] = coerceField(f.kind, src[f.name]);
  return out as unknown as IoctlArgs[K];
}
