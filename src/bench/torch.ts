/**
 * The PyTorch reference (bench/torch_nano.py) as a child process that takes timed steps on
 * request, so that the bench can interleave tfjs and PyTorch rounds in one run and report
 * ratios taken back to back (the machine is shared: absolute numbers drift, ratios less so).
 *
 * Which PyTorch: the one a user installs today, a 2.x CPU build from pip, in the project's
 * `.venv` (`node scripts/setup-torch.js --install`: torch 2.13.0+cpu, with MKL and oneDNN).
 * `LGPT_TORCH_PYTHON` points at another Python. Debian's `python3-torch` (1.13 on the system
 * BLAS) is used only when no 2.x is found, and the report names the version: on an AVX-512 Xeon
 * its batched matmuls ran at 3–10 GFLOP/s, so a ratio against it says little.
 */
import * as cp from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import * as readline from 'readline';

const ROOT = path.join(__dirname, '..', '..');
const SCRIPT = path.join(ROOT, 'bench', 'torch_nano.py');
const VENV_PYTHON = path.join(ROOT, '.venv', process.platform === 'win32' ? 'Scripts' : 'bin', process.platform === 'win32' ? 'python.exe' : 'python');
const SYSTEM_PYTHON = '/usr/bin/python3';

export interface TorchStatus {
  readonly available: boolean;
  readonly python?: string;
  readonly version?: string;
  /** The BLAS library torch will call, when it can be told (Debian's alternatives link). */
  readonly blas?: string;
  readonly reason?: string;
}

function blasLibrary(): string | undefined {
  try {
    return fs.realpathSync('/usr/lib/x86_64-linux-gnu/libblas.so.3');
  } catch {
    return undefined;
  }
}

function torchVersion(python: string): string | null {
  if (!fs.existsSync(python)) return null;
  const r = cp.spawnSync(python, ['-c', 'import torch; print(torch.__version__)'], { encoding: 'utf8', timeout: 120_000 });
  return r.status === 0 ? r.stdout.trim() : null;
}

/**
 * Find the PyTorch to compare with: `LGPT_TORCH_PYTHON`, else the project's .venv, else Debian's
 * /usr/bin/python3. The first that imports torch wins.
 */
export function torchStatus(python?: string): TorchStatus {
  const candidates = python ? [python] : process.env.LGPT_TORCH_PYTHON ? [process.env.LGPT_TORCH_PYTHON] : [VENV_PYTHON, SYSTEM_PYTHON];
  for (const py of candidates) {
    const version = torchVersion(py);
    if (version !== null) return { available: true, python: py, version, blas: py === SYSTEM_PYTHON ? blasLibrary() : undefined };
  }
  return { available: false, reason: `no Python with torch (tried ${candidates.join(', ')}); install PyTorch 2.x with: node scripts/setup-torch.js --install` };
}

/**
 * Install PyTorch 2.x (CPU build) into the project's .venv with pip (scripts/setup-torch.js)
 * when no torch is found and we may. Returns the status afterwards; `log` receives progress lines.
 */
export function ensureTorch(log: (line: string) => void, install: boolean): TorchStatus {
  const s = torchStatus();
  if (s.available || !install || process.env.LGPT_TORCH_PYTHON) return s;
  log('installing PyTorch 2.x (CPU build) into .venv with pip (about a minute, once)…');
  const r = cp.spawnSync(process.execPath, [path.join(ROOT, 'scripts', 'setup-torch.js'), '--install'], { stdio: ['ignore', 'pipe', 'pipe'], encoding: 'utf8', timeout: 1_800_000 });
  const after = torchStatus();
  if (!after.available) return { ...after, reason: `${after.reason}; setup-torch said: ${String(r.stdout).trim().split('\n').pop()}` };
  return after;
}

export interface TorchHeader {
  readonly torch: string;
  readonly threads: number;
  readonly tokensPerStep: number;
  readonly params: number;
  /** The kernels it calls, e.g. "BLAS mkl, oneDNN 3.12.0, AVX512". */
  readonly kernels?: string;
}

/** A running bench/torch_nano.py --serve. */
export class TorchReference {
  private readonly child: cp.ChildProcessWithoutNullStreams;
  private readonly lines: AsyncIterableIterator<string>;
  header: TorchHeader | null = null;

  constructor(opts: { python: string; preset: string; batch: number; vocab: number; threads: number }) {
    this.child = cp.spawn(opts.python, [SCRIPT, '--serve', '--preset', opts.preset, '--batch', String(opts.batch),
      '--vocab', String(opts.vocab), '--threads', String(opts.threads)], { stdio: ['pipe', 'pipe', 'pipe'] });
    this.child.stderr.on('data', () => undefined); // warnings; keep the pipe drained
    this.lines = readline.createInterface({ input: this.child.stdout })[Symbol.asyncIterator]();
  }

  private async nextJson(): Promise<Record<string, unknown>> {
    const { value, done } = await this.lines.next();
    if (done) throw new Error('the PyTorch reference exited early');
    return JSON.parse(value) as Record<string, unknown>;
  }

  /** Wait until the model is built and warmed up. */
  async ready(): Promise<TorchHeader> {
    this.header = (await this.nextJson()) as unknown as TorchHeader;
    return this.header;
  }

  /** Take `n` timed steps; their wall and CPU times in ms. */
  async steps(n: number): Promise<{ ms: number[]; cpuMs: number[] }> {
    this.child.stdin.write(`steps ${n}\n`);
    const r = await this.nextJson();
    return { ms: r.stepMs as number[], cpuMs: r.cpuMs as number[] };
  }

  close(): void {
    this.child.stdin.end('quit\n');
    setTimeout(() => { if (this.child.exitCode === null) this.child.kill(); }, 5000).unref();
  }
}

/** Where one PyTorch step's time goes (bench/torch_nano.py --profile: torch.profiler, self CPU time per op). */
export interface TorchProfile {
  readonly torch: string;
  readonly threads: number;
  /** Median wall time of unprofiled steps (ms). */
  readonly stepMs: number;
  /** Self time per kind (the kinds of src/bench/profile.ts, plus "autograd engine"), ms per step. */
  readonly byKind: Record<string, number>;
  /** Sum of all ops' self times, ms per step. */
  readonly opMs: number;
  readonly matmuls: { kind: string; shape: string; calls: number; ms: number; gflops: number; gflopPerSecond: number }[];
}

/** Run the PyTorch step under torch.profiler in a child process; null (with the reason logged) if it fails. */
export function torchProfile(opts: { python: string; preset: string; batch: number; vocab: number; threads: number }, log: (line: string) => void): TorchProfile | null {
  const r = cp.spawnSync(opts.python, [SCRIPT, '--profile', '--preset', opts.preset, '--batch', String(opts.batch),
    '--vocab', String(opts.vocab), '--threads', String(opts.threads)], { encoding: 'utf8', timeout: 600_000 });
  const line = String(r.stdout ?? '').split('\n').find((l) => l.startsWith('{'));
  if (r.status !== 0 || !line) {
    log(`PyTorch profile failed: ${String(r.stderr ?? '').trim().split('\n').pop() ?? `exit ${r.status}`}`);
    return null;
  }
  return JSON.parse(line) as TorchProfile;
}
