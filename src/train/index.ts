export { AdamW, DEFAULT_ADAMW } from './adamw';
export type { AdamWOptions } from './adamw';
export { clipByGlobalNorm, clipFlatByNorm } from './clip';
export { bitsPerByte, DEFAULT_LM_OPTIONS, evaluateLm, tokenizerFromJson, trainLm, validateLmTrainState } from './lm';
export type { EvalPoint, LmCallbacks, LmTrainOptions, LmTrainResult, LmTrainState } from './lm';
export { learningRate } from './schedule';
export type { LrSchedule } from './schedule';
export { DivergedError, injectedNanStep, Trainer } from './trainer';
export type { StepInfo, TrainerOptions } from './trainer';
