// The generative classifier (src/classify/generative.ts): a pico LM conditioned on a class cue
// learns a toy two-class task whose classes differ in their words and classifies held-out
// subjects by Bayes' rule; long subjects are cut, nothing leaks, and bad input is refused.
// Pico models only: a few seconds on 2 cores.
import { strict as assert } from 'assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as tf from '@tensorflow/tfjs';
import { saveCheckpoint } from '../src/checkpoint';
import { type GenerativeClassifier, trainGenerativeClassifier } from '../src/classify';
import type { SpamExample } from '../src/data/spam';
import { InputError } from '../src/errors';
import { GPT, makeConfig } from '../src/model';
import { BpeTokenizer } from '../src/tokenize';

const SPAM_WORDS = ['cheap', 'meds', 'win', 'money', 'free', 'offer'];
const HAM_WORDS = ['meeting', 'kernel', 'patch', 'lunch', 'notes', 'review'];
const CORPUS = [...SPAM_WORDS, ...HAM_WORDS, 'ham', 'spam'].join(' ').repeat(20);

/** Subjects of two words from `words` (pair i: words i and i + k, for a few k). */
function subjects(words: readonly string[], ks: readonly number[]): string[] {
  return ks.flatMap((k) => words.map((w, i) => `${w} ${words[(i + k) % words.length]}`));
}
const example = (subject: string, label: 0 | 1, i: number): SpamExample => ({ id: `toy/${label}-${i}`, subject, body: '', label });

describe('classify: the generative classifier', () => {
  let tmp: string;
  let lmDir: string;
  let clfDir: string;

  before(() => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'lgpt-generative-'));
    lmDir = path.join(tmp, 'lm');
    clfDir = path.join(tmp, 'clf');
    const tok = BpeTokenizer.train(CORPUS, 300);
    const cfg = makeConfig({ preset: 'pico', vocabSize: tok.vocabSize });
    const lm = new GPT(cfg, { seed: 3 });
    saveCheckpoint(lmDir, lm, { kind: 'lm', tokenizer: tok.toJSON(), metrics: { valLoss: 5 } });
    lm.dispose();
    const clf = new GPT(cfg, { seed: 3, nClasses: 2 });
    saveCheckpoint(clfDir, clf, { kind: 'classifier', tokenizer: tok.toJSON(), metrics: {} });
    clf.dispose();
  });
  after(() => fs.rmSync(tmp, { recursive: true, force: true }));

  it('learns classes that differ in their words, and classifies unseen subjects by Bayes\' rule', async () => {
    const train = [
      ...subjects(SPAM_WORDS, [1, 2]).map((s, i) => example(s, 1, i)),
      ...subjects(HAM_WORDS, [1, 2]).map((s, i) => example(s, 0, i)),
    ];
    const evals: number[] = [];
    const before = tf.memory().numTensors;
    const clf: GenerativeClassifier = await trainGenerativeClassifier(lmDir, train, {
      steps: 60, lr: 1e-2, batchSize: 8, seed: 1, evalEvery: 20, onEvaluate: (step) => evals.push(step),
    });
    assert.deepEqual(evals, [20, 40, 60]);
    assert.equal(clf.steps, 60);
    assert.ok(clf.trainCurve[59][1] < clf.trainCurve[0][1], 'the training loss falls');
    // The prior is the training labels' frequency, smoothed: 12 of 24 are spam.
    assert.ok(Math.abs(clf.logPrior[1] - Math.log(0.5)) < 1e-12);
    // Unseen pairs (k = 3, 4) of each class's words.
    const spamTest = subjects(SPAM_WORDS, [3, 4]);
    const hamTest = subjects(HAM_WORDS, [3, 4]);
    const p = clf.probaSpam([...spamTest, ...hamTest]);
    assert.equal(p.length, spamTest.length + hamTest.length);
    p.forEach((v, i) => {
      assert.ok(v >= 0 && v <= 1 && Number.isFinite(v));
      assert.equal(v > 0.5 ? 1 : 0, i < spamTest.length ? 1 : 0, `subject ${i} misclassified: P(spam) = ${v}`);
    });
    // Bayes' rule from the two log-likelihoods and the prior.
    const [ham, spam] = clf.logLikelihoods([spamTest[0]]);
    assert.ok(Math.abs(1 / (1 + Math.exp(ham[0] - spam[0])) - p[0]) < 1e-6);
    // A subject far longer than the 16-token context is cut, not refused; nothing is left behind.
    const long = clf.probaSpam([Array(40).fill('cheap meds').join(' '), '']);
    assert.ok(long.every((v) => Number.isFinite(v)) && long[0] > 0.5);
    assert.deepEqual(clf.probaSpam([]), []);
    clf.dispose();
    assert.equal(tf.memory().numTensors, before, 'no tensors left after dispose');
  });

  it('is reproducible: the same seed gives the same classifier', async () => {
    const train = [example('cheap meds', 1, 0), example('kernel patch', 0, 0), example('free offer', 1, 1)];
    const run = async (): Promise<number[]> => {
      const clf = await trainGenerativeClassifier(lmDir, train, { steps: 3, seed: 7, dropout: 0.1 });
      const p = clf.probaSpam(['win money', 'lunch notes']);
      clf.dispose();
      return p;
    };
    assert.deepEqual(await run(), await run());
  });

  it('refuses bad input with an InputError naming it', async () => {
    const train = [example('cheap meds', 1, 0), example('kernel patch', 0, 0)];
    const refuses = async (p: Promise<unknown>, re: RegExp): Promise<void> => {
      await assert.rejects(p, (e: Error) => e instanceof InputError && re.test(e.message));
    };
    await refuses(trainGenerativeClassifier(lmDir, [], { steps: 5 }), /empty training set/);
    await refuses(trainGenerativeClassifier(lmDir, train, { steps: 0 }), /steps must be a positive integer, got 0/);
    await refuses(trainGenerativeClassifier(lmDir, train, { steps: -3 }), /steps/);
    await refuses(trainGenerativeClassifier(lmDir, train, { steps: 2.5 }), /steps/);
    await refuses(trainGenerativeClassifier(clfDir, train, { steps: 5 }), /language model, this is a 'classifier' checkpoint/);
    await refuses(trainGenerativeClassifier(path.join(tmp, 'missing'), train, { steps: 5 }), /missing/);
    await refuses(trainGenerativeClassifier(lmDir, [{ ...train[0], label: 2 as 0 }], { steps: 5 }), /labels must be 0/);
    await refuses(trainGenerativeClassifier(lmDir, train, { steps: 5, lr: 0 }), /lr must be/);
  });
});
