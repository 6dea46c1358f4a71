/**
 * The command table. Each command declares its flags (for validation and help) and a run
 * function that returns the JSON object it reports; `main` prints it.
 */
import type { FlagSpec, Parsed } from './args';

export interface CommandContext {
  /** Human-readable progress and notes go here (stderr), never to stdout. */
  readonly log: (line: string) => void;
  /** True when --json was given: stdout carries exactly one JSON object. */
  readonly json: boolean;
  /** Text piped on stdin, read lazily; more than `maxBytes` is refused (InputError). */
  readonly readStdin: (maxBytes: number) => Promise<Buffer>;
}

export interface Command {
  readonly name: string;
  readonly summary: string;
  readonly usage: string;
  readonly flags: Readonly<Record<string, FlagSpec>>;
  /** Added to the refusal of a stray positional argument (none takes one), e.g. "the text goes on stdin". */
  readonly positionalHint?: string;
  run(args: Parsed, ctx: CommandContext): Promise<Record<string, unknown>>;
  /** How to print the result without --json; defaults to key: value lines. */
  format?(result: Record<string, unknown>): string;
}

const registry = new Map<string, Command>();

export function registerCommand(cmd: Command): void {
  registry.set(cmd.name, cmd);
}

export function findCommand(name: string): Command | undefined {
  return registry.get(name);
}

export function listCommands(): Command[] {
  return [...registry.values()];
}
