/** Sizes refused before the work starts when one training step cannot fit in this machine's memory. */
import * as os from 'os';
import { InputError } from '../errors';
import { type GPTConfig, paramCount } from '../model/config';
import { formatBytes, trainingStepBytes } from '../model/memory';

/**
 * Throw (one line, exit 2) when one step of `batch` sequences of `tokens` tokens needs more than
 * the machine's memory (`total`, default os.totalmem()), with the estimate in the message.
 */
export function checkStepFits(cfg: GPTConfig, batch: number, tokens = cfg.blockSize, total = os.totalmem()): void {
  const needs = trainingStepBytes(cfg, batch, tokens);
  if (needs <= total) return;
  throw new InputError(`the model would have ${paramCount(cfg).toLocaleString('en')} parameters, and one training step of ${batch.toLocaleString('en')} sequences × ${tokens} tokens needs about ${formatBytes(needs)} (weights, gradients, AdamW moments, activations): more than this machine's ${formatBytes(total)} of memory; lower --batch (--accum keeps the tokens per step)`);
}
