/** `train lm`, `eval lm`, `sample lm`: generative pretraining on a text corpus. */
import * as fs from 'fs';
import * as path from 'path';
import { initBackend } from '../../engine';
import { CHECKPOINT_FILE, readCheckpointJson, loadCheckpoint } from '../../checkpoint';
import { CORPUS_PARTS, corpusParts, corpusSizes, loadCorpus } from '../../data/corpus';
import { check } from '../../errors';
import { generateAsync } from '../../generate';
import { gpt2FolderTokenizer, inspectGpt2Folder, isHfFolder, loadGpt2 } from '../../hf';
import type { GPT } from '../../model/gpt';
import type { Tokenizer } from '../../tokenize/tokenizer';
import { PRESETS } from '../../model/config';
import { bitsPerByte, DEFAULT_LM_OPTIONS, evaluateCorpusParts, evaluateLm, type LmTrainOptions, tokenizerFromJson, trainLm } from '../../train/lm';
import { get, isDecimal } from '../args';
import { registerCommand } from '../commands';
import { checkCheckpointOut, removeStaleManifest } from '../output';
import { checkCheckpointStepFits, checkStepFits } from '../resources';
import { makeConfig } from '../../model/config';
import { modelFlags, modelOverrides, trainFlags } from './shared-flags';

