/**
 * The hand-over from stages 1 and 2 to stage 3: the classifier made from a pretrained language
 * model. Its weights are loaded (our checkpoint or a Hugging Face GPT-2 folder, each built from
 * the stored weights), the vocabulary grows by `<s>` and `<e>` (vocab.ts), their rows start as
 * TokenInit says, and a new 2-class head is drawn. With init 'scratch' the same shape starts
 * from random weights instead (the ablation: everything but what pretraining learned).
 */
import * as tf from '@tensorflow/tfjs';
import { loadCheckpoint } from '../checkpoint/io';
import { check } from '../errors';
import { SUBJECT_FRAME } from '../data/corpus';
import { isHfFolder, loadGpt2 } from '../hf/load';
import { GPT } from '../model/gpt';
import { BpeTokenizer } from '../tokenize/bpe';
import { EXTRACT, START } from './inputs';
import { LABELS, type TokenInit } from './options';
import { extendVocabulary } from './vocab';

/**
 * The texts whose (last) token `<s>` and `<e>` copy with tokenInit 'separators'. In the
 * pretraining text documents are joined by a blank line, and in the in-domain part a message's
 * subject is followed by a newline and then its body. `<e>` starts as the newline, "the subject
 * has ended": the hidden state at `<e>` is, from the first step, the pretrained model's reading
 * of the subject as it prepares to predict the body, not the reaction to a random vector. `<s>`
 * starts as the blank line encoded on its own, one merged token; inside the pretraining text a
 * blank line before a document is two newline tokens, so this row is a near relative of "a
 * document begins", not that token itself (kept so, since the label-efficiency grid was chosen
 * and run with it). A language model continued on the `spam-subjects` corpus part (data/corpus.ts)
 * reads every subject in exactly this frame, so after that stage both rows have played their parts.
 */
export const SEPARATOR_TEXT = { start: SUBJECT_FRAME.start, extract: SUBJECT_FRAME.end } as const;

/**
 * The model to fine-tune: the language model in `pretrainedDir` (our checkpoint, or a Hugging Face
 * GPT-2 folder) with `<s>` and `<e>` added to its vocabulary (rows initialised as `tokenInit` says)
 * and a fresh 2-class head seeded by `seed`; with init 'scratch', a randomly initialised twin of
 * the same shape and tokenizer. `dropout` replaces the pretrained model's dropout rate and
 * `context` lengthens its context (undefined: keep them). Throws an InputError for a bad option
 * or folder. The caller disposes the model.
 */
export function prepareClassifier(pretrainedDir: string, init: 'pretrained' | 'scratch', seed: number,
  opts: { dropout?: number; context?: number; tokenInit?: TokenInit } = {}): { model: GPT; tokenizer: BpeTokenizer } {
  const { dropout, context, tokenInit = 'random' } = opts;
  check(tokenInit === 'random' || tokenInit === 'separators', `tokenInit must be 'random' or 'separators', got '${String(tokenInit)}'`);
  check(dropout === undefined || (dropout >= 0 && dropout < 1), `dropout must be in [0, 1), got ${dropout}`);
  // Our LM checkpoint, or a Hugging Face GPT-2 folder (the released GPT-2: src/hf/load.ts).
  const hf = isHfFolder(pretrainedDir) ? loadGpt2(pretrainedDir) : null;
  const ck = hf ? { json: { kind: 'lm' as const, tokenizer: hf.tokenizer?.toJSON() ?? null }, model: hf.model, moments: null } : loadCheckpoint(pretrainedDir);
  let model: GPT;
  let tokenizer: BpeTokenizer;
  try {
    check(ck.json.kind === 'lm', `${pretrainedDir}: fine-tuning starts from a language model, this is a '${ck.json.kind}' checkpoint`);
    check(context === undefined || (Number.isInteger(context) && context >= ck.model.config.blockSize),
      () => `context must be an integer of at least the pretrained model's ${ck.model.config.blockSize} tokens, got ${context}`);
    tokenizer = BpeTokenizer.fromJSON(ck.json.tokenizer).withSpecialTokens([START, EXTRACT]);
    const extra = tokenizer.vocabSize - ck.model.config.vocabSize;
    model = extendVocabulary(ck.model, extra, seed, { ...(dropout === undefined ? {} : { dropout }), ...(context === undefined ? {} : { blockSize: context }) });
  } finally {
    // Refused or grown: the loaded model is not needed either way (no tensors left behind; the
    // grown model holds its own references to the weights it shares with it).
    ck.model.dispose();
    if (ck.moments) tf.dispose([...ck.moments.m.values(), ...ck.moments.v.values()]);
  }
  if (init === 'scratch') {
    const fresh = new GPT(model.config, { seed });
    model.dispose();
    model = fresh;
  }
  if (tokenInit === 'separators') {
    // For the scratch twin these copy random rows: the same treatment, nothing learned.
    const last = (text: string): number => { const ids = tokenizer.encode(text); return ids[ids.length - 1]; };
    copyEmbeddingRows(model, [[last(SEPARATOR_TEXT.start), tokenizer.specialTokens.get(START)!], [last(SEPARATOR_TEXT.extract), tokenizer.specialTokens.get(EXTRACT)!]]);
  }
  model.addClassifierHead(LABELS.length, seed + 7);
  return { model, tokenizer };
}

/** Set embedding row `to` to a copy of row `from`, for each pair. */
function copyEmbeddingRows(model: GPT, pairs: readonly (readonly [number, number])[]): void {
  const wte = model.params.get('wte')!;
  const next = tf.tidy(() => {
    const V = wte.shape[0];
    const src = Array.from({ length: V }, (_, i) => pairs.find(([, to]) => to === i)?.[0] ?? i);
    return tf.gather(wte, tf.tensor1d(src, 'int32'));
  });
  wte.assign(next);
  next.dispose();
}
