/**
 * Reference answers to exercises/05-finetune-classification.ts. CI checks them with the same
 * tests students run (`npm run check -- 05 --solutions`, and `npm test`).
 */

export function buildClassifierIds(textIds: readonly number[], startId: number, extractId: number, T: number): { ids: number[]; extract: number } {
  if (!(Number.isInteger(T) && T >= 3)) throw new RangeError(`T must be an integer ≥ 3, got ${T}`);
  const row = [startId, ...textIds.slice(0, T - 2), extractId];
  const extract = row.length - 1;
  // Padding after <e>: under the causal mask <e> never sees it, so its value does not matter.
  while (row.length < T) row.push(extractId);
  return { ids: row, extract };
}

/** −log softmax(z)[y], with the largest logit subtracted so that exp never overflows. */
function nll(z: readonly number[], y: number): number {
  const m = Math.max(...z);
  let s = 0;
  for (const v of z) s += Math.exp(v - m);
  return m + Math.log(s) - z[y];
}

export function combinedLoss(clfLogits: readonly (readonly number[])[], labels: readonly number[],
  lmLogits: readonly (readonly (readonly number[])[])[], lmTargets: readonly (readonly number[])[], lambda: number): number {
  let clf = 0;
  clfLogits.forEach((z, b) => { clf += nll(z, labels[b]); });
  clf /= clfLogits.length;
  let lm = 0;
  let n = 0;
  lmLogits.forEach((row, b) => row.forEach((z, t) => {
    const y = lmTargets[b][t];
    if (y < 0) return;
    lm += nll(z, y);
    n++;
  }));
  return clf + lambda * (n > 0 ? lm / n : 0);
}

export function f1FromConfusion(m: readonly (readonly number[])[]): { precision: number; recall: number; f1: number } {
  const tp = m[1][1];
  const fp = m[0][1];
  const fn = m[1][0];
  const precision = tp + fp > 0 ? tp / (tp + fp) : 0;
  const recall = tp + fn > 0 ? tp / (tp + fn) : 0;
  const f1 = precision + recall > 0 ? (2 * precision * recall) / (precision + recall) : 0;
  return { precision, recall, f1 };
}
