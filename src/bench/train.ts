/**
 * Training throughput: the real training step (src/train/trainer.ts — forward, cross-entropy,
 * backward, global-norm clipping, AdamW) on a fixed random batch, so that only the model and
 * the optimizer are timed, not batching. Also how tensor memory behaves over many steps.
 */
import * as tf from '@tensorflow/tfjs';
import * as v8 from 'v8';
import * as vm from 'vm';
import { Rng } from '../engine/random';
import { type GPTConfig } from '../model/config';
import { GPT } from '../model/gpt';
import { Trainer } from '../train/trainer';
import { median, rssMiB } from './timing';

/** A model, an optimizer and one batch, ready to take timed steps. */
export class TrainRunner {
  readonly model: GPT;
  readonly trainer: Trainer;
  readonly tokensPerStep: number;
  private readonly x: tf.Tensor2D;
  private readonly y: tf.Tensor2D;
  private seed = 0;

  constructor(readonly config: GPTConfig, readonly batch: number) {
    this.model = new GPT(config, { seed: 0 });
    const T = config.blockSize;
    const rng = new Rng(1);
    const ids = (): Int32Array => Int32Array.from({ length: batch * T }, () => rng.int(config.vocabSize));
    this.x = tf.keep(tf.tensor2d(ids(), [batch, T], 'int32'));
    this.y = tf.keep(tf.tensor2d(ids(), [batch, T], 'int32'));
    const decay = new Map(this.model.specs.map((s) => [s.name, s.decay]));
    this.tokensPerStep = batch * T;
    this.trainer = new Trainer(this.model.params, (n) => decay.get(n) ?? false, {
      schedule: { lr: 1e-3, minLr: 1e-4, warmup: 10, total: 1_000_000 },
      gradAccum: 1,
      clip: 1,
      tokensPerMicroBatch: this.tokensPerStep,
    });
  }

  /** One step; returns its wall time in ms (the trainer reads the loss, so it is complete). */
  step(): number {
    const seed = this.seed++;
    return this.trainer.trainStep(() => tf.tidy(() => this.model.lmLoss(this.x, this.y, { training: true, seed }))).ms;
  }

  /** `n` steps; their times in ms. */
  steps(n: number): number[] {
    return Array.from({ length: n }, () => this.step());
  }

  /**
   * `n` steps; wall and CPU (user + system, all threads) ms of each. CPU time per step barely
   * depends on how busy the machine is, so it compares implementations where wall time cannot.
   */
  timedSteps(n: number): { ms: number[]; cpuMs: number[] } {
    const ms: number[] = [];
    const cpuMs: number[] = [];
    for (let i = 0; i < n; i++) {
      const u0 = process.cpuUsage();
      ms.push(this.step());
      const u = process.cpuUsage(u0);
      cpuMs.push((u.user + u.system) / 1000);
    }
    return { ms, cpuMs };
  }

  dispose(): void {
    this.trainer.dispose();
    this.model.dispose();
    tf.dispose([this.x, this.y]);
  }
}

export interface MemoryProbe {
  /** Steps measured, after `warmupSteps` that are not. */
  readonly steps: number;
  readonly warmupSteps: number;
  /** Live tensors and their bytes after the first few steps and at the end. */
  readonly tensorsStart: number;
  readonly tensorsEnd: number;
  readonly tfBytesStart: number;
  readonly tfBytesEnd: number;
  /** Resident set size (MiB) after the first few steps, at the end, and the largest seen. */
  readonly rssStartMiB: number;
  readonly rssEndMiB: number;
  readonly rssPeakMiB: number;
  /** Growth of tensor bytes per step between start and end (0 when nothing leaks). */
  readonly tfBytesPerStep: number;
  /** Least-squares slope of RSS (KiB per step) over the second half of the run. */
  readonly rssKiBPerStep: number;
  /** RSS (MiB) sampled along the way: [step, MiB] about every tenth of the run. */
  readonly rssSamples: [number, number][];
  /**
   * No per-step growth: the same live tensors and tensor bytes at the end as at the start, and
   * RSS over the second half rising by less than RSS_SLOPE_LIMIT_KIB per step.
   */
  readonly pass: boolean;
  readonly criterion: string;
}

/**
 * The RSS slope that still counts as "no growth". The allocator keeps and returns pages in
 * chunks, so RSS wobbles by megabytes; a real leak of one step's activations would be far
 * larger (pico's training step allocates hundreds of KiB of tensors).
 */
export const RSS_SLOPE_LIMIT_KIB = 16;

const GC_EVERY = 25;

