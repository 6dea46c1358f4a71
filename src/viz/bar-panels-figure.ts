/**
 * Grouped bars in side-by-side panels, one panel per metric: chapter 05 compares its models on two
 * tasks by accuracy and by spam F1. Each group (a task) has one colour and one legend entry across
 * the panels; each bar is labelled with its value.
 */
import type { Figure, Trace } from './plotly';

const COLORWAY = ['#1f77b4', '#ff7f0e', '#2ca02c', '#d62728', '#9467bd', '#8c564b'];

export interface BarPanel {
  /** The row field drawn in this panel. */
  readonly key: string;
  /** Its y axis title. */
  readonly title: string;
}

export interface BarPanelsOptions {
  /** The row field on the x axis: one bar position per value. */
  readonly category: string;
  /** The values of `category`, in the order the x axis shows them. */
  readonly categories: readonly string[];
  /** The row field that makes the groups: one colour and one legend entry each. */
  readonly group: string;
  /** The values of `group`, in legend order. */
  readonly groups: readonly string[];
  /** One panel per entry, left to right: which row field it draws, and its y axis title. */
  readonly panels: readonly BarPanel[];
  /** Title above the panels (none by default). */
  readonly title?: string;
  /** y range of every panel (default [0, 1.08]: shares with room for the labels). */
  readonly range?: readonly [number, number];
  /** Width in CSS pixels (default 550 per panel). */
  readonly width?: number;
  /** Height in CSS pixels (default 480). */
  readonly height?: number;
}

/** `rows` (one per group and category) as one panel of grouped bars per entry of `panels`. */
export function barPanelsFigure<R extends object>(rowsIn: readonly R[], opts: BarPanelsOptions): Figure {
  const rows = rowsIn as readonly Readonly<Record<string, unknown>>[];
  const n = opts.panels.length;
  const gap = 0.06;
  const data: Trace[] = [];
  const layout: Record<string, unknown> = {};
  opts.panels.forEach((panel, k) => {
    const ax = k === 0 ? '' : String(k + 1);
    opts.groups.forEach((g, gi) => {
      const mine = rows.filter((r) => r[opts.group] === g);
      data.push({
        type: 'bar', name: g, legendgroup: g, showlegend: k === 0, marker: { color: COLORWAY[gi % COLORWAY.length] },
        x: mine.map((r) => r[opts.category]), y: mine.map((r) => Number(r[panel.key])),
        text: mine.map((r) => Number(r[panel.key]).toFixed(3)), textposition: 'outside', xaxis: `x${ax}`, yaxis: `y${ax}`,
      });
    });
    layout[`xaxis${ax}`] = {
      domain: [k / n + (k > 0 ? gap / 2 : 0), (k + 1) / n - (k < n - 1 ? gap / 2 : 0)], anchor: `y${ax}`,
      categoryorder: 'array', categoryarray: opts.categories, tickangle: -25,
    };
    layout[`yaxis${ax}`] = { title: { text: panel.title }, range: opts.range ?? [0, 1.08], anchor: `x${ax}` };
  });
  return {
    data,
    layout: {
      ...(opts.title !== undefined ? { title: { text: opts.title } } : {}), barmode: 'group',
      width: opts.width ?? 550 * n, height: opts.height ?? 480, margin: { t: 70, r: 20, b: 130, l: 60 },
      legend: { orientation: 'h', x: 0.5, xanchor: 'center', y: 1.08 }, ...layout,
    },
  };
}
