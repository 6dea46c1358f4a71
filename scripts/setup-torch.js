#!/usr/bin/env node
// PyTorch (a CPU build), Hugging Face transformers and safetensors in the project's .venv: the
// reference implementation the Hugging Face parity tests compare with (test/hf.test.ts), and what
// chapter 07's continue-training script (scripts/continue_training.py) runs on.
//
// Run by scripts/setup.js after `npm install` when CI is set or LGPT_TORCH=1 (PyTorch adds about
// 800 MB to .venv, which a reader of the notebooks does not need); otherwise it prints the one
// command that installs it. Safe to run again by hand: `node scripts/setup-torch.js`.
// Never fails the install: every problem is one line and exit code 0.
'use strict';
const cp = require('child_process');
const fs = require('fs');
const { venvPython, canImport } = require('./setup-jupyter');

// The versions the parity tests were run with. `+cpu`: PyTorch's CPU-only build; a plain `torch`
// from PyPI is the CUDA build, which pulls gigabytes of NVIDIA libraries.
const PINS = ['torch==2.13.0+cpu', 'transformers==5.18.0', 'safetensors==0.8.0'];
const CPU_INDEX = 'https://download.pytorch.org/whl/cpu';
const MODULES = ['torch', 'transformers', 'safetensors'];

function log(msg) {
  console.log(`[setup-torch] ${msg}`);
}

function main() {
  const cmd = `node scripts/setup-torch.js --install`;
  const asked = process.argv.includes('--install') || process.env.LGPT_TORCH === '1' || !!process.env.CI;
  const python = venvPython();
  if (!fs.existsSync(python)) return log(`no .venv (it needs Python >= 3.9, see setup-jupyter); PyTorch for the Hugging Face parity tests and chapter 07: later, ${cmd}`);
  if (canImport(python, MODULES)) return log('.venv: torch, transformers, safetensors already installed');
  if (!asked) return log(`skipped PyTorch + transformers (about 800 MB; the Hugging Face parity tests skip without them, chapter 07's script needs them): ${cmd}`);
  const t0 = Date.now();
  log(`installing ${PINS.join(', ')} into .venv (pip, about a minute) ...`);
  // --retries 0: where an index is unreachable pip would otherwise retry it for minutes.
  const pip = cp.spawnSync(python, ['-m', 'pip', 'install', '--quiet', '--retries', '0', '--extra-index-url', CPU_INDEX, ...PINS], { stdio: 'inherit' });
  const secs = ((Date.now() - t0) / 1000).toFixed(0);
  if (pip.status !== 0) return log(`pip install failed after ${secs} s; run: .venv/bin/pip install --extra-index-url ${CPU_INDEX} ${PINS.join(' ')}`);
  log(`torch, transformers, safetensors ready in ${secs} s`);
}

main();
