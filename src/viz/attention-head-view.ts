/**
 * The head view (after bertviz's): the tokens twice, queries on the left and keys on the right,
 * with a line from query i to key j as strong as the weight i gives j. Layer and head selectors;
 * hovering a token shows only its lines (a query's: where it looks; a key's: who looks at it),
 * clicking pins that choice until the next click.
 *
 *   const maps = lg.attentionMaps(model, ids);              // [layer][head][query][key]
 *   lg.showAttentionHeadView(maps, ids.map((id) => tok.decode([id])), { layer: 3, head: 1 });
 *
 * Everything is in one HTML output (view-html.ts): no network, works in JupyterLab and in the
 * HTML export.
 */
import { showBundle } from './display';
import { tokenLabel } from './heatmap';
import { type AttentionMaps, checkAttentionMaps, escapeHtml, roundWeights, viewHtml } from './view-html';

/** What showAttentionHeadView shows first. All optional. */
export interface AttentionHeadViewOptions {
  /** Title shown above the view. */
  readonly title?: string;
  /** Layer shown first (default 0). */
  readonly layer?: number;
  /** Head shown first, or 'mean' for the mean over heads (default 0). */
  readonly head?: number | 'mean';
  /** Lines for weights below this are not drawn (default 0.01): they would be invisible anyway. */
  readonly minWeight?: number;
  /** Start with this query token pinned (e.g. a classifier's `<e>`: where it looks); a click releases it. */
  readonly focusQuery?: number;
}

/** Pixel height of one token row; lines end at the middle of a row. */
const ROW = 22;
/** Pixel width of the band the lines cross. */
const BAND = 160;

const CSS = `
[data-lgpt-view="attention-head"] .lgpt-columns { display: flex; align-items: flex-start; }
[data-lgpt-view="attention-head"] .lgpt-col { display: flex; flex-direction: column; }
[data-lgpt-view="attention-head"] .lgpt-col-query { align-items: flex-end; }
[data-lgpt-view="attention-head"] .lgpt-col .lgpt-tok { height: ${ROW}px; line-height: ${ROW}px; padding: 0 5px; max-width: 180px; overflow: hidden; text-overflow: ellipsis; border-radius: 3px; }
[data-lgpt-view="attention-head"] .lgpt-col .lgpt-tok.lgpt-focus { outline: 2px solid #d62728; }
[data-lgpt-view="attention-head"] .lgpt-col-head { height: ${ROW}px; line-height: ${ROW}px; color: #666; font-size: 11px; padding: 0 5px; }
[data-lgpt-view="attention-head"] svg.lgpt-lines { flex: none; margin-top: ${ROW}px; }`;

/** The view's script: draws the lines for the chosen layer, head and focused token. */
const SCRIPT = `function (root, d) {
  var T = d.tokens.length, ROW = d.row, W = d.band;
  var svg = root.querySelector('svg.lgpt-lines');
  var layerSel = root.querySelector('[data-lgpt-control="layer"]');
  var headSel = root.querySelector('[data-lgpt-control="head"]');
  var left = root.querySelectorAll('.lgpt-col-query .lgpt-tok');
  var right = root.querySelectorAll('.lgpt-col-key .lgpt-tok');
  var focus = d.focusQuery === null ? null : { side: 'query', index: d.focusQuery }, pinned = focus !== null;
  root.setAttribute('data-lgpt-pinned', pinned ? '1' : '');
  function matrix() {
    var heads = d.attention[+layerSel.value];
    if (headSel.value !== 'mean') return heads[+headSel.value];
    var m = [];
    for (var i = 0; i < T; i++) {
      m.push([]);
      for (var j = 0; j < T; j++) { var s = 0; for (var h = 0; h < heads.length; h++) s += heads[h][i][j]; m[i].push(s / heads.length); }
    }
    return m;
  }
  function draw() {
    var w = matrix(), out = [];
    for (var i = 0; i < T; i++) for (var j = 0; j < T; j++) {
      if (focus && (focus.side === 'query' ? i !== focus.index : j !== focus.index)) continue;
      var v = w[i][j];
      if (!(v >= d.minWeight)) continue;
      out.push('<line x1="2" y1="' + (i * ROW + ROW / 2) + '" x2="' + (W - 2) + '" y2="' + (j * ROW + ROW / 2) +
        // With one token in focus its few lines get a floor of opacity, so weak ones stay visible.
        '" stroke="#1f77b4" stroke-opacity="' + Math.min(1, focus ? 0.15 + v : v).toFixed(3) + '" stroke-width="' + (focus ? 1 + 3 * v : 1.5).toFixed(2) +
        '" data-from="' + i + '" data-to="' + j + '" data-weight="' + v + '"></line>');
    }
    svg.innerHTML = out.join('');
    for (var k = 0; k < T; k++) {
      left[k].classList.remove('lgpt-focus'); right[k].classList.remove('lgpt-focus');
      left[k].style.background = ''; right[k].style.background = '';
    }
    if (focus) {
      (focus.side === 'query' ? left : right)[focus.index].classList.add('lgpt-focus');
      var other = focus.side === 'query' ? right : left;
      for (var n = 0; n < T; n++) {
        var x = focus.side === 'query' ? w[focus.index][n] : w[n][focus.index];
        other[n].style.background = 'rgba(31,119,180,' + Math.min(1, x).toFixed(3) + ')';
      }
    }
    root.setAttribute('data-lgpt-focus', focus ? focus.side + ':' + focus.index : '');
  }
  function bind(list, side) {
    Array.prototype.forEach.call(list, function (el) {
      var index = +el.getAttribute('data-token-index');
      el.addEventListener('mouseenter', function () { if (!pinned) { focus = { side: side, index: index }; draw(); } });
      el.addEventListener('mouseleave', function () { if (!pinned) { focus = null; draw(); } });
      el.addEventListener('click', function () {
        if (pinned && focus && focus.side === side && focus.index === index) { pinned = false; focus = null; }
        else { pinned = true; focus = { side: side, index: index }; }
        root.setAttribute('data-lgpt-pinned', pinned ? '1' : '');
        draw();
      });
    });
  }
  bind(left, 'query');
  bind(right, 'key');
  layerSel.addEventListener('change', draw);
  headSel.addEventListener('change', draw);
  draw();
}`;

