/**
 * Run a function with file descriptor 2 pointed at /dev/null, then put stderr back.
 *
 * Why: with oneDNN switched on (backend.ts), the TensorFlow 2.21 C library prints an INFO
 * banner ("oneDNN custom operations are on…") through absl's logging while it loads, before
 * anything reads TF_CPP_MIN_LOG_LEVEL, so no setting hides it. Every CLI command would then
 * start with two lines of noise, and an error would no longer be the single line on stderr
 * the CLI promises. Node has no dup/dup2, so a 40-line addon provides them
 * (scripts/native/quiet-stderr.c, built into build/ by `npm install` next to the native
 * backend, which needs the same compiler). Without the addon `fn` just runs, banner and all.
 * Errors `fn` throws are exceptions, not stderr text, and still reach the caller.
 */
import * as fs from 'fs';
import * as path from 'path';

interface QuietStderrAddon {
  silence(): number;
  restore(saved: number): boolean;
}

/** build/quiet-stderr.node at the project root (two levels above src/engine and dist/engine). */
export const QUIET_STDERR_ADDON = path.join(__dirname, '..', '..', 'build', 'quiet-stderr.node');

let addon: QuietStderrAddon | null | undefined;

function loadAddon(): QuietStderrAddon | null {
  if (addon !== undefined) return addon;
  try {
    addon = fs.existsSync(QUIET_STDERR_ADDON) ? (require(QUIET_STDERR_ADDON) as QuietStderrAddon) : null;
  } catch {
    addon = null;
  }
  return addon;
}

/** Whether withQuietStderr can actually silence stderr here. */
export function canQuietStderr(): boolean {
  return loadAddon() !== null;
}

export function withQuietStderr<T>(fn: () => T): T {
  const a = loadAddon();
  const saved = a ? a.silence() : -1;
  try {
    return fn();
  } finally {
    if (a && saved >= 0) a.restore(saved);
  }
}
