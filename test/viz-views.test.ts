// viz/ interactive views: the HTML builders (well-formed, data embedded, token text escaped), the
// page's sampling arithmetic against src/generate/sampling.ts, and the model readers they take
// data from. What the views do in a browser is checked by scripts/views-smoke.js (Chromium).
import { strict as assert } from 'assert';
import * as vm from 'vm';
import * as tf from '@tensorflow/tfjs';
import { Rng } from '../src/engine/random';
import { samplingProbabilities } from '../src/generate/sampling';
import { imageLayout, labelToken, meanOverHeads, pixelAttention, pixelAttentionMaps } from '../src/image';
import { attentionMaps, GPT, logitsAt, makeConfig } from '../src/model';
import {
  attentionHeadViewHtml, attentionModelViewHtml, nextTokenViewHtml, pixelAttentionViewHtml, SAMPLING_PROBABILITIES_JS,
  setOutputSink, showAttentionHeadView, topByLogit, type MimeBundle,
} from '../src/viz';
import { packRows } from '../src/viz/pixel-attention-view';

const VOID = new Set(['br', 'hr', 'img', 'input', 'meta', 'link', 'source', 'wbr', 'col', 'area', 'base', 'embed', 'param', 'track']);

/**
 * Checks that every element outside <script>/<style> is closed in order, and returns the HTML with
 * the contents of those two elements removed (where token text must never appear unescaped).
 */
