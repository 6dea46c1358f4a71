/**
 * Saving and loading checkpoints.
 *
 * Writes cannot half-happen (atomic.ts): the weights go to a new uniquely named file, then
 * checkpoint.json is replaced by a rename, each written to a temporary file first, checked for
 * short writes and fsync'd. A crash at any moment leaves either the old pair or the new pair,
 * never a mix; a failed save (a full disk) leaves the old pair and removes what it wrote. The
 * save holds the folder's lock (lock.ts: one writer per folder) and journals every file it
 * creates there; the old weights file — the one file the replaced checkpoint.json lists, and
 * the only file a save ever deletes — goes only after the new JSON is in place.
 * Weights that are not finite are never saved, so the checkpoint on disk is always a good one.
 *
 * Reads trust nothing: files are opened only if they are regular files inside the folder (a
 * symbolic link may point only within it), sizes are checked before a byte is read, and the
 * JSON is validated (format.ts) before the weights are decoded and checked for NaN/∞ — all
 * before the first tensor is allocated.
 */
import * as crypto from 'crypto';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as tf from '@tensorflow/tfjs';
import { InputError } from '../errors';
import { GPT } from '../model/gpt';
import { formatBytes, forwardBytes } from '../model/memory';
import type { AdamW } from '../train/adamw';
import {
  CHECKPOINT_FILE, type CheckpointJson, type CheckpointKind, type CheckpointLimits, declaredWeightBytes, dtypeBytes, FORMAT,
  MAX_JSON_BYTES, isSafeFileName, parseCheckpointText, type StoredDtype, type TensorEntry, validateCheckpointJson, VERSION,
} from './format';
import { float32ToHalf, halfToFloat32 } from './half';
import { type StoredTokenizer, tokenizerFromJson } from './tokenizer';
import { fsReason, showPath, writeFileAtomic, WriteError } from './atomic';
import { clearJournal, journalPending, withFolderLock } from './lock';

/** What saveCheckpoint stores besides the weights. */
export interface CheckpointSaveOptions {
  /** What the model does: 'lm', 'classifier' or 'image'. */
  readonly kind: CheckpointKind;
  /** The tokenizer's JSON (its toJSON()), or null for a model fed raw ids. */
  readonly tokenizer: unknown;
  /** Include AdamW moments (needed to resume; not for shipped models). */
  readonly optimizer?: AdamW;
  /** What a resumed run needs (step, RNG state, options, history), or null. */
  readonly trainState?: Record<string, unknown> | null;
  /** Task-specific settings (e.g. image width and levels). */
  readonly meta?: Record<string, unknown>;
  /** Numbers to record (validation loss, accuracy, …). */
  readonly metrics?: Record<string, number>;
  /** Storage precision of the weights (optimizer moments are always float32). */
  readonly dtype?: StoredDtype;
}

/** Thrown by saveCheckpoint instead of writing a NaN or ∞: the previous checkpoint stays. */
export class NonFiniteWeightsError extends Error {
  constructor(readonly tensor: string, readonly index: number) {
    super(`tensor '${tensor}' has a non-finite value at index ${index}; not saved (the previous checkpoint is kept)`);
    this.name = 'NonFiniteWeightsError';
  }
}

const reason = fsReason;

function prepareFolder(dir: string): void {
  try {
    if (fs.existsSync(dir) && !fs.statSync(dir).isDirectory()) throw new InputError(`${dir}: exists and is not a folder`);
    fs.mkdirSync(dir, { recursive: true });
  } catch (e) {
    if (e instanceof InputError) throw e;
    throw new InputError(`${dir}: cannot create the checkpoint folder (${reason(e)})`);
  }
}

/**
 * Round `model`'s weights to the values a float16 save stores, in place, so that what is
 * measured on the model in memory is exactly what a float16 checkpoint of it will load as
 * (no temporary checkpoint to write and read back).
 */
export function roundWeightsToHalf(model: GPT): void {
  for (const s of model.specs) {
    const v = model.params.get(s.name)!;
    const t = tf.tensor(halfToFloat32(float32ToHalf(v.dataSync() as Float32Array)), v.shape);
    v.assign(t);
    t.dispose();
  }
}

