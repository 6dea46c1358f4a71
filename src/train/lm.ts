/**
 * Generative pretraining of a GPT on a text corpus, end to end: tokenizer, batches, the
 * training loop, periodic evaluation and checkpoints, resume. Used by `literate-gpt train lm`
 * and notebook 04.
 */
import * as tf from '@tensorflow/tfjs';
import { backendInfo } from '../engine/backend';
import { MAX_WEIGHT_BYTES } from '../checkpoint/format';
import { tokenizerFromJson } from '../checkpoint/tokenizer';
import { type Corpus, type CorpusName, type CorpusPart, corpusParts, encodePart, isCorpusName, loadCorpus } from '../data/corpus';
import { sampleBatch, sampleMixedBatch, sequentialBatches } from '../data/batches';
import { loadCheckpoint } from '../checkpoint/io';
import { InputError } from '../errors';
import { type GPTConfig, isPreset, makeConfig, paramCount, type PresetName } from '../model/config';
import { GPT } from '../model/gpt';
import { BpeTokenizer } from '../tokenize/bpe';
import { CharTokenizer } from '../tokenize/char';
import type { Tokenizer } from '../tokenize/tokenizer';
import { checkLoopOptions, dropoutSeed, loadForResume, type LoopOptions, loopSettings, newTrainState, optionChecker, runTraining, type TrainCallbacks, type TrainState, type TrainTask, validateTrainState } from './driver';

/**
 * How trainLm trains a language model; DEFAULT_LM_OPTIONS fills every field not given. Plus
 * LoopOptions: steps, minutes, learning rate and schedule, batch size, clipping, seed.
 */
export interface LmTrainOptions extends LoopOptions {
  /** What it reads (loadCorpus): 'moby-dick' or parts joined by '+'. */
  readonly corpus: CorpusName;
  /** 'char', or 'bpe' with tokenizerVocab tokens (trained on the training text). */
  readonly tokenizer: 'char' | 'bpe';
  /** Vocabulary size of the BPE tokenizer trained for the run (with tokenizer 'bpe'). */
  readonly tokenizerVocab: number;
  /** Model shape (PRESETS), before `model` overrides. */
  readonly preset: PresetName;
  /** Overrides of the preset's shape (layers, heads, width, context, dropout). */
  readonly model?: Partial<Omit<GPTConfig, 'vocabSize'>>;
  /** Validation batches per periodic evaluation. */
  readonly evalBatches: number;
  /** Validation batches of the final evaluation (0 = the whole validation text). */
  readonly finalEvalBatches: number;
  /**
   * Shares of the corpus's parts in training batches, in the order the corpus name lists them
   * (normalised to sum 1). Absent: windows are drawn uniformly over the whole training text, so
   * each part counts in proportion to its size.
   */
  readonly mix?: readonly number[];
  /**
   * A language-model checkpoint to start from (continued pretraining): its weights, its
   * tokenizer and its model shape replace tokenizer, tokenizerVocab, preset and model.
   */
  readonly init?: string;
  /**
   * With `init`: keep the checkpoint's tokenizer and shape but start from fresh random weights
   * (seeded by `seed`): the control that asks what the checkpoint's weights were worth.
   */
  readonly reinit?: boolean;
}

export const DEFAULT_LM_OPTIONS: LmTrainOptions = {
  corpus: 'moby-dick', tokenizer: 'char', tokenizerVocab: 2048, preset: 'nano', batchSize: 32, gradAccum: 1,
  steps: 5000, minutes: 0, lr: 1e-3, minLr: 1e-4, warmup: 100, weightDecay: 0.1, clip: 1, evalEvery: 100,
  evalBatches: 8, finalEvalBatches: 0, seed: 1337,
};

/** One evaluation during `trainLm`: a point of the loss curves (the run's `state.history`). */
export interface EvalPoint {
  /** Optimizer steps done when it was measured. */
  readonly step: number;
  /** Mean training loss (nats/token) over the steps since the previous evaluation. */
  readonly trainLoss: number;
  /** Validation loss (nats/token) on the first `evalBatches` batches of the held-out text (evaluateLm). */
  readonly valLoss: number;
  /** Wall time of the run so far (ms), resumed runs included. */
  readonly elapsedMs: number;
}

export type LmTrainState = TrainState<LmTrainOptions, EvalPoint>;

