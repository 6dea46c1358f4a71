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
  /**
   * The curve's shape (absent: 'cosine', the warmup and cosine above). 'slanted': ULMFiT's
   * slanted triangular rate (Howard & Ruder 2018, eq. 3) over `total` steps, which ignores `warmup`
   * and `minLr` — see slantedTriangular.
   */
  readonly shape?: 'cosine' | 'slanted';
}

/** ULMFiT's constants for the slanted triangular rate: rise over the first 10 %, lowest rate lr/32. */
export const SLANTED = { cutFrac: 0.1, ratio: 32 } as const;

/**
 * ULMFiT's slanted triangular learning rate at 0-based `step` of `total`: a short linear rise
 * over the first `cutFrac` of the steps from lr/ratio to lr, then a long linear fall back to
 * lr/ratio at `total` (and flat after). `cut = max(1, ⌊total·cutFrac⌋)`, p = step/cut before the
 * cut and 1 − (step − cut)/(cut·(1/cutFrac − 1)) after, rate = lr·(1 + p·(ratio − 1))/ratio.
 */
export function slantedTriangular(step: number, total: number, lr: number, cutFrac: number = SLANTED.cutFrac, ratio: number = SLANTED.ratio): number {
  const cut = Math.max(1, Math.floor(total * cutFrac));
  const p = step < cut ? step / cut : Math.max(0, 1 - (step - cut) / (cut * (1 / cutFrac - 1)));
  return (lr * (1 + p * (ratio - 1))) / ratio;
}

/**
 * The learning rate at 0-based `step` under schedule `s`: `lr·(step+1)/warmup` during the warmup
 * (so step 0 already moves), then `minLr + ½(1 + cos(π·progress))·(lr − minLr)` with progress
 * running from 0 at the end of the warmup to 1 at `total`, then `minLr` for ever; with shape
 * 'slanted', slantedTriangular instead.
 */
export function learningRate(step: number, s: LrSchedule): number {
  if (s.shape === 'slanted') return slantedTriangular(step, s.total, s.lr);
  if (step < s.warmup) return (s.lr * (step + 1)) / s.warmup;
  if (step >= s.total) return s.minLr;
  const progress = (step - s.warmup) / Math.max(1, s.total - s.warmup);
  return s.minLr + 0.5 * (1 + Math.cos(Math.PI * progress)) * (s.lr - s.minLr);
}
