/**
 * Reference answers to exercises/03-gpt-model.ts. CI checks them with the same tests students
 * run (`npm run check -- 03 --solutions`, and `npm test`), so the tests are known to be passable.
 */
import type { BlockWeights, CountConfig, Matrix, Vector } from '../03-gpt-model';

export function layerNorm(x: Vector, gamma: Vector, beta: Vector, eps = 1e-5): Vector {
  const C = x.length;
  const mean = x.reduce((s, v) => s + v, 0) / C;
  const variance = x.reduce((s, v) => s + (v - mean) ** 2, 0) / C; // biased: ÷ C, as in GPT-2
  const inv = 1 / Math.sqrt(variance + eps);
  return x.map((v, i) => (v - mean) * inv * gamma[i] + beta[i]);
}

export function gelu(x: number): number {
  return 0.5 * x * (1 + Math.tanh(Math.sqrt(2 / Math.PI) * (x + 0.044715 * x ** 3)));
}

/** x · W + b for x (T × in), W (in × out), b (out). */
function linear(x: Matrix, w: Matrix, b: Vector): Matrix {
  return x.map((row) => b.map((bj, j) => row.reduce((s, a, k) => s + a * w[k][j], bj)));
}

function softmax(z: Vector): Vector {
  const m = Math.max(...z);
  const e = z.map((v) => Math.exp(v - m));
  const s = e.reduce((a, b) => a + b, 0);
  return e.map((v) => v / s);
}

export function blockForward(x: Matrix, w: BlockWeights, nHead: number): Matrix {
  const W = (name: string): Matrix => w[name] as Matrix;
  const b = (name: string): Vector => w[name] as Vector;
  const T = x.length, C = x[0].length, hs = C / nHead;
  const add = (A: Matrix, B: Matrix): Matrix => A.map((row, i) => row.map((v, j) => v + B[i][j]));

  // Attention branch: ln_1, one projection to q | k | v, causal attention per head, c_proj.
  const h1 = x.map((row) => layerNorm(row, b('ln_1.weight'), b('ln_1.bias')));
  const qkv = linear(h1, W('attn.c_attn.weight'), b('attn.c_attn.bias')); // (T, 3C)
  const merged: Matrix = Array.from({ length: T }, () => new Array<number>(C).fill(0)); // (T, C)
  for (let head = 0; head < nHead; head++) {
    const q = (t: number, i: number): number => qkv[t][head * hs + i];
    const k = (t: number, i: number): number => qkv[t][C + head * hs + i];
    const v = (t: number, i: number): number => qkv[t][2 * C + head * hs + i];
    for (let t = 0; t < T; t++) {
      // Only keys 0…t: the causal mask, without materialising −∞.
      const scores = Array.from({ length: t + 1 }, (_, s) => {
        let dot = 0;
        for (let i = 0; i < hs; i++) dot += q(t, i) * k(s, i);
        return dot / Math.sqrt(hs);
      });
      const p = softmax(scores);
      for (let i = 0; i < hs; i++) merged[t][head * hs + i] = p.reduce((acc, ps, s) => acc + ps * v(s, i), 0);
    }
  }
  const a = add(x, linear(merged, W('attn.c_proj.weight'), b('attn.c_proj.bias')));

  // MLP branch: ln_2, widen 4×, GELU, project back.
  const h2 = a.map((row) => layerNorm(row, b('ln_2.weight'), b('ln_2.bias')));
  const wide = linear(h2, W('mlp.c_fc.weight'), b('mlp.c_fc.bias')).map((row) => row.map(gelu)); // (T, 4C)
  return add(a, linear(wide, W('mlp.c_proj.weight'), b('mlp.c_proj.bias')));
}

export function paramCountFor(cfg: CountConfig): number {
  const C = cfg.nEmbd;
  const layerNorms = 2 * (2 * C); // ln_1, ln_2: gain and bias each
  const attention = (C * 3 * C + 3 * C) + (C * C + C); // c_attn, c_proj
  const mlp = (C * 4 * C + 4 * C) + (4 * C * C + C); // c_fc, c_proj
  const perBlock = layerNorms + attention + mlp; // = 12C² + 13C
  const embeddings = cfg.vocabSize * C + cfg.blockSize * C;
  return embeddings + cfg.nLayer * perBlock + 2 * C; // + ln_f; the tied head adds nothing
}
