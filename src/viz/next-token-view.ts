/**
 * The next-token view (after Transformer Explainer's): for a prompt and a chosen position, the
 * likeliest next tokens as bars, with temperature, top-k and top-p sliders applied live in the page.
 *
 *   const ids = tok.encode('Call me Ishmael. Some years ago');
 *   lg.showNextTokenView(ids.map((id) => tok.decode([id])), lg.logitsAt(model, ids, [ids.length - 1]),
 *     (id) => tok.decode([id]));
 *
 * The page holds the model's raw logits (all V of them, so the softmax is over the real vocabulary)
 * and recomputes the probabilities in JavaScript on every slider move. That JavaScript,
 * SAMPLING_PROBABILITIES_JS, is the same arithmetic as samplingProbabilities in
 * src/generate/sampling.ts, operation for operation; test/viz-views.test.ts runs both on the same
 * logits and asks for equal numbers, so what the sliders show is what `sample lm` would draw from.
 */
import { showBundle } from './display';
import { tokenLabel } from './heatmap';
import { escapeHtml, viewHtml } from './view-html';

/** Logits of the token that follows `position` (an index into the prompt's tokens). */
export interface PositionLogits {
  /** Index of the position in the prompt (0-based). */
  readonly position: number;
  /** The logits for the token after it, V numbers. */
  readonly logits: ArrayLike<number>;
}

/** What showNextTokenView shows first. All optional. */
export interface NextTokenViewOptions {
  /** Title shown above the view. */
  readonly title?: string;
  /** How many candidate tokens get a bar (default 12). */
  readonly top?: number;
  /** Where the sliders start (defaults: temperature 1, top-k 0 = off, top-p 1 = off). */
  readonly temperature?: number;
  /** Where the top-k slider starts (0 = off). */
  readonly topK?: number;
  /** Where the top-p slider starts (1 = off). */
  readonly topP?: number;
}

/**
 * samplingProbabilities (src/generate/sampling.ts) in plain JavaScript for the page. Same steps in
 * the same order, so the same float64 results: keep the two in step (the test compares them).
 */
export const SAMPLING_PROBABILITIES_JS = `function lgptSamplingProbabilities(logits, opts) {
  var V = logits.length, i;
  var temperature = opts.temperature === undefined ? 1 : opts.temperature;
  var probs = new Float64Array(V);
  if (temperature <= 0) {
    var best = 0;
    for (i = 1; i < V; i++) if (logits[i] > logits[best]) best = i;
    probs[best] = 1;
    return probs;
  }
  var max = -Infinity;
  for (i = 0; i < V; i++) max = Math.max(max, logits[i]);
  var sum = 0;
  for (i = 0; i < V; i++) { probs[i] = Math.exp((logits[i] - max) / temperature); sum += probs[i]; }
  for (i = 0; i < V; i++) probs[i] /= sum;
  var topK = opts.topK === undefined ? 0 : opts.topK;
  var topP = opts.topP === undefined ? 1 : opts.topP;
  if ((topK > 0 && topK < V) || topP < 1) {
    var order = [];
    for (i = 0; i < V; i++) order.push(i);
    order.sort(function (a, b) { return probs[b] - probs[a] || a - b; });
    var keep = new Uint8Array(V);
    var cum = 0;
    for (var r = 0; r < V; r++) {
      if (topK > 0 && r >= topK) break;
      keep[order[r]] = 1;
      cum += probs[order[r]];
      if (cum >= topP) break;
    }
    var kept = 0;
    for (i = 0; i < V; i++) { if (!keep[i]) probs[i] = 0; kept += probs[i]; }
    for (i = 0; i < V; i++) probs[i] /= kept;
  }
  return probs;
}`;

