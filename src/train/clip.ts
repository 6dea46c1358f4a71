/**
 * Gradient clipping by global norm: if ‖g‖ (all parameters together) exceeds maxNorm,
 * scale every gradient by maxNorm/‖g‖. Keeps one bad batch from wrecking the weights.
 */
import * as tf from '@tensorflow/tfjs';

/**
 * Gradient clipping by global norm: ‖g‖ = √(Σ over every gradient of Σ g²), and every gradient
 * scaled by min(1, maxNorm / ‖g‖), so the update keeps its direction and its length is at most
 * maxNorm. Returns the clipped gradients (new tensors; the inputs are not disposed) and the norm
 * before clipping (a scalar tensor). The caller disposes both.
 */
export function clipByGlobalNorm(grads: Map<string, tf.Tensor>, maxNorm: number): { grads: Map<string, tf.Tensor>; norm: tf.Scalar } {
  const norm = tf.tidy(() => tf.sqrt(tf.addN([...grads.values()].map((g) => tf.sum(tf.square(g))))) as tf.Scalar);
  const scale = clipScale(norm, maxNorm);
  const out = new Map<string, tf.Tensor>();
  for (const [k, g] of grads) out.set(k, tf.mul(g, scale));
  scale.dispose();
  return { grads: out, norm };
}

/** The same for all gradients as one flat vector (N): the clipped vector and the norm before. */
export function clipFlatByNorm(grad: tf.Tensor1D, maxNorm: number): { grad: tf.Tensor1D; norm: tf.Scalar } {
  const norm = tf.tidy(() => tf.sqrt(tf.sum(tf.square(grad))) as tf.Scalar);
  const clipped = tf.tidy(() => tf.mul(grad, clipScale(norm, maxNorm)) as tf.Tensor1D);
  return { grad: clipped, norm };
}

/** min(1, maxNorm / ‖g‖): the factor both clip functions scale the gradients by. */
function clipScale(norm: tf.Scalar, maxNorm: number): tf.Scalar {
  return tf.tidy(() => tf.minimum(1, tf.div(maxNorm, tf.add(norm, 1e-6))) as tf.Scalar);
}
