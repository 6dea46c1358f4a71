/**
 * What every tokenizer here offers, and the one number that compares them: how many bytes of
 * text a token carries on average.
 */
import { utf8Encode } from './bytes';

/** The common face of CharTokenizer and BpeTokenizer, all that a model or data loader needs. */
export interface Tokenizer {
  /** Number of distinct ids: an embedding table needs this many rows. Ids are 0 … vocabSize-1. */
  readonly vocabSize: number;
  /** Text → token ids. */
  encode(text: string): number[];
  /** Token ids → text. */
  decode(ids: readonly number[]): string;
}

/** The result of {@link bytesPerToken}. */
export interface Compression {
  /** UTF-8 bytes in the text. */
  readonly bytes: number;
  /** Tokens the tokenizer made of it. */
  readonly tokens: number;
  /** bytes / tokens: higher means shorter sequences for the model (0 for an empty text). */
  readonly bytesPerToken: number;
}

/**
 * Compression of `text` by `tokenizer`: UTF-8 bytes per token.
 *
 * Bytes, not characters, so that tokenizers compare fairly across scripts: a Chinese
 * character is 3 bytes, and a raw byte-level model pays 3 positions for it.
 * A byte tokenizer scores exactly 1; GPT-2 scores about 4.5 on English prose.
 */
export function bytesPerToken(tokenizer: Pick<Tokenizer, 'encode'>, text: string): Compression {
  const bytes = utf8Encode(text).length;
  const tokens = tokenizer.encode(text).length;
  return { bytes, tokens, bytesPerToken: tokens === 0 ? 0 : bytes / tokens };
}
