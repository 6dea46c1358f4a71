// HTML exports that work with the network off (issue 19).
//
// nbconvert's lab template loads require.js and MathJax from a CDN, so an export opened offline shows
// every formula as raw LaTeX. scripts/execute_notebook.py exports with our template
// (scripts/nbconvert/lgpt-offline: the lab template minus those scripts, with a placeholder where
// MathJax was), and makeOffline() below puts KaTeX there: katex.min.js, its auto-render extension
// and its CSS with the fonts inlined as data: URLs, all read from node_modules/katex. The page then
// typesets $…$, $$…$$, \(…\), \[…\] and \begin{equation}… in markdown cells when it loads, with
// nothing fetched. A formula KaTeX cannot typeset is reported on the browser console
// (scripts/views-smoke.js fails on console errors) and left as text.
//
//   node scripts/offline-html.js out/02-self-attention.html   post-process one export in place
//
// It also titles the page with its chapter (the notebook's first heading) instead of nbconvert's "Notebook".
'use strict';
const fs = require('fs');
const path = require('path');

const PLACEHOLDER = '<!-- lgpt:offline-math -->';

function katexDist() {
  return path.join(path.dirname(require.resolve('katex/package.json')), 'dist');
}

/** katex.min.css with each @font-face's sources replaced by its woff2 file as a data: URL. */
function inlineKatexCss() {
  const dist = katexDist();
  const css = fs.readFileSync(path.join(dist, 'katex.min.css'), 'utf8');
  return css.replace(/src:([^;}]*)/g, (whole, sources) => {
    const woff2 = /url\((fonts\/[^)]+\.woff2)\)/.exec(sources);
    if (!woff2) return whole;
    const data = fs.readFileSync(path.join(dist, woff2[1])).toString('base64');
    return `src:url(data:font/woff2;base64,${data}) format("woff2")`;
  });
}

/** Delimiters as JupyterLab's MathJax reads them (longest first, so $$ wins over $). */
const DELIMITERS = [
  { left: '$$', right: '$$', display: true },
  { left: '\\[', right: '\\]', display: true },
  { left: '\\begin{equation}', right: '\\end{equation}', display: true },
  { left: '\\begin{equation*}', right: '\\end{equation*}', display: true },
  { left: '\\begin{align}', right: '\\end{align}', display: true },
  { left: '\\begin{align*}', right: '\\end{align*}', display: true },
  { left: '\\begin{gather}', right: '\\end{gather}', display: true },
  { left: '$', right: '$', display: false },
  { left: '\\(', right: '\\)', display: false },
];

/** What replaces the placeholder: KaTeX, auto-render, and the call that typesets markdown cells. */
function mathHead() {
  const dist = katexDist();
  const js = (f) => fs.readFileSync(path.join(dist, f), 'utf8').replace(/<\/script/gi, '<\\/script');
  const options = { delimiters: DELIMITERS, throwOnError: true };
  return [
    '<!-- KaTeX ' + require('katex/package.json').version + ' (MIT), inlined from node_modules/katex: formulas typeset offline -->',
    `<style type="text/css">${inlineKatexCss()}</style>`,
    `<script type="text/javascript">${js('katex.min.js')}</script>`,
    `<script type="text/javascript">${js('contrib/auto-render.min.js')}</script>`,
    '<script type="text/javascript">',
    '(function () {',
    `  var options = ${JSON.stringify(options)};`,
    '  options.errorCallback = function (message, error) { console.error("KaTeX could not typeset " + message, String(error)); };',
    '  function typeset() {',
    '    var cells = document.querySelectorAll(".jp-RenderedMarkdown");',
    '    for (var i = 0; i < cells.length; i++) renderMathInElement(cells[i], options);',
    '    document.body.setAttribute("data-lgpt-math", "katex");',
    '  }',
    '  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", typeset); else typeset();',
    '})();',
    '</script>',
  ].join('\n');
}

/**
 * References that would make the browser fetch something from the network: script, link, img,
 * iframe, source elements with an http(s) or protocol-relative address, and CSS @import of one.
 * Plain links (<a href>) are not fetched and are not listed.
 */
function externalFetches(html) {
  const found = [];
  const tag = /<(script|link|img|iframe|source|video|audio|embed)\b[^>]*?\s(?:src|href)\s*=\s*["']((?:https?:)?\/\/[^"']+)["']/gi;
  let m;
  while ((m = tag.exec(html)) !== null) found.push(`<${m[1].toLowerCase()}> ${m[2]}`);
  const imports = /@import\s+(?:url\()?["']?((?:https?:)?\/\/[^"')\s]+)/gi;
  while ((m = imports.exec(html)) !== null) found.push(`@import ${m[1]}`);
  return found;
}

/**
 * The chapter's title: the text of the first heading in the export's first markdown cell (the
 * notebook's `# NN · …` line), its markup and nbconvert's "¶" anchor link removed; null without one.
 * The text stays HTML-escaped, as it was in the page, so it can go straight into <title>.
 */
function chapterTitle(html) {
  const start = html.indexOf('jp-RenderedMarkdown');
  if (start < 0) return null;
  const m = /<h([1-6])\b[^>]*>([\s\S]*?)<\/h\1>/i.exec(html.slice(start));
  if (!m) return null;
  const text = m[2]
    .replace(/<a\b[^>]*class="anchor-link"[^>]*>[\s\S]*?<\/a>/gi, '')
    .replace(/<[^>]*>/g, '')
    .replace(/\s+/g, ' ')
    .trim();
  return text === '' ? null : text;
}

/**
 * The page titled with its chapter: nbconvert titles every export made from a notebook object
 * "Notebook" (it has no file name to use), so browser tabs and bookmarks could not tell the
 * chapters apart. Only the document's own <title> in <head> is replaced, not an SVG's.
 */
function setTitle(html, title) {
  const headEnd = html.search(/<\/head>/i);
  const head = headEnd < 0 ? html : html.slice(0, headEnd);
  const m = /<title>[\s\S]*?<\/title>/i.exec(head);
  const tag = `<title>${title}</title>`;
  if (m) return html.slice(0, m.index) + tag + html.slice(m.index + m[0].length);
  if (headEnd < 0) return html;
  return html.slice(0, headEnd) + tag + html.slice(headEnd);
}

/**
 * The export with KaTeX in place of the placeholder, titled with its chapter (chapterTitle);
 * throws if the export was not made with our template.
 */
function makeOffline(html) {
  if (!html.includes(PLACEHOLDER)) throw new Error(`no ${PLACEHOLDER} in the export: it was not made with scripts/nbconvert/lgpt-offline`);
  const head = mathHead();
  const title = chapterTitle(html);
  const titled = title === null ? html : setTitle(html, title);
  return titled.replace(PLACEHOLDER, () => head);
}

/** Post-process one exported file in place; returns the network references left in it (none expected). */
function makeOfflineFile(file) {
  const html = makeOffline(fs.readFileSync(file, 'utf8'));
  fs.writeFileSync(file, html);
  return externalFetches(html);
}

if (require.main === module) {
  let bad = 0;
  for (const f of process.argv.slice(2)) {
    const left = makeOfflineFile(f);
    console.log(`${f}: ${left.length === 0 ? 'offline' : `still fetches ${left.join(', ')}`}`);
    if (left.length > 0) bad++;
  }
  process.exit(bad > 0 ? 1 : 0);
}

module.exports = { PLACEHOLDER, DELIMITERS, chapterTitle, externalFetches, inlineKatexCss, makeOffline, makeOfflineFile, mathHead, setTitle };
