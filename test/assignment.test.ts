// Issue 30: coursework an instructor can hand out and grade. Grades three made-up submissions
// (the reference solutions, the untouched stubs, and a broken one: a compile error, an exception,
// an endless loop, running out of memory twice, a wrong answer) and compares the gradebook with
// test/fixtures/assignment/expected-grades.csv; checks that instructor/points.js lists exactly
// the checks there are; and releases a student bundle and searches it for every solution's body.
//
// The grading runs chapters 00, 04 and 07 only: their checks take about a second a process. All
// chapters work the same way, but 05's checks fine-tune classifiers for minutes (its exercise 4)
// and 06's load the shipped pixel GPT in every process.
import { strict as assert } from 'assert';
import * as cp from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

const ROOT = path.join(__dirname, '..');
const FIXTURES = path.join(__dirname, 'fixtures', 'assignment');
const CHAPTERS = ['00-setup', '04-pretraining', '07-performance-and-safety'];
const ASSIGNMENT = path.join(ROOT, 'scripts', 'assignment.js');
// eslint-disable-next-line @typescript-eslint/no-require-imports
const release = require('../scripts/lib/assignment/release.js') as {
  solutionBodies(file: string): string[];
  findLeaks(dir: string): { file: string; what: string }[];
};
// eslint-disable-next-line @typescript-eslint/no-require-imports
const points = require('../instructor/points.js') as { CHAPTERS: Record<string, Record<string, { name: string; checks: Record<string, number> }>> };

