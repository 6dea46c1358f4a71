/**
 * Kernels that the wasm backend (tfjs 4.22) lacks but training needs.
 *
 * `UnsortedSegmentSum` is the gradient of `gather` (every embedding lookup), and
 * `Conv2DBackpropFilter` the weight gradient of a convolution. Without them training fails
 * with "Kernel 'UnsortedSegmentSum' not registered for backend 'wasm'". We register, for
 * wasm, a kernel that copies the inputs out of the wasm heap, runs the cpu backend's own
 * implementation, and copies the result back. These ops are cheap next to the matmuls,
 * so the copies cost little.
 */
import * as tf from '@tensorflow/tfjs';

/** Kernels to borrow from the cpu backend when the wasm backend has none. */
export const WASM_BORROWED_KERNELS: readonly string[] = [
  'UnsortedSegmentSum',
  'Conv2DBackpropFilter',
  'Conv2DBackpropInput',
  'Erf',
];

interface CpuLike {
  readSync(dataId: object): tf.backend_util.BackendValues;
  makeTensorInfo(shape: number[], dtype: tf.DataType, values?: tf.backend_util.BackendValues): tf.TensorInfo;
  disposeData(dataId: object, force?: boolean): boolean;
}
interface WasmLike {
  readSync(dataId: object): tf.backend_util.BackendValues;
  makeOutput(shape: number[], dtype: tf.DataType, memoryOffset?: number, values?: tf.backend_util.BackendValues): tf.TensorInfo;
}

/** Register cpu-borrowed kernels on the wasm backend; returns the names it added. */
export function registerWasmFallbackKernels(names: readonly string[] = WASM_BORROWED_KERNELS): string[] {
  const added: string[] = [];
  for (const kernelName of names) {
    if (tf.getKernel(kernelName, 'wasm')) continue;
    const cpuKernel = tf.getKernel(kernelName, 'cpu');
    if (!cpuKernel) continue;
    tf.registerKernel({
      kernelName,
      backendName: 'wasm',
      kernelFunc: ({ inputs, attrs, backend }) => {
        const wasm = backend as unknown as WasmLike;
        const cpu = tf.findBackend('cpu') as unknown as CpuLike;
        const cpuInputs: Record<string, tf.TensorInfo> = {};
        for (const [name, info] of Object.entries(inputs)) {
          if (!info) continue;
          cpuInputs[name] = cpu.makeTensorInfo(info.shape, info.dtype, wasm.readSync(info.dataId));
        }
        const result = cpuKernel.kernelFunc({ inputs: cpuInputs, attrs, backend: cpu as unknown as tf.KernelBackend });
        const outs = Array.isArray(result) ? result : [result];
        const wasmOuts = outs.map((o) => {
          const values = cpu.readSync(o.dataId);
          cpu.disposeData(o.dataId, true);
          return wasm.makeOutput(o.shape, o.dtype, undefined, values);
        });
        for (const info of Object.values(cpuInputs)) cpu.disposeData(info.dataId, true);
        return Array.isArray(result) ? wasmOuts : wasmOuts[0];
      },
    });
    added.push(kernelName);
  }
  return added;
}
