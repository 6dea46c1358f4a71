/**
 * Chapter 04's scaling table (data/results/scaling.json, written by scripts/scaling.js): the
 * file read and typed, one table, one figure of validation loss against tokens seen, and the two
 * orders the chapter reads from it (per token at a common point, per minute at the end).
 */
import * as fs from 'fs';
import type { GPTConfig } from '../model/config';
import type { EvalPoint } from '../train/lm';
import { lineFigure } from './line';
import type { Figure } from './plotly';
import { showTable } from './table';

export interface ScalingRun {
  readonly name: string;
  readonly config: GPTConfig;
  readonly parameters: number;
  readonly steps: number;
  readonly tokensSeen: number;
  readonly valLoss: number;
  readonly bitsPerByte: number;
  readonly trainMinutes: number;
  readonly budgetUsed?: number;
  readonly tokensPerSecond: number;
  /** Evaluations during the run; a run too short for one gets its final evaluation as its only point. */
  readonly history: EvalPoint[];
  readonly loadBefore: { readonly loadAvg1: number };
  readonly loadAfter: { readonly loadAvg1: number };
}

/**
 * Chapter 04's scaling results (data/results/, made by scripts/scaling.js), as loadScaling returns
 * them.
 */
export interface ScalingFile {
  /** When it was run (ISO 8601). */
  readonly created: string;
  /** The command that made it. */
  readonly command: string;
  /** Training minutes each model size was given. */
  readonly minutesPerSize: number;
  /** The tfjs backend it ran on. */
  readonly backend: string;
  /** The machine it ran on (cores, CPU model, platform). */
  readonly machine: string;
  /** What else was competing for the machine's cores, as recorded. */
  readonly contention: string;
  /** A remark given with --note. */
  readonly note?: string;
  /** Tokens per step of every run (batch × context), for the x axis. */
  readonly tokensPerStep: number;
  /** One run per model size, smallest first. */
  readonly runs: ScalingRun[];
}

/** Read the results file; `tokensPerStep` is batch × context of its runs (32 × 128 as shipped). */
export function loadScaling(file: string, tokensPerStep = 32 * 128): ScalingFile {
  const json = JSON.parse(fs.readFileSync(file, 'utf8')) as Omit<ScalingFile, 'tokensPerStep'>;
  const runs = json.runs.map((r) => (r.history.length > 0 ? r
    : { ...r, history: [{ step: r.steps, trainLoss: NaN, valLoss: r.valLoss, elapsedMs: r.trainMinutes * 60_000 }] }));
  return { ...json, tokensPerStep, runs };
}

/** One row per size, with the load average before and after its run. */
export function showScalingTable(s: ScalingFile): void {
  showTable(s.runs.map((r) => ({
    size: r.name,
    shape: `${r.config.nLayer} × ${r.config.nEmbd}, ${r.config.nHead} heads`,
    parameters: r.parameters,
    steps: r.steps,
    'tokens seen': r.tokensSeen,
    'tokens/s': Math.round(r.tokensPerSecond),
    'val loss': r.valLoss,
    'bits/byte': r.bitsPerByte,
    'train min': r.trainMinutes,
    'budget used': r.budgetUsed ?? r.trainMinutes / s.minutesPerSize,
    'load avg (before → after)': `${r.loadBefore.loadAvg1} → ${r.loadAfter.loadAvg1}`,
  })), { digits: 3, caption: `${s.minutesPerSize} min each on ${s.backend}, ${s.machine} · ${s.created.slice(0, 10)}` });
}

/** Validation loss against tokens seen, one line (with markers) per size. */
export function scalingFigure(s: ScalingFile): Figure {
  const fig = lineFigure(Object.fromEntries(s.runs.map((r) => [
    `${r.name} (${(r.parameters / 1e6).toFixed(2)} M params)`,
    { x: r.history.map((p) => p.step * s.tokensPerStep), y: r.history.map((p) => p.valLoss) },
  ])), {
    title: `validation loss against tokens seen, ${s.minutesPerSize} min per size`,
    xTitle: 'tokens seen', yTitle: 'validation loss (nats/token, 8 batches)', width: 900,
  });
  return { ...fig, data: fig.data.map((t) => ({ ...t, mode: 'lines+markers' })) };
}

/** A run's validation loss after `tokens` tokens, interpolated linearly between evaluations. */
export function lossAtTokens(r: ScalingRun, tokens: number, tokensPerStep: number): number {
  const pts = r.history.map((p) => [p.step * tokensPerStep, p.valLoss]);
  const j = pts.findIndex(([x]) => x >= tokens);
  if (j <= 0) return pts[Math.max(0, j)][1];
  const [[x0, y0], [x1, y1]] = [pts[j - 1], pts[j]];
  return y0 + ((tokens - x0) / (x1 - x0)) * (y1 - y0);
}

/**
 * The sizes best first, per token (validation loss at the tokens the shortest run reached) and
 * per minute (bits per byte at the end of each run's budget).
 */
export function scalingOrders(s: ScalingFile): { common: number; perToken: { name: string; loss: number }[]; perMinute: ScalingRun[] } {
  const common = Math.min(...s.runs.map((r) => r.history[r.history.length - 1].step * s.tokensPerStep));
  const perToken = s.runs.map((r) => ({ name: r.name, loss: lossAtTokens(r, common, s.tokensPerStep) })).sort((a, b) => a.loss - b.loss);
  const perMinute = [...s.runs].sort((a, b) => a.bitsPerByte - b.bitsPerByte);
  return { common, perToken, perMinute };
}
