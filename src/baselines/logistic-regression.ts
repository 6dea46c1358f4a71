/**
 * Logistic regression on word and word-bigram features: the discriminative baseline beside naive
 * Bayes (Wang & Manning, 2012, "Baselines and bigrams"; scikit-learn's CountVectorizer(ngram_range
 * = (1, 2), binary=True) + LogisticRegression). A fine-tuned GPT that cannot beat it at N labels has
 * not shown that pretraining pays at N.
 *
 *   x = binary presence of each unigram and bigram seen in training, scaled to unit length
 *   p(spam | x) = σ(w·x + b)
 *   minimise  C · Σ_i −log p(y_i | x_i) + ½ ‖w‖²        (scikit-learn's form; b not penalised)
 *
 * Fitted by Newton's method with conjugate gradients (the trust-region-free cousin of liblinear's
 * TRON, Lin, Weng & Keerthi, 2008): each step solves H·d = −g using only Hessian-vector products,
 * two passes over the sparse rows each, then halves the step until the objective falls enough. The
 * objective is strongly convex in w (and convex in b), so the minimiser is unique and the fit does
 * not depend on a seed; it stops when ‖g‖ has fallen by 10⁻⁶ from where it started.
 * C defaults to 1 (scikit-learn's default); `spamBaselines` chooses it by cross-validation inside
 * the labelled examples (select.ts).
 */
import { check } from '../errors';
import { type TextClassifier, wordTokens } from './naive-bayes';

export interface LogisticRegressionOptions {
  /** Inverse regularisation strength (scikit-learn's C). */
  readonly C?: number;
  /** Use word bigrams as well as words. */
  readonly bigrams?: boolean;
  /** Newton steps at most. */
  readonly maxIter?: number;
  /** Stop when ‖gradient‖ has fallen to this fraction of its starting value. */
  readonly tol?: number;
}

export interface LogisticRegressionModel extends TextClassifier {
  readonly C: number;
  /** Feature (word, or "w1 w2") → column of `weights`. */
  readonly vocab: ReadonlyMap<string, number>;
  readonly weights: Float64Array;
  readonly bias: number;
  /** Newton steps the fit took. */
  readonly iterations: number;
  /** P(class 1 | text). */
  probability(text: string): number;
  /** [P(0), P(1)]. */
  predictProba(text: string): number[];
  predict(text: string): number;
}

/** The feature names of a text: its distinct words and, optionally, adjacent word pairs. */
export function ngramFeatures(text: string, bigrams = true): string[] {
  const w = wordTokens(text);
  const out = new Set(w);
  if (bigrams) for (let i = 1; i < w.length; i++) out.add(`${w[i - 1]} ${w[i]}`);
  return [...out];
}

interface SparseRow { readonly cols: Int32Array; readonly value: number }

function sigmoid(z: number): number {
  return z >= 0 ? 1 / (1 + Math.exp(-z)) : Math.exp(z) / (1 + Math.exp(z));
}

