#!/usr/bin/env node
// The generative classifier (issue 25, item 5) as arm `gen` of the few-label protocol: for each
// seed (4-13: never used to choose anything) and N (32, 128), trainGenerativeClassifier from
// data/checkpoints/lm-task on lg.stratifiedSubset(spam.train, N, seed) with the recipe chosen once
// on seeds 1-3 (data/results/generative-choice.json, scripts/generative-choice.js: learning rate
// and fixed step count per N; the last weights are kept, no early stopping), then its
// predictions on the test split (P(spam) > 0.5). Each cell has the shape of the protocol's other
// cells and is added to data/results/few-label-protocol.json under the id `gen|N|seed`.
//
// That file has other writers (scripts/few-label-protocol.js appends the other arms and
// recomputes `summary`, which this script leaves alone): before each write it is re-read, only
// this cell is added, and it is written atomically (a temporary file, then a rename). A writer
// that read the file before our rename and renames after it drops our cell (its save takes a
// while: it recomputes the bootstrap summary in between), so at the end the cells of this run
// are checked for a while and put back if missing, until two checks in a row find them all.
// Resumable: a cell already in the file is skipped (a seeded run gives the same cell again).
//
// Usage: npm run build && node scripts/generative-protocol.js [--n 32,128] [--seeds 4-13]
'use strict';
const cp = require('child_process');
const fs = require('fs');
const path = require('path');
const { flagValue, seedList } = require('./lib/args');

const ROOT = path.join(__dirname, '..');
const argv = process.argv.slice(2);
const opt = (name, dflt) => flagValue(argv, name, dflt);
const NS = opt('n', '32,128').split(',').map(Number);
const SEEDS = seedList(opt('seeds', '4-13'));
const PRETRAINED = 'data/checkpoints/lm-task';
const KEY = 'gen';
const NAME = 'generative (stage-2 LM conditioned on the class, Bayes\' rule)';
const file = path.join(ROOT, 'data', 'results', 'few-label-protocol.json');
const choiceFile = path.join(ROOT, 'data', 'results', 'generative-choice.json');

const readResults = () => JSON.parse(fs.readFileSync(file, 'utf8'));

/** Re-read the shared results file, add one cell, write it whole (tmp + rename). */
function addCell(id, cell) {
  const results = readResults();
  results.cells[id] = cell;
  results.updated = new Date().toISOString();
  const tmp = `${file}.tmp-gen-${process.pid}`;
  fs.writeFileSync(tmp, JSON.stringify(results, null, 1) + '\n');
  fs.renameSync(tmp, file);
}

let commit = null;
try { commit = cp.execFileSync('git', ['rev-parse', 'HEAD'], { cwd: ROOT, encoding: 'utf8' }).trim(); } catch { /* not a checkout */ }

(async () => {
  const choice = JSON.parse(fs.readFileSync(choiceFile, 'utf8')).chosen;
  const lg = require(path.join(ROOT, 'dist'));
  await lg.initBackend();
  console.error(lg.describeBackend());
  const spam = lg.loadSpam();
  const test = spam.test.map((e) => e.subject);
  const labels = spam.test.map((e) => e.label);
  const mine = new Map();
  for (const seed of SEEDS) {
    for (const n of NS) {
      const id = `${KEY}|${n}|${seed}`;
      if (readResults().cells[id]) continue;
      const c = choice[n];
      if (!c || !c.steps || !c.lr) { console.error(`skipping ${id}: no recipe chosen for N = ${n} in ${path.relative(ROOT, choiceFile)}`); continue; }
      const t0 = Date.now();
      const clf = await lg.trainGenerativeClassifier(PRETRAINED, lg.stratifiedSubset(spam.train, n, seed), { steps: c.steps, lr: c.lr, seed });
      const predictions = clf.probaSpam(test).map((p) => (p > 0.5 ? 1 : 0));
      clf.dispose();
      const cell = {
        key: KEY, name: NAME, n, seed,
        chosen: { lr: c.lr, steps: c.steps, by: 'mean validation accuracy of seeds 1-3 (data/results/generative-choice.json)' },
        accuracy: lg.accuracy(labels, predictions), f1: lg.f1(labels, predictions), predictions: predictions.join(''),
        wallSeconds: (Date.now() - t0) / 1000, commit, created: new Date().toISOString(),
      };
      addCell(id, cell);
      mine.set(id, cell);
      console.error(`${id}: accuracy ${(100 * cell.accuracy).toFixed(2)} %, F1 ${cell.f1.toFixed(3)}, ${cell.wallSeconds.toFixed(0)} s`);
    }
  }
  // Put back any cell of ours that a concurrent writer dropped; stop after two clean checks.
  for (let round = 0, clean = 0; round < 12 && clean < 2 && mine.size > 0; round++) {
    await new Promise((resolve) => setTimeout(resolve, 20_000));
    const missing = [...mine.keys()].filter((id) => !readResults().cells[id]);
    for (const id of missing) addCell(id, mine.get(id));
    clean = missing.length === 0 ? clean + 1 : 0;
    if (missing.length) console.error(`put back ${missing.length} cells a concurrent writer dropped: ${missing.join(', ')}`);
  }
})().catch((e) => { console.error(e); process.exit(1); });
