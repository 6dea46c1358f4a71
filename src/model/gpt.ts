/**
 * A GPT in the shape of nanoGPT: token + position embeddings → L pre-LayerNorm blocks
 * (causal multi-head self-attention, then an MLP, each added to the residual stream) →
 * final LayerNorm → logits through the transposed token embedding (weight tying).
 * The pieces, by the names chapter 03 uses, are in block.ts; the KV cache in kv-cache.ts.
 */
import * as tf from '@tensorflow/tfjs';
import { sparseCrossEntropy } from '../engine/native-cross-entropy';
import { Rng } from '../engine/random';
import { causalMask } from './attention';
import { block, type BlockWeights, embeddings } from './block';
import { type GPTConfig, validateConfig } from './config';
import { extendCache, type KVCache } from './kv-cache';
import { useNativeKernels } from './fused';
import { dropout, layerNorm } from './layers';
import { classifierSpecs, createParams, type ParamSpec, paramSpecs, type WeightSource } from './params';

export type { KVCache } from './kv-cache';

/** How `GPT.forward` runs: training or eval, what it returns besides the hidden states, the KV cache. All optional. */
export interface ForwardOptions {
  /** Apply dropout (needs a seed for reproducibility). */
  readonly training?: boolean;
  /** Seed for this call's dropout masks. */
  readonly seed?: number;
  /** Also return each layer's attention weights, (B, nh, T, T) per layer. */
  readonly returnAttention?: boolean;
  /** Also return the residual stream: the embeddings, then the stream after each block. */
  readonly returnResiduals?: boolean;
  /** Continue from (and extend) this cache: idx holds only the new positions. */
  readonly cache?: KVCache;
}

/** What `GPT.forward` returns; dispose the tensors (or call it inside tf.tidy). */
export interface ForwardResult {
  /** Final hidden states after ln_f, (B, T, C). */
  readonly hidden: tf.Tensor3D;
  /** Attention weights per layer, (B, nh, T, Tk), when asked for. */
  readonly attention?: tf.Tensor4D[];
  /** When asked for: L + 1 tensors (B, T, C), the embeddings and the stream after each block (before ln_f). */
  readonly residuals?: tf.Tensor3D[];
}

/**
 * The model of the chapters: `new GPT(config, { seed })` builds and initialises it (GPT-2's
 * initialisation, seeded: the same seed gives the same weights on every backend);
 * `GPT.fromWeights(config, weights)` builds it from given weights, drawing nothing. Parameters are
 * tf.Variables named as in GPT-2 (`wte`, `wpe`, `h.0.attn.c_attn.weight`, …, `ln_f.weight`).
 * `forward(idx)` maps token ids (B, T) to hidden states (B, T, C); `logits(hidden)` to (B, T, V);
 * `lmLoss(idx, targets)` gives the mean next-token loss in nats. With a classification head
 * (`nClasses`, or `addClassifierHead`) it also has `clf.weight` (C, K) and `clf.bias` (K).
 * The weights live on the backend: call `dispose()` when the model is no longer needed.
 */
export class GPT {
  /** The shape it was built with (a copy; validated: see makeConfig). */
  readonly config: GPTConfig;
  /** Name, shape, initialisation and weight decay of every parameter, in creation order. */
  readonly specs: ParamSpec[];
  /** Parameters by GPT-2 name. */
  readonly params: Map<string, tf.Variable>;
  private readonly masks = new Map<string, tf.Tensor2D>();

  /**
   * A freshly initialised model (seeded: the same seed gives the same weights everywhere), or,
   * with `weights`, one whose parameters are the given ones, nothing drawn (GPT.fromWeights).
   */
  constructor(config: GPTConfig, opts: { seed?: number; nClasses?: number; weights?: WeightSource } = {}) {
    validateConfig(config);
    this.config = { ...config };
    this.specs = paramSpecs(config);
    if (opts.nClasses !== undefined) this.specs.push(...classifierSpecs(config.nEmbd, opts.nClasses));
    this.params = createParams(this.specs, opts.weights ?? new Rng(opts.seed ?? 0));
  }

