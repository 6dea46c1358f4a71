#!/usr/bin/env node
// The ladder of chapter 03: a bigram model, then self-attention, several heads, the MLP,
// residual connections and LayerNorm added one at a time (src/model/ladder.ts), each trained
// from scratch with the same budget (src/train/ladder.ts: steps, batch, window, schedule, seed,
// so the same batches in the same order) on Moby Dick's characters, and scored on the same
// held-out windows of the book's last 10 %. Writes data/results/ladder.json, which
// notebooks/03-gpt-model.ipynb reads (and re-runs in normal mode with LGPT_LADDER_RERUN=1).
//
//   npm run build && node scripts/ladder.js            → data/results/ladder.json
//   node scripts/ladder.js --steps 50 --out out/ladder-quick.json    a smoke test
//
// The budget is small on purpose (the whole ladder in about ten minutes on 2 shared CPU cores):
// the question is what each piece buys at a fixed, equal budget, not how low a loss can go.
'use strict';
const fs = require('fs');
const os = require('os');
const path = require('path');

const ROOT = path.join(__dirname, '..');
const lg = require(path.join(ROOT, 'dist'));

function arg(name, fallback) {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : fallback;
}

async function main() {
  const info = await lg.initBackend();
  const shape = lg.LADDER_SHAPE;
  const budget = { ...lg.LADDER_BUDGET, steps: Number(arg('steps', lg.LADDER_BUDGET.steps)) };
  const out = path.resolve(arg('out', path.join(ROOT, 'data/results/ladder.json')));
  const command = `node scripts/ladder.js ${process.argv.slice(2).join(' ')}`.trim();
  const loadBefore = os.loadavg()[0];
  const t0 = Date.now();
  const run = lg.runLadder(shape, lg.ladderRungs(shape.nHead), budget, (r) =>
    process.stderr.write(`${r.rung}: held-out ${r.valLoss.toFixed(4)} nats/char, train ${r.trainLoss.toFixed(4)}, ${r.seconds.toFixed(0)} s\n`));
  const json = {
    created: new Date().toISOString(), command, backend: info.backend, machine: `${os.cpus().length} × ${os.cpus()[0].model}`,
    loadBefore: Number(loadBefore.toFixed(2)), loadAfter: Number(os.loadavg()[0].toFixed(2)),
    wallSeconds: Math.round((Date.now() - t0) / 1000), ...run,
  };
  fs.mkdirSync(path.dirname(out), { recursive: true });
  const tmp = `${out}.tmp-${process.pid}`;
  fs.writeFileSync(tmp, JSON.stringify(json, null, 1) + '\n');
  fs.renameSync(tmp, out);
  process.stderr.write(`wrote ${path.relative(process.cwd(), out)} in ${json.wallSeconds} s\n`);
}

main().catch((e) => { process.stderr.write(`${e.message}\n`); process.exit(1); });
