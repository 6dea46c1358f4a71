/**
 * Training a class-conditional pixel GPT on MNIST: what is the task's own — the data (one digit
 * per sequence, drawn at random, its label sometimes dropped), the loss and the metric (bits per
 * pixel of test digits). The loop, checkpoints, resume, time budget and Ctrl-C are the training
 * driver's (train/driver.ts).
 * Used by `literate-gpt train image` and notebook 06.
 */
import * as tf from '@tensorflow/tfjs';
import { backendInfo } from '../engine/backend';
import { check, InputError } from '../errors';
import { type GPTConfig, isPreset, makeConfig, type PresetName } from '../model/config';
import { GPT } from '../model/gpt';
import { checkLoopOptions, dropoutSeed, loadForResume, type LoopOptions, loopSettings, newTrainState, optionChecker, runTraining, type TrainCallbacks, type TrainState, type TrainTask } from '../train/driver';
import { imageMeta, layoutFromCheckpoint } from './checkpoint';
import { DEFAULT_IMAGE_DATA, type ImageData, type ImageDataConfig, loadImageData, sampleImageBatch, takeSequences, everyKth } from './dataset';
import { pixelNll } from './eval';
import { initPositions2d } from './positions';

/**
 * How trainImage trains the pixel GPT (plus LoopOptions: steps, minutes, schedule, batch size,
 * seed).
 */
export interface ImageTrainOptions extends LoopOptions {
  /** How digits become tokens (side, levels, quantizer, "no label" token). */
  readonly data: ImageDataConfig;
  /** Model shape (PRESETS), before `model` overrides. */
  readonly preset: PresetName;
  /** Overrides of the preset (blockSize is always W·H). */
  readonly model?: Partial<Omit<GPTConfig, 'vocabSize' | 'blockSize'>>;
  /** Start the position table at 2-D sinusoids ('2d', see positions.ts) or GPT-2's random init ('learned'). */
  readonly positions: '2d' | 'learned';
  /** Test digits scored at each periodic evaluation (the final one scores all 999). */
  readonly evalImages: number;
  /**
   * Probability that a training digit's label is replaced by the "no label" token (0 = a purely
   * conditional model, as before). Above 0 the model learns p(x) beside p(x | label), which
   * classifier-free guidance needs (sample.ts).
   */
  readonly labelDropout: number;
  /** The command line that started the run (for the manifest), if any. */
  readonly command?: string;
}

export const DEFAULT_IMAGE_TRAIN: ImageTrainOptions = {
  data: DEFAULT_IMAGE_DATA, preset: 'nano', positions: '2d', batchSize: 32, gradAccum: 1, steps: 3000, minutes: 0, lr: 1e-3, minLr: 1e-4,
  warmup: 100, weightDecay: 0.1, clip: 1, evalEvery: 100, evalImages: 200, labelDropout: 0, seed: 1337,
};

/** One evaluation during trainImage: a point of its curves (the run's `state.history`). */
export interface ImageEvalPoint {
  /** Optimizer steps done when it was measured. */
  readonly step: number;
  /** Mean training loss (nats per pixel) since the previous evaluation. */
  readonly trainLoss: number;
  /** Loss on `evalImages` test digits, bits per pixel. */
  readonly testBitsPerPixel: number;
  /** Wall time of the run so far (ms), resumed runs included. */
  readonly elapsedMs: number;
}

export type ImageTrainState = TrainState<ImageTrainOptions, ImageEvalPoint>;

export type ImageTrainCallbacks = TrainCallbacks<ImageTrainState, ImageEvalPoint>;

/**
 * What trainImage returns; the checkpoint in `out` holds the same model. The caller disposes
 * `model`.
 */
export interface ImageTrainResult {
  /** The trained pixel GPT. */
  readonly model: GPT;
  /** The digits it was trained and scored on. */
  readonly data: ImageData;
  /** The run's state: options, evaluation history, RNG, elapsed time. */
  readonly state: ImageTrainState;
  /** Optimizer steps done in all. */
  readonly steps: number;
  /** Mean NLL per pixel of all 999 test digits, nats and bits. */
  readonly valLoss: number;
  /** The same loss in bits per pixel (valLoss / ln 2). */
  readonly bitsPerPixel: number;
  /** Training throughput, tokens (pixels) per second. */
  readonly tokensPerSecond: number;
  /** True when a stop request ended the run before its planned steps. */
  readonly stoppedEarly: boolean;
}

/** Options from code, flags or a checkpoint being resumed, checked field by field. */
function checkImageOptions(o: unknown, bad: (what: string) => never): ImageTrainOptions {
  const { obj, num } = optionChecker(o, bad);
  optionChecker(obj.data, (w) => bad(`data.${w}`)).num('side', 1, 28, true);
  const data = obj.data as Record<string, unknown>;
  if (28 % (data.side as number) !== 0) bad('data.side must divide 28');
  optionChecker(data, (w) => bad(`data.${w}`)).num('levels', 2, 256, true);
  if (data.quantizer !== 'kmeans' && data.quantizer !== 'uniform') bad("data.quantizer must be 'kmeans' or 'uniform'");
  if (data.nullLabel !== undefined && typeof data.nullLabel !== 'boolean') bad('data.nullLabel must be true or false');
  if (typeof obj.preset !== 'string' || !isPreset(obj.preset)) bad('preset must be a preset name');
  if (obj.model !== undefined && (typeof obj.model !== 'object' || obj.model === null || Array.isArray(obj.model))) bad('model must be an object of config overrides');
  if (obj.positions !== '2d' && obj.positions !== 'learned') bad("positions must be '2d' or 'learned'");
  checkLoopOptions(num);
  num('evalImages', 1, 1_000_000, true);
  if (obj.labelDropout !== undefined) num('labelDropout', 0, 0.99); // absent in older checkpoints
  if (obj.command !== undefined && typeof obj.command !== 'string') bad('command must be a string');
  return obj as unknown as ImageTrainOptions;
}


