/**
 * Pixel attention for the image model: the digit on the left, and on the right the same W × H grid
 * coloured by how much the query that draws the chosen pixel attends to each earlier pixel (mean
 * over heads, one layer at a time). Hover a pixel of either grid to choose it, click to pin it.
 * Pixels not drawn yet (the chosen one and everything after it) are blank: the causal mask hides
 * them. The label token's share is printed underneath.
 *
 *   const maps = lg.pixelAttentionMaps(model, layout, seq);
 *   lg.showPixelAttentionView({ width: 14, height: 14, pixels: levels, palette }, maps, { pixel: 120 });
 *
 * All W·H × W·H weights of every layer travel with the page (a 14 × 14 model: 196² per layer), so
 * they are packed as one byte per weight, relative to the largest weight of its row (the colour
 * scale is per pixel anyway), with that row maximum kept as a number for the readout.
 */
import { showBundle } from './display';
import { escapeHtml, viewHtml, VIRIDIS_JS } from './view-html';

/** One digit as the pixel-attention view draws it: its levels and their gray values. */
export interface PixelImage {
  /** W: pixels per row. */
  readonly width: number;
  /** H: rows. */
  readonly height: number;
  /** Level index of each pixel, row-major (W·H). */
  readonly pixels: ArrayLike<number>;
  /** Gray value 0–255 of each level. */
  readonly palette: readonly number[];
}

/** Attention for every pixel of one image, mean over heads, as pixelAttentionMaps returns it. */
export interface PixelAttentionData {
  /** Per layer, per query pixel: weight on the label token. (L, W·H) */
  readonly label: readonly (readonly number[])[];
  /** Per layer, per query pixel: weight on each pixel. (L, W·H, W·H) */
  readonly grids: readonly (readonly (readonly number[])[])[];
}

/** What showPixelAttentionView shows first. All optional. */
export interface PixelAttentionViewOptions {
  /** Title shown above the view. */
  readonly title?: string;
  /** The pixel chosen first (raster index; default the middle of the image). */
  readonly pixel?: number;
  /** The layer shown first (default the last). */
  readonly layer?: number;
}

const CELL = 16;

const CSS = `
[data-lgpt-view="pixel-attention"] .lgpt-pair { display: flex; gap: 24px; align-items: flex-start; }
[data-lgpt-view="pixel-attention"] .lgpt-pixels { display: grid; width: max-content; gap: 1px; background: #ccc; border: 1px solid #ccc; }
[data-lgpt-view="pixel-attention"] .lgpt-pixels .lgpt-tok { width: ${CELL}px; height: ${CELL}px; }
[data-lgpt-view="pixel-attention"] .lgpt-pixels .lgpt-tok.lgpt-focus { outline: 2px solid #d62728; outline-offset: -2px; }
[data-lgpt-view="pixel-attention"] .lgpt-caption { text-align: center; color: #666; font-size: 12px; margin-top: 4px; }
[data-lgpt-view="pixel-attention"] .lgpt-readout { margin-top: 6px; font-family: ui-monospace, monospace; font-size: 12px; }`;

const SCRIPT = `function (root, d) {
  var n = d.width * d.height;
  var layerSel = root.querySelector('[data-lgpt-control="layer"]');
  var image = root.querySelectorAll('.lgpt-image .lgpt-tok'), att = root.querySelectorAll('.lgpt-attention .lgpt-tok');
  var readout = root.querySelector('.lgpt-readout');
  var bytes = d.layers.map(function (layer) {
    var s = atob(layer.bytes), a = new Uint8Array(s.length);
    for (var i = 0; i < s.length; i++) a[i] = s.charCodeAt(i);
    return a;
  });
  var pixel = d.pixel, pinned = false;
  function weight(l, q, k) { return bytes[l][q * n + k] / 255 * d.layers[l].rowMax[q]; }
  function draw() {
    var l = +layerSel.value, b = bytes[l];
    for (var k = 0; k < n; k++) {
      att[k].style.background = k < pixel ? lgptViridis(b[pixel * n + k] / 255) : '#f4f4f4';
      att[k].title = k < pixel ? 'pixel ' + k + ': ' + weight(l, pixel, k).toFixed(4) : 'pixel ' + k + ': not drawn yet';
      image[k].classList.toggle('lgpt-focus', k === pixel); att[k].classList.toggle('lgpt-focus', k === pixel);
    }
    var r = Math.floor(pixel / d.width), c = pixel % d.width;
    readout.textContent = 'pixel ' + pixel + ' (row ' + r + ', column ' + c + '), layer ' + l + ': label token ' + (100 * d.layers[l].label[pixel]).toFixed(1) +
      ' %, largest weight on one pixel ' + (100 * (pixel > 0 ? d.layers[l].rowMax[pixel] : 0)).toFixed(1) + ' %';
    root.setAttribute('data-lgpt-pixel', String(pixel));
  }
  function bind(list) {
    Array.prototype.forEach.call(list, function (el) {
      var k = +el.getAttribute('data-token-index');
      el.addEventListener('mouseenter', function () { if (!pinned) { pixel = k; draw(); } });
      el.addEventListener('click', function () { pinned = !(pinned && pixel === k); pixel = k; draw(); });
    });
  }
  bind(image); bind(att);
  layerSel.addEventListener('change', draw);
  draw();
}`;

