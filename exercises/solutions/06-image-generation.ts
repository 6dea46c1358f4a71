/**
 * Reference answers to exercises/06-image-generation.ts. CI checks them with the same tests
 * students run (`npm run check -- 06 --solutions`, and `npm test`).
 */

export function quantizeUniform(gray: readonly number[], levels: number): number[] {
  // The nearest of k / (L − 1) is k = round(x · (L − 1)), clamped to the valid levels.
  return gray.map((x) => Math.min(levels - 1, Math.max(0, Math.round(x * (levels - 1)))));
}

export function toSequence(levels: readonly number[], label: number, nLevels: number): number[] {
  if (!Number.isInteger(label) || label < 0 || label > 9) throw new RangeError(`label must be an integer 0–9, got ${label}`);
  return [nLevels + label, ...levels];
}

export function bitsPerPixel(probs: readonly number[]): number {
  return -probs.reduce((s, p) => s + Math.log2(p), 0) / probs.length;
}

export function guidanceMix(cond: readonly number[], uncond: readonly number[], scale: number): number[] {
  if (cond.length !== uncond.length) throw new RangeError(`${cond.length} conditional logits, ${uncond.length} unconditional`);
  return cond.map((c, i) => uncond[i] + scale * (c - uncond[i]));
}

export function completeWithLabel(
  nextLogits: (sequence: readonly number[]) => readonly number[],
  top: readonly number[],
  label: number,
  nPixels: number,
  nLevels: number,
  scale: number,
): number[] {
  if (!Number.isInteger(label) || label < 0 || label > 9) throw new RangeError(`label must be an integer 0–9, got ${label}`);
  if (top.length > nPixels) throw new RangeError(`${top.length} given pixels, but the image has ${nPixels}`);
  const pixels = [...top];
  while (pixels.length < nPixels) {
    // The two prompts differ only in their first token: the label, or "no label".
    const mixed = guidanceMix(nextLogits([nLevels + label, ...pixels]), nextLogits([nLevels + 10, ...pixels]), scale);
    let best = 0;
    for (let k = 1; k < mixed.length; k++) if (mixed[k] > mixed[best]) best = k;
    pixels.push(best);
  }
  return pixels;
}
