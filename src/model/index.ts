/**
 * model: the GPT, piece by piece. Scaled dot-product attention and the causal mask; the block's
 * named pieces (embeddings, causalSelfAttention, mlp, block), LayerNorm and GELU; the GPT with
 * GPT-2's weight names, its config and presets, the classification head and the KV cache; the
 * loss; parameter and FLOP counts; and what looks inside a trained model (attentionMaps, logitsAt).
 *
 * @module
 */
export { causalMask, MASKED, mergeHeads, scaledDotProductAttention, splitHeads } from './attention';
export type { AttentionResult } from './attention';
export { block, causalSelfAttention, embeddings, mlp } from './block';
export type { BlockContext, BlockWeights } from './block';
export { classifierLogits, gatherPositions } from './classifier';
export { GELU_CUBIC, GELU_SCALE, LN_EPS } from './constants';
export { extendCache } from './kv-cache';
export { DEFAULT_CONFIG, flopsPerToken, isPreset, makeConfig, paramCount, PRESETS, validateConfig } from './config';
export type { GPTConfig, PresetName } from './config';
export { crossEntropy, GPT } from './gpt';
export type { ForwardOptions, ForwardResult, KVCache } from './gpt';
export { dropout, gelu, layerNorm, linear } from './layers';
export { classifierSpecs, paramSpecs } from './params';
export type { ParamSpec, WeightSource } from './params';
export { geluFused, kernelMode, layerNormFused, NATIVE_MIN_ROWS, setKernelMode, setNativeKernels, setNativeMatMul, useNativeKernels } from './fused';
export type { KernelMode } from './fused';
export { Decoder } from './decoder';
export { attentionMaps, logitsAt } from './inspect';
export { LadderModel, ladderRungs, ladderSpecs } from './ladder';
export type { LadderInit, LadderRung } from './ladder';
export { residualVarianceParts } from './residual-stats';
export type { ResidualVarianceParts } from './residual-stats';
