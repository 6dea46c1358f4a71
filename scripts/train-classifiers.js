#!/usr/bin/env node
// Reproduces notebook 04's comparison: the same architecture fine-tuned from the pretrained
// language model with and without the auxiliary LM loss, and trained from scratch, on the
// same spam test split, next to majority-class and naive-Bayes baselines. Writes
// data/results/classifier-comparison.json and ships the best subject-only model to
// data/checkpoints/classifier/.   Usage: node scripts/train-classifiers.js [--quick] [--reuse]
// --reuse: a run whose out/classifiers/<run>/manifest.json exists is evaluated, not retrained.
// The JSON is rewritten after every run, so an interrupted comparison keeps what it measured.
'use strict';
const cp = require('child_process');
const fs = require('fs');
const path = require('path');

const ROOT = path.join(__dirname, '..');
const quick = process.argv.includes('--quick');
const reuse = process.argv.includes('--reuse');
// Settings chosen on the validation split (out/hp search, notes in the closing note of issue 7):
// at lr 2e-4 every model was still improving after 2 epochs; 1e-3 for 3 epochs did better for
// pretrained and scratch alike. 48 tokens cut fewer than 2 % of subjects (40 cut 4 %, half of them
// spam whose tracking ids sit at the end).
const common = quick ? { steps: '5' } : { epochs: '3', seq: '48', lr: '1e-3' };
const runs = [
  { name: 'pretrained + aux LM (λ=0.5)', task: 'subject', args: { init: 'pretrained', lambda: '0.5' }, ship: true },
  { name: 'pretrained, no aux LM', task: 'subject', args: { init: 'pretrained', lambda: '0' } },
  { name: 'from scratch', task: 'subject', args: { init: 'scratch', lambda: '0.5' } },
  // 128-token inputs cost ~3× a subject's: one epoch keeps the run to minutes on 2 cores (at the
  // learning rate it was measured with; 1e-3 is untried there).
  { name: 'pretrained + aux LM (λ=0.5)', task: 'subject+body', args: { init: 'pretrained', lambda: '0.5', epochs: '1', seq: '128', lr: '2e-4' } },
];

function cli(args) {
  const r = cp.spawnSync(process.execPath, [path.join(ROOT, 'bin', 'literate-gpt.js'), ...args, '--json'],
    { cwd: ROOT, stdio: ['ignore', 'pipe', 'inherit'], encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`literate-gpt ${args.join(' ')} failed (exit ${r.status})`);
  return JSON.parse(r.stdout.trim().split('\n').pop());
}

const results = { created: new Date().toISOString(), quick, runs: [], baselines: {} };
const file = path.join(ROOT, quick ? 'out' : 'data/results', 'classifier-comparison.json');
for (const run of runs) {
  const opts = { ...common, ...run.args };
  const out = path.join('out', 'classifiers', `${run.task.replace('+', '-')}-${run.args.init}-lambda${run.args.lambda}`);
  const cmd = ['train', 'classifier', '--task', run.task, ...Object.entries(opts).flatMap(([k, v]) => [`--${k}`, v]), '--out', out];
  console.error(`\n== ${run.task}: ${run.name}\n$ literate-gpt ${cmd.join(' ')}`);
  const manifestFile = path.join(ROOT, out, 'manifest.json');
  const trained = reuse && fs.existsSync(manifestFile)
    ? (() => { const m = JSON.parse(fs.readFileSync(manifestFile, 'utf8')); return { steps: m.steps, wallSeconds: m.wallSeconds, valAccuracy: m.valAccuracyPerEpoch[m.bestEpoch - 1] }; })()
    : cli(cmd);
  const ev = cli(['eval', 'classifier', '--checkpoint', out]);
  results.baselines[run.task] = { majority: ev.baselines.majority, naiveBayes: ev.baselines.naiveBayes, naiveBayesF1: ev.baselineF1.naiveBayes, majorityF1: ev.baselineF1.majority };
  results.runs.push({ name: run.name, task: run.task, command: `literate-gpt ${cmd.join(' ')}`, accuracy: ev.accuracy, f1: ev.f1, recall: ev.recall, confusion: ev.confusion, steps: trained.steps, wallSeconds: trained.wallSeconds, valAccuracy: trained.valAccuracy });
  if (run.ship && !quick) {
    const dest = path.join(ROOT, 'data', 'checkpoints', 'classifier');
    fs.rmSync(dest, { recursive: true, force: true });
    fs.cpSync(path.join(ROOT, out), dest, { recursive: true });
  }
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, JSON.stringify(results, null, 2) + '\n');
}
console.table(results.runs.map((r) => ({ task: r.task, model: r.name, accuracy: r.accuracy.toFixed(4), f1: r.f1.toFixed(4) })));
console.table(Object.entries(results.baselines).map(([task, b]) => ({ task, majority: b.majority.toFixed(4), naiveBayes: b.naiveBayes.toFixed(4) })));
console.error(`wrote ${path.relative(ROOT, file)}`);
