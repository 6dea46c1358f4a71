/**
 * A 2-D matmul through TensorFlow's `MatMul` op on the native backend. tfjs runs every matmul,
 * 2-D or batched, as `BatchMatMulV2`; TensorFlow (with oneDNN) has a separate, 2-D kernel
 * for `MatMul`. Registered as the kernel 'LgptMatMul' (attrs transposeA, transposeB) so that
 * tf.profile sees it. linear (model/layers.ts) uses it by default: on the nano step, alternating
 * in one process on a quiet machine, 1.038× wall and 1.030× CPU time against BatchMatMulV2.
 */
import * as tf from '@tensorflow/tfjs';

export const MAT_MUL = 'LgptMatMul';

interface NativeBackend {
  binding: { TF_ATTR_BOOL: number; TF_ATTR_TYPE: number; TF_FLOAT: number };
  executeSingleOutput(name: string, attrs: { name: string; type: number; value: unknown }[], inputs: tf.TensorInfo[]): tf.Tensor;
}

let registered = false;

function register(): void {
  if (registered) return;
  registered = true;
  tf.registerKernel({
    kernelName: MAT_MUL,
    backendName: 'tensorflow',
    kernelFunc: ({ inputs, backend, attrs }) => {
      const be = backend as unknown as NativeBackend;
      const b = be.binding;
      return be.executeSingleOutput('MatMul', [
        { name: 'T', type: b.TF_ATTR_TYPE, value: b.TF_FLOAT },
        { name: 'transpose_a', type: b.TF_ATTR_BOOL, value: Boolean(attrs?.transposeA) },
        { name: 'transpose_b', type: b.TF_ATTR_BOOL, value: Boolean(attrs?.transposeB) },
      ], [inputs.a as tf.TensorInfo, inputs.b as tf.TensorInfo]);
    },
  });
}

/** a·b for 2-D a and b (either transposed first), on TensorFlow's MatMul kernel; no gradient of its own. */
export function nativeMatMul(a: tf.Tensor2D, b: tf.Tensor2D, transposeA = false, transposeB = false): tf.Tensor2D {
  register();
  return tf.engine().runKernel(MAT_MUL, { a, b }, { transposeA, transposeB }) as tf.Tensor2D;
}
