/**
 * Writes that cannot half-happen: the one way every file this project writes reaches the disk
 * (checkpoints, manifests, exports, PNGs, JSON results, bench files; the Hugging Face export too).
 *
 *   writeFileAtomic(file, data)      writeChunksAtomic(file, chunks)   (a large file, piece by piece)
 *
 * writes `data` to a new temporary file in the same folder (created exclusively, so it is
 * never someone else's), checks every write for a short count, fsyncs it, renames it over
 * `file` and fsyncs the folder. The rename is the only moment `file` changes, so a crash, a
 * kill -9 or a full disk leaves either the previous file or the new one, byte for byte. On any
 * failure the temporary file is removed and a WriteError (an InputError: one line, exit code 2)
 * names the file and the reason in words ("no space left on the device", "read-only
 * filesystem", "permission denied").
 *
 * While this process holds the folder's lock (lock.ts), each temporary name is journaled in it
 * first, so that after a kill -9 the next writer removes exactly the files this one left, and
 * nothing else, whatever its name.
 *
 * Tests replace the fs calls through `setWriteOpsForTesting` to fail the k-th operation.
 */
import * as crypto from 'crypto';
import * as fs from 'fs';
import * as path from 'path';
import { InputError } from '../errors';
import { fsReason } from './fs-reason';
import { journalPending } from './lock';

export { fsReason };

/** The fs calls a write makes (each one a point where a test may inject a failure). */
export interface WriteOps {
  openSync(file: string, flags: string, mode?: number): number;
  writeSync(fd: number, buf: Uint8Array, offset: number, length: number): number;
  fsyncSync(fd: number): void;
  closeSync(fd: number): void;
  renameSync(from: string, to: string): void;
  unlinkSync(file: string): void;
}

const realOps: WriteOps = {
  openSync: (f, flags, mode) => fs.openSync(f, flags, mode),
  writeSync: (fd, b, o, l) => fs.writeSync(fd, b, o, l),
  fsyncSync: (fd) => fs.fsyncSync(fd),
  closeSync: (fd) => fs.closeSync(fd),
  renameSync: (a, b) => fs.renameSync(a, b),
  unlinkSync: (f) => fs.unlinkSync(f),
};
let ops: WriteOps = realOps;

/** Replace some fs calls of the write path (tests only); null restores the real ones. */
export function setWriteOpsForTesting(o: Partial<WriteOps> | null): void {
  ops = o === null ? realOps : { ...realOps, ...o };
}

/** A file could not be written: one line, exit code 2. `code` is the fs error code (ENOSPC, …). */
export class WriteError extends InputError {
  constructor(message: string, readonly code: string | undefined, readonly reason: string) {
    super(message);
    this.name = 'WriteError';
  }
}

/** A path for a one-line message: control characters (a newline in a name) shown escaped. */
export function showPath(p: string): string {
  // eslint-disable-next-line no-control-regex
  return /[\x00-\x1f\x7f]/.test(p) ? JSON.stringify(p) : p;
}

/** Write all of `data` at the file position, looping over short writes; a write of 0 bytes is an error. */
export function writeAllSync(fd: number, data: Uint8Array, write: WriteOps['writeSync'] = ops.writeSync): void {
  let done = 0;
  while (done < data.byteLength) {
    const n = write(fd, data, done, data.byteLength - done);
    if (!(n > 0)) throw Object.assign(new Error('short write'), { code: 'ENOSPC' });
    done += n;
  }
}

/** Temporary files of writes in progress (removed if the process exits in between). */
const inFlight = new Set<string>();
process.on('exit', () => { for (const f of inFlight) { try { fs.unlinkSync(f); } catch { /* gone */ } } });

/** The temporary name for `file`: hidden, in the same folder, unique to this process and write. */
export function tempNameFor(file: string): string {
  return `.${path.basename(file)}.${process.pid}-${crypto.randomBytes(4).toString('hex')}.tmp`;
}

