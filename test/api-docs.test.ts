// The public API a reader sees is documented (issue 27): every `lg.*` that a chapter (a notebook's
// code cells, an exercise file) calls has a TSDoc comment, and docs/api/ (scripts/api-docs.js,
// `npm run docs`) is not stale: it has an entry for every name src/index.ts exports, none for a
// name it no longer exports, and each entry (and each member of a class or interface) shows the
// first paragraph of its doc comment as it is now.
// Running TypeDoc itself takes about 30 s, so the pages are checked against the compiler's view of
// src/ instead (one TypeScript program, a few seconds).
import { strict as assert } from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import * as ts from 'typescript';

const ROOT = path.join(__dirname, '..');
const API_DIR = path.join(ROOT, 'docs', 'api');
// eslint-disable-next-line @typescript-eslint/no-require-imports
const apiDocs = require('../scripts/api-docs.js') as { apiEntryPoints(indexText?: string): string[] };

/** `lg.name` → where a chapter uses it ('notebooks/05-….ipynb cell 12', 'exercises/05-….ts'). */
function chapterCalls(): Map<string, string[]> {
  const calls = new Map<string, string[]>();
  const note = (text: string, where: string): void => {
    for (const m of text.matchAll(/\blg\.(\w+)/g)) {
      const list = calls.get(m[1]) ?? [];
      if (!list.includes(where)) list.push(where);
      calls.set(m[1], list);
    }
  };
  for (const f of fs.readdirSync(path.join(ROOT, 'notebooks')).filter((n) => /^\d\d-.*\.ipynb$/.test(n)).sort()) {
    const nb = JSON.parse(fs.readFileSync(path.join(ROOT, 'notebooks', f), 'utf8')) as { cells: { cell_type: string; source: string[] | string }[] };
    nb.cells.forEach((c, i) => {
      if (c.cell_type === 'code') note(Array.isArray(c.source) ? c.source.join('') : c.source, `notebooks/${f} cell ${i}`);
    });
  }
  for (const f of fs.readdirSync(path.join(ROOT, 'exercises')).filter((n) => n.endsWith('.ts')).sort()) {
    note(fs.readFileSync(path.join(ROOT, 'exercises', f), 'utf8'), `exercises/${f}`);
  }
  return calls;
}

interface Api {
  checker: ts.TypeChecker;
  /** Name → the exported symbol, aliases resolved. */
  exports: Map<string, ts.Symbol>;
  /** Name → its doc comment: the declaration's, or the export's own (`export * as tf` documents the re-export). */
  docs: Map<string, string>;
}

function publicApi(): Api {
  const config = ts.getParsedCommandLineOfConfigFile(path.join(ROOT, 'tsconfig.build.json'), {}, {
    ...ts.sys, onUnRecoverableConfigFileDiagnostic: (d) => { throw new Error(ts.flattenDiagnosticMessageText(d.messageText, '\n')); },
  });
  assert.ok(config);
  const index = path.join(ROOT, 'src', 'index.ts');
  const program = ts.createProgram([index], { ...config.options, noEmit: true });
  const checker = program.getTypeChecker();
  const source = program.getSourceFile(index);
  assert.ok(source);
  const moduleSymbol = checker.getSymbolAtLocation(source);
  assert.ok(moduleSymbol);
  const exports = new Map<string, ts.Symbol>();
  const docs = new Map<string, string>();
  for (const e of checker.getExportsOfModule(moduleSymbol)) {
    const target = e.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(e) : e;
    exports.set(e.name, target);
    docs.set(e.name, docOf(target, checker) || exportDoc(e));
  }
  return { checker, exports, docs };
}

/** The doc comment on the export statement itself (`/** … *\/ export * as tf from …`). */
function exportDoc(e: ts.Symbol): string {
  for (let d: ts.Node | undefined = e.declarations?.[0]; d !== undefined; d = d.parent) {
    if (ts.isExportDeclaration(d)) {
      // A file's @module comment sits on its first export statement too: it documents the page, not the name.
      const docs = ts.getJSDocCommentsAndTags(d).filter(ts.isJSDoc).filter((j) => !(j.tags ?? []).some((t) => t.tagName.text === 'module'));
      return docs.map((j) => ts.getTextOfJSDocComment(j.comment) ?? '').join('\n').trim();
    }
  }
  return '';
}

function docOf(s: ts.Symbol, checker: ts.TypeChecker): string {
  return ts.displayPartsToString(s.getDocumentationComment(checker)).trim();
}

