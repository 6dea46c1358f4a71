/**
 * Exercises of notebooks/05-finetune-classification.ipynb. Replace each `throw` with your answer,
 * then run
 *
 *   npm run check -- 05
 *
 * which runs test/exercises/05-finetune-classification.test.ts against this file and says which
 * checks pass. Plain arrays only: no tensors needed.
 *
 * Conventions (as in the notebook): class 0 is ham, class 1 is spam; a confusion matrix is
 * m[true class][predicted class].
 */

/**
 * GPT-1's input transformation for one text: [startId, ...textIds, extractId], with the text cut
 * to at most T − 2 ids, then right-padded to length T by repeating extractId.
 * `extract` is the position of the real <e> (the first one). `textIds` must not change.
 * Throw a RangeError when T < 3 (no room for <s>, one token and <e>).
 */
export function buildClassifierIds(textIds: readonly number[], startId: number, extractId: number, T: number): { ids: number[]; extract: number } {
  void textIds;
  void startId;
  void extractId;
  void T;
  throw new Error('exercise 1: not written yet');
}

/**
 * The fine-tuning loss L2 + λ·L1 of one batch, in nats:
 * - L2: the mean over the B examples of −log softmax(clfLogits[b])[labels[b]];
 * - L1: the mean over every position (b, t) whose lmTargets[b][t] is not −1 of
 *       −log softmax(lmLogits[b][t])[lmTargets[b][t]];
 * returns L2 + lambda · L1 (with no valid LM position, L1 counts as 0).
 * Use a numerically stable log-softmax (subtract the largest logit first): logits of 1000 must work.
 *
 * @param clfLogits (B, K) class logits
 * @param labels (B) true classes
 * @param lmLogits (B, T, V) next-token logits
 * @param lmTargets (B, T) next-token ids, −1 where there is nothing to predict
 */
export function combinedLoss(clfLogits: readonly (readonly number[])[], labels: readonly number[],
  lmLogits: readonly (readonly (readonly number[])[])[], lmTargets: readonly (readonly number[])[], lambda: number): number {
  void clfLogits;
  void labels;
  void lmLogits;
  void lmTargets;
  void lambda;
  throw new Error('exercise 2: not written yet');
}

/**
 * Precision, recall and F1 of the spam class (1) from a 2×2 confusion matrix m[true][predicted].
 * A ratio whose denominator is 0 counts as 0 (as scikit-learn does by default).
 */
export function f1FromConfusion(m: readonly (readonly number[])[]): { precision: number; recall: number; f1: number } {
  void m;
  throw new Error('exercise 3: not written yet');
}
