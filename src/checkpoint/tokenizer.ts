/**
 * The tokenizer stored inside a checkpoint: rebuilt from its JSON with the tokenizers' own
 * validating `fromJSON` (which throw InputError), never by evaluating anything.
 */
import { InputError } from '../errors';
import { BpeTokenizer } from '../tokenize/bpe';
import { CharTokenizer } from '../tokenize/char';
import type { Tokenizer } from '../tokenize/tokenizer';

/** A tokenizer that can be written back into a checkpoint. */
export type StoredTokenizer = Tokenizer & { toJSON(): unknown };

// Tokenizers are immutable, so a checkpoint's tokenizer JSON, once validated (by the loader),
// can hand the same instance to the caller instead of building it twice.
const built = new WeakMap<object, StoredTokenizer>();

/** Rebuild a tokenizer from the JSON a checkpoint stores; InputError when it is not one. */
export function tokenizerFromJson(json: unknown): StoredTokenizer {
  if (json === null || json === undefined) throw new InputError('the checkpoint has no tokenizer (a model fed raw token ids)');
  if (typeof json !== 'object' || Array.isArray(json)) throw new InputError('the tokenizer must be a JSON object');
  const cached = built.get(json);
  if (cached) return cached;
  const format = (json as { format?: unknown }).format;
  let tok: StoredTokenizer;
  if (format === 'literate-gpt-char') tok = CharTokenizer.fromJSON(json);
  else if (format === 'literate-gpt-bpe') tok = BpeTokenizer.fromJSON(json);
  else throw new InputError(`unknown tokenizer format ${typeof format === 'string' ? JSON.stringify(format.slice(0, 40)) : String(format)}`);
  built.set(json, tok);
  return tok;
}
