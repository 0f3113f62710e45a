/** Constants of include/uapi/drm/drm_mode.h and drm.h that userspace sees. */

/** Mode object types (uapi 1.3). */
export const ObjectType = {
  ANY: 0,
  CRTC: 0xcccccccc,
  CONNECTOR: 0xc0c0c0c0,
  ENCODER: 0xe0e0e0e0,
  MODE: 0xdededede,
  PROPERTY: 0xb0b0b0b0,
  FB: 0xfbfbfbfb,
  BLOB: 0xbbbbbbbb,
  PLANE: 0xeeeeeeee,
} as const;
export type ObjectTypeCode = (typeof ObjectType)[keyof typeof ObjectType];

/** Property flag bits (uapi 2.3). */
export const PropFlag = {
  PENDING: 1 << 0,
  RANGE: 1 << 1,
  IMMUTABLE: 1 << 2,
  ENUM: 1 << 3,
  BLOB: 1 << 4,
  BITMASK: 1 << 5,
  /** Mask of the legacy types. */
  LEGACY_TYPE: (1 << 1) | (1 << 3) | (1 << 4) | (1 << 5),
  EXTENDED_TYPE: 0x0000ffc0,
  OBJECT: 1 << 6,
  SIGNED_RANGE: 2 << 6,
  ATOMIC: 0x80000000,
} as const;

export const PlaneType = { OVERLAY: 0, PRIMARY: 1, CURSOR: 2 } as const;
export type PlaneTypeCode = (typeof PlaneType)[keyof typeof PlaneType];

export const ConnectorType = {
  Unknown: 0, VGA: 1, DVII: 2, DVID: 3, DVIA: 4, Composite: 5, SVIDEO: 6, LVDS: 7, Component: 8,
  '9PinDIN': 9, DisplayPort: 10, HDMIA: 11, HDMIB: 12, TV: 13, eDP: 14, VIRTUAL: 15, DSI: 16, DPI: 17,
  WRITEBACK: 18, SPI: 19, USB: 20,
} as const;
/** drm_connector_enum_list names, used for "<Type>-<type_id>" connector names (uapi 1.9). */
export const CONNECTOR_TYPE_NAMES: readonly string[] = [
  'Unknown', 'VGA', 'DVI-I', 'DVI-D', 'DVI-A', 'Composite', 'SVIDEO', 'LVDS', 'Component', 'DIN', 'DP',
  'HDMI-A', 'HDMI-B', 'TV', 'eDP', 'Virtual', 'DSI', 'DPI', 'Writeback', 'SPI', 'USB',
];

export const EncoderType = { NONE: 0, DAC: 1, TMDS: 2, LVDS: 3, TVDAC: 4, VIRTUAL: 5, DSI: 6, DPMST: 7, DPI: 8 } as const;

export const ConnectorStatus = { connected: 1, disconnected: 2, unknown: 3 } as const;
export type ConnectorStatusCode = 1 | 2 | 3;

/** enum subpixel_order (include/drm/drm_connector.h) as GETCONNECTOR reports it. */
export const SubPixel = { UNKNOWN: 0, HORIZONTAL_RGB: 1, HORIZONTAL_BGR: 2, VERTICAL_RGB: 3, VERTICAL_BGR: 4, NONE: 5 } as const;

export const ModeType = {
  BUILTIN: 1 << 0, CLOCK_C: (1 << 1) | (1 << 0), CRTC_C: (1 << 2) | (1 << 0),
  PREFERRED: 1 << 3, DEFAULT: 1 << 4, USERDEF: 1 << 5, DRIVER: 1 << 6,
  ALL: (1 << 3) | (1 << 5) | (1 << 6),
} as const;

