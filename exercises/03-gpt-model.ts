/**
 * Exercises of notebooks/03-gpt-model.ipynb. Replace each `throw` with your answer, then run
 *
 *   npm run check -- 03
 *
 * which runs test/exercises/03-gpt-model.test.ts against this file and says which checks pass.
 * Plain arrays only, no tfjs: a vector is a number[], a matrix an array of rows, and a weight
 * matrix is stored (in, out) like GPT-2's, so a linear layer is y = x · W + b.
 */

export type Vector = number[];
export type Matrix = number[][];

/**
 * LayerNorm of one vector x (length C): (x − μ) / √(σ² + ε) · gamma + beta, with μ the mean of x
 * and σ² its variance divided by C (not C − 1).
 */
export function layerNorm(x: Vector, gamma: Vector, beta: Vector, eps = 1e-5): Vector {
  void x;
  void gamma;
  void beta;
  void eps;
  throw new Error('exercise 1: not written yet');
}

/** GELU, the tanh form GPT-2 uses: 0.5·x·(1 + tanh(√(2/π)·(x + 0.044715·x³))). */
export function gelu(x: number): number {
  void x;
  throw new Error('exercise 2: not written yet');
}

/**
 * The weights of one block, by GPT-2 name without the `h.N.` prefix:
 * ln_1.weight, ln_1.bias (C); attn.c_attn.weight (C × 3C), attn.c_attn.bias (3C);
 * attn.c_proj.weight (C × C), attn.c_proj.bias (C); ln_2.weight, ln_2.bias (C);
 * mlp.c_fc.weight (C × 4C), mlp.c_fc.bias (4C); mlp.c_proj.weight (4C × C), mlp.c_proj.bias (C).
 */
export interface BlockWeights {
  readonly [name: string]: Vector | Matrix;
}

/**
 * One pre-LayerNorm block on x (T × C) with nHead causal attention heads:
 *   a = x + attn(ln_1(x)),  out = a + mlp(ln_2(a))
 * attn: [q | k | v] = h · c_attn + b (each T × C); head i uses columns i·hs … (i+1)·hs − 1 of q, k
 * and v (hs = C / nHead); softmax(q kᵀ / √hs + causal mask) v per head; the heads side by side
 * (T × C), then · c_proj + b. mlp: gelu(h · c_fc + b) · c_proj + b.
 */
export function blockForward(x: Matrix, w: BlockWeights, nHead: number): Matrix {
  void x;
  void w;
  void nHead;
  throw new Error('exercise 3: not written yet');
}

/** The sizes that fix a GPT's parameter count. */
export interface CountConfig {
  readonly vocabSize: number;
  readonly blockSize: number;
  readonly nLayer: number;
  readonly nEmbd: number;
}

/**
 * Every parameter of a GPT of this shape: token and position embeddings, nLayer blocks (two
 * LayerNorms, c_attn, attention c_proj, c_fc, MLP c_proj, each matrix with its bias), the final
 * LayerNorm, and an LM head tied to the token embedding (so it adds nothing).
 */
export function paramCountFor(cfg: CountConfig): number {
  void cfg;
  throw new Error('exercise 4: not written yet');
}
