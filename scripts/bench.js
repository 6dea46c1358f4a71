#!/usr/bin/env node
// `npm run bench`: the benchmark on the backend in use (LGPT_BACKEND picks it), with the PyTorch
// reference in the same run (installed with apt-get if missing and possible), saved to
// data/bench/, then README.md's performance table regenerated. Extra arguments go to
// `literate-gpt bench` (e.g. `npm run bench -- --preset micro`).
'use strict';
const cp = require('child_process');
const path = require('path');

const ROOT = path.resolve(__dirname, '..');
const args = ['bin/literate-gpt.js', 'bench', '--torch', '--install-torch', '--save', ...process.argv.slice(2)];
const r = cp.spawnSync(process.execPath, args, { cwd: ROOT, stdio: 'inherit' });
if (r.status !== 0) process.exit(r.status ?? 1);
const t = cp.spawnSync(process.execPath, [path.join(__dirname, 'bench-table.js')], { cwd: ROOT, stdio: 'inherit' });
process.exit(t.status ?? 1);
