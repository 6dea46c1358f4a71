/**
 * train: AdamW, the learning-rate schedule, gradient clipping, one optimizer step (Trainer), the
 * training driver every model uses (time budget, checkpoints, resume), language-model pretraining
 * and its evaluation (trainLm, evaluateLm, bitsPerByte), and chapter 03's ladder.
 *
 * @module
 */
export { AdamW, DEFAULT_ADAMW } from './adamw';
export type { AdamWOptions } from './adamw';
export { clipByGlobalNorm, clipFlatByNorm } from './clip';
export { bitsPerByte, DEFAULT_LM_OPTIONS, evaluateLm, tokenizerFromJson, trainLm, validateLmTrainState } from './lm';
export type { EvalPoint, LmCallbacks, LmTrainOptions, LmTrainResult, LmTrainState } from './lm';
export { learningRate, SLANTED, slantedTriangular } from './schedule';
export type { LrSchedule } from './schedule';
export { cappedWarmup, dropoutSeed, loadForResume, newTrainState, runTraining, validateTrainState } from './driver';
export type { EvalPointBase, LoopSettings, TrainCallbacks, TrainOutcome, TrainRun, TrainState, TrainTask } from './driver';
export { DivergedError, injectedNanStep, Trainer } from './trainer';
export type { StepInfo, TrainerOptions } from './trainer';
export { bigramCountLoss, LADDER_BUDGET, LADDER_SHAPE, ladderLoss, runLadder, trainLadderRung } from './ladder';
export type { LadderBudget, LadderResult, LadderRun } from './ladder';
export { lossByPosition } from './position-loss';
