/**
 * Small grayscale images (MNIST digits, Image GPT samples) as one PNG grid.
 *
 *   const png = lg.grayGridPng(sample.images, 28, 28, { palette: sample.palette, cols: 8, scale: 3 });
 *   lg.showPng(png);
 *   fs.writeFileSync('figures/samples.png', png);
 *
 * Images are row-major arrays. With a `palette` each value is a level index (the quantized pixels
 * a pixel GPT predicts) mapped to the gray value `palette[level]`; without one each value is
 * already a gray value 0–255. Pixels are enlarged by whole multiples (nearest neighbour), so a
 * 28×28 digit stays crisp instead of being smoothed by the browser.
 *
 * @napi-rs/canvas, not node-canvas: node-canvas needs cairo/pango development packages to build,
 * @napi-rs/canvas ships prebuilt binaries with the same API for what we use.
 */
import { createCanvas, ImageData } from '@napi-rs/canvas';
import { showBundle } from './display';

export interface GridOptions {
  /** Gray value (0–255) of each level; absent: values are gray values already. */
  readonly palette?: readonly number[];
  /** Images per row (default: up to 10). */
  readonly cols?: number;
  /** Integer enlargement of every pixel (default 2). */
  readonly scale?: number;
  /** Pixels between images, before scaling (default 1). */
  readonly gap?: number;
  /** Gray value of the gaps and empty cells (default 255, white). */
  readonly background?: number;
}

/** Grid layout in output pixels: where image k's top-left corner lands. */
export function gridLayout(count: number, width: number, height: number, options: GridOptions = {}) {
  const cols = Math.max(1, Math.min(options.cols ?? 10, count));
  const rows = Math.max(1, Math.ceil(count / cols));
  const scale = Math.max(1, Math.round(options.scale ?? 2));
  const gap = options.gap ?? 1;
  const cellW = (width + gap) * scale;
  const cellH = (height + gap) * scale;
  return {
    cols,
    rows,
    scale,
    canvasWidth: cols * cellW - gap * scale,
    canvasHeight: rows * cellH - gap * scale,
    origin: (k: number) => ({ x: (k % cols) * cellW, y: Math.floor(k / cols) * cellH }),
  };
}

function grayOf(value: number, palette: readonly number[] | undefined, where: string): number {
  const g = palette === undefined ? value : palette[value];
  if (g === undefined || !Number.isFinite(g)) {
    throw new RangeError(`grayGridPng: ${where} has value ${value}, ${palette ? `not a level of a ${palette.length}-level palette` : 'not a gray value'}`);
  }
  return Math.max(0, Math.min(255, Math.round(g)));
}

/** RGBA pixels of the grid (exported for tests: the PNG itself is only checked by its header). */
export function grayGridPixels(images: readonly ArrayLike<number>[], width: number, height: number, options: GridOptions = {}) {
  if (images.length === 0) throw new RangeError('grayGridPng: no images');
  const layout = gridLayout(images.length, width, height, options);
  const { scale, canvasWidth: W, canvasHeight: H } = layout;
  const rgba = new Uint8ClampedArray(W * H * 4).fill(options.background ?? 255);
  images.forEach((img, k) => {
    if (img.length !== width * height) throw new RangeError(`grayGridPng: image ${k} has ${img.length} pixels, expected ${width}×${height}`);
    const o = layout.origin(k);
    for (let y = 0; y < height; y++) {
      for (let x = 0; x < width; x++) {
        const g = grayOf(img[y * width + x], options.palette, `image ${k} pixel (${x}, ${y})`);
        for (let dy = 0; dy < scale; dy++) {
          const row = (o.y + y * scale + dy) * W;
          for (let dx = 0; dx < scale; dx++) {
            const p = (row + o.x + x * scale + dx) * 4;
            rgba[p] = rgba[p + 1] = rgba[p + 2] = g;
          }
        }
      }
    }
  });
  // The fill above also set alpha to the background value; images are opaque.
  for (let p = 3; p < rgba.length; p += 4) rgba[p] = 255;
  return { width: W, height: H, rgba };
}

/**
 * A PNG file (as a Buffer, for showPng or fs.writeFileSync) of `images` laid out in a grid: each
 * image `width`×`height` values in raster order (row by row), either gray values 0–255 or, with
 * `options.palette`, level indices mapped through it. Options: columns (default up to 10),
 * pixel scale (default 2), gap and background; see GridOptions. Throws a RangeError for no images
 * or an image of the wrong size.
 */
export function grayGridPng(images: readonly ArrayLike<number>[], width: number, height: number, options: GridOptions = {}): Buffer {
  const { width: W, height: H, rgba } = grayGridPixels(images, width, height, options);
  const canvas = createCanvas(W, H);
  canvas.getContext('2d').putImageData(new ImageData(rgba, W, H), 0, 0);
  return canvas.encodeSync('png');
}

/** Width and height from a PNG's IHDR chunk; throws if `png` is not a PNG. */
export function pngSize(png: Uint8Array): { width: number; height: number } {
  const signature = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
  if (png.length < 24 || signature.some((b, i) => png[i] !== b)) throw new TypeError('not a PNG file');
  const view = new DataView(png.buffer, png.byteOffset, png.byteLength);
  return { width: view.getUint32(16), height: view.getUint32(20) };
}

/**
 * Show a PNG (e.g. from grayGridPng) in the notebook; where images cannot be shown, a line with
 * its size and `caption`. Throws a TypeError if `png` is not a PNG.
 */
export function showPng(png: Uint8Array, caption?: string): void {
  const { width, height } = pngSize(png);
  showBundle({
    'image/png': Buffer.from(png).toString('base64'),
    'text/plain': `[PNG ${width}×${height}${caption ? `: ${caption}` : ''}]`,
  });
}
