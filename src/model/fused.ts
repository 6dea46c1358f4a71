/**
 * LayerNorm and GELU with hand-written gradients: the same values as the textbook versions in
 * layers.ts, in fewer kernel launches.
 *
 * Why: tfjs differentiates a composite function op by op, so LayerNorm's backward pass is some
 * thirty small kernels and GELU's (through tf.pow) a dozen, each a full pass over a
 * (B·T, C) or (B·T, 4C) tensor plus a fixed launch cost (tens of µs in tfjs-node). The
 * formulas below are the closed-form derivatives, written once.
 *
 * `setKernelMode('reference')` switches the model back to the textbook versions, so the bench
 * can measure before/after in one process and the tests can compare the two.
 */
import * as tf from '@tensorflow/tfjs';
import { nativeMatMul } from '../engine/native-matmul';
import { nativeRowNormAvailable, rowNorm, rowNormGrad } from '../engine/native-rownorm';
import { sigmoidGrad } from '../engine/native-sigmoid';
import { GELU_CUBIC, GELU_SCALE, LN_EPS } from './constants';

export type KernelMode = 'fused' | 'reference';
let mode: KernelMode = 'fused';

/**
 * Choose how LayerNorm and GELU run for the whole process: 'fused' (default; closed-form
 * gradients, fewer kernel launches, faster) or 'reference' (the textbook formulas of layers.ts,
 * differentiated op by op; the same values to float tolerance). Returns the previous mode, so a
 * cell can restore it.
 */
export function setKernelMode(m: KernelMode): KernelMode {
  const prev = mode;
  mode = m;
  return prev;
}

export function kernelMode(): KernelMode {
  return mode;
}

/**
 * Is tfjs recording operations for a gradient right now? If not (sampling, evaluation), the
 * fused functions skip tf.customGrad's bookkeeping, which costs more than it saves on the
 * one-token forward passes of generation.
 */
function recording(): boolean {
  const engine = tf.engine() as unknown as { isTapeOn?: () => boolean };
  return typeof engine.isTapeOn === 'function' ? engine.isTapeOn() : true;
}

/**
 * LayerNorm over the last axis with the closed-form gradient. With x̂ = (x − μ)·r,
 * r = 1/√(σ² + ε) over a row of C values and g = dy·γ:
 *
 *   dx = r · (g − mean(g) − x̂ · mean(g·x̂))      dγ = Σ_rows dy·x̂      dβ = Σ_rows dy
 *
 * The forward pass is op for op what tf.moments + layers.ts compute, so values are identical.
 */
export function layerNormFused(x: tf.Tensor, gamma: tf.Tensor1D, beta: tf.Tensor1D, eps = LN_EPS): tf.Tensor {
  // In training only, from NATIVE_MIN_ROWS rows: without a gradient the batch-norm call's extra
  // outputs and set-up cost about what the composite form's kernels do (measured: sampling
  // without the cache, 54 against 58 tokens/s).
  if (useNativeKernels() && recording() && x.size / x.shape[x.shape.length - 1] >= NATIVE_MIN_ROWS) return layerNormNative(x, gamma, beta, eps);
  const C = x.shape[x.shape.length - 1];
  const normalise = (xs: tf.Tensor): { xhat: tf.Tensor; rstd: tf.Tensor } => {
    const mean = tf.mean(xs, -1, true); // (…, 1)
    const xc = tf.sub(xs, mean);
    const variance = tf.mean(tf.square(xc), -1, true); // (…, 1)
    const rstd = tf.rsqrt(tf.add(variance, eps)); // (…, 1)
    return { xhat: tf.mul(xc, rstd), rstd }; // x̂: (…, C)
  };
  if (!recording()) return tf.tidy('LayerNorm', () => tf.add(tf.mul(normalise(x).xhat, gamma), beta));
  const f = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const [xs, g, b] = args as tf.Tensor[];
    const save = args[3] as tf.GradSaveFunc;
    const { xhat, rstd } = normalise(xs);
    save([xhat, rstd, g]);
    return {
      value: tf.add(tf.mul(xhat, g), b),
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
        const [xh, r, gm] = saved;
        const gx = tf.mul(dy, gm); // dL/dx̂
        const dx = tf.mul(r, tf.sub(tf.sub(gx, tf.mean(gx, -1, true)), tf.mul(xh, tf.mean(tf.mul(gx, xh), -1, true))));
        const dy2 = dy.reshape([-1, C]); // (rows, C)
        const dGamma = tf.sum(tf.mul(dy2, xh.reshape([-1, C])), 0);
        const dBeta = tf.sum(dy2, 0);
        return [dx, dGamma, dBeta];
      },
    };
  });
  // A named scope: the profiler (src/bench/profile.ts) files these kernels under LayerNorm.
  return tf.tidy('LayerNorm', () => f(x, gamma, beta));
}

let nativeKernels = true;

/** Rows below which LayerNorm keeps the composite form even on the native backend. */
export const NATIVE_MIN_ROWS = 64;

/**
 * On the native backend, use TensorFlow ops that tfjs does not expose (default on): batch
 * normalisation for LayerNorm's normalisation (engine/native-rownorm.ts), SigmoidGrad in GELU's
 * backward (engine/native-sigmoid.ts) and the fused cross-entropy (engine/native-cross-entropy.ts). Returns the previous setting; the bench and the
 * parity tests switch it off to compare.
 */
export function setNativeKernels(on: boolean): boolean {
  const prev = nativeKernels;
  nativeKernels = on;
  return prev;
}

