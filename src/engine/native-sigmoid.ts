/**
 * TensorFlow's `SigmoidGrad` op as a kernel on the native backend: dy·y·(1 − y) for y = σ(z),
 * one pass instead of tfjs's three (sub, mul, mul). GELU's backward uses it (model/fused.ts).
 * Registered as 'LgptSigmoidGrad' so that tf.profile sees it.
 */
import * as tf from '@tensorflow/tfjs';
import { floatType, registerNativeKernel } from './native-op';

export const SIGMOID_GRAD = 'LgptSigmoidGrad';

/** dy·y·(1 − y), elementwise, for y and dy of one shape (TensorFlow backend only). */
export function sigmoidGrad(y: tf.Tensor, dy: tf.Tensor): tf.Tensor {
  registerNativeKernel(SIGMOID_GRAD, (be, inputs) =>
    be.executeSingleOutput('SigmoidGrad', [floatType(be)], [inputs.y, inputs.dy]));
  return tf.engine().runKernel(SIGMOID_GRAD, { y, dy }) as tf.Tensor;
}
