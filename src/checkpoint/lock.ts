/**
 * One writer per folder. A process that writes a checkpoint folder (or the bench results)
 * holds `.literate-gpt.lock` in it: a file created exclusively (O_EXCL), whose first line is
 * `{"pid":…,"since":…,"command":…}`. A second writer finds it, sees the pid alive, and is
 * refused in one line before any work. A lock whose pid is dead (kill -9, a power cut) is
 * stale: the next writer takes it over — through `.literate-gpt.lock.break`, itself created
 * exclusively, so two processes that both find the same stale lock cannot both take it.
 *
 * The lock is also the folder's journal. Before a write creates a file whose name the
 * checkpoint does not list yet (a temporary file, a new weights file, a weights file about to
 * be deleted), a line `pending NAME` is appended. Whoever takes over a stale lock removes
 * exactly the pending files that the current checkpoint.json does not list — what the dead
 * writer made — and never a file by the look of its name. After a complete save the journal
 * is emptied again.
 *
 * Locks are re-entrant within a process (the CLI takes it for the whole command; the library's
 * saves inside take it again) and released at exit; a folder the lock itself created is
 * removed again when it is left empty (a refused command leaves nothing behind).
 */
import * as fs from 'fs';
import * as path from 'path';
import { InputError } from '../errors';
import { fsReason } from './fs-reason';

export const LOCK_FILE = '.literate-gpt.lock';
const BREAK_FILE = `${LOCK_FILE}.break`;
/** An unreadable (empty, cut) lock younger than this may be a writer between open and write. */
const YOUNG_MS = 10_000;

interface Held { refs: number; created: string[]; }
/** Locks this process holds, by the folder's resolved path. */
const held = new Map<string, Held>();

function key(dir: string): string {
  try { return fs.realpathSync(dir); } catch { return path.resolve(dir); }
}

interface LockInfo { pid: number | null; since: string; command: string; pending: string[]; ageMs: number }

function readLock(file: string): LockInfo | null {
  let text: string;
  let ageMs = 0;
  try {
    const fd = fs.openSync(file, fs.constants.O_RDONLY | fs.constants.O_NOFOLLOW | fs.constants.O_NONBLOCK);
    try {
      const st = fs.fstatSync(fd);
      if (!st.isFile()) return { pid: null, since: '', command: '', pending: [], ageMs: Infinity };
      ageMs = Date.now() - st.mtimeMs;
      const buf = Buffer.alloc(Math.min(st.size, 1 << 20));
      const n = fs.readSync(fd, buf, 0, buf.length, 0);
      text = buf.subarray(0, n).toString('utf8');
    } finally { fs.closeSync(fd); }
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw e;
  }
  const lines = text.split('\n');
  let pid: number | null = null;
  let since = '';
  let command = '';
  try {
    const h = JSON.parse(lines[0]) as { pid?: unknown; since?: unknown; command?: unknown };
    if (Number.isInteger(h.pid) && (h.pid as number) > 0) pid = h.pid as number;
    since = typeof h.since === 'string' ? h.since : '';
    command = typeof h.command === 'string' ? h.command : '';
  } catch { /* unreadable header */ }
  const pending = lines.slice(1).filter((l) => l.startsWith('pending ')).map((l) => l.slice(8)).filter((n) => n !== '' && !n.includes('/') && n !== '.' && n !== '..');
  return { pid, since, command, pending, ageMs };
}

/** Whether process `pid` exists (EPERM: it exists but is someone else's). */
export function pidAlive(pid: number): boolean {
  try { process.kill(pid, 0); return true; } catch (e) { return (e as NodeJS.ErrnoException).code === 'EPERM'; }
}

function header(): string {
  return `${JSON.stringify({ pid: process.pid, since: new Date().toISOString(), command: ['literate-gpt', ...process.argv.slice(2)].join(' ').slice(0, 500) })}\n`;
}

