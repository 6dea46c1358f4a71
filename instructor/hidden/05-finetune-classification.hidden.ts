// Hidden checks for exercises/05-finetune-classification.ts: the instructor's, never released.
// Exercise 4 (fineTuneFew) has none: its public check already demands the library's own run to
// 1e-9, which cannot be met without doing the work, and each further run costs minutes per student.
import { strict as assert } from 'assert';
import * as path from 'path';
import * as tf from '@tensorflow/tfjs';
import type * as Stub from '../../exercises/05-finetune-classification';
import { precisionRecallF1 } from '../../src/baselines/metrics';
import { loadCheckpoint } from '../../src/checkpoint';
import { initBackend } from '../../src/engine';
import { crossEntropy, type GPT } from '../../src/model/gpt';
import { BpeTokenizer } from '../../src/tokenize';
import { loadExercise } from '../../test/exercises/target';

const { buildClassifierIds, combinedLoss, f1FromConfusion, subjectLogProb, zeroShotSpam } = loadExercise<typeof Stub>('05-finetune-classification');
const BROAD_LM = path.join(__dirname, '..', '..', 'data', 'checkpoints', 'lm-broad');

function gen(seed: number): () => number {
  let s = seed >>> 0;
  return () => { s = (Math.imul(s, 1664525) + 1013904223) >>> 0; return s / 2 ** 32; };
}
const nll = (z: readonly number[], y: number): number => {
  const m = Math.max(...z);
  return m + Math.log(z.reduce((s, v) => s + Math.exp(v - m), 0)) - z[y];
};

