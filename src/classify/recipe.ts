/**
 * The default recipe of `literate-gpt train classifier`: the three stages as the few-label
 * protocol chose them (issue 25). Stage 1, the broad LM (data/checkpoints/lm-broad); stage 2, that
 * LM continued on the task's unlabelled training subjects (data/checkpoints/lm-task), which the
 * classifier starts from; stage 3, fine-tuning with the schedule chosen here.
 *
 * How it was chosen, once and in the open, in two steps, each on seeds 1–3 at N = 32 and 128
 * labelled subjects with the same fixed step count, scored on the 540 validation subjects
 * (data/results/stage3-choice.json, written by scripts/few-label-protocol.js --seeds 1-3
 * --results data/results/stage3-choice.json): first the stage-3 schedule on the 150-step stage-2
 * LM (STAGE3_CANDIDATES), then, with that schedule, the stage-2 LM itself: 150 steps or 1000
 * (STAGE2_CANDIDATES). Each time the candidate with the best mean validation accuracy over the
 * six runs wins (chooseStage3 recomputes both; a test checks DEFAULT_RECIPE against the file).
 * Seeds 4–13, on which the chapter's table is measured, chose nothing.
 */
import { check } from '../errors';
import type { Stage3 } from './schedule';
import type { TokenInit } from './options';

/** A stage-3 schedule that the choice compared: its key in the protocol's results, and its settings. */
export interface Stage3Candidate {
  /** The arm's key in data/results/few-label-protocol.json and stage3-choice.json. */
  readonly key: string;
  /** In words. */
  readonly name: string;
  /** Its devices (absent: plain fine-tuning, every layer at one rate, warmup then cosine). */
  readonly stage3: Stage3 & { readonly schedule?: 'cosine' | 'slanted' };
}

/** The candidates: plain fine-tuning, ULMFiT's three devices together, and head first then all (LP-FT). */
export const STAGE3_CANDIDATES: readonly Stage3Candidate[] = [
  { key: 'task', name: 'plain (every layer, one rate, warmup then cosine)', stage3: {} },
  { key: 'ulmfit', name: "ULMFiT's stage 3 (discriminative 2.6, slanted triangular rate, gradual unfreezing)", stage3: { discriminative: 2.6, schedule: 'slanted', unfreeze: 'gradual' } },
  { key: 'lpft', name: 'head first, then all (LP-FT)', stage3: { unfreeze: 'head-first' } },
];

/** A stage-2 LM that the second step of the choice compared, each fine-tuned with the chosen stage 3. */
export interface Stage2Candidate {
  /** The arm's key in the protocol's results. */
  readonly key: string;
  /** In words. */
  readonly name: string;
  /** Its checkpoint, relative to the project. */
  readonly pretrained: string;
}

/** The stage-2 LMs compared, both with head first, then all: 150 steps on the training subjects, or 1000. */
export const STAGE2_CANDIDATES: readonly Stage2Candidate[] = [
  { key: 'lpft', name: 'lm-task: 150 steps on the training subjects (614 k tokens)', pretrained: 'data/checkpoints/lm-task' },
  { key: 'long', name: 'lm-task-long: 1000 steps on the training subjects (4.1 M tokens)', pretrained: 'data/checkpoints/lm-task-long' },
];

/** One run of the choice: an arm, N, seed and its validation accuracy (0–1). */
export interface ChoiceCell {
  /** The arm (a candidate's key). */
  readonly key: string;
  /** Labelled training subjects. */
  readonly n: number;
  /** The seed of the subset, the head and the batch order (1–3 for the choice). */
  readonly seed: number;
  /** Accuracy on the 540 validation subjects after the fixed steps, 0–1. */
  readonly valAccuracy: number;
}

/**
 * Among `candidates` (anything with a key), the one with the best mean validation accuracy over
 * `cells` of seeds 1–3 at N = 32 and 128 (every candidate must have all six); ties go to the
 * earlier candidate. Throws when a run is missing.
 */
