/**
 * AdamW (Loshchilov & Hutter 2019): Adam's update plus weight decay applied to the weights
 * directly, not through the gradient. tfjs 4.22 has no AdamW, so here it is.
 *
 *   m ← β1·m + (1−β1)·g          v ← β2·v + (1−β2)·g²
 *   m̂ = m / (1−β1ᵗ)              v̂ = v / (1−β2ᵗ)
 *   θ ← θ − lr·( m̂ / (√v̂ + ε) + λ·θ )     (λ only for matmul weights)
 *
 * All parameters are updated as one flat vector. The update is elementwise, so this is the
 * same arithmetic as a loop over parameters, but a dozen kernels in all instead of a dozen per
 * parameter: nano has 52 parameters, most of them a few thousand numbers, and each kernel
 * launch costs tens of µs natively. Measured on the nano step: 1,833 kernels → 1,162, and
 * 744 → 669 ms (oneDNN off both times). The moments live in two flat variables, in `layout`
 * order; a checkpoint stores them per parameter (`moments()`, `setMoments()`), as before.
 */
import * as tf from '@tensorflow/tfjs';

/** AdamW's constants, as in the formulas above. */
export interface AdamWOptions {
  /** β1: decay of the first moment (the running mean of g). */
  readonly beta1: number;
  /** β2: decay of the second moment (the running mean of g²). */
  readonly beta2: number;
  /** ε: added to √v̂ so that a parameter with tiny gradients does not take a huge step. */
  readonly eps: number;
  /** λ: weight decay per unit of learning rate, applied only where `decay(name)` says so. */
  readonly weightDecay: number;
}

/**
 * GPT-2/nanoGPT's values: β1 0.9, β2 0.95 (shorter memory than Adam's usual 0.999, steadier for
 * Transformers), ε 1e-8, weight decay 0.1.
 */
export const DEFAULT_ADAMW: AdamWOptions = { beta1: 0.9, beta2: 0.95, eps: 1e-8, weightDecay: 0.1 };

/** Where each parameter sits in the flat vector. */
export interface FlatLayout {
  readonly names: readonly string[];
  readonly shapes: readonly (readonly number[])[];
  readonly sizes: readonly number[];
  readonly total: number;
}

export function flatLayout(names: readonly string[], shapeOf: (name: string) => readonly number[]): FlatLayout {
  const shapes = names.map((n) => [...shapeOf(n)]);
  const sizes = shapes.map((s) => s.reduce((a, b) => a * b, 1));
  return { names: [...names], shapes, sizes, total: sizes.reduce((a, b) => a + b, 0) };
}

/** The tensors of `byName`, in layout order, as one vector (N). */
export function flatten(layout: FlatLayout, byName: (name: string) => tf.Tensor): tf.Tensor1D {
  return tf.tidy(() => {
    // A reshape is a kernel launch in tfjs-node: skip it for vectors (biases, LayerNorm).
    const parts = layout.names.map((n) => { const t = byName(n); return t.rank === 1 ? t : t.reshape([-1]); });
    // One vector alone would be returned as itself, and the caller may dispose its source.
    return (parts.length === 1 ? parts[0].clone() : tf.concat(parts)) as tf.Tensor1D;
  });
}

/** A flat vector back into one tensor per parameter, each in its own shape. */
export function unflatten(layout: FlatLayout, flat: tf.Tensor1D): Map<string, tf.Tensor> {
  const { names, shapes } = layout;
  if (names.length === 1) return new Map([[names[0], flat.reshape([...shapes[0]])]]);
  const parts = tf.split(flat, [...layout.sizes]);
  // Vectors are already in shape (no reshape kernel); the rest are reshaped and their pieces freed.
  const shaped = parts.map((part, i) => (shapes[i].length === 1 ? part : part.reshape([...shapes[i]])));
  tf.dispose(parts.filter((part, i) => shaped[i] !== part));
  return new Map(names.map((n, i) => [n, shaped[i]]));
}

/**
 * The AdamW optimizer (Loshchilov & Hutter 2019): per parameter θ with gradient g at update t,
 * m ← β1·m + (1−β1)·g, v ← β2·v + (1−β2)·g², then θ ← θ − lr·(m̂/(√v̂ + ε) + λ·θ) with the
 * bias-corrected m̂ = m/(1−β1ᵗ), v̂ = v/(1−β2ᵗ), and λ only where `decay(name)` is true.
 * `new AdamW(opts)` takes any of AdamWOptions (missing ones from DEFAULT_ADAMW);
 * `apply(params, grads, lr, decay)` updates the parameters in place. It holds two moment vectors
 * as large as the model: call `dispose()` when done.
 */
export class AdamW {
  /** The constants in use: DEFAULT_ADAMW with the constructor's options over it. */
  readonly opts: AdamWOptions;
  /** Number of updates applied so far (t in the formulas). */
  step = 0;
  private layout: FlatLayout | null = null;
  private m: tf.Variable | null = null; // (N)
  private v: tf.Variable | null = null; // (N)
  /** 1 where weight decay applies, else 0, in layout order (N). */
  private decayMask: tf.Tensor1D | null = null;
  /** Moments given by setMoments() before the first update fixed the layout. */
  private pending: { m: Map<string, tf.Tensor>; v: Map<string, tf.Tensor> } | null = null;

  constructor(opts: Partial<AdamWOptions> = {}) {
    this.opts = { ...DEFAULT_ADAMW, ...opts };
  }

