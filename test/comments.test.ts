/**
 * The code kept true: a comment in src/ that names a Markdown file (FINDINGS.md, README.md,
 * environment.md…) must name one that exists in the repository, so a reader can open it.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';

const root = path.resolve(__dirname, '..');

function filesUnder(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    return e.isDirectory() ? filesUnder(p) : p.endsWith('.ts') ? [p] : [];
  });
}

/** The text of the comments of a TypeScript file (// lines and /* blocks), roughly. */
function comments(source: string): string[] {
  return [...source.matchAll(/\/\*[\s\S]*?\*\/|\/\/[^\n]*/g)].map((m) => m[0]);
}

describe('comments in src/', () => {
  it('name only Markdown files that exist in the repository', () => {
    const missing: string[] = [];
    for (const file of filesUnder(path.join(root, 'src'))) {
      for (const c of comments(fs.readFileSync(file, 'utf8'))) {
        for (const m of c.matchAll(/[\w./-]*\w\.md\b/g)) {
          const name = m[0];
          const candidates = [path.join(root, name), path.join(path.dirname(file), name)];
          if (!candidates.some((p) => fs.existsSync(p))) missing.push(`${path.relative(root, file)}: ${name}`);
        }
      }
    }
    assert.deepEqual(missing, [], `comments name Markdown files that are not in the repository:\n${missing.join('\n')}`);
  });
});
