/**
 * Classification metrics on integer labels. Accuracy alone misleads on the spam task (about
 * 69 % of mails are ham, so "always ham" scores ~69 %); F1 for the spam class and per-class
 * recall show what a model does with the minority class.
 */
import { check } from '../errors';

function checkPair(yTrue: ArrayLike<number>, yPred: ArrayLike<number>): void {
  check(yTrue.length === yPred.length, `yTrue and yPred differ in length: ${yTrue.length} vs ${yPred.length}`);
  check(yTrue.length > 0, 'no examples to score');
}

/** Fraction (0–1) of predictions equal to the true label. Throws an InputError when the lengths differ or there are none. */
export function accuracy(yTrue: ArrayLike<number>, yPred: ArrayLike<number>): number {
  checkPair(yTrue, yPred);
  let hits = 0;
  for (let i = 0; i < yTrue.length; i++) if (yTrue[i] === yPred[i]) hits++;
  return hits / yTrue.length;
}

/**
 * Precision, recall and F1 of class `positive` (default 1, spam). A ratio whose denominator is
 * 0 (no predicted or no true positives) counts as 0, as scikit-learn does by default.
 */
export function precisionRecallF1(
  yTrue: ArrayLike<number>,
  yPred: ArrayLike<number>,
  positive = 1,
): { precision: number; recall: number; f1: number } {
  checkPair(yTrue, yPred);
  let tp = 0;
  let fp = 0;
  let fn = 0;
  for (let i = 0; i < yTrue.length; i++) {
    const t = yTrue[i] === positive;
    const p = yPred[i] === positive;
    if (t && p) tp++;
    else if (p) fp++;
    else if (t) fn++;
  }
  const precision = tp + fp > 0 ? tp / (tp + fp) : 0;
  const recall = tp + fn > 0 ? tp / (tp + fn) : 0;
  const f1 = precision + recall > 0 ? (2 * precision * recall) / (precision + recall) : 0;
  return { precision, recall, f1 };
}

/** F1 score of class `positive` (default 1, spam): the harmonic mean of precision and recall. */
export function f1(yTrue: ArrayLike<number>, yPred: ArrayLike<number>, positive = 1): number {
  return precisionRecallF1(yTrue, yPred, positive).f1;
}

/**
 * Counts of (true class, predicted class): `m[t][p]`. Rows are true classes, columns
 * predicted ones, so the diagonal holds the correct predictions.
 */
export function confusionMatrix(yTrue: ArrayLike<number>, yPred: ArrayLike<number>, nClasses: number): number[][] {
  checkPair(yTrue, yPred);
  check(Number.isInteger(nClasses) && nClasses > 0, `nClasses must be a positive integer, got ${nClasses}`);
  const m = Array.from({ length: nClasses }, () => new Array<number>(nClasses).fill(0));
  for (let i = 0; i < yTrue.length; i++) {
    const t = yTrue[i];
    const p = yPred[i];
    check(Number.isInteger(t) && t >= 0 && t < nClasses, () => `true label ${t} at ${i} is outside [0, ${nClasses})`);
    check(Number.isInteger(p) && p >= 0 && p < nClasses, () => `predicted label ${p} at ${i} is outside [0, ${nClasses})`);
    m[t][p]++;
  }
  return m;
}

/** Recall of every class: the diagonal of the confusion matrix over its row sums (NaN for a class with no examples). */
export function perClassRecall(yTrue: ArrayLike<number>, yPred: ArrayLike<number>, nClasses: number): number[] {
  return confusionMatrix(yTrue, yPred, nClasses).map((row, c) => {
    const n = row.reduce((a, b) => a + b, 0);
    return n > 0 ? row[c] / n : NaN;
  });
}
