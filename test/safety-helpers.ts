// Shared by checkpoint.test.ts and safety-*.test.ts: a pico checkpoint to corrupt, and the CLI
// run as a user runs it (a child process, LGPT_FROM_SOURCE=1 so that src/ is what is tested).
import { strict as assert } from 'assert';
import { type ChildProcess, spawn } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import * as tf from '@tensorflow/tfjs';
import { saveCheckpoint } from '../src/checkpoint';
import { run } from '../src/cli/main';
import { GPT, makeConfig } from '../src/model';
import { CharTokenizer } from '../src/tokenize';
import { AdamW } from '../src/train';

export const ROOT = path.join(__dirname, '..');

/** A pid no process has (above Linux's largest pid_max, 2^22): a lock holding it is stale. */
export const DEAD_PID = 0x7ffffff0;

/** Twelve distinct characters: a pico model's vocabulary. */
export const PICO_TEXT = 'the cat sat, on a mat!';

/**
 * Save a valid pico checkpoint (char tokenizer, optionally AdamW moments and a trainState) into
 * `dir`. Returns the weights of `wte` for comparisons.
 */
export function savePico(dir: string, opts: { seed?: number; optimizer?: boolean; dtype?: 'float32' | 'float16'; trainState?: Record<string, unknown> | null } = {}): Float32Array {
  const tok = CharTokenizer.fromText(PICO_TEXT);
  const model = new GPT(makeConfig({ preset: 'pico', vocabSize: tok.vocabSize }), { seed: opts.seed ?? 1 });
  let adam: AdamW | undefined;
  if (opts.optimizer) {
    adam = new AdamW();
    // One update so the moments are real numbers, not zeros.
    const grads = new Map<string, tf.Tensor>([...model.params].map(([k, v]) => [k, tf.onesLike(v)]));
    adam.apply(model.params, grads, 1e-3, () => true);
    tf.dispose([...grads.values()]);
  }
  saveCheckpoint(dir, model, { kind: 'lm', tokenizer: tok.toJSON(), optimizer: adam, dtype: opts.dtype, trainState: opts.trainState ?? null, metrics: { valLoss: 2.5 } });
  const wte = model.params.get('wte')!.dataSync().slice() as Float32Array;
  adam?.dispose();
  model.dispose();
  return wte;
}

export function weightsFileOf(dir: string): string {
  const j = JSON.parse(fs.readFileSync(path.join(dir, 'checkpoint.json'), 'utf8')) as { weightsFile: string };
  return path.join(dir, j.weightsFile);
}

export interface CliResult {
  readonly status: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
}

export interface CliOptions {
  readonly input?: string | Buffer;
  readonly env?: Record<string, string>;
  readonly timeoutMs?: number;
  /** Called with the child as soon as it is started. */
  readonly onSpawn?: (child: ChildProcess) => void;
  /** Called with the child and each stderr chunk (for tests that signal it mid-run). */
  readonly onStderr?: (child: ChildProcess, text: string, all: string) => void;
}

/** Run `literate-gpt ...args` from source; resolves when it exits (killed after timeoutMs). */
export function cli(args: readonly string[], opts: CliOptions = {}): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['bin/literate-gpt.js', ...args], {
      cwd: ROOT, env: { ...process.env, LGPT_FROM_SOURCE: '1', ...opts.env },
    });
    opts.onSpawn?.(child);
    let stdout = '';
    let stderr = '';
    const timer = setTimeout(() => child.kill('SIGKILL'), opts.timeoutMs ?? 300_000); // a hang, not a slow machine
    child.stdout.on('data', (d: Buffer) => { stdout += d.toString('utf8'); });
    child.stderr.on('data', (d: Buffer) => { const t = d.toString('utf8'); stderr += t; opts.onStderr?.(child, t, stderr); });
    child.on('error', reject);
    child.on('close', (status, signal) => { clearTimeout(timer); resolve({ status, signal, stdout, stderr }); });
    child.stdin.end(opts.input ?? '');
  });
}

/** Run many CLI calls, `width` at a time (each start costs ~2 s; the machine has 2 cores). */
export async function cliAll(calls: readonly (readonly string[])[], width = 3, opts: CliOptions = {}): Promise<CliResult[]> {
  const results: CliResult[] = new Array(calls.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < calls.length) {
      const i = next++;
      results[i] = await cli(calls[i], opts);
    }
  };
  await Promise.all(Array.from({ length: Math.min(width, calls.length) }, worker));
  return results;
}

/** The CLI's contract for bad input: exit code 2, exactly one line on stderr, no stack frames. */
export function assertCleanFailure(r: CliResult, re: RegExp, what: string): void {
  const lines = r.stderr.split('\n').filter((l) => l !== '');
  assert.equal(r.status, 2, `${what}: exit ${r.status} (${r.signal ?? ''}), stderr: ${r.stderr}`);
  assert.equal(lines.length, 1, `${what}: expected one line on stderr, got:\n${r.stderr}`);
  assert.doesNotMatch(r.stderr, /^\s+at /m, `${what}: a stack trace`);
  assert.match(lines[0], re, what);
  assert.equal(r.stdout, '', `${what}: stdout should be empty`);
}

/**
 * Run `literate-gpt ...args` inside this process (src/cli/main.ts's run, stdout and stderr
 * captured): the same code path as the binary without the ~2-9 s start of a child process, for
 * tables of cases that must be refused before any work. A case that is not refused really runs.
 */
export async function cliInProcess(args: readonly string[]): Promise<CliResult> {
  let stdout = '';
  let stderr = '';
  const out = process.stdout.write.bind(process.stdout);
  const err = process.stderr.write.bind(process.stderr);
  const capture = (sink: (s: string) => void) => ((chunk: string | Uint8Array): boolean => { sink(typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8')); return true; }) as typeof process.stdout.write;
  process.stdout.write = capture((s) => { stdout += s; });
  process.stderr.write = capture((s) => { stderr += s; });
  let status: number;
  try {
    status = await run(args);
  } finally {
    process.stdout.write = out;
    process.stderr.write = err;
  }
  return { status, signal: null, stdout, stderr };
}
