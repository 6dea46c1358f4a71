/**
 * The checkpoint format, and its validation. A checkpoint is data, never code: a folder with
 *
 *   checkpoint.json   what is in it (schema below), validated before anything is allocated
 *   weights-*.bin     the raw little-endian tensor bytes, at the offsets the JSON declares
 *
 * Nothing from a checkpoint folder is ever `require`d or evaluated, and the one file name it
 * declares must be a plain name inside the folder.
 */
import { InputError } from '../errors';
import { type GPTConfig, validateConfig } from '../model/config';
import { classifierSpecs, paramSpecs } from '../model/params';

export const FORMAT = 'literate-gpt-checkpoint';
export const VERSION = 1;
export const CHECKPOINT_FILE = 'checkpoint.json';
/** Refuse declarations beyond this: no model here comes near it. */
export const MAX_WEIGHT_BYTES = 2 ** 31 - 1;
export const MAX_JSON_BYTES = 64 * 1024 * 1024;

export type CheckpointKind = 'lm' | 'classifier' | 'image';
export type StoredDtype = 'float32' | 'float16';

export interface TensorEntry {
  readonly name: string;
  readonly dtype: StoredDtype;
  readonly shape: number[];
  readonly offset: number;
  readonly bytes: number;
}

export interface CheckpointJson {
  readonly format: typeof FORMAT;
  readonly version: number;
  readonly kind: CheckpointKind;
  readonly config: GPTConfig;
  /** Classes of the classification head (0 = none). */
  readonly nClasses: number;
  /** The tokenizer's own JSON (see tokenize/), or null for models fed raw ids (images). */
  readonly tokenizer: unknown;
  readonly weightsFile: string;
  readonly tensors: TensorEntry[];
  /** Optimizer moments as tensors named `adam.m.<param>` / `adam.v.<param>`, if saved. */
  readonly optimizer: { step: number; opts: Record<string, number> } | null;
  /** Anything the trainer needs to resume (step, RNG state, data cursor, options, history). */
  readonly trainState: Record<string, unknown> | null;
  /** Task-specific settings (e.g. image width/levels, label names). */
  readonly meta: Record<string, unknown>;
  readonly metrics: Record<string, number>;
}

function fail(file: string, what: string): never {
  throw new InputError(`${file}: ${what}`);
}

const isObj = (x: unknown): x is Record<string, unknown> => typeof x === 'object' && x !== null && !Array.isArray(x);

/** Bytes per stored element. */
export function dtypeBytes(d: StoredDtype): number {
  return d === 'float16' ? 2 : 4;
}

/** A plain file name: no folders, no parent references, nothing hidden or absolute. */
export function isSafeFileName(name: unknown): name is string {
  return typeof name === 'string' && /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/.test(name) && !name.includes('..');
}

/**
 * Check a parsed checkpoint.json against the schema and against the shapes the declared
 * config implies. `fileSize` is the weights file's size. Throws InputError naming the file.
 */
export function validateCheckpointJson(j: unknown, file: string, fileSize?: number): CheckpointJson {
  if (!isObj(j)) fail(file, 'not a JSON object');
  if (j.format !== FORMAT) fail(file, `not a literate-gpt checkpoint (format is ${JSON.stringify(j.format)})`);
  if (j.version !== VERSION) fail(file, `unsupported checkpoint version ${JSON.stringify(j.version)} (this build reads ${VERSION})`);
  if (!['lm', 'classifier', 'image'].includes(j.kind as string)) fail(file, `unknown kind ${JSON.stringify(j.kind)}`);
  if (!isObj(j.config)) fail(file, 'config missing');
  const config = j.config as unknown as GPTConfig;
  try { validateConfig(config); } catch (e) { fail(file, (e as Error).message); }
  const nClasses = j.nClasses;
  if (!Number.isInteger(nClasses) || (nClasses as number) < 0 || (nClasses as number) > 100_000) fail(file, `nClasses must be a small non-negative integer, got ${String(nClasses)}`);
  if (!isSafeFileName(j.weightsFile)) fail(file, `weightsFile ${JSON.stringify(j.weightsFile)} is not a plain file name inside the checkpoint folder`);
  if (!Array.isArray(j.tensors)) fail(file, 'tensors must be a list');
  if (j.optimizer !== null && !(isObj(j.optimizer) && Number.isInteger(j.optimizer.step) && (j.optimizer.step as number) >= 0)) fail(file, 'optimizer must be null or {step, opts}');
  if (j.trainState !== null && !isObj(j.trainState)) fail(file, 'trainState must be null or an object');
  if (!isObj(j.meta)) fail(file, 'meta must be an object');
  if (!isObj(j.metrics)) fail(file, 'metrics must be an object');

  // Every parameter the config implies must be present exactly once, with its shape.
  const specs = paramSpecs(config);
  if ((nClasses as number) > 0) specs.push(...classifierSpecs(config.nEmbd, nClasses as number));
  const expected = new Map(specs.map((s) => [s.name, s.shape]));
  if (j.optimizer) for (const s of specs) { expected.set(`adam.m.${s.name}`, s.shape); expected.set(`adam.v.${s.name}`, s.shape); }
  const seen = new Set<string>();
  let end = 0;
  const tensors: TensorEntry[] = [];
  for (const t of j.tensors as unknown[]) {
    if (!isObj(t) || typeof t.name !== 'string') fail(file, 'a tensor entry has no name');
    const name = t.name;
    const shape = expected.get(name);
    if (!shape) fail(file, `unexpected tensor '${name.slice(0, 80)}'`);
    if (seen.has(name)) fail(file, `tensor '${name}' declared twice`);
    seen.add(name);
    if (t.dtype !== 'float32' && t.dtype !== 'float16') fail(file, `tensor '${name}' has dtype ${JSON.stringify(t.dtype)} (float32 or float16)`);
    if (!Array.isArray(t.shape) || t.shape.length !== shape.length || t.shape.some((d, i) => d !== shape[i])) {
      fail(file, `tensor '${name}' has shape ${JSON.stringify(t.shape)}, the config implies [${shape.join(', ')}]`);
    }
    const n = shape.reduce((a, b) => a * b, 1);
    const bytes = n * dtypeBytes(t.dtype);
    if (t.bytes !== bytes) fail(file, `tensor '${name}' declares ${String(t.bytes)} bytes, its shape and dtype need ${bytes}`);
    if (!Number.isInteger(t.offset) || (t.offset as number) !== end) fail(file, `tensor '${name}' is at offset ${String(t.offset)}, expected ${end} (tensors are packed in order)`);
    end += bytes;
    if (end > MAX_WEIGHT_BYTES) fail(file, `declares more than ${MAX_WEIGHT_BYTES} bytes of weights`);
    tensors.push({ name, dtype: t.dtype, shape: [...shape], offset: t.offset as number, bytes });
  }
  for (const name of expected.keys()) if (!seen.has(name)) fail(file, `tensor '${name}' is missing`);
  if (fileSize !== undefined && fileSize !== end) fail(file, `${j.weightsFile as string} has ${fileSize} bytes, the tensors declare ${end}`);
  return { ...(j as unknown as CheckpointJson), tensors };
}
