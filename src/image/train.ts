/**
 * Training a class-conditional pixel GPT on MNIST, end to end: sequences, the loop, periodic
 * evaluation in bits per pixel, atomic checkpoints (weights, AdamW moments, RNG and schedule),
 * resume, a time budget and a stop flag (Ctrl-C). The shape follows `train/lm.ts`; what differs
 * is the data (one digit per sequence, drawn at random) and the metric (bits per pixel).
 * Used by `literate-gpt train image` and notebook 06.
 */
import * as fs from 'fs';
import * as path from 'path';
import * as tf from '@tensorflow/tfjs';
import { CHECKPOINT_FILE } from '../checkpoint/format';
import { loadCheckpoint, saveCheckpoint } from '../checkpoint/io';
import { backendInfo } from '../engine/backend';
import { Rng, type RngState } from '../engine/random';
import { check, InputError } from '../errors';
import { type GPTConfig, makeConfig, type PresetName } from '../model/config';
import { GPT } from '../model/gpt';
import { DivergedError, type StepInfo, Trainer } from '../train/trainer';
import { imageMeta, layoutFromCheckpoint } from './checkpoint';
import { DEFAULT_IMAGE_DATA, type ImageData, type ImageDataConfig, loadImageData, sampleImageBatch, takeSequences, everyKth } from './dataset';
import { pixelNll } from './eval';
import { initPositions2d } from './positions';

export interface ImageTrainOptions {
  readonly data: ImageDataConfig;
  readonly preset: PresetName;
  /** Overrides of the preset (blockSize is always W·H). */
  readonly model?: Partial<Omit<GPTConfig, 'vocabSize' | 'blockSize'>>;
  /** Start the position table at 2-D sinusoids ('2d', see positions.ts) or GPT-2's random init ('learned'). */
  readonly positions: '2d' | 'learned';
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
  /** Test digits scored at each periodic evaluation (the final one scores all 999). */
  readonly evalImages: number;
  /**
   * Probability that a training digit's label is replaced by the "no label" token (0 = a purely
   * conditional model, as before). Above 0 the model learns p(x) beside p(x | label), which
   * classifier-free guidance needs (sample.ts).
   */
  readonly labelDropout: number;
  readonly seed: number;
  /** The command line that started the run (for the manifest), if any. */
  readonly command?: string;
}

export const DEFAULT_IMAGE_TRAIN: ImageTrainOptions = {
  data: DEFAULT_IMAGE_DATA, preset: 'nano', positions: '2d', batchSize: 32, gradAccum: 1, steps: 3000, minutes: 0, lr: 1e-3, minLr: 1e-4,
  warmup: 100, weightDecay: 0.1, clip: 1, evalEvery: 100, evalImages: 200, labelDropout: 0, seed: 1337,
};

export interface ImageEvalPoint { readonly step: number; readonly trainLoss: number; readonly testBitsPerPixel: number; readonly elapsedMs: number }

export interface ImageTrainState {
  readonly options: ImageTrainOptions;
  /** Total steps of the LR schedule (fixed once known, so a resumed run follows the same curve). */
  scheduleSteps: number;
  /** Warmup steps of the schedule (fixed at the first fit). */
  warmupSteps?: number;
  rng: RngState;
  elapsedMs: number;
  /** Pixel targets seen (W·H per digit). */
  tokensSeen: number;
  history: ImageEvalPoint[];
  trainCurve: [number, number][];
}

export interface ImageTrainCallbacks {
  onStep?(info: StepInfo, state: ImageTrainState): void;
  onEval?(point: ImageEvalPoint): void;
  onLog?(line: string): void;
  /** Polled each step; true stops training after saving a checkpoint (Ctrl-C). */
  shouldStop?(): boolean;
}

export interface ImageTrainResult {
  readonly model: GPT;
  readonly data: ImageData;
  readonly state: ImageTrainState;
  readonly steps: number;
  /** Mean NLL per pixel of all 999 test digits, nats and bits. */
  readonly valLoss: number;
  readonly bitsPerPixel: number;
  readonly tokensPerSecond: number;
  readonly stoppedEarly: boolean;
}

/**
 * Train (or resume) a pixel GPT into folder `out`. Pass `data` to reuse loaded digits (tests pass
 * a smaller test split: the final evaluation scores all of `data.test`).
 */