/** Are the native kernels on, and is the native backend active? */
export function useNativeKernels(): boolean {
  return nativeKernels && nativeRowNormAvailable();
}

/**
 * The same LayerNorm with x̂ and its gradient each one native kernel: the rows of x become the
 * channels of a batch normalisation (engine/native-rownorm.ts). γ, β and their gradients as above.
 */
function layerNormNative(x: tf.Tensor, gamma: tf.Tensor1D, beta: tf.Tensor1D, eps: number): tf.Tensor {
  const C = x.shape[x.shape.length - 1];
  const rows = x.size / C;
  const as4 = (t: tf.Tensor): tf.Tensor4D => t.reshape([1, rows, 1, C]);
  const f = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const [xs, g, b] = args as tf.Tensor[];
    const save = args[3] as tf.GradSaveFunc;
    const x4 = as4(xs);
    const { xhat, stats } = rowNorm(x4, eps);
    save([x4, xhat, g, ...stats]);
    return {
      value: tf.add(tf.mul(xhat.reshape(xs.shape), g), b),
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
        const [xv, xh, gm, ...st] = saved;
        const dy2 = dy.reshape([rows, C]);
        const dx = rowNormGrad(as4(tf.mul(dy2, gm)), xv as tf.Tensor4D, st, eps).reshape(dy.shape);
        const dGamma = tf.sum(tf.mul(dy2, xh.reshape([rows, C])), 0);
        const dBeta = tf.sum(dy2, 0);
        return [dx, dGamma, dBeta];
      },
    };
  });
  return tf.tidy('LayerNorm', () => f(x, gamma, beta));
}

/**
 * GELU, tanh approximation, with the closed-form gradient. ½·(1 + tanh(z)) is the logistic
 * sigmoid σ(2z), so with z₂ = 2c·(x + a·x³) = x·(2c + 2ca·x²):
 *
 *   y = x·σ(z₂)        dy/dx = σ + x·σ·(1 − σ)·(2c + 6ca·x²)
 *
 * Six elementwise passes forward and eight backward, against nine and ten for the tanh form
 * (and tfjs's own derivative of tf.pow). Same function; rounding differs by about an ulp.
 */
export function geluFused(x: tf.Tensor): tf.Tensor {
  const gate = (xs: tf.Tensor): { x2: tf.Tensor; s: tf.Tensor } => {
    const x2 = tf.mul(xs, xs);
    const z2 = tf.mul(xs, tf.add(tf.mul(x2, 2 * GELU_SCALE * GELU_CUBIC), 2 * GELU_SCALE)); // 2c·(x + a·x³)
    return { x2, s: tf.sigmoid(z2) };
  };
  if (!recording()) return tf.tidy('GELU', () => tf.mul(x, gate(x).s));
  const f = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const xs = args[0] as tf.Tensor;
    const save = args[1] as tf.GradSaveFunc;
    const { x2, s } = gate(xs);
    save([xs, x2, s]);
    return {
      value: tf.mul(xs, s),
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
        const [xv, xsq, sg] = saved;
        const dz = tf.mul(xv, tf.add(tf.mul(xsq, 6 * GELU_SCALE * GELU_CUBIC), 2 * GELU_SCALE)); // x·dz₂/dx
        // x·σ′(z₂)·dz₂/dx; σ′ = σ(1 − σ) in one native kernel where there is one.
        const slope = useNativeKernels() ? sigmoidGrad(sg, dz) : tf.mul(tf.mul(sg, tf.sub(1, sg)), dz);
        return [tf.mul(dy, tf.add(sg, slope))];
      },
    };
  });
  return tf.tidy('GELU', () => f(x));
}

// On: measured on nano, quiet machine, alternating in one process (7 rounds of 3 steps), 1.038×
// wall and 1.030× CPU time per step against BatchMatMulV2.
let nativeMatMulOn = true;

/**
 * Run `linear` on TensorFlow's 2-D MatMul kernel instead of tfjs's BatchMatMulV2 on the native
 * backend, forward and backward (engine/native-matmul.ts). Returns the previous setting.
 */
export function setNativeMatMul(on: boolean): boolean {
  const prev = nativeMatMulOn;
  nativeMatMulOn = on;
  return prev;
}

export function useNativeMatMul(): boolean {
  return nativeMatMulOn && kernelMode() === 'fused' && nativeRowNormAvailable();
}

/** x·W + b with the matmuls (forward, dx = dy·Wᵀ, dW = xᵀ·dy) on TensorFlow's MatMul kernel. */
export function linearNative(x: tf.Tensor, weight: tf.Tensor2D, bias?: tf.Tensor1D): tf.Tensor {
  const [cin, cout] = weight.shape;
  const lead = x.shape.slice(0, -1);
  const x2 = x.reshape([-1, cin]) as tf.Tensor2D; // (N, Cin)
  if (!recording()) {
    const y = nativeMatMul(x2, weight);
    return (bias ? tf.add(y, bias) : y).reshape([...lead, cout]);
  }
  const f = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const [xs, w] = args as tf.Tensor2D[];
    const save = args[2] as tf.GradSaveFunc;
    save([xs, w]);
    return {
      value: nativeMatMul(xs, w),
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
        const [xv, wv] = saved as tf.Tensor2D[];
        return [nativeMatMul(dy as tf.Tensor2D, wv, false, true), nativeMatMul(xv, dy as tf.Tensor2D, true, false)];
      },
    };
  });
  const y = f(x2, weight) as tf.Tensor2D;
  return (bias ? tf.add(y, bias) : y).reshape([...lead, cout]);
}
