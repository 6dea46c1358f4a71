/**
 * LayerNorm's normalisation in one native kernel, forward and backward, on the TensorFlow
 * backend: x̂ = (x − mean) / √(var + ε) over each row of a (rows, C) matrix.
 *
 * TensorFlow has no LayerNorm op, but its batch normalisation computes exactly this when each
 * row is made a channel: x as (1, rows, 1, C) in NCHW, FusedBatchNormV3 in training mode
 * normalises every "channel" (row) over its C values with the biased variance, as LayerNorm
 * does; FusedBatchNormGradV3 is the closed-form gradient (the formula in model/fused.ts). Scale
 * and offset are 1 and 0 here; LayerNorm's γ and β are applied by the caller, per column.
 * tfjs does not expose these ops, so they run as two kernels registered for the 'tensorflow'
 * backend, through the same native call tfjs-node makes for its own kernels.
 *
 * Why: the composite LayerNorm is about seven kernels forward and ten backward, each a full
 * pass over the (rows, C) tensor plus a launch; measured on the nano shape (4096 × 128,
 * forward + backward, median of 7 × 10): 12.1 → 5.4 ms, and the same values to 3e-6.
 */
import * as tf from '@tensorflow/tfjs';
import { floatType, type NativeBackend, type OpAttr, registerNativeKernel } from './native-op';

export const ROW_NORM = 'LgptRowNorm';
export const ROW_NORM_GRAD = 'LgptRowNormGrad';

/** Scale 1 and offset 0 for `rows` channels, and the empty mean and variance of training mode. */
function constantsFor(rows: number): { ones: tf.Tensor1D; zeros: tf.Tensor1D; empty: tf.Tensor1D; dispose: () => void } {
  const c = { ones: tf.ones([rows]) as tf.Tensor1D, zeros: tf.zeros([rows]) as tf.Tensor1D, empty: tf.tensor1d([]) };
  // Made per call and freed at once: a cache would hold tensors past every tf.tidy.
  return { ...c, dispose: () => tf.dispose([c.ones, c.zeros, c.empty]) };
}

function attrs(be: NativeBackend, eps: number, training: boolean, extra = true): OpAttr[] {
  const b = be.binding;
  return [
    floatType(be),
    floatType(be, 'U'),
    { name: 'epsilon', type: b.TF_ATTR_FLOAT, value: eps },
    ...(extra ? [{ name: 'exponential_avg_factor', type: b.TF_ATTR_FLOAT, value: 1 }] : []),
    { name: 'data_format', type: b.TF_ATTR_STRING, value: 'NCHW' },
    { name: 'is_training', type: b.TF_ATTR_BOOL, value: training },
  ];
}

/** Register the two kernels for the 'tensorflow' backend (once; a no-op afterwards). */
export function registerNativeRowNorm(): void {
  registerNativeKernel(ROW_NORM, (be, inputs, a) => {
    const x = inputs.x; // (1, rows, 1, C)
    const c = constantsFor(x.shape[1]);
    const out = be.executeMultipleOutputs('FusedBatchNormV3', attrs(be, Number(a.eps), true), [x, c.ones, c.zeros, c.empty, c.empty], 6);
    c.dispose();
    // x̂, then what the gradient needs: the row means and the reserve spaces 2 and 3.
    tf.dispose([out[1], out[2]]);
    return [out[0], out[3], out[4], out[5]];
  });
  registerNativeKernel(ROW_NORM_GRAD, (be, inputs, a) => {
    const { dxhat, x, r1, r2, r3 } = inputs;
    const c = constantsFor(x.shape[1]);
    const out = be.executeMultipleOutputs('FusedBatchNormGradV3', attrs(be, Number(a.eps), true, false), [dxhat, x, c.ones, r1, r2, r3], 5);
    c.dispose();
    tf.dispose(out.slice(1));
    return out[0];
  });
}

/** Is the native row normalisation usable now (the TensorFlow backend is active)? */
export function nativeRowNormAvailable(): boolean {
  return tf.getBackend() === 'tensorflow';
}

/** x̂ for x (1, rows, 1, C), and the saved statistics the gradient needs. */
export function rowNorm(x4: tf.Tensor4D, eps: number): { xhat: tf.Tensor4D; stats: tf.Tensor[] } {
  registerNativeRowNorm();
  const [xhat, ...stats] = tf.engine().runKernel(ROW_NORM, { x: x4 }, { eps }) as tf.Tensor[];
  return { xhat: xhat as tf.Tensor4D, stats };
}

/** dL/dx from dL/dx̂ (both (1, rows, 1, C)), given x and the statistics `rowNorm` returned. */
export function rowNormGrad(dxhat: tf.Tensor4D, x4: tf.Tensor4D, stats: readonly tf.Tensor[], eps: number): tf.Tensor4D {
  registerNativeRowNorm();
  const [r1, r2, r3] = stats;
  return tf.engine().runKernel(ROW_NORM_GRAD, { dxhat, x: x4, r1, r2, r3 }, { eps }) as tf.Tensor4D;
}
