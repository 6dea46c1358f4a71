/**
 * Tables: danfojs DataFrames (or plain rows) as HTML in a notebook, as aligned text elsewhere.
 *
 *   const dfd = lg.loadDanfo();
 *   lg.showTable(new dfd.DataFrame([{ model: 'naive Bayes', accuracy: 0.973 }]));
 *   lg.showTable([{ model: 'majority', accuracy: 0.68 }]);          // rows work without danfojs
 *
 * danfojs 1.2 is the browser build run in Node: `danfojs-node` cannot install here (a tarball
 * URL dependency and tfjs-node 3.x), and `readCSV` needs XMLHttpRequest, so parse files yourself.
 * danfojs declares its types only through an `exports` map, which node10 module resolution (ours
 * and tslab's TypeScript 5.0.4) ignores: the type import below names the file, and the value is
 * `require`d. danfo's own `print()`/`toString()` wrap long tables in box characters that read
 * poorly in a notebook, hence this renderer.
 */
import type * as Danfo from 'danfojs/dist/danfojs-browser/src/index';
import { showBundle } from './display';

/** What a table needs: a danfojs DataFrame satisfies this, so does `{columns, values}`. */
export interface TableLike {
  /** Column names, in order. */
  readonly columns: readonly string[];
  /** The rows, each an array of cells in column order. */
  readonly values: readonly unknown[];
  /** Row labels (a DataFrame's index), shown as a first column unless they are just 0, 1, 2, …. */
  readonly index?: readonly (string | number)[];
}

export type Row = Readonly<Record<string, unknown>>;

/** danfojs, typed (see the note at the top of this file). Loads on first call: it takes a second. */
export function loadDanfo(): typeof Danfo {
  return require('danfojs');
}

/** Rows → {columns, values}; columns in order of first appearance, missing cells empty. */
export function rowsToTable(rows: readonly Row[]): TableLike {
  const columns = [...new Set(rows.flatMap((r) => Object.keys(r)))];
  return { columns, values: rows.map((r) => columns.map((c) => r[c])) };
}

function cellText(v: unknown, digits: number): string {
  if (v === undefined || v === null) return '';
  if (typeof v === 'number' && !Number.isInteger(v)) return v.toFixed(digits);
  return String(v);
}

function escapeHtml(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/** A matrix of cell strings, including the index column when the table has a non-default index. */
function cells(table: TableLike, digits: number): { header: string[]; body: string[][] } {
  // A Series-like 1-D `values` becomes one column.
  const rows = table.values.map((r) => (Array.isArray(r) ? r : [r]));
  const index = table.index;
  const showIndex = index !== undefined && index.some((v, i) => v !== i);
  const header = showIndex ? ['', ...table.columns] : [...table.columns];
  const body = rows.map((r, i) => [...(showIndex ? [String(index[i])] : []), ...r.map((v) => cellText(v, digits))]);
  return { header, body };
}

/** How showTable formats a table. */
export interface TableOptions {
  /** Decimals for non-integer numbers (default 4). */
  readonly digits?: number;
  /** Show at most this many rows (default 50); the rest are counted in a footer. */
  readonly maxRows?: number;
  /** A caption shown with the table. */
  readonly caption?: string;
}

export function tableHtml(table: TableLike | readonly Row[], options: TableOptions = {}): string {
  const t = Array.isArray(table) ? rowsToTable(table as readonly Row[]) : (table as TableLike);
  const { header, body } = cells(t, options.digits ?? 4);
  const maxRows = options.maxRows ?? 50;
  const shown = body.slice(0, maxRows);
  const num = (s: string): boolean => s !== '' && !Number.isNaN(Number(s));
  const td = (s: string): string => `<td style="text-align:${num(s) ? 'right' : 'left'}">${escapeHtml(s)}</td>`;
  return [
    '<table>',
    options.caption ? `<caption>${escapeHtml(options.caption)}</caption>` : '',
    `<thead><tr>${header.map((h) => `<th>${escapeHtml(h)}</th>`).join('')}</tr></thead>`,
    `<tbody>${shown.map((r) => `<tr>${r.map(td).join('')}</tr>`).join('')}</tbody>`,
    body.length > maxRows ? `<tfoot><tr><td colspan="${header.length}">… ${body.length - maxRows} more rows</td></tr></tfoot>` : '',
    '</table>',
  ].join('');
}

/** Aligned plain text, for terminals and the text/plain part of the output. */
export function tableText(table: TableLike | readonly Row[], options: TableOptions = {}): string {
  const t = Array.isArray(table) ? rowsToTable(table as readonly Row[]) : (table as TableLike);
  const { header, body } = cells(t, options.digits ?? 4);
  const shown = body.slice(0, options.maxRows ?? 50);
  const widths = header.map((h, c) => Math.max(h.length, ...shown.map((r) => (r[c] ?? '').length)));
  const line = (r: string[]): string => r.map((s, c) => s.padEnd(widths[c])).join('  ').trimEnd();
  const more = body.length > shown.length ? [`… ${body.length - shown.length} more rows`] : [];
  return [...(options.caption ? [options.caption] : []), line(header), ...shown.map(line), ...more].join('\n');
}

/**
 * Show a table: HTML in a notebook, aligned text elsewhere. `table` is an array of row objects
 * (the columns are the keys, in first-seen order) or a danfo DataFrame; numbers that are not
 * integers get `digits` decimals (default 4), and at most `maxRows` rows (default 50) are shown.
 */
export function showTable(table: TableLike | readonly Row[], options: TableOptions = {}): void {
  showBundle({ 'text/html': tableHtml(table, options), 'text/plain': tableText(table, options) });
}
