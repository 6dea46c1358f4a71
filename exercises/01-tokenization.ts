/**
 * Exercises of notebooks/01-tokenization.ipynb. Replace each `throw` with your answer, then run
 *
 *   npm run check -- 01
 *
 * which runs test/exercises/01-tokenization.test.ts against this file and says which checks pass.
 *
 * Conventions (as in the notebook): ids 0–255 are the bytes; merges[i] = [left, right] makes the
 * token with id 256 + i, whose bytes are those of `left` followed by those of `right`.
 */
import { preTokenize, utf8Decode, utf8Encode } from '../src/tokenize';

/** A merge list, as `BpeTokenizer.merges` returns it. */
export type Merges = readonly (readonly [number, number])[];

/**
 * One merge step: a copy of `ids` in which every occurrence of `pair`, scanning left to right,
 * is replaced by `newId`. Occurrences do not overlap: [5, 5, 5] with pair [5, 5] has only one.
 * `ids` itself must not change.
 */
export function mergePair(ids: readonly number[], pair: readonly [number, number], newId: number): number[] {
  void ids;
  void pair;
  void newId;
  throw new Error('exercise 1: not written yet');
}

/**
 * How many tokens byte-level BPE makes of `text` with these merges: cut the text with
 * `preTokenize(text, 'gpt2')`, write each piece as its UTF-8 bytes (`utf8Encode`), then merge
 * inside each piece until no pair of the merge list is left. Hint: applying the merges one by
 * one, in the order they were learned, to every piece gives the same tokens.
 */
export function countTokens(text: string, merges: Merges): number {
  void text;
  void merges;
  void preTokenize;
  void utf8Encode;
  throw new Error('exercise 2: not written yet');
}

/**
 * Ids back to text using only the merge list: expand every id into its bytes, then decode the
 * bytes as UTF-8 (`utf8Decode`: bytes that do not form a whole character become U+FFFD, '�').
 * Throws a RangeError for an id that is neither a byte nor made by a merge.
 */
export function decodeByHand(ids: readonly number[], merges: Merges): string {
  void ids;
  void merges;
  void utf8Decode;
  throw new Error('exercise 3: not written yet');
}
