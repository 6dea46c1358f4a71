export { encodeClassifierData, encodeForClassifier, EXTRACT, selectRows, START } from './inputs';
export type { ClassifierBatchData } from './inputs';
export { extendVocabulary } from './vocab';
export {
  accuracyOf, DEFAULT_BODY_FINETUNE, DEFAULT_FINETUNE, encodeSpam, finetune, finetuneLoss, LABELS, predictProba, prepareClassifier,
} from './finetune';
export type { FinetuneOptions, FinetuneProgress, FinetuneResult } from './finetune';
export { evaluateClassifier, metricsFromProbs, spamBaselines } from './evaluate';
export type { ClassifierMetrics } from './evaluate';
