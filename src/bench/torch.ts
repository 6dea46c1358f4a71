/**
 * The PyTorch reference (bench/torch_nano.py) as a child process that takes timed steps on
 * request, so that the bench can interleave tfjs and PyTorch rounds in one run and report
 * ratios taken back to back (the machine is shared: absolute numbers drift, ratios less so).
 *
 * PyTorch comes from Debian (`apt-get install -y python3-torch`, run by /usr/bin/python3).
 * Debian's torch calls the system BLAS: without OpenBLAS (`libopenblas0-pthread`) the
 * reference BLAS makes it ~15× slower (measured: 142 against ~1,800 tokens/s on nano), so
 * both are installed together.
 */
import * as cp from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import * as readline from 'readline';

export const TORCH_PYTHON = process.env.LGPT_TORCH_PYTHON ?? '/usr/bin/python3';
const SCRIPT = path.join(__dirname, '..', '..', 'bench', 'torch_nano.py');

export interface TorchStatus {
  readonly available: boolean;
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

/** Can `python` import torch? */
export function torchStatus(python = TORCH_PYTHON): TorchStatus {
  if (!fs.existsSync(python)) return { available: false, reason: `${python} not found` };
  const r = cp.spawnSync(python, ['-c', 'import torch; print(torch.__version__)'], { encoding: 'utf8', timeout: 120_000 });
  if (r.status !== 0) return { available: false, reason: `${python} cannot import torch` };
  return { available: true, version: r.stdout.trim(), blas: blasLibrary() };
}

/**
 * Install Debian's PyTorch and OpenBLAS with apt-get when torch is missing and we may (root,
 * apt-get present). Returns the status afterwards; `log` receives progress lines.
 */
export function ensureTorch(log: (line: string) => void, install: boolean): TorchStatus {
  const s = torchStatus();
  const needBlas = s.available && s.blas !== undefined && !/openblas|blis|mkl/.test(s.blas);
  if ((s.available && !needBlas) || !install) return s;
  const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
  if (!isRoot || !fs.existsSync('/usr/bin/apt-get')) return { ...s, reason: s.reason ?? 'cannot install (needs root and apt-get)' };
  const pkgs = needBlas ? ['libopenblas0-pthread'] : ['python3-torch', 'libopenblas0-pthread'];
  log(`installing ${pkgs.join(' ')} with apt-get (a few minutes, once)…`);
  const r = cp.spawnSync('apt-get', ['install', '-y', ...pkgs], { stdio: ['ignore', 'ignore', 'pipe'], encoding: 'utf8', env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' }, timeout: 1_800_000 });
  if (r.status !== 0) return { available: false, reason: `apt-get install ${pkgs.join(' ')} failed: ${String(r.stderr).trim().split('\n').pop()}` };
  return torchStatus();
}

export interface TorchHeader {
  readonly torch: string;
  readonly threads: number;
  readonly tokensPerStep: number;
  readonly params: number;
}

/** A running bench/torch_nano.py --serve. */
export class TorchReference {
  private readonly child: cp.ChildProcessWithoutNullStreams;
  private readonly lines: AsyncIterableIterator<string>;
  header: TorchHeader | null = null;

  constructor(opts: { preset: string; batch: number; vocab: number; threads: number }) {
    this.child = cp.spawn(TORCH_PYTHON, [SCRIPT, '--serve', '--preset', opts.preset, '--batch', String(opts.batch),
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
