/**
 * The training loop. Like minGPT's trainer it knows nothing about GPTs: it is given the
 * parameters, a function that returns the loss of one micro-batch, and callbacks. It owns
 * the optimizer, the schedule, clipping, accumulation and the stop conditions.
 */
import * as tf from '@tensorflow/tfjs';
import { AdamW, type AdamWOptions, flatten } from './adamw';
import { clipFlatByNorm } from './clip';
import { learningRate, type LrSchedule } from './schedule';

export interface TrainerOptions {
  readonly schedule: LrSchedule;
  /** Micro-batches whose gradients are averaged into one update. */
  readonly gradAccum: number;
  /** Clip the global gradient norm to this (0 = no clipping). */
  readonly clip: number;
  readonly adamw?: Partial<AdamWOptions>;
  /** Tokens (or examples) per micro-batch, for throughput figures. */
  readonly tokensPerMicroBatch: number;
  /**
   * A factor on the learning rate of parameter `name` at 0-based `step` (absent: 1 for all):
   * discriminative rates per layer, or 0 to keep a layer frozen (gradual unfreezing).
   */
  readonly lrScale?: (name: string, step: number) => number;
}

export interface StepInfo {
  readonly step: number;
  readonly loss: number;
  readonly lr: number;
  readonly gradNorm: number;
  readonly ms: number;
  readonly tokensPerSecond: number;
}

/** Thrown when the loss stops being a finite number; the weights are left as they were. */
export class DivergedError extends Error {
  constructor(readonly step: number, readonly loss: number) {
    super(`training diverged at step ${step}: loss is ${loss} (weights of the last good step are kept)`);
    this.name = 'DivergedError';
  }
}

/**
 * Test hook: with `LGPT_INJECT_NAN_AT_STEP=N` in the environment, the loss of step N reads as
 * NaN, so that divergence handling (the message, the kept checkpoint) can be tested end to end
 * on a healthy model. Read once per Trainer; unset in normal use.
 */
export function injectedNanStep(env: NodeJS.ProcessEnv = process.env): number | null {
  const n = Number(env.LGPT_INJECT_NAN_AT_STEP);
  return Number.isInteger(n) && n > 0 ? n : null;
}

/**
 * The training loop's step: `new Trainer(params, decay, opts)` owns an AdamW over `params` (decayed
 * where `decay(name)` is true); each `trainStep(microLoss)` averages the gradients of
 * `opts.gradAccum` micro-batches, clips their global norm to `opts.clip`, and applies one update at
 * the schedule's learning rate for that step. Throws DivergedError when a loss is not finite (the
 * weights are left as they were). Call `dispose()` to free the optimizer's moments.
 */
export class Trainer {
  /** The AdamW that applies the updates; its `step` counts them. */
  readonly optimizer: AdamW;
  /** Updates applied so far. */
  get step(): number { return this.optimizer.step; }

  private readonly nanAt = injectedNanStep();

  constructor(
    /** The trained parameters by name (a GPT's `params`); updated in place. */
    readonly params: Map<string, tf.Variable>,
    /** Whether weight decay applies to a parameter (matmul weights yes, biases and LayerNorm no). */
    readonly decay: (name: string) => boolean,
    /** Schedule, accumulation, clipping, AdamW constants and tokens per micro-batch. */
    readonly opts: TrainerOptions,
  ) {
    this.optimizer = new AdamW(opts.adamw);
  }

  /**
   * One optimizer step: `microLoss(i)` for i < gradAccum must return a scalar loss (built
   * from the parameters, so gradients flow). Throws DivergedError on a non-finite loss.
   */
  trainStep(microLoss: (micro: number) => tf.Scalar): StepInfo {
    const acc = this.accumulator();
    for (let i = 0; i < this.opts.gradAccum; i++) acc.add(microLoss, i);
    return acc.update();
  }

  /**
   * The same step, yielding to the event loop between micro-batches and abandoning the step
   * (no update, gradients freed; null) as soon as `stop()` says so — so a signal is seen
   * within one micro-batch even when a step of many micro-batches takes minutes.
   */
  async trainStepStoppable(microLoss: (micro: number) => tf.Scalar, stop: () => boolean): Promise<StepInfo | null> {
    const acc = this.accumulator();
    for (let i = 0; i < this.opts.gradAccum; i++) {
      if (i > 0) await new Promise<void>((resolve) => setImmediate(resolve));
      if (stop()) { acc.abandon(); return null; }
      acc.add(microLoss, i);
    }
    return acc.update();
  }

