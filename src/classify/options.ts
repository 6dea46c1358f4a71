/**
 * Stage 3 (the classifier), its settings: what a fine-tuning run is told. FinetuneOptions and
 * its defaults (DEFAULT_FINETUNE, the small-training-set schedule, the subject+body task's own
 * defaults), the class names, and the check every option passes through, whether it comes from
 * code, from command-line flags or from a checkpoint being resumed.
 *
 * The three stages: (1) a general language model (train/lm.ts), (2) the same model continued on
 * the task's own unlabelled text (data/corpus.ts), (3) the classifier: prepare.ts hands the
 * language model over, finetune.ts trains it with these options, schedule.ts holds the devices
 * that keep stage 3 from forgetting.
 */
import { check } from '../errors';
import type { SpamTask } from '../data/spam';
import { optionChecker } from '../train/driver';
import type { Unfreeze } from './schedule';

/**
 * How `finetune` / `trainClassifier` fine-tune a pretrained GPT into a spam classifier (GPT-1's
 * recipe: a linear head on the hidden state at `<e>`, loss L2 + λ·L1). DEFAULT_FINETUNE has every
 * required field; pass `{ ...lg.DEFAULT_FINETUNE, epochs: 2 }` to change one. Checked field by
 * field: a value out of range is an InputError naming it.
 */
export interface FinetuneOptions {
  /** What the classifier reads: 'subject' (the subject line) or 'subject+body' (subject, then `bodyChars` of the body). */
  readonly task: SpamTask;
  /** Tokens per example, including `<s>` and `<e>` (texts are cut to fit). */
  readonly T: number;
  /** Characters of the body kept for the subject+body task. */
  readonly bodyChars: number;
  /** Start from the pretrained weights, or from a random initialisation of the same shape. */
  readonly init: 'pretrained' | 'scratch';
  /** Weight of the auxiliary language-modelling loss (0 = none). */
  readonly lambda: number;
  /** Passes over the training split (a shuffled order per epoch). */
  readonly epochs: number;
  /** Examples per optimizer step. */
  readonly batchSize: number;
  /** Peak learning rate of AdamW: linear warmup over 2 % of the steps, then cosine decay to lr/10. */
  readonly lr: number;
  /** AdamW's weight decay λ (on matmul weights only). */
  readonly weightDecay: number;
  /** Seeds the new head and token rows, the batch order and dropout: the same seed, the same run. */
  readonly seed: number;
  /** Stop early after this many steps (0 = run all epochs); for quick demos. */
  readonly maxSteps: number;
  /** Dropout while fine-tuning; undefined keeps the pretrained model's own rate. */
  readonly dropout?: number;
  /** Context of the classifier in tokens; undefined keeps the pretrained model's (see extendVocabulary). */
  readonly context?: number;
  /** Stop after this many minutes, the schedule fitted to them (0 or absent = no time limit). */
  readonly minutes?: number;
  /** Checkpoint every this many steps besides each epoch's end (absent: 50), when training into a folder. */
  readonly saveEvery?: number;
  /**
   * Fine-tune on a class-stratified, seeded subset of this many training examples
   * (`stratifiedSubset` with the run's seed; absent or 0 = the whole training split).
   * Validation and test are unchanged.
   */
  readonly trainSize?: number;
  /** Steps between validation evaluations (absent: one epoch); the best evaluation's weights are kept. */
  readonly evalEvery?: number;
  /**
   * How `<s>` and `<e>` start (absent: 'random'): 'random' rows, as GPT-1's new tokens, or
   * 'separators', copies of the tokens that played their parts in pretraining (see SEPARATOR_TEXT).
   */
  readonly tokenInit?: TokenInit;
  /** Stage 3: each layer learns this many times slower than the one above (absent or 1: all alike). */
  readonly discriminative?: number;
  /** Stage 3: the learning-rate curve (absent: 'cosine', warmup then cosine; 'slanted': ULMFiT's). */
  readonly schedule?: 'cosine' | 'slanted';
  /** Stage 3: which layers learn when (absent: 'all'; 'gradual' or 'head-first', see classify/schedule.ts). */
  readonly unfreeze?: Unfreeze;
}

/** How the classifier's new tokens `<s>` and `<e>` start. */
export type TokenInit = 'random' | 'separators';

