/**
 * `UnsortedSegmentSum` as one pass of scatter-adds, for the wasm and cpu backends.
 *
 * It is the gradient of `gather`, so every embedding lookup needs it in training. The wasm
 * backend (tfjs 4.22) has no such kernel, and the cpu backend's does one masked sum per
 * segment: O(segments × rows × width), 65 + 128 segments for nano's token and position
 * tables. Measured on nano (batch 8, wasm, cpu kernel borrowed): 70 % of a training step.
 * A scatter-add is O(rows × width): out[id[i]] += x[i].
 *
 * Ids outside [0, numSegments) are dropped, as TensorFlow does.
 */
import * as tf from '@tensorflow/tfjs';

type Values = Float32Array | Int32Array | Uint8Array;

/** out[ids[i]·inner + j] += x[i·inner + j] for every row i; `out` must start zeroed. */
export function scatterAdd(x: ArrayLike<number>, ids: ArrayLike<number>, inner: number, numSegments: number, out: Float32Array | Int32Array): void {
  for (let i = 0; i < ids.length; i++) {
    const s = ids[i];
    if (s < 0 || s >= numSegments) continue;
    const src = i * inner;
    const dst = s * inner;
    for (let j = 0; j < inner; j++) out[dst + j] += x[src + j];
  }
}

interface Attrs { numSegments: number }

function shapes(x: tf.TensorInfo, ids: tf.TensorInfo, numSegments: number): { outShape: number[]; inner: number } {
  const rows = ids.shape.reduce((a, b) => a * b, 1);
  const size = x.shape.reduce((a, b) => a * b, 1);
  return { outShape: [numSegments, ...x.shape.slice(ids.shape.length)], inner: rows > 0 ? size / rows : 0 };
}

interface WasmLike {
  readSync(dataId: object): tf.backend_util.BackendValues;
  makeOutput(shape: number[], dtype: tf.DataType): tf.TensorInfo;
  typedArrayFromHeap(info: tf.TensorInfo): Values;
}
interface CpuLike {
  readSync(dataId: object): tf.backend_util.BackendValues;
  makeTensorInfo(shape: number[], dtype: tf.DataType, values?: tf.backend_util.BackendValues): tf.TensorInfo;
}

let fast = true;
/** The cpu backend's own kernel (kept for before/after measurements). */
let cpuOriginal: tf.KernelConfig | undefined;

/** Switch back to tfjs's slow kernels (false) or to ours (true); returns the previous setting. */
export function setFastSegmentSum(on: boolean): boolean {
  const prev = fast;
  fast = on;
  return prev;
}

/** tfjs's own cpu kernel on copies of wasm data: what the wasm backend used to borrow. */
const borrowedOnWasm: tf.KernelFunc = ({ inputs, attrs, backend }) => {
  const { x, segmentIds } = inputs as { x: tf.TensorInfo; segmentIds: tf.TensorInfo };
  const w = backend as unknown as WasmLike & CpuLike;
  const cpu = tf.findBackend('cpu') as unknown as CpuLike & { disposeData(id: object): void };
  const cx = cpu.makeTensorInfo(x.shape, x.dtype, w.readSync(x.dataId));
  const cs = cpu.makeTensorInfo(segmentIds.shape, segmentIds.dtype, w.readSync(segmentIds.dataId));
  const r = cpuOriginal!.kernelFunc({ inputs: { x: cx, segmentIds: cs }, attrs, backend: cpu as unknown as tf.KernelBackend }) as tf.TensorInfo;
  const out = w.makeOutput(r.shape, r.dtype);
  (w.typedArrayFromHeap(out) as Float32Array).set(cpu.readSync(r.dataId) as Float32Array);
  for (const t of [cx, cs, r]) cpu.disposeData(t.dataId);
  return out;
};

const wasmKernel: tf.KernelFunc = (args) => {
  if (!fast && cpuOriginal) return borrowedOnWasm(args);
  const { inputs, attrs, backend } = args;
  const { x, segmentIds } = inputs as { x: tf.TensorInfo; segmentIds: tf.TensorInfo };
  const { numSegments } = attrs as unknown as Attrs;
  const w = backend as unknown as WasmLike;
  const { outShape, inner } = shapes(x, segmentIds, numSegments);
  const out = w.makeOutput(outShape, x.dtype); // allocate first: it may grow (and detach) the heap
  const o = w.typedArrayFromHeap(out) as Float32Array | Int32Array;
  o.fill(0);
  scatterAdd(w.typedArrayFromHeap(x), w.typedArrayFromHeap(segmentIds), inner, numSegments, o);
  return out;
};

const cpuKernel: tf.KernelFunc = (args) => {
  if (!fast && cpuOriginal) return cpuOriginal.kernelFunc(args);
  const { inputs, attrs, backend } = args;
  const { x, segmentIds } = inputs as { x: tf.TensorInfo; segmentIds: tf.TensorInfo };
  const { numSegments } = attrs as unknown as Attrs;
  const c = backend as unknown as CpuLike;
  const { outShape, inner } = shapes(x, segmentIds, numSegments);
  const o = x.dtype === 'int32' ? new Int32Array(numSegments * inner) : new Float32Array(numSegments * inner);
  scatterAdd(c.readSync(x.dataId) as Values, c.readSync(segmentIds.dataId) as Values, inner, numSegments, o);
  return c.makeTensorInfo(outShape, x.dtype, o);
};

/**
 * Register the scatter-add kernel for `backend` ('wasm' or 'cpu'), replacing any existing
 * one. Returns true if it did.
 */
export function registerSegmentSum(backend: 'wasm' | 'cpu'): boolean {
  if (backend === 'wasm' && !tf.findBackendFactory('wasm')) return false;
  const existing = tf.getKernel('UnsortedSegmentSum', 'cpu');
  if (!cpuOriginal && existing && existing.kernelFunc !== cpuKernel) cpuOriginal = existing;
  if (tf.getKernel('UnsortedSegmentSum', backend)) tf.unregisterKernel('UnsortedSegmentSum', backend);
  tf.registerKernel({ kernelName: 'UnsortedSegmentSum', backendName: backend, kernelFunc: backend === 'wasm' ? wasmKernel : cpuKernel });
  return true;
}
