/**
 * Fine-tuning a GPT for text classification, as GPT-1 did (Radford et al. 2018, §3.2):
 *
 *   L3(C) = L2(C) + λ · L1(C)
 *
 * L2: cross-entropy of a linear head on the hidden state at the extract token <e>;
 * L1: the language-modelling loss on the same texts (the auxiliary objective; λ = 0.5 in the
 * paper). The model starts from a pretrained checkpoint, or from scratch for the ablation.
 */
import * as tf from '@tensorflow/tfjs';
import { Rng } from '../engine/random';
import { loadCheckpoint } from '../checkpoint/io';
import { check } from '../errors';
import type { SpamExample, SpamTask } from '../data/spam';
import { toText } from '../data/spam';
import { classifierLogits } from '../model/classifier';
import { GPT, crossEntropy } from '../model/gpt';
import { BpeTokenizer } from '../tokenize/bpe';
import { Trainer } from '../train/trainer';
import { type ClassifierBatchData, encodeClassifierData, EXTRACT, selectRows, START } from './inputs';
import { extendVocabulary } from './vocab';

export interface FinetuneOptions {
  readonly task: SpamTask;
  /** Tokens per example, including <s> and <e> (texts are cut to fit). */
  readonly T: number;
  /** Characters of the body kept for the subject+body task. */
  readonly bodyChars: number;
  /** Start from the pretrained weights, or from a random initialisation of the same shape. */
  readonly init: 'pretrained' | 'scratch';
  /** Weight of the auxiliary language-modelling loss (0 = none). */
  readonly lambda: number;
  readonly epochs: number;
  readonly batchSize: number;
  readonly lr: number;
  readonly weightDecay: number;
  readonly seed: number;
  /** Stop early after this many steps (0 = run all epochs); for quick demos. */
  readonly maxSteps: number;
  /** Dropout while fine-tuning; undefined keeps the pretrained model's own rate. */
  readonly dropout?: number;
  /** Context of the classifier in tokens; undefined keeps the pretrained model's (see extendVocabulary). */
  readonly context?: number;
}

/**
 * Defaults: the settings of the shipped subject classifier, chosen on the validation split
 * (scripts/train-classifiers.js says how): lr 1e-3 for four epochs without dropout.
 */
export const DEFAULT_FINETUNE: FinetuneOptions = {
  task: 'subject', T: 32, bodyChars: 600, init: 'pretrained', lambda: 0.5, epochs: 4, batchSize: 32,
  lr: 1e-3, weightDecay: 0.01, seed: 1, maxSteps: 0, dropout: 0,
};

/** The subject+body task's own defaults: a 256-token context (its texts are ~270 tokens) and 3 epochs. */
export const DEFAULT_BODY_FINETUNE = { context: 256, epochs: 3 } as const;

export const LABELS = ['ham', 'spam'] as const;

export interface FinetuneProgress { readonly step: number; readonly total: number; readonly loss: number; readonly epoch: number }

export interface FinetuneResult {
  readonly model: GPT;
  readonly tokenizer: BpeTokenizer;
  readonly steps: number;
  /** Validation accuracy after each epoch. */
  readonly valAccuracy: number[];
  readonly bestEpoch: number;
}

/**
 * The pretrained model with <s>/<e> added and a fresh 2-class head (or a scratch twin).
 * `dropout` replaces the pretrained model's dropout rate and `context` lengthens its context
 * (undefined: keep them).
 */
export function prepareClassifier(pretrainedDir: string, init: 'pretrained' | 'scratch', seed: number,
  opts: { dropout?: number; context?: number } = {}): { model: GPT; tokenizer: BpeTokenizer } {
  const { dropout, context } = opts;
  check(dropout === undefined || (dropout >= 0 && dropout < 1), `dropout must be in [0, 1), got ${dropout}`);
  const ck = loadCheckpoint(pretrainedDir);
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
  model.addClassifierHead(LABELS.length, seed + 7);
  return { model, tokenizer };
}

/** Encode spam examples for the classifier. */
export function encodeSpam(tok: BpeTokenizer, examples: readonly SpamExample[], o: Pick<FinetuneOptions, 'task' | 'T' | 'bodyChars'>): ClassifierBatchData {
  return encodeClassifierData(tok, examples.map((e) => toText(e, o.task, o.bodyChars)), examples.map((e) => e.label), o.T);
}

/** P(class) for every row, (N, K), in batches. */
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

export function accuracyOf(probs: readonly number[][], labels: ArrayLike<number>): number {
  let ok = 0;
  probs.forEach((p, i) => { if ((p[1] > p[0] ? 1 : 0) === labels[i]) ok++; });
  return probs.length ? ok / probs.length : 0;
}

/** The combined loss L2 + λ·L1 of one batch. */
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

/**
 * Fine-tune `model` on train, pick the epoch with the best validation accuracy (its weights
 * are restored at the end).
 */
export function finetune(model: GPT, train: ClassifierBatchData, val: ClassifierBatchData, o: FinetuneOptions,
  onProgress?: (p: FinetuneProgress) => void, onEpoch?: (epoch: number, valAccuracy: number) => void): Omit<FinetuneResult, 'tokenizer'> {
  check(train.T <= model.config.blockSize, `sequence length ${train.T} exceeds the model's context of ${model.config.blockSize} tokens`);
  const perEpoch = Math.ceil(train.n / o.batchSize);
  const total = o.maxSteps > 0 ? Math.min(o.maxSteps, perEpoch * o.epochs) : perEpoch * o.epochs;
  const decay = new Map(model.specs.map((s) => [s.name, s.decay]));
  const trainer = new Trainer(model.params, (n) => decay.get(n) ?? false, {
    // GPT-1 warmed up linearly over 0.2 % of training; our runs are a few hundred steps, so we
    // warm up over 2 % (at least one step), then a cosine to lr/10.
    schedule: { lr: o.lr, minLr: o.lr / 10, warmup: Math.max(1, Math.round(total * 0.02)), total },
    gradAccum: 1, clip: 1, adamw: { weightDecay: o.weightDecay }, tokensPerMicroBatch: o.batchSize * train.T,
  });
  const rng = new Rng(o.seed);
  const valAccuracy: number[] = [];
  let best = -1;
  let bestEpoch = 0;
  let bestWeights: Map<string, Float32Array> | null = null;
  let step = 0;
  for (let epoch = 0; epoch < o.epochs && step < total; epoch++) {
    const order = Array.from({ length: train.n }, (_, i) => i);
    for (let i = order.length - 1; i > 0; i--) { const j = rng.int(i + 1); [order[i], order[j]] = [order[j], order[i]]; }
    for (let s = 0; s < perEpoch && step < total; s++) {
      const b = selectRows(train, order.slice(s * o.batchSize, (s + 1) * o.batchSize));
      const info = trainer.trainStep(() => finetuneLoss(model, b, o.lambda, true, (o.seed * 7919 + step) >>> 0));
      step = info.step;
      onProgress?.({ step, total, loss: info.loss, epoch });
    }
    const acc = accuracyOf(predictProba(model, val), val.labels);
    valAccuracy.push(acc);
    onEpoch?.(epoch + 1, acc);
    if (acc > best) {
      best = acc;
      bestEpoch = epoch;
      bestWeights = new Map([...model.params].map(([k, v]) => [k, v.dataSync().slice() as Float32Array]));
    }
  }
  if (bestWeights) for (const [k, v] of bestWeights) { const t = tf.tensor(v, model.params.get(k)!.shape); model.params.get(k)!.assign(t); t.dispose(); }
  trainer.dispose();
  return { model, steps: step, valAccuracy, bestEpoch };
}
