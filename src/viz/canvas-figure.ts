/**
 * A plain drawing of a plotly spec with @napi-rs/canvas: the fallback of saveFigure when no
 * Chromium is installed, so `figures/` can always be regenerated.
 *
 * It draws the two kinds of figure this project makes, line charts (scatter traces) and heatmaps
 * (the first heatmap trace, with the layout's tick labels), with a title and labelled axes. It is
 * not plotly: legends, annotations and subplots are left out. PNG or SVG from the same code.
 * A figure of several panels would come out as its first panel alone, a drawing that misleads, so
 * `canvasRefusal` names it and saveFigure refuses to draw it this way.
 */
import { createCanvas, SvgExportFlag, type SKRSContext2D } from '@napi-rs/canvas';
import { figureSize, type Figure, type Trace } from './plotly';

const COLORWAY = ['#1f77b4', '#ff7f0e', '#2ca02c', '#d62728', '#9467bd', '#8c564b', '#e377c2', '#7f7f7f'];
// Viridis at five stops, interpolated linearly in RGB: close enough for a static fallback.
const VIRIDIS = [[68, 1, 84], [59, 82, 139], [33, 145, 140], [94, 201, 98], [253, 231, 37]];

export function viridis(t: number): string {
  const u = Math.max(0, Math.min(1, Number.isFinite(t) ? t : 0)) * (VIRIDIS.length - 1);
  const i = Math.min(VIRIDIS.length - 2, Math.floor(u));
  const f = u - i;
  const c = VIRIDIS[i].map((a, k) => Math.round(a + (VIRIDIS[i + 1][k] - a) * f));
  return `rgb(${c[0]},${c[1]},${c[2]})`;
}

/** About five round tick values covering [lo, hi]. */
export function niceTicks(lo: number, hi: number, count = 5): number[] {
  if (!(hi > lo)) return [lo];
  const raw = (hi - lo) / count;
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((m) => m * mag).find((s) => s >= raw) ?? 10 * mag;
  const ticks: number[] = [];
  for (let v = Math.ceil(lo / step) * step; v <= hi + step * 1e-9; v += step) ticks.push(Number(v.toPrecision(12)));
  return ticks;
}

const text = (v: unknown): string => (typeof v === 'string' ? v : typeof v === 'object' && v !== null ? String((v as { text?: unknown }).text ?? '') : '');
const nums = (v: unknown): number[] => (Array.isArray(v) ? v.map(Number) : []);
const axisOf = (fig: Figure, name: string): Record<string, unknown> => (fig.layout?.[name] ?? {}) as Record<string, unknown>;

interface Box { x: number; y: number; w: number; h: number }

function drawLines(ctx: SKRSContext2D, fig: Figure, traces: readonly Trace[], box: Box): void {
  const logY = axisOf(fig, 'yaxis').type === 'log';
  const ty = (v: number): number => (logY ? Math.log10(v) : v);
  const series = traces.map((t) => {
    const y = nums(t.y);
    const x = t.x === undefined ? y.map((_, i) => i) : nums(t.x);
    return { x, y: y.map(ty) };
  });
  const xs = series.flatMap((s) => s.x).filter(Number.isFinite);
  const ys = series.flatMap((s) => s.y).filter(Number.isFinite);
  const [x0, x1] = [Math.min(...xs), Math.max(...xs)];
  const [y0, y1] = [Math.min(...ys), Math.max(...ys)];
  const px = (v: number): number => box.x + ((v - x0) / (x1 - x0 || 1)) * box.w;
  const py = (v: number): number => box.y + box.h - ((v - y0) / (y1 - y0 || 1)) * box.h;
  ctx.font = '12px sans-serif';
  ctx.fillStyle = '#444';
  ctx.strokeStyle = '#e5e5e5';
  for (const v of niceTicks(y0, y1)) {
    ctx.beginPath();
    ctx.moveTo(box.x, py(v));
    ctx.lineTo(box.x + box.w, py(v));
    ctx.stroke();
    ctx.textAlign = 'right';
    ctx.fillText(logY ? (10 ** v).toPrecision(2) : String(v), box.x - 6, py(v) + 4);
  }
  for (const v of niceTicks(x0, x1)) {
    ctx.textAlign = 'center';
    ctx.fillText(String(v), px(v), box.y + box.h + 16);
  }
  series.forEach((s, k) => {
    ctx.strokeStyle = COLORWAY[k % COLORWAY.length];
    ctx.lineWidth = 2;
    ctx.beginPath();
    s.x.forEach((x, i) => (i === 0 ? ctx.moveTo(px(x), py(s.y[i])) : ctx.lineTo(px(x), py(s.y[i]))));
    ctx.stroke();
  });
}