export type LmCallbacks = TrainCallbacks<LmTrainState, EvalPoint>;

/** What `trainLm` returns; the checkpoint in `out` holds the same model. The caller disposes `model`. */
export interface LmTrainResult {
  /** The trained model (its final weights). */
  readonly model: GPT;
  /** The tokenizer it reads (trained on the training text, or the `init` checkpoint's). */
  readonly tokenizer: Tokenizer & { toJSON(): unknown };
  /** The run's state: options, the loss history (EvalPoint per evaluation), the RNG, elapsed time. */
  readonly state: LmTrainState;
  /** Optimizer steps done in all (resumed runs included). */
  readonly steps: number;
  /** Final validation loss, nats/token (the whole held-out text unless `finalEvalBatches` limits it). */
  readonly valLoss: number;
  /** The same loss in bits per UTF-8 byte of the held-out text, comparable across tokenizers. */
  readonly bitsPerByte: number;
  /** Training throughput, tokens per second of wall time. */
  readonly tokensPerSecond: number;
  /** True when a stop request (Ctrl-C, SIGTERM, `shouldStop`) ended the run before its planned steps; `resume` continues it. */
  readonly stoppedEarly: boolean;
}

/** Rebuild a tokenizer from the JSON a checkpoint stores (it lives with the checkpoint code now). */
export { tokenizerFromJson };

/**
 * Check training options field by field (`bad` reports the first problem). Options come from
 * code, from CLI flags, or from a checkpoint being resumed.
 */
function checkLmOptions(o: unknown, bad: (what: string) => never): LmTrainOptions {
  const { obj, num } = optionChecker(o, bad);
  if (!isCorpusName(obj.corpus)) bad(`corpus must be a corpus name (parts joined by +), got ${JSON.stringify(obj.corpus)?.slice(0, 60)}`);
  if (obj.mix !== undefined) {
    const m = obj.mix;
    const n = corpusParts(obj.corpus as string).length;
    if (!Array.isArray(m) || m.length !== n || !m.every((w) => typeof w === 'number' && Number.isFinite(w) && w >= 0) || !m.some((w) => (w as number) > 0)) bad(`mix must be ${n} non-negative numbers, not all 0, one per corpus part`);
  }
  if (obj.init !== undefined && (typeof obj.init !== 'string' || obj.init.length === 0 || obj.init.length > 4096)) bad('init must be a checkpoint folder');
  if (obj.reinit !== undefined && typeof obj.reinit !== 'boolean') bad('reinit must be true or false');
  if (obj.reinit === true && obj.init === undefined) bad('reinit needs init (the checkpoint whose tokenizer and shape to keep)');
  if (obj.tokenizer !== 'char' && obj.tokenizer !== 'bpe') bad("tokenizer must be 'char' or 'bpe'");
  if (typeof obj.preset !== 'string' || !isPreset(obj.preset)) bad('preset must be a preset name');
  if (obj.model !== undefined && (typeof obj.model !== 'object' || obj.model === null || Array.isArray(obj.model))) bad('model must be an object of config overrides');
  checkLoopOptions(num);
  num('tokenizerVocab', 257, 65536, true);
  num('evalBatches', 1, 1_000_000, true);
  if (obj.finalEvalBatches !== undefined) num('finalEvalBatches', 0, 1_000_000, true); // absent in older checkpoints
  return obj as unknown as LmTrainOptions;
}

/** A checkpoint's trainState, checked before it steers a resumed run. `where` names the file. */
export function validateLmTrainState(x: unknown, where: string): LmTrainState {
  return validateTrainState(x, where, checkLmOptions, ['valLoss'], 'language-model');
}

function buildTokenizer(o: LmTrainOptions, text: string): Tokenizer & { toJSON(): unknown } {
  if (o.tokenizer === 'char') return CharTokenizer.fromText(text);
  return BpeTokenizer.train(text, o.tokenizerVocab);
}

/**
 * Mean next-token loss (nats/token) of `model` on the text `ids`: the text cut into
 * non-overlapping windows of blockSize tokens (sequentialBatches), `batchSize` windows per
 * forward pass, the first `maxBatches` batches (all if omitted). Eval mode: no dropout.
 */
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

/** Bits per byte on one corpus part's held-out slice. */
export interface PartScore { readonly valLoss: number; readonly bitsPerByte: number; readonly tokens: number; readonly bytes: number; readonly heldOut: string }