function options(values: readonly (number | string)[], labels: readonly string[], selected: number | string): string {
  return values.map((v, i) => `<option value="${escapeHtml(String(v))}"${String(v) === String(selected) ? ' selected' : ''}>${escapeHtml(labels[i])}</option>`).join('');
}

function tokenColumn(tokens: readonly string[], side: 'query' | 'key', heading: string): string {
  const items = tokens.map((t, i) =>
    `<div class="lgpt-tok" data-token-index="${i}" data-side="${side}" title="${escapeHtml(`${i}: ${JSON.stringify(t)}`)}">${escapeHtml(tokenLabel(t))}</div>`);
  return `<div class="lgpt-col lgpt-col-${side}"><div class="lgpt-col-head">${heading}</div>${items.join('')}</div>`;
}

/** The head view as one HTML fragment. `attention[layer][head][query][key]`, T = tokens.length. */
export function attentionHeadViewHtml(attention: AttentionMaps, tokens: readonly string[], opts: AttentionHeadViewOptions = {}): string {
  const { layers, heads } = checkAttentionMaps(attention, tokens.length, 'attentionHeadView');
  const layer = opts.layer ?? 0;
  const head = opts.head ?? 0;
  if (!(Number.isInteger(layer) && layer >= 0 && layer < layers)) throw new RangeError(`attentionHeadView: layer ${layer} is not in 0…${layers - 1}`);
  if (head !== 'mean' && !(Number.isInteger(head) && head >= 0 && head < heads)) throw new RangeError(`attentionHeadView: head ${head} is not in 0…${heads - 1} or 'mean'`);
  const focusQuery = opts.focusQuery ?? null;
  if (focusQuery !== null && !(Number.isInteger(focusQuery) && focusQuery >= 0 && focusQuery < tokens.length)) throw new RangeError(`attentionHeadView: focusQuery ${focusQuery} is not a token (0…${tokens.length - 1})`);
  const layerIdx = Array.from({ length: layers }, (_, l) => l);
  const headIdx: (number | string)[] = [...Array.from({ length: heads }, (_, h) => h), 'mean'];
  const title = opts.title ?? 'attention, head view';
  const body = [
    `<div class="lgpt-title">${escapeHtml(title)}</div>`,
    '<div class="lgpt-controls">',
    `<label>layer <select data-lgpt-control="layer">${options(layerIdx, layerIdx.map(String), layer)}</select></label>`,
    `<label>head <select data-lgpt-control="head">${options(headIdx, headIdx.map((h) => (h === 'mean' ? 'mean of heads' : String(h))), head)}</select></label>`,
    '</div>',
    '<div class="lgpt-columns">',
    tokenColumn(tokens, 'query', 'query'),
    `<svg class="lgpt-lines" width="${BAND}" height="${ROW * tokens.length}" viewBox="0 0 ${BAND} ${ROW * tokens.length}"></svg>`,
    tokenColumn(tokens, 'key', 'key (attended to)'),
    '</div>',
    '<div class="lgpt-hint">Hover a token to see only its attention (left: where it looks; right: who looks at it); click to pin, click again to release.</div>',
  ].join('\n');
  return viewHtml({
    kind: 'attention-head',
    css: CSS,
    body,
    script: SCRIPT,
    data: { tokens, row: ROW, band: BAND, minWeight: opts.minWeight ?? 0.01, focusQuery, attention: attention.map((l) => l.map((h) => h.map((r) => r.map((w) => roundWeights(w))))) },
  });
}

/**
 * Show the head view (after bertviz's) in the notebook: the tokens twice, queries on the left and
 * keys on the right, a line from query i to key j as strong as the weight i gives j, with layer
 * and head selectors; hovering a token shows only its lines. `attention` is attentionMaps' output,
 * [layer][head][query][key]; `tokens` label the positions. Self-contained HTML (no network);
 * a one-line summary outside a notebook.
 */
export function showAttentionHeadView(attention: AttentionMaps, tokens: readonly string[], opts: AttentionHeadViewOptions = {}): void {
  const html = attentionHeadViewHtml(attention, tokens, opts);
  const summary = `[attention head view: ${attention.length} layers × ${attention[0].length} heads, ${tokens.length} tokens]`;
  showBundle({ 'text/html': html, 'text/plain': summary });
}
