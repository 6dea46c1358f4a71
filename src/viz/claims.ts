/**
 * Checked claims: the sentences of a chapter's prose that state a number or a quantity, asserted
 * against the data in the cell that computes it.
 *
 *   lg.claims([
 *     ['about an eighth', labelShare > 0.1 && labelShare < 0.15],
 *     ['close to ½', probs.every((p) => Math.abs(p - 0.5) < 0.1)],
 *     ['naive Bayes wins at every N', nbWins, 'most reliably'],  // a paraphrase, and the prose phrase it covers
 *   ]);
 *
 * Each claim is `[text, holds]` or `[text, holds, covers]`. `text` is a phrase of the chapter's
 * markdown (matched case-insensitively, ignoring emphasis and line breaks), or a paraphrase with
 * `covers` naming the phrase(s) of the prose it vouches for. The cell prints a ✓/✗ line per claim
 * and throws on the first false one, so a stale sentence stops `npm start` at the cell that knows.
 *
 * Fast mode (`LGPT_FAST=1`) trains smaller models, so a claim about a live run need not hold
 * there: pass `{ normalModeOnly: true }` and in fast mode its claims are shown as "not checked
 * (fast mode)" instead of failing. Claims computed from committed result files hold in both modes
 * and take no option. `{ skip: 'why' }` shows the claims unchecked with the reason (a results file
 * that is incomplete); the prose check fails on them in normal mode.
 *
 * The same output carries the claims as JSON under CLAIMS_MIME (outside a kernel: one line
 * `CLAIMS_MARKER {json}` on stdout), which scripts/check-prose.js reads from the executed notebook
 * to know which phrases of the prose are covered (src/viz/prose-check.ts).
 */
import { richOutput, showBundle } from './display';
import { isFast } from './protocol';
import { escapeHtml } from './view-html';

export const CLAIMS_MIME = 'application/vnd.literate-gpt.claims+json';
export const CLAIMS_MARKER = 'LGPT_CLAIMS';

/** `[text, holds]` or `[text, holds, covers]`: covers is the phrase (or phrases) of the prose the claim vouches for. */
export type Claim = readonly [text: string, holds: boolean, covers?: string | readonly string[]];

/** When claims are checked. Both optional: by default every claim is checked, in every mode. */
export interface ClaimsOptions {
  /** The claims are about a live run of normal size: in fast mode they are shown, not checked. */
  readonly normalModeOnly?: boolean;
  /** Show the claims unchecked, with this reason (e.g. a results file that is not complete). */
  readonly skip?: string;
}

/** One claim as the executed notebook records it. */
export interface ClaimRecord {
  readonly text: string;
  readonly covers: readonly string[];
  readonly holds: boolean;
  /** False when the claim was shown but not asserted (fast mode with normalModeOnly, or skip). */
  readonly checked: boolean;
}

/** What one `claims` call records under CLAIMS_MIME. */
export interface ClaimsRecord {
  readonly fast: boolean;
  readonly normalModeOnly: boolean;
  readonly skipped?: string;
  readonly claims: readonly ClaimRecord[];
}

/** An error that names every false claim. */
export class ClaimError extends Error {
  constructor(readonly failed: readonly string[]) {
    super(`claim${failed.length > 1 ? 's' : ''} no longer true: ${failed.map((t) => `"${t}"`).join('; ')}`);
    this.name = 'ClaimError';
  }
}

/** The record of a claims call, without showing or throwing (tests, and `claims` itself). */
export function claimsRecord(list: readonly Claim[], options: ClaimsOptions = {}, fast = isFast()): ClaimsRecord {
  if (list.length === 0) throw new TypeError('claims: give at least one [text, holds] pair');
  const records = list.map(([text, holds, covers]): ClaimRecord => {
    if (typeof text !== 'string' || text.trim() === '') throw new TypeError('claims: each claim needs its text');
    if (typeof holds !== 'boolean') throw new TypeError(`claims: "${text}" must come with a boolean (got ${String(holds)})`);
    const phrases = covers === undefined ? [] : typeof covers === 'string' ? [covers] : [...covers];
    return { text, covers: phrases, holds, checked: options.skip === undefined && !(fast && options.normalModeOnly === true) };
  });
  return {
    fast,
    normalModeOnly: options.normalModeOnly === true,
    ...(options.skip !== undefined ? { skipped: options.skip } : {}),
    claims: records,
  };
}

function mark(c: ClaimRecord): string {
  return !c.checked ? '–' : c.holds ? '✓' : '✗';
}

function note(record: ClaimsRecord): string {
  if (record.skipped !== undefined) return `not checked: ${record.skipped}`;
  if (record.fast && record.normalModeOnly) return 'not checked in fast mode (the claims are about the normal-size run)';
  return '';
}

/** The readable lines: one ✓/✗/– per claim, then why the unchecked ones were not checked. */
export function claimsText(record: ClaimsRecord): string {
  const lines = record.claims.map((c) => `${mark(c)} ${c.text}${c.covers.length > 0 ? `  (covers: ${c.covers.join('; ')})` : ''}`);
  const why = note(record);
  return [...lines, ...(why ? [`(${why})`] : [])].join('\n');
}

/** The output bundle: a table, its text version, and the record for the prose check. */
export function claimsBundle(record: ClaimsRecord): Record<string, unknown> {
  const rows = record.claims.map((c) => {
    const color = !c.checked ? '#777' : c.holds ? '#1a7f37' : '#cf222e';
    return `<tr><td style="color:${color};text-align:center">${mark(c)}</td><td style="text-align:left">${escapeHtml(c.text)}</td></tr>`;
  });
  const why = note(record);
  return {
    [CLAIMS_MIME]: record,
    'text/html': `<table><thead><tr><th></th><th style="text-align:left">claim${why ? ` (${escapeHtml(why)})` : ''}</th></tr></thead><tbody>${rows.join('')}</tbody></table>`,
    'text/plain': claimsText(record),
  };
}

/** The stdout line used outside a kernel. */
export function claimsLine(record: ClaimsRecord): string {
  return `${CLAIMS_MARKER} ${JSON.stringify(record)}`;
}

/**
 * Show the claims a chapter's prose makes, checked, and throw a ClaimError if a checked one is
 * false. Returns nothing, so that a cell ending in it shows only the table (tslab prints a cell's
 * last value); `claimsRecord` gives the record without showing it.
 */
export function claims(list: readonly Claim[], options: ClaimsOptions = {}): void {
  const record = claimsRecord(list, options);
  if (richOutput()) {
    showBundle(claimsBundle(record));
  } else {
    console.log(claimsText(record));
    console.log(claimsLine(record));
  }
  const failed = record.claims.filter((c) => c.checked && !c.holds).map((c) => c.text);
  if (failed.length > 0) throw new ClaimError(failed);
}