  /**
   * A model built from its weights, with no random initialisation first: loading a checkpoint
   * (checkpoint/io.ts), GPT-2 (hf/load.ts) or growing a vocabulary (classify/vocab.ts).
   * `weights` holds every parameter of `config` (and `clf.weight`, `clf.bias` with `nClasses`)
   * by GPT-2 name, as tensors, whose data the model shares (the caller still disposes its own), or
   * as a function from each spec to its values. A missing or mis-shaped weight is an error naming it.
   */
  static fromWeights(config: GPTConfig, weights: WeightSource, opts: { nClasses?: number } = {}): GPT {
    return new GPT(config, { ...(opts.nClasses === undefined ? {} : { nClasses: opts.nClasses }), weights });
  }

  /** Number of classes of the classification head, or 0 if it has none. */
  get nClasses(): number {
    return this.params.get('clf.bias')?.shape[0] ?? 0;
  }

  /** Add a classification head (fine-tuning a pretrained LM); replaces an existing one. */
  addClassifierHead(nClasses: number, seed = 0): void {
    const rng = new Rng(seed);
    for (const s of classifierSpecs(this.config.nEmbd, nClasses)) {
      this.params.get(s.name)?.dispose();
      const i = this.specs.findIndex((x) => x.name === s.name);
      if (i >= 0) this.specs.splice(i, 1);
      this.specs.push(s);
      const fresh = createParams([s], rng).get(s.name)!;
      this.params.set(s.name, fresh);
    }
  }

  /** The parameter `name` (a GPT-2 name, e.g. `'h.0.ln_1.weight'`), typed as rank R; throws if the model has none. */
  p<R extends tf.Rank = tf.Rank>(name: string): tf.Tensor<R> {
    const v = this.params.get(name);
    if (!v) throw new Error(`GPT has no parameter '${name}'`);
    return v as unknown as tf.Tensor<R>;
  }

  private mask(T: number, offset: number): tf.Tensor2D {
    const key = `${T}:${offset}`;
    let m = this.masks.get(key);
    if (!m) {
      m = tf.keep(causalMask(T, offset));
      if (this.masks.size > 64) { for (const x of this.masks.values()) x.dispose(); this.masks.clear(); }
      this.masks.set(key, m);
    }
    return m;
  }

  /**
   * Run the Transformer on token ids (B, T) and return the final hidden states (B, T, C), after
   * ln_f. Dropout only with `training: true`. Throws when the cache's length plus T exceeds
   * `blockSize`. Call inside tf.tidy (or dispose the results); cache tensors are kept and replaced.
   */
  forward(idx: tf.Tensor2D, opts: ForwardOptions = {}): ForwardResult {
    const { nHead, blockSize } = this.config;
    const T = idx.shape[1];
    const cache = opts.cache;
    const offset = cache?.length ?? 0;
    if (offset + T > blockSize) throw new Error(`sequence of ${offset + T} positions exceeds blockSize ${blockSize}`);
    const rate = opts.training ? this.config.dropout : 0;
    let seed = opts.seed ?? 0;
    const nextSeed = (): number => (seed = (seed + 0x9e3779b1) >>> 0);

    let x = embeddings(this.p('wte'), this.p('wpe'), idx, offset); // (B, T, C)
    x = dropout(x, rate, rate > 0 ? nextSeed() : undefined) as tf.Tensor3D;
    // A single new position may look at every cached one: its mask row is all zeros.
    const mask = T === 1 ? undefined : this.mask(T, offset); // (T, offset + T)
    const attention: tf.Tensor4D[] = [];
    const residuals: tf.Tensor3D[] = opts.returnResiduals ? [x] : [];
    const onAttention = opts.returnAttention ? (a: tf.Tensor4D): void => void attention.push(a) : undefined;
    for (let l = 0; l < this.config.nLayer; l++) {
      const w: BlockWeights = (name) => this.p(`h.${l}.${name}`);
      const kv = cache ? (k: tf.Tensor4D, v: tf.Tensor4D) => extendCache(cache, l, k, v) : undefined;
      x = block(x, w, { nHead, mask, rate, nextSeed, kv, onAttention });
      if (opts.returnResiduals) residuals.push(x);
    }
    if (cache) cache.length = offset + T;
    const hidden = layerNorm(x, this.p('ln_f.weight'), this.p('ln_f.bias')) as tf.Tensor3D;
    return { hidden, attention: opts.returnAttention ? attention : undefined, residuals: opts.returnResiduals ? residuals : undefined };
  }

