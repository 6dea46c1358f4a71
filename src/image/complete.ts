/**
 * Completion (Image GPT's favourite demo): show the model the top half of a real test digit,
 * plus its label, and let it draw the bottom half. Because the model reads pixels in raster
 * order, "the top k rows" is exactly a prefix of the sequence: completion is sampling with a
 * longer prompt, nothing more.
 */
import { check } from '../errors';
import type { GPT } from '../model/gpt';
import { type ImageSplit, levelsOf } from './dataset';
import { sampleImages, type SampleImageOptions } from './sample';
import type { ImageLayout } from './sequence';

/** How completeImages completes digits (plus SampleImageOptions: temperature, seed, guidance). */
export interface CompletionOptions extends SampleImageOptions {
  /** Rows given to the model (default: the top half, ⌊H/2⌋). */
  readonly rows?: number;
  /** Completions drawn per digit (default 1). */
  readonly perImage?: number;
}

/** One digit completed from its top rows (completeImages). */
export interface Completion {
  /** Index of the digit in the split. */
  readonly index: number;
  /** Its digit 0–9. */
  readonly label: number;
  /** The real digit, W·H levels. */
  readonly original: Uint8Array;
  /** What the model was shown: the given rows, then `blank` (level 0) below. */
  readonly prompt: Uint8Array;
  /** perImage completions, W·H levels each (the given rows included). */
  readonly samples: Uint8Array[];
}

/** The first `rows` rows of an image, as a raster-order prefix. */
export function topRows(layout: ImageLayout, levels: ArrayLike<number>, rows: number): Uint8Array {
  check(Number.isInteger(rows) && rows >= 0 && rows < layout.height, `rows must be an integer in [0, ${layout.height - 1}], got ${rows}`);
  return Uint8Array.from(Array.prototype.slice.call(levels, 0, rows * layout.width) as number[]);
}

/**
 * Complete digits `indices` of `split` from their top rows. All completions are drawn in one
 * batched call; completion j of digit i has index i·perImage + j in the request (its seed).
 */
export function completeImages(model: GPT, layout: ImageLayout, split: ImageSplit, indices: readonly number[], opts: CompletionOptions = {}): Completion[] {
  const rows = opts.rows ?? Math.floor(layout.height / 2);
  const perImage = opts.perImage ?? 1;
  check(Number.isInteger(perImage) && perImage >= 1, `perImage must be a positive integer, got ${perImage}`);
  for (const i of indices) check(Number.isInteger(i) && i >= 0 && i < split.count, `digit index ${i} is outside the split (0…${split.count - 1})`);
  const originals = indices.map((i) => levelsOf(split, layout, i));
  const prefixes = originals.flatMap((img) => Array.from({ length: perImage }, () => topRows(layout, img, rows)));
  const labels = indices.flatMap((i) => Array.from({ length: perImage }, () => split.labels[i]));
  const drawn = sampleImages(model, layout, labels, opts, prefixes);
  return indices.map((index, k) => {
    const prompt = new Uint8Array(layout.width * layout.height);
    prompt.set(prefixes[k * perImage]);
    return { index, label: split.labels[index], original: originals[k], prompt, samples: drawn.slice(k * perImage, (k + 1) * perImage) };
  });
}

/**
 * The completions as grid rows for `grayGridPng`: per digit, [original, prompt, sample…],
 * so a grid with cols = perImage + 2 shows one digit per row.
 */
export function completionGrid(completions: readonly Completion[]): number[][] {
  return completions.flatMap((c) => [Array.from(c.original), Array.from(c.prompt), ...c.samples.map((s) => Array.from(s))]);
}

/** The first `count` test digits of `label` (or of every label, in turn, when label is undefined). */
export function pickDigits(split: ImageSplit, count: number, label?: number): number[] {
  const out: number[] = [];
  if (label !== undefined) {
    for (let i = 0; i < split.count && out.length < count; i++) if (split.labels[i] === label) out.push(i);
    return out;
  }
  const seen = new Array<number>(10).fill(0);
  for (let round = 0; out.length < count && round < split.count; round++) {
    for (let d = 0; d < 10 && out.length < count; d++) {
      let k = -1;
      for (let i = 0, c = 0; i < split.count; i++) if (split.labels[i] === d && c++ === seen[d]) { k = i; break; }
      if (k >= 0) { out.push(k); seen[d] += 1; }
    }
  }
  return out;
}
