/**
 * Line charts: loss curves, learning-rate schedules, anything indexed by step.
 *
 *   lg.plotLine({ train: trainLosses, val: valLosses }, { title: 'loss', yTitle: 'nats/token' });
 *
 *   const curve = lg.liveLinePlot({ title: 'pretraining loss', logY: true });
 *   for (...) { curve.push('train', step, loss); }   // redraws at most every intervalMs
 *   curve.flush();                                      // the final state, always drawn
 *
 * The live plot replaces one display in place (tslab's update_display_data), so a long training
 * cell shows one growing chart instead of hundreds. Redraws are throttled because each one resends
 * the whole series to the browser.
 */
import { liveOutput, richOutput } from './display';
import { ensurePlotly, figureBundle, showPlot, type Figure } from './plotly';

/** y values (x = 0, 1, 2, ...) or explicit points. */
export type SeriesData = readonly number[] | { readonly x: readonly number[]; readonly y: readonly number[] };

/** Titles, scale and size of a line chart. */
export interface LineOptions {
  /** Title above the chart. */
  readonly title?: string;
  /** Label of the x axis (e.g. 'step'). */
  readonly xTitle?: string;
  /** Label of the y axis (e.g. 'loss (nats/token)'). */
  readonly yTitle?: string;
  /** Log-scale y axis: loss curves span orders of magnitude early on. */
  readonly logY?: boolean;
  /** Width in pixels (default 720). */
  readonly width?: number;
  /** Height in pixels (default 420). */
  readonly height?: number;
}

function points(data: SeriesData): { x: number[]; y: number[] } {
  if (Array.isArray(data)) return { x: data.map((_, i) => i), y: [...(data as readonly number[])] };
  const { x, y } = data as { x: readonly number[]; y: readonly number[] };
  if (x.length !== y.length) throw new RangeError(`lineFigure: x has ${x.length} values but y has ${y.length}`);
  return { x: [...x], y: [...y] };
}

/** A series of points, not a record of series (whose values would be arrays or objects, not numbers). */
function isSeries(v: unknown): v is SeriesData {
  if (Array.isArray(v)) return true;
  const o = v as { x?: unknown; y?: unknown };
  return Array.isArray(o.x) && Array.isArray(o.y) && (o.x.length === 0 || typeof o.x[0] === 'number');
}

/**
 * The plotly spec of a line chart, one trace per named series: `{ train: [...], val: {x, y} }`
 * (a bare array or `{x, y}` is one unnamed series; an array's x values are 0, 1, 2, …). Shows
 * nothing: pass it to showPlot or saveFigure. Throws a RangeError when a series' x and y differ
 * in length.
 */
export function lineFigure(series: SeriesData | Readonly<Record<string, SeriesData>>, options: LineOptions = {}): Figure {
  const named: [string, SeriesData][] = isSeries(series) ? [['', series]] : Object.entries(series);
  return {
    data: named.map(([name, s]) => ({ type: 'scatter', mode: 'lines', name, ...points(s) })),
    layout: {
      title: { text: options.title ?? '' },
      xaxis: { title: { text: options.xTitle ?? 'step' } },
      yaxis: { title: { text: options.yTitle ?? '' }, type: options.logY ? 'log' : 'linear' },
      showlegend: named.length > 1,
      width: options.width,
      height: options.height ?? 380,
      margin: { t: 50, r: 20, b: 50, l: 60 },
    },
  };
}

/** Show a line chart now (lineFigure's spec, through showPlot) and return its spec, e.g. for saveFigure. */
export function plotLine(series: SeriesData | Readonly<Record<string, SeriesData>>, options: LineOptions = {}): Figure {
  const fig = lineFigure(series, options);
  showPlot(fig);
  return fig;
}

/** A line chart that grows while a cell runs (liveLinePlot). */
export interface LivePlot {
  /** Add a point to a series (created on first use) and redraw if the last redraw is old enough. */
  push(series: string, x: number, y: number): void;
  /** Redraw now, whatever the throttle says; call it after the loop. */
  flush(): void;
  /** The current spec (for saveFigure after training). */
  figure(): Figure;
}

/** LineOptions plus how often the live chart redraws. All optional. */
export interface LivePlotOptions extends LineOptions {
  /** Minimum milliseconds between redraws (default 1000). */
  readonly intervalMs?: number;
  /** Clock, for tests. */
  readonly now?: () => number;
}

/**
 * A line chart that grows while a cell runs. Outside a notebook it draws nothing while pushing
 * and prints one summary line on flush, so training scripts stay quiet.
 */
export function liveLinePlot(options: LivePlotOptions = {}): LivePlot {
  const { intervalMs = 1000, now = Date.now, ...lineOptions } = options;
  const series = new Map<string, { x: number[]; y: number[] }>();
  const output = liveOutput();
  let lastDraw = -Infinity;
  let dirty = false;

  const figure = (): Figure => lineFigure(Object.fromEntries(series), lineOptions);
  const draw = (): void => {
    if (richOutput()) {
      ensurePlotly();
      output.update(figureBundle(figure()));
    }
    lastDraw = now();
    dirty = false;
  };

  return {
    push(name, x, y) {
      let s = series.get(name);
      if (s === undefined) series.set(name, (s = { x: [], y: [] }));
      s.x.push(x);
      s.y.push(y);
      dirty = true;
      if (now() - lastDraw >= intervalMs) draw();
    },
    flush() {
      if (dirty || lastDraw === -Infinity) draw();
      if (!richOutput()) {
        const last = [...series].map(([n, s]) => `${n || 'y'}=${s.y[s.y.length - 1]?.toPrecision(4) ?? '-'}`);
        console.log(`[${lineOptions.title ?? 'plot'}] ${last.join(', ')}`);
      }
    },
    figure,
  };
}
