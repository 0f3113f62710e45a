/** Configured connector modes: "WxH", "WxH@R" from the DMT list (else CVT), or full timings. */
import { DRM_DMT_MODES } from '../drm/driver/index.js';
import { ModeType } from '../uapi/drm-mode.js';
import type { ModeInfo } from '../uapi/ioctl-structs.js';
import { VkmsConfigError, type ConnectorConfig } from './config.js';

function vrefresh(m: ModeInfo): number {
  return Math.round((m.clock * 1000) / (m.htotal * m.vtotal));
}

export function parseModeString(s: string, path: string): ModeInfo {
  const m = /^(\d+)x(\d+)(?:@(\d+(?:\.\d+)?))?$/.exec(s.trim());
  if (!m) throw new VkmsConfigError(path, `mode "${s}" is not WxH or WxH@R`);
  const w = Number(m[1]), h = Number(m[2]), r = m[3] ? Number(m[3]) : undefined;
  const cands = DRM_DMT_MODES.filter((d) => d.hdisplay === w && d.vdisplay === h && !(d.flags & 16) && (r === undefined || Math.abs(vrefresh(d) - r) < 0.5));
  if (cands.length === 0) throw new VkmsConfigError(path, `no standard (DMT) mode ${s}; give full timings instead`);
  // the highest refresh unless one was asked for
  const best = cands.reduce((a, b) => (vrefresh(b) > vrefresh(a) ? b : a));
  return { ...best, type: ModeType.DRIVER };
}

export function resolveModes(c: ConnectorConfig, i: number): ModeInfo[] {
  return (c.modes ?? []).map((e, j) => {
    const path = `connectors[${i}].modes[${j}]`;
    const mode = typeof e.mode === 'string' ? parseModeString(e.mode, path) : { ...e.mode, type: ModeType.DRIVER | (e.mode.type ?? 0) };
    if (typeof e.mode !== 'string') {
      for (const k of ['clock', 'hdisplay', 'hsync_start', 'hsync_end', 'htotal', 'vdisplay', 'vsync_start', 'vsync_end', 'vtotal'] as const)
        if (!Number.isInteger(mode[k]) || mode[k] < 0) throw new VkmsConfigError(`${path}.mode.${k}`, 'must be a non-negative integer');
      mode.name ||= `${mode.hdisplay}x${mode.vdisplay}`;
      mode.hskew ??= 0; mode.vscan ??= 0; mode.flags ??= 0; mode.vrefresh = 0;
    }
    if (e.preferred) mode.type |= ModeType.PREFERRED;
    return mode;
  });
}