export const ModeFlag = {
  PHSYNC: 1 << 0, NHSYNC: 1 << 1, PVSYNC: 1 << 2, NVSYNC: 1 << 3, INTERLACE: 1 << 4, DBLSCAN: 1 << 5,
  CSYNC: 1 << 6, PCSYNC: 1 << 7, NCSYNC: 1 << 8, HSKEW: 1 << 9, BCAST: 1 << 10, PIXMUX: 1 << 11,
  DBLCLK: 1 << 12, CLKDIV2: 1 << 13,
  '3D_MASK': 0x1f << 14, '3D_NONE': 0, '3D_FRAME_PACKING': 1 << 14, '3D_SIDE_BY_SIDE_HALF': 8 << 14,
  PIC_AR_MASK: 0x0f << 19, PIC_AR_NONE: 0, PIC_AR_4_3: 1 << 19, PIC_AR_16_9: 2 << 19,
  PIC_AR_64_27: 3 << 19, PIC_AR_256_135: 4 << 19,
} as const;
/** DRM_MODE_FLAG_ALL: the flags userspace may pass (BCAST and PIXMUX excluded). */
export const MODE_FLAG_ALL =
  ModeFlag.PHSYNC | ModeFlag.NHSYNC | ModeFlag.PVSYNC | ModeFlag.NVSYNC | ModeFlag.INTERLACE |
  ModeFlag.DBLSCAN | ModeFlag.CSYNC | ModeFlag.PCSYNC | ModeFlag.NCSYNC | ModeFlag.HSKEW |
  ModeFlag.DBLCLK | ModeFlag.CLKDIV2 | ModeFlag['3D_MASK'];
export const MODE_3D_MAX = 8; // DRM_MODE_FLAG_3D_SIDE_BY_SIDE_HALF >> 14

/** Plane rotation / reflection bits (uapi 2.22). */
export const Rotation = {
  ROTATE_0: 1 << 0, ROTATE_90: 1 << 1, ROTATE_180: 1 << 2, ROTATE_270: 1 << 3,
  REFLECT_X: 1 << 4, REFLECT_Y: 1 << 5,
  ROTATE_MASK: 0x0f, REFLECT_MASK: 0x30,
} as const;

export const BlendMode = { PREMULTI: 0, COVERAGE: 1, NONE: 2 } as const;
export const ColorEncoding = { BT601: 0, BT709: 1, BT2020: 2 } as const;
export const ColorRange = { LIMITED: 0, FULL: 1 } as const;
export const Dpms = { On: 0, Standby: 1, Suspend: 2, Off: 3 } as const;
export const LinkStatus = { Good: 0, Bad: 1 } as const;

/** DRM_MODE_ATOMIC_* and page-flip flags (uapi 3.1). */
export const AtomicFlag = {
  PAGE_FLIP_EVENT: 0x01, PAGE_FLIP_ASYNC: 0x02, TEST_ONLY: 0x100, NONBLOCK: 0x200, ALLOW_MODESET: 0x400,
} as const;
export const ATOMIC_FLAGS_ALL = 0x01 | 0x02 | 0x100 | 0x200 | 0x400;
export const PageFlip = { EVENT: 0x01, ASYNC: 0x02, TARGET_ABSOLUTE: 0x04, TARGET_RELATIVE: 0x08 } as const;
export const PAGE_FLIP_FLAGS_ALL = 0x0f;

export const CursorFlag = { BO: 0x01, MOVE: 0x02 } as const;
export const FbFlag = { INTERLACED: 1, MODIFIERS: 2 } as const;
export const DirtyFlag = { ANNOTATE_COPY: 1, ANNOTATE_FILL: 2 } as const;
export const FB_DIRTY_MAX_CLIPS = 256;

/** DRM_CAP_* (uapi 1.16). */
export const Cap = {
  DUMB_BUFFER: 0x1, VBLANK_HIGH_CRTC: 0x2, DUMB_PREFERRED_DEPTH: 0x3, DUMB_PREFER_SHADOW: 0x4,
  PRIME: 0x5, TIMESTAMP_MONOTONIC: 0x6, ASYNC_PAGE_FLIP: 0x7, CURSOR_WIDTH: 0x8, CURSOR_HEIGHT: 0x9,
  ADDFB2_MODIFIERS: 0x10, PAGE_FLIP_TARGET: 0x11, CRTC_IN_VBLANK_EVENT: 0x12, SYNCOBJ: 0x13,
  SYNCOBJ_TIMELINE: 0x14, ATOMIC_ASYNC_PAGE_FLIP: 0x15,
} as const;
export const PRIME_CAP_IMPORT = 0x1;
export const PRIME_CAP_EXPORT = 0x2;

/** DRM_CLIENT_CAP_* (uapi 1.11–1.15). */
export const ClientCap = {
  STEREO_3D: 1, UNIVERSAL_PLANES: 2, ATOMIC: 3, ASPECT_RATIO: 4, WRITEBACK_CONNECTORS: 5,
  CURSOR_PLANE_HOTSPOT: 6,
} as const;

