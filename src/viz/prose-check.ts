/**
 * The stale-prose check: every number and quantitative word in an executed notebook's markdown is
 * either covered by a claim that a code cell asserted (`lg.claims`, claims.ts) or marked as a fixed
 * fact (`<!-- fixed: … -->`, prose-quantities.ts). Prose rendered by a code cell (lg.showMarkdown)
 * is an output and is not checked: it comes from the results.
 *
 * It reads the executed notebook (out/NN-*.ipynb, written by `npm start`), so the claims are the
 * ones this run computed. scripts/check-prose.js runs it on every chapter; `npm start` and CI run
 * that script. A problem names the cell (its index in the notebook, as JupyterLab counts from 0)
 * and the sentence.
 */
import { CLAIMS_MARKER, CLAIMS_MIME, type ClaimsRecord } from './claims';
import { findPhrase, proseCell, type Sentence } from './prose-quantities';

/** The parts of an .ipynb file the check reads. */
export interface NotebookJson {
  readonly cells?: readonly {
    readonly cell_type: string;
    readonly source: string | readonly string[];
    readonly outputs?: readonly { readonly output_type?: string; readonly name?: string; readonly text?: string | readonly string[]; readonly data?: Readonly<Record<string, unknown>> }[];
  }[];
}

export interface ProseProblem {
  /** Index of the cell (from 0), or null for a claim that names no cell. */
  readonly cell: number | null;
  readonly sentence: string;
  readonly message: string;
}

export interface ProseReport {
  readonly markdownCells: number;
  readonly sentences: number;
  /** Sentences that state at least one quantity. */
  readonly quantitative: number;
  /** Of those, the ones whose every quantity is covered. */
  readonly covered: number;
  /** Quantities covered by a claim, and by a fixed-fact marker. */
  readonly byClaims: number;
  readonly byFixed: number;
  /** Claims asserted in the notebook, and those whose text and `covers` match no prose (paraphrases). */
  readonly claims: number;
  readonly paraphrases: number;
  /** Whether the claims were made in fast mode (null: the notebook made none). */
  readonly fast: boolean | null;
  readonly problems: readonly ProseProblem[];
}

const text = (src: string | readonly string[] | undefined): string => (Array.isArray(src) ? src.join('') : String(src ?? ''));

/** Every claims record in the notebook's outputs (the MIME bundle, or the marker line on stdout). */
export function collectClaims(nb: NotebookJson): { cell: number; record: ClaimsRecord }[] {
  const found: { cell: number; record: ClaimsRecord }[] = [];
  (nb.cells ?? []).forEach((cell, i) => {
    for (const out of cell.outputs ?? []) {
      const value = out.data?.[CLAIMS_MIME];
      if (value !== undefined) found.push({ cell: i, record: (typeof value === 'string' ? JSON.parse(value) : value) as ClaimsRecord });
      if (out.output_type === 'stream' && out.name === 'stdout') {
        for (const line of text(out.text).split('\n')) {
          if (line.startsWith(CLAIMS_MARKER + ' ')) found.push({ cell: i, record: JSON.parse(line.slice(CLAIMS_MARKER.length + 1)) as ClaimsRecord });
        }
      }
    }
  });
  return found;
}

/**
 * A preview without executing: the string literals of every code cell that calls `lg.claims`
 * (the call's own and those of a list it is given), as claims that were not checked (recorded as
 * fast mode, so that they cover without failing). A literal with `${…}` is cut at the first
 * substitution. `check-prose.js --source` uses it on the committed notebooks, to see what is left
 * to cover before a long run; only the executed notebook decides.
 */
