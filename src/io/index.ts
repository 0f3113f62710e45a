/**
 * io/: test patterns, PNG, framebuffer → image, golden images, drawing with node-canvas.
 * node-canvas is optional and only loaded by the drawing helpers.
 */
export { allocFramebuffer, checkFramebuffer, formatName, type FramebufferView } from './framebuffer.js';
export {
  PATTERNS, fillPattern, patternSupportsFormat, type PatternName, type PatternOptions, type YuvPatternMode,
} from './patterns.js';
export { vkmsYuvEncoder, type VkmsYuvEncoder } from './patterns-yuv-vkms.js';
export { PATTERN_FORMATS } from './pattern-formats.js';
export { drawPatternLabels, fillTilesWithLabels } from './pattern-labels.js';
export {
  argb16ToImage, createImage, putArgb16Line, toDepth, u16ToU8,
  type AlphaMode, type Argb16Frame, type RgbaImage, type RgbaImage16, type RgbaImage8,
} from './rgba.js';
export { decodePng, encodePng, type DecodePngOptions, type EncodePngOptions } from './png.js';
export { BUILTIN_READER_FORMATS, builtinLineReader, type LineReader } from './fb-readers.js';
export { argb16ToPng, framebufferToImage, framebufferToPng, type FramebufferImageOptions } from './fb-image.js';
export {
  DEFAULT_TOLERANCE, assertMatchesReference, checkReferenceImage, compareImages, diffImage, toImage,
  type CompareOptions, type CompareResult, type ImageSource, type PixelMismatch, type ReferenceCheck,
  type ReferenceImageOptions,
} from './golden.js';
export {
  CANVAS_FORMATS, CANVAS_INSTALL_HINT, CanvasUnavailableError, canvasAvailable, drawWithCanvas, loadCanvas,
  setCanvasLoader, type CanvasContext, type CanvasModule, type CanvasObject, type DrawOptions,
} from './canvas.js';
export { FrameRecorder, type RecorderOptions, type RecorderReport, type Argb16FrameIn, type FbFrameIn } from './recorder.js';
