// `npm run assignment -- grade SUBMISSIONS --out DIR`: every exercise of every submission in its
// own sandboxed process (sandbox.js), scored by instructor/points.js, into DIR/grades.csv (one
// row per student, one column per exercise, a total) and DIR/feedback/STUDENT.md.
//
// Same folder in, same files out: students and exercises in a fixed order, no times or paths in
// what is written, and messages cleaned of the scratch folder's name.
'use strict';
const fs = require('fs');
const os = require('os');
const path = require('path');
const { buildRuntime, prepareScratch, runChecks } = require('./sandbox');
const { checkFiles, grepFor } = require('./exercises');
const { listSubmissions, readSubmission } = require('./submissions');

/** Why a whole exercise scored nothing, in words a student reads. */
function whyZero(r) {
  if (r.missing) return `not submitted: no exercises/${r.missing} in the submission`;
  if (r.compileErrors) return `does not compile:\n${r.compileErrors.slice(0, 5).map((e) => `    ${e}`).join('\n')}`;
  if (r.loadError) return `the file fails to load: ${r.loadError}`;
  if (r.killed === 'time') return `stopped after ${r.detail}: an endless loop, or far too slow`;
  if (r.killed === 'memory') return `stopped: used more than ${r.detail}`;
  if (r.killed === 'crash') return `the process crashed (${r.detail}) before its checks finished`;
  return null;
}

/**
 * Score one exercise from its run: { points, max, checks: [{ title, hidden, points, passed, kind,
 * message }], zero: reason or null }. A run that did not finish scores 0 whatever it passed.
 */
function scoreExercise(exercise, run) {
  const byTitle = new Map((run.checks ?? []).map((c) => [c.title, c]));
  const zero = whyZero(run);
  const checks = Object.entries(exercise.checks).map(([title, points]) => {
    const c = byTitle.get(title);
    const passed = !zero && c?.state === 'passed';
    return { title, hidden: title.startsWith('hidden:'), points, passed, kind: c?.kind ?? (zero ? null : 'not run'), message: c?.message };
  });
  // Setup steps (before-all hooks) that failed leave their checks unrun: say so once.
  const setup = (run.checks ?? []).filter((c) => c.title.startsWith('(setup)') && c.state === 'failed');
  const unknown = (run.checks ?? []).filter((c) => !c.title.startsWith('(setup)') && !(c.title in exercise.checks)).map((c) => c.title);
  return { points: checks.reduce((s, c) => s + (c.passed ? c.points : 0), 0), max: exercise.max, checks, zero, setup, unknown };
}

/** A message cleaned for a feedback page: no scratch paths, one paragraph, bounded length. */
function clean(text, scratch) {
  return String(text ?? '').split(scratch).join('.').replace(/\s+/g, ' ').trim().slice(0, 400);
}

const KIND = { wrong: 'wrong result', error: 'threw an error', timeout: 'took too long', 'not run': 'did not run' };

function feedbackPage(student, results, total, max) {
  const lines = [`# Feedback: ${student}`, '', `**Total: ${total} / ${max} points**`, '',
    'Each exercise ran in its own process against public checks (the ones `npm run check` runs) and',
    'hidden ones (other inputs and edge cases; for those you see only whether they passed).', ''];
  let chapter = null;
  for (const { exercise, score } of results) {
    if (exercise.chapter !== chapter) {
      chapter = exercise.chapter;
      const ch = results.filter((r) => r.exercise.chapter === chapter);
      lines.push(`## ${chapter}: ${ch.reduce((s, r) => s + r.score.points, 0)} / ${ch.reduce((s, r) => s + r.score.max, 0)}`, '');
    }
    lines.push(`### ${exercise.id} ${exercise.name}: ${score.points} / ${score.max}`, '');
    if (score.zero) lines.push(`Scored 0: ${score.zero}`, '');
    for (const s of score.setup) lines.push(`Setup failed: ${s.message}`, '');
    if (score.zero) continue;
    for (const c of score.checks) {
      const mark = c.passed ? 'passed' : 'FAILED';
      if (c.hidden) {
        lines.push(`- ${mark} (${c.points} pt) hidden: ${c.title.replace(/^hidden:\s*/, '')}${c.passed ? '' : ` (${KIND[c.kind] ?? 'failed'})`}`);
      } else {
        lines.push(`- ${mark} (${c.points} pt) ${c.title}${c.passed || !c.message ? '' : `\n  - ${c.message}`}`);
      }
    }
    lines.push('');
  }
  return lines.join('\n');
}

