import { strict as assert } from 'assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as tf from '@tensorflow/tfjs';
import { GPT, makeConfig } from '../src/model';
import { AdamW, clipByGlobalNorm, learningRate, Trainer, trainLm } from '../src/train';
import { loadCheckpoint, saveCheckpoint } from '../src/checkpoint';

const pico = makeConfig({ preset: 'pico', vocabSize: 13 });

function picoTrainer(model: GPT, lr = 1e-2): Trainer {
  const decay = new Map(model.specs.map((s) => [s.name, s.decay]));
  return new Trainer(model.params, (n) => decay.get(n)!, {
    schedule: { lr, minLr: lr, warmup: 1, total: 1000 }, gradAccum: 1, clip: 1, tokensPerMicroBatch: 32,
  });
}

describe('AdamW', () => {
  it('matches a hand computation of one step, with decoupled weight decay', () => {
    const p = new Map([['w', tf.variable(tf.tensor1d([1, -2]))], ['b', tf.variable(tf.tensor1d([0.5]))]]);
    const g = new Map<string, tf.Tensor>([['w', tf.tensor1d([0.1, 0.3])], ['b', tf.tensor1d([-0.2])]]);
    const opt = new AdamW({ beta1: 0.9, beta2: 0.95, eps: 1e-8, weightDecay: 0.1 });
    opt.apply(p, g, 0.01, (n) => n === 'w');
    // Step 1: m̂ = g, v̂ = g², so the Adam part is sign(g) (up to ε); decay adds λ·θ for w only.
    const w = p.get('w')!.dataSync();
    assert.ok(Math.abs(w[0] - (1 - 0.01 * (1 + 0.1 * 1))) < 1e-6);
    assert.ok(Math.abs(w[1] - (-2 - 0.01 * (1 + 0.1 * -2))) < 1e-6);
    assert.ok(Math.abs(p.get('b')!.dataSync()[0] - (0.5 + 0.01)) < 1e-6);
    opt.dispose();
    tf.dispose([...p.values(), ...g.values()]);
  });
});

describe('schedule and clipping', () => {
  it('warms up linearly, then decays along a cosine to minLr', () => {
    const s = { lr: 1, minLr: 0.1, warmup: 10, total: 110 };
    assert.equal(learningRate(0, s), 0.1);
    assert.equal(learningRate(9, s), 1);
    assert.ok(Math.abs(learningRate(60, s) - 0.55) < 1e-12);
    assert.equal(learningRate(110, s), 0.1);
    assert.equal(learningRate(500, s), 0.1);
  });

  it('clips by global norm', () => {
    const grads = new Map<string, tf.Tensor>([['a', tf.tensor1d([3])], ['b', tf.tensor1d([4])]]);
    const { grads: c, norm } = clipByGlobalNorm(grads, 1);
    assert.ok(Math.abs(norm.dataSync()[0] - 5) < 1e-6);
    assert.ok(Math.abs(c.get('a')!.dataSync()[0] - 0.6) < 1e-5 && Math.abs(c.get('b')!.dataSync()[0] - 0.8) < 1e-5);
    const { grads: same } = clipByGlobalNorm(grads, 10);
    assert.equal(same.get('a')!.dataSync()[0], 3);
    tf.dispose([...grads.values(), ...c.values(), ...same.values(), norm]);
  });
});

