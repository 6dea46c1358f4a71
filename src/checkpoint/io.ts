/**
 * Saving and loading checkpoints.
 *
 * Writes are atomic: the weights go to a new uniquely named file (fsync'd), then
 * checkpoint.json is written to a temporary name and renamed over the old one. A crash at
 * any moment leaves either the old pair or the new pair, never a mix; stale weight files
 * are removed only after the new JSON is in place.
 */
import * as crypto from 'crypto';
import * as fs from 'fs';
import * as path from 'path';
import * as tf from '@tensorflow/tfjs';
import { InputError } from '../errors';
import { GPT } from '../model/gpt';
import type { AdamW } from '../train/adamw';
import {
  CHECKPOINT_FILE, type CheckpointJson, type CheckpointKind, dtypeBytes, FORMAT, MAX_JSON_BYTES,
  type StoredDtype, type TensorEntry, validateCheckpointJson, VERSION,
} from './format';
import { float32ToHalf, halfToFloat32 } from './half';

export interface CheckpointSaveOptions {
  readonly kind: CheckpointKind;
  readonly tokenizer: unknown;
  /** Include AdamW moments (needed to resume; not for shipped models). */
  readonly optimizer?: AdamW;
  readonly trainState?: Record<string, unknown> | null;
  readonly meta?: Record<string, unknown>;
  readonly metrics?: Record<string, number>;
  /** Storage precision of the weights (optimizer moments are always float32). */
  readonly dtype?: StoredDtype;
}

function writeFileSynced(file: string, data: Uint8Array | string): void {
  const fd = fs.openSync(file, 'w');
  try {
    if (typeof data === "string") fs.writeSync(fd, data); else fs.writeSync(fd, data, 0, data.byteLength);
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
}

/** Save `model` (and optionally its optimizer) into folder `dir` atomically. */
export function saveCheckpoint(dir: string, model: GPT, opts: CheckpointSaveOptions): string {
  fs.mkdirSync(dir, { recursive: true });
  const dtype = opts.dtype ?? 'float32';
  const entries: TensorEntry[] = [];
  const chunks: Uint8Array[] = [];
  let offset = 0;
  const add = (name: string, t: tf.Tensor, d: StoredDtype): void => {
    const f32 = t.dataSync() as Float32Array;
    const bytes = d === 'float16' ? new Uint8Array(float32ToHalf(f32).buffer) : new Uint8Array(f32.buffer.slice(f32.byteOffset, f32.byteOffset + f32.byteLength));
    entries.push({ name, dtype: d, shape: [...t.shape], offset, bytes: bytes.byteLength });
    chunks.push(bytes);
    offset += bytes.byteLength;
  };
  for (const s of model.specs) add(s.name, model.params.get(s.name)!, dtype);
  if (opts.optimizer) {
    for (const s of model.specs) {
      const m = opts.optimizer.m.get(s.name);
      const v = opts.optimizer.v.get(s.name);
      const zeros = tf.zeros([...s.shape]);
      add(`adam.m.${s.name}`, m ?? zeros, 'float32');
      add(`adam.v.${s.name}`, v ?? zeros, 'float32');
      zeros.dispose();
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
  const buf = Buffer.concat(chunks.map((c) => Buffer.from(c.buffer, c.byteOffset, c.byteLength)));
  writeFileSynced(path.join(dir, weightsFile), buf);
  const tmp = path.join(dir, `.${CHECKPOINT_FILE}.${process.pid}.tmp`);
  writeFileSynced(tmp, JSON.stringify(json));
  fs.renameSync(tmp, path.join(dir, CHECKPOINT_FILE));
  // Only now is the old weights file unreferenced.
  for (const f of fs.readdirSync(dir)) {
    if (/^weights-.*\.bin$/.test(f) && f !== weightsFile) fs.rmSync(path.join(dir, f), { force: true });
  }
  return path.join(dir, CHECKPOINT_FILE);
}

/** Read and validate checkpoint.json in `dir` without loading any weights. */
export function readCheckpointJson(dir: string): CheckpointJson {
  const file = path.join(dir, CHECKPOINT_FILE);
  if (!fs.existsSync(dir)) throw new InputError(`${dir}: no such checkpoint folder`);
  if (!fs.statSync(dir).isDirectory()) throw new InputError(`${dir}: not a folder (a checkpoint is a folder with ${CHECKPOINT_FILE})`);
  if (!fs.existsSync(file)) throw new InputError(`${file}: missing (is ${dir} a checkpoint folder?)`);
  const size = fs.statSync(file).size;
  if (size > MAX_JSON_BYTES) throw new InputError(`${file}: ${size} bytes is too large for a checkpoint description`);
  let parsed: unknown;
  try {
    parsed = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (e) {
    throw new InputError(`${file}: not valid JSON (${(e as Error).message.split('\n')[0]})`);
  }
  const pre = validateCheckpointJson(parsed, file);
  const wfile = path.join(dir, pre.weightsFile);
  if (!fs.existsSync(wfile) || !fs.statSync(wfile).isFile()) throw new InputError(`${file}: its weights file ${pre.weightsFile} is missing`);
  return validateCheckpointJson(parsed, file, fs.statSync(wfile).size);
}

export interface LoadedCheckpoint {
  readonly json: CheckpointJson;
  readonly model: GPT;
  /** Optimizer moments by parameter name, when the checkpoint has them (caller owns them). */
  readonly moments: { m: Map<string, tf.Tensor>; v: Map<string, tf.Tensor> } | null;
}

function decode(buf: Buffer, e: TensorEntry, file: string): Float32Array {
  const raw = buf.subarray(e.offset, e.offset + e.bytes);
  const copy = new Uint8Array(raw.byteLength);
  copy.set(raw);
  const values = e.dtype === 'float16' ? halfToFloat32(new Uint16Array(copy.buffer)) : new Float32Array(copy.buffer);
  for (let i = 0; i < values.length; i++) {
    if (!Number.isFinite(values[i])) throw new InputError(`${file}: tensor '${e.name}' has a non-finite value at index ${i}`);
  }
  return values;
}

/** Load a checkpoint folder: validate everything, then build the model (float32). */
export function loadCheckpoint(dir: string): LoadedCheckpoint {
  const json = readCheckpointJson(dir);
  const wfile = path.join(dir, json.weightsFile);
  const buf = fs.readFileSync(wfile);
  // Decode (and check every value) before allocating any tensor.
  const values = new Map<string, Float32Array>();
  for (const e of json.tensors) values.set(e.name, decode(buf, e, wfile));
  const model = new GPT(json.config, { nClasses: json.nClasses > 0 ? json.nClasses : undefined });
  for (const s of model.specs) {
    const t = tf.tensor(values.get(s.name)!, [...s.shape]);
    model.params.get(s.name)!.assign(t);
    t.dispose();
  }
  let moments: LoadedCheckpoint['moments'] = null;
  if (json.optimizer) {
    moments = { m: new Map(), v: new Map() };
    for (const s of model.specs) {
      moments.m.set(s.name, tf.tensor(values.get(`adam.m.${s.name}`)!, [...s.shape]));
      moments.v.set(s.name, tf.tensor(values.get(`adam.v.${s.name}`)!, [...s.shape]));
    }
  }
  return { json, model, moments };
}

/** Bytes per element, re-exported for size estimates. */
export { dtypeBytes };
