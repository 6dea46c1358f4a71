/**
 * generate: text from a language model. samplingProbabilities applies temperature, top-k and top-p
 * to the logits; generate draws token after token through the KV cache.
 *
 * @module
 */
export { disposeCache, generate, generateAsync } from './generate';
export type { GenerateAsyncOptions, GenerateOptions, GenerateResult } from './generate';
export { drawIndex, samplingProbabilities, sampleToken } from './sampling';
export type { SamplingOptions } from './sampling';