/**
 * Save `model` (and optionally its optimizer) into folder `dir` (created if needed): a weights
 * file and checkpoint.json, each written whole or not at all, under the folder's lock, the
 * previous checkpoint replaced only once the new one is complete. Returns the path of the
 * checkpoint.json written. Throws NonFiniteWeightsError instead of writing a NaN or ∞, an
 * InputError for a description the loader would refuse, and a WriteError (the previous
 * checkpoint unchanged) when the disk refuses.
 */
export function saveCheckpoint(dir: string, model: GPT, opts: CheckpointSaveOptions): string {
  const dtype = opts.dtype ?? 'float32';
  const entries: TensorEntry[] = [];
  const chunks: Uint8Array[] = [];
  let offset = 0;
  const add = (name: string, t: tf.Tensor, d: StoredDtype): void => {
    const f32 = t.dataSync() as Float32Array;
    for (let i = 0; i < f32.length; i++) if (!Number.isFinite(f32[i])) throw new NonFiniteWeightsError(name, i);
    const bytes = d === 'float16' ? new Uint8Array(float32ToHalf(f32).buffer) : new Uint8Array(f32.buffer.slice(f32.byteOffset, f32.byteOffset + f32.byteLength));
    entries.push({ name, dtype: d, shape: [...t.shape], offset, bytes: bytes.byteLength });
    chunks.push(bytes);
    offset += bytes.byteLength;
  };
  for (const s of model.specs) add(s.name, model.params.get(s.name)!, dtype);
  if (opts.optimizer) {
    const moments = opts.optimizer.moments();
    try {
      for (const s of model.specs) {
        const zeros = tf.zeros([...s.shape]);
        try {
          add(`adam.m.${s.name}`, moments.m.get(s.name) ?? zeros, 'float32');
          add(`adam.v.${s.name}`, moments.v.get(s.name) ?? zeros, 'float32');
        } finally {
          zeros.dispose();
        }
      }
    } finally {
      tf.dispose([...moments.m.values(), ...moments.v.values()]);
    }
  }
  const weightsFile = `weights-${Date.now().toString(36)}-${crypto.randomBytes(4).toString('hex')}.bin`;
  const json: CheckpointJson = {
    format: FORMAT,
    version: VERSION,
    kind: opts.kind,
    config: model.config,
    nClasses: model.nClasses,
    tokenizer: opts.tokenizer ?? null,
    weightsFile,
    tensors: entries,
    optimizer: opts.optimizer ? { step: opts.optimizer.step, opts: { ...opts.optimizer.opts } } : null,
    trainState: opts.trainState ?? null,
    meta: opts.meta ?? {},
    metrics: opts.metrics ?? {},
  };
  const text = JSON.stringify(json);
  // Never write what the loader would refuse (a tokenizer that does not fit the model, …):
  // a checkpoint that cannot be read back is worse than an error now.
  const description = path.join(dir, CHECKPOINT_FILE);
  validateCheckpointJson(parseCheckpointText(Buffer.from(text), description), description, offset);
  prepareFolder(dir);
  const buf = Buffer.concat(chunks.map((c) => Buffer.from(c.buffer, c.byteOffset, c.byteLength)));
  try {
    writeCheckpointFiles(dir, weightsFile, buf, description, text);
  } catch (e) {
    if (!(e instanceof WriteError)) throw e;
    const had = previousWeightsFile(dir) !== null;
    throw new WriteError(`${showPath(dir)}: cannot save the checkpoint (${e.reason}); ${had ? 'the previous checkpoint is unchanged' : 'nothing was saved'}`, e.code, e.reason);
  }
  return description;
}

/** The two writes of a save and the deletion of the old weights, under the folder's lock. */
function writeCheckpointFiles(dir: string, weightsFile: string, buf: Buffer, description: string, text: string): void {
  withFolderLock(dir, () => {
    // The weights file the checkpoint being replaced lists: the only file this save deletes, and
    // only once the new checkpoint is complete (a user's file in the folder is never touched,
    // whatever its name).
    const previous = previousWeightsFile(dir);
    const weightsPath = path.join(dir, weightsFile);
    // Both names are journaled before anything is written: whoever takes over after a kill -9
    // removes whichever of the two the checkpoint.json on disk does not list.
    journalPending(dir, weightsFile);
    if (previous !== null) journalPending(dir, previous);
    writeFileAtomic(weightsPath, buf, { noDirSync: true });
    try {
      writeFileAtomic(description, text);
    } catch (e) {
      try { fs.unlinkSync(weightsPath); } catch { /* the journal has it */ }
      throw e;
    }
    if (previous !== null && previous !== weightsFile) {
      try { fs.unlinkSync(path.join(dir, previous)); } catch { /* already gone */ }
    }
    clearJournal(dir);
  });
}

