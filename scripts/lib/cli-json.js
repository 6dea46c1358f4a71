// `literate-gpt ARGS --json` from a script: run the CLI (compiled dist/, through bin/) in the
// repository root, its progress on this process's stderr, and return the one JSON object it
// printed last on stdout. A non-zero exit throws, naming the command and its exit code.
'use strict';
const cp = require('child_process');
const path = require('path');

const ROOT = path.join(__dirname, '..', '..');

function cliJson(args) {
  const r = cp.spawnSync(process.execPath, [path.join(ROOT, 'bin', 'literate-gpt.js'), ...args, '--json'],
    { cwd: ROOT, stdio: ['ignore', 'pipe', 'inherit'], encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  if (r.status !== 0) throw new Error(`literate-gpt ${args.join(' ')} failed (exit ${r.status})`);
  return JSON.parse(r.stdout.trim().split('\n').pop());
}

module.exports = { cliJson };
