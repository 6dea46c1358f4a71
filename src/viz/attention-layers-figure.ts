/**
 * Every head of every layer in one figure: a grid of heatmaps, layers down and heads across, on
 * one 0–1 colour scale, token labels on the outer axes only. Chapter 04 draws the shipped LM's
 * attention on a held-out sentence with it; the plotly bookkeeping (one axis pair per panel, their
 * domains, the row and column labels) lives here so the cell shows what is drawn.
 */
import { tokenLabel } from './heatmap';
import type { Figure, Trace } from './plotly';

/** Title and panel size of attentionLayersFigure. All optional. */
export interface AttentionLayersOptions {
  /** Title over the whole figure. */
  readonly title?: string;
  /** Size of one panel in CSS pixels (default 210). */
  readonly cellPx?: number;
}

/** `att[l][h]` is layer l, head h: a (T, T) matrix of weights whose rows sum to 1. */
export function attentionLayersFigure(att: readonly (readonly (readonly (readonly number[])[])[])[], tokens: readonly string[], opts: AttentionLayersOptions = {}): Figure {
  const L = att.length;
  const H = att[0]?.length ?? 0;
  const cell = opts.cellPx ?? 210;
  const gap = 0.012;
  const labels = tokens.map(tokenLabel);
  const idx = tokens.map((_, i) => i);
  const data: Trace[] = [];
  const layout: Record<string, unknown> = {};
  att.forEach((layer, l) => layer.forEach((w, h) => {
    const k = l * H + h + 1;
    const suffix = k === 1 ? '' : String(k);
    data.push({
      type: 'heatmap', z: w, x: idx, y: idx, xaxis: `x${suffix}`, yaxis: `y${suffix}`,
      zmin: 0, zmax: 1, colorscale: 'Viridis', showscale: k === 1,
    });
    layout[`xaxis${suffix}`] = {
      domain: [h / H + gap, (h + 1) / H - gap], anchor: `y${suffix}`, tickmode: 'array', tickvals: idx,
      ticktext: l === L - 1 ? labels : idx.map(() => ''), tickangle: -90, tickfont: { size: 8 },
    };
    layout[`yaxis${suffix}`] = {
      domain: [1 - (l + 1) / L + gap, 1 - l / L - gap], anchor: `x${suffix}`, autorange: 'reversed',
      tickmode: 'array', tickvals: idx, ticktext: h === 0 ? labels : idx.map(() => ''), tickfont: { size: 8 },
    };
  }));
  const paper = { xref: 'paper', yref: 'paper', showarrow: false };
  const annotations = [
    ...Array.from({ length: H }, (_, h) => ({ ...paper, text: `head ${h}`, x: (h + 0.5) / H, y: 1.0, yanchor: 'bottom' })),
    ...Array.from({ length: L }, (_, l) => ({ ...paper, text: `layer ${l}`, x: -0.06, y: 1 - (l + 0.5) / L, textangle: -90 })),
  ];
  return {
    data,
    layout: {
      ...layout, annotations, title: { text: opts.title ?? '' },
      width: 110 + cell * H, height: 140 + cell * L, margin: { t: 70, l: 110, r: 20, b: 90 },
    },
  };
}
