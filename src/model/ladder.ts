/**
 * The ladder: a GPT built up one piece at a time from a bigram model, so that chapter 03 can
 * measure what each piece buys (Karpathy's "Let's build GPT" does the same by editing code).
 *
 *   bigram         logits = head(wte[u_t])                            (no context at all)
 *   attention      x = wte[u] + wpe[t];  x ← attn(x) per layer;        logits = x · wteᵀ
 *   heads          the same with nh heads of C/nh instead of one of C
 *   mlp            x ← mlp(attn(x)) per layer
 *   residual       x ← x + attn(x);  x ← x + mlp(x)
 *   layerNorm      x ← x + attn(ln_1(x));  x ← x + mlp(ln_2(x));  ln_f before the head: the GPT
 *
 * Every rung but the bigram uses the GPT's own pieces (block.ts) and weight names; a rung only
 * has the weights it uses. Two initialisations:
 *
 *   'gpt2'     GPT-2's (std 0.02, residual projections 0.02/√(2L)) and the head tied to wte:
 *              the last rung is then exactly `GPT` (same weights from the same seed: tested).
 *   'pytorch'  PyTorch's defaults, as in Karpathy's ladder: embeddings N(0, 1), matrices
 *              N(0, 1/fan_in), and an untied head `lm_head` (C → V, with a bias). GPT-2's small
 *              init assumes LayerNorm: without it the signal through a stack of small matrices
 *              is too faint to learn from in a short run (chapter 03 measures both).
 */
import * as tf from '@tensorflow/tfjs';
import { Rng } from '../engine/random';
import { causalMask } from './attention';
import { type BlockContext, type BlockWeights, causalSelfAttention, embeddings, mlp } from './block';
import { type GPTConfig, validateConfig } from './config';
import { layerNorm } from './layers';
import { createParams, type ParamSpec, paramSpecs } from './params';

/** Which pieces a rung of the ladder has. `heads` 0 means no attention (the bigram model). */
export interface LadderRung {
  readonly name: string;
  readonly heads: number;
  readonly mlp: boolean;
  readonly residual: boolean;
  readonly layerNorm: boolean;
}

/** The rungs in order, each adding one piece to the one before (heads: `nHead` of the config). */
export function ladderRungs(nHead: number): LadderRung[] {
  return [
    { name: 'bigram', heads: 0, mlp: false, residual: false, layerNorm: false },
    { name: '+ self-attention (1 head)', heads: 1, mlp: false, residual: false, layerNorm: false },
    { name: `+ several heads (${nHead})`, heads: nHead, mlp: false, residual: false, layerNorm: false },
    { name: '+ MLP', heads: nHead, mlp: true, residual: false, layerNorm: false },
    { name: '+ residual connections', heads: nHead, mlp: true, residual: true, layerNorm: false },
    { name: '+ LayerNorm (the GPT)', heads: nHead, mlp: true, residual: true, layerNorm: true },
  ];
}

export type LadderInit = 'gpt2' | 'pytorch';

/** The weights a rung uses, in the GPT's order (the bigram: one V × V table). */
export function ladderSpecs(cfg: GPTConfig, rung: LadderRung, init: LadderInit = 'gpt2'): ParamSpec[] {
  const V = cfg.vocabSize;
  const C = cfg.nEmbd;
  const head: ParamSpec[] = [
    { name: 'lm_head.weight', shape: [C, V], init: { kind: 'normal', std: 1 / Math.sqrt(C) }, decay: true },
    { name: 'lm_head.bias', shape: [V], init: { kind: 'zeros' }, decay: false },
  ];
  if (rung.heads === 0) {
    // GPT-2 style: a V × V table of logits. PyTorch style: the embedding and the head of the other rungs, no block.
    if (init === 'gpt2') return [{ name: 'bigram', shape: [V, V], init: { kind: 'normal', std: 0.02 }, decay: false }];
    return [{ name: 'wte', shape: [V, C], init: { kind: 'normal', std: 1 }, decay: false }, ...head];
  }
  const specs = paramSpecs(cfg).filter((s) => {
    if (!rung.layerNorm && /(^|\.)ln_/.test(s.name)) return false;
    if (!rung.mlp && s.name.includes('.mlp.')) return false;
    return true;
  });
  if (init === 'gpt2') return specs;
  const pytorch = specs.map((s): ParamSpec => (s.init.kind !== 'normal' ? s
    : { ...s, init: { kind: 'normal', std: s.name === 'wte' || s.name === 'wpe' ? 1 : 1 / Math.sqrt(s.shape[0]) } }));
  return [...pytorch, ...head];
}

