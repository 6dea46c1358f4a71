// The process that runs one exercise's checks against one submission, started by sandbox.js
// under Node's permission model (writes only under its work folder, no child processes).
//
//   node [limits] child-runner.js '{"files": [...], "grep": "...", "timeoutMs": N}'
//
// It runs mocha on the given test files (the public and hidden checks of one chapter), keeps only
// the checks whose title matches `grep` (one exercise), and writes one JSON line on file
// descriptor 3: { checks: [{ file, suite, title, state, kind, message }] } or { loadError }.
// stdout and stderr are left to the submission (the grader keeps them out of the feedback).
'use strict';
const fs = require('fs');
const mochaModule = require('mocha');
const Mocha = mochaModule.Mocha ?? mochaModule.default ?? mochaModule;

// Taken before any submission code loads, so that patching fs later does not change the channel.
const writeSync = fs.writeSync;
const stringify = JSON.stringify;
const spec = JSON.parse(process.argv[2]);
let sent = false;

function send(obj) {
  if (sent) return;
  sent = true;
  writeSync(3, stringify(obj) + '\n');
}

/** What kind of failure: a wrong answer (a failed assertion), a thrown error, or a check's own timeout. */
function kindOf(err) {
  if (err && err.code === 'ERR_ASSERTION') return 'wrong';
  if (err && err.code === 'ERR_MOCHA_TIMEOUT') return 'timeout';
  return 'error';
}

function describeError(err) {
  if (err && err.code === 'ERR_ASSERTION') return String(err.message);
  if (err instanceof Error) return `${err.name}: ${err.message}`;
  return `threw ${typeof err === 'object' ? 'an object' : String(err)}`;
}

const checks = [];
const mocha = new Mocha({ timeout: spec.timeoutMs, grep: new RegExp(spec.grep), reporter: function Silent() {} });
for (const f of spec.files) mocha.addFile(f);
const record = (test, state, err) => {
  const hook = test.type === 'hook';
  checks.push({
    file: test.file,
    suite: test.parent.title,
    title: hook ? `(setup) ${test.title}` : test.title,
    state,
    kind: err ? kindOf(err) : undefined,
    message: err ? describeError(err).slice(0, 600) : undefined,
  });
};
async function main() {
  try {
    await mocha.loadFilesAsync();
  } catch (err) {
    send({ loadError: describeError(err) });
    process.exit(0);
  }
  const runner = mocha.run(() => {
    send({ checks });
    process.exit(0);
  });
  runner.on('pass', (test) => record(test, 'passed'));
  runner.on('fail', (test, err) => record(test, 'failed', err));
}
main();
