// scripts/offline-html.js: the post-processing that makes `npm start`'s HTML exports work offline.
// (scripts/views-smoke.js opens real exports in Chromium with the network blocked.)
import { strict as assert } from 'assert';

interface OfflineHtml {
  PLACEHOLDER: string;
  externalFetches(html: string): string[];
  makeOffline(html: string): string;
  inlineKatexCss(): string;
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
});
