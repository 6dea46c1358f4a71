// Checks for the exercises of notebooks/04-pretraining.ipynb (see test/exercises/target.ts for whose answers).
import { strict as assert } from 'assert';
import type * as Stub from '../../exercises/04-pretraining';
import { bitsPerByte as libBitsPerByte } from '../../src/train/lm';
import { samplingProbabilities } from '../../src/generate/sampling';
import * as tf from '@tensorflow/tfjs';
import { initBackend } from '../../src/engine';
import { AdamW, DEFAULT_ADAMW } from '../../src/train/adamw';
import { exerciseTarget, loadExercise } from './target';

const { bitsPerByte, crossEntropyFromLogits, crossEntropyGradient, topKProbabilities, adamwStep } = loadExercise<typeof Stub>('04-pretraining');

function assertClose(actual: readonly number[], expected: readonly number[], tol = 1e-9): void {
  assert.equal(actual.length, expected.length, `length ${actual.length}, expected ${expected.length}`);
  actual.forEach((a, i) => assert.ok(Math.abs(a - expected[i]) <= tol, `element ${i}: ${a}, expected ${expected[i]}`));
}

describe(`exercises 04-pretraining (${exerciseTarget()})`, () => {
  describe('1. bitsPerByte', () => {
    it('is 1 for ln 2 nats per token when each token is one byte', () => {
      assertClose([bitsPerByte(Math.LN2, 1000, 1000)], [1]);
    });

    it('divides by the bytes each token carries (ln 16 nats/token, 4 bytes/token → 1 bit/byte)', () => {
      assertClose([bitsPerByte(Math.log(16), 250, 1000)], [1]);
    });

    it('agrees with the library on the shipped model\'s kind of numbers', () => {
      assertClose([bitsPerByte(3.95, 38588, 123456)], [libBitsPerByte(3.95, 38588, 123456)], 1e-12);
    });
  });

  describe('2. crossEntropyFromLogits', () => {
    it('is ln V for equal logits (a uniform guess over 5 tokens costs ln 5)', () => {
      assertClose([crossEntropyFromLogits([0, 0, 0, 0, 0], 3)], [Math.log(5)]);
    });

    it('is −ln p of the target (logits 0, ln 2, ln 3 → p = 1/6, 2/6, 3/6)', () => {
      const z = [0, Math.log(2), Math.log(3)];
      assertClose([0, 1, 2].map((t) => crossEntropyFromLogits(z, t)), [Math.log(6), Math.log(3), Math.log(2)]);
    });

    it('stays finite for large logits ([1000, 1001], target 0 → ln(1 + e))', () => {
      assertClose([crossEntropyFromLogits([1000, 1001], 0)], [Math.log(1 + Math.E)]);
    });
  });

  describe('3. crossEntropyGradient', () => {
    const z = [1.5, -0.3, 0.2, 2.1, -1.0];

    it('matches finite differences of the loss', () => {
      const h = 1e-5;
      const numeric = z.map((_, i) => {
        const up = z.slice(); up[i] += h;
        const down = z.slice(); down[i] -= h;
        return (crossEntropyFromLogits(up, 2) - crossEntropyFromLogits(down, 2)) / (2 * h);
      });
      assertClose(crossEntropyGradient(z, 2), numeric, 1e-6);
    });

    it('sums to zero and is negative only at the target', () => {
      const g = crossEntropyGradient(z, 4);
      assertClose([g.reduce((a, b) => a + b, 0)], [0], 1e-12);
      g.forEach((v, i) => assert.ok(i === 4 ? v < 0 : v > 0, `component ${i} is ${v}`));
    });
  });

  describe('4. topKProbabilities', () => {
    const z = [2.0, -1.0, 0.5, 3.0, 0.5, -2.0, 1.0];

    it('keeps the k most likely tokens and renormalises (k = 2: softmax over logits 3 and 2)', () => {
      const e = 1 / (1 + Math.exp(-1));
      assertClose(topKProbabilities(z, 2), [1 - e, 0, 0, e, 0, 0, 0]);
    });

    it('equals lg.samplingProbabilities for several k and temperatures (ties go to the lower index)', () => {
      for (const k of [0, 1, 3, 4, 7, 10]) {
        for (const temperature of [0.5, 1, 1.7]) {
          assertClose(topKProbabilities(z, k, temperature), Array.from(samplingProbabilities(z, { topK: k, temperature })), 1e-12);
        }
      }
    });
  });
  describe('5. adamwStep', () => {
    before(async () => { await initBackend(); });
    const lr = 1e-2;
    const settings = (decay: boolean) => ({ lr, ...DEFAULT_ADAMW, decay });

    it('moves every weight by lr against the sign of its gradient on the first step (no decay)', () => {
      const r = adamwStep([0.5, -0.2, 0.1], [3, -0.001, 20], [0, 0, 0], [0, 0, 0], 1, settings(false));
      assertClose(r.theta, [0.5 - lr, -0.2 + lr, 0.1 - lr], 1e-6); // |g|/(|g| + ε) is 1 within 1e-5 here
      assertClose(r.m, [0.3, -0.0001, 2], 1e-12);
    });

    it('equals lg.AdamW over three steps, for a parameter that decays and one that does not (1e-6)', () => {
      const theta0 = { w: [0.3, -0.7, 1.2, 0.05], b: [0.1, -0.2] };
      const gradsAt = (step: number) => ({ w: [0.5, -1, 0.02 * step, 3 - step], b: [step - 2, 0.3] });
      const params = new Map([['w', tf.variable(tf.tensor1d(theta0.w))], ['b', tf.variable(tf.tensor1d(theta0.b))]]);
      const opt = new AdamW();
      const mine = { w: { theta: theta0.w, m: [0, 0, 0, 0], v: [0, 0, 0, 0] }, b: { theta: theta0.b, m: [0, 0], v: [0, 0] } };
      for (let t = 1; t <= 3; t++) {
        const g = gradsAt(t);
        const grads = new Map([['w', tf.tensor1d(g.w)], ['b', tf.tensor1d(g.b)]]);
        opt.apply(params, grads, lr, (n) => n === 'w');
        tf.dispose([...grads.values()]);
        mine.w = adamwStep(mine.w.theta, g.w, mine.w.m, mine.w.v, t, settings(true));
        mine.b = adamwStep(mine.b.theta, g.b, mine.b.m, mine.b.v, t, settings(false));
        assertClose(mine.w.theta, Array.from(params.get('w')!.dataSync()), 1e-6);
        assertClose(mine.b.theta, Array.from(params.get('b')!.dataSync()), 1e-6);
      }
      opt.dispose();
      for (const p of params.values()) p.dispose();
    });

    it('decays a weight with zero gradient by lr·λ·θ, and only when decay applies', () => {
      assertClose(adamwStep([2], [0], [0], [0], 1, settings(true)).theta, [2 - lr * DEFAULT_ADAMW.weightDecay * 2], 1e-12);
      assertClose(adamwStep([2], [0], [0], [0], 1, settings(false)).theta, [2], 1e-12);
    });
  });
});
