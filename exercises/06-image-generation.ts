/**
 * Exercises of notebooks/06-image-generation.ipynb. Replace each `throw` with your answer, then run
 *
 *   npm run check -- 06
 *
 * which runs test/exercises/06-image-generation.test.ts against this file and says which checks
 * pass. Plain numbers only, no tfjs.
 */

/**
 * Uniform quantization: for each gray value in [0, 1], the index k of the nearest of the L
 * levels k / (L − 1), k = 0 … L − 1. E.g. with 4 levels (0, ⅓, ⅔, 1): 0.1 → 0, 0.3 → 1, 0.9 → 3.
 */
export function quantizeUniform(gray: readonly number[], levels: number): number[] {
  void gray;
  void levels;
  throw new Error('exercise 1: not written yet');
}

/**
 * The token ids of a class-conditional pixel GPT: the label token first (id nLevels + label), then
 * the pixel levels unchanged (a pixel's token is its level). Throw a RangeError when `label` is not
 * an integer from 0 to 9.
 */
export function toSequence(levels: readonly number[], label: number, nLevels: number): number[] {
  void levels;
  void label;
  void nLevels;
  throw new Error('exercise 2: not written yet');
}

/**
 * Bits per pixel from the probabilities a model gave to the true level of each pixel:
 * −(1/n) Σ log₂ p_i. A model that gives every pixel probability ½ needs exactly 1 bit per pixel.
 */
export function bitsPerPixel(probs: readonly number[]): number {
  void probs;
  throw new Error('exercise 3: not written yet');
}
