// `npm run assignment -- release [NN ...] --out DIR`: the student bundle.
//
// What goes in: the files of one commit (HEAD unless --ref names another: nothing uncommitted,
// untracked, ignored or built, so a bundle is a state of the project that was whole),
// minus what belongs to the instructor: exercises/solutions/, instructor/ (hidden checks, points),
// the grading scripts, the library's own test suite (its tests are not the students' checks;
// only test/exercises/ ships) and .ci/ (it checks the solutions). With chapters named, only their
// notebooks, stubs and checks (plus 00-setup's notebook). The bundle has no git history: whatever
// the instructor's repository once held cannot leak through it.
//
// Before it is kept, every file of the bundle is searched for the body of every reference
// solution and every hidden check's title (findLeaks); one hit and the bundle is removed again.
'use strict';
const cp = require('child_process');
const fs = require('fs');
const path = require('path');
const ts = require('typescript');
const { ROOT } = require('./exercises');

const INSTRUCTOR_ONLY = [
  /^exercises\/solutions\//, /^instructor\//, /^scripts\/assignment\.js$/, /^scripts\/lib\/assignment\//, /^\.ci\//,
  /^test\/(?!exercises\/)/, /^\.mocharc\.json$/,
];

/** The files of commit `ref` (paths relative to ROOT, '/'-separated). */
function committedFiles(ref) {
  const r = cp.spawnSync('git', ['ls-tree', '-r', '-z', '--name-only', ref], { cwd: ROOT, encoding: 'utf8', maxBuffer: 1 << 26 });
  if (r.status !== 0) throw new Error(`release reads the files of a commit from git: ${String(r.stderr).trim() || `git ls-tree ${ref} failed`}`);
  return r.stdout.split('\0').filter(Boolean);
}

/** Extract commit `ref` into `dir` (git archive | tar), so that the bundle is one consistent commit. */
function extractCommit(ref, dir) {
  fs.mkdirSync(dir, { recursive: true });
  const archive = cp.spawnSync('git', ['archive', '--format=tar', ref], { cwd: ROOT, maxBuffer: 1 << 30 });
  if (archive.status !== 0) throw new Error(`git archive ${ref} failed: ${String(archive.stderr).trim()}`);
  const tar = cp.spawnSync('tar', ['-x', '-C', dir], { input: archive.stdout });
  if (tar.status !== 0) throw new Error(`tar failed: ${String(tar.stderr).trim()}`);
}

/** Which chapters: 'NN-name' for every exercises/NN-*.ts, or those named. */
function chaptersFor(selectors) {
  const all = fs.readdirSync(path.join(ROOT, 'exercises')).filter((f) => /^\d\d-.*\.ts$/.test(f)).map((f) => f.replace(/\.ts$/, '')).sort();
  if (selectors.length === 0) return all;
  for (const s of selectors) {
    if (!/^\d\d$/.test(s)) throw new Error(`release takes chapter numbers (03), got '${s}'`);
    if (!all.some((c) => c.startsWith(s))) throw new Error(`no exercises for chapter ${s} (there are ${all.map((c) => c.slice(0, 2)).join(', ')})`);
  }
  return all.filter((c) => selectors.some((s) => c.startsWith(s)));
}

function inBundle(file, chapters) {
  if (INSTRUCTOR_ONLY.some((re) => re.test(file))) return false;
  const chapterOf = /^(?:exercises|notebooks|test\/exercises)\/(\d\d)-/.exec(file);
  if (chapterOf) return chapterOf[1] === '00' && file.startsWith('notebooks/') ? true : chapters.some((c) => c.startsWith(chapterOf[1]));
  return true;
}

/** Collapse whitespace, so a body is found however it is indented or wrapped. */
const squash = (s) => s.replace(/\s+/g, ' ').trim();

/** The bodies of the functions in a solution file (the text between their braces), squashed. */
function solutionBodies(file) {
  const text = fs.readFileSync(file, 'utf8');
  const sf = ts.createSourceFile(file, text, ts.ScriptTarget.ES2022, true, ts.ScriptKind.TS);
  const bodies = [];
  const visit = (node) => {
    if ((ts.isFunctionDeclaration(node) || ts.isArrowFunction(node) || ts.isMethodDeclaration(node)) && node.body && ts.isBlock(node.body)) {
      const inner = squash(text.slice(node.body.getStart(sf) + 1, node.body.getEnd() - 1));
      if (inner.length >= 40) bodies.push(inner); // shorter ones (a one-line return) would match anything
    }
    ts.forEachChild(node, visit);
  };
  visit(sf);
  return bodies;
}

