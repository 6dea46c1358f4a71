#!/usr/bin/env node
// The stale-prose check (issue 27): in each executed notebook out/NN-*.ipynb, every number and
// quantitative word of a markdown cell must be covered by a claim a code cell asserted
// (`lg.claims`, src/viz/claims.ts) or marked as a fixed fact (`<!-- fixed: … -->`); see
// src/viz/prose-check.ts and src/viz/prose-quantities.ts for what counts.
//
//   node scripts/check-prose.js            every chapter executed in out/ (run `npm start` first)
//   node scripts/check-prose.js 01 07      only those (prefix or substring, as npm start)
//   node scripts/check-prose.js --dir D    read executed notebooks from D instead of out/
//   node scripts/check-prose.js --source 05  a preview on the committed notebooks/, without running:
//                                            the string literals of cells that call lg.claims stand
//                                            in for the claims (unchecked); only a run decides
//
// Prints one line per chapter (sentences with a quantity covered / total), a line per problem
// naming the cell and the sentence, then `prose check: N passed, N failed`. Exits 1 if any chapter
// has a problem, was not executed, or failed when executed (out/metrics.json); 2 on bad arguments.
// `npm start` runs the same check after executing notebooks (scripts/run-notebooks.js).
'use strict';
const fs = require('fs');
const path = require('path');

const ROOT = path.resolve(__dirname, '..');

function parseArgs(argv) {
  const opts = { dir: path.join(ROOT, 'out'), source: false, filters: [] };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--dir') opts.dir = path.resolve(argv[++i] ?? '');
    else if (a === '--source') { opts.source = true; opts.dir = path.join(ROOT, 'notebooks'); }
    else if (a.startsWith('--')) throw new Error(`unknown option ${a} (expected --dir D, --source, or notebook names)`);
    else opts.filters.push(a);
  }
  return opts;
}

/** The compiled checker (dist/viz/prose-check.js); the caller makes sure dist/ is built. */
function loadChecker() {
  return require(path.join(ROOT, 'dist', 'viz', 'prose-check.js'));
}

/**
 * Check the executed notebooks `names` (e.g. '01-tokenization') in `dir`. `status` maps a name to
 * the status of its last execution ('ok' or 'failed'), when known. Returns the lines to print and
 * how many chapters passed and failed.
 */
function checkChapters(names, dir, status = {}, fromSource = false) {
  const checker = loadChecker();
  const lines = [];
  let passed = 0;
  let failed = 0;
  for (const name of names) {
    const file = path.join(dir, `${name}.ipynb`);
    if (!fs.existsSync(file)) {
      lines.push(`${name}: not executed (no ${path.relative(ROOT, file)}; run \`npm start -- ${name.slice(0, 2)}\` first)`);
      failed++;
      continue;
    }
    if (status[name] === 'failed') {
      lines.push(`${name}: not checked (the notebook failed when executed)`);
      failed++;
      continue;
    }
    const report = checker.checkProse(JSON.parse(fs.readFileSync(file, 'utf8')), { fromSource });
    lines.push(checker.proseSummaryLine(name, report), ...checker.proseProblemLines(report));
    if (report.problems.length === 0) passed++;
    else failed++;
  }
  return { lines, passed, failed };
}

/** The status of each notebook's last execution, from out/metrics.json (written by npm start). */
function lastStatus(dir) {
  const file = path.join(dir, 'metrics.json');
  if (!fs.existsSync(file)) return {};
  const all = JSON.parse(fs.readFileSync(file, 'utf8'));
  return Object.fromEntries(Object.entries(all).map(([name, r]) => [name, r.status]));
}

function main() {
  const opts = parseArgs(process.argv.slice(2));
  const { listNotebooks, ensureBuilt } = require('./run-notebooks');
  const names = listNotebooks(path.join(ROOT, 'notebooks'), opts.filters).map((f) => path.basename(f, '.ipynb'));
  if (names.length === 0) {
    console.error(`no notebooks match ${opts.filters.join(' ') || 'notebooks/NN-*.ipynb'}`);
    process.exit(2);
  }
  ensureBuilt();
  const { lines, passed, failed } = checkChapters(names, opts.dir, opts.source ? {} : lastStatus(opts.dir), opts.source);
  if (opts.source) console.log('preview from the committed notebooks (claims read from the code, not run):');
  for (const l of lines) console.log(l);
  console.log(`prose check${opts.source ? ' (preview)' : ''}: ${passed} passed, ${failed} failed`);
  process.exit(failed > 0 ? 1 : 0);
}

if (require.main === module) {
  try {
    main();
  } catch (e) {
    console.error(`check-prose: ${e instanceof Error ? e.message : e}`);
    process.exit(2);
  }
}

module.exports = { checkChapters, lastStatus, parseArgs };
