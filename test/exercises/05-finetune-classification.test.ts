// Checks for the exercises of notebooks/05-finetune-classification.ipynb (see test/exercises/target.ts for whose answers).
import { strict as assert } from 'assert';
import type * as Stub from '../../exercises/05-finetune-classification';
import { encodeClassifierData, EXTRACT, START } from '../../src/classify/inputs';
import { precisionRecallF1 } from '../../src/baselines/metrics';
import { BpeTokenizer } from '../../src/tokenize';
import { exerciseTarget, loadExercise } from './target';

const { buildClassifierIds, combinedLoss, f1FromConfusion } = loadExercise<typeof Stub>('05-finetune-classification');

const close = (a: number, b: number, tol = 1e-9): void => assert.ok(Math.abs(a - b) <= tol, `${a}, expected ${b}`);

/** A deterministic pseudo-random number in [-3, 3) (no Math.random: the checks must repeat). */
function lcg(seed: number): () => number {
  let s = seed >>> 0;
  return () => { s = (Math.imul(s, 1664525) + 1013904223) >>> 0; return (s / 2 ** 32) * 6 - 3; };
}

describe(`exercises 05-finetune-classification (${exerciseTarget()})`, () => {
  describe('1. buildClassifierIds', () => {
    it('wraps the text in <s> … <e> and pads with <e> ([5, 6] with T = 6 → [1, 5, 6, 2, 2, 2], <e> at 3)', () => {
      assert.deepEqual(buildClassifierIds([5, 6], 1, 2, 6), { ids: [1, 5, 6, 2, 2, 2], extract: 3 });
    });

    it('cuts the text to T − 2 ids, never the markers', () => {
      assert.deepEqual(buildClassifierIds([5, 6, 7, 8, 9], 1, 2, 5), { ids: [1, 5, 6, 7, 2], extract: 4 });
      assert.deepEqual(buildClassifierIds([5, 6, 7], 1, 2, 5), { ids: [1, 5, 6, 7, 2], extract: 4 });
      assert.deepEqual(buildClassifierIds([], 1, 2, 3), { ids: [1, 2, 2], extract: 1 });
    });

    it('gives the rows of the library\'s encodeClassifierData', () => {
      const tok = BpeTokenizer.train('cheap meds now. meeting at noon. '.repeat(10), 280).withSpecialTokens([START, EXTRACT]);
      const texts = ['cheap meds now', 'meeting at noon, cheap meds now, meeting at noon', ''];
      const T = 9;
      const lib = encodeClassifierData(tok, texts, [1, 0, 0], T);
      texts.forEach((text, i) => {
        const mine = buildClassifierIds(tok.encode(text), tok.specialTokens.get(START)!, tok.specialTokens.get(EXTRACT)!, T);
        assert.deepEqual(mine.ids, Array.from(lib.ids.subarray(i * T, (i + 1) * T)), JSON.stringify(text));
        assert.equal(mine.extract, lib.extract[i]);
      });
    });

    it('leaves its input unchanged and refuses T < 3', () => {
      const ids = [5, 6, 7];
      buildClassifierIds(ids, 1, 2, 4);
      assert.deepEqual(ids, [5, 6, 7]);
      assert.throws(() => buildClassifierIds([5], 1, 2, 2), RangeError);
    });
  });

  describe('2. combinedLoss', () => {
    it('is ln 2 for equal class logits and λ = 0', () => {
      close(combinedLoss([[0, 0], [3, 3]], [0, 1], [[[0, 0]], [[0, 0]]], [[-1], [-1]], 0), Math.LN2);
    });

    it('adds λ times the mean next-token loss over the positions whose target is not −1', () => {
      // Class part: −log softmax([ln 3, 0])[0] = ln(4/3). LM part: positions with targets 2 and 0 of
      // logits [0, 0, ln 2] (p = 1/4, 1/4, 2/4) → (−ln ½ − ln ¼) / 2 = 1.5 ln 2; the −1 is skipped.
      const lm = [[[0, 0, Math.log(2)], [0, 0, Math.log(2)], [9, 9, 9]]];
      close(combinedLoss([[Math.log(3), 0]], [0], lm, [[2, 0, -1]], 0.5), Math.log(4 / 3) + 0.5 * 1.5 * Math.LN2);
      close(combinedLoss([[Math.log(3), 0]], [0], lm, [[2, 0, -1]], 0), Math.log(4 / 3));
    });

    it('averages the LM part over all valid positions of the batch, not per row', () => {
      // Row 0 has one valid position, row 1 three: a per-row mean would weigh them differently.
      const rnd = lcg(7);
      const V = 4;
      const lm = [0, 1].map(() => [0, 1, 2].map(() => Array.from({ length: V }, rnd)));
      const targets = [[1, -1, -1], [0, 3, 2]];
      const nll = (z: number[], y: number): number => Math.log(z.reduce((s, v) => s + Math.exp(v), 0)) - z[y];
      const want = (nll(lm[0][0], 1) + nll(lm[1][0], 0) + nll(lm[1][1], 3) + nll(lm[1][2], 2)) / 4;
      close(combinedLoss([[0, 0], [0, 0]], [0, 1], lm, targets, 1), Math.LN2 + want, 1e-9);
    });

    it('stays finite for large logits ([1000, 1001], label 0 → ln(1 + e))', () => {
      const v = combinedLoss([[1000, 1001]], [0], [[[1000, 1001]]], [[1]], 1);
      close(v, Math.log(1 + Math.E) + Math.log(1 + Math.exp(-1)), 1e-9);
    });
  });

  describe('3. f1FromConfusion', () => {
    it('reads TP, FP, FN from m[true][predicted] (TN 3, FP 1, FN 1, TP 2 → precision = recall = F1 = 2/3)', () => {
      const r = f1FromConfusion([[3, 1], [1, 2]]);
      close(r.precision, 2 / 3);
      close(r.recall, 2 / 3);
      close(r.f1, 2 / 3);
    });

    it('is not symmetric in FP and FN (FP 4, FN 1, TP 4 → precision ½, recall 0.8)', () => {
      const r = f1FromConfusion([[10, 4], [1, 4]]);
      close(r.precision, 0.5);
      close(r.recall, 0.8);
      close(r.f1, (2 * 0.5 * 0.8) / 1.3);
    });

    it('gives 0, not NaN, for "always ham" (no spam predicted)', () => {
      assert.deepEqual(f1FromConfusion([[431, 0], [193, 0]]), { precision: 0, recall: 0, f1: 0 });
    });

    it('agrees with the library on predictions made into a confusion matrix', () => {
      const rnd = lcg(3);
      const yTrue = Array.from({ length: 200 }, () => (rnd() > 0.8 ? 1 : 0));
      const yPred = yTrue.map((y) => (rnd() > 2.2 ? 1 - y : y));
      const m = [[0, 0], [0, 0]];
      yTrue.forEach((t, i) => { m[t][yPred[i]]++; });
      const lib = precisionRecallF1(yTrue, yPred, 1);
      const mine = f1FromConfusion(m);
      close(mine.precision, lib.precision);
      close(mine.recall, lib.recall);
      close(mine.f1, lib.f1);
    });
  });
});
