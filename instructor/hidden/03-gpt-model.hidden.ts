// Hidden checks for exercises/03-gpt-model.ts: the instructor's, never released.
import { strict as assert } from 'assert';
import * as tf from '@tensorflow/tfjs';
import type * as Stub from '../../exercises/03-gpt-model';
import { initBackend, Rng } from '../../src/engine';
import { GPT } from '../../src/model/gpt';
import { paramCount, type GPTConfig } from '../../src/model/config';
import { loadExercise } from '../../test/exercises/target';

const { layerNorm, gelu, blockForward, paramCountFor } = loadExercise<typeof Stub>('03-gpt-model');

const close = (a: number[], b: number[], tol: number): void => {
  assert.equal(a.length, b.length, `${a.length} values, expected ${b.length}`);
  a.forEach((v, i) => assert.ok(Math.abs(v - b[i]) <= tol, `value ${i} = ${v}, expected ${b[i]} (tolerance ${tol})`));
};

describe('hidden checks 03-gpt-model', () => {
  before(async () => { await initBackend(); });

  describe('1. layerNorm', () => {
    it('hidden: with gain 1 and bias 0 the output has mean 0 and the variance ε leaves, on random shifted vectors', () => {
      const rng = new Rng(17);
      for (const C of [2, 5, 64]) {
        const x = Array.from(rng.normalArray(C, 3)).map((v) => v + 10);
        const y = layerNorm(x, x.map(() => 1), x.map(() => 0));
        const mu = x.reduce((s, v) => s + v, 0) / C;
        const varX = x.reduce((s, v) => s + (v - mu) ** 2, 0) / C;
        const meanY = y.reduce((s, v) => s + v, 0) / C;
        const varY = y.reduce((s, v) => s + (v - meanY) ** 2, 0) / C;
        assert.ok(Math.abs(meanY) < 1e-9, `C = ${C}: output mean ${meanY}, expected 0 within 1e-9`);
        assert.ok(Math.abs(varY - varX / (varX + 1e-5)) < 1e-9, `C = ${C}: output variance ${varY}, expected σ²/(σ² + ε) = ${varX / (varX + 1e-5)}`);
      }
    });

    it('hidden: uses the ε it is given', () => {
      const s = Math.sqrt(1 + 0.5);
      close(layerNorm([1, 3], [1, 1], [0, 0], 0.5), [-1 / s, 1 / s], 1e-12);
    });
  });

  describe('2. gelu', () => {
    it('hidden: equals the tanh formula near 0 and far out', () => {
      const f = (x: number) => 0.5 * x * (1 + Math.tanh(Math.sqrt(2 / Math.PI) * (x + 0.044715 * x ** 3)));
      for (const x of [1e-3, -1e-3, 0.7, -2.2, 3, -3, 20, -20, 1e-8]) assert.ok(Math.abs(gelu(x) - f(x)) <= 1e-12 * Math.max(1, Math.abs(x)), `gelu(${x}) = ${gelu(x)}, the tanh formula gives ${f(x)}`);
    });
  });

  describe('3. blockForward', () => {
    function randomBlock(C: number, nHead: number, T: number, seed: number) {
      const cfg: GPTConfig = { vocabSize: 7, blockSize: T, nLayer: 1, nHead, nEmbd: C, dropout: 0 };
      const model = new GPT(cfg, { seed });
      const rng = new Rng(seed + 300);
      for (const [name, v] of model.params) {
        const values = rng.normalArray(v.size, name.startsWith('w') ? 1 : 0.25);
        if (name.includes('ln_') && name.endsWith('.weight')) values.forEach((x, i) => (values[i] = 1 + x));
        v.assign(tf.tensor(values, v.shape));
      }
      const ids = Array.from({ length: T }, (_, t) => (t * 3 + 1) % 7);
      const [before, after] = tf.tidy(() => model.forward(tf.tensor2d([ids], [1, T], 'int32'), { returnResiduals: true })
        .residuals!.map((r) => (r.arraySync() as number[][][])[0]));
      const weights: Record<string, number[] | number[][]> = {};
      for (const [name, v] of model.params) if (name.startsWith('h.0.')) weights[name.slice(4)] = v.arraySync() as number[] | number[][];
      model.dispose();
      return { before, after, weights };
    }

    for (const [C, nHead, T] of [[16, 4, 3], [6, 1, 4], [8, 8, 1]]) {
      it(`hidden: equals the library's block on another shape (${nHead} head${nHead > 1 ? 's' : ''})`, () => {
        const { before, after, weights } = randomBlock(C, nHead, T, 40 + C + nHead);
        const got = blockForward(before, weights, nHead);
        assert.equal(got.length, T);
        got.forEach((row, t) => close(row, after[t], 1e-4));
      });
    }
  });

  describe('4. paramCountFor', () => {
    it('hidden: counts other shapes, down to a model without blocks', () => {
      const configs: GPTConfig[] = [
        { vocabSize: 5, blockSize: 3, nLayer: 0, nHead: 1, nEmbd: 4, dropout: 0 },
        { vocabSize: 1, blockSize: 1, nLayer: 2, nHead: 1, nEmbd: 1, dropout: 0 },
        { vocabSize: 300, blockSize: 64, nLayer: 6, nHead: 6, nEmbd: 48, dropout: 0 },
      ];
      for (const cfg of configs) assert.equal(paramCountFor(cfg), paramCount(cfg));
    });

    it('hidden: gives GPT-2 medium its parameter count', () => {
      const cfg = { vocabSize: 50257, blockSize: 1024, nLayer: 24, nHead: 16, nEmbd: 1024, dropout: 0 };
      assert.equal(paramCountFor(cfg), paramCount(cfg));
    });
  });
});
