/**
 * A grid of attention maps, one panel per (row, head), with one query row outlined in red in each:
 * chapter 05 draws the last layer of the classifier for a spam and a ham subject, the `<e>` row
 * outlined. The layout (domains, shared colour scale, escaped tick labels) lives here so the
 * chapter's cell shows which maps are drawn, not the plotly bookkeeping.
 */
import { tokenLabel } from './heatmap';
import type { Figure, Trace } from './plotly';

/** One attention map in attentionGridFigure's grid. */
export interface AttentionPanel {
  /** Attention weights, (L queries, L keys); rows sum to 1. */
  readonly weights: readonly (readonly number[])[];
  /** The L tokens, as text (drawn with tokenLabel). */
  readonly tokens: readonly string[];
  /** The title over this panel. */
  readonly title: string;
}

/** How attentionGridFigure lays out its grid. All optional. */
export interface AttentionGridOptions {
  /** Title over the whole figure. */
  readonly title?: string;
  /** Size of one panel in CSS pixels (default 240). */
  readonly cellPx?: number;
  /** The query row outlined in every panel (default: the last one). */
  readonly outlineRow?: (panel: AttentionPanel) => number;
}

/** Plotly reads tick text as HTML-like markup, where <s> means strike-through: escape it. */
const escapeTick = (s: string): string => s.replace(/</g, '&lt;').replace(/>/g, '&gt;');

/** `panels[r][c]` drawn at grid row r, column c, on one 0–1 colour scale. */
export function attentionGridFigure(panels: readonly (readonly AttentionPanel[])[], opts: AttentionGridOptions = {}): Figure {
  const rows = panels.length;
  const cols = panels[0]?.length ?? 0;
  const cellPx = opts.cellPx ?? 240;
  const gap = 0.06;
  const data: Trace[] = [];
  const annotations: object[] = [];
  const shapes: object[] = [];
  const layout: Record<string, unknown> = {};
  panels.forEach((row, r) => row.forEach((p, c) => {
    const k = r * cols + c + 1;
    const ax = k === 1 ? '' : String(k);
    const L = p.tokens.length;
    const x0 = c / cols + gap / 2, x1 = (c + 1) / cols - gap / 2, y1 = 1 - r / rows - gap, y0 = 1 - (r + 1) / rows + gap;
    data.push({ type: 'heatmap', z: p.weights, xaxis: `x${ax}`, yaxis: `y${ax}`, zmin: 0, zmax: 1, colorscale: 'Viridis', showscale: k === 1 });
    const labels = p.tokens.map((t) => escapeTick(tokenLabel(t)));
    const idx = labels.map((_, i) => i);
    layout[`xaxis${ax}`] = { domain: [x0, x1], anchor: `y${ax}`, tickvals: idx, ticktext: labels, tickangle: -60, tickfont: { size: 9 } };
    layout[`yaxis${ax}`] = {
      domain: [y0, y1], anchor: `x${ax}`, tickvals: idx, ticktext: c === 0 ? labels : idx.map(() => ''), tickfont: { size: 9 },
      range: [L - 0.5, -0.5],
    };
    const q = opts.outlineRow?.(p) ?? L - 1;
    shapes.push({ type: 'rect', xref: `x${ax}`, yref: `y${ax}`, x0: -0.5, x1: L - 0.5, y0: q - 0.5, y1: q + 0.5, line: { color: 'red', width: 2 } });
    annotations.push({
      text: p.title, xref: 'paper', yref: 'paper', x: (x0 + x1) / 2, y: y1 + 0.01, xanchor: 'center', yanchor: 'bottom',
      showarrow: false, font: { size: 11 },
    });
  }));
  return {
    data,
    layout: {
      ...layout, shapes, annotations, width: cols * cellPx + 120, height: rows * (cellPx + 70) + 60,
      margin: { t: 50, r: 60, b: 40, l: 90 }, ...(opts.title !== undefined ? { title: { text: opts.title } } : {}),
    },
  };
}
