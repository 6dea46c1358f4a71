/**
 * A faster `BatchMatMul` for the wasm backend, registered in place of tfjs 4.22's own.
 *
 * Why: the wasm backend sends a product to XNNPACK (SIMD, ~20 GFLOP/s on one core here) only
 * when both operands are untransposed and the batch is 1. Everything else — every matmul in a
 * backward pass (tfjs's gradient of matMul uses the transpose flags) and every batched
 * attention product — runs a plain blocked loop at 1–2 GFLOP/s (0.9–1.9 measured on a
 * 2-vCPU AMD EPYC, Zen 3). Training spent most of its time there.
 *
 * What this kernel does instead, with the same result up to float rounding:
 *   1. a transposed operand is transposed explicitly first (the wasm Transpose kernel is fast);
 *   2. a batch of products whose right operand is shared (batch 1) becomes one tall product:
 *      (batch·M, K)·(K, N);
 *   3. any other batch runs as one XNNPACK product per slice, on *views* into the operands'
 *      wasm memory (tensors registered at an offset inside the parent buffer: no copies),
 *      writing straight into the output's memory.
 *
 * It uses the wasm backend's internals (dataIdMap, makeOutput at a memory offset, the exported
 * `BatchMatMul` C function). They are those of @tensorflow/tfjs-backend-wasm 4.22.0, which
 * package.json pins; if they are missing the original kernel runs, so a tfjs upgrade can make
 * this slower but not wrong. test/model-parity.test.ts checks the results on every backend.
 */
import * as tf from '@tensorflow/tfjs';

/** The parts of tfjs-backend-wasm's BackendWasm that this kernel uses. */
interface WasmBackend {
  dataIdMap: { get(dataId: object): { id: number; memoryOffset: number } | undefined; delete(dataId: object): boolean };
  makeOutput(shape: number[], dtype: tf.DataType, memoryOffset?: number): tf.TensorInfo;
  disposeData(dataId: object, force?: boolean): boolean;
  wasm: {
    cwrap(name: string, ret: null, args: string[]): (...args: unknown[]) => void;
    tfjs: { disposeData(id: number): void };
  };
}

type MatMulFn = (aId: number, aShape: Uint8Array, aRank: number, bId: number, bShape: Uint8Array, bRank: number,
  transposeA: boolean, transposeB: boolean, outId: number) => void;

let wasmBatchMatMul: MatMulFn | null = null;
let wrappedFor: unknown = null;

function matMulFn(backend: WasmBackend): MatMulFn {
  if (!wasmBatchMatMul || wrappedFor !== backend) {
    wasmBatchMatMul = backend.wasm.cwrap('BatchMatMul', null,
      ['number', 'array', 'number', 'number', 'array', 'number', 'number', 'number', 'number']) as unknown as MatMulFn;
    wrappedFor = backend;
  }
  return wasmBatchMatMul;
}

const shapeBytes = (shape: readonly number[]): Uint8Array => new Uint8Array(new Int32Array(shape).buffer);

/** A tensor registered over `size` floats of existing memory; release with releaseView, never dispose. */
function view(backend: WasmBackend, shape: number[], memoryOffset: number): { info: tf.TensorInfo; id: number } {
  const info = backend.makeOutput(shape, 'float32', memoryOffset);
  return { info, id: backend.dataIdMap.get(info.dataId)!.id };
}

/** Unregister a view without freeing the memory it points into (its parent owns it). */
function releaseView(backend: WasmBackend, v: { info: tf.TensorInfo; id: number }): void {
  backend.wasm.tfjs.disposeData(v.id); // also drops XNNPACK operators cached for this id
  backend.dataIdMap.delete(v.info.dataId);
}

function looksLikeWasmBackend(b: unknown): b is WasmBackend {
  const w = b as Partial<WasmBackend> | null;
  return !!w && typeof w.makeOutput === 'function' && !!w.dataIdMap && typeof w.wasm?.cwrap === 'function' && typeof w.wasm?.tfjs?.disposeData === 'function';
}

