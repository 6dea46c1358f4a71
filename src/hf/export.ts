/**
 * Write our language model as a Hugging Face GPT-2 folder that `transformers` loads with
 * `GPT2LMHeadModel.from_pretrained(dir)` and `AutoTokenizer.from_pretrained(dir)`:
 *
 *   config.json            model_type gpt2, our shape (gpt2-config.ts)
 *   model.safetensors      float32 weights under GPT2LMHeadModel's names (the head tied, not stored)
 *   vocab.json, merges.txt our byte-level BPE in GPT-2's spelling (tokenizer-files.ts)
 *   tokenizer_config.json  which tokenizer class reads them
 *
 * The folder is built under a temporary name beside `out` and renamed into place, so it appears
 * whole or not at all. What the format cannot hold is refused before anything is written.
 */
import * as fs from 'fs';
import * as path from 'path';
import { InputError } from '../errors';
import type { GPT } from '../model/gpt';
import { BpeTokenizer } from '../tokenize/bpe';
import type { Tokenizer } from '../tokenize/tokenizer';
import { hfConfigFromGpt, hfTensorName } from './gpt2-config';
import { HF_CONFIG_FILE, HF_WEIGHTS_FILE } from './load';
import { encodeSafetensors } from './safetensors';
import { bpeToHfFiles } from './tokenizer-files';

export interface ExportedFile { readonly name: string; readonly bytes: number }

/** The files of the export, in memory (checked, nothing written). */
export function gpt2FolderFiles(model: GPT, tokenizer: Tokenizer): Map<string, Buffer> {
  if (model.nClasses > 0) throw new InputError('the model has a classification head; GPT2LMHeadModel holds a language model only');
  if (!(tokenizer instanceof BpeTokenizer)) throw new InputError("the model's tokenizer is not a byte-level BPE; GPT-2's tokenizer files hold byte-level BPE only");
  if (tokenizer.vocabSize > model.config.vocabSize) throw new InputError(`the tokenizer has ${tokenizer.vocabSize} tokens, the model only ${model.config.vocabSize}`);
  const { vocab, merges } = bpeToHfFiles(tokenizer);
  const eot = tokenizer.specialTokens.get('<|endoftext|>');
  const tensors = model.specs.map((s) => ({ name: hfTensorName(s.name), shape: s.shape, data: model.params.get(s.name)!.dataSync() as Float32Array }));
  for (const t of tensors) {
    for (let i = 0; i < t.data.length; i++) if (!Number.isFinite(t.data[i])) throw new InputError(`tensor '${t.name}' has a non-finite value at index ${i}`);
  }
  const json = (x: unknown): Buffer => Buffer.from(JSON.stringify(x, null, 2) + '\n');
  const special = eot === undefined ? null : '<|endoftext|>';
  return new Map([
    [HF_CONFIG_FILE, json(hfConfigFromGpt(model.config, eot === undefined ? {} : { bos: eot, eos: eot }))],
    [HF_WEIGHTS_FILE, encodeSafetensors(tensors, { format: 'pt' })],
    ['vocab.json', json(vocab)],
    ['merges.txt', Buffer.from(merges)],
    ['tokenizer_config.json', json({
      tokenizer_class: 'GPT2Tokenizer', add_prefix_space: false, model_max_length: model.config.blockSize,
      bos_token: special, eos_token: special, unk_token: special, pad_token: null,
    })],
  ]);
}

/**
 * Export to folder `out`, which must not exist yet or be empty. Returns the files written.
 * @example lg.exportGpt2(model, tokenizer, 'out/hf-lm')
 */
export function exportGpt2(model: GPT, tokenizer: Tokenizer, out: string): ExportedFile[] {
  let st: fs.Stats | null = null;
  try { st = fs.lstatSync(out); } catch { /* a new folder */ }
  if (st && (!st.isDirectory() || fs.readdirSync(out).length > 0)) {
    throw new InputError(`${out}: exists and is not an empty folder (a link, a file or a folder with files); export hf writes a new folder`);
  }
  const files = gpt2FolderFiles(model, tokenizer);
  const parent = path.dirname(path.resolve(out));
  let tmp: string | null = null;
  try {
    fs.mkdirSync(parent, { recursive: true });
    tmp = fs.mkdtempSync(path.join(parent, `.${path.basename(out)}.tmp-`));
    for (const [name, bytes] of files) fs.writeFileSync(path.join(tmp, name), bytes);
    if (st) fs.rmdirSync(out); // empty (checked above): rmdir refuses anything else
    fs.renameSync(tmp, out);
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    throw new InputError(`${out}: cannot write the folder (${err.code ?? err.message.split('\n')[0]}); nothing was written`);
  } finally {
    if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
  }
  return [...files].map(([name, b]) => ({ name, bytes: b.length }));
}