  /** Next-token logits through the tied embedding: (B, T, C) → (B, T, V). */
  logits(hidden: tf.Tensor3D): tf.Tensor3D {
    const [B, T, C] = hidden.shape;
    const h2 = hidden.reshape([B * T, C]) as tf.Tensor2D;
    return tf.matMul(h2, this.p<tf.Rank.R2>('wte'), false, true).reshape([B, T, -1]) as tf.Tensor3D;
  }

  /** Mean next-token cross-entropy (nats) of targets (B, T) given idx (B, T). */
  lmLoss(idx: tf.Tensor2D, targets: tf.Tensor2D, opts: ForwardOptions = {}): tf.Scalar {
    const { hidden } = this.forward(idx, opts);
    return crossEntropy(this.logits(hidden), targets);
  }

  /** Total number of parameters. */
  numParams(): number {
    let n = 0;
    for (const v of this.params.values()) n += v.size;
    return n;
  }

  /** Free every parameter and cached mask; the model cannot be used afterwards. */
  dispose(): void {
    for (const v of this.params.values()) v.dispose();
    for (const m of this.masks.values()) m.dispose();
    this.masks.clear();
  }
}

/**
 * Mean cross-entropy between logits (…, V) and integer targets (…), in nats:
 * logsumexp(z) − z[target]. Computed from raw logits — putting a softmax in front of a
 * cross-entropy loss (as the article does) would apply softmax twice.
 * Targets < 0 are ignored (padding).
 */
export function crossEntropy(logits: tf.Tensor, targets: tf.Tensor): tf.Scalar {
  if (useNativeKernels() && logits.rank >= 2) return crossEntropyNative(logits, targets);
  return tf.tidy('CrossEntropy', () => {
    const V = logits.shape[logits.shape.length - 1];
    const z = logits.reshape([-1, V]) as tf.Tensor2D; // (N, V)
    const t = targets.reshape([-1]).toInt(); // (N)
    const valid = tf.greaterEqual(t, 0).toFloat(); // (N)
    const onehot = tf.oneHot(tf.maximum(t, tf.zerosLike(t)), V); // (N, V)
    const lse = tf.logSumExp(z, -1); // (N)
    const picked = tf.sum(tf.mul(z, onehot), -1); // (N)
    const nll = tf.mul(tf.sub(lse, picked), valid);
    return tf.div(tf.sum(nll), tf.maximum(tf.sum(valid), 1)) as tf.Scalar;
  });
}

/**
 * The same mean cross-entropy on TensorFlow's fused kernel (engine/native-cross-entropy.ts),
 * which also hands back the gradient with respect to the logits: softmax(z) − onehot(t) per row,
 * scaled here by 1/(number of valid targets) and zeroed for ignored ones.
 */
function crossEntropyNative(logits: tf.Tensor, targets: tf.Tensor): tf.Scalar {
  const V = logits.shape[logits.shape.length - 1];
  const t = tf.tidy(() => targets.reshape([-1]).toInt()) as tf.Tensor1D; // (N)
  const weights = tf.tidy(() => {
    const valid = tf.greaterEqual(t, 0).toFloat(); // (N)
    return tf.div(valid, tf.maximum(tf.sum(valid), 1)) as tf.Tensor1D; // (N): 1/count, 0 where ignored
  });
  const labels = tf.tidy(() => tf.maximum(t, tf.scalar(0, 'int32'))) as tf.Tensor1D; // ignored targets read as label 0, weighted 0
  const f = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const z = args[0] as tf.Tensor;
    const save = args[1] as tf.GradSaveFunc;
    const { loss, grad } = sparseCrossEntropy(z.reshape([-1, V]), labels);
    save([grad, weights]);
    return {
      value: tf.sum(tf.mul(loss, weights)) as tf.Scalar,
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => [tf.mul(saved[0], tf.mul(saved[1], dy).reshape([-1, 1])).reshape(z.shape)],
    };
  });
  try {
    return tf.tidy('CrossEntropy', () => f(logits)) as tf.Scalar;
  } finally {
    tf.dispose([t, weights, labels]);
  }
}
