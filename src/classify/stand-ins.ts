/**
 * What chapter 05 reads from the shipped files, with the stand-ins it uses while a file is missing
 * (a fresh clone has them all; a reader who deleted one can still run the chapter). The fallback
 * logic lives here so the chapter's cells say what they read, not what they would do without it.
 */
import * as fs from 'fs';
import * as path from 'path';
import { InputError } from '../errors';
import { trainLm } from '../train/lm';
import type { SpamTask } from '../data/spam';

/** The shipped language model, or (when it is missing) a small stand-in trained once into `standIn`. */
export async function languageModelOrStandIn(
  shipped: string, standIn: string, opts: { blockSize: number; steps: number; seed: number },
): Promise<{ dir: string; shipped: boolean }> {
  if (fs.existsSync(path.join(shipped, 'checkpoint.json'))) return { dir: shipped, shipped: true };
  if (!fs.existsSync(path.join(standIn, 'checkpoint.json'))) {
    console.log(`${shipped} is not there: training a small stand-in into ${standIn} ...`);
    await trainLm(standIn, {
      preset: 'pico', model: { blockSize: opts.blockSize, nLayer: 2 }, tokenizer: 'bpe', tokenizerVocab: 512,
      steps: opts.steps, evalEvery: 1000, evalBatches: 2, finalEvalBatches: 4, seed: opts.seed,
    }, false);
  }
  return { dir: standIn, shipped: false };
}

/** One run of scripts/train-classifiers.js. */
export interface ComparisonRun {
  /** The run's name in the comparison's table. */
  readonly name: string;
  /** What the classifier read: 'subject' or 'subject+body'. */
  readonly task: SpamTask;
  /** The `literate-gpt train classifier` command that made it. */
  readonly command: string;
  /** Test accuracy (0–1). */
  readonly accuracy: number;
  /** Test spam F1 (0–1). */
  readonly f1: number;
  /** Test recall of each class (0–1). */
  readonly recall: { readonly ham: number; readonly spam: number };
  /** Test confusion counts, rows the true class, columns the predicted (ham, spam). */
  readonly confusion: number[][];
  /** Optimizer steps it trained. */
  readonly steps: number;
  /** Its training wall time, seconds. */
  readonly wallSeconds: number;
  /** Validation accuracy of the epoch it kept (0–1). */
  readonly valAccuracy: number;
}

/** data/results/classifier-comparison.json: five runs and the baselines per task. */
export interface ClassifierComparison {
  readonly created: string; readonly quick: boolean; readonly runs: readonly ComparisonRun[];
  readonly baselines: Readonly<Record<string, { majority: number; naiveBayes: number; naiveBayesF1: number; majorityF1: number }>>;
}

/** The shipped comparison, or the quick run's (`scripts/train-classifiers.js --quick`) while it is missing. */
export function readClassifierComparison(shipped: string, quick: string): { comparison: ClassifierComparison; file: string; shipped: boolean } {
  const file = [shipped, quick].find((f) => fs.existsSync(f));
  if (file === undefined) throw new InputError(`no ${shipped}: run \`node scripts/train-classifiers.js\` (or --quick) first`);
  return { comparison: JSON.parse(fs.readFileSync(file, 'utf8')) as ClassifierComparison, file, shipped: file === shipped };
}

/** The shipped classifier's folder, or the quick run's while it is missing. */
export function classifierOrStandIn(shipped: string, quick: string): { dir: string; shipped: boolean } {
  for (const [dir, isShipped] of [[shipped, true], [quick, false]] as const) {
    if (fs.existsSync(path.join(dir, 'checkpoint.json'))) return { dir, shipped: isShipped };
  }
  throw new InputError(`no ${shipped}: run \`node scripts/train-classifiers.js\` first`);
}
