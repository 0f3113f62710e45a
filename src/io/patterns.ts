/**
 * modetest's test patterns (`-F smpte|tiles|plain|gradient|black-white`), drawn into a
 * framebuffer's memory exactly as libdrm's tests/util/pattern.c draws them.
 *
 * Support per pattern (as in modetest; a format modetest leaves untouched is an error here):
 * - smpte, tiles: every packed RGB format of modetest's table (16/24/32-bit, 2101010, 16161616F),
 *   the UNORM 16161616 formats (extension), packed YUV (YUYV, YVYU, UYVY, VYUY), NV12/21/16/61/24/42,
 *   YUV/YVU 420/422/444.
 * - plain: every format above; fills plane 0 (only) with 0x77 bytes (0x38 for the half-float formats).
 * - gradient, black-white: the 32-bit formats (8888, 2101010 families), 16161616F, and the UNORM
 *   16161616 extension.
 *
 * YUV formats have two modes (`opts.yuv`):
 * - 'vkms' (the default): each pixel gets the colour the pattern has in RGB, converted with the
 *   exact inverse of the matrix VKMS reads the plane with (`opts.colorEncoding` / `opts.colorRange`,
 *   VKMS's property defaults BT.601 / full), chroma taken from the top-left pixel of each
 *   subsampling block, so VKMS composes the YUV buffer into the RGB pattern's colours (see
 *   patterns-yuv-vkms.ts). `plain` is the grey 0x777777 of an XRGB8888 plain buffer, on every plane.
 *   P010/P012/P016 (VKMS formats modetest does not draw) are supported for smpte, tiles and plain.
 * - 'modetest': modetest's own bytes (MAKE_YUV_601, BT.601 limited range, modetest's chroma
 *   placement; plain memsets plane 0 only).
 * - `noise` is not offered: in modetest's code it falls through to black-white (missing `break`s
 *   in get_rgb_color), and its intended colours come from glibc's rand().
 */
import { formatInfo, planeHeight } from '../uapi/fourcc.js';
import { checkFramebuffer, formatName, type FramebufferView } from './framebuffer.js';
import { patternLayout, type PatternLayout } from './pattern-formats.js';
import { blackWhiteRgb, gradientRgb, smpteRgb, tilesRgbFill, type Plane } from './patterns-rgb.js';
import { smpteYuvPacked, smpteYuvPlanar, tilesYuvPacked, tilesYuvPlanar } from './patterns-yuv.js';
import {
  checkColorProps, fillYuvVkms, p01xBits, smpteRows, solidRows, tilesRows, vkmsYuvEncoder, type RowColours,
} from './patterns-yuv-vkms.js';

export type PatternName = 'smpte' | 'tiles' | 'plain' | 'gradient' | 'black-white';

/** How YUV formats are drawn: see the module comment. */
export type YuvPatternMode = 'vkms' | 'modetest';

export interface PatternOptions {
  /** YUV formats: 'vkms' (default) = inverse of VKMS's matrix; 'modetest' = modetest's bytes. RGB formats ignore it. */
  readonly yuv?: YuvPatternMode;
  /** 'vkms' mode: the plane's COLOR_ENCODING: 0 BT.601 (default), 1 BT.709, 2 BT.2020. */
  readonly colorEncoding?: number;
  /** 'vkms' mode: the plane's COLOR_RANGE: 0 limited, 1 full (default). */
  readonly colorRange?: number;
}

function yuvMode(opts: PatternOptions | undefined): YuvPatternMode {
  const m = opts?.yuv ?? 'vkms';
  if (m !== 'vkms' && m !== 'modetest') {
    throw new RangeError(`fillPattern: yuv=${JSON.stringify(m)} must be 'vkms' or 'modetest'`);
  }
  return m;
}

/** The patterns, in modetest's order of names. */
export const PATTERNS: readonly PatternName[] = ['tiles', 'smpte', 'plain', 'gradient', 'black-white'];

function supports(pattern: PatternName, l: PatternLayout): boolean {
  switch (pattern) {
    case 'smpte':
    case 'tiles':
    case 'plain':
      return true;
    case 'gradient':
    case 'black-white':
      return l.kind === 'rgb' && (l.cpp === 4 || l.cpp === 8);
  }
}

/** P010/P012/P016, drawn in 'vkms' mode only: the patterns with a colour per pixel, and plain. */
const supportsP01x = (pattern: PatternName): boolean => pattern === 'smpte' || pattern === 'tiles' || pattern === 'plain';

