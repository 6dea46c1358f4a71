/**
 * The frozen-feature linear probe: how much of the spam/ham distinction a language model's
 * features already hold, with nothing of the model trained. Read each subject in the
 * classifier's frame, take the final hidden state at `<e>` (the vector GPT-1's head reads), and
 * fit logistic regression on those N vectors alone (C chosen by 5-fold cross-validation inside
 * the N labels, as for the text baselines). If fine-tuning beats the probe, training the
 * features paid; if not, the head was all that learned.
 *
 *   x = (h − mean) / sd          (standardised on the N training vectors)
 *   p(spam | x) = σ(w·x + b),    minimise  C · Σ −log p(y_i | x_i) + ½‖w‖²
 *
 * Fitted by Newton's method with the full (C+1)² Hessian: the features are only as many as
 * the model's width (128 for ours), so each step is one small linear solve.
 */
import * as tf from '@tensorflow/tfjs';
import { check } from '../errors';
import { crossValidate } from '../baselines/select';
import { gatherPositions } from '../model/classifier';
import type { GPT } from '../model/gpt';
import { type ClassifierBatchData, selectRows } from './inputs';

/**
 * The final hidden state at each row's `<e>` (N rows of C numbers), in eval mode, `batchSize`
 * rows at a time: the features the probe (and the classifier's head) reads.
 */
export function extractFeatures(model: GPT, data: ClassifierBatchData, batchSize = 64): Float32Array[] {
  const out: Float32Array[] = [];
  for (let i = 0; i < data.n; i += batchSize) {
    const rows = Array.from({ length: Math.min(batchSize, data.n - i) }, (_, j) => i + j);
    const b = selectRows(data, rows);
    const h = tf.tidy(() => {
      const { hidden } = model.forward(tf.tensor2d(b.ids, [b.n, b.T], 'int32'));
      return gatherPositions(hidden, tf.tensor1d(b.extract, 'int32'));
    });
    const flat = h.dataSync() as Float32Array;
    const C = h.shape[1];
    h.dispose();
    for (let r = 0; r < b.n; r++) out.push(flat.slice(r * C, (r + 1) * C));
  }
  return out;
}

/** A fitted probe: P(spam) of a feature vector. */
export interface LinearProbe {
  /** The inverse regularisation strength it was fitted with. */
  readonly C: number;
  /** Weights on the standardised features, and the bias. */
  readonly weights: Float64Array;
  readonly bias: number;
  /** P(class 1 | features). */
  probability(x: ArrayLike<number>): number;
  /** 1 when probability(x) > 0.5, else 0. */
  predict(x: ArrayLike<number>): number;
}

const sigmoid = (z: number): number => (z >= 0 ? 1 / (1 + Math.exp(-z)) : Math.exp(z) / (1 + Math.exp(z)));

/** Solve A·x = b in place by Gaussian elimination with partial pivoting (A is D×D, row-major). */
function solve(A: Float64Array, b: Float64Array, D: number): Float64Array {
  for (let c = 0; c < D; c++) {
    let piv = c;
    for (let r = c + 1; r < D; r++) if (Math.abs(A[r * D + c]) > Math.abs(A[piv * D + c])) piv = r;
    if (piv !== c) {
      for (let k = 0; k < D; k++) { const t = A[c * D + k]; A[c * D + k] = A[piv * D + k]; A[piv * D + k] = t; }
      const t = b[c]; b[c] = b[piv]; b[piv] = t;
    }
    for (let r = c + 1; r < D; r++) {
      const f = A[r * D + c] / A[c * D + c];
      if (f === 0) continue;
      for (let k = c; k < D; k++) A[r * D + k] -= f * A[c * D + k];
      b[r] -= f * b[c];
    }
  }
  const x = new Float64Array(D);
  for (let r = D - 1; r >= 0; r--) {
    let s = b[r];
    for (let k = r + 1; k < D; k++) s -= A[r * D + k] * x[k];
    x[r] = s / A[r * D + r];
  }
  return x;
}

