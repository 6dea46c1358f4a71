/**
 * The one mechanism behind the native kernels of our own (native-rownorm, native-sigmoid,
 * native-cross-entropy, native-matmul): a TensorFlow op that tfjs does not expose, registered
 * once as a kernel of the 'tensorflow' backend, so that tf.profile sees it and `runKernel` calls
 * it. The kernel function gets tfjs-node's backend, which runs any TensorFlow op by name.
 */
import * as tf from '@tensorflow/tfjs';

/** One attribute of a TensorFlow op, as tfjs-node's binding takes it. */
export interface OpAttr {
  readonly name: string;
  readonly type: number;
  readonly value: unknown;
}

/** The part of tfjs-node's backend a native kernel uses. */
export interface NativeBackend {
  readonly binding: Readonly<Record<'TF_ATTR_TYPE' | 'TF_ATTR_FLOAT' | 'TF_ATTR_STRING' | 'TF_ATTR_BOOL' | 'TF_FLOAT' | 'TF_INT32', number>>;
  executeSingleOutput(name: string, attrs: OpAttr[], inputs: tf.TensorInfo[]): tf.Tensor;
  executeMultipleOutputs(name: string, attrs: OpAttr[], inputs: tf.TensorInfo[], numOutputs: number): tf.Tensor[];
}

/** A type attribute naming float32 (`T` of most ops). */
export function floatType(be: NativeBackend, name = 'T'): OpAttr {
  return { name, type: be.binding.TF_ATTR_TYPE, value: be.binding.TF_FLOAT };
}

const registered = new Set<string>();

/** Register `kernelName` for the 'tensorflow' backend, once (later calls do nothing). */
export function registerNativeKernel(
  kernelName: string,
  run: (be: NativeBackend, inputs: Record<string, tf.TensorInfo>, attrs: tf.NamedAttrMap) => tf.TensorInfo | tf.TensorInfo[],
): void {
  if (registered.has(kernelName)) return;
  registered.add(kernelName);
  tf.registerKernel({
    kernelName,
    backendName: 'tensorflow',
    kernelFunc: ({ inputs, backend, attrs }) => run(backend as unknown as NativeBackend, inputs as Record<string, tf.TensorInfo>, attrs ?? {}),
  });
}
