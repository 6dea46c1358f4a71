/**
 * The frame every interactive view shares: one self-contained HTML fragment (a root element, its
 * CSS, its data, and the script that brings it to life), with no network, no widget extension and
 * no library in the page.
 *
 * Why this shape works in all three places a notebook is read:
 * - JupyterLab runs the <script> elements of a text/html output when the output is trusted: an
 *   output made in this session always is; a saved notebook is when its signature matches (see
 *   scripts/execute_notebook.py, which signs the notebooks `npm start` executes).
 * - An nbconvert HTML export (out/*.html) puts the fragment into the page as is; the browser runs
 *   the script while parsing.
 * - Without JavaScript (an untrusted notebook, GitHub's viewer) the tokens and a line saying the
 *   view needs JavaScript remain: the server-side HTML is readable on its own.
 *
 * JupyterLab may run the script before it attaches the output to the document, so the script
 * looks its root up by id and retries for a few seconds (as the plotly figures do, see plotly.ts).
 * Data travels as JSON inside the script (scriptJson: no `</script>` can end it early); token text
 * is escaped once here (escapeHtml) and set as text by the scripts, never parsed as HTML.
 *
 * Hooks for tests and readers' own scripts: the root carries `data-lgpt-view` (the view's kind)
 * and `data-lgpt-ready="1"` once its script ran; token elements carry `data-token-index`.
 */
import { uniqueId } from './display';
import { scriptJson } from './plotly';

/** The four kinds of view; the value of the root's data-lgpt-view attribute. */
export type ViewKind = 'attention-head' | 'attention-model' | 'next-token' | 'pixel-attention';

/** Text as HTML text or attribute value: & < > " ' escaped. */
export function escapeHtml(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');
}

/** Round for embedding: attention weights need no more than 4 significant digits on screen. */
export function roundWeights(x: number, digits = 4): number {
  return x === 0 ? 0 : Number(x.toPrecision(digits));
}

/**
 * The viridis colour map (plotly's 'Viridis', used by the static heatmaps) as a JS function
 * `lgptViridis(t)` → 'rgb(r,g,b)' for t in [0, 1], so the interactive maps match the static ones.
 */
export const VIRIDIS_JS = `
var LGPT_VIRIDIS = [[68,1,84],[72,40,120],[62,73,137],[49,104,142],[38,130,142],[31,158,137],[53,183,121],[110,206,88],[181,222,43],[253,231,37]];
function lgptViridis(t) {
  t = t < 0 ? 0 : t > 1 ? 1 : t;
  var x = t * (LGPT_VIRIDIS.length - 1), i = Math.min(Math.floor(x), LGPT_VIRIDIS.length - 2), f = x - i;
  var a = LGPT_VIRIDIS[i], b = LGPT_VIRIDIS[i + 1];
  return 'rgb(' + Math.round(a[0] + f * (b[0] - a[0])) + ',' + Math.round(a[1] + f * (b[1] - a[1])) + ',' + Math.round(a[2] + f * (b[2] - a[2])) + ')';
}`;

/** CSS shared by every view, scoped to view roots so it cannot restyle the notebook. */
const BASE_CSS = `
[data-lgpt-view] { font-family: system-ui, -apple-system, "Segoe UI", sans-serif; font-size: 13px; color: #222; background: #fff; padding: 8px; border: 1px solid #ddd; border-radius: 4px; max-width: 100%; overflow-x: auto; }
[data-lgpt-view] .lgpt-title { font-weight: 600; margin-bottom: 6px; }
[data-lgpt-view] .lgpt-controls { display: flex; flex-wrap: wrap; gap: 14px; align-items: center; margin-bottom: 8px; }
[data-lgpt-view] .lgpt-controls label { display: inline-flex; gap: 6px; align-items: center; }
[data-lgpt-view] .lgpt-hint { color: #666; font-size: 12px; margin-top: 6px; }
[data-lgpt-view] .lgpt-nojs { color: #a33; font-size: 12px; }
[data-lgpt-view][data-lgpt-ready] .lgpt-nojs { display: none; }
[data-lgpt-view] .lgpt-tok { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; white-space: pre; cursor: pointer; }`;

/** Attention maps as the views take them: [layer][head][query][key]. */
export type AttentionMaps = readonly (readonly (readonly (readonly number[])[])[])[];

/** Checks maps[layer][head] are T × T for T tokens, every layer with the same heads; returns L and nh. */
export function checkAttentionMaps(maps: AttentionMaps, T: number, who: string): { layers: number; heads: number } {
  if (maps.length === 0 || maps[0].length === 0) throw new RangeError(`${who}: no attention maps (expected [layer][head][query][key])`);
  const heads = maps[0].length;
  maps.forEach((layer, l) => {
    if (layer.length !== heads) throw new RangeError(`${who}: layer ${l} has ${layer.length} heads, layer 0 has ${heads}`);
    layer.forEach((m, h) => {
      if (m.length !== T || m.some((row) => row.length !== T)) throw new RangeError(`${who}: layer ${l}, head ${h} is not ${T} × ${T} (one row and column per token)`);
    });
  });
  return { layers: maps.length, heads };
}

export interface ViewParts {
  readonly kind: ViewKind;
  /** The view's own CSS (scoped by the caller with `[data-lgpt-view="kind"]`). */
  readonly css: string;
  /** Server-side HTML inside the root: already escaped. */
  readonly body: string;
  /** JSON-able data handed to the script as `data`. */
  readonly data: unknown;
  /** JS source of `function (root, data) { ... }` that wires the view up. */
  readonly script: string;
  /** Extra JS placed before the view function (shared helpers such as VIRIDIS_JS). */
  readonly helpers?: string;
  readonly id?: string;
}

/**
 * Assemble a view: `<div data-lgpt-view=kind id=…>` with CSS, body and the boot script. The script
 * runs `script(root, data)` once (data-lgpt-ready guards against a second run, e.g. the same
 * output shown twice); an error in it reaches the browser console, where the browser tests look.
 */
export function viewHtml(parts: ViewParts): string {
  const id = parts.id ?? uniqueId(`lgpt-${parts.kind}`);
  return [
    `<div id="${escapeHtml(id)}" class="lgpt-view" data-lgpt-view="${parts.kind}">`,
    `<style>${BASE_CSS}${parts.css}</style>`,
    parts.body,
    '<div class="lgpt-nojs">This view is interactive: it needs JavaScript (in JupyterLab, a trusted notebook).</div>',
    '</div>',
    '<script type="text/javascript">',
    '(function () {',
    parts.helpers ?? '',
    `  var view = ${parts.script.trim()};`,
    `  var data = ${scriptJson(parts.data)};`,
    '  var tries = 0;',
    '  function boot() {',
    `    var root = document.getElementById(${JSON.stringify(id)});`,
    '    if (!root) { if (++tries < 200) setTimeout(boot, 50); return; }',
    '    if (root.getAttribute("data-lgpt-ready")) return;',
    '    root.setAttribute("data-lgpt-ready", "1");',
    '    view(root, data);',
    '  }',
    '  boot();',
    '})();',
    '</script>',
  ].join('\n');
}