/** Whether `pattern` can be drawn in `format` (with `opts.yuv`, default 'vkms'). */
export function patternSupportsFormat(pattern: PatternName, format: number, opts?: PatternOptions): boolean {
  const l = patternLayout(format);
  if (l !== undefined) return supports(pattern, l);
  return yuvMode(opts) === 'vkms' && p01xBits(format) !== undefined && supportsP01x(pattern);
}

function plane0(fb: FramebufferView): Plane {
  return { data: fb.data[0]!, offset: fb.offsets[0]!, pitch: fb.pitches[0]!, width: fb.width, height: fb.height };
}

/**
 * Draws `pattern` into `target` (all its planes, as modetest does). Throws a RangeError naming
 * the field for a malformed target or option, and for a pattern/format pair that is not drawn.
 * YUV formats are drawn as `opts` says (default: 'vkms' mode, BT.601, full range).
 */
export function fillPattern(pattern: PatternName, target: FramebufferView, opts?: PatternOptions): void {
  if (!PATTERNS.includes(pattern)) {
    throw new RangeError(`fillPattern: pattern=${JSON.stringify(pattern)} is not one of ${PATTERNS.join(', ')}`);
  }
  const mode = yuvMode(opts);
  const props = mode === 'vkms' ? checkColorProps(opts?.colorEncoding, opts?.colorRange) : null;
  checkFramebuffer(target, 'fillPattern');
  const l = patternLayout(target.format);
  const pBits = p01xBits(target.format);
  if (!l && props && pBits !== undefined) {
    if (!supportsP01x(pattern)) {
      throw new RangeError(`fillPattern: pattern '${pattern}' is not drawn in format ${formatName(target.format)} (only smpte, tiles and plain)`);
    }
    fillYuvVkms(undefined, target, vkmsRows(pattern, target), vkmsYuvEncoder(props.encoding, props.range, pBits));
    return;
  }
  if (!l) throw new RangeError(`fillPattern: format ${formatName(target.format)} has no modetest pattern support`);
  if (!supports(pattern, l)) {
    throw new RangeError(
      `fillPattern: pattern '${pattern}' is not drawn by modetest in format ${formatName(target.format)} (only 32- and 64-bit RGB formats)`,
    );
  }
  if (l.kind === 'yuv' && l.layout === 'packed' && target.width % 2 !== 0) {
    throw new RangeError(`fillPattern: width=${target.width} must be even for ${formatName(target.format)} (2 pixels share one chroma pair)`);
  }
  if (l.kind === 'yuv' && props) {
    fillYuvVkms(l, target, vkmsRows(pattern, target), vkmsYuvEncoder(props.encoding, props.range, 8));
    return;
  }
  switch (pattern) {
    case 'plain': {
      const info = formatInfo(target.format)!;
      const data = target.data[0]!;
      const start = target.offsets[0]!;
      // modetest: memset(planes[0], value, stride * height); clamped to the buffer.
      const end = Math.min(data.length, start + target.pitches[0]! * planeHeight(info, target.height, 0));
      data.fill(l.kind === 'rgb' && l.float ? 0x38 : 0x77, start, end);
      return;
    }
    case 'smpte':
      if (l.kind === 'rgb') smpteRgb(l, plane0(target));
      else if (l.layout === 'packed') smpteYuvPacked(l, target);
      else smpteYuvPlanar(l, target);
      return;
    case 'tiles':
      if (l.kind === 'rgb') tilesRgbFill(l, plane0(target));
      else if (l.layout === 'packed') tilesYuvPacked(l, target);
      else tilesYuvPlanar(l, target);
      return;
    case 'gradient':
      if (l.kind === 'rgb') gradientRgb(l, plane0(target));
      return;
    case 'black-white':
      if (l.kind === 'rgb') blackWhiteRgb(l, plane0(target));
      return;
  }
}

/** 'vkms' mode: the RGB colours of `pattern` (smpte, tiles or plain), row by row. */
function vkmsRows(pattern: PatternName, t: FramebufferView): RowColours {
  switch (pattern) {
    case 'smpte':
      return smpteRows(t.width, t.height);
    case 'tiles':
      return tilesRows(t.width);
    case 'plain':
      return solidRows(0x777777);
    default:
      throw new RangeError(`fillPattern: pattern '${pattern}' has no YUV form`);
  }
}
