#!/usr/bin/env node
// `npm start`: execute every notebooks/NN-*.ipynb in order through the real tslab kernel, with
// Jupyter's own client, and print what happened.
//
//   npm start                    all notebooks
//   npm start -- 00 03           only those whose name starts with (or contains) 00 or 03
//   npm start -- --fast          LGPT_FAST=1 in the kernel's environment (CI uses this)
//   npm start -- --timeout 600   seconds a single cell may run (default 1800)
//   npm start -- --no-prose-check  skip the stale-prose check (CI runs it as its own step)
//
// Writes out/NN-name.ipynb (executed, signed), out/NN-name.html (nbconvert, readable offline: see
// scripts/offline-html.js) and out/metrics.json, then a
// table: notebook, status, time, metrics (from lg.reportMetrics, see src/viz/protocol.ts), then the
// stale-prose check of the notebooks that ran (scripts/check-prose.js: a line per chapter). Exits 1
// when any notebook failed, naming the cell (index and first line) and its error, or when the prose
// check found a sentence not covered; 2 when it cannot run at all (no Jupyter client, nothing to run).
'use strict';
const cp = require('child_process');
const fs = require('fs');
const path = require('path');
const { ROOT, KERNEL_NAME, JUPYTER_DATA, venvPython, canImport, linkSelf, writeKernelSpec } = require('./setup-jupyter');
const { makeOfflineFile } = require('./offline-html');

// Keep in step with src/viz/protocol.ts (test/viz.test.ts checks they agree).
const METRICS_MIME = 'application/vnd.literate-gpt.metrics+json';
const METRICS_MARKER = 'LGPT_METRICS';
// tslab sends errors as stderr text, not as "error" outputs: a thrown error prints its stack
// ("TypeError: ..."), a type error prints "line:col - message". Warnings on stderr do not match.
const STDERR_ERROR = /^(?:\w*(?:Error|Exception)(?: \[\w+\])?:|Uncaught |Unhandled |\d+:\d+ - )/m;

function parseArgs(argv) {
  const opts = { fast: false, timeout: 1800, proseCheck: true, filters: [] };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--fast') opts.fast = true;
    else if (a === '--timeout') opts.timeout = Number(argv[++i]);
    else if (a === '--no-prose-check') opts.proseCheck = false;
    else if (a.startsWith('--')) throw new Error(`unknown option ${a} (expected --fast, --timeout N, --no-prose-check, or notebook names)`);
    else opts.filters.push(a);
  }
  if (!(opts.timeout > 0)) throw new Error('--timeout needs a number of seconds');
  return opts;
}

/** notebooks/NN-*.ipynb in order, keeping those matched by a filter (prefix or substring). */
function listNotebooks(dir, filters) {
  const all = fs.existsSync(dir) ? fs.readdirSync(dir).filter((f) => /^\d\d-.*\.ipynb$/.test(f)).sort() : [];
  return filters.length === 0 ? all : all.filter((f) => filters.some((q) => f.startsWith(q) || f.includes(q)));
}

/** A Python with nbclient: the project's .venv, else Debian's (apt install python3-nbclient). */
function findPython() {
  for (const py of [venvPython(), '/usr/bin/python3']) if (fs.existsSync(py) && canImport(py, ['nbclient', 'nbformat'])) return py;
  return null;
}

const text = (src) => (Array.isArray(src) ? src.join('') : String(src ?? ''));
const firstLine = (src) => text(src).split('\n').find((l) => l.trim() !== '')?.trim() ?? '';

/** The line of an error text worth printing: the exception line, the type errors, or the first line. */
function errorSummary(stderr) {
  const lines = stderr.split('\n').map((l) => l.trim()).filter(Boolean);
  const exception = lines.find((l) => /^\w*(Error|Exception)\b.*:/.test(l) || /^(Uncaught|Unhandled) /.test(l));
  if (exception) return exception;
  const typeErrors = lines.filter((l) => /^\d+:\d+ - /.test(l));
  if (typeErrors.length > 0) return typeErrors.join('; ');
  return lines[0] ?? '(no error text)';
}

/** Metrics reported by the notebook: METRICS_MIME outputs and marker lines on stdout; later wins. */
function collectMetrics(nb) {
  const metrics = {};
  for (const cell of nb.cells ?? []) {
    for (const out of cell.outputs ?? []) {
      const value = out.data?.[METRICS_MIME];
      if (value !== undefined) Object.assign(metrics, typeof value === 'string' ? JSON.parse(value) : value);
      if (out.output_type === 'stream' && out.name === 'stdout') {
        for (const line of text(out.text).split('\n')) {
          if (line.startsWith(METRICS_MARKER + ' ')) Object.assign(metrics, JSON.parse(line.slice(METRICS_MARKER.length + 1)));
        }
      }
    }
  }
  return metrics;
}

