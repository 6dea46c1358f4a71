// Hidden checks for exercises/04-pretraining.ts: the instructor's, never released.
import { strict as assert } from 'assert';
import type * as Stub from '../../exercises/04-pretraining';
import { loadExercise } from '../../test/exercises/target';

const { bitsPerByte, crossEntropyFromLogits, crossEntropyGradient, topKProbabilities, adamwStep } = loadExercise<typeof Stub>('04-pretraining');

function gen(seed: number): () => number {
  let s = seed >>> 0;
  return () => { s = (Math.imul(s, 1664525) + 1013904223) >>> 0; return (s / 2 ** 32) * 8 - 4; };
}
const close = (a: readonly number[], b: readonly number[], tol: number): void => {
  assert.equal(a.length, b.length, `${a.length} values, expected ${b.length}`);
  a.forEach((v, i) => assert.ok(Math.abs(v - b[i]) <= tol, `value ${i} = ${v}, expected ${b[i]} (tolerance ${tol})`));
};
const logSoftmax = (z: readonly number[]): number[] => {
  const m = Math.max(...z);
  const l = m + Math.log(z.reduce((s, v) => s + Math.exp(v - m), 0));
  return z.map((v) => v - l);
};

describe('hidden checks 04-pretraining', () => {
  describe('1. bitsPerByte', () => {
    it('hidden: is proportional to the loss and the tokens and inversely to the bytes', () => {
      const b = bitsPerByte(3.1, 700, 2900);
      const near = (got: number, want: number, what: string): void => assert.ok(Math.abs(got - want) < 1e-12, `${what}: ${got}, expected ${want}`);
      near(bitsPerByte(6.2, 700, 2900), 2 * b, 'twice the loss');
      near(bitsPerByte(3.1, 1400, 2900), 2 * b, 'twice the tokens');
      near(bitsPerByte(3.1, 700, 5800), b / 2, 'twice the bytes');
      near(b, (3.1 * 700) / (Math.LN2 * 2900), 'bitsPerByte(3.1, 700, 2900)');
    });
  });

  describe('2. crossEntropyFromLogits', () => {
    it('hidden: equals −log softmax at the target on generated logits, very negative ones included', () => {
      const r = gen(21);
      for (let n = 0; n < 50; n++) {
        const z = Array.from({ length: 2 + (n % 7) }, () => r() * (n % 3 === 0 ? 300 : 1) - (n % 5 === 0 ? 1000 : 0));
        const t = n % z.length;
        const want = -logSoftmax(z)[t];
        const got = crossEntropyFromLogits(z, t);
        assert.ok(Number.isFinite(got) && Math.abs(got - want) <= 1e-9 * Math.max(1, want), `logits [${z.map((v) => v.toFixed(2))}], target ${t}: ${got}, expected ${want}`);
      }
    });
  });

  describe('3. crossEntropyGradient', () => {
    it('hidden: equals softmax minus the one-hot target on generated logits, large ones included', () => {
      const r = gen(22);
      for (let n = 0; n < 50; n++) {
        const z = Array.from({ length: 1 + (n % 6) }, () => r() * (n % 4 === 0 ? 500 : 2));
        const t = (n * 7) % z.length;
        const want = logSoftmax(z).map((l, i) => Math.exp(l) - (i === t ? 1 : 0));
        close(crossEntropyGradient(z, t), want, 1e-9);
      }
    });
  });

  describe('4. topKProbabilities', () => {
    it('hidden: k = 1 is greedy, on the first of equal largest logits', () => {
      assert.deepEqual(topKProbabilities([0.5, 2, -1, 2], 1), [0, 1, 0, 0]);
      assert.deepEqual(topKProbabilities([0.5, 2, -1, 2], 1, 0.1), [0, 1, 0, 0]);
    });

    it('hidden: ties at the cut keep the lower index; k ≥ V and k = 0 keep every token', () => {
      const p = topKProbabilities([1, 3, 1, 1, 0], 2);
      assert.ok(Math.abs(p[1] - Math.exp(3) / (Math.exp(3) + Math.E)) < 1e-12, `p[1] = ${p[1]}, expected e³/(e³ + e)`);
      assert.ok(p[0] > 0 && p[2] === 0 && p[3] === 0 && p[4] === 0, `probabilities [${p}]: of the tied logits only index 0 should be kept`);
      const all = logSoftmax([1, 3, 1, 1, 0].map((v) => v / 2)).map(Math.exp);
      close(topKProbabilities([1, 3, 1, 1, 0], 9, 2), all, 1e-12);
      close(topKProbabilities([1, 3, 1, 1, 0], 0, 2), all, 1e-12);
    });
  });

  describe('5. adamwStep', () => {
    it('hidden: equals a reference over five steps with other settings, and changes no input', () => {
      const s = { lr: 0.03, beta1: 0.8, beta2: 0.99, eps: 1e-6, weightDecay: 0.3, decay: true };
      const r = gen(23);
      let theta = Array.from({ length: 6 }, r), m = theta.map(() => 0), v = theta.map(() => 0);
      let rt = [...theta], rm = [...m], rv = [...v];
      for (let t = 1; t <= 5; t++) {
        const g = theta.map(() => r());
        const frozen = JSON.stringify([theta, g, m, v]);
        const got = adamwStep(theta, g, m, v, t, s);
        assert.equal(JSON.stringify([theta, g, m, v]), frozen);
        rm = rm.map((mi, i) => s.beta1 * mi + (1 - s.beta1) * g[i]);
        rv = rv.map((vi, i) => s.beta2 * vi + (1 - s.beta2) * g[i] ** 2);
        rt = rt.map((th, i) => th - s.lr * ((rm[i] / (1 - s.beta1 ** t)) / (Math.sqrt(rv[i] / (1 - s.beta2 ** t)) + s.eps) + s.weightDecay * th));
        close(got.theta, rt, 1e-12);
        close(got.m, rm, 1e-12);
        close(got.v, rv, 1e-12);
        [theta, m, v] = [got.theta, got.m, got.v];
      }
    });
  });
});
