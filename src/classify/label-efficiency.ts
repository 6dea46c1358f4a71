/**
 * The label-efficiency experiment's results (scripts/label-efficiency.js writes them to
 * data/results/label-efficiency.json): test accuracy against the number of labelled training
 * examples N, one cell per (model, N, seed). Here: reading the file, the mean and spread over
 * seeds of each (model, N), and the figure of accuracy against N on a log axis.
 */
import * as fs from 'fs';
import { check, InputError } from '../errors';
import type { Figure, Trace } from '../viz/plotly';

/** One run: a model fine-tuned (or naive Bayes fitted) on N examples with one seed. */
export interface LabelEfficiencyCell {
  /** The classification task ('subject' or 'subject+body'). */
  readonly task: string;
  /** The model's name as shown ('pretrained (broad LM)', 'naive Bayes', …). */
  readonly model: string;
  /** Its short key (broad, moby, scratch, nb). */
  readonly key: string;
  /** Labelled examples asked for, or 'all' (the whole training split). */
  readonly n: number | 'all';
  /** The seed of the run (subset, head, order). */
  readonly seed: number;
  /** Test accuracy (0–1). */
  readonly accuracy: number;
  /** Test spam F1 (0–1). */
  readonly f1: number;
  /** The best validation accuracy (fine-tuned models). */
  readonly valAccuracy?: number;
  /** How the cell was made (a shell command, or the API calls for naive Bayes). */
  readonly command: string;
  /** Wall time of the run, seconds. */
  readonly wallSeconds: number;
}

/** The label-efficiency results file (data/results/), as readLabelEfficiency returns it. */
export interface LabelEfficiencyResults {
  /** The classification task ('subject' or 'subject+body'). */
  readonly task: string;
  /** Every run, by its key in the file. */
  readonly cells: Readonly<Record<string, LabelEfficiencyCell>>;
}

/** One (model, N): test accuracy over its seeds. */
export interface LabelEfficiencyPoint {
  /** The model's short key (broad, moby, scratch, nb). */
  readonly key: string;
  /** The model's name as shown. */
  readonly model: string;
  /** Labelled examples, or 'all'. */
  readonly n: number | 'all';
  /** N as a number: `allSize` for 'all'. */
  readonly examples: number;
  /** The seeds run at this N. */
  readonly seeds: number[];
  /** Mean test accuracy over the seeds (0–1). */
  readonly mean: number;
  /** Sample standard deviation over seeds (0 for one seed). */
  readonly sd: number;
  /** Lowest test accuracy of a seed. */
  readonly min: number;
  /** Highest test accuracy of a seed. */
  readonly max: number;
}

