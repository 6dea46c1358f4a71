/**
 * Reference answers to exercises/05-finetune-classification.ts. CI checks them with the same
 * tests students run (`npm run check -- 05 --solutions`, and `npm test`).
 */
import * as lg from '../../src';

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

export async function fineTuneFew(
  lmDir: string, n: number, seed: number, lambda: number, steps: number = lg.SMALL_SET_SCHEDULE.steps,
): Promise<{ valAccuracy: number; testAccuracy: number; steps: number }> {
  const ds = lg.loadSpam();
  // The chapter's recipe (scripts/label-efficiency.js): subjects, 48 tokens, lr 1e-3, no dropout,
  // <s>/<e> copied from the separators, and the small-set schedule: `steps` steps (the curve's
  // 200 by default), validation every 10, the best evaluation's weights kept (lg.finetune restores them).
  const o: lg.FinetuneOptions = {
    ...lg.DEFAULT_FINETUNE, task: 'subject', T: 48, lr: 1e-3, dropout: 0, seed, lambda, trainSize: n,
    tokenInit: 'separators', ...lg.smallSetSchedule(n, lg.DEFAULT_FINETUNE.batchSize, steps),
  };
  const { model, tokenizer } = lg.prepareClassifier(lmDir, 'pretrained', seed, { dropout: 0, tokenInit: 'separators' });
  try {
    // The same seed draws the subset: a larger n takes a superset of a smaller one's examples.
    const train = lg.encodeSpam(tokenizer, lg.stratifiedSubset(ds.train, n, seed), o);
    const val = lg.encodeSpam(tokenizer, ds.val, o);
    const test = lg.encodeSpam(tokenizer, ds.test, o);
    const res = await lg.finetune(model, train, val, o);
    return {
      valAccuracy: res.valAccuracy[res.bestEpoch],
      testAccuracy: lg.accuracyOf(lg.predictProba(model, test), test.labels),
      steps: res.steps,
    };
  } finally {
    model.dispose();
  }
}

export function subjectLogProb(model: lg.GPT, tokenizer: lg.BpeTokenizer, subject: string): number {
  // The blank line before a document as the pretraining stream holds it: two newline tokens
  // (before a word, the pre-tokenizer splits "\n\n" into "\n" + "\n").
  const nl = tokenizer.encode('\n');
  const context = [...nl, ...nl];
  const ids = [...context, ...tokenizer.encode(subject + '\n')].slice(0, model.config.blockSize);
  const logp = lg.tf.tidy(() => {
    const { hidden } = model.forward(lg.tf.tensor2d([ids], [1, ids.length], 'int32'));
    return lg.tf.logSoftmax(model.logits(hidden)).squeeze([0]) as lg.tf.Tensor2D; // (T, V)
  });
  const rows = logp.arraySync();
  logp.dispose();
  // Position t − 1's logits predict token t: sum over the subject's tokens only.
  let total = 0;
  for (let t = context.length; t < ids.length; t++) total += rows[t - 1][ids[t]];
  return total;
}

export function zeroShotSpam(trainScores: readonly number[], testScores: readonly number[], spamShare: number): number[] {
  if (!(spamShare > 0 && spamShare < 1)) throw new RangeError(`spamShare must be in (0, 1), got ${spamShare}`);
  if (trainScores.length === 0) throw new RangeError('no training scores to choose a threshold from');
  // The threshold comes from the unlabelled training scores alone: the score below which the
  // assumed share of them lies. Nothing about the test set (or any label) moves it.
  const sorted = [...trainScores].sort((a, b) => a - b);
  const threshold = sorted[Math.floor(spamShare * sorted.length)];
  return testScores.map((s) => (s < threshold ? 1 : 0));
}
