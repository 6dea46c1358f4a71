/**
 * engine: where the arithmetic runs. `initBackend` picks and starts TensorFlow.js's backend (native
 * TensorFlow on a CUDA GPU or on the CPU, else WebAssembly, else plain JavaScript) and `Rng` is the
 * seeded random number generator that initialisation, batches, dropout and sampling draw from.
 *
 * @module
 */
export { BACKENDS, backendInfo, cudaVisible, describeBackend, initBackend, nativeThreadSettings, oneDnnSetting, parseBackendName } from './backend';
export { checkEnvironment, MAX_THREADS } from './env-check';
export { canQuietStderr, withQuietStderr } from './quiet-stderr';
export type { BackendInfo, BackendName } from './backend';
export { bridgeLegacyUtil } from './node-compat';
export { Rng } from './random';
export type { RngState } from './random';
export { registerWasmFallbackKernels, WASM_BORROWED_KERNELS } from './wasm-kernels';
export { registerWasmFastMatMul, setWasmFastMatMul } from './wasm-matmul';
