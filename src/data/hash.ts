/**
 * A small, stable string hash for deterministic dataset splits.
 *
 * Why not Math.random or a seeded shuffle? A split decided by a hash of each example's own
 * content does not change when examples are added, removed or reordered, and it is the same
 * on every machine and in every Node version. Why not crypto's sha1? It would do, but FNV-1a is
 * ten lines that a reader can check by hand, and it needs no Buffer (so it also runs in tslab).
 */

const encoder = new TextEncoder();

/**
 * FNV-1a, 32 bits, over the UTF-8 bytes of `text`, followed by murmur3's finaliser.
 *
 * Plain FNV-1a mixes its low bits poorly for short, similar keys ("3/17", "3/18"), and splits
 * take `hash % 100`; the finaliser spreads every input bit over every output bit.
 *
 * @returns an unsigned 32-bit integer
 */
export function hashString(text: string): number {
  let h = 0x811c9dc5; // FNV offset basis
  for (const byte of encoder.encode(text)) {
    h ^= byte;
    h = Math.imul(h, 0x01000193); // FNV prime, modulo 2^32
  }
  // murmur3 fmix32
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** Which part of a three-way split an example falls into. */
export type SplitName = 'train' | 'val' | 'test';

/**
 * Assign a key to train / val / test by its hash: the first `train` percent of the hash range
 * go to train, the next `val` percent to validation, the rest to test.
 *
 * @param key a string identifying the example by content (not by position)
 * @param percent [train, val] in whole percent; test gets the remainder
 */
export function splitByHash(key: string, percent: readonly [number, number] = [80, 10]): SplitName {
  const bucket = hashString(key) % 100;
  if (bucket < percent[0]) return 'train';
  if (bucket < percent[0] + percent[1]) return 'val';
  return 'test';
}
