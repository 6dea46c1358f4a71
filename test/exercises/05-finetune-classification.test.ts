// Checks for the exercises of notebooks/05-finetune-classification.ipynb (see test/exercises/target.ts for whose answers).
import { strict as assert } from 'assert';
import type * as Stub from '../../exercises/05-finetune-classification';
import * as path from 'path';
import * as tf from '@tensorflow/tfjs';
import { encodeClassifierData, EXTRACT, START } from '../../src/classify/inputs';
import { accuracyOf, encodeSpam, finetune, predictProba } from '../../src/classify/finetune';
import { DEFAULT_FINETUNE, type FinetuneOptions, SMALL_SET_SCHEDULE, smallSetSchedule } from '../../src/classify/options';
import { prepareClassifier } from '../../src/classify/prepare';
import { precisionRecallF1 } from '../../src/baselines/metrics';
import { loadCheckpoint } from '../../src/checkpoint';
import { loadSpam, type SpamDataset, stratifiedSubset } from '../../src/data/spam';
import { initBackend } from '../../src/engine';
import { crossEntropy, type GPT } from '../../src/model/gpt';
import { BpeTokenizer } from '../../src/tokenize';
import { exerciseTarget, loadExercise } from './target';

const { buildClassifierIds, combinedLoss, f1FromConfusion, fineTuneFew, subjectLogProb, zeroShotSpam } = loadExercise<typeof Stub>('05-finetune-classification');

const BROAD_LM = path.join(__dirname, '..', '..', 'data', 'checkpoints', 'lm-broad');