/**
 * Did the executed notebook fail, and where? `run` is execute_notebook.py's summary. The first
 * cell with an error reply, an "error" output or error-like stderr is the failing one.
 */
function analyzeNotebook(nb, run) {
  const metrics = collectMetrics(nb);
  if (run.status === 'kernel-error') return { status: 'failed', metrics, failure: { cell: null, source: '', error: run.error } };
  const cells = nb.cells ?? [];
  for (let i = 0; i < cells.length; i++) {
    const outs = cells[i].outputs ?? [];
    const errOut = outs.find((o) => o.output_type === 'error');
    const stderr = outs.filter((o) => o.output_type === 'stream' && o.name === 'stderr').map((o) => text(o.text)).join('');
    const replyFailed = run.failed_cell === i;
    if (!replyFailed && !errOut && !STDERR_ERROR.test(stderr)) continue;
    const error = errOut
      ? `${errOut.ename}: ${errOut.evalue}`
      : stderr.trim() !== '' ? errorSummary(stderr) : run.error ?? `the kernel replied '${run.status}'`;
    return { status: 'failed', metrics, failure: { cell: i, source: firstLine(cells[i].source), error } };
  }
  return { status: 'ok', metrics };
}

function formatMetrics(metrics) {
  return Object.entries(metrics)
    .map(([k, v]) => `${k}=${typeof v === 'number' && !Number.isInteger(v) ? Number(v.toPrecision(4)) : v}`)
    .join(', ');
}

function formatTable(results) {
  const rows = [['notebook', 'status', 'time', 'metrics'], ...results.map((r) => [r.notebook, r.status, `${r.seconds.toFixed(1)} s`, formatMetrics(r.metrics)])];
  const widths = rows[0].map((_, c) => Math.max(...rows.map((r) => r[c].length)));
  const line = (r) => r.map((s, c) => (c === 3 ? s : s.padEnd(widths[c]))).join('  ').trimEnd();
  return [line(rows[0]), widths.map((w, c) => '-'.repeat(c === 3 ? Math.max(7, w) : w)).join('  '), ...rows.slice(1).map(line)].join('\n');
}

/** Newest modification time of the files under `dir` whose names end in `ext` (0 if none). */
function newest(dir, ext) {
  if (!fs.existsSync(dir)) return 0;
  return fs.readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile() && e.name.endsWith(ext))
    .reduce((t, e) => Math.max(t, fs.statSync(path.join(e.parentPath ?? e.path, e.name)).mtimeMs), 0);
}

/**
 * dist/ must exist (notebooks import it); rebuild when src/ changed since, as a reader would forget.
 * Compares newest with newest: `tsc --watch` rewrites only the files that changed.
 */
function ensureBuilt() {
  const distIndex = path.join(ROOT, 'dist', 'index.js');
  if (fs.existsSync(distIndex) && newest(path.join(ROOT, 'dist'), '.js') >= newest(path.join(ROOT, 'src'), '.ts')) return;
  console.log('dist/ is missing or older than src/: building (npm run build) ...');
  const r = cp.spawnSync(process.execPath, [require.resolve('typescript/bin/tsc'), '-p', 'tsconfig.build.json'], { cwd: ROOT, stdio: 'inherit' });
  if (r.status !== 0) console.log('build failed (see above); using the dist/ that exists');
}

/** Put KaTeX into an export (scripts/offline-html.js); an error text if it would still fetch anything. */
function offlineExport(html) {
  if (!fs.existsSync(html)) return null;
  try {
    const left = makeOfflineFile(html);
    return left.length > 0 ? `the HTML export still fetches from the network: ${left.join(', ')}` : null;
  } catch (e) {
    return `the HTML export could not be made offline: ${e instanceof Error ? e.message : e}`;
  }
}

