/**
 * GPT-1's input transformation for classification (Radford et al. 2018, §3.3): wrap the text in
 * a start and an extract token, `<s> text <e>`, and read the classifier off the final hidden
 * state at `<e>`. Sequences are right-padded to a fixed length T; padding sits after `<e>`, so
 * under the causal mask it cannot change anything `<e>` sees.
 */
import { check } from '../errors';
import type { BpeTokenizer } from '../tokenize/bpe';

/** GPT-1's start token, `<s>`: a special token (one id, never split) that opens every classifier input. */
export const START = '<s>';
/** GPT-1's extract token, `<e>`: closes every classifier input; the head reads the hidden state at it. */
export const EXTRACT = '<e>';

/** A labelled set encoded for the classifier (encodeClassifierData): N rows of T ids, flat and row-major. */
export interface ClassifierBatchData {
  /** Token ids, (N, T) row-major; padding after `<e>` repeats `<e>`'s id (never attended to). */
  readonly ids: Int32Array;
  /** Next-token targets for the auxiliary LM loss, (N, T); −1 where there is nothing to predict. */
  readonly lmTargets: Int32Array;
  /** Position of `<e>` in each row, (N). */
  readonly extract: Int32Array;
  /** Class of each row, (N). */
  readonly labels: Int32Array;
  /** N: number of rows (texts). */
  readonly n: number;
  /** T: ids per row (the model's sequence length for this set). */
  readonly T: number;
  /** Rows whose text was cut to fit T. */
  readonly truncated: number;
}

/** Ids for one text: `[<s>, …text…, <e>]`, the text cut to at most T − 2 tokens. */
export function encodeForClassifier(tok: BpeTokenizer, text: string, T: number): { ids: number[]; truncated: boolean } {
  check(T >= 3, `sequence length must be at least 3 (<s>, one token, <e>), got ${T}`);
  const s = tok.specialTokens.get(START);
  const e = tok.specialTokens.get(EXTRACT);
  check(s !== undefined && e !== undefined, `the tokenizer has no ${START}/${EXTRACT} tokens (use withSpecialTokens)`);
  const body = tok.encode(text);
  const keep = body.slice(0, T - 2);
  return { ids: [s, ...keep, e], truncated: keep.length < body.length };
}

/**
 * Encode texts and labels into fixed-length rows of T ids, `<s> text <e>` then padding (see
 * ClassifierBatchData). A text longer than T − 2 tokens is cut (counted in `truncated`). Throws an
 * InputError when `texts` and `labels` differ in length, T < 3, or the tokenizer lacks `<s>`/`<e>`.
 */
export function encodeClassifierData(tok: BpeTokenizer, texts: readonly string[], labels: readonly number[], T: number): ClassifierBatchData {
  check(texts.length === labels.length, `${texts.length} texts but ${labels.length} labels`);
  const n = texts.length;
  const ids = new Int32Array(n * T);
  const lmTargets = new Int32Array(n * T).fill(-1);
  const extract = new Int32Array(n);
  let truncated = 0;
  for (let i = 0; i < n; i++) {
    const r = encodeForClassifier(tok, texts[i], T);
    if (r.truncated) truncated++;
    const L = r.ids.length;
    ids.set(r.ids, i * T);
    ids.fill(r.ids[L - 1], i * T + L, (i + 1) * T);
    // Predict each next text token from <s> on; nothing after <e>.
    for (let t = 0; t < L - 1; t++) lmTargets[i * T + t] = r.ids[t + 1];
    extract[i] = L - 1;
  }
  return { ids, lmTargets, extract, labels: Int32Array.from(labels), n, T, truncated };
}

/** Rows `rows` of `data` as a smaller batch (for mini-batches). */
export function selectRows(data: ClassifierBatchData, rows: readonly number[]): ClassifierBatchData {
  const T = data.T;
  const ids = new Int32Array(rows.length * T);
  const lmTargets = new Int32Array(rows.length * T);
  rows.forEach((r, i) => {
    ids.set(data.ids.subarray(r * T, (r + 1) * T), i * T);
    lmTargets.set(data.lmTargets.subarray(r * T, (r + 1) * T), i * T);
  });
  return {
    ids, lmTargets, T, n: rows.length, truncated: 0,
    extract: Int32Array.from(rows.map((r) => data.extract[r])),
    labels: Int32Array.from(rows.map((r) => data.labels[r])),
  };
}
