/**
 * Fine-tuning a GPT for text classification, as GPT-1 did (Radford et al. 2018, §3.2):
 *
 *   L3(C) = L2(C) + λ · L1(C)
 *
 * L2: cross-entropy of a linear head on the hidden state at the extract token <e>;
 * L1: the language-modelling loss on the same texts (the auxiliary objective; λ = 0.5 in the
 * paper). The model starts from a pretrained checkpoint, or from scratch for the ablation.
 */
import * as path from 'path';
import * as tf from '@tensorflow/tfjs';
import { backendInfo } from '../engine/backend';
import { Rng } from '../engine/random';
import { type LoadedCheckpoint, loadCheckpoint, saveCheckpoint } from '../checkpoint/io';
import { check, InputError } from '../errors';
import type { SpamExample, SpamTask } from '../data/spam';
import { loadSpam, stratifiedSubset, toText } from '../data/spam';
import { SUBJECT_FRAME } from '../data/corpus';
import { classifierLogits } from '../model/classifier';
import { isHfFolder, loadGpt2 } from '../hf/load';
import { GPT, crossEntropy } from '../model/gpt';
import { BpeTokenizer } from '../tokenize/bpe';
import { type EvalPointBase, type LoopSettings, loadForResume, newTrainState, optionChecker, runTraining, type TrainCallbacks, type TrainState, type TrainTask } from '../train/driver';
import { type ClassifierBatchData, encodeClassifierData, EXTRACT, selectRows, START } from './inputs';
import { stage3Scale, type Unfreeze } from './schedule';
import { extendVocabulary } from './vocab';

/**
 * How `finetune` / `trainClassifier` fine-tune a pretrained GPT into a spam classifier (GPT-1's
 * recipe: a linear head on the hidden state at `<e>`, loss L2 + λ·L1). DEFAULT_FINETUNE has every
 * required field; pass `{ ...lg.DEFAULT_FINETUNE, epochs: 2 }` to change one. Checked field by
 * field: a value out of range is an InputError naming it.
 */
export interface FinetuneOptions {
  /** What the classifier reads: 'subject' (the subject line) or 'subject+body' (subject, then `bodyChars` of the body). */
  readonly task: SpamTask;
  /** Tokens per example, including `<s>` and `<e>` (texts are cut to fit). */
  readonly T: number;
  /** Characters of the body kept for the subject+body task. */
  readonly bodyChars: number;
  /** Start from the pretrained weights, or from a random initialisation of the same shape. */
  readonly init: 'pretrained' | 'scratch';
  /** Weight of the auxiliary language-modelling loss (0 = none). */
  readonly lambda: number;
  /** Passes over the training split (a shuffled order per epoch). */
  readonly epochs: number;
  /** Examples per optimizer step. */
  readonly batchSize: number;
  /** Peak learning rate of AdamW: linear warmup over 2 % of the steps, then cosine decay to lr/10. */
  readonly lr: number;
  /** AdamW's weight decay λ (on matmul weights only). */
  readonly weightDecay: number;
  /** Seeds the new head and token rows, the batch order and dropout: the same seed, the same run. */
  readonly seed: number;
  /** Stop early after this many steps (0 = run all epochs); for quick demos. */
  readonly maxSteps: number;
  /** Dropout while fine-tuning; undefined keeps the pretrained model's own rate. */
  readonly dropout?: number;
  /** Context of the classifier in tokens; undefined keeps the pretrained model's (see extendVocabulary). */
  readonly context?: number;
  /** Stop after this many minutes, the schedule fitted to them (0 or absent = no time limit). */
  readonly minutes?: number;
  /** Checkpoint every this many steps besides each epoch's end (absent: 50), when training into a folder. */
  readonly saveEvery?: number;
  /**
   * Fine-tune on a class-stratified, seeded subset of this many training examples
   * (`stratifiedSubset` with the run's seed; absent or 0 = the whole training split).
   * Validation and test are unchanged.
   */
  readonly trainSize?: number;
  /** Steps between validation evaluations (absent: one epoch); the best evaluation's weights are kept. */
  readonly evalEvery?: number;
  /**
   * How `<s>` and `<e>` start (absent: 'random'): 'random' rows, as GPT-1's new tokens, or
   * 'separators', copies of the tokens that played their parts in pretraining (see SEPARATOR_TEXT).
   */
  readonly tokenInit?: TokenInit;
  /** Stage 3: each layer learns this many times slower than the one above (absent or 1: all alike). */
  readonly discriminative?: number;
  /** Stage 3: the learning-rate curve (absent: 'cosine', warmup then cosine; 'slanted': ULMFiT's). */
  readonly schedule?: 'cosine' | 'slanted';
  /** Stage 3: which layers learn when (absent: 'all'; 'gradual' or 'head-first', see classify/schedule.ts). */
  readonly unfreeze?: Unfreeze;
}

