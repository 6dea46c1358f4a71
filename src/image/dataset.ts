/**
 * MNIST as token sequences for a pixel GPT: load the fixed split (9,001 train / 999 test),
 * shrink 28×28 → side×side by average pooling, fit the quantizer on the *training* pixels only,
 * and lay each digit out as [label, p0 … p(side²−1)].
 */
import { downsample, loadMnist, MNIST_SIDE } from '../data/mnist';
import type { Rng } from '../engine/random';
import { check } from '../errors';
import { kmeansQuantizer, quantize, type Quantizer, type QuantizerKind, uniformQuantizer } from './quantize';
import { imageLayout, imageToSequence, type ImageLayout } from './sequence';

/** How digits become tokens. */
export interface ImageDataConfig {
  /** Side of the square image after downsampling; must divide 28 (default 14). */
  readonly side: number;
  /** L: gray levels (default 4). */
  readonly levels: number;
  /** How the levels are chosen (default k-means, see the image chapter for the comparison). */
  readonly quantizer: QuantizerKind;
  /** Add the "no label" token to the vocabulary (for label dropout and guidance; default false). */
  readonly nullLabel?: boolean;
}

export const DEFAULT_IMAGE_DATA: Required<ImageDataConfig> = { side: 14, levels: 4, quantizer: 'kmeans', nullLabel: false };

/** One split as sequences. */
export interface ImageSplit {
  /** N sequences of S ids, row-major (N, S). */
  readonly seqs: Int32Array;
  /** Digit of each sequence (N). */
  readonly labels: Int32Array;
  /** Downsampled gray values in [0, 1] (N, side²), before quantization. */
  readonly gray: Float32Array;
  /** `digit/index` ids from the mnist package (N). */
  readonly ids: readonly string[];
  /** N: number of digits in the split. */
  readonly count: number;
}

/** MNIST as a pixel GPT reads it (loadImageData): both splits as id sequences, and how they were made. */
export interface ImageData {
  /** The settings used (the quantizer's kind as fitted). */
  readonly config: ImageDataConfig;
  /** Where pixels and labels sit in the vocabulary and the sequence (width, height, levels, label ids, V). */
  readonly layout: ImageLayout;
  /** The gray levels, fitted on the training pixels (or the one passed in). */
  readonly quantizer: Quantizer;
  /** The 9,001 training digits. */
  readonly train: ImageSplit;
  /** The 999 test digits. */
  readonly test: ImageSplit;
}

/** Fit a quantizer of this kind to the training pixels (uniform ignores them). */
export function fitQuantizer(kind: QuantizerKind, levels: number, trainGray: ArrayLike<number>): Quantizer {
  return kind === 'uniform' ? uniformQuantizer(levels) : kmeansQuantizer(trainGray, levels);
}

/**
 * Load MNIST as sequences. Pass `quantizer` to reuse a stored one (a checkpoint's), so that a
 * model is always evaluated with the levels it was trained on.
 */
export function loadImageData(config: Partial<ImageDataConfig> = {}, quantizer?: Quantizer): ImageData {
  const cfg: ImageDataConfig = { ...DEFAULT_IMAGE_DATA, ...config };
  check(Number.isInteger(cfg.side) && cfg.side > 0 && MNIST_SIDE % cfg.side === 0, `image side must divide ${MNIST_SIDE}, got ${cfg.side}`);
  const mnist = loadMnist();
  const px = cfg.side * cfg.side;
  const shrink = (xs: { pixels: Float32Array }[]): Float32Array => {
    const out = new Float32Array(xs.length * px); // (N, side²)
    xs.forEach((e, i) => out.set(cfg.side === MNIST_SIDE ? e.pixels : downsample(e.pixels, MNIST_SIDE, cfg.side), i * px));
    return out;
  };
  const trainGray = shrink(mnist.train);
  const testGray = shrink(mnist.test);
  const q = quantizer ?? fitQuantizer(cfg.quantizer, cfg.levels, trainGray);
  check(q.levels === cfg.levels, `the quantizer has ${q.levels} levels, the config asks for ${cfg.levels}`);
  const layout = imageLayout(cfg.side, cfg.side, cfg.levels, cfg.nullLabel ?? false);
  const toSplit = (xs: { label: number; id: string }[], gray: Float32Array): ImageSplit => {
    const S = layout.seqLength;
    const seqs = new Int32Array(xs.length * S); // (N, S)
    xs.forEach((e, i) => seqs.set(imageToSequence(layout, quantize(gray.subarray(i * px, (i + 1) * px), q), e.label), i * S));
    return { seqs, labels: Int32Array.from(xs.map((e) => e.label)), gray, ids: xs.map((e) => e.id), count: xs.length };
  };
  return { config: { ...cfg, quantizer: q.kind }, layout, quantizer: q, train: toSplit(mnist.train, trainGray), test: toSplit(mnist.test, testGray) };
}

