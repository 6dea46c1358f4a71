import { strict as assert } from 'assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as tf from '@tensorflow/tfjs';
import { GPT, makeConfig } from '../src/model';
import { AdamW, clipByGlobalNorm, clipFlatByNorm, learningRate, Trainer, trainLm } from '../src/train';
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

/** AdamW written the plain way, one parameter at a time, in float64: the reference. */
function adamwReference(p: Map<string, number[]>, grads: Map<string, number[]>[], lr: number, decay: (n: string) => boolean, o = { beta1: 0.9, beta2: 0.95, eps: 1e-8, weightDecay: 0.1 }): Map<string, number[]> {
  const out = new Map([...p].map(([k, v]) => [k, [...v]]));
  const m = new Map([...p].map(([k, v]) => [k, v.map(() => 0)]));
  const v2 = new Map([...p].map(([k, v]) => [k, v.map(() => 0)]));
  grads.forEach((g, t0) => {
    const t = t0 + 1;
    for (const [k, gk] of g) {
      const w = out.get(k)!; const mk = m.get(k)!; const vk = v2.get(k)!;
      gk.forEach((gi, i) => {
        mk[i] = o.beta1 * mk[i] + (1 - o.beta1) * gi;
        vk[i] = o.beta2 * vk[i] + (1 - o.beta2) * gi * gi;
        const mh = mk[i] / (1 - o.beta1 ** t); const vh = vk[i] / (1 - o.beta2 ** t);
        w[i] -= lr * (mh / (Math.sqrt(vh) + o.eps) + (decay(k) ? o.weightDecay * w[i] : 0));
      });
    }
  });
  return out;
}

