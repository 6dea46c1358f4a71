// train/position-loss.ts: the loss at each position, averaged over windows, agrees with the mean loss.
import { strict as assert } from 'assert';
import * as tf from '@tensorflow/tfjs';
import { GPT, makeConfig } from '../src/model';
import { evaluateLm, lossByPosition } from '../src/train';

describe('lossByPosition (train/position-loss.ts)', () => {
  it('averages to evaluateLm\'s loss on the same windows, one number per position, and leaks nothing', () => {
    const cfg = makeConfig({ preset: 'pico', vocabSize: 13, blockSize: 8 });
    const model = new GPT(cfg, { seed: 3 });
    const ids = Int32Array.from({ length: 8 * 6 + 1 }, (_, i) => (i * 7) % 13);
    lossByPosition(model, ids, 3, 1); // the model caches its causal mask on the first call
    const before = tf.memory().numTensors;
    const { loss, windows } = lossByPosition(model, ids, 3, 2);
    assert.equal(tf.memory().numTensors, before);
    assert.equal(loss.length, 8);
    assert.equal(windows, 6);
    const mean = loss.reduce((a, b) => a + b, 0) / loss.length;
    const want = evaluateLm(model, ids, 3, 2);
    assert.ok(Math.abs(mean - want) < 1e-5, `mean over positions ${mean}, evaluateLm ${want}`);
    model.dispose();
  });
});
