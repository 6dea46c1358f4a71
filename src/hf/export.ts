/**
 * Write our language model as a Hugging Face GPT-2 folder that `transformers` loads with
 * `GPT2LMHeadModel.from_pretrained(dir)` and `AutoTokenizer.from_pretrained(dir)`:
 *
 *   model.safetensors      float32 weights under GPT2LMHeadModel's names (the head tied, not stored)
 *   vocab.json, merges.txt our byte-level BPE in GPT-2's spelling (tokenizer-files.ts)
 *   tokenizer_config.json  which tokenizer class reads them
 *   config.json            model_type gpt2, our shape (gpt2-config.ts)
 *
 * The same rules as every other write of the project (checkpoint/atomic.ts, checkpoint/lock.ts):
 *
 * - One writer per folder: `out` is locked (created if new) before anything else, so a second
 *   export into it is refused in one line, and it must be new or empty (the lock aside).
 * - Each file is written whole or not at all (writeFileAtomic; the weights through
 *   writeChunksAtomic, one tensor at a time, so the file is never held in memory whole), in the
 *   order above: config.json, what makes a folder a Hugging Face folder (isHfFolder), comes last.
 * - Each name is journaled in the lock before it is written, so after a kill -9 the next writer
 *   that takes the stale lock removes exactly what this export left; a complete export empties
 *   the journal again.
 * - A failure (a full disk, a read-only one, permission denied) removes the files this export
 *   already wrote and throws a WriteError (one line, exit code 2); `out` is as it was (a folder
 *   the lock created is removed with it).
 *
 * What the format cannot hold is refused before anything is written.
 */
import * as fs from 'fs';
import * as path from 'path';
import { showPath, writeChunksAtomic, WriteError } from '../checkpoint/atomic';
import { fsReason } from '../checkpoint/fs-reason';
import { clearJournal, journalPending, LOCK_FILE, lockFolder, unlockFolder } from '../checkpoint/lock';
import { InputError } from '../errors';
import type { GPT } from '../model/gpt';
import { BpeTokenizer } from '../tokenize/bpe';
import type { Tokenizer } from '../tokenize/tokenizer';
import { hfConfigFromGpt, hfTensorName } from './gpt2-config';
import { HF_CONFIG_FILE, HF_WEIGHTS_FILE } from './load';
import { safetensorsChunks, safetensorsLayout, type TensorToWrite } from './safetensors';
import { bpeToHfFiles } from './tokenizer-files';

export interface ExportedFile { readonly name: string; readonly bytes: number }

/** A file of the export: its size, and its bytes made only when it is written. */
interface PlannedFile extends ExportedFile { chunks(): Iterable<Uint8Array> }

/**
 * The files of the export in the order they are written (config.json last), checked: what the
 * format cannot hold throws an InputError here. The weights are read from the model only as
 * they are written, one tensor at a time.
 */
function gpt2FolderPlan(model: GPT, tokenizer: Tokenizer): PlannedFile[] {
  if (model.nClasses > 0) throw new InputError('the model has a classification head; GPT2LMHeadModel holds a language model only');
  if (!(tokenizer instanceof BpeTokenizer)) throw new InputError("the model's tokenizer is not a byte-level BPE; GPT-2's tokenizer files hold byte-level BPE only");
  if (tokenizer.vocabSize > model.config.vocabSize) throw new InputError(`the tokenizer has ${tokenizer.vocabSize} tokens, the model only ${model.config.vocabSize}`);
  const { vocab, merges } = bpeToHfFiles(tokenizer);
  const eot = tokenizer.specialTokens.get('<|endoftext|>');
  // Every value checked before anything is written, one tensor in memory at a time.
  for (const s of model.specs) {
    const data = model.params.get(s.name)!.dataSync() as Float32Array;
    for (let i = 0; i < data.length; i++) if (!Number.isFinite(data[i])) throw new InputError(`tensor '${hfTensorName(s.name)}' has a non-finite value at index ${i}`);
  }
  const tensors: TensorToWrite[] = model.specs.map((s) => ({ name: hfTensorName(s.name), shape: s.shape, data: () => model.params.get(s.name)!.dataSync() as Float32Array }));
  const metadata = { format: 'pt' };
  const small = (name: string, bytes: Buffer): PlannedFile => ({ name, bytes: bytes.length, chunks: () => [bytes] });
  const json = (x: unknown): Buffer => Buffer.from(JSON.stringify(x, null, 2) + '\n');
  const special = eot === undefined ? null : '<|endoftext|>';
  return [
    { name: HF_WEIGHTS_FILE, bytes: safetensorsLayout(tensors, metadata).bytes, chunks: () => safetensorsChunks(tensors, metadata) },
    small('vocab.json', json(vocab)),
    small('merges.txt', Buffer.from(merges)),
    small('tokenizer_config.json', json({
      tokenizer_class: 'GPT2Tokenizer', add_prefix_space: false, model_max_length: model.config.blockSize,
      bos_token: special, eos_token: special, unk_token: special, pad_token: null,
    })),
    small(HF_CONFIG_FILE, json(hfConfigFromGpt(model.config, eot === undefined ? {} : { bos: eot, eos: eot }))),
  ];
}

