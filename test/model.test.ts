import { strict as assert } from 'assert';
import * as tf from '@tensorflow/tfjs';
import { Rng } from '../src/engine';
import {
  causalMask, crossEntropy, flopsPerToken, GPT, layerNorm, makeConfig, MASKED, paramCount, scaledDotProductAttention,
} from '../src/model';
import { classifierLogits } from '../src/model/classifier';
import { InputError } from '../src/errors';

const close = (a: number, b: number, tol = 1e-5): boolean => Math.abs(a - b) <= tol * Math.max(1, Math.abs(b));

describe('attention', () => {
  it('matches a hand computation on a 3×4 example', () => {
    // Q = K = the first three unit vectors of R⁴, so QKᵀ = I and the scaled scores are I/√4 = I/2.
    const q = tf.tensor2d([[1, 0, 0, 0], [0, 1, 0, 0], [0, 0, 1, 0]]);
    const v = tf.tensor2d([[1, 2, 3, 4], [5, 6, 7, 8], [9, 10, 11, 12]]);
    const { output, weights } = scaledDotProductAttention(q, q, v);
    // Each row: softmax of [½, 0, 0] in some order → e^½/(e^½+2) on the diagonal, 1/(e^½+2) elsewhere.
    const d = Math.exp(0.5) / (Math.exp(0.5) + 2);
    const o = 1 / (Math.exp(0.5) + 2);
    const w = weights.arraySync() as number[][];
    for (let i = 0; i < 3; i++) for (let j = 0; j < 3; j++) assert.ok(close(w[i][j], i === j ? d : o), `w[${i}][${j}] = ${w[i][j]}`);
    // Row 0 of the output: d·v0 + o·v1 + o·v2.
    const out = output.arraySync() as number[][];
    [0, 1, 2, 3].forEach((c) => assert.ok(close(out[0][c], d * (1 + c) + o * (5 + c) + o * (9 + c))));
    // With the causal mask, row 0 sees only itself: its output is v0 exactly.
    const masked = scaledDotProductAttention(q, q, v, causalMask(3));
    assert.deepEqual((masked.output.arraySync() as number[][])[0].map((x) => Math.round(x * 1e5) / 1e5), [1, 2, 3, 4]);
    const mw = masked.weights.arraySync() as number[][];
    assert.ok(close(mw[1][0], 1 / (1 + Math.exp(0.5))) && close(mw[1][1], Math.exp(0.5) / (1 + Math.exp(0.5))) && mw[1][2] === 0);
    tf.dispose([q, v, output, weights, masked.output, masked.weights]);
  });

  it('builds causal masks, also offset for a KV cache', () => {
    const m = causalMask(3).arraySync();
    assert.deepEqual(m, [[0, MASKED, MASKED], [0, 0, MASKED], [0, 0, 0]]);
    const m2 = causalMask(1, 2).arraySync();
    assert.deepEqual(m2, [[0, 0, 0]]);
  });
});

