/**
 * Fine-tuning a GPT for text classification, as GPT-1 did (Radford et al. 2018, §3.2):
 *
 *   L3(C) = L2(C) + λ · L1(C)
 *
 * L2: cross-entropy of a linear head on the hidden state at the extract token <e>;
 * L1: the language-modelling loss on the same texts (the auxiliary objective; λ = 0.5 in the
 * paper). The model starts from a pretrained checkpoint, or from scratch for the ablation.
 *
 * Stage 3 of the three (general LM → in-domain LM → classifier), its loop: the loss, the
 * predictions and the training run. Its options are in options.ts, the model it starts from
 * comes from prepare.ts, the per-layer learning rates from schedule.ts.
 */
import * as path from 'path';
import * as tf from '@tensorflow/tfjs';
import { backendInfo } from '../engine/backend';
import { Rng } from '../engine/random';
import { type LoadedCheckpoint, loadCheckpoint, saveCheckpoint } from '../checkpoint/io';
import { check, InputError } from '../errors';
import type { SpamExample } from '../data/spam';
import { loadSpam, stratifiedSubset, toText } from '../data/spam';
import { classifierLogits } from '../model/classifier';
import { type GPT, crossEntropy } from '../model/gpt';
import { BpeTokenizer } from '../tokenize/bpe';
import { type EvalPointBase, type LoopSettings, loadForResume, newTrainState, runTraining, type TrainCallbacks, type TrainState, type TrainTask } from '../train/driver';
import { type ClassifierBatchData, encodeClassifierData, selectRows } from './inputs';
import { checkFinetuneOptions, type FinetuneOptions, LABELS } from './options';
import { prepareClassifier } from './prepare';
import { stage3Scale } from './schedule';

// The options moved to options.ts; re-exported for the command (cli/commands/classifier.ts) and
// recipe.ts, which import them from here.
export { DEFAULT_BODY_FINETUNE, DEFAULT_FINETUNE, type FinetuneOptions, LABELS, SMALL_SET_SCHEDULE, smallSetSchedule, type TokenInit } from './options';

export interface FinetuneProgress { readonly step: number; readonly total: number; readonly loss: number; readonly epoch: number }

/** An evaluation: the validation accuracy at the end of an epoch (or of a run cut short). */
export interface ClassifierEvalPoint extends EvalPointBase { readonly valAccuracy: number }

export type FinetuneState = TrainState<FinetuneOptions, ClassifierEvalPoint>;

/** What a fine-tuning run returns (`finetune` leaves out the tokenizer, which the caller has). */
export interface FinetuneResult {
  /** The classifier, with the best evaluation's weights (unless stopped early). */
  readonly model: GPT;
  /** Its tokenizer: the pretrained one with `<s>` and `<e>` added. */
  readonly tokenizer: BpeTokenizer;
  /** Optimizer steps run. */
  readonly steps: number;
  /** Validation accuracy after each epoch. */
  readonly valAccuracy: number[];
  /** The evaluation whose weights were kept (its index in `valAccuracy`). */
  readonly bestEpoch: number;
  /** The run's state: options, evaluation history, RNG, elapsed time. */
  readonly state: FinetuneState;
  /** Stopped by Ctrl-C (or `shouldStop`): the weights are the last step's, not the best epoch's. */
  readonly stoppedEarly: boolean;
}

/** Where a run trained into a folder keeps the weights of its best epoch so far (removed at the end). */
export const BEST_EPOCH_DIR = 'best-epoch';

/**
 * Encode spam examples for the classifier: each example's text as the task reads it (toText: the
 * subject, or the subject and `bodyChars` of the body), then encodeClassifierData with T ids per row.
 */
export function encodeSpam(tok: BpeTokenizer, examples: readonly SpamExample[], o: Pick<FinetuneOptions, 'task' | 'T' | 'bodyChars'>): ClassifierBatchData {
  return encodeClassifierData(tok, examples.map((e) => toText(e, o.task, o.bodyChars)), examples.map((e) => e.label), o.T);
}

