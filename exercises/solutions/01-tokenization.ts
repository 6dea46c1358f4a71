/**
 * Reference answers to exercises/01-tokenization.ts. CI checks them with the same tests students
 * run (`npm run check -- 01 --solutions`, and `npm test`), so the tests are known to be passable.
 */
import { preTokenize, utf8Decode, utf8Encode } from '../../src/tokenize';

export type Merges = readonly (readonly [number, number])[];

export function mergePair(ids: readonly number[], pair: readonly [number, number], newId: number): number[] {
  const [a, b] = pair;
  const out: number[] = [];
  for (let i = 0; i < ids.length; i++) {
    // Take the pair and skip its second half, so [5, 5, 5] merges once, at the left.
    if (i + 1 < ids.length && ids[i] === a && ids[i + 1] === b) {
      out.push(newId);
      i++;
    } else {
      out.push(ids[i]);
    }
  }
  return out;
}

export function countTokens(text: string, merges: Merges): number {
  let n = 0;
  for (const piece of preTokenize(text, 'gpt2')) {
    let ids = Array.from(utf8Encode(piece));
    // Merge i only ever meets pairs that exist after merges 0…i-1, so the learned order is the
    // order BPE's "lowest rank first" loop would apply them in.
    merges.forEach((pair, i) => {
      if (ids.length > 1) ids = mergePair(ids, pair, 256 + i);
    });
    n += ids.length;
  }
  return n;
}

export function decodeByHand(ids: readonly number[], merges: Merges): string {
  const bytesOf = (id: number): number[] => {
    if (Number.isInteger(id) && id >= 0 && id < 256) return [id];
    const m = merges[id - 256];
    if (!Number.isInteger(id) || m === undefined) throw new RangeError(`id ${id} is neither a byte nor a merge (0 … ${255 + merges.length})`);
    return [...bytesOf(m[0]), ...bytesOf(m[1])];
  };
  return utf8Decode(Uint8Array.from(ids.flatMap(bytesOf)));
}
