/**
 * Training the ladder (src/model/ladder.ts): every rung gets the same budget (steps, batch,
 * window, learning-rate schedule, seed, so the same batches in the same order) and is scored on
 * the same held-out windows. What differs between two rungs is one piece of the model.
 */
import * as tf from '@tensorflow/tfjs';
import { countSequentialBatches, sampleBatch, sequentialBatches } from '../data/batches';
import { splitMobyDick } from '../data/corpus';
import { Rng } from '../engine/random';
import { crossEntropy } from '../model/gpt';
import type { GPTConfig } from '../model/config';
import { type LadderInit, type LadderRung, LadderModel } from '../model/ladder';
import { AdamW, flatten } from './adamw';
import { clipFlatByNorm } from './clip';
import { learningRate } from './schedule';
import { CharTokenizer } from '../tokenize/char';

/** The budget every rung gets. */
export interface LadderBudget {
  readonly steps: number;
  readonly batchSize: number;
  /** Peak learning rate (linear warmup over `warmup` steps, cosine to lr/10). */
  readonly lr: number;
  readonly warmup: number;
  readonly seed: number;
  /** Held-out windows scored at the end: the first `evalBatches` sequential batches. */
  readonly evalBatches: number;
  /** How the rungs' weights start (src/model/ladder.ts); 'gpt2' when absent. */
  readonly init?: LadderInit;
}

export interface LadderResult {
  readonly rung: string;
  readonly parameters: number;
  readonly steps: number;
  /** Mean training loss over the last tenth of the steps (nats/token). */
  readonly trainLoss: number;
  /** Held-out loss (nats/token). */
  readonly valLoss: number;
  readonly seconds: number;
}

/** Mean next-token loss of `model` on the first `maxBatches` sequential windows of `ids`. */
export function ladderLoss(model: LadderModel, ids: Int32Array, batchSize: number, maxBatches: number): number {
  const T = model.config.blockSize;
  let total = 0;
  let rows = 0;
  let n = 0;
  for (const b of sequentialBatches(ids, batchSize, T)) {
    if (n++ >= maxBatches) break;
    const r = b.x.length / T;
    total += r * tf.tidy(() => crossEntropy(model.logits(tf.tensor2d(b.x, [r, T], 'int32')), tf.tensor2d(b.y, [r, T], 'int32')).dataSync()[0]);
    rows += r;
  }
  return total / rows;
}

/**
 * The best any bigram model can do on the windows `ladderLoss` scores: each character predicted
 * from the one before by the counts of the training text (plus `alpha` per pair, so no pair has
 * probability 0). A trained bigram rung can approach this, never beat it by more than chance.
 */
export function bigramCountLoss(train: Int32Array, heldOut: Int32Array, vocabSize: number, blockSize: number, batchSize: number, maxBatches: number, alpha = 0.1): number {
  const V = vocabSize;
  const counts = new Float64Array(V * V).fill(alpha);
  const rows = new Float64Array(V).fill(alpha * V);
  for (let i = 0; i + 1 < train.length; i++) { counts[train[i] * V + train[i + 1]] += 1; rows[train[i]] += 1; }
  let total = 0;
  let n = 0;
  let batches = 0;
  for (const b of sequentialBatches(heldOut, batchSize, blockSize)) {
    if (batches++ >= maxBatches) break;
    for (let j = 0; j < b.x.length; j++) { total -= Math.log(counts[b.x[j] * V + b.y[j]] / rows[b.x[j]]); n += 1; }
  }
  return total / n;
}

