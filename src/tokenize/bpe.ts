/**
 * The byte-level BPE tokenizer: a list of merges over the 256 byte values, applied inside each
 * pre-token, plus special tokens. The same class runs our own trained tokenizers and GPT-2's
 * (gpt2.ts), so the notebook can compare them line by line.
 *
 * Ids: 0–255 single bytes, then one id per merge in the order learned, then special tokens.
 */
import * as fs from 'fs';
import { InputError } from '../errors';
import { writeFileAtomic } from '../checkpoint/atomic';
import { concatBytes, showBytes, utf8Decode, utf8Encode } from './bytes';
import { parseBpeJson, readJsonFile, type BpeTokenizerJson, type MergeRule } from './bpe-json';
import { applyMerges } from './merge';
import { buildByteTable, PairTable } from './pair-table';
import { preTokenize, splitSpecial, type SplitPattern } from './pretokenize';
import type { Tokenizer } from './tokenizer';
import { trainBpe, type TrainOptions } from './train-bpe';

/** Which special tokens `encode` turns into their ids; any others stay ordinary text. */
export type AllowedSpecial = 'all' | 'none' | readonly string[];

export interface EncodeOptions {
  /** Default 'none': "<|endoftext|>" typed in a text is encoded as its characters. */
  readonly allowedSpecial?: AllowedSpecial;
}

/** Options of {@link BpeTokenizer.train}. */
export interface BpeTrainOptions extends TrainOptions {
  /** Special tokens to register after the merges, e.g. ['<|endoftext|>']. */
  readonly specialTokens?: readonly string[];
}

/** One pre-token's trip through the tokenizer (see {@link BpeTokenizer.encodeAndShowWork}). */
export interface PieceWork {
  readonly text: string;
  /** True for an allowed special token: it skips bytes and merges. */
  readonly special: boolean;
  /** Its UTF-8 bytes. */
  readonly bytes: readonly number[];
  /** The ids of those bytes (equal to the bytes unless the table orders bytes differently, as GPT-2's does). */
  readonly byteIds: readonly number[];
  /** The merges applied, in order; `position` indexes the sequence just before the merge. */
  readonly merges: readonly { position: number; pair: readonly [number, number]; id: number; text: string }[];
  /** The final ids and their readable text. */
  readonly ids: readonly number[];
  readonly tokens: readonly string[];
}

/** Every stage of encoding a text, for a notebook (after minGPT's encode_and_show_work). */
export interface EncodeWork {
  readonly text: string;
  readonly pieces: readonly PieceWork[];
  readonly ids: readonly number[];
}

const IDENTITY = Array.from({ length: 256 }, (_, b) => b);
const CACHE_LIMIT = 100_000;

/**
 * A byte-level BPE tokenizer (minBPE / GPT-2 style): text is pre-split (`pattern`), each piece
 * turned into its UTF-8 bytes, and learned merges of adjacent pairs applied, earliest learned
 * first. Ids 0–255 are the 256 bytes (in GPT-2's own order for gpt2Tokenizer), 256… the merges in
 * order, then any special tokens (`<s>`, `<|endoftext|>`, …), so `vocabSize` = 256 + merges +
 * specials. Make one with `BpeTokenizer.train(text, vocabSize)`, `gpt2Tokenizer()`, `fromJSON` or
 * `load`. Immutable: methods return new tokenizers.
 */
export class BpeTokenizer implements Tokenizer {
  /** How text is pre-split before BPE. */
  readonly pattern: SplitPattern;
  /** Which pairs may merge (see MergeRule). */
  readonly mergeRule: MergeRule;
  private readonly byteOrder: readonly number[];
  private readonly byteToId = new Int32Array(256);
  private readonly mergeList: readonly (readonly [number, number])[];
  private readonly vocab: Uint8Array[] = [];
  private readonly table: PairTable;
  private readonly special: ReadonlyMap<string, number>;
  private readonly specialById = new Map<number, string>();
  // Pre-token → ids. Text repeats its words, so after the first few kilobytes most
  // pre-tokens are cache hits and encoding costs one regex pass and a Map lookup per word.
  private readonly cache = new Map<string, number[]>();