describe('Trainer', () => {
  it('overfits one batch of a pico model to near-zero loss', function () {
    this.timeout(120_000);
    const model = new GPT(pico, { seed: 1 });
    const trainer = picoTrainer(model, 1e-2);
    const x = tf.tensor2d([[1, 2, 3, 4, 5, 6, 7, 8], [8, 7, 6, 5, 4, 3, 2, 1]], [2, 8], 'int32');
    const y = tf.tensor2d([[2, 3, 4, 5, 6, 7, 8, 9], [7, 6, 5, 4, 3, 2, 1, 0]], [2, 8], 'int32');
    let loss = Infinity;
    const first = trainer.trainStep(() => model.lmLoss(x, y)).loss;
    for (let i = 0; i < 300 && loss > 0.05; i++) loss = trainer.trainStep(() => model.lmLoss(x, y)).loss;
    assert.ok(first > 2 && loss < 0.05, `loss went from ${first} to ${loss}`);
    tf.dispose([x, y]);
    trainer.dispose();
    model.dispose();
  });

  it('does not leak tensors over 50 training steps', () => {
    const model = new GPT(pico, { seed: 2 });
    const trainer = picoTrainer(model);
    const x = tf.tensor2d([[1, 2, 3, 4]], [1, 4], 'int32');
    const step = (): void => { trainer.trainStep(() => model.lmLoss(x, x)); };
    step(); // creates the optimizer's moment variables
    const before = tf.memory().numTensors;
    for (let i = 0; i < 50; i++) step();
    assert.equal(tf.memory().numTensors, before);
    x.dispose();
    trainer.dispose();
    model.dispose();
  });

  it('averages accumulated gradients: 2 micro-batches of the same data = 1 batch', () => {
    const run = (accum: number): number[] => {
      const model = new GPT(pico, { seed: 3 });
      const decay = new Map(model.specs.map((s) => [s.name, s.decay]));
      const t = new Trainer(model.params, (n) => decay.get(n)!, { schedule: { lr: 1e-2, minLr: 1e-2, warmup: 1, total: 10 }, gradAccum: accum, clip: 0, tokensPerMicroBatch: 4 });
      const x = tf.tensor2d([[1, 2, 3, 4]], [1, 4], 'int32');
      t.trainStep(() => model.lmLoss(x, x));
      const w = Array.from(model.params.get('wte')!.dataSync());
      x.dispose(); t.dispose(); model.dispose();
      return w;
    };
    const a = run(1);
    const b = run(2);
    a.forEach((v, i) => assert.ok(Math.abs(v - b[i]) < 1e-5));
  });
});

describe('language-model training with checkpoints', () => {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'lgpt-train-'));
  after(() => fs.rmSync(tmp, { recursive: true, force: true }));
  const opts = { preset: 'pico' as const, steps: 6, evalEvery: 3, evalBatches: 2, finalEvalBatches: 2, batchSize: 4, seed: 11, lr: 3e-3, warmup: 2 };

  it('resumed training follows the same loss trajectory as an uninterrupted run', async function () {
    this.timeout(180_000);
    const full: number[] = [];
    const r1 = await trainLm(path.join(tmp, 'full'), opts, false, { onStep: (s) => full.push(s.loss) });
    r1.model.dispose();
    // Interrupted after 3 steps (the checkpoint at step 3), then resumed to 6.
    const part: number[] = [];
    let stopAfter3 = 0;
    const r2 = await trainLm(path.join(tmp, 'part'), opts, false, { onStep: (s) => { part.push(s.loss); stopAfter3 = s.step; }, shouldStop: () => stopAfter3 >= 3 });
    r2.model.dispose();
    assert.equal(r2.stoppedEarly, true);
    const r3 = await trainLm(path.join(tmp, 'part'), {}, true, { onStep: (s) => part.push(s.loss) });
    r3.model.dispose();
    assert.equal(part.length, full.length);
    full.forEach((l, i) => assert.ok(Math.abs(l - part[i]) < 1e-4, `step ${i + 1}: ${l} vs ${part[i]}`));
    assert.ok(Math.abs(r1.valLoss - r3.valLoss) < 1e-4);
  });

  it('round-trips a model through a float32 and a float16 checkpoint', () => {
    const model = new GPT(pico, { seed: 5 });
    const dir32 = path.join(tmp, 'c32');
    const dir16 = path.join(tmp, 'c16');
    saveCheckpoint(dir32, model, { kind: 'lm', tokenizer: null });
    saveCheckpoint(dir16, model, { kind: 'lm', tokenizer: null, dtype: 'float16' });
    const a = loadCheckpoint(dir32).model;
    const b = loadCheckpoint(dir16).model;
    const w = model.params.get('h.0.attn.c_attn.weight')!.dataSync();
    const wa = a.params.get('h.0.attn.c_attn.weight')!.dataSync();
    const wb = b.params.get('h.0.attn.c_attn.weight')!.dataSync();
    w.forEach((v, i) => { assert.equal(wa[i], v); assert.ok(Math.abs(wb[i] - v) <= Math.abs(v) * 1e-3 + 1e-7); });
    assert.ok(fs.statSync(path.join(dir16, fs.readdirSync(dir16).find((f) => f.endsWith('.bin'))!)).size * 2 === fs.statSync(path.join(dir32, fs.readdirSync(dir32).find((f) => f.endsWith('.bin'))!)).size);
    [model, a, b].forEach((m) => m.dispose());
  });
});