  /**
   * One update of every parameter that has a gradient. `decay(name)` says whether weight
   * decay applies to it. Gradients are not disposed here.
   */
  apply(params: Map<string, tf.Variable>, grads: Map<string, tf.Tensor>, lr: number, decay: (name: string) => boolean): void {
    const layout = this.layoutFor(params, [...grads.keys()].filter((n) => params.has(n)), decay);
    const g = flatten(layout, (n) => grads.get(n)!);
    this.applyFlat(params, g, lr);
    g.dispose();
  }

  /**
   * The layout of the parameters `names` (in that order), creating or re-creating the flat
   * state when they change; the moments of parameters present before are kept.
   */
  layoutFor(params: Map<string, tf.Variable>, names: readonly string[], decay: (name: string) => boolean): FlatLayout {
    const same = this.layout && this.layout.names.length === names.length && this.layout.names.every((n, i) => n === names[i]);
    if (same) return this.layout!;
    const keep = this.layout ? this.moments() : this.pending;
    this.pending = null;
    this.disposeState();
    const layout = flatLayout(names, (n) => params.get(n)!.shape);
    this.layout = layout;
    const from = (saved: Map<string, tf.Tensor> | undefined): tf.Variable => {
      const flat = flatten(layout, (n) => saved?.get(n) ?? tf.zeros([...params.get(n)!.shape]));
      const variable = tf.variable(flat, false);
      flat.dispose();
      return variable;
    };
    this.m = from(keep?.m);
    this.v = from(keep?.v);
    if (keep) tf.dispose([...keep.m.values(), ...keep.v.values()]);
    this.decayMask = tf.tidy(() => tf.concat(layout.names.map((n, i) => tf.fill([layout.sizes[i]], decay(n) ? 1 : 0))) as tf.Tensor1D);
    return layout;
  }

  /**
   * One update from a flat gradient g (N) in the layout of the last layoutFor() call (apply()
   * calls it for you). The parameters get their new values; g is not disposed. `scale` (N, in the
   * layout's order) multiplies each value's learning rate — its step and its decay — so 0 freezes
   * it (its moments still follow its gradient); null is 1 everywhere.
   */
  applyFlat(params: Map<string, tf.Variable>, g: tf.Tensor1D, lr: number, scale: tf.Tensor1D | null = null): void {
    const layout = this.layout;
    if (!layout || !this.m || !this.v || !this.decayMask) throw new Error('AdamW.applyFlat: call layoutFor() first');
    if (g.size !== layout.total) throw new Error(`AdamW.applyFlat: gradient has ${g.size} values, the layout ${layout.total}`);
    this.step += 1;
    const { beta1, beta2, eps, weightDecay } = this.opts;
    const bc1 = 1 - beta1 ** this.step;
    const bc2 = 1 - beta2 ** this.step;
    // The formulas above with the scalars folded:
    //   θ ← θ·(1 − lr·λ·mask) − (lr/bc1) · m / (√v · (1/√bc2) + ε)
    // is θ − lr·(m̂/(√v̂ + ε) + λθ) rearranged (mask: 1 for decayed parameters).
    const stepSize = lr / bc1;
    const invSqrtBc2 = 1 / Math.sqrt(bc2);
    const m = this.m;
    const v = this.v;
    const mask = this.decayMask;
    const next = tf.tidy(() => {
      const m1 = tf.add(tf.mul(m, beta1), tf.mul(g, 1 - beta1));
      const v1 = tf.add(tf.mul(v, beta2), tf.mul(tf.square(g), 1 - beta2));
      m.assign(m1);
      v.assign(v1);
      const p = flatten(layout, (n) => params.get(n)!);
      const unscaled = tf.div(tf.mul(m1, stepSize), tf.add(tf.mul(tf.sqrt(v1), invSqrtBc2), eps));
      const step = scale ? tf.mul(unscaled, scale) : unscaled;
      const decayMask = scale ? tf.mul(mask, scale) : mask;
      const decayed = weightDecay > 0 ? tf.mul(p, tf.add(tf.mul(decayMask, -lr * weightDecay), 1)) : p;
      return tf.sub(decayed, step) as tf.Tensor1D;
    });
    for (const [n, t] of unflatten(layout, next)) { params.get(n)!.assign(t); t.dispose(); }
    next.dispose();
  }

  /** The moments per parameter (new tensors, the caller disposes them); empty before any update. */
  moments(): { m: Map<string, tf.Tensor>; v: Map<string, tf.Tensor> } {
    if (!this.layout || !this.m || !this.v) {
      const copy = (src?: Map<string, tf.Tensor>): Map<string, tf.Tensor> => new Map([...(src ?? [])].map(([k, t]) => [k, t.clone()]));
      return { m: copy(this.pending?.m), v: copy(this.pending?.v) };
    }
    return { m: unflatten(this.layout, this.m as unknown as tf.Tensor1D), v: unflatten(this.layout, this.v as unknown as tf.Tensor1D) };
  }

  /** Restore moments per parameter (from a checkpoint); takes ownership of the tensors. */
  setMoments(m: Map<string, tf.Tensor>, v: Map<string, tf.Tensor>): void {
    this.dispose();
    this.pending = { m, v };
  }

  /** The flat state and its layout (the pending moments stay). */
  private disposeState(): void {
    for (const t of [this.m, this.v, this.decayMask]) t?.dispose();
    this.m = this.v = this.decayMask = null;
    this.layout = null;
  }

  /** Free the moments (tensors); the optimizer restarts from zero moments if used again. */
  dispose(): void {
    this.disposeState();
    if (this.pending) tf.dispose([...this.pending.m.values(), ...this.pending.v.values()]);
    this.pending = null;
  }
}
