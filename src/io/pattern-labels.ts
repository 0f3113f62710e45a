/**
 * modetest's "make_pwetty" overlay for the tiles pattern (drawn when libdrm is built with cairo):
 * every 250 pixels a cross-hair with a circle and the text "x, y", black outline under white.
 * Needs node-canvas; the text depends on the installed fonts, so it is not bit-exact across hosts.
 */
import { Fourcc } from '../uapi/fourcc.js';
import { canvasAvailable, drawWithCanvas, type CanvasContext } from './canvas.js';
import { checkFramebuffer, formatName, type FramebufferView } from './framebuffer.js';
import { fillPattern } from './patterns.js';

/** Only black and white are drawn, so the R/B order of a format does not matter (as in modetest). */
const LABEL_FORMATS = new Map<number, number>([
  [Fourcc.ARGB8888, Fourcc.ARGB8888],
  [Fourcc.XRGB8888, Fourcc.XRGB8888],
  [Fourcc.ABGR8888, Fourcc.ARGB8888],
  [Fourcc.XBGR8888, Fourcc.XRGB8888],
  [Fourcc.RGB565, Fourcc.RGB565],
  [Fourcc.BGR565, Fourcc.RGB565],
]);

function pwetty(ctx: CanvasContext, width: number, height: number): void {
  ctx.lineCap = 'square';
  ctx.font = '10px sans-serif';
  for (let x = 0; x < width; x += 250) {
    for (let y = 0; y < height; y += 250) {
      ctx.beginPath();
      ctx.moveTo(x, y - 20);
      ctx.lineTo(x, y + 20);
      ctx.moveTo(x - 20, y);
      ctx.lineTo(x + 20, y);
      ctx.moveTo(x + 10, y);
      ctx.arc(x, y, 10, 0, Math.PI * 2);
      ctx.lineWidth = 4;
      ctx.strokeStyle = '#000';
      ctx.stroke();
      ctx.lineWidth = 2;
      ctx.strokeStyle = '#fff';
      ctx.stroke();

      const text = `${x}, ${y}`;
      ctx.strokeStyle = '#000';
      ctx.strokeText(text, x + 20, y + 20);
      ctx.fillStyle = '#fff';
      ctx.fillText(text, x + 20, y + 20);
    }
  }
}

/**
 * Draws modetest's cross-hairs and coordinate labels over a framebuffer (XRGB/ARGB/XBGR/ABGR8888,
 * RGB565/BGR565, like modetest). The marks are blended over the pattern, so every pixel they do not
 * touch keeps its bytes. Needs node-canvas.
 */
export async function drawPatternLabels(target: FramebufferView): Promise<void> {
  checkFramebuffer(target, 'drawPatternLabels');
  const as = LABEL_FORMATS.get(target.format >>> 0);
  if (as === undefined) {
    throw new RangeError(
      `drawPatternLabels: format ${formatName(target.format)} is not supported (modetest labels only 8888 and 565 formats)`,
    );
  }
  await drawWithCanvas(target, (ctx) => pwetty(ctx, target.width, target.height), { asFormat: as, mode: 'overlay' });
}

/**
 * `tiles` with modetest's cairo labels on top, as a modetest built with cairo draws it. Needs
 * node-canvas; with `ifAvailable: true` a missing node-canvas just leaves the plain tiles (like a
 * modetest built without cairo). Resolves to whether the labels were drawn.
 */
export async function fillTilesWithLabels(target: FramebufferView, opts: { ifAvailable?: boolean } = {}): Promise<boolean> {
  fillPattern('tiles', target);
  if (opts.ifAvailable && !(await canvasAvailable())) return false;
  await drawPatternLabels(target);
  return true;
}