/** A full garbage collection: V8's, made callable without starting node with --expose-gc. */
function collector(): () => void {
  const g = (globalThis as { gc?: () => void }).gc;
  if (g) return g;
  v8.setFlagsFromString('--expose-gc');
  return vm.runInNewContext('gc') as () => void;
}

/**
 * Run `steps` training steps and watch memory: a leak of one tensor per step shows up as a
 * growing tensor count; a leak inside the native library as a steadily growing RSS.
 */
export function probeMemory(config: GPTConfig, batch: number, steps: number): MemoryProbe {
  const runner = new TrainRunner(config, batch);
  // Warm-up steps, not counted: the allocators (TensorFlow's and malloc's) grow to their working
  // set over the first few hundred steps and then stay flat (measured: 3,000 pico steps, RSS
  // 386 → 413 MiB by step 900, then 413–415 MiB to the end).
  const settle = Math.min(200, Math.max(1, Math.floor(steps / 5)));
  try {
    runner.steps(settle);
    const gc = collector();
    gc();
    const m0 = tf.memory();
    const rss0 = rssMiB();
    let peak = rss0;
    const tail: [number, number][] = [];
    const samples: [number, number][] = [[0, Math.round(rss0)]];
    const every = Math.max(1, Math.round(steps / 10));
    // RSS is read after a full garbage collection every GC_EVERY steps: between collections V8
    // lets garbage pile up (measured on wasm: RSS 121 → 135 MiB over 3,000 steps without, flat at
    // 121–122 MiB from step 500 on with), which is not a leak.
    for (let i = 0; i < steps; i++) {
      runner.step();
      peak = Math.max(peak, rssMiB());
      if ((i + 1) % GC_EVERY !== 0 && (i + 1) % every !== 0) continue;
      gc();
      const r = rssMiB();
      if (i >= steps / 2) tail.push([i, r]);
      if ((i + 1) % every === 0) samples.push([i + 1, Math.round(r)]);
    }
    gc();
    const m1 = tf.memory();
    const rss1 = rssMiB();
    const rssKiBPerStep = Math.round(slope(tail) * 1024 * 100) / 100;
    return {
      steps,
      tensorsStart: m0.numTensors,
      tensorsEnd: m1.numTensors,
      tfBytesStart: m0.numBytes,
      tfBytesEnd: m1.numBytes,
      rssStartMiB: Math.round(rss0),
      rssEndMiB: Math.round(rss1),
      rssPeakMiB: Math.round(peak),
      warmupSteps: settle,
      tfBytesPerStep: (m1.numBytes - m0.numBytes) / Math.max(1, steps),
      rssKiBPerStep,
      rssSamples: samples,
      pass: m1.numTensors === m0.numTensors && m1.numBytes === m0.numBytes && rssKiBPerStep < RSS_SLOPE_LIMIT_KIB,
      criterion: `after ${settle} warm-up steps, ${steps} more: live tensors and tensor bytes unchanged, and RSS (read after a full garbage collection every ${GC_EVERY} steps) over their second half growing by less than ${RSS_SLOPE_LIMIT_KIB} KiB per step`,
    };
  } finally {
    runner.dispose();
  }
}

/** Least-squares slope of y over x. */
function slope(points: readonly [number, number][]): number {
  if (points.length < 2) return 0;
  const n = points.length;
  const mx = points.reduce((s, p) => s + p[0], 0) / n;
  const my = points.reduce((s, p) => s + p[1], 0) / n;
  let num = 0;
  let den = 0;
  for (const [x, y] of points) { num += (x - mx) * (y - my); den += (x - mx) ** 2; }
  return den > 0 ? num / den : 0;
}

/** Peak bytes of tensors alive during one training step (tf.profile), and its kernel count. */
export async function profileStep(runner: TrainRunner): Promise<{ peakBytes: number; kernels: number }> {
  const info = await tf.profile(() => { runner.step(); });
  return { peakBytes: info.peakBytes, kernels: info.kernels.length };
}

/** Time per kernel name over one profiled training step, largest first (for finding hot spots). */
export async function kernelTimes(runner: TrainRunner): Promise<{ name: string; ms: number; calls: number }[]> {
  const info = await tf.profile(() => { runner.step(); });
  const by = new Map<string, { ms: number; calls: number }>();
  for (const k of info.kernels) {
    const e = by.get(k.name) ?? { ms: 0, calls: 0 };
    e.ms += Number(k.kernelTimeMs) || 0;
    e.calls += 1;
    by.set(k.name, e);
  }
  return [...by.entries()].map(([name, e]) => ({ name, ...e })).sort((a, b) => b.ms - a.ms);
}

export { median };
