#!/usr/bin/env node
// Reproduces notebook 05's comparison: the same architecture fine-tuned from the pretrained
// language model with and without the auxiliary LM loss, and trained from scratch, on the
// same spam test split, next to majority-class and naive-Bayes baselines. Writes
// data/results/classifier-comparison.json and ships the pretrained + aux models to
// data/checkpoints/classifier/ (subjects) and data/checkpoints/classifier-body/ (subject + body).
// Usage: node scripts/train-classifiers.js [--quick] [--reuse]
// --reuse: a run whose out/classifiers/<run>/manifest.json exists is evaluated, not retrained.
// The JSON is rewritten after every run, so an interrupted comparison keeps what it measured.
'use strict';
const fs = require('fs');
const path = require('path');
const { cliJson: cli } = require('./lib/cli-json');

const ROOT = path.join(__dirname, '..');
const quick = process.argv.includes('--quick');
const reuse = process.argv.includes('--reuse');
// Settings chosen on the validation split (closing notes of issue 7). Subjects: lr 1e-3 (2e-4 was
// still improving after 2 epochs), 48 tokens (cut fewer than 2 % of subjects; 40 cut 4 %, half of
// them spam whose tracking ids sit at the end), 4 epochs without dropout (validation 90.6 %,
// against 90.4 % with the LM's dropout 0.1 and 90.0 % for 3 epochs with it).
const subject = quick ? { steps: '5' } : { epochs: '4', seq: '48', lr: '1e-3', dropout: '0' };
// Subject + body: the first 600 characters of the body are ~270 tokens with this BPE, so the
// context is lengthened to 256 (--context; the LM was pretrained on 128), which reads ~86 % of
// them; 128 tokens read ~45 % (validation 96.3 %). Three epochs at 1e-3 without dropout
// (validation 96.9 %, against 96.5 % for two epochs with the LM's dropout 0.1). Each example
// costs ~5x a subject's: ~20 minutes a run on 2 cores.
const body = quick ? { steps: '5', seq: '128' } : { context: '256', epochs: '3', lr: '1e-3', seq: '256', dropout: '0' };
const settings = { subject, 'subject+body': body };
const runs = [
  { name: 'pretrained + aux LM (λ=0.5)', task: 'subject', args: { init: 'pretrained', lambda: '0.5' }, ship: 'classifier' },
  { name: 'pretrained, no aux LM', task: 'subject', args: { init: 'pretrained', lambda: '0' } },
  { name: 'from scratch', task: 'subject', args: { init: 'scratch', lambda: '0.5' } },
  { name: 'pretrained + aux LM (λ=0.5)', task: 'subject+body', args: { init: 'pretrained', lambda: '0.5' }, ship: 'classifier-body' },
  { name: 'from scratch', task: 'subject+body', args: { init: 'scratch', lambda: '0.5' } },
];

const results = { created: new Date().toISOString(), quick, runs: [], baselines: {} };
const file = path.join(ROOT, quick ? 'out' : 'data/results', 'classifier-comparison.json');
for (const run of runs) {
  // The shipped classifiers start from the Moby Dick LM with random <s>/<e> rows, spelled out
  // since the CLI's defaults became the few-label recipe (lm-task, separators).
  const opts = { pretrained: 'data/checkpoints/lm', 'token-init': 'random', ...settings[run.task], ...run.args };
  const out = path.join('out', 'classifiers', `${run.task.replace('+', '-')}-${run.args.init}-lambda${run.args.lambda}`);
  const cmd = ['train', 'classifier', '--task', run.task, ...Object.entries(opts).flatMap(([k, v]) => [`--${k}`, v]), '--out', out];
  console.error(`\n== ${run.task}: ${run.name}\n$ literate-gpt ${cmd.join(' ')}`);
  const manifestFile = path.join(ROOT, out, 'manifest.json');
  const trained = reuse && fs.existsSync(manifestFile)
    ? (() => { const m = JSON.parse(fs.readFileSync(manifestFile, 'utf8')); return { steps: m.steps, wallSeconds: m.wallSeconds, valAccuracy: m.valAccuracyPerEpoch[m.bestEpoch - 1] }; })()
    : cli([...cmd, '--force']); // a re-run replaces this script's own earlier classifier in out/classifiers
  const ev = cli(['eval', 'classifier', '--checkpoint', out]);
  results.baselines[run.task] = { majority: ev.baselines.majority, naiveBayes: ev.baselines.naiveBayes, naiveBayesF1: ev.baselineF1.naiveBayes, majorityF1: ev.baselineF1.majority };
  results.runs.push({ name: run.name, task: run.task, command: `literate-gpt ${cmd.join(' ')}`, accuracy: ev.accuracy, f1: ev.f1, recall: ev.recall, confusion: ev.confusion, steps: trained.steps, wallSeconds: trained.wallSeconds, valAccuracy: trained.valAccuracy });
  if (run.ship && !quick) {
    const dest = path.join(ROOT, 'data', 'checkpoints', run.ship);
    fs.rmSync(dest, { recursive: true, force: true });
    fs.cpSync(path.join(ROOT, out), dest, { recursive: true });
  }
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, JSON.stringify(results, null, 2) + '\n');
}
console.table(results.runs.map((r) => ({ task: r.task, model: r.name, accuracy: r.accuracy.toFixed(4), f1: r.f1.toFixed(4) })));
console.table(Object.entries(results.baselines).map(([task, b]) => ({ task, majority: b.majority.toFixed(4), naiveBayes: b.naiveBayes.toFixed(4) })));
console.error(`wrote ${path.relative(ROOT, file)}`);