function csvField(v) {
  const s = String(v);
  return /[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** Write a file whole or not at all. */
function writeAtomic(file, text) {
  const tmp = `${file}.tmp-${process.pid}`;
  fs.writeFileSync(tmp, text);
  fs.renameSync(tmp, file);
}

/** Refuse an --out that holds anything but an earlier gradebook. */
function checkOut(out) {
  if (!fs.existsSync(out)) return;
  if (!fs.statSync(out).isDirectory()) throw new Error(`--out ${out} is not a folder`);
  const have = fs.readdirSync(out);
  if (have.length > 0 && !have.includes('grades.csv')) throw new Error(`--out ${out} is neither empty nor an earlier gradebook (no grades.csv): choose a new folder`);
}

async function mapLimit(items, n, fn) {
  const out = new Array(items.length);
  let next = 0;
  await Promise.all(Array.from({ length: Math.min(n, items.length) }, async () => {
    while (next < items.length) { const i = next++; out[i] = await fn(items[i], i); }
  }));
  return out;
}

/**
 * Grade every submission in `dir` on `exercises`. Options: out (folder), jobs (processes at
 * once), seconds (override every exercise's time limit), keep (keep the scratch folders),
 * log (progress lines). Returns { students: [{ student, total, results }], csv }.
 */
async function grade(dir, exercises, { out, jobs = 1, seconds, keep = false, log = () => {} } = {}) {
  if (out) checkOut(out);
  const subs = listSubmissions(dir);
  if (subs.length === 0) throw new Error(`no submissions in ${dir} (expected one folder or archive per student)`);
  const files = [...new Set(exercises.map((e) => e.file))];
  const base = fs.mkdtempSync(path.join(os.tmpdir(), 'lgpt-grade-'));
  try {
    const runtime = buildRuntime(path.join(base, 'runtime'));
    const students = [];
    for (const sub of subs) {
      const t0 = Date.now();
      const scratch = path.join(base, 'scratch', sub.student);
      fs.mkdirSync(scratch, { recursive: true });
      const sources = readSubmission(sub, files);
      const { compileErrors } = prepareScratch(runtime, scratch, sources);
      const results = await mapLimit(exercises, jobs, async (exercise) => {
        let run;
        if (!(exercise.file in sources)) run = { missing: exercise.file };
        else if (compileErrors[exercise.file]) run = { compileErrors: compileErrors[exercise.file] };
        else {
          const f = checkFiles(exercise.chapter, '.js');
          const limits = seconds ? { ...exercise.limits, seconds } : exercise.limits;
          run = await runChecks(scratch, [f.public, f.hidden], grepFor(exercise), limits);
        }
        const score = scoreExercise(exercise, run);
        if (run.usage) log(`  ${sub.student} ${exercise.id}: ${score.points}/${score.max} (${run.usage.seconds.toFixed(1)} s, ${run.usage.peakMiB} MiB)`);
        // A crash's stderr is for the instructor's log only: it may hold anything the checks printed.
        if (run.killed === 'crash' && run.stderr) log(`    its stderr ended: ${run.stderr.trim().slice(-300)}`);
        for (const c of score.checks) if (c.message) c.message = clean(c.message, scratch);
        for (const c of score.setup) c.message = clean(c.message, scratch);
        if (score.zero) score.zero = score.zero.split(scratch).join('.');
        if (score.unknown.length > 0) log(`warning: ${exercise.id} ran checks that instructor/points.js does not list: ${score.unknown.join('; ')}`);
        return { exercise, score };
      });
      const total = results.reduce((s, r) => s + r.score.points, 0);
      students.push({ student: sub.student, total, results });
      log(`${sub.student}: ${total} / ${exercises.reduce((s, e) => s + e.max, 0)} (${((Date.now() - t0) / 1000).toFixed(1)} s)`);
    }
    const max = exercises.reduce((s, e) => s + e.max, 0);
    const header = ['student', ...exercises.map((e) => e.id), 'total'];
    const rows = students.map((s) => [s.student, ...s.results.map((r) => r.score.points), s.total]);
    const csv = [header, ...rows].map((r) => r.map(csvField).join(',')).join('\n') + '\n';
    if (out) {
      fs.mkdirSync(path.join(out, 'feedback'), { recursive: true });
      writeAtomic(path.join(out, 'grades.csv'), csv);
      for (const s of students) writeAtomic(path.join(out, 'feedback', `${s.student}.md`), feedbackPage(s.student, s.results, s.total, max));
    }
    return { students, csv, max };
  } finally {
    if (keep) log(`scratch folders kept in ${base}`);
    else fs.rmSync(base, { recursive: true, force: true });
  }
}

module.exports = { grade, scoreExercise, feedbackPage };
