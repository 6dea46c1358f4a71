/**
 * How sure is a difference between two classifiers? A paired bootstrap over both sources of
 * noise in a label-efficiency table: which test examples happened to be drawn, and which seeds
 * (training subset and initialisation) the runs used. Two methods are paired when, for a seed,
 * both saw the same labelled subset and are scored on the same test examples; pairing cancels the
 * part of the noise they share, which is most of it (Efron & Tibshirani, 1993, ch. 16; Dror et al.,
 * 2018, "The hitchhiker's guide to testing statistical significance in NLP").
 *
 * One replicate: draw S seeds with replacement, draw n test examples with replacement (the same
 * examples for every seed drawn), and compute metric(A) − metric(B) averaged over the drawn seeds.
 * The 95 % interval is the 2.5th and 97.5th percentiles of the replicates.
 */
import { check } from '../errors';
import { Rng } from '../engine/random';
import { accuracy } from './metrics';

/** A metric of predictions against labels (accuracy, F1, …). */
export type Metric = (labels: ArrayLike<number>, predictions: ArrayLike<number>) => number;

/** How pairedBootstrap resamples. All optional. */
export interface PairedBootstrapOptions {
  /** Number of bootstrap replicates (default 2,000; at least 100). */
  readonly samples?: number;
  /** Seed of the resampling (default 12345): the same seed, the same interval. */
  readonly seed?: number;
  /** Coverage of the interval, in (0, 1) (default 0.95). */
  readonly level?: number;
  /** What is compared; default accuracy. */
  readonly metric?: Metric;
}

/**
 * A paired bootstrap interval of metric(A) − metric(B) (pairedBootstrap); in the metric's units
 * (fractions for accuracy).
 */
export interface PairedInterval {
  /** metric(A) − metric(B) on the data as observed, averaged over seeds. */
  readonly diff: number;
  /** Lower end: the (1 − level)/2 quantile of the replicates. */
  readonly lo: number;
  /** Upper end: the 1 − (1 − level)/2 quantile of the replicates. */
  readonly hi: number;
  /** The coverage asked for (e.g. 0.95). */
  readonly level: number;
  /** Bootstrap replicates drawn. */
  readonly samples: number;
  /** S: seeds (runs) per method; replicates resample them too. */
  readonly seeds: number;
  /** Test examples; replicates resample them with replacement. */
  readonly n: number;
}

/**
 * Paired bootstrap interval of metric(A) − metric(B). `predsA[s][i]` and `predsB[s][i]` are the
 * predictions for test example i by the run of seed s; `labels[i]` its true class.
 */
export function pairedBootstrap(predsA: readonly ArrayLike<number>[], predsB: readonly ArrayLike<number>[], labels: ArrayLike<number>, opts: PairedBootstrapOptions = {}): PairedInterval {
  const samples = opts.samples ?? 2000;
  const level = opts.level ?? 0.95;
  const metric = opts.metric ?? accuracy;
  const S = predsA.length;
  const n = labels.length;
  check(S > 0 && predsB.length === S, `both methods need the same seeds: ${S} vs ${predsB.length}`);
  check(n > 0, 'no test examples');
  check([...predsA, ...predsB].every((p) => p.length === n), `every run must predict all ${n} test examples`);
  check(Number.isInteger(samples) && samples >= 100, `samples must be an integer ≥ 100, got ${samples}`);
  check(level > 0 && level < 1, `level must be in (0, 1), got ${level}`);

  const meanDiff = (seeds: readonly number[], idx: Int32Array | null): number => {
    const y = idx ? Array.from(idx, (i) => labels[i]) : labels;
    let sum = 0;
    for (const s of seeds) {
      const a = idx ? Array.from(idx, (i) => predsA[s][i]) : predsA[s];
      const b = idx ? Array.from(idx, (i) => predsB[s][i]) : predsB[s];
      sum += metric(y, a) - metric(y, b);
    }
    return sum / seeds.length;
  };

  const rng = new Rng(opts.seed ?? 12345);
  const reps = new Float64Array(samples);
  const idx = new Int32Array(n);
  const seeds = new Array<number>(S);
  for (let r = 0; r < samples; r++) {
    for (let k = 0; k < S; k++) seeds[k] = rng.int(S);
    for (let i = 0; i < n; i++) idx[i] = rng.int(n);
    reps[r] = meanDiff(seeds, idx);
  }
  reps.sort();
  const q = (p: number): number => reps[Math.min(samples - 1, Math.max(0, Math.floor(p * samples)))];
  return {
    diff: meanDiff(Array.from({ length: S }, (_, s) => s), null),
    lo: q((1 - level) / 2), hi: q(1 - (1 - level) / 2), level, samples, seeds: S, n,
  };
}
