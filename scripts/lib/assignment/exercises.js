// The exercises as the grader sees them: chapters (exercises/NN-name.ts), their numbered
// exercises with points and limits (instructor/points.js), and the check files of each.
'use strict';
const fs = require('fs');
const path = require('path');

const ROOT = path.resolve(__dirname, '..', '..', '..');
const POINTS_FILE = path.join(ROOT, 'instructor', 'points.js');

/** Every exercise of every chapter, in order: { id: '03.2', chapter: '03-gpt-model', file, number, name, checks, limits, max }. */
function listExercises(pointsFile = POINTS_FILE) {
  const { CHAPTERS, DEFAULT_LIMITS } = require(pointsFile);
  const out = [];
  for (const chapter of Object.keys(CHAPTERS).sort()) {
    for (const number of Object.keys(CHAPTERS[chapter]).map(Number).sort((a, b) => a - b)) {
      const e = CHAPTERS[chapter][number];
      out.push({
        id: `${chapter.slice(0, 2)}.${number}`,
        chapter,
        file: `${chapter}.ts`,
        number,
        name: e.name,
        checks: e.checks,
        limits: { ...DEFAULT_LIMITS, ...(e.limits ?? {}) },
        max: Object.values(e.checks).reduce((a, b) => a + b, 0),
      });
    }
  }
  return out;
}

/** Keep the exercises named by `selectors` ('03' a chapter, '03.2' one exercise); all when empty. */
function selectExercises(all, selectors) {
  if (selectors.length === 0) return all;
  const bad = selectors.filter((s) => !/^\d\d(\.\d+)?$/.test(s));
  if (bad.length > 0) throw new Error(`'${bad[0]}' is not a chapter (03) or an exercise (03.2)`);
  const picked = all.filter((e) => selectors.some((s) => (s.includes('.') ? e.id === s : e.id.startsWith(`${s}.`))));
  const missing = selectors.filter((s) => !all.some((e) => (s.includes('.') ? e.id === s : e.id.startsWith(`${s}.`))));
  if (missing.length > 0) throw new Error(`no exercise ${missing[0]} (there are ${all.map((e) => e.id).join(', ')})`);
  return picked;
}

/** The check files of a chapter, relative to the project (or scratch) root, compiled (.js) or not (.ts). */
function checkFiles(chapter, ext = '.ts') {
  return {
    public: path.join('test', 'exercises', `${chapter}.test${ext}`),
    hidden: path.join('instructor', 'hidden', `${chapter}.hidden${ext}`),
  };
}

/** A mocha --grep pattern for the checks of one exercise: its suite title starts "K. name". */
function grepFor(exercise) {
  return `(^| )${exercise.number}\\. ${exercise.name}\\b`;
}

module.exports = { ROOT, POINTS_FILE, listExercises, selectExercises, checkFiles, grepFor };
