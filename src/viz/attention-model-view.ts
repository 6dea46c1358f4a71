/**
 * The model view (after bertviz's): every layer × head at once as small attention maps, one row per
 * layer; clicking one opens it large underneath, with the tokens on both axes and the weight of the
 * cell under the pointer. It answers "which heads do something different?" at a glance, the head
 * view (attention-head-view.ts) then shows one head in detail.
 *
 *   lg.showAttentionModelView(lg.attentionMaps(model, ids), tokens);
 *
 * Colours are plotly's Viridis on a fixed 0…1 scale, as in the static heatmaps (heatmap.ts).
 */
import { showBundle } from './display';
import { tokenLabel } from './heatmap';
import { type AttentionMaps, checkAttentionMaps, escapeHtml, roundWeights, viewHtml, VIRIDIS_JS } from './view-html';

/** What showAttentionModelView shows first. All optional. */
export interface AttentionModelViewOptions {
  /** Title shown above the view. */
  readonly title?: string;
  /** The map opened large at first, or null for none (default: layer 0, head 0). */
  readonly open?: { readonly layer: number; readonly head: number } | null;
}

/** Side of a small map in pixels (rounded down to whole pixels per token). */
const SMALL = 96;

const CSS = `
[data-lgpt-view="attention-model"] .lgpt-grid { display: grid; width: max-content; gap: 6px; align-items: center; justify-items: center; }
[data-lgpt-view="attention-model"] .lgpt-grid .lgpt-axis { color: #666; font-size: 11px; text-align: center; }
[data-lgpt-view="attention-model"] canvas.lgpt-small { cursor: pointer; border: 2px solid transparent; image-rendering: pixelated; }
[data-lgpt-view="attention-model"] canvas.lgpt-small.lgpt-selected { border-color: #d62728; }
[data-lgpt-view="attention-model"] .lgpt-large { margin-top: 10px; }
[data-lgpt-view="attention-model"] .lgpt-large table { border-collapse: collapse; }
[data-lgpt-view="attention-model"] .lgpt-large td.lgpt-cell { width: 14px; height: 14px; padding: 0; }
[data-lgpt-view="attention-model"] .lgpt-large th { font-weight: normal; font-size: 11px; padding: 0 4px; }
[data-lgpt-view="attention-model"] .lgpt-large th.lgpt-colhead { writing-mode: vertical-rl; transform: rotate(180deg); text-align: left; padding: 4px 0; max-height: 120px; overflow: hidden; }
[data-lgpt-view="attention-model"] .lgpt-readout { min-height: 18px; font-family: ui-monospace, monospace; font-size: 12px; }`;

const SCRIPT = `function (root, d) {
  var T = d.tokens.length, px = Math.max(1, Math.floor(d.small / T));
  var smalls = root.querySelectorAll('canvas.lgpt-small');
  var large = root.querySelector('.lgpt-large'), readout = root.querySelector('.lgpt-readout');
  function paint(canvas, w) {
    canvas.width = T * px; canvas.height = T * px;
    var ctx = canvas.getContext('2d');
    for (var i = 0; i < T; i++) for (var j = 0; j < T; j++) { ctx.fillStyle = lgptViridis(w[i][j]); ctx.fillRect(j * px, i * px, px, px); }
  }
  function label(t) { return t.replace(/ /g, '\\u2423').replace(/\\n/g, '\\u21b5').replace(/\\t/g, '\\u21e5') || '\\u2205'; }
  function open(l, h) {
    Array.prototype.forEach.call(smalls, function (c) { c.classList.toggle('lgpt-selected', +c.getAttribute('data-layer') === l && +c.getAttribute('data-head') === h); });
    root.setAttribute('data-lgpt-open', l + ':' + h);
    var w = d.attention[l][h];
    var table = document.createElement('table');
    var head = table.insertRow();
    var corner = document.createElement('th'); corner.textContent = 'layer ' + l + ', head ' + h; head.appendChild(corner);
    for (var j = 0; j < T; j++) {
      var th = document.createElement('th'); th.className = 'lgpt-colhead lgpt-tok'; th.setAttribute('data-token-index', String(j));
      th.textContent = label(d.tokens[j]); head.appendChild(th);
    }
    for (var i = 0; i < T; i++) {
      var row = table.insertRow();
      var rh = document.createElement('th'); rh.className = 'lgpt-tok'; rh.style.textAlign = 'right'; rh.setAttribute('data-token-index', String(i));
      rh.textContent = label(d.tokens[i]); row.appendChild(rh);
      for (var k = 0; k < T; k++) {
        var td = row.insertCell(); td.className = 'lgpt-cell'; td.style.background = lgptViridis(w[i][k]);
        td.setAttribute('data-query', String(i)); td.setAttribute('data-key', String(k));
      }
    }
    table.addEventListener('mouseover', function (e) {
      var c = e.target;
      if (!c || !c.getAttribute || c.getAttribute('data-query') === null) return;
      var q = +c.getAttribute('data-query'), kk = +c.getAttribute('data-key');
      readout.textContent = q + ':' + label(d.tokens[q]) + ' \\u2192 ' + kk + ':' + label(d.tokens[kk]) + '   ' + w[q][kk].toFixed(3);
    });
    large.innerHTML = '';
    large.appendChild(table);
  }
  Array.prototype.forEach.call(smalls, function (c) {
    var l = +c.getAttribute('data-layer'), h = +c.getAttribute('data-head');
    paint(c, d.attention[l][h]);
    c.addEventListener('click', function () { open(l, h); });
  });
  if (d.open) open(d.open.layer, d.open.head);
}`;

