/**
 * Baselines a trained model must beat, and the metrics to compare them by.
 *
 * @module
 */
export { trainNaiveBayes, wordTokens } from './naive-bayes';
export type { NaiveBayesModel, NaiveBayesOptions, TextClassifier } from './naive-bayes';
export { majorityClass } from './majority';
export type { MajorityClassModel } from './majority';
export { accuracy, confusionMatrix, f1, perClassRecall, precisionRecallF1 } from './metrics';
export { trainNaiveBayesSoft } from './naive-bayes';
export { NB_EM_DEFAULTS, trainNaiveBayesEm } from './naive-bayes-em';
export type { NaiveBayesEmOptions } from './naive-bayes-em';
export { ngramFeatures, trainLogisticRegression } from './logistic-regression';
export type { LogisticRegressionModel, LogisticRegressionOptions } from './logistic-regression';
export { pairedBootstrap } from './bootstrap';
export type { Metric, PairedBootstrapOptions, PairedInterval } from './bootstrap';
export { BASELINE_GRIDS, crossValidate, stratifiedFolds } from './select';
export type { CrossValidated } from './select';
