/**
 * Kernel profiles: what VKMS looks like on a given kernel. `linux-6.12` reproduces the 6.12 LTS
 * module (../shared/reference/vkms-6.12); `latest` is mainline VKMS (vkms-semantics.md §1).
 */
import { Fourcc, VKMS_PLANE_FORMATS } from '../uapi/fourcc.js';

export type ProfileName = 'linux-6.12' | 'latest';

export interface VkmsProfile {
  readonly name: ProfileName;
  /** Plane formats, in vkms_formats[] order (= IN_FORMATS order). */
  readonly planeFormats: readonly number[];
  /** Writeback formats, in vkms_wb_formats[] order. */
  readonly writebackFormats: readonly number[];
  /** COLOR_ENCODING / COLOR_RANGE on planes (drm_plane_create_color_properties). */
  readonly colorProperties: boolean;
  /**
   * Creation order of the output objects: 6.12's vkms_output_init makes the connector before its
   * encoder and the writeback connector last; the configfs-era code makes every CRTC (with its
   * writeback) first, then encoders, then connectors.
   */
  readonly objectOrder: 'linux-6.12' | 'config';
  /** Encoders' possible_clones: every encoder incl. writeback (latest) or left 0 (fixed up to itself at registration, 6.12). */
  readonly encoderClonesAll: boolean;
  readonly desc: string;
}

export const PROFILES: Readonly<Record<ProfileName, VkmsProfile>> = {
  'linux-6.12': {
    name: 'linux-6.12',
    planeFormats: [Fourcc.ARGB8888, Fourcc.XRGB8888, Fourcc.XRGB16161616, Fourcc.ARGB16161616, Fourcc.RGB565],
    writebackFormats: [Fourcc.ARGB8888, Fourcc.XRGB8888, Fourcc.XRGB16161616, Fourcc.ARGB16161616, Fourcc.RGB565],
    colorProperties: false,
    objectOrder: 'linux-6.12',
    encoderClonesAll: false,
    desc: 'Virtual Kernel Mode Setting',
  },
  latest: {
    name: 'latest',
    planeFormats: VKMS_PLANE_FORMATS,
    writebackFormats: [Fourcc.ARGB8888, Fourcc.XRGB8888, Fourcc.ABGR8888, Fourcc.XRGB16161616, Fourcc.ARGB16161616, Fourcc.RGB565],
    colorProperties: true,
    objectOrder: 'config',
    encoderClonesAll: true,
    desc: 'Virtual Kernel Mode Setting',
  },
};
