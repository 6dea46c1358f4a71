// Checks for the exercises of notebooks/07-performance-and-safety.ipynb (see test/exercises/target.ts for whose answers).
import { strict as assert } from 'assert';
import type * as Stub from '../../exercises/07-performance-and-safety';
import { toHalf } from '../../src/checkpoint/half';
import { jsonDepth as libJsonDepth } from '../../src/checkpoint/format';
import { exerciseTarget, loadExercise } from './target';

const { isInsideFolder, jsonDepth, firstNonFinite, attentionScores } = loadExercise<typeof Stub>('07-performance-and-safety');

describe(`exercises 07-performance-and-safety (${exerciseTarget()})`, () => {
  describe('1. isInsideFolder', () => {
    it('accepts plain names and paths that stay inside', () => {
      for (const name of ['w.bin', 'sub/w.bin', 'a/../w.bin', './w.bin']) assert.equal(isInsideFolder('/data/ck', name), true, name);
    });

    it('refuses parent references, absolute paths and the folder itself', () => {
      for (const name of ['../w.bin', 'a/../../w.bin', '/etc/passwd', '.', '', '..', 'sub/..']) assert.equal(isInsideFolder('/data/ck', name), false, name);
    });

    it('is not fooled by a sibling whose name starts the same (the prefix bug)', () => {
      assert.equal(isInsideFolder('/data/ck', '../ck-evil/w.bin'), false);
      assert.equal(isInsideFolder('/data/ck/', '../ck2'), false);
    });

    it('works for relative folders too', () => {
      assert.equal(isInsideFolder('out/ck', 'w.bin'), true);
      assert.equal(isInsideFolder('out/ck', '../other/w.bin'), false);
    });
  });

  describe('2. jsonDepth', () => {
    it('counts nesting of arrays and objects', () => {
      assert.equal(jsonDepth('3'), 0);
      assert.equal(jsonDepth('[]'), 1);
      assert.equal(jsonDepth('{"a": [1, {"b": []}], "c": {}}'), 4);
      assert.equal(jsonDepth('[[1], [2], [3]]'), 2);
    });

    it('ignores brackets inside strings, escaped quotes included', () => {
      assert.equal(jsonDepth('["[[[", "{"]'), 1);
      assert.equal(jsonDepth('["a \\" [[ b", [1]]'), 2);
      assert.equal(jsonDepth('{"\\\\": "[", "x": [[]]}'), 3);
    });

    it('agrees with the loader\'s own check on deep and mixed texts', () => {
      const texts = ['[[[[[]]]]]', `{"m": ${'['.repeat(100)}${']'.repeat(100)}}`, JSON.stringify({ s: '}{][', a: [[{ b: ['"'] }]] })];
      for (const t of texts) assert.equal(jsonDepth(t), libJsonDepth(t), t.slice(0, 40));
    });
  });

  describe('3. firstNonFinite', () => {
    const f32 = (xs: number[]): Uint8Array => new Uint8Array(Float32Array.from(xs).buffer);
    const f16 = (xs: number[]): Uint8Array => new Uint8Array(Uint16Array.from(xs.map(toHalf)).buffer);

    it('finds NaN and ±Infinity in float32 data', () => {
      assert.equal(firstNonFinite(f32([1, 2, 3]), 'float32'), -1);
      assert.equal(firstNonFinite(f32([1, NaN, Infinity]), 'float32'), 1);
      assert.equal(firstNonFinite(f32([0, -0, 3.4e38, -Infinity]), 'float32'), 3);
    });

    it('finds them in float16 data, where 65504 is the largest finite value', () => {
      assert.equal(firstNonFinite(f16([1, 65504, -65504, 6e-8]), 'float16'), -1);
      assert.equal(firstNonFinite(f16([1, 2, 70000]), 'float16'), 2); // rounds to +∞
      assert.equal(firstNonFinite(f16([NaN, 1]), 'float16'), 0);
    });

    it('reads a view that does not start at byte 0 of its buffer', () => {
      const bytes = f32([NaN, 1, 2, NaN]);
      assert.equal(firstNonFinite(bytes.subarray(4), 'float32'), 2);
    });
  });

  describe('4. attentionScores', () => {
    it('costs the prompt\'s triangle for the first token, either way', () => {
      assert.equal(attentionScores(4, 1, true), 10);
      assert.equal(attentionScores(4, 1, false), 10);
      assert.equal(attentionScores(4, 0, true), 0);
    });

    it('adds one row per cached step, a whole triangle per uncached one', () => {
      // Prompt of 4, three new tokens: the contexts run are 4, then 5, then 6 positions.
      assert.equal(attentionScores(4, 3, true), 10 + 5 + 6);
      assert.equal(attentionScores(4, 3, false), 10 + 15 + 21);
    });

    it('grows linearly per token with the cache and quadratically without', () => {
      const cached = attentionScores(100, 101, true) - attentionScores(100, 100, true);
      const uncached = attentionScores(100, 101, false) - attentionScores(100, 100, false);
      assert.equal(cached, 200);
      assert.equal(uncached, 200 * 201 / 2);
    });
  });
});
