// The API reference, docs/api/*.md, generated from the TSDoc comments of the public API (issue 27).
//
//   npm run docs        regenerate docs/api/ (about 30 s); commit the result with the change to src/
//
// The public API is what src/index.ts exports (what a notebook sees as `lg.*`). TypeDoc with its
// markdown plugin writes one page per area that index.ts re-exports (`export * from './model'` →
// docs/api/model.md, `export { check, InputError } from './errors'` → errors.md), so the pages follow
// the layout of src/ and a reader finds `lg.causalMask` under model. The areas are read from index.ts
// here, never listed by hand, so a new area gets its page. `lg.tf` (TensorFlow.js itself) is not
// documented here: see https://js.tensorflow.org/api/4.22.0/.
//
// Markdown, not a site: GitHub and any editor show it without a build step or hosting, and a test
// (test/api-docs.test.ts) reads it to check that it lists every export and is not stale.
'use strict';
const fs = require('fs');
const path = require('path');
const cp = require('child_process');

const ROOT = path.join(__dirname, '..');
const OUT = path.join('docs', 'api');

/** The area modules src/index.ts re-exports, as paths relative to the root ('src/model/index.ts', 'src/errors.ts'). */
function apiEntryPoints(indexText = fs.readFileSync(path.join(ROOT, 'src', 'index.ts'), 'utf8')) {
  const found = [];
  const re = /^export\s+(?:\*|\{[^}]*\})\s+from\s+'(\.\/[^']+)';/gm;
  let m;
  while ((m = re.exec(indexText)) !== null) {
    const rel = m[1].slice(2);
    const dir = path.join(ROOT, 'src', rel);
    const file = fs.existsSync(path.join(dir, 'index.ts')) ? path.join('src', rel, 'index.ts') : path.join('src', `${rel}.ts`);
    found.push(file.split(path.sep).join('/'));
  }
  return found;
}

/** TypeDoc's arguments: one page per area, tables for parameters and properties, no source links. */
function typedocArgs(entryPoints, out = OUT) {
  return [
    '--plugin', 'typedoc-plugin-markdown',
    '--tsconfig', 'tsconfig.build.json',
    '--entryPoints', ...entryPoints,
    '--out', out,
    '--readme', path.join('docs', 'api-intro.md'),
    '--name', 'literate-gpt API',
    '--excludeExternals', '--excludePrivate', '--excludeInternal',
    '--disableSources', // source links would need a git remote and change with every commit
    '--hideBreadcrumbs', '--hidePageHeader',
    '--mergeReadme', // the intro and the list of pages on one index page, docs/api/README.md
    '--outputFileStrategy', 'modules',
    '--parametersFormat', 'table',
    '--interfacePropertiesFormat', 'table',
    '--classPropertiesFormat', 'table',
    '--typeDeclarationFormat', 'table',
    '--propertyMembersFormat', 'table',
    '--logLevel', 'Error',
  ];
}

function main() {
  const entryPoints = apiEntryPoints();
  // A clean folder: a page for an area that no longer exists must not survive.
  fs.rmSync(path.join(ROOT, OUT), { recursive: true, force: true });
  const bin = path.join(path.dirname(require.resolve('typedoc/package.json')), 'bin', 'typedoc');
  const r = cp.spawnSync(process.execPath, [bin, ...typedocArgs(entryPoints)], { cwd: ROOT, stdio: 'inherit' });
  if (r.status !== 0) process.exit(r.status ?? 1);
  const pages = fs.readdirSync(path.join(ROOT, OUT), { recursive: true }).filter((f) => String(f).endsWith('.md'));
  console.log(`${OUT}/: ${pages.length} pages (the index and one for each of the ${entryPoints.length} modules src/index.ts re-exports)`);
}

if (require.main === module) main();

module.exports = { OUT, apiEntryPoints, typedocArgs };