const isHidden = (d: ts.Declaration | undefined): boolean => {
  if (d === undefined) return false;
  const flags = ts.getCombinedModifierFlags(d);
  return (flags & (ts.ModifierFlags.Private | ts.ModifierFlags.Protected)) !== 0 || ts.isPrivateIdentifier((d as ts.NamedDeclaration).name ?? d);
};

/** The public members of a class or interface that have no doc comment (constructors aside: the class has one). */
function undocumentedMembers(s: ts.Symbol, checker: ts.TypeChecker): string[] {
  if (!(s.flags & (ts.SymbolFlags.Class | ts.SymbolFlags.Interface)) || s.members === undefined) return [];
  const bad: string[] = [];
  s.members.forEach((m, key) => {
    const name = String(key);
    if (name === '__constructor' || name === '__index' || name === '__call' || name.startsWith('_')) return;
    if (isHidden(m.declarations?.[0])) return;
    if (docOf(m, checker) === '') bad.push(name);
  });
  return bad;
}

/**
 * The exported interfaces and classes a chapter meets without naming them: the parameter and return types of
 * the functions it calls (options objects, results), with type arguments and unions unpacked.
 * Name → the function that leads to it.
 */
function typesReached(api: Api, calls: Map<string, string[]>): Map<string, string> {
  const byTarget = new Map<ts.Symbol, string>();
  for (const [name, s] of api.exports) byTarget.set(s, name);
  const reached = new Map<string, string>();
  const visit = (t: ts.Type, via: string): void => {
    for (const part of t.isUnionOrIntersection() ? t.types : [t]) {
      const s = part.aliasSymbol ?? part.getSymbol();
      const name = s === undefined ? undefined : byTarget.get(s);
      if (s !== undefined && name !== undefined && s.flags & (ts.SymbolFlags.Interface | ts.SymbolFlags.Class) && !reached.has(name)) reached.set(name, via);
      for (const arg of (part as ts.TypeReference).typeArguments ?? part.aliasTypeArguments ?? []) visit(arg, via);
    }
  };
  for (const name of calls.keys()) {
    const s = api.exports.get(name);
    if (s === undefined || !(s.flags & ts.SymbolFlags.Function)) continue;
    for (const sig of api.checker.getTypeOfSymbol(s).getCallSignatures()) {
      for (const p of sig.getParameters()) visit(api.checker.getTypeOfSymbol(p), name);
      visit(sig.getReturnType(), name);
    }
  }
  return reached;
}

/** The TypeDoc pages: file → text, and each top-level entry's heading name → its page and text. */
function readPages(): { pages: Map<string, string>; entries: Map<string, { page: string; text: string }> } {
  const pages = new Map<string, string>();
  const walk = (dir: string): void => {
    for (const f of fs.readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, f.name);
      if (f.isDirectory()) walk(full);
      else if (f.name.endsWith('.md')) pages.set(path.relative(API_DIR, full).split(path.sep).join('/'), fs.readFileSync(full, 'utf8'));
    }
  };
  walk(API_DIR);
  const entries = new Map<string, { page: string; text: string }>();
  for (const [page, text] of pages) {
    // An area page: "## Functions" etc., then "### name" or "### name()" for each export (underscores escaped).
    const parts = text.split(/^### /m).slice(1);
    for (const part of parts) {
      const m = /^(\w+)(?:\(\))?\s*$/.exec(part.split('\n', 1)[0].replace(/\\_/g, '_')); // MAX\_THREADS
      if (m) entries.set(m[1], { page, text: part });
    }
  }
  return { pages, entries };
}

