// Run one exercise's checks against one submission in a child process with a time and a memory
// limit, inside the submission's own scratch folder.
//
// The layout of a scratch folder (everything the checks import, at the same relative paths as in
// the project, so `../src/tokenize` in a submission and `../../src/...` in a check resolve alike):
//
//   scratch/exercises/NN-name.js     the submission, compiled here (a syntax error stops it here)
//   scratch/test/exercises/*.js      the public checks, compiled (copied: they find the
//   scratch/instructor/hidden/*.js   the hidden checks, compiled    submission by __dirname)
//   scratch/src, node_modules, data, build  links to the compiled library and the project's files
//   scratch/work/                    the only place the child may write: its cwd, HOME and TMPDIR
//
// The child runs under Node's permission model (--experimental-permission): it may read files,
// write only under work/, load native addons (the tensorflow backend is one) and start no process.
// That keeps an honest submission's accidents (a stray writeFileSync, a temp file) inside its
// folder. It is not a wall against a student who attacks the grader on purpose: the checks run in
// the same process as the submission, which can therefore read them or fake their results.
'use strict';
const cp = require('child_process');
const fs = require('fs');
const path = require('path');
// esbuild: tsx's compiler, installed with it (tsx is a devDependency).
const esbuild = require('esbuild');

const ROOT = path.resolve(__dirname, '..', '..', '..');
const RUNNER = path.join(__dirname, 'child-runner.js');
// Node 20 calls the permission model experimental; from 22.13/23.5 it is `--permission`.
const PERMISSION_FLAG = process.allowedNodeEnvironmentFlags.has('--permission') ? '--permission' : '--experimental-permission';

/**
 * TypeScript → CommonJS JavaScript with esbuild, the compiler tsx (and so `npm run check`) runs
 * a student's file with: no type check, so exactly the files that `npm run check` can run
 * compile here. A syntax error is a compile error: { errors: ['NN-name.ts:LINE:COL - message'] }.
 */
function transpile(source, fileName) {
  try {
    const r = esbuild.transformSync(source, { loader: 'ts', format: 'cjs', target: 'es2022', platform: 'node', sourcefile: path.basename(fileName) });
    return { js: r.code, errors: [] };
  } catch (e) {
    const errors = (e.errors ?? [{ text: String(e.message) }]).map((m) => (m.location
      ? `${path.basename(fileName)}:${m.location.line}:${m.location.column + 1} - ${m.text}` : m.text));
    return { js: '', errors };
  }
}

function transpileTree(from, to, keep = (f) => f.endsWith('.ts')) {
  for (const entry of fs.readdirSync(from, { withFileTypes: true })) {
    const src = path.join(from, entry.name);
    if (entry.isDirectory()) transpileTree(src, path.join(to, entry.name), keep);
    else if (entry.isFile() && keep(entry.name)) {
      const { js, errors } = transpile(fs.readFileSync(src, 'utf8'), src);
      if (errors.length > 0) throw new Error(`cannot compile ${path.relative(ROOT, src)}: ${errors[0]}`);
      fs.mkdirSync(to, { recursive: true });
      fs.writeFileSync(path.join(to, entry.name.replace(/\.ts$/, '.js')), js);
    }
  }
}

/**
 * The compiled library and checks every scratch folder links to or copies: `dir/src` (the
 * library), `dir/test/exercises` (public checks), `dir/instructor/hidden` (hidden checks), and
 * links to the project's node_modules, data and build (the native stderr addon).
 */
function buildRuntime(dir, { hidden = true } = {}) {
  transpileTree(path.join(ROOT, 'src'), path.join(dir, 'src'));
  transpileTree(path.join(ROOT, 'test', 'exercises'), path.join(dir, 'test', 'exercises'));
  if (hidden) transpileTree(path.join(ROOT, 'instructor', 'hidden'), path.join(dir, 'instructor', 'hidden'));
  for (const name of ['node_modules', 'data', 'build']) {
    if (fs.existsSync(path.join(ROOT, name))) fs.symlinkSync(path.join(ROOT, name), path.join(dir, name));
  }
  return dir;
}

function copyTree(from, to) {
  fs.mkdirSync(to, { recursive: true });
  for (const e of fs.readdirSync(from, { withFileTypes: true })) {
    if (e.isDirectory()) copyTree(path.join(from, e.name), path.join(to, e.name));
    else fs.copyFileSync(path.join(from, e.name), path.join(to, e.name));
  }
}

/**
 * A scratch folder for one submission: `files` maps an exercise file name (`03-gpt-model.ts`) to
 * its source. Returns `{ dir, compileErrors }`, compileErrors mapping a file name to its errors.
 */
