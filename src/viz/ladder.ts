/**
 * Chapter 03's ladder on the page: read the committed results (data/results/ladder.json, made by
 * scripts/ladder.js) or re-run them, then one table and one figure of the held-out loss per rung.
 *
 *   const ladder = lg.loadLadder('../data/results/ladder.json', { rerun: false });
 *   lg.showLadder(ladder, 'figures/ladder.png');
 */
import * as fs from 'fs';
import { check } from '../errors';
import { ladderRungs } from '../model/ladder';
import { LADDER_BUDGET, LADDER_SHAPE, type LadderResult, type LadderRun, runLadder } from '../train/ladder';
import { barFigure } from './bar';
import type { Figure } from './plotly';
import { showPlot } from './plotly';
import { saveFigure, type SavedFigure } from './save-figure';
import { showTable } from './table';

/** A ladder run as the results file records it: the run plus where and how it was made. */
export interface LadderFile extends LadderRun {
  /** When it was run (ISO 8601). */
  readonly created: string;
  /** The command that made it. */
  readonly command: string;
  /** The tfjs backend it ran on. */
  readonly backend: string;
  /** The machine it ran on. */
  readonly machine: string;
  /** Wall time of the whole ladder, seconds. */
  readonly wallSeconds: number;
  /** The machine's load average before the run (other work competing for the cores). */
  readonly loadBefore?: number;
  /** The load average after the run. */
  readonly loadAfter?: number;
}

/**
 * Chapter 03's ladder results: read and check the committed file (data/results/ladder.json, made
 * by scripts/ladder.js: every rung's held-out and training loss in nats per character token);
 * with `rerun: true`, train every rung again on this machine instead (minutes) and return that run.
 * Throws an InputError when the file lacks a rung or a loss.
 */
export function loadLadder(file: string, opts: { rerun?: boolean } = {}): LadderFile {
  if (opts.rerun) {
    const t0 = Date.now();
    const run = runLadder(LADDER_SHAPE, ladderRungs(LADDER_SHAPE.nHead), LADDER_BUDGET);
    return { ...run, created: new Date().toISOString(), command: 'lg.loadLadder(…, { rerun: true })', backend: 'this kernel', machine: 'this machine', wallSeconds: (Date.now() - t0) / 1000 };
  }
  const json = JSON.parse(fs.readFileSync(file, 'utf8')) as LadderFile;
  check(Array.isArray(json.results) && json.results.length === ladderRungs(1).length, `${file}: expected ${ladderRungs(1).length} rungs`);
  for (const r of json.results) check(Number.isFinite(r.valLoss) && Number.isFinite(r.trainLoss), `${file}: rung '${r.rung}' has no loss`);
  check(Number.isFinite(json.bigramCounted), `${file}: no counted bigram loss`);
  return json;
}

/** One row per rung: its weights, its losses, and what it changed against the rung before. */
export function ladderRows(run: LadderRun): Record<string, string | number>[] {
  return run.results.map((r: LadderResult, i) => ({
    rung: r.rung,
    parameters: r.parameters,
    'held-out loss': r.valLoss,
    'change': i === 0 ? '' : (r.valLoss - run.results[i - 1].valLoss).toFixed(3),
    'train loss': r.trainLoss,
    'bits/char': r.valLoss / Math.LN2,
    seconds: Math.round(r.seconds),
  }));
}

/** The held-out loss of each rung as bars, the counted bigram in the title as the bar to beat. */
export function ladderFigure(run: LadderRun): Figure {
  const fig = barFigure(run.results.map((r) => r.rung), run.results.map((r) => r.valLoss), {
    title: `held-out loss per rung, ${run.budget.steps} steps each (best possible bigram, counted: ${run.bigramCounted.toFixed(3)})`,
    yTitle: 'held-out loss (nats/character)', valueDigits: 3, width: 860, height: 420,
  });
  const lo = Math.min(run.bigramCounted, ...run.results.map((r) => r.valLoss));
  const hi = Math.max(...run.results.map((r) => r.valLoss));
  // The bars differ by tenths of a nat: start the axis just below the lowest so the steps show.
  return { ...fig, layout: { ...fig.layout, yaxis: { ...(fig.layout?.yaxis as object), range: [Math.floor((lo - 0.2) * 10) / 10, hi + 0.1] } } };
}

/**
 * Show the ladder: a table (ladderRows: each rung's parameters, held-out loss and its change
 * against the rung before, training loss) and a bar figure of the held-out loss per rung, saved
 * to `file` (saveFigure). Returns what saveFigure wrote.
 */
export function showLadder(run: LadderFile, file: string): SavedFigure {
  const b = run.budget;
  showTable(ladderRows(run), {
    digits: 3,
    caption: `${b.steps} steps × ${b.batchSize} windows of ${run.config.blockSize} characters each · ${run.config.nLayer} layers × ${run.config.nEmbd} wide · ${run.backend}, ${run.created.slice(0, 10)}`,
  });
  const fig = ladderFigure(run);
  showPlot(fig);
  return saveFigure(fig, file);
}
