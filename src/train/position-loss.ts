/**
 * The loss at each position of the context window: position t's prediction sees the t + 1 tokens
 * before it, so the curve says how much a model gets out of more context (chapter 04).
 */
import * as tf from '@tensorflow/tfjs';
import { sequentialBatches } from '../data/batches';
import type { GPT } from '../model/gpt';

/**
 * Mean next-token loss (nats) at each position 0 … blockSize−1, over the first `maxBatches`
 * sequential batches of `batchSize` windows of `ids`; also how many windows that was.
 */
export function lossByPosition(model: GPT, ids: Int32Array, batchSize: number, maxBatches: number): { loss: number[]; windows: number } {
  const T = model.config.blockSize;
  const V = model.config.vocabSize;
  const sum = new Float64Array(T);
  let windows = 0;
  let n = 0;
  for (const batch of sequentialBatches(ids, batchSize, T)) {
    if (n++ >= maxBatches) break;
    const B = batch.x.length / T;
    const nll = tf.tidy(() => {
      const logp = tf.logSoftmax(model.logits(model.forward(tf.tensor2d(batch.x, [B, T], 'int32')).hidden)); // (B, T, V)
      const picked = tf.sum(tf.mul(logp, tf.oneHot(tf.tensor2d(batch.y, [B, T], 'int32'), V)), -1); // (B, T)
      return tf.neg(picked).arraySync() as number[][];
    });
    nll.forEach((row) => row.forEach((v, t) => (sum[t] += v)));
    windows += B;
  }
  return { loss: Array.from(sum, (s) => s / windows), windows };
}
