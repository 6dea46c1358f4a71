/**
 * Reference answers to exercises/04-pretraining.ts. CI checks them with the same tests students
 * run (`npm run check -- 04 --solutions`, and `npm test`), so the tests are known to be passable.
 */

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
