/**
 * One new position at a time, in plain JavaScript: the GPT's forward pass for a single token,
 * with its own key/value cache. Used by `generate` for sampling with the KV cache.
 *
 * Why not the tensor code? A decoding step is tiny — for nano about 0.9 M multiply-adds — but
 * as tensor operations it is ~250 kernel launches (LayerNorms, head reshapes, cache concats…),
 * and a launch costs far more than its arithmetic: measured CPU per launch on a one-row tensor,
 * 70–240 µs on the native backend, 40–100 µs on wasm (PyTorch: 3–10 µs). So a cached step
 * cost as much as recomputing the whole context, and the cache bought nothing. Here the same
 * step is a few loops over Float32Arrays: ~1 ms.
 *
 * The arithmetic is GPT.forward's (same formulas, same order of layers), accumulated in
 * float64 and stored as float32, so logits agree with the tensor path within
 * the 1e-4 relative tolerance test/decoder.test.ts checks. The weights are copied once, when the decoder is made: make a new
 * one after the model's weights change.
 */
import { GELU_CUBIC, GELU_SCALE, LN_EPS } from './constants';
import type { GPT } from './gpt';

/** One block's weights; matrices transposed (out, in) for vecMat. */
interface LayerWeights {
  ln1g: Float32Array; ln1b: Float32Array;
  attnW: Float32Array; attnB: Float32Array; // (3C, C), (3C)
  projW: Float32Array; projB: Float32Array; // (C, C), (C)
  ln2g: Float32Array; ln2b: Float32Array;
  fcW: Float32Array; fcB: Float32Array; // (4C, C), (4C)
  mlpW: Float32Array; mlpB: Float32Array; // (C, 4C), (C)
}

/** Wᵀ of a row-major (n, m) matrix, so that each output is one contiguous dot product. */
function transposed(W: Float32Array, n: number, m: number): Float32Array {
  const T = new Float32Array(n * m);
  for (let i = 0; i < n; i++) for (let j = 0; j < m; j++) T[j * n + i] = W[i * m + j];
  return T;
}

/** out = x·W + b for a row x (n), given Wᵀ (m, n) row-major, b (m). */
function vecMat(x: Float32Array, WT: Float32Array, b: Float32Array, out: Float32Array): void {
  const n = x.length;
  const m = out.length;
  for (let j = 0; j < m; j++) {
    const row = j * n;
    // Four partial sums: independent additions keep the CPU's pipelines busy.
    let s0 = 0;
    let s1 = 0;
    let s2 = 0;
    let s3 = 0;
    let i = 0;
    for (; i + 3 < n; i += 4) {
      s0 += x[i] * WT[row + i];
      s1 += x[i + 1] * WT[row + i + 1];
      s2 += x[i + 2] * WT[row + i + 2];
      s3 += x[i + 3] * WT[row + i + 3];
    }
    for (; i < n; i++) s0 += x[i] * WT[row + i];
    out[j] = s0 + s1 + s2 + s3 + b[j];
  }
}

/** LayerNorm of a row: (x − mean)/√(var + ε)·γ + β, as layers.ts. */
function layerNormRow(x: Float32Array, g: Float32Array, b: Float32Array, out: Float32Array, eps = LN_EPS): void {
  const n = x.length;
  let mean = 0;
  for (let i = 0; i < n; i++) mean += x[i];
  mean /= n;
  let v = 0;
  for (let i = 0; i < n; i++) v += (x[i] - mean) ** 2;
  const r = 1 / Math.sqrt(v / n + eps);
  for (let i = 0; i < n; i++) out[i] = (x[i] - mean) * r * g[i] + b[i];
}

export class Decoder {
  /** Positions fed so far (the next token goes at this position). */
  length = 0;
  readonly blockSize: number;
  readonly vocabSize: number;
  private readonly C: number;
  private readonly nHead: number;
  private readonly wte: Float32Array; // (V, C)
  private readonly wpe: Float32Array; // (blockSize, C)
  private readonly layers: LayerWeights[];
  private readonly lnfG: Float32Array;
  private readonly lnfB: Float32Array;
  /** Per layer: keys and values of every position so far, (blockSize, C) each, heads side by side. */
  private readonly keys: Float32Array[];
  private readonly values: Float32Array[];
  // Scratch rows, allocated once.
  private readonly x: Float32Array;
  private readonly a: Float32Array;
  private readonly qkv: Float32Array;
  private readonly y: Float32Array;
  private readonly h: Float32Array;
  private readonly f: Float32Array;
  private readonly scores: Float64Array;

