#!/usr/bin/env node
// Browser test of the interactive views and the offline HTML export (issue 19), in headless Chromium
// with playwright-core, every request that would leave the page blocked and recorded.
//
//   node scripts/views-smoke.js                  the fixture export, then every out/NN-*.html there is
//   node scripts/views-smoke.js --lab            also the four views inside JupyterLab
//   node scripts/views-smoke.js out/02-self-attention.html   only these exports (and the fixture)
//
// The fixture: the four views on the shipped models (scripts/views-fixture.js) and a markdown cell
// of formulas, exported exactly as `npm start` exports (scripts/execute_notebook.py's template,
// then scripts/offline-html.js) to out/views-smoke/views.html. On each page it checks:
//   - no request leaves the file (or, in JupyterLab, the local server), no console error;
//   - export pages: formulas typeset by KaTeX, no raw $$ … $$, \( \) or $ … $ left in markdown;
//   - head view: hovering a query token leaves only that token's lines, a key token only the lines
//     into it, the head selector changes the lines, leaving restores them;
//   - model view: a click opens that layer × head large (T × T cells), hovering a cell reads out;
//   - next-token view: the page's sampling function equals src/generate/sampling.ts on the page's
//     own logits; lowering the temperature with the keyboard sharpens the bars; top-k 3 keeps 3;
//   - pixel view: hovering another pixel repaints the attention grid.
// Screenshots of each view and each page go to out/views-smoke/. Ends with "N passed, N failed".
'use strict';
const assert = require('assert/strict');
const cp = require('child_process');
const fs = require('fs');
const path = require('path');
const { ROOT, JUPYTER_DATA } = require('./setup-jupyter');
const { findPython, ensureBuilt } = require('./run-notebooks');
const { makeOfflineFile } = require('./offline-html');
const { MATH_FORMULAS, MATH_MARKDOWN, viewsBundles } = require('./views-fixture');

const SHOTS = path.join(ROOT, 'out', 'views-smoke');

function parseArgs(argv) {
  const opts = { lab: false, files: [], port: 8897 };
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--lab') opts.lab = true;
    else if (argv[i] === '--port') opts.port = Number(argv[++i]);
    else if (argv[i].startsWith('--')) throw new Error(`unknown option ${argv[i]}`);
    else opts.files.push(path.resolve(argv[i]));
  }
  return opts;
}

/** A notebook (nbformat 4) holding the formulas and the views as display_data outputs. */
function fixtureNotebook(bundles) {
  return {
    nbformat: 4, nbformat_minor: 5,
    metadata: { kernelspec: { name: 'literate-gpt-ts', display_name: 'TypeScript (literate-gpt)', language: 'typescript' }, language_info: { name: 'typescript' } },
    cells: [
      { cell_type: 'markdown', id: 'math', metadata: {}, source: MATH_MARKDOWN },
      ...bundles.map((b, i) => ({
        cell_type: 'code', id: `view${i}`, metadata: {}, execution_count: i + 1, source: `// the ${b.kind} view`,
        outputs: [{ output_type: 'display_data', metadata: {}, data: { 'text/html': b.html, 'text/plain': b.text } }],
      })),
    ],
  };
}

/** Build the fixture export with the real export path; returns its file name. */
async function writeFixture() {
  ensureBuilt();
  const lg = require(path.join(ROOT, 'dist'));
  await lg.initBackend();
  const nbFile = path.join(SHOTS, 'views.ipynb');
  const htmlFile = path.join(SHOTS, 'views.html');
  fs.writeFileSync(nbFile, JSON.stringify(fixtureNotebook(viewsBundles(lg, ROOT)), null, 1));
  const python = findPython();
  if (python === null) throw new Error('no Python with nbconvert (run node scripts/setup-jupyter.js)');
  const code = 'import sys, nbformat; sys.path.insert(0, sys.argv[1]); import execute_notebook as e; ' +
    'err = e.export_html(nbformat.read(sys.argv[2], as_version=4), sys.argv[3]); print(err or ""); sys.exit(1 if err else 0)';
  const r = cp.spawnSync(python, ['-c', code, __dirname, nbFile, htmlFile], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`nbconvert export failed: ${(r.stdout + r.stderr).trim()}`);
  const left = makeOfflineFile(htmlFile);
  if (left.length > 0) throw new Error(`the fixture export still fetches ${left.join(', ')}`);
  return htmlFile;
}