registerCommand({
  name: 'train lm',
  summary: 'pretrain a GPT on a text corpus (next-token prediction)',
  usage: 'literate-gpt train lm [--preset nano] [--steps N] [--minutes M] [--out DIR] [--resume] [--json]',
  flags: {
    ...trainFlags,
    ...modelFlags,
    corpus: { type: 'string', help: `training text: ${CORPUS_PARTS.join(', ')} or parts joined by + (moby-dick+brown+spam); validation is always Moby Dick's last 10 %` },
    mix: { type: 'string', help: 'shares of the corpus parts in each batch, in order, e.g. 0.4,0.3,0.3 (default: by size)' },
    init: { type: 'string', help: 'start from this language-model checkpoint: its weights, tokenizer and shape (continued pretraining)' },
    reinit: { type: 'boolean', help: 'with --init: its tokenizer and shape, but fresh random weights (the control for what its weights are worth)' },
    tokenizer: { type: 'string', help: 'char or bpe (default char)', choices: ['char', 'bpe'] },
    vocab: { type: 'int', help: 'BPE vocabulary size (default 2048)', min: 257, max: 65536 },
  },
  async run({ flags, positional }, ctx) {
    check(positional.length === 0, `unexpected argument '${positional[0]}'`);
    const out = get.str(flags, 'out') ?? 'out/checkpoints/lm';
    // Before any work: --out is checked (a checkpoint in it is continued only with --resume and
    // replaced only with --force), and one step of the requested size must fit in memory.
    const { existing } = checkCheckpointOut(out, { kind: 'lm', inputs: [['--init', get.str(flags, 'init')]], resume: get.bool(flags, 'resume'), canResume: true, force: get.bool(flags, 'force'), log: ctx.log });
    if (!(existing && get.bool(flags, 'resume')) && flags.init === undefined) {
      // The vocabulary is not known before the tokenizer is built: the largest it can be (as train/lm.ts's probe).
      const vocabSize = get.str(flags, 'tokenizer') === 'bpe' ? get.num(flags, 'vocab') ?? DEFAULT_LM_OPTIONS.tokenizerVocab : 1024;
      checkStepFits(makeConfig({ preset: (get.str(flags, 'preset') ?? 'nano') as LmTrainOptions['preset'], ...modelOverrides(flags), vocabSize }), get.num(flags, 'batch') ?? DEFAULT_LM_OPTIONS.batchSize, undefined, { log: ctx.log });
    } else if (existing && get.bool(flags, 'resume')) {
      checkCheckpointStepFits(out, DEFAULT_LM_OPTIONS.batchSize, { log: ctx.log }); // the size it was trained with
    } else {
      // --init: the model's shape is the init checkpoint's; the batch is this run's.
      const initJson = readCheckpointJson(get.str(flags, 'init')!);
      checkStepFits(initJson.config, get.num(flags, 'batch') ?? DEFAULT_LM_OPTIONS.batchSize, undefined, { log: ctx.log });
    }
    const resuming = get.bool(flags, 'resume') && fs.existsSync(path.join(out, CHECKPOINT_FILE));
    if (resuming) {
      const ignored = Object.keys(flags).filter((k) => !['out', 'resume', 'json'].includes(k));
      if (ignored.length > 0) ctx.log(`note: --resume continues with the checkpoint's own options; ignoring ${ignored.map((k) => `--${k}`).join(', ')}`);
    }
    const corpusName = get.str(flags, 'corpus') ?? DEFAULT_LM_OPTIONS.corpus;
    const nParts = corpusParts(corpusName).length;
    const mixFlag = get.str(flags, 'mix');
    let mix: number[] | undefined;
    if (mixFlag !== undefined) {
      const parts = mixFlag.split(',').map((x) => x.trim());
      mix = parts.map(Number);
      check(mix.length === nParts && parts.every(isDecimal) && mix.every((w) => Number.isFinite(w) && w >= 0) && mix.some((w) => w > 0), `--mix needs ${nParts} non-negative numbers separated by commas (one per part of '${corpusName}'), got '${mixFlag}'`);
    }
    const init = get.str(flags, 'init');
    check(!get.bool(flags, 'reinit') || init !== undefined, '--reinit needs --init (the checkpoint whose tokenizer and shape to keep)');
    await initBackend();
    const opts: Partial<LmTrainOptions> = {
      corpus: corpusName,
      ...(mix ? { mix } : {}),
      ...(init !== undefined ? { init: path.resolve(init) } : {}),
      ...(get.bool(flags, 'reinit') ? { reinit: true } : {}),
      tokenizer: (get.str(flags, 'tokenizer') ?? 'char') as 'char' | 'bpe',
      tokenizerVocab: get.num(flags, 'vocab') ?? DEFAULT_LM_OPTIONS.tokenizerVocab,
      preset: (get.str(flags, 'preset') ?? 'nano') as LmTrainOptions['preset'],
      model: modelOverrides(flags),
      steps: get.num(flags, 'steps') ?? (flags.minutes !== undefined ? 1_000_000 : DEFAULT_LM_OPTIONS.steps),
      minutes: get.num(flags, 'minutes') ?? 0,
      ...(flags.batch !== undefined ? { batchSize: get.num(flags, 'batch') } : {}),
      ...(flags.accum !== undefined ? { gradAccum: get.num(flags, 'accum') } : {}),
      ...(flags.lr !== undefined ? { lr: get.num(flags, 'lr'), minLr: get.num(flags, 'lr')! / 10 } : {}),
      ...(flags.warmup !== undefined ? { warmup: get.num(flags, 'warmup') } : {}),
      ...(flags['eval-every'] !== undefined ? { evalEvery: get.num(flags, 'eval-every') } : {}),
      ...(flags.seed !== undefined ? { seed: get.num(flags, 'seed') } : {}),
    };
    // Ctrl-C (SIGINT) or `kill` (SIGTERM): the driver finishes the step, saves a checkpoint and
    // stops; the result is reported as usual (stoppedEarly) and the exit status is 0.
    if (existing && !get.bool(flags, 'resume')) removeStaleManifest(out); // --force: it described the model being replaced
    const t0 = Date.now();
    const res = await trainLm(out, opts, get.bool(flags, 'resume'), { onLog: (l) => ctx.log(l), terminal: true });
    res.model.dispose();
    return {
      checkpoint: path.resolve(out),
      steps: res.steps,
      valLoss: res.valLoss,
      bitsPerByte: res.bitsPerByte,
      tokensPerSecond: res.tokensPerSecond,
      tokensSeen: res.state.tokensSeen,
      wallSeconds: (Date.now() - t0) / 1000,
      stoppedEarly: res.stoppedEarly,
    };
  },
});

