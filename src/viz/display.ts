/**
 * Rich output in a tslab notebook, and a plain-text stand-in everywhere else.
 *
 * Inside the tslab kernel every helper in viz/ shows HTML, PNG or Markdown through tslab's display
 * API. In plain Node (tests, the CLI, a script) the same calls print a one-line text summary, so
 * code written for a notebook never crashes outside one.
 *
 * We find the kernel by looking for tslab's `jupyter.js` in the module cache instead of
 * `require('tslab')`: the kernel that runs the notebook may be a different tslab install than the
 * one next to dist/, and only the running one can send outputs. Loading tslab also pulls in its
 * TypeScript compiler (slow), which plain Node never needs.
 */
import { randomBytes } from 'crypto';
import * as path from 'path';
import type { Display } from 'tslab';

/** One output: several representations of the same thing; the front end picks the richest. */
export type MimeBundle = Readonly<Record<string, unknown>>;

/** Where outputs go: a display area that can show a bundle, and replace it when live. */
export interface OutputSink {
  show(bundle: MimeBundle, displayId?: string, update?: boolean): void;
}

/** The parts of tslab's internal jupyter module we use (tslab 1.0.22, pinned in package.json). */
interface TslabJupyter {
  lastWriteDisplayData: ((data: { data: MimeBundle; metadata: object; transient: object }, update: boolean) => void) | null;
}

let testSink: OutputSink | null = null;

/** Route every output to `sink` (tests); `null` restores the normal behaviour. */
export function setOutputSink(sink: OutputSink | null): void {
  testSink = sink;
}

function tslabJupyterPath(): string | undefined {
  return Object.keys(require.cache).find((k) => /[\\/]tslab[\\/]dist[\\/]jupyter\.js$/.test(k));
}

/** True when this code runs inside a tslab kernel (a notebook, `npm start`, `npm run lab`). */
export function inNotebook(): boolean {
  return tslabJupyterPath() !== undefined;
}

/** The running kernel's tslab public API (display, newDisplay), or null outside a kernel. */
export function tslabApi(): { display: Display; newDisplay(): Display } | null {
  const jupyterPath = tslabJupyterPath();
  return jupyterPath === undefined ? null : require(path.join(path.dirname(jupyterPath), 'public.js'));
}

/** A short text version of a bundle for a terminal: its text/plain, or what kind of output it was. */
export function bundleSummary(bundle: MimeBundle): string {
  const plain = bundle['text/plain'];
  if (typeof plain === 'string') return plain;
  const markdown = bundle['text/markdown'];
  if (typeof markdown === 'string') return markdown;
  const kinds = Object.keys(bundle).join(', ');
  return `[${kinds} output; open it in a notebook to see it]`;
}

/** Prints the text summary: what a bundle becomes outside a notebook. */
const consoleSink: OutputSink = {
  show(bundle, _displayId, update) {
    if (!update) console.log(bundleSummary(bundle));
  },
};

/** Sends a bundle through the kernel; falls back to one representation per call if tslab changed. */
const kernelSink: OutputSink = {
  show(bundle, displayId, update = false) {
    const jupyterPath = tslabJupyterPath();
    const jupyter: TslabJupyter | null = jupyterPath === undefined ? null : require(jupyterPath);
    if (jupyter?.lastWriteDisplayData) {
      // tslab's public API sends one MIME type per output; a bundle needs the message it is made of.
      jupyter.lastWriteDisplayData({ data: bundle, metadata: {}, transient: displayId ? { display_id: displayId } : {} }, update);
      return;
    }
    const api = tslabApi();
    const richest = Object.keys(bundle).find((k) => k !== 'text/plain') ?? 'text/plain';
    const value = bundle[richest];
    api?.display.raw(richest, typeof value === 'string' ? value : JSON.stringify(value));
  },
};

/** True when outputs reach a notebook (or a test sink) rather than a terminal. */
export function richOutput(): boolean {
  return testSink !== null || inNotebook();
}

function currentSink(): OutputSink {
  return testSink ?? (inNotebook() ? kernelSink : consoleSink);
}

/** Show one output (all representations in `bundle`). */
export function showBundle(bundle: MimeBundle): void {
  currentSink().show(bundle);
}

/**
 * Show `html` as a cell output (text/html), with `plainText` for a terminal or a viewer that
 * cannot show HTML (default "[HTML output]"). The HTML is shown as given: escape any text in it.
 */
export function showHtml(html: string, plainText = '[HTML output]'): void {
  showBundle({ 'text/html': html, 'text/plain': plainText });
}

/** Show `markdown` as a cell output (text/markdown; its source as plain text elsewhere). */
export function showMarkdown(markdown: string): void {
  showBundle({ 'text/markdown': markdown, 'text/plain': markdown });
}

/** A display area that a later call replaces in place (a live loss curve, a progress line). */
export interface LiveOutput {
  /** Show `bundle` in place of what this output showed before (the first call shows it). */
  update(bundle: MimeBundle): void;
}

/** A new live output. Nothing is shown until the first `update`. */
export function liveOutput(): LiveOutput {
  const displayId = uniqueId('lgpt-live');
  let shown = false;
  return {
    update(bundle) {
      currentSink().show(bundle, displayId, shown);
      shown = true;
    },
  };
}

/** A unique id for a display or an HTML element; random, since saved outputs of old sessions share a page. */
export function uniqueId(prefix: string): string {
  return `${prefix}-${randomBytes(6).toString('hex')}`;
}