/**
 * Remove the checkpoint in `dir` — exactly its checkpoint.json and the weights file it lists —
 * and the folder itself if that leaves it empty. Anything else in it stays, whatever its name;
 * a folder without a checkpoint of ours is left alone.
 */
export function removeCheckpoint(dir: string): void {
  const weights = previousWeightsFile(dir);
  if (weights === null) return;
  withFolderLock(dir, () => {
    fs.unlinkSync(path.join(dir, CHECKPOINT_FILE));
    try { fs.unlinkSync(path.join(dir, weights)); } catch { /* already gone */ }
  });
  try { fs.rmdirSync(dir); } catch { /* not empty: the user's files stay */ }
}

/**
 * The weights file named by the checkpoint.json already in `dir`, or null when there is none or
 * it cannot be read as one of ours (then nothing is deleted).
 */
function previousWeightsFile(dir: string): string | null {
  try {
    const file = path.join(dir, CHECKPOINT_FILE);
    if (!fs.lstatSync(file).isFile()) return null;
    const j = JSON.parse(fs.readFileSync(file, 'utf8')) as { format?: unknown; weightsFile?: unknown };
    if (j.format !== FORMAT || typeof j.weightsFile !== 'string' || !isSafeFileName(j.weightsFile)) return null;
    return j.weightsFile;
  } catch {
    return null;
  }
}

/**
 * Read file `name` inside folder `dir`, refusing anything but a regular file within it: a
 * symbolic link that resolves outside the folder, a FIFO or device (which could block or never
 * end), a file larger than `maxBytes` (checked before reading). Errors name `file`.
 */
function readInside(dir: string, name: string, maxBytes: number, describe: (what: string) => never, tooLarge?: (size: number) => string): Buffer {
  const { fd, size } = openInside(dir, name, maxBytes, describe, tooLarge);
  try {
    return readAt(fd, 0, size, name, describe);
  } finally {
    fs.closeSync(fd);
  }
}

/** Open file `name` in `dir` under readInside's rules; the caller closes the descriptor. */
function openInside(dir: string, name: string, maxBytes: number, describe: (what: string) => never, tooLarge?: (size: number) => string): { fd: number; size: number } {
  const file = path.join(dir, name);
  let target = file;
  let fd: number;
  try {
    const l = fs.lstatSync(file);
    if (l.isSymbolicLink()) {
      const real = fs.realpathSync(file);
      const rel = path.relative(fs.realpathSync(dir), real);
      if (rel === '' || rel.startsWith('..') || path.isAbsolute(rel)) describe(`${name} is a symbolic link pointing outside the checkpoint folder (refused)`);
      target = real;
    }
    // O_NOFOLLOW: the checked path cannot be swapped for a link in between; O_NONBLOCK: a FIFO
    // put there in between cannot make open() wait for a writer forever.
    fd = fs.openSync(target, fs.constants.O_RDONLY | fs.constants.O_NOFOLLOW | fs.constants.O_NONBLOCK);
  } catch (e) {
    if (e instanceof InputError) throw e;
    const code = (e as NodeJS.ErrnoException).code;
    describe(code === 'ENOENT' ? `${name} is missing` : `cannot open ${name} (${reason(e)})`);
  }
  try {
    const st = fs.fstatSync(fd);
    if (!st.isFile()) describe(`${name} is not a regular file`);
    if (st.size > maxBytes) describe(tooLarge ? tooLarge(st.size) : `${name} has ${st.size} bytes, more than the ${maxBytes} expected`);
    return { fd, size: st.size };
  } catch (e) {
    fs.closeSync(fd);
    if (e instanceof InputError) throw e;
    describe(`cannot read ${name} (${reason(e)})`);
  }
}

