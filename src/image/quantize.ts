/**
 * Quantization: from gray values in [0, 1] to a few discrete *levels*, so that a pixel becomes
 * a token the GPT can predict with a softmax (Image GPT, Chen et al. 2020, §2.1: "we cluster
 * (R, G, B) pixel values using k-means with k = 512").
 *
 * A quantizer is a sorted list of `centers` in [0, 1]; a pixel maps to the nearest center, and a
 * level maps back to its center. Two ways to choose the centers:
 *
 *   uniform   centers k / (L − 1), k = 0 … L−1: evenly spaced, the same for every dataset
 *   k-means   1-D Lloyd iterations on the training pixels, started from the uniform centers
 *             (deterministic: no random restarts, so the same data gives the same palette)
 *
 * The palette is what a PNG needs: round(255 · center), the gray value of each level.
 */
import { check } from '../errors';

export type QuantizerKind = 'uniform' | 'kmeans';

/** Levels and how to turn them back into gray values. */
export interface Quantizer {
  /** 'uniform' (evenly spaced levels) or 'kmeans' (levels fitted to the training pixels). */
  readonly kind: QuantizerKind;
  /** L: number of levels (the pixel part of the vocabulary). */
  readonly levels: number;
  /** Gray value in [0, 1] of each level, ascending; length L. */
  readonly centers: readonly number[];
}

/** L evenly spaced centers: 0, 1/(L−1), …, 1. */
export function uniformQuantizer(levels: number): Quantizer {
  checkLevels(levels);
  return { kind: 'uniform', levels, centers: Array.from({ length: levels }, (_, k) => k / (levels - 1)) };
}

/** How kmeansQuantizer fits its centers. */
export interface KmeansOptions {
  /** Lloyd iterations at most (default 50; 1-D converges in a handful). */
  readonly iterations?: number;
}

/**
 * L centers fitted to `values` (gray values in [0, 1]) by 1-D k-means, started from the uniform
 * centers. Works on a 256-bin histogram, so it costs O(256 · L) per iteration whatever the
 * number of pixels (the data are 8-bit gray values anyway). An empty cluster keeps its center.
 */
export function kmeansQuantizer(values: ArrayLike<number>, levels: number, opts: KmeansOptions = {}): Quantizer {
  checkLevels(levels);
  check(values.length > 0, 'kmeansQuantizer: no values to fit');
  const bins = 256;
  const count = new Float64Array(bins);
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    check(v >= 0 && v <= 1, () => `kmeansQuantizer: value ${v} at index ${i} is outside [0, 1]`);
    count[Math.round(v * (bins - 1))] += 1;
  }
  const binValue = (b: number): number => b / (bins - 1);
  const centers = uniformQuantizer(levels).centers.slice();
  for (let it = 0; it < (opts.iterations ?? 50); it++) {
    const sum = new Float64Array(levels);
    const n = new Float64Array(levels);
    for (let b = 0; b < bins; b++) {
      if (count[b] === 0) continue;
      const k = nearest(centers, binValue(b));
      sum[k] += count[b] * binValue(b);
      n[k] += count[b];
    }
    let moved = 0;
    for (let k = 0; k < levels; k++) {
      if (n[k] === 0) continue;
      const c = sum[k] / n[k];
      moved = Math.max(moved, Math.abs(c - centers[k]));
      centers[k] = c;
    }
    centers.sort((a, b) => a - b);
    if (moved < 1e-9) break;
  }
  return { kind: 'kmeans', levels, centers };
}

/** Index of the center closest to v (ties go to the lower level). */
export function nearest(centers: readonly number[], v: number): number {
  let best = 0;
  for (let k = 1; k < centers.length; k++) if (Math.abs(v - centers[k]) < Math.abs(v - centers[best])) best = k;
  return best;
}

/** Gray values in [0, 1] (length N) → level indices (length N). */
export function quantize(pixels: ArrayLike<number>, q: Quantizer): Uint8Array {
  const out = new Uint8Array(pixels.length);
  for (let i = 0; i < pixels.length; i++) out[i] = nearest(q.centers, pixels[i]);
  return out;
}

/** Level indices (length N) → gray values in [0, 1] (length N). Throws on a level ≥ L. */
export function dequantize(levels: ArrayLike<number>, q: Quantizer): Float32Array {
  const out = new Float32Array(levels.length);
  for (let i = 0; i < levels.length; i++) {
    const c = q.centers[levels[i]];
    check(c !== undefined, () => `dequantize: level ${levels[i]} at index ${i} is not one of the ${q.levels} levels`);
    out[i] = c;
  }
  return out;
}

/** Gray value 0–255 of each level: what `grayGridPng` and `sample image --json` need. */
export function paletteOf(q: Quantizer): number[] {
  return q.centers.map((c) => Math.round(255 * c));
}

/** Mean squared error (in [0, 1]² units) of quantize-then-dequantize over many images. */
export function quantizationError(images: readonly ArrayLike<number>[], q: Quantizer): number {
  let se = 0;
  let n = 0;
  for (const img of images) {
    for (let i = 0; i < img.length; i++) {
      const d = img[i] - q.centers[nearest(q.centers, img[i])];
      se += d * d;
      n += 1;
    }
  }
  return se / Math.max(1, n);
}

/** Rebuild (and validate) a quantizer stored in a checkpoint's meta. */
export function quantizerFromJson(json: unknown, where = 'quantizer'): Quantizer {
  const j = json as Partial<Quantizer> | null;
  check(j !== null && typeof j === 'object', `${where}: not an object`);
  check(j.kind === 'uniform' || j.kind === 'kmeans', `${where}: kind must be 'uniform' or 'kmeans', got ${JSON.stringify(j.kind)}`);
  check(Number.isInteger(j.levels) && (j.levels as number) >= 2 && (j.levels as number) <= 256, `${where}: levels must be an integer in [2, 256]`);
  const c = j.centers;
  check(Array.isArray(c) && c.length === j.levels && c.every((v, i) => typeof v === 'number' && v >= 0 && v <= 1 && (i === 0 || v >= c[i - 1])),
    `${where}: centers must be ${String(j.levels)} ascending numbers in [0, 1]`);
  return { kind: j.kind, levels: j.levels as number, centers: [...c] };
}

function checkLevels(levels: number): void {
  check(Number.isInteger(levels) && levels >= 2 && levels <= 256, `levels must be an integer in [2, 256], got ${levels}`);
}
