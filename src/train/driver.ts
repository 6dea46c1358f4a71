/**
 * The training driver: the one loop that every model here is trained by — the language model
 * (lm.ts), the pixel GPT (image/train.ts) and the spam classifier (classify/finetune.ts). Like
 * minGPT's Trainer it knows nothing about the task. A task supplies its batches and loss, its
 * evaluation and what its checkpoint carries; the driver owns the rest:
 *
 * - the step loop (optimizer, schedule, clipping and accumulation are `Trainer`'s, trainer.ts);
 * - the time budget (`minutes`), to which the schedule's length is fitted as the pace is measured;
 * - periodic evaluation, and atomic checkpoints at every evaluation, every `saveEvery` steps and
 *   on stop, holding everything a resumed run needs to follow the same trajectory as an
 *   uninterrupted one: weights, AdamW moments, the data RNG's state and the schedule;
 * - resuming from such a checkpoint, validated field by field before it steers anything;
 * - Ctrl-C and SIGTERM (with `terminal`): finish the step, save, return with one line;
 * - the divergence guard: a non-finite loss (or weights that would be saved non-finite) stops
 *   the run with one line naming the last good checkpoint, which is left as it was;
 * - the progress bar (with `terminal`) and the callbacks that draw live curves.
 *
 * The loop yields to the event loop between steps, so that signals and timers are seen at all.
 */
import * as fs from 'fs';
import * as path from 'path';
import * as tf from '@tensorflow/tfjs';
import { CHECKPOINT_FILE } from '../checkpoint/format';
import { type CheckpointSaveOptions, type LoadedCheckpoint, loadCheckpoint, NonFiniteWeightsError, saveCheckpoint } from '../checkpoint/io';
import { lockFolder, unlockFolder } from '../checkpoint/lock';
import { removeStaleManifest } from '../cli/output';
import { ProgressBar } from '../cli/progress';
import { Rng, type RngState } from '../engine/random';
import { InputError } from '../errors';
import type { GPT } from '../model/gpt';
import { DivergedError, type StepInfo, Trainer } from './trainer';

/** How a task wants to be trained: derived from its options, so a resumed run derives the same. */
export interface LoopSettings {
  /** The most optimizer steps (the schedule's length unless a time budget shortens it). */
  readonly steps: number;
  /** Stop after this many minutes of training (0 = no time limit); the schedule is fitted to it. */
  readonly minutes: number;
  readonly lr: number;
  readonly minLr: number;
  /** Warmup steps for a schedule of `total` steps. */
  readonly warmupFor: (total: number) => number;
  readonly weightDecay: number;
  /** Clip the global gradient norm to this (0 = no clipping). */
  readonly clip: number;
  readonly gradAccum: number;
  /** Evaluate (and checkpoint) every this many steps, and at the last. */
  readonly evalEvery: number;
  /** Also checkpoint every this many steps (Infinity: only at evaluations and on stop). */
  readonly saveEvery: number;
  /** The learning-rate curve (absent: warmup then cosine; 'slanted': ULMFiT's, schedule.ts). */
  readonly shape?: 'cosine' | 'slanted';
  /** A factor on parameter `name`'s learning rate at `step` (absent: 1); see TrainerOptions. */
  readonly lrScale?: (name: string, step: number) => number;
}

/** The hyperparameters that the language model and the pixel GPT share (their options extend it). */
export interface LoopOptions {
  /** Sequences per micro-batch. */
  readonly batchSize: number;
  /** Micro-batches whose gradients are averaged into one update. */
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
  readonly seed: number;
}

/** Check LoopOptions' fields with an optionChecker's `num`. */
export function checkLoopOptions(num: (k: keyof LoopOptions, lo: number, hi: number, int?: boolean) => void): void {
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
  num('seed', 0, 2 ** 32 - 1, true);
}

/** How the driver trains with LoopOptions: warmup capped for short runs, a checkpoint at each evaluation. */
export function loopSettings(o: LoopOptions): LoopSettings {
  return {
    steps: o.steps, minutes: o.minutes, lr: o.lr, minLr: o.minLr, warmupFor: cappedWarmup(o.warmup), weightDecay: o.weightDecay,
    clip: o.clip, gradAccum: o.gradAccum, evalEvery: o.evalEvery, saveEvery: Infinity,
  };
}

