export { BACKENDS, backendInfo, cudaVisible, describeBackend, initBackend, nativeThreadSettings, parseBackendName } from './backend';
export type { BackendInfo, BackendName } from './backend';
export { Rng } from './random';
export type { RngState } from './random';
export { registerWasmFallbackKernels, WASM_BORROWED_KERNELS } from './wasm-kernels';
export { registerWasmFastMatMul, setWasmFastMatMul } from './wasm-matmul';