/**
 * Bits per byte of `model` on the held-out slice of every part of `corpus` (for Moby Dick, the
 * headline validation text), each over the whole slice.
 */
export function evaluateCorpusParts(model: GPT, tokenizer: Tokenizer, corpus: Corpus, batchSize = 32): Partial<Record<CorpusPart, PartScore>> {
  const out: Partial<Record<CorpusPart, PartScore>> = {};
  for (const p of corpus.parts) {
    const ids = encodePart(tokenizer, p, 'heldOut');
    const bytes = Buffer.byteLength(p.heldOut, 'utf8');
    const valLoss = evaluateLm(model, ids, batchSize);
    out[p.name] = { valLoss, bitsPerByte: bitsPerByte(valLoss, ids.length, bytes), tokens: ids.length, bytes, heldOut: p.heldOutWhat };
  }
  return out;
}

/**
 * The whole training text's ids. Text parts are encoded as the joined text, as always; when a
 * part is made of framed documents (spam-subjects), each part is encoded on its own
 * (encodePart) and the parts are joined by the blank line that joins them in the text.
 */
export function encodeCorpusTrain(tokenizer: Tokenizer, corpus: Corpus): Int32Array {
  if (!corpus.parts.some((p) => p.documents)) return Int32Array.from(tokenizer.encode(corpus.train));
  const join = tokenizer.encode('\n\n');
  const out: number[] = [];
  corpus.parts.forEach((p, k) => {
    if (k > 0) out.push(...join);
    const ids = p.documents ? encodePart(tokenizer, p, 'train') : Int32Array.from(tokenizer.encode(p.train.trimEnd()));
    for (const id of ids) out.push(id);
  });
  return Int32Array.from(out);
}

/**
 * Bits per UTF-8 byte of a text from a model's mean loss on it (`lossNatsPerToken`, nats per
 * token) over `tokens` tokens that spell `bytes` bytes: unlike nats per token, it compares models
 * with different tokenizers.
 */
export function bitsPerByte(lossNatsPerToken: number, tokens: number, bytes: number): number {
  return (lossNatsPerToken * tokens) / (bytes * Math.LN2);
}


/**
 * Train (or, with `resume`, continue) a language model into folder `out`: the options not given
 * come from DEFAULT_LM_OPTIONS; the tokenizer is built from the corpus's training text (or taken
 * from `init`), batches are drawn with the seeded Rng, the validation loss is measured every
 * `evalEvery` steps, and checkpoints are written to `out` as it goes (atomically, with the run's
 * state, so an interrupted run resumes where it stopped). Throws an InputError for a bad option or
 * a folder that is not a resumable language-model checkpoint.
 */