/** `length` bytes of `fd` from `offset`, all of them (a file that shrank is an error). */
function readAt(fd: number, offset: number, length: number, name: string, describe: (what: string) => never): Buffer {
  const buf = Buffer.alloc(length);
  let got = 0;
  try {
    while (got < length) {
      const n = fs.readSync(fd, buf, got, length - got, offset + got);
      if (n === 0) break;
      got += n;
    }
  } catch (e) {
    describe(`cannot read ${name} (${reason(e)})`);
  }
  if (got !== length) describe(`${name} shrank while being read (${offset + got} of ${offset + length} bytes)`);
  return buf;
}

/** Size of file `name` in `dir` under the same rules as readInside (no read). */
function sizeInside(dir: string, name: string, describe: (what: string) => never): number {
  const file = path.join(dir, name);
  try {
    let st = fs.lstatSync(file);
    if (st.isSymbolicLink()) {
      const real = fs.realpathSync(file);
      const rel = path.relative(fs.realpathSync(dir), real);
      if (rel === '' || rel.startsWith('..') || path.isAbsolute(rel)) describe(`${name} is a symbolic link pointing outside the checkpoint folder (refused)`);
      st = fs.statSync(real);
    }
    if (!st.isFile()) describe(`${name} is not a regular file`);
    return st.size;
  } catch (e) {
    if (e instanceof InputError) throw e;
    const code = (e as NodeJS.ErrnoException).code;
    describe(code === 'ENOENT' ? `its weights file ${name} is missing` : `cannot read ${name} (${reason(e)})`);
  }
}

function isLink(file: string): boolean {
  try { return fs.lstatSync(file).isSymbolicLink(); } catch { return false; }
}

function checkFolder(dir: string): void {
  let st: fs.Stats;
  try {
    st = fs.statSync(dir);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new InputError(code === 'ENOENT' ? `${dir}: no such checkpoint folder` : `${dir}: cannot open the checkpoint folder (${reason(e)})`);
  }
  if (!st.isDirectory()) throw new InputError(`${dir}: not a folder (a checkpoint is a folder with ${CHECKPOINT_FILE})`);
}

/**
 * Read and validate checkpoint.json in `dir` (its kind, config, tokenizer, tensor table, training
 * state and metrics; and that the weights file has the size the tensors declare) without loading
 * any weights: cheap, for a notebook that only needs the stored numbers. Throws an InputError
 * naming the file and the problem.
 */
export function readCheckpointJson(dir: string, limits: CheckpointLimits = {}): CheckpointJson {
  checkFolder(dir);
  const file = path.join(dir, CHECKPOINT_FILE);
  const failJson = (what: string): never => { throw new InputError(`${file}: ${what}`); };
  if (!fs.existsSync(file) && !isLink(file)) failJson(`missing (is ${dir} a checkpoint folder?)`);
  const maxJson = limits.maxJsonBytes ?? MAX_JSON_BYTES;
  const bytes = readInside(dir, CHECKPOINT_FILE, maxJson, failJson, (size) => `${size} bytes is too large for a checkpoint description (limit ${maxJson})`);
  const json = validateCheckpointJson(parseCheckpointText(bytes, file, limits), file, undefined, limits);
  const size = sizeInside(dir, json.weightsFile, failJson);
  const declared = declaredWeightBytes(json);
  if (size !== declared) failJson(`${json.weightsFile} has ${size} bytes, the tensors declare ${declared}`);
  checkLoadFits(json, file, limits.totalMemory ?? os.totalmem());
  return json;
}

/**
 * Price loading `json` and running it on one full-context sequence before anything is
 * allocated: every value as a float32 tensor, one tensor's bytes and decoded values on top
 * (loadCheckpoint reads tensor by tensor), plus one forward pass (model/memory.ts). More than the machine's memory is refused in one line:
 * a crafted 528 KB checkpoint declaring a 65,536-token context asked for a 17 GB mask.
 */
function checkLoadFits(json: CheckpointJson, file: string, total: number): void {
  const floats = json.tensors.reduce((n, t) => n + t.shape.reduce((a, b) => a * b, 1), 0);
  const largest = json.tensors.reduce((m, t) => Math.max(m, t.bytes + 4 * t.shape.reduce((a, b) => a * b, 1)), 0);
  const needs = 4 * floats + largest + forwardBytes(json.config);
  if (needs > total) {
    throw new InputError(`${file}: loading this model (${json.config.nLayer} layers, ${json.config.nEmbd} wide, a context of ${json.config.blockSize.toLocaleString('en')} tokens, a vocabulary of ${json.config.vocabSize.toLocaleString('en')}) and running one sequence needs about ${formatBytes(needs)}, more than this machine's ${formatBytes(total)} of memory`);
  }
}

