/**
 * Pairs of token ids, the unit BPE works in: packed into one number (for the trainer's
 * counts), and a fast pair → id table (for the merge loop), built from merges or from bytes.
 */

/**
 * Ids must stay below this so that a pair packs into one exact double, a·2²¹ + b: a plain
 * `Map` key for the trainer's pair counts, which are few enough for a Map to be fine.
 */
export const ID_LIMIT = 1 << 21;

/** One number for the pair (a, b). */
export function pairKey(a: number, b: number): number {
  return a * ID_LIMIT + b;
}

/** The two ids packed by {@link pairKey}. */
export function unpairKey(key: number): [number, number] {
  const b = key % ID_LIMIT;
  return [(key - b) / ID_LIMIT, b];
}

/**
 * A hash map from a pair of token ids (a, b) to an id: "a followed by b merges into id".
 *
 * Why not a `Map<number, number>` keyed by a·2²¹ + b? That key is beyond V8's small-integer
 * range, so every lookup hashes a boxed double — about 180 ns here, and loading GPT-2 or
 * encoding a book takes hundreds of thousands of lookups. Open addressing over typed arrays
 * takes a few tens of ns and makes no garbage.
 */
export class PairTable {
  private left: Int32Array;
  private right: Int32Array;
  private value: Int32Array; // -1 marks an empty slot
  private count = 0;

  constructor(expected = 16) {
    let cap = 16;
    while (cap < expected * 2) cap *= 2;
    this.left = new Int32Array(cap);
    this.right = new Int32Array(cap);
    this.value = new Int32Array(cap).fill(-1);
  }

  /** Number of pairs stored. */
  get size(): number {
    return this.count;
  }

  private slot(a: number, b: number): number {
    const mask = this.value.length - 1;
    let i = (Math.imul(a, 0x9e3779b1) ^ Math.imul(b, 0x85ebca77)) & mask;
    while (this.value[i] !== -1 && (this.left[i] !== a || this.right[i] !== b)) i = (i + 1) & mask;
    return i;
  }

  /** The id that (a, b) merges into, or -1 when the pair does not merge. */
  get(a: number, b: number): number {
    return this.value[this.slot(a, b)];
  }

  /** Whether (a, b) is in the table. */
  has(a: number, b: number): boolean {
    return this.get(a, b) !== -1;
  }

  /** Store (a, b) → id (id ≥ 0), replacing any earlier value. */
  set(a: number, b: number, id: number): void {
    if ((this.count + 1) * 2 > this.value.length) this.grow();
    const i = this.slot(a, b);
    if (this.value[i] === -1) this.count++;
    this.left[i] = a;
    this.right[i] = b;
    this.value[i] = id;
  }

  private grow(): void {
    const { left, right, value } = this;
    const cap = value.length * 2;
    this.left = new Int32Array(cap);
    this.right = new Int32Array(cap);
    this.value = new Int32Array(cap).fill(-1);
    this.count = 0;
    for (let i = 0; i < value.length; i++) if (value[i] !== -1) this.set(left[i], right[i], value[i]);
  }
}

/**
 * tiktoken's merge rule as a pair table: every way of cutting a token into two tokens is a
 * pair that merges into it. A merge list with one pair per token would miss e.g.
 * "a"+"bc" → "abc" when the list says "ab"+"c". (For GPT-2 that never seems to matter: on
 * all of Moby Dick and 100 k strings made of GPT-2 tokens both rules gave the same ids. This
 * one is tiktoken's definition, so it matches by construction rather than by experiment.)
 * `vocab[id]` holds each token's bytes. If two tokens share their bytes the rule is
 * ambiguous: then `duplicate` names them and the table is empty.
 */
export function buildByteTable(vocab: readonly Uint8Array[]): { table: PairTable; duplicate?: [number, number] } {
  // Latin-1 strings as byte-string keys: one char per byte, cheap to slice and hash.
  const keys = vocab.map((v) => String.fromCharCode(...v));
  const idOf = new Map<string, number>();
  for (let id = 0; id < keys.length; id++) {
    const seen = idOf.get(keys[id]);
    if (seen !== undefined) return { table: new PairTable(), duplicate: [seen, id] };
    idOf.set(keys[id], id);
  }
  const table = new PairTable(keys.length * 2);
  keys.forEach((k, id) => {
    for (let cut = 1; cut < k.length; cut++) {
      const a = idOf.get(k.slice(0, cut));
      if (a === undefined) continue;
      const b = idOf.get(k.slice(cut));
      if (b !== undefined) table.set(a, b, id);
    }
  });
  return { table };
}