/** A reference solution as a student would hand it in: imports seen from exercises/, not exercises/solutions/. */
function asSubmission(source: string): string {
  return source.replace(/'\.\.\/\.\.\/src/g, "'../src").replace(/from '\.\.\/(\d\d-)/g, "from './$1");
}

function run(args: string[], cwd = ROOT): { status: number | null; stdout: string; stderr: string } {
  const r = cp.spawnSync(process.execPath, args, { cwd, encoding: 'utf8', env: { ...process.env, LGPT_EXERCISES: undefined } });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('assignment: grade, release, autograde (issue 30)', function () {
  this.timeout(300_000);
  let tmp: string;
  before(() => { tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'lgpt-assignment-test-')); });
  after(() => fs.rmSync(tmp, { recursive: true, force: true }));

  it('instructor/points.js lists exactly the public and hidden checks of every exercise', () => {
    const r = cp.spawnSync(process.execPath, [require.resolve('mocha/bin/mocha.js'), '--no-config', '--require', 'tsx/cjs', '--dry-run', '--reporter', 'json',
      path.join(ROOT, 'test', 'exercises', '*.test.ts'), path.join(ROOT, 'instructor', 'hidden', '*.hidden.ts')], { cwd: ROOT, encoding: 'utf8', maxBuffer: 1 << 26 });
    const listed = JSON.parse(r.stdout.slice(r.stdout.indexOf('{'))) as { tests: { fullTitle: string; title: string }[] };
    const found = new Set<string>();
    for (const t of listed.tests) {
      const chapter = /\b(\d\d-[a-z-]+)\b/.exec(t.fullTitle)![1];
      const n = / (\d)\. ([A-Za-z0-9]+)/.exec(t.fullTitle)!;
      found.add(`${chapter} ${n[1]}. ${n[2]} :: ${t.title}`);
    }
    const table = new Set<string>();
    for (const [chapter, exercises] of Object.entries(points.CHAPTERS)) {
      for (const [n, e] of Object.entries(exercises)) for (const title of Object.keys(e.checks)) table.add(`${chapter} ${n}. ${e.name} :: ${title}`);
    }
    assert.deepEqual([...found].filter((x) => !table.has(x)), [], 'checks without points');
    assert.deepEqual([...table].filter((x) => !found.has(x)), [], 'points for checks that do not exist');
  });

  it('grades the reference, the stubs and a broken submission into the expected gradebook and feedback', () => {
    const subs = path.join(tmp, 'submissions');
    const escape = path.join(tmp, 'escaped.txt');
    for (const c of CHAPTERS) {
      fs.mkdirSync(path.join(subs, 'reference', 'exercises'), { recursive: true });
      fs.mkdirSync(path.join(subs, 'stubs', 'exercises'), { recursive: true });
      fs.writeFileSync(path.join(subs, 'reference', 'exercises', `${c}.ts`), asSubmission(fs.readFileSync(path.join(ROOT, 'exercises', 'solutions', `${c}.ts`), 'utf8')));
      fs.copyFileSync(path.join(ROOT, 'exercises', `${c}.ts`), path.join(subs, 'stubs', 'exercises', `${c}.ts`));
    }
    // The broken one comes as an archive, as a learning platform hands them out.
    const broken = path.join(tmp, 'broken-src');
    fs.mkdirSync(path.join(broken, 'exercises'), { recursive: true });
    for (const c of CHAPTERS) {
      const text = fs.readFileSync(path.join(FIXTURES, 'broken', `${c}.ts.txt`), 'utf8').replace('ESCAPE_PATH', escape);
      fs.writeFileSync(path.join(broken, 'exercises', `${c}.ts`), text);
    }
    cp.execFileSync('tar', ['-czf', path.join(subs, 'broken.tgz'), '-C', broken, 'exercises']);

    const t0 = Date.now();
    const out = path.join(tmp, 'gradebook');
    const r = run([ASSIGNMENT, 'grade', subs, '--out', out, '00', '04', '07', '--seconds', '8', '--jobs', '2']);
    const seconds = (Date.now() - t0) / 1000;
    assert.equal(r.status, 0, r.stderr);
    console.log(`      graded 3 submissions × ${CHAPTERS.length} chapters in ${seconds.toFixed(1)} s`);
    if (process.env.LGPT_UPDATE_FIXTURES) for (const [f, to] of [['grades.csv', 'expected-grades.csv'], ['feedback/broken.md', 'expected-feedback-broken.md']]) fs.copyFileSync(path.join(out, f), path.join(FIXTURES, to));
    assert.equal(fs.readFileSync(path.join(out, 'grades.csv'), 'utf8'), fs.readFileSync(path.join(FIXTURES, 'expected-grades.csv'), 'utf8'));
    assert.ok(!fs.existsSync(escape), 'the broken submission wrote outside its scratch folder');

    const feedback = fs.readFileSync(path.join(out, 'feedback', 'broken.md'), 'utf8');
    for (const expected of ['### 07.1 isInsideFolder: 0 / 8', 'does not compile', '07-performance-and-safety.ts:',
      '### 00.2 entropy: 0 / 6', 'stopped after 8 s', '### 04.3 crossEntropyGradient: 0 / 4', 'of JavaScript heap',
      '### 04.4 topKProbabilities: 0 / 6', 'more than 2048 MiB', '### 04.1 bitsPerByte: 0 / 5', 'TypeError: not sure what to do with']) {
      assert.ok(feedback.includes(expected), `feedback lacks '${expected}':\n${feedback}`);
    }
    // Hidden checks: a pass or a failure and its kind, never a message (it could hold the expected value).
    const lines = feedback.split('\n');
    lines.forEach((l, i) => { if (/^- FAILED .*hidden:/.test(l)) assert.ok(!lines[i + 1]?.startsWith('  - '), `a hidden check's message shows: ${lines[i + 1]}`); });
    assert.ok(!feedback.includes(os.tmpdir()) && !feedback.includes('lgpt-grade-'), 'a scratch path shows in the feedback');
    // The same submissions give the same page every time (no times, no paths): as committed.
    assert.equal(feedback, fs.readFileSync(path.join(FIXTURES, 'expected-feedback-broken.md'), 'utf8'));

  });

  it('autograde NN.K prints an exercise\'s points and exits 0 only at full marks', () => {
    const sub = path.join(tmp, 'autograde');
    fs.mkdirSync(path.join(sub, 'exercises'), { recursive: true });
    fs.writeFileSync(path.join(sub, 'exercises', '00-setup.ts'), asSubmission(fs.readFileSync(path.join(ROOT, 'exercises', 'solutions', '00-setup.ts'), 'utf8')));
    const full = run([ASSIGNMENT, 'autograde', '00.1', '--submission', sub]);
    assert.equal(full.status, 0, full.stdout + full.stderr);
    assert.match(full.stdout, /^00\.1 softmaxWithTemperature: 10\/10 points$/m);
    fs.copyFileSync(path.join(ROOT, 'exercises', '00-setup.ts'), path.join(sub, 'exercises', '00-setup.ts'));
    const none = run([ASSIGNMENT, 'autograde', '00.2', '--submission', sub]);
    assert.equal(none.status, 1, none.stdout + none.stderr);
    assert.match(none.stdout, /^00\.2 entropy: 0\/6 points$/m);
  });

  it('release writes a bundle without any solution body or hidden check, whose own check runs', () => {
    const bundle = path.join(tmp, 'bundle');
    const r = run([ASSIGNMENT, 'release', '03', '--out', bundle]);
    assert.equal(r.status, 0, r.stderr);
    for (const gone of ['exercises/solutions', 'instructor', 'scripts/assignment.js', 'scripts/lib/assignment', '.ci', 'test/fixtures', 'exercises/00-setup.ts', '.git']) {
      assert.ok(!fs.existsSync(path.join(bundle, gone)), `${gone} is in the bundle`);
    }
    for (const kept of ['src/index.ts', 'notebooks/03-gpt-model.ipynb', 'exercises/03-gpt-model.ts', 'test/exercises/03-gpt-model.test.ts', 'scripts/check-exercises.js', 'package-lock.json']) {
      assert.ok(fs.existsSync(path.join(bundle, kept)), `${kept} is missing from the bundle`);
    }
    const readme = fs.readFileSync(path.join(bundle, 'README.md'), 'utf8');
    assert.ok(readme.startsWith('> **Student bundle.**') && !readme.includes('## For instructors'), 'the bundle README keeps the instructors\' section');
    assert.equal(JSON.parse(fs.readFileSync(path.join(bundle, 'package.json'), 'utf8')).scripts.assignment, undefined);
    // Search every file of the bundle for every solution's function bodies (whitespace folded)
    // and every hidden check's title.
    const squash = (t: string) => t.replace(/\s+/g, ' ');
    const secrets: string[] = [];
    for (const f of fs.readdirSync(path.join(ROOT, 'exercises', 'solutions'))) secrets.push(...release.solutionBodies(path.join(ROOT, 'exercises', 'solutions', f)));
    assert.ok(secrets.length >= 30, `only ${secrets.length} solution bodies found to search for`);
    for (const e of Object.values(points.CHAPTERS).flatMap((c) => Object.values(c))) secrets.push(...Object.keys(e.checks).filter((t) => t.startsWith('hidden:')));
    const files: string[] = [];
    const walk = (d: string): void => { for (const e of fs.readdirSync(d, { withFileTypes: true })) (e.isDirectory() ? walk : (p: string) => files.push(p))(path.join(d, e.name)); };
    walk(bundle);
    for (const f of files) {
      const text = squash(fs.readFileSync(f, 'utf8'));
      for (const s of secrets) assert.ok(!text.includes(s), `${path.relative(bundle, f)} holds ${s.slice(0, 60)}…`);
    }
    // The search finds a solution when one is there (the test of the test).
    const leakDir = path.join(tmp, 'leaky');
    fs.mkdirSync(leakDir);
    fs.copyFileSync(path.join(ROOT, 'exercises', 'solutions', '04-pretraining.ts'), path.join(leakDir, 'notes.txt'));
    assert.ok(release.findLeaks(leakDir).length >= 3);

    // `npm run check -- 03` in the bundle, on this project's node_modules (a real `npm install`
    // there takes a minute and builds a native addon: done by hand, see the README).
    fs.symlinkSync(path.join(ROOT, 'node_modules'), path.join(bundle, 'node_modules'));
    const stubs = run([path.join(bundle, 'scripts', 'check-exercises.js'), '03'], bundle);
    assert.equal(stubs.status, 1, stubs.stdout + stubs.stderr);
    assert.match(stubs.stdout, /^0 passed, 14 failed$/m);
    fs.writeFileSync(path.join(bundle, 'exercises', '03-gpt-model.ts'), asSubmission(fs.readFileSync(path.join(ROOT, 'exercises', 'solutions', '03-gpt-model.ts'), 'utf8')));
    const solved = run([path.join(bundle, 'scripts', 'check-exercises.js'), '03'], bundle);
    assert.equal(solved.status, 0, solved.stdout + solved.stderr);
    assert.match(solved.stdout, /^14 passed, 0 failed$/m);
  });
});