const close = (a: number, b: number, tol = 1e-9, what = 'value'): void =>
  assert.ok(Math.abs(a - b) <= tol, `${what}: ${a}, expected ${b} (within ${tol})`);

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
      close(combinedLoss([[0, 0], [3, 3]], [0, 1], [[[0, 0]], [[0, 0]]], [[-1], [-1]], 0), Math.LN2, 1e-9, 'combinedLoss');
    });

    it('adds λ times the mean next-token loss over the positions whose target is not −1', () => {
      // Class part: −log softmax([ln 3, 0])[0] = ln(4/3). LM part: positions with targets 2 and 0 of
      // logits [0, 0, ln 2] (p = 1/4, 1/4, 2/4) → (−ln ½ − ln ¼) / 2 = 1.5 ln 2; the −1 is skipped.
      const lm = [[[0, 0, Math.log(2)], [0, 0, Math.log(2)], [9, 9, 9]]];
      close(combinedLoss([[Math.log(3), 0]], [0], lm, [[2, 0, -1]], 0.5), Math.log(4 / 3) + 0.5 * 1.5 * Math.LN2, 1e-9, 'combinedLoss');
      close(combinedLoss([[Math.log(3), 0]], [0], lm, [[2, 0, -1]], 0), Math.log(4 / 3), 1e-9, 'combinedLoss');
    });

    it('averages the LM part over all valid positions of the batch, not per row', () => {
      // Row 0 has one valid position, row 1 three: a per-row mean would weigh them differently.
      const rnd = lcg(7);
      const V = 4;
      const lm = [0, 1].map(() => [0, 1, 2].map(() => Array.from({ length: V }, rnd)));
      const targets = [[1, -1, -1], [0, 3, 2]];
      const nll = (z: number[], y: number): number => Math.log(z.reduce((s, v) => s + Math.exp(v), 0)) - z[y];
      const want = (nll(lm[0][0], 1) + nll(lm[1][0], 0) + nll(lm[1][1], 3) + nll(lm[1][2], 2)) / 4;
      close(combinedLoss([[0, 0], [0, 0]], [0, 1], lm, targets, 1), Math.LN2 + want, 1e-9, 'combinedLoss');
    });

    it('stays finite for large logits ([1000, 1001], label 0 → ln(1 + e))', () => {
      const v = combinedLoss([[1000, 1001]], [0], [[[1000, 1001]]], [[1]], 1);
      close(v, Math.log(1 + Math.E) + Math.log(1 + Math.exp(-1)), 1e-9, 'combinedLoss');
    });
  });

  describe('3. f1FromConfusion', () => {
    it('reads TP, FP, FN from m[true][predicted] (TN 3, FP 1, FN 1, TP 2 → precision = recall = F1 = 2/3)', () => {
      const r = f1FromConfusion([[3, 1], [1, 2]]);
      close(r.precision, 2 / 3, 1e-9, 'precision');
      close(r.recall, 2 / 3, 1e-9, 'recall');
      close(r.f1, 2 / 3, 1e-9, 'f1');
    });

    it('is not symmetric in FP and FN (FP 4, FN 1, TP 4 → precision ½, recall 0.8)', () => {
      const r = f1FromConfusion([[10, 4], [1, 4]]);
      close(r.precision, 0.5, 1e-9, 'precision');
      close(r.recall, 0.8, 1e-9, 'recall');
      close(r.f1, (2 * 0.5 * 0.8) / 1.3, 1e-9, 'f1');
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
      close(mine.precision, lib.precision, 1e-9, 'precision');
      close(mine.recall, lib.recall, 1e-9, 'recall');
      close(mine.f1, lib.f1, 1e-9, 'f1');
    });
  });
  describe('4. fineTuneFew', function () {
    // The curve's runs are 200 steps; the checks run the same function for STEPS steps (two
    // validations), which is enough to tell a recipe that differs from the library's or a λ that is
    // ignored, at a tenth of the cost: three runs here instead of three 200-step runs (6 minutes).
    this.timeout(300_000);
    const N = 32;
    const STEPS = 20;
    let ds: SpamDataset;
    before(async () => { await initBackend(); ds = loadSpam(); });

    /** The same run, written here with the library: the recipe of scripts/label-efficiency.js at N < all. */
    async function libraryRun(lambda: number, seed: number): Promise<{ valAccuracy: number; testAccuracy: number; steps: number }> {
      const o: FinetuneOptions = {
        ...DEFAULT_FINETUNE, task: 'subject', T: 48, lr: 1e-3, dropout: 0, seed, lambda, trainSize: N, tokenInit: 'separators',
        ...smallSetSchedule(N, DEFAULT_FINETUNE.batchSize, STEPS),
      };
      const { model, tokenizer } = prepareClassifier(BROAD_LM, 'pretrained', seed, { dropout: 0, tokenInit: 'separators' });
      try {
        const res = await finetune(model, encodeSpam(tokenizer, stratifiedSubset(ds.train, N, seed), o), encodeSpam(tokenizer, ds.val, o), o);
        const test = encodeSpam(tokenizer, ds.test, o);
        return { valAccuracy: Math.max(...res.valAccuracy), testAccuracy: accuracyOf(predictProba(model, test), test.labels), steps: res.steps };
      } finally {
        model.dispose();
      }
    }

    // The student's λ = 0.5 run, shared by both checks (run once, whichever check comes first).
    let half: Promise<{ valAccuracy: number; testAccuracy: number; steps: number }> | null = null;
    const studentHalf = () => (half ??= fineTuneFew(BROAD_LM, N, 1, 0.5, STEPS));

    it(`equals the chapter's recipe run with the library (broad LM, N = ${N}, seed 1, λ = 0.5, ${STEPS} steps; 1e-9)`, async () => {
      const mine = await studentHalf();
      const lib = await libraryRun(0.5, 1);
      assert.equal(mine.steps, lib.steps, `steps run: ${mine.steps}, expected ${lib.steps} (the steps argument, passed to lg.smallSetSchedule)`);
      close(mine.valAccuracy, lib.valAccuracy, 1e-9, 'best validation accuracy');
      close(mine.testAccuracy, lib.testAccuracy, 1e-9, 'test accuracy');
    });

    it('gives a valid run with λ = 0 that differs from λ = 0.5 (the auxiliary loss is used)', async () => {
      const mine = await studentHalf();
      const none = await fineTuneFew(BROAD_LM, N, 1, 0, STEPS);
      for (const r of [mine, none]) {
        assert.ok(r.testAccuracy >= 0 && r.testAccuracy <= 1 && r.valAccuracy >= 0 && r.valAccuracy <= 1,
          `accuracies must lie in [0, 1]: ${JSON.stringify(r)}`);
        assert.ok(Number.isInteger(r.steps) && r.steps > 0 && r.steps <= STEPS, `steps run: ${r.steps}, expected an integer in 1…${STEPS}`);
      }
      // With seed 1 the two runs end apart (measured: see the commit); a λ that is ignored gives equal runs.
      assert.ok(none.valAccuracy !== mine.valAccuracy || none.testAccuracy !== mine.testAccuracy,
        `λ = 0 and λ = 0.5 gave the same accuracies (${JSON.stringify(none)}): is lambda passed to lg.finetune?`);
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

    /** −(mean cross-entropy × count) of the subject's tokens after two newline tokens, by lg.crossEntropy. */
    function reference(subject: string): number {
      const nl = tok.encode('\n')[0];
      const ids = [nl, nl, ...tok.encode(subject + '\n')].slice(0, model.config.blockSize);
      const targets = ids.map((_, t) => (t + 1 >= 2 && t + 1 < ids.length ? ids[t + 1] : -1));
      const count = targets.filter((y) => y >= 0).length;
      return tf.tidy(() => {
        const { hidden } = model.forward(tf.tensor2d([ids], [1, ids.length], 'int32'));
        return -crossEntropy(model.logits(hidden), tf.tensor2d([targets], [1, ids.length], 'int32')).dataSync()[0] * count;
      });
    }

    const long = Array.from({ length: 90 }, (_, i) => `word${i}`).join(' '); // far more than 128 tokens

    it('equals the log-likelihood from lg.crossEntropy for an ordinary, an empty, a spam-like and a too-long subject (1e-4)', () => {
      for (const s of ['Re: [SAdev] meeting at noon', '', 'FREE!!! Lose 30 lbs in 30 days - ACT NOW', long]) {
        const mine = subjectLogProb(model, tok, s);
        const want = reference(s);
        assert.ok(Math.abs(mine - want) <= 1e-4 * Math.max(1, Math.abs(want)), `${JSON.stringify(s.slice(0, 40))}: ${mine}, expected ${want}`);
      }
    });

    it('scores only the subject after the blank line: the empty subject\'s score is log p(newline | two newlines) < 0', () => {
      const nl = tok.encode('\n')[0];
      const want = tf.tidy(() => {
        const { hidden } = model.forward(tf.tensor2d([[nl, nl]], [1, 2], 'int32'));
        return tf.logSoftmax(model.logits(hidden)).arraySync()[0][1][nl];
      });
      const mine = subjectLogProb(model, tok, '');
      assert.ok(mine < 0 && Math.abs(mine - want) <= 1e-4, `${mine}, expected ${want}`);
    });

    it('leaves no tensors behind', () => {
      subjectLogProb(model, tok, 'cheap meds now'); // the model keeps one causal mask per length: made here
      const before = tf.memory().numTensors;
      subjectLogProb(model, tok, 'cheap meds now');
      assert.equal(tf.memory().numTensors, before);
    });
  });

  describe('6. zeroShotSpam', () => {
    it('calls spam the test scores below sorted(train)[floor(share·n)] (10 scores, share 0.3 → threshold −6)', () => {
      // Sorted ascending: [−9, −8, −7, −6, −5, −4, −3, −2, −1, 0]; floor(0.3 · 10) = 3 → threshold −6.
      const train = [-1, -9, -4, 0, -7, -2, -8, -5, -3, -6];
      assert.deepEqual(zeroShotSpam(train, [-6.5, -6, -5.9, -100, 0, -9], 0.3), [1, 0, 0, 1, 0, 1]);
      // On its own training scores it flags exactly floor(share · n) distinct scores.
      assert.equal(zeroShotSpam(train, train, 0.3).reduce((a, b) => a + b, 0), 3);
    });

    it('takes the threshold from the training scores only, and changes no input', () => {
      const rnd = lcg(11);
      const train = Array.from({ length: 101 }, rnd);
      const test = Array.from({ length: 40 }, rnd);
      const [trainCopy, testCopy] = [train.slice(), test.slice()];
      const all = zeroShotSpam(train, test, 0.3);
      // Each test subject's answer depends on its own score alone, not on the other test scores.
      test.forEach((s, i) => assert.equal(zeroShotSpam(train, [s], 0.3)[0], all[i], `test score ${i}`));
      assert.deepEqual(train, trainCopy, 'trainScores was changed (sorted in place?)');
      assert.deepEqual(test, testCopy);
    });

    it('equals a reference implementation for several shares', () => {
      const rnd = lcg(5);
      const train = Array.from({ length: 257 }, rnd);
      const test = Array.from({ length: 300 }, rnd);
      const sorted = train.slice().sort((a, b) => a - b);
      for (const share of [0.05, 0.3, 0.31, 0.5, 0.9]) {
        const threshold = sorted[Math.floor(share * train.length)];
        assert.deepEqual(zeroShotSpam(train, test, share), test.map((s) => (s < threshold ? 1 : 0)), `share ${share}`);
      }
    });

    it('refuses a share outside (0, 1) and an empty training set', () => {
      assert.deepEqual(zeroShotSpam([1, 2, 3], [0, 5], 0.5), [1, 0]); // a valid call first
      for (const share of [0, 1, -0.1, 1.5, NaN]) assert.throws(() => zeroShotSpam([1, 2, 3], [1], share), RangeError, `share ${share}`);
      assert.throws(() => zeroShotSpam([], [1], 0.3), RangeError);
    });
  });
});