/**
 * Defaults: the settings of the shipped subject classifier, chosen on the validation split
 * (scripts/train-classifiers.js says how): lr 1e-3 for four epochs without dropout.
 */
export const DEFAULT_FINETUNE: FinetuneOptions = {
  task: 'subject', T: 32, bodyChars: 600, init: 'pretrained', lambda: 0.5, epochs: 4, batchSize: 32,
  lr: 1e-3, weightDecay: 0.01, seed: 1, maxSteps: 0, dropout: 0, minutes: 0, saveEvery: 50,
};

/**
 * The schedule of a small training set (`trainSize`): a fixed number of steps rather than
 * epochs, since four epochs of 32 examples are four steps, with validation every `evalEvery`
 * steps and the best evaluation's weights kept, so the step count that counts is chosen on
 * validation for each run. The runs record every evaluation (valAccuracyPerEpoch), from which
 * the budget itself can be checked: most best evaluations well before the end means it can be
 * shorter, best at the end means longer.
 */
export const SMALL_SET_SCHEDULE = { steps: 200, evalEvery: 10 } as const;

/** Epochs, step limit and evaluation interval for `n` training examples in batches of `batchSize` (SMALL_SET_SCHEDULE). */
export function smallSetSchedule(n: number, batchSize: number, steps: number = SMALL_SET_SCHEDULE.steps): { epochs: number; maxSteps: number; evalEvery: number } {
  check(Number.isInteger(n) && n > 0 && Number.isInteger(batchSize) && batchSize > 0, `smallSetSchedule: n and batchSize must be positive integers, got ${n}, ${batchSize}`);
  const perEpoch = Math.ceil(n / batchSize);
  return { epochs: Math.ceil(steps / perEpoch), maxSteps: steps, evalEvery: Math.min(SMALL_SET_SCHEDULE.evalEvery, steps) };
}

/** The subject+body task's own defaults: a 256-token context (its texts are ~270 tokens) and 3 epochs. */
export const DEFAULT_BODY_FINETUNE = { context: 256, epochs: 3 } as const;

/** Class names by label: 0 is ham (not spam), 1 is spam, as in SpamExample.label and the head's two outputs. */
export const LABELS = ['ham', 'spam'] as const;

/** Options from code, flags or a checkpoint being resumed, checked field by field. */
export function checkFinetuneOptions(o: unknown, bad: (what: string) => never): FinetuneOptions {
  const { obj, num } = optionChecker(o, bad);
  if (obj.task !== 'subject' && obj.task !== 'subject+body') bad("task must be 'subject' or 'subject+body'");
  if (obj.init !== 'pretrained' && obj.init !== 'scratch') bad("init must be 'pretrained' or 'scratch'");
  num('T', 3, 65536, true);
  num('bodyChars', 0, 1_000_000, true);
  num('lambda', 0, 100);
  num('epochs', 1, 1_000_000, true);
  num('batchSize', 1, 4096, true);
  num('lr', 0, 1);
  num('weightDecay', 0, 10);
  num('seed', 0, 2 ** 32 - 1, true);
  num('maxSteps', 0, 10_000_000, true);
  if (obj.dropout !== undefined) num('dropout', 0, 0.99);
  if (obj.context !== undefined) num('context', 3, 65536, true);
  if (obj.minutes !== undefined) num('minutes', 0, 100_000);
  if (obj.saveEvery !== undefined) num('saveEvery', 1, 10_000_000, true);
  if (obj.trainSize !== undefined) num('trainSize', 0, 10_000_000, true);
  if (obj.evalEvery !== undefined) num('evalEvery', 1, 10_000_000, true);
  if (obj.tokenInit !== undefined && obj.tokenInit !== 'random' && obj.tokenInit !== 'separators') bad("tokenInit must be 'random' or 'separators'");
  if (obj.discriminative !== undefined) num('discriminative', 1, 100);
  if (obj.schedule !== undefined && obj.schedule !== 'cosine' && obj.schedule !== 'slanted') bad("schedule must be 'cosine' or 'slanted'");
  if (obj.unfreeze !== undefined && obj.unfreeze !== 'all' && obj.unfreeze !== 'gradual' && obj.unfreeze !== 'head-first') bad("unfreeze must be 'all', 'gradual' or 'head-first'");
  return obj as unknown as FinetuneOptions;
}
