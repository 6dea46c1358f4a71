/**
 * The `literate-gpt` command line. Contract: every command takes --json
 * and then prints exactly one JSON object on stdout; bad arguments or files give one line
 * on stderr and exit code 2, never a stack trace.
 */
import { releaseAllLocks } from '../checkpoint/lock';
import { checkEnvironment } from '../engine/env-check';
import { InputError } from '../errors';
import { CliError, parseArgs } from './args';
import { findCommand, listCommands, type CommandContext } from './commands';
import { readStdinBounded, useCheckedStdout, writeStdout } from './stdin';

// The commands, registered from one explicit list (command-list.ts).
function loadCommands(): void {
  require('./command-list');
}

function usage(): string {
  const lines = ['usage: literate-gpt <command> [options] [--json]', '', 'commands:'];
  for (const c of listCommands()) lines.push(`  ${c.name.padEnd(18)} ${c.summary}`);
  lines.push('', 'LGPT_BACKEND=tensorflow|wasm|cpu forces a backend.');
  return lines.join('\n');
}


function formatPlain(result: Record<string, unknown>): string {
  return Object.entries(result)
    .map(([k, v]) => `${k}: ${typeof v === 'object' ? JSON.stringify(v) : String(v)}`)
    .join('\n');
}

/** Known, user-facing failures (bad input/file) are errors with this flag or a CliError. */
export function isUserError(e: unknown): boolean {
  return e instanceof InputError;
}

export async function run(argv: readonly string[]): Promise<number> {
  // Always: a program (or a test) that imported one command module first has registered only
  // that one; require() caches, so the others are registered once and nothing twice.
  loadCommands();
  // Two-word commands ("train lm", "eval image") are registered under both words.
  const twoWord = argv.length >= 2 && findCommand(`${argv[0]} ${argv[1]}`) ? 2 : 1;
  const name = twoWord === 2 ? `${argv[0]} ${argv[1]}` : argv[0];
  const rest = argv.slice(twoWord);
  if (name === undefined) {
    // No command is a mistake: the usage goes to stderr (stdout stays clean) and the exit code is 2.
    process.stderr.write(usage() + '\n');
    return 2;
  }
  if (name === '--help' || name === 'help') {
    process.stdout.write(usage() + '\n');
    return 0;
  }
  const cmd = findCommand(name);
  if (!cmd) {
    const kinds = listCommands().filter((c) => c.name.startsWith(`${name} `)).map((c) => c.name.split(' ')[1]);
    const msg = kinds.length > 0
      ? `'${name}' needs a kind: ${kinds.join(', ')}${argv[1] ? ` (got '${argv[1]}')` : ''}`
      : `unknown command '${name}' (try: ${listCommands().map((c) => c.name).join(', ')})`;
    process.stderr.write(`literate-gpt: ${msg}\n`);
    return 2;
  }
  try {
    // Before anything else: a bad TF_NUM_INTRAOP_THREADS aborts the native library with no message.
    checkEnvironment();
    const args = parseArgs(rest, cmd.flags);
    if (args.flags.help) {
      const lines = [`usage: ${cmd.usage}`, '', cmd.summary, ''];
      for (const [k, s] of Object.entries(cmd.flags)) lines.push(`  --${k.padEnd(14)} ${s.help}`);
      process.stdout.write(lines.join('\n') + '\n');
      return 0;
    }
    // No command takes positional arguments: a stray word is a typo or a missing --flag.
    if (args.positional.length > 0) throw new CliError(`unexpected argument '${args.positional[0]}'${cmd.positionalHint ? ` (${cmd.positionalHint})` : ''}`);
    const json = args.flags.json === true;
    // A refusal is exactly one stderr line: "note:" lines are held back until the command shows
    // it is past its checks (it logs anything else, or finishes), and dropped if it is refused.
    let notes: string[] | null = [];
    const flushNotes = (): void => { if (notes) for (const n of notes) process.stderr.write(n + '\n'); notes = null; };
    const log = (l: string): void => {
      if (notes && l.startsWith('note:')) { notes.push(l); return; }
      flushNotes();
      process.stderr.write(l + '\n');
    };
    const ctx: CommandContext = { json, log, readStdin: readStdinBounded };
    let result: Record<string, unknown>;
    try {
      result = await cmd.run(args, ctx);
    } catch (e) {
      if (!isUserError(e)) flushNotes(); // a crash keeps its context; a refusal stays one line
      throw e;
    }
    flushNotes();
    writeStdout((json ? JSON.stringify(result) : (cmd.format ?? formatPlain)(result)) + '\n');
    return 0;
  } catch (e) {
    const msg = e instanceof Error ? e.message : String(e);
    // A user error is one line by construction, but a path in it may hold a newline: shown
    // escaped, so the reason after the path is not lost. Anything else: its first line.
    // eslint-disable-next-line no-control-regex
    const line = isUserError(e) ? msg.replace(/[\x00-\x1f\x7f]/g, (c) => JSON.stringify(c).slice(1, -1)) : msg.split('\n')[0];
    process.stderr.write(`literate-gpt ${name}: ${line}\n`);
    if (!isUserError(e) && process.env.LGPT_DEBUG === '1' && e instanceof Error) process.stderr.write(`${e.stack}\n`);
    return isUserError(e) ? 2 : 1;
  } finally {
    // The folders this command locked (one writer per folder) are free again; a folder the lock
    // created and nothing was written to is removed.
    releaseAllLocks();
  }
}

/** Entry point used by bin/literate-gpt.js. */
export function main(argv: readonly string[]): void {
  useCheckedStdout();
  // `literate-gpt tokenize < book.txt | head` closes the pipe before we finish writing: the reader
  // has what it wanted, so stop quietly instead of dying with an unhandled EPIPE and a stack trace.
  process.stdout.on('error', (e: NodeJS.ErrnoException) => {
    if (e.code === 'EPIPE') process.exit(process.exitCode ?? 0);
    process.stderr.write(`literate-gpt: cannot write the output (${e.message})\n`);
    process.exit(1);
  });
  run(argv).then((code) => {
    process.exitCode = code;
  }, (e) => {
    process.stderr.write(`literate-gpt: ${String(e)}\n`);
    process.exitCode = 1;
  });
}
