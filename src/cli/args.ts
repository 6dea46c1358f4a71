/**
 * A strict argument parser: every flag must be declared, every value must parse, so that a
 * typo is a one-line error instead of a silently ignored option.
 */
import { InputError } from '../errors';

/** A bad command line: printed as one line, exit code 2. */
export class CliError extends InputError {
  constructor(message: string) {
    super(message);
    this.name = 'CliError';
  }
}

export type FlagType = 'string' | 'int' | 'number' | 'boolean';

export interface FlagSpec {
  readonly type: FlagType;
  readonly help: string;
  readonly min?: number;
  readonly max?: number;
  readonly choices?: readonly string[];
}

export type Flags = Record<string, string | number | boolean | undefined>;

export interface Parsed {
  readonly positional: string[];
  readonly flags: Flags;
}

/** Parse `argv` against `spec`. `--json` and `--help` are always accepted. */
export function parseArgs(argv: readonly string[], spec: Readonly<Record<string, FlagSpec>>): Parsed {
  const all: Record<string, FlagSpec> = {
    json: { type: 'boolean', help: 'print one JSON object on stdout' },
    help: { type: 'boolean', help: 'show help' },
    ...spec,
  };
  const flags: Flags = {};
  const positional: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (!arg.startsWith('--')) { positional.push(arg); continue; }
    const eq = arg.indexOf('=');
    const name = arg.slice(2, eq < 0 ? undefined : eq);
    const s = Object.prototype.hasOwnProperty.call(all, name) ? all[name] : undefined;
    if (!s) {
      const near = Object.keys(all).filter((k) => editDistance(k, name) <= Math.max(1, Math.min(2, Math.round(k.length / 3))));
      throw new CliError(near.length > 0
        ? `unknown option --${name} (did you mean ${near.map((k) => `--${k}`).join(' or ')}?)`
        : `unknown option --${name} (known: ${Object.keys(all).map((k) => `--${k}`).join(', ')})`);
    }
    if (name in flags) throw new CliError(`--${name} is given twice`);
    if (s.type === 'boolean') {
      if (eq >= 0) throw new CliError(`--${name} takes no value`);
      flags[name] = true;
      continue;
    }
    let raw: string | undefined;
    if (eq >= 0) raw = arg.slice(eq + 1);
    else { raw = argv[i + 1]; i++; }
    if (raw === undefined || (eq < 0 && raw.startsWith('--'))) throw new CliError(`--${name} needs a value`);
    flags[name] = parseValue(name, raw, s);
  }
  return { positional, flags };
}

/** Levenshtein distance, for "did you mean": a typo is one or two edits away. */
function editDistance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    for (let j = 1; j <= b.length; j++) cur[j] = Math.min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    prev = cur;
  }
  return prev[b.length];
}

/** A decimal number as people write it: 12, -3, 0.5, .5, 1e-3 (no hex, no spaces, no Infinity). */
const DECIMAL = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

/** Whether `s` is a decimal number as the flags accept them (for lists inside one flag, e.g. --mix). */
export const isDecimal = (s: string): boolean => DECIMAL.test(s);

function parseValue(name: string, raw: string, s: FlagSpec): string | number {
  if (s.type === 'string') {
    if (s.choices && !s.choices.includes(raw)) throw new CliError(`--${name} must be one of ${s.choices.join(', ')}, got '${raw}'`);
    return raw;
  }
  // Decimal only: Number() would also read '0x7', '0b1', '0o7', ' 7 ' and 'Infinity'.
  const v = Number(raw);
  if (raw.trim() === '' || !Number.isFinite(v)) throw new CliError(`--${name} must be a number, got '${raw}'`);
  if (!DECIMAL.test(raw)) throw new CliError(`--${name} must be a decimal number, got '${raw}'`);
  if (s.type === 'int' && !Number.isInteger(v)) throw new CliError(`--${name} must be an integer, got '${raw}'`);
  if (s.min !== undefined && v < s.min) throw new CliError(`--${name} must be at least ${s.min}, got ${raw}`);
  if (s.max !== undefined && v > s.max) throw new CliError(`--${name} must be at most ${s.max}, got ${raw}`);
  return v;
}

/** Typed getters that assume parseArgs already validated the value. */
export const get = {
  str: (f: Flags, k: string): string | undefined => f[k] as string | undefined,
  num: (f: Flags, k: string): number | undefined => f[k] as number | undefined,
  bool: (f: Flags, k: string): boolean => f[k] === true,
};
