/** `train classifier`, `eval classifier`, `classify`: GPT-1 style fine-tuning for spam detection. */
import * as fs from 'fs';
import * as path from 'path';
import { backendInfo, initBackend } from '../../engine';
import { loadCheckpoint, readCheckpointJson, saveCheckpoint } from '../../checkpoint';
import { DEFAULT_BODY_FINETUNE, DEFAULT_FINETUNE, encodeSpam, finetune, type FinetuneOptions, LABELS, prepareClassifier } from '../../classify/finetune';
import { encodeForClassifier } from '../../classify/inputs';
import { evaluateClassifier, spamBaselines } from '../../classify/evaluate';
import { loadSpam, type SpamTask } from '../../data/spam';
import { check } from '../../errors';
import { BpeTokenizer } from '../../tokenize/bpe';
import { get } from '../args';
import { registerCommand } from '../commands';
import { ProgressBar } from '../progress';

const DEFAULT_PRETRAINED = 'data/checkpoints/lm';

registerCommand({
  name: 'train classifier',
  summary: 'fine-tune the pretrained GPT to tell spam from ham (GPT-1 style)',
  usage: 'literate-gpt train classifier [--pretrained DIR] [--task subject|subject+body] [--init pretrained|scratch] [--lambda 0.5] [--out DIR] [--json]',
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
  },
  async run({ flags, positional }, ctx) {
    check(positional.length === 0, `unexpected argument '${positional[0]}'`);
    const pretrained = get.str(flags, 'pretrained') ?? DEFAULT_PRETRAINED;
    const lmJson = readCheckpointJson(pretrained); // fail early, before any work, on a bad folder
    const task = (get.str(flags, 'task') ?? 'subject') as SpamTask;
    const body = task === 'subject+body';
    const context = get.num(flags, 'context') ?? (body ? Math.max(DEFAULT_BODY_FINETUNE.context, lmJson.config.blockSize) : undefined);
    const o: FinetuneOptions = {
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
    };
    const out = get.str(flags, 'out') ?? 'out/checkpoints/classifier';
    await initBackend();
    const t0 = Date.now();
    const { model, tokenizer } = prepareClassifier(pretrained, o.init, o.seed, { dropout: o.dropout, context: o.context });
    check(o.T <= model.config.blockSize, `--seq ${o.T} exceeds the model's context of ${model.config.blockSize} tokens (--context lengthens it)`);
    const ds = loadSpam();
    const train = encodeSpam(tokenizer, ds.train, o);
    const val = encodeSpam(tokenizer, ds.val, o);
    ctx.log(`fine-tuning (${o.init}, λ=${o.lambda}, dropout ${model.config.dropout}) on ${train.n} ${task} examples, ${train.truncated} cut to ${o.T} tokens; ${backendInfo().backend}`);
    let bar: ProgressBar | null = null;
    const res = finetune(model, train, val, o, (p) => {
      bar ??= new ProgressBar(p.total, 'train classifier ', 20);
      bar.update(p.step, { epoch: p.epoch + 1, loss: p.loss });
    }, (epoch, acc) => {
      const line = `epoch ${epoch}: validation accuracy ${(100 * acc).toFixed(2)} %`;
      if (bar) bar.note(line);
      else ctx.log(line);
    });
    (bar as ProgressBar | null)?.done();
    const valEval = evaluateClassifier(model, tokenizer, ds.val, o);
    const test = evaluateClassifier(model, tokenizer, ds.test, o);
    const wallSeconds = (Date.now() - t0) / 1000;
    const metrics = { accuracy: test.metrics.accuracy, f1: test.metrics.f1, testLoss: test.metrics.loss, valAccuracy: res.valAccuracy[res.bestEpoch] };
    saveCheckpoint(out, model, {
      kind: 'classifier', tokenizer: tokenizer.toJSON(), dtype: 'float16',
      meta: { task, T: o.T, bodyChars: o.bodyChars, labels: [...LABELS], init: o.init, lambda: o.lambda, pretrained: path.basename(pretrained), options: o },
      metrics,
    });
    const manifest = {
      command: `literate-gpt train classifier ${process.argv.slice(4).join(' ')}`.trim(),
      seed: o.seed, backend: backendInfo().backend, wallSeconds, steps: res.steps, options: o,
      valAccuracyPerEpoch: res.valAccuracy, bestEpoch: res.bestEpoch + 1,
      test: test.metrics, created: new Date().toISOString(),
    };
    fs.writeFileSync(path.join(out, 'manifest.json'), JSON.stringify(manifest, null, 2) + '\n');
    model.dispose();
    return { checkpoint: path.resolve(out), steps: res.steps, valLoss: valEval.metrics.loss, valAccuracy: metrics.valAccuracy, accuracy: metrics.accuracy, f1: metrics.f1, wallSeconds, tokensPerSecond: (res.steps * o.batchSize * o.T) / wallSeconds };
  },
});

