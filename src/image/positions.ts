/**
 * A head start for the position table: initialise the learned `wpe` with 2-D sinusoids.
 *
 * A GPT only knows that position 15 comes after position 14. That pixel 15 sits right *below*
 * pixel 1 of a 14-wide image it must discover by itself, through a table of 196 learned vectors
 * started at random. Image GPT could afford that (millions of steps); our CPU budget is a few
 * thousand. So we start `wpe` at the sum of a row code and a column code — sinusoids of the
 * row index on half the channels, of the column index on the other half (Vaswani et al.'s
 * encoding, once per axis) — and then let training change it like any other weight. Nothing in
 * the model changes: it is still GPT-2's learned position embedding, only its starting point.
 *
 * Position t predicts pixel t, at row ⌊t / W⌋ and column t mod W; that is the pixel it encodes.
 */
import * as tf from '@tensorflow/tfjs';
import { check } from '../errors';
import type { GPT } from '../model/gpt';
import type { ImageLayout } from './sequence';

/**
 * The 2-D sinusoidal table (blockSize, C), scaled to standard deviation `std` (default 0.02,
 * the scale of the token embeddings, so neither drowns the other after the first LayerNorm).
 * Channels [0, C/2): the row code; [C/2, C): the column code; within each half, sin/cos pairs
 * at wavelengths from 2 to ~4·side.
 */
export function positionTable2d(layout: ImageLayout, blockSize: number, C: number, std = 0.02): Float32Array {
  check(C % 4 === 0, `2-D positions need nEmbd divisible by 4, got ${C}`);
  const half = C / 2;
  const pairs = half / 2;
  const side = Math.max(layout.width, layout.height);
  const table = new Float32Array(blockSize * C); // (T, C)
  for (let t = 0; t < blockSize; t++) {
    const coords = [Math.floor(t / layout.width), t % layout.width]; // row, column
    coords.forEach((v, axis) => {
      for (let k = 0; k < pairs; k++) {
        // Geometric wavelengths from 2 pixels to about 4 image sides.
        const wavelength = 2 * Math.pow(2 * side, k / Math.max(1, pairs - 1));
        const angle = (2 * Math.PI * v) / wavelength;
        table[t * C + axis * half + 2 * k] = Math.sin(angle);
        table[t * C + axis * half + 2 * k + 1] = Math.cos(angle);
      }
    });
  }
  // sin² + cos² = 1 per pair, so every row has mean square 1/2: scale to the wanted std.
  const scale = std * Math.SQRT2;
  for (let i = 0; i < table.length; i++) table[i] *= scale;
  return table;
}

/** Overwrite the model's `wpe` with the 2-D table (a fresh model, before training). */
export function initPositions2d(model: GPT, layout: ImageLayout, std = 0.02): void {
  const { blockSize, nEmbd } = model.config;
  const t = tf.tensor2d(positionTable2d(layout, blockSize, nEmbd, std), [blockSize, nEmbd]);
  model.params.get('wpe')!.assign(t);
  t.dispose();
}
