/**
 * How much memory one training step needs, estimated from the config before anything is
 * allocated, so that a size that cannot fit (`--batch 4096` on a laptop) is refused up front
 * instead of swapping for minutes or being killed.
 *
 * The coefficients are tfjs's peak bytes (`tf.profile`) over one forward and backward pass of a
 * float32 GPT, measured on the tensorflow backend: about 408 kB per token for nano (C = 128,
 * 4 heads, T = 128, 4 layers) and 1,296 kB per token for micro (C = 192, 6 heads, T = 256,
 * 6 layers). Fitting a·C + b·H·T floats per token and layer to the two gives a ≈ 117 and
 * b ≈ 20.5 (everything the tape keeps: layer norms, q/k/v, the H·T attention scores and
 * probabilities, the 4·C MLP and GELU); rounded up to 120 and 21. Gradient accumulation does
 * not add memory (micro-batches run one after another). Parameters count five times: weights,
 * gradients, the flattened gradient and AdamW's two moments.
 */
import { type GPTConfig, paramCount } from './config';

const BYTES = 4; // float32

/** Estimated peak bytes of one training step of `batch` sequences of `tokens` tokens. */
export function trainingStepBytes(cfg: GPTConfig, batch: number, tokens = cfg.blockSize): number {
  const C = cfg.nEmbd;
  const perTokenLayer = 120 * C + 21 * cfg.nHead * tokens;
  const perToken = cfg.nLayer * perTokenLayer + 4 * cfg.vocabSize + 8 * C;
  return BYTES * (5 * paramCount(cfg) + batch * tokens * perToken);
}

/** Bytes as "12.3 GiB" / "456 MiB". */
export function formatBytes(n: number): string {
  const gib = n / 2 ** 30;
  return gib >= 1 ? `${gib >= 100 ? Math.round(gib).toLocaleString('en') : gib.toFixed(1)} GiB` : `${Math.max(1, Math.round(n / 2 ** 20))} MiB`;
}

/**
 * Estimated peak bytes of running the model forward (no gradients) on `batch` sequences of
 * `tokens` tokens: the weights, the causal mask (tokens²) and what one forward pass keeps until
 * it ends (its tidy scope): per token and layer about 16·C floats (layer norms, q/k/v, the 4·C
 * MLP) and 3·H·T for the attention scores, mask sum and probabilities; the logits on top.
 * Used to refuse a crafted checkpoint (a 65,536-token context) before anything is allocated.
 */
export function forwardBytes(cfg: GPTConfig, batch = 1, tokens = cfg.blockSize): number {
  const perToken = cfg.nLayer * (16 * cfg.nEmbd + 3 * cfg.nHead * tokens) + 2 * cfg.vocabSize;
  return BYTES * (paramCount(cfg) + tokens * tokens + batch * tokens * perToken);
}
