/**
 * A 2-D matmul through TensorFlow's `MatMul` op on the native backend. tfjs runs every matmul,
 * 2-D or batched, as `BatchMatMulV2`; TensorFlow (with oneDNN) has a separate, 2-D kernel
 * for `MatMul`. Registered as the kernel 'LgptMatMul' (attrs transposeA, transposeB) so that
 * tf.profile sees it. linear (model/layers.ts) uses it by default: on the nano step, alternating
 * in one process on a quiet machine, 1.038× wall and 1.030× CPU time against BatchMatMulV2.
 */
import * as tf from '@tensorflow/tfjs';
import { floatType, registerNativeKernel } from './native-op';

export const MAT_MUL = 'LgptMatMul';

/** a·b for 2-D a and b (either transposed first), on TensorFlow's MatMul kernel; no gradient of its own. */
export function nativeMatMul(a: tf.Tensor2D, b: tf.Tensor2D, transposeA = false, transposeB = false): tf.Tensor2D {
  registerNativeKernel(MAT_MUL, (be, inputs, attrs) => be.executeSingleOutput('MatMul', [
    floatType(be),
    { name: 'transpose_a', type: be.binding.TF_ATTR_BOOL, value: Boolean(attrs.transposeA) },
    { name: 'transpose_b', type: be.binding.TF_ATTR_BOOL, value: Boolean(attrs.transposeB) },
  ], [inputs.a, inputs.b]));
  return tf.engine().runKernel(MAT_MUL, { a, b }, { transposeA, transposeB }) as tf.Tensor2D;
}
