/**
 * Drawing digits: start from [label] (or [label, first pixels…]) and sample one pixel level at a
 * time, W·H times, feeding each back in.
 *
 * `generate()` in src/generate does this for one sequence. Here B images are drawn together:
 * every row has the same length at every step, so one KV cache of shape (B, nh, t, hs) serves
 * them all, and each step is one forward pass over B new positions instead of B passes.
 * Each image has its own random stream, seeded by (seed, its index in the request), so image k
 * does not depend on how many others are drawn with it.
 *
 * Classifier-free guidance (Ho & Salimans 2022). A model trained with label dropout predicts
 * the next pixel both with the label (z_c) and with the "no label" token (z_u). Sampling from
 *
 *   z = z_u + S · (z_c − z_u)
 *
 * is sampling from p(x) · (p(label | x))^S up to normalisation, since z_c − z_u is, per pixel,
 * log p(label | pixels so far, this pixel) plus a constant: S = 1 is plain conditional
 * sampling, S = 0 unconditional, S > 1 pushes each pixel toward what makes the digit *more*
 * recognisably this label (at some cost in variety). Both predictions come from one forward
 * pass over 2B rows (the B conditional prompts, then the same prompts with "no label"), so one
 * KV cache serves both halves.
 */
import * as tf from '@tensorflow/tfjs';
import { Rng } from '../engine/random';
import { check } from '../errors';
import { disposeCache } from '../generate/generate';
import { sampleToken, type SamplingOptions } from '../generate/sampling';
import type { GPT, KVCache } from '../model/gpt';
import { conditionToken, isPixelToken, type ImageLayout } from './sequence';

/** How sampleImages draws (plus SamplingOptions: temperature, topK, topP). All optional. */
export interface SampleImageOptions extends SamplingOptions {
  /** Seed of the whole request (default 0). */
  readonly seed?: number;
  /** Images per forward pass (default 100): bounds memory, not results. */
  readonly batchSize?: number;
  /** Guidance scale S (default 1: plain conditional sampling). Needs a "no label" token unless 1. */
  readonly guidance?: number;
}

/** The guided logits z_u + S·(z_c − z_u), element by element. */
export function guideLogits(cond: ArrayLike<number>, uncond: ArrayLike<number>, scale: number): Float32Array {
  check(cond.length === uncond.length, `guidance: ${cond.length} conditional logits, ${uncond.length} unconditional`);
  const out = new Float32Array(cond.length);
  for (let i = 0; i < cond.length; i++) out[i] = uncond[i] + scale * (cond[i] - uncond[i]);
  return out;
}

/** The seed of image k's random stream in a request with seed `seed`. */
export function imageSeed(seed: number, k: number): number {
  return (Math.imul((seed >>> 0) ^ 0x5bd1e995, 0x9e3779b1) + Math.imul(k + 1, 0x85ebca6b)) >>> 0;
}

/**
 * Sample images for `labels` (one image per entry). `prefixes[k]`, if given, are the first
 * pixels of image k (completion); all prefixes must have the same length. Returns the pixel
 * levels of each image, W·H each, prefix included.
 */
export function sampleImages(model: GPT, layout: ImageLayout, labels: readonly (number | null)[], opts: SampleImageOptions = {}, prefixes?: readonly (ArrayLike<number>)[]): Uint8Array[] {
  const guidance = opts.guidance ?? 1;
  check(Number.isFinite(guidance) && guidance >= 0, `guidance must be a number ≥ 0, got ${guidance}`);
  if (guidance !== 1) conditionToken(layout, null); // throws for a model without the "no label" token
  const n = layout.width * layout.height;
  const P = prefixes?.[0]?.length ?? 0;
  check(!prefixes || prefixes.length === labels.length, `${prefixes?.length} prefixes for ${labels.length} labels`);
  check(P < n, `a prefix of ${P} pixels leaves nothing to draw in a ${n}-pixel image`);
  check(model.config.vocabSize === layout.vocabSize && model.config.blockSize >= layout.blockSize,
    `the model (${model.config.vocabSize} ids, ${model.config.blockSize} positions) does not fit the layout (${layout.vocabSize} ids, ${layout.blockSize} positions)`);
  const prompts = labels.map((label, k) => {
    const pre = prefixes ? Array.from(prefixes[k]) : [];
    check(pre.length === P, `prefix ${k} has ${pre.length} pixels, prefix 0 has ${P}`);
    pre.forEach((v, i) => check(isPixelToken(layout, v), `prefix ${k} pixel ${i} is ${v}, not a level 0…${layout.levels - 1}`));
    return [conditionToken(layout, label), ...pre];
  });
  const batch = Math.max(1, opts.batchSize ?? 100);
  const out: Uint8Array[] = [];
  for (let start = 0; start < prompts.length; start += batch) {
    const rows = prompts.slice(start, start + batch);
    const rngs = rows.map((_, i) => new Rng(imageSeed(opts.seed ?? 0, start + i)));
    out.push(...sampleBatch(model, layout, rows, rngs, opts));
  }
  return out;
}

/** One batch: prompts of equal length (label + prefix) → full images. */
function sampleBatch(model: GPT, layout: ImageLayout, given: number[][], rngs: Rng[], opts: SampleImageOptions): Uint8Array[] {
  const scale = opts.guidance ?? 1;
  const guided = scale !== 1;
  const B = given.length;
  // With guidance, rows B…2B−1 are the same prompts with "no label" in front.
  const prompts = guided ? [...given, ...given.map((p) => [layout.nullToken!, ...p.slice(1)])] : given;
  const R = prompts.length;
  const V = layout.vocabSize;
  const n = layout.width * layout.height;
  const P = prompts[0].length - 1; // pixels given
  const images = given.map((p) => { const img = new Uint8Array(n); img.set(p.slice(1)); return img; });
  const cache: KVCache = { length: 0, layers: [] };
  try {
    let feed = Int32Array.from(prompts.flat()); // (R, 1 + P) at first, then (R, 1); R = B, or 2B guided
    let width = P + 1;
    for (let i = P; i < n; i++) {
      const logits = tf.tidy(() => {
        const { hidden } = model.forward(tf.tensor2d(feed, [R, width], 'int32'), { cache }); // (R, width, C)
        const last = hidden.slice([0, width - 1, 0], [R, 1, -1]) as tf.Tensor3D; // (R, 1, C)
        return model.logits(last).dataSync() as Float32Array; // (R·1·V)
      });
      feed = new Int32Array(R);
      for (let b = 0; b < B; b++) {
        // Only pixel levels are valid here: a label token in the middle of an image means nothing.
        const zc = logits.slice(b * V, b * V + layout.levels);
        const z = guided ? guideLogits(zc, logits.slice((B + b) * V, (B + b) * V + layout.levels), scale) : zc;
        const level = sampleToken(z, opts, rngs[b]);
        images[b][i] = level;
        feed[b] = level;
        if (guided) feed[B + b] = level;
      }
      width = 1;
    }
  } finally {
    disposeCache(cache);
  }
  return images;
}