/** How the classifier's new tokens `<s>` and `<e>` start. */
export type TokenInit = 'random' | 'separators';

/**
 * The texts whose (last) token `<s>` and `<e>` copy with tokenInit 'separators'. In the
 * pretraining text documents are joined by a blank line, and in the in-domain part a message's
 * subject is followed by a newline and then its body. `<e>` starts as the newline, "the subject
 * has ended": the hidden state at `<e>` is, from the first step, the pretrained model's reading
 * of the subject as it prepares to predict the body, not the reaction to a random vector. `<s>`
 * starts as the blank line encoded on its own, one merged token; inside the pretraining text a
 * blank line before a document is two newline tokens, so this row is a near relative of "a
 * document begins", not that token itself (kept so, since the label-efficiency grid was chosen
 * and run with it). A language model continued on the `spam-subjects` corpus part (data/corpus.ts)
 * reads every subject in exactly this frame, so after that stage both rows have played their parts.
 */
export const SEPARATOR_TEXT = { start: SUBJECT_FRAME.start, extract: SUBJECT_FRAME.end } as const;

/**
 * Defaults: the settings of the shipped subject classifier, chosen on the validation split
 * (scripts/train-classifiers.js says how): lr 1e-3 for four epochs without dropout.
 */
export const DEFAULT_FINETUNE: FinetuneOptions = {
  task: 'subject', T: 32, bodyChars: 600, init: 'pretrained', lambda: 0.5, epochs: 4, batchSize: 32,
  lr: 1e-3, weightDecay: 0.01, seed: 1, maxSteps: 0, dropout: 0, minutes: 0, saveEvery: 50,
};

/**
 * The schedule of a small training set (`trainSize`): a fixed number of steps rather than
 * epochs, since four epochs of 32 examples are four steps, with validation every `evalEvery`
 * steps and the best evaluation's weights kept, so the step count that counts is chosen on
 * validation for each run. The runs record every evaluation (valAccuracyPerEpoch), from which
 * the budget itself can be checked: most best evaluations well before the end means it can be
 * shorter, best at the end means longer.
 */
export const SMALL_SET_SCHEDULE = { steps: 200, evalEvery: 10 } as const;

/** Epochs, step limit and evaluation interval for `n` training examples in batches of `batchSize` (SMALL_SET_SCHEDULE). */
export function smallSetSchedule(n: number, batchSize: number, steps: number = SMALL_SET_SCHEDULE.steps): { epochs: number; maxSteps: number; evalEvery: number } {
  check(Number.isInteger(n) && n > 0 && Number.isInteger(batchSize) && batchSize > 0, `smallSetSchedule: n and batchSize must be positive integers, got ${n}, ${batchSize}`);
  const perEpoch = Math.ceil(n / batchSize);
  return { epochs: Math.ceil(steps / perEpoch), maxSteps: steps, evalEvery: Math.min(SMALL_SET_SCHEDULE.evalEvery, steps) };
}

/** The subject+body task's own defaults: a 256-token context (its texts are ~270 tokens) and 3 epochs. */
export const DEFAULT_BODY_FINETUNE = { context: 256, epochs: 3 } as const;

/** Class names by label: 0 is ham (not spam), 1 is spam, as in SpamExample.label and the head's two outputs. */
export const LABELS = ['ham', 'spam'] as const;

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
 * The model to fine-tune: the language model in `pretrainedDir` (our checkpoint, or a Hugging Face
 * GPT-2 folder) with `<s>` and `<e>` added to its vocabulary (rows initialised as `tokenInit` says)
 * and a fresh 2-class head seeded by `seed`; with init 'scratch', a randomly initialised twin of
 * the same shape and tokenizer. `dropout` replaces the pretrained model's dropout rate and
 * `context` lengthens its context (undefined: keep them). Throws an InputError for a bad option
 * or folder. The caller disposes the model.
 */
