// Hidden checks for exercises/00-setup.ts: the instructor's, never released (see instructor/README.md).
// Other inputs and properties than the public checks; their titles say what is checked, never the
// expected value, and the grader shows a student only whether each one passed.
import { strict as assert } from 'assert';
import type * as Stub from '../../exercises/00-setup';
import { loadExercise } from '../../test/exercises/target';

const { softmaxWithTemperature, entropy } = loadExercise<typeof Stub>('00-setup');

/** Deterministic numbers in [lo, hi) (the checks must give the same grade every time). */
function lcg(seed: number, lo = -5, hi = 5): () => number {
  let s = seed >>> 0;
  return () => { s = (Math.imul(s, 1664525) + 1013904223) >>> 0; return lo + (s / 2 ** 32) * (hi - lo); };
}

describe('hidden checks 00-setup', () => {
  describe('1. softmaxWithTemperature', () => {
    it('hidden: sums to 1, stays positive and keeps the order of the logits on random vectors and temperatures', () => {
      const r = lcg(7);
      for (let n = 0; n < 40; n++) {
        const z = Array.from({ length: 1 + (n % 9) }, () => r() * 20);
        const t = 0.05 + Math.abs(r()) * 2;
        const p = softmaxWithTemperature(z, t);
        assert.equal(p.length, z.length);
        assert.ok(Math.abs(p.reduce((a, b) => a + b, 0) - 1) < 1e-9);
        for (let i = 0; i < z.length; i++) for (let j = 0; j < z.length; j++) if (z[i] > z[j]) assert.ok(p[i] >= p[j]);
        const want = z.map((v) => Math.exp((v - Math.max(...z)) / t));
        const s = want.reduce((a, b) => a + b, 0);
        p.forEach((v, i) => assert.ok(Math.abs(v - want[i] / s) < 1e-9));
      }
    });

    it('hidden: a tiny temperature gives almost all weight to the largest logit, a huge one almost uniform weights', () => {
      const p = softmaxWithTemperature([0.1, 0.3, 0.2], 1e-3);
      assert.ok(p[1] > 1 - 1e-9 && Number.isFinite(p[0]));
      softmaxWithTemperature([0.1, 0.3, 0.2], 1e6).forEach((v) => assert.ok(Math.abs(v - 1 / 3) < 1e-6));
    });

    it('hidden: handles one logit and very negative logits, and leaves its input unchanged', () => {
      assert.deepEqual(softmaxWithTemperature([42], 0.7), [1]);
      const z = [-1000, -1001, -1000];
      const p = softmaxWithTemperature(z, 1);
      assert.ok(p.every(Number.isFinite) && Math.abs(p[0] - p[2]) < 1e-12);
      assert.deepEqual(z, [-1000, -1001, -1000]);
    });
  });

  describe('2. entropy', () => {
    it('hidden: equals −Σ p ln p on random distributions', () => {
      const r = lcg(11, 0, 1);
      for (let n = 1; n < 30; n++) {
        const w = Array.from({ length: n }, () => r());
        const s = w.reduce((a, b) => a + b, 0);
        const p = w.map((v) => v / s);
        const want = -p.reduce((h, x) => h + x * Math.log(x), 0);
        assert.ok(Math.abs(entropy(p) - want) < 1e-12);
      }
    });

    it('hidden: is 0 for one-hot and ln n for uniform distributions of several lengths, zeros included', () => {
      for (const n of [1, 2, 7, 100]) {
        assert.ok(Math.abs(entropy(Array.from({ length: n }, () => 1 / n)) - Math.log(n)) < 1e-12);
        const oneHot = Array.from({ length: n + 3 }, (_, i) => (i === n ? 1 : 0));
        assert.ok(Object.is(entropy(oneHot) + 0, 0));
      }
    });
  });
});
