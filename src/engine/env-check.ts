/**
 * Environment variables that this project or TensorFlow reads, checked before anything else
 * runs: a bad value is one line and exit code 2, not an abort deep inside the native library
 * (TF_NUM_INTRAOP_THREADS=-1 made every command, even `info`, die with SIGABRT and no message;
 * 100000 made it start threads for minutes) nor a value silently ignored (LGPT_THREADS=-3).
 * Unset or empty variables are fine: the defaults apply (backend.ts, nativeThreadSettings).
 */
import { InputError } from '../errors';

/** Most threads accepted for one pool: far above any machine this runs on, far below what hangs. */
export const MAX_THREADS = 1024;

type Rule = (v: string) => string | null;

const intIn = (lo: number, hi: number, note: string): Rule => (v) =>
  /^\d+$/.test(v.trim()) && Number(v) >= lo && Number(v) <= hi ? null : `must be a whole number from ${lo} to ${hi} (${note})`;

const RULES: ReadonlyArray<readonly [string, Rule]> = [
  ['TF_NUM_INTRAOP_THREADS', intIn(0, MAX_THREADS, 'threads; 0 lets TensorFlow choose')],
  ['TF_NUM_INTEROP_THREADS', intIn(0, MAX_THREADS, 'threads; 0 lets TensorFlow choose')],
  ['LGPT_THREADS', intIn(1, MAX_THREADS, 'threads')],
  ['OMP_NUM_THREADS', (v) => (v.split(',').every((p) => /^\s*\d+\s*$/.test(p) && Number(p) >= 1 && Number(p) <= MAX_THREADS) ? null : `must be a whole number of threads from 1 to ${MAX_THREADS} (or a comma-separated list of them)`)],
  ['TF_CPP_MIN_LOG_LEVEL', intIn(0, 3, 'a log level')],
  ['TF_ENABLE_ONEDNN_OPTS', (v) => (['0', '1', 'true', 'false', 'on', 'off', 'yes', 'no'].includes(v.trim().toLowerCase()) ? null : 'must be 0 or 1')],
  ['LGPT_BACKEND', (v) => (['tensorflow', 'wasm', 'cpu'].includes(v) ? null : 'must be one of tensorflow, wasm, cpu')],
  ['LGPT_FAST', (v) => (['0', '1'].includes(v.trim()) ? null : 'must be 0 or 1')],
];

/** Throw an InputError naming the first variable of `env` with a value that cannot work. */
export function checkEnvironment(env: NodeJS.ProcessEnv = process.env): void {
  for (const [name, rule] of RULES) {
    const v = env[name];
    if (v === undefined || v === '') continue;
    const why = rule(v);
    if (why) throw new InputError(`${name}=${JSON.stringify(v).slice(1, -1).slice(0, 40)} ${why}`);
  }
}