/**
 * A --checkpoint of `eval lm` / `sample lm`: one of ours, or a Hugging Face GPT-2 folder (config.json
 * + model.safetensors, e.g. the released GPT-2). Checked and its tokenizer built without loading weights.
 */
function openLm(dir: string): { vocabSize: number; tokenizer: Tokenizer; trainedOn: string; load: () => GPT } {
  if (isHfFolder(dir)) {
    const { config } = inspectGpt2Folder(dir);
    const tokenizer = gpt2FolderTokenizer(dir, config.vocabSize);
    check(tokenizer, `${dir}: no vocab.json + merges.txt, and ${config.vocabSize} tokens is not GPT-2's vocabulary: no tokenizer for this model`);
    return { vocabSize: config.vocabSize, tokenizer, trainedOn: 'moby-dick', load: () => loadGpt2(dir).model };
  }
  const json = readCheckpointJson(dir);
  check(json.kind === 'lm', `${dir}: a '${json.kind}' checkpoint, not a language model`);
  const trainedOn = (json.trainState?.options as { corpus?: string } | undefined)?.corpus ?? 'moby-dick';
  return { vocabSize: json.config.vocabSize, tokenizer: tokenizerFromJson(json.tokenizer), trainedOn, load: () => loadCheckpoint(dir).model };
}

registerCommand({
  name: 'eval lm',
  summary: 'validation loss (nats/token) and bits per byte of a language model',
  usage: 'literate-gpt eval lm --checkpoint DIR [--corpus PARTS] [--json]',
  flags: {
    checkpoint: { type: 'string', help: 'checkpoint folder' },
    batch: { type: 'int', help: 'evaluation batch size', min: 1, max: 4096 },
    corpus: { type: 'string', help: "whose held-out slices to score (parts joined by +; default the checkpoint's training corpus)" },
  },
  async run({ flags, positional }) {
    check(positional.length === 0, `unexpected argument '${positional[0]}'`);
    const dir = get.str(flags, 'checkpoint');
    check(dir, '--checkpoint DIR is required');
    const lm = openLm(dir);
    await initBackend();
    const model = lm.load();
    const tok = lm.tokenizer;
    const trainedOn = lm.trainedOn as LmTrainOptions['corpus'];
    const corpusName = get.str(flags, 'corpus') ?? trainedOn;
    corpusParts(corpusName); // an unknown part is an InputError before the slow part
    const corpus = loadCorpus(corpusName);
    const batch = get.num(flags, 'batch') ?? 32;
    const valIds = Int32Array.from(tok.encode(corpus.val));
    // The headline: Moby Dick's last 10 % (scored once when Moby Dick is one of the parts).
    const perPart = evaluateCorpusParts(model, tok, corpus, batch);
    const valLoss = perPart['moby-dick']?.valLoss ?? evaluateLm(model, valIds, batch);
    const bpb = bitsPerByte(valLoss, valIds.length, Buffer.byteLength(corpus.val, 'utf8'));
    model.dispose();
    const bitsPerBytePerCorpus = Object.fromEntries(Object.entries(perPart).map(([k, v]) => [k, v.bitsPerByte]));
    return {
      checkpoint: path.resolve(dir), valLoss, bitsPerByte: bpb, valTokens: valIds.length, valBytes: Buffer.byteLength(corpus.val, 'utf8'),
      corpus: corpusName, trainedOn, bitsPerBytePerCorpus, heldOut: perPart, corpusSizes: corpusSizes(corpus),
    };
  },
});

