#!/usr/bin/env node
// `npm run lab`: JupyterLab from the project's .venv, serving notebooks/ with the project's
// TypeScript kernel, on 127.0.0.1 only.
//
//   npm run lab                       port 8888 (Jupyter moves up if it is taken)
//   npm run lab -- --port 9000
//   npm run lab -- --open             also open a browser
//   npm run lab -- --port 9000 -- --ServerApp.some_option=value   (after a second --: to jupyter)
//
// The kernel imports the compiled dist/: keep `npm run watch` running in another terminal and
// restart the kernel (Kernel ▸ Restart) after an edit in src/, since tslab caches loaded modules.
'use strict';
const cp = require('child_process');
const crypto = require('crypto');
const fs = require('fs');
const path = require('path');
const { ROOT, JUPYTER_DATA, VENV, linkSelf, writeKernelSpec } = require('./setup-jupyter');

const WIN = process.platform === 'win32';

function parseArgs(argv) {
  const opts = { port: 8888, open: false, extra: [], rootDir: path.join(ROOT, 'notebooks') };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--port') opts.port = Number(argv[++i]);
    else if (a === '--open') opts.open = true;
    else if (a === '--') opts.extra = argv.slice(i + 1), (i = argv.length);
    else throw new Error(`unknown argument ${a} (expected --port N, --open, or -- followed by jupyter options)`);
  }
  if (!Number.isInteger(opts.port) || opts.port <= 0 || opts.port > 65535) throw new Error('--port needs a port number');
  return opts;
}

/** The environment Jupyter runs in: our kernelspec first, Jupyter's own state kept in .jupyter/. */
function jupyterEnv(base = process.env) {
  return {
    ...base,
    JUPYTER_PATH: [JUPYTER_DATA, base.JUPYTER_PATH].filter(Boolean).join(path.delimiter),
    // The data dir also holds the kernelspec, so Jupyter finds it even if JUPYTER_PATH is reset.
    JUPYTER_DATA_DIR: JUPYTER_DATA,
  };
}

/** Start JupyterLab; resolves with {child, url} once the server printed its URL (quiet: logs kept back). */
function startLab(opts) {
  const jupyter = path.join(VENV, WIN ? 'Scripts' : 'bin', WIN ? 'jupyter.exe' : 'jupyter');
  if (!fs.existsSync(jupyter)) {
    throw new Error('no JupyterLab in .venv: run `node scripts/setup-jupyter.js` (or: python3 -m venv .venv && .venv/bin/pip install --retries 0 jupyterlab nbclient nbconvert)');
  }
  linkSelf();
  writeKernelSpec();
  const token = crypto.randomBytes(24).toString('hex');
  const args = ['lab', '--ip=127.0.0.1', `--port=${opts.port}`, `--ServerApp.root_dir=${opts.rootDir}`,
    `--IdentityProvider.token=${token}`, ...(opts.open ? [] : ['--no-browser']),
    // Containers and CI run as root, which Jupyter refuses unless told.
    ...(process.getuid?.() === 0 ? ['--allow-root'] : []), ...opts.extra];
  const child = cp.spawn(jupyter, args, { cwd: ROOT, env: jupyterEnv(), stdio: ['inherit', 'pipe', 'pipe'] });
  return new Promise((resolve, reject) => {
    let found = false;
    let tail = '';
    const watch = (stream, sink) => {
      stream.on('data', (chunk) => {
        if (!opts.quiet) sink.write(chunk);
        tail = (tail + chunk.toString()).slice(-2000);
        // Jupyter picks another port when ours is taken, so read the URL it really serves.
        // (It masks a token given on the command line as "token=...", so match the address alone.)
        const m = !found && /(http:\/\/127\.0\.0\.1:\d+\/lab)\b/.exec(chunk.toString());
        if (m) {
          found = true;
          resolve({ child, url: `${m[1]}?token=${token}`, token, logTail: () => tail });
        }
      });
    };
    watch(child.stdout, process.stdout);
    watch(child.stderr, process.stderr);
    child.on('error', reject);
    child.on('exit', (code) => {
      if (!found) reject(new Error(`jupyter lab exited with code ${code} before it was ready${opts.quiet ? `:\n${tail}` : ''}`));
    });
  });
}

async function main() {
  const opts = parseArgs(process.argv.slice(2));
  require('./run-notebooks').ensureBuilt();
  const { child, url } = await startLab(opts);
  console.log(`\n  JupyterLab (kernel "TypeScript (literate-gpt)", notebooks/):\n  ${url}\n` +
    '  Keep `npm run watch` running; after editing src/, restart the kernel. Ctrl-C twice to stop.\n');
  // Ctrl-C reaches Jupyter too (same process group); it asks, shuts its kernels down, and exits.
  process.on('SIGINT', () => {});
  process.on('SIGTERM', () => child.kill('SIGTERM'));
  child.on('exit', (code) => process.exit(code ?? 0));
}

if (require.main === module) {
  main().catch((e) => {
    console.error(`lab: ${e instanceof Error ? e.message : e}`);
    process.exit(2);
  });
}

module.exports = { startLab, jupyterEnv, parseArgs };