describe('AdamW over one flat vector', () => {
  const shapes: [string, number[]][] = [['w', [2, 3]], ['b', [3]], ['e', [4, 2]]];
  const rand = (n: number, seed: number): number[] => Array.from({ length: n }, (_, i) => Math.sin(seed * 97.1 + i * 13.7));
  const size = (s: number[]): number => s.reduce((a, b) => a * b, 1);

  it('equals the per-parameter update over 5 steps, weight decay on matrices only', () => {
    const start = new Map(shapes.map(([n, s], j) => [n, rand(size(s), j + 1)]));
    const steps = [0, 1, 2, 3, 4].map((t) => new Map(shapes.map(([n, s], j) => [n, rand(size(s), 10 * t + j + 5)])));
    const decay = (n: string): boolean => n !== 'b';
    const params = new Map(shapes.map(([n, s]) => [n, tf.variable(tf.tensor(start.get(n)!, s))]));
    const opt = new AdamW();
    for (const g of steps) {
      const gt = new Map(shapes.map(([n, s]) => [n, tf.tensor(g.get(n)!, s)]));
      opt.apply(params, gt, 0.01, decay);
      tf.dispose([...gt.values()]);
    }
    const want = adamwReference(start, steps, 0.01, decay);
    for (const [n] of shapes) {
      const got = params.get(n)!.dataSync();
      want.get(n)!.forEach((w, i) => assert.ok(Math.abs(got[i] - w) < 1e-5, `${n}[${i}]: ${got[i]} vs ${w}`));
      assert.deepEqual(params.get(n)!.shape, shapes.find((x) => x[0] === n)![1]);
    }
    opt.dispose();
    tf.dispose([...params.values()]);
  });

  it('hands its moments out per parameter and takes them back (a resumed run continues exactly)', () => {
    const mk = (): Map<string, tf.Variable> => new Map(shapes.map(([n, s], j) => [n, tf.variable(tf.tensor(rand(size(s), j), s))]));
    const grad = (t: number): Map<string, tf.Tensor> => new Map(shapes.map(([n, s], j) => [n, tf.tensor(rand(size(s), t * 7 + j), s)]));
    const run = (opt: AdamW, p: Map<string, tf.Variable>, t: number): void => { const g = grad(t); opt.apply(p, g, 0.01, () => true); tf.dispose([...g.values()]); };
    const pa = mk(); const a = new AdamW();
    for (let t = 0; t < 4; t++) run(a, pa, t);
    const pb = mk(); const b = new AdamW();
    for (let t = 0; t < 2; t++) run(b, pb, t);
    const { m, v } = b.moments();
    assert.deepEqual([...m.keys()], shapes.map(([n]) => n));
    assert.deepEqual(m.get('w')!.shape, [2, 3]);
    const c = new AdamW();
    c.step = b.step;
    c.setMoments(m, v); // takes ownership
    b.dispose();
    run(c, pb, 2); // the flat state replaces the 6 tensors it was given
    const before = tf.memory().numTensors;
    run(c, pb, 3);
    assert.equal(tf.memory().numTensors, before, 'no tensors leak once the flat state exists');
    for (const [n] of shapes) assert.deepEqual(Array.from(pb.get(n)!.dataSync()), Array.from(pa.get(n)!.dataSync()), n);
    a.dispose(); c.dispose();
    tf.dispose([...pa.values(), ...pb.values()]);
  });

  it('a single vector parameter: the flat vector is a copy, not the gradient itself', () => {
    const p = new Map([['b', tf.variable(tf.tensor1d([1, 2]))]]);
    const g = new Map<string, tf.Tensor>([['b', tf.tensor1d([0.5, -0.5])]]);
    const opt = new AdamW({ weightDecay: 0 });
    opt.apply(p, g, 0.1, () => false);
    assert.equal(g.get('b')!.isDisposed, false);
    const b = p.get('b')!.dataSync();
    assert.ok(Math.abs(b[0] - 0.9) < 1e-5 && Math.abs(b[1] - 2.1) < 1e-5, `${b}`);
    opt.dispose();
    tf.dispose([...p.values(), ...g.values()]);
  });

  it('keeps the moments of the parameters it already had when the set of gradients changes', () => {
    const p = new Map(shapes.map(([n, s]) => [n, tf.variable(tf.zeros(s))]));
    const opt = new AdamW({ weightDecay: 0 });
    const g1 = new Map<string, tf.Tensor>([['w', tf.ones([2, 3])]]);
    opt.apply(p, g1, 0.1, () => false);
    const g2 = new Map<string, tf.Tensor>([['w', tf.ones([2, 3])], ['b', tf.ones([3])]]);
    opt.apply(p, g2, 0.1, () => false);
    const { m, v } = opt.moments();
    // w: m = 0.1 after one step, then 0.9·0.1 + 0.1 = 0.19; b starts from zero: 0.1.
    assert.ok(Math.abs(m.get('w')!.dataSync()[0] - 0.19) < 1e-6);
    assert.ok(Math.abs(m.get('b')!.dataSync()[0] - 0.1) < 1e-6);
    assert.equal(m.has('e'), false);
    tf.dispose([...m.values(), ...v.values(), ...g1.values(), ...g2.values(), ...p.values()]);
    opt.dispose();
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

  it('clips a flat vector by its norm the same way', () => {
    const { grad, norm } = clipFlatByNorm(tf.tensor1d([3, 4]), 1);
    assert.ok(Math.abs(norm.dataSync()[0] - 5) < 1e-6);
    assert.deepEqual(Array.from(grad.dataSync()).map((x) => Math.round(x * 1e5) / 1e5), [0.6, 0.8]);
    tf.dispose([grad, norm]);
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

  it('a stoppable step of many micro-batches: abandoned when asked (no update, nothing leaked), else equal to trainStep', async () => {
    const make = (): { model: GPT; t: Trainer } => {
      const model = new GPT(pico, { seed: 4 });
      const decay = new Map(model.specs.map((s) => [s.name, s.decay]));
      return { model, t: new Trainer(model.params, (n) => decay.get(n)!, { schedule: { lr: 1e-2, minLr: 1e-2, warmup: 1, total: 10 }, gradAccum: 5, clip: 1, tokensPerMicroBatch: 4 }) };
    };
    const xs = [[1, 2, 3, 4], [4, 3, 2, 1], [5, 6, 7, 8], [8, 7, 6, 5], [1, 3, 5, 7]].map((r) => tf.tensor2d([r], [1, 4], 'int32'));
    const a = make();
    const b = make();
    try {
      const w0 = Array.from(a.model.params.get('wte')!.dataSync());
      tf.tidy(() => { a.model.lmLoss(xs[0], xs[0]); }); // the model caches its causal mask on first use
      const before = tf.memory().numTensors;
      let asked = 0;
      const stopped = await a.t.trainStepStoppable((i) => a.model.lmLoss(xs[i], xs[i]), () => ++asked > 2);
      assert.equal(stopped, null, 'stopped before the third micro-batch');
      assert.equal(a.t.step, 0, 'no update was applied');
      assert.deepEqual(Array.from(a.model.params.get('wte')!.dataSync()), w0);
      assert.equal(tf.memory().numTensors, before, 'the partial gradient sum was freed');
      const full = await a.t.trainStepStoppable((i) => a.model.lmLoss(xs[i], xs[i]), () => false);
      const sync = b.t.trainStep((i) => b.model.lmLoss(xs[i], xs[i]));
      assert.equal(full!.loss, sync.loss);
      assert.deepEqual(Array.from(a.model.params.get('wte')!.dataSync()), Array.from(b.model.params.get('wte')!.dataSync()));
    } finally {
      tf.dispose(xs);
      for (const r of [a, b]) { r.t.dispose(); r.model.dispose(); }
    }
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

  it('--init starts from a checkpoint (its weights and tokenizer), --mix draws the parts by share', async function () {
    this.timeout(180_000);
    const base = await trainLm(path.join(tmp, 'base'), { ...opts, steps: 2, corpus: 'moby-dick+sotu' }, false);
    base.model.dispose();
    // lr 0: the warm-started model is the checkpoint's, bit for bit.
    const init = await trainLm(path.join(tmp, 'init'), { ...opts, steps: 2, lr: 0, minLr: 0, init: path.join(tmp, 'base'), corpus: 'moby-dick+sotu', mix: [0.5, 0.5], preset: 'micro', tokenizer: 'bpe' }, false);
    const saved = loadCheckpoint(path.join(tmp, 'base'));
    assert.deepEqual(init.model.config, saved.model.config, 'the shape comes from the checkpoint, not --preset');
    assert.deepEqual(init.tokenizer.toJSON(), saved.json.tokenizer);
    const name = 'h.0.attn.c_attn.weight';
    assert.deepEqual(Array.from(init.model.params.get(name)!.dataSync()), Array.from(saved.model.params.get(name)!.dataSync()));
    assert.equal(init.state.options.init, path.join(tmp, 'base'));
    assert.deepEqual(init.state.options.mix, [0.5, 0.5]);
    assert.equal(init.state.options.tokenizer, 'char', "the tokenizer the checkpoint brought, not the options' default");
    [init.model, saved.model].forEach((m) => m.dispose());
    await assert.rejects(() => trainLm(path.join(tmp, 'bad'), { ...opts, corpus: 'moby-dick+sotu', mix: [1] }, false), /mix must be 2 non-negative numbers/);
    // --reinit: the checkpoint's shape and tokenizer, fresh weights drawn with the seed.
    const re = await trainLm(path.join(tmp, 'reinit'), { ...opts, steps: 1, lr: 0, minLr: 0, init: path.join(tmp, 'base'), reinit: true, corpus: 'moby-dick' }, false);
    const base2 = loadCheckpoint(path.join(tmp, 'base'));
    assert.deepEqual(re.model.config, base2.model.config);
    assert.deepEqual(re.tokenizer.toJSON(), base2.json.tokenizer);
    assert.notDeepEqual(Array.from(re.model.params.get(name)!.dataSync()), Array.from(base2.model.params.get(name)!.dataSync()));
    const fresh = new GPT(base2.model.config, { seed: opts.seed ?? 1 });
    assert.deepEqual(Array.from(re.model.params.get(name)!.dataSync()), Array.from(fresh.params.get(name)!.dataSync()), 'the weights a fresh model of that seed gets');
    [re.model, base2.model, fresh].forEach((m) => m.dispose());
    await assert.rejects(() => trainLm(path.join(tmp, 'bad2'), { ...opts, reinit: true }, false), /reinit needs init/);
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
