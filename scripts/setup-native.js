#!/usr/bin/env node
// Makes the native TensorFlow backend (@tensorflow/tfjs-node, or -node-gpu when CUDA is
// visible) work after `npm install`. Runs from scripts/setup.js; safe to run again.
//
// Why this exists: tfjs-node's own install script downloads libtensorflow 2.9.1 from a
// Google bucket. Where that host is reachable we use it unchanged (the official path).
// Where it is not, we build the addon against the TensorFlow C API that ships inside the
// `tensorflow-cpu` pip wheel (libtensorflow_cc.so.2 exports it): we copy the library and
// headers into the package's deps/ under the names its build expects, and its install
// script then skips the download and builds the addon with node-gyp.
// If neither works, install still succeeds and the wasm backend is used.
'use strict';
const fs = require('fs');
const path = require('path');
const cp = require('child_process');

const ROOT = path.resolve(__dirname, '..');
const TF_WHEEL_VERSION = '2.21.0';
const LIB_VERSION = '2.9.1'; // the name tfjs-node 4.22's build expects

function log(msg) { console.log(`[native] ${msg}`); }

/** Does `require(pkg)` load its addon in a fresh process? */
function loads(pkg) {
  const r = cp.spawnSync(process.execPath, ['-e', `require(${JSON.stringify(pkg)})`],
    { cwd: ROOT, stdio: 'pipe', timeout: 120_000, env: { ...process.env, TF_CPP_MIN_LOG_LEVEL: '2' } });
  return r.status === 0;
}

function pkgDir(pkg) {
  try { return path.dirname(require.resolve(`${pkg}/package.json`, { paths: [ROOT] })); }
  catch { return null; }
}

function hasCuda() {
  if (process.env.LGPT_NO_GPU === '1') return false;
  const r = cp.spawnSync('nvidia-smi', ['-L'], { stdio: 'pipe', timeout: 20_000 });
  return r.status === 0 && /GPU/.test(String(r.stdout));
}

/** Run the package's own scripts/install.js (download if needed, then node-gyp). */
function runPackageInstall(dir, args, timeoutMs) {
  const env = { ...process.env };
  // node-gyp would otherwise try to download Node's headers; Debian/NodeSource ship them.
  if (!env.npm_config_nodedir && fs.existsSync('/usr/include/node/node_api.h')) env.npm_config_nodedir = '/usr';
  // node-pre-gyp lives in node_modules/.bin and calls node-gyp, which npm bundles.
  const npmGyp = path.join(path.dirname(process.execPath), '..', 'lib', 'node_modules', 'npm', 'node_modules', 'node-gyp', 'bin', 'node-gyp.js');
  if (!env.npm_config_node_gyp && fs.existsSync(npmGyp)) env.npm_config_node_gyp = npmGyp;
  env.PATH = [path.join(ROOT, 'node_modules', '.bin'), env.PATH].join(path.delimiter);
  const r = cp.spawnSync(process.execPath, ['scripts/install.js', ...args],
    { cwd: dir, stdio: 'pipe', env, timeout: timeoutMs });
  return { ok: r.status === 0, out: `${r.stdout}${r.stderr}` };
}

function findPython() {
  for (const py of [process.env.PYTHON, 'python3', 'python'].filter(Boolean)) {
    const r = cp.spawnSync(py, ['-m', 'pip', '--version'], { stdio: 'pipe' });
    if (r.status === 0) return py;
  }
  return null;
}

