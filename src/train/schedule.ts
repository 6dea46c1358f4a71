/**
 * Learning rate: linear warmup from 0 to `lr` over `warmup` steps, then cosine decay to
 * `minLr` at `total` steps (and flat after). Warmup keeps Adam's first, noisy second-moment
 * estimates from taking huge steps; the cosine tail anneals into a minimum.
 */
export interface LrSchedule {
  readonly lr: number;
  readonly minLr: number;
  readonly warmup: number;
  readonly total: number;
}

export function learningRate(step: number, s: LrSchedule): number {
  if (step < s.warmup) return (s.lr * (step + 1)) / s.warmup;
  if (step >= s.total) return s.minLr;
  const progress = (step - s.warmup) / Math.max(1, s.total - s.warmup);
  return s.minLr + 0.5 * (1 + Math.cos(Math.PI * progress)) * (s.lr - s.minLr);
}
