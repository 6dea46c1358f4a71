#!/usr/bin/env node
// Scaling table for notebook 04: train several model sizes on Moby Dick with the same tokenizer
// (byte-level BPE, 2,048 tokens), the same data, the same optimiser settings and the same
// wall-clock budget each, then record how far each one got. Writes data/results/scaling.json,
// which notebooks/04-pretraining.ipynb reads and shows as a table and a plot.
//
//   node scripts/scaling.js                      3 sizes × 4 minutes  → data/results/scaling.json
//   node scripts/scaling.js --minutes 10         a longer budget per size
//   node scripts/scaling.js --sizes tiny,nano    only some sizes (names below)
//   node scripts/scaling.js --quick              3 sizes × 0.3 minutes → out/scaling-quick.json (a smoke test)
//   node scripts/scaling.js --note "text"        add a remark to the JSON (e.g. what else ran meanwhile)
//
// Each size is one `literate-gpt train lm ... --minutes M --json` run into out/scaling/NAME/
// (git-ignored). The minutes count training only: the tokenizer (≈10 s) and the final evaluation
// on the whole validation text come on top, and are in `wallSeconds`.
//
// Evaluations (8 validation batches) every 10 steps: they give each curve enough points, and they
// are when `train lm` re-estimates how many steps fit in the budget. Its first estimate comes from
// steps 2-9, which are slow on a busy machine (and while tfjs warms up); with the first
// re-estimate only at step 21 (as with --eval-every 20) a 4-minute run stopped after 21 steps and
// 2.4 minutes. Every size pays the same share of its time for evaluation, so the comparison holds.
// `budgetUsed` in the JSON says what fraction of its minutes each run actually trained.
//
// A fixed time budget, not a fixed number of steps, is the question a reader with a laptop asks:
// "with N minutes, which size should I train?" A bigger model learns more per token but sees fewer
// tokens in the same time. On 2 CPU cores the answer depends on the machine and on its load, so the
// JSON records the backend, the CPU, and the load average before and after every run.
'use strict';
const fs = require('fs');
const os = require('os');
const path = require('path');
const { cliJson: cli } = require('./lib/cli-json');

const ROOT = path.join(__dirname, '..');

// The shapes. All share blockSize 128 (the same context as the shipped model), batch 32 and no
// dropout (a few minutes is far less than one pass over the book: nothing to regularise).
const SIZES = {
  tiny: { what: '2 layers × 64 wide, 2 heads', flags: ['--preset', 'nano', '--layers', '2', '--heads', '2', '--embd', '64'] },
  nano: { what: 'the nano preset: 4 layers × 128 wide, 4 heads', flags: ['--preset', 'nano'] },
  micro: { what: 'the micro preset\'s shape: 6 layers × 192 wide, 6 heads', flags: ['--preset', 'micro'] },
};
const COMMON = ['--corpus', 'moby-dick', '--tokenizer', 'bpe', '--vocab', '2048', '--block', '128', '--dropout', '0',
  '--batch', '32', '--lr', '1e-3', '--warmup', '100', '--eval-every', '10', '--seed', '1337'];

function parseArgs(argv) {
  const o = { minutes: 4, sizes: Object.keys(SIZES), quick: false, note: '', out: null };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--quick') o.quick = true;
    else if (a === '--minutes') o.minutes = Number(argv[++i]);
    else if (a === '--sizes') o.sizes = String(argv[++i]).split(',');
    else if (a === '--note') o.note = String(argv[++i]);
    else if (a === '--out') o.out = String(argv[++i]);
    else throw new Error(`unknown argument ${a} (expected --minutes M, --sizes a,b, --quick, --note TEXT, --out FILE)`);
  }
  if (o.quick) o.minutes = 0.3;
  if (!(o.minutes > 0)) throw new Error('--minutes needs a positive number');
  for (const s of o.sizes) if (!SIZES[s]) throw new Error(`unknown size '${s}' (known: ${Object.keys(SIZES).join(', ')})`);
  o.out ??= o.quick ? 'out/scaling-quick.json' : 'data/results/scaling.json';
  return o;
}

