/** `train classifier`, `eval classifier`, `classify`: GPT-1 style fine-tuning for spam detection. */
import * as fs from 'fs';
import * as path from 'path';
import { backendInfo, initBackend } from '../../engine';
import { CHECKPOINT_FILE, loadCheckpoint, readCheckpointJson, removeCheckpoint, saveCheckpoint, writeFileAtomic } from '../../checkpoint';
import { BEST_EPOCH_DIR, DEFAULT_BODY_FINETUNE, DEFAULT_FINETUNE, type FinetuneOptions, SMALL_SET_SCHEDULE, smallSetSchedule, LABELS, type TokenInit, trainClassifier } from '../../classify/finetune';
import { encodeForClassifier } from '../../classify/inputs';
import type { Unfreeze } from '../../classify/schedule';
import { DEFAULT_RECIPE, fewLabelSteps, scratchSteps } from '../../classify/recipe';
import { evaluateClassifier, spamBaselines } from '../../classify/evaluate';
import { loadSpam, type SpamTask, stratifiedSubset } from '../../data/spam';
import { check } from '../../errors';
import { inspectGpt2Folder, isHfFolder } from '../../hf';
import { BpeTokenizer } from '../../tokenize/bpe';
import { get } from '../args';
import { registerCommand } from '../commands';
import { checkCheckpointOut, removeStaleManifest, replaceManifest } from '../output';
import { checkCheckpointStepFits, checkStepFits } from '../resources';

/** The command line as typed (for manifests). */
const commandLine = (): string => ['literate-gpt', ...process.argv.slice(2)].join(' ');

/** The shipped checkpoints, found from the project (not the current folder: `classify` works from anywhere). */
const PROJECT = path.join(__dirname, '..', '..', '..');
const DEFAULT_PRETRAINED = path.relative(process.cwd(), path.join(PROJECT, DEFAULT_RECIPE.pretrained)) || '.';
const DEFAULT_CLASSIFIER = path.join(PROJECT, 'data', 'checkpoints', 'classifier');

