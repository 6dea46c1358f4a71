/**
 * Exercises of notebooks/04-pretraining.ipynb. Replace each `throw` with your answer, then run
 *
 *   npm run check -- 04
 *
 * which runs test/exercises/04-pretraining.test.ts against this file and says which checks pass.
 * Plain numbers only, no tfjs: the point is to see every step.
 */

/**
 * Bits per UTF-8 byte of a text from a model's mean loss on it: `lossNatsPerToken` nats per
 * token, over `tokens` tokens that spell `bytes` bytes. (Total nats → total bits → per byte.)
 */
export function bitsPerByte(lossNatsPerToken: number, tokens: number, bytes: number): number {
  void lossNatsPerToken;
  void tokens;
  void bytes;
  throw new Error('exercise 1: not written yet');
}

/**
 * Cross-entropy (nats) of the true next token `target` under the logits z of one position:
 * −log softmax(z)[target] = logsumexp(z) − z[target]. Must stay finite for logits such as
 * [1000, 1001] (subtract the maximum inside the log-sum-exp).
 */
export function crossEntropyFromLogits(logits: readonly number[], target: number): number {
  void logits;
  void target;
  throw new Error('exercise 2: not written yet');
}

/**
 * The gradient of `crossEntropyFromLogits(z, target)` with respect to each logit z_i.
 * Work it out on paper first (differentiate logsumexp(z) − z[target]); the answer is short.
 */
export function crossEntropyGradient(logits: readonly number[], target: number): number[] {
  void logits;
  void target;
  throw new Error('exercise 3: not written yet');
}

/**
 * Top-k sampling's distribution: divide the logits by `temperature`, keep the k largest, and
 * return softmax over those k with 0 for every other token. Ties are broken by the lower index.
 * k = 0 (or k ≥ the number of logits) keeps every token.
 */
export function topKProbabilities(logits: readonly number[], k: number, temperature = 1): number[] {
  void logits;
  void k;
  void temperature;
  throw new Error('exercise 4: not written yet');
}

/** AdamW's settings (lg.DEFAULT_ADAMW has β1 0.9, β2 0.95, ε 1e-8, λ 0.1). */
export interface AdamWSettings {
  readonly lr: number;
  readonly beta1: number;
  readonly beta2: number;
  readonly eps: number;
  readonly weightDecay: number;
  /** Whether weight decay applies to this parameter (matmul weights: yes; biases, LayerNorm, embeddings: no). */
  readonly decay: boolean;
}

/**
 * One AdamW update of one parameter θ with gradient g, moments m and v (zeros before the first
 * step) and step number t (1 for the first update). Returns the new θ, m and v:
 *   m ← β1·m + (1−β1)·g,  v ← β2·v + (1−β2)·g²,  m̂ = m/(1−β1ᵗ),  v̂ = v/(1−β2ᵗ)
 *   θ ← θ − lr·( m̂/(√v̂ + ε) + λ·θ )   (the λ·θ term only when `decay`)
 */
export function adamwStep(theta: readonly number[], grad: readonly number[], m: readonly number[], v: readonly number[], t: number, s: AdamWSettings): { theta: number[]; m: number[]; v: number[] } {
  void theta;
  void grad;
  void m;
  void v;
  void t;
  void s;
  throw new Error('exercise 5: not written yet');
}
