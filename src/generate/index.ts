export { disposeCache, generate, generateAsync } from './generate';
export type { GenerateAsyncOptions, GenerateOptions, GenerateResult } from './generate';
export { drawIndex, samplingProbabilities, sampleToken } from './sampling';
export type { SamplingOptions } from './sampling';