describe('hidden checks 05-finetune-classification', () => {
  describe('1. buildClassifierIds', () => {
    it('hidden: agrees with a reference for generated texts and lengths, T = 3 included', () => {
      const r = gen(31);
      for (let n = 0; n < 60; n++) {
        const text = Array.from({ length: Math.floor(r() * 12) }, () => 10 + Math.floor(r() * 90));
        const T = 3 + Math.floor(r() * 10);
        const row = [7, ...text.slice(0, T - 2), 8];
        const extract = row.length - 1;
        while (row.length < T) row.push(8);
        assert.deepEqual(buildClassifierIds(text, 7, 8, T), { ids: row, extract });
      }
    });

    it('hidden: refuses T of 2, 0 and below', () => {
      for (const T of [2, 0, -4]) assert.throws(() => buildClassifierIds([1, 2], 3, 4, T), RangeError);
    });
  });

  describe('2. combinedLoss', () => {
    it('hidden: equals a reference on generated batches, and λ scales only the LM part', () => {
      const r = gen(32);
      for (let n = 0; n < 20; n++) {
        const B = 1 + (n % 4), T = 1 + (n % 3), V = 2 + (n % 5), K = 2;
        const clf = Array.from({ length: B }, () => Array.from({ length: K }, () => r() * 10 - 5));
        const labels = clf.map(() => Math.floor(r() * K));
        const lm = Array.from({ length: B }, () => Array.from({ length: T }, () => Array.from({ length: V }, () => r() * 2000 - 1000)));
        const targets = lm.map((row) => row.map(() => (r() < 0.3 ? -1 : Math.floor(r() * V))));
        const l2 = clf.reduce((s, z, b) => s + nll(z, labels[b]), 0) / B;
        let l1 = 0, cnt = 0;
        lm.forEach((row, b) => row.forEach((z, t) => { if (targets[b][t] >= 0) { l1 += nll(z, targets[b][t]); cnt++; } }));
        const mean = cnt ? l1 / cnt : 0;
        for (const lambda of [0, 0.5, 3]) {
          const got = combinedLoss(clf, labels, lm, targets, lambda);
          assert.ok(Math.abs(got - (l2 + lambda * mean)) <= 1e-9 * Math.max(1, got), `combinedLoss at λ = ${lambda}: ${got}, expected ${l2 + lambda * mean}`);
        }
      }
    });

    it('hidden: with no LM target left, the loss is the classification loss alone', () => {
      const clf = [[0.2, 1.7], [3, -1]];
      const want = (nll(clf[0], 1) + nll(clf[1], 0)) / 2;
      const got = combinedLoss(clf, [1, 0], [[[1, 2, 3]], [[4, 5, 6]]], [[-1], [-1]], 0.5);
      assert.ok(Math.abs(got - want) < 1e-12, `combinedLoss with every LM target −1: ${got}, expected the classification loss ${want}`);
    });
  });

  describe('3. f1FromConfusion', () => {
    it('hidden: agrees with the library on generated confusion matrices, empty rows included', () => {
      const r = gen(33);
      for (let n = 0; n < 40; n++) {
        const m = [[Math.floor(r() * 5), Math.floor(r() * 5)], [Math.floor(r() * 5), n % 4 === 0 ? 0 : Math.floor(r() * 5)]];
        const truth: number[] = [], pred: number[] = [];
        for (const t of [0, 1]) for (const p of [0, 1]) for (let k = 0; k < m[t][p]; k++) { truth.push(t); pred.push(p); }
        const got = f1FromConfusion(m);
        const want = truth.length ? precisionRecallF1(truth, pred) : { precision: 0, recall: 0, f1: 0 };
        for (const key of ['precision', 'recall', 'f1'] as const) {
          assert.ok(Math.abs(got[key] - want[key]) < 1e-12 && !Number.isNaN(got[key]), `${key} of ${JSON.stringify(m)}: ${got[key]}, expected ${want[key]}`);
        }
      }
    });

    it('hidden: a perfect classifier scores 1 on all three', () => {
      assert.deepEqual(f1FromConfusion([[9, 0], [0, 4]]), { precision: 1, recall: 1, f1: 1 });
    });
  });

  describe('5. subjectLogProb', function () {
    this.timeout(120_000);
    let model: GPT;
    let tok: BpeTokenizer;
    before(async () => {
      await initBackend();
      const ck = loadCheckpoint(BROAD_LM);
      model = ck.model;
      tok = BpeTokenizer.fromJSON(ck.json.tokenizer);
    });
    after(() => model?.dispose());

    it('hidden: equals the log-likelihood from lg.crossEntropy on other subjects (accents, digits, a lone space)', () => {
      for (const s of ['Café déjà vu — 50% off', '12345', ' ', 'Re: Re: Re: fwd']) {
        const nl = tok.encode('\n')[0];
        const ids = [nl, nl, ...tok.encode(s + '\n')].slice(0, model.config.blockSize);
        const targets = ids.map((_, t) => (t + 1 >= 2 && t + 1 < ids.length ? ids[t + 1] : -1));
        const count = targets.filter((y) => y >= 0).length;
        const want = tf.tidy(() => {
          const { hidden } = model.forward(tf.tensor2d([ids], [1, ids.length], 'int32'));
          return -crossEntropy(model.logits(hidden), tf.tensor2d([targets], [1, ids.length], 'int32')).dataSync()[0] * count;
        });
        const got = subjectLogProb(model, tok, s);
        assert.ok(Math.abs(got - want) <= 1e-4 * Math.max(1, Math.abs(want)), `subjectLogProb: ${got}, expected ${want}`);
      }
    });
  });

  describe('6. zeroShotSpam', () => {
    it('hidden: equals a reference on generated scores for other shares', () => {
      const r = gen(36);
      for (let n = 0; n < 30; n++) {
        const train = Array.from({ length: 1 + (n % 13) }, () => -r() * 8);
        const test = Array.from({ length: 10 }, () => -r() * 8);
        const share = 0.05 + r() * 0.9;
        const sorted = [...train].sort((a, b) => a - b);
        const th = sorted[Math.floor(share * sorted.length)];
        assert.deepEqual(zeroShotSpam(train, test, share), test.map((s) => (s < th ? 1 : 0)));
      }
    });

    it('hidden: a test score equal to the threshold is ham; shares 0 and 1 are refused', () => {
      assert.deepEqual(zeroShotSpam([-3, -1, -2, -4], [-2, -2.0001, -1.9999], 0.5), [0, 1, 0]);
      assert.throws(() => zeroShotSpam([-1], [-1], 0), RangeError);
      assert.throws(() => zeroShotSpam([-1], [-1], 1), RangeError);
    });
  });
});