  constructor(model: GPT) {
    const { nEmbd: C, nHead, blockSize, vocabSize, nLayer } = model.config;
    this.C = C;
    this.nHead = nHead;
    this.blockSize = blockSize;
    this.vocabSize = vocabSize;
    const w = (name: string): Float32Array => Float32Array.from(model.p(name).dataSync() as Float32Array);
    const wT = (name: string): Float32Array => {
      const [n, m] = model.p(name).shape;
      return transposed(model.p(name).dataSync() as Float32Array, n, m);
    };
    this.wte = w('wte');
    this.wpe = w('wpe');
    this.layers = Array.from({ length: nLayer }, (_, l) => {
      const p = `h.${l}`;
      return {
        ln1g: w(`${p}.ln_1.weight`), ln1b: w(`${p}.ln_1.bias`),
        attnW: wT(`${p}.attn.c_attn.weight`), attnB: w(`${p}.attn.c_attn.bias`),
        projW: wT(`${p}.attn.c_proj.weight`), projB: w(`${p}.attn.c_proj.bias`),
        ln2g: w(`${p}.ln_2.weight`), ln2b: w(`${p}.ln_2.bias`),
        fcW: wT(`${p}.mlp.c_fc.weight`), fcB: w(`${p}.mlp.c_fc.bias`),
        mlpW: wT(`${p}.mlp.c_proj.weight`), mlpB: w(`${p}.mlp.c_proj.bias`),
      };
    });
    this.lnfG = w('ln_f.weight');
    this.lnfB = w('ln_f.bias');
    this.keys = this.layers.map(() => new Float32Array(blockSize * C));
    this.values = this.layers.map(() => new Float32Array(blockSize * C));
    this.x = new Float32Array(C);
    this.a = new Float32Array(C);
    this.qkv = new Float32Array(3 * C);
    this.y = new Float32Array(C);
    this.h = new Float32Array(4 * C);
    this.f = new Float32Array(C);
    this.scores = new Float64Array(blockSize);
  }

  /** Forget every position (the weights stay). */
  reset(): void {
    this.length = 0;
  }

  /** Feed `token` at the next position; returns the logits (V) for the token after it. */
  step(token: number): Float32Array {
    const { C, nHead, x, a, qkv, y, h, f, scores } = this;
    const t = this.length;
    if (t >= this.blockSize) throw new Error(`Decoder: all ${this.blockSize} positions are used (reset it)`);
    if (!Number.isInteger(token) || token < 0 || token >= this.vocabSize) throw new Error(`Decoder: token ${token} outside [0, ${this.vocabSize})`);
    const hs = C / nHead;
    const scale = 1 / Math.sqrt(hs);
    for (let c = 0; c < C; c++) x[c] = this.wte[token * C + c] + this.wpe[t * C + c];
    for (let l = 0; l < this.layers.length; l++) {
      const L = this.layers[l];
      const K = this.keys[l];
      const V = this.values[l];
      // Attention: q, k, v of this position; k and v join the cache.
      layerNormRow(x, L.ln1g, L.ln1b, a);
      vecMat(a, L.attnW, L.attnB, qkv);
      K.set(qkv.subarray(C, 2 * C), t * C);
      V.set(qkv.subarray(2 * C, 3 * C), t * C);
      for (let hd = 0; hd < nHead; hd++) {
        const o = hd * hs;
        // softmax over positions 0…t of q·k/√hs (all visible: no mask needed for the newest row)
        let max = -Infinity;
        for (let s = 0; s <= t; s++) {
          let dot = 0;
          for (let d = 0; d < hs; d++) dot += qkv[o + d] * K[s * C + o + d];
          scores[s] = dot * scale;
          if (scores[s] > max) max = scores[s];
        }
        let sum = 0;
        for (let s = 0; s <= t; s++) { scores[s] = Math.exp(scores[s] - max); sum += scores[s]; }
        for (let d = 0; d < hs; d++) {
          let yd = 0;
          for (let s = 0; s <= t; s++) yd += scores[s] * V[s * C + o + d];
          y[o + d] = yd / sum;
        }
      }
      vecMat(y, L.projW, L.projB, f);
      for (let c = 0; c < C; c++) x[c] += f[c];
      // MLP: widen 4×, GELU (tanh form, as x·σ(2c(x + a·x³))), project back.
      layerNormRow(x, L.ln2g, L.ln2b, a);
      vecMat(a, L.fcW, L.fcB, h);
      for (let j = 0; j < h.length; j++) {
        const v = h[j];
        h[j] = v / (1 + Math.exp(-2 * GELU_SCALE * (v + GELU_CUBIC * v * v * v)));
      }
      vecMat(h, L.mlpW, L.mlpB, f);
      for (let c = 0; c < C; c++) x[c] += f[c];
    }
    layerNormRow(x, this.lnfG, this.lnfB, a);
    // Logits through the tied embedding: wte (V, C) row v · a.
    const logits = new Float32Array(this.vocabSize);
    for (let v = 0; v < this.vocabSize; v++) {
      let dot = 0;
      const row = v * C;
      for (let c = 0; c < C; c++) dot += a[c] * this.wte[row + c];
      logits[v] = dot;
    }
    this.length = t + 1;
    return logits;
  }
}
