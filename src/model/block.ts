/**
 * A GPT's pieces, by the names chapter 03 builds them with (nanoGPT's CausalSelfAttention, MLP
 * and Block): the embeddings, then per block
 *
 *   x ← x + causalSelfAttention(ln_1(x))
 *   x ← x + mlp(ln_2(x))
 *
 * Weights are read by GPT-2 name inside the block (`attn.c_attn.weight`, …), through a function
 * the GPT supplies. Dropout, the KV cache and attention capture come in through `BlockContext`,
 * so the formulas read the same with or without them.
 */
import * as tf from '@tensorflow/tfjs';
import { mergeHeads, scaledDotProductAttention, splitHeads } from './attention';
import { dropout, gelu, layerNorm, linear } from './layers';

/** A block's weight by its GPT-2 name without the `h.N.` prefix, e.g. `mlp.c_fc.weight`. */
export type BlockWeights = <R extends tf.Rank = tf.Rank>(name: string) => tf.Tensor<R>;

export interface BlockContext {
  readonly nHead: number;
  /** The additive causal mask, (T, Tk); none when a single new position may see every key. */
  readonly mask?: tf.Tensor2D;
  /** Dropout rate (0 outside training); each dropout draws its seed from nextSeed, in a fixed order. */
  readonly rate: number;
  readonly nextSeed: () => number;
  /** KV cache hook: receives this call's keys and values (B, nh, T, hs), returns those to attend to. */
  readonly kv?: (k: tf.Tensor4D, v: tf.Tensor4D) => { k: tf.Tensor4D; v: tf.Tensor4D };
  /** Receives the attention weights (B, nh, T, Tk), when they are wanted. */
  readonly onAttention?: (weights: tf.Tensor4D) => void;
}

/** Token plus position embeddings: wte[idx] + wpe[offset … offset+T−1], (B, T) → (B, T, C). */
export function embeddings(wte: tf.Tensor2D, wpe: tf.Tensor2D, idx: tf.Tensor2D, offset = 0): tf.Tensor3D {
  const [B, T] = idx.shape;
  return tf.tidy('Embedding', () => {
    const pos = tf.range(offset, offset + T, 1, 'int32');
    const tok = tf.gather(wte, idx.reshape([-1])).reshape([B, T, -1]); // (B, T, C)
    return tf.add(tok, tf.gather(wpe, pos)) as tf.Tensor3D; // (B, T, C)
  });
}

/** Multi-head causal self-attention: q, k, v from one matmul, attention per head, heads merged, c_proj. */
export function causalSelfAttention(x: tf.Tensor3D, w: BlockWeights, ctx: BlockContext): tf.Tensor3D {
  const qkv = linear(x, w('attn.c_attn.weight'), w('attn.c_attn.bias')); // (B, T, 3C)
  const [q, k, v] = tf.split(qkv, 3, -1).map((t) => splitHeads(t, ctx.nHead)); // each (B, nh, T, hs)
  const kv = ctx.kv ? ctx.kv(k, v) : { k, v }; // (B, nh, Tk, hs)
  const att = scaledDotProductAttention(q, kv.k, kv.v, ctx.mask, ctx.rate, ctx.rate > 0 ? ctx.nextSeed() : undefined);
  ctx.onAttention?.(att.weights as tf.Tensor4D);
  return linear(mergeHeads(att.output), w('attn.c_proj.weight'), w('attn.c_proj.bias')) as tf.Tensor3D; // (B, T, C)
}

/** The MLP: widen to 4C, GELU, project back; each position on its own. */
export function mlp(x: tf.Tensor3D, w: BlockWeights): tf.Tensor3D {
  const h = gelu(linear(x, w('mlp.c_fc.weight'), w('mlp.c_fc.bias'))); // (B, T, 4C)
  return linear(h, w('mlp.c_proj.weight'), w('mlp.c_proj.bias')) as tf.Tensor3D; // (B, T, C)
}

/** One pre-LayerNorm block: x + attn(ln_1(x)), then + mlp(ln_2(x)), each branch through dropout. */
export function block(x: tf.Tensor3D, w: BlockWeights, ctx: BlockContext): tf.Tensor3D {
  const drop = (t: tf.Tensor3D): tf.Tensor3D => dropout(t, ctx.rate, ctx.rate > 0 ? ctx.nextSeed() : undefined) as tf.Tensor3D;
  const a = tf.add(x, drop(causalSelfAttention(layerNorm(x, w('ln_1.weight'), w('ln_1.bias')) as tf.Tensor3D, w, ctx))) as tf.Tensor3D;
  return tf.add(a, drop(mlp(layerNorm(a, w('ln_2.weight'), w('ln_2.bias')) as tf.Tensor3D, w))) as tf.Tensor3D;
}
