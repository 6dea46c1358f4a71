/**
 * Generative pretraining of a GPT on a text corpus, end to end: tokenizer, batches, the
 * training loop, periodic evaluation and checkpoints, resume. Used by `literate-gpt train lm`
 * and notebook 03.
 */
import * as fs from 'fs';
import * as path from 'path';
import * as tf from '@tensorflow/tfjs';
import { backendInfo } from '../engine/backend';
import { Rng, type RngState } from '../engine/random';
import { loadCheckpoint, saveCheckpoint } from '../checkpoint/io';
import { CHECKPOINT_FILE } from '../checkpoint/format';
import { type CorpusName, loadCorpus } from '../data/corpus';
import { sampleBatch, sequentialBatches } from '../data/batches';
import { InputError } from '../errors';
import { type GPTConfig, makeConfig, type PresetName } from '../model/config';
import { GPT } from '../model/gpt';
import { BpeTokenizer } from '../tokenize/bpe';
import { CharTokenizer } from '../tokenize/char';
import type { Tokenizer } from '../tokenize/tokenizer';
import { DivergedError, type StepInfo, Trainer } from './trainer';

export interface LmTrainOptions {
  readonly corpus: CorpusName;
  /** 'char', or 'bpe' with tokenizerVocab tokens (trained on the training text). */
  readonly tokenizer: 'char' | 'bpe';
  readonly tokenizerVocab: number;
  readonly preset: PresetName;
  readonly model?: Partial<Omit<GPTConfig, 'vocabSize'>>;
  readonly batchSize: number;
  readonly gradAccum: number;
  /** Stop after this many optimizer steps… */
  readonly steps: number;
  /** …or after this many minutes of training, whichever comes first (0 = no time limit). */
  readonly minutes: number;
  readonly lr: number;
  readonly minLr: number;
  readonly warmup: number;
  readonly weightDecay: number;
  readonly clip: number;
  readonly evalEvery: number;
  /** Validation batches per periodic evaluation (the final one uses the whole text). */
  readonly evalBatches: number;
  readonly seed: number;
}

export const DEFAULT_LM_OPTIONS: LmTrainOptions = {
  corpus: 'moby-dick', tokenizer: 'char', tokenizerVocab: 2048, preset: 'nano', batchSize: 32, gradAccum: 1,
  steps: 5000, minutes: 0, lr: 1e-3, minLr: 1e-4, warmup: 100, weightDecay: 0.1, clip: 1, evalEvery: 100,
  evalBatches: 8, seed: 1337,
};

export interface EvalPoint { readonly step: number; readonly trainLoss: number; readonly valLoss: number; readonly elapsedMs: number }

export interface LmTrainState {
  readonly options: LmTrainOptions;
  /** Total steps of the LR schedule (fixed once known, so a resumed run follows the same curve). */
  scheduleSteps: number;
  rng: RngState;
  elapsedMs: number;
  tokensSeen: number;
  history: EvalPoint[];
  trainCurve: [number, number][];
}

export interface LmCallbacks {
  onStep?(info: StepInfo, state: LmTrainState): void;
  onEval?(point: EvalPoint): void;
  onLog?(line: string): void;
  /** Polled each step; true stops training after saving a checkpoint (Ctrl-C). */
  shouldStop?(): boolean;
}

export interface LmTrainResult {
  readonly model: GPT;
  readonly tokenizer: Tokenizer & { toJSON(): unknown };
  readonly state: LmTrainState;
  readonly steps: number;
  readonly valLoss: number;
  readonly bitsPerByte: number;
  readonly tokensPerSecond: number;
  readonly stoppedEarly: boolean;
}

/** Rebuild a tokenizer from the JSON a checkpoint stores. */
export function tokenizerFromJson(json: unknown): Tokenizer & { toJSON(): unknown } {
  const format = (json as { format?: unknown } | null)?.format;
  if (format === 'literate-gpt-char') return CharTokenizer.fromJSON(json);
  if (format === 'literate-gpt-bpe') return BpeTokenizer.fromJSON(json);
  throw new InputError(`unknown tokenizer format ${JSON.stringify(format)}`);
}

function buildTokenizer(o: LmTrainOptions, text: string): Tokenizer & { toJSON(): unknown } {
  if (o.tokenizer === 'char') return CharTokenizer.fromText(text);
  return BpeTokenizer.train(text, o.tokenizerVocab);
}

