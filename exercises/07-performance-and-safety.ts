/**
 * Exercises of notebooks/07-performance-and-safety.ipynb. Replace each `throw` with your answer,
 * then run
 *
 *   npm run check -- 07
 *
 * which runs test/exercises/07-performance-and-safety.test.ts against this file and says which
 * checks pass. Plain TypeScript: `path` from Node is allowed, the file system and tfjs are not.
 */
import * as path from 'path';

/**
 * True when `path.join(folder, name)` lies strictly inside `folder` (not `folder` itself, not
 * outside it). Beware the prefix bug: '/data/ck-evil/w.bin' starts with '/data/ck' but is not
 * inside it. Work with `path` only; do not touch the file system.
 */
export function isInsideFolder(folder: string, name: string): boolean {
  void path;
  void folder;
  void name;
  throw new Error('exercise 1: not written yet');
}

/**
 * The deepest nesting of arrays and objects in a JSON text, without parsing it: `[]` is 1,
 * `{"a": [1]}` is 2, `3` is 0. Brackets inside strings do not count, and a string may contain an
 * escaped quote (`"a \" [ b"`). Assume the text is valid JSON.
 */
export function jsonDepth(text: string): number {
  void text;
  throw new Error('exercise 2: not written yet');
}

/**
 * The index (in values, not bytes) of the first NaN or ±Infinity in little-endian `bytes` holding
 * float32 (4 bytes each) or float16 (2 bytes each) values; −1 when every value is finite. For
 * float16, a value is not finite exactly when its 5 exponent bits are all ones.
 */
export function firstNonFinite(bytes: Uint8Array, dtype: 'float32' | 'float16'): number {
  void bytes;
  void dtype;
  throw new Error('exercise 3: not written yet');
}

/**
 * Query–key scores one attention head computes (causal pairs only: a query at position i scores
 * keys 0 … i) to generate `newTokens` tokens after a prompt of `promptLength` tokens, assuming it
 * all fits in the context. Without a cache, producing each new token runs the whole context so
 * far; with the cache, the prompt runs once and each later step scores one new row against
 * everything cached. (Generating token k needs the context before it: the last token generated
 * is never run through the model.)
 */
export function attentionScores(promptLength: number, newTokens: number, useCache: boolean): number {
  void promptLength;
  void newTokens;
  void useCache;
  throw new Error('exercise 4: not written yet');
}
