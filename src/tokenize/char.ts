/**
 * The simplest tokenizer: one id per character (Unicode code point) seen in a training text.
 *
 * This is nanoGPT's `shakespeare_char`: the vocabulary is the sorted set of characters, so a
 * reader can check any id by hand. Its cost is length — every character is a position for the
 * model — which is what BPE (bpe.ts) fixes.
 */
import { InputError } from '../errors';
import type { Tokenizer } from './tokenizer';

/** The JSON form of a CharTokenizer (see {@link CharTokenizer.toJSON}). */
export interface CharTokenizerJson {
  readonly format: 'literate-gpt-char';
  readonly version: 1;
  /** The vocabulary: id i is chars[i]. */
  readonly chars: readonly string[];
}

function describeChar(ch: string): string {
  const cp = ch.codePointAt(0) ?? 0;
  const hex = cp.toString(16).toUpperCase().padStart(4, '0');
  const shown = cp < 0x20 || cp === 0x7f ? JSON.stringify(ch) : `'${ch}'`;
  return `${shown} (U+${hex})`;
}

/**
 * A character-level tokenizer.
 *
 * Unknown characters: `encode` throws an InputError naming the first character that is not in
 * the vocabulary (and its code point). Silently dropping it or mapping it to an "unknown" id
 * would change the text the model sees without anyone noticing; a char vocabulary is built from
 * the very text it will encode, so an unknown character is almost always a mistake.
 *
 * Characters are code points (`for...of` on a string), so an emoji is one id, not two UTF-16
 * halves. A lone surrogate is a code point of its own here and round-trips unchanged.
 */
export class CharTokenizer implements Tokenizer {
  private readonly chars: readonly string[];
  private readonly index: ReadonlyMap<string, number>;

  private constructor(chars: readonly string[]) {
    this.chars = chars;
    this.index = new Map(chars.map((c, i) => [c, i]));
  }

  /** Build the vocabulary from `text`: its unique code points, sorted by code point. */
  static fromText(text: string): CharTokenizer {
    const unique = [...new Set(text)];
    if (unique.length === 0) throw new InputError('cannot build a character vocabulary from an empty text');
    unique.sort((a, b) => (a.codePointAt(0) ?? 0) - (b.codePointAt(0) ?? 0));
    return new CharTokenizer(unique);
  }

  /** Rebuild from {@link toJSON}'s output; throws InputError when the object is not one. */
  static fromJSON(json: unknown): CharTokenizer {
    const j = json as Partial<CharTokenizerJson> | null;
    if (typeof j !== 'object' || j === null || j.format !== 'literate-gpt-char') {
      throw new InputError("not a character tokenizer (expected format 'literate-gpt-char')");
    }
    if (j.version !== 1) throw new InputError(`unsupported character tokenizer version ${String(j.version)}`);
    if (!Array.isArray(j.chars) || j.chars.length === 0) throw new InputError('character tokenizer: chars must be a non-empty array');
    const seen = new Set<string>();
    for (const [i, c] of j.chars.entries()) {
      if (typeof c !== 'string' || [...c].length !== 1) {
        throw new InputError(`character tokenizer: chars[${i}] must be a single character`);
      }
      if (seen.has(c)) throw new InputError(`character tokenizer: ${describeChar(c)} appears twice`);
      seen.add(c);
    }
    return new CharTokenizer([...j.chars]);
  }

  /** Number of distinct characters. */
  get vocabSize(): number {
    return this.chars.length;
  }

  /** The vocabulary in id order (id i is `vocab[i]`). */
  get vocab(): readonly string[] {
    return this.chars;
  }

  /** Text → one id per code point; throws InputError on a character outside the vocabulary. */
  encode(text: string): number[] {
    const ids: number[] = [];
    for (const ch of text) {
      const id = this.index.get(ch);
      if (id === undefined) {
        throw new InputError(`character ${describeChar(ch)} is not in the vocabulary of ${this.chars.length} characters`);
      }
      ids.push(id);
    }
    return ids;
  }

  /** Ids → text; throws InputError on an id outside 0 … vocabSize-1. */
  decode(ids: readonly number[]): string {
    let out = '';
    for (const id of ids) {
      const ch = Number.isInteger(id) ? this.chars[id] : undefined;
      if (ch === undefined) throw new InputError(`token id ${id} is outside the vocabulary (0 … ${this.chars.length - 1})`);
      out += ch;
    }
    return out;
  }

  /** A plain object for JSON.stringify. */
  toJSON(): CharTokenizerJson {
    return { format: 'literate-gpt-char', version: 1, chars: [...this.chars] };
  }
}