export async function trainImage(out: string, opts: Partial<ImageTrainOptions>, resume: boolean, cb: ImageTrainCallbacks = {}, data?: ImageData): Promise<ImageTrainResult> {
  const log = cb.onLog ?? (() => undefined);
  let model: GPT;
  let state: ImageTrainState;
  let trainer: Trainer;
  if (resume && fs.existsSync(path.join(out, CHECKPOINT_FILE))) {
    const ck = loadCheckpoint(out);
    const { quantizer } = layoutFromCheckpoint(ck.json, out);
    if (!ck.json.trainState || !ck.moments) throw new InputError(`${out}: not a resumable image checkpoint (no train or optimizer state)`);
    state = ck.json.trainState as unknown as ImageTrainState;
    if (data) check(JSON.stringify(data.quantizer.centers) === JSON.stringify(quantizer.centers), `${out}: the given data were quantized differently from the checkpoint's`);
    data ??= loadImageData(state.options.data, quantizer);
    model = ck.model;
    trainer = makeTrainer(model, state.options, state.scheduleSteps, state.warmupSteps);
    trainer.optimizer.step = ck.json.optimizer!.step;
    trainer.optimizer.setMoments(ck.moments.m, ck.moments.v);
    log(`resuming from step ${trainer.step} of ${state.scheduleSteps} (${out})`);
  } else {
    if (resume) log(`no checkpoint in ${out} yet: starting fresh`);
    const merged: ImageTrainOptions = { ...DEFAULT_IMAGE_TRAIN, ...opts };
    // The "no label" token exists exactly when labels are dropped.
    const o: ImageTrainOptions = { ...merged, data: { ...DEFAULT_IMAGE_TRAIN.data, ...opts.data, nullLabel: merged.labelDropout > 0 } };
    data ??= loadImageData(o.data);
    const config = makeConfig({ preset: o.preset, ...o.model, vocabSize: data.layout.vocabSize, blockSize: data.layout.blockSize });
    model = new GPT(config, { seed: o.seed });
    if (o.positions === '2d') initPositions2d(model, data.layout);
    state = { options: o, scheduleSteps: o.steps, rng: new Rng(o.seed ^ 0x5bd1e995).getState(), elapsedMs: 0, tokensSeen: 0, history: [], trainCurve: [] };
    trainer = makeTrainer(model, o, o.steps);
    state.warmupSteps = warmupFor(o.steps, o.warmup);
  }
  const o = state.options;
  const { layout, quantizer } = data;
  log(`data: ${data.train.count} train / ${data.test.count} test digits, ${layout.width}×${layout.height}, ${layout.levels} levels (${quantizer.kind}); `
    + `model ${model.numParams().toLocaleString('en')} parameters on ${backendInfo().backend}`);
  const T = layout.blockSize;
  const rng = new Rng(0);
  rng.setState(state.rng);
  const meta = imageMeta(layout, quantizer);
  // Periodic evaluations score every k-th test digit: the split is in label order, so the first
  // evalImages digits would all be zeros.
  const stride = Math.max(1, Math.floor(data.test.count / o.evalImages));
  const evalSeqs = takeSequences(data.test, layout, everyKth(data.test, stride).slice(0, o.evalImages));

  const save = (): void => {
    state.rng = rng.getState();
    const h = state.history[state.history.length - 1];
    saveCheckpoint(out, model, {
      kind: 'image', tokenizer: null, optimizer: trainer.optimizer, trainState: state as unknown as Record<string, unknown>,
      meta: meta as unknown as Record<string, unknown>, metrics: h ? { step: h.step, trainLoss: h.trainLoss, testBitsPerPixel: h.testBitsPerPixel } : {},
    });
  };

  let stoppedEarly = false;
  let lastTps = 0;
  const budgetMs = o.minutes > 0 ? o.minutes * 60_000 : Infinity;
  const runStart = performance.now() - state.elapsedMs;
  const startStep = trainer.step;
  let fitMark: { step: number; ms: number } | null = null;
  try {
    while (trainer.step < state.scheduleSteps) {
      if (cb.shouldStop?.()) { stoppedEarly = true; break; }
      const elapsed = performance.now() - runStart;
      if (elapsed >= budgetMs) break;
      // With a time budget, fit the schedule's length to the time left: first once the step
      // time is known (steps 3–10 after a start, past the one-off graph set-up), then again
      // after every evaluation from the pace since the previous fit. On a shared machine the
      // pace changes by 2–3× as other jobs come and go; re-fitting keeps the cosine ending near
      // the budget, at the price of a small bend in the curve at each fit. Without --minutes the
      // schedule is fixed and a run is reproducible step for step.
      if (trainer.step === startStep + 3) fitMark = { step: trainer.step, ms: elapsed };
      const fitNow = trainer.step === startStep + 10 || (trainer.step > startStep + 10 && trainer.step % o.evalEvery === 0);
      if (o.minutes > 0 && fitMark && fitNow) {
        const perStep = (elapsed - fitMark.ms) / (trainer.step - fitMark.step);
        const total = Math.max(trainer.step + 1, Math.min(o.steps, trainer.step + Math.floor((budgetMs - elapsed) / perStep)));
        if (total !== state.scheduleSteps) {
          setScheduleLength(trainer, total, o.warmup, state.scheduleSteps === o.steps);
          state.warmupSteps = trainer.opts.schedule.warmup;
          log(`time budget ${o.minutes} min: ${(perStep / 1000).toFixed(2)} s/step, schedule ${state.scheduleSteps === o.steps ? '' : `${state.scheduleSteps} → `}${total} steps`);
          state.scheduleSteps = total;
        }
        fitMark = { step: trainer.step, ms: elapsed };
      }
      const stepSeed = (o.seed * 1_000_003 + trainer.step) >>> 0;
      const info = trainer.trainStep((micro) => {
        const b = sampleImageBatch(data!.train, layout, o.batchSize, rng, o.labelDropout ?? 0);
        return tf.tidy(() => model.lmLoss(tf.tensor2d(b.x, [o.batchSize, T], 'int32'), tf.tensor2d(b.y, [o.batchSize, T], 'int32'),
          { training: true, seed: (stepSeed + micro * 7919) >>> 0 }));
      });
      state.tokensSeen += o.batchSize * T * o.gradAccum;
      state.elapsedMs = performance.now() - runStart;
      lastTps = info.tokensPerSecond;
      state.trainCurve.push([info.step, info.loss]);
      cb.onStep?.(info, state);
      if (info.step % o.evalEvery === 0 || info.step === state.scheduleSteps) {
        const nll = pixelNll(model, layout, evalSeqs);
        const recent = state.trainCurve.slice(-o.evalEvery).map((p) => p[1]);
        const point: ImageEvalPoint = { step: info.step, trainLoss: recent.reduce((a, b) => a + b, 0) / recent.length, testBitsPerPixel: nll / Math.LN2, elapsedMs: state.elapsedMs };
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
  const valLoss = pixelNll(model, layout, data.test.seqs);
  const steps = trainer.step;
  trainer.dispose();
  return { model, data, state, steps, valLoss, bitsPerPixel: valLoss / Math.LN2, tokensPerSecond: lastTps, stoppedEarly };
}

/** Warmup is at most a tenth of a short run, so that the peak learning rate is reached. */
function warmupFor(total: number, warmup: number): number {
  return Math.min(warmup, Math.max(1, Math.floor(total / 10)));
}

/** Change the schedule's length (and, at the first fit only, its warmup). */
function setScheduleLength(trainer: Trainer, total: number, warmup: number, first: boolean): void {
  const s = trainer.opts.schedule as { total: number; warmup: number };
  s.total = total;
  if (first) s.warmup = warmupFor(total, warmup);
}

function makeTrainer(model: GPT, o: ImageTrainOptions, total: number, warmup = warmupFor(total, o.warmup)): Trainer {
  const decay = new Map(model.specs.map((s) => [s.name, s.decay]));
  return new Trainer(model.params, (n) => decay.get(n) ?? false, {
    schedule: { lr: o.lr, minLr: o.minLr, warmup, total },
    gradAccum: o.gradAccum,
    clip: o.clip,
    adamw: { weightDecay: o.weightDecay },
    tokensPerMicroBatch: o.batchSize * model.config.blockSize,
  });
}