function checkWellFormed(html: string): string {
  const stack: string[] = [];
  const outside: string[] = [];
  const re = /<(\/?)([a-zA-Z][\w-]*)((?:\s+[\w:-]+(?:="[^"]*")?)*)\s*(\/?)>|<|>/g;
  let last = 0;
  let m: RegExpExecArray | null;
  while ((m = re.exec(html)) !== null) {
    outside.push(html.slice(last, m.index));
    if (m[2] === undefined) assert.fail(`a bare '${m[0]}' at ${m.index}: ${html.slice(Math.max(0, m.index - 40), m.index + 40)}`);
    const [, close, name, , selfClose] = m;
    const tag = name.toLowerCase();
    outside.push(m[0]);
    if (close) {
      assert.equal(stack.pop(), tag, `</${tag}> closes the wrong element`);
    } else if (!VOID.has(tag) && !selfClose) {
      if (tag === 'script' || tag === 'style') {
        const end = html.indexOf(`</${tag}>`, re.lastIndex);
        assert.ok(end >= 0, `<${tag}> is never closed`);
        re.lastIndex = end + `</${tag}>`.length;
        outside.push(`</${tag}>`);
        last = re.lastIndex;
        continue;
      }
      stack.push(tag);
    }
    last = re.lastIndex;
  }
  outside.push(html.slice(last));
  assert.deepEqual(stack, [], 'elements left open');
  return outside.join('');
}

/** The JSON the view's script receives (`var data = …;`). */
function embeddedData(html: string): Record<string, unknown> {
  const m = /^\s*var data = (.*);$/m.exec(html);
  assert.ok(m, 'no data line in the script');
  return JSON.parse(m[1]);
}

/** The view function's source in a sandbox, to check it at least parses. */
function scriptParses(html: string): void {
  const m = /<script type="text\/javascript">([\s\S]*?)<\/script>/.exec(html);
  assert.ok(m, 'no script');
  assert.doesNotThrow(() => new vm.Script(m[1]), 'the view script does not parse');
  assert.ok(!m[1].includes('</script'), 'the script contains </script');
}

const NASTY = ['<b>', ' "quoted"', "it's", '\n', '&amp;', '</script><script>alert(1)</script>'];

/** Causal uniform maps: [L][H][T][T]. */
function uniformMaps(L: number, H: number, T: number): number[][][][] {
  return Array.from({ length: L }, () => Array.from({ length: H }, () =>
    Array.from({ length: T }, (_, i) => Array.from({ length: T }, (_, j) => (j <= i ? 1 / (i + 1) : 0)))));
}

describe('viz: interactive views (HTML builders)', () => {
  it('head view: root hook, one element per token per column, selectors, data embedded, tokens escaped', () => {
    const maps = uniformMaps(2, 3, NASTY.length);
    const html = attentionHeadViewHtml(maps, NASTY, { layer: 1, head: 'mean', title: 'a <title>' });
    const outside = checkWellFormed(html);
    assert.match(html, /^<div id="lgpt-attention-head-[0-9a-f]+" class="lgpt-view" data-lgpt-view="attention-head">/);
    assert.equal((outside.match(/data-token-index="\d+"/g) ?? []).length, 2 * NASTY.length);
    assert.equal((outside.match(/data-side="query"/g) ?? []).length, NASTY.length);
    assert.ok(!outside.includes('<b>') && !outside.includes('alert(1)</script>'), 'token text appears unescaped');
    assert.ok(outside.includes('&lt;b&gt;') && outside.includes('a &lt;title&gt;'));
    assert.ok(outside.includes('it&#39;s') && outside.includes('&quot;quoted&quot;'));
    assert.ok(outside.includes('↵'), 'a newline token is shown as ↵');
    assert.match(outside, /<option value="1" selected>1<\/option>/);
    assert.match(outside, /<option value="mean" selected>mean of heads<\/option>/);
    const data = embeddedData(html);
    assert.deepEqual(data.tokens, NASTY);
    assert.deepEqual(data.attention, maps.map((l) => l.map((h) => h.map((r) => r.map((w) => Number(w.toPrecision(4)))))));
    scriptParses(html);
  });

  it('head view: refuses maps that do not match the tokens, and a layer or head that does not exist', () => {
    assert.throws(() => attentionHeadViewHtml(uniformMaps(1, 1, 3), ['a', 'b']), /not 2 × 2/);
    assert.throws(() => attentionHeadViewHtml(uniformMaps(2, 2, 2), ['a', 'b'], { layer: 2 }), /layer 2/);
    assert.throws(() => attentionHeadViewHtml(uniformMaps(2, 2, 2), ['a', 'b'], { head: 5 }), /head 5/);
    assert.throws(() => attentionHeadViewHtml(uniformMaps(2, 2, 2), ['a', 'b'], { focusQuery: 2 }), /focusQuery 2/);
    assert.equal(embeddedData(attentionHeadViewHtml(uniformMaps(1, 1, 2), ['a', 'b'], { focusQuery: 1 })).focusQuery, 1);
    assert.equal(embeddedData(attentionHeadViewHtml(uniformMaps(1, 1, 2), ['a', 'b'])).focusQuery, null);
  });

  it('model view: a canvas per layer × head, a token strip, the open map in the data', () => {
    const maps = uniformMaps(3, 2, 4);
    const tokens = ['<', '"', '\n', "'"];
    const html = attentionModelViewHtml(maps, tokens, { open: { layer: 2, head: 1 } });
    const outside = checkWellFormed(html);
    assert.match(html, /data-lgpt-view="attention-model"/);
    assert.equal((outside.match(/<canvas class="lgpt-small"/g) ?? []).length, 6);
    assert.match(outside, /data-layer="2" data-head="1"/);
    assert.equal((outside.match(/data-token-index=/g) ?? []).length, 4);
    assert.ok(outside.includes('>&lt;<') && outside.includes('>&quot;<') && outside.includes('>&#39;<'));
    const data = embeddedData(html);
    assert.deepEqual(data.open, { layer: 2, head: 1 });
    assert.deepEqual(data.tokens, tokens);
    assert.throws(() => attentionModelViewHtml(maps, tokens, { open: { layer: 3, head: 0 } }), /no layer 3/);
    scriptParses(html);
  });

  it('next-token view: sliders, prompt tokens, full logits and the top candidates embedded', () => {
    const V = 30;
    const rng = new Rng(4);
    const logits = Array.from({ length: V }, () => rng.normal() * 3);
    const tokens = ['<s>', ' a "b"', '\n'];
    const vocab = (id: number): string => (id === 7 ? '</script>' : `tok${id}`);
    const html = nextTokenViewHtml(tokens, [{ position: 2, logits }, { position: 1, logits: logits.map((x) => -x) }], vocab, { top: 5, temperature: 0.7 });
    const outside = checkWellFormed(html);
    assert.match(html, /data-lgpt-view="next-token"/);
    for (const c of ['temperature', 'top-k', 'top-p']) assert.match(outside, new RegExp(`<input type="range" data-lgpt-control="${c}"`));
    assert.match(outside, /data-lgpt-control="temperature" min="0" max="2" step="0.05" value="0.7"/);
    assert.equal((outside.match(/data-token-index=/g) ?? []).length, 3);
    assert.equal((outside.match(/lgpt-has-logits/g) ?? []).length, 2);
    assert.ok(outside.includes('&lt;s&gt;') && !outside.includes('<s>'));
    const data = embeddedData(html) as { positions: { position: number; logits: number[]; top: number[] }[]; vocab: Record<string, string> };
    assert.deepEqual(data.positions[0].logits, logits, 'the logits travel exactly');
    assert.deepEqual(data.positions[0].top, topByLogit(logits, 5));
    assert.deepEqual(data.positions[1].top, topByLogit(logits.map((x) => -x), 5));
    for (const id of data.positions[0].top) assert.equal(data.vocab[id], vocab(id));
    assert.ok(!html.includes('"</script>"'), 'a token text must not close the script');
    assert.throws(() => nextTokenViewHtml(tokens, [{ position: 3, logits }], vocab), /position 3/);
    scriptParses(html);
  });

  it('topByLogit orders by logit, ties by id, which is the probability order at any temperature', () => {
    assert.deepEqual(topByLogit([1, 3, 3, -1, 2], 4), [1, 2, 4, 0]);
  });

  it('pixel view: both grids with a cell per pixel, the image in gray, weights packed per row', () => {
    const w = 3, h = 2, n = 6;
    const grids = [Array.from({ length: n }, (_, q) => Array.from({ length: n }, (_, k) => (k < q ? (k + 1) / 10 : 0)))];
    const label = [Array.from({ length: n }, (_, q) => 1 - grids[0][q].reduce((a, b) => a + b, 0))];
    const html = pixelAttentionViewHtml({ width: w, height: h, pixels: [0, 1, 2, 3, 0, 1], palette: [0, 85, 170, 255] }, { label, grids }, { pixel: 4, title: '"seven"' });
    const outside = checkWellFormed(html);
    assert.match(html, /data-lgpt-view="pixel-attention"/);
    assert.equal((outside.match(/data-token-index=/g) ?? []).length, 2 * n);
    assert.match(outside, /data-token-index="3" style="background: rgb\(255,255,255\)"/);
    assert.ok(outside.includes('&quot;seven&quot;'));
    const data = embeddedData(html) as { pixel: number; layers: { bytes: string; rowMax: number[]; label: number[] }[] };
    assert.equal(data.pixel, 4);
    const bytes = Buffer.from(data.layers[0].bytes, 'base64');
    assert.equal(bytes.length, n * n);
    // Row 4 sees pixels 0…3 with weights 0.1…0.4: bytes relative to 0.4.
    assert.deepEqual([...bytes.subarray(4 * n, 5 * n)], [64, 128, 191, 255, 0, 0]);
    assert.equal(data.layers[0].rowMax[4], 0.4);
    assert.throws(() => pixelAttentionViewHtml({ width: w, height: h, pixels: [0], palette: [0] }, { label, grids }), /1 pixels/);
    scriptParses(html);
  });

  it('packRows: an all-zero row (the first pixel sees no pixel) packs to zeros with maximum 0', () => {
    const { bytes, rowMax } = packRows([[0, 0], [0.5, 0]]);
    assert.deepEqual([...Buffer.from(bytes, 'base64')], [0, 0, 255, 0]);
    assert.deepEqual(rowMax, [0, 0.5]);
  });

  it('show…View sends the HTML with a text summary', () => {
    const shown: MimeBundle[] = [];
    setOutputSink({ show: (b) => shown.push(b) });
    try {
      showAttentionHeadView(uniformMaps(1, 2, 2), ['a', 'b']);
    } finally {
      setOutputSink(null);
    }
    assert.equal(shown.length, 1);
    assert.match(String(shown[0]['text/html']), /data-lgpt-view="attention-head"/);
    assert.equal(shown[0]['text/plain'], '[attention head view: 1 layers × 2 heads, 2 tokens]');
  });
});

describe('viz: the next-token view computes what sampling computes', () => {
  const pageFn = vm.runInNewContext(`${SAMPLING_PROBABILITIES_JS}; lgptSamplingProbabilities`) as (l: number[], o: object) => Float64Array;
  const rng = new Rng(11);
  const cases: { temperature?: number; topK?: number; topP?: number }[] = [
    {}, { temperature: 0 }, { temperature: 0.05 }, { temperature: 0.7 }, { temperature: 2 }, { topK: 1 }, { topK: 5 }, { topK: 50 },
    { topP: 0.05 }, { topP: 0.5 }, { topP: 0.93 }, { temperature: 0.8, topK: 10, topP: 0.9 }, { temperature: 1.5, topK: 3, topP: 0.2 },
  ];
  for (const V of [7, 2048]) {
    const logits = Array.from({ length: V }, () => rng.normal() * 4);
    logits[3] = logits[5]; // a tie, to exercise the tie order
    for (const opts of cases) {
      it(`V = ${V}, ${JSON.stringify(opts)}: the page's probabilities equal samplingProbabilities exactly`, () => {
        const page = Array.from(pageFn(logits, opts));
        const lib = Array.from(samplingProbabilities(logits, opts));
        assert.deepEqual(page, lib);
      });
    }
  }
  it('also on float32 logits the way a model returns them', () => {
    const f32 = new Float32Array(Array.from({ length: 100 }, () => rng.normal() * 3));
    const opts = { temperature: 0.9, topP: 0.8 };
    assert.deepEqual(Array.from(pageFn(Array.from(f32), opts)), Array.from(samplingProbabilities(f32, opts)));
  });
});

describe('model readers for the views', () => {
  const cfg = makeConfig({ preset: 'pico', vocabSize: 20, blockSize: 12 });
  let model: GPT;
  before(() => { model = new GPT(cfg, { seed: 2 }); });
  after(() => model.dispose());

  it('attentionMaps: [layer][head][query][key], causal rows summing to 1, no tensors left behind', () => {
    const ids = [1, 4, 9, 2, 7];
    attentionMaps(model, ids); // the model keeps its causal mask for this length: make it before counting
    const before = tf.memory().numTensors;
    const maps = attentionMaps(model, ids);
    assert.equal(tf.memory().numTensors, before);
    assert.equal(maps.length, cfg.nLayer);
    assert.equal(maps[0].length, cfg.nHead);
    for (const layer of maps) for (const head of layer) head.forEach((row, i) => {
      assert.equal(row.length, ids.length);
      assert.ok(Math.abs(row.reduce((a, b) => a + b, 0) - 1) < 1e-5);
      row.forEach((w, j) => { if (j > i) assert.equal(w, 0); });
    });
    assert.throws(() => attentionMaps(model, new Array(13).fill(1)), /context of 12/);
  });

  it('logitsAt: the logits of the chosen positions, as the model computes them', () => {
    const ids = [3, 1, 4, 1, 5];
    const out = logitsAt(model, ids, [4, 0]);
    const all = tf.tidy(() => model.logits(model.forward(tf.tensor2d([ids], [1, 5], 'int32')).hidden).arraySync() as number[][][])[0];
    assert.deepEqual(out.map((o) => o.position), [4, 0]);
    assert.deepEqual(out[0].logits, all[4]);
    assert.deepEqual(out[1].logits, all[0]);
    assert.equal(out[0].logits.length, 20);
    assert.throws(() => logitsAt(model, ids, [5]), /position 5/);
  });

  it('pixelAttentionMaps: for every pixel what pixelAttention + meanOverHeads give for one', () => {
    const layout = imageLayout(3, 3, 4);
    const img = new GPT(makeConfig({ preset: 'pico', vocabSize: layout.vocabSize, blockSize: layout.blockSize }), { seed: 5 });
    try {
      const seq = [labelToken(layout, 7), 0, 1, 2, 3, 3, 2, 1, 0, 1];
      const all = pixelAttentionMaps(img, layout, seq);
      assert.equal(all.grids.length, img.config.nLayer);
      for (const pixel of [0, 4, 8]) {
        const one = pixelAttention(img, layout, seq, pixel);
        for (let l = 0; l < img.config.nLayer; l++) {
          const { grid, label } = meanOverHeads(one, l);
          grid.forEach((w, k) => assert.ok(Math.abs(w - all.grids[l][pixel][k]) < 1e-6, `layer ${l}, pixel ${pixel}, key ${k}`));
          assert.ok(Math.abs(label - all.label[l][pixel]) < 1e-6);
        }
      }
    } finally {
      img.dispose();
    }
  });
});