/**
 * Train (or resume) a pixel GPT into folder `out`. Pass `data` to reuse loaded digits (tests pass
 * a smaller test split: the final evaluation scores all of `data.test`).
 */
export async function trainImage(out: string, opts: Partial<ImageTrainOptions>, resume: boolean, cb: ImageTrainCallbacks = {}, data?: ImageData): Promise<ImageTrainResult> {
  const log = cb.onLog ?? (() => undefined);
  let model: GPT;
  let state: ImageTrainState;
  const resumed = resume ? loadForResume<ImageTrainOptions, ImageEvalPoint>(out, 'image', 'image', checkImageOptions, ['testBitsPerPixel'], log) : null;
  if (resumed) {
    model = resumed.ck.model;
    state = resumed.state;
    try {
      const { quantizer } = layoutFromCheckpoint(resumed.ck.json, out);
      if (data) check(JSON.stringify(data.quantizer.centers) === JSON.stringify(quantizer.centers), `${out}: the given data were quantized differently from the checkpoint's`);
      data ??= loadImageData(state.options.data, quantizer);
    } catch (e) {
      model.dispose();
      tf.dispose([...resumed.ck.moments!.m.values(), ...resumed.ck.moments!.v.values()]);
      throw e;
    }
  } else {
    const merged: ImageTrainOptions = { ...DEFAULT_IMAGE_TRAIN, ...opts };
    // The "no label" token exists exactly when labels are dropped.
    const o = checkImageOptions({ ...merged, data: { ...DEFAULT_IMAGE_TRAIN.data, ...opts.data, nullLabel: merged.labelDropout > 0 } }, (w) => { throw new InputError(`training option ${w}`); });
    data ??= loadImageData(o.data);
    const config = makeConfig({ preset: o.preset, ...o.model, vocabSize: data.layout.vocabSize, blockSize: data.layout.blockSize });
    model = new GPT(config, { seed: o.seed });
    if (o.positions === '2d') initPositions2d(model, data.layout);
    state = newTrainState(o, o.seed, loopSettings(o));
  }
  const o = state.options;
  const { layout, quantizer } = data;
  log(`data: ${data.train.count} train / ${data.test.count} test digits, ${layout.width}×${layout.height}, ${layout.levels} levels (${quantizer.kind}); `
    + `model ${model.numParams().toLocaleString('en')} parameters on ${backendInfo().backend}`);
  const T = layout.blockSize;
  const meta = imageMeta(layout, quantizer);
  // Periodic evaluations score every k-th test digit: the split is in label order, so the first
  // evalImages digits would all be zeros.
  const stride = Math.max(1, Math.floor(data.test.count / o.evalImages));
  const evalSeqs = takeSequences(data.test, layout, everyKth(data.test, stride).slice(0, o.evalImages));
  const train = data.train;
  const task: TrainTask<ImageEvalPoint> = {
    model,
    settings: loopSettings(o),
    tokensPerMicroBatch: o.batchSize * T,
    loss: (step, micro, rng) => {
      const b = sampleImageBatch(train, layout, o.batchSize, rng, o.labelDropout ?? 0);
      return tf.tidy(() => model.lmLoss(tf.tensor2d(b.x, [o.batchSize, T], 'int32'), tf.tensor2d(b.y, [o.batchSize, T], 'int32'),
        { training: true, seed: dropoutSeed(o.seed, step, micro) }));
    },
    evaluate: () => ({ testBitsPerPixel: pixelNll(model, layout, evalSeqs) / Math.LN2 }),
    checkpoint: () => ({ kind: 'image', tokenizer: null, meta: meta as unknown as Record<string, unknown> }),
  };
  const terminal = cb.terminal
    ? { label: 'train image ', describe: (p: ImageEvalPoint) => `step ${p.step}: train ${p.trainLoss.toFixed(3)} nats/pixel · test ${p.testBitsPerPixel.toFixed(4)} bits/pixel` }
    : undefined;
  const run = await runTraining({ task, state, out, resumed: resumed?.ck, terminal }, cb).catch((e: unknown) => { model.dispose(); throw e; });
  // A stopped run (Ctrl-C) is scored on the periodic evaluation's digits, so that it ends at once.
  const valLoss = pixelNll(model, layout, run.stoppedEarly ? evalSeqs : data.test.seqs);
  return { model, data, state, steps: run.steps, valLoss, bitsPerPixel: valLoss / Math.LN2, tokensPerSecond: run.tokensPerSecond, stoppedEarly: run.stoppedEarly };
}