registerCommand({
  name: 'train classifier',
  summary: 'fine-tune the pretrained GPT to tell spam from ham (GPT-1 style)',
  usage: 'literate-gpt train classifier [--train-size N] [--seed S] [--pretrained DIR] [--task subject|subject+body] [--init pretrained|scratch] [--lambda 0.5] [--minutes M] [--out DIR] [--resume] [--json]',
  flags: {
    pretrained: { type: 'string', help: `language-model checkpoint to start from (default ${DEFAULT_PRETRAINED}); its tokenizer is used either way` },
    task: { type: 'string', help: 'subject (default) or subject+body', choices: ['subject', 'subject+body'] },
    init: { type: 'string', help: 'pretrained (default) or scratch (same shape, random weights)', choices: ['pretrained', 'scratch'] },
    lambda: { type: 'number', help: 'weight of the auxiliary LM loss (default 0.5; 0 = none)', min: 0, max: 100 },
    epochs: { type: 'int', help: `passes over the training split (default ${DEFAULT_FINETUNE.epochs}; ${DEFAULT_BODY_FINETUNE.epochs} for subject+body)`, min: 1, max: 1000 },
    steps: { type: 'int', help: 'stop after this many steps (default: all epochs)', min: 1, max: 10_000_000 },
    batch: { type: 'int', help: 'examples per step (default 32)', min: 1, max: 4096 },
    lr: { type: 'number', help: `peak learning rate (default ${DEFAULT_FINETUNE.lr})`, min: 1e-7, max: 1 },
    seq: { type: 'int', help: 'tokens per example incl. <s> and <e> (default 48 for subject, the context for subject+body)', min: 3, max: 65536 },
    context: { type: 'int', help: `the classifier's context in tokens (default: the pretrained model's, 128; ${DEFAULT_BODY_FINETUNE.context} for subject+body); longer adds position rows`, min: 3, max: 4096 },
    'body-chars': { type: 'int', help: 'characters of the body kept (default 600)', min: 0, max: 1_000_000 },
    seed: { type: 'int', help: 'random seed (default 1)', min: 0, max: 2 ** 32 - 1 },
    dropout: { type: 'number', help: `dropout while fine-tuning (default ${DEFAULT_FINETUNE.dropout}; the shipped LM was pretrained with 0.1)`, min: 0, max: 0.99 },
    out: { type: 'string', help: 'checkpoint folder to write (default out/checkpoints/classifier)' },
    force: { type: 'boolean', help: 'replace the classifier already in --out (never another kind)' },
    resume: { type: 'boolean', help: 'continue the run whose checkpoint is in --out' },
    minutes: { type: 'number', help: 'stop after this many minutes (the LR schedule is fitted to it)', min: 0.01, max: 100_000 },
    keep: { type: 'string', help: 'best (the default without --train-size: the validation split picks the best evaluation\'s weights) or last (the default with --train-size: no validation label chooses anything, the last step\'s weights, one evaluation at the end for the record)', choices: ['best', 'last'] },
    'train-size': { type: 'int', help: `fine-tune on a class-stratified subset of N training examples drawn with --seed (validation and test unchanged), with the few-label protocol's fixed recipe: ${DEFAULT_RECIPE.fewLabelSteps} steps (at least four passes over N), ${DEFAULT_RECIPE.stage3.key === 'task' ? 'plain' : DEFAULT_RECIPE.stage3.key} stage 3, the last step kept; --init scratch: the from-scratch arm's 10 or 20 steps`, min: 1, max: 10_000_000 },
    'token-init': { type: 'string', help: `how <s> and <e> start: separators (default: copies of the blank line and the newline, the tokens that start a document and end a subject in pretraining) or random (GPT-1's new rows)`, choices: ['random', 'separators'] },
    'save-every': { type: 'int', help: `checkpoint every N steps, besides each epoch's end (default ${DEFAULT_FINETUNE.saveEvery})`, min: 1, max: 10_000_000 },
    discriminative: { type: 'number', help: 'stage 3: each layer learns this many times slower than the one above (ULMFiT: 2.6; default 1, all alike)', min: 1, max: 100 },
    schedule: { type: 'string', help: "stage 3: the learning-rate curve, cosine (default: warmup then cosine) or slanted (ULMFiT's slanted triangular rate)", choices: ['cosine', 'slanted'] },
    unfreeze: { type: 'string', help: 'stage 3: all (default, every layer from the start), gradual (the head, then one layer more from the top at a time, all by half the run) or head-first (only the head for the first half, then all: LP-FT)', choices: ['all', 'gradual', 'head-first'] },
  },
  async run({ flags, positional }, ctx) {
    check(positional.length === 0, `unexpected argument '${positional[0]}'`);
    const pretrained = get.str(flags, 'pretrained') ?? DEFAULT_PRETRAINED;
    const out = get.str(flags, 'out') ?? 'out/checkpoints/classifier';
    const resume = get.bool(flags, 'resume');
    // Before any work: --out is checked (a classifier in it is continued only with --resume,
    // replaced only with --force; never the --pretrained folder, never another kind).
    const { existing } = checkCheckpointOut(out, { kind: 'classifier', inputs: [['--pretrained', pretrained]], resume, canResume: true, force: get.bool(flags, 'force'), writesManifest: true, log: ctx.log });
    const resuming = resume && fs.existsSync(path.join(out, CHECKPOINT_FILE));
    let o = DEFAULT_FINETUNE; // a resumed run takes its options from the checkpoint
    if (resuming) {
      checkCheckpointStepFits(out, DEFAULT_FINETUNE.batchSize, { log: ctx.log }); // the size it was trained with
      const ignored = Object.keys(flags).filter((k) => !['out', 'resume', 'json'].includes(k));
      if (ignored.length > 0) ctx.log(`note: --resume continues with the checkpoint's own options; ignoring ${ignored.map((k) => `--${k}`).join(', ')}`);
    } else {
      // Fail early, before any work, on a bad folder (ours, or a Hugging Face GPT-2 folder).
      const lmJson = isHfFolder(pretrained) ? inspectGpt2Folder(pretrained) : readCheckpointJson(pretrained);
      const task = (get.str(flags, 'task') ?? 'subject') as SpamTask;
      const body = task === 'subject+body';
      const context = get.num(flags, 'context') ?? (body ? Math.max(DEFAULT_BODY_FINETUNE.context, lmJson.config.blockSize) : undefined);
      o = {
        ...DEFAULT_FINETUNE,
        task,
        T: get.num(flags, 'seq') ?? (body ? context ?? lmJson.config.blockSize : 48),
        init: (get.str(flags, 'init') ?? 'pretrained') as 'pretrained' | 'scratch',
        lambda: get.num(flags, 'lambda') ?? DEFAULT_FINETUNE.lambda,
        epochs: get.num(flags, 'epochs') ?? (body ? DEFAULT_BODY_FINETUNE.epochs : DEFAULT_FINETUNE.epochs),
        maxSteps: get.num(flags, 'steps') ?? 0,
        batchSize: get.num(flags, 'batch') ?? DEFAULT_FINETUNE.batchSize,
        lr: get.num(flags, 'lr') ?? DEFAULT_FINETUNE.lr,
        bodyChars: get.num(flags, 'body-chars') ?? DEFAULT_FINETUNE.bodyChars,
        seed: get.num(flags, 'seed') ?? DEFAULT_FINETUNE.seed,
        dropout: get.num(flags, 'dropout') ?? DEFAULT_FINETUNE.dropout,
        context,
        minutes: get.num(flags, 'minutes') ?? 0,
        saveEvery: get.num(flags, 'save-every') ?? DEFAULT_FINETUNE.saveEvery,
        tokenInit: (get.str(flags, 'token-init') ?? DEFAULT_RECIPE.tokenInit) as TokenInit,
      };
      const trainSize = get.num(flags, 'train-size');
      // Stage 3: the recipe's schedule for a few-label run from a pretrained LM (it was chosen
      // there); a flag given replaces its part. All labels, or from scratch: plain unless flagged.
      const stage3 = trainSize !== undefined && o.init === 'pretrained' ? DEFAULT_RECIPE.stage3.stage3 : {};
      const discriminative = get.num(flags, 'discriminative') ?? stage3.discriminative;
      const schedule = (get.str(flags, 'schedule') ?? stage3.schedule) as 'cosine' | 'slanted' | undefined;
      const unfreeze = (get.str(flags, 'unfreeze') ?? stage3.unfreeze) as Unfreeze | undefined;
      o = { ...o, ...(discriminative === undefined ? {} : { discriminative }), ...(schedule === undefined ? {} : { schedule }), ...(unfreeze === undefined ? {} : { unfreeze }) };
      const recipeFlags = ['pretrained', 'token-init', 'discriminative', 'schedule', 'unfreeze', 'steps', 'keep', 'lr', 'lambda', 'seq', 'dropout', 'batch', 'epochs'];
      const changed = recipeFlags.filter((f) => flags[f] !== undefined);
      const recipe = changed.length === 0 && o.init === 'pretrained' && o.task === 'subject'
        ? DEFAULT_RECIPE.name
        : `${o.init === 'scratch' ? 'from scratch' : 'pretrained'}${changed.length ? `, changed: ${changed.map((f) => `--${f}`).join(' ')}` : ''}`;
      // The command that started the run travels in its options, so that a resumed run's
      // manifest records it (and not the --resume line that finished it).
      o = { ...o, command: commandLine(), recipe } as FinetuneOptions;
      if (trainSize !== undefined) {
        // A small set trains for a fixed number of steps (--steps, else the recipe's), not epochs.
        const fixed = o.init === 'scratch' ? scratchSteps(trainSize, o.batchSize) : fewLabelSteps(trainSize, o.batchSize);
        const sched = smallSetSchedule(trainSize, o.batchSize, get.num(flags, 'steps') ?? fixed);
        o = { ...o, trainSize, epochs: get.num(flags, 'epochs') ?? sched.epochs, maxSteps: sched.maxSteps, evalEvery: sched.evalEvery };
      }
      // --keep last (the default with --train-size): a fixed recipe that no validation label
      // chooses anything in (the few-label protocol): one evaluation at the very end, for the
      // record, and the last step's weights.
      const keep = get.str(flags, 'keep') ?? (trainSize !== undefined ? 'last' : 'best');
      check(keep === 'best' || keep === 'last', `--keep must be best or last, got '${keep}'`);
      if (keep === 'last') {
        check(o.maxSteps > 0, '--keep last needs a fixed number of steps (--steps, or --train-size)');
        o = { ...o, evalEvery: o.maxSteps };
      }
      // One step must fit in memory: the pretrained shape, its context lengthened to --context.
      checkStepFits({ ...lmJson.config, blockSize: Math.max(lmJson.config.blockSize, context ?? 0) }, o.batchSize, o.T);
    }
    await initBackend();
    if (existing && !resume) removeStaleManifest(out); // --force: it described the model being replaced
    const t0 = Date.now();
    // Ctrl-C (SIGINT) or SIGTERM: the driver finishes the step, saves a resumable checkpoint and stops.
    const res = await trainClassifier(out, o, pretrained, resume, { onLog: (l) => ctx.log(l), terminal: true });
    const { model, tokenizer } = res;
    o = res.state.options;
    if (res.stoppedEarly) {
      model.dispose();
      return { checkpoint: path.resolve(out), steps: res.steps, valAccuracy: res.valAccuracy[res.valAccuracy.length - 1] ?? null, wallSeconds: (Date.now() - t0) / 1000, stoppedEarly: true };
    }
    const ds = loadSpam();
    const valEval = evaluateClassifier(model, tokenizer, ds.val, o);
    const test = evaluateClassifier(model, tokenizer, ds.test, o);
    const wallSeconds = (Date.now() - t0) / 1000;
    const metrics = { accuracy: test.metrics.accuracy, f1: test.metrics.f1, testLoss: test.metrics.loss, valAccuracy: res.valAccuracy[res.bestEpoch] };
    // The finished model replaces the resumable checkpoint: float16, without optimizer or train state.
    const json = readCheckpointJson(out);
    saveCheckpoint(out, model, { kind: 'classifier', tokenizer: tokenizer.toJSON(), dtype: 'float16', meta: json.meta, metrics });
    removeCheckpoint(path.join(out, BEST_EPOCH_DIR)); // its two files only: anything else there stays
    const manifest = {
      command: typeof (o as { command?: unknown }).command === 'string' ? (o as { command?: string }).command : resuming ? null : commandLine(),
      ...(resuming ? { resumedWith: commandLine() } : {}),
      seed: o.seed, backend: backendInfo().backend, wallSeconds, trainSeconds: res.state.elapsedMs / 1000, steps: res.steps, options: o,
      valAccuracyPerEpoch: res.valAccuracy, bestEpoch: res.bestEpoch + 1,
      test: test.metrics, created: new Date().toISOString(),
    };
    replaceManifest(out, manifest);
    model.dispose();
    return {
      checkpoint: path.resolve(out), steps: res.steps, valLoss: valEval.metrics.loss, valAccuracy: metrics.valAccuracy, accuracy: metrics.accuracy, f1: metrics.f1,
      wallSeconds, tokensPerSecond: (res.steps * o.batchSize * o.T) / wallSeconds, stoppedEarly: false,
    };
  },
});