/** Make the kernel: `original` is tfjs's own wasm BatchMatMul, used for anything unusual. */
function makeKernel(original: tf.KernelConfig): tf.KernelFunc {
  return (args) => {
    const { a, b } = args.inputs as { a: tf.TensorInfo; b: tf.TensorInfo };
    const { transposeA, transposeB } = args.attrs as { transposeA: boolean; transposeB: boolean };
    const backend = args.backend as unknown;
    if (!enabled) return original.kernelFunc(args);
    if (a.dtype !== 'float32' || b.dtype !== 'float32' || !looksLikeWasmBackend(backend)) return original.kernelFunc(args);
    const ra = a.shape.length;
    const rb = b.shape.length;
    const batchA = a.shape.slice(0, -2).reduce((x, y) => x * y, 1);
    const batchB = b.shape.slice(0, -2).reduce((x, y) => x * y, 1);
    // Broadcasting between two different batch shapes: leave it to the original.
    if (batchA !== batchB && batchA !== 1 && batchB !== 1) return original.kernelFunc(args);
    if (ra > 2 && rb > 2 && batchA === batchB && a.shape.slice(0, -2).join() !== b.shape.slice(0, -2).join()) return original.kernelFunc(args);
    const M = transposeA ? a.shape[ra - 1] : a.shape[ra - 2];
    const K = transposeA ? a.shape[ra - 2] : a.shape[ra - 1];
    const N = transposeB ? b.shape[rb - 2] : b.shape[rb - 1];
    const batch = Math.max(batchA, batchB);
    const outShape = [...(batchA >= batchB ? a.shape : b.shape).slice(0, -2), M, N];

    const transposeKernel = tf.getKernel('Transpose', 'wasm')!;
    const temps: tf.TensorInfo[] = [];
    // 1. Explicit transposes: (batch, r, c) → (batch, c, r).
    const untransposed = (x: tf.TensorInfo, bx: number, flag: boolean): tf.TensorInfo => {
      const r = x.shape[x.shape.length - 2];
      const c = x.shape[x.shape.length - 1];
      const x3 = { dataId: x.dataId, shape: [bx, r, c], dtype: x.dtype };
      if (!flag) return x3;
      const t = transposeKernel.kernelFunc({ inputs: { x: x3 }, backend: args.backend, attrs: { perm: [0, 2, 1] } }) as tf.TensorInfo;
      temps.push(t);
      return t;
    };
    const A = untransposed(a, batchA, transposeA); // (batchA, M, K)
    const B = untransposed(b, batchB, transposeB); // (batchB, K, N)
    const run = matMulFn(backend);
    const idOf = (x: tf.TensorInfo): number => backend.dataIdMap.get(x.dataId)!.id;
    const offsetOf = (x: tf.TensorInfo): number => backend.dataIdMap.get(x.dataId)!.memoryOffset;
    const out = backend.makeOutput([batch, M, N], 'float32');
    try {
      if (batchB === 1) {
        // 2. One shared right operand: stack the left operands' rows into one tall product.
        run(idOf(A), shapeBytes([1, batchA * M, K]), 3, idOf(B), shapeBytes([1, K, N]), 3, false, false, idOf(out));
      } else {
        // 3. One XNNPACK product per slice, on views (4 bytes per float32).
        const aOff = offsetOf(A);
        const bOff = offsetOf(B);
        const oOff = offsetOf(out);
        for (let i = 0; i < batch; i++) {
          const av = batchA === 1 ? null : view(backend, [1, M, K], aOff + 4 * i * M * K);
          const bv = view(backend, [1, K, N], bOff + 4 * i * K * N);
          const ov = view(backend, [1, M, N], oOff + 4 * i * M * N);
          run(av ? av.id : idOf(A), shapeBytes([1, M, K]), 3, bv.id, shapeBytes([1, K, N]), 3, false, false, ov.id);
          if (av) releaseView(backend, av);
          releaseView(backend, bv);
          releaseView(backend, ov);
        }
      }
    } finally {
      for (const t of temps) backend.disposeData(t.dataId);
    }
    return { dataId: out.dataId, shape: outShape, dtype: 'float32' };
  };
}

let installed = false;
let enabled = true;

/**
 * Switch the fast path off (false) or on again, returning the previous setting. For
 * before/after measurements in one process (the bench) and for tests; on by default.
 */
export function setWasmFastMatMul(on: boolean): boolean {
  const prev = enabled;
  enabled = on;
  return prev;
}

/**
 * Replace the wasm backend's BatchMatMul by the faster one above (once per process).
 * Returns true when it is (now) installed.
 */
export function registerWasmFastMatMul(): boolean {
  if (installed) return true;
  const original = tf.getKernel('BatchMatMul', 'wasm');
  if (!original || !tf.getKernel('Transpose', 'wasm')) return false;
  tf.unregisterKernel('BatchMatMul', 'wasm');
  // The original's setup binds its C function when the backend starts; keep it for fallbacks.
  tf.registerKernel({ ...original, kernelFunc: makeKernel(original) });
  installed = true;
  return true;
}
