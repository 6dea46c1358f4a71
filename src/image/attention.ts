/**
 * Where does the pixel model look when it draws one pixel? The query that predicts pixel i sits
 * at input position i (whose token is pixel i−1, or the label for i = 0), and under the causal
 * mask it can attend to positions 0 … i: the label token and pixels 0 … i−1. Folding those
 * weights back onto the W×H grid turns one row of an attention matrix into a picture.
 */
import * as tf from '@tensorflow/tfjs';
import { check } from '../errors';
import type { GPT } from '../model/gpt';
import type { ImageLayout } from './sequence';

/** Where the query that draws one pixel looks, per layer and head (pixelAttention). */
export interface PixelAttention {
  /** The pixel being predicted (raster index). */
  readonly pixel: number;
  /** Per layer, per head: weight on the label token. (L, nh) */
  readonly label: number[][];
  /** Per layer, per head: weight on each pixel, W·H row-major, 0 for pixels not yet drawn. (L, nh, W·H) */
  readonly grids: number[][][];
}

/**
 * Attention of every layer and head for the query that predicts pixel `pixel` of sequence `seq`
 * (S ids: label then W·H levels). Rows sum to 1: label weight + grid weights.
 */
export function pixelAttention(model: GPT, layout: ImageLayout, seq: ArrayLike<number>, pixel: number): PixelAttention {
  const n = layout.width * layout.height;
  check(seq.length === layout.seqLength, `expected a sequence of ${layout.seqLength} ids, got ${seq.length}`);
  check(Number.isInteger(pixel) && pixel >= 0 && pixel < n, `pixel must be an integer in [0, ${n - 1}], got ${pixel}`);
  const T = pixel + 1; // positions 0 … pixel are all the query can see
  const rows = tf.tidy(() => {
    const x = tf.tensor2d(Int32Array.from(Array.prototype.slice.call(seq, 0, T) as number[]), [1, T], 'int32');
    const { attention } = model.forward(x, { returnAttention: true });
    // Each layer (1, nh, T, T): keep the last query row → (nh, T).
    return attention!.map((w) => w.slice([0, 0, T - 1, 0], [1, -1, 1, T]).reshape([w.shape[1], T]).arraySync() as number[][]);
  });
  const label = rows.map((layer) => layer.map((head) => head[0]));
  const grids = rows.map((layer) => layer.map((head) => {
    const g = new Array<number>(n).fill(0);
    for (let k = 1; k < T; k++) g[k - 1] = head[k]; // key k holds pixel k − 1
    return g;
  }));
  return { pixel, label, grids };
}

/** Mean over heads of one layer's grid (W·H) and label weight. */
export function meanOverHeads(att: PixelAttention, layer: number): { grid: number[]; label: number } {
  const heads = att.grids[layer];
  check(heads !== undefined, `no layer ${layer} (the model has ${att.grids.length})`);
  const grid = heads[0].map((_, i) => heads.reduce((s, h) => s + h[i], 0) / heads.length);
  const label = att.label[layer].reduce((s, v) => s + v, 0) / heads.length;
  return { grid, label };
}

/** A W·H grid as rows of W values (what a heatmap wants). */
export function toRows(layout: ImageLayout, grid: readonly number[]): number[][] {
  return Array.from({ length: layout.height }, (_, r) => grid.slice(r * layout.width, (r + 1) * layout.width));
}

/** Where every pixel looks, for one image: mean over heads, per layer. */
export interface PixelAttentionMaps {
  /** Per layer, per predicted pixel i: the weight on the label token. (L, W·H) */
  readonly label: number[][];
  /** Per layer, per predicted pixel i: the weight on each pixel, W·H row-major, 0 from pixel i on. (L, W·H, W·H) */
  readonly grids: number[][][];
}

/**
 * pixelAttention for every pixel at once, averaged over heads: one forward pass over the W·H input
 * positions of `seq` (the query at position i predicts pixel i and sees the label and pixels < i).
 */
export function pixelAttentionMaps(model: GPT, layout: ImageLayout, seq: ArrayLike<number>): PixelAttentionMaps {
  const n = layout.width * layout.height;
  check(seq.length === layout.seqLength, `expected a sequence of ${layout.seqLength} ids, got ${seq.length}`);
  const layers = tf.tidy(() => {
    const x = tf.tensor2d(Int32Array.from(Array.prototype.slice.call(seq, 0, n) as number[]), [1, n], 'int32');
    const { attention } = model.forward(x, { returnAttention: true });
    return attention!.map((w) => tf.mean(w, 1).reshape([n, n]).arraySync() as number[][]); // mean over heads: (T, T)
  });
  const label = layers.map((rows) => rows.map((row) => row[0]));
  const grids = layers.map((rows) => rows.map((row) => {
    const g = new Array<number>(n).fill(0);
    for (let k = 1; k < n; k++) g[k - 1] = row[k]; // key k holds pixel k − 1
    return g;
  }));
  return { label, grids };
}
