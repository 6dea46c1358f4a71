// image/: label dropout and classifier-free guidance on a tiny untrained pixel GPT.
import { strict as assert } from 'assert';
import * as tf from '@tensorflow/tfjs';
import { Rng } from '../src/engine';
import { InputError } from '../src/errors';
import { conditionToken, describeLayout, guideLogits, imageLayout, sampleDiversity, sampleImages } from '../src/image';
import { sampleImageBatch, type ImageSplit } from '../src/image/dataset';
import { GPT, makeConfig } from '../src/model';

describe('image/guidance', () => {
  const layout = imageLayout(3, 2, 4, true); // 6 pixels, 4 levels, labels 4…13, "no label" 14

  it('the "no label" token sits right after the labels and only exists when asked for', () => {
    assert.equal(layout.nullToken, 14);
    assert.equal(layout.vocabSize, 15);
    assert.equal(conditionToken(layout, null), 14);
    assert.equal(conditionToken(layout, 7), 11);
    assert.match(describeLayout(layout), /id 14: no label/);
    const plain = imageLayout(3, 2, 4);
    assert.equal(plain.nullToken, null);
    assert.equal(plain.vocabSize, 14);
    assert.throws(() => conditionToken(plain, null), InputError);
  });

  it('label dropout replaces about p of the label tokens, and p = 0 draws no extra random numbers', () => {
    const N = 20;
    const S = layout.seqLength;
    const seqs = new Int32Array(N * S);
    for (let r = 0; r < N; r++) seqs[r * S] = 4 + (r % 10);
    const split = { seqs, labels: new Int32Array(N), gray: new Float32Array(0), ids: [], count: N } as ImageSplit;
    const T = S - 1;
    const b = sampleImageBatch(split, layout, 2000, new Rng(1), 0.25);
    let dropped = 0;
    for (let i = 0; i < 2000; i++) if (b.x[i * T] === 14) dropped += 1;
    assert.ok(dropped > 400 && dropped < 600, `dropped ${dropped} of 2000 at p = 0.25`);
    // p = 0: the same digits as a run from before label dropout existed (one rng.int per digit).
    const a = new Rng(9);
    const z = sampleImageBatch(split, layout, 50, new Rng(9), 0);
    for (let i = 0; i < 50; i++) assert.equal(z.x[i * T], seqs[a.int(N) * S]);
    assert.throws(() => sampleImageBatch(split, imageLayout(3, 2, 4), 4, new Rng(1), 0.1), InputError);
  });

  it('the mix is z_u + S·(z_c − z_u): S = 1 gives z_c, S = 0 gives z_u', () => {
    const c = [1, -2, 0.5];
    const u = [0, 1, 0.5];
    assert.deepEqual(Array.from(guideLogits(c, u, 1)), c);
    assert.deepEqual(Array.from(guideLogits(c, u, 0)), u);
    assert.deepEqual(Array.from(guideLogits(c, u, 3)), [3, -8, 0.5]);
  });

  it('guided sampling: S = 1 is exactly plain sampling; S = 0 does not depend on the label; both halves share one cache', () => {
    const model = new GPT(makeConfig({ preset: 'pico', vocabSize: layout.vocabSize, blockSize: layout.blockSize }), { seed: 3 });
    try {
      const before = tf.memory().numTensors;
      const plain = sampleImages(model, layout, [2, 5], { seed: 4 });
      assert.deepEqual(sampleImages(model, layout, [2, 5], { seed: 4, guidance: 1 }).map((x) => Array.from(x)), plain.map((x) => Array.from(x)));
      const u1 = sampleImages(model, layout, [2, 5], { seed: 4, guidance: 0 });
      const u2 = sampleImages(model, layout, [8, 0], { seed: 4, guidance: 0 });
      assert.deepEqual(u1.map((x) => Array.from(x)), u2.map((x) => Array.from(x)));
      // A guided batch of 2 gives the same images as two batches of 1 (row b and row B + b pair up).
      const g = sampleImages(model, layout, [2, 5], { seed: 4, guidance: 3 });
      const g1 = sampleImages(model, layout, [2, 5], { seed: 4, guidance: 3, batchSize: 1 });
      assert.deepEqual(g.map((x) => Array.from(x)), g1.map((x) => Array.from(x)));
      assert.equal(tf.memory().numTensors, before);
      assert.throws(() => sampleImages(model, layout, [1], { guidance: -1 }), InputError);
    } finally {
      model.dispose();
    }
    const plainModel = new GPT(makeConfig({ preset: 'pico', vocabSize: 14, blockSize: 6 }), { seed: 3 });
    try {
      assert.throws(() => sampleImages(plainModel, imageLayout(3, 2, 4), [1], { guidance: 2 }), /without label dropout/);
    } finally {
      plainModel.dispose();
    }
  });

  it('diversity: 0 for identical samples, the share of differing pixels otherwise', () => {
    assert.equal(sampleDiversity([[1, 2, 3], [1, 2, 3]]), 0);
    assert.equal(sampleDiversity([[0, 0], [0, 1], [1, 1]]), (0.5 + 1 + 0.5) / 3);
    assert.equal(sampleDiversity([[1]]), 0);
  });
});
