#!/usr/bin/env node
// Stage 2's language models on the text stage 2 is about: nats per token and bits per byte on the
// 540 validation subjects, framed as the classifier reads them (never trained on), for the shipped
// LMs and for the stage-2 variants the few-label protocol compares (the ablation from random
// weights, longer runs). The variants are not shipped (2 MB each, reproducible with the command
// recorded here, a few minutes each), so chapter 05 reads their numbers from this file:
// data/results/stage2-lms.json.
//
// Usage: npm run build && node scripts/stage2-eval.js
'use strict';
const fs = require('fs');
const path = require('path');

const ROOT = path.join(__dirname, '..');
const lg = require(path.join(ROOT, 'dist'));

// Each model: its folder, its role, and the command that made it (for the variants: the shipped
// lm-task's command with what differs).
const MODELS = [
  { key: 'broad', dir: 'data/checkpoints/lm-broad', what: 'stage 1: the broad LM (shipped)' },
  { key: 'task', dir: 'data/checkpoints/lm-task', what: 'stage 2: the broad LM continued 150 steps on the training subjects (shipped)' },
  { key: 'taskreinit', dir: 'out/stage2/reinit-s150', what: 'stage 2 alone: the same 150 steps from random weights (ablation)',
    command: 'literate-gpt train lm --init data/checkpoints/lm-broad --reinit --corpus spam-subjects --steps 150 --lr 3e-4 --warmup 15 --eval-every 50 --seed 1 --out out/stage2/reinit-s150' },
  { key: 'long', dir: 'data/checkpoints/lm-task-long', what: 'stage 2 for 1000 steps on the training subjects (shipped; the default recipe starts here)' },
];

(async () => {
  await lg.initBackend();
  const part = lg.loadCorpusPart('spam-subjects');
  const bytes = Buffer.byteLength(part.heldOut, 'utf8');
  const file = path.join(ROOT, 'data', 'results', 'stage2-lms.json');
  const old = fs.existsSync(file) ? JSON.parse(fs.readFileSync(file, 'utf8')) : { models: {} };
  const out = { created: new Date().toISOString(), heldOut: `the ${part.documents.heldOut.length} validation subjects, framed as the classifier reads them`, bytes, models: { ...old.models } };
  for (const m of MODELS) {
    if (!fs.existsSync(path.join(ROOT, m.dir, 'checkpoint.json'))) { console.error(`skipping ${m.dir}: not there`); continue; }
    const ck = lg.loadCheckpoint(path.join(ROOT, m.dir));
    const ids = lg.encodePart(ck.tokenizer, part, 'heldOut');
    const nats = lg.evaluateLm(ck.model, ids, 32);
    ck.model.dispose();
    out.models[m.key] = { dir: m.dir, what: m.what, ...(m.command ? { command: m.command } : {}), natsPerToken: nats, bitsPerByte: lg.bitsPerByte(nats, ids.length, bytes), tokens: ids.length };
    console.log(`${m.key.padEnd(11)} ${nats.toFixed(3)} nats/token, ${lg.bitsPerByte(nats, ids.length, bytes).toFixed(3)} bits/byte  (${m.dir})`);
  }
  // Whole or not at all: a temporary file, then renamed over the old one.
  const tmp = `${file}.tmp-${process.pid}`;
  fs.writeFileSync(tmp, JSON.stringify(out, null, 1) + '\n');
  fs.renameSync(tmp, file);
})().catch((e) => { console.error(e); process.exit(1); });
