/** Baselines a trained model must beat, and the metrics to compare them by. */
export { trainNaiveBayes, wordTokens } from './naive-bayes';
export type { NaiveBayesModel, NaiveBayesOptions, TextClassifier } from './naive-bayes';
export { majorityClass } from './majority';
export type { MajorityClassModel } from './majority';
export { accuracy, confusionMatrix, f1, perClassRecall, precisionRecallF1 } from './metrics';
