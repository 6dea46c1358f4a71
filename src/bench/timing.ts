/**
 * Small timing helpers for the benchmark suite. The machines this runs on are
 * often shared (two cores, often busy), so every figure is a median over repeats, every comparison a ratio of
 * runs taken back to back, and every section notes the load average it ran under.
 */
import * as os from 'os';

/** Median of a non-empty list (the mean of the middle two for an even count). */
export function median(xs: readonly number[]): number {
  if (xs.length === 0) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
}

/** Milliseconds `fn` takes, once. */
export function timeMs(fn: () => void): number {
  const t0 = performance.now();
  fn();
  return performance.now() - t0;
}

/** The 1-minute load average and the number of CPUs, for the record next to each number. */
export interface Load { readonly load1: number; readonly cpus: number }

export function currentLoad(): Load {
  return { load1: Math.round(os.loadavg()[0] * 100) / 100, cpus: os.cpus().length };
}

/** Round to `digits` significant digits (JSON output stays readable). */
export function sig(x: number, digits = 4): number {
  if (!Number.isFinite(x) || x === 0) return x;
  return Number(x.toPrecision(digits));
}

/** Resident set size in MiB. */
export function rssMiB(): number {
  return process.memoryUsage().rss / 2 ** 20;
}
