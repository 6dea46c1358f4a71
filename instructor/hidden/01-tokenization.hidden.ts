// Hidden checks for exercises/01-tokenization.ts: the instructor's, never released.
import { strict as assert } from 'assert';
import type * as Stub from '../../exercises/01-tokenization';
import { BpeTokenizer } from '../../src/tokenize';
import { loadExercise } from '../../test/exercises/target';

const { mergePair, countTokens, decodeByHand } = loadExercise<typeof Stub>('01-tokenization');

// Another training text than the public checks': digits, punctuation, code, accents, CJK and emoji.
const TRAIN = 'x = x + 1; y = y * 22; 1 000 000 $ déjà vu, déjà vu! 東京へ行きます。 🐳🐳 '.repeat(15) + 'tabs\tand\nnewlines\n\n';
const TEXTS = ['x = x + 11;', 'déjà', '東京', '🐳🐳🐳 ok', '  two  spaces ', '\n\n\t', '1000000'];

describe('hidden checks 01-tokenization', () => {
  const tok = BpeTokenizer.train(TRAIN, 300);

  describe('1. mergePair', () => {
    it('hidden: agrees with a reference merge on generated id sequences', () => {
      let s = 5;
      const next = (n: number) => { s = (Math.imul(s, 1664525) + 1013904223) >>> 0; return Math.floor((s / 2 ** 32) * n); };
      for (let k = 0; k < 200; k++) {
        const ids = Array.from({ length: next(12) }, () => next(3));
        const pair: [number, number] = [next(3), next(3)];
        const want: number[] = [];
        for (let i = 0; i < ids.length; i++) {
          if (i + 1 < ids.length && ids[i] === pair[0] && ids[i + 1] === pair[1]) { want.push(99); i++; } else want.push(ids[i]);
        }
        assert.deepEqual(mergePair(ids, pair, 99), want);
      }
    });

    it('hidden: runs of odd length and a pair at the very end', () => {
      assert.deepEqual(mergePair([4, 4, 4, 4, 4], [4, 4], 500), [500, 500, 4]);
      assert.deepEqual(mergePair([9, 1, 2], [1, 2], 500), [9, 500]);
    });
  });

  describe('2. countTokens', () => {
    it('hidden: agrees with BpeTokenizer.encode for a tokenizer trained on another text', () => {
      for (const text of TEXTS) assert.equal(countTokens(text, tok.merges), tok.encode(text).length);
    });

    it('hidden: an empty text has no tokens, whatever the merges', () => {
      assert.equal(countTokens('', tok.merges), 0);
      assert.equal(countTokens('', []), 0);
    });
  });

  describe('3. decodeByHand', () => {
    it('hidden: decodes every token of another tokenizer as the tokenizer does', () => {
      for (let id = 0; id < 256 + tok.merges.length; id++) assert.equal(decodeByHand([id], tok.merges), tok.decode([id]));
      for (const text of TEXTS) assert.equal(decodeByHand(tok.encode(text), tok.merges), text);
    });

    it('hidden: an empty id list gives the empty text; a fractional id is refused', () => {
      assert.equal(decodeByHand([], tok.merges), '');
      assert.throws(() => decodeByHand([256.5], tok.merges), RangeError);
    });
  });
});
