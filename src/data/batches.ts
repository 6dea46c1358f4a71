/**
 * Batches for next-token prediction: windows of `blockSize` token ids (x) and the same
 * windows shifted one token to the right (y), so that y[b, t] is the token that follows
 * x[b, t]. Training draws windows at random offsets (nanoGPT's `get_batch`); evaluation walks
 * the validation text in order so that every run scores exactly the same tokens.
 *
 * Batches are flat Int32Arrays in row-major (B, T) order, ready for `tf.tensor2d(x, [B, T],
 * 'int32')`. Token ids stay integers: they index an embedding table, they are never floats.
 */
import type { Rng } from '../engine/random';
import { check } from '../errors';

/** One batch: B windows of T token ids, and their targets. */
export interface TokenBatch {
  /** Inputs, shape (B, T), row-major. */
  readonly x: Int32Array;
  /** Targets, shape (B, T): y[b, t] = the token after x[b, t]. */
  readonly y: Int32Array;
  /** B: rows in this batch. */
  readonly batchSize: number;
  /** T: tokens per row. */
  readonly blockSize: number;
}

function checkShape(ids: ArrayLike<number>, batchSize: number, blockSize: number): void {
  check(Number.isInteger(batchSize) && batchSize > 0, `batchSize must be a positive integer, got ${batchSize}`);
  check(Number.isInteger(blockSize) && blockSize > 0, `blockSize must be a positive integer, got ${blockSize}`);
  // A window needs blockSize inputs plus one more token for the last target.
  check(ids.length > blockSize, () => `the text has ${ids.length} tokens, fewer than blockSize + 1 = ${blockSize + 1}`);
}

/**
 * A batch of `batchSize` random contiguous windows of `blockSize` tokens from `ids`.
 *
 * Offsets are drawn with `rng.int(ids.length - blockSize)`, one per row, so the same seed gives
 * the same batches on every backend (and a resumed run continues the same stream).
 */
export function sampleBatch(ids: Int32Array, batchSize: number, blockSize: number, rng: Rng): TokenBatch {
  checkShape(ids, batchSize, blockSize);
  const T = blockSize;
  const x = new Int32Array(batchSize * T); // (B, T)
  const y = new Int32Array(batchSize * T); // (B, T)
  const starts = ids.length - T; // valid offsets: 0 .. length - T - 1
  for (let b = 0; b < batchSize; b++) {
    const start = rng.int(starts);
    x.set(ids.subarray(start, start + T), b * T);
    y.set(ids.subarray(start + 1, start + T + 1), b * T);
  }
  return { x, y, batchSize, blockSize };
}

/**
 * A batch drawn from several texts with fixed shares: each row first picks a text with
 * probability `weights[k] / sum(weights)` (one `rng.next()`), then a random window inside it
 * (`rng.int`), so a window never straddles two texts and a small text is not drowned by a large
 * one. Deterministic for a given rng state.
 */
export function sampleMixedBatch(parts: readonly Int32Array[], weights: readonly number[], batchSize: number, blockSize: number, rng: Rng): TokenBatch {
  check(parts.length > 0 && parts.length === weights.length, () => `sampleMixedBatch: ${parts.length} texts but ${weights.length} weights`);
  check(weights.every((w) => Number.isFinite(w) && w >= 0) && weights.some((w) => w > 0), 'sampleMixedBatch: weights must be >= 0, not all 0');
  parts.forEach((ids, k) => { if (weights[k] > 0) checkShape(ids, batchSize, blockSize); });
  const total = weights.reduce((a, b) => a + b, 0);
  const T = blockSize;
  const x = new Int32Array(batchSize * T);
  const y = new Int32Array(batchSize * T);
  for (let b = 0; b < batchSize; b++) {
    let u = rng.next() * total;
    let k = 0;
    while (k < parts.length - 1 && (u >= weights[k] || weights[k] === 0)) u -= weights[k++];
    const ids = parts[k];
    const start = rng.int(ids.length - T);
    x.set(ids.subarray(start, start + T), b * T);
    y.set(ids.subarray(start + 1, start + T + 1), b * T);
  }
  return { x, y, batchSize, blockSize };
}

/**
 * Non-overlapping windows over `ids`, in order, grouped into batches of up to `batchSize`
 * rows (the last batch may be smaller). Every target token is predicted exactly once, with
 * between 1 and T tokens of context; a tail shorter than one window is dropped, so
 * `numTokens = floor((ids.length - 1) / T) * T` tokens are scored.
 */
export function* sequentialBatches(ids: Int32Array, batchSize: number, blockSize: number): Generator<TokenBatch> {
  checkShape(ids, batchSize, blockSize);
  const T = blockSize;
  const windows = Math.floor((ids.length - 1) / T);
  for (let first = 0; first < windows; first += batchSize) {
    const rows = Math.min(batchSize, windows - first);
    const x = new Int32Array(rows * T); // (B, T)
    const y = new Int32Array(rows * T); // (B, T)
    for (let b = 0; b < rows; b++) {
      const start = (first + b) * T;
      x.set(ids.subarray(start, start + T), b * T);
      y.set(ids.subarray(start + 1, start + T + 1), b * T);
    }
    yield { x, y, batchSize: rows, blockSize: T };
  }
}

/** How many batches `sequentialBatches(ids, batchSize, blockSize)` yields. */
export function countSequentialBatches(length: number, batchSize: number, blockSize: number): number {
  return Math.ceil(Math.floor((length - 1) / blockSize) / batchSize);
}