/**
 * P(class) for every row of `data`, (N, K) with K = 2 (ham, spam) for the spam classifier: the
 * softmax of the head's logits at `<e>`, in eval mode (no dropout), `batchSize` rows at a time.
 */
export function predictProba(model: GPT, data: ClassifierBatchData, batchSize = 64): number[][] {
  const out: number[][] = [];
  for (let i = 0; i < data.n; i += batchSize) {
    const rows = Array.from({ length: Math.min(batchSize, data.n - i) }, (_, j) => i + j);
    const b = selectRows(data, rows);
    const p = tf.tidy(() => {
      const idx = tf.tensor2d(b.ids, [b.n, b.T], 'int32');
      return tf.softmax(classifierLogits(model, idx, tf.tensor1d(b.extract, 'int32')).logits).arraySync() as number[][];
    });
    out.push(...p);
  }
  return out;
}

/**
 * Fraction (0–1) of rows whose predicted class is their label: `probs` is (N, 2) as predictProba
 * returns it, a row counting as spam when P(spam) > P(ham). 0 for no rows.
 */
export function accuracyOf(probs: readonly number[][], labels: ArrayLike<number>): number {
  let ok = 0;
  probs.forEach((p, i) => { if ((p[1] > p[0] ? 1 : 0) === labels[i]) ok++; });
  return probs.length ? ok / probs.length : 0;
}

/**
 * GPT-1's fine-tuning loss of one batch, a scalar in nats: L2, the cross-entropy of the head's
 * class logits at `<e>` against the labels, plus λ·L1, the next-token loss of the same texts
 * (the auxiliary language-modelling loss; skipped when λ = 0). `training` turns dropout on,
 * seeded by `seed`.
 */
export function finetuneLoss(model: GPT, b: ClassifierBatchData, lambda: number, training: boolean, seed: number): tf.Scalar {
  return tf.tidy(() => {
    const idx = tf.tensor2d(b.ids, [b.n, b.T], 'int32');
    const { logits, hidden } = classifierLogits(model, idx, tf.tensor1d(b.extract, 'int32'), { training, seed });
    const clf = crossEntropy(logits, tf.tensor1d(b.labels, 'int32'));
    if (lambda === 0) return clf;
    const lm = crossEntropy(model.logits(hidden), tf.tensor2d(b.lmTargets, [b.n, b.T], 'int32'));
    return tf.add(clf, tf.mul(lm, lambda)) as tf.Scalar;
  });
}

/** How the driver trains: an evaluation at the end of each epoch (or every `evalEvery` steps). */
function finetuneSettings(o: FinetuneOptions, train: ClassifierBatchData, nLayer: number): LoopSettings {
  const perEpoch = Math.ceil(train.n / o.batchSize);
  const steps = o.maxSteps > 0 ? Math.min(o.maxSteps, perEpoch * o.epochs) : perEpoch * o.epochs;
  const lrScale = stage3Scale(o, nLayer, steps);
  return {
    ...(o.schedule === 'slanted' ? { shape: 'slanted' as const } : {}),
    ...(lrScale ? { lrScale } : {}),
    steps,
    minutes: o.minutes ?? 0, lr: o.lr, minLr: o.lr / 10,
    // GPT-1 warmed up linearly over 0.2 % of training; our runs are a few hundred steps, so we
    // warm up over 2 % (at least one step), then a cosine to lr/10.
    warmupFor: (total) => Math.max(1, Math.round(total * 0.02)),
    weightDecay: o.weightDecay, clip: 1, gradAccum: 1, evalEvery: o.evalEvery ?? perEpoch, saveEvery: o.saveEvery ?? 50,
  };
}

