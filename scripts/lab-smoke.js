#!/usr/bin/env node
// Smoke test of `npm run lab` as a reader uses it: start JupyterLab, open a notebook in headless
// Chromium, Run ▸ Run All Cells, wait for the last cell, fail on any error output, screenshot.
//
//   node scripts/lab-smoke.js [NOTEBOOK] [--out figures/jupyterlab-00-setup.png] [--port 8899]
//
// It runs a copy of the notebook in out/lab-smoke/ so JupyterLab's autosave cannot write outputs
// into the committed file (the copy stays inside the project, so 'literate-gpt' still resolves).
// Needs playwright-core (a devDependency) and a Chromium: $LGPT_CHROMIUM or /usr/bin/chromium.
'use strict';
const fs = require('fs');
const path = require('path');
const { startLab } = require('./lab');
const { ROOT } = require('./setup-jupyter');

function parseArgs(argv) {
  const opts = { notebook: '00-setup.ipynb', out: 'figures/jupyterlab-00-setup.png', port: 8899, timeoutS: 300 };
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--out') opts.out = argv[++i];
    else if (argv[i] === '--port') opts.port = Number(argv[++i]);
    else if (argv[i] === '--timeout') opts.timeoutS = Number(argv[++i]);
    else opts.notebook = argv[i].endsWith('.ipynb') ? path.basename(argv[i]) : argv[i] + '.ipynb';
  }
  return opts;
}

/** Texts of stderr outputs that look like errors (same rule as run-notebooks.js), and error outputs. */
async function errorOutputs(page) {
  return page.$$eval('.jp-OutputArea-output', (nodes) =>
    nodes
      .filter((n) => n.getAttribute('data-mime-type') === 'application/vnd.jupyter.stderr' || n.classList.contains('jp-mod-error'))
      .map((n) => n.textContent ?? '')
      .filter((t) => /^(?:\w*(?:Error|Exception)(?: \[\w+\])?:|Uncaught |Unhandled |\d+:\d+ - )/m.test(t)));
}

/**
 * Open `notebook` in the JupyterLab at `url`, wait for its kernel, Run All Cells and wait until every
 * code cell has run; returns the time Run All was clicked. Throws (after a screenshot into workDir)
 * when the kernel does not start or a cell fails.
 */
async function runAllCells(page, url, notebook, { workDir, timeoutS, t0 = Date.now(), logTail = () => '' }) {
  await page.goto(url.replace('/lab?', `/lab/tree/${encodeURIComponent(notebook)}?`));
  // The kernel is named in the notebook's metadata, so it starts without a dialog.
  await page.waitForSelector('.jp-Notebook .jp-Cell', { timeout: 60_000 });
  // The status bar is the reliable sign: the toolbar's indicator reads "idle" before a kernel exists,
  // and Run All without a kernel opens a "Select Kernel" dialog.
  await page.waitForFunction(() => /TypeScript \(literate-gpt\) \| Idle/.test(document.querySelector('.jp-StatusBar-Widget')?.parentElement?.textContent ?? ''),
    null, { timeout: 180_000, polling: 500 }).catch(async (e) => {
    await page.screenshot({ path: path.join(workDir, 'failure.png') });
    throw new Error(`the kernel did not become idle: ${e.message.split('\n')[0]}\n${logTail()}`);
  });
  console.log(`lab-smoke: notebook open, kernel idle after ${((Date.now() - t0) / 1000).toFixed(1)} s`);
  // JupyterLab asks once whether to fetch news (no network here): answer it so it covers nothing.
  await page.click('.jp-Notification-Toast-Close, .jp-toast-button:text-is("No")', { timeout: 2000 }).catch(() => {});

  await page.click('.lm-MenuBar-itemLabel:text-is("Run")');
  await page.click('.lm-Menu-itemLabel:text-is("Run All Cells")');
  const t1 = Date.now();
  // Done when every code cell has a number in its prompt (none "[*]" or "[ ]") and the kernel is idle.
  await page.waitForFunction(() => {
    const prompts = [...document.querySelectorAll('.jp-CodeCell .jp-InputPrompt')].map((p) => p.textContent ?? '');
    const idle = document.querySelector('.jp-Notebook-ExecutionIndicator[data-status="idle"]') !== null;
    return idle && prompts.length > 0 && prompts.every((p) => /\[\d+\]/.test(p));
  }, null, { timeout: timeoutS * 1000, polling: 500 }).catch(async (e) => {
    await page.screenshot({ path: path.join(workDir, 'failure.png') });
    const errs = await errorOutputs(page);
    throw new Error(errs.length ? `a cell failed: ${errs[0].split('\n').find((l) => /Error|\d+:\d+ - /.test(l))}` : `cells did not finish: ${e.message.split('\n')[0]}`);
  });
  return t1;
}

async function main() {
  const opts = parseArgs(process.argv.slice(2));
  const src = path.join(ROOT, 'notebooks', opts.notebook);
  if (!fs.existsSync(src)) throw new Error(`no notebook ${path.relative(ROOT, src)}`);
  const workDir = path.join(ROOT, 'out', 'lab-smoke');
  fs.rmSync(workDir, { recursive: true, force: true });
  fs.mkdirSync(workDir, { recursive: true });
  fs.copyFileSync(src, path.join(workDir, opts.notebook));

  const t0 = Date.now();
  const { child, url, logTail } = await startLab({ port: opts.port, open: false, extra: [], rootDir: workDir, quiet: true });
  const { chromium } = require('playwright-core');
  const browser = await chromium.launch({
    executablePath: process.env.LGPT_CHROMIUM || '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking'],
  });
  try {
    const page = await browser.newPage({ viewport: { width: 1280, height: 1600 } });
    const t1 = await runAllCells(page, url, opts.notebook, { workDir, timeoutS: opts.timeoutS, t0, logTail });
    const runS = (Date.now() - t1) / 1000;
    const errs = await errorOutputs(page);
    const plots = await page.$$eval('.js-plotly-plot', (n) => n.length);
    const images = await page.$$eval('.jp-RenderedImage img', (n) => n.length);
    const tables = await page.$$eval('.jp-RenderedHTMLCommon table', (n) => n.length);
    console.log(`lab-smoke: ran all cells in ${runS.toFixed(1)} s: ${plots} plotly figures, ${images} images, ${tables} tables, ${errs.length} errors`);

    // Show the first figure, the part of the notebook worth a picture.
    await page.$eval('.js-plotly-plot', (el) => (el.closest('.jp-Cell') ?? el).scrollIntoView({ block: 'start' })).catch(() => {});
    await page.waitForTimeout(500);
    const shot = path.resolve(ROOT, opts.out);
    fs.mkdirSync(path.dirname(shot), { recursive: true });
    await page.screenshot({ path: shot });
    console.log(`lab-smoke: screenshot ${path.relative(ROOT, shot)}`);
    if (errs.length > 0) throw new Error(`error output: ${errs[0].slice(0, 300)}`);
    if (plots === 0) throw new Error('no plotly figure was drawn');
  } finally {
    await browser.close();
    child.kill('SIGTERM');
  }
}

if (require.main === module) {
  main().then(
    () => process.exit(0),
    (e) => {
      console.error(`lab-smoke: FAILED: ${e instanceof Error ? e.message : e}`);
      process.exit(1);
    },
  );
}

module.exports = { errorOutputs, runAllCells };
