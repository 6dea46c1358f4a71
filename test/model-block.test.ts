// model/block.ts and model/kv-cache.ts: the named pieces compose to GPT.forward.
import { strict as assert } from 'assert';
import * as tf from '@tensorflow/tfjs';
import { block, type BlockWeights, causalMask, causalSelfAttention, embeddings, extendCache, GPT, type KVCache, layerNorm, makeConfig, mlp } from '../src/model';

const maxDiff = (a: tf.Tensor, b: tf.Tensor): number => tf.tidy(() => tf.max(tf.abs(tf.sub(a, b))).dataSync()[0]);

describe('model pieces (block.ts)', () => {
  const cfg = makeConfig({ preset: 'pico', vocabSize: 13, nLayer: 2 });
  const ids = [[1, 5, 2, 7, 3, 0], [4, 4, 9, 12, 1, 2]];
  const noDropout = { rate: 0, nextSeed: (): number => 0 };

  it('embeddings, then block after block, give the residual stream GPT.forward reports', () => {
    const model = new GPT(cfg, { seed: 1 });
    tf.tidy(() => {
      const idx = tf.tensor2d(ids, [2, 6], 'int32');
      const { residuals } = model.forward(idx, { returnResiduals: true });
      let x = embeddings(model.p('wte'), model.p('wpe'), idx);
      assert.equal(maxDiff(x, residuals![0]), 0);
      for (let l = 0; l < cfg.nLayer; l++) {
        const w: BlockWeights = (name) => model.p(`h.${l}.${name}`);
        x = block(x, w, { nHead: cfg.nHead, mask: causalMask(6), ...noDropout });
        assert.equal(maxDiff(x, residuals![l + 1]), 0, `block ${l}`);
      }
    });
    model.dispose();
  });

  it('a block is x + attention(ln_1(x)), then + mlp(ln_2(·))', () => {
    const model = new GPT(cfg, { seed: 2 });
    tf.tidy(() => {
      const w: BlockWeights = (name) => model.p(`h.0.${name}`);
      const x = tf.randomNormal([2, 6, cfg.nEmbd], 0, 1, 'float32', 5) as tf.Tensor3D;
      const ctx = { nHead: cfg.nHead, mask: causalMask(6), ...noDropout };
      const a = tf.add(x, causalSelfAttention(layerNorm(x, w('ln_1.weight'), w('ln_1.bias')) as tf.Tensor3D, w, ctx)) as tf.Tensor3D;
      const want = tf.add(a, mlp(layerNorm(a, w('ln_2.weight'), w('ln_2.bias')) as tf.Tensor3D, w));
      assert.equal(maxDiff(block(x, w, ctx), want), 0);
    });
    model.dispose();
  });

  it('mlp acts on each position alone; attention hands its weights to onAttention', () => {
    const model = new GPT(cfg, { seed: 3 });
    tf.tidy(() => {
      const w: BlockWeights = (name) => model.p(`h.1.${name}`);
      const x = tf.randomNormal([1, 6, cfg.nEmbd], 0, 1, 'float32', 6) as tf.Tensor3D;
      const whole = mlp(x, w);
      const alone = mlp(tf.slice(x, [0, 3, 0], [1, 1, cfg.nEmbd]) as tf.Tensor3D, w);
      assert.ok(maxDiff(alone, tf.slice(whole, [0, 3, 0], [1, 1, cfg.nEmbd])) < 1e-6);
      const seen: tf.Tensor4D[] = [];
      causalSelfAttention(x, w, { nHead: cfg.nHead, mask: causalMask(6), ...noDropout, onAttention: (a) => void seen.push(a) });
      assert.equal(seen.length, 1);
      assert.deepEqual(seen[0].shape, [1, cfg.nHead, 6, 6]);
    });
    model.dispose();
  });

  it('extendCache appends keys and values along time, keeps them past tf.tidy and frees the ones it replaces', () => {
    const cache: KVCache = { length: 0, layers: [] };
    const before = tf.memory().numTensors;
    const k1 = tf.ones([1, 2, 3, 4]) as tf.Tensor4D, v1 = tf.zeros([1, 2, 3, 4]) as tf.Tensor4D;
    tf.tidy(() => extendCache(cache, 0, k1, v1));
    assert.deepEqual(cache.layers[0].k.shape, [1, 2, 3, 4]);
    const all = tf.tidy(() => {
      const r = extendCache(cache, 0, tf.fill([1, 2, 1, 4], 2) as tf.Tensor4D, tf.fill([1, 2, 1, 4], 3) as tf.Tensor4D);
      return (r.k.arraySync() as number[][][][])[0][0].map((row) => row[0]);
    });
    assert.deepEqual(all, [1, 1, 1, 2]);
    assert.deepEqual(cache.layers[0].v.shape, [1, 2, 4, 4]);
    tf.dispose([k1, v1, cache.layers[0].k, cache.layers[0].v]);
    assert.equal(tf.memory().numTensors, before);
  });
});
