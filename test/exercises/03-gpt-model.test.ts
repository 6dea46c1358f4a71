// Checks for the exercises of notebooks/03-gpt-model.ipynb (see test/exercises/target.ts for whose answers).
import { strict as assert } from 'assert';
import * as tf from '@tensorflow/tfjs';
import type * as Stub from '../../exercises/03-gpt-model';
import { initBackend, Rng } from '../../src/engine';
import { setKernelMode } from '../../src/model/fused';
import { gelu as libGelu, layerNorm as libLayerNorm } from '../../src/model/layers';
import { GPT } from '../../src/model/gpt';
import { paramCount, type GPTConfig } from '../../src/model/config';
import { exerciseTarget, loadExercise } from './target';

const { layerNorm, gelu, blockForward, paramCountFor } = loadExercise<typeof Stub>('03-gpt-model');

type Matrix = number[][];

function assertClose(actual: number[], expected: number[], tol: number, what: string): void {
  assert.equal(actual.length, expected.length, `${what}: ${actual.length} values, expected ${expected.length}`);
  actual.forEach((v, i) => assert.ok(Math.abs(v - expected[i]) <= tol, `${what}[${i}] = ${v}, expected ${expected[i]} (tolerance ${tol})`));
}

describe(`exercises 03-gpt-model (${exerciseTarget()})`, () => {
  // The reference answers come from the library's tfjs code: start its backend (quietly) first.
  before(async () => { await initBackend(); });

  describe('1. layerNorm', () => {
    it('normalises [1, 2, 3, 10] by hand: μ = 4, σ² = 12.5 (divided by C, not C − 1)', () => {
      const s = Math.sqrt(12.5 + 1e-5);
      assertClose(layerNorm([1, 2, 3, 10], [1, 1, 1, 1], [0, 0, 0, 0]), [-3 / s, -2 / s, -1 / s, 6 / s], 1e-12, 'LN');
    });

    it('applies the gain and the bias after normalising', () => {
      const s = Math.sqrt(1 + 1e-5);
      assertClose(layerNorm([0, 2], [2, 3], [10, -10]), [10 - 2 / s, -10 + 3 / s], 1e-12, 'LN');
    });

    it('keeps a constant vector finite (ε): it becomes the bias', () => {
      assertClose(layerNorm([5, 5, 5], [1, 1, 1], [0.5, 0, -0.5]), [0.5, 0, -0.5], 1e-12, 'LN');
    });

    for (const mode of ['fused', 'reference'] as const) {
      it(`equals lg.layerNorm (${mode} kernel) on random vectors, within float32 rounding (1e-5)`, () => {
        const rng = new Rng(3);
        const C = 24;
        const [x, g, b] = [rng.normalArray(5 * C, 2), rng.normalArray(C), rng.normalArray(C)];
        const previous = setKernelMode(mode);
        try {
          const want = tf.tidy(() => libLayerNorm(tf.tensor2d(x, [5, C]), tf.tensor1d(g), tf.tensor1d(b)).arraySync() as Matrix);
          for (let t = 0; t < 5; t++) assertClose(layerNorm(Array.from(x.slice(t * C, (t + 1) * C)), Array.from(g), Array.from(b)), want[t], 1e-5, `row ${t}`);
        } finally {
          setKernelMode(previous);
        }
      });
    }
  });

  describe('2. gelu', () => {
    it('equals lg.gelu (the tanh form) on −6 … 6, within float32 rounding (1e-6)', () => {
      const xs = Array.from({ length: 121 }, (_, i) => -6 + i * 0.1);
      const want = tf.tidy(() => Array.from(libGelu(tf.tensor1d(xs)).dataSync()));
      assertClose(xs.map(gelu), want, 1e-6, 'gelu');
    });

    it('is 0 at 0, about x for large x, about 0 for very negative x, and dips below 0 just left of 0', () => {
      assert.equal(gelu(0), 0);
      assert.ok(Math.abs(gelu(10) - 10) < 1e-9, `gelu(10) = ${gelu(10)}, expected 10 within 1e-9`);
      assert.ok(Math.abs(gelu(-10)) < 1e-9, `gelu(-10) = ${gelu(-10)}, expected 0 within 1e-9`);
      assert.ok(gelu(-0.5) < 0 && gelu(-0.5) > -0.2, `gelu(-0.5) = ${gelu(-0.5)}, expected between -0.2 and 0`);
    });
  });

  describe('3. blockForward', () => {
    /** A 1-block GPT with every weight random (LayerNorm gains and biases too), and its stream before and after the block. */
    function randomBlock(C: number, nHead: number, T: number, seed: number) {
      const cfg: GPTConfig = { vocabSize: 13, blockSize: T, nLayer: 1, nHead, nEmbd: C, dropout: 0 };
      const model = new GPT(cfg, { seed });
      const rng = new Rng(seed + 100);
      for (const [name, v] of model.params) {
        const std = name.startsWith('w') ? 1 : name.endsWith('.weight') && v.rank === 2 ? 0.3 : 0.2;
        const values = rng.normalArray(v.size, std);
        if (name.includes('ln_') && name.endsWith('.weight')) values.forEach((x, i) => (values[i] = 1 + x));
        v.assign(tf.tensor(values, v.shape));
      }
      const ids = Array.from({ length: T }, (_, t) => (t * 5 + 3) % 13);
      const [before, after] = tf.tidy(() => model.forward(tf.tensor2d([ids], [1, T], 'int32'), { returnResiduals: true })
        .residuals!.map((r) => (r.arraySync() as number[][][])[0]));
      const weights: Record<string, number[] | number[][]> = {};
      for (const [name, v] of model.params) if (name.startsWith('h.0.')) weights[name.slice(4)] = v.arraySync() as number[] | number[][];
      model.dispose();
      return { before, after, weights };
    }

    for (const [C, nHead, T] of [[8, 2, 5], [12, 3, 7]]) {
      it(`equals the library's block on random weights (C = ${C}, ${nHead} heads, T = ${T}), within 1e-4`, () => {
        const { before, after, weights } = randomBlock(C, nHead, T, C);
        const got = blockForward(before, weights, nHead);
        assert.equal(got.length, T, `${got.length} rows, expected ${T}`);
        got.forEach((row, t) => assertClose(row, after[t], 1e-4, `row ${t}`));
      });
    }

    it('is causal: random noise on the last row of x leaves every earlier output row unchanged', () => {
      // Noise, not a constant: LayerNorm removes a constant added to a row, so a block without a
      // mask would pass a constant shift. Random noise changes what the last position attends with.
      const { before, weights } = randomBlock(8, 2, 5, 21);
      const rng = new Rng(77);
      const a = blockForward(before, weights, 2);
      const b = blockForward(before.map((row, t) => (t === 4 ? row.map((v) => v + rng.normal()) : row)), weights, 2);
      for (let t = 0; t < 4; t++) {
        const moved = Math.max(...b[t].map((v, j) => Math.abs(v - a[t][j])));
        assert.ok(moved <= 1e-12, `output row ${t} moved by ${moved.toExponential(2)} when only row 4 of x changed: position ${t} sees the future (is the causal mask applied?)`);
      }
      const lastMoved = Math.max(...b[4].map((v, j) => Math.abs(v - a[4][j])));
      assert.ok(lastMoved > 1e-3, `the last output row moved by only ${lastMoved.toExponential(2)} when its input changed (expected > 1e-3)`);
    });
  });

  describe('4. paramCountFor', () => {
    const configs: GPTConfig[] = [
      { vocabSize: 11, blockSize: 16, nLayer: 1, nHead: 2, nEmbd: 16, dropout: 0 },
      { vocabSize: 2048, blockSize: 128, nLayer: 4, nHead: 4, nEmbd: 128, dropout: 0.1 },
      { vocabSize: 97, blockSize: 33, nLayer: 3, nHead: 3, nEmbd: 24, dropout: 0 },
    ];
    for (const cfg of configs) {
      it(`counts the weights of a real GPT (V ${cfg.vocabSize}, blockSize ${cfg.blockSize}, L ${cfg.nLayer}, C ${cfg.nEmbd})`, () => {
        const model = new GPT(cfg);
        const n = model.numParams();
        model.dispose();
        assert.equal(paramCountFor(cfg), n);
        assert.equal(paramCountFor(cfg), paramCount(cfg));
      });
    }

    it('gives GPT-2 small its 124,439,808 parameters', () => {
      assert.equal(paramCountFor({ vocabSize: 50257, blockSize: 1024, nLayer: 12, nEmbd: 768 }), 124_439_808);
    });
  });
});