function loadClassifier(dir: string): { json: ReturnType<typeof readCheckpointJson>; tok: BpeTokenizer; task: SpamTask; T: number; bodyChars: number; trainSize: number; seed: number } {
  const json = readCheckpointJson(dir);
  check(json.kind === 'classifier', `${dir}: a '${json.kind}' checkpoint, not a classifier`);
  const m = json.meta as { task?: unknown; T?: unknown; bodyChars?: unknown };
  check(m.task === 'subject' || m.task === 'subject+body', `${dir}: meta.task must be 'subject' or 'subject+body'`);
  check(Number.isInteger(m.T) && (m.T as number) >= 3 && (m.T as number) <= json.config.blockSize, `${dir}: meta.T must be an integer in [3, blockSize]`);
  check(Number.isInteger(m.bodyChars) && (m.bodyChars as number) >= 0, `${dir}: meta.bodyChars must be a non-negative integer`);
  // --train-size and --seed of the run, where recorded (older checkpoints: the whole split).
  const o = (json.meta as { options?: { trainSize?: unknown; seed?: unknown } }).options ?? {};
  const trainSize = Number.isInteger(o.trainSize) && (o.trainSize as number) > 0 ? o.trainSize as number : 0;
  const seed = Number.isInteger(o.seed) && (o.seed as number) >= 0 ? o.seed as number : 1;
  return { json, tok: BpeTokenizer.fromJSON(json.tokenizer), task: m.task as SpamTask, T: m.T as number, bodyChars: m.bodyChars as number, trainSize, seed };
}