  private constructor(json: BpeTokenizerJson) {
    this.pattern = json.pattern;
    this.mergeRule = json.mergeRule;
    this.byteOrder = json.byteOrder ?? IDENTITY;
    this.byteOrder.forEach((byte, id) => { this.byteToId[byte] = id; this.vocab.push(Uint8Array.of(byte)); });
    this.mergeList = json.merges.map(([a, b]) => [a, b] as const); // a copy: the caller's JSON may change
    for (const [a, b] of this.mergeList) this.vocab.push(concatBytes([this.vocab[a], this.vocab[b]]));
    if (this.mergeRule === 'pairs') {
      this.table = new PairTable(this.mergeList.length);
      this.mergeList.forEach(([a, b], i) => {
        if (this.table.has(a, b)) throw new InputError(`invalid BPE tokenizer: merges[${i}] repeats the pair [${a}, ${b}]`);
        this.table.set(a, b, 256 + i);
      });
    } else {
      const { table, duplicate } = buildByteTable(this.vocab);
      if (duplicate) throw new InputError(`invalid BPE tokenizer: tokens ${duplicate[0]} and ${duplicate[1]} have the same bytes`);
      this.table = table;
    }
    this.special = new Map(Object.entries(json.specialTokens));
    for (const [name, id] of this.special) this.specialById.set(id, name);
  }

  /**
   * Learn a tokenizer from `text` (see train-bpe.ts for the algorithm).
   * @param vocabSize bytes + merges, as in minBPE (256 = bytes only); special tokens come on top
   * @param opts pattern (default 'gpt2'), onMerge (to show each step), specialTokens
   */
  static train(text: string, vocabSize: number, opts: BpeTrainOptions = {}): BpeTokenizer {
    const pattern = opts.pattern ?? 'gpt2';
    const merges = trainBpe(text, vocabSize, { ...opts, pattern });
    return new BpeTokenizer({ format: 'literate-gpt-bpe', version: 1, pattern, mergeRule: 'pairs', merges, specialTokens: {} })
      .withSpecialTokens(opts.specialTokens ?? []);
  }

  /** Rebuild from {@link toJSON}'s output; throws InputError naming what is wrong. */
  static fromJSON(json: unknown): BpeTokenizer {
    return new BpeTokenizer(parseBpeJson(json));
  }

  /** Load a tokenizer saved with {@link save}; throws InputError on a missing or bad file. */
  static load(path: string): BpeTokenizer {
    try {
      return BpeTokenizer.fromJSON(readJsonFile(path));
    } catch (e) {
      throw e instanceof InputError ? new InputError(`${path}: ${e.message}`) : e;
    }
  }

  /** Bytes + merges + special tokens: the number of rows an embedding table needs. */
  get vocabSize(): number {
    return this.vocab.length + this.special.size;
  }

  /** The merges in order: merges[i] = [left, right] makes token 256 + i. */
  get merges(): readonly (readonly [number, number])[] {
    return this.mergeList;
  }

  /** Registered special tokens and their ids. */
  get specialTokens(): ReadonlyMap<string, number> {
    return this.special;
  }

  /** A copy with `names` added as special tokens (ids after the existing ones); known names are kept. */
  withSpecialTokens(names: readonly string[]): BpeTokenizer {
    const specialTokens = Object.fromEntries(this.special);
    let next = this.vocabSize;
    for (const n of names) {
      if (typeof n !== 'string' || n.length === 0) throw new InputError('a special token must be a non-empty string');
      if (!(n in specialTokens)) specialTokens[n] = next++;
    }
    return new BpeTokenizer({ ...this.toJSON(), specialTokens });
  }