/** Fit the probe on feature vectors `X` (all of one length) with labels 0/1 and inverse regularisation `C`. */
export function fitLinearProbe(X: readonly ArrayLike<number>[], y: readonly number[], C = 1): LinearProbe {
  check(X.length > 0 && X.length === y.length, `fitLinearProbe: ${X.length} vectors and ${y.length} labels`);
  check(y.every((v) => v === 0 || v === 1), 'fitLinearProbe: labels must be 0 or 1');
  check(C > 0 && Number.isFinite(C), `C must be a positive number, got ${C}`);
  const F = X[0].length;
  check(X.every((x) => x.length === F), 'fitLinearProbe: feature vectors differ in length');
  const n = X.length;
  const mean = new Float64Array(F);
  const sd = new Float64Array(F);
  for (const x of X) for (let j = 0; j < F; j++) mean[j] += x[j] / n;
  for (const x of X) for (let j = 0; j < F; j++) sd[j] += (x[j] - mean[j]) ** 2 / n;
  for (let j = 0; j < F; j++) sd[j] = Math.sqrt(sd[j]) || 1;
  const Z = X.map((x) => Float64Array.from({ length: F + 1 }, (_, j) => (j < F ? (x[j] - mean[j]) / sd[j] : 1)));
  const D = F + 1;
  const theta = new Float64Array(D);
  const margin = (z: Float64Array): number => { let s = 0; for (let j = 0; j < D; j++) s += theta[j] * z[j]; return s; };
  for (let iter = 0; iter < 50; iter++) {
    const g = new Float64Array(D);
    const H = new Float64Array(D * D);
    for (let j = 0; j < F; j++) { g[j] = theta[j]; H[j * D + j] = 1; }
    H[F * D + F] = 1e-8;
    for (let i = 0; i < n; i++) {
      const z = Z[i];
      const p = sigmoid(margin(z));
      const w = C * p * (1 - p);
      for (let j = 0; j < D; j++) {
        g[j] += C * (p - y[i]) * z[j];
        if (w === 0) continue;
        const wz = w * z[j];
        for (let k = 0; k < D; k++) H[j * D + k] += wz * z[k];
      }
    }
    const gn = Math.sqrt(g.reduce((a, v) => a + v * v, 0));
    const step = solve(H, Float64Array.from(g, (v) => -v), D);
    for (let j = 0; j < D; j++) theta[j] += step[j];
    if (gn < 1e-8) break;
  }
  const weights = theta.slice(0, F);
  const bias = theta[F];
  const probability = (x: ArrayLike<number>): number => {
    let s = bias;
    for (let j = 0; j < F; j++) s += (weights[j] * (x[j] - mean[j])) / sd[j];
    return sigmoid(s);
  };
  return { C, weights, bias, probability, predict: (x) => (probability(x) > 0.5 ? 1 : 0) };
}

/** The C values the probe's cross-validation chooses among (strongest regularisation first). */
export const PROBE_C_GRID = [0.001, 0.01, 0.1, 1, 10] as const;

/**
 * The probe with C chosen by 5-fold stratified cross-validation inside (X, y) (the text
 * baselines' procedure, baselines/select.ts), refitted on all of them; `chosen` is that C.
 */
export function crossValidatedProbe(X: readonly ArrayLike<number>[], y: readonly number[], grid: readonly number[] = PROBE_C_GRID, seed = 1): LinearProbe & { readonly chosen: number } {
  // crossValidate works on texts: here each "text" is the index of its feature vector.
  const keys = X.map((_, i) => String(i));
  const cv = crossValidate(keys, [...y], grid, (ks, ys, C) => {
    const probe = fitLinearProbe(ks.map((k) => X[Number(k)]), ys, C);
    return { predict: (k: string) => probe.predict(X[Number(k)]) };
  }, { seed });
  return { ...fitLinearProbe(X, y, cv.best), chosen: cv.best };
}