/**
 * The fixture notebook signed as execute_notebook.py signs what `npm start` executes, into the
 * Jupyter data folder `npm run lab` reads (JUPYTER_DATA): JupyterLab must run its views when the
 * notebook is merely opened. Returns the file name inside `dir`.
 */
function writeSignedFixture(dir) {
  const name = 'views-signed.ipynb';
  const code = 'import sys, nbformat; sys.path.insert(0, sys.argv[1]); import execute_notebook as e; ' +
    'nb = nbformat.read(sys.argv[2], as_version=4); e.sign(nb); nbformat.write(nb, sys.argv[3])';
  const env = { ...process.env, JUPYTER_DATA_DIR: JUPYTER_DATA };
  const r = cp.spawnSync(findPython(), ['-c', code, __dirname, path.join(SHOTS, 'views.ipynb'), path.join(dir, name)], { encoding: 'utf8', env });
  if (r.status !== 0 || r.stderr.trim() !== '') throw new Error(`signing the fixture failed: ${(r.stdout + r.stderr).trim()}`);
  return name;
}

/** Console errors, page errors and requests that leave `allowed` (a function of the URL), per page. */
async function guard(context, allowed) {
  const problems = [];
  await context.route('**/*', (route) => {
    const url = route.request().url();
    if (allowed(url)) return route.continue();
    problems.push(`request blocked: ${url}`);
    return route.abort();
  });
  context.on('page', (page) => watchPage(page, problems));
  // The console says "Failed to load resource" without the address: name it.
  context.on('response', (r) => { if (r.status() >= 400) problems.push(`HTTP ${r.status()}: ${r.url()}`); });
  return problems;
}

function watchPage(page, problems) {
  page.on('console', (m) => { if (m.type() === 'error') problems.push(`console error: ${m.text()}`); });
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
}

