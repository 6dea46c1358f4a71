/**
 * Reference answers to exercises/02-self-attention.ts. CI checks them with the same tests students
 * run (`npm run check -- 02 --solutions`, and `npm test`), so the tests are known to be passable.
 */
import type { AttentionShapes } from '../02-self-attention';

export type Matrix = number[][];

export function maskedSoftmax(scores: Matrix, mask: boolean[][]): Matrix {
  return scores.map((row, i) => {
    const allowed = row.filter((_, j) => mask[i][j]);
    if (allowed.length === 0) throw new RangeError(`row ${i} has no allowed key`);
    // The largest allowed score: exp(s - max) ≤ 1, so nothing overflows.
    const max = Math.max(...allowed);
    const e = row.map((s, j) => (mask[i][j] ? Math.exp(s - max) : 0));
    const sum = e.reduce((a, b) => a + b, 0);
    return e.map((v) => v / sum);
  });
}

const matmul = (A: Matrix, B: Matrix): Matrix => A.map((row) => B[0].map((_, j) => row.reduce((s, a, k) => s + a * B[k][j], 0)));

export function attentionHead(x: Matrix, wq: Matrix, wk: Matrix, wv: Matrix, causal: boolean): { output: Matrix; weights: Matrix } {
  const q = matmul(x, wq); // (T, d_k)
  const k = matmul(x, wk); // (T, d_k)
  const v = matmul(x, wv); // (T, d_v)
  const dk = wq[0].length;
  const scores = q.map((qi) => k.map((kj) => qi.reduce((s, a, c) => s + a * kj[c], 0) / Math.sqrt(dk))); // (T, T)
  const weights = maskedSoftmax(scores, scores.map((row, i) => row.map((_, j) => !causal || j <= i)));
  return { output: matmul(weights, v), weights };
}

export function attentionShapes(B: number, T: number, C: number, nh: number): AttentionShapes {
  if (!Number.isInteger(C / nh)) throw new RangeError(`C = ${C} is not divisible by nh = ${nh}`);
  const hs = C / nh;
  return { q: [B, nh, T, hs], weights: [B, nh, T, T], headOutput: [B, nh, T, hs], merged: [B, T, C] };
}
