export { disposeCache, generate } from './generate';
export type { GenerateOptions, GenerateResult } from './generate';
export { drawIndex, samplingProbabilities, sampleToken } from './sampling';
export type { SamplingOptions } from './sampling';
