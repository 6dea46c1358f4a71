/**
 * Multinomial naive Bayes on lower-cased word counts: the classic spam filter (Sahami et al.,
 * 1998; Paul Graham's "A Plan for Spam", 2002), and the baseline a fine-tuned GPT has to beat.
 *
 *   class = argmax_c  log P(c) + Σ_w n(w) · log P(w | c)
 *   P(w | c) = (count(w, c) + α) / (Σ_w' count(w', c) + α · |V|)      (Laplace smoothing, α = 1)
 *
 * Everything is in log space: a product of a few hundred probabilities of ~1e-4 underflows a
 * double. Words never seen in training are ignored at prediction time (they have no column in
 * the count table), as in scikit-learn's CountVectorizer + MultinomialNB.
 */
import { check } from '../errors';

/** Anything that maps a text to a class index. */
export interface TextClassifier {
  predict(text: string): number;
}

/** A trained multinomial naive Bayes model. */
export interface NaiveBayesModel extends TextClassifier {
  /** Number of classes. */
  readonly nClasses: number;
  /** The additive smoothing used (1 = Laplace). */
  readonly alpha: number;
  /** Word → column in `logLikelihood`. */
  readonly vocab: ReadonlyMap<string, number>;
  /** log P(c), one per class. */
  readonly logPrior: Float64Array;
  /** log P(w | c), one row of |V| per class. */
  readonly logLikelihood: readonly Float64Array[];
  /** log P(c) + Σ log P(w | c) for each class (unnormalised log posterior). */
  logJoint(text: string): number[];
  /** P(c | text) for each class; for spam, index 1 is P(spam). */
  predictProba(text: string): number[];
  /** The most probable class (ties: the smaller index). */
  predict(text: string): number;
}

/** How trainNaiveBayes smooths and counts classes. All optional. */
export interface NaiveBayesOptions {
  /** Additive smoothing; 1 = Laplace. */
  readonly alpha?: number;
  /** Number of classes; default max(label) + 1. */
  readonly nClasses?: number;
}

/**
 * Lower-cased word tokens: runs of letters and digits, with an inner apostrophe kept
 * ("don't"). Punctuation, HTML leftovers and whitespace separate words.
 */
export function wordTokens(text: string): string[] {
  return text.toLowerCase().match(/[\p{L}\p{N}]+(?:['’][\p{L}]+)*/gu) ?? [];
}

/**
 * Train multinomial naive Bayes on `texts` (split into words by wordTokens) with integer class
 * `labels` (0, 1, …): log P(c) from the class frequencies, log P(w | c) from each class's word
 * counts with additive smoothing `alpha` (default 1, Laplace) over the vocabulary of all training
 * texts. The model's `predictProba(text)` gives P(class) for a new text. Throws an InputError for no
 * texts, texts and labels of different lengths, or a label that is not a class index.
 */
export function trainNaiveBayes(texts: readonly string[], labels: readonly number[], opts: NaiveBayesOptions = {}): NaiveBayesModel {
  check(texts.length === labels.length, `texts and labels differ in length: ${texts.length} vs ${labels.length}`);
  check(texts.length > 0, 'trainNaiveBayes: no training examples');
  check(labels.every((y) => Number.isInteger(y) && y >= 0), 'labels must be non-negative integers');
  const nClasses = opts.nClasses ?? labels.reduce((a, b) => Math.max(a, b), 0) + 1;
  check(Number.isInteger(nClasses) && labels.every((y) => y < nClasses), `labels must be < nClasses = ${nClasses}`);
  return trainNaiveBayesSoft(texts, labels.map((y) => Array.from({ length: nClasses }, (_, c) => (c === y ? 1 : 0))), opts);
}

/**
 * Naive Bayes from soft labels: `weights[i][c]` is how much of text i counts for class c (one-hot
 * rows give `trainNaiveBayes`; EM over unlabelled texts passes posteriors, see naive-bayes-em.ts).
 * Every text's words enter the vocabulary, whatever its weights.
 */
export function trainNaiveBayesSoft(texts: readonly string[], weights: readonly (readonly number[])[], opts: NaiveBayesOptions = {}): NaiveBayesModel {
  check(texts.length === weights.length, `texts and weights differ in length: ${texts.length} vs ${weights.length}`);
  check(texts.length > 0, 'trainNaiveBayes: no training examples');
  const alpha = opts.alpha ?? 1;
  check(alpha > 0, `alpha must be > 0, got ${alpha}`);
  const nClasses = weights[0].length;
  check(nClasses >= 1 && weights.every((r) => r.length === nClasses && r.every((x) => Number.isFinite(x) && x >= 0)), 'weights must be rows of non-negative numbers, one per class');

  // Pass 1: the vocabulary and per-class (weighted) word counts.
  const vocab = new Map<string, number>();
  const counts: Map<number, number>[] = Array.from({ length: nClasses }, () => new Map<number, number>());
  const docsPerClass = new Float64Array(nClasses);
  texts.forEach((text, i) => {
    const row = weights[i];
    for (let c = 0; c < nClasses; c++) docsPerClass[c] += row[c];
    for (const w of wordTokens(text)) {
      let id = vocab.get(w);
      if (id === undefined) vocab.set(w, (id = vocab.size));
      for (let c = 0; c < nClasses; c++) if (row[c] > 0) counts[c].set(id, (counts[c].get(id) ?? 0) + row[c]);
    }
  });

  // Pass 2: smoothed log probabilities.
  const V = vocab.size;
  const totalDocs = docsPerClass.reduce((a, b) => a + b, 0);
  check(totalDocs > 0, 'trainNaiveBayes: all weights are zero');
  const logPrior = Float64Array.from(docsPerClass, (n) => Math.log(n / totalDocs));
  const logLikelihood = counts.map((row) => {
    let total = 0;
    for (const n of row.values()) total += n;
    const out = new Float64Array(V).fill(Math.log(alpha / (total + alpha * V)));
    for (const [id, n] of row) out[id] = Math.log((n + alpha) / (total + alpha * V));
    return out;
  });

  const logJoint = (text: string): number[] => {
    const scores = Array.from(logPrior);
    for (const w of wordTokens(text)) {
      const id = vocab.get(w);
      if (id === undefined) continue;
      for (let c = 0; c < nClasses; c++) scores[c] += logLikelihood[c][id];
    }
    return scores;
  };
  const predictProba = (text: string): number[] => {
    const s = logJoint(text);
    const max = Math.max(...s); // subtract the max before exp: log-sum-exp without overflow
    const e = s.map((v) => Math.exp(v - max));
    const z = e.reduce((a, b) => a + b, 0);
    return e.map((v) => v / z);
  };
  const predict = (text: string): number => argmax(logJoint(text));
  return { nClasses, alpha, vocab, logPrior, logLikelihood, logJoint, predictProba, predict };
}

/** Index of the largest value (the first one on ties). */
export function argmax(values: ArrayLike<number>): number {
  let best = 0;
  for (let i = 1; i < values.length; i++) if (values[i] > values[best]) best = i;
  return best;
}
