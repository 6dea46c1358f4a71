/**
 * Sampling throughput with and without the KV cache: `generate` as `literate-gpt sample` runs
 * it, timed over `newTokens` tokens after a one-token prompt. Both paths use the same seed, so
 * they must produce the same tokens; each round checks that they do.
 */
import { generate } from '../generate/generate';
import type { GPT } from '../model/gpt';
import { median, sig } from './timing';

export interface SampleResult {
  /** The model's context length (the cache can only help while the context fits in it). */
  readonly blockSize: number;
  readonly newTokens: number;
  /** Tokens per second with the KV cache (median over rounds). */
  readonly tokensPerSecond: number;
  /** Tokens per second recomputing the whole context for every token (median over rounds). */
  readonly tokensPerSecondNoCache: number;
  /** Median over rounds of each round's cached / uncached ratio (runs taken back to back). */
  readonly speedup: number;
  /** Each round's ratio. */
  readonly rounds: number[];
  /** How many of the new tokens were produced after the context reached blockSize. */
  readonly tokensPastBlock: number;
  /** Whether the cached and uncached runs produced the same tokens in every round. */
  readonly sameTokens: boolean;
}

/** Seconds to generate `n` tokens, and the tokens. */
function timeGenerate(model: GPT, n: number, useCache: boolean): { s: number; tokens: number[] } {
  const t0 = performance.now();
  const { tokens } = generate(model, [0], { maxNewTokens: n, temperature: 1, seed: 1, useCache });
  return { s: (performance.now() - t0) / 1000, tokens };
}

/** Alternate cached and uncached runs `rounds` times (back to back) and take medians. */
export function benchSampling(model: GPT, newTokens: number, rounds: number): SampleResult {
  timeGenerate(model, Math.min(8, newTokens), true); // warm-up: first-call set-up
  timeGenerate(model, Math.min(8, newTokens), false);
  const cached: number[] = [];
  const uncached: number[] = [];
  const ratios: number[] = [];
  let sameTokens = true;
  for (let r = 0; r < rounds; r++) {
    const c = timeGenerate(model, newTokens, true);
    const u = timeGenerate(model, newTokens, false);
    cached.push(newTokens / c.s);
    uncached.push(newTokens / u.s);
    ratios.push(u.s / c.s);
    sameTokens &&= c.tokens.length === u.tokens.length && c.tokens.every((t, i) => t === u.tokens[i]);
  }
  // The prompt is one token: token i (from 0) is predicted from a context of i + 1 tokens.
  const tokensPastBlock = Math.max(0, newTokens - model.config.blockSize);
  return {
    blockSize: model.config.blockSize, newTokens,
    tokensPerSecond: sig(median(cached)), tokensPerSecondNoCache: sig(median(uncached)),
    speedup: sig(median(ratios), 3), rounds: ratios.map((x) => sig(x, 3)), tokensPastBlock, sameTokens,
  };
}
