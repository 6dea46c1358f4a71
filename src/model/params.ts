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
 * Create a trainable tf.Variable for each spec: drawn from `rng`, or, when `values` is given,
 * taken from it one parameter at a time (loading weights without drawing random ones first).
 */
export function createParams(specs: readonly ParamSpec[], rng: Rng, values?: (spec: ParamSpec) => Float32Array): Map<string, tf.Variable> {
  const out = new Map<string, tf.Variable>();
  try {
    for (const s of specs) {
      const data = values ? values(s) : initialValue(s, rng);
      const n = s.shape.reduce((a, b) => a * b, 1);
      if (data.length !== n) throw new Error(`parameter '${s.name}': ${data.length} values for shape [${s.shape.join(', ')}]`);
      const t = tf.tensor(data, [...s.shape]);
      out.set(s.name, tf.variable(t, true));
      t.dispose(); // the variable holds its own reference to the data
    }
  } catch (e) {
    for (const v of out.values()) v.dispose(); // a bad weight read half-way leaks nothing
    throw e;
  }
  return out;
}