/** The files of the export, in memory (checked, nothing written). */
export function gpt2FolderFiles(model: GPT, tokenizer: Tokenizer): Map<string, Buffer> {
  return new Map(gpt2FolderPlan(model, tokenizer).map((f) => [f.name, Buffer.concat([...f.chunks()])]));
}

const notEmpty = (out: string): InputError =>
  new InputError(`${showPath(out)}: exists and is not an empty folder (a link, a file or a folder with files); export hf writes a new folder`);

/**
 * Take the write lock of `out` (creating it, and missing parents, when new) and check that it
 * can receive an export: a new folder or an empty one, our lock aside. Throws an InputError —
 * another live process writing there, a link, a file, a folder with files, a place that cannot
 * be written — holding nothing then. Re-entrant; give it back with unlockFolder (the CLI's lock
 * is released when the command ends).
 */
export function lockGpt2Out(out: string): void {
  let st: fs.Stats | null = null;
  try { st = fs.lstatSync(out); } catch { /* a new folder */ }
  if (st && !st.isDirectory()) throw notEmpty(out);
  lockFolder(out, { create: true });
  let other: string[];
  try {
    other = fs.readdirSync(out).filter((f) => f !== LOCK_FILE && !f.startsWith(`${LOCK_FILE}.`));
  } catch (e) {
    unlockFolder(out);
    throw new InputError(`${showPath(out)}: cannot read the folder (${fsReason(e)})`);
  }
  if (other.length > 0) { unlockFolder(out); throw notEmpty(out); }
}

/** Write the planned files into `out` (locked, empty); on failure remove what was written and throw one line. */
function writePlan(out: string, plan: readonly PlannedFile[]): void {
  const written: string[] = [];
  try {
    for (const f of plan) {
      journalPending(out, f.name); // a kill -9 from here on: the next writer to take the lock removes it
      writeChunksAtomic(path.join(out, f.name), f.chunks());
      written.push(path.join(out, f.name));
    }
    clearJournal(out); // complete: nothing of it is a leftover any more
  } catch (e) {
    let kept = 0;
    for (const file of written.reverse()) { try { fs.unlinkSync(file); } catch { kept++; } }
    const code = (e as NodeJS.ErrnoException).code;
    if (!(e instanceof WriteError) && (e instanceof InputError || code === undefined)) throw e; // not the filesystem's
    const reason = e instanceof WriteError ? e.reason : fsReason(e);
    const left = kept === 0 ? 'nothing was written' : `${kept} file(s) already written could not be removed`;
    throw new WriteError(`${showPath(out)}: cannot write the export (${reason}); ${left}`, e instanceof WriteError ? e.code : code, reason);
  }
}

/**
 * Export to folder `out`, which must not exist yet or be empty. Returns the files written.
 * @example lg.exportGpt2(model, tokenizer, 'out/hf-lm')
 */
export function exportGpt2(model: GPT, tokenizer: Tokenizer, out: string): ExportedFile[] {
  lockGpt2Out(out);
  try {
    const plan = gpt2FolderPlan(model, tokenizer);
    writePlan(out, plan);
    return plan.map(({ name, bytes }) => ({ name, bytes }));
  } finally {
    unlockFolder(out);
  }
}
