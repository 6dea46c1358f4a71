/**
 * A generative classifier (issue 25, item 5): the language model itself, conditioned on the
 * class, classifies by Bayes' rule — which class makes the subject most likely.
 *
 *   P(class | subject) ∝ P(class) · P(subject tokens, closing frame token | class cue)
 *
 * Each labelled subject is read as a class cue followed by the subject in the frame the stage-2
 * LM was trained on (SUBJECT_FRAME: "\n\n" + subject + "\n"). Training is the ordinary
 * language-modelling loss on the N labelled examples, scored on exactly the tokens that the
 * classifier later scores (the subject and the closing newline); no head, no new parameters.
 * Known to do well at very small N (Yogatama et al. 2017; Ng & Jordan 2002 for the general
 * generative-vs-discriminative argument): the model only has to learn a shift of a distribution
 * it already knows, not a decision boundary from scratch.
 */
import * as tf from '@tensorflow/tfjs';
import { loadCheckpoint } from '../checkpoint/io';
import { SUBJECT_FRAME } from '../data/corpus';
import type { SpamExample } from '../data/spam';
import { Rng } from '../engine/random';
import { check, InputError } from '../errors';
import { crossEntropy, type GPT } from '../model/gpt';
import { BpeTokenizer } from '../tokenize/bpe';
import { type EvalPointBase, type LoopSettings, newTrainState, runTraining, type TrainState, type TrainTask } from '../train/driver';

/**
 * The class cues, by label (0 = ham, 1 = spam): plain words, encoded by the LM's own tokenizer
 * and put in front of the framed subject. Chosen over new class tokens because they cost
 * nothing and change nothing: the vocabulary, and so the softmax the LM was pretrained with
 * (tied to the embedding), stays as it was — a new token would also become a possible *output*
 * in the middle of a subject — and the cue starts from rows the LM already learned (the word
 * "spam" does occur in the training subjects), not from random or borrowed vectors. Which word
 * is which class only matters through what fine-tuning makes of it.
 */
export const GENERATIVE_CUES = ['ham', 'spam'] as const;

/** How `trainGenerativeClassifier` trains; `steps` is required, the rest has defaults (DEFAULT_GENERATIVE). */
export interface GenerativeOptions {
  /** Optimizer steps (AdamW, one batch each); a fixed count, chosen once (scripts/generative-choice.js). */
  readonly steps: number;
  /** Peak learning rate: linear warmup over 2 % of the steps, then cosine decay to lr/10 (as fine-tuning). */
  readonly lr?: number;
  /** Examples per step (fewer when the training set is smaller). */
  readonly batchSize?: number;
  /** AdamW's weight decay (matmul weights only). */
  readonly weightDecay?: number;
  /** Dropout while training; absent keeps the LM's own rate. Scoring never uses dropout. */
  readonly dropout?: number;
  /** Seeds the batch order and the dropout masks: the same seed, the same classifier. */
  readonly seed?: number;
  /** Additive smoothing of the class prior: P(c) = (count_c + α) / (N + 2α). */
  readonly priorSmoothing?: number;
  /** Call `onEvaluate` every this many steps (and at the last); absent: only at the last. */
  readonly evalEvery?: number;
  /** Called during training with the classifier as it stands after `step` steps (for learning curves). */
  readonly onEvaluate?: (step: number, clf: GenerativeClassifier) => void;
}

/** The defaults of every optional GenerativeOptions field (dropout: the LM's own). */
export const DEFAULT_GENERATIVE = { lr: 1e-3, batchSize: 32, weightDecay: 0.01, seed: 1, priorSmoothing: 1 } as const;

