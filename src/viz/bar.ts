/**
 * Bar charts: a probability per token, a count per category.
 *
 *   lg.plotBar(['the', 'a', 'his'], [0.31, 0.12, 0.05], { title: 'next token', yTitle: 'probability' });
 */
import { type Figure, showPlot } from './plotly';

export interface BarOptions {
  readonly title?: string;
  readonly xTitle?: string;
  readonly yTitle?: string;
  /** Print each bar's value above it, with this many decimals (none when undefined). */
  readonly valueDigits?: number;
  readonly width?: number;
  readonly height?: number;
}

/** The spec of a bar chart: one bar per label, in the order given. */
export function barFigure(labels: readonly string[], values: readonly number[], options: BarOptions = {}): Figure {
  if (labels.length !== values.length) throw new RangeError(`barFigure: ${labels.length} labels but ${values.length} values`);
  const digits = options.valueDigits;
  return {
    data: [{
      type: 'bar', x: [...labels], y: [...values],
      ...(digits === undefined ? {} : { text: values.map((v) => v.toFixed(digits)), textposition: 'outside' }),
    }],
    layout: {
      title: { text: options.title ?? '' },
      // 'category' keeps labels that look like numbers ("1", "2") as names, in the order given.
      xaxis: { title: { text: options.xTitle ?? '' }, type: 'category', automargin: true },
      yaxis: { title: { text: options.yTitle ?? '' }, automargin: true },
      width: options.width,
      height: options.height ?? 380,
      margin: { t: 50, r: 20, b: 60, l: 60 },
    },
  };
}

/** Show a bar chart (see barFigure) and return its spec, e.g. for saveFigure. */
export function plotBar(labels: readonly string[], values: readonly number[], options: BarOptions = {}): Figure {
  const fig = barFigure(labels, values, options);
  showPlot(fig);
  return fig;
}
