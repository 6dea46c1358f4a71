/**
 * Scaled dot-product attention, the formula the article gets wrong:
 *
 *   Attention(Q, K, V) = softmax(Q Kᵀ / √d_k + M) V
 *
 * Q, K, V: queries, keys and values, one row per position; d_k: the key width (hs);
 * M: an additive mask, 0 where a position may look and −∞ (here −1e9) where it may not.
 */
import * as tf from '@tensorflow/tfjs';
import { kernelMode } from './fused';

/** A large negative number instead of −∞: exp() underflows to exactly 0 without NaNs. */
export const MASKED = -1e9;

/**
 * The causal mask M for T positions: 0 on and below the diagonal, MASKED above it, so
 * position t sees positions 0…t only. With `offset`, rows are queries offset…offset+T−1
 * against offset+T keys (used by the KV cache). Shape (T, offset + T).
 */
export function causalMask(T: number, offset = 0): tf.Tensor2D {
  const S = offset + T;
  const m = new Float32Array(T * S);
  for (let i = 0; i < T; i++) for (let j = offset + i + 1; j < S; j++) m[i * S + j] = MASKED;
  return tf.tensor2d(m, [T, S]);
}

/** What scaledDotProductAttention returns (the caller disposes both tensors). */
export interface AttentionResult {
  /** softmax(QKᵀ/√d_k + M)V, shape (…, Tq, hs). */
  readonly output: tf.Tensor;
  /** The attention weights softmax(QKᵀ/√d_k + M), shape (…, Tq, Tk); rows sum to 1. */
  readonly weights: tf.Tensor;
}

/**
 * softmax(QKᵀ/√d_k + M)V for q (…, Tq, d_k), k (…, Tk, d_k), v (…, Tk, d_v) and an additive
 * mask broadcastable to (…, Tq, Tk). Returns the output and the weights.
 */
export function scaledDotProductAttention(
  q: tf.Tensor, k: tf.Tensor, v: tf.Tensor, mask?: tf.Tensor, dropoutRate = 0, dropoutSeed?: number,
): AttentionResult {
  // A named scope: the profiler (src/bench/profile.ts) files the scale and mask under Attention.
  return tf.tidy('Attention', () => {
    const dk = q.shape[q.shape.length - 1];
    // Scaling q before the product is the same formula on Tq·d_k numbers instead of Tq·Tk.
    let scores = kernelMode() === 'fused'
      ? tf.matMul(tf.mul(q, 1 / Math.sqrt(dk)), k, false, true) // (…, Tq, Tk)
      : tf.mul(tf.matMul(q, k, false, true), 1 / Math.sqrt(dk));
    if (mask) scores = tf.add(scores, mask);
    const weights = tf.softmax(scores); // (…, Tq, Tk)
    const attended = dropoutRate > 0 && dropoutSeed !== undefined ? tf.dropout(weights, dropoutRate, undefined, dropoutSeed) : weights;
    const output = tf.matMul(attended, v); // (…, Tq, d_v)
    return { output, weights };
  }) as unknown as AttentionResult;
}

/** (B, T, C) → (B, nh, T, hs): give each head its own slice of the channels. */
export function splitHeads(x: tf.Tensor, nHead: number): tf.Tensor4D {
  const [B, T, C] = x.shape;
  // One position (a KV-cache decoding step): the transpose would not move a number.
  if (T === 1) return x.reshape([B, nHead, 1, C / nHead]);
  return x.reshape([B, T, nHead, C / nHead]).transpose([0, 2, 1, 3]) as tf.Tensor4D;
}

/** (B, nh, T, hs) → (B, T, C): put the heads side by side again. */
export function mergeHeads(x: tf.Tensor): tf.Tensor3D {
  const [B, nh, T, hs] = x.shape;
  if (T === 1) return x.reshape([B, 1, nh * hs]);
  return x.transpose([0, 2, 1, 3]).reshape([B, T, nh * hs]) as tf.Tensor3D;
}
