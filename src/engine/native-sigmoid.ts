/**
 * TensorFlow's `SigmoidGrad` op as a kernel on the native backend: dy·y·(1 − y) for y = σ(z),
 * one pass instead of tfjs's three (sub, mul, mul). GELU's backward uses it (model/fused.ts).
 * Registered as 'LgptSigmoidGrad' so that tf.profile sees it.
 */
import * as tf from '@tensorflow/tfjs';

export const SIGMOID_GRAD = 'LgptSigmoidGrad';

interface NativeBackend {
  binding: { TF_ATTR_TYPE: number; TF_FLOAT: number };
  executeSingleOutput(name: string, attrs: { name: string; type: number; value: unknown }[], inputs: tf.TensorInfo[]): tf.Tensor;
}

let registered = false;

/** dy·y·(1 − y), elementwise, for y and dy of one shape (TensorFlow backend only). */
export function sigmoidGrad(y: tf.Tensor, dy: tf.Tensor): tf.Tensor {
  if (!registered) {
    registered = true;
    tf.registerKernel({
      kernelName: SIGMOID_GRAD,
      backendName: 'tensorflow',
      kernelFunc: ({ inputs, backend }) => {
        const be = backend as unknown as NativeBackend;
        return be.executeSingleOutput('SigmoidGrad', [{ name: 'T', type: be.binding.TF_ATTR_TYPE, value: be.binding.TF_FLOAT }],
          [inputs.y as tf.TensorInfo, inputs.dy as tf.TensorInfo]);
      },
    });
  }
  return tf.engine().runKernel(SIGMOID_GRAD, { y, dy }) as tf.Tensor;
}
