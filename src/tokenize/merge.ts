/**
 * The BPE merge loop: turn the byte ids of one pre-token into token ids.
 *
 *   while some adjacent pair (a, b) has a merge:
 *     take the pair whose merge has the lowest rank (the leftmost one on a tie)
 *     replace it by the merged token
 *
 * The rank of a merge is the id of the token it makes: merges learned earlier got smaller ids,
 * in our trainer and in GPT-2's table alike. That single rule reproduces both minBPE's encode
 * and tiktoken's byte-pair encoding, which is what lets one function serve both tokenizers.
 */
import { Heap } from './heap';
import type { PairTable } from './pair-table';

/** Told about each merge as it happens: `position` is the index of `left` in the sequence then. */
export type MergeListener = (position: number, left: number, right: number, id: number) => void;

// Below this length the plain quadratic scan is fastest (real pre-tokens are a few bytes);
// above it a heap keeps a 1 MB run of spaces from taking minutes.
const SHORT = 64;

/**
 * Apply merges to `ids` until none applies; returns a new array.
 * @param table which pairs merge, and into which id (the lower id merges first)
 * @param onMerge optional: called for each merge, in order (for encodeAndShowWork)
 */
export function applyMerges(ids: readonly number[], table: PairTable, onMerge?: MergeListener): number[] {
  return ids.length <= SHORT ? mergeShort(ids, table, onMerge) : mergeLong(ids, table, onMerge);
}

function mergeShort(input: readonly number[], table: PairTable, onMerge?: MergeListener): number[] {
  const ids = input.slice();
  while (ids.length >= 2) {
    let best = -1;
    let bestId = Infinity;
    for (let i = 0; i + 1 < ids.length; i++) {
      const id = table.get(ids[i], ids[i + 1]);
      if (id >= 0 && id < bestId) {
        bestId = id;
        best = i;
      }
    }
    if (best < 0) break;
    onMerge?.(best, ids[best], ids[best + 1], bestId);
    ids.splice(best, 2, bestId);
  }
  return ids;
}

/** A candidate merge of the node at `left` with the node at `right`, as it was when pushed. */
interface Candidate {
  readonly id: number;
  readonly left: number;
  readonly right: number;
  readonly leftId: number;
  readonly rightId: number;
}

/**
 * The same loop on a doubly linked list with a heap of candidate merges: O(n log n).
 * Nodes keep their original index, so "leftmost" is "smallest index" and the heap orders by
 * (id, index) — exactly the choice mergeShort makes.
 */
function mergeLong(input: readonly number[], table: PairTable, onMerge?: MergeListener): number[] {
  const n = input.length;
  const tok = Int32Array.from(input); // -1 marks a node merged into its left neighbour
  const next = new Int32Array(n);
  const prev = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    next[i] = i + 1; // n means "end"
    prev[i] = i - 1;
  }
  const heap = new Heap<Candidate>((a, b) => a.id < b.id || (a.id === b.id && a.left < b.left));
  const consider = (left: number, right: number): void => {
    if (left < 0 || right >= n) return;
    const id = table.get(tok[left], tok[right]);
    if (id >= 0) heap.push({ id, left, right, leftId: tok[left], rightId: tok[right] });
  };
  for (let i = 0; i + 1 < n; i++) consider(i, i + 1);

  for (let c = heap.pop(); c !== undefined; c = heap.pop()) {
    // Skip candidates that earlier merges made stale.
    if (tok[c.left] !== c.leftId || next[c.left] !== c.right || tok[c.right] !== c.rightId) continue;
    if (onMerge) {
      let position = 0;
      for (let i = prev[c.left]; i >= 0; i = prev[i]) position++;
      onMerge(position, c.leftId, c.rightId, c.id);
    }
    tok[c.left] = c.id;
    tok[c.right] = -1;
    const after = next[c.right];
    next[c.left] = after;
    if (after < n) prev[after] = c.left;
    consider(prev[c.left], c.left);
    consider(c.left, after);
  }
  const out: number[] = [];
  for (let i = 0; i < n; i = next[i]) out.push(tok[i]);
  return out;
}
