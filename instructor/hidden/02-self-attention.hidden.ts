// Hidden checks for exercises/02-self-attention.ts: the instructor's, never released.
import { strict as assert } from 'assert';
import * as tf from '@tensorflow/tfjs';
import type * as Stub from '../../exercises/02-self-attention';
import { initBackend } from '../../src/engine';
import { causalMask, scaledDotProductAttention } from '../../src/model/attention';
import { loadExercise } from '../../test/exercises/target';

const { maskedSoftmax, attentionHead, attentionShapes } = loadExercise<typeof Stub>('02-self-attention');

type Matrix = number[][];
const close = (a: Matrix, b: Matrix, tol: number): void => {
  assert.equal(a.length, b.length);
  a.forEach((row, i) => { assert.equal(row.length, b[i].length); row.forEach((v, j) => assert.ok(Math.abs(v - b[i][j]) <= tol)); });
};
function gen(seed: number): (lo: number, hi: number) => number {
  let s = seed >>> 0;
  return (lo, hi) => { s = (Math.imul(s, 1664525) + 1013904223) >>> 0; return lo + (s / 2 ** 32) * (hi - lo); };
}
const matrix = (r: (lo: number, hi: number) => number, rows: number, cols: number): Matrix =>
  Array.from({ length: rows }, () => Array.from({ length: cols }, () => r(-1.5, 1.5)));

describe('hidden checks 02-self-attention', () => {
  before(async () => { await initBackend(); });

  describe('1. maskedSoftmax', () => {
    it('hidden: equals a reference on generated scores and masks', () => {
      const r = gen(9);
      for (let n = 0; n < 30; n++) {
        const T = 1 + (n % 5), S = 1 + (n % 6);
        const scores = matrix(r, T, S).map((row) => row.map((v) => v * 50));
        const mask = scores.map((row) => row.map(() => r(0, 1) < 0.6));
        mask.forEach((row) => { row[Math.floor(r(0, S))] = true; });
        const want = scores.map((row, i) => {
          const m = Math.max(...row.filter((_, j) => mask[i][j]));
          const e = row.map((v, j) => (mask[i][j] ? Math.exp(v - m) : 0));
          const s = e.reduce((a, b) => a + b, 0);
          return e.map((v) => v / s);
        });
        const got = maskedSoftmax(scores, mask);
        close(got, want, 1e-12);
        got.forEach((row, i) => row.forEach((v, j) => { if (!mask[i][j]) assert.ok(Object.is(v, 0)); }));
      }
    });

    it('hidden: a row with one allowed key puts all its weight there, even when the other scores are far larger', () => {
      close(maskedSoftmax([[5000, -3, 7000]], [[false, true, false]]), [[0, 1, 0]], 0);
    });

    it('hidden: refuses a later row with no allowed key', () => {
      assert.throws(() => maskedSoftmax([[1, 2], [3, 4]], [[true, true], [false, false]]), RangeError);
    });
  });

  describe('2. attentionHead', () => {
    for (const [T, C, dk, dv] of [[1, 3, 2, 5], [6, 2, 7, 1]]) {
      it(`hidden: equals the library's attention on another shape (case T = ${T})`, () => {
        const r = gen(T * 31 + C);
        const x = matrix(r, T, C), wq = matrix(r, C, dk), wk = matrix(r, C, dk), wv = matrix(r, C, dv);
        for (const causal of [true, false]) {
          const want = tf.tidy(() => {
            const xt = tf.tensor2d(x);
            const o = scaledDotProductAttention(tf.matMul(xt, tf.tensor2d(wq)), tf.matMul(xt, tf.tensor2d(wk)), tf.matMul(xt, tf.tensor2d(wv)), causal ? causalMask(T) : undefined);
            return { output: o.output.arraySync() as Matrix, weights: o.weights.arraySync() as Matrix };
          });
          const got = attentionHead(x, wq, wk, wv, causal);
          close(got.weights, want.weights, 1e-5);
          close(got.output, want.output, 1e-5);
        }
      });
    }

    it('hidden: without the mask, reordering the tokens reorders the output rows the same way', () => {
      const r = gen(77);
      const x = matrix(r, 5, 4), wq = matrix(r, 4, 3), wk = matrix(r, 4, 3), wv = matrix(r, 4, 2);
      const order = [3, 0, 4, 1, 2];
      const a = attentionHead(x, wq, wk, wv, false).output;
      const b = attentionHead(order.map((i) => x[i]), wq, wk, wv, false).output;
      close(b, order.map((i) => a[i]), 1e-12);
    });
  });

  describe('3. attentionShapes', () => {
    it('hidden: one head, one position per head, and a batch of one token', () => {
      assert.deepEqual(attentionShapes(3, 5, 8, 1), { q: [3, 1, 5, 8], weights: [3, 1, 5, 5], headOutput: [3, 1, 5, 8], merged: [3, 5, 8] });
      assert.deepEqual(attentionShapes(1, 1, 6, 6), { q: [1, 6, 1, 1], weights: [1, 6, 1, 1], headOutput: [1, 6, 1, 1], merged: [1, 1, 6] });
    });

    it('hidden: refuses other indivisible widths', () => {
      assert.throws(() => attentionShapes(2, 3, 7, 2), RangeError);
      assert.throws(() => attentionShapes(2, 3, 12, 5), RangeError);
    });
  });
});
