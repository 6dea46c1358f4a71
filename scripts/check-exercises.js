#!/usr/bin/env node
// `npm run check -- NN`: check your answers to a notebook's exercises.
//
//   npm run check -- 00              test/exercises/00-*.test.ts against exercises/00-*.ts (yours)
//   npm run check                    every chapter's exercises
//   npm run check -- 00 --solutions  the same checks against exercises/solutions/ (what CI runs)
//
// Runs mocha on just those test files (not the project's .mocharc.json: no backend start-up,
// no other suites), shows each check as passed or failed, and ends with "N passed, N failed".
'use strict';
const cp = require('child_process');
const fs = require('fs');
const path = require('path');

const ROOT = path.resolve(__dirname, '..');
const TEST_DIR = path.join(ROOT, 'test', 'exercises');

function parseArgs(argv) {
  const opts = { solutions: false, chapters: [] };
  for (const a of argv) {
    if (a === '--solutions') opts.solutions = true;
    else if (a.startsWith('--')) throw new Error(`unknown option ${a} (expected chapter numbers and --solutions)`);
    else opts.chapters.push(a);
  }
  return opts;
}

function main() {
  const opts = parseArgs(process.argv.slice(2));
  const all = fs.readdirSync(TEST_DIR).filter((f) => /^\d\d-.*\.test\.ts$/.test(f)).sort();
  const files = opts.chapters.length === 0 ? all : all.filter((f) => opts.chapters.some((c) => f.startsWith(c)));
  if (files.length === 0) {
    const have = all.map((f) => f.slice(0, 2)).join(', ') || 'none yet';
    console.error(`no exercise checks for ${opts.chapters.join(' ')} (chapters with exercises: ${have})`);
    process.exit(2);
  }
  const target = opts.solutions ? 'solutions' : 'student';
  const where = opts.solutions ? 'exercises/solutions/' : 'exercises/';
  console.log(`checking ${files.map((f) => where + f.replace('.test.ts', '.ts')).join(', ')}`);

  const mocha = require.resolve('mocha/bin/mocha.js');
  const args = [mocha, '--no-config', '--require', 'tsx/cjs', '--reporter', 'spec', '--timeout', '60000',
    ...files.map((f) => path.join(TEST_DIR, f))];
  const r = cp.spawnSync(process.execPath, args, {
    cwd: ROOT,
    env: { ...process.env, LGPT_EXERCISES: target },
    encoding: 'utf8',
  });
  process.stdout.write(r.stdout ?? '');
  process.stderr.write(r.stderr ?? '');
  const passed = Number(/(\d+) passing/.exec(r.stdout ?? '')?.[1] ?? 0);
  const failed = Number(/(\d+) failing/.exec(r.stdout ?? '')?.[1] ?? 0);
  if (passed + failed === 0) {
    console.error('the checks did not run (a syntax or type error in the exercise file? see above)');
    process.exit(2);
  }
  if (failed === 0) console.log(`all ${passed} checks pass${opts.solutions ? '' : ': well done'}`);
  else if (!opts.solutions) console.log(`${failed} check(s) to go: edit ${files.map((f) => where + f.replace('.test.ts', '.ts')).join(', ')}, then run this again`);
  console.log(`${passed} passed, ${failed} failed`);
  process.exit(failed === 0 ? 0 : 1);
}

if (require.main === module) {
  try {
    main();
  } catch (e) {
    console.error(`check: ${e instanceof Error ? e.message : e}`);
    process.exit(2);
  }
}
