/**
 * The results of scripts/few-label-protocol.js (data/results/few-label-protocol.json), read and
 * checked before a chapter shows them: every Transformer and baseline at N labels, seeds that chose
 * nothing, and each method's paired bootstrap interval against the reference (the three-stage
 * model). The intervals are recomputed here from the stored test predictions, with the script's
 * resampling seed, so a table printed from the file cannot disagree with its own predictions.
 */
import * as fs from 'fs';
import { pairedBootstrap } from '../baselines/bootstrap';
import { InputError } from '../errors';
import type { Figure, Trace } from '../viz/plotly';

export interface ProtocolCell {
  readonly key: string; readonly name: string; readonly n: number; readonly seed: number;
  readonly accuracy: number; readonly f1: number;
  /** Test predictions, one character '0'/'1' per test subject. */
  readonly predictions: string;
  readonly steps?: number; readonly command?: string;
}

export interface ProtocolInterval { readonly diff: number; readonly lo: number; readonly hi: number }

/** One method at one N, summarised over its seeds (a row of the protocol's table). Accuracies and F1 are 0–1. */
export interface ProtocolRow {
  /** N: labelled training examples the method was given. */
  readonly n: number;
  /** The method's short key (as in the results file's cells). */
  readonly key: string;
  /** The method's name for tables. */
  readonly name: string;
  /** The seeds it ran with. */
  readonly seeds: number[];
  /** Mean test accuracy over the seeds. */
  readonly accuracy: number;
  /** Standard deviation of the test accuracy over the seeds (n − 1 in the denominator). */
  readonly sd: number;
  /** Mean spam F1 over the seeds. */
  readonly f1: number;
  /** Against the reference method on the same seeds: paired bootstrap intervals of the differences (this − reference). Absent for the reference itself. */
  readonly vsReference?: { readonly reference: string; readonly seeds: number; readonly accuracy: ProtocolInterval; readonly f1: ProtocolInterval };
}

/** The few-label protocol's results (data/results/few-label-protocol.json), read and checked. */
export interface FewLabelProtocol {
  /** Every run (method, N, seed) with its test accuracy, F1 and predictions. */
  readonly cells: Readonly<Record<string, ProtocolCell>>;
  /** One row per method and N: mean and sd over seeds, and the interval against the reference. */
  readonly summary: readonly ProtocolRow[];
  /** Fixed step counts per method and N, chosen on seeds 1–3. */
  readonly steps: Readonly<Record<string, Readonly<Record<string, number | null>>>>;
  /** The seeds the protocol ran, ascending. */
  readonly seeds: readonly number[];
}

/**
 * The protocol's methods in the order tables and figures show them (the default recipe first),
 * each with a short label: key (as in the results file) → label.
 */
export const FEW_LABEL_METHODS: Readonly<Record<string, string>> = {
  long: 'default: lm-task-long, LP-FT',
  lpft: 'lm-task, LP-FT',
  task: 'lm-task, plain',
  ulmfit: "lm-task, ULMFiT's stage 3",
  discr: 'lm-task, discriminative rates',
  stlr: 'lm-task, slanted rate',
  taskreinit: 'stage 2 alone (random init)',
  broad: 'lm-broad, plain (no stage 2)',
  scratch: 'from scratch',
  probe: 'linear probe on lm-task',
  gen: 'generative, lm-task',
  vote: 'vote: LP-FT, probe, generative',
  nb: 'naive Bayes',
  lr: 'logistic regression',
  nbem: 'naive Bayes + EM',
};

/** The seeds 1–3 chose the step counts; the protocol must run on others. */
export const CHOICE_SEEDS = [1, 2, 3] as const;

/**
 * Read the protocol's file and check it against `testLabels`: the seeds are not the choice
 * seeds, and every stored accuracy interval equals the one recomputed from the predictions
 * (2,000 paired resamples, seed 1, as the script draws them; to 1e-12). `reference` is the method
 * the file's intervals are against (the script's --reference; default 'long', the CLI's default
 * recipe, DEFAULT_RECIPE.stage2.key). Throws InputError naming the method and N of the first disagreement.
 */
