/**
 * The quantities a chapter's prose states: every number and every quantitative word of a markdown
 * cell, found by sentence, with what marks some of them as fixed facts. The prose check
 * (prose-check.ts) then asks of each one whether a claim or a fixed-fact marker covers it.
 *
 * Found: numbers (`26`, `0.41`, `1,900`, `98 %`, `146×`, `½`), number words (`two`, `a hundred`),
 * fractions (`an eighth`, `two thirds`, `half`, `twice`), vague quantities (`a few`, `several`,
 * `many`, `most`, `a handful`), approximations (`roughly`, `nearly`, `almost`, `about 3`,
 * `close to ½`, `~10 %`) and `a minute`/`an hour`.
 *
 * Not quantities, because they cannot go stale (no marker needed):
 * - code (inline and fenced), HTML tags and comments, link targets and URLs;
 * - math (`$…$`, `$$…$$`): symbols and integers such as $2L$, $\sqrt{d_k}$, $1/(1-p)$. A decimal
 *   number or a percentage inside math ($p = 0.41$) is a quantity;
 * - quotations: lines starting with `>` (the article quoted);
 * - the numbering of headings and list items, dotted section numbers (`2.1.2`, versions `4.22.0`),
 *   numbers that name something (`notebook 04`, `section 3.2`, `chapters 05 and 06`,
 *   `exercise 1`, `issue 27`, `layer 0`, `head 3`, `token 17`, `step 500`, `seed 4`), digits inside names (`GPT-2`, `UTF-8`, `float16`, `r50k_base`,
 *   `U+00FF`), years in a citation (`(2017)`, `Vaswani et al., 2017`, `in 2018.`), and the
 *   question "how many".
 *
 * Everything else that is fixed (an architecture size, a constant, a size in a figure) is marked by
 * the author with an HTML comment in the cell, invisible in JupyterLab and the HTML export:
 *
 *   <!-- fixed: 3 × 2 matrices; 256 byte values; 50,257 -->
 *
 * Phrases are separated by `;` or new lines, matched like claims (case and emphasis ignored).
 */

/** One number or quantitative word, with its place in the cell's source. */
export interface Quantity {
  readonly text: string;
  readonly start: number;
  readonly end: number;
}

/** A sentence of a markdown cell (a heading, list item or table row counts as one). */
export interface Sentence {
  readonly text: string;
  readonly start: number;
  readonly end: number;
  readonly quantities: readonly Quantity[];
}

/** What the prose check needs from one markdown cell. */
export interface ProseCell {
  readonly source: string;
  readonly sentences: readonly Sentence[];
  /** The phrases of the cell's `<!-- fixed: … -->` markers. */
  readonly fixed: readonly string[];
}

const FIXED_MARKER = /<!--\s*fixed\s*:([\s\S]*?)-->/gi;

/**
 * What masked text is replaced by: a space for a block that is no part of a sentence (fenced code,
 * a quotation, a comment), OPAQUE for an inline piece that is (code, math, a link target), so that
 * a sentence that starts with `code` still starts there. OPAQUE is neither a letter nor a digit.
 */
export const OPAQUE = '\u2219';

/** Replace [start, end) of an array of characters by `by` (keeping offsets and new lines). */
function blank(chars: string[], start: number, end: number, by = ' '): void {
  for (let i = start; i < end; i++) if (chars[i] !== '\n') chars[i] = /\s/.test(chars[i]) ? ' ' : by;
}

function blankAll(chars: string[], text: string, re: RegExp, by = ' ', group?: number): void {
  for (const m of text.matchAll(re)) {
    if (group === undefined) {
      blank(chars, m.index!, m.index! + m[0].length, by);
    } else if (m[group] !== undefined) {
      const at = m.index! + m[0].indexOf(m[group]);
      blank(chars, at, at + m[group].length, by);
    }
  }
}

const DECIMAL_IN_MATH = /\d+\.\d+|\d+(?:\.\d+)?\s*\\?%/g;

