import { strict as assert } from 'assert';
import { InputError } from '../src/errors';
import {
  accuracy, confusionMatrix, f1, majorityClass, perClassRecall, precisionRecallF1, trainNaiveBayes, wordTokens,
} from '../src/baselines';

const close = (a: number, b: number): void => assert.ok(Math.abs(a - b) < 1e-12, `${a} != ${b}`);

describe('baselines: naive Bayes', () => {
  // Two class-0 documents with the words a, a, b; one class-1 document with b, c. V = {a, b, c}, α = 1:
  //   P(a|0) = 3/6, P(b|0) = 2/6, P(c|0) = 1/6;   P(a|1) = 1/5, P(b|1) = 2/5, P(c|1) = 2/5;
  //   priors P(0) = 2/3, P(1) = 1/3.
  const model = trainNaiveBayes(['a A', 'b', 'B c'], [0, 0, 1]);

  it('learns the hand-computed priors and likelihoods', () => {
    assert.equal(model.vocab.size, 3);
    close(Math.exp(model.logPrior[0]), 2 / 3);
    close(Math.exp(model.logPrior[1]), 1 / 3);
    const p = (c: number, w: string): number => Math.exp(model.logLikelihood[c][model.vocab.get(w)!]);
    close(p(0, 'a'), 3 / 6); close(p(0, 'b'), 2 / 6); close(p(0, 'c'), 1 / 6);
    close(p(1, 'a'), 1 / 5); close(p(1, 'b'), 2 / 5); close(p(1, 'c'), 2 / 5);
  });

  it('predicts with hand-computed posteriors; unknown words are ignored', () => {
    // "c": (2/3)(1/6) = 1/9 vs (1/3)(2/5) = 2/15 → P(1|c) = (2/15) / (1/9 + 2/15) = 6/11
    close(model.predictProba('c')[1], 6 / 11);
    assert.equal(model.predict('C!'), 1);
    // "a b": (2/3)(1/2)(1/3) = 1/9 vs (1/3)(1/5)(2/5) = 2/75 → P(0|a b) = 25/31
    close(model.predictProba('a, b')[0], 25 / 31);
    assert.equal(model.predict('a b'), 0);
    // only unknown words: the prior decides
    close(model.predictProba('zebra')[0], 2 / 3);
    close(model.logJoint('zebra')[1], Math.log(1 / 3));
  });

  it('stays finite on long texts (log space)', () => {
    const p = model.predictProba('c '.repeat(5000));
    assert.ok(p.every(Number.isFinite));
    close(p[0] + p[1], 1);
  });

  it('tokenizes lower-cased words, keeping inner apostrophes', () => {
    assert.deepEqual(wordTokens("Don't STOP, now!! 100% <b>café</b>"), ["don't", 'stop', 'now', '100', 'b', 'café', 'b']);
  });

  it('rejects mismatched or empty inputs', () => {
    assert.throws(() => trainNaiveBayes(['a'], [0, 1]), InputError);
    assert.throws(() => trainNaiveBayes([], []), InputError);
    assert.throws(() => trainNaiveBayes(['a'], [-1]), InputError);
  });
});

describe('baselines: metrics and majority class', () => {
  const yTrue = [1, 0, 1, 1, 0];
  const yPred = [1, 0, 0, 1, 1]; // tp 2, fp 1, fn 1, tn 1

  it('accuracy, precision, recall, F1 by hand', () => {
    close(accuracy(yTrue, yPred), 3 / 5);
    const m = precisionRecallF1(yTrue, yPred);
    close(m.precision, 2 / 3);
    close(m.recall, 2 / 3);
    close(f1(yTrue, yPred), 2 / 3);
    close(f1(yTrue, yPred, 0), 1 / 2); // class 0: tp 1, fp 1, fn 1
    assert.equal(f1([0, 0], [0, 0]), 0); // no positives anywhere: 0, as scikit-learn
  });

  it('confusion matrix (rows true, columns predicted) and per-class recall', () => {
    assert.deepEqual(confusionMatrix(yTrue, yPred, 2), [[1, 1], [1, 2]]);
    const r = perClassRecall(yTrue, yPred, 2);
    close(r[0], 1 / 2);
    close(r[1], 2 / 3);
    assert.ok(Number.isNaN(perClassRecall([0], [0], 2)[1]));
    assert.throws(() => confusionMatrix([0, 2], [0, 0], 2), InputError);
    assert.throws(() => accuracy([0], [0, 1]), InputError);
  });

  it('majority class: most frequent training label, ties to the smaller', () => {
    const m = majorityClass([2, 1, 1, 2, 0]);
    assert.equal(m.label, 1);
    assert.equal(m.predict('anything'), 1);
    assert.equal(majorityClass([0, 1, 1]).label, 1);
    assert.throws(() => majorityClass([]), InputError);
  });
});
