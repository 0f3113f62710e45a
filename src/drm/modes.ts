/** Display modes (≈ drm_modes.c): conversion to/from the uapi struct, validation, refresh, sorting. */
import { fail } from '../uapi/errno.js';
import { MODE_3D_MAX, MODE_FLAG_ALL, ModeFlag, ModeType } from '../uapi/drm-mode.js';
import type { ModeInfo } from '../uapi/ioctl-structs.js';
export { encodeModeInfo, decodeModeInfo } from '../uapi/modeinfo.js';

/** drm_mode_vrefresh (uapi 2.36). */
export function modeVrefresh(m: ModeInfo): number {
  if (m.htotal === 0 || m.vtotal === 0) return 0;
  let num = BigInt(m.clock);
  let den = BigInt(m.htotal) * BigInt(m.vtotal);
  if (m.flags & ModeFlag.INTERLACE) num *= 2n;
  if (m.flags & ModeFlag.DBLSCAN) den *= 2n;
  if (m.vscan > 1) den *= BigInt(m.vscan);
  return Number((num * 1000n + den / 2n) / den);
}

/** drm_mode_convert_to_umode: what userspace receives (vrefresh recomputed, name padded). */
export function modeToUser(m: ModeInfo): ModeInfo {
  return { ...m, vrefresh: modeVrefresh(m), name: m.name.slice(0, 31) };
}

/** drm_mode_validate_basic: null if fine, else why not (uapi 2.35). */
export function modeBasicProblem(m: ModeInfo): string | null {
  if (m.type & ~ModeType.ALL) return 'type bits outside PREFERRED|USERDEF|DRIVER';
  // PIC_AR bits stand for drm_display_mode.picture_aspect_ratio, a separate field in the kernel
  if (m.flags & ~(MODE_FLAG_ALL | ModeFlag.PIC_AR_MASK)) return `flags 0x${m.flags.toString(16)} outside DRM_MODE_FLAG_ALL`;
  if ((m.flags & ModeFlag['3D_MASK']) >>> 14 > MODE_3D_MAX) return '3D layout out of range';
  if (m.clock === 0) return 'clock is 0';
  if (m.hdisplay === 0 || m.hsync_start < m.hdisplay || m.hsync_end < m.hsync_start || m.htotal < m.hsync_end)
    return `horizontal timings not monotonic (${m.hdisplay} ${m.hsync_start} ${m.hsync_end} ${m.htotal})`;
  if (m.vdisplay === 0 || m.vsync_start < m.vdisplay || m.vsync_end < m.vsync_start || m.vtotal < m.vsync_end)
    return `vertical timings not monotonic (${m.vdisplay} ${m.vsync_start} ${m.vsync_end} ${m.vtotal})`;
  return null;
}

const PIC_AR_VALUES = [ModeFlag.PIC_AR_NONE, ModeFlag.PIC_AR_4_3, ModeFlag.PIC_AR_16_9, ModeFlag.PIC_AR_64_27, ModeFlag.PIC_AR_256_135];

/**
 * drm_mode_convert_umode (uapi 2.35): ERANGE for clock/vrefresh > INT_MAX, unknown type bits
 * dropped, EINVAL for an unknown picture aspect ratio or a mode failing basic validation.
 * The returned mode keeps the aspect-ratio bits in flags.
 */
export function modeFromUser(u: ModeInfo): ModeInfo {
  if (u.clock > 0x7fffffff || u.vrefresh > 0x7fffffff) fail('ERANGE', `mode clock ${u.clock} or vrefresh ${u.vrefresh} exceeds INT_MAX`);
  const ar = u.flags & ModeFlag.PIC_AR_MASK;
  const m: ModeInfo = { ...u, type: u.type & ModeType.ALL, flags: u.flags & ~ModeFlag.PIC_AR_MASK, name: u.name.replace(/\0.*$/s, '').slice(0, 31) };
  if (!PIC_AR_VALUES.includes(ar as (typeof PIC_AR_VALUES)[number])) fail('EINVAL', `unknown picture aspect ratio 0x${ar.toString(16)}`);
  const problem = modeBasicProblem(m);
  if (problem) fail('EINVAL', `invalid mode "${m.name}": ${problem}`);
  m.flags |= ar;
  return m;
}

/** drm_mode_match with TIMINGS|CLOCK|FLAGS|3D_FLAGS (aspect ratio ignored). */
export function modeMatchNoAspect(a: ModeInfo, b: ModeInfo): boolean {
  return a.clock === b.clock && a.hdisplay === b.hdisplay && a.hsync_start === b.hsync_start && a.hsync_end === b.hsync_end &&
    a.htotal === b.htotal && a.hskew === b.hskew && a.vdisplay === b.vdisplay && a.vsync_start === b.vsync_start &&
    a.vsync_end === b.vsync_end && a.vtotal === b.vtotal && a.vscan === b.vscan &&
    (a.flags & ~ModeFlag.PIC_AR_MASK) === (b.flags & ~ModeFlag.PIC_AR_MASK);
}

/** drm_mode_equal (uapi 3.29): timings, clock, flags, 3D flags and aspect ratio; not name/type/vrefresh. */
export function modeEqual(a: ModeInfo | null, b: ModeInfo | null): boolean {
  if (!a || !b) return a === b;
  return modeMatchNoAspect(a, b) && (a.flags & ModeFlag.PIC_AR_MASK) === (b.flags & ModeFlag.PIC_AR_MASK);
}

/** drm_mode_sort's comparator: preferred first, then larger area, higher refresh, higher clock. */
export function compareModes(a: ModeInfo, b: ModeInfo): number {
  const pa = a.type & ModeType.PREFERRED ? 1 : 0, pb = b.type & ModeType.PREFERRED ? 1 : 0;
  return (pb - pa) || (b.hdisplay * b.vdisplay - a.hdisplay * a.vdisplay) || (modeVrefresh(b) - modeVrefresh(a)) || (b.clock - a.clock);
}

/** drm_mode_set_name: "<h>x<v>" plus "i" for interlaced. */
export function modeName(m: ModeInfo): string {
  return `${m.hdisplay}x${m.vdisplay}${m.flags & ModeFlag.INTERLACE ? 'i' : ''}`;
}
