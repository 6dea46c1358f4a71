#!/usr/bin/env node
// The label-efficiency experiment (issue 16): spam-subject accuracy on the test split against the
// number of labelled training examples N, for a classifier fine-tuned from the broad-corpus LM
// (data/checkpoints/lm-broad), from the Moby Dick LM (data/checkpoints/lm), trained from scratch
// (same shape and tokenizer, random weights), and naive Bayes on the same N examples.
//
// Grid: N in {32, 64, 128, 256, 512, 1024, all} x seeds {1, 2, 3} x those four models. For N <
// all, `train classifier --train-size N` draws a class-stratified subset with the run's seed
// (naive Bayes here draws the same one with lg.stratifiedSubset) and trains for a fixed 200 steps,
// validating every 10 and keeping the best (SMALL_SET_SCHEDULE); N = all uses the validated
// full-data recipe (4 epochs, validated after each), the settings of
// data/results/classifier-seeds.json. Every classifier starts <s> and <e> as copies of the
// pretraining text's separators (--token-init separators), chosen on validation: with the broad
// LM at N = 128, seeds 1-3, the best validation accuracy was 82.2, 83.1, 80.2 % with it against
// 80.0, 79.1, 78.0 % with random rows (test, not used to choose: 80.1, 81.6, 78.7 vs 77.7, 81.4, 78.5).
//
// Resumable: a cell already in the results file is skipped, and the file is rewritten after every
// cell, with the exact commands and the wall time of each cell; the cells another process wrote
// meanwhile are kept, so two processes can share the grid (one process uses about one core; the
// committed grid ran `--n 32,...,1024` and `--n all` side by side, so its wall times are of a
// machine running two fine-tunes at once). Cells run in order of N, then
// seed, so a partial run gives whole points first. A model whose LM checkpoint is missing is
// skipped with a note (run again once it exists).
//
// Usage: npm run build && node scripts/label-efficiency.js [--n 32,64] [--seeds 1] [--models broad,moby,scratch,nb]
//        [--task subject] [--results FILE] [--max-cells K] [--dry-run]
'use strict';
const cp = require('child_process');
const fs = require('fs');
const path = require('path');
const { cliJson: cli } = require('./lib/cli-json');

const ROOT = path.join(__dirname, '..');
const argv = process.argv.slice(2);
const opt = (name, dflt) => {
  const i = argv.indexOf(`--${name}`);
  return i >= 0 ? argv[i + 1] : dflt;
};
const N_ALL = ['32', '64', '128', '256', '512', '1024', 'all'];
const ns = opt('n', N_ALL.join(',')).split(',');
const seeds = opt('seeds', '1,2,3').split(',').map(Number);
const task = opt('task', 'subject');
const file = path.resolve(ROOT, opt('results', 'data/results/label-efficiency.json'));
const maxCells = Number(opt('max-cells', 'Infinity'));
const dryRun = argv.includes('--dry-run');

// The models. `pretrained` names the LM checkpoint (for scratch: only its tokenizer and shape).
const MODELS = {
  broad: { name: 'pretrained (broad LM)', pretrained: 'data/checkpoints/lm-broad', init: 'pretrained' },
  moby: { name: 'pretrained (Moby Dick LM)', pretrained: 'data/checkpoints/lm', init: 'pretrained' },
  scratch: { name: 'from scratch', pretrained: 'data/checkpoints/lm', init: 'scratch' },
  nb: { name: 'naive Bayes', pretrained: null, init: null },
  // The broad LM continued on the task's unlabelled subjects (issue 25's stage 2); the few-label
  // protocol (scripts/few-label-protocol.js) chooses its fixed step count from this model's cells.
  task: { name: 'pretrained (task-adapted LM)', pretrained: 'data/checkpoints/lm-task', init: 'pretrained' },
  // The longer stage 2 that the CLI's default recipe starts from (src/classify/recipe.ts).
  tasklong: { name: 'pretrained (task-adapted LM, 1000 steps)', pretrained: 'data/checkpoints/lm-task-long', init: 'pretrained' },
};
const models = opt('models', 'broad,moby,scratch,nb').split(',');
for (const m of models) if (!MODELS[m]) throw new Error(`unknown model '${m}' (expected ${Object.keys(MODELS).join(', ')})`);
for (const n of ns) if (!N_ALL.includes(n) && !/^\d+$/.test(n)) throw new Error(`bad N '${n}'`);

// The fine-tuning recipe of the subject task (scripts/train-classifiers.js says how it was chosen).
const TASK_ARGS = {
  subject: ['--task', 'subject', '--seq', '48', '--lr', '1e-3', '--dropout', '0', '--lambda', '0.5', '--token-init', 'separators'],
  'subject+body': ['--task', 'subject+body', '--context', '256', '--seq', '256', '--lr', '1e-3', '--dropout', '0', '--lambda', '0.5', '--token-init', 'separators'],
};
const FULL_EPOCHS = { subject: '4', 'subject+body': '3' };
if (!TASK_ARGS[task]) throw new Error(`unknown task '${task}'`);

const results = fs.existsSync(file)
  ? JSON.parse(fs.readFileSync(file, 'utf8'))
  : { created: new Date().toISOString(), task, note: 'test accuracy of the spam classifier against the number of labelled training examples; see scripts/label-efficiency.js', cells: {} };
