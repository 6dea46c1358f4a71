/**
 * Sampling throughput with and without the KV cache: `generate` as `literate-gpt sample` runs
 * it, timed over `newTokens` tokens after a one-token prompt.
 */
import { generate } from '../generate/generate';
import type { GPT } from '../model/gpt';
import { median } from './timing';

export interface SampleResult {
  /** Tokens per second with the KV cache (median over rounds). */
  readonly cached: number;
  /** Tokens per second recomputing the whole context for every token. */
  readonly uncached: number;
  readonly newTokens: number;
  /** How many of the new tokens were produced after the context reached blockSize. */
  readonly tokensPastBlock: number;
}

/** Seconds to generate `n` tokens. */
function timeGenerate(model: GPT, n: number, useCache: boolean): number {
  const t0 = performance.now();
  generate(model, [0], { maxNewTokens: n, temperature: 1, seed: 1, useCache });
  return (performance.now() - t0) / 1000;
}

/** Alternate cached and uncached runs `rounds` times (back to back) and take medians. */
export function benchSampling(model: GPT, newTokens: number, rounds: number): SampleResult {
  timeGenerate(model, Math.min(8, newTokens), true); // warm-up: first-call set-up
  timeGenerate(model, Math.min(8, newTokens), false);
  const cached: number[] = [];
  const uncached: number[] = [];
  for (let r = 0; r < rounds; r++) {
    cached.push(newTokens / timeGenerate(model, newTokens, true));
    uncached.push(newTokens / timeGenerate(model, newTokens, false));
  }
  // The prompt is one token: token i (from 0) is predicted from a context of i + 1 tokens.
  const tokensPastBlock = Math.max(0, newTokens - model.config.blockSize);
  return { cached: median(cached), uncached: median(uncached), newTokens, tokensPastBlock };
}
