/**
 * A byte-level BPE as Hugging Face writes one: `vocab.json` (token string → id) and `merges.txt`
 * (one merge per line, "left right", in rank order), token strings spelt in GPT-2's printable
 * alphabet (each byte one character: ' the' → 'Ġthe', see gpt2ByteToUnicode).
 *
 * Our BpeTokenizer has the same shape (ids 0–255 bytes, then one id per merge in order, then
 * special tokens), so the two convert into each other exactly, with two refusals: two merges that
 * make the same bytes (possible in a trained BPE: vocab.json maps each string to one id), and a
 * tokenizer that does not pre-split text with GPT-2's pattern, which the files cannot say.
 */
import { InputError } from '../errors';
import { BpeTokenizer } from '../tokenize/bpe';
import { gpt2ByteToUnicode } from '../tokenize/bytes';

export interface HfBpeFiles {
  /** vocab.json's object: token string → id. */
  readonly vocab: Record<string, number>;
  /** merges.txt's text, with the `#version` line tokenizers writes. */
  readonly merges: string;
}

function spell(bytes: Uint8Array): string {
  const table = gpt2ByteToUnicode();
  let s = '';
  for (const b of bytes) s += table[b];
  return s;
}

/** vocab.json + merges.txt for `tok`; InputError for what the format cannot hold. */
export function bpeToHfFiles(tok: BpeTokenizer): HfBpeFiles {
  if (tok.pattern !== 'gpt2') throw new InputError(`the tokenizer pre-splits text with pattern '${tok.pattern}'; GPT-2's tokenizer files always split with GPT-2's pattern`);
  const nMerged = 256 + tok.merges.length;
  const vocab: Record<string, number> = Object.create(null) as Record<string, number>;
  const strings: string[] = [];
  for (let id = 0; id < nMerged; id++) {
    const s = spell(tok.tokenBytes(id));
    if (s in vocab) throw new InputError(`tokens ${vocab[s]} and ${id} are the same bytes (${JSON.stringify(s)}); vocab.json gives each string one id`);
    vocab[s] = id;
    strings.push(s);
  }
  for (const [name, id] of tok.specialTokens) {
    if (name in vocab) throw new InputError(`special token ${JSON.stringify(name)} is also an ordinary token's spelling`);
    vocab[name] = id;
  }
  const lines = tok.merges.map(([a, b]) => `${strings[a]} ${strings[b]}`);
  return { vocab: { ...vocab }, merges: ['#version: 0.2', ...lines].join('\n') + '\n' };
}

/**
 * Our BpeTokenizer from vocab.json's object and merges.txt's text; InputError (naming `where`)
 * when the files are not a byte-level BPE laid out as GPT-2's (bytes, then merges in order).
 */
export function bpeFromHfFiles(vocab: unknown, merges: string, where: string): BpeTokenizer {
  const fail: (what: string) => never = (what) => { throw new InputError(`${where}: ${what}`); };
  if (vocab === null || typeof vocab !== 'object' || Array.isArray(vocab)) fail('vocab.json is not a JSON object');
  const v = vocab as Record<string, unknown>;
  const byId = new Map<number, string>();
  for (const [s, id] of Object.entries(v)) {
    if (!Number.isInteger(id) || (id as number) < 0) fail(`vocab.json gives ${JSON.stringify(s.slice(0, 40))} the id ${JSON.stringify(id)}`);
    if (byId.has(id as number)) fail(`vocab.json gives the id ${String(id)} to two strings`);
    byId.set(id as number, s);
  }
  const unicodeToByte = new Map(gpt2ByteToUnicode().map((c, b) => [c, b]));
  const byteOrder: number[] = [];
  for (let id = 0; id < 256; id++) {
    const s = byId.get(id);
    const b = s === undefined ? undefined : unicodeToByte.get(s);
    if (b === undefined) fail(`id ${id} is not a single byte; GPT-2's layout puts the 256 bytes first`);
    byteOrder.push(b);
  }
  const lines = merges.split('\n').filter((l) => l !== '' && !l.startsWith('#version'));
  const pairs: [number, number][] = [];
  lines.forEach((line, i) => {
    const parts = line.split(' ');
    if (parts.length !== 2) fail(`merges.txt line ${i + 1} is not two tokens separated by one space`);
    const [a, b] = parts.map((p) => v[p]);
    if (typeof a !== 'number' || typeof b !== 'number') fail(`merges.txt line ${i + 1} names a token vocab.json does not have`);
    if (byId.get(256 + i) !== parts[0] + parts[1]) fail(`merges.txt line ${i + 1} does not make id ${256 + i}; GPT-2's layout numbers merges in order after the bytes`);
    pairs.push([a, b]);
  });
  const specialTokens: Record<string, number> = {};
  for (let id = 256 + pairs.length; id < 256 + pairs.length + byId.size - 256 - pairs.length; id++) {
    const s = byId.get(id);
    if (s === undefined) fail(`vocab.json skips the id ${id}`);
    specialTokens[s] = id;
  }
  return BpeTokenizer.fromJSON({ format: 'literate-gpt-bpe', version: 1, pattern: 'gpt2', mergeRule: 'pairs', byteOrder, merges: pairs, specialTokens });
}

/**
 * Our BpeTokenizer from a `tokenizer.json` (the tokenizers library's one-file form, which
 * `save_pretrained` writes in transformers 5): the same vocabulary and merges inside, accepted
 * when it is GPT-2's kind of tokenizer (BPE, byte-level pre-split with GPT-2's pattern, no prefix
 * space, no normalizer).
 */
export function bpeFromTokenizerJson(json: unknown, where: string): BpeTokenizer {
  const fail: (what: string) => never = (what) => { throw new InputError(`${where}: tokenizer.json ${what}`); };
  const t = json as { model?: { type?: unknown; vocab?: unknown; merges?: unknown }; pre_tokenizer?: { type?: unknown; add_prefix_space?: unknown; use_regex?: unknown } | null; normalizer?: unknown; added_tokens?: unknown };
  if (t === null || typeof t !== 'object' || !t.model || t.model.type !== 'BPE') fail('is not a BPE tokenizer');
  const pre = t.pre_tokenizer;
  if (!pre || pre.type !== 'ByteLevel' || pre.add_prefix_space === true || pre.use_regex === false) fail("does not pre-split as GPT-2 does (ByteLevel, GPT-2's pattern, no prefix space)");
  if (t.normalizer !== null && t.normalizer !== undefined) fail('normalizes text first, which our tokenizer does not');
  if (!Array.isArray(t.model.merges)) fail('has no merges list');
  const merges = (t.model.merges as unknown[]).map((m, i) => {
    if (typeof m === 'string') return m;
    if (Array.isArray(m) && m.length === 2 && m.every((x) => typeof x === 'string')) return `${m[0]} ${m[1]}`;
    return fail(`merge ${i} is neither "a b" nor ["a", "b"]`);
  });
  const vocab: Record<string, unknown> = { ...(t.model.vocab as Record<string, unknown>) };
  if (Array.isArray(t.added_tokens)) for (const a of t.added_tokens as { id?: unknown; content?: unknown }[]) if (typeof a?.content === 'string') vocab[a.content] = a.id;
  return bpeFromHfFiles(vocab, merges.join('\n'), where);
}