function prepareScratch(runtime, dir, files) {
  fs.mkdirSync(path.join(dir, 'exercises'), { recursive: true });
  fs.mkdirSync(path.join(dir, 'work', 'tmp'), { recursive: true });
  copyTree(path.join(runtime, 'test'), path.join(dir, 'test'));
  if (fs.existsSync(path.join(runtime, 'instructor'))) copyTree(path.join(runtime, 'instructor'), path.join(dir, 'instructor'));
  for (const name of ['src', 'node_modules', 'data', 'build']) {
    if (fs.existsSync(path.join(runtime, name))) fs.symlinkSync(fs.realpathSync(path.join(runtime, name)), path.join(dir, name));
  }
  const compileErrors = {};
  for (const [name, source] of Object.entries(files)) {
    fs.writeFileSync(path.join(dir, 'exercises', name), source);
    const { js, errors } = transpile(source, name);
    if (errors.length > 0) compileErrors[name] = errors;
    else fs.writeFileSync(path.join(dir, 'exercises', name.replace(/\.ts$/, '.js')), js);
  }
  return { dir, compileErrors };
}

/** Resident memory of a process in bytes (Linux /proc), or 0 once it is gone. */
function rssBytes(pid) {
  try {
    const m = /VmRSS:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) * 1024 : 0;
  } catch {
    return 0;
  }
}

/**
 * Run the checks of `testFiles` (paths inside the scratch folder) whose title matches `grep`.
 * Limits: `seconds` of wall time and `memoryMiB` of resident memory for the whole process (the
 * tensorflow backend keeps tensors outside V8's heap, so the heap limit alone would not catch
 * them), plus a V8 heap limit of `heapMiB` so that a runaway array fails fast inside V8.
 * Resolves to { checks } or { loadError } from the runner, or { killed: 'time' | 'memory' |
 * 'crash', detail }, each with usage: { seconds, peakMiB } (wall time, largest RSS seen).
 */
function runChecks(scratch, testFiles, grep, { seconds, memoryMiB, heapMiB }) {
  const work = path.join(scratch, 'work');
  const spec = { files: testFiles.map((f) => path.join(scratch, f)), grep, timeoutMs: seconds * 1000 };
  const args = [
    PERMISSION_FLAG, '--allow-fs-read=*', `--allow-fs-write=${work}/`, '--allow-addons',
    '--no-warnings', `--max-old-space-size=${heapMiB}`, '--stack-size=4000',
    RUNNER, JSON.stringify(spec),
  ];
  const env = {
    PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: work, TMPDIR: path.join(work, 'tmp'), LGPT_EXERCISES: 'student',
    LANG: 'C.UTF-8', TF_CPP_MIN_LOG_LEVEL: '2',
  };
  if (process.env.LGPT_BACKEND) env.LGPT_BACKEND = process.env.LGPT_BACKEND;
  return new Promise((done) => {
    // detached: its own process group, so that killing -pid ends anything it holds.
    const child = cp.spawn(process.execPath, args, { cwd: work, env, detached: true, stdio: ['ignore', 'pipe', 'pipe', 'pipe'] });
    let out = '';
    let tail = '';
    let killed = null;
    let peak = 0;
    const started = Date.now();
    child.stdout.on('data', () => {}); // the submission's own prints: read and dropped
    child.stderr.on('data', (d) => { tail = (tail + d).slice(-2000); });
    child.stdio[3].on('data', (d) => { out += d; });
    const kill = (why) => {
      if (killed) return;
      killed = why;
      try { process.kill(-child.pid, 'SIGKILL'); } catch { /* already gone */ }
    };
    const timer = setTimeout(() => kill('time'), seconds * 1000 + 5000); // + start-up of node and the backend
    const watch = setInterval(() => {
      const rss = rssBytes(child.pid);
      peak = Math.max(peak, rss);
      if (rss > memoryMiB * 1024 * 1024) kill('memory');
    }, 100);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      clearInterval(watch);
      // How long and how much (for the grader's log, never for the gradebook: they vary).
      const usage = { seconds: (Date.now() - started) / 1000, peakMiB: Math.round(peak / 2 ** 20) };
      const resolve = (r) => done({ ...r, usage });
      if (killed) return resolve({ killed, detail: killed === 'time' ? `${seconds} s` : `${memoryMiB} MiB of memory` });
      const line = out.split('\n').find((l) => l.startsWith('{'));
      if (line) {
        try { return resolve(JSON.parse(line)); } catch { /* not the runner's: fall through */ }
      }
      // V8 out of heap: "FATAL ERROR: ... JavaScript heap out of memory", then abort.
      if (/heap out of memory|Allocation failed/.test(tail)) return resolve({ killed: 'memory', detail: `${heapMiB} MiB of JavaScript heap` });
      resolve({ killed: 'crash', detail: signal ? `signal ${signal}` : `exit code ${code}`, stderr: tail });
    });
  });
}

module.exports = { transpile, buildRuntime, prepareScratch, runChecks };
