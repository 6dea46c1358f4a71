/**
 * A small seeded random number generator (sfc32), so that initialisation, batching and
 * sampling are reproducible on every backend and resumable from a checkpoint.
 *
 * Why not tf.randomNormal? Its seeds are per call and backend-specific; drawing numbers in
 * JavaScript makes the same seed give the same model on tensorflow, wasm and cpu.
 */
export type RngState = readonly [number, number, number, number];

/**
 * The project's seeded random number generator (sfc32, 32-bit words, seeded through splitmix32):
 * `new Rng(seed)` gives the same stream on every backend and machine, so a seed fixes
 * initialisation, batches, dropout masks and samples. `seed` (default 0) is read as an unsigned
 * 32-bit integer; nearby seeds give unrelated streams. `getState()` / `setState()` save and resume it.
 */
export class Rng {
  private a: number;
  private b: number;
  private c: number;
  private d: number;
  private spare: number | null = null;

  constructor(seed = 0) {
    // Seed the four words with splitmix32 so that nearby seeds give unrelated streams.
    let s = seed >>> 0;
    const next = (): number => {
      s = (s + 0x9e3779b9) >>> 0;
      let z = s;
      z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
      z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
      return (z ^ (z >>> 16)) >>> 0;
    };
    this.a = next(); this.b = next(); this.c = next(); this.d = next();
    for (let i = 0; i < 12; i++) this.nextUint32();
  }

  /** A uniformly distributed 32-bit unsigned integer. */
  nextUint32(): number {
    const t = (((this.a + this.b) >>> 0) + this.d) >>> 0;
    this.d = (this.d + 1) >>> 0;
    this.a = (this.b ^ (this.b >>> 9)) >>> 0;
    this.b = (this.c + (this.c << 3)) >>> 0;
    this.c = ((this.c << 21) | (this.c >>> 11)) >>> 0;
    this.c = (this.c + t) >>> 0;
    return t;
  }

  /** Uniform in [0, 1). */
  next(): number {
    return this.nextUint32() / 4294967296;
  }

  /** Uniform integer in [0, n). */
  int(n: number): number {
    if (!(n > 0) || !Number.isInteger(n)) throw new RangeError(`Rng.int: n must be a positive integer, got ${n}`);
    return Math.floor(this.next() * n);
  }

  /** Standard normal (Box–Muller, caching the second value). */
  normal(): number {
    if (this.spare !== null) { const v = this.spare; this.spare = null; return v; }
    let u = 0;
    while (u === 0) u = this.next();
    const v = this.next();
    const r = Math.sqrt(-2 * Math.log(u));
    this.spare = r * Math.sin(2 * Math.PI * v);
    return r * Math.cos(2 * Math.PI * v);
  }

  /** A Float32Array of n normals with the given standard deviation. */
  normalArray(n: number, std = 1): Float32Array {
    const out = new Float32Array(n);
    for (let i = 0; i < n; i++) out[i] = this.normal() * std;
    return out;
  }

  /** The generator's state, for checkpoints (the cached spare normal is dropped). */
  getState(): RngState {
    return [this.a >>> 0, this.b >>> 0, this.c >>> 0, this.d >>> 0];
  }

  /**
   * Continue from a state `getState()` returned (four 32-bit words; signed ones are read as the same
   * bits). Throws a RangeError for anything else.
   */
  setState(state: RngState): void {
    // Signed 32-bit words are accepted too (and normalised): same bits, other notation.
    if (!Array.isArray(state) || state.length !== 4 || state.some((x) => !Number.isInteger(x) || x < -0x80000000 || x > 0xffffffff)) {
      throw new RangeError('Rng.setState: expected four 32-bit integers');
    }
    [this.a, this.b, this.c, this.d] = state.map((x) => x >>> 0);
    this.spare = null;
  }
}
