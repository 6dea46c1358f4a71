#!/usr/bin/env node
// Notebook setup, run by scripts/setup.js after `npm install` (and safe to run again by hand):
//
//   1. node_modules/literate-gpt -> the project root, so a notebook can `import * as lg from
//      'literate-gpt'`. tslab compiles with rootDir = the notebook's folder, so `../src` is refused;
//      the package's own name resolves through package.json main/types to dist/.
//   2. A tslab kernelspec written by hand into .jupyter/share/jupyter/kernels/ (git-ignored).
//      `tslab install` would need a Python with jupyter_client; a kernel.json needs nothing.
//   3. A project-local Python venv .venv with JupyterLab, nbclient and nbconvert (for `npm run lab`
//      and `npm start`). Skipped when present; when Python or pip is missing it prints what to run.
//
// Never fails the install: every problem is one line and exit code 0.
'use strict';
const cp = require('child_process');
const fs = require('fs');
const path = require('path');

const ROOT = path.resolve(__dirname, '..');
const KERNEL_NAME = 'literate-gpt-ts';
const JUPYTER_DATA = path.join(ROOT, '.jupyter', 'share', 'jupyter');
const VENV = path.join(ROOT, '.venv');
// The Python side, pinned at the versions the project's notebooks, `npm run lab` and the lab smoke
// test were run with (environment.md). tslab is not officially tested on JupyterLab 4; these are.
// LGPT_PY_LATEST=1 (e.g. `LGPT_PY_LATEST=1 node scripts/setup-jupyter.js`) installs the newest
// instead, to try them before moving the pins.
const PY_PINS = { jupyterlab: '4.6.4', nbclient: '0.11.0', nbconvert: '7.17.1', ipykernel: '7.4.0' };
const PY_PACKAGES = Object.keys(PY_PINS);
const PY_LATEST = process.env.LGPT_PY_LATEST === '1';
const PIP_SPECS = PY_PACKAGES.map((p) => (PY_LATEST ? p : `${p}==${PY_PINS[p]}`));
const WIN = process.platform === 'win32';

// Quiet when another script (run-notebooks, lab) calls the steps to make sure they are done.
function log(msg) {
  if (require.main === module) console.log(`[setup-jupyter] ${msg}`);
}

function linkSelf() {
  const link = path.join(ROOT, 'node_modules', 'literate-gpt');
  try {
    if (fs.realpathSync(link) === fs.realpathSync(ROOT)) return log('node_modules/literate-gpt: already linked');
  } catch {
    // Missing or dangling: (re)create below.
  }
  fs.rmSync(link, { recursive: false, force: true });
  // A relative link survives moving the checkout; Windows junctions need an absolute target.
  if (WIN) fs.symlinkSync(ROOT, link, 'junction');
  else fs.symlinkSync('..', link, 'dir');
  log('node_modules/literate-gpt -> project root (notebooks import the compiled dist/)');
}

function writeKernelSpec() {
  const dir = path.join(JUPYTER_DATA, 'kernels', KERNEL_NAME);
  fs.mkdirSync(dir, { recursive: true });
  const tslab = path.join(ROOT, 'node_modules', '.bin', WIN ? 'tslab.cmd' : 'tslab');
  const spec = {
    // tslab's own installer splits --config-path from {connection_file} the same way (tslab#36).
    argv: [tslab, 'kernel', '--config-path', '{connection_file}'],
    display_name: 'TypeScript (literate-gpt)',
    language: 'typescript',
  };
  fs.writeFileSync(path.join(dir, 'kernel.json'), JSON.stringify(spec, null, 2) + '\n');
  log(`kernelspec '${KERNEL_NAME}' in ${path.relative(ROOT, dir)}`);
}

function venvPython() {
  return path.join(VENV, WIN ? 'Scripts' : 'bin', WIN ? 'python.exe' : 'python');
}

/** True when `python` can import every module named. */
function canImport(python, modules) {
  const r = cp.spawnSync(python, ['-c', `import ${modules.join(', ')}`], { stdio: 'ignore' });
  return r.status === 0;
}

/** True when `python` has each pinned distribution at its pinned version (any version with LGPT_PY_LATEST=1). */
function hasPins(python) {
  if (!canImport(python, PY_PACKAGES)) return false;
  if (PY_LATEST) return false; // asked for the newest: let pip upgrade
  const code = `import importlib.metadata as m, json; print(json.dumps({p: m.version(p) for p in ${JSON.stringify(PY_PACKAGES)}}))`;
  const r = cp.spawnSync(python, ['-c', code], { encoding: 'utf8' });
  if (r.status !== 0) return false;
  try {
    const have = JSON.parse(r.stdout);
    return PY_PACKAGES.every((p) => have[p] === PY_PINS[p]);
  } catch {
    return false;
  }
}

/** The first Python >= 3.9 on PATH, or null. */
function findPython() {
  for (const exe of WIN ? ['python', 'py'] : ['python3', 'python']) {
    const r = cp.spawnSync(exe, ['-c', 'import sys; print(sys.version_info >= (3, 9))'], { encoding: 'utf8' });
    if (r.status === 0 && r.stdout.trim() === 'True') return exe;
  }
  return null;
}

function setupVenv() {
  const installCmd = `python3 -m venv .venv && .venv/bin/pip install --retries 0 ${PIP_SPECS.join(' ')}`;
  if (fs.existsSync(venvPython()) && hasPins(venvPython())) return log(`.venv: ${PIP_SPECS.join(', ')} already installed`);
  const python = findPython();
  if (python === null) return log(`no Python >= 3.9 found; for \`npm run lab\` and \`npm start\` install one, then run: ${installCmd}`);
  const t0 = Date.now();
  log(`${fs.existsSync(venvPython()) ? 'updating' : 'creating'} .venv with ${PIP_SPECS.join(', ')} (pip, a minute or two) ...`);
  if (!fs.existsSync(venvPython())) {
    const r = cp.spawnSync(python, ['-m', 'venv', VENV], { stdio: 'inherit' });
    if (r.status !== 0) return log(`\`${python} -m venv\` failed (on Debian: apt install python3-venv); then run: ${installCmd}`);
  }
  // --retries 0: where the public index is unreachable pip would otherwise retry it for minutes
  // before using the locally configured wheels; on a normal machine it changes nothing.
  const pip = cp.spawnSync(venvPython(), ['-m', 'pip', 'install', '--quiet', '--retries', '0', ...(PY_LATEST ? ['--upgrade'] : []), ...PIP_SPECS],
    { stdio: 'inherit' });
  const secs = ((Date.now() - t0) / 1000).toFixed(0);
  if (pip.status !== 0) return log(`pip install failed after ${secs} s; run: ${installCmd}`);
  log(`.venv ready in ${secs} s`);
}

function main() {
  for (const [what, step] of [['self-link', linkSelf], ['kernelspec', writeKernelSpec], ['venv', setupVenv]]) {
    try {
      step();
    } catch (e) {
      log(`${what} failed: ${e instanceof Error ? e.message : e}`);
    }
  }
}

if (require.main === module) main();

module.exports = { ROOT, KERNEL_NAME, JUPYTER_DATA, VENV, venvPython, canImport, linkSelf, writeKernelSpec };
