// viz/: what can be checked without a browser or a kernel. Outputs are captured with
// setOutputSink, which stands in for the tslab kernel.
import { strict as assert } from 'assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import {
  attentionHeatmapFigure, fastOr, figureHtml, findChromium, grayGridPng, isFast, lineFigure, liveLinePlot,
  METRICS_MARKER, METRICS_MIME, pngSize, reportMetrics, saveFigure, setOutputSink, showPlot, showTable, tableHtml,
  tokenLabel, type MimeBundle,
} from '../src/viz';
import { canvasRefusal, panelCount } from '../src/viz/canvas-figure';
import type { Figure } from '../src/viz/plotly';
import { grayGridPixels } from '../src/viz/png';

interface Runner {
  METRICS_MIME: string;
  METRICS_MARKER: string;
  collectMetrics(nb: object): Record<string, unknown>;
  analyzeNotebook(nb: object, run: object): { status: string; metrics: object; failure?: { cell: number | null; source: string; error: string } };
}
// eslint-disable-next-line @typescript-eslint/no-require-imports
const runner = require('../scripts/run-notebooks.js') as Runner;

/** Capture what the helpers show, as display_data outputs of a notebook would hold them. */
function capture(fn: () => void): { bundle: MimeBundle; displayId?: string; update?: boolean }[] {
  const shown: { bundle: MimeBundle; displayId?: string; update?: boolean }[] = [];
  setOutputSink({ show: (bundle, displayId, update) => shown.push({ bundle, displayId, update }) });
  try {
    fn();
  } finally {
    setOutputSink(null);
  }
  return shown;
}

/** Capture console.log lines (the plain-Node path of the helpers). */
function captureLog(fn: () => void): string[] {
  const lines: string[] = [];
  const log = console.log;
  console.log = (...args: unknown[]) => void lines.push(args.join(' '));
  try {
    fn();
  } finally {
    console.log = log;
  }
  return lines;
}

/** Run `fn` with these environment variables set (undefined: removed), then restore them. */
function withEnv<R>(vars: Record<string, string | undefined>, fn: () => R): R {
  const saved = Object.fromEntries(Object.keys(vars).map((k) => [k, process.env[k]]));
  const put = (v: Record<string, string | undefined>) => {
    for (const [k, x] of Object.entries(v)) if (x === undefined) delete process.env[k]; else process.env[k] = x;
  };
  put(vars);
  try {
    return fn();
  } finally {
    put(saved);
  }
}

const codeCell = (source: string, outputs: object[]) => ({ cell_type: 'code', source, outputs, metadata: {} });

