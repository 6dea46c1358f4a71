/**
 * Tokenization: text ↔ ids. Three tokenizers of rising strength, one interface:
 *
 * - `CharTokenizer`: one id per character seen in a text (nanoGPT's shakespeare_char).
 * - `BpeTokenizer.train(text, vocabSize)`: byte-level BPE learned from a corpus (minBPE).
 * - `gpt2Tokenizer()`: GPT-2's own 50,257-token BPE, run by the same code, ids as OpenAI's.
 *
 * @module
 */
export type { Tokenizer, Compression } from './tokenizer';
export { bytesPerToken } from './tokenizer';
export { CharTokenizer, type CharTokenizerJson } from './char';
export {
  BpeTokenizer,
  type AllowedSpecial,
  type BpeTrainOptions,
  type EncodeOptions,
  type EncodeWork,
  type PieceWork,
} from './bpe';
export type { BpeTokenizerJson, MergeRule } from './bpe-json';
export type { MergeStep } from './train-bpe';
export { GPT2_SPLIT_PATTERN, preTokenize, type SplitPattern } from './pretokenize';
export { ENDOFTEXT, gpt2Tokenizer } from './gpt2';
export { utf8Encode, utf8Decode, showBytes, showBytesGpt2, gpt2ByteToUnicode } from './bytes';