export function claimsFromSource(nb: NotebookJson): { cell: number; record: ClaimsRecord }[] {
  const found: { cell: number; record: ClaimsRecord }[] = [];
  (nb.cells ?? []).forEach((cell, i) => {
    const src = text(cell.source);
    if (cell.cell_type !== 'code' || !src.includes('lg.claims(')) return;
    const code = src.replace(/(^|[^:'"`])\/\/[^\n]*/g, '$1'); // comments out (an apostrophe there is not a quote)
    const literals = [...code.matchAll(/'((?:[^'\\\n]|\\.)*)'|"((?:[^"\\\n]|\\.)*)"|`((?:[^`\\]|\\.)*)`/g)]
      .map((m) => (m[1] ?? m[2] ?? m[3]).split('${')[0].replace(/\\n/g, '\n').replace(/\\(.)/g, '$1'))
      .filter((t) => t.trim().length >= 3);
    if (literals.length > 0) {
      found.push({ cell: i, record: { fast: true, normalModeOnly: true, claims: literals.map((t) => ({ text: t, covers: [], holds: true, checked: false })) } });
    }
  });
  return found;
}

/** The cell's source with HTML comments blanked, so a phrase is not found inside its own marker. */
function withoutComments(source: string): string {
  return source.replace(/<!--[\s\S]*?-->/g, (c) => c.replace(/[^\n]/g, ' '));
}

const short = (s: string, n = 160): string => (s.length <= n ? s : s.slice(0, n - 1) + '…');

/** Check one executed notebook. */
export function checkProse(nb: NotebookJson, options: { fromSource?: boolean } = {}): ProseReport {
  const cells = (nb.cells ?? []).map((c, index) => ({ index, type: c.cell_type, source: text(c.source) }));
  const markdown = cells.filter((c) => c.type === 'markdown').map((c) => ({ ...c, prose: proseCell(c.source), searchable: withoutComments(c.source) }));
  const problems: ProseProblem[] = [];

  // Where each claim's phrases occur in the prose: cell index → spans.
  const claimSpans = new Map<number, { start: number; end: number }[]>();
  const records = options.fromSource ? claimsFromSource(nb) : collectClaims(nb);
  let claimCount = 0;
  let paraphrases = 0;
  let fast: boolean | null = null;
  for (const { cell, record } of records) {
    fast = (fast ?? false) || record.fast;
    for (const claim of record.claims) {
      claimCount++;
      if (claim.checked && !claim.holds) problems.push({ cell, sentence: claim.text, message: 'the claim is false' });
      if (!claim.checked && !record.fast) problems.push({ cell, sentence: claim.text, message: `the claim was not checked in normal mode${record.skipped ? ` (${record.skipped})` : ''}` });
      const phrases = claim.covers.length > 0 ? claim.covers : [claim.text];
      let matched = false;
      for (const phrase of phrases) {
        let found = false;
        for (const m of markdown) {
          const spans = findPhrase(m.searchable, phrase);
          if (spans.length > 0) {
            found = true;
            claimSpans.set(m.index, [...(claimSpans.get(m.index) ?? []), ...spans]);
          }
        }
        if (!found && claim.covers.length > 0) problems.push({ cell, sentence: claim.text, message: `the claim covers "${phrase}", which no markdown cell says` });
        matched ||= found;
      }
      if (!matched && claim.covers.length === 0) paraphrases++;
    }
  }

  let sentences = 0;
  let quantitative = 0;
  let covered = 0;
  let byClaims = 0;
  let byFixed = 0;
  for (const m of markdown) {
    const fixedSpans = m.prose.fixed.flatMap((phrase) => {
      const spans = findPhrase(m.searchable, phrase);
      if (spans.length === 0) problems.push({ cell: m.index, sentence: phrase, message: 'a fixed-fact marker names a phrase the cell does not say' });
      return spans;
    });
    const claimed = claimSpans.get(m.index) ?? [];
    const inside = (q: { start: number; end: number }, spans: { start: number; end: number }[]) => spans.some((s) => s.start <= q.start && q.end <= s.end);
    for (const s of m.prose.sentences as Sentence[]) {
      sentences++;
      if (s.quantities.length === 0) continue;
      quantitative++;
      const open: string[] = [];
      for (const q of s.quantities) {
        if (inside(q, claimed)) byClaims++;
        else if (inside(q, fixedSpans)) byFixed++;
        else open.push(q.text);
      }
      if (open.length === 0) covered++;
      else problems.push({ cell: m.index, sentence: short(s.text), message: `no claim or fixed-fact marker covers ${open.map((q) => `"${q}"`).join(', ')}` });
    }
  }
  return { markdownCells: markdown.length, sentences, quantitative, covered, byClaims, byFixed, claims: claimCount, paraphrases, fast, problems };
}

/** One line for a chapter: `01-tokenization  34/34 sentences with a quantity covered (…)`. */
export function proseSummaryLine(name: string, r: ProseReport): string {
  const status = r.problems.length === 0 ? 'ok' : `${r.problems.length} problem${r.problems.length > 1 ? 's' : ''}`;
  return `${name}: ${r.covered}/${r.quantitative} sentences with a quantity covered (quantities: ${r.byClaims} by claims, ${r.byFixed} fixed; ` +
    `${r.sentences} sentences in ${r.markdownCells} markdown cells; ${r.claims} claims${r.fast ? ', fast mode' : ''}) — ${status}`;
}

/** The problem lines: `  cell[36]: "sentence…": no claim … covers "a few"`. */
export function proseProblemLines(r: ProseReport): string[] {
  return r.problems.map((p) => `  ${p.cell === null ? '' : `cell[${p.cell}]: `}"${p.sentence}": ${p.message}`);
}