describe('viz', () => {
  describe('metrics protocol', () => {
    it('uses the same MIME type and marker as scripts/run-notebooks.js', () => {
      assert.equal(runner.METRICS_MIME, METRICS_MIME);
      assert.equal(runner.METRICS_MARKER, METRICS_MARKER);
    });

    it('round-trips through a notebook output into the runner, later values winning', () => {
      const shown = capture(() => {
        reportMetrics({ valLoss: 1.5, backend: 'wasm' });
        reportMetrics({ valLoss: 1.25 });
      });
      assert.equal(shown.length, 2);
      assert.ok(String(shown[0].bundle['text/plain']).includes('valLoss=1.500'));
      const outputs = shown.map((s) => ({ output_type: 'display_data', data: s.bundle, metadata: {} }));
      const nb = { cells: [codeCell('lg.reportMetrics(...)', outputs)] };
      assert.deepEqual(runner.collectMetrics(nb), { valLoss: 1.25, backend: 'wasm' });
    });

    it('prints a marker line outside a kernel, which the runner reads from stdout', () => {
      const lines = captureLog(() => reportMetrics({ accuracy: 0.973 }));
      assert.deepEqual(lines, [`${METRICS_MARKER} {"accuracy":0.973}`]);
      const nb = { cells: [codeCell('x', [{ output_type: 'stream', name: 'stdout', text: `hello\n${lines[0]}\n` }])] };
      assert.deepEqual(runner.collectMetrics(nb), { accuracy: 0.973 });
    });

    it('rejects values JSON cannot carry', () => {
      assert.throws(() => reportMetrics({ loss: Number.NaN }), /finite number/);
    });
  });

  describe('runner failure detection', () => {
    const ok = { status: 'ok', failed_cell: null };
    it('names the cell whose reply failed, with its first line and the type error', () => {
      const nb = { cells: [
        codeCell('const a = 1;', []),
        { cell_type: 'markdown', source: '# text', metadata: {} },
        codeCell('\nconst x: number = "s";\nx', [{ output_type: 'stream', name: 'stderr', text: "1:7 - Type 'string' is not assignable to type 'number'.\n" }]),
      ] };
      const r = runner.analyzeNotebook(nb, { status: 'error', failed_cell: 2 });
      assert.equal(r.status, 'failed');
      assert.deepEqual(r.failure, { cell: 2, source: 'const x: number = "s";', error: "1:7 - Type 'string' is not assignable to type 'number'." });
    });

    it('picks the exception line out of a stack trace on stderr, even when the reply said ok', () => {
      const stack = 'evalmachine.<anonymous>:3\n  throw e;\n  ^\n\nRangeError: bad range\n    at f (evalmachine.<anonymous>:3:9)\n';
      const r = runner.analyzeNotebook({ cells: [codeCell('f()', [{ output_type: 'stream', name: 'stderr', text: stack }])] }, ok);
      assert.equal(r.failure?.error, 'RangeError: bad range');
    });

    it('does not fail on warnings written to stderr', () => {
      const warn = 'Platform node has already been set. Overwriting the platform with node.\n';
      const r = runner.analyzeNotebook({ cells: [codeCell('x', [{ output_type: 'stream', name: 'stderr', text: warn }])] }, ok);
      assert.equal(r.status, 'ok');
    });
  });

  describe('fast mode', () => {
    it('reads LGPT_FAST', () => {
      assert.equal(isFast({ LGPT_FAST: '1' }), true);
      assert.equal(isFast({ LGPT_FAST: '0' }), false);
      assert.equal(isFast({}), false);
      const saved = process.env.LGPT_FAST;
      process.env.LGPT_FAST = '1';
      try {
        assert.equal(fastOr(10, 1000), 10);
      } finally {
        if (saved === undefined) delete process.env.LGPT_FAST;
        else process.env.LGPT_FAST = saved;
      }
    });
  });

  describe('attention heatmap', () => {
    const tokens = ['the', ' ', 'cat', ' ', 'the'];
    const w = tokens.map((_, i) => tokens.map((_, j) => (j <= i ? 1 / (i + 1) : 0)));

    it('puts positions on both axes and keeps repeated tokens as tick labels', () => {
      const fig = attentionHeatmapFigure(w, tokens, 'map');
      const trace = fig.data[0];
      assert.deepEqual(trace.x, [0, 1, 2, 3, 4]);
      assert.deepEqual(trace.y, [0, 1, 2, 3, 4]);
      assert.deepEqual(trace.z, w);
      const xaxis = fig.layout?.xaxis as { tickvals: number[]; ticktext: string[] };
      assert.deepEqual(xaxis.tickvals, [0, 1, 2, 3, 4]);
      assert.deepEqual(xaxis.ticktext, ['the', '␣', 'cat', '␣', 'the']);
      // Row 0 on top: the y range runs from the last row to the first.
      assert.deepEqual((fig.layout?.yaxis as { range: number[] }).range, [4.5, -0.5]);
    });

    it('refuses weights that do not match the tokens', () => {
      assert.throws(() => attentionHeatmapFigure([[1, 0]], ['a', 'b']), /1 rows of weights for 2 query tokens/);
      assert.throws(() => attentionHeatmapFigure([[1], [1]], ['a', 'b']), /row 0 has 1 weights for 2 key tokens/);
    });

    it('makes whitespace tokens visible', () => {
      assert.equal(tokenLabel(' \n'), '␣↵');
      assert.equal(tokenLabel(''), '∅');
    });
  });

  describe('plotly output', () => {
    it('escapes tokens that would close the script element', () => {
      const html = figureHtml(attentionHeatmapFigure([[1]], ['</script><b>']), 'fig-1');
      assert.equal(html.match(/<\/script>/g)?.length, 1);
      assert.ok(html.includes('id="fig-1"') && html.includes('Plotly.newPlot'));
    });

    it('loads plotly.js once per session, then one output per figure', () => {
      const shown = capture(() => {
        showPlot(lineFigure([1, 2, 3]));
        showPlot(lineFigure([3, 2, 1]));
      });
      // (a previous test may have loaded it already in this process: 2 or 3 outputs)
      const loaders = shown.filter((s) => String(s.bundle['text/html']).length > 1_000_000);
      assert.ok(loaders.length <= 1);
      assert.equal(shown.length - loaders.length, 2);
    });

    it('prints a one-line summary outside a kernel', () => {
      assert.deepEqual(captureLog(() => showPlot(lineFigure({ train: [1], val: [2] }, { title: 'loss' }))), ['[plotly figure "loss": scatter, scatter]']);
    });

    it('redraws a live plot at most once per interval, and always on flush', () => {
      let t = 0;
      const shown = capture(() => {
        const plot = liveLinePlot({ intervalMs: 1000, now: () => t });
        for (let step = 0; step < 10; step++, t += 250) plot.push('train', step, 10 - step);
        plot.flush();
      });
      const updates = shown.filter((s) => s.displayId !== undefined);
      assert.equal(updates.length, 4); // at t = 0, 1000, 2000, then flush
      assert.equal(new Set(updates.map((u) => u.displayId)).size, 1);
      assert.deepEqual(updates.map((u) => u.update), [false, true, true, true]);
    });
  });

  describe('PNG grids', () => {
    it('maps levels through the palette and enlarges pixels', () => {
      const { width, height, rgba } = grayGridPixels([[0, 1, 2, 3]], 2, 2, { palette: [0, 85, 170, 255], scale: 2 });
      assert.deepEqual([width, height], [4, 4]);
      const gray = (x: number, y: number) => rgba[(y * width + x) * 4];
      assert.deepEqual([gray(0, 0), gray(1, 1), gray(2, 0), gray(0, 2), gray(3, 3)], [0, 0, 85, 170, 255]);
    });

    it('encodes a PNG of the grid size, with gaps between images', () => {
      const png = grayGridPng([Array(28 * 28).fill(0), Array(28 * 28).fill(255), new Uint8Array(28 * 28)], 28, 28, { cols: 2, scale: 3, gap: 1 });
      assert.deepEqual(pngSize(png), { width: 2 * 29 * 3 - 3, height: 2 * 29 * 3 - 3 });
    });

    it('says which pixel is out of the palette', () => {
      assert.throws(() => grayGridPng([[0, 4]], 2, 1, { palette: [0, 255] }), /image 0 pixel \(1, 0\) has value 4/);
      assert.throws(() => grayGridPng([[0]], 2, 1), /image 0 has 1 pixels, expected 2×1/);
    });
  });

  describe('tables', () => {
    it('renders rows and danfojs DataFrames as escaped HTML', function () {
      this.timeout(60_000); // danfojs takes seconds to load
      const html = tableHtml([{ name: '<b>', acc: 0.97312 }, { name: 'x' }]);
      assert.ok(html.includes('<td style="text-align:left">&lt;b&gt;</td>'));
      assert.ok(html.includes('0.9731'));
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const dfd = require('danfojs') as typeof import('danfojs/dist/danfojs-browser/src/index');
      const shown = capture(() => showTable(new dfd.DataFrame([{ a: 1, b: 'y' }])));
      assert.ok(String(shown[0].bundle['text/html']).includes('<th>a</th><th>b</th>'));
    });
  });

  describe('saveFigure', () => {
    const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'lgpt-viz-'));
    after(() => fs.rmSync(tmp, { recursive: true, force: true }));

    it('draws with canvas when asked (the fallback without Chromium)', () => {
      const fig = attentionHeatmapFigure([[1, 0], [0.5, 0.5]], ['a', 'b']);
      const saved = saveFigure(fig, path.join(tmp, 'map.png'), { renderer: 'canvas' });
      assert.equal(saved.renderer, 'canvas');
      assert.deepEqual(pngSize(fs.readFileSync(saved.path)), { width: fig.layout?.width, height: fig.layout?.height });
      const svg = saveFigure(lineFigure([1, 3, 2]), path.join(tmp, 'line.svg'), { renderer: 'canvas' });
      assert.ok(fs.readFileSync(svg.path, 'utf8').includes('<svg'));
    });

    it('refuses to draw a many-panel figure with canvas, and leaves the file as it was', () => {
      const panel = (k: number) => ({ type: 'heatmap', z: [[1, 0], [0, 1]], xaxis: k === 1 ? 'x' : `x${k}`, yaxis: k === 1 ? 'y' : `y${k}` });
      const three: Figure = { data: [panel(1), panel(2), panel(3), { type: 'scatter', x: [0], y: [0], xaxis: 'x2', yaxis: 'y2' }] };
      assert.equal(panelCount(three), 3);
      assert.equal(panelCount(lineFigure([1, 2])), 1);
      assert.equal(canvasRefusal(lineFigure([1, 2])), null);
      const file = path.join(tmp, 'panels.png');
      fs.writeFileSync(file, 'previous');
      assert.throws(() => saveFigure(three, file, { renderer: 'canvas' }), /3 panels/);
      assert.equal(fs.readFileSync(file, 'utf8'), 'previous');
      // 'auto' without Chromium: nothing written, renderer 'none'.
      const saved = withEnv({ PATH: '', LGPT_CHROMIUM: undefined, CHROME_PATH: undefined }, () => saveFigure(three, file));
      assert.deepEqual([saved.renderer, saved.bytes], ['none', 0]);
      assert.equal(fs.readFileSync(file, 'utf8'), 'previous');
      // One panel still falls back to canvas.
      const one = withEnv({ PATH: '', LGPT_CHROMIUM: undefined, CHROME_PATH: undefined }, () => saveFigure({ data: [panel(1)] }, path.join(tmp, 'one.png')));
      assert.equal(one.renderer, 'canvas');
    });

    it('draws with plotly.js in headless Chromium when installed', function () {
      if (findChromium() === null) this.skip();
      this.timeout(60_000);
      const saved = saveFigure(lineFigure([1, 3, 2], { width: 400, height: 300 }), path.join(tmp, 'line.png'), { renderer: 'chromium' });
      assert.deepEqual(pngSize(fs.readFileSync(saved.path)), { width: 400, height: 300 });
    });
  });
});