/** What every evaluation records; a task adds its own metrics. */
export interface EvalPointBase {
  readonly step: number;
  /** Mean training loss since the previous evaluation. */
  readonly trainLoss: number;
  readonly elapsedMs: number;
}

/** The run's progress, saved in every checkpoint (`trainState`) and validated on resume. */
export interface TrainState<O, P extends EvalPointBase> {
  readonly options: O;
  /** Total steps of the LR schedule (fixed once known, so a resumed run follows the same curve). */
  scheduleSteps: number;
  /** Warmup steps of the schedule (absent in older checkpoints: derived from scheduleSteps). */
  warmupSteps?: number;
  /** The data RNG (batches, label dropout) as it stands after the last step. */
  rng: RngState;
  elapsedMs: number;
  tokensSeen: number;
  history: P[];
  trainCurve: [number, number][];
}

export interface TrainTask<P extends EvalPointBase> {
  readonly model: GPT;
  readonly settings: LoopSettings;
  /** Tokens (or examples) per micro-batch, for throughput figures. */
  readonly tokensPerMicroBatch: number;
  /** The loss of micro-batch `micro` of step `step` (0-based): draws its own batch, from `rng`. */
  loss(step: number, micro: number, rng: Rng): tf.Scalar;
  /** The task's metrics at an evaluation after `step` steps. */
  evaluate(step: number): Omit<P, keyof EvalPointBase>;
  /** Called after each evaluation is recorded (the classifier keeps its best epoch's weights). */
  afterEval?(point: P): void;
  /** What a checkpoint holds besides weights, optimizer moments and the train state. */
  checkpoint(): Pick<CheckpointSaveOptions, 'kind' | 'tokenizer' | 'meta'>;
}

export interface TrainCallbacks<S, P> {
  onStep?(info: StepInfo, state: S): void;
  onEval?(point: P): void;
  onLog?(line: string): void;
  /** Polled before each step; true stops training after saving a checkpoint. */
  shouldStop?(): boolean;
  /** For a command line: a progress bar, and Ctrl-C/SIGTERM stop the run (the task passes TrainRun.terminal). */
  readonly terminal?: boolean;
}

export interface TrainRun<O, P extends EvalPointBase> {
  readonly task: TrainTask<P>;
  readonly state: TrainState<O, P>;
  /** Checkpoint folder (null: train in memory only, as the notebooks' live demos do). */
  readonly out: string | null;
  /** The checkpoint this run continues, with its optimizer moments (from `loadForResume`). */
  readonly resumed?: LoadedCheckpoint | null;
  /**
   * For a command line: draw a progress bar labelled `label`, print each evaluation as
   * `describe(point)`, and stop cleanly on SIGINT/SIGTERM (a second one exits at once).
   */
  readonly terminal?: { readonly label: string; describe(point: P): string };
}

export interface TrainOutcome {
  /** Optimizer steps done in all (resumed runs included). */
  readonly steps: number;
  readonly stoppedEarly: boolean;
  /** Throughput of the last step. */
  readonly tokensPerSecond: number;
}

/** A fresh run's state: nothing trained, the data RNG seeded from the run's seed. */
export function newTrainState<O, P extends EvalPointBase>(options: O, seed: number, settings: LoopSettings): TrainState<O, P> {
  return { options, scheduleSteps: settings.steps, warmupSteps: settings.warmupFor(settings.steps), rng: new Rng(seed ^ 0x5bd1e995).getState(), elapsedMs: 0, tokensSeen: 0, history: [], trainCurve: [] };
}

/** The dropout seed of micro-batch `micro` of step `step` (one stream per run seed). */
export function dropoutSeed(seed: number, step: number, micro: number): number {
  return (((seed * 1_000_003 + step) >>> 0) + micro * 7919) >>> 0;
}

/** Warmup is at most a tenth of a short run, so that the peak learning rate is reached. */
export function cappedWarmup(warmup: number): (total: number) => number {
  return (total) => Math.min(warmup, Math.max(1, Math.floor(total / 10)));
}

