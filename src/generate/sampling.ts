/**
 * Turning next-token logits into one token: temperature, top-k, top-p (nucleus), all with
 * our seeded RNG so that a seed reproduces a sample exactly.
 */
import { Rng } from '../engine/random';

/** How the next token is drawn from the logits (samplingProbabilities); each is optional. */
export interface SamplingOptions {
  /** Divide logits by this; < 1 sharpens, > 1 flattens; 0 means greedy (argmax). */
  readonly temperature?: number;
  /** Keep only the k most likely tokens (0 or undefined: all). */
  readonly topK?: number;
  /** Keep the smallest set of tokens whose probability reaches p (1 or undefined: all). */
  readonly topP?: number;
}

/**
 * The distribution the next token is drawn from, from `logits` (V): softmax(logits / temperature)
 * (temperature 1 by default; 0 puts probability 1 on the argmax), then only the `topK` most likely
 * tokens and, of those, the smallest set whose probability reaches `topP`, renormalised. Length V,
 * summing to 1, zero for excluded tokens.
 */
export function samplingProbabilities(logits: ArrayLike<number>, opts: SamplingOptions = {}): Float64Array {
  const V = logits.length;
  const temperature = opts.temperature ?? 1;
  const probs = new Float64Array(V);
  if (temperature <= 0) {
    let best = 0;
    for (let i = 1; i < V; i++) if (logits[i] > logits[best]) best = i;
    probs[best] = 1;
    return probs;
  }
  let max = -Infinity;
  for (let i = 0; i < V; i++) max = Math.max(max, logits[i]);
  let sum = 0;
  for (let i = 0; i < V; i++) { probs[i] = Math.exp((logits[i] - max) / temperature); sum += probs[i]; }
  for (let i = 0; i < V; i++) probs[i] /= sum;
  const topK = opts.topK ?? 0;
  const topP = opts.topP ?? 1;
  if ((topK > 0 && topK < V) || topP < 1) {
    const order = Array.from({ length: V }, (_, i) => i).sort((a, b) => probs[b] - probs[a] || a - b);
    const keep = new Uint8Array(V);
    let cum = 0;
    for (let r = 0; r < V; r++) {
      if (topK > 0 && r >= topK) break;
      keep[order[r]] = 1;
      cum += probs[order[r]];
      if (cum >= topP) break;
    }
    let kept = 0;
    for (let i = 0; i < V; i++) { if (!keep[i]) probs[i] = 0; kept += probs[i]; }
    for (let i = 0; i < V; i++) probs[i] /= kept;
  }
  return probs;
}

/** Draw one index from `probs` (which sum to 1). */
export function drawIndex(probs: ArrayLike<number>, rng: Rng): number {
  const u = rng.next();
  let cum = 0;
  let last = 0;
  for (let i = 0; i < probs.length; i++) {
    if (probs[i] <= 0) continue;
    cum += probs[i];
    last = i;
    if (u < cum) return i;
  }
  return last; // rounding: u landed above the final cumulative sum
}

export function sampleToken(logits: ArrayLike<number>, opts: SamplingOptions, rng: Rng): number {
  return drawIndex(samplingProbabilities(logits, opts), rng);
}
