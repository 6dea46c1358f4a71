/**
 * Output paths, checked in one place before any work starts, by every command that writes
 * (issue 20). The rules, as the README states them:
 *
 * - A path is compared by what it resolves to, symbolic links followed, never by its spelling:
 *   `--out LINK` with LINK pointing at the `--checkpoint` folder is that folder, and refused.
 * - `--out ""`, a regular file, a path under a file, a broken link, or a place that cannot be
 *   written (the folder itself or, for a new one, its nearest existing parent) is refused.
 * - A folder that holds one of our checkpoints is replaced only when asked: `--resume`
 *   continues it, `--force` replaces it (and a one-line note says which model goes). A
 *   checkpoint of another kind, or a `checkpoint.json` that is not ours, is never replaced.
 * - A folder without a checkpoint must be new, empty, or hold only hidden files and the
 *   leftovers of an interrupted save of ours: a folder of the user's files is refused, so
 *   nothing in it is touched. Beside a checkpoint, the user's files stay: saves delete only the
 *   weights file their previous checkpoint listed (checkpoint/io.ts).
 * - `manifest.json` is rewritten only when it is one this tool wrote.
 */
import * as fs from 'fs';
import * as path from 'path';
import { CHECKPOINT_FILE, FORMAT, type CheckpointKind } from '../checkpoint/format';
import { InputError } from '../errors';
import { writeFileAtomic } from '../checkpoint/atomic';
import { lockFolder } from '../checkpoint/lock';

/** `p` resolved with every symbolic link followed; for a path that does not exist yet, its nearest existing ancestor is resolved. */
export function resolvedPath(p: string): string {
  const abs = path.resolve(p);
  const rest: string[] = [];
  let cur = abs;
  for (;;) {
    try {
      return path.join(fs.realpathSync(cur), ...rest.reverse());
    } catch {
      const parent = path.dirname(cur);
      if (parent === cur) return abs;
      rest.push(path.basename(cur));
      cur = parent;
    }
  }
}

/**
 * Whether `a` and `b` name the same file or folder: the same path once symbolic links are
 * followed, or — a bind mount, a hard link — the same device and inode.
 */
export function samePath(a: string, b: string): boolean {
  if (resolvedPath(a) === resolvedPath(b)) return true;
  try {
    const sa = fs.statSync(a);
    const sb = fs.statSync(b);
    return sa.dev === sb.dev && sa.ino === sb.ino;
  } catch {
    return false; // one of them does not exist yet
  }
}

export const KIND_NAMES: Readonly<Record<CheckpointKind, string>> = { lm: 'language model', image: 'image model', classifier: 'classifier' };

/** The names saveCheckpoint gives its weights and temporary JSON: leftovers of an interrupted save of ours. */
const OWN_LEFTOVER = /^(weights-[0-9a-z]+-[0-9a-f]{8}\.bin|\.checkpoint\.json\.[0-9]+\.tmp)$/;
/** Larger than any checkpoint.json this tool writes for the models it trains (format.ts allows 64 MiB). */
const MAX_DESCRIBE_BYTES = 64 * 1024 * 1024;

const MANIFEST_FILE = 'manifest.json';

/** fs errors as a few words for a person. */
function reason(e: unknown): string {
  const code = (e as NodeJS.ErrnoException).code;
  const text: Record<string, string> = { EACCES: 'permission denied', EPERM: 'permission denied', EROFS: 'a read-only filesystem', ENOTDIR: 'a path component is not a folder', ELOOP: 'too many symbolic links', ENAMETOOLONG: 'name too long' };
  return (code && text[code]) ?? ((e as Error).message ?? String(e)).split('\n')[0];
}

function writable(p: string): string | null {
  try {
    fs.accessSync(p, fs.constants.W_OK | fs.constants.X_OK);
    return null;
  } catch (e) {
    return reason(e);
  }
}

/**
 * What is at `p`: nothing yet (then its nearest existing ancestor must be a writable folder),
 * a folder, or a file. Refuses a broken link, a path under a file, and what cannot be written.
 */
