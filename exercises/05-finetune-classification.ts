/**
 * Exercises of notebooks/05-finetune-classification.ipynb. Replace each `throw` with your answer,
 * then run
 *
 *   npm run check -- 05
 *
 * which runs test/exercises/05-finetune-classification.test.ts against this file and says which
 * checks pass. Exercises 1-3 and 6 take plain arrays; 4 and 5 use the library (`lg`), as the
 * notebook does. The checks of 4 fine-tune three small classifiers: they take a few minutes.
 *
 * Conventions (as in the notebook): class 0 is ham, class 1 is spam; a confusion matrix is
 * m[true class][predicted class].
 */
import * as lg from '../src';

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

/**
 * One point of the chapter's central result, the label-efficiency curve: test accuracy of a
 * classifier fine-tuned from the pretrained LM in `lmDir` on only `n` labelled subjects. Build it
 * from the library's pieces, with the recipe of every small-N run of the curve
 * (scripts/label-efficiency.js, `train classifier --train-size n`):
 * - the training set: `lg.stratifiedSubset` of `n` examples of the spam training split, drawn
 *   with `seed` (validation and test stay whole);
 * - the model: `lg.prepareClassifier(lmDir, 'pretrained', seed, …)` with dropout 0 and `<s>`/`<e>`
 *   started as copies of the separators (tokenInit 'separators');
 * - the options: `lg.DEFAULT_FINETUNE` with task 'subject', T = 48, lr 1e-3, dropout 0, this
 *   `seed` and `lambda`, trainSize `n`, tokenInit 'separators', and the small-set schedule
 *   `lg.smallSetSchedule(n, batchSize, steps)` (`steps` defaults to the curve's 200; validation
 *   every 10, the best evaluation's weights kept: `lg.finetune` restores them);
 * - the subjects encoded with `lg.encodeSpam`, trained with `lg.finetune`.
 * Return the best validation accuracy, the test accuracy of the kept (best) weights
 * (`lg.predictProba`, `lg.accuracyOf`) and the steps run; dispose of the model before returning.
 *
 * `lambda` is the weight of the auxiliary LM loss (0.5 in GPT-1 and in the curve). GPT-1's
 * ablation found it helped on large datasets only: run this with λ = 0 and λ = 0.5 at a small n
 * (and a few seeds) to add a point of that ablation where labels are few.
 */
export async function fineTuneFew(
  lmDir: string, n: number, seed: number, lambda: number, steps: number = lg.SMALL_SET_SCHEDULE.steps,
): Promise<{ valAccuracy: number; testAccuracy: number; steps: number }> {
  void lg;
  void lmDir;
  void n;
  void seed;
  void lambda;
  void steps;
  throw new Error('exercise 4: not written yet');
}

/**
 * Zero-shot, step 1: the total log-probability (nats, natural log) the language model `model` gives
 * a subject as the start of a document, by hand from `model.forward` and `model.logits`:
 * - context: the blank line that separates documents in the pretraining text, as the
 *   pretraining stream holds it before a word: two newline tokens, `[...nl, ...nl]` with
 *   `nl = tokenizer.encode('\n')` (not `tokenizer.encode('\n\n')`: that is one merged token,
 *   the form a blank line takes only before more whitespace or at the end of a text);
 * - scored: the tokens of `tokenizer.encode(subject + '\n')` (a subject ends with a newline there);
 * - the sequence context + scored tokens cut to its first `model.config.blockSize` tokens (a very
 *   long subject loses its tail), run through the model once (no dropout);
 * - the sum, over the scored tokens left, of log softmax(logits at the previous position)[token].
 * Wrap tensor work in `lg.tf.tidy` (or dispose it): no tensors may be left behind.
 */
export function subjectLogProb(model: lg.GPT, tokenizer: lg.BpeTokenizer, subject: string): number {
  void model;
  void tokenizer;
  void subject;
  throw new Error('exercise 5: not written yet');
}

/**
 * Zero-shot, step 2: a spam classifier that never sees a label. Each score is a subject's mean
 * log-probability per scored token (exercise 5's total divided by the number of tokens it
 * scored). Call a subject spam (1) when its score is below a threshold chosen on the UNLABELLED
 * training subjects only: sort `trainScores` ascending and take
 *   threshold = sorted[floor(spamShare · trainScores.length)],
 * the score below which the share of spam you assume (e.g. 0.3) of the training subjects lie.
 * Return 1 for each test score strictly below the threshold, else 0 (so the training subjects
 * themselves would be called spam at about the rate `spamShare`).
 * Throw a RangeError unless 0 < spamShare < 1, or when `trainScores` is empty. Do not change the inputs.
 *
 * Then measure it with the broad LM (data/checkpoints/lm-broad) on the test split against always
 * "ham", and explain what you see. Mind that this LM read the training subjects (without labels)
 * in pretraining and never the test subjects: what does that do to a threshold taken from them?
 */
export function zeroShotSpam(trainScores: readonly number[], testScores: readonly number[], spamShare: number): number[] {
  void trainScores;
  void testScores;
  void spamShare;
  throw new Error('exercise 6: not written yet');
}
