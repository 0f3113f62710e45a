/**
 * The VKMS driver (≈ vkms_drv.c): identity, mode_config limits, and vkms_atomic_check (GAMMA_LUT
 * size, then drm_atomic_helper_check), plus this project's fault injection and atomic-check
 * policies.
 */
import { fail, type ErrnoName } from '../uapi/errno.js';
import { helperCheck, type AtomicContext, type Driver } from '../drm/driver/index.js';
import type { PolicyView, VkmsTypes } from './types.js';

export const XRES_MIN = 10, YRES_MIN = 10, XRES_MAX = 8192, YRES_MAX = 8192;

function policyView(ctx: AtomicContext<VkmsTypes>): PolicyView {
  const s = ctx.state;
  const planes: PolicyView['planes'] = [];
  for (const [p, e] of s.planes) {
    const ps = e.new;
    if (!ps.fb || !ps.crtc || !ps.visible) continue;
    planes.push({ id: p.id, name: p.name, type: p.type, crtcId: ps.crtc.id, srcW: ps.src_w / 65536, srcH: ps.src_h / 65536, crtcW: ps.crtc_w, crtcH: ps.crtc_h, format: ps.fb.format.format });
  }
  const crtcs: PolicyView['crtcs'] = [];
  for (const [c, e] of s.crtcs) crtcs.push({ id: c.id, name: c.name, active: e.new.active, width: e.new.mode.hdisplay, height: e.new.mode.vdisplay, modeChanged: e.new.mode_changed || e.new.active_changed || e.new.connectors_changed });
  return { planes, crtcs, origin: s.origin };
}

export const vkmsDriver: Driver<VkmsTypes> = {
  info: { name: 'vkms', desc: 'Virtual Kernel Mode Setting', date: '0', major: 1, minor: 0, patchlevel: 0 },
  features: { modeset: true, atomic: true, gem: true, dumb: true },
  modeConfig: () => ({
    minWidth: XRES_MIN, minHeight: YRES_MIN, maxWidth: XRES_MAX, maxHeight: YRES_MAX,
    cursorWidth: 512, cursorHeight: 512, preferredDepth: 0,
  }),
  atomicCheck(ctx) {
    const data = ctx.device.data;
    // fault injection: the next queued errno for this kind of commit
    const qi = data.faults.queued.findIndex((f) => f.origin === 'any' || f.origin === ctx.state.origin);
    if (qi >= 0) {
      const f = data.faults.queued.splice(qi, 1)[0]!;
      fail(f.errno as ErrnoName, `injected fault for the next ${f.origin} commit`);
    }
    // vkms_atomic_check: a GAMMA_LUT longer than the CRTC's LUT is refused
    for (const [crtc, e] of ctx.state.crtcs) {
      const lut = e.new.gamma_lut;
      if (!lut || !e.new.color_mgmt_changed) continue;
      if (lut.data.length / 8 > crtc.gammaSize) fail('EINVAL', `GAMMA_LUT has ${lut.data.length / 8} entries, the CRTC's LUT ${crtc.gammaSize}`);
    }
    helperCheck(ctx.state, ctx);
    if (data.policies.length) {
      const view = policyView(ctx);
      for (const p of data.policies) {
        const errno = p(view);
        if (errno) fail(errno as ErrnoName, 'refused by an atomic-check policy');
      }
    }
  },
};