function inspectTarget(p: string, flag: string, want: 'folder' | 'file'): 'none' | 'folder' | 'file' {
  let l: fs.Stats | null = null;
  try { l = fs.lstatSync(p); } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOTDIR') throw new InputError(`${flag} ${p}: a path component is a file, not a folder`);
    if (code !== 'ENOENT') throw new InputError(`${flag} ${p}: cannot be used (${reason(e)})`);
  }
  if (l === null) {
    // Not there yet: it is created under its nearest existing ancestor, which must be a writable folder.
    let cur = path.dirname(path.resolve(p));
    for (;;) {
      let st: fs.Stats | null = null;
      try { st = fs.statSync(cur); } catch { /* keep climbing */ }
      if (st) {
        if (!st.isDirectory()) throw new InputError(`${flag} ${p}: ${cur} is a file, not a folder`);
        const why = writable(cur);
        if (why) throw new InputError(`${flag} ${p}: cannot create it in ${cur} (${why})`);
        return 'none';
      }
      const up = path.dirname(cur);
      if (up === cur) throw new InputError(`${flag} ${p}: no existing folder above it`);
      cur = up;
    }
  }
  let st: fs.Stats;
  try { st = fs.statSync(p); } catch (e) {
    throw new InputError(l.isSymbolicLink() ? `${flag} ${p}: a broken symbolic link` : `${flag} ${p}: cannot be used (${reason(e)})`);
  }
  if (st.isDirectory()) {
    if (want === 'file') throw new InputError(`${flag} ${p}: is a folder; give a file name`);
    const why = writable(p);
    if (why) throw new InputError(`${flag} ${p}: cannot write into it (${why})`);
    return 'folder';
  }
  if (want === 'folder') throw new InputError(`${flag} ${p}: exists and is not a folder`);
  if (!st.isFile()) throw new InputError(`${flag} ${p}: exists and is not a regular file`);
  try { fs.accessSync(p, fs.constants.W_OK); } catch (e) { throw new InputError(`${flag} ${p}: cannot write it (${reason(e)})`); }
  const dirWhy = writable(path.dirname(path.resolve(p)));
  if (dirWhy) throw new InputError(`${flag} ${p}: cannot write in its folder (${dirWhy})`);
  return 'file';
}

const withArticle = (noun: string): string => `${/^[aeiou]/.test(noun) ? 'an' : 'a'} ${noun}`;

/** One of our checkpoints found in an --out folder, described for a person. */
export interface ExistingCheckpoint {
  readonly kind: CheckpointKind;
  /** e.g. "a language model of 1,070,592 parameters (5,000 steps)". */
  readonly description: string;
}

/** Parse the checkpoint.json in `dir` just far enough to say what it is; null when it is not ours. */
function describeCheckpoint(dir: string): ExistingCheckpoint | null {
  let j: { format?: unknown; kind?: unknown; tensors?: unknown; optimizer?: { step?: unknown } | null };
  try {
    const file = path.join(dir, CHECKPOINT_FILE);
    const st = fs.statSync(file);
    if (!st.isFile() || st.size > MAX_DESCRIBE_BYTES) return null;
    j = JSON.parse(fs.readFileSync(file, 'utf8')) as typeof j;
  } catch {
    return null;
  }
  if (typeof j !== 'object' || j === null || j.format !== FORMAT || typeof j.kind !== 'string' || !(j.kind in KIND_NAMES)) return null;
  const kind = j.kind as CheckpointKind;
  let params = 0;
  if (Array.isArray(j.tensors)) {
    for (const t of j.tensors as { name?: unknown; shape?: unknown }[]) {
      if (typeof t?.name !== 'string' || t.name.startsWith('adam.') || !Array.isArray(t.shape)) continue;
      params += (t.shape as number[]).reduce((a, b) => a * (Number(b) || 0), 1);
    }
  }
  let steps: number | null = typeof j.optimizer?.step === 'number' ? j.optimizer.step : null;
  const manifest = readManifest(dir);
  if (steps === null && manifest && typeof manifest.steps === 'number') steps = manifest.steps;
  const kindName = KIND_NAMES[kind];
  const description = `${withArticle(kindName)} of ${params.toLocaleString('en')} parameters${steps !== null ? ` (${steps.toLocaleString('en')} steps)` : ''}`;
  return { kind, description };
}

function readManifest(dir: string): Record<string, unknown> | null {
  try {
    const file = path.join(dir, MANIFEST_FILE);
    const st = fs.statSync(file);
    if (!st.isFile() || st.size > MAX_DESCRIBE_BYTES) return null;
    const m = JSON.parse(fs.readFileSync(file, 'utf8')) as unknown;
    return typeof m === 'object' && m !== null && !Array.isArray(m) ? m as Record<string, unknown> : null;
  } catch {
    return null;
  }
}

/**
 * Whether `dir/manifest.json` is one this tool wrote: every manifest of ours (export lm, export
 * image, train classifier) records the command, seed, backend and steps.
 */
export function isOurManifest(dir: string): boolean {
  const m = readManifest(dir);
  return m !== null && 'command' in m && 'seed' in m && typeof m.backend === 'string' && 'steps' in m;
}

function exists(p: string): boolean {
  try { fs.lstatSync(p); return true; } catch { return false; }
}

export interface CheckpointOutOptions {
  /** The flag named in messages (default --out). */
  readonly flag?: string;
  /** The kind of checkpoint the command writes. */
  readonly kind: CheckpointKind;
  /** The paths the command reads, by flag: --out must be none of them (links followed). */
  readonly inputs?: ReadonlyArray<readonly [string, string | undefined]>;
  /** --resume was given (only commands that can continue a checkpoint pass it). */
  readonly resume?: boolean;
  /** Whether the command has --resume at all (for the refusal's advice). */
  readonly canResume?: boolean;
  /** --force was given: an existing checkpoint of the same kind may be replaced. */
  readonly force?: boolean;
  /** The command writes manifest.json into the folder. */
  readonly writesManifest?: boolean;
  /** Where the one-line note about a replaced checkpoint goes. */
  readonly log?: (line: string) => void;
}