export function readFewLabelProtocol(file: string, testLabels: ArrayLike<number>, reference = 'long'): FewLabelProtocol {
  if (!fs.existsSync(file)) throw new InputError(`${file} does not exist: run \`node scripts/few-label-protocol.js\` first`);
  const json = JSON.parse(fs.readFileSync(file, 'utf8')) as Omit<FewLabelProtocol, 'seeds'>;
  const cells = Object.values(json.cells);
  const seeds = [...new Set(cells.map((c) => c.seed))].sort((a, b) => a - b);
  const chose = seeds.filter((s) => (CHOICE_SEEDS as readonly number[]).includes(s));
  if (chose.length > 0) throw new InputError(`${file}: seeds ${chose.join(', ')} chose the step counts; the protocol must run on others`);
  const preds = (c: ProtocolCell): number[] => Array.from(c.predictions, Number);
  for (const row of json.summary) {
    if (row.vsReference === undefined) continue;
    const refOf = (seed: number) => cells.find((r) => r.key === reference && r.n === row.n && r.seed === seed);
    const mine = cells.filter((c) => c.n === row.n && c.key === row.key && refOf(c.seed) !== undefined).sort((a, b) => a.seed - b.seed);
    const again = pairedBootstrap(mine.map(preds), mine.map((c) => preds(refOf(c.seed)!)), testLabels, { samples: 2000, seed: 1 });
    const stored = row.vsReference.accuracy;
    if (Math.abs(again.lo - stored.lo) > 1e-12 || Math.abs(again.hi - stored.hi) > 1e-12 || Math.abs(again.diff - stored.diff) > 1e-12) {
      throw new InputError(`${file}: the interval of ${row.key} at N = ${row.n} is [${stored.lo}, ${stored.hi}], its predictions give [${again.lo}, ${again.hi}]`);
    }
  }
  return { cells: json.cells, summary: json.summary, steps: json.steps, seeds };
}

/**
 * The protocol's summary as a table with a row per method and a column per N: test accuracy %
 * (mean ± sd over the seeds, and how many seeds when fewer than the most any method had at that N),
 * spam F1, and the difference from the reference in points with its paired 95 % interval; '—'
 * where a method did not run at that N. Methods in the order of `order` (keys), else of the file.
 */
export function fewLabelProtocolByMethod(p: FewLabelProtocol, order?: readonly string[]): Record<string, string>[] {
  const pct = (x: number): string => (100 * x).toFixed(1);
  const signed = (x: number): string => `${x >= 0 ? '+' : ''}${pct(x)}`;
  const ns = [...new Set(p.summary.map((r) => r.n))].sort((a, b) => a - b);
  const keys = [...new Set([...(order ?? []), ...p.summary.map((r) => r.key)])].filter((k) => p.summary.some((r) => r.key === k));
  const most = new Map(ns.map((n) => [n, Math.max(...p.summary.filter((r) => r.n === n).map((r) => r.seeds.length))]));
  const reference = p.summary.find((r) => r.vsReference)?.vsReference?.reference;
  return keys.map((key) => ({
    method: p.summary.find((r) => r.key === key)!.name,
    ...Object.fromEntries(ns.map((n) => {
      const r = p.summary.find((x) => x.key === key && x.n === n);
      if (!r) return [`N = ${n}`, '—'];
      const few = r.seeds.length < most.get(n)! ? ` (${r.seeds.length} seeds)` : '';
      const v = r.vsReference?.accuracy;
      const vs = v ? `${signed(v.diff)} [${signed(v.lo)}, ${signed(v.hi)}]` : key === reference ? 'reference' : 'no paired reference';
      return [`N = ${n}`, `${pct(r.accuracy)} ± ${pct(r.sd)}${few}, F1 ${r.f1.toFixed(2)}; ${vs}`];
    })),
  }));
}

/** The protocol's summary as table rows (accuracy ± sd, F1, fixed steps, the interval against the reference), in points. */
export function fewLabelProtocolTable(p: FewLabelProtocol): Record<string, string | number>[] {
  const pct = (x: number): string => (100 * x).toFixed(1);
  const signed = (x: number): string => `${x >= 0 ? '+' : ''}${pct(x)}`;
  return p.summary.map((r) => ({
    N: r.n, method: r.name, seeds: r.seeds.length, 'accuracy %': `${pct(r.accuracy)} ± ${pct(r.sd)}`, 'spam F1': r.f1.toFixed(3),
    'steps (fixed)': p.steps[r.key]?.[String(r.n)] ?? '—',
    [`− reference, points [95 % interval]`]: r.vsReference
      ? `${signed(r.vsReference.accuracy.diff)} [${signed(r.vsReference.accuracy.lo)}, ${signed(r.vsReference.accuracy.hi)}]`
      : '(reference)',
  }));
}

