// The step profile (src/bench/profile.ts): every kind of work is found where the model does it,
// the kinds add up to the kernel total, and the engine is left as it was. No timing assertions.
import { strict as assert } from 'assert';
import * as tf from '@tensorflow/tfjs';
import { kindOf, OP_KINDS, profileTable, profileTrainStep } from '../src/bench/profile';
import { torchProfile, torchStatus } from '../src/bench/torch';
import { TrainRunner } from '../src/bench/train';
import { makeConfig } from '../src/model/config';

describe('bench/profile: where a training step goes', function () {
  this.timeout(300_000);

  it('files kernels by name, scope and phase', () => {
    const fwd = { scope: '', phase: 'forward' as const, wrapper: false, adamw: false };
    assert.equal(kindOf('BatchMatMul', fwd), 'batched matmul');
    assert.equal(kindOf('BatchMatMul', { ...fwd, scope: 'LayerNorm' }), 'batched matmul', 'a matmul is a matmul wherever it runs');
    assert.equal(kindOf('Mean', { ...fwd, scope: 'LayerNorm' }), 'layernorm');
    assert.equal(kindOf('Mul', { ...fwd, scope: 'Attention' }), 'attention scale+mask');
    assert.equal(kindOf('Sum', { ...fwd, scope: 'Attention', phase: 'backward', forwardKernel: 'Softmax' }), 'softmax');
    assert.equal(kindOf('Add', { ...fwd, phase: 'backward' }), 'gradient accumulation');
    assert.equal(kindOf('Transpose', fwd), 'layout copies');
    assert.equal(kindOf('Mul', { ...fwd, phase: 'update', adamw: true }), 'adamw');
    assert.equal(kindOf('Sqrt', { ...fwd, phase: 'update' }), 'clip+flatten');
  });

  it('finds every kind in a pico step, adds up, and puts the engine back', async () => {
    const engine = tf.engine() as unknown as Record<string, unknown>;
    const before = { run: engine.runKernelFunc, node: engine.addTapeNode, grads: engine.gradients };
    const runner = new TrainRunner(makeConfig({ preset: 'pico', vocabSize: 65 }), 4);
    try {
      const p = await profileTrainStep(runner, { warmup: 1, timedSteps: 1 });
      for (const k of OP_KINDS) assert.ok(p.byKind[k] >= 0, `${k}: ${p.byKind[k]}`);
      // pico: 1 layer, 1 block. Each of these kinds runs in every step.
      for (const k of ['matmul', 'batched matmul', 'softmax', 'layernorm', 'gelu', 'embedding', 'loss', 'adamw'] as const) {
        assert.ok(p.byKind[k] > 0, `no time filed under ${k}`);
      }
      const sum = Object.values(p.byKind).reduce((a, b) => a + b, 0);
      assert.ok(Math.abs(sum - p.kernelMs) < 1e-6 * Math.max(1, p.kernelMs), `kinds add to ${sum}, kernels to ${p.kernelMs}`);
      assert.ok(p.kernels > 50, `${p.kernels} kernels`);
      // Matmul shapes: pico's c_attn forward is (4·16)×16 · 16×48.
      assert.ok(p.matmuls.some((m) => m.kind === 'matmul' && m.shape === '64×16 · 16×48'), p.matmuls.map((m) => m.shape).join('; '));
      assert.ok(p.matmuls.some((m) => m.kind === 'batched matmul' && m.shape.startsWith('8 × (')), 'attention: 4 sequences × 2 heads');
      const table = profileTable(p, null);
      assert.ok(table.some((l) => l.startsWith('layernorm')) && table.some((l) => l.startsWith('step (wall)')));
    } finally {
      runner.dispose();
    }
    assert.equal(engine.runKernelFunc, before.run);
    assert.equal(engine.addTapeNode, before.node);
    assert.equal(engine.gradients, before.grads);
  });

  it('profiles the PyTorch step in the same kinds, where PyTorch is installed', function () {
    const status = torchStatus();
    if (!status.available) this.skip();
    const lines: string[] = [];
    const p = torchProfile({ python: status.python!, preset: 'pico', batch: 4, vocab: 65, threads: 1 }, (l) => lines.push(l));
    assert.ok(p, lines.join('\n'));
    for (const k of ['matmul', 'batched matmul', 'softmax', 'layernorm', 'gelu', 'adamw']) assert.ok((p.byKind[k] ?? 0) > 0, `PyTorch: no time under ${k}`);
    assert.ok(p.matmuls.some((m) => m.shape === '64×16 · 16×48'), p.matmuls.map((m) => m.shape).join('; '));
  });
});
