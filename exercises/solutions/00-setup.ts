/**
 * Reference answers to exercises/00-setup.ts. CI checks them with the same tests students run
 * (`npm run check -- 00 --solutions`, and `npm test`), so the tests are known to be passable.
 */

export function softmaxWithTemperature(logits: readonly number[], temperature: number): number[] {
  if (!(temperature > 0) || !Number.isFinite(temperature)) {
    throw new RangeError(`temperature must be a positive number, got ${temperature}`);
  }
  // exp(z - max) ≤ 1, so nothing overflows; the common factor exp(-max) cancels in the ratio.
  const max = Math.max(...logits);
  const e = logits.map((z) => Math.exp((z - max) / temperature));
  const sum = e.reduce((a, b) => a + b, 0);
  return e.map((v) => v / sum);
}

export function entropy(p: readonly number[]): number {
  // lim_{x→0} x ln x = 0, but 0 * Math.log(0) is 0 * -Infinity = NaN: skip zeros.
  return -p.reduce((h, x) => (x > 0 ? h + x * Math.log(x) : h), 0);
}