function refuse(dir: string, info: LockInfo): never {
  const what = info.pid !== null ? `pid ${info.pid}${info.since ? `, since ${info.since}` : ''}` : 'just starting';
  throw new InputError(`${dir}: another literate-gpt process (${what}) is writing this folder; wait for it to finish or stop it (one writer per folder)`);
}

/** Remove what a dead writer journaled and the folder's checkpoint does not list. */
function cleanJournal(dir: string, pending: readonly string[]): void {
  let listed: string | null = null;
  try { listed = (JSON.parse(fs.readFileSync(path.join(dir, 'checkpoint.json'), 'utf8')) as { weightsFile?: unknown }).weightsFile as string; } catch { /* none */ }
  for (const name of new Set(pending)) {
    if (name === listed || name === 'checkpoint.json' || name === 'manifest.json' || name === LOCK_FILE) continue;
    try { if (fs.lstatSync(path.join(dir, name)).isFile()) fs.unlinkSync(path.join(dir, name)); } catch { /* gone */ }
  }
}

/**
 * Create `file` holding this process's header, or return false when it exists. The header is
 * written to a temporary file first and hard-linked into place, so the lock never exists empty
 * (a kill -9 between open and write would otherwise leave a lock without a pid). Filesystems
 * without hard links get open(O_EXCL) and a write.
 */
function createExclusive(file: string): boolean {
  const tmp = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(tmp, header());
  try {
    fs.linkSync(tmp, file);
    return true;
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'EEXIST') return false;
    if (code !== 'EPERM' && code !== 'ENOTSUP' && code !== 'EOPNOTSUPP') throw e;
  } finally {
    try { fs.unlinkSync(tmp); } catch { /* gone */ }
  }
  let fd: number;
  try { fd = fs.openSync(file, 'wx', 0o644); } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw e;
  }
  try { fs.writeSync(fd, header()); } finally { fs.closeSync(fd); }
  return true;
}

/** The temporary files of createExclusive and clearJournal that a killed process left: removed when their pid is dead. */
function removeDeadTemps(dir: string): void {
  for (const f of fs.readdirSync(dir)) {
    const m = /^\.literate-gpt\.lock(?:\.break)?\.(\d+)\.tmp$/.exec(f);
    if (!m || pidAlive(Number(m[1]))) continue;
    const file = path.join(dir, f);
    const info = readLockQuiet(file);
    let empty = false;
    try { empty = fs.lstatSync(file).size === 0; } catch { /* gone */ }
    if (info && (info.pid === Number(m[1]) || empty)) { try { fs.unlinkSync(file); } catch { /* gone */ } }
  }
}

function describeFsError(dir: string, e: unknown): never {
  if (e instanceof InputError) throw e;
  throw new InputError(`${dir}: cannot lock the folder for writing (${fsReason(e)})`);
}

function take(dir: string): void {
  const lock = path.join(dir, LOCK_FILE);
  for (let attempt = 0; attempt < 3; attempt++) {
    if (createExclusive(lock)) { removeDeadTemps(dir); return; }
    const info = readLock(lock);
    if (info === null) continue; // released in between: try again
    if (info.pid === null ? info.ageMs < YOUNG_MS : (info.pid !== process.pid && pidAlive(info.pid))) refuse(dir, info);
    // Stale: take it over through the break file, so that only one process does.
    const brk = path.join(dir, BREAK_FILE);
    if (!createExclusive(brk)) {
      const b = readLock(brk);
      if (b && (b.pid === null ? b.ageMs < YOUNG_MS : pidAlive(b.pid))) refuse(dir, b);
      try { fs.unlinkSync(brk); } catch { /* someone else did */ }
      continue;
    }
    const again = readLock(lock);
    if (again === null || again.pid !== info.pid || again.since !== info.since) { fs.unlinkSync(brk); continue; }
    cleanJournal(dir, again.pending);
    removeDeadTemps(dir);
    fs.renameSync(brk, lock); // the break file, holding our header, is now the lock
    return;
  }
  refuse(dir, { pid: null, since: '', command: '', pending: [], ageMs: 0 });
}

