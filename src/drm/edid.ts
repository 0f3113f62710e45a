/**
 * EDID support (≈ drivers/gpu/drm/drm_edid.c): generating an EDID 1.4 for a virtual monitor and
 * parsing an EDID into the mode list the kernel would probe from it. Split over:
 * - edid-generate.ts: generateEdid, encodeDetailedTiming
 * - edid-parse.ts: parseEdid, detailedTimingToMode, standardTimingToMode, block checks
 * - cvt-gtf.ts: cvtMode, gtfMode, gtfModeComplex (drm_modes.c)
 * - dmt-modes.ts: the DMT / established-timing tables, findDmtMode
 */
export { generateEdid, encodeDetailedTiming } from './edid-generate.js';
export type { GenerateEdidOptions, EdidRangeOptions } from './edid-generate.js';
export {
  parseEdid, detailedTimingToMode, standardTimingToMode, edidBlockChecksum, edidHeaderScore,
  EDID_LENGTH, EDID_HEADER, EdidExt, EdidDescriptor, EdidRangeFlag, EdidFeature, EdidPt, TimingLevel,
} from './edid-parse.js';
export type { ParsedEdid, ParseEdidOptions, EdidRangeLimits, StdTimingContext, TimingLevelCode } from './edid-parse.js';
export { cvtMode, gtfMode, gtfModeComplex } from './cvt-gtf.js';
