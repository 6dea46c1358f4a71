// The training-step memory estimate (src/model/memory.ts) against tfjs's own count of the peak
// bytes of one forward and backward pass, and the CLI's refusal built on it.
import { strict as assert } from 'assert';
import * as tf from '@tensorflow/tfjs';
import { InputError } from '../src/errors';
import { GPT, makeConfig } from '../src/model';
import { trainingStepBytes } from '../src/model/memory';
import { checkStepFits } from '../src/cli/resources';

describe('model memory estimate', () => {
  it('is within a factor of 1.5 of the measured peak of one training step', async () => {
    for (const [preset, batch] of [['nano', 2], ['pico', 16]] as const) {
      const cfg = makeConfig({ preset, vocabSize: 65 });
      // tf.profile's peakBytes counts every live tensor of the process; in the full suite other
      // files still hold some, so measure from what was allocated before this model.
      const base = tf.memory().numBytes;
      const model = new GPT(cfg, { seed: 1 });
      const T = cfg.blockSize;
      const idx = tf.tensor2d(Int32Array.from({ length: batch * T }, (_, i) => (i * 7) % 65), [batch, T], 'int32');
      const tg = tf.tensor2d(Int32Array.from({ length: batch * T }, (_, i) => (i * 11) % 65), [batch, T], 'int32');
      const vars = [...model.params.values()];
      const info = await tf.profile(() => {
        const { value, grads } = tf.variableGrads(() => model.lmLoss(idx, tg), vars);
        value.dispose();
        tf.dispose(Object.values(grads));
      });
      tf.dispose([idx, tg]);
      model.dispose();
      // The estimate also counts what one step holds beyond the pass: the flat gradient and AdamW's moments.
      const estimate = trainingStepBytes(cfg, batch);
      const peak = info.peakBytes - base;
      const ratio = estimate / peak;
      assert.ok(ratio > 1 / 1.5 && ratio < 1.5, `${preset} batch ${batch}: estimate ${estimate} bytes, measured peak ${peak} above the ${base} held before (ratio ${ratio.toFixed(2)})`);
    }
  });

  it('refuses a step that cannot fit, naming the estimate, and passes one that can', () => {
    const cfg = makeConfig({ preset: 'nano', vocabSize: 1024 });
    const GiB = 2 ** 30;
    assert.throws(() => checkStepFits(cfg, 4096, cfg.blockSize, { total: 16 * GiB, free: 16 * GiB }), (e: unknown) => e instanceof InputError
      && /one training step of 4,096 sequences × 128 tokens needs about \d+ GiB .*more than this machine's 16\.0 GiB of memory; lower --batch/.test(e.message));
    const notes: string[] = [];
    checkStepFits(cfg, 32, cfg.blockSize, { total: 16 * GiB, free: 16 * GiB, log: (l) => notes.push(l) });
    assert.equal(notes.length, 0);
    // Fits the machine, not what is free now: one note, no refusal.
    checkStepFits(cfg, 32, cfg.blockSize, { total: 16 * GiB, free: 0.1 * GiB, log: (l) => notes.push(l) });
    assert.equal(notes.length, 1);
    assert.match(notes[0], /^note: one training step needs about [\d.]+ (GiB|MiB), more than the 102 MiB free now: it may swap/);
    assert.ok(trainingStepBytes(cfg, 64) > trainingStepBytes(cfg, 32));
  });
});