/** One layer's weights as bytes relative to each row's largest weight, base64; plus those maxima. */
export function packRows(rows: readonly (readonly number[])[]): { bytes: string; rowMax: number[] } {
  const n = rows.length;
  const out = Buffer.alloc(n * (rows[0]?.length ?? 0));
  const rowMax = rows.map((row, q) => {
    const max = row.reduce((m, w) => Math.max(m, w), 0);
    row.forEach((w, k) => { out[q * row.length + k] = max > 0 ? Math.round((255 * w) / max) : 0; });
    return Number(max.toPrecision(4));
  });
  return { bytes: out.toString('base64'), rowMax };
}

function grid(width: number, height: number, cell: (k: number) => string, cls: string): string {
  const cells = Array.from({ length: width * height }, (_, k) => cell(k)).join('');
  return `<div class="lgpt-pixels ${cls}" style="grid-template-columns: repeat(${width}, ${CELL}px)">${cells}</div>`;
}

/** The pixel-attention view as one HTML fragment. */
export function pixelAttentionViewHtml(image: PixelImage, maps: PixelAttentionData, opts: PixelAttentionViewOptions = {}): string {
  const { width, height } = image;
  const n = width * height;
  if (image.pixels.length !== n) throw new RangeError(`pixelAttentionView: ${image.pixels.length} pixels for a ${width}×${height} image`);
  const L = maps.grids.length;
  if (L === 0 || maps.label.length !== L) throw new RangeError('pixelAttentionView: expected label and grids for the same layers');
  maps.grids.forEach((layer, l) => {
    if (layer.length !== n || layer.some((row) => row.length !== n)) throw new RangeError(`pixelAttentionView: layer ${l} is not ${n} × ${n}`);
    if (maps.label[l].length !== n) throw new RangeError(`pixelAttentionView: layer ${l} has ${maps.label[l].length} label weights for ${n} pixels`);
  });
  const pixel = opts.pixel ?? Math.floor(height / 2) * width + Math.floor(width / 2);
  const layer = opts.layer ?? L - 1;
  if (!(Number.isInteger(pixel) && pixel >= 0 && pixel < n)) throw new RangeError(`pixelAttentionView: pixel ${pixel} is not in 0…${n - 1}`);
  if (!(Number.isInteger(layer) && layer >= 0 && layer < L)) throw new RangeError(`pixelAttentionView: layer ${layer} is not in 0…${L - 1}`);
  const gray = (k: number): number => image.palette[image.pixels[k]] ?? 0;
  const imageGrid = grid(width, height, (k) => `<div class="lgpt-tok" data-token-index="${k}" style="background: rgb(${gray(k)},${gray(k)},${gray(k)})"></div>`, 'lgpt-image');
  const attGrid = grid(width, height, (k) => `<div class="lgpt-tok" data-token-index="${k}"></div>`, 'lgpt-attention');
  const layerOptions = Array.from({ length: L }, (_, l) => `<option value="${l}"${l === layer ? ' selected' : ''}>${l}</option>`).join('');
  const body = [
    `<div class="lgpt-title">${escapeHtml(opts.title ?? 'pixel attention')}</div>`,
    `<div class="lgpt-controls"><label>layer <select data-lgpt-control="layer">${layerOptions}</select></label></div>`,
    `<div class="lgpt-pair"><div>${imageGrid}<div class="lgpt-caption">the image</div></div>`,
    `<div>${attGrid}<div class="lgpt-caption">where the chosen pixel looks (mean of heads)</div></div></div>`,
    '<div class="lgpt-readout"></div>',
    '<div class="lgpt-hint">Hover a pixel to choose it, click to pin. Colours are relative to the largest weight on a pixel; blank pixels are not drawn yet when the chosen one is.</div>',
  ].join('\n');
  const layers = maps.grids.map((rows, l) => ({ ...packRows(rows), label: maps.label[l].map((w) => Number(w.toPrecision(4))) }));
  return viewHtml({ kind: 'pixel-attention', css: CSS, body, helpers: VIRIDIS_JS, script: SCRIPT, data: { width, height, pixel, layers } });
}

/**
 * Show the pixel-attention view in the notebook: the digit `image` on the left and, on the right,
 * the same W × H grid coloured by how much the query that draws the chosen pixel attends to each
 * earlier pixel (`maps` from pixelAttentionMaps: mean over heads, one layer at a time), the label
 * token's share underneath; hover a pixel to choose it. A one-line summary outside a notebook.
 */
export function showPixelAttentionView(image: PixelImage, maps: PixelAttentionData, opts: PixelAttentionViewOptions = {}): void {
  const html = pixelAttentionViewHtml(image, maps, opts);
  showBundle({ 'text/html': html, 'text/plain': `[pixel attention view: ${image.width}×${image.height}, ${maps.grids.length} layers]` });
}
