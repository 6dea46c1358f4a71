/** `train image`, `eval image`, `sample image`, `export image`: the class-conditional pixel GPT. */
import * as fs from 'fs';
import * as path from 'path';
import { fsReason, readCheckpointJson, roundWeightsToHalf, writeFileAtomic } from '../../checkpoint';
import { backendInfo, initBackend } from '../../engine';
import { check, InputError } from '../../errors';
import { completeImages, pickDigits } from '../../image/complete';
import { exportImageCheckpoint, imageMeta, layoutFromCheckpoint, loadImageModel, readManifestEvaluation, writeManifest } from '../../image/checkpoint';
import { loadImageData } from '../../image/dataset';
import { evaluateImageModel } from '../../image/eval';
import { paletteOf } from '../../image/quantize';
import { sampleImages } from '../../image/sample';
import { DEFAULT_IMAGE_TRAIN, type ImageTrainOptions, type ImageTrainState, trainImage } from '../../image/train';
import { grayGridPng } from '../../viz/png';
import { get } from '../args';
import { registerCommand } from '../commands';
import { checkCheckpointOut, checkPngOut, removeStaleManifest, replaceManifest } from '../output';
import { checkCheckpointStepFits, checkStepFits } from '../resources';
import { makeConfig } from '../../model/config';
import { modelFlags, modelOverrides, trainFlags } from './shared-flags';

const { block: _block, ...imageModelFlags } = modelFlags; // blockSize is always W·H

/**
 * `train image` drops labels 10 % of the time unless told otherwise, so that every model it makes
 * can be sampled with classifier-free guidance (the API's default stays 0: a purely conditional model).
 */
const DEFAULT_CLI_LABEL_DROPOUT = 0.1;

/** The command line as typed (for manifests). */
const commandLine = (): string => ['literate-gpt', ...process.argv.slice(2)].join(' ');

