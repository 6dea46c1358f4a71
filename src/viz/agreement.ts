/**
 * "The file is not taken on trust": numbers that must agree (a result measured again against the
 * results file, a results file against a manifest), shown as one table and checked, the chapter
 * stopping with the rows that disagree. Chapter 04 checks its corpus results this way.
 */
import { showTable } from './table';

/** One comparison for checkAgreement: two numbers that must agree within a tolerance. */
export interface Agreement {
  /** What is compared, e.g. "broad LM: measured here / the results file". */
  readonly what: string;
  /** The first number (e.g. measured here). */
  readonly a: number;
  /** The second number (e.g. from the results file). */
  readonly b: number;
  /** Largest |a − b| allowed. */
  readonly tolerance: number;
}

/** Show the comparisons; throw an Error naming every one that differs by more than its tolerance. */
export function checkAgreement(rows: readonly Agreement[], opts: { caption?: string } = {}): void {
  const judged = rows.map((r) => ({ ...r, diff: Math.abs(r.a - r.b), ok: Math.abs(r.a - r.b) <= r.tolerance }));
  showTable(judged.map((r) => ({ compared: r.what, a: r.a, b: r.b, '|a − b|': r.diff, allowed: r.tolerance, agree: r.ok ? 'yes' : 'NO' })),
    { digits: 4, caption: opts.caption });
  const bad = judged.filter((r) => !r.ok);
  if (bad.length > 0) throw new Error(`these numbers disagree: ${bad.map((r) => `${r.what} (${r.a} against ${r.b}, allowed ${r.tolerance})`).join('; ')}`);
}