/** Formulas: KaTeX ran, produced output, and no delimiter is left in markdown text. */
async function checkMath(page) {
  await page.waitForSelector('body[data-lgpt-math="katex"]', { timeout: 20_000 });
  const r = await page.evaluate(() => {
    const raw = [];
    for (const cell of document.querySelectorAll('.jp-RenderedMarkdown')) {
      const copy = cell.cloneNode(true);
      copy.querySelectorAll('.katex, pre, code').forEach((n) => n.remove());
      const text = copy.textContent || '';
      // Delimiters left over, or a LaTeX command (\frac, \sum) outside KaTeX's output.
      const m = /\$\$|\\\(|\\\[|\\begin\{|\$[^$\s][^$\n]*\$|\\[a-zA-Z]{2,}/.exec(text);
      if (m) raw.push(text.slice(Math.max(0, m.index - 30), m.index + 50).replace(/\s+/g, ' '));
    }
    return { katex: document.querySelectorAll('.katex').length, errors: document.querySelectorAll('.katex-error').length, raw };
  });
  assert.equal(r.errors, 0, 'KaTeX error elements in the page');
  assert.deepEqual(r.raw, [], 'formulas left as raw LaTeX');
  return r.katex;
}

async function ready(root) {
  await root.scrollIntoViewIfNeeded();
  await root.page().waitForFunction((el) => el.getAttribute('data-lgpt-ready') === '1', await root.elementHandle(), { timeout: 20_000 });
}

const lineEnds = (root) => root.locator('svg.lgpt-lines line').evaluateAll((ls) => ls.map((l) => [l.getAttribute('data-from'), l.getAttribute('data-to'), +l.getAttribute('data-weight')]));

async function checkHeadView(root) {
  await ready(root);
  let pinnedNote = '';
  if (await root.getAttribute('data-lgpt-pinned') === '1') {
    // Opened with a query token pinned (focusQuery): only its lines, until a click on it releases it.
    const index = (await root.getAttribute('data-lgpt-focus')).split(':')[1];
    const pinnedLines = await lineEnds(root);
    assert.ok(pinnedLines.length > 0 && pinnedLines.every(([from]) => from === index), `opened pinned on token ${index}: only its lines`);
    await root.locator(`.lgpt-col-query .lgpt-tok[data-token-index="${index}"]`).click();
    assert.equal(await root.getAttribute('data-lgpt-pinned'), '', 'a click releases the pinned token');
    await root.locator('.lgpt-title').hover();
    pinnedNote = `opened pinned on token ${index} (${pinnedLines.length} lines), a click released it; `;
  }
  const all = await lineEnds(root);
  const T = await root.locator('.lgpt-col-query .lgpt-tok').count();
  assert.ok(all.length > T, `head view: only ${all.length} lines for ${T} tokens`);
  await root.locator(`.lgpt-col-query .lgpt-tok[data-token-index="${T - 1}"]`).hover();
  const mine = await lineEnds(root);
  assert.ok(mine.length > 0 && mine.length < all.length, `hovering a query token: ${mine.length} of ${all.length} lines`);
  assert.ok(mine.every(([from]) => from === String(T - 1)), 'hovering query token T-1 must leave only its lines');
  const weight = mine.reduce((s, [, , w]) => s + w, 0);
  assert.ok(weight > 0.8 && weight <= 1.001, `its lines carry ${weight.toFixed(3)} of its attention`);
  await root.locator('.lgpt-col-key .lgpt-tok[data-token-index="1"]').hover();
  const into = await lineEnds(root);
  assert.ok(into.length > 0 && into.every(([, to]) => to === '1'), 'hovering key token 1 must leave only the lines into it');
  await root.locator('.lgpt-title').hover();
  assert.equal((await lineEnds(root)).length, all.length, 'leaving the tokens restores every line');
  await root.locator('[data-lgpt-control="head"]').selectOption('mean');
  const mean = await lineEnds(root);
  assert.notDeepEqual(mean, all, 'the head selector changes the lines');
  await root.locator('[data-lgpt-control="head"]').selectOption('0');
  await root.locator(`.lgpt-col-query .lgpt-tok[data-token-index="${T - 1}"]`).hover();
  return `${pinnedNote}${T} tokens, ${all.length} lines; hover: ${mine.length} lines from the last token (weight ${weight.toFixed(3)}), ${into.length} into token 1; mean of heads: ${mean.length} lines`;
}

async function checkModelView(root) {
  await ready(root);
  const canvases = root.locator('canvas.lgpt-small');
  const n = await canvases.count();
  const last = canvases.nth(n - 1);
  const [l, h] = [await last.getAttribute('data-layer'), await last.getAttribute('data-head')];
  const painted = await last.evaluate((c) => { const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data; let s = 0; for (let i = 3; i < d.length; i += 4) s += d[i]; return s; });
  assert.ok(painted > 0, 'the small maps are painted');
  await last.click();
  assert.equal(await root.getAttribute('data-lgpt-open'), `${l}:${h}`, 'a click opens that map');
  const T = await root.locator('.lgpt-strip .lgpt-tok').count();
  assert.equal(await root.locator('.lgpt-large td.lgpt-cell').count(), T * T, 'the large map has T × T cells');
  await root.locator(`.lgpt-large td[data-query="${T - 1}"][data-key="0"]`).hover();
  const readout = await root.locator('.lgpt-readout').textContent();
  assert.match(readout, new RegExp(`^${T - 1}:.* → 0:.*\\d\\.\\d{3}$`), 'hovering a cell reads out its weight');
  return `${n} small maps; click opened layer ${l}, head ${h} (${T}×${T}); readout "${readout.trim()}"`;
}

/** The data object the view's script was given (the `var data = …;` line). */
async function viewData(root) {
  const src = await root.evaluate((el) => el.nextElementSibling.textContent);
  return JSON.parse(/^\s*var data = (.*);$/m.exec(src)[1]);
}

async function checkNextTokenView(root, samplingProbabilities) {
  await ready(root);
  const data = await viewData(root);
  const logits = data.positions[data.positions.length - 1].logits;
  for (const o of [{}, { temperature: 0 }, { temperature: 0.5 }, { temperature: 1.7, topK: 7 }, { topP: 0.6 }, { temperature: 0.8, topK: 20, topP: 0.9 }]) {
    const page = await root.evaluate((_, [l, opts]) => Array.from(window.lgptSamplingProbabilities(l, opts)), [logits, o]);
    const node = Array.from(samplingProbabilities(logits, o));
    // The same code in two JavaScript engines (the browser's and Node's): Math.exp may differ in
    // its last bit between V8 versions, so equal up to 1e-12 relative, and exactly the same
    // candidates cut (zeros) by top-k / top-p / temperature 0.
    const what = `the page's sampling differs from src/generate for ${JSON.stringify(o)}`;
    assert.equal(page.length, node.length, what);
    page.forEach((p, i) => {
      assert.equal(p === 0, node[i] === 0, `${what}: candidate ${i} is cut in one and not the other`);
      assert.ok(Math.abs(p - node[i]) <= 1e-12 * Math.max(Math.abs(p), Math.abs(node[i])), `${what}: candidate ${i}: ${p} vs ${node[i]}`);
    });
  }
  const probs = () => root.locator('.lgpt-bar-row').evaluateAll((rs) => rs.map((r) => [+r.getAttribute('data-candidate-id'), +r.getAttribute('data-prob')]));
  const before = await probs();
  // A click on the temperature slider a quarter of the way along (about 0.5 on its 0…2 scale), as a
  // reader would do it. (Arrow keys would do too in a plain page; JupyterLab keeps them for itself.)
  const temp = root.locator('[data-lgpt-control="temperature"]');
  const box = await temp.boundingBox();
  await temp.click({ position: { x: box.width * 0.25, y: box.height / 2 } });
  const t = Number(await temp.inputValue());
  assert.ok(t > 0.2 && t < 0.8, `the click should set a temperature near 0.5, not ${t}`);
  const cooler = await probs();
  assert.ok(cooler[0][1] > before[0][1], `temperature ${t} must sharpen the top bar (${before[0][1]} → ${cooler[0][1]})`);
  const want = samplingProbabilities(logits, { temperature: t });
  cooler.forEach(([id, p]) => assert.ok(Math.abs(p - want[id]) <= 1e-12 * Math.abs(want[id]), `bar of token ${id} shows ${p}, sampling gives ${want[id]}`));
  // top-k to exactly 3: set the value and send the event a slider move sends.
  await root.locator('[data-lgpt-control="top-k"]').evaluate((el) => { el.value = '3'; el.dispatchEvent(new Event('input', { bubbles: true })); });
  const kept = (await probs()).filter(([, p]) => p > 0);
  assert.equal(kept.length, 3, 'top-k 3 keeps three bars');
  const width = await root.locator('.lgpt-bar').first().evaluate((b) => b.style.width);
  return `V = ${logits.length}; page sampling = src/generate on 6 settings; top bar ${(100 * before[0][1]).toFixed(1)} % → ${(100 * cooler[0][1]).toFixed(1)} % at T = ${t} (slider clicked), bars = sampling exactly; top-k 3 keeps ${kept.length} (first bar width ${width})`;
}

async function checkPixelView(root) {
  await ready(root);
  const colours = () => root.locator('.lgpt-attention .lgpt-tok').evaluateAll((cs) => cs.map((c) => c.style.background));
  const W = await root.evaluate((el) => getComputedStyle(el.querySelector('.lgpt-image')).gridTemplateColumns.split(' ').length);
  const a = 10 * W + 7, b = 5 * W + 3;
  await root.locator(`.lgpt-image .lgpt-tok[data-token-index="${a}"]`).hover();
  assert.equal(await root.getAttribute('data-lgpt-pixel'), String(a));
  const first = await colours();
  await root.locator(`.lgpt-image .lgpt-tok[data-token-index="${b}"]`).hover();
  assert.equal(await root.getAttribute('data-lgpt-pixel'), String(b));
  const second = await colours();
  assert.notDeepEqual(first, second, 'hovering another pixel repaints the attention grid');
  assert.ok(second.slice(b).every((c) => c === second[b]), 'pixels not drawn yet are blank');
  await root.locator(`.lgpt-image .lgpt-tok[data-token-index="${a}"]`).hover();
  return `${W}×${W} grid; pixel ${a} → ${b}: ${first.filter((c, i) => c !== second[i]).length} cells repainted; ${(await root.locator('.lgpt-readout').textContent()).trim()}`;
}

const CHECKS = { 'attention-head': checkHeadView, 'attention-model': checkModelView, 'next-token': checkNextTokenView, 'pixel-attention': checkPixelView };

/** Every view in the page: run its check and screenshot it. Returns lines for the log. */
async function checkViews(page, name, samplingProbabilities) {
  const lines = [];
  const roots = page.locator('[data-lgpt-view]');
  const n = await roots.count();
  for (let i = 0; i < n; i++) {
    const root = roots.nth(i);
    const kind = await root.getAttribute('data-lgpt-view');
    const what = await CHECKS[kind](root, samplingProbabilities);
    const shot = path.join(SHOTS, `${name}-${i}-${kind}.png`);
    await root.screenshot({ path: shot });
    lines.push(`${kind}: ${what} [${path.relative(ROOT, shot)}]`);
  }
  return lines;
}

async function checkExport(browser, file, samplingProbabilities, expectFormulas) {
  const context = await browser.newContext({ viewport: { width: 1100, height: 1400 } });
  const problems = await guard(context, (url) => url.startsWith('file:') || url.startsWith('data:') || url.startsWith('blob:'));
  try {
    const page = await context.newPage();
    // A chapter's export is several MB (plotly.js and every figure drawn while the page parses): on
    // two busy cores that takes half a minute, so give it room.
    await page.goto('file://' + file, { waitUntil: 'load', timeout: 180_000 });
    const name = path.basename(file, '.html');
    const formulas = await checkMath(page);
    if (expectFormulas !== undefined) assert.equal(formulas, expectFormulas, 'formulas typeset in the fixture');
    const lines = await checkViews(page, name, samplingProbabilities);
    await page.evaluate(() => window.scrollTo(0, 0));
    await page.screenshot({ path: path.join(SHOTS, `${name}-page.png`) });
    await page.waitForTimeout(200);
    assert.deepEqual(problems, [], `${name}: problems in the page`);
    return [`${formulas} formulas typeset, no request left the file, no console error`, ...lines];
  } finally {
    await context.close();
  }
}

/** The four views in a notebook run inside JupyterLab. */
async function checkLab(browser, port, samplingProbabilities) {
  const { startLab } = require('./lab');
  const { runAllCells, errorOutputs } = require('./lab-smoke');
  const workDir = path.join(SHOTS, 'lab');
  fs.rmSync(workDir, { recursive: true, force: true });
  fs.mkdirSync(workDir, { recursive: true });
  const nb = fixtureNotebook([]);
  nb.cells.push({
    cell_type: 'code', id: 'views', metadata: {}, execution_count: null, outputs: [],
    source: [
      "import * as lg from 'literate-gpt';\n",
      'import * as path from \'path\';\n',
      'await lg.initBackend();\n',
      "const root = path.resolve('../../..');\n",
      "const { viewsBundles } = require(path.join(root, 'scripts', 'views-fixture.js'));\n",
      "for (const v of viewsBundles(lg, root)) lg.showBundle({ 'text/html': v.html, 'text/plain': v.text });\n",
    ],
  });
  fs.writeFileSync(path.join(workDir, 'views.ipynb'), JSON.stringify(nb, null, 1));
  const signed = writeSignedFixture(workDir);
  const t0 = Date.now();
  const { child, url, logTail } = await startLab({ port, open: false, extra: [], rootDir: workDir, quiet: true });
  const origin = new URL(url).origin;
  const context = await browser.newContext({ viewport: { width: 1280, height: 1600 } });
  const problems = await guard(context, (u) => u.startsWith(origin) || u.startsWith(origin.replace('http', 'ws')) || u.startsWith('data:') || u.startsWith('blob:'));
  try {
    const page = await context.newPage();
    await runAllCells(page, url, 'views.ipynb', { workDir, timeoutS: 180, t0, logTail });
    const errs = await errorOutputs(page);
    assert.deepEqual(errs, [], 'error output in the notebook');
    await page.waitForSelector('[data-lgpt-view="pixel-attention"][data-lgpt-ready="1"]', { timeout: 30_000 });
    const formulas = await page.locator('.jp-MarkdownCell .MathJax, .jp-MarkdownCell mjx-container').count();
    const lines = await checkViews(page, 'lab', samplingProbabilities);
    await page.locator('[data-lgpt-view="attention-head"]').scrollIntoViewIfNeeded();
    await page.screenshot({ path: path.join(SHOTS, 'lab-page.png') });
    // A notebook executed and signed elsewhere, only opened: its saved outputs must come alive.
    // (JupyterLab renders cells as they scroll into view, so scroll through it.)
    const opened = await context.newPage();
    await opened.goto(url.replace('/lab?', `/lab/tree/${signed}?`));
    await opened.waitForSelector('.jp-Notebook .jp-Cell', { timeout: 60_000 });
    let ready = 0;
    for (let k = 0; k < 60 && ready < 4; k++) {
      ready = await opened.evaluate(() => {
        const outer = document.querySelector('.jp-WindowedPanel-outer');
        if (outer) outer.scrollTop += 500;
        return document.querySelectorAll('[data-lgpt-view][data-lgpt-ready="1"]').length;
      });
      await opened.waitForTimeout(500);
    }
    assert.equal(ready, 4, 'the four views of the signed notebook run when it is opened');
    lines.push(`a signed notebook, only opened: ${ready} of 4 views came alive without running a cell`);
    // JupyterLab's debugger extension rejects a promise when the kernel (tslab) has no debugger:
    // its own noise, not the views'. Everything else counts.
    const ours = problems.filter((p) => !/No active debugger session/.test(p));
    assert.deepEqual(ours, [], 'problems in the JupyterLab page');
    const ignored = problems.length - ours.length;
    return [`JupyterLab: views ran in a live kernel (${formulas} formulas typeset by JupyterLab's MathJax), no request left ${origin}, no console error${ignored ? ` (${ignored} "No active debugger session" from JupyterLab's debugger ignored)` : ''}`, ...lines];
  } finally {
    await context.close();
    child.kill('SIGTERM');
  }
}

async function main() {
  const opts = parseArgs(process.argv.slice(2));
  fs.mkdirSync(SHOTS, { recursive: true });
  const t0 = Date.now();
  const fixture = await writeFixture();
  const files = [fixture, ...(opts.files.length > 0 ? opts.files : fs.readdirSync(path.join(ROOT, 'out')).filter((f) => /^\d\d-.*\.html$/.test(f)).sort().map((f) => path.join(ROOT, 'out', f)))];
  const { samplingProbabilities } = require(path.join(ROOT, 'dist'));
  const { chromium } = require('playwright-core');
  const browser = await chromium.launch({
    executablePath: process.env.LGPT_CHROMIUM || '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking'],
  });
  let passed = 0;
  let failed = 0;
  const report = (name, fn) => fn().then((lines) => {
    passed++;
    console.log(`ok   ${name}`);
    for (const l of lines) console.log(`       ${l}`);
  }, (e) => {
    failed++;
    console.log(`FAIL ${name}: ${e instanceof Error ? e.message : e}`);
  });
  try {
    for (const f of files) await report(path.relative(ROOT, f), () => checkExport(browser, f, samplingProbabilities, f === fixture ? MATH_FORMULAS : undefined));
    if (opts.lab) await report('JupyterLab', () => checkLab(browser, opts.port, samplingProbabilities));
  } finally {
    await browser.close();
  }
  console.log(`views-smoke: ${((Date.now() - t0) / 1000).toFixed(1)} s, screenshots in ${path.relative(ROOT, SHOTS)}/`);
  console.log(`${passed} passed, ${failed} failed`);
  process.exit(failed > 0 ? 1 : 0);
}

if (require.main === module) {
  main().catch((e) => {
    console.error(`views-smoke: ${e instanceof Error ? e.stack : e}`);
    console.log('0 passed, 1 failed');
    process.exit(1);
  });
}

module.exports = { checkViews, checkMath };