/** What loadCheckpoint returns: the model and everything stored with it. The caller disposes `model`. */
export interface LoadedCheckpoint {
  /** The validated checkpoint.json: kind, config, tensor table, training state and metrics. */
  readonly json: CheckpointJson;
  /** The model, float32 on the current backend (float16 files are widened on load). */
  readonly model: GPT;
  /** The checkpoint's tokenizer, validated against the model, or null (models fed raw ids). */
  readonly tokenizer: StoredTokenizer | null;
  /** Optimizer moments by parameter name, when the checkpoint has them (caller owns them). */
  readonly moments: { m: Map<string, tf.Tensor>; v: Map<string, tf.Tensor> } | null;
}

/** Tensor `e`'s values from `bytes` (exactly its bytes, read from its offset), each checked finite. */
function decode(bytes: Buffer, e: TensorEntry, file: string): Float32Array {
  // A copy, aligned for the typed array; the file is little-endian, as is every host tfjs-node runs on.
  const copy = new Uint8Array(e.bytes);
  copy.set(bytes.subarray(0, e.bytes));
  const values = e.dtype === 'float16' ? halfToFloat32(new Uint16Array(copy.buffer)) : new Float32Array(copy.buffer);
  for (let i = 0; i < values.length; i++) {
    if (!Number.isFinite(values[i])) throw new InputError(`${file}: tensor '${e.name}' has a non-finite value at index ${i}`);
  }
  return values;
}

/**
 * Load a checkpoint folder: validate everything (readCheckpointJson, every weight finite), then
 * build the model (float32 on the current backend; float16 files are widened) with its tokenizer
 * and, when stored, the optimizer's moments. Throws an InputError naming the file and the problem;
 * `limits` lowers the size limits (tests).
 */
export function loadCheckpoint(dir: string, limits: CheckpointLimits = {}): LoadedCheckpoint {
  const json = readCheckpointJson(dir, limits);
  const tokenizer = json.tokenizer === null ? null : tokenizerFromJson(json.tokenizer);
  const wfile = path.join(dir, json.weightsFile);
  const declared = declaredWeightBytes(json);
  const fail = (what: string): never => { throw new InputError(`${wfile}: ${what}`); };
  // The weights are read tensor by tensor, never whole: memory holds the model and one tensor's
  // bytes on top (a crafted 1.5 GiB weights file no longer costs three times that).
  const { fd, size } = openInside(dir, json.weightsFile, declared, fail);
  const entries = new Map(json.tensors.map((e) => [e.name, e]));
  const values = (name: string): Float32Array => {
    const e = entries.get(name)!;
    return decode(readAt(fd, e.offset, e.bytes, json.weightsFile, fail), e, wfile);
  };
  let model: GPT | null = null;
  let moments: LoadedCheckpoint['moments'] = null;
  try {
    if (size !== declared) fail(`has ${size} bytes, ${CHECKPOINT_FILE} declares ${declared}`);
    // Check every value before allocating any tensor (then read again to fill them; decode
    // checks each value again, so a file changed in between cannot slip a NaN in).
    for (const e of json.tensors) values(e.name);
    // The model is built from the stored weights, read one tensor at a time: nothing is drawn
    // at random first (and memory never holds a second copy of the model).
    model = GPT.fromWeights(json.config, (s) => values(s.name), { nClasses: json.nClasses > 0 ? json.nClasses : undefined });
    if (json.optimizer) {
      moments = { m: new Map(), v: new Map() };
      for (const s of model.specs) {
        moments.m.set(s.name, tf.tensor(values(`adam.m.${s.name}`), [...s.shape]));
        moments.v.set(s.name, tf.tensor(values(`adam.v.${s.name}`), [...s.shape]));
      }
    }
  } catch (e) {
    model?.dispose();
    if (moments) tf.dispose([...moments.m.values(), ...moments.v.values()]);
    throw e;
  } finally {
    fs.closeSync(fd);
  }
  return { json, model, tokenizer, moments };
}

/** Bytes per element, re-exported for size estimates. */
export { dtypeBytes };
