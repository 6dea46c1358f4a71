/**
 * `export lm`: turn a training checkpoint into a shipped one — float16 weights, no optimizer
 * state — plus a manifest.json with the exact command, seed, backend, wall time, steps, tokens
 * seen, and the validation figures measured on the exported (float16-rounded) weights, so that
 * `eval lm` on the shipped folder reproduces them exactly.
 */
import * as os from 'os';
import * as path from 'path';
import { backendInfo, initBackend } from '../../engine';
import { loadCheckpoint, readCheckpointJson, roundWeightsToHalf, saveCheckpoint } from '../../checkpoint';
import { corpusSizes, loadCorpus } from '../../data/corpus';
import { check } from '../../errors';
import { bitsPerByte, evaluateCorpusParts, evaluateLm, type LmTrainState, tokenizerFromJson } from '../../train/lm';
import { get } from '../args';
import { registerCommand } from '../commands';
import { checkCheckpointOut, replaceManifest } from '../output';

registerCommand({
  name: 'export lm',
  summary: 'ship a trained language model: float16 weights, no optimizer state, a manifest',
  usage: 'literate-gpt export lm --checkpoint DIR --out DIR [--force] [--command "how it was trained"] [--json]',
  flags: {
    checkpoint: { type: 'string', help: 'the training checkpoint folder' },
    out: { type: 'string', help: 'the folder to write (e.g. data/checkpoints/lm)' },
    command: { type: 'string', help: 'the exact training command, recorded in the manifest' },
    force: { type: 'boolean', help: 'replace the language model already in --out (never another kind)' },
  },
  async run({ flags, positional }, ctx) {
    check(positional.length === 0, `unexpected argument '${positional[0]}'`);
    const src = get.str(flags, 'checkpoint');
    const out = get.str(flags, 'out');
    check(src, '--checkpoint DIR is required');
    checkCheckpointOut(out, { kind: 'lm', inputs: [['--checkpoint', src]], force: get.bool(flags, 'force'), writesManifest: true, log: ctx.log });
    check(out, '--out DIR is required');
    const kind = readCheckpointJson(src).kind; // a wrong folder fails before tfjs starts
    check(kind === 'lm', `${src}: a '${kind}' checkpoint, not a language model`);
    await initBackend();
    const ck = loadCheckpoint(src);
    check(ck.json.kind === 'lm', `${src}: a '${ck.json.kind}' checkpoint, not a language model`);
    const state = ck.json.trainState as unknown as LmTrainState | null;
    check(state, `${src}: has no training state to describe`);
    if (ck.moments) for (const t of [...ck.moments.m.values(), ...ck.moments.v.values()]) t.dispose();
    // Keep the curves and options (notebooks plot them), drop what only resuming needs.
    const shippedState = { options: state.options, history: state.history, trainCurve: state.trainCurve, tokensSeen: state.tokensSeen, elapsedMs: state.elapsedMs, scheduleSteps: state.scheduleSteps };
    // Measure on what we ship: the weights rounded to float16 in memory, as the save will store
    // them (nothing is written before the end: Ctrl-C or a failure leaves --out as it was).
    roundWeightsToHalf(ck.model);
    const shipped = { model: ck.model, json: ck.json };
    try {
      const tok = tokenizerFromJson(shipped.json.tokenizer);
      const corpus = loadCorpus(state.options.corpus);
      const valIds = Int32Array.from(tok.encode(corpus.val));
      const valBytes = Buffer.byteLength(corpus.val, 'utf8');
      ctx.log(`evaluating the float16 weights on ${valIds.length} validation tokens…`);
      const valLoss = evaluateLm(shipped.model, valIds, 32);
      const bpb = bitsPerByte(valLoss, valIds.length, valBytes);
      const metrics = { valLoss, bitsPerByte: bpb };
      // A model trained on more than Moby Dick is also scored on each part's held-out slice.
      const broad = corpus.parts.length > 1 || corpus.parts[0].name !== 'moby-dick';
      if (broad) ctx.log(`evaluating on the held-out slice of each corpus part (${corpus.parts.map((p) => p.name).join(', ')})…`);
      const perPart = broad ? evaluateCorpusParts(shipped.model, tok, corpus, 32) : null;
      // saveCheckpoint replaces the old checkpoint atomically (a failure, a full disk, leaves it and
      // its manifest as they were); then the manifest is replaced (replaceManifest). Never
      // `rm -rf out`: that deletes what the folder held.
      saveCheckpoint(out, shipped.model, { kind: 'lm', tokenizer: shipped.json.tokenizer, dtype: 'float16', trainState: shippedState, metrics });
      // The optimizer's step count (the last evaluation's step misses the steps after it).
      const steps = ck.json.optimizer?.step ?? (state.history.length ? state.history[state.history.length - 1].step : 0);
      const manifest = {
        kind: 'lm',
        command: get.str(flags, 'command') ?? null,
        seed: state.options.seed,
        backend: backendInfo().backend,
        machine: `${os.cpus().length}× ${os.cpus()[0]?.model ?? 'cpu'}, ${os.platform()} ${os.arch()}`,
        wallMinutes: state.elapsedMs / 60_000,
        steps,
        tokensSeen: state.tokensSeen,
        parameters: shipped.model.numParams(),
        config: shipped.model.config,
        // From the tokenizer itself: with --init the options' tokenizer is not the one used.
        tokenizer: { kind: String((shipped.json.tokenizer as { format?: unknown } | null)?.format ?? '').includes('bpe') ? 'bpe' : state.options.tokenizer, vocabSize: tok.vocabSize },
        corpus: state.options.corpus,
        validation: { tokens: valIds.length, bytes: valBytes, text: 'the last 10 % of Moby Dick' },
        valLoss,
        bitsPerByte: bpb,
        // The folder it started from, relative to the current folder where it lies inside it (as
        // the recorded command names it), so a shipped manifest does not carry this machine's path.
        ...(state.options.init ? { init: displayPath(state.options.init) } : {}),
        ...(state.options.mix ? { mix: state.options.mix } : {}),
        ...(perPart ? {
          corpusSizes: corpusSizes(corpus),
          bitsPerBytePerCorpus: Object.fromEntries(Object.entries(perPart).map(([k, v]) => [k, v.bitsPerByte])),
          heldOut: perPart,
        } : {}),
        history: state.history,
        created: new Date().toISOString(),
      };
      replaceManifest(out, manifest);
      return { checkpoint: path.resolve(out), steps, valLoss, bitsPerByte: bpb };
    } finally {
      shipped.model.dispose();
    }
  },
});

/** `p` relative to the current folder when it lies inside it, else as it is. */
function displayPath(p: string): string {
  const rel = path.relative(process.cwd(), p);
  return rel && !rel.startsWith('..') && !path.isAbsolute(rel) ? rel : p;
}