registerCommand({
  name: 'train image',
  summary: 'train a class-conditional pixel GPT on 14×14 MNIST digits ([label, p0 … p195])',
  usage: 'literate-gpt train image [--preset nano] [--levels 4] [--steps N] [--minutes M] [--out DIR] [--resume] [--json]',
  flags: {
    ...trainFlags,
    ...imageModelFlags,
    levels: { type: 'int', help: 'gray levels per pixel (default 4)', min: 2, max: 256 },
    side: { type: 'int', help: 'image side after downsampling 28×28 (a divisor of 28; default 14)', min: 1, max: 28 },
    quantizer: { type: 'string', help: 'how levels are chosen: kmeans (default) or uniform', choices: ['kmeans', 'uniform'] },
    positions: { type: 'string', help: "position table start: 2d sinusoids (default) or learned (GPT-2's random init)", choices: ['2d', 'learned'] },
    'eval-images': { type: 'int', help: 'test digits scored at each periodic evaluation (default 200)', min: 1, max: 999 },
    'label-dropout': { type: 'number', help: 'probability of training a digit with the "no label" token, for guidance (default 0.1; 0 = no such token)', min: 0, max: 0.9 },
  },
  async run({ flags, positional }, ctx) {
    check(positional.length === 0, `unexpected argument '${positional[0]}'`);
    const out = get.str(flags, 'out') ?? 'out/train/image';
    const resume = get.bool(flags, 'resume');
    const { existing } = checkCheckpointOut(out, { kind: 'image', resume, canResume: true, force: get.bool(flags, 'force'), log: ctx.log });
    const d = DEFAULT_IMAGE_TRAIN;
    const opts: Partial<ImageTrainOptions> = {
      data: {
        side: get.num(flags, 'side') ?? d.data.side,
        levels: get.num(flags, 'levels') ?? d.data.levels,
        quantizer: (get.str(flags, 'quantizer') ?? d.data.quantizer) as ImageTrainOptions['data']['quantizer'],
      },
      preset: (get.str(flags, 'preset') ?? d.preset) as ImageTrainOptions['preset'],
      positions: (get.str(flags, 'positions') ?? d.positions) as ImageTrainOptions['positions'],
      model: modelOverrides(flags),
      steps: get.num(flags, 'steps') ?? (flags.minutes !== undefined ? 1_000_000 : d.steps),
      minutes: get.num(flags, 'minutes') ?? 0,
      command: commandLine(),
      ...(flags.batch !== undefined ? { batchSize: get.num(flags, 'batch') } : {}),
      ...(flags.accum !== undefined ? { gradAccum: get.num(flags, 'accum') } : {}),
      ...(flags.lr !== undefined ? { lr: get.num(flags, 'lr'), minLr: get.num(flags, 'lr')! / 10 } : {}),
      ...(flags.warmup !== undefined ? { warmup: get.num(flags, 'warmup') } : {}),
      ...(flags['eval-every'] !== undefined ? { evalEvery: get.num(flags, 'eval-every') } : {}),
      ...(flags['eval-images'] !== undefined ? { evalImages: get.num(flags, 'eval-images') } : {}),
      labelDropout: get.num(flags, 'label-dropout') ?? DEFAULT_CLI_LABEL_DROPOUT,
      ...(flags.seed !== undefined ? { seed: get.num(flags, 'seed') } : {}),
    };
    if (!(existing && resume)) {
      // One step must fit in memory (a resumed run keeps the size it was trained with). The
      // vocabulary is the levels, ten labels and the "no label" token; the sequence is label + pixels.
      const side = opts.data!.side;
      const config = makeConfig({ preset: opts.preset, ...opts.model, vocabSize: opts.data!.levels + 11, blockSize: side * side + 1 });
      checkStepFits(config, opts.batchSize ?? d.batchSize, undefined, { log: ctx.log });
    } else {
      checkCheckpointStepFits(out, d.batchSize, { log: ctx.log }); // --resume: the size it was trained with
    }
    await initBackend();
    if (existing && !resume) removeStaleManifest(out); // --force: it described the model being replaced
    const t0 = Date.now();
    const res = await trainImage(out, opts, get.bool(flags, 'resume'), { onLog: (l) => ctx.log(l), terminal: true });
    res.model.dispose();
    return {
      checkpoint: path.resolve(out),
      steps: res.steps,
      valLoss: res.valLoss,
      bitsPerPixel: res.bitsPerPixel,
      tokensPerSecond: res.tokensPerSecond,
      tokensSeen: res.state.tokensSeen,
      wallSeconds: (Date.now() - t0) / 1000,
      trainSeconds: res.state.elapsedMs / 1000,
      stoppedEarly: res.stoppedEarly,
    };
  },
});

const evalFlags = {
  checkpoint: { type: 'string', help: 'checkpoint folder' },
  samples: { type: 'int', help: 'samples per label for conditional accuracy (default: the manifest\'s, else 10)', min: 1, max: 1000 },
  seed: { type: 'int', help: 'sampling seed (default: the manifest\'s, else 0)', min: 0, max: 2 ** 32 - 1 },
  temperature: { type: 'number', help: 'sampling temperature (default: the manifest\'s, else 1)', min: 0.01, max: 100 },
  guidance: { type: 'number', help: 'classifier-free guidance scale S: 1 = plain conditional, 0 = unconditional (default: the manifest\'s, else 1)', min: 0, max: 20 },
} as const;

registerCommand({
  name: 'eval image',
  summary: 'bits per pixel on the 999 test digits, and conditional accuracy of samples',
  usage: 'literate-gpt eval image --checkpoint DIR [--samples N] [--seed S] [--temperature T] [--guidance S] [--json]',
  flags: evalFlags,
  async run({ flags, positional }) {
    check(positional.length === 0, `unexpected argument '${positional[0]}'`);
    const dir = get.str(flags, 'checkpoint');
    check(dir, '--checkpoint DIR is required');
    layoutFromCheckpoint(readCheckpointJson(dir), dir); // fail on a wrong file before starting tfjs
    await initBackend();
    const { model, quantizer, json } = loadImageModel(dir);
    const data = loadImageData({ side: json.meta.width as number, levels: quantizer.levels, quantizer: quantizer.kind, nullLabel: json.meta.nullToken !== undefined }, quantizer);
    // Defaults: the settings the manifest's figures were measured with, so that a bare `eval image`
    // reproduces them (the manifest's conditional accuracy is a sampled figure: other settings give
    // other numbers).
    const shipped = readManifestEvaluation(dir);
    const r = evaluateImageModel(model, data, {
      samplesPerLabel: get.num(flags, 'samples') ?? shipped.samplesPerLabel,
      seed: get.num(flags, 'seed') ?? shipped.seed,
      temperature: get.num(flags, 'temperature') ?? shipped.temperature,
      guidance: get.num(flags, 'guidance') ?? shipped.guidance,
    });
    model.dispose();
    return { checkpoint: path.resolve(dir), backend: backendInfo().backend, ...r };
  },
});

