/**
 * A confusion matrix as a heatmap: rows are the true (or asked-for) class, columns the predicted
 * one, each cell labelled with its count and, optionally, its share of the row. Chapters 05 (spam)
 * and 06 (the judge's reading of sampled digits) draw one.
 */
import type { Figure } from './plotly';

/** Labels, titles and size of confusionFigure. All optional. */
export interface ConfusionFigureOptions {
  /** Class names, in index order (default 0 … n − 1). */
  readonly labels?: readonly (string | number)[];
  /** Title above the matrix. */
  readonly title?: string;
  /** Label of the x axis (default: the predicted class). */
  readonly xTitle?: string;
  /** Label of the y axis (default: the true class). */
  readonly yTitle?: string;
  /** Add "x % of (the row's label)" under each count. */
  readonly rowShares?: boolean;
  /** Pixel size of the square figure (default 60 + 45 per class, at least 420). */
  readonly size?: number;
}

/** `m[true][predicted]` counts as a plotly heatmap, the first row at the top. */
export function confusionFigure(m: readonly (readonly number[])[], opts: ConfusionFigureOptions = {}): Figure {
  const n = m.length;
  const labels = opts.labels ?? Array.from({ length: n }, (_, i) => i);
  const idx = labels.map((_, i) => i);
  const text = m.map((row, t) => {
    const total = row.reduce((a, b) => a + b, 0);
    return row.map((v) => (opts.rowShares ? `${v}<br>${(100 * v / Math.max(1, total)).toFixed(1)} % of ${labels[t]}` : String(v)));
  });
  const size = opts.size ?? Math.max(420, 60 + 45 * n);
  return {
    data: [{
      type: 'heatmap', z: m, x: idx, y: idx, showscale: false, text, texttemplate: '%{text}', hoverinfo: 'text',
      colorscale: [[0, '#f7fbff'], [1, '#6baed6']],             // light to mid blue: black text stays readable
      textfont: { size: n <= 3 ? 16 : 12 },
    }],
    layout: {
      ...(opts.title !== undefined ? { title: { text: opts.title } } : {}), width: size + 40, height: size,
      xaxis: { title: { text: opts.xTitle ?? 'predicted' }, tickvals: idx, ticktext: labels.map(String) },
      yaxis: { title: { text: opts.yTitle ?? 'true' }, tickvals: idx, ticktext: labels.map(String), autorange: 'reversed' },
      margin: { t: 60, r: 20, b: 60, l: 70 },
    },
  };
}
