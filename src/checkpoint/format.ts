/**
 * The checkpoint format, and its validation. A checkpoint is data, never code: a folder with
 *
 *   checkpoint.json   what is in it (schema below), validated before anything is allocated
 *   weights-*.bin     the raw little-endian tensor bytes, at the offsets the JSON declares
 *
 * Nothing from a checkpoint folder is ever `require`d or evaluated, and the one file name it
 * declares must be a plain name inside the folder (io.ts also refuses a symbolic link out of it).
 *
 * Validation is all-or-nothing and names the first problem: every failure is an InputError
 * whose one-line message starts with the file it is about.
 */
import { InputError } from '../errors';
import { type GPTConfig, validateConfig } from '../model/config';
import { classifierSpecs, paramSpecs } from '../model/params';
import { tokenizerFromJson } from './tokenizer';

export const FORMAT = 'literate-gpt-checkpoint';
export const VERSION = 1;
export const CHECKPOINT_FILE = 'checkpoint.json';
/** Refuse declarations beyond this: no model here comes near it. */
export const MAX_WEIGHT_BYTES = 2 ** 31 - 1;
export const MAX_JSON_BYTES = 64 * 1024 * 1024;
/** Deepest nesting of arrays/objects accepted in checkpoint.json (ours is at most 4 deep). */
export const MAX_JSON_DEPTH = 64;
/** Largest optimizer step count accepted (a float64 counts exactly far beyond it). */
const MAX_STEP = 1e12;

export type CheckpointKind = 'lm' | 'classifier' | 'image';
export type StoredDtype = 'float32' | 'float16';

export interface TensorEntry {
  readonly name: string;
  readonly dtype: StoredDtype;
  readonly shape: number[];
  readonly offset: number;
  readonly bytes: number;
}

/**
 * checkpoint.json: everything about a checkpoint but its weights (readCheckpointJson validates it).
 */
export interface CheckpointJson {
  /** Always the project's FORMAT string: what makes a folder one of our checkpoints. */
  readonly format: typeof FORMAT;
  /** Format version: this build reads exactly VERSION and refuses any other. */
  readonly version: number;
  /** What the model does: 'lm', 'classifier' or 'image'. */
  readonly kind: CheckpointKind;
  /** The model's shape. */
  readonly config: GPTConfig;
  /** Classes of the classification head (0 = none). */
  readonly nClasses: number;
  /**
   * The tokenizer's own JSON (see tokenize/), or null for models fed raw ids (images). When
   * present it must load, and its ids must fit the model: for `lm` its vocabulary is exactly
   * config.vocabSize (the model predicts every id and decode must accept each); other kinds
   * may reserve ids above it for task tokens.
   */
  readonly tokenizer: unknown;
  /** The weights file in the folder (raw little-endian float32 or float16 tensors). */
  readonly weightsFile: string;
  /** Each tensor's name, dtype, shape and byte range in the weights file. */
  readonly tensors: TensorEntry[];
  /** Optimizer moments as tensors named `adam.m.<param>` / `adam.v.<param>`, if saved. */
  readonly optimizer: { step: number; opts: Record<string, number> } | null;
  /** Anything the trainer needs to resume (step, RNG state, data cursor, options, history). */
  readonly trainState: Record<string, unknown> | null;
  /** Task-specific settings (e.g. image width/levels, label names). */
  readonly meta: Record<string, unknown>;
  /** Numbers (null where a number was not finite when saved: JSON has no NaN). */
  readonly metrics: Record<string, number>;
}

/** Limits a caller may tighten (tests) or loosen (a very large model). */
export interface CheckpointLimits {
  /** Largest weights file, in bytes (default MAX_WEIGHT_BYTES). */
  readonly maxWeightBytes?: number;
  /** Largest checkpoint.json, in bytes (default MAX_JSON_BYTES). */
  readonly maxJsonBytes?: number;
  /** The memory a loaded model and one forward pass must fit in (default os.totalmem()). */
  readonly totalMemory?: number;
}

function fail(file: string, what: string): never {
  throw new InputError(`${file}: ${what}`);
}

const isObj = (x: unknown): x is Record<string, unknown> => typeof x === 'object' && x !== null && !Array.isArray(x);

/** A short, one-line rendering of any JSON value for an error message. */
export function show(x: unknown): string {
  if (typeof x === 'string') return JSON.stringify(x.length > 40 ? `${x.slice(0, 40)}…` : x);
  if (x === undefined) return 'nothing';
  if (Array.isArray(x)) return x.length <= 8 && x.every((v) => typeof v !== 'object' || v === null) ? `[${x.map(show).join(', ')}]` : `a list of ${x.length} items`;
  if (typeof x === 'object' && x !== null) return 'an object';
  return String(x); // numbers (incl. Infinity from 1e400), booleans, null
}

