// Checks for the exercises of notebooks/06-image-generation.ipynb (see test/exercises/target.ts for whose answers).
import { strict as assert } from 'assert';
import * as path from 'path';
import * as tf from '@tensorflow/tfjs';
import type * as Stub from '../../exercises/06-image-generation';
import { initBackend } from '../../src/engine';
import { guideLogits, imageLayout, imageToSequence, loadImageModel, quantize, uniformQuantizer } from '../../src/image';
import { exerciseTarget, loadExercise } from './target';

const { quantizeUniform, toSequence, bitsPerPixel, guidanceMix, completeWithLabel } = loadExercise<typeof Stub>('06-image-generation');
const SHIPPED_IMAGE = path.join(__dirname, '..', '..', 'data', 'checkpoints', 'image');

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
      assert.ok(Math.abs(bitsPerPixel([0.5, 0.5, 0.5]) - 1) < 1e-12, `bitsPerPixel([0.5, 0.5, 0.5]): ${bitsPerPixel([0.5, 0.5, 0.5])}, expected 1`);
      assert.ok(Math.abs(bitsPerPixel([0.25, 0.25]) - 2) < 1e-12, `bitsPerPixel([0.25, 0.25]): ${bitsPerPixel([0.25, 0.25])}, expected 2`);
      assert.ok(Math.abs(bitsPerPixel([1, 1])) < 1e-12, `bitsPerPixel([1, 1]): ${bitsPerPixel([1, 1])}, expected 0`);
    });

    it('averages over pixels: [1, ¼] → 1 bit', () => {
      assert.ok(Math.abs(bitsPerPixel([1, 0.25]) - 1) < 1e-12, `bitsPerPixel([1, 0.25]): ${bitsPerPixel([1, 0.25])}, expected 1`);
    });
  });

  describe('4. guidanceMix', () => {
    it('is z_u + S·(z_c − z_u): S = 1 gives the conditional logits, S = 0 the unconditional ones', () => {
      const c = [1, -2, 0.5, 3];
      const u = [0, 1, 0.5, -1];
      assert.deepEqual(guidanceMix(c, u, 1), c);
      assert.deepEqual(guidanceMix(c, u, 0), u);
      assert.deepEqual(guidanceMix(c, u, 2), [2, -5, 0.5, 7]);
    });

    it('agrees with lg.guideLogits on random logits for S in 0, 1.5, 2, 4', () => {
      let x = 12345;
      const rand = (): number => ((x = (x * 1103515245 + 12345) % 2147483648) / 2147483648) * 8 - 4;
      const c = Array.from({ length: 16 }, rand);
      const u = Array.from({ length: 16 }, rand);
      for (const S of [0, 1.5, 2, 4]) {
        const lib = Array.from(guideLogits(c, u, S));
        guidanceMix(c, u, S).forEach((v, i) => assert.ok(Math.abs(v - lib[i]) < 1e-5, `S = ${S}, logit ${i}: ${v} vs ${lib[i]}`));
      }
    });
  });

  describe('5. completeWithLabel, on the shipped pixel GPT', function () {
    this.timeout(600_000);
    // `npm run check` starts no backend; the native one makes these 400 forward passes take seconds.
    const { model, layout } = loadImageModel(SHIPPED_IMAGE);
    const L = layout.levels;
    const P = layout.width * layout.height;
    const nullToken = layout.nullToken;
    // The model as a function of numbers: next-pixel logits (L levels) after a token sequence.
    let calls = 0;
    const nextLogits = (seq: readonly number[]): number[] => {
      calls += 1;
      return tf.tidy(() => {
        const hidden = model.forward(tf.tensor2d([Array.from(seq)], [1, seq.length], 'int32')).hidden;
        return Array.from(model.logits(hidden).slice([0, seq.length - 1, 0], [1, 1, L]).dataSync());
      });
    };
    // A blob in the middle of the top rows: an ambiguous half digit, completed as a 0 and as a 7.
    const rows = 7;
    const top = Array.from({ length: rows * layout.width }, (_, i) => {
      const r = Math.floor(i / layout.width);
      const c = i % layout.width;
      return r >= 3 && c >= 5 && c <= 8 ? L - 1 : 0;
    });
    let asZero: number[] = [];
    let asSeven: number[] = [];
    before(async () => {
      await initBackend();
      asZero = completeWithLabel(nextLogits, top, 0, P, L, 2);
      asSeven = completeWithLabel(nextLogits, top, 7, P, L, 2);
    });
    after(() => model.dispose());

    it('returns the whole image: the given rows unchanged, then levels 0 … L − 1, one call per pixel and prompt', () => {
      assert.equal(nullToken, L + 10, 'the shipped model has the "no label" token L + 10');
      for (const img of [asZero, asSeven]) {
        assert.equal(img.length, P);
        assert.deepEqual(img.slice(0, top.length), top);
        const bad = img.findIndex((v) => !(Number.isInteger(v) && v >= 0 && v < L));
        assert.equal(bad, -1, `pixel ${bad} is ${img[bad]}, not a level 0 … ${L - 1}`);
      }
      assert.equal(calls, 2 * 2 * (P - top.length), 'two prompts (label, "no label") per drawn pixel, for two completions');
    });

    it('every drawn pixel is the largest guided logit, checked by one forward pass over the finished sequences', () => {
      for (const [label, img] of [[0, asZero], [7, asSeven]] as const) {
        const [zc, zu] = tf.tidy(() => {
          const seqs = [[L + label, ...img], [L + 10, ...img]].map((s) => s.slice(0, P)); // predict pixels 0 … P − 1
          const logits = model.logits(model.forward(tf.tensor2d(seqs, [2, P], 'int32')).hidden);
          return [logits.slice([0, 0, 0], [1, P, L]).dataSync(), logits.slice([1, 0, 0], [1, P, L]).dataSync()];
        });
        for (let i = top.length; i < P; i++) {
          const mixed = Array.from(guideLogits(zc.subarray(i * L, (i + 1) * L), zu.subarray(i * L, (i + 1) * L), 2));
          const best = Math.max(...mixed);
          assert.ok(mixed[img[i]] >= best - 1e-3, `label ${label}, pixel ${i}: chose level ${img[i]} (${mixed[img[i]]}), the largest is ${best}`);
        }
      }
    });

    it('the label steers the completion: the same half digit becomes different images as a 0 and as a 7', () => {
      const differ = asZero.filter((v, i) => v !== asSeven[i]).length;
      assert.ok(differ >= 10, `only ${differ} pixels differ between the 0 and the 7`);
    });

    it('throws a RangeError for a bad label or too many given pixels', () => {
      assert.throws(() => completeWithLabel(nextLogits, top, 10, P, L, 2), RangeError);
      assert.throws(() => completeWithLabel(nextLogits, new Array(P + 1).fill(0), 3, P, L, 2), RangeError);
    });
  });
});