/** A trained generative classifier: the class-conditioned LM plus the class prior. Dispose it when done. */
export interface GenerativeClassifier {
  /** The fine-tuned language model (owned by the classifier). */
  readonly model: GPT;
  /** The LM's tokenizer, unchanged. */
  readonly tokenizer: BpeTokenizer;
  /** log P(class) by label (0 = ham, 1 = spam), from the training labels, smoothed. */
  readonly logPrior: readonly [number, number];
  /** Optimizer steps run. */
  readonly steps: number;
  /** [step, training loss in nats/token] after every step. */
  readonly trainCurve: readonly (readonly [number, number])[];
  /**
   * log P(subject tokens, closing frame token | cue) for each subject, under each class:
   * `[ham[], spam[]]`, in nats. Eval mode (no dropout), batched forward passes.
   */
  logLikelihoods(subjects: readonly string[]): [number[], number[]];
  /** P(spam | subject) for each subject by Bayes' rule (0–1); a subject too long for the context is cut. */
  probaSpam(subjects: readonly string[]): number[];
  /** Free the model's weights. */
  dispose(): void;
}

/** One conditioned sequence: ids, and the number of leading ids that are not scored (cue + frame start). */
interface Sequence { readonly ids: number[]; readonly skip: number }

/**
 * The ids the classifier reads for `subject` under class cue `cueIds`: the cue, then
 * `"\n\n" + subject + "\n"` encoded as one text (as the stage-2 LM read it). Every token after
 * the frame's opening is scored. When the whole does not fit `blockSize`, the subject is cut
 * and the closing frame token kept, as encodeClassifierData keeps `<e>`.
 */
function conditionedSequence(tok: BpeTokenizer, cueIds: readonly number[], subject: string, blockSize: number, frame: FrameIds): Sequence {
  let ids = tok.encode(SUBJECT_FRAME.start + subject + SUBJECT_FRAME.end);
  const room = blockSize - cueIds.length;
  if (ids.length > room) ids = [...ids.slice(0, room - frame.end.length), ...frame.end];
  return { ids: [...cueIds, ...ids], skip: cueIds.length + frame.startCount };
}

/** The frame's closing ids and how many ids its opening takes (encoded alone, with a subject after it). */
interface FrameIds { readonly end: number[]; readonly startCount: number }

function frameIds(tok: BpeTokenizer): FrameIds {
  const end = tok.encode(SUBJECT_FRAME.end);
  // The opening newlines stay their own tokens before a subject's first word (checked: 'x' is any word).
  const startCount = tok.encode(SUBJECT_FRAME.start + 'x').length - tok.encode('x').length;
  return { end, startCount: Math.max(1, startCount) };
}

/** Sequences padded to the batch's longest: ids (B, T) and next-token targets (B, T), −1 where not scored. */
function padBatch(seqs: readonly Sequence[]): { ids: Int32Array; targets: Int32Array; B: number; T: number } {
  const B = seqs.length;
  const T = Math.max(...seqs.map((s) => s.ids.length));
  const ids = new Int32Array(B * T);
  const targets = new Int32Array(B * T).fill(-1);
  seqs.forEach((s, b) => {
    const L = s.ids.length;
    ids.set(s.ids, b * T);
    ids.fill(s.ids[L - 1], b * T + L, (b + 1) * T);
    // Position t predicts id t + 1; the scored ids are those from `skip` on.
    for (let t = s.skip - 1; t < L - 1; t++) targets[b * T + t] = s.ids[t + 1];
  });
  return { ids, targets, B, T };
}

/** Sum of log P(target) per row over the scored positions, in eval mode, (B). */
function sequenceLogProbs(model: GPT, seqs: readonly Sequence[]): number[] {
  const { ids, targets, B, T } = padBatch(seqs);
  const V = model.config.vocabSize;
  const pick = new Int32Array(B * T);
  const mask = new Float32Array(B * T);
  for (let i = 0; i < B * T; i++) {
    pick[i] = i * V + Math.max(0, targets[i]);
    mask[i] = targets[i] >= 0 ? 1 : 0;
  }
  return tf.tidy(() => {
    const { hidden } = model.forward(tf.tensor2d(ids, [B, T], 'int32'));
    const logits = model.logits(hidden); // (B, T, V)
    const lse = tf.logSumExp(logits, -1); // (B, T)
    const picked = tf.gather(logits.reshape([-1]), tf.tensor1d(pick, 'int32')).reshape([B, T]);
    return tf.sum(tf.mul(tf.sub(picked, lse), tf.tensor2d(mask, [B, T])), 1).arraySync() as number[];
  });
}