describe('GPT', () => {
  const cfg = makeConfig({ preset: 'pico', vocabSize: 11 });

  it('counts parameters like GPT-2 and uses its weight names', () => {
    const model = new GPT(cfg, { seed: 1 });
    assert.equal(model.numParams(), paramCount(cfg));
    for (const n of ['wte', 'wpe', 'h.0.ln_1.weight', 'h.0.attn.c_attn.weight', 'h.0.attn.c_proj.bias', 'h.0.mlp.c_fc.weight', 'h.0.mlp.c_proj.weight', 'ln_f.bias']) {
      assert.ok(model.params.has(n), n);
    }
    assert.deepEqual(model.params.get('h.0.attn.c_attn.weight')!.shape, [16, 48]);
    // GPT-2 initialisation: residual projections have std 0.02/√(2L).
    const proj = Array.from(model.params.get("h.0.mlp.c_proj.weight")!.dataSync());
    const std = Math.sqrt(proj.reduce((s, x) => s + x * x, 0) / proj.length);
    assert.ok(Math.abs(std - 0.02 / Math.sqrt(2)) < 0.003, `std ${std}`);
    // nano: 0.8 M parameters, as in FINDINGS.md's benchmark model.
    const nano = makeConfig({ preset: 'nano', vocabSize: 65 });
    // 4 blocks × 198,272 + ln_f 256 + wte 65·128 + wpe 128·128
    assert.equal(paramCount(nano), 818_048);
    assert.ok(flopsPerToken(nano) > 6 * 800_000);
    model.dispose();
  });

  it('is seeded: the same seed gives the same weights', () => {
    const a = new GPT(cfg, { seed: 5 });
    const b = new GPT(cfg, { seed: 5 });
    assert.deepEqual(Array.from(a.params.get('wte')!.dataSync()), Array.from(b.params.get('wte')!.dataSync()));
    a.dispose(); b.dispose();
  });

  it('GPT.fromWeights builds a model from given weights: shared, not copied, and a missing or mis-shaped one is named', () => {
    const a = new GPT(cfg, { seed: 5 });
    const buffers = tf.memory().numDataBuffers;
    const b = GPT.fromWeights(cfg, a.params);
    assert.equal(tf.memory().numDataBuffers, buffers, 'the new variables share the given tensors\' data');
    for (const s of a.specs) assert.deepEqual(Array.from(b.params.get(s.name)!.dataSync()), Array.from(a.params.get(s.name)!.dataSync()), s.name);
    const zeros = tf.zerosLike(a.params.get('wte')!);
    b.params.get('wte')!.assign(zeros);
    zeros.dispose();
    assert.ok(a.params.get('wte')!.dataSync().some((x) => x !== 0), 'assigning to one model leaves the other alone');
    b.dispose();
    const tensors = tf.memory().numTensors;
    const without = new Map([...a.params].filter(([k]) => k !== 'h.0.ln_1.bias'));
    assert.throws(() => GPT.fromWeights(cfg, without), /parameter 'h\.0\.ln_1\.bias' is missing/);
    const wrong = new Map<string, tf.Tensor>([...a.params, ['wpe', tf.zeros([3, cfg.nEmbd])]]);
    assert.throws(() => GPT.fromWeights(cfg, wrong), /parameter 'wpe': shape \[3, 16\], the spec has \[\d+, 16\]/);
    wrong.get('wpe')!.dispose();
    assert.equal(tf.memory().numTensors, tensors, 'a refused build leaves no tensors behind');
    a.dispose();
  });

  it('returns per-layer, per-head attention weights whose rows sum to 1 and respect causality', () => {
    const model = new GPT(makeConfig({ ...cfg, nLayer: 2 }), { seed: 2 });
    tf.tidy(() => {
      const idx = tf.tensor2d([[1, 2, 3, 4, 5]], [1, 5], 'int32');
      const { hidden, attention } = model.forward(idx, { returnAttention: true });
      assert.deepEqual(hidden.shape, [1, 5, 16]);
      assert.equal(attention!.length, 2);
      assert.deepEqual(attention![0].shape, [1, 2, 5, 5]);
      const w = attention![1].arraySync()[0][1];
      for (const row of w) assert.ok(close(row.reduce((s, x) => s + x, 0), 1));
      assert.equal(w[0][4], 0);
      assert.deepEqual(model.logits(hidden).shape, [1, 5, 11]);
    });
    model.dispose();
  });

  it('returns the residual stream: the embeddings, then each block adds its two branches, and ln_f of the last is the hidden state', () => {
    const model = new GPT(makeConfig({ ...cfg, nLayer: 2 }), { seed: 6 });
    tf.tidy(() => {
      const ids = [1, 2, 3, 4, 5];
      const { hidden, residuals } = model.forward(tf.tensor2d([ids], [1, 5], 'int32'), { returnResiduals: true });
      assert.equal(residuals!.length, 3);
      const emb = tf.add(tf.gather(model.p<tf.Rank.R2>('wte'), ids), tf.slice(model.p<tf.Rank.R2>('wpe'), [0, 0], [5, 16]));
      assert.ok(tf.max(tf.abs(tf.sub(residuals![0].squeeze([0]), emb))).dataSync()[0] === 0, 'residuals[0] is wte[id] + wpe[t]');
      assert.ok(tf.max(tf.abs(tf.sub(residuals![1], residuals![0]))).dataSync()[0] > 0, 'a block changes the stream');
      const last = layerNorm(residuals![2], model.p('ln_f.weight'), model.p('ln_f.bias'));
      assert.ok(tf.max(tf.abs(tf.sub(last, hidden))).dataSync()[0] < 1e-6, 'hidden = ln_f(last residual)');
      assert.equal(model.forward(tf.tensor2d([ids], [1, 5], 'int32')).residuals, undefined);
    });
    model.dispose();
  });

  it('predicts each position from the past only (changing a later token leaves earlier logits unchanged)', () => {
    const model = new GPT(cfg, { seed: 3 });
    const run = (ids: number[]): number[][] => tf.tidy(() => (model.logits(model.forward(tf.tensor2d([ids], [1, ids.length], 'int32')).hidden).arraySync() as number[][][])[0]);
    const a = run([1, 2, 3, 4]);
    const b = run([1, 2, 3, 9]);
    for (let t = 0; t < 3; t++) for (let v = 0; v < 11; v++) assert.ok(close(a[t][v], b[t][v]));
    assert.ok(a[3].some((x, v) => !close(x, b[3][v])));
    model.dispose();
  });

  it('passes a finite-difference gradient check on a pico model', () => {
    // Float32 forward passes: use a relatively large step and compare a few coordinates.
    const model = new GPT(makeConfig({ ...cfg, nEmbd: 8, nHead: 2 }), { seed: 4 });
    const idx = tf.tensor2d([[1, 5, 2, 7, 3, 0]], [1, 6], 'int32');
    const tgt = tf.tensor2d([[5, 2, 7, 3, 0, 9]], [1, 6], 'int32');
    const names = ['wte', 'h.0.attn.c_attn.weight', 'h.0.mlp.c_fc.weight', 'h.0.ln_1.weight', 'wpe'];
    const vars = names.map((n) => model.params.get(n)!);
    const { grads } = tf.variableGrads(() => model.lmLoss(idx, tgt), vars);
    const rng = new Rng(9);
    const eps = 1e-2;
    for (const [i, name] of names.entries()) {
      const g = grads[vars[i].name].dataSync();
      const base = vars[i].dataSync().slice();
      for (let trial = 0; trial < 3; trial++) {
        const k = rng.int(base.length);
        const loss = (delta: number): number => {
          const copy = base.slice();
          copy[k] += delta;
          vars[i].assign(tf.tensor(copy, vars[i].shape));
          return tf.tidy(() => model.lmLoss(idx, tgt).dataSync()[0]);
        };
        const numeric = (loss(eps) - loss(-eps)) / (2 * eps);
        vars[i].assign(tf.tensor(base, vars[i].shape));
        assert.ok(Math.abs(numeric - g[k]) < 2e-3 + 0.05 * Math.abs(g[k]), `${name}[${k}]: analytic ${g[k]} vs numeric ${numeric}`);
      }
    }
    tf.dispose([idx, tgt, ...Object.values(grads)]);
    model.dispose();
  });

  it('computes cross-entropy from raw logits and ignores negative targets', () => {
    const logits = tf.tensor2d([[2, 0, 0], [0, 0, 0]]);
    const ce = crossEntropy(logits, tf.tensor1d([0, -1], 'int32')).dataSync()[0];
    assert.ok(close(ce, Math.log(Math.exp(2) + 2) - 2));
    const uniform = crossEntropy(logits, tf.tensor1d([-1, 1], 'int32')).dataSync()[0];
    assert.ok(close(uniform, Math.log(3)));
  });

  it('has a classification head on a chosen position', () => {
    const model = new GPT(cfg, { seed: 6, nClasses: 2 });
    assert.equal(model.nClasses, 2);
    tf.tidy(() => {
      const { logits } = classifierLogits(model, tf.tensor2d([[1, 2, 3], [4, 5, 6]], [2, 3], 'int32'), tf.tensor1d([2, 0], 'int32'));
      assert.deepEqual(logits.shape, [2, 2]);
    });
    model.dispose();
  });

  it('rejects bad configs with an InputError', () => {
    assert.throws(() => makeConfig({ nEmbd: 10, nHead: 3 }), InputError);
    assert.throws(() => makeConfig({ dropout: 1.5 }), InputError);
    assert.throws(() => makeConfig({ vocabSize: 0 }), InputError);
  });
});
