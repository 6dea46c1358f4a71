// scripts/offline-html.js: the post-processing that makes `npm start`'s HTML exports work offline.
// (scripts/views-smoke.js opens real exports in Chromium with the network blocked.)
import { strict as assert } from 'assert';
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

interface OfflineHtml {
  PLACEHOLDER: string;
  externalFetches(html: string): string[];
  makeOffline(html: string): string;
  makeOfflineFile(file: string): string[];
  inlineKatexCss(): string;
  chapterTitle(html: string): string | null;
}
// eslint-disable-next-line @typescript-eslint/no-require-imports
const offline = require('../scripts/offline-html.js') as OfflineHtml;

describe('offline HTML export (scripts/offline-html.js)', () => {
  const page = (head: string): string => `<!DOCTYPE html><html><head>${head}</head><body><div class="jp-RenderedMarkdown">$$x^2$$</div></body></html>`;

  it('lists what a page would fetch from the network, and not plain links or data: URLs', () => {
    const html = page('<script src="https://cdnjs.cloudflare.com/ajax/libs/require.js/2.1.10/require.min.js"></script>' +
      '<link rel="stylesheet" href="//fonts.example.org/x.css"><style>@import url("https://x.org/y.css");</style>') +
      '<a href="https://plotly.com/">plotly</a><img src="data:image/png;base64,AAAA">';
    assert.deepEqual(offline.externalFetches(html), [
      '<script> https://cdnjs.cloudflare.com/ajax/libs/require.js/2.1.10/require.min.js',
      '<link> //fonts.example.org/x.css',
      '@import https://x.org/y.css',
    ]);
  });

  it('puts KaTeX (script, auto-render, CSS with inlined fonts) where the template left its placeholder, fetching nothing', () => {
    const html = offline.makeOffline(page(offline.PLACEHOLDER));
    assert.ok(!html.includes(offline.PLACEHOLDER));
    assert.match(html, /renderMathInElement/);
    assert.match(html, /katex/);
    assert.deepEqual(offline.externalFetches(html), []);
    const css = offline.inlineKatexCss();
    assert.ok(!/url\(fonts\//.test(css), 'every font is inlined');
    assert.match(css, /src:url\(data:font\/woff2;base64,/);
  });

  it('refuses an export not made with our template (it would still load MathJax from a CDN)', () => {
    assert.throws(() => offline.makeOffline(page('<script src="https://cdn/mathjax.js"></script>')), /lgpt-offline/);
  });

  // What nbconvert's lab template writes: a <head> titled "Notebook", markdown cells whose headings
  // carry a "¶" anchor link, and plotly's logo, an SVG with its own <title>, in an output.
  const exported = (heading: string): string => '<!DOCTYPE html><html><head><meta charset="utf-8"><title>Notebook</title>' +
    `${offline.PLACEHOLDER}</head><body><div class="jp-Cell-outputArea"><svg><title>plotly-logomark</title></svg></div>` +
    `<div class="jp-RenderedHTMLCommon jp-RenderedMarkdown jp-MarkdownOutput"><h1 id="x">${heading}` +
    '<a class="anchor-link" href="#x">¶</a></h1><p>text</p><h2 id="y">Second<a class="anchor-link" href="#y">¶</a></h2></div></body></html>';
  const headTitle = (html: string): string => {
    const m = /<head>[\s\S]*?<title>([\s\S]*?)<\/title>[\s\S]*?<\/head>/.exec(html);
    assert.ok(m, 'a <title> in <head>');
    return m[1];
  };

  it('titles each export with its chapter: the first heading, without its markup or anchor link', () => {
    const html = offline.makeOffline(exported('04 · Pretraining: a GPT learns <em>Moby Dick</em>'));
    assert.equal(headTitle(html), '04 · Pretraining: a GPT learns Moby Dick');
    assert.match(html, /<svg><title>plotly-logomark<\/title><\/svg>/, 'an SVG\'s own title is left alone');
    assert.equal(offline.chapterTitle(exported('Q &amp; A')), 'Q &amp; A', 'stays escaped for <title>');
    const untitled = offline.makeOffline(exported('').replace(/<h1[\s\S]*?<\/h1>/, '').replace(/<h2[\s\S]*?<\/h2>/, ''));
    assert.equal(headTitle(untitled), 'Notebook', 'no heading: nbconvert\'s title stays');
  });

  it('a real nbconvert export of a chapter (scripts/execute_notebook.py\'s template) gets the chapter\'s title', function () {
    this.timeout(60_000);
    const root = path.join(__dirname, '..');
    const python = path.join(root, '.venv', 'bin', 'python');
    if (!fs.existsSync(python) || spawnSync(python, ['-c', 'import nbconvert, nbclient'], { stdio: 'ignore' }).status !== 0) {
      this.skip(); // npm install puts nbconvert in .venv; without it npm start writes no HTML either
    }
    const nbFile = path.join(root, 'notebooks', '04-pretraining.ipynb');
    const nb = JSON.parse(fs.readFileSync(nbFile, 'utf8')) as { cells: { cell_type: string; source: string[] | string }[] };
    const first = nb.cells.find((c) => c.cell_type === 'markdown');
    assert.ok(first, 'the chapter has a markdown cell');
    const heading = /^#+\s+(.*)$/m.exec(Array.isArray(first.source) ? first.source.join('') : first.source);
    assert.ok(heading, 'its first markdown cell has a heading');
    const expected = heading[1].replace(/[*_`]/g, '').trim(); // "04 · Pretraining: a GPT learns Moby Dick"
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lgpt-title-'));
    try {
      const html = path.join(dir, '04-pretraining.html');
      const code = 'import sys, nbformat; sys.path.insert(0, sys.argv[1]); from execute_notebook import export_html; ' +
        'err = export_html(nbformat.read(sys.argv[2], as_version=4), sys.argv[3]); sys.exit(err or 0)';
      const r = spawnSync(python, ['-W', 'ignore', '-c', code, path.join(root, 'scripts'), nbFile, html], { encoding: 'utf8' });
      assert.equal(r.status, 0, r.stderr);
      assert.match(fs.readFileSync(html, 'utf8'), /<title>Notebook<\/title>/, 'nbconvert alone titles it "Notebook"');
      assert.deepEqual(offline.makeOfflineFile(html), []);
      assert.equal(headTitle(fs.readFileSync(html, 'utf8')), expected);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
