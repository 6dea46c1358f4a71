/**
 * Learning rate: linear warmup from 0 to `lr` over `warmup` steps, then cosine decay to
 * `minLr` at `total` steps (and flat after). Warmup keeps Adam's first, noisy second-moment
 * estimates from taking huge steps; the cosine tail anneals into a minimum.
 */
export interface LrSchedule {
  /** Peak learning rate, reached at the end of the warmup. */
  readonly lr: number;
  /** Learning rate at `total` steps and after. */
  readonly minLr: number;
  /** Steps of linear warmup (0 for none). */
  readonly warmup: number;
  /** Step at which the cosine reaches `minLr`. */
  readonly total: number;
}

/**
 * The learning rate at 0-based `step` under schedule `s`: `lr·(step+1)/warmup` during the warmup
 * (so step 0 already moves), then `minLr + ½(1 + cos(π·progress))·(lr − minLr)` with progress
 * running from 0 at the end of the warmup to 1 at `total`, then `minLr` for ever.
 */
export function learningRate(step: number, s: LrSchedule): number {
  if (step < s.warmup) return (s.lr * (step + 1)) / s.warmup;
  if (step >= s.total) return s.minLr;
  const progress = (step - s.warmup) / Math.max(1, s.total - s.warmup);
  return s.minLr + 0.5 * (1 + Math.cos(Math.PI * progress)) * (s.lr - s.minLr);
}