/** Run (or continue) the driver on the classifier task; the best epoch's weights are restored at the end. */
async function runFinetune(model: GPT, train: ClassifierBatchData, val: ClassifierBatchData, state: FinetuneState,
  cb: FinetuneCallbacks, run: { out: string | null; resumed?: LoadedCheckpoint; tokenizer?: BpeTokenizer; meta?: Record<string, unknown> } = { out: null }): Promise<Omit<FinetuneResult, 'tokenizer'>> {
  const o = state.options;
  check(train.T <= model.config.blockSize, `sequence length ${train.T} exceeds the model's context of ${model.config.blockSize} tokens`);
  const settings = finetuneSettings(o, train, model.config.nLayer);
  const perEpoch = Math.ceil(train.n / o.batchSize);
  // Each epoch visits the training rows in a fresh random order, drawn from the run's seed; a
  // resumed run replays the draws up to its epoch, so it sees the rows in the same order.
  const shuffler = new Rng(o.seed);
  let order: number[] = [];
  let orderEpoch = -1;
  const orderOf = (epoch: number): number[] => {
    for (; orderEpoch < epoch; orderEpoch++) {
      order = Array.from({ length: train.n }, (_, i) => i);
      for (let i = order.length - 1; i > 0; i--) { const j = shuffler.int(i + 1); [order[i], order[j]] = [order[j], order[i]]; }
    }
    return order;
  };
  const bestDir = run.out === null ? null : path.join(run.out, BEST_EPOCH_DIR);
  let bestWeights: Map<string, Float32Array> | null = null;
  const bestOf = (h: readonly ClassifierEvalPoint[]): number => h.reduce((b, p, i) => (p.valAccuracy > h[b].valAccuracy ? i : b), 0);
  const task: TrainTask<ClassifierEvalPoint> = {
    model,
    settings,
    tokensPerMicroBatch: o.batchSize * train.T,
    loss: (step) => {
      const s = step % perEpoch;
      const b = selectRows(train, orderOf(Math.floor(step / perEpoch)).slice(s * o.batchSize, (s + 1) * o.batchSize));
      return finetuneLoss(model, b, o.lambda, true, (o.seed * 7919 + step) >>> 0);
    },
    evaluate: () => ({ valAccuracy: accuracyOf(predictProba(model, val), val.labels) }),
    afterEval: () => {
      if (bestOf(state.history) !== state.history.length - 1) return;
      bestWeights = new Map([...model.params].map(([k, v]) => [k, v.dataSync().slice() as Float32Array]));
      if (bestDir) saveCheckpoint(bestDir, model, { kind: 'classifier', tokenizer: run.tokenizer?.toJSON() ?? null, meta: run.meta });
    },
    checkpoint: () => ({ kind: 'classifier', tokenizer: run.tokenizer?.toJSON() ?? null, meta: run.meta }),
  };
  const terminal = cb.terminal ? { label: 'train classifier ', describe: (p: ClassifierEvalPoint) => `epoch ${Math.ceil(p.step / perEpoch)}: validation accuracy ${(100 * p.valAccuracy).toFixed(2)} %` } : undefined;
  const res = await runTraining({ task, state, out: run.out, resumed: run.resumed, terminal }, cb);
  const valAccuracy = state.history.map((p) => p.valAccuracy);
  const bestEpoch = bestOf(state.history);
  if (!res.stoppedEarly && valAccuracy.length > 0 && bestEpoch !== valAccuracy.length - 1) {
    // The best epoch's weights: kept in memory, or saved by an earlier process of a resumed run.
    let best = bestWeights as Map<string, Float32Array> | null;
    if (!best && bestDir) {
      const ck = loadCheckpoint(bestDir);
      best = new Map([...ck.model.params].map(([k, v]) => [k, v.dataSync() as Float32Array]));
      ck.model.dispose();
    }
    check(best !== null, 'the best epoch\'s weights are missing');
    for (const [k, v] of best) { const t = tf.tensor(v, model.params.get(k)!.shape); model.params.get(k)!.assign(t); t.dispose(); }
  }
  return { model, steps: res.steps, valAccuracy, bestEpoch, state, stoppedEarly: res.stoppedEarly };
}

export type FinetuneCallbacks = TrainCallbacks<FinetuneState, ClassifierEvalPoint>;

