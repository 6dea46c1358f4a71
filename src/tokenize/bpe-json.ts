/**
 * The saved form of a BpeTokenizer, and the checks that a file really is one.
 *
 * A tokenizer file is read by people's code months later and may come from anywhere, so
 * `parseBpeJson` checks every field and says which one is wrong (an InputError, which the CLI
 * prints as one line with exit code 2) instead of failing later with an index out of range.
 */
import * as fs from 'fs';
import { MAX_TOKENIZER_BYTES, readBoundedFile } from '../checkpoint/read-file';
import { InputError } from '../errors';
import { ID_LIMIT } from './pair-table';
import type { SplitPattern } from './pretokenize';

/**
 * Which adjacent pairs may merge during encoding.
 * - `pairs` (minBPE): only the exact pairs the trainer merged, merge i making id 256 + i.
 * - `bytes` (tiktoken, GPT-2): any two adjacent tokens whose concatenated bytes are a token;
 *   the rank table has no pairs, only byte strings, so a token may be reachable from several
 *   splits, and the merges list is just one of them for each token.
 */
export type MergeRule = 'pairs' | 'bytes';

/** A BpeTokenizer as plain data (what {@link BpeTokenizer.toJSON} returns and `save` writes). */
export interface BpeTokenizerJson {
  readonly format: 'literate-gpt-bpe';
  readonly version: 1;
  /** How text is cut into pre-tokens before BPE. */
  readonly pattern: SplitPattern;
  readonly mergeRule: MergeRule;
  /** Ids 0–255 are single bytes: byteOrder[id] is the byte. Omitted: id = byte (identity). */
  readonly byteOrder?: readonly number[];
  /** merges[i] = [left, right] makes token 256 + i (so earlier merges have lower ids). */
  readonly merges: readonly (readonly [number, number])[];
  /** Special token → id; the ids follow the merges: 256 + merges.length, and on. */
  readonly specialTokens: Readonly<Record<string, number>>;
}

function fail(what: string): never {
  throw new InputError(`invalid BPE tokenizer: ${what}`);
}

const isId = (v: unknown, below: number): v is number =>
  typeof v === 'number' && Number.isInteger(v) && v >= 0 && v < below;

/**
 * Check that `json` is a {@link BpeTokenizerJson}; returns it typed, or throws InputError
 * naming the first problem. (Consistency of the byte strings — e.g. two tokens with the same
 * bytes under the `bytes` rule — is checked when the tokenizer is built.)
 */
export function parseBpeJson(json: unknown): BpeTokenizerJson {
  if (typeof json !== 'object' || json === null || Array.isArray(json)) fail('expected a JSON object');
  const j = json as Record<string, unknown>;
  if (j.format !== 'literate-gpt-bpe') fail(`format must be 'literate-gpt-bpe', got ${JSON.stringify(j.format)}`);
  if (j.version !== 1) fail(`unsupported version ${JSON.stringify(j.version)} (this code reads version 1)`);
  if (j.pattern !== 'gpt2' && j.pattern !== 'none') fail(`pattern must be 'gpt2' or 'none', got ${JSON.stringify(j.pattern)}`);
  if (j.mergeRule !== 'pairs' && j.mergeRule !== 'bytes') fail(`mergeRule must be 'pairs' or 'bytes', got ${JSON.stringify(j.mergeRule)}`);

  if (j.byteOrder !== undefined) {
    const b = j.byteOrder;
    if (!Array.isArray(b) || b.length !== 256 || !b.every((v) => isId(v, 256)) || new Set(b).size !== 256) {
      fail('byteOrder must list each byte value 0–255 exactly once');
    }
  }

  if (!Array.isArray(j.merges)) fail('merges must be an array');
  const merges = j.merges as unknown[];
  if (256 + merges.length >= ID_LIMIT) fail(`too many merges (${merges.length})`);
  merges.forEach((m, i) => {
    const id = 256 + i;
    if (!Array.isArray(m) || m.length !== 2 || !isId(m[0], id) || !isId(m[1], id)) {
      fail(`merges[${i}] must be a pair of ids below ${id}, got ${JSON.stringify(m)}`);
    }
  });

  const special = j.specialTokens;
  if (typeof special !== 'object' || special === null || Array.isArray(special)) fail('specialTokens must be an object');
  const first = 256 + merges.length;
  const entries = Object.entries(special as Record<string, unknown>);
  const ids = new Set<number>();
  for (const [name, id] of entries) {
    if (name.length === 0) fail('a special token has an empty name');
    if (!isId(id, first + entries.length) || id < first) {
      fail(`special token ${JSON.stringify(name)} has id ${JSON.stringify(id)}; expected ${first} … ${first + entries.length - 1}`);
    }
    if (ids.has(id)) fail(`two special tokens share id ${id}`);
    ids.add(id);
  }
  return j as unknown as BpeTokenizerJson;
}

/** Read and parse a JSON file; unreadable or malformed files give an InputError (the caller adds the path). */
export function readJsonFile(path: string): unknown {
  // Bounded, regular files only: --tokenizer /dev/zero or a FIFO is refused, not read for ever.
  const text = readBoundedFile(path, MAX_TOKENIZER_BYTES, { named: false }).toString('utf8');
  try {
    return JSON.parse(text) as unknown;
  } catch (e) {
    throw new InputError(`not valid JSON (${(e as Error).message})`);
  }
}