/** Rows per forward pass when scoring. */
const SCORE_BATCH = 64;

/**
 * Train a generative classifier from the language model in `pretrainedDir` (our 'lm'
 * checkpoint, e.g. data/checkpoints/lm-task) on the labelled `train` subjects: each is read as
 * its class cue (GENERATIVE_CUES) followed by the framed subject, and the LM is trained with the
 * next-token loss on the subject and closing tokens for `opts.steps` AdamW steps (the project's
 * Trainer via runTraining, in memory; the learning-rate schedule of fine-tuning), batches drawn
 * in a seeded shuffled order. Resolves to the classifier; the caller disposes it. Throws an
 * InputError for an empty training set, a label other than 0/1, steps that are not a positive
 * integer, another option out of range, or a folder that is not a language-model checkpoint.
 */
export async function trainGenerativeClassifier(pretrainedDir: string, train: readonly SpamExample[], opts: GenerativeOptions): Promise<GenerativeClassifier> {
  const o = { ...DEFAULT_GENERATIVE, ...opts };
  check(Array.isArray(train) && train.length > 0, 'the generative classifier needs at least one labelled training example, got an empty training set');
  check(train.every((e) => e.label === 0 || e.label === 1), 'training labels must be 0 (ham) or 1 (spam)');
  check(Number.isInteger(o.steps) && o.steps > 0, `steps must be a positive integer, got ${String(o.steps)}`);
  check(typeof o.lr === 'number' && o.lr > 0 && o.lr < 1, `lr must be in (0, 1), got ${String(o.lr)}`);
  check(Number.isInteger(o.batchSize) && o.batchSize > 0, `batchSize must be a positive integer, got ${String(o.batchSize)}`);
  check(o.weightDecay >= 0 && o.weightDecay <= 10, `weightDecay must be in [0, 10], got ${String(o.weightDecay)}`);
  check(Number.isInteger(o.seed) && o.seed >= 0 && o.seed < 2 ** 32, `seed must be a 32-bit unsigned integer, got ${String(o.seed)}`);
  check(o.priorSmoothing >= 0 && Number.isFinite(o.priorSmoothing), `priorSmoothing must be ≥ 0, got ${String(o.priorSmoothing)}`);
  check(o.dropout === undefined || (o.dropout >= 0 && o.dropout < 1), `dropout must be in [0, 1), got ${String(o.dropout)}`);
  check(o.evalEvery === undefined || (Number.isInteger(o.evalEvery) && o.evalEvery > 0), `evalEvery must be a positive integer, got ${String(o.evalEvery)}`);

  const ck = loadCheckpoint(pretrainedDir);
  if (ck.moments) tf.dispose([...ck.moments.m.values(), ...ck.moments.v.values()]);
  const model = ck.model;
  let tokenizer: BpeTokenizer;
  try {
    if (ck.json.kind !== 'lm') throw new InputError(`${pretrainedDir}: the generative classifier starts from a language model, this is a '${ck.json.kind}' checkpoint`);
    if (model.nClasses > 0) throw new InputError(`${pretrainedDir}: has a classification head; the generative classifier needs a plain language model`);
    if (ck.json.tokenizer === null) throw new InputError(`${pretrainedDir}: has no tokenizer; the generative classifier reads text`);
    tokenizer = BpeTokenizer.fromJSON(ck.json.tokenizer);
    // The model is this classifier's own copy: its training dropout rate may be replaced in place.
    if (o.dropout !== undefined) (model.config as { dropout: number }).dropout = o.dropout;
  } catch (e) {
    model.dispose();
    throw e;
  }

  const frame = frameIds(tokenizer);
  const cues = GENERATIVE_CUES.map((c) => tokenizer.encode(c));
  check(Math.max(...cues.map((c) => c.length)) + frame.startCount + 1 + frame.end.length <= model.config.blockSize,
    () => `the model's context of ${model.config.blockSize} tokens is too short for a class cue and a subject`);
  const encode = (subject: string, label: number): Sequence => conditionedSequence(tokenizer, cues[label], subject, model.config.blockSize, frame);
  const seqs = train.map((e) => encode(e.subject, e.label));

  const nSpam = train.filter((e) => e.label === 1).length;
  const a = o.priorSmoothing;
  const N = train.length;
  const logPrior: [number, number] = [Math.log((N - nSpam + a) / (N + 2 * a)), Math.log((nSpam + a) / (N + 2 * a))];

  const trainCurve: [number, number][] = [];
  const logLikelihoods = (subjects: readonly string[]): [number[], number[]] => {
    const out: [number[], number[]] = [new Array(subjects.length), new Array(subjects.length)];
    for (const label of [0, 1]) {
      const all = subjects.map((s) => encode(s, label));
      // Similar lengths share a batch: less padding, fewer wasted positions.
      const order = all.map((_, i) => i).sort((x, y) => all[x].ids.length - all[y].ids.length);
      for (let i = 0; i < order.length; i += SCORE_BATCH) {
        const rows = order.slice(i, i + SCORE_BATCH);
        const lp = sequenceLogProbs(model, rows.map((r) => all[r]));
        rows.forEach((r, j) => { out[label][r] = lp[j]; });
      }
    }
    return out;
  };
  const clf: GenerativeClassifier = {
    model, tokenizer, logPrior, trainCurve,
    get steps() { return trainCurve.length; },
    logLikelihoods,
    probaSpam(subjects) {
      const [ham, spam] = logLikelihoods(subjects);
      // P(spam | s) = σ(log P(spam) + log P(s | spam) − log P(ham) − log P(s | ham)).
      return ham.map((h, i) => 1 / (1 + Math.exp(logPrior[0] + h - logPrior[1] - spam[i])));
    },
    dispose() { model.dispose(); },
  };

  const batchSize = Math.min(o.batchSize, N);
  const perEpoch = Math.ceil(N / batchSize);
  const shuffler = new Rng(o.seed);
  let order: number[] = [];
  let orderEpoch = -1;
  const orderOf = (epoch: number): number[] => {
    for (; orderEpoch < epoch; orderEpoch++) {
      order = Array.from({ length: N }, (_, i) => i);
      for (let i = order.length - 1; i > 0; i--) { const j = shuffler.int(i + 1); [order[i], order[j]] = [order[j], order[i]]; }
    }
    return order;
  };
  const settings: LoopSettings = {
    steps: o.steps, minutes: 0, lr: o.lr, minLr: o.lr / 10,
    warmupFor: (total) => Math.max(1, Math.round(total * 0.02)),
    weightDecay: o.weightDecay, clip: 1, gradAccum: 1, evalEvery: o.evalEvery ?? o.steps, saveEvery: Infinity,
  };
  const task: TrainTask<EvalPointBase> = {
    model, settings,
    tokensPerMicroBatch: batchSize * Math.round(seqs.reduce((s, q) => s + q.ids.length, 0) / N),
    loss: (step) => {
      const s = step % perEpoch;
      const rows = orderOf(Math.floor(step / perEpoch)).slice(s * batchSize, (s + 1) * batchSize);
      const b = padBatch(rows.map((r) => seqs[r]));
      return tf.tidy(() => crossEntropy(
        model.logits(model.forward(tf.tensor2d(b.ids, [b.B, b.T], 'int32'), { training: true, seed: (o.seed * 7919 + step) >>> 0 }).hidden),
        tf.tensor2d(b.targets, [b.B, b.T], 'int32')));
    },
    evaluate: (step) => { o.onEvaluate?.(step, clf); return {}; },
    checkpoint: () => ({ kind: 'lm', tokenizer: tokenizer.toJSON(), meta: {} }),
  };
  const state: TrainState<GenerativeOptions, EvalPointBase> = newTrainState(opts, o.seed, settings);
  try {
    await runTraining({ task, state, out: null }, { onStep: (info) => { trainCurve.push([info.step, info.loss]); } });
  } catch (e) {
    model.dispose();
    throw e;
  }
  return clf;
}
