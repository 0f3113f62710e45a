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
 * - `noise` is not offered: in modetest's code it falls through to black-white (missing `break`s
 *   in get_rgb_color), and its intended colours come from glibc's rand().
 */
import { formatInfo, planeHeight } from '../uapi/fourcc.js';
import { checkFramebuffer, formatName, type FramebufferView } from './framebuffer.js';
import { patternLayout, type PatternLayout } from './pattern-formats.js';
import { blackWhiteRgb, gradientRgb, smpteRgb, tilesRgbFill, type Plane } from './patterns-rgb.js';
import { smpteYuvPacked, smpteYuvPlanar, tilesYuvPacked, tilesYuvPlanar } from './patterns-yuv.js';

export type PatternName = 'smpte' | 'tiles' | 'plain' | 'gradient' | 'black-white';

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

/** Whether `pattern` can be drawn in `format`. */
export function patternSupportsFormat(pattern: PatternName, format: number): boolean {
  const l = patternLayout(format);
  return l !== undefined && supports(pattern, l);
}

function plane0(fb: FramebufferView): Plane {
  return { data: fb.data[0]!, offset: fb.offsets[0]!, pitch: fb.pitches[0]!, width: fb.width, height: fb.height };
}

/**
 * Draws `pattern` into `target` (all its planes, as modetest does). Throws a RangeError naming
 * the field for a malformed target, and for a pattern/format pair modetest does not draw.
 */
export function fillPattern(pattern: PatternName, target: FramebufferView): void {
  if (!PATTERNS.includes(pattern)) {
    throw new RangeError(`fillPattern: pattern=${JSON.stringify(pattern)} is not one of ${PATTERNS.join(', ')}`);
  }
  checkFramebuffer(target, 'fillPattern');
  const l = patternLayout(target.format);
  if (!l) throw new RangeError(`fillPattern: format ${formatName(target.format)} has no modetest pattern support`);
  if (!supports(pattern, l)) {
    throw new RangeError(
      `fillPattern: pattern '${pattern}' is not drawn by modetest in format ${formatName(target.format)} (only 32- and 64-bit RGB formats)`,
    );
  }
  if (l.kind === 'yuv' && l.layout === 'packed' && target.width % 2 !== 0) {
    throw new RangeError(`fillPattern: width=${target.width} must be even for ${formatName(target.format)} (2 pixels share one chroma pair)`);
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