/** Train one rung from scratch on `train` with `budget`, score it on `heldOut`. */
export function trainLadderRung(cfg: GPTConfig, rung: LadderRung, train: Int32Array, heldOut: Int32Array, budget: LadderBudget): LadderResult {
  const t0 = Date.now();
  const model = new LadderModel(cfg, rung, budget.seed, budget.init);
  const opt = new AdamW();
  const rng = new Rng(budget.seed + 1);
  const T = cfg.blockSize;
  const names = model.specs.map((s) => s.name);
  const decay = new Map(model.specs.map((s) => [s.name, s.decay]));
  const layout = opt.layoutFor(model.params, names, (n) => decay.get(n)!);
  const schedule = { lr: budget.lr, minLr: budget.lr / 10, warmup: budget.warmup, total: budget.steps };
  const tail: number[] = [];
  try {
    for (let step = 0; step < budget.steps; step++) {
      const b = sampleBatch(train, budget.batchSize, T, rng);
      const x = tf.tensor2d(b.x, [budget.batchSize, T], 'int32');
      const y = tf.tensor2d(b.y, [budget.batchSize, T], 'int32');
      const { value, grads } = tf.variableGrads(() => crossEntropy(model.logits(x), y), [...model.params.values()]);
      // variableGrads keys gradients by the variables' own names, not by GPT-2 name.
      const flat = flatten(layout, (n) => grads[model.params.get(n)!.name]);
      const { grad, norm } = clipFlatByNorm(flat, 1);
      opt.applyFlat(model.params, grad, learningRate(step, schedule));
      if (step >= budget.steps - Math.max(1, Math.floor(budget.steps / 10))) tail.push(value.dataSync()[0]);
      tf.dispose([x, y, value, flat, grad, norm, ...Object.values(grads)]);
    }
    const valLoss = ladderLoss(model, heldOut, budget.batchSize, budget.evalBatches);
    return {
      rung: rung.name, parameters: model.numParams(), steps: budget.steps,
      trainLoss: tail.reduce((a, v) => a + v, 0) / tail.length, valLoss, seconds: (Date.now() - t0) / 1000,
    };
  } finally {
    opt.dispose();
    model.dispose();
  }
}

/** The ladder's shape and budget as one record: what `runLadder` ran and what it measured. */
export interface LadderRun {
  readonly config: GPTConfig;
  readonly budget: LadderBudget;
  /** The text: Moby Dick at the character level, the last 10 % held out. */
  readonly data: { readonly tokenizer: 'char'; readonly trainTokens: number; readonly heldOutTokens: number; readonly evalTokens: number };
  readonly results: LadderResult[];
  /** The counted bigram's loss on the same held-out windows: the best a bigram model can do. */
  readonly bigramCounted: number;
}

/**
 * Train every rung of `rungs` on Moby Dick (characters; the chapter-04 split) with one budget.
 * `onRung` hears each result as it comes (a run takes minutes).
 */
export function runLadder(shape: Omit<GPTConfig, 'vocabSize' | 'dropout'>, rungs: readonly LadderRung[], budget: LadderBudget, onRung?: (r: LadderResult) => void): LadderRun {
  const { train, val } = splitMobyDick();
  const tok = CharTokenizer.fromText(train + val);
  const trainIds = Int32Array.from(tok.encode(train));
  const heldOutIds = Int32Array.from(tok.encode(val));
  const config: GPTConfig = { ...shape, vocabSize: tok.vocabSize, dropout: 0 };
  const results = rungs.map((rung) => {
    const r = trainLadderRung(config, rung, trainIds, heldOutIds, budget);
    onRung?.(r);
    return r;
  });
  const evalTokens = Math.min(budget.evalBatches, countSequentialBatches(heldOutIds.length, budget.batchSize, shape.blockSize)) * budget.batchSize * shape.blockSize;
  const bigramCounted = bigramCountLoss(trainIds, heldOutIds, config.vocabSize, shape.blockSize, budget.batchSize, budget.evalBatches);
  return { config, budget, bigramCounted, data: { tokenizer: 'char', trainTokens: trainIds.length, heldOutTokens: heldOutIds.length, evalTokens }, results };
}

/** The ladder's shape: 3 layers × 64 wide, 4 heads, windows of 32 characters. */
export const LADDER_SHAPE = { blockSize: 32, nLayer: 3, nHead: 4, nEmbd: 64 } as const;

/** The budget every rung gets (scripts/ladder.js; about ten minutes for all six on 2 CPU cores). */
export const LADDER_BUDGET: LadderBudget = { steps: 1000, batchSize: 32, lr: 3e-3, warmup: 50, seed: 1, evalBatches: 60, init: 'pytorch' };