/** Bytes per stored element. */
export function dtypeBytes(d: StoredDtype): number {
  return d === 'float16' ? 2 : 4;
}

/** A plain file name: no folders, no parent references, nothing hidden or absolute. */
export function isSafeFileName(name: unknown): name is string {
  return typeof name === 'string' && /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/.test(name) && !name.includes('..');
}

/**
 * Deepest nesting of `[`/`{` in a JSON text, found by a scan that skips strings. Done before
 * JSON.parse so that a file of a million `[` cannot make any later recursive code (a
 * JSON.stringify in a message, a validator) overflow the stack.
 */
export function jsonDepth(text: string): number {
  let depth = 0;
  let max = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 92 /* \ */) i++;
      else if (c === 34 /* " */) inString = false;
    } else if (c === 34) inString = true;
    else if (c === 91 /* [ */ || c === 123 /* { */) { if (++depth > max) max = depth; }
    else if (c === 93 /* ] */ || c === 125 /* } */) depth--;
  }
  return max;
}

/**
 * checkpoint.json's bytes → a plain JSON value: strict UTF-8, bounded size and depth, and keys
 * named `__proto__` dropped. (JSON.parse makes such a key an ordinary own property, which is
 * harmless by itself; dropping it keeps a later `Object.assign` or merge from ever turning it
 * into a prototype.)
 */
export function parseCheckpointText(bytes: Uint8Array, file: string, limits: CheckpointLimits = {}): unknown {
  const maxJson = limits.maxJsonBytes ?? MAX_JSON_BYTES;
  if (bytes.byteLength > maxJson) fail(file, `${bytes.byteLength} bytes is too large for a checkpoint description (limit ${maxJson})`);
  if (bytes.byteLength === 0) fail(file, 'empty file');
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    fail(file, 'not valid UTF-8 text');
  }
  const depth = jsonDepth(text);
  if (depth > MAX_JSON_DEPTH) fail(file, `JSON nested ${depth} levels deep (at most ${MAX_JSON_DEPTH})`);
  try {
    return JSON.parse(text, (key, value: unknown) => (key === '__proto__' ? undefined : value)) as unknown;
  } catch (e) {
    fail(file, `not valid JSON (${(e as Error).message.split('\n')[0].slice(0, 120)})`);
  }
}

/** The config with its known fields checked; other fields may only hold plain values. */
function checkConfig(c: unknown, file: string): GPTConfig {
  if (!isObj(c)) fail(file, 'config missing');
  for (const [k, v] of Object.entries(c)) {
    if (typeof v === 'object' && v !== null) fail(file, `config.${k.slice(0, 40)} must be a plain value, got ${show(v)}`);
  }
  for (const k of ['vocabSize', 'blockSize', 'nLayer', 'nHead', 'nEmbd', 'dropout']) {
    if (typeof c[k] !== 'number') fail(file, `config.${k} must be a number, got ${show(c[k])}`);
  }
  const config = { ...c } as unknown as GPTConfig;
  try { validateConfig(config); } catch (e) { fail(file, (e as Error).message); }
  return config;
}

/** Total bytes the config's parameters need at `bytesPer` bytes each (no allocation). */
function impliedBytes(config: GPTConfig, nClasses: number, bytesPer: number): number {
  const specs = paramSpecs(config);
  if (nClasses > 0) specs.push(...classifierSpecs(config.nEmbd, nClasses));
  return specs.reduce((sum, s) => sum + s.shape.reduce((a, b) => a * b, 1), 0) * bytesPer;
}

/**
 * Check a parsed checkpoint.json against the schema and against the shapes the declared
 * config implies. `fileSize` is the weights file's size. Throws InputError naming the file.
 */