/**
 * The cell's source with everything that is not prose turned into spaces, offsets kept: code,
 * HTML, URLs, quotations, math (but the decimals and percentages inside it).
 */
export function proseMask(source: string): string {
  // UTF-16 code units, so that offsets agree with String.prototype.slice.
  const units = source.split('');
  blankAll(units, source, /^( {0,3})(```|~~~)[\s\S]*?^\1\2.*$/gm); // fenced code
  blankAll(units, source, /^(?: {4}|\t).*$/gm); // indented code (after a blank line, in practice)
  blankAll(units, source, /<!--[\s\S]*?-->/g);
  blankAll(units, source, /(`+)[\s\S]*?\1/g, OPAQUE);
  blankAll(units, source, /^\s*>.*$/gm); // quotations
  blankAll(units, source, /\]\([^)]*\)/g, OPAQUE); // link targets
  blankAll(units, source, /<https?:[^>]*>|https?:\/\/\S+/g, OPAQUE);
  blankAll(units, source, /<\/?[A-Za-z][A-Za-z0-9-]*(?:\s[^<>]*)?\/?>/g); // HTML tags (not `p_{<t}` in math)
  // Math: blank it, then put back the decimals and percentages (quantities even in math).
  const masked = units.join('');
  for (const m of masked.matchAll(/\$\$[\s\S]+?\$\$|\$[^$\n]+?\$|\\\([\s\S]+?\\\)|\\\[[\s\S]+?\\\]/g)) {
    blank(units, m.index!, m.index! + m[0].length, OPAQUE);
    for (const d of m[0].matchAll(DECIMAL_IN_MATH)) {
      const at = m.index! + d.index!;
      for (let i = 0; i < d[0].length; i++) units[at + i] = d[0][i];
    }
  }
  return units.join('');
}

const ABBREVIATIONS = /(?:\b(?:e\.g|i\.e|et al|vs|cf|etc|approx|fig|eq|no|resp)|\b[A-Z])\.$/i;

