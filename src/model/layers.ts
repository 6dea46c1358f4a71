/**
 * The small pieces a Transformer block is made of, as plain functions of tensors.
 * Weights are passed in, never owned: the GPT keeps them in one map by GPT-2 name.
 */
import * as tf from '@tensorflow/tfjs';
import { GELU_CUBIC, GELU_SCALE, LN_EPS } from './constants';
import { geluFused, kernelMode, layerNormFused, linearNative, useNativeMatMul } from './fused';

/**
 * x @ W + b over the last axis, done as one 2-D matmul: (…, Cin) → (…, Cout).
 * Flattening first keeps every backend on its fast 2-D matmul path.
 */
export function linear(x: tf.Tensor, weight: tf.Tensor2D, bias?: tf.Tensor1D): tf.Tensor {
  if (useNativeMatMul()) return linearNative(x, weight, bias);
  const [cin, cout] = weight.shape;
  const lead = x.shape.slice(0, -1);
  const x2 = x.reshape([-1, cin]) as tf.Tensor2D; // (N, Cin)
  let y: tf.Tensor2D = tf.matMul(x2, weight); // (N, Cout)
  if (bias) y = tf.add(y, bias);
  return y.reshape([...lead, cout]);
}

/**
 * LayerNorm over the last axis: (x − mean) / √(var + ε) · γ + β. The lines below are the
 * definition; training runs layerNormFused (fused.ts), the same values with a hand-written
 * gradient, unless setKernelMode('reference').
 */
export function layerNorm(x: tf.Tensor, gamma: tf.Tensor1D, beta: tf.Tensor1D, eps = LN_EPS): tf.Tensor {
  if (kernelMode() === 'fused') return layerNormFused(x, gamma, beta, eps);
  const { mean, variance } = tf.moments(x, -1, true);
  const xhat = tf.mul(tf.sub(x, mean), tf.rsqrt(tf.add(variance, eps)));
  return tf.add(tf.mul(xhat, gamma), beta);
}

/**
 * GELU, tanh approximation (GPT-2's): 0.5·x·(1 + tanh(√(2/π)·(x + 0.044715·x³))).
 * As for layerNorm, the fused version with a closed-form gradient runs by default.
 */
export function gelu(x: tf.Tensor): tf.Tensor {
  if (kernelMode() === 'fused') return geluFused(x);
  const inner = tf.mul(GELU_SCALE, tf.add(x, tf.mul(GELU_CUBIC, tf.pow(x, 3))));
  return tf.mul(tf.mul(0.5, x), tf.add(1, tf.tanh(inner)));
}

/**
 * Inverted dropout with an explicit seed, so a training run is reproducible and resumable.
 * Identity when rate is 0 (inference, or a model configured without dropout).
 */
export function dropout(x: tf.Tensor, rate: number, seed: number | undefined): tf.Tensor {
  if (rate <= 0 || seed === undefined) return x;
  return tf.dropout(x, rate, undefined, seed);
}
