/**
 * Scoring a fine-tuned classifier on the spam test split, next to the baselines it must beat
 * (majority class, naive Bayes on words), with the metrics GPT-1-style ablations report.
 */
import { accuracy, confusionMatrix, f1, perClassRecall } from '../baselines/metrics';
import { majorityClass } from '../baselines/majority';
import { trainNaiveBayes } from '../baselines/naive-bayes';
import { type SpamDataset, type SpamExample, type SpamTask, toText } from '../data/spam';
import type { GPT } from '../model/gpt';
import type { BpeTokenizer } from '../tokenize/bpe';
import { encodeSpam, predictProba } from './finetune';

export interface ClassifierMetrics {
  readonly accuracy: number;
  /** F1 for the spam class. */
  readonly f1: number;
  /** Recall of [ham, spam]. */
  readonly recall: number[];
  /** Rows: true class, columns: predicted class. */
  readonly confusion: number[][];
  /** Mean −log p(true class), nats. */
  readonly loss: number;
  readonly n: number;
}

export function metricsFromProbs(probs: readonly number[][], labels: ArrayLike<number>): ClassifierMetrics {
  const pred = probs.map((p) => (p[1] > p[0] ? 1 : 0));
  let loss = 0;
  probs.forEach((p, i) => { loss -= Math.log(Math.max(p[labels[i]], 1e-12)); });
  return {
    accuracy: accuracy(labels, pred),
    f1: f1(labels, pred),
    recall: perClassRecall(labels, pred, 2),
    confusion: confusionMatrix(labels, pred, 2),
    loss: probs.length ? loss / probs.length : 0,
    n: probs.length,
  };
}

/** Evaluate a classifier on `examples`; also returns the per-example probabilities. */
export function evaluateClassifier(model: GPT, tok: BpeTokenizer, examples: readonly SpamExample[], o: { task: SpamTask; T: number; bodyChars: number }): { metrics: ClassifierMetrics; probs: number[][] } {
  const data = encodeSpam(tok, examples, o);
  const probs = predictProba(model, data);
  return { metrics: metricsFromProbs(probs, data.labels), probs };
}

/** Test accuracy of the majority class and of naive Bayes trained on the same training split. */
export function spamBaselines(ds: SpamDataset, task: SpamTask, bodyChars: number): Record<string, ClassifierMetrics> {
  const text = (e: SpamExample): string => toText(e, task, bodyChars);
  const yTrain = ds.train.map((e) => e.label);
  const yTest = ds.test.map((e) => e.label);
  const maj = majorityClass(yTrain);
  const nb = trainNaiveBayes(ds.train.map(text), yTrain);
  const toProbs = (p1: number): number[] => [1 - p1, p1];
  return {
    majority: metricsFromProbs(ds.test.map(() => toProbs(maj.label === 1 ? 1 : 0)), yTest),
    naiveBayes: metricsFromProbs(ds.test.map((e) => toProbs(nb.predictProba(text(e))[1])), yTest),
  };
}