registerCommand({
  name: 'sample lm',
  summary: 'generate text from a prompt (--checkpoint: ours, or a Hugging Face GPT-2 folder)',
  usage: 'literate-gpt sample lm --checkpoint DIR --prompt S [--tokens N] [--temperature T] [--top-k K] [--top-p P] [--seed S] [--json]',
  flags: {
    checkpoint: { type: 'string', help: 'checkpoint folder' },
    prompt: { type: 'string', help: 'the text to continue' },
    tokens: { type: 'int', help: 'new tokens to generate (default 200)', min: 0, max: 100_000 },
    temperature: { type: 'number', help: 'sampling temperature (default 0.8; 0 = greedy)', min: 0, max: 100 },
    'top-k': { type: 'int', help: 'sample among the k most likely tokens (0 = all)', min: 0 },
    'top-p': { type: 'number', help: 'nucleus sampling threshold (default 1)', min: 0, max: 1 },
    seed: { type: 'int', help: 'random seed (default 0)', min: 0, max: 2 ** 32 - 1 },
    'no-cache': { type: 'boolean', help: 'recompute the whole context for every token (slow; for comparison)' },
  },
  async run({ flags, positional }, ctx) {
    check(positional.length === 0, `unexpected argument '${positional[0]}'`);
    const dir = get.str(flags, 'checkpoint');
    check(dir, '--checkpoint DIR is required');
    const prompt = get.str(flags, 'prompt');
    check(prompt !== undefined, '--prompt S is required');
    check(prompt.length > 0, '--prompt is empty: give some text to continue');
    // Node turns bytes that are not UTF-8 in an argument into U+FFFD: say so rather than sample from it.
    check(!prompt.includes('\uFFFD'), '--prompt holds U+FFFD, the mark of bytes that are not valid UTF-8 (convert the text first, e.g. with iconv -t UTF-8)');
    const lm = openLm(dir);
    const tok = lm.tokenizer;
    const ids = tok.encode(prompt);
    let topK = get.num(flags, 'top-k') ?? 0;
    if (topK > lm.vocabSize) {
      ctx.log(`note: --top-k ${topK} is more than the ${lm.vocabSize.toLocaleString('en')} tokens of the vocabulary: sampling among all of them`);
      topK = 0;
    }
    const maxNewTokens = get.num(flags, 'tokens') ?? 200;
    await initBackend();
    const model = lm.load();
    // Ctrl-C (SIGINT) or SIGTERM: stop after the current token and print what was generated
    // (with --json, one object with stoppedEarly: true); a second signal exits at once.
    let stop = false;
    const onSignal = (): void => { if (stop) process.exit(130); stop = true; };
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);
    if (ctx.json && maxNewTokens > 0) ctx.log(`sampling up to ${maxNewTokens} tokens (Ctrl-C stops and prints what is done)…`);
    const t0 = performance.now();
    let res: Awaited<ReturnType<typeof generateAsync>>;
    try {
      res = await generateAsync(model, ids, {
        maxNewTokens,
        temperature: get.num(flags, 'temperature') ?? 0.8,
        topK,
        topP: get.num(flags, 'top-p') ?? 1,
        seed: get.num(flags, 'seed') ?? 0,
        useCache: !get.bool(flags, 'no-cache'),
        onToken: ctx.json ? undefined : (id) => process.stderr.write(tok.decode([id])),
        shouldStop: () => stop,
      });
    } finally {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
    }
    const secs = (performance.now() - t0) / 1000;
    if (!ctx.json) process.stderr.write('\n');
    if (res.promptTruncated > 0) ctx.log(`note: the prompt is ${ids.length} tokens, longer than the context of ${model.config.blockSize}; its first ${res.promptTruncated} tokens were dropped`);
    model.dispose();
    return { text: tok.decode(res.tokens), prompt, tokens: res.tokens.length, promptTruncated: res.promptTruncated, tokensPerSecond: res.tokens.length / secs, stoppedEarly: res.stoppedEarly };
  },
  format: (r) => `${String(r.prompt)}${String(r.text)}`,
});

export const PRESET_NAMES = Object.keys(PRESETS);
