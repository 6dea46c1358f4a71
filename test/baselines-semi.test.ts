import { strict as assert } from 'assert';
import { InputError } from '../src/errors';
import {
  crossValidate, f1, ngramFeatures, pairedBootstrap, stratifiedFolds, trainLogisticRegression, trainNaiveBayes, trainNaiveBayesEm, trainNaiveBayesSoft,
} from '../src/baselines';
import { loadSpam, stratifiedSubset } from '../src/data';
import { spamBaselines } from '../src/classify';

describe('baselines: logistic regression on words and bigrams', () => {
  const texts = ['cheap pills now', 'cheap offer now', 'win cheap money', 'meeting agenda today', 'agenda for the meeting', 'lunch today'];
  const labels = [1, 1, 1, 0, 0, 0];

  it('features are distinct words and adjacent pairs', () => {
    assert.deepEqual(ngramFeatures('Cheap cheap pills', true), ['cheap', 'pills', 'cheap cheap', 'cheap pills']);
    assert.deepEqual(ngramFeatures('Cheap cheap pills', false), ['cheap', 'pills']);
  });

  it('reaches the optimum: the gradient of C·Σ loss + ½‖w‖² vanishes (w = −C Σ (p − y) x)', () => {
    const m = trainLogisticRegression(texts, labels, { C: 3 });
    const gw = Float64Array.from(m.weights);
    let gb = 0;
    texts.forEach((t, i) => {
      const cols = ngramFeatures(t).map((f) => m.vocab.get(f)!);
      const g = 3 * (m.probability(t) - labels[i]);
      gb += g;
      for (const c of cols) gw[c] += g / Math.sqrt(cols.length);
    });
    const worst = Math.max(Math.abs(gb), ...Array.from(gw, Math.abs));
    assert.ok(worst < 1e-5, `largest gradient entry ${worst}`);
    assert.deepEqual(texts.map((t) => m.predict(t)), labels);
    assert.ok(m.probability('cheap cheap') > 0.5 && m.probability('the meeting') < 0.5);
  });

  it('swapping the labels negates the weights; stronger regularisation shrinks them', () => {
    const a = trainLogisticRegression(texts, labels);
    const b = trainLogisticRegression(texts, labels.map((y) => 1 - y));
    a.weights.forEach((w, j) => assert.ok(Math.abs(w + b.weights[j]) < 1e-6));
    const strong = trainLogisticRegression(texts, labels, { C: 0.01 });
    const norm = (w: Float64Array): number => Math.hypot(...w);
    assert.ok(norm(strong.weights) < norm(a.weights) / 5);
  });

  it('refuses non-binary labels, a bad C and empty input, in one line', () => {
    assert.throws(() => trainLogisticRegression(['a'], [2]), InputError);
    assert.throws(() => trainLogisticRegression(['a'], [1], { C: 0 }), InputError);
    assert.throws(() => trainLogisticRegression([], []), InputError);
  });
});

describe('baselines: naive Bayes from soft labels, and with EM over unlabelled text', () => {
  it('one-hot soft labels give exactly the hard-label model', () => {
    const texts = ['a a b', 'b', 'b c', 'c d d'];
    const y = [0, 0, 1, 1];
    const hard = trainNaiveBayes(texts, y);
    const soft = trainNaiveBayesSoft(texts, y.map((c) => [1 - c, c]));
    assert.deepEqual(Array.from(soft.logPrior), Array.from(hard.logPrior));
    soft.logLikelihood.forEach((row, c) => assert.deepEqual(Array.from(row), Array.from(hard.logLikelihood[c])));
  });

  it('EM spreads what the labels say to words only the unlabelled texts hold', () => {
    // 'viagra' never occurs in a labelled text; the unlabelled ones tie it to 'cheap' and 'pills'.
    const texts = ['cheap pills', 'cheap pills offer', 'meeting agenda', 'agenda notes', 'meeting notes'];
    const y = [1, 1, 0, 0, 0];
    const unlabelled = ['cheap viagra pills', 'viagra pills cheap', 'cheap viagra', 'meeting agenda notes'];
    const plain = trainNaiveBayes(texts, y);
    const em = trainNaiveBayesEm(texts, y, unlabelled, { lambda: 1 });
    assert.equal(plain.predict('viagra'), 0, 'unseen word: the prior (ham) decides');
    assert.equal(em.predict('viagra'), 1);
    assert.ok(em.predictProba('viagra')[1] > 0.75, String(em.predictProba('viagra')[1]));
  });

  it('with no unlabelled text, or λ = 0, it is plain naive Bayes', () => {
    const texts = ['a b', 'c d'];
    const plain = trainNaiveBayes(texts, [0, 1]);
    for (const em of [trainNaiveBayesEm(texts, [0, 1], []), trainNaiveBayesEm(texts, [0, 1], ['a c'], { lambda: 0 })]) {
      assert.deepEqual(Array.from(em.logLikelihood[1]), Array.from(plain.logLikelihood[1]));
    }
    assert.throws(() => trainNaiveBayesEm(texts, [0, 1], ['a'], { lambda: 2 }), InputError);
  });
});

