// Checks for the exercises of notebooks/02-self-attention.ipynb (see test/exercises/target.ts for whose answers).
import { strict as assert } from 'assert';
import * as tf from '@tensorflow/tfjs';
import type * as Stub from '../../exercises/02-self-attention';
import { initBackend } from '../../src/engine';
import { causalMask, mergeHeads, scaledDotProductAttention, splitHeads } from '../../src/model/attention';
import { exerciseTarget, loadExercise } from './target';

const { maskedSoftmax, attentionHead, attentionShapes } = loadExercise<typeof Stub>('02-self-attention');

type Matrix = number[][];

function assertClose(actual: Matrix, expected: Matrix, tol: number, what: string): void {
  assert.equal(actual.length, expected.length, `${what}: ${actual.length} rows, expected ${expected.length}`);
  actual.forEach((row, i) => {
    assert.equal(row.length, expected[i].length, `${what}: row ${i} has ${row.length} entries, expected ${expected[i].length}`);
    row.forEach((v, j) => assert.ok(Math.abs(v - expected[i][j]) <= tol, `${what}[${i}][${j}] = ${v}, expected ${expected[i][j]}`));
  });
}

/** Deterministic pseudo-random matrix (a small LCG: the tests need variety, not quality). */
function matrix(rows: number, cols: number, seed: number): Matrix {
  let s = seed;
  const next = (): number => { s = (s * 1103515245 + 12345) % 2147483648; return s / 2147483648 * 2 - 1; };
  return Array.from({ length: rows }, () => Array.from({ length: cols }, next));
}

describe(`exercises 02-self-attention (${exerciseTarget()})`, () => {
  // The reference answers come from the library's tfjs code: start its backend (quietly) first.
  before(async () => { await initBackend(); });

  describe('1. maskedSoftmax', () => {
    it('is a plain row-wise softmax when nothing is masked (scores 0, ln 2, ln 3 → 1/6, 2/6, 3/6)', () => {
      const all = [[true, true, true]];
      assertClose(maskedSoftmax([[0, Math.log(2), Math.log(3)]], all), [[1 / 6, 2 / 6, 3 / 6]], 1e-12, 'weights');
    });

    it('gives masked positions exactly 0 and renormalises the rest (a causal mask on equal scores → 1/(i+1))', () => {
      const mask = [[true, false, false], [true, true, false], [true, true, true]];
      const w = maskedSoftmax([[5, 5, 5], [5, 5, 5], [5, 5, 5]], mask);
      assertClose(w, [[1, 0, 0], [1 / 2, 1 / 2, 0], [1 / 3, 1 / 3, 1 / 3]], 1e-12, 'weights');
      assert.equal(w[0][1], 0);
      assert.equal(w[0][2], 0);
    });

    it('ignores the value of a masked score, however large, and stays finite for large allowed scores', () => {
      const w = maskedSoftmax([[1000, 1001, 1e30]], [[true, true, false]]);
      assertClose(w, [[1 / (1 + Math.E), Math.E / (1 + Math.E), 0]], 1e-12, 'weights');
    });

    it('throws a RangeError for a row with no allowed key', () => {
      assert.throws(() => maskedSoftmax([[1, 2], [3, 4]], [[true, false], [false, false]]), RangeError);
    });
  });

  describe('2. attentionHead', () => {
    const [T, C, dk, dv] = [5, 6, 4, 3];
    const x = matrix(T, C, 1), wq = matrix(C, dk, 2), wk = matrix(C, dk, 3), wv = matrix(C, dv, 4);

    for (const causal of [true, false]) {
      it(`equals the library's scaledDotProductAttention on x·W (${causal ? 'causal mask' : 'no mask'})`, () => {
        const want = tf.tidy(() => {
          const xt = tf.tensor2d(x);
          const r = scaledDotProductAttention(tf.matMul(xt, tf.tensor2d(wq)), tf.matMul(xt, tf.tensor2d(wk)), tf.matMul(xt, tf.tensor2d(wv)), causal ? causalMask(T) : undefined);
          return { output: r.output.arraySync() as Matrix, weights: r.weights.arraySync() as Matrix };
        });
        const got = attentionHead(x, wq, wk, wv, causal);
        assertClose(got.weights, want.weights, 1e-5, 'weights');
        assertClose(got.output, want.output, 1e-5, 'output');
      });
    }

    it('lets token 0 see only itself under the causal mask (its output is its own value row)', () => {
      const got = attentionHead(x, wq, wk, wv, true);
      const v0 = wv[0].map((_, j) => x[0].reduce((s, a, c) => s + a * wv[c][j], 0));
      assertClose([got.output[0]], [v0], 1e-12, 'output[0]');
    });
  });

  describe('3. attentionShapes', () => {
    it('matches the shapes splitHeads, attention and mergeHeads produce (B=2, T=7, C=12, nh=3)', () => {
      const [B, T, C, nh] = [2, 7, 12, 3];
      const got = attentionShapes(B, T, C, nh);
      tf.tidy(() => {
        const q = splitHeads(tf.zeros([B, T, C]), nh);
        const r = scaledDotProductAttention(q, q, q, causalMask(T));
        assert.deepEqual(got.q, q.shape, 'q');
        assert.deepEqual(got.weights, r.weights.shape, 'weights');
        assert.deepEqual(got.headOutput, r.output.shape, 'headOutput');
        assert.deepEqual(got.merged, mergeHeads(r.output).shape, 'merged');
      });
    });

    it('gives the GPT-2 small shapes (B=1, T=1024, C=768, nh=12)', () => {
      assert.deepEqual(attentionShapes(1, 1024, 768, 12),
        { q: [1, 12, 1024, 64], weights: [1, 12, 1024, 1024], headOutput: [1, 12, 1024, 64], merged: [1, 1024, 768] });
    });

    it('throws a RangeError when C is not divisible by nh', () => {
      assert.throws(() => attentionShapes(1, 4, 10, 3), RangeError);
    });
  });
});