export function validateCheckpointJson(j: unknown, file: string, fileSize?: number, limits: CheckpointLimits = {}): CheckpointJson {
  const maxWeights = limits.maxWeightBytes ?? MAX_WEIGHT_BYTES;
  if (!isObj(j)) fail(file, 'not a JSON object');
  if (j.format !== FORMAT) fail(file, `not a literate-gpt checkpoint (format is ${show(j.format)})`);
  if (j.version !== VERSION) fail(file, `unsupported checkpoint version ${show(j.version)} (this build reads ${VERSION})`);
  if (j.kind !== 'lm' && j.kind !== 'classifier' && j.kind !== 'image') fail(file, `unknown kind ${show(j.kind)}`);
  const kind: CheckpointKind = j.kind;
  const config = checkConfig(j.config, file);
  const nClasses = j.nClasses;
  if (typeof nClasses !== 'number' || !Number.isInteger(nClasses) || nClasses < 0 || nClasses > 100_000) fail(file, `nClasses must be a small non-negative integer, got ${show(nClasses)}`);
  if (!isSafeFileName(j.weightsFile)) fail(file, `weightsFile ${show(j.weightsFile)} is not a plain file name inside the checkpoint folder`);
  if (!Array.isArray(j.tensors)) fail(file, 'tensors must be a list');
  const opt = j.optimizer;
  if (opt !== null) {
    if (!isObj(opt) || typeof opt.step !== 'number' || !Number.isInteger(opt.step) || opt.step < 0 || opt.step > MAX_STEP || !isObj(opt.opts)) {
      fail(file, 'optimizer must be null or {step: a non-negative integer, opts: {…}}');
    }
    for (const [k, v] of Object.entries(opt.opts as Record<string, unknown>)) {
      if (typeof v !== 'number') fail(file, `optimizer.opts.${k.slice(0, 40)} must be a number, got ${show(v)}`);
    }
  }
  if (j.trainState !== null && !isObj(j.trainState)) fail(file, 'trainState must be null or an object');
  if (!isObj(j.meta)) fail(file, 'meta must be an object');
  if (!isObj(j.metrics)) fail(file, 'metrics must be an object');
  for (const [k, v] of Object.entries(j.metrics)) {
    if (typeof v !== 'number' && v !== null) fail(file, `metrics.${k.slice(0, 40)} must be a number, got ${show(v)}`);
  }

  // Refuse an oversized model before looking at a single tensor entry: even at float16 and
  // without optimizer moments, the config alone says how many bytes the weights need.
  const least = impliedBytes(config, nClasses, 2) + (opt !== null ? impliedBytes(config, nClasses, 8) : 0);
  if (least > maxWeights) fail(file, `the config implies at least ${least} bytes of weights, more than the limit of ${maxWeights}`);

  // The tokenizer must load and fit the model (see CheckpointJson.tokenizer).
  if (j.tokenizer !== null) {
    let vocab: number;
    try {
      vocab = tokenizerFromJson(j.tokenizer).vocabSize;
    } catch (e) {
      if (e instanceof InputError) fail(file, `tokenizer: ${e.message}`);
      throw e;
    }
    if (kind === 'lm' ? vocab !== config.vocabSize : vocab > config.vocabSize) {
      fail(file, `a tokenizer that does not match the model: ${vocab} tokens, the model's config.vocabSize is ${config.vocabSize}`);
    }
  }

  // Every parameter the config implies must be present exactly once, with its shape.
  const specs = paramSpecs(config);
  if (nClasses > 0) specs.push(...classifierSpecs(config.nEmbd, nClasses));
  const expected = new Map(specs.map((s) => [s.name, s.shape]));
  if (opt !== null) for (const s of specs) { expected.set(`adam.m.${s.name}`, s.shape); expected.set(`adam.v.${s.name}`, s.shape); }
  const seen = new Set<string>();
  let end = 0;
  const tensors: TensorEntry[] = [];
  for (const t of j.tensors as unknown[]) {
    if (!isObj(t) || typeof t.name !== 'string') fail(file, 'a tensor entry has no name');
    const name = t.name;
    const shape = expected.get(name);
    if (!shape) fail(file, `unexpected tensor ${show(name)}`);
    if (seen.has(name)) fail(file, `tensor '${name}' declared twice`);
    seen.add(name);
    if (t.dtype !== 'float32' && t.dtype !== 'float16') fail(file, `tensor '${name}' has dtype ${show(t.dtype)} (float32 or float16)`);
    if (name.startsWith('adam.') && t.dtype !== 'float32') fail(file, `tensor '${name}' is an optimizer moment and must be float32`);
    if (!Array.isArray(t.shape) || t.shape.length !== shape.length || t.shape.some((d, i) => d !== shape[i])) {
      fail(file, `tensor '${name}' has shape ${show(t.shape)}, the config implies [${shape.join(', ')}]`);
    }
    const n = shape.reduce((a, b) => a * b, 1);
    const bytes = n * dtypeBytes(t.dtype);
    if (t.bytes !== bytes) fail(file, `tensor '${name}' declares ${show(t.bytes)} bytes, its shape and dtype need ${bytes}`);
    if (t.offset !== end) fail(file, `tensor '${name}' is at offset ${show(t.offset)}, expected ${end} (tensors are packed in order)`);
    end += bytes;
    if (end > maxWeights) fail(file, `declares more than ${maxWeights} bytes of weights`);
    tensors.push({ name, dtype: t.dtype, shape: [...shape], offset: end - bytes, bytes });
  }
  for (const name of expected.keys()) if (!seen.has(name)) fail(file, `tensor '${name}' is missing`);
  if (fileSize !== undefined && fileSize !== end) fail(file, `${j.weightsFile} has ${fileSize} bytes, the tensors declare ${end}`);
  return { ...(j as unknown as CheckpointJson), config, tensors };
}

/** Total bytes of the weights file that a validated checkpoint declares. */
export function declaredWeightBytes(json: CheckpointJson): number {
  return json.tensors.reduce((sum, t) => sum + t.bytes, 0);
}