const CSS = `
[data-lgpt-view="next-token"] .lgpt-prompt { margin-bottom: 8px; line-height: 1.9; }
[data-lgpt-view="next-token"] .lgpt-prompt .lgpt-tok { padding: 1px 3px; border-radius: 3px; background: #f3f3f3; cursor: default; }
[data-lgpt-view="next-token"] .lgpt-prompt .lgpt-tok.lgpt-has-logits { background: #e4eef8; cursor: pointer; }
[data-lgpt-view="next-token"] .lgpt-prompt .lgpt-tok.lgpt-chosen { outline: 2px solid #d62728; }
[data-lgpt-view="next-token"] input[type=range] { width: 140px; }
[data-lgpt-view="next-token"] output { font-family: ui-monospace, monospace; min-width: 3.5em; display: inline-block; }
[data-lgpt-view="next-token"] .lgpt-bar-row { display: grid; grid-template-columns: 140px 1fr 64px; align-items: center; gap: 8px; height: 22px; }
[data-lgpt-view="next-token"] .lgpt-bar-label { text-align: right; font-family: ui-monospace, monospace; white-space: pre; overflow: hidden; text-overflow: ellipsis; }
[data-lgpt-view="next-token"] .lgpt-bar-track { background: #f1f1f1; height: 16px; }
[data-lgpt-view="next-token"] .lgpt-bar { background: #1f77b4; height: 16px; transition: width 0.15s; }
[data-lgpt-view="next-token"] .lgpt-bar-row.lgpt-cut .lgpt-bar-label { color: #aaa; text-decoration: line-through; }
[data-lgpt-view="next-token"] .lgpt-bar-value { font-family: ui-monospace, monospace; font-size: 12px; }
[data-lgpt-view="next-token"] .lgpt-summary { color: #444; font-size: 12px; margin-top: 6px; }`;

const SCRIPT = `function (root, d) {
  window.lgptSamplingProbabilities = lgptSamplingProbabilities;
  var temp = root.querySelector('[data-lgpt-control="temperature"]');
  var topK = root.querySelector('[data-lgpt-control="top-k"]');
  var topP = root.querySelector('[data-lgpt-control="top-p"]');
  var bars = root.querySelector('.lgpt-bars'), summary = root.querySelector('.lgpt-summary');
  var chosen = d.positions.length - 1;
  function label(t) { return t.replace(/ /g, '\\u2423').replace(/\\n/g, '\\u21b5').replace(/\\t/g, '\\u21e5') || '\\u2205'; }
  function settings() { return { temperature: +temp.value, topK: +topK.value, topP: +topP.value }; }
  function draw() {
    var s = settings(), p = d.positions[chosen];
    root.querySelector('output[data-for="temperature"]').textContent = s.temperature === 0 ? '0 (greedy)' : s.temperature.toFixed(2);
    root.querySelector('output[data-for="top-k"]').textContent = s.topK === 0 ? 'off' : String(s.topK);
    root.querySelector('output[data-for="top-p"]').textContent = s.topP >= 1 ? 'off' : s.topP.toFixed(2);
    var probs = lgptSamplingProbabilities(p.logits, s);
    var kept = 0, shown = 0;
    for (var i = 0; i < probs.length; i++) if (probs[i] > 0) kept++;
    bars.innerHTML = '';
    p.top.forEach(function (id) {
      var row = document.createElement('div'), lab = document.createElement('div'), track = document.createElement('div'), bar = document.createElement('div'), val = document.createElement('div');
      row.className = 'lgpt-bar-row' + (probs[id] > 0 ? '' : ' lgpt-cut');
      row.setAttribute('data-candidate-id', String(id));
      row.setAttribute('data-prob', String(probs[id]));
      lab.className = 'lgpt-bar-label'; lab.textContent = label(d.vocab[id]); lab.title = JSON.stringify(d.vocab[id]) + ' (id ' + id + ')';
      track.className = 'lgpt-bar-track'; bar.className = 'lgpt-bar'; bar.style.width = (100 * probs[id]).toFixed(2) + '%';
      val.className = 'lgpt-bar-value'; val.textContent = (100 * probs[id]).toFixed(1) + ' %';
      track.appendChild(bar); row.appendChild(lab); row.appendChild(track); row.appendChild(val); bars.appendChild(row);
      shown += probs[id];
    });
    summary.textContent = 'after ' + JSON.stringify(label(d.tokens[p.position])) + ' (position ' + p.position + '): ' + kept + ' of ' + probs.length +
      ' tokens can be drawn; the ' + p.top.length + ' shown hold ' + (100 * shown).toFixed(1) + ' %';
    Array.prototype.forEach.call(root.querySelectorAll('.lgpt-prompt .lgpt-tok'), function (el) {
      el.classList.toggle('lgpt-chosen', +el.getAttribute('data-token-index') === p.position);
    });
    root.setAttribute('data-lgpt-position', String(p.position));
  }
  Array.prototype.forEach.call(root.querySelectorAll('.lgpt-prompt .lgpt-tok.lgpt-has-logits'), function (el) {
    el.addEventListener('click', function () {
      var pos = +el.getAttribute('data-token-index');
      d.positions.forEach(function (p, k) { if (p.position === pos) chosen = k; });
      draw();
    });
  });
  [temp, topK, topP].forEach(function (el) { el.addEventListener('input', draw); });
  draw();
}`;

