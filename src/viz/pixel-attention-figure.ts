/**
 * The figure of where a pixel model looks when it draws one pixel: one heatmap per layer (the
 * weights averaged over heads, folded onto the image grid), the pixel being drawn marked with a
 * red ×, and the label token's share in each panel's title. Chapter 06 draws it; the layout lives
 * here so the chapter's cell shows the measurement, not the plotly bookkeeping.
 */
import { meanOverHeads, toRows, type PixelAttention } from '../image/attention';
import type { ImageLayout } from '../image/sequence';
import type { Figure, Trace } from './plotly';

/** Title and panel size of pixelAttentionFigure. All optional. */
export interface PixelAttentionFigureOptions {
  /** Figure title (default: which pixel is drawn). */
  readonly title?: string;
  /** Width of one panel in CSS pixels (default 230). */
  readonly panelPx?: number;
}

/** One panel per layer of `att` (from lg.pixelAttention), each with the drawn pixel marked. */
export function pixelAttentionFigure(att: PixelAttention, layout: ImageLayout, opts: PixelAttentionFigureOptions = {}): Figure {
  const nL = att.grids.length;
  const W = layout.width;
  const [row, col] = [Math.floor(att.pixel / W), att.pixel % W];
  const traces: Trace[] = [];
  const axes: Record<string, unknown> = {};
  const titles: object[] = [];
  for (let l = 0; l < nL; l++) {
    const { grid, label } = meanOverHeads(att, l);
    const ax = l === 0 ? '' : String(l + 1);
    const domain = [l / nL + 0.01, (l + 1) / nL - 0.01];
    traces.push({ type: 'heatmap', z: toRows(layout, grid), xaxis: `x${ax}`, yaxis: `y${ax}`, colorscale: 'Viridis', showscale: false });
    traces.push({
      type: 'scatter', x: [col], y: [row], mode: 'markers', marker: { symbol: 'x', color: 'red', size: 12 },
      xaxis: `x${ax}`, yaxis: `y${ax}`,
    });
    axes[`xaxis${ax}`] = { domain, anchor: `y${ax}`, showticklabels: false };
    axes[`yaxis${ax}`] = { anchor: `x${ax}`, autorange: 'reversed', showticklabels: false, scaleanchor: `x${ax}` };
    titles.push({
      text: `layer ${l}: label ${(100 * label).toFixed(0)} %`, x: (domain[0] + domain[1]) / 2, y: 1.08,
      xref: 'paper', yref: 'paper', showarrow: false,
    });
  }
  return {
    data: traces,
    layout: {
      title: { text: opts.title ?? `attention of the query that draws pixel ${att.pixel} (row ${row}, col ${col})` },
      width: (opts.panelPx ?? 230) * nL + 80, height: 330, margin: { t: 70, r: 20, b: 30, l: 30 }, showlegend: false,
      annotations: titles, ...axes,
    },
  };
}