/** Rows `rows` of a split's sequences, concatenated: (rows.length, S). */
export function takeSequences(split: ImageSplit, layout: ImageLayout, rows: readonly number[]): Int32Array {
  const S = layout.seqLength;
  const out = new Int32Array(rows.length * S);
  rows.forEach((r, i) => out.set(split.seqs.subarray(r * S, (r + 1) * S), i * S));
  return out;
}

/** A split made of rows `rows` of another (a smaller test set for quick evaluations). */
export function subsetSplit(split: ImageSplit, layout: ImageLayout, rows: readonly number[]): ImageSplit {
  const px = layout.width * layout.height;
  const gray = new Float32Array(rows.length * px);
  rows.forEach((r, i) => {
    check(Number.isInteger(r) && r >= 0 && r < split.count, `row ${r} is outside the split (0…${split.count - 1})`);
    gray.set(split.gray.subarray(r * px, (r + 1) * px), i * px);
  });
  return { seqs: takeSequences(split, layout, rows), labels: Int32Array.from(rows, (r) => split.labels[r]), gray, ids: rows.map((r) => split.ids[r]), count: rows.length };
}

/** Every k-th row of a split (k ≥ 1): all labels represented, since splits are in label order. */
export function everyKth(split: ImageSplit, k: number): number[] {
  return Array.from({ length: Math.ceil(split.count / k) }, (_, i) => i * k);
}

/** The pixel levels (side²) of row r of a split. */
export function levelsOf(split: ImageSplit, layout: ImageLayout, r: number): Uint8Array {
  const S = layout.seqLength;
  return Uint8Array.from(split.seqs.subarray(r * S + 1, (r + 1) * S));
}

/**
 * A training batch: B digits drawn uniformly with replacement by `rng` (so a seed fixes the
 * stream, and a resumed run continues it), as inputs and targets, each (B, W·H).
 *
 * Label dropout (classifier-free guidance's training half): with probability `labelDropout`
 * a digit's label token is replaced by the "no label" token, so the same model also learns to
 * draw a digit of any class. With 0 no extra random numbers are drawn (older runs replay).
 */
export function sampleImageBatch(split: ImageSplit, layout: ImageLayout, batchSize: number, rng: Rng, labelDropout = 0): { x: Int32Array; y: Int32Array } {
  check(labelDropout >= 0 && labelDropout < 1, `label dropout must be in [0, 1), got ${labelDropout}`);
  check(labelDropout === 0 || layout.nullToken !== null, 'label dropout needs a layout with the "no label" token');
  const S = layout.seqLength;
  const T = S - 1;
  const x = new Int32Array(batchSize * T); // (B, T)
  const y = new Int32Array(batchSize * T); // (B, T)
  for (let b = 0; b < batchSize; b++) {
    const r = rng.int(split.count);
    x.set(split.seqs.subarray(r * S, r * S + T), b * T);
    y.set(split.seqs.subarray(r * S + 1, (r + 1) * S), b * T);
    if (labelDropout > 0 && rng.next() < labelDropout) x[b * T] = layout.nullToken!;
  }
  return { x, y };
}
