/**
 * How good is a pixel GPT? Two numbers:
 *
 *   bits per pixel          the mean negative log-likelihood of the 999 test digits' pixels,
 *                           −(1/(N·W·H)) Σ log₂ p(pixel | label, pixels before it). Uniform
 *                           guessing costs log₂ L bits (2 for 4 levels); lower is better.
 *   conditional accuracy    draw n digits per label; the share that a separate classifier,
 *                           trained on real digits, reads as the label they were drawn for.
 *
 * Bits per pixel measures the whole distribution (and is exact); conditional accuracy measures
 * whether "draw a 7" gives a 7 — a property of samples, judged by a model with its own errors,
 * so we report the judge's accuracy on real test digits next to it.
 */
import * as tf from '@tensorflow/tfjs';
import type { GPT } from '../model/gpt';
import { DigitClassifier, type DigitClassifierOptions } from './classifier';
import type { ImageData } from './dataset';
import { sampleImages, type SampleImageOptions } from './sample';
import { type ImageLayout, inputsAndTargets } from './sequence';

/**
 * Mean NLL per pixel (nats) of sequences (N, S). Every sequence has W·H targets, so batch
 * means weighted by rows give the exact mean.
 */
export function pixelNll(model: GPT, layout: ImageLayout, seqs: Int32Array, batchSize = 111): number {
  const S = layout.seqLength;
  const N = seqs.length / S;
  const T = S - 1;
  let total = 0;
  for (let start = 0; start < N; start += batchSize) {
    const { x, y, rows } = inputsAndTargets(layout, seqs.subarray(start * S, Math.min(N, start + batchSize) * S));
    const loss = tf.tidy(() => model.lmLoss(tf.tensor2d(x, [rows, T], 'int32'), tf.tensor2d(y, [rows, T], 'int32')).dataSync()[0]);
    total += loss * rows;
  }
  return total / N;
}

/** Test-set bits per pixel. */
export function bitsPerPixel(model: GPT, data: ImageData): number {
  return pixelNll(model, data.layout, data.test.seqs) / Math.LN2;
}

/**
 * Train the judge, a small digit classifier (DigitClassifier), on the real training digits of
 * `data`, quantized as the pixel GPT sees them; it then reads generated digits (conditionalAccuracy).
 * Seeded: the same data and options give the same judge.
 */
export function trainJudge(data: ImageData, options: Partial<DigitClassifierOptions> = {}): DigitClassifier {
  const { layout, train } = data;
  const D = layout.width * layout.height;
  const levels = new Uint8Array(train.count * D);
  for (let r = 0; r < train.count; r++) levels.set(train.seqs.subarray(r * layout.seqLength + 1, (r + 1) * layout.seqLength), r * D);
  return DigitClassifier.train(levels, train.labels, data.quantizer, options);
}

/**
 * The judge's accuracy (0–1) on the real test digits of `data`, quantized: how well it reads real
 * digits, the yardstick for its reading of generated ones (conditionalAccuracy).
 */
export function judgeAccuracy(judge: DigitClassifier, data: ImageData): number {
  const { layout, test } = data;
  const images = Array.from({ length: test.count }, (_, r) => test.seqs.subarray(r * layout.seqLength + 1, (r + 1) * layout.seqLength));
  return judge.accuracy(images, test.labels);
}

/** What conditionalAccuracy measured. */
export interface ConditionalResult {
  /** Share of all samples classified as their label. */
  readonly accuracy: number;
  /** Accuracy per label 0–9. */
  readonly perLabel: number[];
  /** confusion[label][predicted]: counts. */
  readonly confusion: number[][];
  /** The samples, label by label (n per label), W·H levels each. */
  readonly samples: Uint8Array[];
  /** The label each sample was asked for, in order (`perLabel` of each digit). */
  readonly labels: number[];
  /** Mean over labels of the mean pairwise distance between that label's samples (see sampleDiversity). */
  readonly diversity: number;
}

/**
 * Variety of samples of one label: the mean over pairs of the share of pixels whose levels
 * differ (0 = all identical). Guidance trades this for recognisability; real test digits of
 * one label score about the same as good samples.
 */
export function sampleDiversity(images: readonly ArrayLike<number>[]): number {
  let sum = 0;
  let pairs = 0;
  for (let i = 0; i < images.length; i++) {
    for (let j = i + 1; j < images.length; j++) {
      const a = images[i];
      const b = images[j];
      let diff = 0;
      for (let k = 0; k < a.length; k++) if (a[k] !== b[k]) diff += 1;
      sum += diff / a.length;
      pairs += 1;
    }
  }
  return pairs > 0 ? sum / pairs : 0;
}