/**
 * Hold the write lock of folder `dir` (created, with any missing parents, when `create`), or
 * throw an InputError when another live process holds it. Re-entrant; undo with unlockFolder.
 */
export function lockFolder(dir: string, o: { create?: boolean } = {}): void {
  const k = key(dir);
  const h = held.get(k);
  if (h) { h.refs++; return; }
  const created: string[] = [];
  try {
    if (o.create) {
      let cur = path.resolve(dir);
      const missing: string[] = [];
      while (!fs.existsSync(cur)) { missing.push(cur); const up = path.dirname(cur); if (up === cur) break; cur = up; }
      for (const m of missing.reverse()) { fs.mkdirSync(m); created.push(m); }
    }
    take(dir);
  } catch (e) {
    for (const c of created.reverse()) { try { fs.rmdirSync(c); } catch { /* not empty */ } }
    describeFsError(dir, e);
  }
  held.set(key(dir), { refs: 1, created });
}

/** Give back one hold of `dir`'s lock; the last one removes the lock file (and the folders it created, if empty). */
export function unlockFolder(dir: string): void {
  const k = key(dir);
  const h = held.get(k);
  if (!h) return;
  if (--h.refs > 0) return;
  release(k, h);
}

function release(k: string, h: Held): void {
  held.delete(k);
  const lock = path.join(k, LOCK_FILE);
  const info = readLockQuiet(lock);
  if (info && info.pid === process.pid) { try { fs.unlinkSync(lock); } catch { /* gone */ } }
  for (const c of [...h.created].reverse()) { try { fs.rmdirSync(c); } catch { /* not empty: it holds what we wrote */ } }
}

function readLockQuiet(file: string): LockInfo | null {
  try { return readLock(file); } catch { return null; }
}

/** Run `fn` holding `dir`'s lock (the folder must exist). */
export function withFolderLock<T>(dir: string, fn: () => T): T {
  lockFolder(dir);
  try { return fn(); } finally { unlockFolder(dir); }
}

/** Whether this process holds `dir`'s lock. */
export function holdsLock(dir: string): boolean {
  return held.has(key(dir));
}

/**
 * Journal a file about to be created (or deleted) in `dir`, if this process holds its lock: a
 * line `pending NAME` in the lock file, fsynced, so a writer that takes over after a crash
 * removes it. A no-op for a folder without our lock (a PNG next to the user's files).
 */
export function journalPending(dir: string, name: string): void {
  if (!held.has(key(dir))) return;
  const fd = fs.openSync(path.join(dir, LOCK_FILE), 'a');
  try {
    const line = Buffer.from(`pending ${name}\n`);
    if (fs.writeSync(fd, line) !== line.length) throw Object.assign(new Error('short write'), { code: 'ENOSPC' });
    fs.fsyncSync(fd);
  } finally { fs.closeSync(fd); }
}

/** After a complete save: the journal is emptied back to the lock's header. */
export function clearJournal(dir: string): void {
  if (!held.has(key(dir))) return;
  const lock = path.join(dir, LOCK_FILE);
  const info = readLockQuiet(lock);
  if (!info || info.pid !== process.pid || info.pending.length === 0) return;
  // A temporary file renamed over the lock: the lock is never empty, not even for a moment.
  const tmp = `${lock}.${process.pid}.tmp`;
  try {
    fs.writeFileSync(tmp, `${JSON.stringify({ pid: process.pid, since: info.since, command: info.command })}\n`);
    fs.renameSync(tmp, lock);
  } catch {
    try { fs.unlinkSync(tmp); } catch { /* never made */ } // the entries stay; harmless
  }
}

/** Give back every lock this process holds (the CLI, when a command ends; and at exit). */
export function releaseAllLocks(): void {
  for (const [k, h] of [...held]) release(k, h);
}

process.on('exit', releaseAllLocks);
