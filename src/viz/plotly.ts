/**
 * Plotly figures in a notebook.
 *
 * plotly.js cannot run in Node (it needs `self`, `document`), so a figure is a plain JSON spec that
 * the notebook's browser page draws. The page has no plotly.js of its own: the first figure of a
 * kernel session first shows plotly.min.js inlined into an HTML output (4.8 MB, once per session,
 * no network needed), then each figure is a <div> plus a few lines of script calling
 * `Plotly.newPlot`. Saved notebooks and their HTML exports (out/*.html) keep that first output,
 * so they draw without a server too.
 *
 * Figure builders (lineFigure, attentionHeatmapFigure, ...) return specs; `showPlot` displays one
 * and `saveFigure` (save-figure.ts) renders one to a PNG file for the README.
 */
import * as fs from 'fs';
import { richOutput, showBundle, showHtml, uniqueId } from './display';

/** One plotly trace (`{type: 'scatter', x, y}`, `{type: 'heatmap', z}`, ...), as plotly.js takes it. */
export interface Trace {
  /** plotly's trace type: 'scatter' (the default), 'bar', 'heatmap', …; the other fields are that type's. */
  readonly type?: string;
  readonly [key: string]: unknown;
}

/** A plotly figure spec: what `Plotly.newPlot(div, data, layout, config)` takes. */
export interface Figure {
  /** The traces, drawn in order (later ones on top). */
  readonly data: readonly Trace[];
  /** Titles, axes, size (`width`/`height` in px, default 720 × 420), legend, annotations: plotly's layout object. */
  readonly layout?: Readonly<Record<string, unknown>>;
  /** plotly's config object (mode bar, responsiveness); rarely needed. */
  readonly config?: Readonly<Record<string, unknown>>;
}

/** Pixel size a figure asks for (layout.width/height), with the defaults used everywhere. */
export function figureSize(fig: Figure): { width: number; height: number } {
  const num = (v: unknown, d: number): number => (typeof v === 'number' && v > 0 ? v : d);
  return { width: num(fig.layout?.width, 720), height: num(fig.layout?.height, 420) };
}

/** JSON that is safe inside a <script> element: no `</script>` can close it early. */
export function scriptJson(value: unknown): string {
  return JSON.stringify(value).replace(/</g, '\\u003c').replace(/\u2028/g, '\\u2028').replace(/\u2029/g, '\\u2029');
}

/** The <script> element that defines window.Plotly, read from the installed plotly.js-dist-min. */
export function plotlyScriptTag(): string {
  const source = fs.readFileSync(require.resolve('plotly.js-dist-min/plotly.min.js'), 'utf8');
  return `<script type="text/javascript">${source}</script>`;
}

/**
 * A self-contained HTML fragment for one figure: a div and the script that draws into it.
 * The script waits for window.Plotly (the loader output may still be parsing) and, if it never
 * comes, says how to get it back instead of leaving an empty box.
 */
export function figureHtml(fig: Figure, id = uniqueId('lgpt-plot')): string {
  const { height } = figureSize(fig);
  const config = { responsive: true, displaylogo: false, ...fig.config };
  return [
    `<div id="${id}" style="width:100%;height:${height}px">plotly figure (needs the plotly.js output of this session)</div>`,
    '<script type="text/javascript">',
    '(function () {',
    `  var data = ${scriptJson(fig.data)}, layout = ${scriptJson(fig.layout ?? {})}, config = ${scriptJson(config)};`,
    '  var tries = 0;',
    '  function draw() {',
    `    var el = document.getElementById(${JSON.stringify(id)});`,
    '    if (!el) return;',
    '    if (window.Plotly) { el.textContent = ""; window.Plotly.newPlot(el, data, layout, config); return; }',
    '    if (++tries < 200) { setTimeout(draw, 50); return; }',
    '    el.textContent = "plotly.js is not loaded in this page: run lg.loadPlotly() in a cell, then this cell again.";',
    '  }',
    '  draw();',
    '})();',
    '</script>',
  ].join('\n');
}

let plotlyShown = false;

/** Show plotly.js in the notebook (done for you by the first figure; call it after reloading the page). */
export function loadPlotly(): void {
  showHtml(plotlyScriptTag(), 'plotly.js loaded');
  plotlyShown = true;
}

/** Load plotly.js once per kernel session (module state resets when the kernel restarts). */
export function ensurePlotly(): void {
  if (!plotlyShown && richOutput()) loadPlotly();
}

/** A one-line description of a figure for terminals: its title and traces. */
export function figureSummary(fig: Figure): string {
  const title = fig.layout?.title;
  const text = typeof title === 'string' ? title : typeof title === 'object' && title !== null ? String((title as { text?: unknown }).text ?? '') : '';
  const traces = fig.data.map((t) => t.type ?? 'scatter').join(', ');
  return `[plotly figure${text ? ` "${text}"` : ''}: ${traces}]`;
}

/**
 * Display a figure in the notebook, interactive (plotly.js travels with the first figure of a
 * kernel session, so no network is needed); outside a notebook, a one-line text summary.
 */
export function showPlot(fig: Figure): void {
  ensurePlotly();
  showBundle(figureBundle(fig));
}

/** Just the bundle for a figure, for live outputs that replace themselves (see line.ts). */
export function figureBundle(fig: Figure): Record<string, string> {
  return { 'text/html': figureHtml(fig), 'text/plain': figureSummary(fig) };
}