registerCommand({
  name: 'sample image',
  summary: 'draw digits of one label (or complete the top half of real test digits)',
  usage: 'literate-gpt sample image --checkpoint DIR --label D [--n 8] [--seed 0] [--temperature 1] [--guidance S] [--complete] [--png FILE] [--json]',
  flags: {
    checkpoint: { type: 'string', help: 'checkpoint folder' },
    label: { type: 'int', help: 'the digit to draw, 0–9', min: 0, max: 9 },
    n: { type: 'int', help: 'images (default 8)', min: 1, max: 1000 },
    seed: { type: 'int', help: 'random seed (default 0)', min: 0, max: 2 ** 32 - 1 },
    temperature: { type: 'number', help: 'sampling temperature (default 1; 0 = greedy)', min: 0, max: 100 },
    guidance: { type: 'number', help: 'classifier-free guidance scale S (default: the manifest\'s, else 1 = plain conditional)', min: 0, max: 20 },
    complete: { type: 'boolean', help: 'complete the top half of the first N test digits of this label instead' },
    rows: { type: 'int', help: 'with --complete: rows given to the model (default half the height)', min: 0, max: 27 },
    png: { type: 'string', help: 'also write the images as a PNG grid to this file' },
  },
  async run({ flags, positional }, ctx) {
    check(positional.length === 0, `unexpected argument '${positional[0]}'`);
    const dir = get.str(flags, 'checkpoint');
    check(dir, '--checkpoint DIR is required');
    const label = get.num(flags, 'label');
    check(label !== undefined, '--label D (a digit 0–9) is required');
    check(flags.rows === undefined || flags.complete, '--rows only applies with --complete');
    const pngFile = get.str(flags, 'png');
    checkPngOut(pngFile); // before sampling: a bad --png is found now, not after the work
    const { layout, quantizer } = layoutFromCheckpoint(readCheckpointJson(dir), dir);
    check(flags.rows === undefined || get.num(flags, 'rows')! < layout.height, `--rows must be below the image height ${layout.height}`);
    await initBackend();
    const { model } = loadImageModel(dir);
    const n = get.num(flags, 'n') ?? 8;
    const guidance = get.num(flags, 'guidance') ?? readManifestEvaluation(dir).guidance ?? 1;
    check(guidance === 1 || layout.nullToken !== null, `${dir}: this model was trained without label dropout, so --guidance must be 1`);
    const opts = { seed: get.num(flags, 'seed') ?? 0, temperature: get.num(flags, 'temperature') ?? 1, guidance };
    const palette = paletteOf(quantizer);
    const t0 = performance.now();
    let images: Uint8Array[];
    let extra: Record<string, unknown> = {};
    if (flags.complete) {
      const data = loadImageData({ side: layout.width, levels: layout.levels, quantizer: quantizer.kind, nullLabel: layout.nullToken !== null }, quantizer);
      const picked = pickDigits(data.test, n, label);
      if (picked.length < n) ctx.log(`note: the test set has ${picked.length} digits of label ${label}, not ${n}: completing those ${picked.length}`);
      const done = completeImages(model, layout, data.test, picked, { ...opts, rows: get.num(flags, 'rows') });
      images = done.map((c) => c.samples[0]);
      extra = { rows: get.num(flags, 'rows') ?? Math.floor(layout.height / 2), testIndices: picked, originals: done.map((c) => Array.from(c.original)) };
    } else {
      images = sampleImages(model, layout, new Array<number>(n).fill(label), opts);
    }
    const seconds = (performance.now() - t0) / 1000;
    model.dispose();
    if (pngFile !== undefined) {
      // Whole or not at all: a full disk leaves the previous picture, never a cut one.
      try { fs.mkdirSync(path.dirname(path.resolve(pngFile)), { recursive: true }); } catch (e) { throw new InputError(`--png ${pngFile}: cannot create its folder (${fsReason(e)})`); }
      writeFileAtomic(pngFile, grayGridPng(images.map((x) => Array.from(x)), layout.width, layout.height, { palette, scale: 4 }));
    }
    return { width: layout.width, height: layout.height, levels: layout.levels, palette, label, seed: opts.seed, images: images.map((x) => Array.from(x)), seconds, ...extra };
  },
  format: (r) => `${(r.images as unknown[]).length} images of a ${String(r.label)} (${String(r.width)}×${String(r.height)}, ${String(r.levels)} levels); use --json for the pixels or --png FILE for a picture`,
});