/** WAIT_VBLANK request type bits (drm.h). */
export const VBlank = {
  ABSOLUTE: 0x0, RELATIVE: 0x1, HIGH_CRTC_MASK: 0x3e, HIGH_CRTC_SHIFT: 1,
  EVENT: 0x4000000, FLIP: 0x8000000, NEXTONMISS: 0x10000000, SECONDARY: 0x20000000, SIGNAL: 0x40000000,
  /** _DRM_VBLANK_FLAGS_MASK: EVENT | SIGNAL | SECONDARY | NEXTONMISS (FLIP is not in it). */
  TYPES_MASK: 0x1, FLAGS_MASK: 0x4000000 | 0x10000000 | 0x20000000 | 0x40000000,
} as const;
export const CrtcSequence = { RELATIVE: 0x1, NEXT_ON_MISS: 0x2 } as const;

/** Lengths of fixed strings in uapi structs. */
export const PROP_NAME_LEN = 32;
export const DISPLAY_MODE_LEN = 32;
/** sizeof(struct drm_mode_modeinfo). */
export const MODEINFO_SIZE = 68;
/** sizeof(struct drm_mode_property_enum). */
export const PROPERTY_ENUM_SIZE = 40;
/** sizeof(struct drm_color_lut) and drm_color_ctm. */
export const COLOR_LUT_ENTRY_SIZE = 8;
export const COLOR_CTM_SIZE = 72;
/** sizeof(struct drm_mode_rect) — FB_DAMAGE_CLIPS entries. */
export const MODE_RECT_SIZE = 16;

/** DRM_MODE_OBJECT_COLOROP (drm_mode.h, ≈6.19): a colour operation of a plane's COLOR_PIPELINE. */
export const OBJECT_COLOROP = 0xfafafafa;
/** Every mode object type code, colorops included. */
export type ModeObjectTypeCode = ObjectTypeCode | typeof OBJECT_COLOROP;
/**
 * DRM_CLIENT_CAP_PLANE_COLOR_PIPELINE (drm.h, ≈6.19): the client drives plane colour through
 * COLOR_PIPELINE and colorops (needs ATOMIC first; hides COLOR_ENCODING / COLOR_RANGE).
 */
export const CLIENT_CAP_PLANE_COLOR_PIPELINE = 7;

/** enum drm_colorop_type (drm_mode.h): the TYPE property of a colorop. */
export const ColoropType = { CURVE_1D: 0, LUT_1D: 1, CTM_3X4: 2, MULTIPLIER: 3, LUT_3D: 4 } as const;
/** The TYPE enum names, in drm_colorop_type_enum_list order. */
export const COLOROP_TYPE_NAMES: readonly string[] = ['1D Curve', '1D LUT', '3x4 Matrix', 'Multiplier', '3D LUT'];
/** enum drm_colorop_curve_1d_type (drm_mode.h): the CURVE_1D_TYPE values. */
export const ColoropCurve1d = {
  SRGB_EOTF: 0, SRGB_INV_EOTF: 1, PQ_125_EOTF: 2, PQ_125_INV_EOTF: 3, BT2020_INV_OETF: 4, BT2020_OETF: 5,
  GAMMA22: 6, GAMMA22_INV: 7,
} as const;
/** DRM_COLOROP_1D_CURVE_COUNT. */
export const COLOROP_1D_CURVE_COUNT = 8;
/** The CURVE_1D_TYPE enum names, indexed by drm_colorop_curve_1d_type. */
export const COLOROP_CURVE_1D_NAMES: readonly string[] = [
  'sRGB EOTF', 'sRGB Inverse EOTF', 'PQ 125 EOTF', 'PQ 125 Inverse EOTF', 'BT.2020 Inverse OETF', 'BT.2020 OETF',
  'Gamma 2.2', 'Gamma 2.2 Inverse',
];
/** enum drm_colorop_lut1d_interpolation_type / drm_colorop_lut3d_interpolation_type. */
export const ColoropLut1dInterpolation = { LINEAR: 0 } as const;
export const ColoropLut3dInterpolation = { TETRAHEDRAL: 0 } as const;
/** sizeof(struct drm_color_ctm_3x4): 12 S31.32 sign-magnitude u64 (the DATA blob of a 3x4 Matrix colorop). */
export const COLOR_CTM_3X4_SIZE = 96;
/** sizeof(struct drm_color_lut32): red, green, blue, reserved as u32. */
export const COLOR_LUT32_ENTRY_SIZE = 16;