export function prepareClassifier(pretrainedDir: string, init: 'pretrained' | 'scratch', seed: number,
  opts: { dropout?: number; context?: number; tokenInit?: TokenInit } = {}): { model: GPT; tokenizer: BpeTokenizer } {
  const { dropout, context, tokenInit = 'random' } = opts;
  check(tokenInit === 'random' || tokenInit === 'separators', `tokenInit must be 'random' or 'separators', got '${String(tokenInit)}'`);
  check(dropout === undefined || (dropout >= 0 && dropout < 1), `dropout must be in [0, 1), got ${dropout}`);
  // Our LM checkpoint, or a Hugging Face GPT-2 folder (the released GPT-2: src/hf/load.ts).
  const hf = isHfFolder(pretrainedDir) ? loadGpt2(pretrainedDir) : null;
  const ck = hf ? { json: { kind: 'lm' as const, tokenizer: hf.tokenizer?.toJSON() ?? null }, model: hf.model, moments: null } : loadCheckpoint(pretrainedDir);
  let model: GPT;
  let tokenizer: BpeTokenizer;
  try {
    check(ck.json.kind === 'lm', `${pretrainedDir}: fine-tuning starts from a language model, this is a '${ck.json.kind}' checkpoint`);
    check(context === undefined || (Number.isInteger(context) && context >= ck.model.config.blockSize),
      () => `context must be an integer of at least the pretrained model's ${ck.model.config.blockSize} tokens, got ${context}`);
    tokenizer = BpeTokenizer.fromJSON(ck.json.tokenizer).withSpecialTokens([START, EXTRACT]);
    const extra = tokenizer.vocabSize - ck.model.config.vocabSize;
    model = extendVocabulary(ck.model, extra, seed, { ...(dropout === undefined ? {} : { dropout }), ...(context === undefined ? {} : { blockSize: context }) });
  } finally {
    // Refused or copied: the loaded model is not needed either way (no tensors left behind).
    ck.model.dispose();
    if (ck.moments) tf.dispose([...ck.moments.m.values(), ...ck.moments.v.values()]);
  }
  if (init === 'scratch') {
    const fresh = new GPT(model.config, { seed });
    model.dispose();
    model = fresh;
  }
  if (tokenInit === 'separators') {
    // For the scratch twin these copy random rows: the same treatment, nothing learned.
    const last = (text: string): number => { const ids = tokenizer.encode(text); return ids[ids.length - 1]; };
    copyEmbeddingRows(model, [[last(SEPARATOR_TEXT.start), tokenizer.specialTokens.get(START)!], [last(SEPARATOR_TEXT.extract), tokenizer.specialTokens.get(EXTRACT)!]]);
  }
  model.addClassifierHead(LABELS.length, seed + 7);
  return { model, tokenizer };
}

/** Set embedding row `to` to a copy of row `from`, for each pair. */
function copyEmbeddingRows(model: GPT, pairs: readonly (readonly [number, number])[]): void {
  const wte = model.params.get('wte')!;
  const next = tf.tidy(() => {
    const V = wte.shape[0];
    const src = Array.from({ length: V }, (_, i) => pairs.find(([, to]) => to === i)?.[0] ?? i);
    return tf.gather(wte, tf.tensor1d(src, 'int32'));
  });
  wte.assign(next);
  next.dispose();
}

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

/** Options from code, flags or a checkpoint being resumed, checked field by field. */
function checkFinetuneOptions(o: unknown, bad: (what: string) => never): FinetuneOptions {
  const { obj, num } = optionChecker(o, bad);
  if (obj.task !== 'subject' && obj.task !== 'subject+body') bad("task must be 'subject' or 'subject+body'");
  if (obj.init !== 'pretrained' && obj.init !== 'scratch') bad("init must be 'pretrained' or 'scratch'");
  num('T', 3, 65536, true);
  num('bodyChars', 0, 1_000_000, true);
  num('lambda', 0, 100);
  num('epochs', 1, 1_000_000, true);
  num('batchSize', 1, 4096, true);
  num('lr', 0, 1);
  num('weightDecay', 0, 10);
  num('seed', 0, 2 ** 32 - 1, true);
  num('maxSteps', 0, 10_000_000, true);
  if (obj.dropout !== undefined) num('dropout', 0, 0.99);
  if (obj.context !== undefined) num('context', 3, 65536, true);
  if (obj.minutes !== undefined) num('minutes', 0, 100_000);
  if (obj.saveEvery !== undefined) num('saveEvery', 1, 10_000_000, true);
  if (obj.trainSize !== undefined) num('trainSize', 0, 10_000_000, true);
  if (obj.evalEvery !== undefined) num('evalEvery', 1, 10_000_000, true);
  if (obj.tokenInit !== undefined && obj.tokenInit !== 'random' && obj.tokenInit !== 'separators') bad("tokenInit must be 'random' or 'separators'");
  if (obj.discriminative !== undefined) num('discriminative', 1, 100);
  if (obj.schedule !== undefined && obj.schedule !== 'cosine' && obj.schedule !== 'slanted') bad("schedule must be 'cosine' or 'slanted'");
  if (obj.unfreeze !== undefined && obj.unfreeze !== 'all' && obj.unfreeze !== 'gradual' && obj.unfreeze !== 'head-first') bad("unfreeze must be 'all', 'gradual' or 'head-first'");
  return obj as unknown as FinetuneOptions;
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
