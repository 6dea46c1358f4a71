// model/ladder.ts and train/ladder.ts: each rung has exactly the pieces it names, the top rung
// is the GPT, and equal budgets give a reproducible, decreasing loss on a learnable text.
import { strict as assert } from 'assert';
import * as tf from '@tensorflow/tfjs';
import { GPT, LadderModel, ladderRungs, ladderSpecs, makeConfig, paramCount } from '../src/model';
import { bigramCountLoss, ladderLoss, trainLadderRung } from '../src/train';

const maxDiff = (a: tf.Tensor, b: tf.Tensor): number => tf.tidy(() => tf.max(tf.abs(tf.sub(a, b))).dataSync()[0]);

describe('the ladder (model/ladder.ts, train/ladder.ts)', () => {
  const cfg = makeConfig({ preset: 'pico', vocabSize: 11, nLayer: 2, nHead: 2 });
  const rungs = ladderRungs(cfg.nHead);
  const ids = [[1, 5, 2, 7, 3, 0], [4, 4, 9, 10, 1, 2]];

  it('has six rungs, each adding one piece to the one before', () => {
    assert.deepEqual(rungs.map((r) => [r.heads, r.mlp, r.residual, r.layerNorm]), [
      [0, false, false, false], [1, false, false, false], [2, false, false, false],
      [2, true, false, false], [2, true, true, false], [2, true, true, true],
    ]);
  });

  it('a rung has only the weights it uses: V × V for the bigram, the GPT\'s for the top rung', () => {
    assert.deepEqual(ladderSpecs(cfg, rungs[0]).map((s) => s.shape), [[11, 11]]);
    const C = cfg.nEmbd;
    const count = (i: number): number => ladderSpecs(cfg, rungs[i]).reduce((n, s) => n + s.shape.reduce((a, b) => a * b, 1), 0);
    assert.equal(count(5), paramCount(cfg));
    assert.equal(count(4), paramCount(cfg) - cfg.nLayer * 4 * C - 2 * C); // no ln_1, ln_2, ln_f
    assert.equal(count(2), count(4) - cfg.nLayer * (8 * C * C + 5 * C)); // no c_fc, mlp.c_proj
    assert.equal(count(1), count(2)); // one head of C or nh heads of C/nh: the same weights
  });

  it('the top rung is the GPT: same weights from the same seed, same logits', () => {
    const gpt = new GPT(cfg, { seed: 3 });
    const top = new LadderModel(cfg, rungs[5], 3);
    tf.tidy(() => {
      const idx = tf.tensor2d(ids, [2, 6], 'int32');
      assert.equal(maxDiff(gpt.logits(gpt.forward(idx).hidden), top.logits(idx)), 0);
    });
    gpt.dispose();
    top.dispose();
  });

  it('the bigram rung reads only the current token; attention rungs read the past, never the future', () => {
    // PyTorch's init: GPT-2's 0.02 makes a stack without LayerNorm's outputs too small to compare.
    for (const i of [0, 1, 3, 4, 5]) {
      const m = new LadderModel(cfg, rungs[i], 4, 'pytorch');
      const [a, b] = tf.tidy(() => {
        const x = tf.tensor2d([[1, 5, 2, 7, 3, 0], [6, 8, 2, 7, 9, 9]], [2, 6], 'int32');
        return tf.unstack(m.logits(x)).map((t) => t.arraySync() as number[][]);
      });
      // Position 2 and 3 hold the same tokens in both rows, and the rows differ before them.
      const same = (t: number): boolean => a[t].every((v, j) => Math.abs(v - b[t][j]) < 1e-6);
      assert.equal(same(2), i === 0, `rung ${i}: position 2`);
      // Later tokens differ (4, 5) but never change earlier positions: row 0 with a changed tail.
      const tail = tf.tidy(() => m.logits(tf.tensor2d([[1, 5, 2, 7, 0, 1]], [1, 6], 'int32')).arraySync() as number[][][]);
      assert.ok(tail[0][3].every((v, j) => Math.abs(v - a[3][j]) < 1e-6), `rung ${i}: the future leaked into position 3`);
      m.dispose();
    }
  });

  it('training a rung lowers its held-out loss, reproducibly, and leaks no tensor', () => {
    // A text with a rule: after 1 comes 2, after 2 comes 3, … a bigram learns it.
    const text = Int32Array.from({ length: 400 }, (_, i) => i % 10);
    const budget = { steps: 40, batchSize: 4, lr: 3e-2, warmup: 3, seed: 5, evalBatches: 2 };
    const before = tf.memory().numTensors;
    const fresh = new LadderModel(cfg, rungs[0], budget.seed);
    const untrained = ladderLoss(fresh, text, budget.batchSize, budget.evalBatches);
    fresh.dispose();
    const r1 = trainLadderRung(cfg, rungs[0], text, text, budget);
    const r2 = trainLadderRung(cfg, rungs[0], text, text, budget);
    assert.ok(r1.valLoss < untrained - 0.3, `held-out loss ${r1.valLoss} against ${untrained} untrained`);
    assert.equal(r1.valLoss, r2.valLoss);
    assert.equal(r1.parameters, 121);
    assert.equal(tf.memory().numTensors, before);
    // The counted bigram knows the rule exactly: its loss is only the smoothing's.
    const counted = bigramCountLoss(text, text, cfg.vocabSize, cfg.blockSize, budget.batchSize, budget.evalBatches, 0.01);
    assert.ok(counted < 0.01 && counted < r1.valLoss, `counted bigram ${counted}, trained ${r1.valLoss}`);
  });

  it('the PyTorch-style rungs have an untied head; a whole ladder trains without leaking', () => {
    const small = makeConfig({ preset: 'pico', vocabSize: 11, nLayer: 1, nHead: 2, blockSize: 8 });
    const text = Int32Array.from({ length: 200 }, (_, i) => (i * i) % 11);
    const before = tf.memory().numTensors;
    for (const rung of ladderRungs(2)) {
      const names = ladderSpecs(small, rung, 'pytorch').map((s) => s.name);
      assert.ok(names.includes('lm_head.weight') && names.includes('wte'), rung.name);
      const r = trainLadderRung(small, rung, text, text, { steps: 3, batchSize: 2, lr: 1e-3, warmup: 1, seed: 1, evalBatches: 1, init: 'pytorch' });
      assert.ok(Number.isFinite(r.valLoss), `${rung.name}: loss ${r.valLoss}`);
    }
    assert.equal(tf.memory().numTensors, before);
  });
});