/** Read and check a results file; a missing or malformed file is one clear error. */
export function readLabelEfficiency(file: string): LabelEfficiencyResults {
  if (!fs.existsSync(file)) throw new InputError(`${file} does not exist: run \`npm run build && node scripts/label-efficiency.js\` first`);
  let json: unknown;
  try {
    json = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (e) {
    throw new InputError(`${file} is not valid JSON: ${(e as Error).message}`);
  }
  const r = json as Partial<LabelEfficiencyResults>;
  if (typeof r !== 'object' || r === null || typeof r.cells !== 'object' || r.cells === null) throw new InputError(`${file}: no 'cells' object`);
  for (const [id, c] of Object.entries(r.cells)) {
    const ok = typeof c.key === 'string' && typeof c.model === 'string' && (c.n === 'all' || (Number.isInteger(c.n) && c.n > 0))
      && Number.isInteger(c.seed) && typeof c.accuracy === 'number' && c.accuracy >= 0 && c.accuracy <= 1;
    if (!ok) throw new InputError(`${file}: cell '${id}' is malformed`);
  }
  return { task: String(r.task ?? 'subject'), cells: r.cells };
}

/**
 * Mean, standard deviation, min and max of test accuracy per (model, N) over the seeds run,
 * sorted by model key then N. `allSize` is the size of the whole training split (N = 'all').
 */
export function summarizeLabelEfficiency(cells: Readonly<Record<string, LabelEfficiencyCell>> | readonly LabelEfficiencyCell[], allSize: number): LabelEfficiencyPoint[] {
  check(Number.isInteger(allSize) && allSize > 0, `allSize must be a positive integer, got ${allSize}`);
  const groups = new Map<string, LabelEfficiencyCell[]>();
  for (const c of Array.isArray(cells) ? cells : Object.values(cells)) {
    const id = `${c.key}|${c.n}`;
    groups.set(id, [...(groups.get(id) ?? []), c]);
  }
  const examples = (n: number | 'all'): number => (n === 'all' ? allSize : n);
  return [...groups.values()].map((g) => {
    const a = g.map((c) => c.accuracy);
    const mean = a.reduce((x, y) => x + y, 0) / a.length;
    const sd = a.length > 1 ? Math.sqrt(a.reduce((x, y) => x + (y - mean) ** 2, 0) / (a.length - 1)) : 0;
    return { key: g[0].key, model: g[0].model, n: g[0].n, examples: examples(g[0].n), seeds: g.map((c) => c.seed).sort((x, y) => x - y), mean, sd, min: Math.min(...a), max: Math.max(...a) };
  }).sort((x, y) => x.key.localeCompare(y.key) || x.examples - y.examples);
}

/** The point of model `key` at N (`n` a number or 'all'), if it was run. */
export function labelEfficiencyAt(points: readonly LabelEfficiencyPoint[], key: string, n: number | 'all'): LabelEfficiencyPoint | undefined {
  return points.find((p) => p.key === key && p.n === n);
}

const COLORS: Record<string, string> = { broad: '#d62728', moby: '#ff7f0e', scratch: '#1f77b4', nb: '#2ca02c', task: '#9467bd' };

/**
 * Test accuracy against N on a log axis: one line per model through the means over seeds, the
 * bars spanning the lowest and highest seed; a dashed line at `majority` (always "ham"). The
 * models' points at one N are set a little apart (a few percent of N, the ticks at N itself) so
 * that their bars do not hide one another.
 */
export function labelEfficiencyFigure(points: readonly LabelEfficiencyPoint[], opts: { majority?: number; title?: string; width?: number; height?: number } = {}): Figure {
  const keys = [...new Set(points.map((p) => p.key))];
  const data: Trace[] = keys.map((key, k) => {
    const ps = points.filter((p) => p.key === key).sort((a, b) => a.examples - b.examples);
    const dodge = 2 ** (0.06 * (k - (keys.length - 1) / 2));
    return {
      type: 'scatter', mode: 'lines+markers', name: ps[0].model, x: ps.map((p) => p.examples * dodge), y: ps.map((p) => p.mean),
      line: { color: COLORS[key] }, marker: { color: COLORS[key], size: 7 },
      error_y: { type: 'data', symmetric: false, array: ps.map((p) => p.max - p.mean), arrayminus: ps.map((p) => p.mean - p.min), color: COLORS[key], thickness: 1.2, width: 4 },
      text: ps.map((p) => `${p.model}, N = ${p.n}: ${(100 * p.mean).toFixed(1)} % (seeds ${p.seeds.join(', ')}: ${(100 * p.min).toFixed(1)}–${(100 * p.max).toFixed(1)} %)`),
      hoverinfo: 'text',
    } as Trace;
  });
  const xs = points.map((p) => p.examples);
  if (opts.majority !== undefined && xs.length > 0) {
    data.push({ type: 'scatter', mode: 'lines', name: 'always "ham"', x: [Math.min(...xs), Math.max(...xs)], y: [opts.majority, opts.majority], line: { color: '#7f7f7f', dash: 'dash' }, hoverinfo: 'name' } as Trace);
  }
  const ticks = [...new Set(xs)].sort((a, b) => a - b);
  const allPoint = points.find((p) => p.n === 'all');
  return {
    data,
    layout: {
      title: { text: opts.title ?? 'spam subjects: test accuracy against the number of labelled examples' },
      width: opts.width ?? 900, height: opts.height ?? 500, margin: { t: 60, r: 20, b: 60, l: 70 },
      xaxis: { type: 'log', title: { text: 'labelled training examples N (log scale)' }, tickvals: ticks, ticktext: ticks.map((t) => (allPoint && t === allPoint.examples ? `all (${t})` : String(t))) },
      yaxis: { title: { text: 'test accuracy (mean of seeds; bars: lowest to highest)' }, tickformat: '.0%' },
      legend: { x: 0.99, xanchor: 'right', y: 0.02, yanchor: 'bottom' },
    },
  };
}

/** The N values of `points`, ascending, 'all' last. */
export function labelEfficiencyNs(points: readonly LabelEfficiencyPoint[]): (number | 'all')[] {
  return [...new Set(points.map((p) => p.n))].sort((a, b) => (a === 'all' ? Infinity : a) - (b === 'all' ? Infinity : b));
}

/**
 * The results as table rows, one per model and a column per N: test accuracy in percent, the
 * mean over seeds and, with `spread`, ± the standard deviation and how many seeds when fewer
 * than `fullSeeds`; '—' where a model was not run at that N.
 */
export function labelEfficiencyTable(points: readonly LabelEfficiencyPoint[], opts: { spread?: boolean; fullSeeds?: number } = {}): Record<string, string>[] {
  const { spread = true, fullSeeds = 3 } = opts;
  const ns = labelEfficiencyNs(points);
  return [...new Set(points.map((p) => p.key))].map((key) => ({
    model: points.find((p) => p.key === key)!.model,
    ...Object.fromEntries(ns.map((n) => {
      const p = labelEfficiencyAt(points, key, n);
      if (!p) return [`N = ${n}`, '—'];
      const few = p.seeds.length < fullSeeds ? ` (${p.seeds.length} seed${p.seeds.length > 1 ? 's' : ''})` : '';
      return [`N = ${n}`, spread ? `${(100 * p.mean).toFixed(1)} ± ${(100 * p.sd).toFixed(1)}${few}` : (100 * p.mean).toFixed(1)];
    })),
  }));
}