registerCommand({
  name: 'export image',
  summary: 'ship a trained image model: float16 weights, no optimizer state, evaluated, with manifest.json',
  usage: 'literate-gpt export image --checkpoint out/train/image --out data/checkpoints/image [--samples 10] [--json]',
  flags: { ...evalFlags, out: { type: 'string', help: 'folder of the shipped checkpoint' }, force: { type: 'boolean', help: 'replace the image model already in --out (never another kind)' } },
  async run({ flags, positional }, ctx) {
    check(positional.length === 0, `unexpected argument '${positional[0]}'`);
    const src = get.str(flags, 'checkpoint');
    check(src, '--checkpoint DIR (a training checkpoint) is required');
    const out = get.str(flags, 'out');
    checkCheckpointOut(out, { kind: 'image', inputs: [['--checkpoint', src]], force: get.bool(flags, 'force'), writesManifest: true, log: ctx.log });
    check(out, '--out DIR is required');
    const json = readCheckpointJson(src);
    layoutFromCheckpoint(json, src);
    const state = json.trainState as unknown as ImageTrainState | null;
    check(state?.options, `${src}: no training state (is it already an export?)`);
    await initBackend();
    const { model, layout, quantizer } = loadImageModel(src);
    // Round the weights to float16 in memory, as the save will store them, and evaluate those, so
    // the manifest's numbers are the shipped model's (float16 rounding moves bits per pixel in the
    // 4th decimal). Nothing is written before the end: Ctrl-C while evaluating leaves --out as it was.
    roundWeightsToHalf(model);
    ctx.log('evaluating the float16 weights…');
    const shipped = { model };
    const data = loadImageData(state.options.data, quantizer);
    const r = evaluateImageModel(shipped.model, data, { samplesPerLabel: get.num(flags, 'samples'), seed: get.num(flags, 'seed'), temperature: get.num(flags, 'temperature'), guidance: get.num(flags, 'guidance') });
    const metrics = { bitsPerPixel: r.bitsPerPixel, conditionalAccuracy: r.conditionalAccuracy, classifierAccuracy: r.classifierAccuracy, judgeAccuracyOnReal: r.judgeAccuracyOnReal, guidance: r.guidance };
    const manifest = {
      command: state.options.command ?? '(trained through the API, not the command line)',
      exportCommand: commandLine(),
      seed: state.options.seed,
      backend: backendInfo().backend,
      wallSeconds: state.elapsedMs / 1000,
      steps: json.optimizer?.step ?? 0,
      tokensSeen: state.tokensSeen,
      ...metrics,
      evaluation: { samplesPerLabel: r.samplesPerLabel, seed: get.num(flags, 'seed') ?? 0, temperature: get.num(flags, 'temperature') ?? 1, guidance: r.guidance, diversity: r.diversity, diversityOfReal: r.diversityOfReal, perLabel: r.perLabel, testDigits: r.testDigits },
      config: shipped.model.config,
      data: state.options.data,
      training: { ...state.options, command: undefined, data: undefined },
      history: state.history,
      dtype: 'float16',
      date: new Date().toISOString(),
    };
    // The checkpoint is replaced atomically (a failure leaves it and its manifest as they were),
    // then the manifest (replaceManifest: if it cannot be written, the old one goes too).
    exportImageCheckpoint(out, shipped.model, imageMeta(layout, quantizer), metrics);
    replaceManifest(out, manifest);
    shipped.model.dispose();
    return { checkpoint: path.resolve(out), ...manifest, history: undefined };
  },
});
