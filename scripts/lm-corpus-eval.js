#!/usr/bin/env node
// Bits per byte of the two shipped language models on the held-out slice of every corpus part,
// for notebook 04's section "A broader corpus". Writes data/results/lm-corpus-eval.json, which
// notebooks/04-pretraining.ipynb reads and shows as a table and a bar chart
// (figures/lm-corpus-eval.png).
//
//   npm run build && node scripts/lm-corpus-eval.js     both models × 4 parts → data/results/lm-corpus-eval.json
//   node scripts/lm-corpus-eval.js --out FILE           somewhere else
//
// The models: data/checkpoints/lm (pretrained on Moby Dick only) and data/checkpoints/lm-broad
// (the same model trained further on moby-dick+brown+spam; its manifest.json has the command).
// Each is one `literate-gpt eval lm --checkpoint DIR --corpus moby-dick+brown+sotu+spam --json`
// run, exactly as a user runs it; it scores each part's held-out slice (never in any part's
// training text) in non-overlapping windows of 128 tokens. `sotu` (State of the Union
// addresses) is in neither model's training mix: it measures how far what they learned carries
// to text that neither has seen the like of.
//
// Deterministic: the scores depend only on the checkpoints and the corpus packages; the wall
// times (a few minutes per model on 2 CPU cores) and the load average do not, and are recorded
// for the reader who re-runs it.
'use strict';
const fs = require('fs');
const os = require('os');
const path = require('path');
const { cliJson: cli } = require('./lib/cli-json');

const ROOT = path.join(__dirname, '..');
const CORPUS = 'moby-dick+brown+sotu+spam';
const MODELS = [
  { name: 'moby', label: 'Moby Dick LM', checkpoint: 'data/checkpoints/lm' },
  { name: 'broad', label: 'broad LM', checkpoint: 'data/checkpoints/lm-broad' },
];

function parseArgs(argv) {
  const o = { out: 'data/results/lm-corpus-eval.json' };
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--out') o.out = String(argv[++i]);
    else throw new Error(`unknown argument ${argv[i]} (expected --out FILE)`);
  }
  return o;
}

const loadAvg = () => Number(os.loadavg()[0].toFixed(2));

function main() {
  const o = parseArgs(process.argv.slice(2));
  const lg = require(path.join(ROOT, 'dist'));
  const corpus = lg.loadCorpus(CORPUS);
  const sizes = lg.corpusSizes(corpus);
  const info = cli(['info']);
  const result = {
    created: new Date().toISOString(),
    command: `node scripts/lm-corpus-eval.js ${process.argv.slice(2).join(' ')}`.trim(),
    backend: info.backend,
    machine: `${os.cpus().length}× ${os.cpus()[0]?.model ?? 'cpu'}, ${os.platform()} ${os.arch()}`,
    corpus: CORPUS,
    unit: 'bits per byte (UTF-8) on each part\'s held-out slice',
    parts: corpus.parts.map((p, i) => ({ ...sizes[i], what: p.what, heldOutWhat: p.heldOutWhat })),
    models: [],
  };
  for (const m of MODELS) {
    const args = ['eval', 'lm', '--checkpoint', m.checkpoint, '--corpus', CORPUS];
    console.error(`\n== ${m.label}\n$ literate-gpt ${args.join(' ')} --json`);
    const before = loadAvg();
    const t0 = Date.now();
    const r = cli(args);
    const wallSeconds = (Date.now() - t0) / 1000;
    // The CLI measured the same parts as lg.corpusSizes here: the same text was scored.
    for (const [i, s] of r.corpusSizes.entries()) {
      if (JSON.stringify(s) !== JSON.stringify(sizes[i])) throw new Error(`part sizes differ from lg.corpusSizes: ${JSON.stringify(s)} vs ${JSON.stringify(sizes[i])}`);
    }
    const manifest = JSON.parse(fs.readFileSync(path.join(ROOT, m.checkpoint, 'manifest.json'), 'utf8'));
    result.models.push({
      name: m.name,
      label: m.label,
      checkpoint: m.checkpoint,
      trainedOn: r.trainedOn,
      mix: manifest.mix ?? null,
      command: `literate-gpt ${args.join(' ')} --json`,
      bitsPerByte: r.bitsPerBytePerCorpus,
      heldOut: r.heldOut,
      wallSeconds,
      loadAvg1: { before, after: loadAvg() },
    });
    fs.mkdirSync(path.dirname(path.join(ROOT, o.out)), { recursive: true });
    fs.writeFileSync(path.join(ROOT, o.out), JSON.stringify(result, null, 2) + '\n');
  }
  console.table(Object.fromEntries(result.models.map((m) => [m.label, Object.fromEntries(Object.entries(m.bitsPerByte).map(([k, v]) => [k, v.toFixed(4)]))])));
  console.error(`wrote ${o.out}`);
}

if (require.main === module) {
  try {
    main();
  } catch (e) {
    console.error(`lm-corpus-eval: ${e instanceof Error ? e.message : e}`);
    process.exit(1);
  }
}
