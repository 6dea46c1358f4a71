import { strict as assert } from 'assert';
import * as tf from '@tensorflow/tfjs';
import { Rng } from '../src/engine';
import { InputError } from '../src/errors';
import { drawIndex, generate, generateAsync, samplingProbabilities } from '../src/generate';
import { GPT, makeConfig } from '../src/model';

describe('sampling', () => {
  it('applies temperature, top-k and top-p', () => {
    const logits = [Math.log(0.5), Math.log(0.3), Math.log(0.15), Math.log(0.05)];
    const p = samplingProbabilities(logits);
    [0.5, 0.3, 0.15, 0.05].forEach((v, i) => assert.ok(Math.abs(p[i] - v) < 1e-9));
    const k2 = samplingProbabilities(logits, { topK: 2 });
    assert.ok(Math.abs(k2[0] - 0.625) < 1e-9 && Math.abs(k2[1] - 0.375) < 1e-9 && k2[2] === 0);
    const p08 = samplingProbabilities(logits, { topP: 0.75 });
    assert.ok(p08[0] > 0 && p08[1] > 0 && p08[2] === 0 && p08[3] === 0);
    const greedy = samplingProbabilities(logits, { temperature: 0 });
    assert.deepEqual(Array.from(greedy), [1, 0, 0, 0]);
    const hot = samplingProbabilities(logits, { temperature: 100 });
    assert.ok(Math.abs(hot[0] - 0.25) < 0.01);
  });

  it('draws from the distribution with a seeded RNG', () => {
    const rng = new Rng(1);
    const counts = [0, 0, 0];
    for (let i = 0; i < 30000; i++) counts[drawIndex([0.2, 0.5, 0.3], rng)]++;
    assert.ok(Math.abs(counts[1] / 30000 - 0.5) < 0.02, String(counts));
  });
});

describe('generate', () => {
  const cfg = makeConfig({ preset: 'pico', vocabSize: 17, blockSize: 8, nLayer: 2 });
  let model: GPT;
  before(() => { model = new GPT(cfg, { seed: 21 }); });
  after(() => model.dispose());

  it('generateAsync gives the same tokens, and stops where shouldStop says with the tokens so far', async () => {
    for (const useCache of [true, false]) {
      const opts = { maxNewTokens: 20, temperature: 1, seed: 5, useCache };
      const whole = generate(model, [1, 2, 3], opts);
      const before = tf.memory().numTensors;
      const a = await generateAsync(model, [1, 2, 3], opts);
      assert.deepEqual(a.tokens, whole.tokens);
      assert.equal(a.stoppedEarly, false);
      const seen: number[] = [];
      const b = await generateAsync(model, [1, 2, 3], { ...opts, onToken: (id) => seen.push(id), shouldStop: () => seen.length >= 7 });
      assert.deepEqual(b.tokens, whole.tokens.slice(0, 7));
      assert.deepEqual(seen, b.tokens, 'every token returned was also streamed');
      assert.equal(b.stoppedEarly, true);
      assert.equal(tf.memory().numTensors, before, 'a stopped stream frees its cache');
    }
  });

  it('gives identical tokens with and without the KV cache, also past blockSize', () => {
    for (const opts of [{ temperature: 0 }, { temperature: 1, seed: 3 }, { temperature: 0.8, topK: 5, seed: 9 }]) {
      const a = generate(model, [1, 2, 3], { maxNewTokens: 20, ...opts });
      const b = generate(model, [1, 2, 3], { maxNewTokens: 20, ...opts, useCache: false });
      assert.deepEqual(a.tokens, b.tokens);
      assert.equal(a.tokens.length, 20);
    }
  });

  it('matches the logits of a full forward pass step by step', () => {
    // The cache path's logits for the last position must equal a full recomputation's.
    const ids = [4, 5, 6, 7, 1];
    const full = tf.tidy(() => (model.logits(model.forward(tf.tensor2d([ids], [1, 5], 'int32')).hidden).arraySync() as number[][][])[0][4]);
    const cache = { length: 0, layers: [] as { k: tf.Tensor4D; v: tf.Tensor4D }[] };
    tf.tidy(() => { model.forward(tf.tensor2d([ids.slice(0, 3)], [1, 3], 'int32'), { cache }); });
    tf.tidy(() => { model.forward(tf.tensor2d([[ids[3]]], [1, 1], 'int32'), { cache }); });
    const inc = tf.tidy(() => (model.logits(model.forward(tf.tensor2d([[ids[4]]], [1, 1], 'int32'), { cache }).hidden).arraySync() as number[][][])[0][0]);
    full.forEach((v, i) => assert.ok(Math.abs(v - inc[i]) < 1e-4, `${v} vs ${inc[i]}`));
    cache.layers.forEach((l) => { l.k.dispose(); l.v.dispose(); });
  });

  it('is reproducible per seed, streams tokens, and stops at the stop token', () => {
    const seen: number[] = [];
    const a = generate(model, [1], { maxNewTokens: 10, seed: 5, onToken: (id) => seen.push(id) });
    assert.deepEqual(seen, a.tokens);
    assert.deepEqual(generate(model, [1], { maxNewTokens: 10, seed: 5 }).tokens, a.tokens);
    const stop = a.tokens[2];
    const s = generate(model, [1], { maxNewTokens: 10, seed: 5, stopToken: stop });
    assert.equal(s.tokens[s.tokens.length - 1], stop);
    assert.ok(s.tokens.length <= 3);
  });

  it('truncates a prompt longer than the context from the left and says how much', () => {
    const r = generate(model, [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11], { maxNewTokens: 2, temperature: 0 });
    assert.equal(r.promptTruncated, 3);
    const same = generate(model, [4, 5, 6, 7, 8, 9, 10, 11], { maxNewTokens: 2, temperature: 0 });
    assert.deepEqual(r.tokens, same.tokens);
  });

  it('rejects empty prompts and ids outside the vocabulary', () => {
    assert.throws(() => generate(model, [], { maxNewTokens: 1 }), InputError);
    assert.throws(() => generate(model, [17], { maxNewTokens: 1 }), InputError);
    assert.throws(() => generate(model, [-1], { maxNewTokens: 1 }), InputError);
  });

  it('does not leak tensors over 200 generated tokens', () => {
    // The model caches one causal mask per (length, offset) shape; warm those up first.
    const run = (n: number): void => {
      generate(model, [1, 2], { maxNewTokens: n, seed: 1 });
      generate(model, [1, 2], { maxNewTokens: 12, seed: 1, useCache: false });
    };
    run(12);
    const before = tf.memory().numTensors;
    run(200);
    assert.equal(tf.memory().numTensors, before);
  });
});