/** Mean validation loss (nats/token) over the first `maxBatches` sequential windows (all if omitted). */
export function evaluateLm(model: GPT, ids: Int32Array, batchSize: number, maxBatches = Infinity): number {
  const T = model.config.blockSize;
  let total = 0;
  let rowsSeen = 0;
  let batches = 0;
  for (const b of sequentialBatches(ids, batchSize, T)) {
    if (batches++ >= maxBatches) break;
    const rows = b.x.length / T;
    const loss = tf.tidy(() => model.lmLoss(tf.tensor2d(b.x, [rows, T], 'int32'), tf.tensor2d(b.y, [rows, T], 'int32')).dataSync()[0]);
    total += loss * rows; // every row has T targets, so rows weight the mean correctly
    rowsSeen += rows;
  }
  return total / rowsSeen;
}

/** Bits per UTF-8 byte of a text, from a per-token loss and the text's token/byte counts. */
export function bitsPerByte(lossNatsPerToken: number, tokens: number, bytes: number): number {
  return (lossNatsPerToken * tokens) / (bytes * Math.LN2);
}

/** Train (or resume) a language model into folder `out`. */
export async function trainLm(out: string, opts: Partial<LmTrainOptions>, resume: boolean, cb: LmCallbacks = {}): Promise<LmTrainResult> {
  const log = cb.onLog ?? (() => undefined);
  let model: GPT;
  let tokenizer: Tokenizer & { toJSON(): unknown };
  let state: LmTrainState;
  let trainer: Trainer;
  const ckptExists = fs.existsSync(path.join(out, CHECKPOINT_FILE));
  if (resume && ckptExists) {
    const ck = loadCheckpoint(out);
    if (ck.json.kind !== 'lm' || !ck.json.trainState) throw new InputError(`${out}: not a resumable language-model checkpoint`);
    state = ck.json.trainState as unknown as LmTrainState;
    tokenizer = tokenizerFromJson(ck.json.tokenizer);
    model = ck.model;
    trainer = makeTrainer(model, state.options, state.scheduleSteps);
    if (ck.moments) {
      trainer.optimizer.step = ck.json.optimizer!.step;
      for (const [k, t] of ck.moments.m) { trainer.optimizer.m.set(k, tf.variable(t, false)); t.dispose(); }
      for (const [k, t] of ck.moments.v) { trainer.optimizer.v.set(k, tf.variable(t, false)); t.dispose(); }
    }
    log(`resuming from step ${trainer.step} of ${state.scheduleSteps} (${out})`);
  } else {
    if (resume) log(`no checkpoint in ${out} yet: starting fresh`);
    const o: LmTrainOptions = { ...DEFAULT_LM_OPTIONS, ...opts };
    const corpus = loadCorpus(o.corpus);
    const t0 = performance.now();
    tokenizer = buildTokenizer(o, corpus.train);
    log(`tokenizer: ${o.tokenizer}, ${tokenizer.vocabSize} tokens (${((performance.now() - t0) / 1000).toFixed(1)} s)`);
    const config = makeConfig({ preset: o.preset, ...o.model, vocabSize: tokenizer.vocabSize });
    model = new GPT(config, { seed: o.seed });
    state = { options: o, scheduleSteps: o.steps, rng: new Rng(o.seed ^ 0x5bd1e995).getState(), elapsedMs: 0, tokensSeen: 0, history: [], trainCurve: [] };
    trainer = makeTrainer(model, o, o.steps);
  }
  const o = state.options;
  const corpus = loadCorpus(o.corpus);
  const trainIds = Int32Array.from(tokenizer.encode(corpus.train));
  const valIds = Int32Array.from(tokenizer.encode(corpus.val));
  const valBytes = Buffer.byteLength(corpus.val, 'utf8');
  log(`data: ${trainIds.length} train / ${valIds.length} val tokens; model ${model.numParams().toLocaleString('en')} parameters on ${backendInfo().backend}`);
  const T = model.config.blockSize;
  const rng = new Rng(0);
  rng.setState(state.rng);

  const save = (): void => {
    state.rng = rng.getState();
    saveCheckpoint(out, model, { kind: 'lm', tokenizer: tokenizer.toJSON(), optimizer: trainer.optimizer, trainState: state as unknown as Record<string, unknown>, metrics: lastMetrics(state) });
  };

  let stoppedEarly = false;
  let lastTps = 0;
  const budgetMs = o.minutes > 0 ? o.minutes * 60_000 : Infinity;
  const runStart = performance.now() - state.elapsedMs;
  let stepMark = 0;
  try {
    while (trainer.step < state.scheduleSteps) {
      if (cb.shouldStop?.()) { stoppedEarly = true; break; }
      const elapsed = performance.now() - runStart;
      if (elapsed >= budgetMs) break;
      // With a time budget, fix the schedule's length once the step time is known (steps
      // 3–10, after the first steps' one-off graph and memory set-up).
      if (trainer.step === 3) stepMark = elapsed;
      if (o.minutes > 0 && trainer.step === 10 && state.scheduleSteps === o.steps) {
        const perStep = (elapsed - stepMark) / 7;
        state.scheduleSteps = Math.max(10, Math.min(o.steps, 10 + Math.floor((budgetMs - elapsed) / perStep)));
        setScheduleLength(trainer, state.scheduleSteps, o.warmup);
        log(`time budget ${o.minutes} min ≈ ${state.scheduleSteps} steps`);
      }
      const stepSeed = (o.seed * 1_000_003 + trainer.step) >>> 0;
      const info = trainer.trainStep((micro) => {
        const b = sampleBatch(trainIds, o.batchSize, T, rng);
        return tf.tidy(() => model.lmLoss(tf.tensor2d(b.x, [o.batchSize, T], 'int32'), tf.tensor2d(b.y, [o.batchSize, T], 'int32'),
          { training: true, seed: (stepSeed + micro * 7919) >>> 0 }));
      });
      state.tokensSeen += o.batchSize * T * o.gradAccum;
      state.elapsedMs = performance.now() - runStart;
      lastTps = info.tokensPerSecond;
      state.trainCurve.push([info.step, info.loss]);
      cb.onStep?.(info, state);
      if (info.step % o.evalEvery === 0 || info.step === state.scheduleSteps) {
        const valLoss = evaluateLm(model, valIds, o.batchSize, o.evalBatches);
        const recent = state.trainCurve.slice(-o.evalEvery).map((p) => p[1]);
        const point: EvalPoint = { step: info.step, trainLoss: recent.reduce((a, b) => a + b, 0) / recent.length, valLoss, elapsedMs: state.elapsedMs };
        state.history.push(point);
        cb.onEval?.(point);
        save();
      }
    }
  } catch (e) {
    if (e instanceof DivergedError) throw new InputError(`${e.message}; the last good checkpoint in ${out} is kept`);
    throw e;
  }
  save();
  const valLoss = evaluateLm(model, valIds, o.batchSize);
  const bpb = bitsPerByte(valLoss, valIds.length, valBytes);
  const steps = trainer.step;
  trainer.dispose();
  return { model, tokenizer, state, steps, valLoss, bitsPerByte: bpb, tokensPerSecond: lastTps, stoppedEarly };
}

function lastMetrics(state: LmTrainState): Record<string, number> {
  const h = state.history[state.history.length - 1];
  return h ? { step: h.step, valLoss: h.valLoss, trainLoss: h.trainLoss } : {};
}

/** Warmup is at most a tenth of a short run, so that the peak learning rate is reached. */
function warmupFor(total: number, warmup: number): number {
  return Math.min(warmup, Math.max(1, Math.floor(total / 10)));
}

function setScheduleLength(trainer: Trainer, total: number, warmup: number): void {
  const s = trainer.opts.schedule as { total: number; warmup: number };
  s.total = total;
  s.warmup = warmupFor(total, warmup);
}

function makeTrainer(model: GPT, o: LmTrainOptions, total: number): Trainer {
  const decay = new Map(model.specs.map((s) => [s.name, s.decay]));
  return new Trainer(model.params, (n) => decay.get(n) ?? false, {
    schedule: { lr: o.lr, minLr: o.minLr, warmup: warmupFor(total, o.warmup), total },
    gradAccum: o.gradAccum,
    clip: o.clip,
    adamw: { weightDecay: o.weightDecay },
    tokensPerMicroBatch: o.batchSize * model.config.blockSize,
  });
}
