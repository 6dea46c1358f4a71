/**
 * Stage 3 of ULMFiT (Howard & Ruder 2018, §3.2–3.3): fine-tuning that does not forget what
 * pretraining taught. Three devices, each a factor on a layer's learning rate at a step:
 *
 * - discriminative rates: each layer below the top learns `factor` times slower than the one
 *   above it (ULMFiT: 2.6), so the general features low in the network move least;
 * - gradual unfreezing: the head first, then one more layer from the top at a time, each frozen
 *   one (factor 0) untouched until its turn — here every layer is unfrozen by half the run;
 * - head first, then all (LP-FT, Kumar et al. 2022): only the new head learns for the first
 *   half, so the features are not pulled about by a random head, then everything.
 *
 * The fourth, the slanted triangular learning rate, is a curve over steps (train/schedule.ts).
 */
import { check } from '../errors';

/** Which layers learn when (see the module comment). */
export type Unfreeze = 'all' | 'gradual' | 'head-first';

/** The stage-3 devices of a fine-tuning run; absent fields are off. */
export interface Stage3 {
  /** Each layer's rate is this many times smaller than the layer above's (absent or 1: none). */
  readonly discriminative?: number;
  /** Which layers learn when (absent: 'all', every layer from the first step). */
  readonly unfreeze?: Unfreeze;
}

/**
 * The layer group of parameter `name` in a GPT of `nLayer` blocks, from 0 (the embeddings wte
 * and wpe) through 1…nLayer (block h.0 … h.{nLayer−1}) to nLayer + 1 (the final LayerNorm and
 * the classifier head), the top.
 */
export function layerGroup(name: string, nLayer: number): number {
  if (name === 'wte' || name === 'wpe') return 0;
  const m = /^h\.(\d+)\./.exec(name);
  if (m) return Number(m[1]) + 1;
  return nLayer + 1;
}

/**
 * The factor on parameter `name`'s learning rate at 0-based `step` of a `total`-step run, as
 * `s` says, for a GPT of `nLayer` blocks (null: every factor is 1, nothing to do).
 */
export function stage3Scale(s: Stage3, nLayer: number, total: number): ((name: string, step: number) => number) | null {
  const factor = s.discriminative ?? 1;
  const unfreeze = s.unfreeze ?? 'all';
  check(Number.isFinite(factor) && factor >= 1, `discriminative factor must be at least 1, got ${factor}`);
  check(unfreeze === 'all' || unfreeze === 'gradual' || unfreeze === 'head-first', `unfreeze must be 'all', 'gradual' or 'head-first', got '${String(unfreeze)}'`);
  if (factor === 1 && unfreeze === 'all') return null;
  const top = nLayer + 1;
  // Gradual: group g joins (top − g) intervals in, the embeddings last, at about half the run.
  const interval = Math.max(1, Math.floor(total / (2 * top)));
  const half = Math.floor(total / 2);
  return (name, step) => {
    const g = layerGroup(name, nLayer);
    if (unfreeze === 'gradual' && step < (top - g) * interval) return 0;
    if (unfreeze === 'head-first' && step < half && !name.startsWith('clf.')) return 0;
    return factor ** -(top - g);
  };
}
