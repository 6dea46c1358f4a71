/**
 * Reading a trained model for display: its attention maps and its next-token logits at chosen
 * positions, as plain arrays (what the views in src/viz take). One forward pass each, no gradient,
 * every tensor freed before returning.
 *
 *   const maps = lg.attentionMaps(model, ids);            // [layer][head][query][key]
 *   const after = lg.logitsAt(model, ids, [ids.length - 1]);  // [{ position, logits (V) }]
 */
import * as tf from '@tensorflow/tfjs';
import { check } from '../errors';
import type { GPT } from './gpt';

function checkIds(model: GPT, ids: ArrayLike<number>, who: string): Int32Array {
  check(ids.length > 0, `${who}: no token ids`);
  check(ids.length <= model.config.blockSize, () => `${who}: ${ids.length} tokens exceed the model's context of ${model.config.blockSize}`);
  return Int32Array.from(Array.prototype.slice.call(ids) as number[]);
}

/**
 * Every layer's attention weights for one sequence of token ids (length T ≤ blockSize), as plain
 * arrays: maps[layer][head][query][key], shape (L, nh, T, T), each row summing to 1 and zero above
 * the diagonal (the causal mask). Eval mode. Throws an InputError for no ids or more than blockSize.
 */
export function attentionMaps(model: GPT, ids: ArrayLike<number>): number[][][][] {
  const x = checkIds(model, ids, 'attentionMaps');
  return tf.tidy(() => {
    const { attention } = model.forward(tf.tensor2d(x, [1, x.length], 'int32'), { returnAttention: true });
    return attention!.map((a) => (a.arraySync() as number[][][][])[0]); // per layer (nh, T, T)
  });
}

/**
 * The next-token logits after each of `positions` (indices into `ids`, 0…T−1): what the model
 * predicts for the token following position p, V numbers each (softmax them for probabilities).
 * One forward pass, eval mode. Throws an InputError for no ids, more than blockSize, or a position
 * outside the sequence.
 */
export function logitsAt(model: GPT, ids: ArrayLike<number>, positions: readonly number[]): { position: number; logits: number[] }[] {
  const x = checkIds(model, ids, 'logitsAt');
  for (const p of positions) check(Number.isInteger(p) && p >= 0 && p < x.length, () => `logitsAt: position ${p} is not in 0…${x.length - 1}`);
  const all = tf.tidy(() => {
    const { hidden } = model.forward(tf.tensor2d(x, [1, x.length], 'int32'));
    return (model.logits(hidden).arraySync() as number[][][])[0]; // (T, V)
  });
  return positions.map((position) => ({ position, logits: all[position] }));
}
