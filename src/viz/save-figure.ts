/**
 * Static copies of figures for the README: `saveFigure(spec, 'figures/loss.png')`.
 *
 * plotly.js needs a browser, so the spec is drawn by the real plotly.js in headless Chromium
 * (Debian's `chromium` package) and screenshotted. Without Chromium the figure is drawn by a small
 * canvas renderer (canvas-figure.ts) instead: plainer, but `figures/` can always be regenerated.
 * The result says which renderer ran, so a notebook can print it. A figure of several panels is
 * never drawn by canvas (it would show its first panel only): asked for canvas, saveFigure throws;
 * in 'auto' mode without a working Chromium it leaves the file as it was and says 'none'.
 *
 * Relative paths are taken from the project root (the nearest folder above the working directory
 * with a package.json), because a notebook's kernel runs in notebooks/ but figures/ is at the top.
 */
import * as cp from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { writeFileAtomic } from '../checkpoint/atomic';
import { canvasRefusal, renderFigureCanvas } from './canvas-figure';
import { figureSize, plotlyScriptTag, scriptJson, type Figure } from './plotly';

export type Renderer = 'chromium' | 'canvas';

/** How saveFigure draws. All optional. */
export interface SaveOptions {
  /** 'auto' (default): Chromium when found, else canvas. */
  readonly renderer?: Renderer | 'auto';
  /** Device pixels per CSS pixel for PNG (default 1; 2 for sharp README images). */
  readonly scale?: number;
}

/** What saveFigure did. */
export interface SavedFigure {
  /** The file written (absolute), or that would have been with renderer 'none'. */
  readonly path: string;
  /** Who drew it; 'none': nothing was written (a many-panel figure and no working Chromium). */
  readonly renderer: Renderer | 'none';
  /** Bytes written (0 with renderer 'none'). */
  readonly bytes: number;
}

/** The Chromium executable: $LGPT_CHROMIUM, $CHROME_PATH, else the usual names on PATH; or null. */
export function findChromium(env: NodeJS.ProcessEnv = process.env): string | null {
  for (const given of [env.LGPT_CHROMIUM, env.CHROME_PATH]) if (given && fs.existsSync(given)) return given;
  const dirs = (env.PATH ?? '').split(path.delimiter).filter(Boolean);
  for (const name of ['chromium', 'chromium-browser', 'google-chrome', 'google-chrome-stable']) {
    for (const dir of dirs) {
      const file = path.join(dir, name);
      if (fs.existsSync(file)) return file;
    }
  }
  return null;
}

/** The nearest folder at or above `from` that holds a package.json. */
export function projectRoot(from = process.cwd()): string {
  for (let dir = path.resolve(from); ; dir = path.dirname(dir)) {
    if (fs.existsSync(path.join(dir, 'package.json'))) return dir;
    if (path.dirname(dir) === dir) return path.resolve(from);
  }
}

/** A standalone page that draws `fig` at its own size; with `svgInto`, also writes its SVG there. */
export function figurePage(fig: Figure, svgInto?: string): string {
  const { width, height } = figureSize(fig);
  const layout = { ...fig.layout, width, height };
  const draw = `Plotly.newPlot('fig', ${scriptJson(fig.data)}, ${scriptJson(layout)}, {staticPlot: true})`;
  const then = svgInto
    ? `.then(gd => Plotly.toImage(gd, {format: 'svg', width: ${width}, height: ${height}}))` +
      `.then(url => { document.getElementById('${svgInto}').textContent = decodeURIComponent(url.slice(url.indexOf(',') + 1)); })`
    : '';
  return `<!doctype html><html><head><meta charset="utf-8"><style>html,body{margin:0;background:#fff;overflow:hidden}</style></head>
<body><div id="fig" style="width:${width}px;height:${height}px"></div>${svgInto ? `<textarea id="${svgInto}"></textarea>` : ''}
${plotlyScriptTag()}
<script>${draw}${then};</script></body></html>`;
}