describe('baselines: paired bootstrap interval', () => {
  const labels = Array.from({ length: 400 }, (_, i) => i % 3 === 0 ? 1 : 0);
  const wrongAt = (pred: number[], k: (i: number) => boolean): number[] => pred.map((y, i) => (k(i) ? 1 - y : y));

  it('identical predictions: a difference of exactly 0, an interval of [0, 0]', () => {
    const p = wrongAt(labels, (i) => i % 5 === 0);
    const r = pairedBootstrap([p, p], [p, p], labels, { samples: 200 });
    assert.deepEqual([r.diff, r.lo, r.hi], [0, 0, 0]);
  });

  it('A right where B is wrong on 10 % of examples: the difference, an interval around it, above 0', () => {
    const a = wrongAt(labels, (i) => i % 10 === 1);           // 90 % correct
    const b = wrongAt(labels, (i) => i % 10 === 1 || i % 10 === 2); // 80 % correct, the same errors and more
    const r = pairedBootstrap([a], [b], labels, { samples: 1000, seed: 3 });
    assert.ok(Math.abs(r.diff - 0.1) < 1e-12);
    assert.ok(r.lo > 0.06 && r.lo < 0.1 && r.hi > 0.1 && r.hi < 0.14, `[${r.lo}, ${r.hi}]`);
    const again = pairedBootstrap([a], [b], labels, { samples: 1000, seed: 3 });
    assert.deepEqual(again, r, 'seeded: the same interval twice');
  });

  it('seed-to-seed spread widens the interval; any metric, e.g. spam F1', () => {
    const a1 = wrongAt(labels, (i) => i % 10 === 1);
    const a2 = wrongAt(labels, (i) => i % 4 === 1);
    const b = wrongAt(labels, (i) => i % 10 === 1 || i % 10 === 2);
    const one = pairedBootstrap([a1, a1], [b, b], labels, { samples: 1000 });
    const two = pairedBootstrap([a1, a2], [b, b], labels, { samples: 1000 });
    assert.ok(two.hi - two.lo > one.hi - one.lo);
    const byF1 = pairedBootstrap([a1], [b], labels, { samples: 300, metric: f1 });
    assert.ok(Math.abs(byF1.diff - (f1(labels, a1) - f1(labels, b))) < 1e-12);
  });

  it('refuses unpaired runs and runs that skip examples', () => {
    assert.throws(() => pairedBootstrap([labels], [], labels), InputError);
    assert.throws(() => pairedBootstrap([labels.slice(1)], [labels], labels), InputError);
  });
});

describe('baselines: choosing a hyperparameter inside the N labels (k-fold cross-validation)', () => {
  const labels = Array.from({ length: 40 }, (_, i) => (i % 4 === 0 ? 1 : 0));
  const texts = labels.map((y, i) => (y ? `buy cheap ${i}` : `meeting notes ${i}`));

  it('stratified folds: every fold gets its share of each class, the same for the same seed', () => {
    const f = stratifiedFolds(labels, 5, 7);
    for (let k = 0; k < 5; k++) {
      assert.equal(f.filter((x, i) => x === k && labels[i] === 1).length, 2);
      assert.equal(f.filter((x, i) => x === k && labels[i] === 0).length, 6);
    }
    assert.deepEqual(stratifiedFolds(labels, 5, 7), f);
    assert.notDeepEqual(stratifiedFolds(labels, 5, 8), f);
  });

  it('picks the candidate that predicts held-out labels best; ties to the first', () => {
    const fit = (_x: string[], _y: number[], c: string) => ({ predict: (t: string) => (c === 'reads' ? (t.startsWith('buy') ? 1 : 0) : c === 'ham' ? 0 : 1) });
    const r = crossValidate(texts, labels, ['spam', 'ham', 'reads'], fit);
    assert.equal(r.best, 'reads');
    assert.deepEqual(r.scores, [0.25, 0.75, 1]);
    assert.equal(crossValidate(texts, labels, ['ham', 'ham2'], (_x, _y, c) => fit(_x, _y, c === 'ham2' ? 'ham' : c)).best, 'ham');
  });

  it('too few examples of a class to fold: the first candidate, no folds', () => {
    const r = crossValidate(['a', 'b', 'c'], [0, 0, 1], [1, 2], () => ({ predict: () => 0 }));
    assert.deepEqual([r.best, r.folds], [1, 0]);
  });
});

describe('classify: baselines trained on exactly the labels the classifier saw', () => {
  it('a 128-label subset gives 128-label baselines (and EM over the rest); the whole split none of EM', function () {
    this.timeout(120_000);
    const ds = loadSpam();
    const subset = stratifiedSubset(ds.train, 128, 1);
    const few = spamBaselines(ds, 'subject', 600, subset);
    const all = spamBaselines(ds, 'subject', 600);
    assert.deepEqual(Object.keys(few).sort(), ['logisticRegression', 'majority', 'naiveBayes', 'naiveBayesEm']);
    assert.deepEqual(Object.keys(all).sort(), ['logisticRegression', 'majority', 'naiveBayes']);
    assert.ok(few.naiveBayes.accuracy < all.naiveBayes.accuracy - 0.03, `${few.naiveBayes.accuracy} vs ${all.naiveBayes.accuracy}`);
    assert.ok(all.logisticRegression.accuracy > 0.85, `LR on all labels ${all.logisticRegression.accuracy}`);
    assert.ok(few.majority.accuracy > 0.65 && few.majority.accuracy < 0.72);
  });
});
