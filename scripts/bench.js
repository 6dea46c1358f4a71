#!/usr/bin/env node
// `npm run bench`: the benchmark on each backend in turn — native TensorFlow, then wasm —
// each with the PyTorch reference in the same process run (installed with apt-get if missing
// and possible), saved to data/bench/<backend>.json; then data/bench/latest.json (what
// notebook 07 reads) is the first backend's result, and README.md's table is regenerated.
//
//   npm run bench                              # tensorflow, then wasm (about 10 minutes at most)
//   npm run bench -- --backends wasm           # only these backends (comma-separated)
//   npm run bench -- --preset micro            # anything else goes to `literate-gpt bench`
//
// The wasm backend is several times slower than the native one (and its textbook-kernel
// reference step takes about half a minute), so its run takes three rounds of one step and
// skips the larger model (PER_BACKEND); arguments given here replace them
// (the CLI refuses a flag given twice).
// The CLI runs from src/ (LGPT_FROM_SOURCE=1) so that a stale dist/ cannot time old code.
'use strict';
const cp = require('child_process');
const fs = require('fs');
const path = require('path');

const ROOT = path.resolve(__dirname, '..');
const DIR = process.env.LGPT_BENCH_DIR || path.join(ROOT, 'data', 'bench');
const DEFAULT_BACKENDS = ['tensorflow', 'wasm'];
const PER_BACKEND = {
  tensorflow: [],
  wasm: ['--rounds', '3', '--steps', '1', '--large', 'none'],
};

let argv = process.argv.slice(2);
let backends = DEFAULT_BACKENDS;
const at = argv.indexOf('--backends');
if (at >= 0) {
  backends = String(argv[at + 1] || '').split(',').filter(Boolean);
  argv = [...argv.slice(0, at), ...argv.slice(at + 2)];
  if (backends.length === 0) { console.error('bench: --backends needs a comma-separated list, e.g. tensorflow,wasm'); process.exit(2); }
}

/** A backend's own flags (flag-value pairs), less those the user gave. */
function ownArgs(backend) {
  const own = PER_BACKEND[backend] || [];
  const out = [];
  for (let i = 0; i < own.length; i += 2) if (!argv.includes(own[i])) out.push(own[i], own[i + 1]);
  return out;
}

const t0 = Date.now();
const done = [];
const failed = [];
for (const [i, backend] of backends.entries()) {
  const base = ['--torch', ...(i === 0 ? ['--install-torch'] : []), '--save'].filter((f) => !argv.includes(f));
  const args = ['bin/literate-gpt.js', 'bench', ...base, ...ownArgs(backend), ...argv];
  console.log(`\n== bench on ${backend}: literate-gpt ${args.slice(1).join(' ')}`);
  const r = cp.spawnSync(process.execPath, args, {
    cwd: ROOT, stdio: 'inherit', env: { ...process.env, LGPT_BACKEND: backend, LGPT_FROM_SOURCE: '1', LGPT_BENCH_DIR: DIR },
  });
  if (r.status === 0) done.push(backend);
  else { failed.push(backend); console.error(`bench: ${backend} failed (exit ${r.status ?? r.signal}); going on`); }
  console.log(`== ${backend}: ${Math.round((Date.now() - t0) / 1000)} s so far`);
}
if (done.length === 0) process.exit(1);
// Each run wrote latest.json as it finished; keep the first backend's (the default one).
fs.copyFileSync(path.join(DIR, `${done[0]}.json`), path.join(DIR, 'latest.json'));
const t = cp.spawnSync(process.execPath, [path.join(__dirname, 'bench-table.js')], { cwd: ROOT, stdio: 'inherit', env: { ...process.env, LGPT_BENCH_DIR: DIR } });
console.log(`bench: ${done.join(', ')} in ${Math.round((Date.now() - t0) / 1000)} s${failed.length ? `; failed: ${failed.join(', ')}` : ''}`);
process.exit(failed.length > 0 ? 1 : (t.status ?? 1));