  /**
   * Text → ids. Lone surrogates are encoded as U+FFFD (see utf8Encode), so decode(encode(s))
   * === s for every well-formed string.
   */
  encode(text: string, opts: EncodeOptions = {}): number[] {
    const ids: number[] = [];
    for (const seg of splitSpecial(text, this.allowed(opts.allowedSpecial ?? 'none'))) {
      if (seg.special) { ids.push(this.special.get(seg.text) as number); continue; }
      for (const piece of preTokenize(seg.text, this.pattern)) {
        let out = this.cache.get(piece);
        if (out === undefined) {
          out = applyMerges(this.byteIds(piece), this.table);
          if (this.cache.size >= CACHE_LIMIT) this.cache.clear();
          this.cache.set(piece, out);
        }
        for (const id of out) ids.push(id);
      }
    }
    return ids;
  }

  /** Ids → text. Bytes that do not form whole characters become U+FFFD; unknown ids throw InputError. */
  decode(ids: readonly number[]): string {
    return utf8Decode(this.decodeBytes(ids));
  }

  /** Ids → raw bytes (a special token gives the UTF-8 of its name). */
  decodeBytes(ids: readonly number[]): Uint8Array {
    return concatBytes(ids.map((id) => this.tokenBytes(id)));
  }

  /** The bytes of one token. */
  tokenBytes(id: number): Uint8Array {
    const v = this.vocab[id];
    if (v !== undefined) return v;
    const name = this.specialById.get(id);
    if (name !== undefined) return utf8Encode(name);
    throw new InputError(`token id ${id} is outside the vocabulary (0 … ${this.vocabSize - 1})`);
  }

  /** One token, readable: its text, or `\xe7`-style escapes for bytes that are part of a character. */
  tokenText(id: number): string {
    return this.specialById.get(id) ?? showBytes(this.tokenBytes(id));
  }

  /** Encode `text` and return every stage: pre-tokens, bytes, each merge, final ids. */
  encodeAndShowWork(text: string, opts: EncodeOptions = {}): EncodeWork {
    const pieces: PieceWork[] = [];
    for (const seg of splitSpecial(text, this.allowed(opts.allowedSpecial ?? 'none'))) {
      if (seg.special) {
        const id = this.special.get(seg.text) as number;
        pieces.push({ text: seg.text, special: true, bytes: [], byteIds: [], merges: [], ids: [id], tokens: [seg.text] });
        continue;
      }
      for (const piece of preTokenize(seg.text, this.pattern)) {
        const byteIds = this.byteIds(piece);
        const merges: PieceWork['merges'][number][] = [];
        const ids = applyMerges(byteIds, this.table, (position, a, b, id) =>
          merges.push({ position, pair: [a, b], id, text: this.tokenText(id) }));
        const bytes = Array.from(utf8Encode(piece));
        pieces.push({ text: piece, special: false, bytes, byteIds, merges, ids, tokens: ids.map((id) => this.tokenText(id)) });
      }
    }
    return { text, pieces, ids: pieces.flatMap((p) => p.ids) };
  }

  /** Plain data for JSON.stringify (see BpeTokenizerJson). */
  toJSON(): BpeTokenizerJson {
    return {
      format: 'literate-gpt-bpe', version: 1, pattern: this.pattern, mergeRule: this.mergeRule,
      ...(this.byteOrder === IDENTITY ? {} : { byteOrder: [...this.byteOrder] }),
      merges: this.mergeList.map(([a, b]) => [a, b] as const),
      specialTokens: Object.fromEntries(this.special),
    };
  }

  /** Write {@link toJSON} to `path` (UTF-8 JSON). */
  save(path: string): void {
    writeFileAtomic(path, JSON.stringify(this.toJSON()) + '\n'); // whole or not at all

  }

  private byteIds(piece: string): number[] {
    return Array.from(utf8Encode(piece), (b) => this.byteToId[b]);
  }

  private allowed(allowed: AllowedSpecial): string[] {
    if (allowed === 'none') return [];
    if (allowed === 'all') return [...this.special.keys()];
    for (const n of allowed) {
      if (!this.special.has(n)) throw new InputError(`${JSON.stringify(n)} is not a special token of this tokenizer`);
    }
    return [...allowed];
  }
}