/** Text as compared: markdown escapes, emphasis marks and line breaks do not count. */
const plain = (s: string): string => s.replace(/\\([\\`*_{}[\]()#+\-.!<>|])/g, '$1').replace(/\s+/g, ' ').trim();

describe('the API a reader sees is documented (docs/api/, npm run docs)', function () {
  this.timeout(120_000);
  let api: Api;
  let calls: Map<string, string[]>;
  before(() => {
    api = publicApi();
    calls = chapterCalls();
  });

  it('the chapters call the public API: every lg.* they use is exported by src/index.ts', () => {
    assert.ok(calls.size > 100, `found only ${calls.size} lg.* names in the chapters`);
    const unknown = [...calls.keys()].filter((n) => !api.exports.has(n));
    assert.deepEqual(unknown, [], `not exported by src/index.ts: ${unknown.map((n) => `lg.${n} (${calls.get(n)?.[0]})`).join(', ')}`);
  });

  it('every lg.* a chapter calls has a doc comment, and so has each public member of a class or interface it uses', () => {
    const missing: string[] = [];
    for (const [name, where] of calls) {
      const s = api.exports.get(name);
      if (s === undefined) continue;
      if (api.docs.get(name) === '') missing.push(`lg.${name} (used in ${where[0]})`);
      for (const m of undocumentedMembers(s, api.checker)) missing.push(`lg.${name}.${m} (lg.${name} used in ${where[0]})`);
    }
    assert.deepEqual(missing, [], `no doc comment:\n  ${missing.join('\n  ')}`);
  });

  it('so has every member of the option and result types of the functions they call', () => {
    const missing: string[] = [];
    for (const [name, via] of typesReached(api, calls)) {
      if (calls.has(name)) continue; // checked above
      for (const m of undocumentedMembers(api.exports.get(name) as ts.Symbol, api.checker)) missing.push(`lg.${name}.${m} (a type of lg.${via})`);
    }
    assert.deepEqual(missing, [], `no doc comment:\n  ${missing.join('\n  ')}`);
  });

  it('docs/api/ has one page per area of src/index.ts, and its index links each', () => {
    const { pages } = readPages();
    const index = pages.get('README.md');
    assert.ok(index, 'docs/api/README.md: run `npm run docs`');
    const areas = apiDocs.apiEntryPoints();
    assert.ok(areas.includes('src/model/index.ts') && areas.includes('src/errors.ts'), areas.join(' '));
    for (const entry of areas) {
      const page = entry.replace(/^src\//, '').replace(/\/index\.ts$|\.ts$/, '') + '.md';
      assert.ok(pages.has(page), `docs/api/${page} (for ${entry}) is missing: run \`npm run docs\``);
      assert.ok(index.includes(`](${page})`), `docs/api/README.md does not link ${page}: run \`npm run docs\``);
    }
  });

  it('docs/api/ shows no raw HTML tag in its prose (`<s>` would strike the rest through on GitHub, `<e>` vanish)', () => {
    const { pages } = readPages();
    const raw: string[] = [];
    for (const [page, text] of pages) {
      text.split('\n').forEach((line, i) => {
        const prose = line.replace(/`[^`]*`/g, '').replace(/<a id="[^"]*"><\/a>/g, '').replace(/<https?:\/\/[^>\s]+>/g, '').replace(/\\</g, '');
        const tag = /<\/?[A-Za-z][^>]*>/.exec(prose);
        if (tag) raw.push(`docs/api/${page}:${i + 1}: ${tag[0]} (put it in backticks in its doc comment)`);
      });
    }
    assert.deepEqual(raw, [], raw.join('\n'));
  });

  it('docs/api/ is not stale: an entry for each export and none other, each (and each member) showing its doc comment as it is now', () => {
    const { entries } = readPages();
    const exported = [...api.exports.keys()].filter((n) => n !== 'tf'); // lg.tf is TensorFlow.js, documented by it
    const absent = exported.filter((n) => !entries.has(n));
    assert.deepEqual(absent, [], `exported but not in docs/api/: ${absent.join(', ')}. Run \`npm run docs\``);
    const gone = [...entries.keys()].filter((n) => !api.exports.has(n));
    assert.deepEqual(gone, [], `in docs/api/ but no longer exported: ${gone.join(', ')}. Run \`npm run docs\``);
    const stale: string[] = [];
    for (const name of exported) {
      const doc = api.docs.get(name) ?? '';
      const entry = entries.get(name);
      if (entry === undefined || doc === '') continue;
      // The first paragraph, up to any inline tag ({@link …} is rendered as a link).
      const first = plain(doc.split(/\n\s*\n/)[0].split('{@')[0]);
      if (first !== '' && !plain(entry.text).includes(first)) stale.push(`${name} (docs/api/${entry.page}): "${first.slice(0, 80)}…"`);
      // And the members of a class or interface (methods, properties, options), where a reader looks them up.
      const s = api.exports.get(name) as ts.Symbol;
      if (!(s.flags & (ts.SymbolFlags.Class | ts.SymbolFlags.Interface)) || s.members === undefined) continue;
      s.members.forEach((m, key) => {
        if (isHidden(m.declarations?.[0])) return;
        const memberFirst = plain(docOf(m, api.checker).split(/\n\s*\n/)[0].split('{@')[0]);
        if (memberFirst !== '' && !plain(entry.text).includes(memberFirst)) stale.push(`${name}.${String(key)} (docs/api/${entry.page}): "${memberFirst.slice(0, 80)}…"`);
      });
    }
    assert.deepEqual(stale, [], `docs/api/ shows an older doc comment for:\n  ${stale.join('\n  ')}\nRun \`npm run docs\``);
  });
});