/** Sentence spans of the masked text: paragraphs, headings, list items, table rows, then `. ` splits. */
export function sentenceSpans(masked: string): { start: number; end: number }[] {
  const blocks: { start: number; end: number }[] = [];
  // Block boundaries: blank lines, and lines that start a heading, a list item or a table row.
  let blockStart = 0;
  const lines = masked.split('\n');
  let offset = 0;
  const push = (s: number, e: number) => {
    if (masked.slice(s, e).trim() !== '') blocks.push({ start: s, end: e });
  };
  for (const line of lines) {
    const lineStart = offset;
    offset += line.length + 1;
    const startsBlock = /^\s*(?:#{1,6}\s|[-*+]\s|\d+[.)]\s|\|)/.test(line) || line.trim() === '' || /^\s{2,}\d*\s*$/.test(line);
    const prevIsTable = blocks.length > 0 && /^\s*\|/.test(masked.slice(blockStart, lineStart));
    if (startsBlock || prevIsTable || /^\s*#{1,6}\s/.test(masked.slice(blockStart, lineStart))) {
      push(blockStart, lineStart);
      blockStart = lineStart;
    }
    if (line.trim() === '') {
      push(blockStart, lineStart);
      blockStart = offset;
    }
  }
  push(blockStart, masked.length);
  // Within a block: a sentence ends at . ! ? (and a closing quote or bracket) followed by space.
  const spans: { start: number; end: number }[] = [];
  for (const b of blocks) {
    let s = b.start;
    const re = /[.!?]["')\]*_”’]*(?=\s+\S)/g;
    re.lastIndex = b.start;
    const text = masked.slice(0, b.end);
    for (let m = re.exec(text); m !== null; m = re.exec(text)) {
      const upTo = masked.slice(s, m.index + 1);
      if (ABBREVIATIONS.test(upTo.trimEnd())) continue;
      const next = masked.slice(m.index + m[0].length).trimStart()[0] ?? '';
      if (/[a-z,;]/.test(next)) continue; // "e.g. the", "about 3 s. per step" — not a new sentence
      spans.push({ start: s, end: m.index + m[0].length });
      s = m.index + m[0].length;
    }
    spans.push({ start: s, end: b.end });
  }
  return spans
    .map(({ start, end }) => {
      while (start < end && /\s/.test(masked[start])) start++;
      while (end > start && /\s/.test(masked[end - 1])) end--;
      return { start, end };
    })
    .filter(({ start, end }) => end > start && /\S/.test(masked.slice(start, end)));
}

const NUMBER_WORDS = 'two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|thirteen|fourteen|fifteen|sixteen|seventeen|eighteen|nineteen|twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety|hundreds?|thousands?|millions?|billions?|dozens?';
const FRACTION_WORDS = 'halves|half|thirds|quarters?|fifths?|sixths?|sevenths?|eighths?|ninths?|tenths?|hundredths?|thousandths?';
const VAGUE = 'few|fewer|fewest|several|many|most|majority|minority|handful|numerous|countless|twice|thrice|double[sd]?|triple[sd]?|halved|halves|(?:two|three|four|five|ten|twenty|hundred|thousand|\\d+)-?fold|percent|per cent|roughly|approximately|nearly|almost|order of magnitude|orders of magnitude';
const NUMERIC = String.raw`(?:[~≈]\s?)?[-−+]?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?(?:\s?(?:%|×|x\b|k\b|M\b))?|[½⅓⅔¼¾⅕⅖⅗⅘⅙⅚⅛⅜⅝⅞]`;
const LEADS = String.raw`(?:about|around|some|close to|over|under|at least|at most|more than|less than|fewer than|up to)\s+`;

const QUANTITY = new RegExp(
  [
    // "about an eighth", "close to ½", "about 3", "a third", "two thirds", "a few"
    String.raw`\b(?:${LEADS})?(?:a|an|one|${NUMBER_WORDS})[\s-]+(?:${FRACTION_WORDS})\b`,
    String.raw`\b(?:${LEADS})(?:${NUMERIC}|(?:${NUMBER_WORDS})\b)`,
    String.raw`\ban?\s+(?:minute|hour|day)\b`,
    String.raw`\ba\s+(?:few|handful|fraction|majority|minority)\b`,
    String.raw`\b(?:${NUMBER_WORDS}|${FRACTION_WORDS}|${VAGUE})\b`,
    String.raw`(?<![\w.\-])(?:${NUMERIC})(?![\w.]*\d)`,
  ].join('|'),
  'gi',
);

const REFERENCE = /\b(?:sections?|§|chapters?|notebooks?|exercises?|figures?|fig\.|tables?|issues?|appendix|equations?|eq\.|parts?|cells?|layers?|heads?|tokens?|rows?|columns?|positions?|blocks?|steps?|epochs?|seeds?|digits?|labels?|levels?|ids?|rungs?)\s+\d[\w.]*(?:\s*(?:,|and|or|–|-|to|&)\s*\d[\w.]*)*|§\s*\d[\w.]*/gi;
const DOTTED = /\b\d+(?:\.\d+){2,}\b/g;
const NAME_WITH_DIGITS = /\bU\+[0-9A-Fa-f]+|\b[A-Za-z][A-Za-z_]*-?\d[\w.]*|\b\d+(?:st|nd|rd|th)\b|\b\d+[A-Za-z_]+\d[\w]*/g;
const HEADING_NUMBER = /^\s*#{1,6}\s+[\d.]+(?:\s*[·:.\-–]\s*[\d.]+)*/gm;
const LIST_NUMBER = /^\s*\d+[.)](?=\s)/gm;
const QUESTION = /\bhow\s+(?:many|much|few)\b/gi;
const YEAR = /\bet al\.?,?\s(?:1[89]|20)\d\d[a-z]?\b|(?:\(|\bin\s|\bsince\s|,\s)(?:1[89]|20)\d\d(?=\s*[).,;:]|\s*$)|\((?:1[89]|20)\d\d[a-z]?\)/gi;

/** Spans of the masked text that are fixed by form (references, names, section numbers, years). */
function fixedByForm(masked: string): { start: number; end: number }[] {
  const spans: { start: number; end: number }[] = [];
  for (const re of [REFERENCE, DOTTED, NAME_WITH_DIGITS, YEAR, HEADING_NUMBER, LIST_NUMBER, QUESTION]) {
    for (const m of masked.matchAll(re)) spans.push({ start: m.index!, end: m.index! + m[0].length });
  }
  return spans;
}

/** The quantities in [start, end) of the masked text, less those fixed by form. */
function quantitiesIn(masked: string, start: number, end: number, fixed: { start: number; end: number }[]): Quantity[] {
  const found: Quantity[] = [];
  const slice = masked.slice(0, end);
  QUANTITY.lastIndex = start;
  for (let m = QUANTITY.exec(slice); m !== null; m = QUANTITY.exec(slice)) {
    if (m[0].trim() === '') { QUANTITY.lastIndex++; continue; }
    const lead = m[0].length - m[0].trimStart().length;
    const q = { text: m[0].trim().replace(/\s+/g, ' '), start: m.index + lead, end: m.index + m[0].trimEnd().length };
    if (!fixed.some((f) => f.start <= q.start && q.end <= f.end)) found.push(q);
  }
  return found;
}

/** The phrases of the cell's `<!-- fixed: … -->` markers. */
export function fixedPhrases(source: string): string[] {
  const phrases: string[] = [];
  for (const m of source.matchAll(FIXED_MARKER)) {
    for (const p of m[1].split(/[;\n]/)) if (p.trim() !== '') phrases.push(p.trim());
  }
  return phrases;
}

/** Split one markdown cell into sentences, each with the quantities it states. */
export function proseCell(source: string): ProseCell {
  const masked = proseMask(source);
  const fixed = fixedByForm(masked);
  const sentences = sentenceSpans(masked).map(({ start, end }) => ({
    text: source.slice(start, end).replace(/\s+/g, ' '),
    start,
    end,
    quantities: quantitiesIn(masked, start, end, fixed),
  }));
  return { source, sentences, fixed: fixedPhrases(source) };
}

/**
 * Text as phrases are matched: lower case, no emphasis marks, typographic quotes and spaces made
 * plain, white space collapsed. Returns the normal form and, for each of its characters, the
 * offset in `text` it came from.
 */
export function normalForm(text: string): { text: string; from: number[] } {
  let out = '';
  const from: number[] = [];
  let lastSpace = true;
  for (let i = 0; i < text.length; i++) {
    let c = text[i];
    if (c === '*' || c === '_' || c === '`') continue;
    if (/[‘’]/.test(c)) c = "'";
    else if (/[“”]/.test(c)) c = '"';
    else if (/\s|\u00a0|\u202f|\u2009/.test(c)) c = ' ';
    if (c === ' ') {
      if (lastSpace) continue;
      lastSpace = true;
    } else {
      lastSpace = false;
    }
    out += c.toLowerCase();
    from.push(i);
  }
  if (out.endsWith(' ')) {
    out = out.slice(0, -1);
    from.pop();
  }
  return { text: out, from };
}

/** Every place `phrase` occurs in `text` (both in normal form), as [start, end) offsets of `text`. */
export function findPhrase(text: string, phrase: string): { start: number; end: number }[] {
  const hay = normalForm(text);
  const needle = normalForm(phrase).text;
  if (needle === '') return [];
  const spans: { start: number; end: number }[] = [];
  for (let at = hay.text.indexOf(needle); at >= 0; at = hay.text.indexOf(needle, at + 1)) {
    spans.push({ start: hay.from[at], end: hay.from[at + needle.length - 1] + 1 });
  }
  return spans;
}
