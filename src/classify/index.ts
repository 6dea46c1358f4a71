/**
 * classify: GPT-1 style fine-tuning for classification, stage 3 of ULMFiT's three (general LM →
 * in-domain LM → classifier). The `<s> text <e>` inputs (inputs.ts), the run's options
 * (options.ts), the model prepared from a pretrained language model (prepare.ts, vocab.ts),
 * fine-tuning with the auxiliary LM loss (finetune.ts) and the devices that keep it from
 * forgetting (schedule.ts), evaluation beside the baselines, and the label-efficiency and
 * few-label results the chapter reads.
 *
 * @module
 */
export { encodeClassifierData, encodeForClassifier, EXTRACT, selectRows, START } from './inputs';
export type { ClassifierBatchData } from './inputs';
export { extendVocabulary } from './vocab';
export { crossValidatedProbe, extractFeatures, fitLinearProbe, PROBE_C_GRID } from './probe';
export type { LinearProbe } from './probe';
export { layerGroup, stage3Scale } from './schedule';
export { chooseByValidation, chooseStage3, DEFAULT_RECIPE, fewLabelSteps, scratchSteps, STAGE2_CANDIDATES, STAGE3_CANDIDATES } from './recipe';
export type { ChoiceCell, ClassifierRecipe, Stage2Candidate, Stage3Candidate } from './recipe';
export type { Stage3, Unfreeze } from './schedule';
export { DEFAULT_BODY_FINETUNE, DEFAULT_FINETUNE, LABELS, SMALL_SET_SCHEDULE, smallSetSchedule } from './options';
export type { FinetuneOptions, TokenInit } from './options';
export { prepareClassifier, SEPARATOR_TEXT } from './prepare';
export { accuracyOf, BEST_EPOCH_DIR, encodeSpam, finetune, finetuneLoss, predictProba, trainClassifier } from './finetune';
export type { ClassifierEvalPoint, FinetuneCallbacks, FinetuneProgress, FinetuneResult, FinetuneState } from './finetune';
export { evaluateClassifier, metricsFromProbs, spamBaselines, trainSpamBaselines } from './evaluate';
export type { ClassifierMetrics } from './evaluate';
export { labelEfficiencyAt, labelEfficiencyFigure, labelEfficiencyNs, labelEfficiencyTable, readLabelEfficiency, summarizeLabelEfficiency } from './label-efficiency';
export type { LabelEfficiencyCell, LabelEfficiencyPoint, LabelEfficiencyResults } from './label-efficiency';
export type { SpamBaselines } from './evaluate';
export { CHOICE_SEEDS, FEW_LABEL_METHODS, fewLabelProtocolByMethod, fewLabelProtocolFigure, fewLabelProtocolTable, readFewLabelProtocol } from './few-label-protocol';
export { classifierOrStandIn, languageModelOrStandIn, readClassifierComparison } from './stand-ins';
export { DEFAULT_GENERATIVE, GENERATIVE_CUES, trainGenerativeClassifier } from './generative';
export type { GenerativeClassifier, GenerativeOptions } from './generative';
export { commandFlags, differingFlags, OUTPUT_FLAGS } from './command-flags';
export type { ClassifierComparison, ComparisonRun } from './stand-ins';
export type { FewLabelProtocol, ProtocolCell, ProtocolInterval, ProtocolRow } from './few-label-protocol';