/** Fetch the wheel with pip (the public index on a user's machine, a local one here). */
function downloadWheel(py, name, cacheDir) {
  fs.mkdirSync(cacheDir, { recursive: true });
  const existing = fs.readdirSync(cacheDir).find((f) => f.startsWith(name.replace(/-/g, '_') + '-') && f.endsWith('.whl'));
  if (existing) return path.join(cacheDir, existing);
  const r = cp.spawnSync(py, ['-m', 'pip', 'download', `${name}==${TF_WHEEL_VERSION}`, '--no-deps',
    '--only-binary=:all:', '--retries', '0', '-d', cacheDir, '-q'], { stdio: 'pipe', timeout: 900_000 });
  if (r.status !== 0) throw new Error(`pip download ${name} failed: ${String(r.stderr).trim().split('\n').pop()}`);
  const whl = fs.readdirSync(cacheDir).find((f) => f.endsWith('.whl'));
  if (!whl) throw new Error(`pip download ${name} produced no wheel`);
  return path.join(cacheDir, whl);
}

/** Unpack the two libraries and the C headers from the wheel into <pkg>/deps. */
function stageFromWheel(py, wheel, dir) {
  const deps = path.join(dir, 'deps');
  fs.rmSync(deps, { recursive: true, force: true });
  fs.mkdirSync(path.join(deps, 'lib'), { recursive: true });
  // Python's zipfile is always there when pip is; it avoids an unzip dependency.
  const script = `
import sys, zipfile, shutil, os
whl, deps, ver = sys.argv[1], sys.argv[2], sys.argv[3]
z = zipfile.ZipFile(whl)
libs = {'tensorflow/libtensorflow_cc.so.2': 'libtensorflow.so.' + ver,
        'tensorflow/libtensorflow_framework.so.2': 'libtensorflow_framework.so.' + ver}
for src, dst in libs.items():
    with z.open(src) as f, open(os.path.join(deps, 'lib', dst), 'wb') as o:
        shutil.copyfileobj(f, o, 1 << 20)
pre = 'tensorflow/include/'
keep = ('tensorflow/c/', 'tensorflow/core/platform/', 'tsl/', 'xla/tsl/')
for n in z.namelist():
    if n.startswith(pre) and n[len(pre):].startswith(keep) and not n.endswith('/'):
        out = os.path.join(deps, 'include', n[len(pre):])
        os.makedirs(os.path.dirname(out), exist_ok=True)
        with z.open(n) as f, open(out, 'wb') as o:
            shutil.copyfileobj(f, o)
`;
  const r = cp.spawnSync(py, ['-c', script, wheel, deps, LIB_VERSION], { stdio: 'pipe' });
  if (r.status !== 0) throw new Error(`unpacking ${path.basename(wheel)} failed: ${String(r.stderr).trim().split('\n').pop()}`);
  // The linker looks for libtensorflow.so / libtensorflow_framework.so; at run time the
  // addon's rpath ($ORIGIN/../../deps/lib) must find the SONAMEs the wheel's libraries
  // declare: libtensorflow_cc.so.2 and libtensorflow_framework.so.2.
  const links = { 'libtensorflow.so': 'libtensorflow', 'libtensorflow_cc.so.2': 'libtensorflow',
    'libtensorflow_framework.so': 'libtensorflow_framework', 'libtensorflow_framework.so.2': 'libtensorflow_framework' };
  for (const [name, base] of Object.entries(links)) {
    fs.symlinkSync(`${base}.so.${LIB_VERSION}`, path.join(deps, 'lib', name));
  }
}