registerCommand({
  name: 'eval classifier',
  summary: 'test accuracy, spam F1 and baselines of a fine-tuned classifier',
  usage: 'literate-gpt eval classifier --checkpoint DIR [--predictions] [--no-baselines] [--json]',
  flags: {
    checkpoint: { type: 'string', help: 'classifier checkpoint folder' },
    predictions: { type: 'boolean', help: 'also print the predicted class of every test example, in the split\'s order (for paired comparisons)' },
    'no-baselines': { type: 'boolean', help: 'skip the baselines (their cross-validation is most of the command\'s time): the classifier\'s own metrics only' },
  },
  async run({ flags, positional }) {
    check(positional.length === 0, `unexpected argument '${positional[0]}'`);
    const dir = get.str(flags, 'checkpoint');
    check(dir, '--checkpoint DIR is required');
    const c = loadClassifier(dir);
    await initBackend();
    const { model } = loadCheckpoint(dir);
    const ds = loadSpam();
    const { metrics, probs } = evaluateClassifier(model, c.tok, ds.test, c);
    // The baselines see exactly the labels the classifier saw: its --train-size subset, drawn
    // with its seed, or the whole training split.
    const labelled = c.trainSize ? stratifiedSubset(ds.train, c.trainSize, c.seed) : ds.train;
    const baselines = get.bool(flags, 'no-baselines') ? {} : spamBaselines(ds, c.task, c.bodyChars, labelled);
    model.dispose();
    return {
      checkpoint: path.resolve(dir), task: c.task, n: metrics.n, accuracy: metrics.accuracy, f1: metrics.f1,
      trainSize: labelled.length,
      recall: { ham: metrics.recall[0], spam: metrics.recall[1] }, confusion: metrics.confusion,
      baselines: Object.fromEntries(Object.entries(baselines).map(([k, v]) => [k, v.accuracy])),
      baselineF1: Object.fromEntries(Object.entries(baselines).map(([k, v]) => [k, v.f1])),
      ...(get.bool(flags, 'predictions') ? { predictions: probs.map((p) => (p[1] > p[0] ? 1 : 0)) } : {}),
    };
  },
});