/** What must never be in a bundle: { what, text } for each solution body and hidden check title. */
function secrets() {
  const out = [];
  const solDir = path.join(ROOT, 'exercises', 'solutions');
  for (const f of fs.readdirSync(solDir).filter((n) => n.endsWith('.ts')).sort()) {
    solutionBodies(path.join(solDir, f)).forEach((text, i) => out.push({ what: `exercises/solutions/${f}, function body ${i + 1}`, text }));
  }
  const { CHAPTERS } = require(path.join(ROOT, 'instructor', 'points.js'));
  for (const [chapter, exercises] of Object.entries(CHAPTERS)) {
    for (const e of Object.values(exercises)) {
      for (const title of Object.keys(e.checks)) if (title.startsWith('hidden:')) out.push({ what: `hidden check of ${chapter}`, text: squash(title) });
    }
  }
  return out;
}

/** Every file under dir (relative paths), links not followed. */
function walk(dir, rel = '') {
  const out = [];
  for (const e of fs.readdirSync(path.join(dir, rel), { withFileTypes: true })) {
    const r = rel ? `${rel}/${e.name}` : e.name;
    if (e.isDirectory()) out.push(...walk(dir, r));
    else out.push(r);
  }
  return out;
}

/** Files of `dir` that hold a secret: [{ file, what }]. Binary files are searched as latin1 text. */
function findLeaks(dir, skip = (f) => f.startsWith('node_modules/')) {
  const list = secrets();
  const leaks = [];
  for (const f of walk(dir).filter((x) => !skip(x))) {
    const text = squash(fs.readFileSync(path.join(dir, f), 'latin1') + ' ' + fs.readFileSync(path.join(dir, f), 'utf8'));
    for (const s of list) if (text.includes(s.text)) leaks.push({ file: f, what: s.what });
  }
  return leaks;
}

const NOTE = `> **Student bundle.** This copy was made for a course with \`npm run assignment -- release\`.
> It holds the notebooks, the library, the exercise stubs and their public checks: write your
> answers in \`exercises/NN-*.ts\` and check them with \`npm run check -- NN\`. Your instructor
> grades them with more checks than these.

`;

/** Write the bundle of commit `ref`; returns { files, chapters, ref }. */
function release(out, selectors, ref = 'HEAD') {
  const chapters = chaptersFor(selectors);
  if (fs.existsSync(out) && fs.readdirSync(out).length > 0) throw new Error(`--out ${out} exists and is not empty: choose a new folder`);
  const files = committedFiles(ref).filter((f) => inBundle(f, chapters));
  const staging = fs.mkdtempSync(path.join(require('os').tmpdir(), 'lgpt-release-'));
  fs.mkdirSync(out, { recursive: true });
  try {
    extractCommit(ref, staging);
    for (const f of files) {
      const to = path.join(out, f);
      fs.mkdirSync(path.dirname(to), { recursive: true });
      fs.copyFileSync(path.join(staging, f), to);
    }
    // package.json: no grading command; `npm test` runs the public checks (the library's own
    // suite stays with the instructor).
    const pkgFile = path.join(out, 'package.json');
    const pkg = JSON.parse(fs.readFileSync(pkgFile, 'utf8'));
    delete pkg.scripts.assignment;
    pkg.scripts.test = 'node scripts/check-exercises.js';
    fs.writeFileSync(pkgFile, JSON.stringify(pkg, null, 2) + '\n');
    const readme = path.join(out, 'README.md');
    fs.writeFileSync(readme, NOTE + fs.readFileSync(readme, 'utf8')
      .replace(/<!-- instructors:start[^]*?<!-- instructors:end -->\n*/, '')
      .replace(/^instructor\/ .*\n/m, '')
      .replace(/Reference answers are in `exercises\/solutions\/`; CI runs\s+the same checks against them \(`npm run check -- --solutions`, and `npm test`, where\s+`LGPT_EXERCISES` defaults to `solutions`\)\./, 'Your instructor has further checks of the same exercises.'));
    const leaks = findLeaks(out);
    if (leaks.length > 0) throw new Error(`the bundle would leak ${leaks[0].what} in ${leaks[0].file}${leaks.length > 1 ? ` (and ${leaks.length - 1} more)` : ''}; nothing kept`);
  } catch (e) {
    for (const f of [...files, 'package.json', 'README.md']) fs.rmSync(path.join(out, f), { force: true });
    throw e;
  } finally {
    fs.rmSync(staging, { recursive: true, force: true });
  }
  const sha = cp.spawnSync('git', ['rev-parse', '--short', ref], { cwd: ROOT, encoding: 'utf8' }).stdout.trim();
  return { files: files.length, chapters: chapters.map((c) => c.slice(0, 2)), ref: sha };
}

module.exports = { release, findLeaks, secrets, solutionBodies, INSTRUCTOR_ONLY };