function runOne(python, file, opts, env) {
  const name = path.basename(file, '.ipynb');
  const outDir = path.join(ROOT, 'out');
  const outNb = path.join(outDir, `${name}.ipynb`);
  const args = [path.join(__dirname, 'execute_notebook.py'), '--kernel', KERNEL_NAME, '--cwd', path.dirname(file),
    '--timeout', String(opts.timeout), file, outNb, path.join(outDir, `${name}.html`)];
  const t0 = Date.now();
  const r = cp.spawnSync(python, args, { env, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  const seconds = (Date.now() - t0) / 1000;
  const last = (r.stdout ?? '').trim().split('\n').pop() ?? '';
  let run;
  try {
    run = JSON.parse(last);
  } catch {
    const why = (r.stderr ?? '').trim().split('\n').slice(-3).join(' | ') || `exit code ${r.status}`;
    return { notebook: name, status: 'failed', seconds, metrics: {}, failure: { cell: null, source: '', error: `the runner crashed: ${why}` } };
  }
  if (run.html_error) console.log(`  (no HTML export for ${name}: ${run.html_error})`);
  const exportError = run.html_error ? null : offlineExport(path.join(outDir, `${name}.html`));
  const nb = JSON.parse(fs.readFileSync(outNb, 'utf8'));
  const result = { notebook: name, seconds, ...analyzeNotebook(nb, run) };
  if (exportError !== null && result.status === 'ok') return { ...result, status: 'failed', failure: { cell: null, source: 'HTML export', error: exportError } };
  return result;
}

/** The stale-prose check (scripts/check-prose.js) on the notebooks just run; prints its lines. */
function proseCheck(results) {
  try {
    const { checkChapters } = require('./check-prose');
    const status = Object.fromEntries(results.map((r) => [r.notebook, r.status]));
    const r = checkChapters(results.map((x) => x.notebook), path.join(ROOT, 'out'), status);
    console.log('stale-prose check (every quantity in the prose covered by a claim or marked fixed):');
    for (const l of r.lines) console.log(`  ${l}`);
    console.log(`prose check: ${r.passed} passed, ${r.failed} failed\n`);
    return r;
  } catch (e) {
    console.log(`prose check could not run: ${e instanceof Error ? e.message : e}\n`);
    return { failed: 1 };
  }
}

function main() {
  const opts = parseArgs(process.argv.slice(2));
  const nbDir = path.join(ROOT, 'notebooks');
  const files = listNotebooks(nbDir, opts.filters);
  if (files.length === 0) {
    console.error(`no notebooks match ${opts.filters.join(' ') || 'notebooks/NN-*.ipynb'}`);
    process.exit(2);
  }
  const python = findPython();
  if (python === null) {
    console.error('no Jupyter client: run `node scripts/setup-jupyter.js` (creates .venv), or `apt install python3-nbclient python3-nbconvert`');
    process.exit(2);
  }
  linkSelf();
  writeKernelSpec();
  ensureBuilt();
  fs.mkdirSync(path.join(ROOT, 'out'), { recursive: true });
  const fast = opts.fast || process.env.LGPT_FAST === '1';
  const env = {
    ...process.env,
    JUPYTER_PATH: [JUPYTER_DATA, process.env.JUPYTER_PATH].filter(Boolean).join(path.delimiter),
    // As `npm run lab` has it (scripts/lab.js), so the signatures of executed notebooks are the ones it reads.
    JUPYTER_DATA_DIR: JUPYTER_DATA,
    ...(fast ? { LGPT_FAST: '1' } : {}),
  };
  console.log(`running ${files.length} notebook(s) with ${path.relative(ROOT, python) || python}${fast ? ' in fast mode (LGPT_FAST=1)' : ''}`);

  const results = [];
  for (const f of files) {
    process.stdout.write(`  ${f} ... `);
    const r = runOne(python, path.join(nbDir, f), opts, env);
    console.log(`${r.status} (${r.seconds.toFixed(1)} s)`);
    if (r.failure) console.log(`    ${r.failure.cell === null ? r.failure.source || 'before any cell' : `cell[${r.failure.cell}] \`${r.failure.source}\``}: ${r.failure.error}`);
    results.push(r);
  }

  const metricsFile = path.join(ROOT, 'out', 'metrics.json');
  const previous = fs.existsSync(metricsFile) ? JSON.parse(fs.readFileSync(metricsFile, 'utf8')) : {};
  for (const r of results) {
    previous[r.notebook] = { status: r.status, seconds: Number(r.seconds.toFixed(2)), fast, finishedAt: new Date().toISOString(), metrics: r.metrics, ...(r.failure ? { failure: r.failure } : {}) };
  }
  fs.writeFileSync(metricsFile, JSON.stringify(previous, null, 2) + '\n');

  const failed = results.filter((r) => r.status !== 'ok');
  console.log(`\n${formatTable(results)}\n`);
  const prose = opts.proseCheck ? proseCheck(results) : { failed: 0 };
  console.log(`executed notebooks and HTML in out/, metrics in out/metrics.json`);
  console.log(`${results.length - failed.length} passed, ${failed.length} failed`);
  process.exit(failed.length > 0 || prose.failed > 0 ? 1 : 0);
}

if (require.main === module) {
  try {
    main();
  } catch (e) {
    console.error(`run-notebooks: ${e instanceof Error ? e.message : e}`);
    process.exit(2);
  }
}

module.exports = { METRICS_MIME, METRICS_MARKER, STDERR_ERROR, analyzeNotebook, collectMetrics, ensureBuilt, errorSummary, findPython, formatTable, listNotebooks, parseArgs };
