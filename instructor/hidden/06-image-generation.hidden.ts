// Hidden checks for exercises/06-image-generation.ts: the instructor's, never released.
// Exercise 5 is checked here on made-up models (functions of the sequence), which is fast and
// tests the loop itself: the prompts, the mixing, the greedy choice and the ties.
import { strict as assert } from 'assert';
import type * as Stub from '../../exercises/06-image-generation';
import { quantize, uniformQuantizer } from '../../src/image';
import { loadExercise } from '../../test/exercises/target';

const { quantizeUniform, toSequence, bitsPerPixel, guidanceMix, completeWithLabel } = loadExercise<typeof Stub>('06-image-generation');

function gen(seed: number): () => number {
  let s = seed >>> 0;
  return () => { s = (Math.imul(s, 1664525) + 1013904223) >>> 0; return s / 2 ** 32; };
}

describe('hidden checks 06-image-generation', () => {
  describe('1. quantizeUniform', () => {
    it('hidden: agrees with the library for 3, 16 and 256 levels away from ties', () => {
      const r = gen(41);
      const gray = Array.from({ length: 300 }, () => r());
      for (const L of [3, 16, 256]) {
        const away = gray.filter((x) => Math.abs(x * (L - 1) - Math.floor(x * (L - 1)) - 0.5) > 1e-6);
        assert.deepEqual(quantizeUniform(away, L), Array.from(quantize(away, uniformQuantizer(L))));
      }
    });
  });

  describe('2. toSequence', () => {
    it('hidden: other level counts, labels 0 and 9, an empty image; refuses 10, −1 and 2.5', () => {
      assert.deepEqual(toSequence([1, 0, 15], 9, 16), [25, 1, 0, 15]);
      assert.deepEqual(toSequence([], 0, 2), [2]);
      for (const bad of [10, -1, 2.5]) assert.throws(() => toSequence([0], bad, 4), RangeError);
    });
  });

  describe('3. bitsPerPixel', () => {
    it('hidden: equals −mean log₂ p on generated probabilities', () => {
      const r = gen(43);
      for (let n = 1; n < 40; n++) {
        const p = Array.from({ length: n }, () => 0.001 + r() * 0.999);
        const want = -p.reduce((s, x) => s + Math.log2(x), 0) / n;
        assert.ok(Math.abs(bitsPerPixel(p) - want) < 1e-12, `bitsPerPixel of ${n} probabilities: ${bitsPerPixel(p)}, expected ${want}`);
      }
    });
  });

  describe('4. guidanceMix', () => {
    it('hidden: equals z_u + S·(z_c − z_u) for negative and fractional scales on long vectors, inputs unchanged', () => {
      const r = gen(44);
      const c = Array.from({ length: 50 }, () => r() * 10 - 5), u = Array.from({ length: 50 }, () => r() * 10 - 5);
      const frozen = JSON.stringify([c, u]);
      for (const S of [-1, 0.25, 7.5]) {
        const got = guidanceMix(c, u, S);
        got.forEach((v, i) => assert.ok(Math.abs(v - (u[i] + S * (c[i] - u[i]))) < 1e-12, `guidanceMix at S = ${S}, entry ${i}: ${v}, expected ${u[i] + S * (c[i] - u[i])}`));
      }
      assert.equal(JSON.stringify([c, u]), frozen);
    });
  });

  describe('5. completeWithLabel', () => {
    // A made-up model: logits that depend on the prompt's first token and on the pixels so far.
    const L = 4;
    const fake = (seq: readonly number[]): number[] => {
      const sum = seq.slice(1).reduce((a, b) => a + b, 0);
      return Array.from({ length: L }, (_, k) => Math.sin(seq[0] * 1.7 + sum * 0.3 + k * 2.1) + (seq[0] === L + 10 ? 0.3 * k : 0));
    };
    const reference = (top: number[], label: number, P: number, S: number): number[] => {
      const px = [...top];
      while (px.length < P) {
        const c = fake([L + label, ...px]), u = fake([L + 10, ...px]);
        const mixed = c.map((v, i) => u[i] + S * (v - u[i]));
        let best = 0;
        for (let k = 1; k < L; k++) if (mixed[k] > mixed[best]) best = k;
        px.push(best);
      }
      return px;
    };

    it('hidden: equals a greedy guided completion on a made-up model, for several labels and scales', () => {
      for (const [label, S] of [[0, 1], [3, 0], [9, 2.5], [5, -1]]) {
        assert.deepEqual(completeWithLabel(fake, [1, 2], label, 12, L, S), reference([1, 2], label, 12, S));
      }
    });

    it('hidden: a full image comes back unchanged without asking the model; ties go to the lowest level', () => {
      let calls = 0;
      const counting = (seq: readonly number[]) => { calls += 1; return fake(seq); };
      assert.deepEqual(completeWithLabel(counting, [3, 3, 0], 2, 3, L, 2), [3, 3, 0]);
      assert.equal(calls, 0);
      assert.deepEqual(completeWithLabel(() => [0.5, 2, 2, 1], [], 1, 3, L, 1), [1, 1, 1]);
    });
  });
});