/** An e-mail to classify: the longest in the spam corpus is under 1 MB; the model reads its first T tokens. */
export const MAX_CLASSIFY_BYTES = 4 * 1024 * 1024;

registerCommand({
  name: 'classify',
  summary: 'label a text on stdin as ham or spam',
  usage: 'echo "Subject: cheap meds" | literate-gpt classify [--checkpoint DIR] [--json]',
  positionalHint: 'the text goes on stdin',
  flags: { checkpoint: { type: 'string', help: 'classifier checkpoint folder (default data/checkpoints/classifier)' } },
  async run({ flags, positional }, ctx) {
    check(positional.length === 0, `unexpected argument '${positional[0]}' (the text goes on stdin)`);
    const dir = get.str(flags, 'checkpoint') ?? DEFAULT_CLASSIFIER;
    const c = loadClassifier(dir);
    const raw = await ctx.readStdin(MAX_CLASSIFY_BYTES);
    let text: string;
    try { text = new TextDecoder('utf-8', { fatal: true }).decode(raw); } catch { text = ''; check(false, 'the text on stdin is not valid UTF-8'); }
    // trimEnd is linear; /\s+$/ retried from every character of a long white-space run (200 KB
    // of spaces then a letter took 43 s).
    text = text.trimEnd();
    check(text.trim().length > 0, 'no text on stdin');
    await initBackend();
    const { model } = loadCheckpoint(dir);
    const { ids, truncated } = encodeForClassifier(c.tok, text, c.T);
    const { probs } = evaluateClassifier(model, c.tok, [{ id: 'stdin', subject: c.task === 'subject' ? text : text.split('\n')[0], body: text.split('\n').slice(1).join('\n'), label: 0 }], c);
    model.dispose();
    const p = probs[0];
    const label = p[1] > p[0] ? 1 : 0;
    if (truncated) ctx.log(`note: the text is longer than the classifier's ${c.T}-token input; only its first ${ids.length - 2} tokens were read`);
    return { label: LABELS[label], probability: p[label], probabilities: { ham: p[0], spam: p[1] } };
  },
  format: (r) => `${String(r.label)} (p = ${(r.probability as number).toFixed(3)})`,
});