export interface AtomicWriteOptions {
  /** Permission bits of a new file (an existing file keeps its own). Default 0o644 (less the umask). */
  readonly mode?: number;
  /** Skip the folder fsync (many small files in a row, a test). Default false. */
  readonly noDirSync?: boolean;
}

/** Make a rename durable across a power cut (best effort: not every filesystem allows it). */
export function fsyncDir(dir: string): void {
  try {
    const fd = fs.openSync(dir, 'r');
    try { fs.fsyncSync(fd); } finally { fs.closeSync(fd); }
  } catch { /* e.g. a filesystem without directory fsync */ }
}

/**
 * Write `data` to `file` whole or not at all (see the top of this file). Throws a WriteError;
 * the previous `file`, if any, is then unchanged and no temporary file is left.
 */
export function writeFileAtomic(file: string, data: string | Uint8Array, o: AtomicWriteOptions = {}): void {
  writeChunksAtomic(file, [typeof data === 'string' ? Buffer.from(data, 'utf8') : data], o);
}

/**
 * writeFileAtomic for data made piece by piece (a large weights file, one tensor at a time), so
 * the whole never has to be in memory at once: each chunk the iterable yields is written (short
 * writes checked) before the next is asked for. The same guarantees: on any failure the previous
 * `file` is unchanged, no temporary file is left, and a WriteError names the reason. An error
 * thrown by `chunks` itself (a value it refuses) is thrown as it is, after the same cleanup.
 */
export function writeChunksAtomic(file: string, chunks: Iterable<Uint8Array>, o: AtomicWriteOptions = {}): void {
  const dir = path.dirname(path.resolve(file));
  const tmp = path.join(dir, tempNameFor(file));
  let mode = o.mode ?? 0o644;
  try { const st = fs.statSync(file); if (st.isFile()) mode = st.mode & 0o7777; } catch { /* a new file */ }
  let fd: number | null = null;
  let created = false;
  /** What `chunks` threw, told apart from the fs calls' errors. */
  let fromSource = null as { error: unknown } | null;
  let it: Iterator<Uint8Array> | null = null;
  try {
    journalPending(dir, path.basename(tmp));
    fd = ops.openSync(tmp, 'wx', mode);
    created = true;
    inFlight.add(tmp);
    it = chunks[Symbol.iterator]();
    for (;;) {
      let next: IteratorResult<Uint8Array>;
      try { next = it.next(); } catch (e) { fromSource = { error: e }; throw e; }
      if (next.done) { it = null; break; }
      writeAllSync(fd, next.value, ops.writeSync);
    }
    ops.fsyncSync(fd);
    const closing = fd;
    fd = null;
    ops.closeSync(closing);
    ops.renameSync(tmp, file);
    inFlight.delete(tmp);
    created = false;
  } catch (e) {
    if (fd !== null) { try { fs.closeSync(fd); } catch { /* already closed */ } }
    if (created) { try { ops.unlinkSync(tmp); } catch { try { fs.unlinkSync(tmp); } catch { /* gone */ } } inFlight.delete(tmp); }
    if (it && !fromSource) { try { it.return?.(); } catch { /* the write's error is the one to report */ } } // a generator's finally runs
    if (e instanceof InputError || (fromSource && fromSource.error === e)) throw e;
    const code = (e as NodeJS.ErrnoException).code;
    let existed = false;
    try { existed = fs.statSync(file).isFile(); } catch { /* none */ }
    throw new WriteError(`${showPath(file)}: cannot write it (${fsReason(e)}); ${existed ? 'the previous file is unchanged' : 'nothing was written'}`, code, fsReason(e));
  }
  if (!o.noDirSync) fsyncDir(dir);
}

/** Remove `file` if it is there; false when it was not. Errors other than "not there" are thrown. */
export function removeIfPresent(file: string): boolean {
  try { fs.unlinkSync(file); return true; } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return false;
    throw e;
  }
}
