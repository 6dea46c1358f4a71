/**
 * Bar charts: a probability per token, a count per category.
 *
 *   lg.plotBar(['the', 'a', 'his'], [0.31, 0.12, 0.05], { title: 'next token', yTitle: 'probability' });
 */
import { type Figure, showPlot, type Trace } from './plotly';

/** Titles, labels and size of a bar chart (barFigure, plotBar, groupedBarFigure). All optional. */
export interface BarOptions {
  /** Title above the chart. */
  readonly title?: string;
  /** Label of the x axis (the bars). */
  readonly xTitle?: string;
  /** Label of the y axis (the values). */
  readonly yTitle?: string;
  /** Print each bar's value above it, with this many decimals (none when undefined). */
  readonly valueDigits?: number;
  /** Width in pixels (default: the figure's default width). */
  readonly width?: number;
  /** Height in pixels (default 380; 460 for groupedBarFigure). */
  readonly height?: number;
}

/** The spec of a bar chart: one bar per label, in the order given. */
export function barFigure(labels: readonly string[], values: readonly number[], options: BarOptions = {}): Figure {
  if (labels.length !== values.length) throw new RangeError(`barFigure: ${labels.length} labels but ${values.length} values`);
  return { data: [barTrace(labels, values, options)], layout: barLayout(options) };
}

/** One series of bars over `labels`, its values printed above the bars when options.valueDigits is set. */
function barTrace(labels: readonly string[], values: readonly number[], options: BarOptions, name?: string): Trace {
  const digits = options.valueDigits;
  return {
    type: 'bar', ...(name === undefined ? {} : { name }), x: [...labels], y: [...values],
    ...(digits === undefined ? {} : { text: values.map((v) => v.toFixed(digits)), textposition: 'outside' }),
  };
}

/** The layout every bar chart shares: titles, category x axis, size. */
function barLayout(options: BarOptions): Record<string, unknown> {
  return {
    title: { text: options.title ?? '' },
    // 'category' keeps labels that look like numbers ("1", "2") as names, in the order given.
    xaxis: { title: { text: options.xTitle ?? '' }, type: 'category', automargin: true },
    yaxis: { title: { text: options.yTitle ?? '' }, automargin: true },
    width: options.width,
    height: options.height ?? 380,
    margin: { t: 50, r: 20, b: 60, l: 60 },
  };
}

/**
 * Several series side by side over the same labels (one colour per series, a legend under the
 * plot): `series` maps a series' name to one value per label.
 */
export function groupedBarFigure(labels: readonly string[], series: readonly { readonly name: string; readonly values: readonly number[] }[], options: BarOptions = {}): Figure {
  for (const s of series) if (s.values.length !== labels.length) throw new RangeError(`groupedBarFigure: ${labels.length} labels but ${s.values.length} values in '${s.name}'`);
  const layout = barLayout(options);
  return {
    data: series.map((s) => barTrace(labels, s.values, options, s.name)),
    layout: {
      ...layout,
      barmode: 'group',
      yaxis: { ...(layout.yaxis as object), rangemode: 'tozero' },
      legend: { orientation: 'h', x: 0.5, xanchor: 'center', y: -0.25 },
      margin: { t: 60, r: 20, b: 120, l: 70 },
      height: options.height ?? 460,
    },
  };
}

/** Show a bar chart (see barFigure) and return its spec, e.g. for saveFigure. */
export function plotBar(labels: readonly string[], values: readonly number[], options: BarOptions = {}): Figure {
  const fig = barFigure(labels, values, options);
  showPlot(fig);
  return fig;
}