/** Run (or continue) training until the schedule ends, the time is up, or a stop is asked for. */
export async function runTraining<O, P extends EvalPointBase>(run: TrainRun<O, P>, cb: TrainCallbacks<TrainState<O, P>, P> = {}): Promise<TrainOutcome> {
  const { task, state, out } = run;
  const { model, settings: s } = task;
  const decay = new Map(model.specs.map((p) => [p.name, p.decay]));
  const schedule = { lr: s.lr, minLr: s.minLr, warmup: state.warmupSteps ?? s.warmupFor(state.scheduleSteps), total: state.scheduleSteps, shape: s.shape };
  const trainer = new Trainer(model.params, (n) => decay.get(n) ?? false, {
    schedule, gradAccum: s.gradAccum, clip: s.clip, adamw: { weightDecay: s.weightDecay }, tokensPerMicroBatch: task.tokensPerMicroBatch, lrScale: s.lrScale,
  });
  const ck = run.resumed;
  if (ck?.moments) {
    trainer.optimizer.step = ck.json.optimizer!.step;
    trainer.optimizer.setMoments(ck.moments.m, ck.moments.v);
  }
  const term = run.terminal;
  let bar: ProgressBar | null = null;
  const log = (line: string): void => { if (bar) bar.note(line); else cb.onLog?.(line); };
  if (ck) log(`resuming from step ${trainer.step} of ${state.scheduleSteps} (${out})`);
  const rng = new Rng(0);
  rng.setState(state.rng);

  // The step of the checkpoint in `out` that this run may fall back to (none yet when fresh).
  let savedStep: number | null = ck ? trainer.step : null;
  const save = (): void => {
    if (out === null) return;
    // A fresh run replacing a model (the library's trainLm into a shipped folder): the manifest
    // of ours that described the old model goes with it (a user's file is never touched).
    if (savedStep === null) removeStaleManifest(out);
    state.rng = rng.getState();
    const { elapsedMs: _ms, ...last } = (state.history[state.history.length - 1] ?? {}) as Partial<P> & Record<string, unknown>;
    saveCheckpoint(out, model, { ...task.checkpoint(), optimizer: trainer.optimizer, trainState: state as unknown as Record<string, unknown>, metrics: last as Record<string, number> });
    savedStep = trainer.step;
  };

  let signalled = false;
  const onSignal = (): void => {
    if (signalled) process.exit(130); // the checkpoint on disk is whole either way: saves are atomic
    signalled = true;
    log('stopping: saving a checkpoint (Ctrl-C again to abort)…');
  };
  if (term) { process.on('SIGINT', onSignal); process.on('SIGTERM', onSignal); }

  let stoppedEarly = false;
  let lastTps = 0;
  const budgetMs = s.minutes > 0 ? s.minutes * 60_000 : Infinity;
  const runStart = performance.now() - state.elapsedMs;
  const firstStep = trainer.step;
  let mark: { step: number; ms: number } | null = null;
  // One writer per folder for the whole run, for library callers too (the CLI holds it already).
  if (out !== null) lockFolder(out, { create: true });
  try {
    while (trainer.step < state.scheduleSteps) {
      // Let the event loop run between steps: signal handlers and timers only fire here, since
      // a training step itself never yields.
      await new Promise<void>((resolve) => setImmediate(resolve));
      if (signalled || cb.shouldStop?.()) { stoppedEarly = true; break; }
      const elapsed = performance.now() - runStart;
      if (elapsed >= budgetMs) break;
      // With a time budget, fit the schedule's length to the time left: first once the step time
      // is known (from steps 3–10 of this process, past the one-off graph set-up), then at every
      // evaluation and whenever the schedule runs out with time left, from the pace since the
      // previous fit. On a shared machine the pace changes by 2–3× as other jobs come and go;
      // re-fitting keeps the cosine ending near the budget at the price of a small bend in the
      // curve at each fit. The warmup is fixed at the first fit. Without a budget the schedule
      // is fixed and a run is reproducible step for step.
      const at = trainer.step;
      if (at === firstStep + 3) mark = { step: at, ms: elapsed };
      const fitNow = at === firstStep + 10 || (at > firstStep + 10 && (at % s.evalEvery === 0 || at >= state.scheduleSteps - 1));
      if (budgetMs < Infinity && mark && fitNow) {
        const perStep = (elapsed - mark.ms) / (at - mark.step);
        const total = Math.max(at + 1, Math.min(s.steps, at + Math.floor((budgetMs - elapsed) / perStep)));
        if (state.scheduleSteps === s.steps) { // the first fit of this run
          schedule.warmup = s.warmupFor(total);
          state.warmupSteps = schedule.warmup;
          log(`time budget ${s.minutes} min: ${(perStep / 1000).toFixed(2)} s/step ≈ ${total} steps (re-fitted at each evaluation)`);
        }
        schedule.total = total;
        state.scheduleSteps = total;
        mark = { step: at, ms: elapsed };
      }
      // With several micro-batches a step can take minutes: it yields between them and is
      // abandoned on a signal (the random stream put back, so --resume replays that step).
      const rngBefore = rng.getState();
      const microLoss = (micro: number): tf.Scalar => task.loss(at, micro, rng);
      const info = s.gradAccum > 1 ? await trainer.trainStepStoppable(microLoss, () => signalled) : trainer.trainStep(microLoss);
      if (info === null) { rng.setState(rngBefore); stoppedEarly = true; break; }
      state.tokensSeen += task.tokensPerMicroBatch * s.gradAccum;
      state.elapsedMs = performance.now() - runStart;
      lastTps = info.tokensPerSecond;
      state.trainCurve.push([info.step, info.loss]);
      if (term) {
        bar ??= new ProgressBar(state.scheduleSteps, term.label);
        bar.setTotal(state.scheduleSteps);
        bar.update(info.step, { loss: info.loss, 'tok/s': Math.round(info.tokensPerSecond), lr: info.lr.toExponential(1) });
      }
      cb.onStep?.(info, state);
      const evalNow = info.step % s.evalEvery === 0 || info.step === state.scheduleSteps;
      if (evalNow) {
        const recent = state.trainCurve.slice(-s.evalEvery).map((p) => p[1]);
        const point = { step: info.step, trainLoss: recent.reduce((a, b) => a + b, 0) / recent.length, ...task.evaluate(info.step), elapsedMs: state.elapsedMs } as P;
        state.history.push(point);
        task.afterEval?.(point);
        if (term) log(term.describe(point));
        cb.onEval?.(point);
      }
      if (evalNow || info.step % s.saveEvery === 0) save();
    }
    save();
  } catch (e) {
    if (!(e instanceof DivergedError || e instanceof NonFiniteWeightsError)) throw e;
    const what = e instanceof DivergedError ? `loss is ${e.loss}` : `the update made tensor '${e.tensor}' non-finite`;
    const first = Math.min(s.evalEvery, s.saveEvery, state.scheduleSteps);
    const kept = out === null ? 'nothing was saved (no checkpoint folder)'
      : savedStep === null ? `no checkpoint was written (the first comes at step ${first})` : `the checkpoint of step ${savedStep} in ${out} is kept`;
    const step = e instanceof DivergedError ? e.step : trainer.step;
    trainer.dispose();
    throw new InputError(`training diverged at step ${step}: ${what}; ${kept}`);
  } finally {
    if (term) { process.off('SIGINT', onSignal); process.off('SIGTERM', onSignal); }
    bar?.done();
    if (out !== null) unlockFolder(out);
  }
  const steps = trainer.step;
  trainer.dispose();
  if (stoppedEarly && out !== null) cb.onLog?.(`stopped at step ${steps} of ${state.scheduleSteps}: checkpoint saved in ${out} (continue with --resume)`);
  return { steps, stoppedEarly, tokensPerSecond: lastTps };
}