/**
 * The protocol as a forest plot: one panel per N, a row per method, the method's difference in
 * test accuracy from the reference (points) with its paired bootstrap 95 % interval as a bar, and
 * a line at 0. A bar wholly left of the line: that method did worse than the reference on these
 * seeds beyond the noise of seeds and test subjects; wholly right: better. Methods are in the
 * order of `order` (keys; absent: the first N's order of the differences), labelled by `labels`
 * (key → short label; absent: the method's name), and the reference itself is a row at 0.
 */
export function fewLabelProtocolFigure(p: FewLabelProtocol, opts: { order?: readonly string[]; labels?: Readonly<Record<string, string>>; title?: string; width?: number; height?: number } = {}): Figure {
  const ns = [...new Set(p.summary.map((r) => r.n))].sort((a, b) => a - b);
  const diffOf = (r: ProtocolRow): number => r.vsReference?.accuracy.diff ?? 0;
  const first = p.summary.filter((r) => r.n === ns[0]).sort((a, b) => diffOf(a) - diffOf(b));
  const order = opts.order ?? [...first.map((r) => r.key), ...p.summary.map((r) => r.key).filter((k) => !first.some((r) => r.key === k))];
  const keys = [...new Set(order)].filter((k) => p.summary.some((r) => r.key === k));
  const nameOf = (key: string): string => opts.labels?.[key] ?? p.summary.find((r) => r.key === key)!.name;
  const gap = 0.04;
  const width = (1 - gap * (ns.length - 1)) / ns.length;
  const data: Trace[] = [];
  const layout: Record<string, unknown> = {
    title: { text: opts.title ?? 'each method against the reference: difference in test accuracy, paired 95 % interval' },
    width: opts.width ?? 1100, height: opts.height ?? 140 + 30 * keys.length, margin: { t: 80, r: 20, b: 60, l: 40 },
    showlegend: false,
    yaxis: { type: 'category', categoryarray: keys.map(nameOf).reverse(), automargin: true },
    shapes: [] as unknown[], annotations: [] as unknown[],
  };
  ns.forEach((n, i) => {
    const axis = i === 0 ? '' : String(i + 1);
    const rows = keys.map((k) => p.summary.find((r) => r.key === k && r.n === n)).filter((r): r is ProtocolRow => r !== undefined);
    const pt = (x: number): number => 100 * x;
    data.push({
      type: 'scatter', mode: 'markers', xaxis: `x${axis}`, yaxis: 'y',
      x: rows.map((r) => pt(diffOf(r))), y: rows.map((r) => nameOf(r.key)),
      marker: { size: 8, color: rows.map((r) => (!r.vsReference ? '#000000' : r.vsReference.accuracy.hi < 0 ? '#d62728' : r.vsReference.accuracy.lo > 0 ? '#2ca02c' : '#1f77b4')) },
      error_x: { type: 'data', symmetric: false, array: rows.map((r) => (r.vsReference ? pt(r.vsReference.accuracy.hi - r.vsReference.accuracy.diff) : 0)), arrayminus: rows.map((r) => (r.vsReference ? pt(r.vsReference.accuracy.diff - r.vsReference.accuracy.lo) : 0)), thickness: 1.5, width: 4 },
      text: rows.map((r) => `${r.name}, N = ${n}: ${pt(r.accuracy).toFixed(1)} % over ${r.seeds.length} seeds` + (r.vsReference ? `; ${pt(r.vsReference.accuracy.diff).toFixed(1)} [${pt(r.vsReference.accuracy.lo).toFixed(1)}, ${pt(r.vsReference.accuracy.hi).toFixed(1)}] points` : ' (the reference)')),
      hoverinfo: 'text',
    } as Trace);
    const lo = i * (width + gap);
    layout[`xaxis${axis}`] = { domain: [lo, lo + width], title: { text: `N = ${n}: points vs the reference` }, zeroline: true, zerolinecolor: '#444', zerolinewidth: 1.5 };
    const ref = p.summary.find((r) => r.n === n && !r.vsReference);
    (layout.annotations as unknown[]).push({ text: `N = ${n}${ref ? `, reference ${pt(ref.accuracy).toFixed(1)} %` : ''}`, xref: 'paper', yref: 'paper', x: lo + width / 2, y: 1.0, yanchor: 'bottom', showarrow: false });
  });
  return { data, layout } as Figure;
}
