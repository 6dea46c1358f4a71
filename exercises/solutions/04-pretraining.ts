/**
 * Reference answers to exercises/04-pretraining.ts. CI checks them with the same tests students
 * run (`npm run check -- 04 --solutions`, and `npm test`), so the tests are known to be passable.
 */
import type { AdamWSettings } from '../04-pretraining';

export function bitsPerByte(lossNatsPerToken: number, tokens: number, bytes: number): number {
  // nats/token × tokens = nats for the whole text; ÷ ln 2 = bits; ÷ bytes = bits per byte.
  return (lossNatsPerToken * tokens) / Math.LN2 / bytes;
}

export function crossEntropyFromLogits(logits: readonly number[], target: number): number {
  // logsumexp(z) = m + log Σ exp(z_i − m): every exp is ≤ 1, so nothing overflows.
  const m = Math.max(...logits);
  const lse = m + Math.log(logits.reduce((s, z) => s + Math.exp(z - m), 0));
  return lse - logits[target];
}

export function crossEntropyGradient(logits: readonly number[], target: number): number[] {
  // ∂/∂z_i [logsumexp(z) − z_t] = softmax(z)_i − [i = t]: the predicted probability minus the
  // one-hot truth. It never vanishes while the prediction is wrong, which is why the loss is
  // taken on logits (a softmax in front would multiply this by the softmax's own Jacobian).
  const m = Math.max(...logits);
  const e = logits.map((z) => Math.exp(z - m));
  const s = e.reduce((a, b) => a + b, 0);
  return e.map((v, i) => v / s - (i === target ? 1 : 0));
}

export function topKProbabilities(logits: readonly number[], k: number, temperature = 1): number[] {
  const V = logits.length;
  const order = Array.from({ length: V }, (_, i) => i).sort((a, b) => logits[b] - logits[a] || a - b);
  const keep = new Set(k > 0 && k < V ? order.slice(0, k) : order);
  const scaled = logits.map((z) => z / temperature);
  const m = Math.max(...[...keep].map((i) => scaled[i]));
  const e = scaled.map((z, i) => (keep.has(i) ? Math.exp(z - m) : 0));
  const s = e.reduce((a, b) => a + b, 0);
  return e.map((v) => v / s);
}

export function adamwStep(theta: readonly number[], grad: readonly number[], m: readonly number[], v: readonly number[], t: number, s: AdamWSettings): { theta: number[]; m: number[]; v: number[] } {
  const m1 = m.map((mi, i) => s.beta1 * mi + (1 - s.beta1) * grad[i]);
  const v1 = v.map((vi, i) => s.beta2 * vi + (1 - s.beta2) * grad[i] * grad[i]);
  // Bias correction: the moments start at 0, so early on they underestimate; 1/(1 − βᵗ) undoes that.
  const bc1 = 1 - s.beta1 ** t, bc2 = 1 - s.beta2 ** t;
  const next = theta.map((th, i) => {
    const adam = (m1[i] / bc1) / (Math.sqrt(v1[i] / bc2) + s.eps);
    // Decoupled weight decay: the weight shrinks by lr·λ·θ, outside Adam's normalisation.
    return th - s.lr * (adam + (s.decay ? s.weightDecay * th : 0));
  });
  return { theta: next, m: m1, v: v1 };
}
