/**
 * Exercises of notebooks/02-self-attention.ipynb. Replace each `throw` with your answer, then run
 *
 *   npm run check -- 02
 *
 * which runs test/exercises/02-self-attention.test.ts against this file and says which checks pass.
 * Plain arrays only, no tfjs: a matrix is an array of rows.
 */

export type Matrix = number[][];

/**
 * Row-wise softmax of `scores` (T × S) where `mask[i][j] === false` means "query i may not look at
 * key j": those weights must be exactly 0, and each row's allowed weights sum to 1. Subtract the
 * row's largest *allowed* score before exponentiating, so scores like 1000 stay finite.
 * Throws a RangeError when a row has no allowed key (it has no distribution).
 */
export function maskedSoftmax(scores: Matrix, mask: boolean[][]): Matrix {
  void scores;
  void mask;
  throw new Error('exercise 1: not written yet');
}

/**
 * One attention head on x (T × C): Q = x·wq, K = x·wk (C × d_k), V = x·wv (C × d_v), then
 * weights = softmax(Q·Kᵀ / √d_k + M) with M the causal mask when `causal` (no mask otherwise),
 * and output = weights · V. Returns the output (T × d_v) and the weights (T × T).
 */
export function attentionHead(x: Matrix, wq: Matrix, wk: Matrix, wv: Matrix, causal: boolean): { output: Matrix; weights: Matrix } {
  void x;
  void wq;
  void wk;
  void wv;
  void causal;
  throw new Error('exercise 2: not written yet');
}

/** The shapes in multi-head self-attention on a batch x of shape (B, T, C) with nh heads. */
export interface AttentionShapes {
  /** The queries after splitHeads. */
  readonly q: number[];
  /** The attention weights of all heads. */
  readonly weights: number[];
  /** The attention output, per head, before mergeHeads. */
  readonly headOutput: number[];
  /** The output after mergeHeads. */
  readonly merged: number[];
}

/** Predict the shapes (see AttentionShapes); throws a RangeError when C is not divisible by nh. */
export function attentionShapes(B: number, T: number, C: number, nh: number): AttentionShapes {
  void B;
  void T;
  void C;
  void nh;
  throw new Error('exercise 3: not written yet');
}
