/**
 * Learning BPE merges from a text (Sennrich et al. 2016; byte-level as in GPT-2 and minBPE).
 *
 * The textbook loop is three lines:
 *
 *   repeat until the vocabulary is big enough:
 *     count every adjacent pair of tokens in the text
 *     merge the most frequent pair everywhere into a new token
 *
 * Recounting the whole text for each of 4,000 merges is ~4,000 passes over 1.2 M bytes. Two
 * observations make it fast, with the same result:
 *
 * 1. Pre-tokens never merge across each other, so the text is a bag of words: "the" occurring
 *    14,000 times is stored once with count 14,000 (Moby Dick: ~250 k pieces, ~20 k unique).
 * 2. A merge changes only the words that contain the pair, and only the counts of pairs in
 *    those words. We keep, per pair, the set of words it occurs in, update counts by the
 *    difference, and find the most frequent pair with a heap instead of scanning all pairs.
 *
 * Ties (two pairs with the same count) go to the smaller pair (left id, then right id), so
 * training is deterministic. With pattern 'none' the text is one giant word and observation 1
 * buys nothing: every merge walks the whole text. Use 'none' for small demonstration texts.
 */
import { InputError } from '../errors';
import { concatBytes, showBytes, utf8Encode } from './bytes';
import { Heap } from './heap';
import { ID_LIMIT, pairKey, unpairKey } from './pair-table';
import { preTokenize, type SplitPattern } from './pretokenize';

/** One step of BPE training (the most frequent pair merged into a new token), passed to the `onMerge` option of `BpeTokenizer.train` for a notebook to show. */
export interface MergeStep {
  /** 0-based: this is merges[step], and it makes token 256 + step. */
  readonly step: number;
  /** The ids that merge. */
  readonly pair: readonly [number, number];
  /** Their bytes. */
  readonly pairBytes: readonly [Uint8Array, Uint8Array];
  /** Their bytes, readable (see showBytes): e.g. ['t', 'h']. */
  readonly pairText: readonly [string, string];
  /** How often the pair occurred in the (partly merged) training text at this step. */
  readonly count: number;
  /** The new token's id. */
  readonly id: number;
  /** The new token, readable: e.g. 'th'. */
  readonly text: string;
}

/** Options of {@link trainBpe} and BpeTokenizer.train. */
export interface TrainOptions {
  /** Pre-tokenization: GPT-2's regex (default) or none (merges may then cross words). */
  readonly pattern?: SplitPattern;
  /** Called after each merge, in order: for a notebook to show the work. */
  readonly onMerge?: (step: MergeStep) => void;
}

interface Entry {
  readonly count: number;
  readonly key: number;
}

/**
 * Learn `vocabSize - 256` merges from `text`.
 * Returns fewer when the text runs out of pairs (every pre-token already one token).
 * @returns merges[i] = [left, right] makes id 256 + i
 */
export function trainBpe(text: string, vocabSize: number, opts: TrainOptions = {}): [number, number][] {
  if (!Number.isInteger(vocabSize) || vocabSize < 256 || vocabSize >= ID_LIMIT) {
    throw new InputError(`vocabSize must be an integer from 256 (the bytes) to ${ID_LIMIT - 1}, got ${vocabSize}`);
  }
  const pattern = opts.pattern ?? 'gpt2';

  // The bag of words: unique pre-tokens as byte-id arrays, with their counts.
  const bag = new Map<string, number>();
  for (const w of preTokenize(text, pattern)) bag.set(w, (bag.get(w) ?? 0) + 1);
  const words: number[][] = [];
  const counts: number[] = [];
  for (const [w, c] of bag) {
    words.push(Array.from(utf8Encode(w)));
    counts.push(c);
  }

  // Pair counts, where each pair occurs (word indices; may keep stale entries, which only
  // cost a wasted look), and a max-heap of (count, pair) with lazy deletion.
  const stats = new Map<number, number>();
  const where = new Map<number, Set<number>>();
  const heap = new Heap<Entry>((x, y) => x.count > y.count || (x.count === y.count && x.key < y.key));
  words.forEach((word, w) => {
    for (let i = 0; i + 1 < word.length; i++) {
      const k = pairKey(word[i], word[i + 1]);
      stats.set(k, (stats.get(k) ?? 0) + counts[w]);
      let s = where.get(k);
      if (!s) where.set(k, (s = new Set()));
      s.add(w);
    }
  });
  for (const [key, count] of stats) heap.push({ key, count });

  const vocab: Uint8Array[] = Array.from({ length: 256 }, (_, b) => Uint8Array.of(b));
  const merges: [number, number][] = [];
  while (256 + merges.length < vocabSize) {
    let best: Entry | undefined;
    for (let e = heap.pop(); e !== undefined; e = heap.pop()) {
      if (stats.get(e.key) === e.count) { best = e; break; } // else stale: the count changed since
    }
    if (best === undefined) break;
    const [a, b] = unpairKey(best.key);
    const id = 256 + merges.length;
    const delta = new Map<number, number>();
    const add = (k: number, d: number): void => { delta.set(k, (delta.get(k) ?? 0) + d); };

    for (const w of where.get(best.key) ?? []) {
      const old = words[w];
      const merged = mergePair(old, a, b, id);
      if (merged === old) continue;
      const c = counts[w];
      for (let i = 0; i + 1 < old.length; i++) add(pairKey(old[i], old[i + 1]), -c);
      for (let i = 0; i + 1 < merged.length; i++) {
        const k = pairKey(merged[i], merged[i + 1]);
        add(k, c);
        if (merged[i] === id || merged[i + 1] === id) {
          let s = where.get(k);
          if (!s) where.set(k, (s = new Set()));
          s.add(w);
        }
      }
      words[w] = merged;
    }
    for (const [k, d] of delta) {
      if (d === 0) continue;
      const v = (stats.get(k) ?? 0) + d;
      if (v <= 0) stats.delete(k);
      else { stats.set(k, v); heap.push({ key: k, count: v }); }
    }
    where.delete(best.key);

    merges.push([a, b]);
    vocab.push(concatBytes([vocab[a], vocab[b]]));
    opts.onMerge?.({
      step: id - 256, pair: [a, b], pairBytes: [vocab[a], vocab[b]], pairText: [showBytes(vocab[a]), showBytes(vocab[b])],
      count: best.count, id, text: showBytes(vocab[id]),
    });
  }
  return merges;
}

/** `word` with every (a, b), left to right, replaced by `id`; the same array if none occurs. */
function mergePair(word: number[], a: number, b: number, id: number): number[] {
  let i = 0;
  while (i + 1 < word.length && !(word[i] === a && word[i + 1] === b)) i++;
  if (i + 1 >= word.length) return word;
  const out = word.slice(0, i);
  while (i < word.length) {
    if (i + 1 < word.length && word[i] === a && word[i + 1] === b) { out.push(id); i += 2; }
    else out.push(word[i++]);
  }
  return out;
}