function loadClassifier(dir: string): { json: ReturnType<typeof readCheckpointJson>; tok: BpeTokenizer; task: SpamTask; T: number; bodyChars: number } {
  const json = readCheckpointJson(dir);
  check(json.kind === 'classifier', `${dir}: a '${json.kind}' checkpoint, not a classifier`);
  const m = json.meta as { task?: unknown; T?: unknown; bodyChars?: unknown };
  check(m.task === 'subject' || m.task === 'subject+body', `${dir}: meta.task must be 'subject' or 'subject+body'`);
  check(Number.isInteger(m.T) && (m.T as number) >= 3 && (m.T as number) <= json.config.blockSize, `${dir}: meta.T must be an integer in [3, blockSize]`);
  check(Number.isInteger(m.bodyChars) && (m.bodyChars as number) >= 0, `${dir}: meta.bodyChars must be a non-negative integer`);
  return { json, tok: BpeTokenizer.fromJSON(json.tokenizer), task: m.task as SpamTask, T: m.T as number, bodyChars: m.bodyChars as number };
}

registerCommand({
  name: 'eval classifier',
  summary: 'test accuracy, spam F1 and baselines of a fine-tuned classifier',
  usage: 'literate-gpt eval classifier --checkpoint DIR [--json]',
  flags: { checkpoint: { type: 'string', help: 'classifier checkpoint folder' } },
  async run({ flags, positional }) {
    check(positional.length === 0, `unexpected argument '${positional[0]}'`);
    const dir = get.str(flags, 'checkpoint');
    check(dir, '--checkpoint DIR is required');
    const c = loadClassifier(dir);
    await initBackend();
    const { model } = loadCheckpoint(dir);
    const ds = loadSpam();
    const { metrics } = evaluateClassifier(model, c.tok, ds.test, c);
    const baselines = spamBaselines(ds, c.task, c.bodyChars);
    model.dispose();
    return {
      checkpoint: path.resolve(dir), task: c.task, n: metrics.n, accuracy: metrics.accuracy, f1: metrics.f1,
      recall: { ham: metrics.recall[0], spam: metrics.recall[1] }, confusion: metrics.confusion,
      baselines: Object.fromEntries(Object.entries(baselines).map(([k, v]) => [k, v.accuracy])),
      baselineF1: Object.fromEntries(Object.entries(baselines).map(([k, v]) => [k, v.f1])),
    };
  },
});

registerCommand({
  name: 'classify',
  summary: 'label a text on stdin as ham or spam',
  usage: 'echo "Subject: cheap meds" | literate-gpt classify [--checkpoint DIR] [--json]',
  flags: { checkpoint: { type: 'string', help: 'classifier checkpoint folder (default data/checkpoints/classifier)' } },
  async run({ flags, positional }, ctx) {
    check(positional.length === 0, `unexpected argument '${positional[0]}' (the text goes on stdin)`);
    const dir = get.str(flags, 'checkpoint') ?? 'data/checkpoints/classifier';
    const c = loadClassifier(dir);
    const raw = await ctx.readStdin();
    let text: string;
    try { text = new TextDecoder('utf-8', { fatal: true }).decode(raw); } catch { text = ''; check(false, 'the text on stdin is not valid UTF-8'); }
    text = text.replace(/\s+$/, '');
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