const save = () => {
  // Another process may be filling other cells of the same file (e.g. `--n all` run beside the
  // rest on a second core): take its cells in before writing ours.
  if (fs.existsSync(file)) {
    const onDisk = JSON.parse(fs.readFileSync(file, 'utf8'));
    for (const [id, c] of Object.entries(onDisk.cells ?? {})) if (!results.cells[id]) results.cells[id] = c;
  }
  results.updated = new Date().toISOString();
  results.summary = summarize(results.cells);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, JSON.stringify(results, null, 2) + '\n');
};

/** Mean, standard deviation, min and max of test accuracy per (model, N) over seeds (lg.summarizeLabelEfficiency). */
function summarize(cells) {
  lg ??= require(path.join(ROOT, 'dist'));
  spam ??= lg.loadSpam();
  return lg.summarizeLabelEfficiency(cells, spam.train.length);
}

let lg = null; // the public API (dist/), loaded on first use: naive Bayes cells and the summary
let spam = null;
function naiveBayesCell(n, seed) {
  lg ??= require(path.join(ROOT, 'dist'));
  spam ??= lg.loadSpam();
  const t0 = Date.now();
  const train = n === 'all' ? spam.train : lg.stratifiedSubset(spam.train, Number(n), seed);
  const text = (e) => lg.toText(e, task, lg.DEFAULT_BODY_CHARS);
  const nb = lg.trainNaiveBayes(train.map(text), train.map((e) => e.label));
  const m = lg.metricsFromProbs(spam.test.map((e) => { const p = nb.predictProba(text(e))[1]; return [1 - p, p]; }), spam.test.map((e) => e.label));
  return {
    command: `lg.trainNaiveBayes on ${n === 'all' ? 'the whole training split' : `lg.stratifiedSubset(train, ${n}, ${seed})`} (toText(e, '${task}', ${lg.DEFAULT_BODY_CHARS}))`,
    trainExamples: train.length, accuracy: m.accuracy, f1: m.f1, wallSeconds: (Date.now() - t0) / 1000,
  };
}

function classifierCell(key, n, seed) {
  const m = MODELS[key];
  const out = path.join('out', 'label-efficiency', task.replace('+', '-'), `${key}-n${n}-seed${seed}`);
  // The grid's schedule, spelled out (the CLI's --train-size defaults changed since): 200 steps,
  // validation every 10, the best evaluation kept, plain stage 3.
  const sizeArgs = n === 'all' ? ['--epochs', FULL_EPOCHS[task]] : ['--train-size', n, '--steps', '200', '--keep', 'best', '--unfreeze', 'all'];
  const train = ['train', 'classifier', ...TASK_ARGS[task], '--init', m.init, '--pretrained', m.pretrained, '--seed', String(seed), ...sizeArgs, '--out', out, '--force'];
  const evalCmd = ['eval', 'classifier', '--checkpoint', out];
  console.error(`\n== ${m.name}, N = ${n}, seed ${seed}\n$ literate-gpt ${train.join(' ')}`);
  if (dryRun) return null;
  const t0 = Date.now();
  const tr = cli(train);
  const ev = cli(evalCmd);
  const manifest = JSON.parse(fs.readFileSync(path.join(ROOT, out, 'manifest.json'), 'utf8'));
  return {
    command: `literate-gpt ${train.join(' ')} && literate-gpt ${evalCmd.join(' ')}`,
    trainExamples: n === 'all' ? null : Number(n), steps: tr.steps, accuracy: ev.accuracy, f1: ev.f1, valAccuracy: tr.valAccuracy,
    valAccuracyPerEvaluation: manifest.valAccuracyPerEpoch, bestEvaluation: manifest.bestEpoch, evalEvery: manifest.options.evalEvery ?? null,
    trainSeconds: tr.wallSeconds, wallSeconds: (Date.now() - t0) / 1000,
  };
}

let commit = null;
try { commit = cp.execFileSync('git', ['rev-parse', 'HEAD'], { cwd: ROOT, encoding: 'utf8' }).trim(); } catch { /* not a git checkout */ }

let ran = 0;
for (const n of ns) {
  for (const seed of seeds) {
    for (const key of models) {
      const id = `${task}|${key}|${n}|${seed}`;
      if (results.cells[id]) continue;
      if (MODELS[key].pretrained && !fs.existsSync(path.join(ROOT, MODELS[key].pretrained, 'checkpoint.json'))) {
        console.error(`skipping ${id}: ${MODELS[key].pretrained} does not exist yet`);
        continue;
      }
      if (ran >= maxCells) { save(); console.error(`stopped after ${ran} cells (--max-cells)`); process.exit(0); }
      const cell = key === 'nb' ? (dryRun ? null : naiveBayesCell(n, seed)) : classifierCell(key, n, seed);
      if (!cell) continue;
      results.cells[id] = { task, model: MODELS[key].name, key, n: n === 'all' ? 'all' : Number(n), seed, ...cell, commit, created: new Date().toISOString() };
      ran++;
      save();
      console.error(`${id}: accuracy ${(100 * cell.accuracy).toFixed(2)} %, ${cell.wallSeconds.toFixed(0)} s`);
    }
  }
}
if (!dryRun) save();
console.table(summarize(results.cells).map((s) => ({ model: s.model, n: s.n, seeds: s.seeds.join(','), mean: (100 * s.mean).toFixed(2), sd: (100 * s.sd).toFixed(2) })));
console.error(`${ran} cells run; ${Object.keys(results.cells).length} in ${path.relative(ROOT, file)}`);
