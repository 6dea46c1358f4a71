import { strict as assert } from 'assert';
import * as tf from '@tensorflow/tfjs';
import { crossValidatedProbe, extractFeatures, fitLinearProbe, PROBE_C_GRID } from '../src/classify/probe';
import { encodeClassifierData, EXTRACT, START } from '../src/classify/inputs';
import { classifierLogits } from '../src/model/classifier';
import { GPT, makeConfig } from '../src/model';
import { Rng } from '../src/engine/random';
import { BpeTokenizer } from '../src/tokenize/bpe';

describe('classify/probe: the frozen-feature linear probe', () => {
  /** Two Gaussian clouds in 5 dimensions, apart along the first axis by `gap`. */
  function clouds(n: number, gap: number, seed: number): { X: Float64Array[]; y: number[] } {
    const rng = new Rng(seed);
    const X: Float64Array[] = [];
    const y: number[] = [];
    for (let i = 0; i < n; i++) {
      const c = i % 2;
      const x = Float64Array.from(rng.normalArray(5, 1));
      x[0] += c * gap;
      X.push(x);
      y.push(c);
    }
    return { X, y };
  }

  it('separates two clouds it was not fitted on, and weighs the axis that tells them apart most', () => {
    const train = clouds(80, 4, 1);
    const test = clouds(200, 4, 2);
    const probe = fitLinearProbe(train.X, train.y, 1);
    const acc = test.X.filter((x, i) => probe.predict(x) === test.y[i]).length / test.X.length;
    assert.ok(acc > 0.95, `accuracy ${acc}`);
    const w = Array.from(probe.weights, Math.abs);
    assert.equal(w.indexOf(Math.max(...w)), 0);
    assert.ok(probe.probability(Float64Array.from([10, 0, 0, 0, 0])) > 0.99);
  });

  it('stronger regularisation (smaller C) shrinks the weights', () => {
    const { X, y } = clouds(60, 2, 3);
    const norm = (C: number): number => Math.hypot(...fitLinearProbe(X, y, C).weights);
    assert.ok(norm(0.01) < norm(1) && norm(1) < norm(100), `${norm(0.01)} ${norm(1)} ${norm(100)}`);
  });

  it('crossValidatedProbe chooses C from the grid inside the labels; bad input is refused', () => {
    const { X, y } = clouds(40, 3, 4);
    const probe = crossValidatedProbe(X, y);
    assert.ok((PROBE_C_GRID as readonly number[]).includes(probe.chosen));
    assert.throws(() => fitLinearProbe([], []), /0 vectors/);
    assert.throws(() => fitLinearProbe([[1], [2]], [0, 2]), /0 or 1/);
    assert.throws(() => fitLinearProbe([[1], [2, 3]], [0, 1]), /differ in length/);
  });

  it('extractFeatures: one vector of the model width per text, the hidden state the head reads at <e>', () => {
    const tok = BpeTokenizer.train('cheap meds now. meeting at noon. '.repeat(20), 270).withSpecialTokens([START, EXTRACT]);
    const model = new GPT(makeConfig({ preset: 'pico', vocabSize: tok.vocabSize }), { seed: 1 });
    model.addClassifierHead(2, 2);
    const data = encodeClassifierData(tok, ['cheap meds now', 'meeting at noon', 'now'], [1, 0, 1], 10);
    const feats = extractFeatures(model, data, 2);
    assert.equal(feats.length, 3);
    assert.equal(feats[0].length, model.config.nEmbd);
    // The head's logits are w·h + b with h the feature vector.
    const logits = tf.tidy(() => classifierLogits(model, tf.tensor2d(data.ids, [data.n, data.T], 'int32'), tf.tensor1d(data.extract, 'int32')).logits.arraySync());
    const W = model.params.get('clf.weight')!.arraySync() as number[][];
    const b = model.params.get('clf.bias')!.arraySync() as number[];
    for (let i = 0; i < 3; i++) {
      const z = feats[i].reduce((s, h, j) => s + h * W[j][1], b[1]);
      assert.ok(Math.abs(z - logits[i][1]) < 1e-4, `row ${i}: ${z} vs ${logits[i][1]}`);
    }
    model.dispose();
  });
});