function setupPackage(pkg, wheelName, libType) {
  const dir = pkgDir(pkg);
  if (!dir) return { ok: false, why: `${pkg} is not installed` };
  if (loads(pkg)) return { ok: true, how: 'already built' };
  if (process.env.LGPT_SKIP_OFFICIAL !== '1') {
    log(`${pkg}: trying the official libtensorflow download…`);
    const r = runPackageInstall(dir, libType === 'gpu' ? ['gpu', 'download'] : [], 300_000);
    if (r.ok && loads(pkg)) return { ok: true, how: 'official libtensorflow 2.9.1 download' };
    log(`${pkg}: official download unavailable (${(r.out.match(/ENOTFOUND[^\n]*|ETIMEDOUT[^\n]*|ECONNREFUSED[^\n]*/) || ['failed'])[0].trim()})`);
  }
  const py = findPython();
  if (!py) return { ok: false, why: 'no Python with pip to fetch the tensorflow wheel' };
  log(`${pkg}: building against the ${wheelName} ${TF_WHEEL_VERSION} wheel's C library…`);
  const wheel = downloadWheel(py, wheelName, path.join(ROOT, '.cache', 'wheels'));
  stageFromWheel(py, wheel, dir);
  const r = runPackageInstall(dir, libType === 'gpu' ? ['gpu'] : [], 900_000);
  if (!r.ok) return { ok: false, why: `node-gyp build failed: ${r.out.trim().split('\n').slice(-3).join(' | ')}` };
  // Headers are only needed to build; the wheel is only needed to unpack. Free ~550 MB.
  fs.rmSync(path.join(dir, 'deps', 'include'), { recursive: true, force: true });
  if (process.env.LGPT_KEEP_WHEEL !== '1') fs.rmSync(wheel, { force: true });
  if (!loads(pkg)) return { ok: false, why: 'the built addon does not load' };
  return { ok: true, how: `built against ${wheelName} ${TF_WHEEL_VERSION}` };
}

/**
 * build/quiet-stderr.node (scripts/native/quiet-stderr.c): dup/dup2 for Node, so that the TF
 * 2.21 library's load-time oneDNN banner, which no log level hides, stays off stderr
 * (src/engine/quiet-stderr.ts). One C file against Node's N-API headers; optional.
 */
function buildQuietStderr() {
  const out = path.join(ROOT, 'build', 'quiet-stderr.node');
  const headers = [path.join(path.dirname(process.execPath), '..', 'include', 'node'), '/usr/include/node']
    .find((d) => fs.existsSync(path.join(d, 'node_api.h')));
  if (!headers) return 'no Node.js headers (node_api.h) to build it';
  fs.mkdirSync(path.dirname(out), { recursive: true });
  const cc = process.env.CC || 'cc';
  const r = cp.spawnSync(cc, ['-O2', '-shared', '-fPIC', '-DNODE_GYP_MODULE_NAME=quiet_stderr', `-I${headers}`,
    path.join(__dirname, 'native', 'quiet-stderr.c'), '-o', out], { stdio: 'pipe', encoding: 'utf8' });
  if (r.status !== 0) return `${cc} failed: ${String(r.stderr || r.error).trim().split('\n').pop()}`;
  const t = cp.spawnSync(process.execPath, ['-e', `const q = require(${JSON.stringify(out)}); process.exit(q.restore(q.silence()) ? 0 : 1)`], { stdio: 'pipe' });
  if (t.status !== 0) { fs.rmSync(out, { force: true }); return 'the built addon does not work'; }
  return null;
}

function main() {
  if (process.env.LGPT_SKIP_NATIVE === '1') { log('skipped (LGPT_SKIP_NATIVE=1); the wasm backend will be used'); return; }
  const t0 = Date.now();
  const gpu = hasCuda() && pkgDir('@tensorflow/tfjs-node-gpu') !== null;
  const [pkg, wheel, type] = gpu
    ? ['@tensorflow/tfjs-node-gpu', 'tensorflow', 'gpu']
    : ['@tensorflow/tfjs-node', 'tensorflow-cpu', 'cpu'];
  let res;
  try { res = setupPackage(pkg, wheel, type); } catch (e) { res = { ok: false, why: e.message }; }
  const secs = ((Date.now() - t0) / 1000).toFixed(0);
  if (res.ok) log(`${pkg} ready (${res.how}, ${secs} s)`);
  else log(`native TensorFlow unavailable (${res.why}); the wasm backend will be used`);
  if (res.ok) {
    const why = buildQuietStderr();
    if (why) log(`quiet-stderr addon not built (${why}): TensorFlow's oneDNN banner will show on stderr`);
  }
}

main();
