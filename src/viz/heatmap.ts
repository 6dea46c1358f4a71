/**
 * Attention maps: which earlier tokens each token looks at.
 *
 *   lg.attentionHeatmap(weights, ['T', 'h', 'e', ' ', 'c', 'a', 't'], 'layer 0, head 2');
 *
 * `weights[i][j]` is how much query token i attends to key token j (each row sums to 1 after the
 * softmax; the upper triangle is 0 under a causal mask).
 *
 * The axes are token *positions* 0..T-1 with the tokens as tick labels. Plotly's categorical axes
 * merge equal categories, so a sentence with two "the" tokens (or two spaces) would lose a row and
 * a column and shift every cell after it; numeric axes keep every position.
 */
import type { Figure } from './plotly';
import { showPlot } from './plotly';

/** How attentionHeatmapFigure draws a map. All optional. */
export interface HeatmapOptions {
  /** Key tokens when they differ from the query tokens (cross-attention, a KV cache). */
  readonly keys?: readonly string[];
  /** Plotly colorscale name (default 'Viridis'). */
  readonly colorscale?: string;
  /** Fix the colour range to [0, 1] (default true: weights are probabilities, maps stay comparable). */
  readonly probabilities?: boolean;
  /** Width in pixels (default: grows with the number of tokens, up to 900 + 120). */
  readonly width?: number;
  /** Height in pixels (default: grows with the number of tokens, up to 900 + 60). */
  readonly height?: number;
}

/** Make whitespace visible in tick labels: a space token would otherwise be a blank tick. */
export function tokenLabel(token: string): string {
  return token.replace(/ /g, '␣').replace(/\n/g, '↵').replace(/\t/g, '⇥') || '∅';
}

/** Checks that `weights` is a rows × cols matrix matching the token lists; throws a clear error if not. */
function checkShape(weights: readonly (readonly number[])[], rows: number, cols: number): void {
  if (weights.length !== rows) throw new RangeError(`attentionHeatmap: ${weights.length} rows of weights for ${rows} query tokens`);
  weights.forEach((row, i) => {
    if (row.length !== cols) throw new RangeError(`attentionHeatmap: row ${i} has ${row.length} weights for ${cols} key tokens`);
  });
}

/**
 * The plotly spec of one attention map: `weights` (Tq, Tk), row i the weights query i gives each
 * key (e.g. one head of attentionMaps), drawn with queries down and keys across; the axes are
 * positions labelled by token (tokenLabel), so repeated tokens stay apart. `tokens` are the query
 * tokens, and the keys too unless `options.keys`. Colours span 0–1 unless
 * `probabilities: false`. Throws a RangeError when the shape does not match the tokens.
 */
export function attentionHeatmapFigure(
  weights: readonly (readonly number[])[],
  tokens: readonly string[],
  title = 'attention',
  options: HeatmapOptions = {},
): Figure {
  const keys = options.keys ?? tokens;
  checkShape(weights, tokens.length, keys.length);
  const rowIdx = tokens.map((_, i) => i);
  const colIdx = keys.map((_, j) => j);
  // Hover text names both tokens, since the axis ticks may be too dense to read.
  const hover = weights.map((row, i) => row.map((w, j) => `${i}:${tokenLabel(tokens[i])} → ${j}:${tokenLabel(keys[j])}<br>${w.toFixed(3)}`));
  const probabilities = options.probabilities ?? true;
  const side = Math.min(900, 160 + 28 * Math.max(tokens.length, keys.length));
  const axis = (labels: readonly string[], idx: number[], name: string): Record<string, unknown> => ({
    title: { text: name },
    tickmode: 'array',
    tickvals: idx,
    ticktext: labels.map(tokenLabel),
    range: [-0.5, labels.length - 0.5],
  });
  return {
    data: [
      {
        type: 'heatmap',
        x: colIdx,
        y: rowIdx,
        z: weights.map((row) => [...row]),
        text: hover,
        hoverinfo: 'text',
        colorscale: options.colorscale ?? 'Viridis',
        ...(probabilities ? { zmin: 0, zmax: 1 } : {}),
      },
    ],
    layout: {
      title: { text: title },
      xaxis: axis(keys, colIdx, 'key (attended to)'),
      // Row 0 at the top, like a matrix printed on paper.
      yaxis: { ...axis(tokens, rowIdx, 'query'), autorange: false, range: [tokens.length - 0.5, -0.5] },
      width: options.width ?? side + 120,
      height: options.height ?? side + 60,
      margin: { t: 50, r: 20, b: 60, l: 80 },
    },
  };
}

/** Show an attention map (attentionHeatmapFigure: `weights` (Tq, Tk), labelled by `tokens`) and return its spec, e.g. for saveFigure. */
export function attentionHeatmap(
  weights: readonly (readonly number[])[],
  tokens: readonly string[],
  title = 'attention',
  options: HeatmapOptions = {},
): Figure {
  const fig = attentionHeatmapFigure(weights, tokens, title, options);
  showPlot(fig);
  return fig;
}
