// Checks for the exercises of notebooks/00-setup.ipynb (see test/exercises/target.ts for whose answers).
import { strict as assert } from 'assert';
import type * as Stub from '../../exercises/00-setup';
import { exerciseTarget, loadExercise } from './target';

const { softmaxWithTemperature, entropy } = loadExercise<typeof Stub>('00-setup');

function assertClose(actual: readonly number[], expected: readonly number[], tol = 1e-9): void {
  assert.equal(actual.length, expected.length, `length ${actual.length}, expected ${expected.length}`);
  actual.forEach((a, i) => assert.ok(Math.abs(a - expected[i]) <= tol, `element ${i}: ${a}, expected ${expected[i]}`));
}

describe(`exercises 00-setup (${exerciseTarget()})`, () => {
  describe('1. softmaxWithTemperature', () => {
    it('gives p_i ∝ exp(z_i) at T = 1 (logits 0, ln 2, ln 3 → 1/6, 2/6, 3/6)', () => {
      assertClose(softmaxWithTemperature([0, Math.log(2), Math.log(3)], 1), [1 / 6, 2 / 6, 3 / 6]);
    });

    it('divides the logits by T (logits 0, 2 ln 2 at T = 2 → 1/3, 2/3)', () => {
      assertClose(softmaxWithTemperature([0, 2 * Math.log(2)], 2), [1 / 3, 2 / 3]);
    });

    it('stays finite for large logits ([1000, 1001] → 1/(1+e), e/(1+e))', () => {
      assertClose(softmaxWithTemperature([1000, 1001], 1), [1 / (1 + Math.E), Math.E / (1 + Math.E)]);
    });

    it('throws a RangeError for a temperature that is not a positive number', () => {
      for (const t of [0, -1, Number.NaN, Number.POSITIVE_INFINITY]) {
        assert.throws(() => softmaxWithTemperature([1, 2], t), RangeError, `temperature ${t}`);
      }
    });
  });

  describe('2. entropy', () => {
    it('is ln 4 for a uniform distribution over 4 outcomes', () => {
      assertClose([entropy([0.25, 0.25, 0.25, 0.25])], [Math.log(4)]);
    });

    it('counts 0 · ln 0 as 0 (one-hot → 0, [½, ½, 0] → ln 2)', () => {
      assertClose([entropy([0, 1, 0])], [0]);
      assertClose([entropy([0.5, 0.5, 0])], [Math.log(2)]);
    });
  });
});