  /** Gradients summed over micro-batches, then one clipped AdamW update of their mean. */
  private accumulator(): { add: (microLoss: (micro: number) => tf.Scalar, i: number) => void; update: () => StepInfo; abandon: () => void } {
    const t0 = performance.now();
    const names = [...this.params.keys()];
    const vars = names.map((n) => this.params.get(n)!);
    const byVarName = new Map(vars.map((v, i) => [v.name, names[i]]));
    let sum: Map<string, tf.Tensor> | null = null;
    let lossSum = 0;
    const abandon = (): void => { if (sum) tf.dispose([...sum.values()]); sum = null; };
    const add = (microLoss: (micro: number) => tf.Scalar, i: number): void => {
      const { value, grads } = tf.variableGrads(() => microLoss(i), vars);
      const loss = this.nanAt === this.step + 1 ? NaN : value.dataSync()[0];
      value.dispose();
      if (!Number.isFinite(loss)) {
        tf.dispose(Object.values(grads));
        abandon();
        throw new DivergedError(this.step + 1, loss);
      }
      lossSum += loss;
      if (!sum) {
        sum = new Map();
        for (const [k, g] of Object.entries(grads)) sum.set(byVarName.get(k)!, g);
      } else {
        for (const [k, g] of Object.entries(grads)) {
          const name = byVarName.get(k)!;
          const prev = sum.get(name)!;
          sum.set(name, tf.add(prev, g));
          prev.dispose();
          g.dispose();
        }
      }
    };
    const update = (): StepInfo => {
      let grads = sum!;
      if (this.opts.gradAccum > 1) {
        const scaled = new Map<string, tf.Tensor>();
        for (const [k, g] of grads) { scaled.set(k, tf.div(g, this.opts.gradAccum)); g.dispose(); }
        grads = scaled;
      }
      // Clipping and the update run on one flat vector of all gradients (see adamw.ts for why).
      const layout = this.optimizer.layoutFor(this.params, names.filter((n) => grads.has(n)), this.decay);
      let flat = flatten(layout, (n) => grads.get(n)!);
      tf.dispose([...grads.values()]);
      let gradNorm = NaN;
      if (this.opts.clip > 0) {
        const clipped = clipFlatByNorm(flat, this.opts.clip);
        gradNorm = clipped.norm.dataSync()[0];
        clipped.norm.dispose();
        flat.dispose();
        flat = clipped.grad;
      }
      const lr = learningRate(this.step, this.opts.schedule);
      this.optimizer.applyFlat(this.params, flat, lr, this.scaleVector(layout.names, layout.sizes));
      flat.dispose();
      const ms = performance.now() - t0;
      return {
        step: this.step,
        loss: lossSum / this.opts.gradAccum,
        lr,
        gradNorm,
        ms,
        tokensPerSecond: (this.opts.tokensPerMicroBatch * this.opts.gradAccum) / (ms / 1000),
      };
    };
    return { add, update, abandon };
  }

  /** The flat learning-rate factors of this step (null without lrScale); rebuilt only when they change. */
  private scaleVector(names: readonly string[], sizes: readonly number[]): tf.Tensor1D | null {
    const f = this.opts.lrScale;
    if (!f) return null;
    const factors = names.map((n) => f(n, this.step));
    const key = factors.join(',');
    if (this.scale?.key !== key) {
      this.scale?.vector.dispose();
      const vector = tf.tidy(() => tf.concat(factors.map((x, i) => tf.fill([sizes[i]], x))) as tf.Tensor1D);
      this.scale = { key, vector };
    }
    return this.scale.vector;
  }

  private scale: { key: string; vector: tf.Tensor1D } | null = null;

  /** Free the optimizer's state (the parameters belong to the caller). */
  dispose(): void {
    this.optimizer.dispose();
    this.scale?.vector.dispose();
    this.scale = null;
  }
}
