#!/usr/bin/env node
// Coursework for instructors: release a student bundle, grade submissions, autograde one exercise.
//
//   npm run assignment -- release [NN ...] --out DIR [--ref COMMIT]
//                                                          a student bundle of one commit: notebooks, src,
//                                                          stubs, public checks; no solutions, no hidden checks
//   npm run assignment -- grade SUBMISSIONS --out DIR [NN | NN.K ...] [--jobs N] [--seconds S] [--keep]
//                                                          grades.csv + feedback/STUDENT.md
//   npm run assignment -- autograde NN.K [--submission DIR]
//                                                          one exercise, public and hidden checks;
//                                                          prints its points, exits 0 at full marks
//   npm run assignment -- classroom                        GitHub Classroom's autograding.json on stdout
//
// Points and limits: instructor/points.js. Hidden checks: instructor/hidden/. See the README's
// section "For instructors".
'use strict';
const fs = require('fs');
const path = require('path');
const { listExercises, selectExercises, checkFiles, grepFor, ROOT } = require('./lib/assignment/exercises');

function parse(argv, flags) {
  const opts = { _: [] };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (!a.startsWith('--')) { opts._.push(a); continue; }
    const name = a.slice(2);
    if (!(name in flags)) throw new Error(`unknown option ${a} (expected ${Object.keys(flags).map((f) => `--${f}`).join(', ')})`);
    if (flags[name] === 'bool') opts[name] = true;
    else {
      if (i + 1 >= argv.length) throw new Error(`${a} needs a value`);
      opts[name] = argv[++i];
    }
  }
  return opts;
}

function positiveNumber(v, what) {
  const n = Number(v);
  if (!/^\d+(\.\d+)?$/.test(String(v)) || !(n > 0)) throw new Error(`${what} must be a positive number, got '${v}'`);
  return n;
}

async function cmdGrade(argv) {
  const o = parse(argv, { out: 'value', jobs: 'value', seconds: 'value', keep: 'bool' });
  const [dir, ...selectors] = o._;
  if (!dir) throw new Error('grade needs the submissions folder: grade SUBMISSIONS --out DIR');
  if (!o.out) throw new Error('grade needs --out DIR (where grades.csv and feedback/ go)');
  if (!fs.existsSync(dir) || !fs.statSync(dir).isDirectory()) throw new Error(`no submissions folder ${dir}`);
  const exercises = selectExercises(listExercises(), selectors);
  const { grade } = require('./lib/assignment/grade');
  const t0 = Date.now();
  const r = await grade(path.resolve(dir), exercises, {
    out: path.resolve(o.out),
    jobs: o.jobs ? Math.floor(positiveNumber(o.jobs, '--jobs')) : 1,
    seconds: o.seconds ? positiveNumber(o.seconds, '--seconds') : undefined,
    keep: !!o.keep,
    log: (line) => console.error(line),
  });
  console.log(`graded ${r.students.length} submission(s) on ${exercises.length} exercise(s), ${r.max} points, in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
  console.log(`wrote ${path.join(o.out, 'grades.csv')} and ${path.join(o.out, 'feedback')}/`);
}

async function cmdAutograde(argv) {
  const o = parse(argv, { submission: 'value', seconds: 'value' });
  if (o._.length !== 1 || !o._[0].includes('.')) throw new Error('autograde takes one exercise, e.g. autograde 03.2');
  const [exercise] = selectExercises(listExercises(), o._);
  const from = path.resolve(o.submission ?? ROOT);
  const os = require('os');
  const { buildRuntime, prepareScratch, runChecks } = require('./lib/assignment/sandbox');
  const { readSubmission } = require('./lib/assignment/submissions');
  const { scoreExercise } = require('./lib/assignment/grade');
  const base = fs.mkdtempSync(path.join(os.tmpdir(), 'lgpt-autograde-'));
  let score;
  try {
    const runtime = buildRuntime(path.join(base, 'runtime'));
    const sources = readSubmission({ kind: 'folder', entry: from }, [exercise.file]);
    const scratch = path.join(base, 'scratch');
    const { compileErrors } = prepareScratch(runtime, scratch, sources);
    let run;
    if (!(exercise.file in sources)) run = { missing: exercise.file };
    else if (compileErrors[exercise.file]) run = { compileErrors: compileErrors[exercise.file] };
    else {
      const f = checkFiles(exercise.chapter, '.js');
      const limits = o.seconds ? { ...exercise.limits, seconds: positiveNumber(o.seconds, '--seconds') } : exercise.limits;
      run = await runChecks(scratch, [f.public, f.hidden], grepFor(exercise), limits);
    }
    score = scoreExercise(exercise, run);
    if (score.zero) console.log(`scored 0: ${score.zero.split(scratch).join('.')}`);
    else {
      for (const c of score.checks) {
        const msg = !c.passed && !c.hidden && c.message ? `: ${c.message.split(scratch).join('.').slice(0, 300)}` : '';
        console.log(`${c.passed ? 'passed' : 'FAILED'} (${c.points}) ${c.title}${msg}`);
      }
    }
  } finally {
    fs.rmSync(base, { recursive: true, force: true });
  }
  console.log(`${exercise.id} ${exercise.name}: ${score.points}/${score.max} points`);
  process.exitCode = score.points === score.max ? 0 : 1;
}

function cmdClassroom(argv) {
  parse(argv, {});
  const tests = listExercises().map((e) => ({
    name: `${e.id} ${e.name}`,
    setup: '',
    run: `npm run --silent assignment -- autograde ${e.id}`,
    input: '',
    output: '',
    comparison: 'included',
    timeout: Math.ceil((e.limits.seconds + 60) / 60),
    points: e.max,
  }));
  console.log(JSON.stringify({ tests }, null, 2));
}

async function cmdRelease(argv) {
  const o = parse(argv, { out: 'value', ref: 'value' });
  if (!o.out) throw new Error('release needs --out DIR (a new folder for the student bundle)');
  const { release } = require('./lib/assignment/release');
  const r = release(path.resolve(o.out), o._, o.ref ?? 'HEAD');
  console.log(`wrote the student bundle ${o.out} from commit ${r.ref} (uncommitted changes are not in it): ${r.files} files, chapters ${r.chapters.join(' ')}`);
}

const COMMANDS = { grade: cmdGrade, autograde: cmdAutograde, classroom: cmdClassroom, release: cmdRelease };

if (require.main === module) {
  const [cmd, ...rest] = process.argv.slice(2);
  const fn = COMMANDS[cmd];
  if (!fn) {
    console.error(`assignment: expected one of ${Object.keys(COMMANDS).join(', ')} (got ${cmd ?? 'nothing'}); see scripts/assignment.js`);
    process.exit(2);
  }
  Promise.resolve(fn(rest)).catch((e) => {
    console.error(`assignment ${cmd}: ${e instanceof Error ? e.message : e}`);
    process.exit(2);
  });
}
