#!/usr/bin/env node
// Committed notebooks carry no outputs: outputs are large (plotly.js alone is 4.8 MB), differ on
// every run, and belong to out/, where `npm start` writes executed copies.
//
//   node scripts/strip-notebooks.js            strip outputs, execution counts and run metadata in place
//   node scripts/strip-notebooks.js --check    only report; exit 1 if any notebook has outputs (CI)
//   node scripts/strip-notebooks.js notebooks/04-pretraining.ipynb   just these files
//
// Plain JSON rewriting, so it needs no Python. Only notebooks with something to strip are written,
// in Jupyter's own layout (1-space indent, keys in the order the file had them, trailing newline).
'use strict';
const fs = require('fs');
const path = require('path');

const ROOT = path.resolve(__dirname, '..');
// Metadata that records a run rather than the notebook: execution timing, scroll state, widgets.
const RUN_METADATA = ['execution', 'collapsed', 'scrolled', 'ExecuteTime'];

/** What makes `nb` not clean, as short phrases (empty when clean). */
function problems(nb) {
  const found = [];
  (nb.cells ?? []).forEach((cell, i) => {
    if (cell.cell_type !== 'code') return;
    if ((cell.outputs ?? []).length > 0) found.push(`cell[${i}] has ${cell.outputs.length} output(s)`);
    if (cell.execution_count !== null && cell.execution_count !== undefined) found.push(`cell[${i}] has an execution count`);
    const meta = RUN_METADATA.filter((k) => k in (cell.metadata ?? {}));
    if (meta.length > 0) found.push(`cell[${i}] has run metadata (${meta.join(', ')})`);
  });
  if (nb.metadata?.widgets) found.push('notebook has widget state');
  return found;
}

/** A copy of `nb` without outputs, counts or run metadata. */
function strip(nb) {
  const cells = (nb.cells ?? []).map((cell) => {
    if (cell.cell_type !== 'code') return cell;
    const metadata = { ...cell.metadata };
    for (const k of RUN_METADATA) delete metadata[k];
    return { ...cell, execution_count: null, metadata, outputs: [] };
  });
  const { widgets: _widgets, ...metadata } = nb.metadata ?? {};
  return { ...nb, metadata, cells };
}

/** Jupyter's on-disk format: 1-space indent, keys as they come, trailing newline. */
function serialize(nb) {
  return JSON.stringify(nb, null, 1) + '\n';
}

function main() {
  const args = process.argv.slice(2);
  const check = args.includes('--check');
  const given = args.filter((a) => a !== '--check');
  const dir = path.join(ROOT, 'notebooks');
  const files = given.length > 0 ? given.map((f) => path.resolve(f))
    : fs.readdirSync(dir).filter((f) => f.endsWith('.ipynb')).sort().map((f) => path.join(dir, f));
  let dirty = 0;
  for (const file of files) {
    const nb = JSON.parse(fs.readFileSync(file, 'utf8'));
    const found = problems(nb);
    if (found.length === 0) continue;
    dirty++;
    const rel = path.relative(ROOT, file);
    if (check) {
      console.log(`${rel}: ${found.slice(0, 3).join('; ')}${found.length > 3 ? `; and ${found.length - 3} more` : ''}`);
    } else {
      fs.writeFileSync(file, serialize(strip(nb)));
      console.log(`${rel}: stripped (${found.length} problem(s))`);
    }
  }
  if (check && dirty > 0) {
    console.log(`${dirty} notebook(s) carry outputs: run \`node scripts/strip-notebooks.js\` before committing`);
    process.exit(1);
  }
  if (check) console.log(`${files.length} passed, 0 failed (notebooks without outputs)`);
  else console.log(`stripped ${dirty} of ${files.length} notebook(s)`);
}

if (require.main === module) main();

module.exports = { problems, strip, serialize };
