/**
 * The numbers in GPT-2's LayerNorm and GELU, written once for every implementation of them
 * (layers.ts, the fused kernels in fused.ts, and the plain-JavaScript decoder in decoder.ts).
 */

/** LayerNorm's ε: (x − μ) / √(σ² + ε) stays finite for a constant row. GPT-2's value. */
export const LN_EPS = 1e-5;

/** √(2/π), the scale inside GELU's tanh approximation 0.5·x·(1 + tanh(√(2/π)·(x + 0.044715·x³))). */
export const GELU_SCALE = Math.sqrt(2 / Math.PI);

/** The cubic coefficient of GELU's tanh approximation (Hendrycks & Gimpel, 2016). */
export const GELU_CUBIC = 0.044715;