const isObj = (x: unknown): x is Record<string, unknown> => typeof x === 'object' && x !== null && !Array.isArray(x);

/** Checks a task's options from a checkpoint; `bad` reports the first problem. */
export type OptionsCheck<O> = (o: unknown, bad: (what: string) => never) => O;

/**
 * Field-by-field checks for option objects (from code, flags, or a checkpoint being resumed,
 * where they drive the loop and so must be as trustworthy as the flags the parser checks).
 */
export function optionChecker(o: unknown, bad: (what: string) => never): {
  obj: Record<string, unknown>;
  num(k: string, lo: number, hi: number, int?: boolean): void;
} {
  if (!isObj(o)) bad('must be an object');
  const obj = o as Record<string, unknown>;
  return {
    obj,
    num(k, lo, hi, int = false) {
      const v = obj[k];
      if (typeof v !== 'number' || !(v >= lo && v <= hi) || (int && !Number.isInteger(v))) bad(`${k} must be ${int ? 'an integer' : 'a number'} in [${lo}, ${hi}], got ${typeof v === 'number' ? v : JSON.stringify(v)?.slice(0, 40)}`);
    },
  };
}

/**
 * A checkpoint's trainState, checked before it steers a resumed run. `where` names the file;
 * `metrics` are the numbers each evaluation records besides step, trainLoss and elapsedMs.
 * Nothing in it is trusted: a bad value is an InputError, never a huge allocation or a crash.
 */