export interface CheckedOut {
  /** The checkpoint already in the folder (continued with --resume, replaced with --force), if any. */
  readonly existing: ExistingCheckpoint | null;
}

/**
 * Check a checkpoint folder a command is about to write, before any work starts. Throws an
 * InputError (one line, exit 2) when writing there could lose something the user has.
 */
export function checkCheckpointOut(out: string | undefined, o: CheckpointOutOptions): CheckedOut {
  const flag = o.flag ?? '--out';
  if (out === undefined) throw new InputError(`${flag} DIR is required`);
  if (out.trim() === '') throw new InputError(`${flag} is empty: give a folder for the checkpoint`);
  if (o.resume && o.force) throw new InputError('--resume and --force contradict each other: --resume continues the checkpoint in --out, --force replaces it');
  for (const [inFlag, input] of o.inputs ?? []) {
    if (input !== undefined && input.trim() !== '' && samePath(input, out)) throw new InputError(`${flag} ${out} is the ${inFlag} folder (symbolic links followed): choose another`);
  }
  const isNew = inspectTarget(out, flag, 'folder') === 'none';
  // One writer per folder: the lock is taken (a new folder created for it) before the folder's
  // contents are judged, so a second command is refused here, before any work. It is held to
  // the end of the process; a folder it created is removed again if nothing was written there.
  lockFolder(out, { create: true });
  if (isNew) return { existing: null };
  const entries = fs.readdirSync(out);
  if (!exists(path.join(out, CHECKPOINT_FILE))) {
    // Hidden files (.gitkeep) and an interrupted save's leftovers may stay; anything else is the user's.
    // So may `best-epoch/` holding one of ours: train classifier keeps its best epoch's weights there.
    const other = entries.filter((f) => !f.startsWith('.') && !OWN_LEFTOVER.test(f) && !(f === 'best-epoch' && describeCheckpoint(path.join(out, f)) !== null));
    if (other.length > 0) throw new InputError(`${flag} ${out}: a folder of other files (${other.slice(0, 3).join(', ')}${other.length > 3 ? ', …' : ''}), not a checkpoint folder; choose a new or empty one`);
    return { existing: null };
  }
  const existing = describeCheckpoint(out);
  if (existing === null) throw new InputError(`${flag} ${out}: holds a ${CHECKPOINT_FILE} that is not a literate-gpt checkpoint; it is never replaced (choose another folder)`);
  if (existing.kind !== o.kind) throw new InputError(`${flag} ${out} holds ${existing.description}: ${withArticle(KIND_NAMES[o.kind])} never replaces another kind of checkpoint (choose another folder)`);
  if (o.writesManifest && exists(path.join(out, MANIFEST_FILE)) && !isOurManifest(out)) {
    throw new InputError(`${flag} ${out}: its ${MANIFEST_FILE} was not written by literate-gpt and would be overwritten (move it away first)`);
  }
  if (o.resume) return { existing };
  if (!o.force) {
    throw new InputError(`${flag} ${out} already holds ${existing.description}: ${o.canResume ? '--resume continues it, ' : ''}--force replaces it, or choose another folder`);
  }
  o.log?.(`note: --force: replacing ${existing.description} in ${out}`);
  return { existing };
}

/**
 * After `--force` replaced the checkpoint in `out`: remove the manifest that described the old
 * model (only one of ours; a user's file is never touched), so no manifest describes the wrong model.
 */
export function removeStaleManifest(out: string): void {
  if (exists(path.join(out, MANIFEST_FILE)) && isOurManifest(out)) fs.rmSync(path.join(out, MANIFEST_FILE), { force: true });
}

/**
 * Write the manifest of the checkpoint just saved in `out` (whole or not at all). If it cannot
 * be written, the old manifest of ours goes too, so that no manifest describes a model that is
 * not the one beside it; the error is then thrown.
 */
export function replaceManifest(out: string, manifest: unknown): void {
  try {
    writeFileAtomic(path.join(out, MANIFEST_FILE), JSON.stringify(manifest, null, 2) + '\n');
  } catch (e) {
    removeStaleManifest(out);
    throw e;
  }
}

/** PNG files start with these eight bytes. */
const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

function isPngFile(file: string): boolean {
  try {
    const fd = fs.openSync(file, 'r');
    try {
      const b = Buffer.alloc(8);
      return fs.readSync(fd, b, 0, 8, 0) === 8 && b.equals(PNG_SIGNATURE);
    } finally {
      fs.closeSync(fd);
    }
  } catch {
    return false;
  }
}

/**
 * Check a picture file a command will write (`--png FILE`), before any work: not empty, not a
 * folder, in a place that can be written, and not replacing anything but an earlier PNG picture.
 */
export function checkPngOut(file: string | undefined, flag = '--png'): void {
  if (file === undefined) return;
  if (file.trim() === '') throw new InputError(`${flag} is empty: give a file name for the picture`);
  if (inspectTarget(file, flag, 'file') === 'file' && !isPngFile(file)) {
    throw new InputError(`${flag} ${file}: exists and is not a PNG picture; it is not replaced (choose another name)`);
  }
}
