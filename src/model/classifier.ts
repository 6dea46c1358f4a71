/**
 * GPT-1 style classification (Radford et al. 2018, §3.2): read the final hidden state at the
 * extract token and map it through one linear layer to class logits.
 */
import * as tf from '@tensorflow/tfjs';
import type { ForwardOptions, GPT } from './gpt';

/** Hidden states (B, T, C) at one position per row, positions (B) → (B, C). */
export function gatherPositions(hidden: tf.Tensor3D, positions: tf.Tensor1D): tf.Tensor2D {
  const [B, T, C] = hidden.shape;
  const rows = tf.add(tf.mul(tf.range(0, B, 1, 'int32'), tf.scalar(T, 'int32')), positions.toInt()); // (B)
  return tf.gather(hidden.reshape([B * T, C]), rows) as tf.Tensor2D; // (B, C)
}

/**
 * Class logits (B, K) from token ids (B, T): the final hidden state of row b at `positions[b]`
 * (the `<e>` token, GPT-1's extract position) times `clf.weight` (C, K) plus `clf.bias` (K).
 * Also returns all hidden states (B, T, C), for the auxiliary LM loss. `opts` as GPT.forward's
 * (dropout while training). Throws if the model has no classification head.
 */
export function classifierLogits(model: GPT, idx: tf.Tensor2D, positions: tf.Tensor1D, opts: ForwardOptions = {}): { logits: tf.Tensor2D; hidden: tf.Tensor3D } {
  if (model.nClasses === 0) throw new Error('this model has no classification head (addClassifierHead first)');
  const { hidden } = model.forward(idx, opts);
  const h = gatherPositions(hidden, positions); // (B, C)
  const logits = tf.add(tf.matMul(h, model.p<tf.Rank.R2>('clf.weight')), model.p('clf.bias')) as tf.Tensor2D; // (B, K)
  return { logits, hidden };
}
