/**
 * Bounded standard input and complete standard output.
 *
 * stdin: `tokenize < /dev/zero`, `yes | classify` never end; the reader stops at a limit and
 * refuses in one line (the limits are in the commands: a text to tokenize, an e-mail to classify).
 * A terminal gives no input (the commands then say "no text on stdin").
 *
 * stdout: Node's stream to a regular file drops the rest of a short write silently, so on a
 * full disk `tokenize --json > ids.json` exited 0 with its output cut at 8 KB. When stdout is a
 * regular file, the output is written with every write checked (and fsync'd), and a failure is
 * a WriteError: one line, exit code 2.
 */
import * as fs from 'fs';
import { fsReason, writeAllSync, WriteError } from '../checkpoint/atomic';
import { InputError } from '../errors';

/** Read all of stdin, refusing more than `maxBytes` (without reading past the limit by more than a chunk). */
export function readStdinBounded(maxBytes: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    if (process.stdin.isTTY) { resolve(Buffer.alloc(0)); return; }
    const chunks: Buffer[] = [];
    let total = 0;
    const onData = (c: Buffer): void => {
      total += c.length;
      if (total > maxBytes) {
        process.stdin.off('data', onData);
        process.stdin.pause();
        process.stdin.destroy();
        reject(new InputError(`the input on stdin is longer than the limit of ${maxBytes.toLocaleString('en')} bytes`));
        return;
      }
      chunks.push(c);
    };
    process.stdin.on('data', onData);
    process.stdin.on('end', () => resolve(Buffer.concat(chunks)));
    process.stdin.on('error', (e) => reject(new InputError(`cannot read stdin (${fsReason(e)})`)));
  });
}

let checked = false;

/** The binary's entry point turns checked writes on (in-process callers keep process.stdout, which tests capture). */
export function useCheckedStdout(): void {
  checked = true;
}

function stdoutIsFile(): boolean {
  if (!checked) return false;
  try { return fs.fstatSync(1).isFile(); } catch { return false; }
}

/** Write `text` to stdout completely: checked writes into a file, the stream otherwise. */
export function writeStdout(text: string): void {
  if (!stdoutIsFile()) { process.stdout.write(text); return; }
  try {
    writeAllSync(1, Buffer.from(text, 'utf8'), (fd, b, o, l) => fs.writeSync(fd, b, o, l));
    fs.fsyncSync(1);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new WriteError(`cannot write the output to stdout's file (${fsReason(e)}); it is incomplete`, code, fsReason(e));
  }
}
