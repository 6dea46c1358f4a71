/** Sizes refused before the work starts when one training step cannot fit in this machine's memory. */
import * as os from 'os';
import { readCheckpointJson } from '../checkpoint/io';
import { InputError } from '../errors';
import { type GPTConfig, paramCount } from '../model/config';
import { formatBytes, trainingStepBytes } from '../model/memory';

export interface FitOptions {
  /** The machine's memory (default os.totalmem()). */
  readonly total?: number;
  /** Memory free now (default os.freemem()). */
  readonly free?: number;
  /** Where the one-line note goes when the step fits the machine but not what is free now. */
  readonly log?: (line: string) => void;
}

/**
 * Throw (one line, exit 2) when one step of `batch` sequences of `tokens` tokens needs more than
 * the machine's memory, with the estimate in the message; note it when it needs more than is free now.
 */
export function checkStepFits(cfg: GPTConfig, batch: number, tokens = cfg.blockSize, o: FitOptions = {}): void {
  const needs = trainingStepBytes(cfg, batch, tokens);
  const total = o.total ?? os.totalmem();
  if (needs > total) {
    throw new InputError(`the model would have ${paramCount(cfg).toLocaleString('en')} parameters, and one training step of ${batch.toLocaleString('en')} sequences × ${tokens} tokens needs about ${formatBytes(needs)} (weights, gradients, AdamW moments, activations): more than this machine's ${formatBytes(total)} of memory; lower --batch (--accum keeps the tokens per step)`);
  }
  const free = o.free ?? os.freemem();
  if (needs > free) o.log?.(`note: one training step needs about ${formatBytes(needs)}, more than the ${formatBytes(free)} free now: it may swap (a smaller --batch with --accum keeps the tokens per step)`);
}

/**
 * The same check for a run that takes its size from a checkpoint (`--resume`, `--init`): the
 * checkpoint's config, and the batch (and sequence length, for the classifier) its training
 * state records, else `batch`. The checkpoint is validated and priced as it is read.
 */
export function checkCheckpointStepFits(dir: string, batch: number, o: FitOptions = {}): void {
  const json = readCheckpointJson(dir);
  const opts = (json.trainState?.options ?? {}) as { batchSize?: unknown; T?: unknown };
  const b = typeof opts.batchSize === 'number' && Number.isInteger(opts.batchSize) && opts.batchSize > 0 ? opts.batchSize : batch;
  const t = typeof opts.T === 'number' && Number.isInteger(opts.T) && opts.T > 0 && opts.T <= json.config.blockSize ? opts.T : json.config.blockSize;
  checkStepFits(json.config, b, t, o);
}