/** Candidate ids by logit, largest first (ties: smaller id first), the order probabilities keep at any temperature. */
export function topByLogit(logits: ArrayLike<number>, n: number): number[] {
  return Array.from({ length: logits.length }, (_, i) => i).sort((a, b) => logits[b] - logits[a] || a - b).slice(0, n);
}

function slider(name: string, text: string, min: number, max: number, step: number, value: number): string {
  return `<label>${text} <input type="range" data-lgpt-control="${name}" min="${min}" max="${max}" step="${step}" value="${value}"><output data-for="${name}"></output></label>`;
}

/**
 * The next-token view as one HTML fragment. `tokens`: the prompt as text, one entry per token;
 * `positions`: the logits after some of those positions (the last one is shown first; clicking
 * another highlighted token switches to it); `decode(id)`: the text of a token id.
 */
export function nextTokenViewHtml(tokens: readonly string[], positions: readonly PositionLogits[], decode: (id: number) => string, opts: NextTokenViewOptions = {}): string {
  if (positions.length === 0) throw new RangeError('nextTokenView: no positions with logits');
  const V = positions[0].logits.length;
  for (const p of positions) {
    if (!(Number.isInteger(p.position) && p.position >= 0 && p.position < tokens.length)) throw new RangeError(`nextTokenView: position ${p.position} is not a token of the prompt (0…${tokens.length - 1})`);
    if (p.logits.length !== V) throw new RangeError(`nextTokenView: position ${p.position} has ${p.logits.length} logits, position ${positions[0].position} has ${V}`);
  }
  const top = Math.min(opts.top ?? 12, V);
  const data = positions.map((p) => ({ position: p.position, logits: Array.from(p.logits), top: topByLogit(p.logits, top) }));
  const vocab: Record<number, string> = {};
  for (const p of data) for (const id of p.top) vocab[id] = decode(id);
  const withLogits = new Set(positions.map((p) => p.position));
  const prompt = tokens.map((t, i) =>
    `<span class="lgpt-tok${withLogits.has(i) ? ' lgpt-has-logits' : ''}" data-token-index="${i}" title="${escapeHtml(`${i}: ${JSON.stringify(t)}`)}">${escapeHtml(tokenLabel(t))}</span>`).join('');
  const body = [
    `<div class="lgpt-title">${escapeHtml(opts.title ?? 'next token')}</div>`,
    `<div class="lgpt-prompt">${prompt}</div>`,
    '<div class="lgpt-controls">',
    slider('temperature', 'temperature', 0, 2, 0.05, opts.temperature ?? 1),
    slider('top-k', 'top-k', 0, Math.min(V, 50), 1, opts.topK ?? 0),
    slider('top-p', 'top-p', 0.05, 1, 0.01, opts.topP ?? 1),
    '</div>',
    '<div class="lgpt-bars"></div>',
    '<div class="lgpt-summary"></div>',
    `<div class="lgpt-hint">The model's ${V} logits are in the page; the sliders recompute the probabilities as sampling does (src/generate/sampling.ts). Temperature 0 is greedy; top-k 0 and top-p 1 switch those filters off.</div>`,
  ].join('\n');
  return viewHtml({ kind: 'next-token', css: CSS, body, helpers: SAMPLING_PROBABILITIES_JS, script: SCRIPT, data: { tokens, positions: data, vocab } });
}

/**
 * Show the next-token view (after Transformer Explainer's) in the notebook: for a chosen position
 * of the prompt `tokens`, the likeliest next tokens as bars, with temperature, top-k and top-p
 * sliders applied live in the page to the raw logits `positions` carries (from logitsAt; all V of
 * them). `decode` names a token id. A one-line summary outside a notebook.
 */
export function showNextTokenView(tokens: readonly string[], positions: readonly PositionLogits[], decode: (id: number) => string, opts: NextTokenViewOptions = {}): void {
  const html = nextTokenViewHtml(tokens, positions, decode, opts);
  const last = positions[positions.length - 1];
  const best = topByLogit(last.logits, 3).map((id) => JSON.stringify(decode(id))).join(', ');
  showBundle({ 'text/html': html, 'text/plain': `[next-token view: after position ${last.position}, likeliest ${best}]` });
}