export function validateTrainState<O, P extends EvalPointBase>(x: unknown, where: string, checkOptions: OptionsCheck<O>, metrics: readonly string[], what: string): TrainState<O, P> {
  const bad: (w: string) => never = (w) => { throw new InputError(`${where}: trainState.${w}`); };
  if (!isObj(x)) bad(`missing (not a resumable ${what} checkpoint)`);
  checkOptions(x.options, (w) => bad(`options.${w}`));
  const s = x as Record<string, unknown>;
  const count = (k: string, hi: number): void => {
    const v = s[k];
    if (typeof v !== 'number' || !(v >= 0 && v <= hi)) bad(`${k} must be a non-negative number, got ${String(v).slice(0, 40)}`);
  };
  count('scheduleSteps', 10_000_000);
  if (!Number.isInteger(s.scheduleSteps) || (s.scheduleSteps as number) < 1) bad('scheduleSteps must be a positive integer');
  if (s.warmupSteps !== undefined && !(Number.isInteger(s.warmupSteps) && (s.warmupSteps as number) >= 0 && (s.warmupSteps as number) <= 10_000_000)) bad('warmupSteps must be a non-negative integer');
  count('elapsedMs', 1e13);
  count('tokensSeen', 1e18);
  const rng = s.rng;
  if (!Array.isArray(rng) || rng.length !== 4 || !rng.every((w) => Number.isInteger(w) && w >= 0 && w < 2 ** 32)) bad('rng must be four 32-bit unsigned integers');
  const keys = ['step', 'trainLoss', ...metrics, 'elapsedMs'];
  if (!Array.isArray(s.history) || !s.history.every((p) => isObj(p) && keys.every((k) => typeof p[k] === 'number'))) bad(`history must be a list of {${keys.join(', ')}}`);
  if (!Array.isArray(s.trainCurve) || !s.trainCurve.every((p) => Array.isArray(p) && p.length === 2 && p.every((v) => typeof v === 'number'))) bad('trainCurve must be a list of [step, loss] pairs');
  return x as unknown as TrainState<O, P>;
}

/**
 * The checkpoint in `out` to resume, its trainState validated (null when there is none yet:
 * the run starts fresh, and says so). A checkpoint of another kind, without a train state or
 * without optimizer moments is refused; the loaded tensors are freed before any refusal.
 */
export function loadForResume<O, P extends EvalPointBase>(out: string, kind: string, what: string, checkOptions: OptionsCheck<O>, metrics: readonly string[],
  log: (line: string) => void): { ck: LoadedCheckpoint; state: TrainState<O, P> } | null {
  if (!fs.existsSync(path.join(out, CHECKPOINT_FILE))) {
    log(`no checkpoint in ${out} yet: starting fresh`);
    return null;
  }
  const ck = loadCheckpoint(out);
  try {
    if (ck.json.kind !== kind || !ck.json.trainState || !ck.moments) throw new InputError(`${out}: not a resumable ${what} checkpoint (${ck.json.kind !== kind ? `a '${ck.json.kind}' checkpoint` : 'no train state or optimizer moments: a finished or exported model'})`);
    return { ck, state: validateTrainState<O, P>(ck.json.trainState, path.join(out, CHECKPOINT_FILE), checkOptions, metrics, what) };
  } catch (e) {
    ck.model.dispose();
    if (ck.moments) tf.dispose([...ck.moments.m.values(), ...ck.moments.v.values()]);
    throw e;
  }
}
