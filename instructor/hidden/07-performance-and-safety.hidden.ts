// Hidden checks for exercises/07-performance-and-safety.ts: the instructor's, never released.
import { strict as assert } from 'assert';
import type * as Stub from '../../exercises/07-performance-and-safety';
import { float32ToHalf } from '../../src/checkpoint/half';
import { loadExercise } from '../../test/exercises/target';

const { isInsideFolder, jsonDepth, firstNonFinite, attentionScores } = loadExercise<typeof Stub>('07-performance-and-safety');

describe('hidden checks 07-performance-and-safety', () => {
  describe('1. isInsideFolder', () => {
    it('hidden: names that only look like parent references, a trailing slash and the root folder', () => {
      assert.equal(isInsideFolder('/data/ck', '..weights.bin'), true);
      assert.equal(isInsideFolder('/data/ck/', 'w.bin'), true);
      assert.equal(isInsideFolder('/', 'w.bin'), true);
      assert.equal(isInsideFolder('/data/ck', 'a/./b/../w.bin'), true);
    });

    it('hidden: walks that leave and come back, or end at the folder itself', () => {
      assert.equal(isInsideFolder('/data/ck', 'a/../../ck/w.bin'), true);
      assert.equal(isInsideFolder('/data/ck', 'a/../../ck2/w.bin'), false);
      assert.equal(isInsideFolder('/data/ck', 'a/..'), false);
      assert.equal(isInsideFolder('/data/ck', './'), false);
      assert.equal(isInsideFolder('/data/ck', '/data/ck/sub/w.bin'), true);
    });
  });

  describe('2. jsonDepth', () => {
    it('hidden: a string that ends in an escaped backslash, and brackets after it', () => {
      assert.equal(jsonDepth('["a\\\\", [[1]]]'), 3);
      assert.equal(jsonDepth('{"k": "\\\\\\"[["}'), 1);
      assert.equal(jsonDepth('"[[["'), 0);
    });

    it('hidden: agrees with the depth of the parsed value on generated documents', () => {
      const depthOf = (v: unknown): number => (v !== null && typeof v === 'object'
        ? 1 + Math.max(0, ...Object.values(v as object).map(depthOf)) : 0);
      let s = 3;
      const next = () => { s = (Math.imul(s, 1664525) + 1013904223) >>> 0; return s / 2 ** 32; };
      const gen = (d: number): unknown => {
        if (d === 0 || next() < 0.25) return next() < 0.5 ? 'x]"{' : 7;
        const items = Array.from({ length: 1 + Math.floor(next() * 3) }, () => gen(d - 1));
        return next() < 0.5 ? items : Object.fromEntries(items.map((v, i) => [`k${i}[`, v]));
      };
      for (let i = 0; i < 50; i++) {
        const v = gen(1 + (i % 8));
        assert.equal(jsonDepth(JSON.stringify(v, null, i % 2)), depthOf(v));
      }
    });
  });

  describe('3. firstNonFinite', () => {
    it('hidden: −1 for no values and for the largest finite and subnormal values', () => {
      assert.equal(firstNonFinite(new Uint8Array(0), 'float32'), -1);
      assert.equal(firstNonFinite(new Uint8Array(0), 'float16'), -1);
      assert.equal(firstNonFinite(new Uint8Array(new Float32Array([3.4028234663852886e38, -1e-45, 0]).buffer), 'float32'), -1);
      assert.equal(firstNonFinite(new Uint8Array(Uint16Array.from([0x7bff, 0xfbff, 0x0001, 0x8000]).buffer), 'float16'), -1);
    });

    it('hidden: the first of several non-finite values, negative NaN and float16 values made by the library', () => {
      assert.equal(firstNonFinite(new Uint8Array(new Float32Array([1, 2, 3, -Infinity, NaN]).buffer), 'float32'), 3);
      assert.equal(firstNonFinite(new Uint8Array(Uint16Array.from([0x3c00, 0xfe00, 0x7c00]).buffer), 'float16'), 1);
      const half = float32ToHalf(new Float32Array([1, 2, 65504, 1e6, 5]));
      assert.equal(firstNonFinite(new Uint8Array(half.buffer, half.byteOffset, half.byteLength), 'float16'), 3);
    });
  });

  describe('4. attentionScores', () => {
    const tri = (L: number) => (L * (L + 1)) / 2;
    it('hidden: equals a count by brute force for other sizes, with and without the cache', () => {
      for (const [P, N] of [[1, 1], [1, 5], [9, 4], [30, 17]]) {
        let cached = 0;
        let full = 0;
        for (let k = 0; k < N; k++) {
          const L = P + k;
          full += tri(L);
          cached += k === 0 ? tri(P) : L;
        }
        assert.equal(attentionScores(P, N, false), full);
        assert.equal(attentionScores(P, N, true), cached);
      }
    });

    it('hidden: one new token costs the same either way, and none costs nothing', () => {
      assert.equal(attentionScores(13, 1, true), attentionScores(13, 1, false));
      assert.equal(attentionScores(13, 0, true), 0);
      assert.equal(attentionScores(13, 0, false), 0);
    });
  });
});
