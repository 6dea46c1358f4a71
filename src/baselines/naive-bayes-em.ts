/**
 * Semi-supervised naive Bayes: EM over unlabelled texts (Nigam, McCallum, Thrun & Mitchell, 2000,
 * "Text classification from labeled and unlabeled documents using EM"). The fair baseline for any
 * method that also reads the task's unlabelled text (a language model continued on the training
 * subjects, say): it reads the same text, with no labels.
 *
 *   start:  naive Bayes on the labelled texts
 *   E-step: P(c | u) for every unlabelled text u, from the current model
 *   M-step: naive Bayes again, each labelled text counting 1 for its class and each unlabelled
 *           text counting λ·P(c | u) for every class c
 *
 * λ < 1 (Nigam's "EM-λ") keeps the many unlabelled texts from swamping the few labelled ones when
 * the model's assumptions are wrong, as they are for e-mail. A fixed recipe, chosen once and not
 * tuned on labels: λ = 0.1, 10 iterations, α = 1.
 */
import { check } from '../errors';
import { type NaiveBayesModel, trainNaiveBayes, trainNaiveBayesSoft } from './naive-bayes';

export interface NaiveBayesEmOptions {
  /** Weight of each unlabelled text relative to a labelled one. */
  readonly lambda?: number;
  /** EM iterations after the labelled-only start. */
  readonly iterations?: number;
  /** Additive smoothing. */
  readonly alpha?: number;
}

export const NB_EM_DEFAULTS: Required<NaiveBayesEmOptions> = { lambda: 0.1, iterations: 10, alpha: 1 };

/** Naive Bayes on `texts`/`labels`, improved by EM over `unlabelled` texts. */
export function trainNaiveBayesEm(texts: readonly string[], labels: readonly number[], unlabelled: readonly string[], opts: NaiveBayesEmOptions = {}): NaiveBayesModel {
  const o = { ...NB_EM_DEFAULTS, ...opts };
  check(o.lambda >= 0 && o.lambda <= 1, `lambda must be in [0, 1], got ${o.lambda}`);
  check(Number.isInteger(o.iterations) && o.iterations >= 0, `iterations must be a non-negative integer, got ${o.iterations}`);
  let model = trainNaiveBayes(texts, labels, { alpha: o.alpha });
  const K = model.nClasses;
  if (unlabelled.length === 0 || o.lambda === 0) return model;
  const allTexts = [...texts, ...unlabelled];
  const labelled = labels.map((y) => Array.from({ length: K }, (_, c) => (c === y ? 1 : 0)));
  for (let it = 0; it < o.iterations; it++) {
    const soft = unlabelled.map((u) => model.predictProba(u).map((p) => o.lambda * p));
    model = trainNaiveBayesSoft(allTexts, [...labelled, ...soft], { alpha: o.alpha });
  }
  return model;
}
