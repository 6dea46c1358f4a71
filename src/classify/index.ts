/**
 * classify: GPT-1 style fine-tuning for classification. The `<s> text <e>` inputs, the model
 * prepared from a pretrained language model, fine-tuning with the auxiliary LM loss, evaluation
 * beside the baselines, and the label-efficiency and few-label results the chapter reads.
 *
 * @module
 */
export { encodeClassifierData, encodeForClassifier, EXTRACT, selectRows, START } from './inputs';
export type { ClassifierBatchData } from './inputs';
export { extendVocabulary } from './vocab';
export { crossValidatedProbe, extractFeatures, fitLinearProbe, PROBE_C_GRID } from './probe';
export type { LinearProbe } from './probe';
export { layerGroup, stage3Scale } from './schedule';
export { chooseStage3, DEFAULT_RECIPE, fewLabelSteps, scratchSteps, STAGE3_CANDIDATES } from './recipe';
export type { ChoiceCell, ClassifierRecipe, Stage3Candidate } from './recipe';
export type { Stage3, Unfreeze } from './schedule';
export {
  accuracyOf, BEST_EPOCH_DIR, DEFAULT_BODY_FINETUNE, DEFAULT_FINETUNE, encodeSpam, finetune, finetuneLoss, LABELS, predictProba, prepareClassifier,
  SEPARATOR_TEXT, SMALL_SET_SCHEDULE, smallSetSchedule, trainClassifier,
} from './finetune';
export type { ClassifierEvalPoint, FinetuneCallbacks, FinetuneOptions, FinetuneProgress, FinetuneResult, FinetuneState, TokenInit } from './finetune';
export { evaluateClassifier, metricsFromProbs, spamBaselines, trainSpamBaselines } from './evaluate';
export type { ClassifierMetrics } from './evaluate';
export { labelEfficiencyAt, labelEfficiencyFigure, labelEfficiencyNs, labelEfficiencyTable, readLabelEfficiency, summarizeLabelEfficiency } from './label-efficiency';
export type { LabelEfficiencyCell, LabelEfficiencyPoint, LabelEfficiencyResults } from './label-efficiency';
export type { SpamBaselines } from './evaluate';
export { CHOICE_SEEDS, fewLabelProtocolByMethod, fewLabelProtocolFigure, fewLabelProtocolTable, readFewLabelProtocol } from './few-label-protocol';
export { classifierOrStandIn, languageModelOrStandIn, readClassifierComparison } from './stand-ins';
export { DEFAULT_GENERATIVE, GENERATIVE_CUES, trainGenerativeClassifier } from './generative';
export type { GenerativeClassifier, GenerativeOptions } from './generative';
export { commandFlags, differingFlags, OUTPUT_FLAGS } from './command-flags';
export type { ClassifierComparison, ComparisonRun } from './stand-ins';
export type { FewLabelProtocol, ProtocolCell, ProtocolInterval, ProtocolRow } from './few-label-protocol';
