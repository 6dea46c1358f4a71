/**
 * The sequence view of an image: a class-conditional Image GPT reads a label token, then the
 * pixels' levels in raster order (row by row, left to right):
 *
 *   [label, p0, p1, …, p(W·H−1)]          length S = 1 + W·H  (197 for 14×14)
 *
 * Token ids (the vocabulary, V = L + 10):
 *
 *   0 … L−1        pixel levels: id = level index (so a pixel's token *is* its level)
 *   L … L+9        label tokens: id = L + digit
 *   L+10           "no label" (only in models trained with label dropout, V = L + 11): the
 *                  sequence [∅, p0, …] is an unconditional digit, so one model learns both
 *                  p(x | label) and p(x) — what classifier-free guidance mixes (sample.ts)
 *
 * For training, x = seq[0 … S−2] and y = seq[1 … S−1]: the input at position t is the label
 * (t = 0) or pixel t−1, and its target is pixel t. So every target is a pixel — the label is
 * given, never predicted — and the last pixel is a target but never an input, which is why the
 * model needs W·H positions (blockSize 196), not S.
 */
import { check } from '../errors';

/** Number of label tokens (digits 0–9). */
export const N_LABELS = 10;

/** Where everything sits in the vocabulary and in the sequence. */
export interface ImageLayout {
  /** W: pixels per row. */
  readonly width: number;
  /** H: rows of pixels. */
  readonly height: number;
  /** L: pixel levels; ids 0 … L−1. */
  readonly levels: number;
  /** Id of the label-0 token (= L); label d is labelOffset + d. */
  readonly labelOffset: number;
  /** Number of label tokens. */
  readonly nLabels: number;
  /** Id of the "no label" token (L + nLabels), or null in a model trained without label dropout. */
  readonly nullToken: number | null;
  /** V = L + nLabels (+ 1 with the "no label" token). */
  readonly vocabSize: number;
  /** S = 1 + W·H tokens per image. */
  readonly seqLength: number;
  /** Positions the model needs: W·H (the last pixel is never an input). */
  readonly blockSize: number;
}

/** The layout for W×H images with L levels; `nullLabel` adds the "no label" token. */
export function imageLayout(width: number, height: number, levels: number, nullLabel = false): ImageLayout {
  check(Number.isInteger(width) && width > 0 && Number.isInteger(height) && height > 0, `image size must be positive integers, got ${width}×${height}`);
  check(Number.isInteger(levels) && levels >= 2 && levels <= 256, `levels must be an integer in [2, 256], got ${levels}`);
  const pixels = width * height;
  const nullToken = nullLabel ? levels + N_LABELS : null;
  return { width, height, levels, labelOffset: levels, nLabels: N_LABELS, nullToken, vocabSize: levels + N_LABELS + (nullLabel ? 1 : 0), seqLength: 1 + pixels, blockSize: pixels };
}

/**
 * The first token of a sequence: the label's token, or the "no label" token for `null`
 * (an unconditional digit; the layout must have one).
 */
export function conditionToken(layout: ImageLayout, label: number | null): number {
  if (label !== null) return labelToken(layout, label);
  check(layout.nullToken !== null, 'this model was trained without label dropout: it has no "no label" token, so it cannot draw unconditionally or use guidance');
  return layout.nullToken;
}

/** Token id of a digit label; throws an InputError for anything but an integer 0–9. */
export function labelToken(layout: ImageLayout, label: number): number {
  check(Number.isInteger(label) && label >= 0 && label < layout.nLabels, `label must be an integer from 0 to ${layout.nLabels - 1}, got ${label}`);
  return layout.labelOffset + label;
}

/** True for ids of pixel levels (0 … L−1). */
export function isPixelToken(layout: ImageLayout, id: number): boolean {
  return Number.isInteger(id) && id >= 0 && id < layout.levels;
}

/** (label, levels of W·H pixels) → the token sequence of length S. */
export function imageToSequence(layout: ImageLayout, levels: ArrayLike<number>, label: number): Int32Array {
  const n = layout.width * layout.height;
  check(levels.length === n, () => `expected ${layout.width}×${layout.height} = ${n} pixels, got ${levels.length}`);
  const seq = new Int32Array(layout.seqLength);
  seq[0] = labelToken(layout, label);
  for (let i = 0; i < n; i++) {
    check(isPixelToken(layout, levels[i]), () => `pixel ${i} has level ${levels[i]}, not one of 0…${layout.levels - 1}`);
    seq[1 + i] = levels[i];
  }
  return seq;
}

/** A token sequence of length S → its label and its pixel levels (length W·H). */
export function sequenceToImage(layout: ImageLayout, seq: ArrayLike<number>): { label: number; levels: Uint8Array } {
  check(seq.length === layout.seqLength, () => `expected a sequence of ${layout.seqLength} tokens, got ${seq.length}`);
  const label = seq[0] - layout.labelOffset;
  check(Number.isInteger(label) && label >= 0 && label < layout.nLabels, () => `token 0 is ${seq[0]}, not a label token (${layout.labelOffset}…${layout.labelOffset + layout.nLabels - 1})`);
  return { label, levels: pixelsOf(layout, Array.prototype.slice.call(seq, 1)) };
}

/** Check that generated ids are pixel levels and return them as levels. */
export function pixelsOf(layout: ImageLayout, ids: ArrayLike<number>): Uint8Array {
  const out = new Uint8Array(ids.length);
  for (let i = 0; i < ids.length; i++) {
    check(isPixelToken(layout, ids[i]), () => `token ${ids[i]} at pixel ${i} is not a pixel level`);
    out[i] = ids[i];
  }
  return out;
}

/** Row and column of pixel index i (raster order). */
export function pixelPosition(layout: ImageLayout, i: number): { row: number; col: number } {
  return { row: Math.floor(i / layout.width), col: i % layout.width };
}

/**
 * Inputs and targets for next-pixel prediction from N sequences (N·S ids, row-major):
 * x = seq[0 … S−2], y = seq[1 … S−1], each (N, S−1) = (N, W·H).
 */
export function inputsAndTargets(layout: ImageLayout, seqs: Int32Array): { x: Int32Array; y: Int32Array; rows: number } {
  const S = layout.seqLength;
  check(seqs.length % S === 0, `sequences: ${seqs.length} ids is not a multiple of S = ${S}`);
  const rows = seqs.length / S;
  const T = S - 1;
  const x = new Int32Array(rows * T); // (N, T)
  const y = new Int32Array(rows * T); // (N, T)
  for (let r = 0; r < rows; r++) {
    x.set(seqs.subarray(r * S, r * S + T), r * T);
    y.set(seqs.subarray(r * S + 1, (r + 1) * S), r * T);
  }
  return { x, y, rows };
}

/** A one-paragraph description of the id layout, stored in checkpoints for a human reader. */
export function describeLayout(layout: ImageLayout): string {
  return `ids 0…${layout.levels - 1}: pixel levels; ids ${layout.labelOffset}…${layout.labelOffset + layout.nLabels - 1}: labels 0…${layout.nLabels - 1} (id = ${layout.labelOffset} + digit); `
    + (layout.nullToken !== null ? `id ${layout.nullToken}: no label (unconditional); ` : '')
    + `sequence = [label, p0 … p${layout.width * layout.height - 1}] in raster order (${layout.width}×${layout.height}); targets are the pixels only`;
}
