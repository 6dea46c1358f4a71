/**
 * Choosing a baseline's one hyperparameter (naive Bayes' smoothing α, logistic regression's C,
 * EM's weight λ of unlabelled text) without looking at more labels than the N it is trained on:
 * k-fold cross-validation inside those N. Folds are stratified and drawn with a fixed seed, so the
 * choice is reproducible; ties go to the earlier candidate (list the simpler or stronger-smoothed
 * value first). With fewer than two examples of a class per fold the first candidate is kept.
 */
import { check } from '../errors';
import { Rng } from '../engine/random';
import type { TextClassifier } from './naive-bayes';

export interface CrossValidated<P> {
  /** The candidate with the best mean held-out accuracy. */
  readonly best: P;
  /** Mean held-out accuracy of each candidate, in the order given. */
  readonly scores: readonly number[];
  readonly folds: number;
}

/** Stratified fold index (0 … k−1) for each example, drawn with `seed`. */
export function stratifiedFolds(labels: readonly number[], k: number, seed: number): number[] {
  const fold = new Array<number>(labels.length).fill(0);
  const rng = new Rng(seed);
  for (const c of [...new Set(labels)].sort((a, b) => a - b)) {
    const idx = labels.map((y, i) => (y === c ? i : -1)).filter((i) => i >= 0);
    for (let i = idx.length - 1; i > 0; i--) { const j = rng.int(i + 1); [idx[i], idx[j]] = [idx[j], idx[i]]; }
    idx.forEach((i, r) => { fold[i] = r % k; });
  }
  return fold;
}

/** Pick the candidate whose classifier, fitted by `fit`, scores best over k held-out folds. */
export function crossValidate<P>(texts: readonly string[], labels: readonly number[], candidates: readonly P[],
  fit: (texts: string[], labels: number[], candidate: P) => TextClassifier, opts: { folds?: number; seed?: number } = {}): CrossValidated<P> {
  check(candidates.length > 0, 'crossValidate: no candidates');
  check(texts.length === labels.length, `texts and labels differ in length: ${texts.length} vs ${labels.length}`);
  const k = opts.folds ?? 5;
  const perClass = new Map<number, number>();
  for (const y of labels) perClass.set(y, (perClass.get(y) ?? 0) + 1);
  const smallest = Math.min(...perClass.values());
  if (candidates.length === 1 || perClass.size < 2 || smallest < 2 * k) {
    return { best: candidates[0], scores: candidates.map(() => NaN), folds: 0 };
  }
  const fold = stratifiedFolds(labels, k, opts.seed ?? 1);
  const scores = candidates.map((cand) => {
    let hits = 0;
    for (let f = 0; f < k; f++) {
      const trX: string[] = []; const trY: number[] = [];
      texts.forEach((t, i) => { if (fold[i] !== f) { trX.push(t); trY.push(labels[i]); } });
      const m = fit(trX, trY, cand);
      texts.forEach((t, i) => { if (fold[i] === f && m.predict(t) === labels[i]) hits++; });
    }
    return hits / texts.length;
  });
  let best = 0;
  scores.forEach((s, i) => { if (s > scores[best]) best = i; });
  return { best: candidates[best], scores, folds: k };
}

/** The candidates each baseline's cross-validation chooses among (strongest smoothing first). */
export const BASELINE_GRIDS = {
  naiveBayesAlpha: [1, 0.3, 0.1, 0.03],
  logisticC: [1, 10, 100, 1000, 10000],
  emLambda: [0.01, 0.03, 0.1, 0.3, 1],
} as const;
