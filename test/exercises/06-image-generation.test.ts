// Checks for the exercises of notebooks/06-image-generation.ipynb (see test/exercises/target.ts for whose answers).
import { strict as assert } from 'assert';
import type * as Stub from '../../exercises/06-image-generation';
import { imageLayout, imageToSequence, quantize, uniformQuantizer } from '../../src/image';
import { exerciseTarget, loadExercise } from './target';

const { quantizeUniform, toSequence, bitsPerPixel } = loadExercise<typeof Stub>('06-image-generation');

describe(`exercises 06-image-generation (${exerciseTarget()})`, () => {
  describe('1. quantizeUniform', () => {
    it('maps 0.1, 0.3, 0.9 to levels 0, 1, 3 of four (0, ⅓, ⅔, 1)', () => {
      assert.deepEqual(quantizeUniform([0.1, 0.3, 0.9], 4), [0, 1, 3]);
    });

    it('agrees with lg.quantize(…, lg.uniformQuantizer(L)) for 2, 4 and 8 levels (away from ties)', () => {
      const gray = Array.from({ length: 101 }, (_, i) => i / 100 + 0.001).filter((x) => x <= 1);
      for (const L of [2, 4, 8]) {
        const lib = Array.from(quantize(gray, uniformQuantizer(L)));
        assert.deepEqual(quantizeUniform(gray, L), lib, `${L} levels`);
      }
    });

    it('keeps the ends: 0 → level 0 and 1 → level L − 1', () => {
      assert.deepEqual(quantizeUniform([0, 1], 4), [0, 3]);
    });
  });

  describe('2. toSequence', () => {
    it('puts the label token (nLevels + label) first, then the levels: like lg.imageToSequence', () => {
      const levels = [0, 1, 2, 3, 2, 1];
      assert.deepEqual(toSequence(levels, 7, 4), [11, 0, 1, 2, 3, 2, 1]);
      assert.deepEqual(toSequence(levels, 0, 4), Array.from(imageToSequence(imageLayout(3, 2, 4), levels, 0)));
    });

    it('throws a RangeError for a label that is not an integer 0–9', () => {
      for (const bad of [-1, 10, 2.5, Number.NaN]) assert.throws(() => toSequence([0], bad, 4), RangeError, `label ${bad}`);
    });
  });

  describe('3. bitsPerPixel', () => {
    it('is 1 bit when every pixel had probability ½, 2 bits at ¼, 0 bits at 1', () => {
      assert.ok(Math.abs(bitsPerPixel([0.5, 0.5, 0.5]) - 1) < 1e-12);
      assert.ok(Math.abs(bitsPerPixel([0.25, 0.25]) - 2) < 1e-12);
      assert.ok(Math.abs(bitsPerPixel([1, 1])) < 1e-12);
    });

    it('averages over pixels: [1, ¼] → 1 bit', () => {
      assert.ok(Math.abs(bitsPerPixel([1, 0.25]) - 1) < 1e-12);
    });
  });
});