/**
 * Does the model draw the digit it is asked for? Draw `perLabel` samples of each digit 0–9
 * (sampleImages with `opts`: temperature, guidance, seed) and let the judge read them: the share
 * read as their label overall (0–1) and per label, the confusion counts, the samples themselves
 * and their diversity.
 */
export function conditionalAccuracy(model: GPT, layout: ImageLayout, judge: DigitClassifier, perLabel: number, opts: SampleImageOptions = {}): ConditionalResult {
  const labels = Array.from({ length: 10 * perLabel }, (_, i) => Math.floor(i / perLabel));
  const samples = sampleImages(model, layout, labels, opts);
  const pred = judge.predict(samples);
  const confusion = Array.from({ length: 10 }, () => new Array<number>(10).fill(0));
  pred.forEach((p, i) => { confusion[labels[i]][p] += 1; });
  const perLabelAcc = confusion.map((row, d) => row[d] / Math.max(1, perLabel));
  const correct = confusion.reduce((s, row, d) => s + row[d], 0);
  const diversity = Array.from({ length: 10 }, (_, d) => sampleDiversity(samples.slice(d * perLabel, (d + 1) * perLabel))).reduce((a, b) => a + b, 0) / 10;
  return { accuracy: correct / labels.length, perLabel: perLabelAcc, confusion, samples, labels, diversity };
}

export interface ImageEvalOptions {
  /** Samples per label for conditional accuracy (default 10). */
  readonly samplesPerLabel?: number;
  /** Sampling seed (default 0) and temperature (default 1: the model's own distribution). */
  readonly seed?: number;
  readonly temperature?: number;
  /** Classifier-free guidance scale (default 1: plain conditional sampling). */
  readonly guidance?: number;
  readonly classifier?: Partial<DigitClassifierOptions>;
}

export interface ImageEvalResult {
  readonly bitsPerPixel: number;
  readonly conditionalAccuracy: number;
  /** The judge's accuracy on the real test digits (what conditionalAccuracy should approach). */
  readonly judgeAccuracyOnReal: number;
  /** Same number, under its older name. */
  readonly classifierAccuracy: number;
  readonly guidance: number;
  /** Mean pairwise distance of samples of one label (sampleDiversity), and of real test digits. */
  readonly diversity: number;
  readonly diversityOfReal: number;
  readonly perLabel: number[];
  readonly confusion: number[][];
  readonly samplesPerLabel: number;
  readonly testDigits: number;
  readonly seconds: { readonly nll: number; readonly classifier: number; readonly sampling: number };
}

/** Everything `eval image` reports, for a model and the data it was trained on. */
export function evaluateImageModel(model: GPT, data: ImageData, opts: ImageEvalOptions = {}): ImageEvalResult {
  const perLabel = opts.samplesPerLabel ?? 10;
  const t0 = performance.now();
  const bpp = bitsPerPixel(model, data);
  const t1 = performance.now();
  const judge = trainJudge(data, opts.classifier);
  const classifierAccuracy = judgeAccuracy(judge, data);
  const t2 = performance.now();
  const guidance = opts.guidance ?? 1;
  const cond = conditionalAccuracy(model, data.layout, judge, perLabel, { seed: opts.seed ?? 0, temperature: opts.temperature ?? 1, guidance });
  const t3 = performance.now();
  judge.dispose();
  return {
    bitsPerPixel: bpp,
    conditionalAccuracy: cond.accuracy,
    judgeAccuracyOnReal: classifierAccuracy,
    classifierAccuracy,
    guidance,
    diversity: cond.diversity,
    diversityOfReal: realDiversity(data, perLabel),
    perLabel: cond.perLabel,
    confusion: cond.confusion,
    samplesPerLabel: perLabel,
    testDigits: data.test.count,
    seconds: { nll: (t1 - t0) / 1000, classifier: (t2 - t1) / 1000, sampling: (t3 - t2) / 1000 },
  };
}

/** sampleDiversity of the first n real test digits of each label, averaged over labels. */
export function realDiversity(data: ImageData, n: number): number {
  const { layout, test } = data;
  let sum = 0;
  for (let d = 0; d < 10; d++) {
    const rows: Int32Array[] = [];
    for (let r = 0; r < test.count && rows.length < n; r++) if (test.labels[r] === d) rows.push(test.seqs.subarray(r * layout.seqLength + 1, (r + 1) * layout.seqLength));
    sum += sampleDiversity(rows);
  }
  return sum / 10;
}