function decodeEntities(s: string): string {
  return s.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&amp;/g, '&');
}

/** Render with headless Chromium; throws with Chromium's last stderr line when it fails. */
function renderWithChromium(chromium: string, fig: Figure, format: 'png' | 'svg', scale: number): Buffer {
  const { width, height } = figureSize(fig);
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'lgpt-fig-'));
  try {
    const page = path.join(tmp, 'figure.html');
    const shot = path.join(tmp, 'figure.png');
    fs.writeFileSync(page, figurePage(fig, format === 'svg' ? 'svg-out' : undefined));
    const args = [
      '--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--hide-scrollbars',
      // Its own profile: a Chromium the user has open must not be disturbed (or reused).
      `--user-data-dir=${path.join(tmp, 'profile')}`,
      `--window-size=${width},${height}`, `--force-device-scale-factor=${scale}`,
      // Lets plotly's promise chain (SVG export) finish before the page is captured.
      '--virtual-time-budget=5000',
      ...(format === 'png' ? [`--screenshot=${shot}`] : ['--dump-dom']),
      `file://${page}`,
    ];
    const r = cp.spawnSync(chromium, args, { encoding: 'utf8', timeout: 60_000, maxBuffer: 64 * 1024 * 1024 });
    const why = (r.error?.message ?? r.stderr.trim().split('\n').pop()) || `exit code ${r.status}`;
    if (format === 'png') {
      if (!fs.existsSync(shot)) throw new Error(`chromium wrote no screenshot: ${why}`);
      return fs.readFileSync(shot);
    }
    const m = /<textarea id="svg-out">([\s\S]*?)<\/textarea>/.exec(r.stdout ?? '');
    const svg = decodeEntities(m?.[1] ?? '');
    if (!svg.startsWith('<svg')) throw new Error(`chromium returned no SVG: ${why}`);
    return Buffer.from(svg);
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}

/**
 * Write `fig` to `file` (.png or .svg), creating its folder. Returns where, how, and the size.
 * With renderer 'auto' a Chromium failure falls back to the canvas drawing (and says so on stderr).
 */
export function saveFigure(fig: Figure, file: string, options: SaveOptions = {}): SavedFigure {
  const ext = path.extname(file).toLowerCase();
  if (ext !== '.png' && ext !== '.svg') throw new Error(`saveFigure: '${file}' must end in .png or .svg`);
  const format = ext === '.svg' ? 'svg' : 'png';
  const out = path.resolve(projectRoot(), file);
  const want = options.renderer ?? 'auto';
  const chromium = want === 'canvas' ? null : findChromium();
  if (want === 'chromium' && chromium === null) throw new Error('saveFigure: no Chromium found (apt install chromium, or set LGPT_CHROMIUM)');

  let data: Buffer | null = null;
  let renderer: Renderer = 'canvas';
  if (chromium !== null) {
    try {
      data = renderWithChromium(chromium, fig, format, options.scale ?? 1);
      renderer = 'chromium';
    } catch (e) {
      if (want === 'chromium') throw e;
      console.error(`saveFigure: ${e instanceof Error ? e.message : e}; drawing with canvas instead`);
    }
  }
  if (data === null) {
    const refusal = canvasRefusal(fig);
    if (refusal !== null) {
      const why = `saveFigure: ${file} not drawn with canvas: ${refusal}`;
      if (want === 'canvas') throw new Error(why);
      console.error(`${why}; the previous file is kept (install Chromium to draw it)`);
      return { path: out, renderer: 'none', bytes: 0 };
    }
    data = renderFigureCanvas(fig, format);
  }
  fs.mkdirSync(path.dirname(out), { recursive: true });
  writeFileAtomic(out, data); // whole or not at all: a full disk keeps the previous figure
  return { path: out, renderer, bytes: data.length };
}
