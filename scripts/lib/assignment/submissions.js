// Reading submissions: SUBMISSIONS holds one entry per student, a folder or an archive (.zip,
// .tar, .tar.gz, .tgz), named after the student. From each we take only the exercise files
// (exercises/NN-name.ts, or NN-name.ts at the top), as text: nothing is extracted, no link is
// followed, so an archive cannot place a file anywhere.
'use strict';
const cp = require('child_process');
const fs = require('fs');
const path = require('path');

const MAX_BYTES = 1 << 20; // an exercise file larger than 1 MiB is not a hand-written answer
const ARCHIVE = /\.(zip|tar|tar\.gz|tgz)$/i;

/** The students in a submissions folder, sorted by name: [{ student, entry, kind }]. */
function listSubmissions(dir) {
  const out = [];
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    if (e.name.startsWith('.')) continue;
    if (e.isDirectory()) out.push({ student: e.name, entry: path.join(dir, e.name), kind: 'folder' });
    else if (e.isFile() && ARCHIVE.test(e.name)) out.push({ student: e.name.replace(ARCHIVE, ''), entry: path.join(dir, e.name), kind: 'archive' });
  }
  out.sort((a, b) => (a.student < b.student ? -1 : a.student > b.student ? 1 : 0));
  const seen = new Set();
  for (const s of out) {
    if (seen.has(s.student)) throw new Error(`two submissions for ${s.student} (a folder and an archive?)`);
    seen.add(s.student);
    if (!/^[\w.@+-]+$/.test(s.student)) throw new Error(`submission name '${s.student}' is not a plain name (letters, digits, . _ - @ +)`);
  }
  return out;
}

/** The candidate paths of an exercise file inside a submission, best first. */
const candidates = (file) => [`exercises/${file}`, file];

function readFromFolder(folder, files) {
  const out = {};
  for (const file of files) {
    for (const rel of candidates(file)) {
      const p = path.join(folder, rel);
      let st;
      try { st = fs.lstatSync(p); } catch { continue; }
      if (!st.isFile() || st.size > MAX_BYTES) continue; // links and folders are not answers
      out[file] = fs.readFileSync(p, 'utf8');
      break;
    }
  }
  return out;
}

function readFromArchive(archive, files) {
  const zip = /\.zip$/i.test(archive);
  const list = zip ? cp.execFileSync('unzip', ['-Z1', archive], { encoding: 'utf8' })
    : cp.execFileSync('tar', ['-tf', archive], { encoding: 'utf8' });
  const members = list.split('\n').filter(Boolean);
  const out = {};
  for (const file of files) {
    // A member at exercises/NAME or NAME, possibly under one top folder (a zipped repository).
    const strip = (m) => m.replace(/^\.\//, '');
    const match = candidates(file).map((rel) => members.find((m) => strip(m) === rel || strip(m).replace(/^[^/]+\//, '') === rel)).find(Boolean);
    if (!match) continue;
    const bytes = zip ? cp.execFileSync('unzip', ['-p', archive, match], { maxBuffer: MAX_BYTES * 2 })
      : cp.execFileSync('tar', ['-xOf', archive, '--', match], { maxBuffer: MAX_BYTES * 2 });
    if (bytes.length <= MAX_BYTES) out[file] = bytes.toString('utf8');
  }
  return out;
}

/** { 'NN-name.ts': source } for the exercise files this submission has. */
function readSubmission(sub, files) {
  return sub.kind === 'folder' ? readFromFolder(sub.entry, files) : readFromArchive(sub.entry, files);
}

module.exports = { listSubmissions, readSubmission };
