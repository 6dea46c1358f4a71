// Checks for the exercises of notebooks/01-tokenization.ipynb (see test/exercises/target.ts for whose answers).
import { strict as assert } from 'assert';
import type * as Stub from '../../exercises/01-tokenization';
import { BpeTokenizer, utf8Decode, utf8Encode } from '../../src/tokenize';
import { exerciseTarget, loadExercise } from './target';

const { mergePair, countTokens, decodeByHand } = loadExercise<typeof Stub>('01-tokenization');

// A small tokenizer trained on a few sentences (repeated, so that whole words get merged).
const TRAIN = 'the whale, the whale! Call me Ishmael. 这是一张猫的图片。 '.repeat(20) + 'It is a way I have of driving off the spleen.';
const TEXTS = ['the whale', 'Call me Ishmael. Some years ago', 'a thew whaleboat, theee whales!!', '这是一张猫的图片。', '猫 🐋 ok', ''];

describe(`exercises 01-tokenization (${exerciseTarget()})`, () => {
  const tok = BpeTokenizer.train(TRAIN, 320);

  describe('1. mergePair', () => {
    it('replaces every occurrence of the pair ([1, 2, 3, 1, 2] with (1, 2) → 256 gives [256, 3, 256])', () => {
      assert.deepEqual(mergePair([1, 2, 3, 1, 2], [1, 2], 256), [256, 3, 256]);
    });

    it('does not overlap occurrences, scanning left to right ([5, 5, 5] with (5, 5) → [256, 5])', () => {
      assert.deepEqual(mergePair([5, 5, 5], [5, 5], 256), [256, 5]);
      assert.deepEqual(mergePair([5, 5, 5, 5], [5, 5], 256), [256, 256]);
    });

    it('keeps the order of the pair ((2, 1) is not (1, 2)) and handles short inputs', () => {
      assert.deepEqual(mergePair([1, 2, 1], [2, 1], 300), [1, 300]);
      assert.deepEqual(mergePair([1, 2], [2, 1], 300), [1, 2]);
      assert.deepEqual(mergePair([7], [7, 7], 300), [7]);
      assert.deepEqual(mergePair([], [7, 7], 300), []);
    });

    it('leaves its input unchanged', () => {
      const ids = [1, 2, 1, 2];
      mergePair(ids, [1, 2], 256);
      assert.deepEqual(ids, [1, 2, 1, 2]);
    });
  });

  describe('2. countTokens', () => {
    it('counts one token per UTF-8 byte when there are no merges (猫 is 3 bytes)', () => {
      assert.equal(countTokens('猫', []), 3);
      assert.equal(countTokens('Call me', []), 7);
    });

    it("agrees with BpeTokenizer.encode on English, Chinese and emoji text", () => {
      for (const text of TEXTS) assert.equal(countTokens(text, tok.merges), tok.encode(text).length, JSON.stringify(text));
    });

    it('does not merge across pre-tokens (the space before a word belongs to the word)', () => {
      // With the single merge ('e', ' '), nothing merges: GPT-2 pre-tokenization puts the space
      // at the start of the next piece, never at the end of a word.
      const merges = [[utf8Encode('e')[0], utf8Encode(' ')[0]]] as const;
      assert.equal(countTokens('the whale', merges), 9);
    });
  });

  describe('3. decodeByHand', () => {
    it('gives the text back from its ids', () => {
      for (const text of TEXTS) assert.equal(decodeByHand(tok.encode(text), tok.merges), text, JSON.stringify(text));
    });

    it('expands merged tokens recursively (a merge of merges)', () => {
      const long = tok.merges.findIndex(([a, b]) => a >= 256 && b >= 256);
      assert.ok(long >= 0, 'the training text should give a merge of two merged tokens');
      assert.equal(decodeByHand([256 + long], tok.merges), tok.decode([256 + long]));
    });

    it('turns a cut-off character into U+FFFD, as UTF-8 decoding does (the first 2 of 猫\'s 3 bytes)', () => {
      const cut = Array.from(utf8Encode('猫').subarray(0, 2));
      assert.equal(decodeByHand(cut, []), utf8Decode(Uint8Array.from(cut)));
      assert.equal(decodeByHand(cut, []), '\uFFFD');
    });

    it('throws a RangeError for an id outside the vocabulary', () => {
      assert.throws(() => decodeByHand([256 + tok.merges.length], tok.merges), RangeError);
      assert.throws(() => decodeByHand([-1], tok.merges), RangeError);
    });
  });
});
