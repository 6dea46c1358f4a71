/**
 * Generative pretraining of a GPT on a text corpus, end to end: tokenizer, batches, the
 * training loop, periodic evaluation and checkpoints, resume. Used by `literate-gpt train lm`
 * and notebook 04.
 */
import * as fs from 'fs';
import * as path from 'path';
import * as tf from '@tensorflow/tfjs';
import { backendInfo } from '../engine/backend';
import { Rng, type RngState } from '../engine/random';
import { loadCheckpoint, NonFiniteWeightsError, saveCheckpoint } from '../checkpoint/io';
import { CHECKPOINT_FILE, MAX_WEIGHT_BYTES } from '../checkpoint/format';
import { tokenizerFromJson } from '../checkpoint/tokenizer';
import { CORPUS_NAMES, type CorpusName, loadCorpus } from '../data/corpus';
import { sampleBatch, sequentialBatches } from '../data/batches';
import { InputError } from '../errors';
import { type GPTConfig, isPreset, makeConfig, paramCount, type PresetName } from '../model/config';
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
  /** Validation batches per periodic evaluation. */
  readonly evalBatches: number;
  /** Validation batches of the final evaluation (0 = the whole validation text). */
  readonly finalEvalBatches: number;
  readonly seed: number;
}

export const DEFAULT_LM_OPTIONS: LmTrainOptions = {
  corpus: 'moby-dick', tokenizer: 'char', tokenizerVocab: 2048, preset: 'nano', batchSize: 32, gradAccum: 1,
  steps: 5000, minutes: 0, lr: 1e-3, minLr: 1e-4, warmup: 100, weightDecay: 0.1, clip: 1, evalEvery: 100,
  evalBatches: 8, finalEvalBatches: 0, seed: 1337,
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

/** Rebuild a tokenizer from the JSON a checkpoint stores (it lives with the checkpoint code now). */
export { tokenizerFromJson };

const isObj = (x: unknown): x is Record<string, unknown> => typeof x === 'object' && x !== null && !Array.isArray(x);

/**
 * Check training options field by field (`bad` reports the first problem). Options come from
 * code, from CLI flags, or from a checkpoint being resumed — where they drive the loop
 * (batch size, step counts) and so must be as trustworthy as the flags the parser checks.
 */
function checkLmOptions(o: unknown, bad: (what: string) => never): LmTrainOptions {
  if (!isObj(o)) bad('must be an object');
  const num = (k: keyof LmTrainOptions, lo: number, hi: number, int = false): void => {
    const v = o[k];
    if (typeof v !== 'number' || !(v >= lo && v <= hi) || (int && !Number.isInteger(v))) bad(`${k} must be ${int ? 'an integer' : 'a number'} in [${lo}, ${hi}], got ${typeof v === 'number' ? v : JSON.stringify(v)?.slice(0, 40)}`);
  };
  if (!(CORPUS_NAMES as readonly unknown[]).includes(o.corpus)) bad(`corpus must be one of ${CORPUS_NAMES.join(', ')}`);
  if (o.tokenizer !== 'char' && o.tokenizer !== 'bpe') bad("tokenizer must be 'char' or 'bpe'");
  if (typeof o.preset !== 'string' || !isPreset(o.preset)) bad('preset must be a preset name');
  if (o.model !== undefined && !isObj(o.model)) bad('model must be an object of config overrides');
  num('tokenizerVocab', 257, 65536, true);
  num('batchSize', 1, 4096, true);
  num('gradAccum', 1, 1024, true);
  num('steps', 1, 10_000_000, true);
  num('minutes', 0, 100_000);
  num('lr', 0, 1);
  num('minLr', 0, 1);
  num('warmup', 0, 1_000_000, true);
  num('weightDecay', 0, 10);
  num('clip', 0, 1e6);
  num('evalEvery', 1, 1_000_000, true);
  num('evalBatches', 1, 1_000_000, true);
  if (o.finalEvalBatches !== undefined) num('finalEvalBatches', 0, 1_000_000, true); // absent in older checkpoints
  num('seed', 0, 2 ** 32 - 1, true);
  return o as unknown as LmTrainOptions;
}

/**
 * A checkpoint's trainState, checked before it steers a resumed run. `where` names the file.
 * Nothing in it is trusted: a bad value is an InputError, never a huge allocation or a crash.
 */
export function validateLmTrainState(x: unknown, where: string): LmTrainState {
  const bad: (what: string) => never = (what) => { throw new InputError(`${where}: trainState.${what}`); };
  if (!isObj(x)) bad('missing (not a resumable language-model checkpoint)');
  checkLmOptions(x.options, (w) => bad(`options.${w}`));
  const s = x as Record<string, unknown>;
  const count = (k: string, hi: number): void => {
    const v = s[k];
    if (typeof v !== 'number' || !(v >= 0 && v <= hi)) bad(`${k} must be a non-negative number, got ${String(v).slice(0, 40)}`);
  };
  count('scheduleSteps', 10_000_000);
  if (!Number.isInteger(s.scheduleSteps) || (s.scheduleSteps as number) < 1) bad('scheduleSteps must be a positive integer');
  count('elapsedMs', 1e13);
  count('tokensSeen', 1e18);
  const rng = s.rng;
  if (!Array.isArray(rng) || rng.length !== 4 || !rng.every((w) => Number.isInteger(w) && w >= 0 && w < 2 ** 32)) bad('rng must be four 32-bit unsigned integers');
  if (!Array.isArray(s.history) || !s.history.every((p) => isObj(p) && [p.step, p.trainLoss, p.valLoss, p.elapsedMs].every((v) => typeof v === 'number'))) bad('history must be a list of {step, trainLoss, valLoss, elapsedMs}');
  if (!Array.isArray(s.trainCurve) || !s.trainCurve.every((p) => Array.isArray(p) && p.length === 2 && p.every((v) => typeof v === 'number'))) bad('trainCurve must be a list of [step, loss] pairs');
  return x as unknown as LmTrainState;
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
    const where = path.join(out, CHECKPOINT_FILE);
    try {
      if (ck.json.kind !== 'lm' || !ck.json.trainState || !ck.tokenizer) throw new InputError(`${out}: not a resumable language-model checkpoint`);
      state = validateLmTrainState(ck.json.trainState, where);
      tokenizer = ck.tokenizer;
    } catch (e) {
      ck.model.dispose();
      if (ck.moments) tf.dispose([...ck.moments.m.values(), ...ck.moments.v.values()]);
      throw e;
    }
    model = ck.model;
    trainer = makeTrainer(model, state.options, state.scheduleSteps);
    if (ck.moments) {
      trainer.optimizer.step = ck.json.optimizer!.step;
      trainer.optimizer.setMoments(ck.moments.m, ck.moments.v);
    }
    log(`resuming from step ${trainer.step} of ${state.scheduleSteps} (${out})`);
  } else {
    if (resume) log(`no checkpoint in ${out} yet: starting fresh`);
    const o = checkLmOptions({ ...DEFAULT_LM_OPTIONS, ...opts }, (w) => { throw new InputError(`training option ${w}`); });
    // Check the model's shape and size before the (possibly slow) tokenizer is trained: the
    // vocabulary is not known yet, so use the largest it can be.
    const probe = makeConfig({ preset: o.preset, ...o.model, vocabSize: o.tokenizer === 'bpe' ? o.tokenizerVocab : 1024 });
    const needs = paramCount(probe) * 4 * 3; // weights + two AdamW moments, float32
    if (needs > MAX_WEIGHT_BYTES) throw new InputError(`the model would have ${paramCount(probe).toLocaleString('en')} parameters: with its optimizer state more than a checkpoint holds (${MAX_WEIGHT_BYTES} bytes)`);
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

  // The step of the checkpoint in `out` that this run may fall back to (none yet when fresh).
  let savedStep: number | null = resume && ckptExists ? trainer.step : null;
  const save = (): void => {
    state.rng = rng.getState();
    saveCheckpoint(out, model, { kind: 'lm', tokenizer: tokenizer.toJSON(), optimizer: trainer.optimizer, trainState: state as unknown as Record<string, unknown>, metrics: lastMetrics(state) });
    savedStep = trainer.step;
  };

  let stoppedEarly = false;
  let lastTps = 0;
  const budgetMs = o.minutes > 0 ? o.minutes * 60_000 : Infinity;
  const runStart = performance.now() - state.elapsedMs;
  const firstStep = trainer.step;
  let mark: { step: number; time: number } | null = null;
  let estimated = false;
  try {
    while (trainer.step < state.scheduleSteps) {
      // Let the event loop run between steps: signal handlers (Ctrl-C → shouldStop) and
      // timers only fire here, since a training step itself never yields.
      await new Promise<void>((resolve) => setImmediate(resolve));
      if (cb.shouldStop?.()) { stoppedEarly = true; break; }
      const elapsed = performance.now() - runStart;
      if (elapsed >= budgetMs) break;
      // With a time budget, the schedule's length is estimated from the measured step time
      // (skipping this process's first two steps: one-off set-up) and re-estimated every 10
      // steps and whenever the schedule runs out with time left (an estimate taken from slow
      // early steps would otherwise end the run early), so the learning rate reaches its
      // minimum as the time runs out.
      if (trainer.step === firstStep + 2) mark = { step: trainer.step, time: elapsed };
      if (o.minutes > 0 && mark && trainer.step - mark.step >= 7
        && (!estimated || trainer.step % 10 === 1 || trainer.step >= state.scheduleSteps - 1)) {
        const perStep = (elapsed - mark.time) / (trainer.step - mark.step);
        const estimate = trainer.step + Math.floor((budgetMs - elapsed) / perStep);
        state.scheduleSteps = Math.max(trainer.step + 1, Math.min(o.steps, estimate));
        setScheduleLength(trainer, state.scheduleSteps, o.warmup);
        if (!estimated) log(`time budget ${o.minutes} min ≈ ${state.scheduleSteps} steps (re-estimated at each evaluation)`);
        estimated = true;
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
    if (e instanceof DivergedError || e instanceof NonFiniteWeightsError) {
      const what = e instanceof DivergedError ? `loss is ${e.loss}` : `the update made tensor '${e.tensor}' non-finite`;
      const kept = savedStep === null ? `no checkpoint was written (the first comes at step ${Math.min(o.evalEvery, state.scheduleSteps)})` : `the checkpoint of step ${savedStep} in ${out} is kept`;
      const step = e instanceof DivergedError ? e.step : trainer.step;
      trainer.dispose();
      model.dispose();
      throw new InputError(`training diverged at step ${step}: ${what}; ${kept}`);
    }
    throw e;
  }
  save();
  const valLoss = evaluateLm(model, valIds, o.batchSize, o.finalEvalBatches > 0 ? o.finalEvalBatches : Infinity);
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