export async function trainLm(out: string, opts: Partial<LmTrainOptions>, resume: boolean, cb: LmCallbacks = {}): Promise<LmTrainResult> {
  const log = cb.onLog ?? (() => undefined);
  let model: GPT;
  let tokenizer: Tokenizer & { toJSON(): unknown };
  let state: LmTrainState;
  const resumed = resume ? loadForResume<LmTrainOptions, EvalPoint>(out, 'lm', 'language-model', checkLmOptions, ['valLoss'], log) : null;
  if (resumed) {
    if (!resumed.ck.tokenizer) {
      resumed.ck.model.dispose();
      throw new InputError(`${out}: not a resumable language-model checkpoint (no tokenizer)`);
    }
    ({ model, tokenizer } = resumed.ck as { model: GPT; tokenizer: Tokenizer & { toJSON(): unknown } });
    state = resumed.state;
  } else {
    const o = checkLmOptions({ ...DEFAULT_LM_OPTIONS, ...opts }, (w) => { throw new InputError(`training option ${w}`); });
    if (o.init !== undefined) {
      // Continued pretraining: the checkpoint's weights, tokenizer and shape; a fresh optimizer.
      const ck = loadCheckpoint(o.init);
      if (ck.moments) for (const t of [...ck.moments.m.values(), ...ck.moments.v.values()]) t.dispose();
      if (ck.json.kind !== 'lm' || !ck.tokenizer) {
        ck.model.dispose();
        throw new InputError(`${o.init}: not a language-model checkpoint with a tokenizer (kind '${ck.json.kind}')`);
      }
      ({ model, tokenizer } = ck as unknown as { model: GPT; tokenizer: Tokenizer & { toJSON(): unknown } });
      if (o.reinit) {
        const fresh = new GPT(model.config, { seed: o.seed });
        model.dispose();
        model = fresh;
      }
      // Record the tokenizer actually used, not the command line's default.
      const kind = tokenizer instanceof BpeTokenizer ? 'bpe' : 'char';
      state = newTrainState({ ...o, tokenizer: kind, tokenizerVocab: kind === 'bpe' ? tokenizer.vocabSize : o.tokenizerVocab }, o.seed, loopSettings(o));
      log(`init: ${o.reinit ? 'fresh random weights (--reinit) with the shape' : 'weights'} and ${tokenizer.vocabSize}-token tokenizer from ${o.init} (${model.numParams().toLocaleString('en')} parameters; --preset, --tokenizer, --vocab and model flags do not apply)`);
    } else {
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
      state = newTrainState(o, o.seed, loopSettings(o));
    }
  }
  const o = state.options;
  const corpus = loadCorpus(o.corpus);
  // With a mix, each part is encoded on its own and batches draw from the parts by share;
  // otherwise windows are drawn from the whole training text (the parts by size).
  const partIds = o.mix ? corpus.parts.map((p) => encodePart(tokenizer, p, 'train')) : null;
  const trainIds = partIds ? new Int32Array(0) : encodeCorpusTrain(tokenizer, corpus);
  const valIds = Int32Array.from(tokenizer.encode(corpus.val));
  const valBytes = Buffer.byteLength(corpus.val, 'utf8');
  const mixSum = o.mix ? o.mix.reduce((a, b) => a + b, 0) : 1;
  const parts = corpus.parts.map((p, k) => {
    const mb = (Buffer.byteLength(p.train, 'utf8') / 1e6).toFixed(2);
    return `${p.name} ${mb} MB${partIds ? ` / ${partIds[k].length} tokens, share ${(o.mix![k] / mixSum).toFixed(2)}` : ''}`;
  });
  const trainTokens = partIds ? partIds.reduce((a, p) => a + p.length, 0) : trainIds.length;
  log(`data: ${corpus.name}: ${parts.join(' + ')}; ${trainTokens} train / ${valIds.length} val tokens (Moby Dick's last 10 %); model ${model.numParams().toLocaleString('en')} parameters on ${backendInfo().backend}`);
  const T = model.config.blockSize;
  const task: TrainTask<EvalPoint> = {
    model,
    settings: loopSettings(o),
    tokensPerMicroBatch: o.batchSize * T,
    loss: (step, micro, rng) => {
      const b = partIds ? sampleMixedBatch(partIds, o.mix!, o.batchSize, T, rng) : sampleBatch(trainIds, o.batchSize, T, rng);
      return tf.tidy(() => model.lmLoss(tf.tensor2d(b.x, [o.batchSize, T], 'int32'), tf.tensor2d(b.y, [o.batchSize, T], 'int32'),
        { training: true, seed: dropoutSeed(o.seed, step, micro) }));
    },
    evaluate: () => ({ valLoss: evaluateLm(model, valIds, o.batchSize, o.evalBatches) }),
    checkpoint: () => ({ kind: 'lm', tokenizer: tokenizer.toJSON() }),
  };
  const terminal = cb.terminal ? { label: 'train lm ', describe: (p: EvalPoint) => `step ${p.step}: train ${p.trainLoss.toFixed(3)} · val ${p.valLoss.toFixed(3)} nats/token` } : undefined;
  const run = await runTraining({ task, state, out, resumed: resumed?.ck, terminal }, cb).catch((e: unknown) => { model.dispose(); throw e; });
  // A stopped run (Ctrl-C) is scored on the periodic evaluation's batches, so that it ends at once.
  const finalBatches = run.stoppedEarly ? o.evalBatches : o.finalEvalBatches > 0 ? o.finalEvalBatches : Infinity;
  const valLoss = evaluateLm(model, valIds, o.batchSize, finalBatches);
  return { model, tokenizer, state, steps: run.steps, valLoss, bitsPerByte: bitsPerByte(valLoss, valIds.length, valBytes), tokensPerSecond: run.tokensPerSecond, stoppedEarly: run.stoppedEarly };
}
