/**
 * Scoring a fine-tuned classifier on the spam test split, next to the baselines it must beat
 * (majority class, naive Bayes, logistic regression, trained on the same labels), with the metrics GPT-1-style ablations report.
 */
import { accuracy, confusionMatrix, f1, perClassRecall } from '../baselines/metrics';
import { majorityClass } from '../baselines/majority';
import { trainLogisticRegression } from '../baselines/logistic-regression';
import { trainNaiveBayes } from '../baselines/naive-bayes';
import { trainNaiveBayesEm } from '../baselines/naive-bayes-em';
import { BASELINE_GRIDS, crossValidate } from '../baselines/select';
import { type SpamDataset, type SpamExample, type SpamTask, toText } from '../data/spam';
import type { GPT } from '../model/gpt';
import type { BpeTokenizer } from '../tokenize/bpe';
import { encodeSpam, predictProba } from './finetune';

/** A binary classifier's scores on a labelled set (metricsFromProbs). Fractions are 0–1, not percent. */
export interface ClassifierMetrics {
  /** Fraction of rows classified right. */
  readonly accuracy: number;
  /** F1 for the spam class. */
  readonly f1: number;
  /** Recall of [ham, spam]. */
  readonly recall: number[];
  /** Rows: true class, columns: predicted class. */
  readonly confusion: number[][];
  /** Mean −log p(true class), nats. */
  readonly loss: number;
  /** Number of rows scored. */
  readonly n: number;
}

/**
 * Accuracy, spam F1, per-class recall, confusion matrix and mean loss from `probs` (N, 2), each
 * row P(ham), P(spam) as predictProba gives them, against `labels` (N, 0 ham / 1 spam). A row is
 * predicted spam when P(spam) > P(ham); a probability of 0 for the true class counts as 1e-12.
 */
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

/**
 * Score a fine-tuned classifier on `examples` read as in training (`task`, `T`, `bodyChars`, as
 * encodeSpam takes them): its metrics (metricsFromProbs) and the per-example probabilities (N, 2).
 */
export function evaluateClassifier(model: GPT, tok: BpeTokenizer, examples: readonly SpamExample[], o: { task: SpamTask; T: number; bodyChars: number }): { metrics: ClassifierMetrics; probs: number[][] } {
  const data = encodeSpam(tok, examples, o);
  const probs = predictProba(model, data);
  return { metrics: metricsFromProbs(probs, data.labels), probs };
}

/** Baselines fitted on some labelled examples: each maps a text to P(spam). */
export interface SpamBaselines {
  readonly models: Readonly<Record<string, (text: string) => number>>;
  /** What cross-validation chose: logistic regression's C, and EM's λ when it ran. */
  readonly chosen: Readonly<{ logisticC: number; emLambda?: number }>;
  /** The text a baseline reads of an example (the task's, as the classifier reads it). */
  readonly text: (e: SpamExample) => string;
}

/**
 * The baselines, each trained on exactly the labelled examples the classifier saw (`labelled`:
 * the whole training split, or the `--train-size` subset): always the majority class, naive Bayes
 * on words, logistic regression on words and bigrams and, when only a subset was labelled, naive
 * Bayes with EM over the rest of the training split read without its labels (the fair match for
 * a language model that has read those texts). Naive Bayes is the fixed classic (Laplace, α = 1);
 * logistic regression's C and EM's λ are chosen by 5-fold cross-validation inside the same
 * labelled examples (src/baselines/select.ts), so no choice sees more labels.
 */
export function trainSpamBaselines(ds: SpamDataset, task: SpamTask, bodyChars: number, labelled: readonly SpamExample[] = ds.train): SpamBaselines {
  const text = (e: SpamExample): string => toText(e, task, bodyChars);
  const xTrain = labelled.map(text);
  const yTrain = labelled.map((e) => e.label);
  const maj = majorityClass(yTrain);
  const nb = trainNaiveBayes(xTrain, yTrain);
  const logisticC = crossValidate(xTrain, yTrain, BASELINE_GRIDS.logisticC, (x, y, c) => trainLogisticRegression(x, y, { C: c })).best;
  const lr = trainLogisticRegression(xTrain, yTrain, { C: logisticC });
  const models: Record<string, (t: string) => number> = {
    majority: () => (maj.label === 1 ? 1 : 0),
    naiveBayes: (t) => nb.predictProba(t)[1],
    logisticRegression: (t) => lr.probability(t),
  };
  if (labelled.length === ds.train.length) return { models, chosen: { logisticC }, text };
  const seen = new Set(labelled.map((e) => e.id));
  const unlabelled = ds.train.filter((e) => !seen.has(e.id)).map(text);
  const emLambda = crossValidate(xTrain, yTrain, BASELINE_GRIDS.emLambda, (x, y, l) => trainNaiveBayesEm(x, y, unlabelled, { lambda: l })).best;
  const em = trainNaiveBayesEm(xTrain, yTrain, unlabelled, { lambda: emLambda });
  models.naiveBayesEm = (t) => em.predictProba(t)[1];
  return { models, chosen: { logisticC, emLambda }, text };
}

/**
 * Test-split metrics (ClassifierMetrics) of the baselines that trainSpamBaselines fits on
 * `labelled`, by name: `majority`, `naiveBayes`, `logisticRegression`, and `naiveBayesEm` when only
 * a subset of the training split is labelled. Texts are read as the classifier reads them (`task`, `bodyChars`).
 */
export function spamBaselines(ds: SpamDataset, task: SpamTask, bodyChars: number, labelled: readonly SpamExample[] = ds.train): Record<string, ClassifierMetrics> {
  const { models, text } = trainSpamBaselines(ds, task, bodyChars, labelled);
  const yTest = ds.test.map((e) => e.label);
  const testText = ds.test.map(text);
  return Object.fromEntries(Object.entries(models).map(([name, p1]) => [name, metricsFromProbs(testText.map((t) => { const p = p1(t); return [1 - p, p]; }), yTest)]));
}
