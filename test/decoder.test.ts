// The plain-JavaScript one-token decoder (src/model/decoder.ts) against the tensor forward pass.
import { strict as assert } from 'assert';
import * as tf from '@tensorflow/tfjs';
import { Rng } from '../src/engine';
import { generate } from '../src/generate';
import { Decoder, GPT, makeConfig } from '../src/model';

function fullLogits(model: GPT, ids: number[]): number[][] {
  return tf.tidy(() => (model.logits(model.forward(tf.tensor2d([ids], [1, ids.length], 'int32')).hidden).arraySync() as number[][][])[0]);
}

describe('Decoder (one token at a time, plain JavaScript)', () => {
  for (const [name, cfg] of [
    ['pico', makeConfig({ preset: 'pico', vocabSize: 11 })],
    ['nano-shaped, 2 layers, block 24', makeConfig({ preset: 'nano', vocabSize: 65, nLayer: 2, blockSize: 24 })],
  ] as const) {
    it(`${name}: logits at every position equal the full forward pass`, () => {
      const model = new GPT(cfg, { seed: 3 });
      // Trained-looking weights: larger than the init, so that LayerNorm and GELU matter.
      for (const v of model.params.values()) v.assign(tf.tidy(() => tf.add(v, tf.mul(tf.randomNormal(v.shape, 0, 1, 'float32', 5), 0.3))));
      const rng = new Rng(4);
      const ids = Array.from({ length: cfg.blockSize }, () => rng.int(cfg.vocabSize));
      const full = fullLogits(model, ids); // float32 tensors; the decoder accumulates in float64
      const dec = new Decoder(model);
      ids.forEach((id, t) => {
        const got = dec.step(id);
        full[t].forEach((v, i) => assert.ok(Math.abs(v - got[i]) < 1e-4 * Math.max(1, Math.abs(v)), `t=${t} v=${i}: ${got[i]} vs ${v}`));
      });
      assert.equal(dec.length, cfg.blockSize);
      assert.throws(() => dec.step(0), /positions are used/);
      dec.reset();
      const again = dec.step(ids[0]);
      full[0].forEach((v, i) => assert.ok(Math.abs(v - again[i]) < 1e-4 * Math.max(1, Math.abs(v))));
      model.dispose();
    });
  }

  it('generate: the JavaScript cache, the tensor cache and no cache give the same tokens, also past blockSize', () => {
    const model = new GPT(makeConfig({ preset: 'nano', vocabSize: 65, nLayer: 2, blockSize: 16 }), { seed: 8 });
    for (const opts of [{ temperature: 0 }, { temperature: 1, seed: 2 }, { temperature: 0.9, topK: 10, seed: 7 }]) {
      const run = (extra: object): number[] => generate(model, [3, 1, 4, 1, 5], { maxNewTokens: 30, ...opts, ...extra }).tokens;
      const js = run({});
      assert.deepEqual(run({ cacheEngine: 'tensors' }), js);
      assert.deepEqual(run({ useCache: false }), js);
    }
    model.dispose();
  });
});
