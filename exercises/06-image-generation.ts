/**
 * Exercises of notebooks/06-image-generation.ipynb. Replace each `throw` with your answer, then run
 *
 *   npm run check -- 06
 *
 * which runs test/exercises/06-image-generation.test.ts against this file and says which checks
 * pass. Plain numbers only, no tfjs (exercise 5 gets the model as a function that returns numbers).
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

/**
 * Classifier-free guidance, the mix of two next-pixel predictions: the unconditional logits plus
 * `scale` times the step from them to the conditional ones, z_u + S·(z_c − z_u), element by element.
 * S = 1 must give `cond` back, S = 0 `uncond`.
 */
export function guidanceMix(cond: readonly number[], uncond: readonly number[], scale: number): number[] {
  void cond;
  void uncond;
  void scale;
  throw new Error('exercise 4: not written yet');
}

/**
 * Complete a half digit as the digit `label`, greedily and with guidance `scale`.
 *
 * `top` holds the given pixels (the top rows, raster order); the image has `nPixels` pixels in
 * `nLevels` grays. Keep two sequences: the conditional one starts with the label's token
 * (nLevels + label), the unconditional one with the "no label" token (nLevels + 10); both then hold
 * the pixels so far. While the image is not full, ask `nextLogits(sequence)` for each — it returns
 * the logits of the next pixel's nLevels levels — mix them with `guidanceMix`, and append the
 * level with the largest mixed logit to both sequences. Return the whole image's nPixels levels
 * (the given ones first). Throw a RangeError when `label` is not an integer 0–9 or `top` has
 * more than nPixels pixels.
 */
export function completeWithLabel(
  nextLogits: (sequence: readonly number[]) => readonly number[],
  top: readonly number[],
  label: number,
  nPixels: number,
  nLevels: number,
  scale: number,
): number[] {
  void nextLogits;
  void top;
  void label;
  void nPixels;
  void nLevels;
  void scale;
  throw new Error('exercise 5: not written yet');
}