/** The model view as one HTML fragment. `attention[layer][head][query][key]`, T = tokens.length. */
export function attentionModelViewHtml(attention: AttentionMaps, tokens: readonly string[], opts: AttentionModelViewOptions = {}): string {
  const { layers, heads } = checkAttentionMaps(attention, tokens.length, 'attentionModelView');
  const open = opts.open === undefined ? { layer: 0, head: 0 } : opts.open;
  if (open !== null && !(open.layer >= 0 && open.layer < layers && open.head >= 0 && open.head < heads)) {
    throw new RangeError(`attentionModelView: no layer ${open.layer}, head ${open.head} (the maps have ${layers} × ${heads})`);
  }
  const grid: string[] = ['<div class="lgpt-axis"></div>'];
  for (let h = 0; h < heads; h++) grid.push(`<div class="lgpt-axis">head ${h}</div>`);
  for (let l = 0; l < layers; l++) {
    grid.push(`<div class="lgpt-axis">layer ${l}</div>`);
    for (let h = 0; h < heads; h++) grid.push(`<canvas class="lgpt-small" data-layer="${l}" data-head="${h}" title="layer ${l}, head ${h}: click to open"></canvas>`);
  }
  const strip = tokens.map((t, i) => `<span class="lgpt-tok" data-token-index="${i}" title="${escapeHtml(`${i}: ${JSON.stringify(t)}`)}">${escapeHtml(tokenLabel(t))}</span>`).join(' ');
  const body = [
    `<div class="lgpt-title">${escapeHtml(opts.title ?? 'attention, model view')}</div>`,
    `<div class="lgpt-strip">${strip}</div>`,
    `<div class="lgpt-grid" style="grid-template-columns: auto repeat(${heads}, auto)">${grid.join('')}</div>`,
    '<div class="lgpt-hint">Rows: layers; columns: heads; each map has the queries down and the keys across. Click a map to open it.</div>',
    '<div class="lgpt-readout"></div>',
    '<div class="lgpt-large"></div>',
  ].join('\n');
  return viewHtml({
    kind: 'attention-model',
    css: CSS,
    body,
    helpers: VIRIDIS_JS,
    script: SCRIPT,
    data: { tokens, small: SMALL, open, attention: attention.map((l) => l.map((h) => h.map((r) => r.map((w) => roundWeights(w))))) },
  });
}

/**
 * Show the model view (after bertviz's) in the notebook: every layer × head at once as small
 * attention maps, one row per layer; clicking one opens it large with the tokens on both axes.
 * `attention` is attentionMaps' output, [layer][head][query][key]. A one-line summary outside a notebook.
 */
export function showAttentionModelView(attention: AttentionMaps, tokens: readonly string[], opts: AttentionModelViewOptions = {}): void {
  const html = attentionModelViewHtml(attention, tokens, opts);
  showBundle({ 'text/html': html, 'text/plain': `[attention model view: ${attention.length} layers × ${attention[0].length} heads, ${tokens.length} tokens]` });
}
