/**
 * The GPT's weights by GPT-2 name, and their initialisation.
 *
 * Names follow GPT-2's checkpoint (wte, wpe, h.N.ln_1, h.N.attn.c_attn, h.N.attn.c_proj,
 * h.N.ln_2, h.N.mlp.c_fc, h.N.mlp.c_proj, ln_f); matrices are stored (in, out) like GPT-2's
 * Conv1D, so y = x @ W + b with no transpose.
 */
import * as tf from '@tensorflow/tfjs';
import { Rng } from '../engine/random';
import type { GPTConfig } from './config';

export interface ParamSpec {
  readonly name: string;
  readonly shape: readonly number[];
  /** How to initialise: normal(0, std), zeros, or ones. */
  readonly init: { kind: 'normal'; std: number } | { kind: 'zeros' } | { kind: 'ones' };
  /** AdamW applies weight decay only to matrices used in matmuls (not biases, LayerNorm, embeddings). */
  readonly decay: boolean;
}

/** Every parameter of a GPT with this config, in a fixed order. */
export function paramSpecs(cfg: GPTConfig): ParamSpec[] {
  const C = cfg.nEmbd;
  const std = 0.02;
  // GPT-2: residual projections are scaled by 1/√(2·L) so the residual stream's variance
  // does not grow with depth (each block adds two branches).
  const projStd = std / Math.sqrt(2 * cfg.nLayer);
  const specs: ParamSpec[] = [
    { name: 'wte', shape: [cfg.vocabSize, C], init: { kind: 'normal', std }, decay: false },
    { name: 'wpe', shape: [cfg.blockSize, C], init: { kind: 'normal', std: 0.01 }, decay: false },
  ];
  const ln = (p: string): ParamSpec[] => [
    { name: `${p}.weight`, shape: [C], init: { kind: 'ones' }, decay: false },
    { name: `${p}.bias`, shape: [C], init: { kind: 'zeros' }, decay: false },
  ];
  const lin = (p: string, cin: number, cout: number, s: number): ParamSpec[] => [
    { name: `${p}.weight`, shape: [cin, cout], init: { kind: 'normal', std: s }, decay: true },
    { name: `${p}.bias`, shape: [cout], init: { kind: 'zeros' }, decay: false },
  ];
  for (let l = 0; l < cfg.nLayer; l++) {
    const h = `h.${l}`;
    specs.push(
      ...ln(`${h}.ln_1`),
      ...lin(`${h}.attn.c_attn`, C, 3 * C, std),
      ...lin(`${h}.attn.c_proj`, C, C, projStd),
      ...ln(`${h}.ln_2`),
      ...lin(`${h}.mlp.c_fc`, C, 4 * C, std),
      ...lin(`${h}.mlp.c_proj`, 4 * C, C, projStd),
    );
  }
  specs.push(...ln('ln_f'));
  return specs;
}

/** The classification head's parameters (GPT-1 fine-tuning: a linear layer on one hidden state). */
export function classifierSpecs(nEmbd: number, nClasses: number): ParamSpec[] {
  return [
    { name: 'clf.weight', shape: [nEmbd, nClasses], init: { kind: 'normal', std: 0.02 }, decay: true },
    { name: 'clf.bias', shape: [nClasses], init: { kind: 'zeros' }, decay: false },
  ];
}

/** Draw initial values with our seeded RNG (identical on every backend). */
export function initialValue(spec: ParamSpec, rng: Rng): Float32Array {
  const n = spec.shape.reduce((a, b) => a * b, 1);
  switch (spec.init.kind) {
    case 'normal': return rng.normalArray(n, spec.init.std);
    case 'zeros': return new Float32Array(n);
    case 'ones': return new Float32Array(n).fill(1);
  }
}

/**
 * Where a model's weights come from when they are not drawn: each parameter by name as a tensor
 * (a Map; the variable shares the tensor's data, no copy, and the caller still disposes its own
 * tensor), or a function giving each spec's values (read one parameter at a time, e.g. from a
 * file, so no second copy of the model is ever in memory).
 */
export type WeightSource = ReadonlyMap<string, tf.Tensor> | ((spec: ParamSpec) => Float32Array | tf.Tensor);

/**
 * Create a trainable tf.Variable for each spec: drawn from `source` when it is an Rng, or taken
 * from the given weights one parameter at a time (loading: nothing is drawn at all). A weight
 * that is missing or has another shape than its spec is an error naming the parameter.
 */
export function createParams(specs: readonly ParamSpec[], source: Rng | WeightSource): Map<string, tf.Variable> {
  const out = new Map<string, tf.Variable>();
  try {
    for (const s of specs) {
      const n = s.shape.reduce((a, b) => a * b, 1);
      if (source instanceof Rng) {
        const t = tf.tensor(initialValue(s, source), [...s.shape]);
        out.set(s.name, tf.variable(t, true));
        t.dispose(); // the variable holds its own reference to the data
        continue;
      }
      const given = source instanceof Map ? source.get(s.name) : (source as (spec: ParamSpec) => Float32Array | tf.Tensor)(s);
      if (given === undefined) throw new Error(`parameter '${s.name}' is missing from the given weights`);
      if (given instanceof tf.Tensor) {
        const shape: readonly number[] = given.shape;
        if (shape.length !== s.shape.length || shape.some((d, i) => d !== s.shape[i])) throw new Error(`parameter '${s.name}': shape [${shape.join(', ')}], the spec has [${s.shape.join(', ')}]`);
        if (given.dtype !== 'float32') throw new Error(`parameter '${s.name}': dtype ${given.dtype}, not float32`);
        out.set(s.name, tf.variable(given, true)); // shares the tensor's data
        continue;
      }
      if (given.length !== n) throw new Error(`parameter '${s.name}': ${given.length} values for shape [${s.shape.join(', ')}]`);
      const t = tf.tensor(given, [...s.shape]);
      out.set(s.name, tf.variable(t, true));
      t.dispose();
    }
  } catch (e) {
    for (const v of out.values()) v.dispose(); // a bad weight read half-way leaks nothing
    throw e;
  }
  return out;
}