/** One rung as a model: its weights, a forward pass to logits, and the next-token loss. */
export class LadderModel {
  readonly config: GPTConfig;
  readonly rung: LadderRung;
  readonly params: Map<string, tf.Variable>;
  readonly specs: ParamSpec[];
  readonly init: LadderInit;

  constructor(config: GPTConfig, rung: LadderRung, seed = 0, init: LadderInit = 'gpt2') {
    validateConfig(config);
    if (rung.heads !== 0 && config.nEmbd % rung.heads !== 0) throw new Error(`nEmbd ${config.nEmbd} is not divisible by ${rung.heads} heads`);
    this.config = { ...config, dropout: 0 };
    this.rung = rung;
    this.init = init;
    this.specs = ladderSpecs(this.config, rung, init);
    this.params = createParams(this.specs, new Rng(seed));
  }

  private p<R extends tf.Rank = tf.Rank>(name: string): tf.Tensor<R> {
    return this.params.get(name)! as unknown as tf.Tensor<R>;
  }

  /** Logits (B, T, V) for token ids (B, T). Call inside tf.tidy. */
  logits(idx: tf.Tensor2D): tf.Tensor3D {
    const [B, T] = idx.shape;
    const V = this.config.vocabSize;
    if (this.params.has('bigram')) return tf.gather(this.p('bigram'), idx.reshape([-1])).reshape([B, T, V]) as tf.Tensor3D;
    const r = this.rung;
    const mask = causalMask(T); // (T, T)
    const ctx: BlockContext = { nHead: r.heads, mask, rate: 0, nextSeed: () => 0 };
    const norm = (x: tf.Tensor3D, name: string): tf.Tensor3D =>
      (r.layerNorm ? layerNorm(x, this.p(`${name}.weight`), this.p(`${name}.bias`)) : x) as tf.Tensor3D;
    let x = r.heads === 0
      ? tf.gather(this.p('wte'), idx.reshape([-1])).reshape([B, T, -1]) as tf.Tensor3D // (B, T, C): the token alone
      : embeddings(this.p('wte'), this.p('wpe'), idx); // (B, T, C)
    for (let l = 0; l < (r.heads === 0 ? 0 : this.config.nLayer); l++) {
      const w: BlockWeights = (name) => this.p(`h.${l}.${name}`);
      const a = causalSelfAttention(norm(x, `h.${l}.ln_1`), w, ctx); // (B, T, C)
      x = r.residual ? (tf.add(x, a) as tf.Tensor3D) : a;
      if (r.mlp) {
        const m = mlp(norm(x, `h.${l}.ln_2`), w); // (B, T, C)
        x = r.residual ? (tf.add(x, m) as tf.Tensor3D) : m;
      }
    }
    const h = norm(x, 'ln_f').reshape([B * T, -1]) as tf.Tensor2D; // (B·T, C)
    const logits = this.params.has('lm_head.weight')
      ? tf.add(tf.matMul(h, this.p<tf.Rank.R2>('lm_head.weight')), this.p('lm_head.bias')) // untied head
      : tf.matMul(h, this.p<tf.Rank.R2>('wte'), false, true); // head tied to wte, as in the GPT
    return logits.reshape([B, T, V]) as tf.Tensor3D;
  }

  numParams(): number {
    let n = 0;
    for (const v of this.params.values()) n += v.size;
    return n;
  }

  dispose(): void {
    for (const v of this.params.values()) v.dispose();
  }
}
