/**
 * The contract between a notebook and the runner that executes it (`npm start`, CI).
 *
 * Fast mode: `LGPT_FAST=1` in the kernel's environment (set by `npm start -- --fast` or by hand)
 * asks every notebook to shrink its step counts so the whole set runs in minutes. Notebooks ask
 * `lg.isFast()` or pick a value with `lg.fastOr(fast, full)`.
 *
 * Metrics: a notebook reports its key numbers once, near the end:
 *
 *   lg.reportMetrics({ valLoss: 1.92, tokensPerSecond: 3100 });
 *
 * In a kernel this shows a small table and carries the same numbers as JSON under the MIME type
 * METRICS_MIME in the same output, which scripts/run-notebooks.js collects from the executed
 * notebook into its results table and out/metrics.json. Outside a kernel it prints one line
 * `METRICS_MARKER {json}` on stdout, which the runner also accepts (from any stdout stream).
 */
import { richOutput, showBundle } from './display';

export const METRICS_MIME = 'application/vnd.literate-gpt.metrics+json';
export const METRICS_MARKER = 'LGPT_METRICS';

/** A metric is a number, or a short string (a backend name, a preset). */
export type MetricValue = number | string | boolean;
export type Metrics = Readonly<Record<string, MetricValue>>;

/** True when the notebook should run its fast (CI) mode: `LGPT_FAST` is set and not 0/false. */
export function isFast(env: NodeJS.ProcessEnv = process.env): boolean {
  const v = (env.LGPT_FAST ?? '').trim().toLowerCase();
  return v !== '' && v !== '0' && v !== 'false' && v !== 'no';
}

/** `fast` in fast mode, `full` otherwise: `const steps = lg.fastOr(20, 2000);` */
export function fastOr<T>(fast: T, full: T): T {
  return isFast() ? fast : full;
}

/** Throws on a metric that JSON cannot carry faithfully (NaN, Infinity, objects). */
export function checkMetrics(metrics: Record<string, unknown>): Metrics {
  for (const [name, value] of Object.entries(metrics)) {
    const ok = typeof value === 'string' || typeof value === 'boolean' || (typeof value === 'number' && Number.isFinite(value));
    if (!ok) throw new TypeError(`reportMetrics: '${name}' must be a finite number, a string or a boolean (got ${String(value)})`);
  }
  return metrics as Metrics;
}

/** Round for display only; the JSON keeps full precision. */
function formatValue(v: MetricValue): string {
  if (typeof v !== 'number' || Number.isInteger(v)) return String(v);
  return Math.abs(v) >= 100 ? v.toFixed(1) : v.toPrecision(4);
}

function escapeHtml(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** The output bundle `reportMetrics` shows: a readable table plus the machine-readable JSON. */
export function metricsBundle(metrics: Metrics): Record<string, unknown> {
  const rows = Object.entries(metrics).map(([k, v]) => `<tr><td>${escapeHtml(k)}</td><td>${escapeHtml(formatValue(v))}</td></tr>`);
  return {
    [METRICS_MIME]: metrics,
    'text/html': `<table><thead><tr><th>metric</th><th>value</th></tr></thead><tbody>${rows.join('')}</tbody></table>`,
    'text/plain': `metrics: ${Object.entries(metrics).map(([k, v]) => `${k}=${formatValue(v)}`).join(', ')}`,
  };
}

/** The stdout line used outside a kernel. */
export function metricsLine(metrics: Metrics): string {
  return `${METRICS_MARKER} ${JSON.stringify(metrics)}`;
}

/**
 * Report a notebook's key numbers to whoever runs it. Call it once or several times; the runner
 * merges the calls (later values win).
 */
export function reportMetrics(metrics: Record<string, MetricValue>): void {
  const checked = checkMetrics(metrics);
  if (richOutput()) {
    showBundle(metricsBundle(checked));
  } else {
    console.log(metricsLine(checked));
  }
}
