/**
 * Exercises of notebooks/00-setup.ipynb. Replace each `throw` with your answer, then run
 *
 *   npm run check -- 00
 *
 * which runs test/exercises/00-setup.test.ts against this file and says which checks pass.
 * Plain numbers only, no tfjs: the point is to see every step.
 */

/**
 * Softmax of `logits / temperature`: p_i = exp(z_i / T) / Σ_j exp(z_j / T).
 * Must stay finite for large logits such as [1000, 1001] (hint: subtracting the maximum logit
 * changes nothing mathematically), and throw a RangeError when `temperature` is not a positive
 * finite number.
 */
export function softmaxWithTemperature(logits: readonly number[], temperature: number): number[] {
  void logits;
  void temperature;
  throw new Error('exercise 1: not written yet');
}

/** Entropy in nats, H(p) = -Σ p_i ln p_i, where a zero probability contributes 0 (not NaN). */
export function entropy(p: readonly number[]): number {
  void p;
  throw new Error('exercise 2: not written yet');
}
