/**
 * Pre-tokenization: cut the text into pieces that BPE never merges across.
 *
 * Without it, BPE trained on English learns tokens like "dog." "dog!" "dog?" — the same word
 * glued to every punctuation mark. GPT-2 splits first with one regex, then runs BPE inside each
 * piece. Its clauses, in order:
 *
 *   's|'t|'re|'ve|'m|'ll|'d   English contractions as their own pieces ("don't" → "don", "'t")
 *    ?\p{L}+                  a run of letters, with at most one leading space (" cat")
 *    ?\p{N}+                  a run of digits, with at most one leading space
 *    ?[^\s\p{L}\p{N}]+        a run of other symbols (punctuation, emoji), optional leading space
 *   \s+(?!\S)                 whitespace, but leave the last space for the next word
 *   \s+                       any remaining whitespace (at the very end of the text)
 *
 * The leading space belongs to the word after it: " the" is one GPT-2 token.
 * (The contractions are case-sensitive — "DON'T" splits differently: a known GPT-2 quirk.)
 */

/** GPT-2's pre-tokenization pattern (the `pat` of OpenAI's encoder.py, as JavaScript). */
export const GPT2_SPLIT_PATTERN = String.raw`'s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+`;

/** How a BpeTokenizer pre-splits text: GPT-2's regex, or not at all (one piece per text). */
export type SplitPattern = 'gpt2' | 'none';

const gpt2Regex = new RegExp(GPT2_SPLIT_PATTERN, 'gu');

/**
 * Cut `text` into pre-tokens. The pieces concatenate back to `text`: the GPT-2 regex
 * matches every character (its last clause and `[^\s\p{L}\p{N}]` cover all the rest).
 */
export function preTokenize(text: string, pattern: SplitPattern): string[] {
  if (text.length === 0) return [];
  if (pattern === 'none') return [text];
  return text.match(gpt2Regex) ?? [];
}

/** A piece of the text: ordinary text, or one occurrence of an allowed special token. */
export interface Segment {
  readonly text: string;
  readonly special: boolean;
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/**
 * Split `text` at occurrences of the given special tokens (longest first when two overlap).
 * With no specials the whole text is one ordinary segment: special tokens written in a user's
 * text are then just characters, which is what keeps "<|endoftext|>" in a document from
 * ending the document for the model.
 */
export function splitSpecial(text: string, specials: readonly string[]): Segment[] {
  if (specials.length === 0) return text.length === 0 ? [] : [{ text, special: false }];
  const sorted = [...specials].sort((a, b) => b.length - a.length);
  const re = new RegExp(sorted.map(escapeRegExp).join('|'), 'g');
  const out: Segment[] = [];
  let last = 0;
  for (const m of text.matchAll(re)) {
    const at = m.index ?? 0;
    if (at > last) out.push({ text: text.slice(last, at), special: false });
    out.push({ text: m[0], special: true });
    last = at + m[0].length;
  }
  if (last < text.length) out.push({ text: text.slice(last), special: false });
  return out;
}