/**
 * Fine-tune `model` (from prepareClassifier) in place on `train`, in memory (no checkpoints), with
 * the loss L2 + λ·L1 (finetuneLoss) and options `o`; the validation accuracy on `val` is measured
 * after each epoch (or every `evalEvery` steps) and the best evaluation's weights are restored at
 * the end. `onProgress` is called after each step, `onEpoch` after each evaluation.
 */
export async function finetune(model: GPT, train: ClassifierBatchData, val: ClassifierBatchData, o: FinetuneOptions,
  onProgress?: (p: FinetuneProgress) => void, onEpoch?: (epoch: number, valAccuracy: number) => void): Promise<Omit<FinetuneResult, 'tokenizer'>> {
  const settings = finetuneSettings(o, train, model.config.nLayer);
  const state: FinetuneState = newTrainState(o, o.seed, settings);
  return runFinetune(model, train, val, state, {
    onStep: (info) => onProgress?.({ step: info.step, total: state.scheduleSteps, loss: info.loss, epoch: Math.floor((info.step - 1) / settings.evalEvery) }),
    onEval: (p) => onEpoch?.(Math.ceil(p.step / settings.evalEvery), p.valAccuracy),
  });
}

/**
 * Fine-tune the pretrained model in `pretrained` into folder `out` (or resume the run there), as
 * `literate-gpt train classifier` does: checkpoints every `saveEvery` steps and at each epoch's
 * end, and the best epoch's weights restored when the run completes. The spam data are encoded
 * with the run's tokenizer and options.
 */
export async function trainClassifier(out: string, opts: FinetuneOptions, pretrained: string, resume: boolean, cb: FinetuneCallbacks = {}): Promise<FinetuneResult> {
  const log = cb.onLog ?? (() => undefined);
  const resumed = resume ? loadForResume<FinetuneOptions, ClassifierEvalPoint>(out, 'classifier', 'classifier', checkFinetuneOptions, ['valAccuracy'], log) : null;
  let model: GPT;
  let tokenizer: BpeTokenizer;
  let state: FinetuneState | null = null;
  let meta: Record<string, unknown>;
  if (resumed) {
    model = resumed.ck.model;
    state = resumed.state;
    meta = resumed.ck.json.meta;
    try {
      tokenizer = BpeTokenizer.fromJSON(resumed.ck.json.tokenizer);
    } catch (e) {
      model.dispose();
      tf.dispose([...resumed.ck.moments!.m.values(), ...resumed.ck.moments!.v.values()]);
      throw e;
    }
  } else {
    const o = checkFinetuneOptions(opts, (w) => { throw new InputError(`training option ${w}`); });
    ({ model, tokenizer } = prepareClassifier(pretrained, o.init, o.seed, { dropout: o.dropout, context: o.context, tokenInit: o.tokenInit }));
    meta = { task: o.task, T: o.T, bodyChars: o.bodyChars, labels: [...LABELS], init: o.init, lambda: o.lambda, pretrained: path.basename(pretrained), options: o };
  }
  const o = state?.options ?? opts;
  try {
    check(o.T <= model.config.blockSize, `--seq ${o.T} exceeds the model's context of ${model.config.blockSize} tokens (--context lengthens it)`);
    const ds = loadSpam();
    const train = encodeSpam(tokenizer, o.trainSize ? stratifiedSubset(ds.train, o.trainSize, o.seed) : ds.train, o);
    const val = encodeSpam(tokenizer, ds.val, o);
    state ??= newTrainState(o, o.seed, finetuneSettings(o, train, model.config.nLayer));
    log(`fine-tuning (${o.init}, λ=${o.lambda}, dropout ${model.config.dropout}) on ${train.n} ${o.task} examples, ${train.truncated} cut to ${o.T} tokens; ${backendInfo().backend}`);
    const res = await runFinetune(model, train, val, state, cb, { out, resumed: resumed?.ck, tokenizer, meta });
    return { ...res, tokenizer };
  } catch (e) {
    model.dispose();
    throw e;
  }
}