function drawHeatmap(ctx: SKRSContext2D, fig: Figure, trace: Trace, box: Box): void {
  const z = (trace.z as number[][] | undefined) ?? [];
  const rows = z.length;
  const cols = Math.max(0, ...z.map((r) => r.length));
  const flat = z.flat().filter(Number.isFinite);
  const lo = typeof trace.zmin === 'number' ? trace.zmin : Math.min(...flat);
  const hi = typeof trace.zmax === 'number' ? trace.zmax : Math.max(...flat);
  const cw = box.w / (cols || 1);
  const ch = box.h / (rows || 1);
  z.forEach((row, i) =>
    row.forEach((v, j) => {
      ctx.fillStyle = viridis((v - lo) / (hi - lo || 1));
      ctx.fillRect(box.x + j * cw, box.y + i * ch, Math.ceil(cw), Math.ceil(ch));
    }),
  );
  // Tick labels from the layout (token names on attention maps), else indices.
  const labels = (axis: Record<string, unknown>, n: number): string[] =>
    Array.isArray(axis.ticktext) ? axis.ticktext.map(String) : Array.from({ length: n }, (_, i) => String(i));
  ctx.font = `${Math.max(8, Math.min(13, Math.floor(Math.min(cw, ch) * 0.8)))}px sans-serif`;
  ctx.fillStyle = '#333';
  ctx.textAlign = 'right';
  labels(axisOf(fig, 'yaxis'), rows).forEach((l, i) => ctx.fillText(l, box.x - 4, box.y + (i + 0.5) * ch + 4));
  ctx.textAlign = 'center';
  labels(axisOf(fig, 'xaxis'), cols).forEach((l, j) => ctx.fillText(l, box.x + (j + 0.5) * cw, box.y - 6));
}

/** The panels (distinct x/y axis pairs) that `fig`'s traces draw on: 1 for a plain figure. */
export function panelCount(fig: Figure): number {
  const axes = (t: Trace): string => `${String(t.xaxis ?? 'x')}|${String(t.yaxis ?? 'y')}`;
  return new Set(fig.data.map(axes)).size;
}

/** Why the canvas drawing of `fig` would be wrong (it draws one panel only), or null when it is not. */
export function canvasRefusal(fig: Figure): string | null {
  const panels = panelCount(fig);
  return panels > 1 ? `it has ${panels} panels and the canvas fallback draws only the first` : null;
}

/** Draw `fig` onto a new canvas and encode it; `format` picks PNG or SVG. */
export function renderFigureCanvas(fig: Figure, format: 'png' | 'svg' = 'png'): Buffer {
  const { width, height } = figureSize(fig);
  const svg = format === 'svg' ? createCanvas(width, height, SvgExportFlag.ConvertTextToPaths) : null;
  const png = svg === null ? createCanvas(width, height) : null;
  const ctx = (svg ?? png)!.getContext('2d');
  ctx.fillStyle = '#fff';
  ctx.fillRect(0, 0, width, height);
  ctx.fillStyle = '#222';
  ctx.font = '16px sans-serif';
  ctx.textAlign = 'center';
  ctx.fillText(text(fig.layout?.title), width / 2, 24);
  const heat = fig.data.find((t) => t.type === 'heatmap');
  const box: Box = heat ? { x: 80, y: 70, w: width - 110, h: height - 90 } : { x: 70, y: 44, w: width - 90, h: height - 90 };
  if (heat) drawHeatmap(ctx, fig, heat, box);
  else drawLines(ctx, fig, fig.data.filter((t) => t.type === undefined || t.type === 'scatter'), box);
  ctx.font = '13px sans-serif';
  ctx.fillStyle = '#444';
  ctx.textAlign = 'center';
  if (!heat) ctx.fillText(text(axisOf(fig, 'xaxis').title), box.x + box.w / 2, height - 12);
  return svg ? svg.getContent() : png!.encodeSync('png');
}
