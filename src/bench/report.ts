/**
 * Reading a saved benchmark (`literate-gpt bench --save` writes data/bench/*.json) for a chapter:
 * the file's fields a reader needs, the anchor in one line, and the matmul shapes side by side.
 */
import * as fs from 'fs';
import type { MatmulShapeTime } from './profile';

/** The fields of a saved benchmark that chapter 07 reads (the file has more). */
export interface BenchFile {
  /** The backend the run timed ('tensorflow', 'wasm', 'cpu'). */
  readonly backend: string;
  /** The model timed (a preset name, e.g. 'nano'). */
  readonly preset: string;
  /** Which kernels our step ran on, e.g. "TensorFlow 2.21.0 C library, oneDNN kernels". */
  readonly kernels?: string;
  /** Our training tokens per second (median over rounds). */
  readonly trainTokensPerSecond: number;
  /** Ours / PyTorch's tokens per second, median of per-round ratios (null: no PyTorch). */
  readonly trainVsTorch: number | null;
  /** Model FLOP utilisation: achieved FLOP/s over the measured matmul peak. */
  readonly mfu: number;
  /** The best large matmul measured in the run, GFLOP/s (the MFU's denominator). */
  readonly peakGflops: number;
  /** The textbook formulations' step time over ours. */
  readonly reference?: { readonly speedup?: number } | null;
  /** The step without the native kernels, its time over ours. */
  readonly nativeKernels?: { readonly speedup: number } | null;
  /** Sampling with the KV cache: new tokens, and cached over uncached speed. */
  readonly sample?: { readonly newTokens?: number; readonly speedup?: number };
  /** The PyTorch side: version, kernels, tokens/s (best thread count per round), CPU-time ratio. */
  readonly torch?: {
    readonly version?: string;
    readonly kernels?: string | null;
    readonly tokensPerSecond?: number;
    readonly cpuRatio?: number;
    readonly tokensPerSecondByThreads?: Record<string, number>;
  } | null;
  /** The CPU (with its widest vector extension) and its core count. */
  readonly machine?: { readonly cpuModel?: string; readonly cpus?: number };
  /** When the run finished (ISO 8601). */
  readonly date?: string;
}

/** The saved benchmark at `file`, or null when there is none or it is not JSON. */
export function readBenchFile(file: string): BenchFile | null {
  try {
    return JSON.parse(fs.readFileSync(file, 'utf8')) as BenchFile;
  } catch {
    return null;
  }
}

/** One line: the machine, both sides' tokens/s and kernels, the ratio (wall and CPU time), MFU. */
export function describeAnchor(b: BenchFile): string {
  const n = (x: number | undefined): string => (x === undefined ? '?' : Math.round(x).toLocaleString('en'));
  const t = b.torch;
  const threads = t?.tokensPerSecondByThreads
    ? Object.entries(t.tokensPerSecondByThreads).map(([k, v]) => `${k} thread${k === '1' ? '' : 's'} ${n(v)}`).join(' / ')
    : '';
  const machine = `${b.machine?.cpuModel ?? 'an unknown CPU'}${b.machine?.cpus ? `, ${b.machine.cpus} cores` : ''}`;
  const when = b.date ? `, ${b.date.slice(0, 16).replace('T', ' ')} UTC` : '';
  const theirs = t?.tokensPerSecond === undefined ? 'no PyTorch in this run'
    : `PyTorch ${t.version ?? ''} ${n(t.tokensPerSecond)} tokens/s (best of ${threads}; ${t.kernels ?? 'kernels unknown'})`;
  const ratio = b.trainVsTorch === null ? '' : `: ${b.trainVsTorch}× (CPU time ${t?.cpuRatio ?? '?'}×)`;
  return `${b.preset} on ${machine}${when}: ours ${n(b.trainTokensPerSecond)} tokens/s (${b.kernels ?? 'kernels unknown'}), ${theirs}${ratio}; `
    + `MFU ${(100 * b.mfu).toFixed(1)} % of ${n(b.peakGflops)} GFLOP/s`;
}

/** One row per matmul shape of ours (largest time first): calls per step and GFLOP/s on each side. */
export function matmulShapeRows(ours: readonly MatmulShapeTime[], theirs: readonly MatmulShapeTime[]): { shape: string; calls: number; 'ours GFLOP/s': number; 'PyTorch GFLOP/s': number | null }[] {
  const other = new Map(theirs.map((m) => [m.shape, m]));
  return ours.map((m) => ({ shape: m.shape, calls: m.calls, 'ours GFLOP/s': m.gflopPerSecond, 'PyTorch GFLOP/s': other.get(m.shape)?.gflopPerSecond ?? null }));
}