export function chooseByValidation<C extends { readonly key: string }>(candidates: readonly C[], cells: readonly ChoiceCell[]): { best: C; means: Record<string, number> } {
  const means: Record<string, number> = {};
  for (const c of candidates) {
    const runs = [32, 128].flatMap((n) => [1, 2, 3].map((seed) => cells.find((x) => x.key === c.key && x.n === n && x.seed === seed)));
    check(runs.every((r) => r !== undefined && Number.isFinite(r.valAccuracy)), `chooseByValidation: '${c.key}' lacks a run of seeds 1-3 at N = 32 and 128`);
    means[c.key] = runs.reduce((a, r) => a + r!.valAccuracy, 0) / runs.length;
  }
  const best = candidates.reduce((b, c) => (means[c.key] > means[b.key] ? c : b));
  return { best, means };
}

/**
 * The two steps of the choice from the validation runs `cells`: the stage-3 schedule among
 * STAGE3_CANDIDATES, then the stage-2 LM among STAGE2_CANDIDATES (each with its mean validation
 * accuracy, 0–1, by key). Throws when a run is missing.
 */
export function chooseStage3(cells: readonly ChoiceCell[]): { best: Stage3Candidate; means: Record<string, number>; stage2: { best: Stage2Candidate; means: Record<string, number> } } {
  return { ...chooseByValidation(STAGE3_CANDIDATES, cells), stage2: chooseByValidation(STAGE2_CANDIDATES, cells) };
}

/** What `train classifier` does when no flag says otherwise. */
export interface ClassifierRecipe {
  /** In words, as a checkpoint records it. */
  readonly name: string;
  /** The LM it starts from, relative to the project: stage 2's checkpoint. */
  readonly pretrained: string;
  /** How `<s>` and `<e>` start. */
  readonly tokenInit: TokenInit;
  /** The stage-3 schedule chosen by chooseStage3. */
  readonly stage3: Stage3Candidate;
  /** The stage-2 LM chosen by chooseStage3 (its `key` names the recipe's arm in the protocol's results). */
  readonly stage2: Stage2Candidate;
  /**
   * Steps for `--train-size N`: the fixed count chosen for stage 2's LM on seeds 1–3 (30 at
   * N = 32 and 128, data/results/few-label-choice.json), and at least four passes over larger N.
   * The last step's weights are kept: no validation label chooses anything.
   */
  readonly fewLabelSteps: number;
}

/**
 * The recipe `train classifier` runs without flags: the stage-2 LM and the stage-3 schedule
 * chooseStage3 picks (1000 steps; head first, then all), `<s>`/`<e>` as separators, and for
 * `--train-size N` the fixed step count, the last step kept. Checked against
 * data/results/stage3-choice.json by a test.
 */
export const DEFAULT_RECIPE: ClassifierRecipe = {
  name: 'the three stages: the broad LM, continued 1000 steps on the task\'s own subjects, then head first, then all (LP-FT)',
  pretrained: 'data/checkpoints/lm-task-long',
  tokenInit: 'separators',
  stage3: STAGE3_CANDIDATES[2],
  stage2: STAGE2_CANDIDATES[1],
  fewLabelSteps: 30,
};

/** Steps of a `--train-size n` run in batches of `batchSize`: the recipe's fixed count, or four passes over n if more. */
export function fewLabelSteps(n: number, batchSize: number, recipe: ClassifierRecipe = DEFAULT_RECIPE): number {
  check(Number.isInteger(n) && n > 0 && Number.isInteger(batchSize) && batchSize > 0, `fewLabelSteps: n and batchSize must be positive integers, got ${n}, ${batchSize}`);
  return Math.max(recipe.fewLabelSteps, 4 * Math.ceil(n / batchSize));
}

/**
 * Steps of a from-scratch `--train-size n` run: the from-scratch arm's counts, chosen on seeds 1–3's
 * validation curves (data/results/label-efficiency.json: 10 at N = 32, 20 at N = 128), and at
 * least four passes over larger n.
 */
export function scratchSteps(n: number, batchSize: number): number {
  check(Number.isInteger(n) && n > 0 && Number.isInteger(batchSize) && batchSize > 0, `scratchSteps: n and batchSize must be positive integers, got ${n}, ${batchSize}`);
  return Math.max(n <= 32 ? 10 : 20, 4 * Math.ceil(n / batchSize));
}