/** Train binary logistic regression on `texts` with labels 0/1. */
export function trainLogisticRegression(texts: readonly string[], labels: readonly number[], opts: LogisticRegressionOptions = {}): LogisticRegressionModel {
  check(texts.length === labels.length, `texts and labels differ in length: ${texts.length} vs ${labels.length}`);
  check(texts.length > 0, 'trainLogisticRegression: no training examples');
  check(labels.every((y) => y === 0 || y === 1), 'logistic regression here is binary: labels must be 0 or 1');
  const C = opts.C ?? 1;
  const bigrams = opts.bigrams ?? true;
  const maxIter = opts.maxIter ?? 50;
  const tol = opts.tol ?? 1e-6;
  check(C > 0 && Number.isFinite(C), `C must be a positive number, got ${C}`);

  const vocab = new Map<string, number>();
  const rowOf = (text: string, grow: boolean): SparseRow => {
    const cols: number[] = [];
    for (const f of ngramFeatures(text, bigrams)) {
      let id = vocab.get(f);
      if (id === undefined && grow) vocab.set(f, (id = vocab.size));
      if (id !== undefined) cols.push(id);
    }
    return { cols: Int32Array.from(cols), value: cols.length ? 1 / Math.sqrt(cols.length) : 0 };
  };
  const rows = texts.map((t) => rowOf(t, true));
  const n = rows.length;
  const V = vocab.size;
  const dot = (w: Float64Array, b: number, r: SparseRow): number => {
    let s = 0;
    for (let k = 0; k < r.cols.length; k++) s += w[r.cols[k]];
    return b + r.value * s;
  };

  const D = V + 1; // w, then b
  const margin = (th: Float64Array, r: SparseRow): number => dot(th, th[V], r);
  const objective = (th: Float64Array): number => {
    let f = 0;
    for (let j = 0; j < V; j++) f += 0.5 * th[j] * th[j];
    for (let i = 0; i < n; i++) {
      const z = (2 * labels[i] - 1) * margin(th, rows[i]);
      f += C * (z > 0 ? Math.log1p(Math.exp(-z)) : -z + Math.log1p(Math.exp(z))); // log(1 + e^−z), stable
    }
    return f;
  };
  const addRow = (out: Float64Array, r: SparseRow, scale: number): void => {
    const v = scale * r.value;
    for (let k = 0; k < r.cols.length; k++) out[r.cols[k]] += v;
    out[V] += scale;
  };
  const rowDot = (v: Float64Array, r: SparseRow): number => dot(v, v[V], r);
  const norm = (v: Float64Array): number => Math.sqrt(v.reduce((a, x) => a + x * x, 0));

  const theta = new Float64Array(D);
  const p = new Float64Array(n);
  let g0 = 0;
  let iterations = 0;
  for (; iterations < maxIter; iterations++) {
    // Gradient: C Σ (p − y) x̃ + (w, 0).
    const g = new Float64Array(D);
    for (let j = 0; j < V; j++) g[j] = theta[j];
    for (let i = 0; i < n; i++) { p[i] = sigmoid(margin(theta, rows[i])); addRow(g, rows[i], C * (p[i] - labels[i])); }
    const gn = norm(g);
    if (iterations === 0) g0 = gn;
    if (gn <= tol * g0 || gn === 0) break;
    // Hessian-vector product: C Σ p(1 − p) (x̃·v) x̃ + (v_w, 0), plus 1e-10·v_b so H is definite.
    const hv = (v: Float64Array): Float64Array => {
      const out = new Float64Array(D);
      for (let j = 0; j < V; j++) out[j] = v[j];
      out[V] = 1e-10 * v[V];
      for (let i = 0; i < n; i++) addRow(out, rows[i], C * p[i] * (1 - p[i]) * rowDot(v, rows[i]));
      return out;
    };
    // Conjugate gradients on H d = −g, to a residual of min(0.5, √‖g‖)·‖g‖ (an inexact Newton step).
    const d = new Float64Array(D);
    const r = Float64Array.from(g, (x) => -x);
    const dir = Float64Array.from(r);
    let rr = gn * gn;
    const cgTol = Math.min(0.5, Math.sqrt(gn)) * gn;
    for (let k = 0; k < 250 && Math.sqrt(rr) > cgTol; k++) {
      const hd = hv(dir);
      let dHd = 0;
      for (let j = 0; j < D; j++) dHd += dir[j] * hd[j];
      const alpha = rr / dHd;
      let rrNew = 0;
      for (let j = 0; j < D; j++) { d[j] += alpha * dir[j]; r[j] -= alpha * hd[j]; rrNew += r[j] * r[j]; }
      const beta = rrNew / rr;
      for (let j = 0; j < D; j++) dir[j] = r[j] + beta * dir[j];
      rr = rrNew;
    }
    // Backtracking: the full step unless the objective does not fall by 10⁻⁴ of the prediction.
    let gd = 0;
    for (let j = 0; j < D; j++) gd += g[j] * d[j];
    const f0 = objective(theta);
    let t = 1;
    const trial = new Float64Array(D);
    for (let tries = 0; tries < 30; tries++, t /= 2) {
      for (let j = 0; j < D; j++) trial[j] = theta[j] + t * d[j];
      if (objective(trial) <= f0 + 1e-4 * t * gd) break;
    }
    theta.set(trial);
  }

  const weights = theta.subarray(0, V);
  const bias = theta[V];
  const probability = (text: string): number => sigmoid(dot(weights, bias, rowOf(text, false)));
  const predictProba = (text: string): number[] => { const p = probability(text); return [1 - p, p]; };
  const predict = (text: string): number => (probability(text) > 0.5 ? 1 : 0);
  return { C, vocab, weights, bias, iterations, probability, predictProba, predict };
}