/** Other training processes on this machine (they share its cores and slow every number here). */
function otherTraining() {
  const found = [];
  for (const pid of fs.readdirSync('/proc').filter((d) => /^\d+$/.test(d))) {
    if (Number(pid) === process.pid) continue;
    let cmd;
    try { cmd = fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').join(' ').trim(); } catch { continue; }
    // The node processes themselves, not the npm/sh wrappers that started them.
    if (/^(npm|sh|bash) /.test(cmd) || cmd.includes('out/scaling/')) continue;
    if (/literate-gpt(\.js)? (train|bench|eval)|tslab kernel|mocha/.test(cmd)) found.push(cmd.slice(0, 160));
  }
  return found;
}

function load() {
  const [one, five] = os.loadavg();
  return { loadAvg1: Number(one.toFixed(2)), loadAvg5: Number(five.toFixed(2)), otherProcesses: otherTraining() };
}

/** Parameters and config, read from the checkpoint's own description (no tfjs needed here). */
function describeCheckpoint(dir) {
  const j = JSON.parse(fs.readFileSync(path.join(ROOT, dir, 'checkpoint.json'), 'utf8'));
  const parameters = j.tensors.filter((t) => !t.name.startsWith('adam.')).reduce((n, t) => n + t.shape.reduce((a, b) => a * b, 1), 0);
  return { config: j.config, parameters, history: j.trainState.history, elapsedMs: j.trainState.elapsedMs };
}

function main() {
  const o = parseArgs(process.argv.slice(2));
  const info = cli(['info']);
  const result = {
    created: new Date().toISOString(),
    command: `node scripts/scaling.js ${process.argv.slice(2).join(' ')}`.trim(),
    minutesPerSize: o.minutes,
    backend: info.backend,
    machine: `${os.cpus().length}× ${os.cpus()[0]?.model ?? 'cpu'}, ${os.platform()} ${os.arch()}`,
    note: o.note,
    common: `literate-gpt train lm ${COMMON.join(' ')} --minutes ${o.minutes}`,
    runs: [],
  };
  for (const name of o.sizes) {
    const out = path.join('out', 'scaling', name);
    fs.rmSync(path.join(ROOT, out), { recursive: true, force: true });
    const args = ['train', 'lm', ...COMMON, ...SIZES[name].flags, '--minutes', String(o.minutes), '--out', out];
    console.error(`\n== ${name}: ${SIZES[name].what}\n$ literate-gpt ${args.join(' ')}`);
    const before = load();
    const trained = cli(args);
    const after = load();
    const ck = describeCheckpoint(out);
    result.runs.push({
      name,
      what: SIZES[name].what,
      command: `literate-gpt ${args.join(' ')}`,
      config: ck.config,
      parameters: ck.parameters,
      steps: trained.steps,
      tokensSeen: trained.tokensSeen,
      valLoss: trained.valLoss,
      bitsPerByte: trained.bitsPerByte,
      trainMinutes: ck.elapsedMs / 60_000,
      budgetUsed: ck.elapsedMs / 60_000 / o.minutes,
      wallSeconds: trained.wallSeconds,
      tokensPerSecond: trained.tokensPerSecond,
      history: ck.history,
      loadBefore: before,
      loadAfter: after,
    });
    // Written after every run, so an interrupted sweep keeps what it measured.
    fs.mkdirSync(path.dirname(path.join(ROOT, o.out)), { recursive: true });
    fs.writeFileSync(path.join(ROOT, o.out), JSON.stringify(result, null, 2) + '\n');
  }
  const busy = result.runs.some((r) => r.loadBefore.otherProcesses.length + r.loadAfter.otherProcesses.length > 0);
  result.contention = busy
    ? 'other training or test processes ran during at least one size (see loadBefore/loadAfter): steps and tokens are lower than on an idle machine'
    : 'no other training processes were seen before or after any run';
  fs.writeFileSync(path.join(ROOT, o.out), JSON.stringify(result, null, 2) + '\n');
  console.table(result.runs.map((r) => ({ size: r.name, parameters: r.parameters, steps: r.steps, tokensSeen: r.tokensSeen, valLoss: r.valLoss.toFixed(3), bitsPerByte: r.bitsPerByte.toFixed(3) })));
  console.error(`wrote ${o.out}`);
}

if (require.main === module) {
  try {
    main();
  } catch (e) {
    console.error(`scaling: ${e instanceof Error ? e.message : e}`);
    process.exit(1);
  }
}
