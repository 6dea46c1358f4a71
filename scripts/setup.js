#!/usr/bin/env node
// `npm install` runs this once the dependencies are in place. Each step is optional and
// says in one line what it did or why it could not; install never fails because of them.
'use strict';
const cp = require('child_process');
const fs = require('fs');
const path = require('path');

// npm prints `engines` mismatches among many warnings (or not at all); say it once, plainly.
const warning = require('./node-support').nodeWarning();
if (warning) console.log(`[setup] ${warning}`);

const steps = [
  ['native TensorFlow backend', 'setup-native.js'],
  ['compile src/ to dist/', null],
  ['Jupyter + tslab kernel', 'setup-jupyter.js'],
  ['PyTorch + transformers (Hugging Face parity tests; CI or LGPT_TORCH=1)', 'setup-torch.js'],
];

for (const [what, script] of steps) {
  if (script === null) {
    const r = cp.spawnSync(process.execPath, [require.resolve('typescript/bin/tsc'), '-p', 'tsconfig.build.json'],
      { cwd: path.join(__dirname, '..'), stdio: 'inherit' });
    console.log(`[setup] ${what}: ${r.status === 0 ? 'done' : 'FAILED (run `npm run build` to see why)'}`);
    continue;
  }
  const file = path.join(__dirname, script);
  if (!fs.existsSync(file)) continue;
  const r = cp.spawnSync(process.execPath, [file], { stdio: 'inherit' });
  if (r.status !== 0) console.log(`[setup] ${what}: step failed (exit ${r.status}); continuing`);
}
